-- Repeatable: runs after all versioned migrations.
CREATE OR REPLACE VIEW order_summary AS
SELECT user_id, status, count(*) AS orders, sum(total_cents) AS total_cents
FROM orders
GROUP BY user_id, status;
