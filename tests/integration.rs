//! driftlint where its users live: SARIF, GitHub annotations, gcc lines, `driftlint.toml`,
//! inline ignores, baselines and `--changed-since`, all through the command line.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn driftlint() -> Command {
    let mut cmd = Command::cargo_bin("driftlint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `check --format json` in `dir`: the document and the exit code.
fn check_json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = driftlint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc, out.status.code().unwrap())
}

/// `(rule, file:line)` of each finding.
fn found(doc: &Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = match f["location"].as_object() {
                Some(l) => format!("{}:{}", l["file"].as_str().unwrap(), l["line"]),
                None => String::new(),
            };
            (f["rule"].as_str().unwrap().to_string(), at)
        })
        .collect()
}

fn rules_of(doc: &Value) -> Vec<String> {
    found(doc).into_iter().map(|(r, _)| r).collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const SCHEMA: &str = "CREATE TABLE t (id int PRIMARY KEY, a int);\n";

// ---------------------------------------------------------------- output formats

#[test]
fn github_annotations_are_pinned() {
    let out = driftlint()
        .args([
            "check",
            "--format",
            "github",
            "testdata/saas-drizzle/drizzle",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("github_annotations", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn gcc_lines() {
    let out = driftlint()
        .args(["check", "--format", "gcc", "testdata/saas-drizzle/drizzle"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(
        "testdata/saas-drizzle/drizzle/0002_add_performance_indexes.sql:6:58: error: index `idx_auth_sessions_expires` names column `expires_at`, which table `public.auth_sessions` does not have [index-missing-column]\n    help: did you mean `expires`?\n"
    ), "{text}");
    for line in text.lines().filter(|l| !l.starts_with("    ")) {
        let parts: Vec<&str> = line.splitn(5, ':').collect();
        assert!(
            parts.len() == 5 && parts[1].parse::<u32>().is_ok(),
            "{line}"
        );
        assert!(line.ends_with(']'), "{line}");
    }
}

/// The parts of SARIF 2.1.0 that its schema requires and that GitHub code scanning reads.
fn assert_valid_sarif(doc: &Value) {
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "driftlint");
    assert!(driver["version"].is_string() && driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().unwrap();
    for r in rules {
        assert!(r["id"].is_string());
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .ends_with('.')
        );
        assert!(r["fullDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string() && r["help"]["markdown"].is_string());
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("rules/{}.md", r["id"].as_str().unwrap()))
        );
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level));
    }
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    for result in run["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(result["message"]["text"].as_str().unwrap().ends_with('.'));
        assert!(result["partialFingerprints"].as_object().unwrap().len() == 1);
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let loc = &locations[0];
        match loc.get("physicalLocation") {
            Some(p) => {
                let uri = p["artifactLocation"]["uri"].as_str().unwrap();
                assert!(!uri.contains(' ') && !uri.starts_with('/'), "{uri}");
                if !uri.starts_with("file:") {
                    assert_eq!(p["artifactLocation"]["uriBaseId"], "%SRCROOT%");
                }
                let r = &p["region"];
                let (sl, sc, el, ec) = (
                    r["startLine"].as_u64().unwrap(),
                    r["startColumn"].as_u64().unwrap(),
                    r["endLine"].as_u64().unwrap(),
                    r["endColumn"].as_u64().unwrap(),
                );
                assert!(sl >= 1 && sc >= 1 && (el > sl || (el == sl && ec >= sc)));
            }
            None => assert!(!loc["logicalLocations"].as_array().unwrap().is_empty()),
        }
        for rel in result["relatedLocations"].as_array().into_iter().flatten() {
            assert!(rel["id"].is_u64() && rel["message"]["text"].is_string());
        }
    }
}

#[test]
fn sarif_has_the_required_structure() {
    let out = driftlint()
        .args([
            "check",
            "--format",
            "sarif",
            "testdata/saas-drizzle/drizzle",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("expires_at")
        })
        .unwrap();
    assert_eq!(r["ruleId"], "index-missing-column");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["message"]["text"],
        "index `idx_auth_sessions_expires` names column `expires_at`, which table `public.auth_sessions` does not have. Help: did you mean `expires`?."
    );
    let p = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        p["artifactLocation"]["uri"],
        "testdata/saas-drizzle/drizzle/0002_add_performance_indexes.sql"
    );
    assert_eq!(p["region"]["startLine"], 6);
    assert_eq!(p["region"]["startColumn"], 58);
    assert_eq!(p["region"]["endColumn"], 68);
    assert_eq!(
        r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "testdata/saas-drizzle/drizzle/0001_init.sql"
    );
}

#[test]
fn sarif_fingerprints_survive_moved_lines_and_odd_paths_are_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = |dir: &Path| -> Value {
        let out = driftlint()
            .current_dir(dir)
            .args(["check", "--format", "sarif", "my migrations"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    write(
        dir.path(),
        "my migrations/001 init.sql",
        &format!("{SCHEMA}CREATE INDEX t_x ON t (x);\nCREATE TABLE u (\n  a int\n);\n"),
    );
    write(dir.path(), "my migrations/002.sql", "\u{0}bad\n");
    let before = sarif(dir.path());
    assert_valid_sarif(&before);
    let results = before["runs"][0]["results"].as_array().unwrap();
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "my%20migrations/001%20init.sql");
    write(
        dir.path(),
        "my migrations/001 init.sql",
        &format!("-- moved\n\n{SCHEMA}CREATE INDEX t_x ON t (x);\nCREATE TABLE u (\n  a int\n);\n"),
    );
    let after = sarif(dir.path());
    let prints = |doc: &Value| -> Vec<Value> {
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));
    assert_ne!(
        before["runs"][0]["results"][0]["locations"],
        after["runs"][0]["results"][0]["locations"]
    );
}

// ---------------------------------------------------------------- driftlint.toml

#[test]
fn config_paths_layout_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "db/schema/001.sql", SCHEMA);
    write(
        dir.path(),
        "db/schema/002.sql",
        "CREATE INDEX t_x ON t (x);\n",
    );
    write(
        dir.path(),
        "db/schema/seed_dev.sql",
        "CREATE INDEX t_y ON t (y);\n",
    );
    write(
        dir.path(),
        "driftlint.toml",
        "[check]\npaths = [\"db/schema\"]\nexclude = [\"db/schema/seed_*.sql\"]\n",
    );
    // Found in a subdirectory too, with paths relative to the file.
    fs::create_dir_all(dir.path().join("src/deep")).unwrap();
    let (doc, code) = check_json(&dir.path().join("src/deep"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&doc),
        [(
            "index-missing-column".into(),
            "../../db/schema/002.sql:1".into()
        )]
    );
    // Paths on the command line win over the file's.
    write(dir.path(), "other/001.sql", SCHEMA);
    let (doc, code) = check_json(dir.path(), &["other"]);
    assert_eq!((rules_of(&doc).len(), code), (0, 0));

    // layout: detected as Prisma, a stray file is not replayed; forced to a plain folder, it is.
    let layout = tempfile::tempdir().unwrap();
    write(layout.path(), "m/20240101_init/migration.sql", SCHEMA);
    write(layout.path(), "m/notes.sql", "CREATE INDEX t_z ON t (z);\n");
    let (doc, _) = check_json(layout.path(), &["m"]);
    assert!(
        !rules_of(&doc).contains(&"index-missing-column".to_string()),
        "{doc:#}"
    );
    write(
        layout.path(),
        "driftlint.toml",
        "[check]\nlayout = \"plain\"\n",
    );
    let (doc, _) = check_json(layout.path(), &["m"]);
    assert!(
        rules_of(&doc).contains(&"index-missing-column".to_string()),
        "{doc:#}"
    );
}

