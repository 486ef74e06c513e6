//! Reporters: how findings are said. A reporter never decides severity or filters findings.

pub mod gcc;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod schema;

use crate::finding::{Finding, Severity};
use crate::schema::Origin;
use crate::source::file::SourceFile;

/// Where the rule pages are published; a finding links to `<base><rule>.md`.
pub const RULE_DOCS_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/rules/");

/// The link to a rule's page.
pub fn rule_url(rule: &str) -> String {
    format!("{RULE_DOCS_BASE}{rule}.md")
}

/// A resolved position: file path and 1-based line/column range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position<'a> {
    /// The file as displayed.
    pub file: &'a str,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column, exclusive as in SARIF.
    pub end_column: usize,
}

/// Resolves a SQL origin to a position in its file.
pub fn position<'a>(origin: &Origin, files: &'a [SourceFile]) -> Option<Position<'a>> {
    let Origin::Sql { file, start, end } = *origin else {
        return None;
    };
    let f = files.get(file as usize)?;
    let (line, column) = f.line_col(start as usize);
    let (end_line, end_column) = f.line_col(end as usize);
    Some(Position {
        file: &f.display,
        line,
        column,
        end_line,
        end_column,
    })
}

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
