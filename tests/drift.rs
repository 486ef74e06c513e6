//! Drizzle as a schema source, and drift between sources.
//!
//! Differential: each fixture's schema is read three ways — its TypeScript schema, the snapshot
//! drizzle-kit generated from it, and the replay of the migrations drizzle-kit generated — and
//! the three must agree except for what hand-written migrations added. Then `check --drizzle`
//! on the hand-written migration alone, and the human `diff` output, pinned.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use driftlint::config::Exclude;
use driftlint::drift::{SideSpec, run_diff};
use driftlint::finding::Severity;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// (rule, object) of every finding of `diff a b`.
fn drift(a: SideSpec, b: SideSpec) -> Vec<(String, String)> {
    let run = run_diff(&a, &b, None, &Exclude::default()).unwrap();
    run.findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                format!("{} {}", f.object.clone().unwrap_or_default(), f.message),
            )
        })
        .collect()
}

fn objects(findings: &[(String, String)]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .map(|(r, o)| format!("{r} {}", o.split(' ').next().unwrap_or("")))
        .collect();
    v.sort();
    v
}

const FIXTURES: &[(&str, &str)] = &[
    ("saas-drizzle", "src/db/schema.ts"),
    ("drizzle-legacy", "src/schema.ts"),
    ("drizzle-authjs", "src/schema.ts"),
    ("drizzle-enums", "src/schema.ts"),
];

#[test]
fn schema_ts_equals_the_snapshot_drizzle_kit_generated_from_it() {
    for (name, ts) in FIXTURES {
        let found = drift(
            SideSpec::Drizzle(fixture(&format!("{name}/{ts}"))),
            SideSpec::Drizzle(fixture(&format!("{name}/drizzle"))),
        );
        assert!(
            found.is_empty(),
            "{name}: schema.ts vs snapshot: {found:#?}"
        );
    }
}

#[test]
fn replayed_migrations_equal_the_snapshot_but_for_hand_written_objects() {
    let expected: &[(&str, &[&str])] = &[
        (
            "saas-drizzle",
            &[
                "drift-index idx_auth_accounts_user_id",
                "drift-index idx_conversations_tenant_updated",
                "drift-index idx_cost_events_tenant",
                "drift-index idx_knowledge_chunks_embedding",
                "drift-index idx_knowledge_chunks_tenant",
                "drift-index idx_messages_conversation",
                "drift-index idx_tenant_members_user_id",
                "drift-index idx_users_email",
                "drift-index idx_users_email_lower",
                "drift-index idx_users_id",
                "drift-table public.tenant_usage_daily",
            ],
        ),
        (
            "drizzle-legacy",
            // `orders_shipped_on_idx` names a column that does not exist: never created.
            &[
                "drift-index orders_status_placed_at_idx",
                "drift-index shipments_order_id_idx",
            ],
        ),
        ("drizzle-authjs", &[]),
        // camelCase enum names, quoted in the SQL, bare in the snapshot and schema.ts.
        ("drizzle-enums", &[]),
    ];
    for (name, want) in expected {
        let found = drift(
            SideSpec::Migrations(fixture(&format!("{name}/drizzle"))),
            SideSpec::Drizzle(fixture(&format!("{name}/drizzle"))),
        );
        assert_eq!(objects(&found), *want, "{name}: {found:#?}");
        for (_, message) in &found {
            assert!(
                message.contains("is in migrations, not in drizzle snapshot"),
                "{message}"
            );
        }
        // The TypeScript schema agrees with the migrations exactly as the snapshot does.
        let ts = FIXTURES.iter().find(|(n, _)| n == name).unwrap().1;
        let from_ts = drift(
            SideSpec::Migrations(fixture(&format!("{name}/drizzle"))),
            SideSpec::Drizzle(fixture(&format!("{name}/{ts}"))),
        );
        assert_eq!(objects(&from_ts), *want, "{name} (schema.ts): {from_ts:#?}");
    }
}

