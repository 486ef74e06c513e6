//! Differential test against a real PostgreSQL (issue 2): every statement of every fixture
//! project is run, in its tool's order, on a fresh database; the statements PostgreSQL rejects
//! with "… does not exist" must be exactly the statements driftlint flags with an error from
//! the missing-column / missing-table rules.
//!
//! Statements PostgreSQL rejects for other reasons (syntax errors …) are not compared.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use driftlint::check::{CheckOptions, check};
use driftlint::finding::Severity;
use driftlint::schema::Origin;
use driftlint::source::migrations::{discover, section_range};
use driftlint::sql::split::split;

use support::{TestPg, apply_statements};

/// The rules whose errors mean "PostgreSQL would say this does not exist".
const RULES: &[&str] = &[
    "index-missing-column",
    "index-missing-table",
    "foreign-key-missing-column",
    "foreign-key-missing-table",
    "missing-column",
    "missing-table",
];

/// A statement: its file (canonical path) and byte range.
type Key = (PathBuf, usize, usize);

struct Statement {
    text: String,
    line: usize,
    display: String,
}

struct Outcome {
    /// Every statement applied, by key.
    statements: BTreeMap<Key, Statement>,
    /// Statements PostgreSQL rejected with "does not exist", with its message.
    pg: BTreeMap<Key, String>,
    /// Other errors (not compared, printed for information).
    other_errors: Vec<(Key, String)>,
    /// Statements not sent to the server, and why.
    skipped: Vec<(Key, &'static str)>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.len() > 110 {
        let mut end = 110;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &line[..end])
    } else {
        line.to_string()
    }
}

/// Applies the fixture's migrations, in discovery order, to the test database: one connection
/// per file (as `psql -f` per file), each statement on its own.
fn apply_fixture(pg: &TestPg, path: &Path) -> Outcome {
    let discovery = discover(&[path.to_path_buf()], None)
        .unwrap_or_else(|e| panic!("discover {}: {e}", path.display()));
    assert!(
        !discovery.files.is_empty(),
        "{}: no migration files discovered",
        path.display()
    );
    let mut out = Outcome {
        statements: BTreeMap::new(),
        pg: BTreeMap::new(),
        other_errors: Vec::new(),
        skipped: Vec::new(),
    };
    for mf in &discovery.files {
        let text = std::fs::read_to_string(&mf.path)
            .unwrap_or_else(|e| panic!("read {}: {e}", mf.path.display()));
        let file = canonical(&mf.path);
        let display = mf
            .path
            .strip_prefix(root())
            .unwrap_or(&mf.path)
            .display()
            .to_string();
        let range = section_range(&text, mf.section);
        let mut spans: Vec<Range<usize>> = Vec::new();
        for raw in split(&text[range.clone()]) {
            let span = range.start + raw.span.start..range.start + raw.span.end;
            let key = (file.clone(), span.start, span.end);
            let stmt_text = &text[span.clone()];
            out.statements.insert(
                key.clone(),
                Statement {
                    text: stmt_text.to_string(),
                    line: text[..span.start].matches('\n').count() + 1,
                    display: display.clone(),
                },
            );
            // A dump's CREATE DATABASE acts outside the test database (and would leave a
            // database behind on a given server); the `\connect` after it is blanked anyway.
            let lower = stmt_text.to_ascii_lowercase();
            if lower.starts_with("create database") || lower.starts_with("drop database") {
                out.skipped.push((key, "acts on another database"));
                continue;
            }
            spans.push(span);
        }
        let mut client = pg.connect();
        for (span, err) in apply_statements(&mut client, &text, &spans) {
            let key = (file.clone(), span.start, span.end);
            match err {
                Some(msg) if msg.contains("does not exist") => {
                    out.pg.insert(key, msg);
                }
                Some(msg) => out.other_errors.push((key, msg)),
                None => {}
            }
        }
    }
    out
}

