//! Reporters: how findings are said. A reporter never decides severity or filters findings.

pub mod gcc;
pub mod github;
pub mod html;
pub mod human;
pub mod impact;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod schema;

use crate::finding::{Finding, Severity};

/// Where the rule pages are published; a finding links to `<base><rule>.md`.
pub const RULE_DOCS_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/rules/");

/// The link to a rule's page.
pub fn rule_url(rule: &str) -> String {
    format!("{RULE_DOCS_BASE}{rule}.md")
}

// Resolving an origin is the source layer's business; reporters name it from here.
pub use crate::source::file::{Position, position};

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
    /// Files read.
    pub files: usize,
    /// Statements read.
    pub statements: usize,
}

impl Summary {
    /// Counts findings.
    pub fn new(findings: &[Finding], files: usize, statements: usize) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            files,
            statements,
        }
    }
}
