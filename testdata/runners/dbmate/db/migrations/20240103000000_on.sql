-- migrate:up
CREATE INDEX CONCURRENTLY t_b_idx ON t (b);

-- migrate:down
DROP INDEX t_b_idx;
