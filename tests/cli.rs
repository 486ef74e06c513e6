//! The command line as users run it: the README example (pinned), exit codes, and bad input.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn driftlint() -> Command {
    let mut cmd = Command::cargo_bin("driftlint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn json_findings(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = driftlint()
        .current_dir(dir)
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (doc, out.status.code().unwrap())
}

fn rules_of(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn readme_example_human_output_is_pinned() {
    let out = driftlint()
        .args(["check", "testdata/saas-drizzle/drizzle"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "errors fail the run");
    insta::assert_snapshot!(
        "readme_example_human",
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn readme_example_json_output_is_pinned() {
    let out = driftlint()
        .args(["check", "--format", "json", "testdata/saas-drizzle/drizzle"])
        .output()
        .unwrap();
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["tool"]["version"] = Value::String("[version]".into());
    insta::assert_snapshot!(
        "readme_example_json",
        serde_json::to_string_pretty(&doc).unwrap()
    );
}

#[test]
fn json_shape_is_the_contract() {
    let (doc, code) = json_findings(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["testdata/saas-drizzle/drizzle"],
    );
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "driftlint");
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "index-missing-column")
        .unwrap();
    for key in [
        "rule", "severity", "message", "help", "table", "object", "related", "location",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`");
    }
    assert_eq!(f["severity"], "error");
    assert_eq!(f["table"], "public.auth_sessions");
    assert_eq!(f["object"], "idx_auth_sessions_expires");
    assert_eq!(f["help"], "did you mean `expires`?");
    let loc = &f["location"];
    assert_eq!(
        loc["file"],
        "testdata/saas-drizzle/drizzle/0002_add_performance_indexes.sql"
    );
    assert_eq!(
        (loc["line"].as_u64(), loc["column"].as_u64()),
        (Some(6), Some(58))
    );
    assert_eq!(
        (loc["end_line"].as_u64(), loc["end_column"].as_u64()),
        (Some(6), Some(68))
    );
    for key in ["error", "warning", "info", "files", "statements"] {
        assert!(doc["summary"][key].is_u64(), "summary lacks `{key}`");
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("001.sql"), "CREATE TABLE t (id int);\n").unwrap();
    // Only an info finding (no primary key) or nothing at all: exit 0 by default.
    driftlint()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(0);
    fs::write(dir.path().join("002.sql"), "CREATE INDEX t_x ON t (x);\n").unwrap();
    driftlint()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(1);
    driftlint()
        .current_dir(dir.path())
        .args(["check", "--fail-on", "info", "."])
        .assert()
        .code(1);
    // Usage errors and missing paths: exit 2.
    driftlint()
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    driftlint()
        .args(["check", "/nonexistent/driftlint/path"])
        .assert()
        .code(2);
}

#[test]
fn warnings_fail_only_with_fail_on_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY,);\n",
    )
    .unwrap();
    let (doc, code) = json_findings(dir.path(), &["."]);
    assert_eq!(rules_of(&doc), ["unparsed-statement"]);
    assert_eq!(code, 0);
    driftlint()
        .current_dir(dir.path())
        .args(["check", "--fail-on", "warning", "."])
        .assert()
        .code(1);
}

#[test]
fn missing_path_is_a_clear_error() {
    let out = driftlint()
        .args(["check", "no/such/migrations"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no/such/migrations") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_reported_at_its_position_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"CREATE TABLE t (id int PRIMARY KEY, name text);\n-- caf".to_vec();
    bytes.extend([0xE9, b'\n']); // Latin-1 é
    bytes.extend(b"CREATE INDEX t_x ON t (nmae);\n");
    fs::write(dir.path().join("001.sql"), bytes).unwrap();
    fs::write(dir.path().join("002.sql"), "CREATE INDEX t_y ON t (y);\n").unwrap();
    let (doc, code) = json_findings(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&doc),
        [
            "unreadable-file",
            "index-missing-column",
            "index-missing-column"
        ]
    );
    let bad = &doc["findings"][0];
    assert_eq!(
        (
            bad["location"]["line"].as_u64(),
            bad["location"]["column"].as_u64()
        ),
        (Some(2), Some(7))
    );
    assert_eq!(doc["findings"][1]["help"], "did you mean `name`?");
}

#[test]
fn nul_bytes_are_reported_and_do_not_stop_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("001.sql"),
        b"CREATE TABLE t (id int PRIMARY KEY);\0\nCREATE INDEX t_x ON t (x);\n",
    )
    .unwrap();
    let (doc, _) = json_findings(dir.path(), &["."]);
    assert_eq!(rules_of(&doc), ["unreadable-file", "index-missing-column"]);
    assert!(
        doc["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("NUL")
    );
}

#[test]
fn empty_files_and_comment_only_files_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("001.sql"), "").unwrap();
    fs::write(
        dir.path().join("002.sql"),
        "-- nothing yet\n/* still nothing */\n",
    )
    .unwrap();
    let (doc, code) = json_findings(dir.path(), &["."]);
    assert_eq!(code, 0);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["summary"]["statements"], 0);
}

#[test]
fn unreadable_files_are_reported_and_the_others_linted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere.sql"), dir.path().join("002.sql")).unwrap();
    let locked = dir.path().join("003.sql");
    fs::write(&locked, "CREATE TABLE u (id int PRIMARY KEY);\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads_anyway = fs::read(&locked).is_ok();
    fs::write(dir.path().join("004.sql"), "CREATE INDEX t_x ON t (x);\n").unwrap();
    let (doc, code) = json_findings(dir.path(), &["."]);
    assert_eq!(code, 1);
    let rules = rules_of(&doc);
    let unreadable = rules.iter().filter(|r| *r == "unreadable-file").count();
    assert_eq!(unreadable, if root_reads_anyway { 1 } else { 2 }, "{doc:#}");
    assert!(
        rules.contains(&"index-missing-column".to_string()),
        "later files are still linted: {doc:#}"
    );
}

#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    fs::create_dir_all(migrations.join("sub")).unwrap();
    std::os::unix::fs::symlink(&migrations, migrations.join("sub/loop")).unwrap();
    fs::write(
        migrations.join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\nCREATE INDEX t_x ON t (x);\n",
    )
    .unwrap();
    let (doc, code) = json_findings(dir.path(), &["migrations"]);
    assert_eq!(code, 1);
    let rules = rules_of(&doc);
    assert!(rules.contains(&"unreadable-file".to_string()), "{doc:#}");
    assert!(
        rules.contains(&"index-missing-column".to_string()),
        "{doc:#}"
    );
}

#[test]
fn a_syntax_error_mid_file_does_not_hide_later_statements() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABEL oops (x int);\nCREATE INDEX t_b ON t (b);\n",
    )
    .unwrap();
    let (doc, _) = json_findings(dir.path(), &["."]);
    assert_eq!(
        rules_of(&doc),
        ["unparsed-statement", "index-missing-column"]
    );
    let u = &doc["findings"][0];
    assert_eq!(
        (
            u["location"]["line"].as_u64(),
            u["location"]["column"].as_u64()
        ),
        (Some(2), Some(8))
    );
    assert!(
        u["message"]
            .as_str()
            .unwrap()
            .contains("syntax error at or near \"TABEL\"")
    );
}

#[test]
fn check_without_paths_finds_the_usual_folders() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("db/migrations")).unwrap();
    fs::write(
        dir.path().join("db/migrations/001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\nCREATE INDEX ON t (x);\n",
    )
    .unwrap();
    let (doc, code) = json_findings(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        doc["findings"][0]["location"]["file"],
        "db/migrations/001.sql"
    );
    let empty = tempfile::tempdir().unwrap();
    let out = driftlint()
        .current_dir(empty.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no migration files found"));
}

#[test]
fn rules_and_explain() {
    let out = driftlint().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("index-missing-column") && l.contains("error"))
    );
    let out = driftlint()
        .args(["explain", "index-missing-column"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("# index-missing-column")
    );
    driftlint()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2);
}

#[test]
fn layouts_skip_down_migrations() {
    // Down files in the samples drop tables: replayed, the later indexes would be on missing tables.
    for sample in [
        "golang-migrate",
        "flyway",
        "dbmate",
        "sqlx",
        "diesel",
        "supabase",
        "structure-sql",
    ] {
        let path = format!("testdata/layouts/{sample}");
        let out = driftlint()
            .args(["check", "--format", "json", &path])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let bad: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error" || f["rule"] == "unparsed-statement")
            .collect();
        assert!(bad.is_empty(), "{sample}: {bad:#?}");
        assert!(
            doc["summary"]["statements"].as_u64().unwrap() > 0,
            "{sample}: nothing read"
        );
    }
}

#[test]
fn prisma_folders_are_not_mistaken_for_drizzle_kit_1x() {
    let (doc, _) = json_findings(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["testdata/prisma-basic/prisma/migrations"],
    );
    assert!(
        !rules_of(&doc).iter().any(|r| r == "drizzle-journal"),
        "{doc:#}"
    );
    let migrations = std::fs::read_dir("testdata/prisma-basic/prisma/migrations")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(
        doc["summary"]["files"].as_u64(),
        Some(migrations as u64),
        "each file counted once"
    );
}

#[test]
fn timings_list_each_phase_on_stderr_and_leave_stdout_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("001.sql"),
        "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX ON t (a);\n",
    )
    .unwrap();
    let plain = driftlint()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let timed = driftlint()
        .args(["check", "--format", "json", "--timings"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(plain.stdout, timed.stdout);
    assert!(plain.stderr.is_empty());
    let stderr = String::from_utf8(timed.stderr).unwrap();
    let phases: Vec<&str> = stderr
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        phases,
        [
            "discover", "read", "split", "parse", "replay", "rules", "render", "total"
        ],
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .all(|l| l.contains("timings") || l.ends_with(" ms")),
        "{stderr}"
    );
}

/// `driftlint schema` prints composite types with their attributes, foreign servers, and a
/// foreign table's server and options beside its columns.
#[test]
fn schema_prints_composite_types_and_foreign_tables() {
    let out = driftlint()
        .args(["schema", "testdata/objects/migrations"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let address = doc["composite_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "public.address")
        .expect("public.address");
    let attributes: Vec<String> = address["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a["name"].as_str().unwrap(),
                a["type"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        attributes,
        ["line1 text", "zip character varying(20)", "city text"]
    );
    assert_eq!(
        doc["foreign_servers"],
        serde_json::json!([
            {"name": "imports", "wrapper": "file_fdw"},
            {"name": "staging_files", "wrapper": "file_fdw"}
        ])
    );
    let tables = doc["tables"].as_array().unwrap();
    let orders = tables
        .iter()
        .find(|t| t["name"] == "public.legacy_orders")
        .expect("the foreign table is a table");
    assert_eq!(orders["foreign"]["server"], "imports");
    assert_eq!(
        orders["foreign"]["options"][1],
        serde_json::json!({"name": "format", "value": "text"})
    );
    // Other tables carry no `foreign` key.
    let customers = tables
        .iter()
        .find(|t| t["name"] == "public.customers")
        .unwrap();
    assert!(customers.get("foreign").is_none());
    let home = &customers["columns"][1];
    assert_eq!(
        (home["name"].as_str(), home["type"].as_str()),
        (Some("home"), Some("address"))
    );
}
