//! `table-bloat` (live): a table whose pages hold much more than its rows need, estimated from
//! the planner's statistics (`reltuples`, `relpages`, `pg_stats` average widths) without
//! reading the table. Each partition is judged on its own; a partitioned parent has no pages.

use super::{Check, RuleInput};
use crate::finding::{Finding, Metrics};
use crate::schema::Origin;
use crate::schema::live_stats::human_bytes;

declare_rule!(
    TABLE_BLOAT,
    "table-bloat",
    Info,
    "A table whose estimated bloat is over 30% of its size and 1 MB (live).",
    Check::Model(check)
);

/// The share of the size past which bloat is reported (shared with `index-bloat`).
pub const MIN_SHARE: f64 = 0.3;
/// The fewest bloated bytes worth reporting (shared with `index-bloat`).
pub const MIN_BYTES: i64 = 1024 * 1024;

/// Whether `bloat` bytes of `size` are worth a finding.
pub fn is_bloated(bloat: i64, size: i64) -> bool {
    size > 0 && bloat >= MIN_BYTES && bloat as f64 >= MIN_SHARE * size as f64
}

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(live) = &input.schema.live else { return };
    for (name, t) in &live.tables {
        let Some(bloat) = t.bloat_bytes.filter(|b| is_bloated(*b, t.bytes)) else {
            continue;
        };
        let message = format!(
            "table `{}` is an estimated {} larger than its {} rows need ({:.0}% of {}): dead rows and free space that sequential scans still read",
            name.name,
            human_bytes(bloat),
            t.rows,
            100.0 * bloat as f64 / t.bytes as f64,
            human_bytes(t.bytes)
        );
        out.push(
            Finding::new(&TABLE_BLOAT, message, Origin::Database)
                .table(name)
                .help(format!(
                    "VACUUM {name}; lets new rows reuse the space; to give it back to the system, rewrite the table without a long lock (pg_repack or pg_squeeze), or VACUUM FULL {name}; in a maintenance window"
                ))
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
    use crate::schema::live_stats::{LiveStats, TableStats};

    #[test]
    fn over_both_thresholds_only() {
        let sql = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY);";
        let mut schema = check_sql("case.sql", sql).schema;
        assert!(lint_model(&super::TABLE_BLOAT, &schema).is_empty(), "offline: silent");
        const MB: i64 = 1024 * 1024;
        let stats = |name: &str, bytes, bloat| {
            (
                QualName::new("public", name),
                TableStats {
                    bytes,
                    rows: 50_000,
                    bloat_bytes: Some(bloat),
                    ..TableStats::default()
                },
            )
        };
        schema.live = Some(LiveStats {
            // a: 75% of 8 MB; b: 50% but only 512 kB; c: 1 MB of 100 MB.
            tables: [stats("a", 8 * MB, 6 * MB), stats("b", MB, MB / 2), stats("c", 100 * MB, MB)]
                .into_iter()
                .collect(),
            ..LiveStats::default()
        });
        let found = lint_model(&super::TABLE_BLOAT, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].metrics.as_ref().unwrap().reclaimable_bytes, Some(6 * MB));
        insta::assert_snapshot!(human_report(&found, sql));
    }
}
