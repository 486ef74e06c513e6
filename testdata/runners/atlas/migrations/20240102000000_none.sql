-- atlas:txmode none

CREATE TABLE u (c int);
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);
