//! The Markdown report, for pull-request and issue comments: a summary table, the reclaimable
//! space of a live audit, and the findings grouped by rule in collapsible `<details>` sections.
//! GitHub refuses comments over 65,536 characters, so the report stops adding findings before
//! that and says how many it left out.

use std::fmt::Write;

use indexmap::IndexMap;

use super::impact::Impact;
use super::{Summary, position, rule_url};
use crate::finding::{Finding, Severity};
use crate::schema::live_stats::human_bytes;
use crate::source::file::SourceFile;

/// GitHub's limit on a comment's length, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Room kept under the limit for closing tags and the note about left-out findings.
const RESERVE: usize = 1_000;

/// Renders the report under `title` ("driftlint audit"); `appendix` (a unified diff) is added
/// in a collapsed section when it fits.
pub fn render(
    title: &str,
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
    appendix: Option<&str>,
) -> String {
    render_within(title, findings, files, summary, appendix, COMMENT_LIMIT)
}

/// [`render`] with a chosen limit (tests use a small one).
pub fn render_within(
    title: &str,
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
    appendix: Option<&str>,
    limit: usize,
) -> String {
    let mut out = header(title, findings, summary);
    let budget = limit.saturating_sub(RESERVE);
    let mut groups: IndexMap<&str, Vec<&Finding>> = IndexMap::new();
    for f in findings {
        groups.entry(f.rule).or_default().push(f);
    }
    // Most severe rules first, then the most frequent.
    groups.sort_by(|a, ga, b, gb| {
        let worst = |g: &Vec<&Finding>| g.iter().map(|f| f.severity).max();
        worst(gb)
            .cmp(&worst(ga))
            .then(gb.len().cmp(&ga.len()))
            .then(a.cmp(b))
    });
    let mut shown = 0;
    'groups: for (rule, group) in &groups {
        let severity = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let _ = write!(
            out,
            "<details><summary><b>{rule}</b> ({}) — {} finding{}</summary>\n\n",
            severity.as_str(),
            group.len(),
            plural(group.len())
        );
        for f in group {
            let item = item(f, files);
            if out.chars().count() + item.chars().count() > budget {
                out.push_str("\n</details>\n\n");
                break 'groups;
            }
            out.push_str(&item);
            shown += 1;
        }
        let _ = write!(
            out,
            "\n[About `{rule}`]({})\n\n</details>\n\n",
            rule_url(rule)
        );
    }
    if shown < findings.len() {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> {} of {} findings are not shown: a comment holds at most {} characters. \
             Run driftlint with `--format human` or `--format json` for all of them.\n",
            findings.len() - shown,
            findings.len(),
            limit
        );
    } else if let Some(text) = appendix.filter(|t| !t.is_empty()) {
        let section = format!(
            "<details><summary>Schema differences</summary>\n\n```diff\n{}\n```\n\n</details>\n",
            text.trim_end()
        );
        if out.chars().count() + section.chars().count() <= budget {
            out.push_str(&section);
        } else {
            out.push_str("> [!NOTE]\n> The schema diff is too long for a comment; run `driftlint diff` to see it.\n");
        }
    }
    out
}

fn header(title: &str, findings: &[Finding], summary: &Summary) -> String {
    let mut out = format!(
        "## {title}: {} error{}, {} warning{}, {} info\n\n",
        summary.error,
        plural(summary.error),
        summary.warning,
        plural(summary.warning),
        summary.info
    );
    out.push_str("| Severity | Findings |\n| --- | ---: |\n");
    let _ = writeln!(out, "| error | {} |", summary.error);
    let _ = writeln!(out, "| warning | {} |", summary.warning);
    let _ = writeln!(out, "| info | {} |\n", summary.info);
    if let Some(impact) = Impact::of(findings) {
        let _ = writeln!(out, "**Reclaimable:** {}.\n", impact.headline());
        if !impact.top_tables.is_empty() {
            out.push_str("| Table | Reclaimable | Findings |\n| --- | ---: | ---: |\n");
            for t in &impact.top_tables {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    cell(&t.name),
                    human_bytes(t.bytes),
                    t.findings
                );
            }
            out.push('\n');
        }
    }
    out
}

/// One finding as a list item: severity, where, the message, its numbers and its help.
fn item(f: &Finding, files: &[SourceFile]) -> String {
    let mut s = format!("- **{}**", f.severity.as_str());
    if let Some(p) = position(&f.origin, files) {
        let _ = write!(s, " `{}:{}:{}`", p.file, p.line, p.column);
    } else if let Some(t) = &f.table {
        let _ = write!(s, " `{t}`");
        if let Some(o) = &f.object {
            let _ = write!(s, " `{o}`");
        }
    }
    let _ = write!(s, ": {}", inline(&f.message));
    if let Some(m) = &f.metrics {
        let _ = write!(s, " ({})", inline(&m.describe()));
    }
    s.push('\n');
    if let Some(help) = &f.help {
        let _ = writeln!(s, "  help: {}", inline(help));
    }
    s
}

/// Text safe inside Markdown that GitHub also reads as HTML: no tags, one line.
fn inline(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// Text safe in a table cell.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Metrics;

    const SQL: &str = "CREATE TABLE users (id int PRIMARY KEY, email text);\n\
        CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users (id), title text);\n\
        CREATE INDEX posts_title ON posts (title);\n\
        CREATE INDEX posts_title_again ON posts (title);\n\
        CREATE TABLE logs (line text);\n";

    fn run() -> crate::check::Run {
        let mut run = crate::check::check_sql("db/001_init.sql", SQL);
        // Numbers as a live audit would attach them.
        for f in &mut run.findings {
            if f.rule == "duplicate-index" {
                f.metrics = Some(Metrics {
                    bytes: Some(32 * 1024 * 1024),
                    rows: Some(250_000),
                    scans: Some(0),
                    scans_since: Some("2026-11-02 08:00:00+00".into()),
                    reclaimable_bytes: Some(32 * 1024 * 1024),
                    ..Metrics::default()
                });
            }
        }
        run
    }

    #[test]
    fn a_comment_with_summary_impact_and_rule_sections() {
        let run = run();
        let summary = Summary::new(&run.findings, run.files.len(), run.statements);
        let text = render("driftlint check", &run.findings, &run.files, &summary, None);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_long_report_is_cut_under_the_comment_limit_with_a_note() {
        let one = run();
        let mut findings = Vec::new();
        while findings.len() < 3000 {
            findings.extend(one.findings.iter().cloned());
        }
        let summary = Summary::new(&findings, 1, 5);
        let text = render("driftlint check", &findings, &one.files, &summary, None);
        assert!(text.chars().count() < COMMENT_LIMIT, "{}", text.len());
        assert!(text.contains("findings are not shown: a comment holds at most 65536 characters"));
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count(),
            "every section is closed"
        );
        // Short enough: everything, and no note.
        let summary = Summary::new(&one.findings, 1, 5);
        let text = render(
            "driftlint check",
            &one.findings,
            &one.files,
            &summary,
            Some("-a\n+b"),
        );
        assert!(!text.contains("not shown"));
        assert!(text.contains("```diff\n-a\n+b\n```"));
    }

    #[test]
    fn markup_in_messages_is_not_html() {
        assert_eq!(inline("a <script> & b\nc"), "a &lt;script&gt; &amp; b c");
        assert_eq!(cell("a|b"), "a\\|b");
    }
}
