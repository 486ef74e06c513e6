//! Writing a command's report to stdout, in the format asked for.

use std::io::{IsTerminal, Write};

use super::{Error, ExitStatus};
use crate::cli::{FailOn, Format};
use crate::finding::Finding;
use crate::report::{self, Summary};
use crate::source::file::SourceFile;

/// Renders findings in one of the formats `check` and `audit` share; the HTML and Markdown
/// reports are titled "driftlint check".
pub fn render(
    format: Format,
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
) -> String {
    render_titled(format, "driftlint check", findings, files, summary, None)
}

/// [`render`] with the title of the HTML and Markdown reports and what they show after the
/// findings (the unified diff of `diff`).
pub fn render_titled(
    format: Format,
    title: &str,
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
    appendix: Option<&str>,
) -> String {
    match format {
        Format::Html => report::html::render(title, findings, files, summary, appendix),
        Format::Markdown => report::markdown::render(title, findings, files, summary, appendix),
        Format::Json => report::json::render(findings, files, summary),
        Format::Sarif => report::sarif::render(findings, files),
        Format::Github => report::github::render(findings, files, summary),
        Format::Gcc => report::gcc::render(findings, files),
        Format::Human => report::human::render(findings, files, summary, human_style()),
    }
}

/// Colour only on a terminal and without `NO_COLOR`; width from `COLUMNS`.
pub fn human_style() -> report::human::Style {
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    report::human::Style {
        color,
        width: terminal_width(),
    }
}

/// Prints the report; the status is [`ExitStatus::Findings`] when a finding is at or above
/// `--fail-on`.
pub fn finish(text: &str, findings: &[Finding], fail_on: FailOn) -> Result<ExitStatus, Error> {
    print(text)?;
    if findings.iter().any(|f| f.severity >= fail_on.severity()) {
        Ok(ExitStatus::Findings)
    } else {
        Ok(ExitStatus::Clean)
    }
}

/// Writes to stdout; a closed pipe (`driftlint … | head`) is not an error worth a panic.
pub fn print(text: &str) -> Result<ExitStatus, Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(ExitStatus::Clean),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitStatus::Clean),
        Err(e) => Err(Error::Output(e)),
    }
}

/// The width of the human report: `COLUMNS` when it is a sensible number, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}
