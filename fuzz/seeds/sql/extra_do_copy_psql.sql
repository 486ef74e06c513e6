DO $$ BEGIN
  CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, a int REFERENCES t (id));
  IF NOT EXISTS (SELECT 1) THEN CREATE INDEX i ON t (a); END IF;
EXCEPTION WHEN duplicate_object THEN null;
END $$;
COPY t (id, a) FROM stdin;
1	\N
\.
\connect db
\set x 1
CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO t VALUES (1); DELETE FROM t);
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA s; SET search_path = s, public;
CREATE TABLE "Q" (x text COLLATE "C", y int GENERATED ALWAYS AS IDENTITY, UNIQUE NULLS NOT DISTINCT (x));
CREATE INDEX CONCURRENTLY IF NOT EXISTS qx ON "Q" USING btree (lower(x) text_pattern_ops DESC NULLS LAST) INCLUDE (y) WHERE y > 0;
ALTER TABLE "Q" RENAME TO q2; ALTER INDEX qx RENAME TO qy; DROP INDEX qy;
CREATE TABLE p (id int) PARTITION BY RANGE (id); CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (10);
CREATE INDEX ON p (id); ALTER TABLE p ENABLE ROW LEVEL SECURITY;
CREATE POLICY pol ON p USING (id = current_setting('app.id')::int);
-- driftlint-ignore no-primary-key
CREATE TABLE e (v vector(3)); CREATE INDEX ON e USING hnsw (v vector_cosine_ops) WITH (m = 16);
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS vector; CREATE TYPE mood AS ENUM ('a','b'); ALTER TYPE mood ADD VALUE 'c';
