//! A bug (a panic inside driftlint) is reported as an internal error naming the file and the
//! statement, with a request to report it, and exit code 2: never a silent wrong answer.
//!
//! The panic is injected with `DRIFTLINT_INJECT_PANIC`, a hook that only debug builds have.

use assert_cmd::Command;
use predicates::prelude::*;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("0001_init.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\n\n  CREATE TABLE boom (id int PRIMARY KEY);\n",
    )
    .unwrap();
    dir
}

fn run_with_panic_in(stage: &str) -> Option<assert_cmd::assert::Assert> {
    if !cfg!(debug_assertions) {
        // Release builds compile the hook out.
        return None;
    }
    let dir = project();
    Some(
        Command::cargo_bin("driftlint")
            .unwrap()
            .current_dir(dir.path())
            .env("DRIFTLINT_INJECT_PANIC", format!("{stage}:boom"))
            .args(["check", "migrations"])
            .assert(),
    )
}

#[test]
fn a_panic_while_replaying_is_an_internal_error_naming_the_statement() {
    let Some(assert) = run_with_panic_in("replay") else {
        return;
    };
    assert
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "driftlint: internal error while replaying the statement at migrations/0001_init.sql:3:3 (byte 40): panic injected",
        ))
        .stderr(predicate::str::contains(
            "This is a bug in driftlint 0.1.0, not a problem with your migrations; please report it at https://github.com/driftlint/driftlint/issues",
        ));
}

#[test]
fn a_panic_while_parsing_on_a_parser_thread_is_an_internal_error_too() {
    let Some(assert) = run_with_panic_in("parse") else {
        return;
    };
    assert.code(2).stderr(predicate::str::contains(
        "internal error while parsing the statement at migrations/0001_init.sql:3:3 (byte 40)",
    ));
}

#[test]
fn without_the_hook_the_same_project_checks_cleanly() {
    let dir = project();
    Command::cargo_bin("driftlint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "migrations"])
        .assert()
        .code(0);
}