#[test]
fn config_rules_off_and_severities() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m/001.sql",
        "CREATE TABLE t (a int);\nCREATE INDEX t_x ON t (x);\n",
    );
    let (doc, code) = check_json(dir.path(), &["m"]);
    assert_eq!(rules_of(&doc), ["no-primary-key", "index-missing-column"]);
    assert_eq!(code, 1);
    write(
        dir.path(),
        "driftlint.toml",
        "[rules]\nno-primary-key = \"off\"\nindex-missing-column = \"warning\"\n",
    );
    let (doc, code) = check_json(dir.path(), &["m"]);
    assert_eq!(rules_of(&doc), ["index-missing-column"]);
    assert_eq!(doc["findings"][0]["severity"], "warning");
    assert_eq!(code, 0, "a warning does not fail by default");
    driftlint()
        .current_dir(dir.path())
        .args(["check", "--fail-on", "warning", "m"])
        .assert()
        .code(1);
}

#[test]
fn config_file_given_with_flag_and_the_other_keys() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m/001.sql", "CREATE TABLE t (a int);\n");
    write(
        dir.path(),
        "conf/ci.toml",
        "[check]\npaths = [\"../m\"]\ndrizzle = \"../drizzle\"\ndatabase_url_env = \"STAGING_DATABASE_URL\"\n\n[rules]\nno-primary-key = \"error\"\n",
    );
    let (doc, code) = check_json(dir.path(), &["--config", "conf/ci.toml"]);
    assert_eq!(rules_of(&doc), ["no-primary-key"]);
    assert_eq!(
        (doc["findings"][0]["severity"].as_str(), code),
        (Some("error"), 1)
    );
    // A --config that does not exist is an error, not a silent default.
    let out = driftlint()
        .current_dir(dir.path())
        .args(["check", "--config", "nope.toml", "m"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[test]
fn config_errors_point_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m/001.sql", SCHEMA);
    for (toml, expected) in [
        (
            "[check]\npaths = [\"m\"]\nexlude = []\n",
            "driftlint.toml:3:1: unknown field `exlude`",
        ),
        (
            "[rules]\nno-primary-kee = \"off\"\n",
            "driftlint.toml:2:1: unknown rule `no-primary-kee`; did you mean `no-primary-key`?",
        ),
        (
            "[rules]\nno-primary-key = \"never\"\n",
            "driftlint.toml:2:18: unknown severity `never`",
        ),
        ("[check\n", "driftlint.toml:1:7:"),
    ] {
        write(dir.path(), "driftlint.toml", toml);
        let out = driftlint()
            .current_dir(dir.path())
            .args(["check", "m"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{toml}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{toml}: {err}");
    }
}

// ---------------------------------------------------------------- inline ignores

#[test]
fn inline_ignores_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m/001.sql",
        &format!(
            "{SCHEMA}-- driftlint-ignore: index-missing-column\nCREATE INDEX t_x ON t (x);\nCREATE INDEX t_y ON t (y);\n"
        ),
    );
    write(
        dir.path(),
        "m/002.sql",
        "-- driftlint-ignore-file: index-missing-column, duplicate-index\nCREATE INDEX t_z ON t (z);\n",
    );
    let (doc, code) = check_json(dir.path(), &["m"]);
    assert_eq!(
        found(&doc),
        [
            ("index-missing-column".into(), "m/001.sql:4".into()),
            ("unused-ignore".into(), "m/002.sql:1".into()),
        ]
    );
    assert_eq!(code, 1);
    write(
        dir.path(),
        "m/003.sql",
        "-- driftlint-ignore-file\n-- driftlint-ignore: no-such-rule\nSELECT 1;\n",
    );
    let (doc, _) = check_json(dir.path(), &["m"]);
    let bad: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["file"] == "m/003.sql")
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bad,
        [
            (
                "error",
                "`driftlint-ignore-file` without rule ids ignores nothing"
            ),
            (
                "warning",
                "`no-such-rule` is not a driftlint rule, so ignoring it does nothing"
            ),
        ]
    );
    // unused-ignore is a rule like any other: it can be turned off.
    write(
        dir.path(),
        "driftlint.toml",
        "[rules]\nunused-ignore = \"off\"\n",
    );
    let (doc, _) = check_json(dir.path(), &["m"]);
    assert_eq!(rules_of(&doc), ["index-missing-column"]);
}

