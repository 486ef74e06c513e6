CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    name text,
    tenant_id int,
    created_at timestamptz,
    deleted_at timestamptz
);

-- A unique index on the primary key's column duplicates the primary key.
CREATE UNIQUE INDEX users_id_again ON users (id);

-- An explicit default operator class is the default: a duplicate. Another opclass or another
-- collation is another index.
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_email_text_ops ON users (email text_ops);
CREATE INDEX users_email_pattern ON users (email text_pattern_ops);
CREATE INDEX users_email_c ON users (email COLLATE "C");

-- Two spellings of one expression; another expression.
CREATE INDEX users_lower_email ON users (lower(email));
CREATE INDEX users_lower_email2 ON users (LOWER( email ));
CREATE INDEX users_upper_email ON users (upper(email));

-- DESC implies NULLS FIRST; ascending is another order.
CREATE INDEX users_created_desc ON users (created_at DESC);
CREATE INDEX users_created_desc_nf ON users (created_at DESC NULLS FIRST);
CREATE INDEX users_created_asc ON users (created_at);

-- A prefix of a composite index is redundant; a partial one with another predicate is not,
-- and neither is a hash index.
CREATE INDEX users_tenant ON users (tenant_id);
CREATE INDEX users_tenant_created ON users (tenant_id, created_at);
CREATE INDEX users_tenant_live ON users (tenant_id) WHERE deleted_at IS NULL;
CREATE INDEX users_tenant_hash ON users USING hash (tenant_id);

-- INCLUDE compares as a set.
CREATE INDEX users_name_inc ON users (name) INCLUDE (email, tenant_id);
CREATE INDEX users_name_inc2 ON users (name) INCLUDE (tenant_id, email);