#[test]
fn the_authjs_fixture_keeps_camel_case_columns_and_its_own_schema() {
    let d = driftlint::source::drizzle::load(&fixture("drizzle-authjs/src/schema.ts"), 0).unwrap();
    assert!(d.unsupported.is_empty(), "{:#?}", d.unsupported);
    let s = &d.schema;
    let session = &s.tables[&driftlint::schema::QualName::new("auth", "session")];
    assert!(session.columns.contains_key("sessionToken"));
    assert!(session.columns.contains_key("userId"));
    let chunks = &s.indexes[&driftlint::schema::QualName::new("public", "chunks_embedding_idx")];
    assert_eq!(chunks.method, "hnsw");
    assert_eq!(chunks.keys[0].opclass.as_deref(), Some("vector_cosine_ops"));
}

fn driftlint() -> Command {
    let mut cmd = Command::cargo_bin("driftlint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(root());
    cmd
}

#[test]
fn a_hand_written_migration_alone_is_checked_against_drizzle() {
    let migration = "testdata/saas-drizzle/drizzle/0002_add_performance_indexes.sql";
    for reference in [
        "testdata/saas-drizzle/drizzle",
        "testdata/saas-drizzle/drizzle/meta/0002_snapshot.json",
        "testdata/saas-drizzle/src/db/schema.ts",
    ] {
        let out = driftlint()
            .args([
                "check",
                "--format",
                "json",
                "--drizzle",
                reference,
                migration,
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{reference}: errors fail the run"
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut got: Vec<(String, String)> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "index-missing-column")
            .map(|f| {
                let message = f["message"].as_str().unwrap();
                let column = message.split('`').nth(3).unwrap_or("").to_string();
                let help = f["help"].as_str().unwrap_or("");
                let suggestion = help.split('`').nth(1).unwrap_or("").to_string();
                (column, suggestion)
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("cost_usd".to_string(), "cost".to_string()),
                ("created_at".to_string(), "timestamp".to_string()),
                ("event_type".to_string(), "service".to_string()),
                ("expires_at".to_string(), "expires".to_string()),
                ("is_acknowledged".to_string(), "resolved".to_string()),
            ],
            "{reference}"
        );
        // No table is unknown: the reference answers for all of them.
        assert!(
            doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["rule"] != "index-missing-table"),
            "{reference}"
        );
    }
}

#[test]
fn without_the_reference_the_lone_migration_cannot_be_verified() {
    let out = driftlint()
        .args([
            "check",
            "--format",
            "json",
            "testdata/saas-drizzle/drizzle/0002_add_performance_indexes.sql",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "index-missing-column")
    );
}

#[test]
fn migrations_vs_snapshot_human_output_is_pinned() {
    let out = driftlint()
        .args([
            "diff",
            "testdata/saas-drizzle/drizzle",
            "drizzle:testdata/saas-drizzle/drizzle",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "drift is a warning: fails by default"
    );
    insta::assert_snapshot!(
        "saas_migrations_vs_snapshot",
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn same_sources_have_no_drift_and_exit_zero() {
    let out = driftlint()
        .args([
            "diff",
            "drizzle:testdata/drizzle-legacy/src/schema.ts",
            "drizzle:testdata/drizzle-legacy/drizzle",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("---"), "{text}");
}

#[test]
fn an_unreachable_database_side_is_a_clear_error() {
    // A database side is introspected (tests/live_database.rs); nothing listens on port 1.
    let out = driftlint()
        .args([
            "diff",
            "testdata/saas-drizzle/drizzle",
            "postgres://u:pw-secret@127.0.0.1:1/x?sslmode=disable",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot connect"), "{stderr}");
    assert!(!stderr.contains("pw-secret"), "{stderr}");
}

#[test]
fn journal_problems_are_info_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("drizzle");
    std::fs::create_dir_all(out.join("meta")).unwrap();
    std::fs::write(
        out.join("meta/_journal.json"),
        r#"{"version":"7","dialect":"postgresql","entries":[
            {"idx":0,"version":"7","when":1,"tag":"0000_init","breakpoints":true},
            {"idx":1,"version":"7","when":2,"tag":"0001_more","breakpoints":true}]}"#,
    )
    .unwrap();
    std::fs::write(
        out.join("0000_init.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);",
    )
    .unwrap();
    std::fs::write(out.join("0001_more.sql"), "ALTER TABLE t ADD COLUMN a int;").unwrap();
    let snap = r#"{"version":"7","dialect":"postgresql","tables":{},"enums":{}}"#;
    std::fs::write(out.join("meta/0000_snapshot.json"), snap).unwrap();
    std::fs::write(out.join("meta/0005_snapshot.json"), snap).unwrap();
    let output = driftlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "drizzle"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let journal: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "drizzle-journal")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(journal.len(), 2, "{journal:#?}");
    assert!(
        journal
            .iter()
            .any(|m| m.contains("`0001_more` has no snapshot"))
    );
    assert!(journal.iter().any(|m| m.contains("0005_snapshot.json")));
}

#[test]
fn every_format_renders_the_drift_in_its_own_shape() {
    let run = |format: &str| {
        let out = driftlint()
            .args([
                "diff",
                "--format",
                format,
                "testdata/saas-drizzle/drizzle",
                "drizzle:testdata/saas-drizzle/drizzle",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["ruleId"]
            .as_str()
            .is_some_and(|id| id.starts_with("drift-"))),
        "{sarif}"
    );
    let gcc = run("gcc");
    assert!(
        gcc.lines().all(|l| l.contains(": warning: ")
            || l.contains(": note: ")
            || l.contains(": error: ")),
        "{gcc}"
    );
    assert!(gcc.contains("[drift-"), "{gcc}");
    let github = run("github");
    assert!(github.starts_with("::warning "), "{github}");
    assert!(!run("json").starts_with("::"));
}

/// DDL from one branch of an `IF` in a `DO` block is replayed with every other branch, but
/// the database ran only one: a difference about an object such DDL created or altered says so
/// and is `info`.
#[test]
fn drift_from_a_conditional_do_block_says_so_and_is_info() {
    let found = findings_between(
        "CREATE TABLE t (id int PRIMARY KEY);\n\
         CREATE TABLE u (id int PRIMARY KEY, e int, f int);\n\
         DO $$ BEGIN\n\
           IF current_setting('server_version_num')::int >= 100000 THEN\n\
             ALTER TABLE t ADD COLUMN c int;\n\
             ALTER TABLE u ALTER COLUMN f SET DEFAULT 1;\n\
           ELSE\n\
             ALTER TABLE t ADD COLUMN d int;\n\
           END IF;\n\
         END $$;\n",
        "CREATE TABLE t (id int PRIMARY KEY, c int);\nCREATE TABLE u (id int PRIMARY KEY, f int);\n",
    );
    let found: Vec<(&str, &str, Severity)> = found
        .iter()
        .map(|(_, o, m, s)| (o.as_str(), m.as_str(), *s))
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    let conditional = |object: &str, what: &str, line: usize| {
        let (_, message, severity) = found.iter().find(|f| f.0 == object).expect(object);
        assert!(
            message.contains(&format!("{what} inside a conditional DO block ("))
                && message.contains(&format!("001_init.sql:{line})"))
                && message.ends_with("the database may have taken another branch"),
            "{message}"
        );
        assert_eq!(*severity, driftlint::finding::Severity::Info, "{message}");
    };
    // Column d exists only in the ELSE branch; f's default is set only in the THEN branch.
    conditional("d", "created", 8);
    conditional("f", "altered", 6);
    // A difference outside the block is as confident as ever.
    let (_, message, severity) = found.iter().find(|f| f.0 == "e").expect("column e");
    assert!(!message.contains("conditional"), "{message}");
    assert_eq!(*severity, driftlint::finding::Severity::Warning);
}

/// A `RENAME` in one branch of a `DO` block may not have run either: drift about the renamed
/// object, under its old or its new name, says so.
#[test]
fn drift_about_an_object_renamed_in_a_conditional_do_block_says_so() {
    // The database took no branch: the old names are still there, and e differs.
    let found = findings_between(
        "CREATE TABLE t (id int PRIMARY KEY, old_name int, e int);\n\
         CREATE TABLE u (id int PRIMARY KEY);\n\
         DO $$ BEGIN\n\
           IF current_setting('server_version_num')::int >= 100000 THEN\n\
             ALTER TABLE t RENAME COLUMN old_name TO new_name;\n\
             ALTER TABLE u RENAME TO u2;\n\
           END IF;\n\
         END $$;\n",
        "CREATE TABLE t (id int PRIMARY KEY, old_name int, e bigint);\nCREATE TABLE u (id int PRIMARY KEY);\n",
    );
    let found: Vec<(String, &str, Severity)> = found
        .iter()
        .map(|(t, o, m, s)| (format!("{t}/{o}"), m.as_str(), *s))
        .collect();
    let renamed = [
        "public.t/new_name",
        "public.t/old_name",
        "public.u2/public.u2",
        "public.u/public.u",
    ];
    for object in renamed {
        let (_, message, severity) = found
            .iter()
            .find(|f| f.0 == object)
            .unwrap_or_else(|| panic!("{object} in {found:#?}"));
        assert!(
            message.contains("altered inside a conditional DO block (")
                && (message.contains("001_init.sql:5)") || message.contains("001_init.sql:6)")),
            "{message}"
        );
        assert_eq!(*severity, driftlint::finding::Severity::Info, "{message}");
    }
    // Column e was not renamed: its difference is as confident as ever.
    let (_, message, severity) = found
        .iter()
        .find(|f| f.0 == "public.t/e")
        .expect("column e");
    assert!(!message.contains("conditional"), "{message}");
    assert_eq!(*severity, driftlint::finding::Severity::Warning);
    assert_eq!(found.len(), renamed.len() + 1, "{found:#?}");
}

/// `IMPORT FOREIGN SCHEMA` creates tables only the remote server knows: a table the other
/// side has there is a note, not "in database, not in migrations"; others are still drift.
#[test]
fn tables_of_an_imported_foreign_schema_are_a_note_not_drift() {
    let server = "CREATE EXTENSION postgres_fdw;\n\
                  CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw;\n\
                  CREATE SCHEMA imported;\n";
    let found = findings_between(
        &format!(
            "{server}IMPORT FOREIGN SCHEMA public LIMIT TO (orders) FROM SERVER remote INTO imported;\n"
        ),
        &format!(
            "{server}CREATE FOREIGN TABLE imported.orders (id int) SERVER remote;\n\
             CREATE FOREIGN TABLE imported.invoices (id int) SERVER remote;\n"
        ),
    );
    let found: Vec<(String, &str, Severity)> = found
        .iter()
        .map(|(t, _, m, s)| (t.clone(), m.as_str(), *s))
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    let (_, message, severity) = found
        .iter()
        .find(|f| f.0 == "imported.orders")
        .expect("orders");
    assert!(
        message.starts_with("note: table `imported.orders` may come from `IMPORT FOREIGN SCHEMA")
            && message.contains("001_init.sql:4)"),
        "{message}"
    );
    assert_eq!(*severity, Severity::Info);
    // LIMIT TO leaves invoices out: its absence is drift.
    let (_, message, severity) = found
        .iter()
        .find(|f| f.0 == "imported.invoices")
        .expect("invoices");
    assert!(message.contains("not in migrations"), "{message}");
    assert_eq!(*severity, driftlint::finding::Severity::Warning);
}

/// (table, object, message, severity) of each finding of `diff` between two migration folders
/// of one file each.
fn findings_between(a_sql: &str, b_sql: &str) -> Vec<(String, String, String, Severity)> {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    std::fs::write(a.path().join("001_init.sql"), a_sql).unwrap();
    std::fs::write(b.path().join("001_init.sql"), b_sql).unwrap();
    let run = run_diff(
        &SideSpec::Migrations(a.path().to_path_buf()),
        &SideSpec::Migrations(b.path().to_path_buf()),
        None,
        &Exclude::default(),
    )
    .unwrap();
    run.findings
        .into_iter()
        .map(|f| {
            (
                f.table.map(|t| t.to_string()).unwrap_or_default(),
                f.object.unwrap_or_default(),
                f.message,
                f.severity,
            )
        })
        .collect()
}
