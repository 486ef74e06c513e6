-- atlas:txmode none
CREATE INDEX CONCURRENTLY t_b_idx ON t (b);
