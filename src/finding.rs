//! Findings: what a rule reports, before a reporter renders it.

use serde::Serialize;

use crate::schema::{Origin, QualName};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Likely a problem.
    Warning,
    /// Will fail against PostgreSQL, or is certainly wrong.
    Error,
}

impl Severity {
    /// The lower-case name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `info`, `warning` or `error`.
    pub fn from_name(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Another object involved in a finding (the index to keep, the table created here …).
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    /// The object's name.
    pub object: String,
    /// Where it is defined.
    pub origin: Origin,
    /// What it is to this finding, shown as a secondary label ("the primary key it duplicates").
    pub label: String,
}

/// One problem found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule's stable kebab-case id.
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// What is wrong, in one sentence that names the objects.
    pub message: String,
    /// One actionable line: a did-you-mean, or the DDL that fixes it.
    pub help: Option<String>,
    /// The table concerned.
    pub table: Option<QualName>,
    /// The index or constraint the finding is about.
    pub object: Option<String>,
    /// Other objects involved.
    pub related: Vec<Related>,
    /// Where the finding points.
    pub origin: Origin,
}

impl Finding {
    /// A finding with a rule's default severity and nothing but a message and a location.
    pub fn new(
        rule: &'static crate::rules::Rule,
        message: impl Into<String>,
        origin: Origin,
    ) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            help: None,
            table: None,
            object: None,
            related: Vec::new(),
            origin,
        }
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the table.
    pub fn table(mut self, table: &QualName) -> Self {
        self.table = Some(table.clone());
        self
    }

    /// Sets the object.
    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// Adds a related object.
    pub fn related(
        mut self,
        object: impl Into<String>,
        origin: Origin,
        label: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            object: object.into(),
            origin,
            label: label.into(),
        });
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
