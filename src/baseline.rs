//! Baselines: adopt driftlint on a project with a history of findings without fixing them
//! all first.
//!
//! `--write-baseline FILE` records the current findings; `--baseline FILE` reports only the
//! findings not recorded there. A finding is recognised by its rule, table and object — and,
//! for findings about no particular object, its message — never by file or line, so that an
//! edit elsewhere, a renamed migration or a reformatted statement does not resurface it. Each
//! recorded entry absorbs one finding, so a second identical problem is still reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::schema::Origin;
use crate::source::file::SourceFile;

/// The baseline file format's version.
pub const VERSION: u32 = 1;

/// Rule, table, object, and the message when there is no object.
type Key = (String, Option<String>, Option<String>, Option<String>);

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The rule id.
    pub rule: String,
    /// The schema-qualified table, if any.
    #[serde(default)]
    pub table: Option<String>,
    /// The index or constraint, if any.
    #[serde(default)]
    pub object: Option<String>,
    /// The message; matched only when there is no object.
    pub message: String,
    /// Where the finding was when it was recorded; for people reading the file, never matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Entry {
    fn of(f: &Finding, files: &[SourceFile]) -> Entry {
        Entry {
            rule: f.rule.to_string(),
            table: f.table.as_ref().map(|t| t.to_string()),
            object: f.object.clone(),
            message: f.message.clone(),
            file: match f.origin {
                Origin::Sql { file, .. } => files.get(file as usize).map(|s| s.display.clone()),
                _ => None,
            },
        }
    }

    /// What a finding is recognised by.
    fn into_key(self) -> Key {
        let message = self.object.is_none().then_some(self.message);
        (self.rule, self.table, self.object, message)
    }
}

/// A baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The format version ([`VERSION`]).
    pub version: u32,
    /// The recorded findings.
    pub findings: Vec<Entry>,
}

/// Why a baseline cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a baseline.
    #[error("{} is not a driftlint baseline: {message}; write one with `--write-baseline`", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Baseline {
    /// Records findings.
    pub fn of(findings: &[Finding], files: &[SourceFile]) -> Baseline {
        Baseline {
            version: VERSION,
            findings: findings.iter().map(|f| Entry::of(f, files)).collect(),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| BaselineError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if baseline.version != VERSION {
            return Err(invalid(format!(
                "version {} is not supported (this driftlint reads version {VERSION})",
                baseline.version
            )));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON, one finding per entry, so that diffs review well.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        std::fs::write(path, text).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Removes the findings the baseline records (each entry absorbs one finding).
    pub fn filter(&self, findings: &mut Vec<Finding>, files: &[SourceFile]) {
        let mut remaining: HashMap<Key, usize> = HashMap::new();
        for e in &self.findings {
            *remaining.entry(e.clone().into_key()).or_default() += 1;
        }
        findings.retain(
            |f| match remaining.get_mut(&Entry::of(f, files).into_key()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::schema::{Origin, QualName};

    fn f(rule: &'static rules::Rule, object: Option<&str>, message: &str, at: u32) -> Finding {
        let mut f = Finding::new(rule, message, Origin::sql(0, at as usize..at as usize + 1))
            .table(&QualName::new("public", "t"));
        if let Some(o) = object {
            f = f.object(o);
        }
        f
    }

    #[test]
    fn matches_by_rule_table_object_not_position() {
        let old = vec![
            f(&rules::DUPLICATE_INDEX, Some("t_a"), "dup", 10),
            f(
                &rules::UNPARSED_STATEMENT,
                None,
                "syntax error at \"x\"",
                20,
            ),
        ];
        let baseline = Baseline::of(&old, &[]);
        let mut now = vec![
            f(&rules::DUPLICATE_INDEX, Some("t_a"), "dup, reworded", 99),
            f(&rules::DUPLICATE_INDEX, Some("t_b"), "dup", 10),
            f(
                &rules::UNPARSED_STATEMENT,
                None,
                "syntax error at \"x\"",
                200,
            ),
            f(
                &rules::UNPARSED_STATEMENT,
                None,
                "syntax error at \"x\"",
                300,
            ),
            f(
                &rules::UNPARSED_STATEMENT,
                None,
                "syntax error at \"y\"",
                20,
            ),
        ];
        baseline.filter(&mut now, &[]);
        let left: Vec<_> = now
            .iter()
            .map(|f| (f.object.as_deref(), f.message.as_str()))
            .collect();
        assert_eq!(
            left,
            [
                (Some("t_b"), "dup"),
                (None, "syntax error at \"x\""),
                (None, "syntax error at \"y\"")
            ]
        );
    }

    #[test]
    fn round_trips_through_a_file_and_rejects_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let b = Baseline::of(&[f(&rules::NO_PRIMARY_KEY, None, "m", 1)], &[]);
        b.save(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), b);
        std::fs::write(&path, r#"{"version": 9, "findings": []}"#).unwrap();
        assert!(
            Baseline::load(&path)
                .unwrap_err()
                .to_string()
                .contains("version 9 is not supported")
        );
        std::fs::write(&path, "[]").unwrap();
        assert!(
            Baseline::load(&path)
                .unwrap_err()
                .to_string()
                .contains("is not a driftlint baseline")
        );
    }
}
