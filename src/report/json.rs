//! The JSON report. Its shape is a contract other tools read: fields are only ever added.

use serde_json::{Value, json};

use super::{Summary, position};
use crate::finding::Finding;
use crate::schema::Origin;
use crate::source::file::SourceFile;

fn location(origin: &Origin, files: &[SourceFile]) -> Value {
    match position(origin, files) {
        Some(p) => json!({
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "end_line": p.end_line,
            "end_column": p.end_column,
        }),
        None => Value::Null,
    }
}

/// Renders findings as the JSON document (version 1).
pub fn render(findings: &[Finding], files: &[SourceFile], summary: &Summary) -> String {
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "help": f.help,
                "table": f.table.as_ref().map(|t| t.to_string()),
                "object": f.object,
                "related": f.related.iter().map(|r| json!({
                    "object": r.object,
                    "message": r.label,
                    "location": location(&r.origin, files),
                })).collect::<Vec<_>>(),
                "location": location(&f.origin, files),
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": {"name": "driftlint", "version": env!("CARGO_PKG_VERSION")},
        "findings": items,
        "summary": summary,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
