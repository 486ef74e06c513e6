CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    total_cents bigint NOT NULL
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
