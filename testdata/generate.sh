#!/usr/bin/env bash
# Regenerates the drizzle-kit output (drizzle/*.sql, drizzle/meta/*) of the Drizzle
# fixtures with the real drizzle-kit. No database is needed: `drizzle-kit generate`
# only diffs the TypeScript schema against the previous snapshot.
#
#   testdata/saas-drizzle    drizzle-kit 0.31.11 + drizzle-orm 0.45.4
#   testdata/drizzle-legacy  drizzle-kit 0.24.2  + drizzle-orm 0.33.0 (pre-0.30 SQL style)
#   testdata/drizzle-authjs  drizzle-kit 0.31.11 + drizzle-orm 0.45.4 (Auth.js camelCase,
#                            custom schema, pgvector, composite keys)
#   testdata/drizzle-enums   drizzle-kit 0.31.11 + drizzle-orm 0.45.4 (camelCase enum names,
#                            an enum in another schema, enum arrays, ADD VALUE)
#
# The tools are installed with npm into a temporary directory (nothing is installed
# into the repository). Each fixture is copied next to that node_modules, generated
# there, and its drizzle/ folder is copied back, replacing the old one.
#
# Hand-written ("custom") migrations are created with `drizzle-kit generate --custom`
# so they are in the journal; their SQL is appended below, as a user would type it.
# Journal timestamps and snapshot ids are new on every run.
#
# Usage: bash testdata/generate.sh [saas-drizzle|drizzle-legacy|drizzle-authjs|drizzle-enums]...
set -euo pipefail

NEW_KIT=0.31.11
NEW_ORM=0.45.4
OLD_KIT=0.24.2
OLD_ORM=0.33.0

HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

FIXTURES=("$@")
if [ ${#FIXTURES[@]} -eq 0 ]; then
  FIXTURES=(saas-drizzle drizzle-legacy drizzle-authjs drizzle-enums)
fi

install_kit() { # dir kit orm
  if [ ! -x "$1/node_modules/.bin/drizzle-kit" ]; then
    mkdir -p "$1"
    npm install --prefix "$1" --no-audit --no-fund --loglevel=error \
      "drizzle-kit@$2" "drizzle-orm@$3" >&2
  fi
}

# Appends stdin to file $1 as a user would type it below drizzle-kit's header line
# (the header drizzle-kit writes into a custom migration has no trailing newline).
append_sql() {
  if [ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" != '\n' ]; then
    printf '\n' >> "$1"
  fi
  cat >> "$1"
}

# Copies fixture $1 (without drizzle/) under $2/work and prints the copy's path.
stage() {
  local dst="$2/work/$1"
  rm -rf "$dst"
  mkdir -p "$dst"
  (cd "$HERE/$1" && tar --exclude=./drizzle --exclude=./node_modules -cf - .) | (cd "$dst" && tar -xf -)
  echo "$dst"
}

# Copies the generated drizzle/ folder of staged copy $2 back into fixture $1.
unstage() {
  rm -rf "$HERE/$1/drizzle"
  cp -r "$2/drizzle" "$HERE/$1/drizzle"
}

gen_saas_drizzle() {
  local root="$TMP/new"
  install_kit "$root" "$NEW_KIT" "$NEW_ORM"
  local kit="$root/node_modules/.bin/drizzle-kit"
  local w
  w=$(stage saas-drizzle "$root")
  cd "$w"

  # 0000: drizzle-kit does not emit CREATE EXTENSION, so it goes first, by hand.
  "$kit" generate --custom --name enable_pgvector
  append_sql drizzle/0000_enable_pgvector.sql <<'SQL'
-- knowledge_chunks.embedding is a pgvector column: the extension must exist first.
CREATE EXTENSION IF NOT EXISTS vector;
SQL

  # 0001: the whole TypeScript schema.
  "$kit" generate --name init

  # 0002: hand-written performance indexes, column names taken from a planning
  # document instead of the schema. See saas-drizzle/expected.md.
  "$kit" generate --custom --name add_performance_indexes
  append_sql drizzle/0002_add_performance_indexes.sql <<'SQL'
-- Performance indexes from docs/planning/db-performance.md (hand-written:
-- drizzle-kit does not know about any of these).

-- Auth: nightly job deletes expired sessions
CREATE INDEX idx_auth_sessions_expires ON auth_sessions (expires_at);--> statement-breakpoint
-- Auth: adapter looks accounts up by user
CREATE INDEX idx_auth_accounts_user_id ON auth_accounts (user_id);--> statement-breakpoint
-- Auth: session join users by id / by email
CREATE INDEX idx_users_id ON users (id);--> statement-breakpoint
CREATE UNIQUE INDEX idx_users_email ON users (email);--> statement-breakpoint
CREATE INDEX idx_users_email_lower ON users (lower(email));--> statement-breakpoint

-- Tenancy: "which tenants is this user in"
CREATE INDEX idx_tenant_members_user_id ON tenant_members (user_id);--> statement-breakpoint

-- Chat: sidebar lists recent conversations, thread view pages messages
CREATE INDEX idx_conversations_tenant_updated ON conversations (tenant_id, updated_at DESC);--> statement-breakpoint
CREATE INDEX idx_messages_conversation_created ON messages (conversation_id, created_at DESC);--> statement-breakpoint
CREATE INDEX idx_messages_conversation ON messages (conversation_id);--> statement-breakpoint

-- Usage accounting: per-tenant cost dashboard
CREATE INDEX idx_cost_events_tenant ON cost_events (tenant_id);--> statement-breakpoint
CREATE INDEX idx_cost_events_tenant_type ON cost_events (tenant_id, event_type);--> statement-breakpoint
CREATE INDEX idx_cost_events_created_cover ON cost_events (created_at) INCLUDE (tokens, cost_usd);--> statement-breakpoint
CREATE INDEX idx_budget_alerts_open ON budget_alerts (tenant_id) WHERE is_acknowledged = false;--> statement-breakpoint

-- Knowledge base: tenant filter and similarity search
CREATE INDEX idx_knowledge_chunks_tenant ON knowledge_chunks (tenant_id);--> statement-breakpoint
CREATE INDEX idx_knowledge_chunks_embedding ON knowledge_chunks USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);--> statement-breakpoint

-- Daily usage rollup filled by a cron job (not in the Drizzle schema)
CREATE TABLE tenant_usage_daily (
	tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
	day date NOT NULL,
	tokens bigint NOT NULL DEFAULT 0,
	cost numeric(12, 6) NOT NULL DEFAULT 0
);--> statement-breakpoint
CREATE INDEX idx_tenant_usage_daily_tenant_day ON tenant_usage_daily (tenant_id, day);
SQL

  cd "$HERE"
  unstage saas-drizzle "$w"
}

gen_drizzle_legacy() {
  local root="$TMP/old"
  install_kit "$root" "$OLD_KIT" "$OLD_ORM"
  local kit="$root/node_modules/.bin/drizzle-kit"
  local w
  w=$(stage drizzle-legacy "$root")
  cd "$w"

  # 0000: the first version of the schema (no phone, no shipped_at, no shipments,
  # no order_items index).
  cp src/schema.ts "$TMP/schema.final.ts"
  cat > src/schema.ts <<'TS'
import {
  index,
  integer,
  pgEnum,
  pgTable,
  serial,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';

export const orderStatus = pgEnum('order_status', ['pending', 'paid', 'shipped', 'cancelled']);

export const customers = pgTable('customers', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  fullName: text('full_name').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  sku: varchar('sku', { length: 64 }).notNull().unique(),
  name: text('name').notNull(),
  priceCents: integer('price_cents').notNull(),
});

export const orders = pgTable(
  'orders',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id),
    status: orderStatus('status').default('pending').notNull(),
    placedAt: timestamp('placed_at').defaultNow().notNull(),
  },
  (t) => ({
    customerIdx: index('orders_customer_id_idx').on(t.customerId),
  }),
);

export const orderItems = pgTable('order_items', {
  id: serial('id').primaryKey(),
  orderId: integer('order_id')
    .notNull()
    .references(() => orders.id, { onDelete: 'cascade' }),
  productId: integer('product_id')
    .notNull()
    .references(() => products.id),
  quantity: integer('quantity').notNull().default(1),
});
TS
  "$kit" generate --name init

  # 0001: the current schema (src/schema.ts as committed).
  cp "$TMP/schema.final.ts" src/schema.ts
  "$kit" generate --name shipments

  # 0002: hand-written reporting indexes; one uses a wrong column name.
  "$kit" generate --custom --name reporting_indexes
  append_sql drizzle/0002_reporting_indexes.sql <<'SQL'
CREATE INDEX IF NOT EXISTS "orders_status_placed_at_idx" ON "orders" ("status", "placed_at");
CREATE INDEX IF NOT EXISTS "shipments_order_id_idx" ON "shipments" ("order_id");
CREATE INDEX IF NOT EXISTS "orders_shipped_on_idx" ON "orders" ("shipped_on");
SQL

  cd "$HERE"
  unstage drizzle-legacy "$w"
}

