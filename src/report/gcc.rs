//! The gcc-style report, one line per finding, for editors' error lists and `grep`:
//! `file:line:col: severity: message [rule]`, then the help, indented, on the next line.

use std::fmt::Write;

use super::position;
use crate::finding::{Finding, Severity};
use crate::source::file::SourceFile;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders findings; a finding in no file is located at `driftlint`, as gcc does for itself.
pub fn render(findings: &[Finding], files: &[SourceFile]) -> String {
    let mut out = String::new();
    for f in findings {
        match position(&f.origin, files) {
            Some(p) => {
                let _ = write!(out, "{}:{}:{}: ", p.file, p.line, p.column);
            }
            None => out.push_str("driftlint: "),
        }
        // One finding per line, whatever the message holds.
        let message = f.message.replace('\n', " ");
        let _ = writeln!(out, "{}: {message} [{}]", severity(f.severity), f.rule);
        if let Some(help) = &f.help {
            let _ = writeln!(out, "    help: {}", help.replace('\n', " "));
        }
    }
    out
}
