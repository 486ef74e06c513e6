//! `concurrently-in-transaction` against the truth: each folder of `testdata/runners/` is
//! checked with driftlint, and each of its files is also run against PostgreSQL the way its tool
//! runs it — `psql -1` for a file in a transaction, `psql -c` with the whole text for a file sent
//! as one message, `psql -f` for one statement at a time. The files driftlint reports must be
//! exactly the files PostgreSQL refuses.
//!
//! How each tool runs a file is written out here from the tools' documented behaviour, not taken
//! from driftlint's runner model, so that the two can disagree.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use driftlint::check::{CheckOptions, check};
use driftlint::source::migrations::Layout;
use support::TestPg;

/// How a file reaches the server.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// `BEGIN … COMMIT` around the text.
    Transaction,
    /// The text as one simple Query.
    OneMessage,
    /// Each statement on its own.
    PerStatement,
    /// Supabase CLI: its listed statements alone, the others in a transaction.
    Supabase,
}

/// The folder the tool reads, inside the fixture.
fn dir(name: &str) -> PathBuf {
    let inner = match name {
        "prisma" | "sqlx" | "diesel" | "atlas" => "migrations",
        "dbmate" => "db/migrations",
        "supabase" => "supabase/migrations",
        _ => "",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/runners")
        .join(name)
        .join(inner)
}

/// Statements of a fixture (they hold no semicolons inside literals or bodies).
fn statements(text: &str) -> Vec<String> {
    text.split(';')
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| !s.trim().is_empty())
        .map(|s| format!("{};", s.trim()))
        .collect()
}

fn starts(stmt: &str, prefixes: &[&str]) -> bool {
    let upper = stmt.to_ascii_uppercase();
    prefixes.iter().any(|p| upper.starts_with(p))
}

/// The text the tool executes and how (dbmate: the up section only).
fn how_tool_runs(layout: &str, path: &Path, text: &str) -> (String, Mode) {
    let first_line = text.lines().next().unwrap_or("");
    match layout {
        "drizzle" => (text.into(), Mode::Transaction),
        "prisma" | "golang-migrate" => (text.into(), Mode::OneMessage),
        "flyway" => {
            let conf =
                std::fs::read_to_string(format!("{}.conf", path.display())).unwrap_or_default();
            let detected = [
                "CREATE INDEX CONCURRENTLY",
                "CREATE UNIQUE INDEX CONCURRENTLY",
                "DROP INDEX CONCURRENTLY",
                "VACUUM",
                "ALTER SYSTEM",
                "DISCARD ALL",
            ];
            let mode = if conf.contains("executeInTransaction=false")
                || statements(text).iter().all(|s| starts(s, &detected))
            {
                Mode::PerStatement
            } else {
                Mode::Transaction
            };
            (text.into(), mode)
        }
        "dbmate" => {
            let up = text.split("-- migrate:down").next().unwrap_or("");
            let mode = if first_line.contains("transaction:false") {
                Mode::OneMessage
            } else {
                Mode::Transaction
            };
            (up.into(), mode)
        }
        "sqlx" => {
            let mode = if text.starts_with("-- no-transaction") {
                Mode::OneMessage
            } else {
                Mode::Transaction
            };
            (text.into(), mode)
        }
        "diesel" => {
            let meta = std::fs::read_to_string(path.parent().unwrap().join("metadata.toml"));
            let mode = match meta {
                Ok(m) if m.contains("run_in_transaction = false") => Mode::OneMessage,
                _ => Mode::Transaction,
            };
            (text.into(), mode)
        }
        "supabase" => (text.into(), Mode::Supabase),
        "atlas" => {
            let mode = if text.starts_with("-- atlas:txmode none\n\n") {
                Mode::PerStatement
            } else {
                Mode::Transaction
            };
            (text.into(), mode)
        }
        "plain" => (text.into(), Mode::PerStatement),
        other => panic!("no runner for {other}"),
    }
}

