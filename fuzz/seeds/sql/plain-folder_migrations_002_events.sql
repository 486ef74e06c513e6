-- Append-only event log, partitioned by month.
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_2024_01 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_account_id_occurred_at_idx ON events (account_id, occurred_at);
CREATE INDEX events_payload_type_idx ON events ((payload ->> 'type'));
