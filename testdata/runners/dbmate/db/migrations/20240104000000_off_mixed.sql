-- migrate:up transaction:false
CREATE TABLE u (c int);
CREATE INDEX CONCURRENTLY u_c_idx ON u (c);

-- migrate:down
DROP TABLE u;
