-- DROP … CASCADE takes the dependents with it, as PostgreSQL does.
CREATE TABLE customers (
    id int PRIMARY KEY,
    name text NOT NULL,
    region text,
    owner text
);
CREATE TABLE invoices (
    id int PRIMARY KEY,
    customer_id int REFERENCES customers (id),
    amount numeric
);
CREATE VIEW customer_names AS SELECT id, name FROM customers;
CREATE VIEW customer_regions AS SELECT c.id, c.region FROM customers c;
CREATE VIEW region_counts AS SELECT region, count(*) AS n FROM customer_regions GROUP BY region;

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_customers ON customers USING (owner = current_user);

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_region BEFORE UPDATE OF region ON customers
    FOR EACH ROW EXECUTE FUNCTION touch();

-- Drops the view over it and the view over that view, and the trigger on the column.
ALTER TABLE customers DROP COLUMN region CASCADE;
-- Drops the policy.
ALTER TABLE customers DROP COLUMN owner CASCADE;
-- The generated column `total` and the two views over it go; `price` stays.
ALTER TABLE orders DROP COLUMN quantity CASCADE;

CREATE TABLE archive (id int PRIMARY KEY, note text);
CREATE VIEW archive_notes AS SELECT note FROM archive;
CREATE TABLE archive_refs (id int PRIMARY KEY, archive_id int REFERENCES archive (id));
-- Drops the view and the other table's foreign key; `archive_refs` stays.
DROP TABLE archive CASCADE;

CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE diary (id int PRIMARY KEY, feeling mood, note text);
CREATE VIEW diary_moods AS SELECT id, feeling FROM diary;
-- Drops the column of that type and the view that reads it.
DROP TYPE mood CASCADE;

-- Dropping a column with a view whose `SELECT *` came before the column was added.
CREATE TABLE notes (id int PRIMARY KEY);
CREATE VIEW all_notes AS SELECT * FROM notes;
ALTER TABLE notes ADD COLUMN body text;
ALTER TABLE notes DROP COLUMN body;