// ---------------------------------------------------------------- baselines

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m/001.sql",
        "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_x ON t (x);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_a2 ON t (a);\nCREATE TABLE u (b int);\n",
    );
    write(
        dir.path(),
        "m/002.sql",
        "CREATE TABLE v (id int PRIMARY KEY);\n",
    );
    let (doc, code) = check_json(dir.path(), &["m"]);
    assert_eq!(code, 1);
    let before = rules_of(&doc);
    assert_eq!(before.len(), 3, "{doc:#}");

    driftlint()
        .current_dir(dir.path())
        .args(["check", "--write-baseline", "baseline.json", "m"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains("recorded 3 finding(s)"));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 3);

    let (doc, code) = check_json(dir.path(), &["--baseline", "baseline.json", "m"]);
    assert_eq!((rules_of(&doc).len(), code), (0, 0));

    // Edit an unrelated file and move every line of the baselined one: nothing new.
    write(
        dir.path(),
        "m/002.sql",
        "CREATE TABLE v (id int PRIMARY KEY, c text);\nCREATE INDEX v_c ON v (c);\n",
    );
    let moved = format!(
        "-- a comment\n\n{}",
        fs::read_to_string(dir.path().join("m/001.sql")).unwrap()
    );
    write(dir.path(), "m/001.sql", &moved);
    let (doc, code) = check_json(dir.path(), &["--baseline", "baseline.json", "m"]);
    assert_eq!((rules_of(&doc).len(), code), (0, 0), "{doc:#}");

    // A new problem is reported, the recorded ones still are not.
    write(dir.path(), "m/003.sql", "CREATE INDEX v_q ON v (q);\n");
    let (doc, code) = check_json(dir.path(), &["--baseline", "baseline.json", "m"]);
    assert_eq!(
        found(&doc),
        [("index-missing-column".into(), "m/003.sql:1".into())]
    );
    assert_eq!(code, 1);
}

