//! `concurrently-in-transaction` against the truth: each folder of `testdata/runners/` is
//! checked with driftlint, and each of its files is also run against PostgreSQL the way its tool
//! runs it — `psql -1` for a file in a transaction, `psql -c` with the whole text for a file sent
//! as one message, `psql -f` for one statement at a time. The files driftlint reports must be
//! exactly the files PostgreSQL refuses.
//!
//! How each tool runs a file is written out here from the tools' documented behaviour, not taken
//! from driftlint's runner model, so that the two can disagree. Some folders hold a variant of a
//! tool's behaviour chosen by a setting outside the files (a release in `package.json`, a
//! `flyway.conf`, a `[runner]` setting): `prisma-split` (Prisma 7.4+), `supabase-pipeline`
//! (Supabase CLI before 2.109, applied as a real extended-protocol pipeline),
//! `golang-migrate-multi` (`x-multi-statement=true`), `atlas-none` (`--tx-mode none`),
//! `flyway-mixed` (`mixed=true`), `flyway-no-transaction` (`executeInTransaction = false`).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use driftlint::check::{CheckOptions, check};
use driftlint::source::migrations::Layout;
use driftlint::source::migrations::settings::{AtlasTxMode, RunnerSettings};
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
    /// Parse/Bind/Execute for each statement and one Sync (Supabase CLI before 2.109).
    Pipeline,
}

