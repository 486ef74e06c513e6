-- Composite types changed attribute by attribute, and columns of composite types.
CREATE TYPE address AS (street text, zip varchar(10));
ALTER TYPE address ADD ATTRIBUTE city text;
ALTER TYPE address ALTER ATTRIBUTE zip TYPE varchar(20);
ALTER TYPE address RENAME ATTRIBUTE street TO line1;
CREATE TYPE scratch AS (a int, b int);
ALTER TYPE scratch DROP ATTRIBUTE b;
ALTER TYPE scratch RENAME TO scratch_pad;
CREATE TYPE "GeoPoint" AS (lat double precision, lon double precision);
CREATE TABLE customers (
    id int PRIMARY KEY,
    home address,
    past_homes address[],
    spot "GeoPoint",
    shape archive.room_shape
);

-- A foreign table (file_fdw from contrib): columns, NOT NULL, a default and a CHECK, options.
CREATE EXTENSION IF NOT EXISTS file_fdw;
CREATE SERVER imports FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE legacy_orders (
    id int NOT NULL,
    customer_id int,
    total numeric(12,2) DEFAULT 0,
    CONSTRAINT legacy_orders_total CHECK (total >= 0)
) SERVER imports OPTIONS (filename '/dev/null', format 'csv');
ALTER FOREIGN TABLE legacy_orders ADD COLUMN placed_at timestamptz;
ALTER FOREIGN TABLE legacy_orders OPTIONS (ADD header 'true', SET format 'text');
ALTER FOREIGN TABLE legacy_orders RENAME COLUMN customer_id TO client_id;
ALTER FOREIGN TABLE legacy_orders ALTER COLUMN total TYPE numeric(14,2);
CREATE FOREIGN TABLE scratch_import (line text) SERVER imports OPTIONS (filename '/dev/null');
DROP FOREIGN TABLE scratch_import;
-- The catalog follows a foreign table moved to another schema and a server renamed.
CREATE SERVER staging FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE staged_rows (line text) SERVER staging OPTIONS (filename '/dev/null');
ALTER FOREIGN TABLE staged_rows SET SCHEMA archive;
ALTER SERVER staging RENAME TO staging_files;
