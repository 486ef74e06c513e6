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
//!
//! Behaviour chosen outside the files ([`super::settings`]): Prisma 7.4+ splits a script into
//! statements when its parser reads all of them (prisma-engines PR 5767); the Supabase CLI before
//! 2.109 sends a file as one pipeline (`ExecBatch`); golang-migrate's `x-multi-statement`;
//! Atlas `--tx-mode all|none` and a `-- atlas:txmode file` header; Flyway `group` and `mixed`.

use std::path::Path;

use super::Layout;
use super::settings::{AtlasTxMode, Known, Resolved, Version};
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

/// Statements Prisma's SQL parser (sqlparser, up to 0.62) reads among those PostgreSQL refuses in
/// a transaction: the only kind Prisma 7.4+ is known to split out. `DROP INDEX CONCURRENTLY` is
/// not read (prisma-engines PR 5847); the others are assumed not to be.
const PRISMA_SPLITS: &[&str] = &["CREATE INDEX CONCURRENTLY"];

/// How the tool of `layout` runs the file at `path` (text `text`), the run's file `file`.
/// `batch` is the shared unit of the pending files when they are known (a check against a
/// database, or the files changed on a branch): drizzle-kit, Flyway with `group` and Atlas with
/// `--tx-mode all` run them all in one transaction. Without it each file is its own unit — how
/// files reach production one deploy at a time. `project` holds what the project says about its
/// tool outside the files.
pub fn file_run(
    layout: Layout,
    path: &Path,
    text: &str,
    file: u32,
    batch: Option<u32>,
    project: &Resolved,
) -> FileRun {
    let wrapped = |runner: &'static str, how_alone: &'static str| FileRun {
        runner,
        delivery: Delivery::Transaction,
        unit: file,
        runs_alone: RunsAlone::Nothing,
        how_alone,
        opted_out: None,
        note: None,
    };
    match layout {
        Layout::Drizzle | Layout::DrizzleFolders => FileRun {
            unit: batch.unwrap_or(file),
            ..wrapped(
                "drizzle-kit",
                "drizzle-kit runs all pending migrations in one transaction and has no opt-out: run it outside drizzle-kit (psql, a deploy step)",
            )
        },
        Layout::Prisma => prisma_run(
            &project.prisma,
            FileRun {
                delivery: Delivery::SingleMessage,
                ..wrapped(
                    "prisma migrate",
                    "put the statement alone in its own migration.sql: Prisma sends a file as one message, which PostgreSQL runs as one transaction when it holds two statements or more",
                )
            },
        ),
        Layout::GolangMigrate => opt_out(
            FileRun {
                delivery: Delivery::SingleMessage,
                ..wrapped(
                    "golang-migrate",
                    "put the statement alone in its own migration file (golang-migrate sends a file as one message), or run with `x-multi-statement=true` in the database URL",
                )
            },
            project.settings.golang_migrate_multi_statement,
            "x-multi-statement=true",
            Delivery::PerStatement,
        ),
        Layout::Flyway => flyway_run(
            path,
            project,
            FileRun {
                unit: file,
                ..wrapped(
                    "flyway",
                    "put the statement in its own migration holding nothing else (Flyway then runs it without a transaction), or add `<file>.sql.conf` with `executeInTransaction=false`; set `flyway.postgresql.transactional.lock=false` so CONCURRENTLY does not wait on Flyway's own lock",
                )
            },
            batch,
        ),
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
        Layout::Supabase => supabase_run(
            &project.supabase,
            FileRun {
                runs_alone: RunsAlone::Listed(SUPABASE_ALONE),
                ..wrapped(
                    "supabase",
                    "run the statement outside `supabase db push` (psql), or use a form the Supabase CLI runs on its own (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CLUSTER)",
                )
            },
        ),
        Layout::Atlas => atlas_run(
            text,
            project.settings.atlas_tx_mode.unwrap_or(AtlasTxMode::File),
            wrapped(
                "atlas",
                "put the statement in a file that starts with `-- atlas:txmode none` followed by an empty line",
            ),
            batch,
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

/// Prisma: before 7.4 the file goes as one simple Query; from 7.4 (prisma-engines PR 5767) it
/// is split into statements run one by one, unless the parser fails on one of them. An unknown
/// release is taken for the older one, which fails more often.
fn prisma_run(release: &Known<Version>, classic: FileRun) -> FileRun {
    let Some(v) = release.value else {
        return FileRun {
            note: Some(
                "assuming a Prisma release before 7.4, which sends a file as one message: no Prisma version found in package.json; set `[runner] prisma_version`".into(),
            ),
            ..classic
        };
    };
    match v.at_least(7, 4) {
        Some(true) => FileRun {
            runs_alone: RunsAlone::SplitWhenParsed(PRISMA_SPLITS),
            how_alone: "put the statement alone in its own migration.sql: Prisma splits a file into statements only when its SQL parser reads all of them, and it reads only CREATE INDEX CONCURRENTLY among these",
            note: Some(format!("Prisma {v}, from {}", release.source)),
            ..classic
        },
        Some(false) => FileRun {
            note: Some(format!(
                "Prisma {v}, from {}; 7.4 and later split a file into statements",
                release.source
            )),
            ..classic
        },
        None => FileRun {
            note: Some(format!(
                "assuming Prisma {v} before 7.4, which sends a file as one message: {} gives no minor version; set `[runner] prisma_version`",
                release.source
            )),
            ..classic
        },
    }
}

/// Supabase CLI: before 2.109 a file goes as one extended-protocol pipeline; from 2.109 in a
/// transaction with listed statements run on their own. Without a known release the current
/// behaviour is assumed, and the finding says so.
fn supabase_run(release: &Known<Version>, current: FileRun) -> FileRun {
    match release.value.map(|v| (v, v.at_least(2, 109))) {
        Some((v, Some(false))) => FileRun {
            delivery: Delivery::Pipeline,
            runs_alone: RunsAlone::Nothing,
            how_alone: "make the statement the first of its migration file (Supabase CLI before 2.109 sends a file as one pipeline), or upgrade the CLI to 2.109 or later, which runs such statements on their own",
            note: Some(format!("Supabase CLI {v}, from {}", release.source)),
            ..current
        },
        Some((v, Some(true))) => FileRun {
            note: Some(format!("Supabase CLI {v}, from {}", release.source)),
            ..current
        },
        _ => FileRun {
            note: Some(
                "assuming Supabase CLI 2.109 or later: no CLI version found in package.json; set `[runner] supabase_version` (older releases send a file as one pipeline)".into(),
            ),
            ..current
        },
    }
}

/// Flyway: a `<file>.conf` with `executeInTransaction=false` wins; else `mixed` decides whether a
/// file mixing statement kinds runs without a transaction, and `group` puts the pending files
/// in one transaction.
fn flyway_run(path: &Path, project: &Resolved, base: FileRun, batch: Option<u32>) -> FileRun {
    let conf = format!("{}.conf", path.display());
    // `executeInTransaction` of the file's own `.conf`, else of the project.
    let per_file = std::fs::read_to_string(&conf).ok().and_then(|c| {
        c.lines().find_map(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            let (key, value) = l.split_once('=')?;
            if !key.eq_ignore_ascii_case("executeInTransaction") {
                return None;
            }
            match value.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }
        })
    });
    let global = &project.flyway_execute_in_transaction;
    let off = per_file.or(global.value) == Some(false);
    let group = project.flyway_group.value == Some(true);
    let mixed = project.flyway_mixed.value == Some(true);
    let mut notes = Vec::new();
    for (on, name, known) in [
        (group, "group=true", &project.flyway_group),
        (mixed, "mixed=true", &project.flyway_mixed),
        (
            per_file.is_none() && off,
            "executeInTransaction=false",
            global,
        ),
    ] {
        if on {
            notes.push(format!("`{name}` from {}", known.source));
        }
    }
    let run = FileRun {
        unit: if group {
            batch.unwrap_or(base.unit)
        } else {
            base.unit
        },
        // A `.conf` forcing the transaction turns Flyway's detection off (flyway/flyway#3854).
        runs_alone: match (per_file, mixed) {
            (Some(true), _) => RunsAlone::Nothing,
            (_, true) => RunsAlone::MixedFile(FLYWAY_DETECTS),
            _ => RunsAlone::WholeFile(FLYWAY_DETECTS),
        },
        note: (!notes.is_empty()).then(|| format!("Flyway {}", notes.join(", "))),
        ..base
    };
    opt_out(
        run,
        off,
        "executeInTransaction=false",
        Delivery::PerStatement,
    )
}

/// Atlas: `--tx-mode` for all files, a `-- atlas:txmode` header for one (`none` or `file`;
/// Atlas rejects a header that differs from `--tx-mode all`).
fn atlas_run(text: &str, mode: AtlasTxMode, base: FileRun, batch: Option<u32>) -> FileRun {
    let directive = atlas_txmode(text);
    match (mode, directive) {
        (AtlasTxMode::All, directive) => FileRun {
            unit: batch.unwrap_or(base.unit),
            note: Some(match directive {
                Some(d) => format!(
                    "`--tx-mode all`: Atlas rejects this file's `-- atlas:txmode {d}` header"
                ),
                None => "`--tx-mode all`: one transaction for all pending files".into(),
            }),
            how_alone: "run the statement outside `atlas migrate apply --tx-mode all` (or apply with `--tx-mode file` and a file starting with `-- atlas:txmode none`)",
            ..base
        },
        (AtlasTxMode::None, Some("file")) => FileRun {
            note: Some("`-- atlas:txmode file` under `--tx-mode none`".into()),
            ..base
        },
        (AtlasTxMode::None, _) => FileRun {
            delivery: Delivery::PerStatement,
            opted_out: Some("--tx-mode none"),
            ..base
        },
        (AtlasTxMode::File, directive) => opt_out(
            base,
            directive == Some("none"),
            "-- atlas:txmode none",
            Delivery::PerStatement,
        ),
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

/// Atlas: the `atlas:txmode` directive (`none` or `file`) of the file's header — comment lines
/// from the first byte, followed by an empty line (without it the comments belong to the first
/// statement).
fn atlas_txmode(text: &str) -> Option<&'static str> {
    let mut found = None;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            return found;
        }
        let comment = t.strip_prefix("--").or_else(|| t.strip_prefix('#'))?;
        match comment.split_whitespace().collect::<Vec<_>>()[..] {
            ["atlas:txmode", "none"] => found = Some("none"),
            ["atlas:txmode", "file"] => found = Some("file"),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_switch_the_transaction_off() {
        let p = Path::new("/nonexistent/1_x.sql");
        let run = |layout, text| file_run(layout, p, text, 3, None, &Resolved::default()).delivery;
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
        let none = Resolved::default();
        assert_eq!(file_run(Layout::Drizzle, p, "", 4, None, &none).unit, 4);
        assert_eq!(file_run(Layout::Drizzle, p, "", 4, Some(1), &none).unit, 1);
        assert_eq!(file_run(Layout::Prisma, p, "", 4, Some(1), &none).unit, 4);
    }

    fn with(f: impl FnOnce(&mut Resolved)) -> Resolved {
        let mut r = Resolved::default();
        f(&mut r);
        r
    }

    fn release(v: &str) -> Known<Version> {
        Known {
            value: Version::parse(v),
            source: "package.json".into(),
        }
    }

    #[test]
    fn releases_choose_prisma_and_supabase_behaviour() {
        let p = Path::new("m.sql");
        let prisma = |v: &str| {
            file_run(
                Layout::Prisma,
                p,
                "",
                0,
                None,
                &with(|r| r.prisma = release(v)),
            )
        };
        assert_eq!(
            prisma("7.4.0").runs_alone,
            RunsAlone::SplitWhenParsed(PRISMA_SPLITS)
        );
        assert_eq!(prisma("7.3.1").runs_alone, RunsAlone::Nothing);
        // Only the major version: the older behaviour, and the note says it was assumed.
        let seven = prisma("7");
        assert_eq!(seven.runs_alone, RunsAlone::Nothing);
        assert!(
            seven
                .note
                .unwrap()
                .starts_with("assuming Prisma 7 before 7.4")
        );
        let unknown = file_run(Layout::Prisma, p, "", 0, None, &Resolved::default());
        assert!(
            unknown
                .note
                .unwrap()
                .contains("set `[runner] prisma_version`")
        );

        let supabase = |v: &str| {
            file_run(
                Layout::Supabase,
                p,
                "",
                0,
                None,
                &with(|r| r.supabase = release(v)),
            )
        };
        assert_eq!(supabase("2.108.0").delivery, Delivery::Pipeline);
        assert_eq!(supabase("2.109.0").delivery, Delivery::Transaction);
        let unknown = file_run(Layout::Supabase, p, "", 0, None, &Resolved::default());
        assert_eq!(unknown.delivery, Delivery::Transaction);
        assert!(
            unknown
                .note
                .unwrap()
                .starts_with("assuming Supabase CLI 2.109")
        );
    }

    #[test]
    fn settings_outside_the_files() {
        let p = Path::new("/nonexistent/1_x.sql");
        let multi = with(|r| r.settings.golang_migrate_multi_statement = true);
        let run = file_run(Layout::GolangMigrate, p, "VACUUM;", 0, None, &multi);
        assert_eq!(run.delivery, Delivery::PerStatement);
        assert_eq!(run.opted_out, Some("x-multi-statement=true"));

        let atlas = |mode, text| {
            let r = with(|r| r.settings.atlas_tx_mode = Some(mode));
            file_run(Layout::Atlas, p, text, 5, Some(1), &r)
        };
        assert_eq!(
            atlas(AtlasTxMode::None, "VACUUM;").delivery,
            Delivery::PerStatement
        );
        assert_eq!(
            atlas(AtlasTxMode::None, "-- atlas:txmode file\n\nVACUUM;").delivery,
            Delivery::Transaction
        );
        let all = atlas(AtlasTxMode::All, "-- atlas:txmode none\n\nVACUUM;");
        assert_eq!((all.delivery, all.unit), (Delivery::Transaction, 1));
        assert!(all.note.unwrap().contains("rejects"));
        assert_eq!(atlas(AtlasTxMode::File, "VACUUM;").unit, 5);

        let flyway = |group, mixed| {
            let r = with(|r| {
                r.flyway_group.value = Some(group);
                r.flyway_mixed.value = Some(mixed);
            });
            file_run(Layout::Flyway, p, "", 5, Some(1), &r)
        };
        assert_eq!(flyway(true, false).unit, 1);
        assert_eq!(
            flyway(true, false).runs_alone,
            RunsAlone::WholeFile(FLYWAY_DETECTS)
        );
        assert_eq!(flyway(false, true).unit, 5);
        let global_off = with(|r| {
            r.flyway_execute_in_transaction = Known {
                value: Some(false),
                source: "flyway.conf".into(),
            }
        });
        let run = file_run(Layout::Flyway, p, "", 5, None, &global_off);
        assert_eq!(run.delivery, Delivery::PerStatement);
        assert_eq!(
            run.note.as_deref(),
            Some("Flyway `executeInTransaction=false` from flyway.conf")
        );
        // A file's own `.conf` saying true wins, and Flyway's detection no longer applies.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("V2__idx.sql");
        std::fs::write(
            format!("{}.conf", file.display()),
            "executeInTransaction=true\n",
        )
        .unwrap();
        let run = file_run(Layout::Flyway, &file, "", 5, None, &global_off);
        assert_eq!(
            (run.delivery, run.runs_alone),
            (Delivery::Transaction, RunsAlone::Nothing)
        );
        assert_eq!(
            flyway(false, true).runs_alone,
            RunsAlone::MixedFile(FLYWAY_DETECTS)
        );
    }
}
