-- Generated columns: PostgreSQL stores `price * (quantity)::numeric` and `lower(email)`.
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    price numeric NOT NULL,
    quantity integer NOT NULL DEFAULT 1,
    total numeric GENERATED ALWAYS AS (price * quantity) STORED,
    email varchar(200),
    email_key text GENERATED ALWAYS AS (lower(email)) STORED
);

ALTER TABLE orders ADD COLUMN label text GENERATED ALWAYS AS ('#' || id::text) STORED;
ALTER TABLE orders ADD COLUMN frozen_total numeric GENERATED ALWAYS AS (price * 2) STORED;
-- The values stay, the expression goes: a plain column.
ALTER TABLE orders ALTER COLUMN frozen_total DROP EXPRESSION;
-- The generation expression follows the rename (the catalog refers to the column by number).
ALTER TABLE orders RENAME COLUMN email TO contact_email;

CREATE VIEW order_totals AS SELECT o.id, o.total FROM orders o WHERE o.total > 0;
CREATE VIEW big_orders AS SELECT * FROM order_totals WHERE total > 1000;
