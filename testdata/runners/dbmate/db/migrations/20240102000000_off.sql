-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);

-- migrate:down
DROP INDEX t_a_idx;