#[test]
fn baseline_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m/001.sql", SCHEMA);
    write(dir.path(), "bad.json", "{\"version\": 2, \"findings\": []}");
    for args in [
        vec!["check", "--baseline", "missing.json", "m"],
        vec!["check", "--baseline", "bad.json", "m"],
        vec!["check", "--write-baseline", "no/such/dir/b.json", "m"],
        vec![
            "check",
            "--baseline",
            "bad.json",
            "--write-baseline",
            "b.json",
            "m",
        ],
    ] {
        driftlint()
            .current_dir(dir.path())
            .args(&args)
            .assert()
            .code(2);
    }
}

// ---------------------------------------------------------------- --changed-since

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn changed_since_reports_only_changed_files_but_replays_everything() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write(
        repo,
        "migrations/001.sql",
        &format!("{SCHEMA}CREATE INDEX t_old ON t (old);\n"),
    );
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "one"]);
    // Committed after the base, staged, and untracked: all count as changed.
    write(repo, "migrations/002.sql", "CREATE INDEX t_b ON t (b);\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "two"]);
    write(repo, "migrations/003.sql", "CREATE INDEX t_c ON t (c);\n");
    git(repo, &["add", "migrations/003.sql"]);
    write(
        repo,
        "migrations/004.sql",
        "CREATE INDEX t_a ON t (a);\nCREATE INDEX t_d ON t (d);\n",
    );

    let (doc, _) = check_json(repo, &["migrations"]);
    // Three missing columns, and the lock of `t_a` on the table 001.sql created.
    assert_eq!(rules_of(&doc).len(), 4 + 1);
    let (doc, code) = check_json(repo, &["--changed-since", "HEAD~1", "migrations"]);
    assert_eq!(
        found(&doc),
        [
            ("index-missing-column".into(), "migrations/002.sql:1".into()),
            ("index-missing-column".into(), "migrations/003.sql:1".into()),
            // `t.a` exists: 001.sql was replayed although it is not reported on.
            ("index-not-concurrent".into(), "migrations/004.sql:1".into()),
            ("index-missing-column".into(), "migrations/004.sql:2".into()),
        ]
    );
    assert_eq!(code, 1);
    let (doc, _) = check_json(repo, &["--changed-since", "HEAD", "migrations"]);
    assert_eq!(rules_of(&doc).len(), 2 + 1);
    // From a subdirectory, with the folder as the current directory.
    let (doc, _) = check_json(&repo.join("migrations"), &["--changed-since", "HEAD", "."]);
    assert_eq!(rules_of(&doc).len(), 2 + 1);

    // A revision git does not know, and a folder outside any repository: exit 2.
    let out = driftlint()
        .current_dir(repo)
        .args(["check", "--changed-since", "no-such-rev", "migrations"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_list_as_json() {
    let out = driftlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unused = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "unused-ignore")
        .unwrap();
    assert_eq!(unused["severity"], "warning");
    assert!(
        unused["url"]
            .as_str()
            .unwrap()
            .ends_with("rules/unused-ignore.md")
    );
    let text = String::from_utf8(driftlint().arg("rules").output().unwrap().stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("unused-ignore") && l.contains("warning"))
    );
}
