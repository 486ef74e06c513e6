-- Runs after 002_events.sql (natural sort: 10 > 2); depends on events and billing.
CREATE VIEW account_activity AS
SELECT a.id AS account_id, a.email, count(e.id) AS event_count, max(e.occurred_at) AS last_seen
FROM accounts a
LEFT JOIN events e ON e.account_id = a.id
GROUP BY a.id, a.email;

ALTER TABLE billing.invoices ADD COLUMN paid_at timestamptz DEFAUT now();

CREATE INDEX invoices_customer_due_idx ON billing.invoices (customer_id, due_date);

CREATE INDEX events_kind_occurred_at_idx ON events (kind, occurred_at);
