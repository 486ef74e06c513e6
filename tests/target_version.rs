//! `target_version` and `[check.size]` through the command line: the release comes from the
//! flag, the configuration, the database or the statistics file, in that order, and decides
//! the lock facts; the size thresholds move the severities.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use support::TestPg;

fn driftlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("driftlint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env_remove("DATABASE_URL")
        .current_dir(dir);
    cmd
}

/// A migration folder: `orders` created first, then a constant default and a proven
/// `SET NOT NULL` on it.
fn migrations(dir: &Path) {
    let m = dir.join("migrations");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("001_orders.sql"),
        "CREATE TABLE orders (id int PRIMARY KEY, status text);\n",
    )
    .unwrap();
    std::fs::write(
        m.join("002_change.sql"),
        "ALTER TABLE orders ADD COLUMN priority int NOT NULL DEFAULT 0;\n\
         ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\n\
         ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n\
         ALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n",
    )
    .unwrap();
}

/// The rules that fired, sorted, and stderr.
fn rules_of(out: &Output) -> (Vec<String>, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON; stderr: {stderr}"));
    let mut rules: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    (rules, stderr)
}

fn check(dir: &Path, extra: &[&str]) -> (Vec<String>, String) {
    let out = driftlint(dir)
        .args(["check", "--format", "json", "migrations"])
        .args(extra)
        .output()
        .unwrap();
    rules_of(&out)
}

const OLD: [&str; 2] = ["set-not-null-scan", "volatile-default-rewrite"];

#[test]
fn the_release_comes_from_the_flag_the_configuration_or_the_statistics_file() {
    let dir = tempfile::tempdir().unwrap();
    migrations(dir.path());
    // Unknown: a release from 12 on, where neither statement scans nor rewrites.
    assert_eq!(check(dir.path(), &[]).0, Vec::<String>::new());
    assert_eq!(check(dir.path(), &["--target-version", "10"]).0, OLD);
    assert_eq!(
        check(dir.path(), &["--target-version", "11.4"]).0,
        ["set-not-null-scan"]
    );
    assert_eq!(
        check(dir.path(), &["--target-version", "12"]).0,
        Vec::<String>::new()
    );

    let out = driftlint(dir.path())
        .args(["check", "migrations", "--target-version", "9.6"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the oldest target is 10"), "{err}");

    // The statistics file says which release it was read from.
    let stats = dir.path().join("stats.json");
    std::fs::write(
        &stats,
        r#"{"version": 1, "server_version_num": 100021, "tables": []}"#,
    )
    .unwrap();
    let stats_arg = stats.to_str().unwrap();
    let (rules, stderr) = check(dir.path(), &["--stats", stats_arg]);
    assert_eq!(rules, OLD, "{stderr}");
    // A release given wins, and the mismatch is said.
    let (rules, stderr) = check(
        dir.path(),
        &["--stats", stats_arg, "--target-version", "16"],
    );
    assert!(rules.is_empty(), "{rules:?}");
    assert!(
        stderr.contains(
            "judging the migrations for PostgreSQL 16 (target_version), but the statistics file's database runs PostgreSQL 10.21"
        ),
        "{stderr}"
    );

    // The configuration.
    std::fs::write(
        dir.path().join("driftlint.toml"),
        "[check]\ntarget_version = \"11\"\n",
    )
    .unwrap();
    assert_eq!(check(dir.path(), &[]).0, ["set-not-null-scan"]);
    // The flag wins over the configuration.
    assert!(check(dir.path(), &["--target-version", "15"]).0.is_empty());
}

#[test]
fn size_thresholds_from_the_configuration_move_the_severities() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("migrations");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY, a int);\n",
    )
    .unwrap();
    std::fs::write(m.join("002.sql"), "CREATE INDEX t_a ON t (a);\n").unwrap();
    std::fs::write(
        dir.path().join("stats.json"),
        r#"{"version": 1, "server_version_num": 160004, "tables": [
            {"schema": "public", "name": "t", "rows": 5000, "bytes": 409600, "columns": []}]}"#,
    )
    .unwrap();
    let severity = |config: &str| {
        std::fs::write(dir.path().join("driftlint.toml"), config).unwrap();
        let out = driftlint(dir.path())
            .args([
                "check",
                "--format",
                "json",
                "--stats",
                "stats.json",
                "migrations",
            ])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        let found = doc["findings"].as_array().unwrap();
        assert_eq!(found.len(), 1, "{doc}");
        assert_eq!(found[0]["rule"], "index-not-concurrent");
        found[0]["severity"].as_str().unwrap().to_string()
    };
    assert_eq!(severity(""), "info");
    assert_eq!(
        severity("[check.size]\ninfo_below_rows = 1000\n"),
        "warning"
    );
    assert_eq!(
        severity("[check.size]\ninfo_below_rows = 100\nerror_above_rows = 1000\n"),
        "error"
    );
    assert_eq!(
        severity("[check.size]\nerror_above_bytes = \"256 kB\"\n"),
        "error"
    );
    // A bad value is an error at its position.
    std::fs::write(
        dir.path().join("driftlint.toml"),
        "[check.size]\ninfo_below_rows = 50_000\nerror_above_rows = 20_000\n",
    )
    .unwrap();
    let out = driftlint(dir.path())
        .args(["check", "migrations"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("driftlint.toml:2:19: `info_below_rows` (50000) is above"),
        "{err}"
    );
}

#[test]
fn the_database_gives_the_release_unless_one_is_given() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut c = pg.connect();
    c.batch_execute("CREATE TABLE orders (id int PRIMARY KEY, status text)")
        .unwrap();
    let server: i32 = c
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .unwrap()
        .get(0);
    let dir = tempfile::tempdir().unwrap();
    migrations(dir.path());
    std::fs::remove_file(dir.path().join("migrations/001_orders.sql")).unwrap();
    let conninfo = pg.conninfo();
    let (rules, stderr) = check(dir.path(), &["--database", &conninfo]);
    assert!(server >= 120000 && rules.is_empty(), "{rules:?} {stderr}");
    let (rules, stderr) = check(
        dir.path(),
        &["--database", &conninfo, "--target-version", "10"],
    );
    assert_eq!(rules, OLD, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "judging the migrations for PostgreSQL 10 (target_version), but the database runs PostgreSQL {}.",
            server / 10000
        )),
        "{stderr}"
    );
}