/// Runs psql with `args` and the test database; `Err(stderr)` when it fails.
fn psql(pg: &TestPg, args: &[&str]) -> Result<(), String> {
    let out = Command::new("psql")
        .arg("-X")
        .arg("-q")
        .args(["-v", "ON_ERROR_STOP=1", "-d", &pg.conninfo()])
        .args(args)
        .output()
        .expect("psql runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Runs the file as its tool would; `Err` with PostgreSQL's message when it fails.
fn apply(pg: &TestPg, sql: &str, mode: Mode) -> Result<(), String> {
    match mode {
        // `-1 -c` wraps the Query in BEGIN … COMMIT.
        Mode::Transaction => psql(pg, &["-1", "-c", sql]),
        Mode::OneMessage => psql(pg, &["-c", sql]),
        Mode::PerStatement => {
            for s in statements(sql) {
                psql(pg, &["-c", &s])?;
            }
            Ok(())
        }
        Mode::Supabase => {
            let alone = [
                "CREATE INDEX CONCURRENTLY",
                "CREATE UNIQUE INDEX CONCURRENTLY",
                "REINDEX",
                "VACUUM",
                "ALTER SYSTEM",
                "CLUSTER",
            ];
            for s in statements(sql) {
                let alone =
                    starts(&s, &alone) && (!s.starts_with("REINDEX") || s.contains("CONCURRENTLY"));
                if alone {
                    psql(pg, &["-c", &s])?;
                } else {
                    psql(pg, &["-1", "-c", &s])?;
                }
            }
            Ok(())
        }
    }
}

fn is_transaction_refusal(message: &str) -> bool {
    message.contains("cannot run inside a transaction block")
        || message.contains("cannot be executed within a pipeline")
}

/// Checks one runner's folder both ways.
fn runner_agrees(layout: &str) {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let root = dir(layout);
    let run = check(
        &CheckOptions {
            paths: vec![root.clone()],
            layout: Some(Layout::from_name(layout).expect("layout")),
            target: None,
        },
        None,
    )
    .expect("check runs");
    let mut flagged = BTreeSet::new();
    for f in run
        .findings
        .iter()
        .filter(|f| f.rule == "concurrently-in-transaction")
    {
        if let driftlint::schema::Origin::Sql { file, .. } = f.origin {
            flagged.insert(run.files[file as usize].path.clone());
        }
    }
    let mut failed = BTreeSet::new();
    let mut applied = 0;
    for file in &run.files {
        if file.text.is_empty() {
            continue;
        }
        let (sql, mode) = how_tool_runs(layout, &file.path, &file.text);
        applied += 1;
        match apply(&pg, &sql, mode) {
            Ok(()) => {}
            Err(e) if is_transaction_refusal(&e) => {
                failed.insert(file.path.clone());
            }
            Err(e) => panic!("{}: unexpected failure: {e}", file.path.display()),
        }
    }
    assert!(applied >= 2, "{layout}: too few files applied");
    assert!(
        !failed.is_empty(),
        "{layout}: the fixture must hold a file the tool fails on"
    );
    assert_eq!(
        flagged, failed,
        "{layout}: files driftlint reports vs. files PostgreSQL refused"
    );
}

#[test]
fn drizzle() {
    runner_agrees("drizzle");
}

#[test]
fn prisma() {
    runner_agrees("prisma");
}

#[test]
fn golang_migrate() {
    runner_agrees("golang-migrate");
}

#[test]
fn flyway() {
    runner_agrees("flyway");
}

#[test]
fn dbmate() {
    runner_agrees("dbmate");
}

#[test]
fn sqlx() {
    runner_agrees("sqlx");
}

#[test]
fn diesel() {
    runner_agrees("diesel");
}

#[test]
fn supabase() {
    runner_agrees("supabase");
}

#[test]
fn atlas() {
    runner_agrees("atlas");
}

/// psql -f runs each statement alone: nothing is refused, and nothing is reported.
#[test]
fn plain_folder_runs_statement_by_statement() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let root = dir("plain");
    let run = check(
        &CheckOptions {
            paths: vec![root],
            layout: Some(Layout::Plain),
            target: None,
        },
        None,
    )
    .expect("check runs");
    assert!(
        !run.findings
            .iter()
            .any(|f| f.rule == "concurrently-in-transaction")
    );
    for file in &run.files {
        let (sql, mode) = how_tool_runs("plain", &file.path, &file.text);
        apply(&pg, &sql, mode).expect("psql -f applies every file");
    }
}
