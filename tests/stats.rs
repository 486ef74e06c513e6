//! `driftlint stats` on a real server: it works as a role with no privileges in a read-only
//! transaction, writes sizes and planner statistics but no data value, and `check --stats`
//! turns them into severities and predicted failures.

mod support;

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use support::TestPg;

fn driftlint() -> Command {
    let mut cmd = Command::cargo_bin("driftlint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env_remove("DATABASE_URL")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs `driftlint stats` on the database `conninfo` names into `path`, and returns the path.
fn write_stats(conninfo: &str, path: std::path::PathBuf) -> std::path::PathBuf {
    let out = driftlint()
        .args(["stats", "--database", conninfo, "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// The JSON report of `check --stats stats migrations`.
fn check_with_stats(stats: &std::path::Path, migrations: &std::path::Path) -> serde_json::Value {
    let out = driftlint()
        .args(["check", "--format", "json", "--stats"])
        .arg(stats)
        .arg(migrations)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A value that must never reach the statistics file.
const SECRET: &str = "secret-value-7f3a";

#[test]
fn stats_reads_sizes_without_privileges_and_check_uses_them() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut c = pg.connect();
    c.batch_execute(&format!(
        "CREATE TABLE big (id int PRIMARY KEY, email text, note text);
         INSERT INTO big SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'u' || g END, '{SECRET}'
           FROM generate_series(1, 20000) g;
         CREATE TABLE small (id int PRIMARY KEY, status text);
         INSERT INTO small SELECT g, 'open' FROM generate_series(1, 50) g;
         ANALYZE big; ANALYZE small;
         DROP ROLE IF EXISTS driftlint_nopriv;
         CREATE ROLE driftlint_nopriv LOGIN;"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();

    // A role without any grant: sizes yes, column statistics of tables it cannot read no.
    let nopriv = write_stats(
        &format!("{} user=driftlint_nopriv", pg.conninfo()),
        dir.path().join("nopriv.json"),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&nopriv).unwrap()).unwrap();
    let big = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "big")
        .expect("big is listed");
    let rows = big["rows"].as_f64().unwrap();
    assert!((19_000.0..=21_000.0).contains(&rows), "{rows}");
    assert!(big["bytes"].as_i64().unwrap() > 500_000);

    // The owner sees column statistics; the file still holds no data value.
    let full = write_stats(&pg.conninfo(), dir.path().join("stats.json"));
    let text = std::fs::read_to_string(&full).unwrap();
    assert!(!text.contains(SECRET) && !text.contains("\"u1\"") && !text.contains("open"));
    assert!(text.contains("null_frac"), "{text}");

    // Migrations that change both tables, checked with the statistics.
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(
        m.join("001.sql"),
        "CREATE TABLE big (id int PRIMARY KEY, email text, note text);\n\
         CREATE TABLE small (id int PRIMARY KEY, status text);\n",
    )
    .unwrap();
    std::fs::write(
        m.join("002.sql"),
        "ALTER TABLE big ALTER COLUMN email SET NOT NULL;\n\
         CREATE INDEX small_status ON small (status);\n",
    )
    .unwrap();
    let doc = check_with_stats(&full, &m);
    let find = |rule: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {doc}"))
            .clone()
    };
    let nn = find("set-not-null-scan");
    assert_eq!(nn["severity"], "error");
    let msg = nn["message"].as_str().unwrap();
    assert!(msg.contains("will fail: about 2"), "{msg}");
    let idx = find("index-not-concurrent");
    assert_eq!(idx["severity"], "info", "50 rows: {idx}");

    // Against the database itself: its sizes are read directly.
    let pending = dir.path().join("pending");
    std::fs::create_dir(&pending).unwrap();
    std::fs::copy(m.join("002.sql"), pending.join("002.sql")).unwrap();
    let out = driftlint()
        .args(["check", "--format", "json", "--database", &pg.conninfo()])
        .arg(&pending)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let severity_of = |rule: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {doc}"))["severity"]
            .clone()
    };
    assert_eq!(severity_of("set-not-null-scan"), "error");
    assert_eq!(severity_of("index-not-concurrent"), "info");

    // Without statistics: warnings that say the size is unknown.
    let out = driftlint()
        .args(["check", "--format", "json"])
        .arg(&m)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let idx = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "index-not-concurrent")
        .unwrap()
        .clone();
    assert_eq!(idx["severity"], "warning");
    assert!(idx["message"].as_str().unwrap().contains("is unknown"));
}

/// Predicted duplicates for new unique keys, checked against what PostgreSQL does: every key
/// the statistics say will fail does fail to build, and a key that builds is not reported.
#[test]
fn predicted_duplicates_are_real() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut c = pg.connect();
    c.batch_execute(
        "CREATE TABLE accounts (id int PRIMARY KEY, status text, region int, email text, tenant int);
         INSERT INTO accounts SELECT g, 'status ' || (g % 3), g % 10, 'u' || (g % 5000), g / 5000
           FROM generate_series(1, 20000) g;
         ANALYZE accounts;",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stats = write_stats(&pg.conninfo(), dir.path().join("stats.json"));
    let cases = [
        "CREATE UNIQUE INDEX accounts_email ON accounts (email);",
        "CREATE UNIQUE INDEX accounts_status_region ON accounts (status, region);",
        "ALTER TABLE accounts ADD CONSTRAINT accounts_status_region_key UNIQUE (status, region);",
        // Each column repeats, the pair is unique: nothing can be said, and nothing is.
        "CREATE UNIQUE INDEX accounts_tenant_email ON accounts (tenant, email);",
        "ALTER TABLE accounts ADD CONSTRAINT accounts_id_status_key UNIQUE (id, status);",
    ];
    for stmt in cases {
        let m = dir.path().join("m");
        let _ = std::fs::remove_dir_all(&m);
        std::fs::create_dir(&m).unwrap();
        std::fs::write(
            m.join("001.sql"),
            "CREATE TABLE accounts (id int PRIMARY KEY, status text, region int, email text, tenant int);\n",
        )
        .unwrap();
        std::fs::write(m.join("002.sql"), stmt).unwrap();
        let doc = check_with_stats(&stats, &m);
        let predicted = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("will likely fail"));
        let mut tx = c.transaction().unwrap();
        let failed = tx.batch_execute(stmt).is_err();
        drop(tx);
        assert_eq!(predicted, failed, "{stmt}: {doc}");
    }
}
