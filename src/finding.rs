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
    /// Sizes and use of the live object concerned (live databases only).
    pub metrics: Option<Metrics>,
    /// The columns of the unique key a statement builds, for the statistics to predict
    /// duplicates (`rules::sized`); not part of any output.
    pub key: Vec<String>,
    /// Whether that key is a primary key, whose columns must also hold no NULL; not part of
    /// any output.
    pub primary_key: bool,
}

/// The numbers behind a finding about a live index or table: what it costs, and what dropping
/// or repacking it would give back. Serialised as the JSON `metrics` object; absent numbers
/// are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Size of the object in bytes (an index; a table with its TOAST and indexes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<i64>,
    /// Estimated rows of the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
    /// Scans summed over every host read (index scans of an index; all scans of a table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scans: Option<i64>,
    /// Scans on each host, when replicas were read too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scans_per_host: Vec<HostScans>,
    /// Since when the scans are counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scans_since: Option<String>,
    /// Bytes the fix would give back (the index's size for a drop, the bloat for a rebuild).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclaimable_bytes: Option<i64>,
}

/// Scans counted on one host.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostScans {
    /// The redacted target.
    pub host: String,
    /// `idx_scan` there.
    pub scans: i64,
}

impl Metrics {
    /// The numbers as a phrase: `32 MB, 1000 rows, 0 scans since 2026-11-02 (28 days)`.
    pub fn describe(&self) -> String {
        use crate::schema::live_stats::human_bytes;
        let mut parts = Vec::new();
        if let Some(b) = self.bytes {
            parts.push(human_bytes(b));
        }
        if let Some(r) = self.rows {
            parts.push(format!("{r} rows"));
        }
        if let Some(s) = self.scans {
            let mut text = format!("{s} scan{}", if s == 1 { "" } else { "s" });
            if self.scans_per_host.len() > 1 {
                let per: Vec<String> = self
                    .scans_per_host
                    .iter()
                    .map(|h| format!("{} on {}", h.scans, h.host))
                    .collect();
                text.push_str(&format!(" ({})", per.join(", ")));
            }
            if let Some(since) = &self.scans_since {
                text.push_str(&format!(" since {since}"));
            }
            parts.push(text);
        }
        if let Some(r) = self.reclaimable_bytes {
            parts.push(format!("{} reclaimable", human_bytes(r)));
        }
        parts.join(", ")
    }
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
            metrics: None,
            key: Vec::new(),
            primary_key: false,
        }
    }

    /// Sets the columns of the unique key the statement builds.
    pub fn key(mut self, columns: Vec<String>) -> Self {
        self.key = columns;
        self
    }

    /// Marks the key as a primary key (see [`Finding::primary_key`]).
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
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

    /// Sets the metrics.
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
