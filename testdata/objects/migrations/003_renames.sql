-- Renames and moves the catalog follows by OID.
CREATE TABLE invoices (no int NOT NULL);
ALTER SEQUENCE invoice_numbers RENAME TO invoice_no_seq;
ALTER SEQUENCE invoice_no_seq OWNED BY invoices.no;
ALTER SEQUENCE invoice_no_seq AS bigint;
ALTER TABLE invoices RENAME COLUMN no TO number;
ALTER TABLE invoices RENAME TO bills;

CREATE SCHEMA archive;
ALTER TABLE measurements_2023 SET SCHEMA archive;
ALTER TABLE bills SET SCHEMA archive;
ALTER VIEW room_names SET SCHEMA archive;
ALTER MATERIALIZED VIEW booking_counts SET SCHEMA archive;
ALTER FUNCTION touch_note() SET SCHEMA archive;
ALTER FUNCTION room_label(int, varchar) RENAME TO space_label;
ALTER TYPE mood SET SCHEMA archive;
ALTER TRIGGER audit_log_touch ON audit_log RENAME TO audit_log_note;

CREATE OR REPLACE FUNCTION space_label(room_id int, prefix varchar DEFAULT 'Room') RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT prefix || ' #' || room_id::text $$;

ALTER TABLE rooms RENAME TO spaces;
ALTER TABLE click_events NO INHERIT events;
ALTER TABLE click_events INHERIT events;
ALTER TABLE cache_entries SET LOGGED;
ALTER TABLE cache_entries SET UNLOGGED;

-- An identity column's sequence follows the column's type; a serial column's keeps its own.
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY, n smallserial);
ALTER TABLE tickets ALTER COLUMN id TYPE integer, ALTER COLUMN n TYPE int;
ALTER TYPE room_shape SET SCHEMA archive;

-- Column changes on an inheritance parent recurse to its children and grandchildren, as on a
-- partitioned table to its partitions, except with ONLY; a child's own column of the same name
-- (`extra`, declared again by the child) outlives the parent's DROP COLUMN.
CREATE TABLE docs (id int PRIMARY KEY, title text, body text, size int, extra int, gone int);
CREATE TABLE memo_docs (extra int, due date) INHERITS (docs);
CREATE TABLE urgent_memo_docs () INHERITS (memo_docs);
ALTER TABLE docs ADD COLUMN author text;
ALTER TABLE docs DROP COLUMN gone;
ALTER TABLE docs DROP COLUMN extra;
ALTER TABLE docs RENAME COLUMN title TO heading;
ALTER TABLE docs ALTER COLUMN size TYPE bigint;
ALTER TABLE docs ALTER COLUMN body SET DEFAULT 'empty';
ALTER TABLE docs ALTER COLUMN author SET NOT NULL;
ALTER TABLE ONLY docs ALTER COLUMN body SET DEFAULT 'none';
ALTER TABLE ONLY docs DROP COLUMN size;
ALTER TABLE measurements ADD COLUMN unit text DEFAULT 'kg';
