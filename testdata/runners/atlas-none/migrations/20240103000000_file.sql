-- atlas:txmode file

CREATE TABLE v (c int);
CREATE INDEX CONCURRENTLY t_b_idx ON t (b);
