//! The human report: rustc-style diagnostics through miette, one per finding, with the
//! offending name underlined, secondary labels, a help line and the rule's page.

use std::fmt::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Summary, position, rule_url};
use crate::drift::DiffRun;
use crate::finding::{Finding, Severity};
use crate::schema::Origin;
use crate::source::file::SourceFile;

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
    if let Some(impact) = super::impact::Impact::of(findings) {
        for line in impact.lines() {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The lines around a finding's span, as miette's source: handing miette the whole file for
/// every finding made human output cost findings × file size (seconds on a 3 MB dump).
struct Window {
    name: String,
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// Lines of the file before `text`.
    lines_before: usize,
}

/// Lines of context kept on each side: miette shows one, related labels may be up to four
/// lines away (see `near`).
const WINDOW_CONTEXT: usize = 6;

impl Window {
    fn around(file: &SourceFile, start: usize, end: usize) -> Window {
        let (first, _) = file.line_col(start);
        let (last, _) = file.line_col(end);
        let from_line = first.saturating_sub(WINDOW_CONTEXT).max(1);
        let from = file.lines.line_start(from_line).unwrap_or(0);
        let to = file
            .lines
            .line_start(last + WINDOW_CONTEXT + 1)
            .unwrap_or(file.text.len());
        Window {
            name: file.display.clone(),
            text: file.text[from..to].to_string(),
            offset: from,
            lines_before: from_line - 1,
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(start.into(), span.len());
        let inner = self
            .text
            .read_span(&local, context_lines_before, context_lines_after)?;
        let shown = inner.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((shown.offset() + self.offset).into(), shown.len()),
            inner.line() + self.lines_before,
            inner.column(),
            inner.line_count(),
        )))
    }
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

/// The human report of a comparison: the findings, then the unified diff of normalised DDL.
pub fn render_diff(run: &DiffRun, style: Style) -> String {
    let summary = Summary::new(&run.findings, run.files.len(), run.statements);
    let mut out = render(&run.findings, &run.files, &summary, style);
    let diff = run.drift.unified_diff(&run.labels.0, &run.labels.1);
    if !diff.is_empty() {
        out.push('\n');
        out.push_str(&diff);
    }
    out
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
        Some(file) => {
            let window = match f.origin {
                Origin::Sql { start, end, .. } => {
                    Window::around(file, start as usize, end as usize)
                }
                _ => Window::around(file, 0, 0),
            };
            miette::Report::new(diag).with_source_code(window)
        }
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
            let numbers = f
                .metrics
                .as_ref()
                .map(|m| format!(" ({})", m.describe()))
                .unwrap_or_default();
            miette::Report::new(MietteDiagnostic {
                message: format!("{}{where_}{numbers}", f.message),
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
