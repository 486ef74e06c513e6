//! What acting on the findings would give back: the summary `audit` ends with, computed from
//! the findings' `metrics` alone (a report without metrics has none).

use indexmap::IndexMap;
use serde::Serialize;

use crate::finding::Finding;

/// How many tables the summary lists.
const TOP_TABLES: usize = 10;

/// Space that fixing the findings would reclaim.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Impact {
    /// Bytes freed by dropping the indexes `duplicate-index`, `redundant-index` and
    /// `unused-index` report (each index counted once).
    pub droppable_index_bytes: i64,
    /// How many indexes that is.
    pub droppable_indexes: usize,
    /// Bytes every finding's fix would reclaim, each object counted once.
    pub reclaimable_bytes: i64,
    /// Reclaimable bytes by rule, largest first.
    pub by_rule: Vec<Share>,
    /// Tables by reclaimable bytes (their indexes' and their own), largest first.
    pub top_tables: Vec<Share>,
}

/// One bar of a breakdown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    /// A rule id or a table name.
    pub name: String,
    /// Bytes.
    pub bytes: i64,
    /// Findings counted.
    pub findings: usize,
}

impl Impact {
    /// The impact of `findings`; `None` when none carries metrics (not a live report).
    pub fn of(findings: &[Finding]) -> Option<Impact> {
        if findings.iter().all(|f| f.metrics.is_none()) {
            return None;
        }
        let mut by_object: IndexMap<(String, String), i64> = IndexMap::new();
        let mut dropped: IndexMap<(String, String), i64> = IndexMap::new();
        let mut by_rule: IndexMap<String, Share> = IndexMap::new();
        for f in findings {
            let Some(bytes) = f.metrics.as_ref().and_then(|m| m.reclaimable_bytes) else {
                continue;
            };
            let table = f.table.as_ref().map(|t| t.to_string()).unwrap_or_default();
            // A bloat estimate and a drop of the same index are different objects' worth:
            // the rule is part of the key only for bloat.
            let object = match f.rule {
                "table-bloat" | "index-bloat" => {
                    format!("{}\0{}", f.rule, f.object.clone().unwrap_or_default())
                }
                _ => f.object.clone().unwrap_or_default(),
            };
            let key = (table, object);
            let seen = by_object.entry(key.clone()).or_insert(0);
            *seen = (*seen).max(bytes);
            if matches!(
                f.rule,
                "duplicate-index" | "redundant-index" | "unused-index"
            ) {
                dropped.insert(key, bytes);
            }
            let share = by_rule.entry(f.rule.to_string()).or_insert(Share {
                name: f.rule.to_string(),
                bytes: 0,
                findings: 0,
            });
            share.bytes += bytes;
            share.findings += 1;
        }
        let mut tables: IndexMap<String, Share> = IndexMap::new();
        for ((table, _), bytes) in &by_object {
            let share = tables.entry(table.clone()).or_insert(Share {
                name: table.clone(),
                bytes: 0,
                findings: 0,
            });
            share.bytes += bytes;
            share.findings += 1;
        }
        let mut by_rule: Vec<Share> = by_rule.into_values().collect();
        by_rule.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        let mut top_tables: Vec<Share> = tables.into_values().collect();
        top_tables.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        top_tables.truncate(TOP_TABLES);
        Some(Impact {
            droppable_index_bytes: dropped.values().sum(),
            droppable_indexes: dropped.len(),
            reclaimable_bytes: by_object.values().sum(),
            by_rule,
            top_tables,
        })
    }

    /// `12 MB in total; 10 MB by dropping 3 duplicate, redundant or unused indexes`.
    pub fn headline(&self) -> String {
        use crate::schema::live_stats::human_bytes;
        let total = human_bytes(self.reclaimable_bytes);
        if self.droppable_indexes == 0 {
            return format!("{total} in total");
        }
        format!(
            "{total} in total; {} by dropping {} duplicate, redundant or unused index{}",
            human_bytes(self.droppable_index_bytes),
            self.droppable_indexes,
            if self.droppable_indexes == 1 {
                ""
            } else {
                "es"
            },
        )
    }

    /// The summary as text lines, for the human report.
    pub fn lines(&self) -> Vec<String> {
        use crate::schema::live_stats::human_bytes;
        let mut out = vec![format!("reclaimable: {}", self.headline())];
        for t in &self.top_tables {
            out.push(format!(
                "  {}: {} ({} finding{})",
                t.name,
                human_bytes(t.bytes),
                t.findings,
                if t.findings == 1 { "" } else { "s" }
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Metrics;
    use crate::schema::{Origin, QualName};

    fn finding(rule: &'static str, table: &str, object: &str, bytes: i64) -> Finding {
        Finding {
            rule,
            severity: crate::finding::Severity::Warning,
            message: String::new(),
            help: None,
            table: Some(QualName::new("public", table)),
            object: Some(object.to_string()),
            related: Vec::new(),
            origin: Origin::Database,
            key: Vec::new(),
            primary_key: false,
            metrics: Some(Metrics {
                reclaimable_bytes: Some(bytes),
                ..Metrics::default()
            }),
        }
    }

    #[test]
    fn an_index_reported_twice_is_reclaimed_once() {
        let findings = [
            finding("duplicate-index", "a", "a_x", 1000),
            finding("unused-index", "a", "a_x", 1000),
            finding("unused-index", "b", "b_y", 300),
            finding("table-bloat", "b", "b", 5000),
        ];
        let impact = Impact::of(&findings).expect("metrics");
        assert_eq!(impact.droppable_index_bytes, 1300);
        assert_eq!(impact.droppable_indexes, 2);
        assert_eq!(impact.reclaimable_bytes, 6300);
        assert_eq!(impact.top_tables[0].name, "public.b");
        assert_eq!(impact.top_tables[0].bytes, 5300);
        assert_eq!(impact.by_rule[0].name, "table-bloat");
        assert_eq!(Impact::of(&[]), None);
    }
}
