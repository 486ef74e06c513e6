//! The JSON report. Its shape is a contract other tools read: fields are only ever added.

use serde::Serialize;

use super::impact::Impact;
use super::{Summary, position};
use crate::finding::{Finding, Severity};
use crate::schema::Origin;
use crate::source::file::SourceFile;

// The document is serialised straight from these borrowed structs: building a
// `serde_json::Value` tree first cost more than the rest of a run with 100,000 findings.
// Fields are declared in alphabetical order, the order the keys have always been printed in.

#[derive(Serialize)]
struct Document<'a> {
    findings: Vec<Item<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<serde_json::Value>,
    summary: SortedSummary,
    tool: Tool,
    version: u32,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// [`Summary`] with its keys in the printed order.
#[derive(Serialize)]
struct SortedSummary {
    error: usize,
    files: usize,
    info: usize,
    statements: usize,
    warning: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    help: &'a Option<String>,
    location: Option<Location<'a>>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<serde_json::Value>,
    object: &'a Option<String>,
    related: Vec<RelatedItem<'a>>,
    rule: &'static str,
    severity: Severity,
    table: Option<String>,
}

#[derive(Serialize)]
struct RelatedItem<'a> {
    location: Option<Location<'a>>,
    message: &'a str,
    object: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    file: &'a str,
    line: usize,
}

fn location<'a>(origin: &Origin, files: &'a [SourceFile]) -> Option<Location<'a>> {
    position(origin, files).map(|p| Location {
        column: p.column,
        end_column: p.end_column,
        end_line: p.end_line,
        file: p.file,
        line: p.line,
    })
}

/// The JSON document (version 1): findings, summary and tool.
pub fn render(findings: &[Finding], files: &[SourceFile], summary: &Summary) -> String {
    let doc = Document {
        findings: findings
            .iter()
            .map(|f| Item {
                help: &f.help,
                location: location(&f.origin, files),
                message: &f.message,
                // Additive: only live findings carry metrics; offline documents are unchanged.
                metrics: f
                    .metrics
                    .as_ref()
                    .map(|m| serde_json::to_value(m).unwrap_or_default()),
                object: &f.object,
                related: f
                    .related
                    .iter()
                    .map(|r| RelatedItem {
                        location: location(&r.origin, files),
                        message: &r.label,
                        object: &r.object,
                    })
                    .collect(),
                rule: f.rule,
                severity: f.severity,
                table: f.table.as_ref().map(|t| t.to_string()),
            })
            .collect(),
        impact: Impact::of(findings).map(|i| serde_json::to_value(i).unwrap_or_default()),
        summary: SortedSummary {
            error: summary.error,
            files: summary.files,
            info: summary.info,
            statements: summary.statements,
            warning: summary.warning,
        },
        tool: Tool {
            name: "driftlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        version: 1,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