gen_drizzle_authjs() {
  local root="$TMP/new"
  install_kit "$root" "$NEW_KIT" "$NEW_ORM"
  local kit="$root/node_modules/.bin/drizzle-kit"
  local w
  w=$(stage drizzle-authjs "$root")
  cd "$w"

  # 0000: the vector extension, by hand (drizzle-kit does not emit CREATE EXTENSION).
  "$kit" generate --custom --name enable_pgvector
  append_sql drizzle/0000_enable_pgvector.sql <<'SQL'
CREATE EXTENSION IF NOT EXISTS vector;
SQL

  # 0001: the whole TypeScript schema.
  "$kit" generate --name init

  cd "$HERE"
  unstage drizzle-authjs "$w"
}

gen_drizzle_enums() {
  local root="$TMP/new"
  install_kit "$root" "$NEW_KIT" "$NEW_ORM"
  local kit="$root/node_modules/.bin/drizzle-kit"
  local w
  w=$(stage drizzle-enums "$root")
  cd "$w"

  # 0000: the first version: no 'withdrawn' label, no previous_status column.
  cp src/schema.ts "$TMP/schema.final.ts"
  sed -e "/^  'withdrawn',$/d" -e '/previousStatus:/d' "$TMP/schema.final.ts" > src/schema.ts
  "$kit" generate --name init

  # 0001: the current schema (ALTER TYPE … ADD VALUE, ADD COLUMN of a camelCase enum type).
  cp "$TMP/schema.final.ts" src/schema.ts
  "$kit" generate --name withdrawn

  cd "$HERE"
  unstage drizzle-enums "$w"
}

for f in "${FIXTURES[@]}"; do
  case "$f" in
    saas-drizzle) gen_saas_drizzle ;;
    drizzle-legacy) gen_drizzle_legacy ;;
    drizzle-authjs) gen_drizzle_authjs ;;
    drizzle-enums) gen_drizzle_enums ;;
    *) echo "unknown fixture: $f" >&2; exit 2 ;;
  esac
  echo "regenerated testdata/$f/drizzle" >&2
done
