//! The SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.
//!
//! Every rule is listed in `tool.driver.rules` (so `ruleIndex` is stable between runs), with
//! its page as help. A finding in a file has a physical location relative to `%SRCROOT%` (the
//! current directory); a finding about a database object has a logical location naming it.
//! `partialFingerprints` hash what a finding is about (rule, table, object), not where it is,
//! so code scanning keeps tracking an alert when lines move.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{Position, position, rule_url};
use crate::finding::{Finding, Severity};
use crate::rules::{self, Rule};
use crate::schema::Origin;
use crate::source::file::SourceFile;

/// The JSON schema of SARIF 2.1.0.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base id relative artifact URIs are resolved against.
const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `index-missing-column` → `IndexMissingColumn`: SARIF's friendly rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// SARIF viewers show messages as sentences.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with('.') {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// The first paragraph of a page's "What it does" section.
fn what_it_does(doc: &str) -> Option<String> {
    let start = doc.find("## What it does\n")? + "## What it does\n".len();
    let para = doc[start..].split("\n\n").next()?;
    let text = para.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn rule_descriptor(r: &Rule) -> Value {
    let full = what_it_does(r.doc).unwrap_or_else(|| r.summary.to_string());
    json!({
        "id": r.id,
        "name": pascal_case(r.id),
        "shortDescription": {"text": sentence(r.summary)},
        "fullDescription": {"text": sentence(&full)},
        "help": {
            "text": sentence(&format!("{} See {}", sentence(r.summary), rule_url(r.id))),
            "markdown": r.doc,
        },
        "helpUri": rule_url(r.id),
        "defaultConfiguration": {"level": level(r.severity)},
    })
}

/// Percent-encodes a path for a URI, keeping `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn file_uri(abs: &str) -> String {
    let path = encode_path(&abs.replace('\\', "/"));
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        format!("file:///{path}")
    }
}

fn physical(p: &Position<'_>) -> Value {
    let artifact = if Path::new(p.file).is_absolute() {
        json!({"uri": file_uri(p.file)})
    } else {
        json!({"uri": encode_path(p.file), "uriBaseId": SRCROOT})
    };
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": p.line,
            "startColumn": p.column,
            "endLine": p.end_line,
            "endColumn": p.end_column,
        },
    })
}

/// A logical location for a finding no file holds: the object, within its table.
fn logical(f: &Finding) -> Option<Value> {
    let table = f.table.as_ref().map(|t| t.to_string());
    match (&f.object, table) {
        (Some(object), Some(table)) => Some(json!({
            "name": object,
            "fullyQualifiedName": format!("{table}.{object}"),
            "kind": "index",
        })),
        (Some(object), None) => Some(json!({"name": object, "kind": "object"})),
        (None, Some(table)) => Some(json!({
            "name": f.table.as_ref().map(|t| t.name.clone()),
            "fullyQualifiedName": table,
            "kind": "table",
        })),
        (None, None) => None,
    }
}

fn location(origin: &Origin, f: &Finding, files: &[SourceFile]) -> Option<Value> {
    match position(origin, files) {
        Some(p) => Some(json!({"physicalLocation": physical(&p)})),
        None => logical(f).map(|l| json!({"logicalLocations": [l]})),
    }
}

/// FNV-1a, 64 bits: a fingerprint must not change with the Rust version or the platform.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Renders findings as a SARIF 2.1.0 log with one run.
pub fn render(findings: &[Finding], files: &[SourceFile]) -> String {
    let index: HashMap<&str, usize> = rules::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut text = sentence(&f.message);
            if let Some(help) = &f.help {
                text.push_str(" Help: ");
                text.push_str(&sentence(help));
            }
            let table = f.table.as_ref().map(|t| t.to_string()).unwrap_or_default();
            let object = f.object.as_deref().unwrap_or_default();
            // Without an object, the message tells two findings of a rule apart.
            let tiebreak = if f.object.is_none() {
                f.message.as_str()
            } else {
                ""
            };
            let key = fnv1a(&[f.rule, &table, object, tiebreak]);
            let nth = seen.entry(key).or_default();
            *nth += 1;
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": text},
                "partialFingerprints": {
                    "driftlintFinding/v1": format!("{key:016x}:{}", *nth),
                },
            });
            if let Some(&i) = index.get(f.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(loc) = location(&f.origin, f, files) {
                result["locations"] = json!([loc]);
            }
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = match position(&r.origin, files) {
                        Some(p) => json!({"physicalLocation": physical(&p)}),
                        None => json!({"logicalLocations": [{"name": r.object}]}),
                    };
                    loc["id"] = json!(i + 1);
                    loc["message"] = json!({"text": sentence(&r.label)});
                    loc
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let srcroot = std::env::current_dir()
        .map(|cwd| {
            let mut uri = file_uri(&cwd.to_string_lossy());
            if !uri.ends_with('/') {
                uri.push('/');
            }
            uri
        })
        .unwrap_or_else(|_| "file:///".to_string());
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "driftlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules::ALL.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": srcroot}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_descriptions_and_uris() {
        assert_eq!(pascal_case("index-missing-column"), "IndexMissingColumn");
        assert_eq!(sentence("a b"), "a b.");
        assert_eq!(sentence("a b."), "a b.");
        assert_eq!(
            encode_path("db/my migrations/001 #.sql"),
            "db/my%20migrations/001%20%23.sql"
        );
        assert_eq!(file_uri("/tmp/a b"), "file:///tmp/a%20b");
        for r in rules::ALL {
            assert!(what_it_does(r.doc).is_some(), "{}", r.id);
        }
    }

    #[test]
    fn database_findings_have_logical_locations() {
        use crate::schema::QualName;
        let f = Finding::new(&rules::DUPLICATE_INDEX, "dup", Origin::Database)
            .table(&QualName::new("public", "users"))
            .object("users_email_idx")
            .related(
                "users_email_key",
                Origin::Database,
                "the constraint it duplicates",
            );
        let doc: Value = serde_json::from_str(&render(&[f], &[])).unwrap();
        let result = &doc["runs"][0]["results"][0];
        assert_eq!(
            result["locations"][0]["logicalLocations"][0],
            json!({"name": "users_email_idx", "fullyQualifiedName": "public.users.users_email_idx", "kind": "index"})
        );
        assert_eq!(
            result["relatedLocations"][0]["logicalLocations"][0]["name"],
            "users_email_key"
        );
        assert_eq!(result["message"]["text"], "dup.");
        assert_eq!(result["level"], "warning");
    }

    #[test]
    fn fingerprints_do_not_depend_on_position() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
    }
}
