-- Invoices: policies written, RLS never enabled.
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    amount_cents bigint NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_tenant_id_idx ON invoices (tenant_id);
CREATE POLICY invoices_tenant_isolation ON invoices
    USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Audit log: RLS enabled, the policies were left for later.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_id_at_idx ON audit_log (tenant_id, at);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
