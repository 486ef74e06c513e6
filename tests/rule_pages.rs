//! Every rule page's examples are executed: the "Example" SQL must trigger the rule, the "Use
//! instead" SQL must not. The docs cannot rot.

use driftlint::check::check_sql;
use driftlint::rules;

/// The first ```sql block after a `## <heading>` line.
fn sql_after(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(&format!("## {heading}\n"))?;
    let rest = &doc[start..];
    let next_heading = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let section = &rest[..next_heading];
    let open = section.find("```sql\n")? + "```sql\n".len();
    let close = section[open..].find("```")?;
    Some(section[open..open + close].to_string())
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
        // Rules about files and databases have no SQL example to replay.
        let (Some(bad), Some(good)) = (
            sql_after(rule.doc, "Example"),
            sql_after(rule.doc, "Use instead"),
        ) else {
            continue;
        };
        let run = check_sql("example.sql", &bad);
        assert!(
            run.findings.iter().any(|f| f.rule == rule.id),
            "{}: the page's Example does not trigger the rule; findings: {:#?}",
            rule.id,
            run.findings
        );
        let run = check_sql("fixed.sql", &good);
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
