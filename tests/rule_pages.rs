//! Every rule page's examples are executed: the "Example" SQL must trigger the rule, the "Use
//! instead" SQL must not. The docs cannot rot.

use driftlint::check::check_sql;
use driftlint::rules;

/// The first ```sql block after a `## <heading>` line.
fn sql_after(doc: &str, heading: &str) -> Option<String> {
    sql_blocks_after(doc, heading).into_iter().next()
}

/// Every ```sql block of the section under `## <heading>`.
fn sql_blocks_after(doc: &str, heading: &str) -> Vec<String> {
    let Some(start) = doc.find(&format!("## {heading}\n")) else {
        return Vec::new();
    };
    let rest = &doc[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let mut section = &rest[..end];
    let mut out = Vec::new();
    while let Some(open) = section.find("```sql\n") {
        let body = &section[open + "```sql\n".len()..];
        let Some(close) = body.find("```") else { break };
        out.push(body[..close].to_string());
        section = &body[close + 3..];
    }
    out
}

/// The release a page's examples are judged for (`**Judged for:** PostgreSQL 11`), if any.
fn judged_for(doc: &str) -> Option<driftlint::schema::pg_version::PgVersion> {
    let line = doc
        .lines()
        .find_map(|l| l.strip_prefix("**Judged for:** PostgreSQL "))?;
    Some(driftlint::schema::pg_version::PgVersion::parse(line).expect("a release"))
}

/// A section's SQL blocks checked as consecutive migration files (one block: one file),
/// judging for the release `target` when given.
fn run_blocks_for(
    blocks: &[String],
    target: Option<driftlint::schema::pg_version::PgVersion>,
) -> driftlint::check::Run {
    let named: Vec<(String, &str)> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("{}.sql", i + 1), b.as_str()))
        .collect();
    let files: Vec<(&str, &str)> = named.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    driftlint::check::check_sql_files_for(&files, target, &driftlint::rules::run)
}

#[test]
fn every_rule_has_a_page_with_the_standard_sections() {
    for rule in rules::ALL {
        let doc = rule.doc;
        assert!(
            doc.starts_with(&format!("# {}\n", rule.id)),
            "{}: page must start with its id",
            rule.id
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(section), "{}: page lacks `{section}`", rule.id);
        }
        assert!(
            doc.contains("**Default severity:**"),
            "{}: page must state its severity",
            rule.id
        );
    }
}

#[test]
fn examples_trigger_their_rule_and_fixes_do_not() {
    let mut checked = 0;
    for rule in rules::ALL {
        // Drift rules compare two schemas: `drift_examples_…` runs their pages.
        if rule.id.starts_with("drift-") {
            continue;
        }
        // Rules about files and databases have no SQL example to replay.
        let (Some(_), Some(_)) = (
            sql_after(rule.doc, "Example"),
            sql_after(rule.doc, "Use instead"),
        ) else {
            continue;
        };
        // A rule that needs statistics or a runner setting says nothing on plain SQL:
        // tests/stats.rs and tests/runners.rs run those pages.
        if rule.doc.contains("**Needs:** ") {
            continue;
        }
        let target = judged_for(rule.doc);
        let run = run_blocks_for(&sql_blocks_after(rule.doc, "Example"), target);
        assert!(
            run.findings.iter().any(|f| f.rule == rule.id),
            "{}: the page's Example does not trigger the rule; findings: {:#?}",
            rule.id,
            run.findings
        );
        let run = run_blocks_for(&sql_blocks_after(rule.doc, "Use instead"), target);
        let hits: Vec<_> = run.findings.iter().filter(|f| f.rule == rule.id).collect();
        assert!(
            hits.is_empty(),
            "{}: the page's 'Use instead' still triggers the rule: {hits:#?}",
            rule.id
        );
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} rule pages had SQL examples");
}

/// Drift pages show two schemas per section (side A, then side B, both as SQL): the Example's
/// pair must drift by the page's rule, the "Use instead" pair must not.
#[test]
fn drift_examples_drift_and_fixes_do_not() {
    use driftlint::schema::diff::{Side, diff};
    let mut checked = 0;
    for rule in rules::ALL.iter().filter(|r| r.id.starts_with("drift-")) {
        for (heading, expect) in [("Example", true), ("Use instead", false)] {
            let blocks = sql_blocks_after(rule.doc, heading);
            assert_eq!(
                blocks.len(),
                2,
                "{}: `{heading}` needs two sql blocks",
                rule.id
            );
            let (a, b) = (
                check_sql("a.sql", &blocks[0]),
                check_sql("b.sql", &blocks[1]),
            );
            assert!(
                a.findings.iter().all(|f| f.rule != "unparsed-statement"),
                "{}",
                rule.id
            );
            assert!(
                b.findings.iter().all(|f| f.rule != "unparsed-statement"),
                "{}",
                rule.id
            );
            let drift = diff(
                Side {
                    schema: &a.schema,
                    label: "migrations",
                },
                Side {
                    schema: &b.schema,
                    label: "other",
                },
            );
            let findings = rules::drift_findings(&drift);
            let hit = findings.iter().any(|f| f.rule == rule.id);
            assert_eq!(hit, expect, "{} `{heading}`: {:#?}", rule.id, findings);
        }
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[test]
fn the_readme_lists_every_rule_with_its_default_severity() {
    let readme = include_str!("../README.md");
    for rule in rules::ALL {
        let row = format!(
            "| [`{}`](rules/{}.md) | {} |",
            rule.id,
            rule.id,
            rule.severity.as_str()
        );
        assert!(readme.contains(&row), "README's rule table lacks `{row}`");
    }
}
