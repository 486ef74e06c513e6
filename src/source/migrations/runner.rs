//! How each layout's tool applies a migration file: inside an explicit transaction or not, one
//! transaction per file or for the whole batch of pending files, how a file opts out, and how
//! the statements reach the server (one message, a pipeline, one by one).
//!
//! Sources (tool versions read): drizzle-orm 0.45 `PgDialect.migrate` (one transaction for all
//! pending files, no opt-out); prisma-engines `apply_migration_script` (the file as one simple
//! Query); golang-migrate 4.19 `database/postgres` (one `Exec`, no transaction; the
//! `x-multi-statement` URL option splits on `;`); Flyway 13 (transaction per migration, a
//! `<file>.conf` with `executeInTransaction=false`, automatic for a migration holding only
//! statements it recognises); dbmate 2.35 (`-- migrate:up transaction:false`); sqlx 0.8 (`--
//! no-transaction` as the file's first bytes); diesel 2.3 (`metadata.toml` next to `up.sql`);
//! Supabase CLI ≥ 2.109 (transaction per file, a listed set of statements run alone); Atlas 1.2
//! (transaction per file, `-- atlas:txmode none` header); psql for a dump or a plain folder.

use std::path::Path;

use super::Layout;
use crate::schema::replay::{Delivery, FileRun, RunsAlone};

/// Statements Flyway 13 recognises as non-transactional (`PostgreSQLParser`).
const FLYWAY_DETECTS: &[&str] = &[
    "CREATE DATABASE",
    "DROP DATABASE",
    "CREATE TABLESPACE",
    "DROP TABLESPACE",
    "CREATE SUBSCRIPTION",
    "DROP SUBSCRIPTION",
    "ALTER SYSTEM",
    "CREATE INDEX CONCURRENTLY",
    "DROP INDEX CONCURRENTLY",
    "REINDEX SCHEMA",
    "REINDEX DATABASE",
    "REINDEX SYSTEM",
    "VACUUM",
    "DISCARD ALL",
];

/// Statements the Supabase CLI (2.109+) runs on their own outside the file's transaction.
const SUPABASE_ALONE: &[&str] = &[
    "CREATE INDEX CONCURRENTLY",
    "REINDEX CONCURRENTLY",
    "VACUUM",
    "ALTER SYSTEM",
    "CLUSTER",
];

/// How the tool of `layout` runs the file at `path` (text `text`), the run's file `file`.
/// `batch` is the shared unit of the pending files when they are known (a check against a
/// database): drizzle-kit runs them all in one transaction. Without it each file is its own
/// unit — how files reach production one deploy at a time.
pub fn file_run(layout: Layout, path: &Path, text: &str, file: u32, batch: Option<u32>) -> FileRun {
    let wrapped = |runner: &'static str, how_alone: &'static str| FileRun {
        runner,
        delivery: Delivery::Transaction,
        unit: file,
        runs_alone: RunsAlone::Nothing,
        how_alone,
        opted_out: None,
    };
    match layout {
        Layout::Drizzle | Layout::DrizzleFolders => FileRun {
            unit: batch.unwrap_or(file),
            ..wrapped(
                "drizzle-kit",
                "drizzle-kit runs all pending migrations in one transaction and has no opt-out: run it outside drizzle-kit (psql, a deploy step)",
            )
        },
        Layout::Prisma => FileRun {
            delivery: Delivery::SingleMessage,
            ..wrapped(
                "prisma migrate",
                "put the statement alone in its own migration.sql: Prisma sends a file as one message, which PostgreSQL runs as one transaction when it holds two statements or more",
            )
        },
        Layout::GolangMigrate => FileRun {
            delivery: Delivery::SingleMessage,
            ..wrapped(
                "golang-migrate",
                "put the statement alone in its own migration file (golang-migrate sends a file as one message), or run with `x-multi-statement=true` in the database URL",
            )
        },
        Layout::Flyway => {
            let conf = format!("{}.conf", path.display());
            let off = std::fs::read_to_string(&conf).ok().is_some_and(|c| {
                c.lines().any(|l| {
                    let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                    l.eq_ignore_ascii_case("executeInTransaction=false")
                })
            });
            let base = FileRun {
                runs_alone: RunsAlone::WholeFile(FLYWAY_DETECTS),
                ..wrapped(
                    "flyway",
                    "put the statement in its own migration holding nothing else (Flyway then runs it without a transaction), or add `<file>.sql.conf` with `executeInTransaction=false`; set `flyway.postgresql.transactional.lock=false` so CONCURRENTLY does not wait on Flyway's own lock",
                )
            };
            opt_out(
                base,
                off,
                "executeInTransaction=false",
                Delivery::PerStatement,
            )
        }
        Layout::Dbmate => opt_out(
            wrapped(
                "dbmate",
                "put the statement alone in an up section marked `-- migrate:up transaction:false` (dbmate then sends the section as one message)",
            ),
            dbmate_no_transaction(text),
            "-- migrate:up transaction:false",
            Delivery::SingleMessage,
        ),
        Layout::Sqlx => opt_out(
            wrapped(
                "sqlx",
                "put the statement alone in its own migration whose first line is `-- no-transaction`",
            ),
            text.starts_with("-- no-transaction"),
            "-- no-transaction",
            Delivery::SingleMessage,
        ),
        Layout::Diesel => opt_out(
            wrapped(
                "diesel",
                "put the statement alone in its own migration with a `metadata.toml` saying `run_in_transaction = false`",
            ),
            diesel_no_transaction(path),
            "metadata.toml: run_in_transaction = false",
            Delivery::SingleMessage,
        ),
        Layout::Supabase => FileRun {
            runs_alone: RunsAlone::Listed(SUPABASE_ALONE),
            ..wrapped(
                "supabase",
                "run the statement outside `supabase db push` (psql), or use a form the Supabase CLI runs on its own (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CLUSTER)",
            )
        },
        Layout::Atlas => opt_out(
            wrapped(
                "atlas",
                "put the statement in a file that starts with `-- atlas:txmode none` followed by an empty line",
            ),
            atlas_txmode_none(text),
            "-- atlas:txmode none",
            Delivery::PerStatement,
        ),
        Layout::Dump | Layout::Plain => FileRun {
            delivery: Delivery::PerStatement,
            ..wrapped(
                "psql",
                "run the file with psql without `-1` / `--single-transaction`",
            )
        },
    }
}