/// The statements driftlint flags, keyed like [`apply_fixture`]'s, with the findings'
/// messages; findings that fall in no statement get their own key (and so always mismatch).
/// Also every finding, of any rule and severity, that points outside the statements the tool
/// would run (e.g. into a dbmate down section): driftlint must not lint what is never run.
fn driftlint_flags(path: &Path, outcome: &Outcome) -> (BTreeMap<Key, Vec<String>>, Vec<String>) {
    let run = check(
        &CheckOptions {
            paths: vec![path.to_path_buf()],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .unwrap_or_else(|e| panic!("driftlint check {}: {e}", path.display()));
    let mut flagged: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    let mut stray = Vec::new();
    for f in &run.findings {
        if let Origin::Sql { file, start, .. } = f.origin
            && !matches!(f.rule, "unlisted-migration" | "unreadable-file")
        {
            let src = &run.files[file as usize];
            let path = canonical(&src.path);
            let start = start as usize;
            if !outcome
                .statements
                .keys()
                .any(|(p, s, e)| *p == path && *s <= start && start <= *e)
            {
                let (line, col) = src.line_col(start);
                stray.push(format!(
                    "{}:{line}:{col} {} ({:?}): {}",
                    src.display, f.rule, f.severity, f.message
                ));
            }
        }
        if !RULES.contains(&f.rule) || f.severity != Severity::Error {
            continue;
        }
        let Origin::Sql { file, start, end } = f.origin else {
            flagged
                .entry((PathBuf::from("<not in a file>"), 0, 0))
                .or_default()
                .push(format!("{}: {}", f.rule, f.message));
            continue;
        };
        let src = &run.files[file as usize];
        let path = canonical(&src.path);
        let (start, end) = (start as usize, end as usize);
        let key = outcome
            .statements
            .keys()
            .find(|(p, s, e)| *p == path && *s <= start && start <= *e)
            .cloned()
            .unwrap_or((path, start, end));
        let (line, col) = src.line_col(start);
        flagged.entry(key).or_default().push(format!(
            "{}:{line}:{col} {} ({:?}): {}",
            src.display, f.rule, f.severity, f.message
        ));
    }
    (flagged, stray)
}

fn describe(key: &Key, outcome: &Outcome) -> String {
    match outcome.statements.get(key) {
        Some(s) => format!("{}:{}: {}", s.display, s.line, first_line(&s.text)),
        None => format!(
            "{}:[{}..{}] (not within any statement PostgreSQL was given)",
            key.0.display(),
            key.1,
            key.2
        ),
    }
}

/// Runs the comparison for one fixture; `expected_pg` is how many statements PostgreSQL
/// rejects with "does not exist" according to testdata/README.md (guards the harness itself).
fn differential(pg: TestPg, rel: &str, expected_pg: usize) {
    let path = root().join(rel);
    let outcome = apply_fixture(&pg, &path);
    let (flagged, stray) = driftlint_flags(&path, &outcome);

    let pg_set: BTreeSet<&Key> = outcome.pg.keys().collect();
    let dl_set: BTreeSet<&Key> = flagged.keys().collect();

    let mut report = String::new();
    let _ = writeln!(
        report,
        "== {rel}: {} statements, {} rejected by PostgreSQL with \"does not exist\", {} flagged by driftlint",
        outcome.statements.len(),
        pg_set.len(),
        dl_set.len()
    );
    let _ = writeln!(report, "-- PostgreSQL \"does not exist\":");
    for (k, msg) in &outcome.pg {
        let _ = writeln!(report, "   {}\n      ERROR: {msg}", describe(k, &outcome));
    }
    let _ = writeln!(report, "-- driftlint errors ({}):", RULES.join(", "));
    for (k, msgs) in &flagged {
        let _ = writeln!(report, "   {}", describe(k, &outcome));
        for m in msgs {
            let _ = writeln!(report, "      {m}");
        }
    }
    if !outcome.other_errors.is_empty() {
        let _ = writeln!(report, "-- other PostgreSQL errors (not compared):");
        for (k, msg) in &outcome.other_errors {
            let _ = writeln!(report, "   {}\n      ERROR: {msg}", describe(k, &outcome));
        }
    }
    for (k, why) in &outcome.skipped {
        let _ = writeln!(report, "-- not applied ({why}): {}", describe(k, &outcome));
    }
    let only_pg: Vec<&&Key> = pg_set.difference(&dl_set).collect();
    let only_dl: Vec<&&Key> = dl_set.difference(&pg_set).collect();
    if !only_pg.is_empty() || !only_dl.is_empty() {
        let _ = writeln!(report, "-- MISMATCH");
        for k in &only_pg {
            let _ = writeln!(
                report,
                "   rejected by PostgreSQL, not flagged by driftlint: {}\n      ERROR: {}",
                describe(k, &outcome),
                outcome.pg[**k]
            );
        }
        for k in &only_dl {
            let _ = writeln!(
                report,
                "   flagged by driftlint, accepted by PostgreSQL: {}",
                describe(k, &outcome)
            );
            for m in &flagged[**k] {
                let _ = writeln!(report, "      {m}");
            }
        }
    }
    if !stray.is_empty() {
        let _ = writeln!(
            report,
            "-- STRAY: findings outside every statement the tool runs (not replayed by PostgreSQL):"
        );
        for m in &stray {
            let _ = writeln!(report, "   {m}");
        }
    }
    eprintln!("{report}");

    assert_eq!(
        pg_set.len(),
        expected_pg,
        "the harness saw a different number of \"does not exist\" errors than testdata/README.md documents (see the report above)"
    );
    assert!(
        only_pg.is_empty() && only_dl.is_empty(),
        "driftlint and PostgreSQL disagree on {rel} (see MISMATCH above)"
    );
    assert!(
        stray.is_empty(),
        "driftlint reports on text of {rel} that the migration tool never runs (see STRAY above)"
    );
}

macro_rules! differential_tests {
    ($($name:ident: $start:ident, $rel:literal, $expected:literal;)*) => {$(
        #[test]
        fn $name() {
            let Some(pg) = TestPg::$start() else { return };
            differential(pg, $rel, $expected);
        }
    )*};
}

differential_tests! {
    saas_drizzle: start_pgvector, "testdata/saas-drizzle/drizzle", 5;
    drizzle_authjs: start_pgvector, "testdata/drizzle-authjs/drizzle", 0;
    saas_rls: start_pgvector, "testdata/saas-rls/migrations", 0;
    index_health: start, "testdata/index-health/migrations", 0;
    drizzle_legacy: start, "testdata/drizzle-legacy/drizzle", 1;
    drizzle_enums: start, "testdata/drizzle-enums/drizzle", 0;
    prisma_basic: start, "testdata/prisma-basic/prisma/migrations", 1;
    prisma_full: start, "testdata/prisma-full/prisma/migrations", 1;
    prisma_native: start, "testdata/prisma-native/prisma/migrations", 0;
    plain_folder: start, "testdata/plain-folder/migrations", 1;
    objects: start, "testdata/objects/migrations", 0;
    drift_fidelity: start, "testdata/drift-fidelity/migrations", 0;
    dependencies: start, "testdata/dependencies/migrations", 0;
    layout_golang_migrate: start, "testdata/layouts/golang-migrate", 0;
    layout_flyway: start, "testdata/layouts/flyway", 0;
    layout_dbmate: start, "testdata/layouts/dbmate/db/migrations", 0;
    layout_sqlx: start, "testdata/layouts/sqlx/migrations", 0;
    layout_diesel: start, "testdata/layouts/diesel/migrations", 0;
    layout_supabase: start, "testdata/layouts/supabase/supabase/migrations", 0;
    layout_structure_sql: start, "testdata/layouts/structure-sql/db/structure.sql", 0;
}

/// Every fixture project under testdata/ is covered above (a new one must be added).
#[test]
fn every_fixture_is_covered() {
    let covered = [
        "saas-drizzle",
        "drizzle-authjs",
        "drizzle-legacy",
        "drizzle-enums",
        "prisma-basic",
        "prisma-full",
        "prisma-native",
        "plain-folder",
        "saas-rls",
        "index-health",
        "drift-fidelity",
        "layouts",
        // Applied to PostgreSQL the way each migration tool runs them by tests/runners.rs.
        "runners",
        "objects",
        "dependencies",
    ];
    let layouts = [
        "golang-migrate",
        "flyway",
        "dbmate",
        "sqlx",
        "diesel",
        "supabase",
        "structure-sql",
    ];
    let dirs = |p: PathBuf| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .expect("read testdata")
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    for d in dirs(root().join("testdata")) {
        assert!(
            covered.contains(&d.as_str()),
            "testdata/{d} is not in the differential test"
        );
    }
    for d in dirs(root().join("testdata/layouts")) {
        assert!(
            layouts.contains(&d.as_str()),
            "testdata/layouts/{d} is not in the differential test"
        );
    }
}
