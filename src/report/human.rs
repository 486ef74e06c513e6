//! The human report: rustc-style diagnostics through miette, one per finding, with the
//! offending name underlined, secondary labels, a help line and the rule's page.

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::{Summary, position, rule_url};
use crate::check::SourceFile;
use crate::finding::{Finding, Severity};
use crate::schema::Origin;

/// Rendering choices.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Renders all findings and a summary line.
pub fn render(
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
    style: Style,
) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for f in findings {
        render_one(&handler, f, files, &mut out);
    }
    let _ = writeln!(
        out,
        "{} error{}, {} warning{}, {} info in {} file{} ({} statement{})",
        summary.error,
        plural(summary.error),
        summary.warning,
        plural(summary.warning),
        summary.info,
        summary.files,
        plural(summary.files),
        summary.statements,
        plural(summary.statements),
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Whether `offset` is within a few lines of the finding's primary span.
fn near(primary: &Origin, offset: u32, files: &[SourceFile]) -> bool {
    let Origin::Sql { file, start, .. } = *primary else {
        return false;
    };
    let Some(f) = files.get(file as usize) else {
        return false;
    };
    let (a, _) = f.line_col(start as usize);
    let (b, _) = f.line_col(offset as usize);
    a.abs_diff(b) <= 4
}

fn render_one(
    handler: &GraphicalReportHandler,
    f: &Finding,
    files: &[SourceFile],
    out: &mut String,
) {
    let mut diag = MietteDiagnostic::new(f.message.clone())
        .with_code(f.rule)
        .with_severity(severity(f.severity))
        .with_url(rule_url(f.rule));
    let mut help = f.help.clone().unwrap_or_default();
    let primary_file = match f.origin {
        Origin::Sql { file, .. } => Some(file),
        _ => None,
    };
    let mut labels = Vec::new();
    if let Origin::Sql { start, end, .. } = f.origin {
        labels.push(LabeledSpan::new_primary_with_span(
            None,
            (start as usize, (end - start) as usize),
        ));
    }
    for r in &f.related {
        match r.origin {
            // A related object close to the primary span shares its snippet; a distant one
            // becomes a note with its position, so the snippet stays short.
            Origin::Sql { file, start, end }
                if Some(file) == primary_file && near(&f.origin, start, files) =>
            {
                // Only the first line of a related statement, so that a long CREATE TABLE does
                // not flood the snippet.
                let text = &files[file as usize].text;
                let s = start as usize;
                let e = text[s..(end as usize).min(text.len())]
                    .find('\n')
                    .map_or(end as usize, |n| s + n);
                labels.push(LabeledSpan::new_with_span(
                    Some(r.label.clone()),
                    (s, e - s),
                ));
            }
            _ => {
                let place = position(&r.origin, files)
                    .map(|p| format!(" ({}:{}:{})", p.file, p.line, p.column))
                    .unwrap_or_default();
                if !help.is_empty() {
                    help.push('\n');
                }
                let _ = write!(help, "note: {}{place}", r.label);
            }
        }
    }
    if !help.is_empty() {
        diag = diag.with_help(help);
    }
    diag = diag.with_labels(labels);
    let report = match primary_file.and_then(|id| files.get(id as usize)) {
        Some(file) => miette::Report::new(diag)
            .with_source_code(NamedSource::new(&file.display, file.text.clone())),
        None => {
            let where_ = f
                .table
                .as_ref()
                .map(|t| {
                    format!(
                        " [{}{}]",
                        t,
                        f.object
                            .as_ref()
                            .map(|o| format!(" {o}"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            miette::Report::new(MietteDiagnostic {
                message: format!("{}{where_}", f.message),
                ..diag
            })
        }
    };
    let mut rendered = String::new();
    if handler
        .render_report(&mut rendered, report.as_ref())
        .is_ok()
    {
        out.push_str(&rendered);
        out.push('\n');
    }
}
