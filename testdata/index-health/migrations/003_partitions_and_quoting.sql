-- A partition's indexes mirror its parent's: never duplicates of each other.
CREATE TABLE events (
    id bigint,
    at date,
    user_id bigint REFERENCES users,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_user ON events (user_id);

-- "Users" and users are two tables.
CREATE TABLE "Users" ("Id" int PRIMARY KEY, "orgId" int REFERENCES orgs);
CREATE INDEX "Users_Id" ON "Users" ("Id");
CREATE INDEX "Users_orgId" ON "Users" ("orgId");
