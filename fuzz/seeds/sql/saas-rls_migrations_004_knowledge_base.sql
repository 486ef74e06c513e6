-- Knowledge base for retrieval-augmented answers.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE kb_articles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title text NOT NULL,
    embedding_large vector(3072)
);
CREATE INDEX kb_articles_tenant_id_idx ON kb_articles (tenant_id);
ALTER TABLE kb_articles ENABLE ROW LEVEL SECURITY;
CREATE POLICY kb_articles_tenant_isolation ON kb_articles
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
-- text-embedding-3-large: 3072 dimensions, more than an HNSW index on vector holds.
CREATE INDEX kb_articles_embedding_large_idx ON kb_articles
    USING hnsw (embedding_large vector_cosine_ops);

CREATE TABLE kb_chunks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    article_id uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    content text NOT NULL,
    embedding vector(1536) NOT NULL
);
CREATE INDEX kb_chunks_tenant_idx ON kb_chunks (tenant_id);
CREATE INDEX kb_chunks_article_id_idx ON kb_chunks (article_id);
ALTER TABLE kb_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY kb_chunks_tenant_isolation ON kb_chunks
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
-- Built on an empty table: the lists are trained on nothing.
CREATE INDEX kb_chunks_embedding_idx ON kb_chunks
    USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);
