-- Custom SQL migration file, put you code below! --
CREATE INDEX IF NOT EXISTS "orders_status_placed_at_idx" ON "orders" ("status", "placed_at");
CREATE INDEX IF NOT EXISTS "shipments_order_id_idx" ON "shipments" ("order_id");
CREATE INDEX IF NOT EXISTS "orders_shipped_on_idx" ON "orders" ("shipped_on");
