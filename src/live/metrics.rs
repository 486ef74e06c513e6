//! The numbers a live finding carries: what the index or table costs and what fixing it gives
//! back, and the order `audit` reports in (the biggest first).

use crate::finding::{Finding, HostScans, Metrics};
use crate::schema::live_stats::LiveStats;
use crate::schema::{QualName, Schema};

/// Rules whose fix is dropping the index: its whole size comes back.
const DROP_RULES: [&str; 3] = ["duplicate-index", "redundant-index", "unused-index"];

/// Adds sizes, rows and scans to every finding about a live index or table; a rule's own
/// numbers (a bloat estimate) are kept.
pub fn attach(findings: &mut [Finding], schema: &Schema) {
    let Some(live) = &schema.live else { return };
    for f in findings.iter_mut() {
        let Some(table) = f.table.clone() else {
            continue;
        };
        let index = f
            .object
            .as_ref()
            .map(|o| QualName::new(table.schema.clone(), o.clone()));
        let found = match index
            .as_ref()
            .and_then(|n| live.indexes.get(n).map(|s| (n, s)))
        {
            Some((name, s)) => Some(index_metrics(live, name, s.bytes, &table, f.rule)),
            None => live.tables.get(&table).map(|t| Metrics {
                bytes: Some(t.total_bytes),
                rows: Some(t.rows),
                scans: Some(t.seq_scans + t.idx_scans),
                scans_since: live.stats_since.clone(),
                ..Metrics::default()
            }),
        };
        let Some(mut m) = found else { continue };
        if let Some(own) = f.metrics.take() {
            m.reclaimable_bytes = own.reclaimable_bytes.or(m.reclaimable_bytes);
        }
        f.metrics = Some(m);
    }
}

fn index_metrics(
    live: &LiveStats,
    name: &QualName,
    bytes: i64,
    table: &QualName,
    rule: &str,
) -> Metrics {
    let per_host = &live.indexes[name].scans_per_host;
    Metrics {
        bytes: Some(bytes),
        rows: live.tables.get(table).map(|t| t.rows),
        scans: Some(per_host.iter().sum()),
        scans_per_host: if live.hosts.len() > 1 {
            live.hosts
                .iter()
                .zip(per_host)
                .map(|(host, scans)| HostScans {
                    host: host.clone(),
                    scans: *scans,
                })
                .collect()
        } else {
            Vec::new()
        },
        scans_since: live.stats_since.clone(),
        reclaimable_bytes: DROP_RULES.contains(&rule).then_some(bytes),
    }
}

/// Most severe first; within a severity, the most reclaimable, then the biggest object first.
/// Stable, so equal findings keep the rule order.
pub fn sort_by_impact(findings: &mut [Finding]) {
    let key = |f: &Finding| {
        let m = f.metrics.as_ref();
        (
            std::cmp::Reverse(f.severity),
            std::cmp::Reverse(m.and_then(|m| m.reclaimable_bytes).unwrap_or(0)),
            std::cmp::Reverse(m.and_then(|m| m.bytes).unwrap_or(0)),
        )
    };
    findings.sort_by_key(key);
}
