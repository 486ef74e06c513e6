-- Initial schema: accounts in public, invoicing in its own schema.
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX accounts_email_lower_key ON accounts (lower(email));

CREATE SCHEMA billing;

CREATE TABLE billing.invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id),
    number text NOT NULL UNIQUE,
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'open', 'paid', 'void')),
    total_cents bigint NOT NULL DEFAULT 0,
    due_date date,
    issued_at timestamptz
);

CREATE INDEX invoices_account_id_idx ON billing.invoices (account_id);
CREATE INDEX invoices_open_due_date_idx ON billing.invoices (due_date) WHERE status = 'open';

SET search_path TO billing, public;

-- Unqualified names below resolve through search_path: these tables are billing.*
CREATE TABLE line_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    description text NOT NULL,
    quantity integer NOT NULL DEFAULT 1,
    unit_cents bigint NOT NULL
);

CREATE INDEX line_items_invoice_id_idx ON line_items (invoice_id);

CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES invoices (id),
    amount_cents bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);

SET search_path TO public;
