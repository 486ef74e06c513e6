//! `--format markdown` and `--format html` from the command line, for `check` and `diff`
//! (`audit`'s are tested on a live server in live_audit.rs and html_report.rs).

use assert_cmd::Command;

fn driftlint(args: &[&str]) -> String {
    let out = Command::cargo_bin("driftlint")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_and_diff_write_markdown_and_html() {
    let md = driftlint(&[
        "check",
        "testdata/index-health/migrations",
        "--format",
        "markdown",
    ]);
    assert!(
        md.starts_with("## driftlint check: 0 errors, 12 warnings, 1 info\n"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><b>duplicate-index</b> (warning) — 6 findings</summary>")
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );

    let html = driftlint(&[
        "check",
        "testdata/index-health/migrations",
        "--format",
        "html",
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<b id=\"count-warning\" class=\"warning\">12</b>"));
    assert_eq!(html.matches("<tr data-severity=").count(), 13);

    let md = driftlint(&[
        "diff",
        "testdata/index-health/migrations",
        "testdata/plain-folder/migrations",
        "--format",
        "markdown",
    ]);
    assert!(md.starts_with("## driftlint diff: "), "{md}");
    assert!(
        md.contains("<details><summary>Schema differences</summary>\n\n```diff\n"),
        "{md}"
    );
    let html = driftlint(&[
        "diff",
        "testdata/index-health/migrations",
        "testdata/plain-folder/migrations",
        "--format",
        "html",
    ]);
    assert!(
        html.contains("<h2>Schema differences</h2>\n<pre>"),
        "{html}"
    );
}
