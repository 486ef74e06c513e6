//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which GitHub shows as an annotation on the pull request's diff.
//!
//! See <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>. The
//! message is escaped as command data (`%`, CR, LF); properties additionally escape `:` and `,`,
//! which would otherwise end the property.

use std::fmt::Write;

use super::{Summary, position, rule_url};
use crate::finding::{Finding, Severity};
use crate::source::file::SourceFile;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's data (the text after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders findings as workflow commands, then a summary line for the log.
pub fn render(findings: &[Finding], files: &[SourceFile], summary: &Summary) -> String {
    let mut out = String::new();
    for f in findings {
        let mut props = Vec::new();
        if let Some(p) = position(&f.origin, files) {
            props.push(format!("file={}", escape_property(p.file)));
            // GitHub uses columns only for an annotation on a single line.
            let one_line = p.line == p.end_line;
            props.push(format!("line={}", p.line));
            if one_line {
                props.push(format!("col={}", p.column));
            }
            props.push(format!("endLine={}", p.end_line));
            if one_line {
                props.push(format!("endColumn={}", p.end_column));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("driftlint {}", f.rule))
        ));
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = write!(message, "\n{}", rule_url(f.rule));
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(f.severity),
            props.join(","),
            escape_data(&message)
        );
    }
    let _ = writeln!(
        out,
        "driftlint: {} error(s), {} warning(s), {} info in {} file(s) ({} statements)",
        summary.error, summary.warning, summary.info, summary.files, summary.statements
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
