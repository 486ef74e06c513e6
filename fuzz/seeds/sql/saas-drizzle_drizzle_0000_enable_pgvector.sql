-- Custom SQL migration file, put your code below! --
-- knowledge_chunks.embedding is a pgvector column: the extension must exist first.
CREATE EXTENSION IF NOT EXISTS vector;
