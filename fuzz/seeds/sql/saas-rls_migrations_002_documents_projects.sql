-- Documents: tenant_id is denormalised from the owner (no foreign key, documents outlive
-- offboarded tenants in the archive), and nothing indexes it.
CREATE TABLE documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    owner_id uuid NOT NULL REFERENCES users (id),
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_owner_id_idx ON documents (owner_id);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_tenant_isolation ON documents
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
CREATE POLICY documents_owner_update ON documents
    FOR UPDATE
    USING (owner_id = current_setting('app.user_id')::uuid);

-- Projects: the policy is written before RLS is enabled (drizzle-kit's order); that is fine.
CREATE TABLE projects (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL
);
CREATE INDEX projects_tenant_id_idx ON projects (tenant_id, name);
CREATE POLICY projects_tenant_isolation ON projects
    USING (tenant_id = (SELECT current_setting('app.tenant_id')::uuid));
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
