-- Custom SQL migration file, put your code below! --
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
