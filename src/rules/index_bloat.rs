//! `index-bloat` (live): a B-tree index whose pages hold much more than its entries need,
//! estimated from statistics (the index's `reltuples` and `relpages`, the key columns' average
//! widths in `pg_stats`) without reading it. Expression keys have no statistics of their own:
//! those indexes are not estimated. Partitions' indexes are judged each on their own.

use super::table_bloat::is_bloated;
use super::{Check, RuleInput};
use crate::finding::{Finding, Metrics};
use crate::schema::live_stats::human_bytes;

declare_rule!(
    INDEX_BLOAT,
    "index-bloat",
    Info,
    "A B-tree index whose estimated bloat is over 30% of its size and 1 MB (live).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    let Some(live) = &schema.live else { return };
    for (name, s) in &live.indexes {
        let Some(bloat) = s.bloat_bytes.filter(|b| is_bloated(*b, s.bytes)) else {
            continue;
        };
        let Some(index) = schema.indexes.get(name) else {
            continue;
        };
        let message = format!(
            "index `{}` on `{}` is an estimated {} larger than its entries need ({:.0}% of {}): scans read and cache the empty space",
            name.name,
            index.table.name,
            human_bytes(bloat),
            100.0 * bloat as f64 / s.bytes as f64,
            human_bytes(s.bytes)
        );
        out.push(
            Finding::new(&INDEX_BLOAT, message, index.origin)
                .table(&index.table)
                .object(name.name.clone())
                .help(format!("REINDEX INDEX CONCURRENTLY {name};"))
                .metrics(Metrics {
                    reclaimable_bytes: Some(bloat),
                    ..Metrics::default()
                }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::{human_report, lint_model};
    use crate::schema::QualName;
    use crate::schema::live_stats::{IndexStats, LiveStats};

    #[test]
    fn over_both_thresholds_only() {
        let sql = "CREATE TABLE t (a int, b int);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_b ON t (b);";
        let mut schema = check_sql("case.sql", sql).schema;
        assert!(lint_model(&super::INDEX_BLOAT, &schema).is_empty(), "offline: silent");
        const MB: i64 = 1024 * 1024;
        let stats = |name: &str, bytes, bloat| {
            (
                QualName::new("public", name),
                IndexStats {
                    bytes,
                    scans_per_host: vec![3],
                    bloat_bytes: Some(bloat),
                },
            )
        };
        schema.live = Some(LiveStats {
            indexes: [stats("t_a", 4 * MB, 3 * MB), stats("t_b", 4 * MB, MB / 2)]
                .into_iter()
                .collect(),
            ..LiveStats::default()
        });
        let found = lint_model(&super::INDEX_BLOAT, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].object.as_deref(), Some("t_a"));
        insta::assert_snapshot!(human_report(&found, sql));
    }
}
