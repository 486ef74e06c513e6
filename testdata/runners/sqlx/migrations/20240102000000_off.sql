-- no-transaction
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