/// `base` switched to `delivery` when the file carries the tool's opt-out `marker`.
fn opt_out(base: FileRun, marked: bool, marker: &'static str, delivery: Delivery) -> FileRun {
    if !marked {
        return base;
    }
    FileRun {
        delivery,
        opted_out: Some(marker),
        runs_alone: RunsAlone::Nothing,
        ..base
    }
}

/// dbmate reads options from the `-- migrate:up` line itself.
fn dbmate_no_transaction(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        let Some(rest) = l.strip_prefix("--") else {
            return false;
        };
        let mut words = rest.split_whitespace();
        words.next() == Some("migrate:up") && words.any(|w| w == "transaction:false")
    })
}

/// diesel: a `metadata.toml` next to `up.sql` that does not set `run_in_transaction = true`
/// (the field defaults to false when the file exists).
fn diesel_no_transaction(path: &Path) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    match std::fs::read_to_string(dir.join("metadata.toml")) {
        Ok(text) => !text.lines().any(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l == "run_in_transaction=true"
        }),
        Err(_) => false,
    }
}

/// Atlas: the file begins with comment lines, one of them `atlas:txmode none`, followed by an
/// empty line.
fn atlas_txmode_none(text: &str) -> bool {
    let mut found = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            return found;
        }
        let Some(comment) = t.strip_prefix("--").or_else(|| t.strip_prefix('#')) else {
            return false;
        };
        let words: Vec<&str> = comment.split_whitespace().collect();
        if words == ["atlas:txmode", "none"] {
            found = true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_switch_the_transaction_off() {
        let p = Path::new("/nonexistent/1_x.sql");
        let run = |layout, text| file_run(layout, p, text, 3, None).delivery;
        assert_eq!(
            run(Layout::Sqlx, "-- no-transaction\nVACUUM;"),
            Delivery::SingleMessage
        );
        assert_eq!(
            run(Layout::Sqlx, "\n-- no-transaction\nVACUUM;"),
            Delivery::Transaction
        );
        assert_eq!(
            run(
                Layout::Dbmate,
                "-- migrate:up transaction:false\nVACUUM;\n-- migrate:down\n"
            ),
            Delivery::SingleMessage
        );
        assert_eq!(
            run(Layout::Dbmate, "-- migrate:up\nVACUUM;\n"),
            Delivery::Transaction
        );
        assert_eq!(
            run(Layout::Atlas, "-- atlas:txmode none\n\nVACUUM;"),
            Delivery::PerStatement
        );
        // Without the empty line the comment belongs to the first statement.
        assert_eq!(
            run(Layout::Atlas, "-- atlas:txmode none\nVACUUM;"),
            Delivery::Transaction
        );
        assert_eq!(run(Layout::Prisma, "VACUUM;"), Delivery::SingleMessage);
        assert_eq!(run(Layout::Plain, "VACUUM;"), Delivery::PerStatement);
    }

    #[test]
    fn drizzle_shares_the_batch_unit_when_pending_files_are_known() {
        let p = Path::new("0001_x.sql");
        assert_eq!(file_run(Layout::Drizzle, p, "", 4, None).unit, 4);
        assert_eq!(file_run(Layout::Drizzle, p, "", 4, Some(1)).unit, 1);
        assert_eq!(file_run(Layout::Prisma, p, "", 4, Some(1)).unit, 4);
    }
}
