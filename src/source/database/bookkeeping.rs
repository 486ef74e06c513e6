//! Migration tools' bookkeeping tables: which migrations a database has applied.

use super::{AppliedMigrations, Database, DatabaseError, USER_NAMESPACE};
use crate::schema::QualName;

impl Database {
    /// The migrations a migration tool's bookkeeping table records as applied, when the
    /// database has one of the known tables: drizzle `drizzle.__drizzle_migrations`, Prisma
    /// `_prisma_migrations`, diesel `__diesel_schema_migrations`, golang-migrate / dbmate
    /// `schema_migrations`, Flyway `flyway_schema_history`, sqlx `_sqlx_migrations`.
    /// `Ok(None)`: no such table. An error: the table exists but cannot be read.
    pub fn applied_migrations(&mut self) -> Result<Option<AppliedMigrations>, DatabaseError> {
        let found = self.query(
            "cannot look for migration bookkeeping tables",
            &format!(
                "SELECT n.nspname::text, c.relname::text FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND c.relname IN ({}) AND {USER_NAMESPACE} \
                 ORDER BY n.nspname = 'public' DESC, c.oid",
                BOOKKEEPING
                    .iter()
                    .map(|(t, _, _)| format!("'{t}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )?;
        let Some(row) = found.first() else {
            return Ok(None);
        };
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let Some((_, tool, query)) = BOOKKEEPING.iter().find(|(t, _, _)| *t == table) else {
            return Ok(None);
        };
        let qualified = QualName::new(schema, table).to_string();
        let sql = query.replace("{table}", &qualified);
        let ids = self
            .query(
                &format!("cannot read the {tool} bookkeeping table {qualified}"),
                &sql,
            )?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        Ok(Some(AppliedMigrations {
            table: qualified,
            tool,
            ids,
        }))
    }
}

/// Each known bookkeeping table: name, tool, and the query for the applied migrations' ids.
const BOOKKEEPING: &[(&str, &str, &str)] = &[
    (
        "__drizzle_migrations",
        "drizzle",
        "SELECT created_at::text FROM {table} ORDER BY id",
    ),
    (
        "_prisma_migrations",
        "prisma",
        "SELECT migration_name::text FROM {table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    ),
    (
        "__diesel_schema_migrations",
        "diesel",
        "SELECT version::text FROM {table}",
    ),
    (
        "schema_migrations",
        "golang-migrate",
        "SELECT version::text FROM {table}",
    ),
    (
        "flyway_schema_history",
        "flyway",
        "SELECT version::text FROM {table} WHERE success AND version IS NOT NULL",
    ),
    (
        "_sqlx_migrations",
        "sqlx",
        "SELECT version::text FROM {table} WHERE success",
    ),
];
