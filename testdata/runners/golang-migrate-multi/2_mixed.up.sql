SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
VACUUM t;
