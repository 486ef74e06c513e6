//! The JSON report. Its shape is a contract other tools read: fields are only ever added.

use serde_json::{Value, json};

use super::impact::Impact;
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
            let mut item = json!({
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
            });
            // Additive: only live findings carry metrics; offline documents are unchanged.
            if let (Some(m), Some(obj)) = (&f.metrics, item.as_object_mut()) {
                obj.insert("metrics".into(), json!(m));
            }
            item
        })
        .collect();
    let mut doc = json!({
        "version": 1,
        "tool": {"name": "driftlint", "version": env!("CARGO_PKG_VERSION")},
        "findings": items,
        "summary": summary,
    });
    if let (Some(impact), Some(obj)) = (Impact::of(findings), doc.as_object_mut()) {
        obj.insert("impact".into(), json!(impact));
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
