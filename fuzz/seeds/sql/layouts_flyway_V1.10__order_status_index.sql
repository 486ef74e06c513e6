-- Needs orders.status from V1.9: versions compare numerically, 1.10 runs after 1.9.
CREATE INDEX orders_status_idx ON orders (status);