/// The folder the tool reads, inside the fixture.
fn dir(name: &str) -> PathBuf {
    let inner = match name {
        "prisma" | "sqlx" | "diesel" | "atlas" | "atlas-none" => "migrations",
        "prisma-split" => "prisma/migrations",
        "dbmate" => "db/migrations",
        "supabase" => "supabase/migrations",
        "supabase-pipeline" => "supabase/migrations",
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
        // Prisma 7.4+: split with sqlparser and each statement sent alone, unless sqlparser
        // cannot read one (DROP INDEX CONCURRENTLY): then the whole file as one message.
        "prisma-split" => {
            let unreadable = statements(text)
                .iter()
                .any(|s| starts(s, &["DROP INDEX CONCURRENTLY"]));
            let mode = if unreadable {
                Mode::OneMessage
            } else {
                Mode::PerStatement
            };
            (text.into(), mode)
        }
        "supabase-pipeline" => (text.into(), Mode::Pipeline),
        // Split at every `;`, each piece executed alone.
        "golang-migrate-multi" => (text.into(), Mode::PerStatement),
        "atlas-none" => {
            let mode = if text.starts_with("-- atlas:txmode file\n\n") {
                Mode::Transaction
            } else {
                Mode::PerStatement
            };
            (text.into(), mode)
        }
        // mixed=true: a migration holding a statement Flyway detects runs without a
        // transaction as a whole.
        // executeInTransaction=false for all (flyway.toml), true in a file's own `.conf`.
        "flyway-no-transaction" => {
            let conf =
                std::fs::read_to_string(format!("{}.conf", path.display())).unwrap_or_default();
            let mode = if conf.contains("executeInTransaction=true") {
                Mode::Transaction
            } else {
                Mode::PerStatement
            };
            (text.into(), mode)
        }
        "flyway-mixed" => {
            let detected = ["CREATE INDEX CONCURRENTLY", "VACUUM", "ALTER SYSTEM"];
            let mode = if statements(text).iter().any(|s| starts(s, &detected)) {
                Mode::PerStatement
            } else {
                Mode::Transaction
            };
            (text.into(), mode)
        }
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
        Mode::Pipeline => support::pipeline::run_pipeline(&pg.config(), &statements(sql)),
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
    runner_agrees_with(layout, layout, RunnerSettings::default(), true);
}

/// Checks the folder `fixture` of `layout`'s tool run with `settings` both ways; `fails` says
/// whether the folder holds a file the tool fails on (else none may fail).
fn runner_agrees_with(fixture: &str, layout: &str, settings: RunnerSettings, fails: bool) {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let root = dir(fixture);
    let run = check(
        &CheckOptions {
            paths: vec![root.clone()],
            layout: Some(Layout::from_name(layout).expect("layout")),
            runner: settings,
            ..Default::default()
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
        let (sql, mode) = how_tool_runs(fixture, &file.path, &file.text);
        applied += 1;
        match apply(&pg, &sql, mode) {
            Ok(()) => {}
            Err(e) if is_transaction_refusal(&e) => {
                failed.insert(file.path.clone());
            }
            Err(e) => panic!("{}: unexpected failure: {e}", file.path.display()),
        }
    }
    assert!(applied >= 2, "{fixture}: too few files applied");
    assert_eq!(
        !failed.is_empty(),
        fails,
        "{fixture}: whether the tool fails on a file ({failed:?})"
    );
    assert_eq!(
        flagged, failed,
        "{fixture}: files driftlint reports vs. files PostgreSQL refused"
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
            ..Default::default()
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

/// Prisma 7.4+ (the release in the fixture's package.json) splits a file into statements, so
/// several CREATE INDEX CONCURRENTLY work in one file; a DROP INDEX CONCURRENTLY, which its
/// parser does not read, sends the file as one message again.
#[test]
fn prisma_from_7_4_splits_statements() {
    runner_agrees_with("prisma-split", "prisma", RunnerSettings::default(), true);
}

/// Supabase CLI before 2.109 (package.json) sends a file as one pipeline: a refused statement
/// works only first. Applied with a real one-Sync pipeline.
#[test]
fn supabase_before_2_109_sends_a_pipeline() {
    runner_agrees_with(
        "supabase-pipeline",
        "supabase",
        RunnerSettings::default(),
        true,
    );
}

/// golang-migrate with `x-multi-statement=true` runs each statement on its own.
#[test]
fn golang_migrate_multi_statement() {
    runner_agrees_with(
        "golang-migrate-multi",
        "golang-migrate",
        RunnerSettings {
            golang_migrate_multi_statement: true,
            ..Default::default()
        },
        false,
    );
}

/// Without the setting the same folder fails: the setting is what makes it work.
#[test]
fn golang_migrate_without_multi_statement_fails_the_same_folder() {
    let run = check(
        &CheckOptions {
            paths: vec![dir("golang-migrate-multi")],
            layout: Some(Layout::GolangMigrate),
            ..Default::default()
        },
        None,
    )
    .expect("check runs");
    let n = run
        .findings
        .iter()
        .filter(|f| f.rule == "concurrently-in-transaction")
        .count();
    assert_eq!(n, 2, "{:#?}", run.findings);
}

/// Atlas `--tx-mode none`: no transaction, except a file with `-- atlas:txmode file`.
#[test]
fn atlas_tx_mode_none() {
    runner_agrees_with(
        "atlas-none",
        "atlas",
        RunnerSettings {
            atlas_tx_mode: Some(AtlasTxMode::None),
            ..Default::default()
        },
        true,
    );
}

/// Flyway `mixed=true` (the fixture's flyway.conf): a migration mixing a detected statement
/// with others runs without a transaction; one without a detected statement still has one.
#[test]
fn flyway_mixed() {
    runner_agrees_with("flyway-mixed", "flyway", RunnerSettings::default(), true);
}

/// `index-not-concurrent` findings of a check of `root` (`layout`) with `settings`.
fn lock_findings(root: &Path, layout: Layout, settings: RunnerSettings) -> Vec<String> {
    let run = check(
        &CheckOptions {
            paths: vec![root.to_path_buf()],
            layout: Some(layout),
            runner: settings,
            ..Default::default()
        },
        None,
    )
    .expect("check runs");
    run.findings
        .iter()
        .filter(|f| f.rule == "index-not-concurrent")
        .map(|f| f.message.clone())
        .collect()
}

/// The canonical paths of `names` in `root`: files known to be applied together.
fn pending(root: &Path, names: &[&str]) -> Option<std::collections::HashSet<PathBuf>> {
    Some(
        names
            .iter()
            .map(|n| root.join(n).canonicalize().expect("fixture file"))
            .collect(),
    )
}

/// drizzle-kit runs the pending files in one transaction: a table created by an earlier pending
/// file is new, and indexing it locks nobody out. Only when that file was applied before
/// (not pending) is the table an existing one.
#[test]
fn drizzle_batch_of_pending_files_exempts_tables_created_in_it() {
    let root = dir("drizzle-batch");
    let both = RunnerSettings {
        pending: pending(&root, &["0000_orders.sql", "0001_orders_customer.sql"]),
        ..Default::default()
    };
    assert_eq!(
        lock_findings(&root, Layout::Drizzle, both),
        Vec::<String>::new()
    );
    let last = RunnerSettings {
        pending: pending(&root, &["0001_orders_customer.sql"]),
        ..Default::default()
    };
    assert_eq!(lock_findings(&root, Layout::Drizzle, last).len(), 1);
    // Unknown: each file is its own deploy.
    assert_eq!(
        lock_findings(&root, Layout::Drizzle, RunnerSettings::default()).len(),
        1
    );
}

/// The same batch for Flyway `group=true` (a flyway.toml next to the files) and Atlas
/// `--tx-mode all`; without them each file is its own transaction.
#[test]
fn flyway_group_and_atlas_all_share_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(
        root.join("V1__orders.sql"),
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("V2__index.sql"),
        "CREATE INDEX orders_customer_idx ON orders (customer_id);\n",
    )
    .unwrap();
    let batch = || RunnerSettings {
        pending: pending(root, &["V1__orders.sql", "V2__index.sql"]),
        ..Default::default()
    };
    assert_eq!(lock_findings(root, Layout::Flyway, batch()).len(), 1);
    std::fs::write(root.join("flyway.toml"), "[flyway]\ngroup = true\n").unwrap();
    assert_eq!(lock_findings(root, Layout::Flyway, batch()).len(), 0);
    let atlas = |mode| RunnerSettings {
        atlas_tx_mode: Some(mode),
        ..batch()
    };
    assert_eq!(
        lock_findings(root, Layout::Atlas, atlas(AtlasTxMode::File)).len(),
        1
    );
    assert_eq!(
        lock_findings(root, Layout::Atlas, atlas(AtlasTxMode::All)).len(),
        0
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// `check --changed-since`: the files changed on the branch are the pending batch.
#[test]
fn changed_since_makes_the_branch_files_one_drizzle_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    std::fs::write(repo.join("README"), "x\n").unwrap();
    git(repo, &["add", "README"]);
    git(repo, &["commit", "-qm", "base"]);
    let drizzle = repo.join("drizzle");
    std::fs::create_dir_all(drizzle.join("meta")).unwrap();
    for name in [
        "0000_orders.sql",
        "0001_orders_customer.sql",
        "meta/_journal.json",
    ] {
        std::fs::copy(dir("drizzle-batch").join(name), drizzle.join(name)).unwrap();
    }
    let lock_rule_count = || {
        let out = assert_cmd::Command::cargo_bin("driftlint")
            .unwrap()
            .current_dir(repo)
            .args([
                "check",
                "drizzle",
                "--changed-since",
                "HEAD",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.matches("\"index-not-concurrent\"").count()
    };
    // Both files are new on the branch: one batch, the table is new.
    assert_eq!(lock_rule_count(), 0);
    // The table's file was deployed before: the index locks an existing table.
    git(repo, &["add", "drizzle/0000_orders.sql", "drizzle/meta"]);
    git(repo, &["commit", "-qm", "orders"]);
    assert_eq!(lock_rule_count(), 1);
}

/// Flyway `group=true` rejects a group mixing a migration of only non-transactional statements
/// with transactional ones (unless `mixed=true`): a file that works alone fails in the batch.
#[test]
fn flyway_group_rejects_a_non_transactional_migration_among_others() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("V1__t.sql"), "CREATE TABLE t (a int);\n").unwrap();
    std::fs::write(
        root.join("V2__idx.sql"),
        "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n",
    )
    .unwrap();
    std::fs::write(root.join("flyway.conf"), "flyway.group=true\n").unwrap();
    let messages = |pending_files: &[&str]| {
        let run = check(
            &CheckOptions {
                paths: vec![root.to_path_buf()],
                layout: Some(Layout::Flyway),
                runner: RunnerSettings {
                    pending: pending(root, pending_files),
                    ..Default::default()
                },
                ..Default::default()
            },
            None,
        )
        .expect("check runs");
        run.findings
            .iter()
            .filter(|f| f.rule == "concurrently-in-transaction")
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    let both = messages(&["V1__t.sql", "V2__idx.sql"]);
    assert_eq!(both.len(), 1, "{both:?}");
    assert!(both[0].contains("as one group"), "{}", both[0]);
    assert!(both[0].contains("`group=true` from"), "{}", both[0]);
    assert_eq!(messages(&["V2__idx.sql"]), Vec::<String>::new());
    std::fs::write(
        root.join("flyway.conf"),
        "flyway.group=true\nflyway.mixed=true\n",
    )
    .unwrap();
    assert_eq!(
        messages(&["V1__t.sql", "V2__idx.sql"]),
        Vec::<String>::new()
    );
}

/// `check --layout golang-migrate --format json migrations` in `root`.
fn golang_migrate_check(root: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("driftlint")
        .unwrap()
        .current_dir(root)
        .args(["check", "migrations", "--layout", "golang-migrate"])
        .args(["--format", "json"])
        .output()
        .unwrap()
}

/// `[runner]` in driftlint.toml reaches `check`: golang-migrate's `x-multi-statement`.
#[test]
fn runner_settings_are_read_from_driftlint_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let migrations = root.join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    for entry in std::fs::read_dir(dir("golang-migrate-multi")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, migrations.join(path.file_name().unwrap())).unwrap();
    }
    let refusals = || {
        let out = golang_migrate_check(root);
        String::from_utf8_lossy(&out.stdout)
            .matches("\"concurrently-in-transaction\"")
            .count()
    };
    std::fs::write(root.join("driftlint.toml"), "[check]\n").unwrap();
    assert_eq!(refusals(), 2);
    std::fs::write(
        root.join("driftlint.toml"),
        "[runner]\ngolang_migrate_multi_statement = true\n",
    )
    .unwrap();
    assert_eq!(refusals(), 0);
}

/// The lock rules' advice follows the release: Prisma 7.4+ runs CREATE INDEX CONCURRENTLY
/// anywhere in a file, so `index-not-concurrent` adds no "run it alone" step there.
#[test]
fn index_advice_follows_the_prisma_release() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let m = root.join("prisma/migrations");
    for (name, sql) in [
        ("20240101000000_t", "CREATE TABLE t (a int);\n"),
        ("20240102000000_idx", "CREATE INDEX t_a_idx ON t (a);\n"),
    ] {
        std::fs::create_dir_all(m.join(name)).unwrap();
        std::fs::write(m.join(name).join("migration.sql"), sql).unwrap();
    }
    std::fs::write(m.join("migration_lock.toml"), "provider = \"postgresql\"\n").unwrap();
    let help = |version: &str| {
        std::fs::write(
            root.join("package.json"),
            format!(r#"{{"devDependencies": {{"prisma": "{version}"}}}}"#),
        )
        .unwrap();
        let run = check(
            &CheckOptions {
                paths: vec![m.clone()],
                layout: Some(Layout::Prisma),
                ..Default::default()
            },
            None,
        )
        .expect("check runs");
        let f = run
            .findings
            .iter()
            .find(|f| f.rule == "index-not-concurrent")
            .expect("index-not-concurrent on the existing table");
        f.help.clone().unwrap_or_default()
    };
    assert!(help("6.19.0").contains("cannot run in a transaction"));
    assert!(!help("7.4.0").contains("cannot run in a transaction"));
}

/// Flyway `executeInTransaction = false` in flyway.toml: no migration runs in a transaction,
/// except one whose own `.conf` says `executeInTransaction=true`.
#[test]
fn flyway_execute_in_transaction_false_for_all() {
    runner_agrees_with(
        "flyway-no-transaction",
        "flyway",
        RunnerSettings::default(),
        true,
    );
}

/// golang-migrate's `x-multi-statement=true` splits a file at every `;` byte
/// (`database/multistmt/parse.go`, `bytes.Index` on the delimiter): `multi-statement-split`
/// reports exactly the files whose pieces PostgreSQL then refuses, and only with the setting.
#[test]
fn golang_migrate_split_breaks_inner_semicolons() {
    let files = [
        ("1_t.up.sql", "CREATE TABLE notes (body text);\n", false),
        (
            "2_f.up.sql",
            "CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND\n$$;\n",
            true,
        ),
        (
            "3_s.up.sql",
            "INSERT INTO notes VALUES ('first; second');\n",
            true,
        ),
        (
            "4_c.up.sql",
            "-- a comment ending in a semicolon;\nCREATE INDEX notes_body ON notes (body);\n",
            false,
        ),
        (
            "5_c.up.sql",
            "CREATE INDEX notes_body2 /* one; two */ ON notes (body);\n",
            true,
        ),
        (
            "6_q.up.sql",
            "ALTER TABLE notes ADD COLUMN \"a;b\" int;\n",
            true,
        ),
    ];
    // The rule page's Example breaks, its fix does not.
    let page = include_str!("../rules/multi-statement-split.md");
    let page_sql = |heading: &str| {
        let section = &page[page.find(&format!("## {heading}\n")).unwrap()..];
        let body = &section[section.find("```sql\n").unwrap() + 7..];
        body[..body.find("```").unwrap()].to_string()
    };
    let (example, fix) = (page_sql("Example"), page_sql("Use instead"));
    let page_files = [
        ("7_page.up.sql", example.as_str(), true),
        ("8_page.up.sql", fix.as_str(), false),
    ];
    let files: Vec<(&str, &str, bool)> = files.into_iter().chain(page_files).collect();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let migrations = root.join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    for &(name, sql, _) in &files {
        std::fs::write(migrations.join(name), sql).unwrap();
        let down = name.replace(".up.", ".down.");
        std::fs::write(migrations.join(down), "SELECT 1;\n").unwrap();
    }
    let reported = |config: &str| -> BTreeSet<String> {
        std::fs::write(root.join("driftlint.toml"), config).unwrap();
        let out = golang_migrate_check(root);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "multi-statement-split")
            .map(|f| {
                f["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    assert!(reported("[check]\n").is_empty());
    let with_split = reported("[runner]\ngolang_migrate_multi_statement = true\n");
    let expected: BTreeSet<String> = files
        .iter()
        .filter(|f| f.2)
        .map(|f| format!("migrations/{}", f.0))
        .collect();
    assert_eq!(with_split, expected);

    // What PostgreSQL does with the pieces golang-migrate sends.
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut c = pg.connect();
    for (name, sql, breaks) in files {
        let failed = sql
            .split_inclusive(';')
            .filter(|piece| !piece.trim().is_empty())
            .any(|piece| c.batch_execute(piece).is_err());
        assert_eq!(failed, breaks, "{name}");
    }
}
