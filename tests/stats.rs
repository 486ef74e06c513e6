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
        let doc = check_second_migration(
            dir.path(),
            &stats,
            "CREATE TABLE accounts (id int PRIMARY KEY, status text, region int, email text, tenant int);\n",
            stmt,
        );
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

/// The first ```sql block after `## <heading>` of a rule page.
fn page_sql(page: &str, heading: &str) -> String {
    let section = &page[page.find(&format!("## {heading}\n")).unwrap()..];
    let body = &section[section.find("```sql\n").unwrap() + "```sql\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

/// `check --stats` of `001.sql` holding `create` and `002.sql` holding `stmt`.
fn check_second_migration(
    dir: &std::path::Path,
    stats: &std::path::Path,
    create: &str,
    stmt: &str,
) -> serde_json::Value {
    let m = dir.join("m");
    let _ = std::fs::remove_dir_all(&m);
    std::fs::create_dir(&m).unwrap();
    std::fs::write(m.join("001.sql"), create).unwrap();
    std::fs::write(m.join("002.sql"), stmt).unwrap();
    check_with_stats(stats, &m)
}

/// The findings of [`check_second_migration`] after the creation of `orders`.
fn check_orders_migration(
    dir: &std::path::Path,
    stats: &std::path::Path,
    stmt: &str,
) -> Vec<serde_json::Value> {
    let create = "CREATE TABLE orders (id int NOT NULL, customer_id int, ref int);\n";
    check_second_migration(dir, stats, create, stmt)["findings"]
        .as_array()
        .unwrap()
        .clone()
}

/// `CREATE UNIQUE INDEX CONCURRENTLY` over duplicates (the example of the rule page) fails and
/// leaves the INVALID index `unique-index-duplicates` warns of; `ADD PRIMARY KEY` on a column
/// with NULLs or duplicates fails as `unique-without-index` predicts.
#[test]
fn concurrent_unique_builds_and_primary_keys_fail_as_predicted() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut c = pg.connect();
    c.batch_execute(
        "CREATE TABLE orders (id int NOT NULL, customer_id int, ref int);
         INSERT INTO orders SELECT g, g % 500, CASE WHEN g % 10 = 0 THEN NULL ELSE g END
           FROM generate_series(1, 20000) g;
         ANALYZE orders;",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stats = write_stats(&pg.conninfo(), dir.path().join("stats.json"));
    let page = include_str!("../rules/unique-index-duplicates.md");

    // The page's example: predicted, and on the server it fails leaving an INVALID index.
    let example = page_sql(page, "Example");
    let findings = check_orders_migration(dir.path(), &stats, &example);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "unique-index-duplicates")
        .unwrap_or_else(|| panic!("not predicted: {findings:?}"));
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("INVALID"), "{f}");
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains("DROP INDEX CONCURRENTLY orders_customer_key;"),
        "{help}"
    );
    let err = c.batch_execute(&example).unwrap_err();
    assert!(support::error_message(&err).contains("could not create unique index"));
    let valid: bool = c
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_key'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!valid, "the failed build left an INVALID index");
    c.batch_execute("DROP INDEX CONCURRENTLY orders_customer_key;")
        .unwrap();

    // A unique column: no candidate survives, and the build succeeds.
    let unique = "CREATE UNIQUE INDEX CONCURRENTLY orders_id_key ON orders (id);";
    let findings = check_orders_migration(dir.path(), &stats, unique);
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] != "unique-index-duplicates"),
        "{findings:?}"
    );
    c.batch_execute(unique).unwrap();

    // ADD PRIMARY KEY: NULLs and duplicates predicted, each failing; a clean key is not.
    for (stmt, predicted, error) in [
        (
            "ALTER TABLE orders ADD PRIMARY KEY (ref);",
            Some("about 10.0 % of rows have a NULL `ref`"),
            Some("contains null values"),
        ),
        (
            "ALTER TABLE orders ADD PRIMARY KEY (customer_id);",
            Some("will likely fail"),
            Some("could not create unique index"),
        ),
        ("ALTER TABLE orders ADD PRIMARY KEY (id);", None, None),
    ] {
        let findings = check_orders_migration(dir.path(), &stats, stmt);
        let f = findings
            .iter()
            .find(|f| f["rule"] == "unique-without-index")
            .unwrap_or_else(|| panic!("{stmt}: {findings:?}"));
        let message = f["message"].as_str().unwrap();
        match predicted {
            Some(p) => assert!(message.contains(p), "{stmt}: {message}"),
            None => assert!(!message.contains("fail"), "{stmt}: {message}"),
        }
        if stmt.contains("(ref)") {
            assert_eq!(f["severity"], "error");
        }
        let mut tx = c.transaction().unwrap();
        let result = tx
            .batch_execute(stmt)
            .map_err(|e| support::error_message(&e));
        drop(tx);
        match error {
            Some(e) => assert!(result.unwrap_err().contains(e), "{stmt}"),
            None => result.unwrap(),
        }
    }

    // The page's fix, once the duplicates are gone: not reported, and the index is valid.
    c.batch_execute(
        "DELETE FROM orders o USING orders d WHERE o.customer_id = d.customer_id AND o.id > d.id;
         ANALYZE orders;",
    )
    .unwrap();
    let stats = write_stats(&pg.conninfo(), dir.path().join("after.json"));
    let fix = page_sql(page, "Use instead");
    let findings = check_orders_migration(dir.path(), &stats, &fix);
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] != "unique-index-duplicates"),
        "{findings:?}"
    );
    for stmt in fix.split_inclusive(';').filter(|s| !s.trim().is_empty()) {
        c.batch_execute(stmt).unwrap();
    }
    let valid: bool = c
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_key'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(valid);
}
