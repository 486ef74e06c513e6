//! `stale-statistics` (live): a table with rows that was never analysed, or whose rows changed
//! by more than 20% (and at least 1,000 rows) since its last analyse. The planner then works
//! from guesses: fresh indexes are not chosen, joins are planned for the wrong sizes.

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::Origin;

declare_rule!(
    STALE_STATISTICS,
    "stale-statistics",
    Warning,
    "A table never analysed, or changed by more than 20% since its last analyse (live).",
    Check::Model(check)
);

/// The share of rows changed since the last analyse past which statistics are stale.
pub const CHANGED_SHARE: f64 = 0.2;
/// The fewest changed rows worth reporting.
pub const MIN_CHANGED: i64 = 1_000;

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    let Some(live) = &schema.live else { return };
    for (name, t) in &live.tables {
        let Some(table) = schema.tables.get(name) else {
            continue;
        };
        if table.partitioned {
            continue;
        }
        let rows = t.rows.max(t.live_rows);
        let message = match &t.last_analyze {
            None if t.live_rows > 0 || t.mods_since_analyze > 0 => format!(
                "table `{}` has never been analysed ({} rows changed since it was created): the planner guesses its size and value distribution",
                name.name, t.mods_since_analyze.max(t.live_rows)
            ),
            Some(at)
                if t.mods_since_analyze >= MIN_CHANGED
                    && t.mods_since_analyze as f64 > CHANGED_SHARE * rows as f64 =>
            {
                format!(
                    "table `{}` has had {} row changes since it was last analysed ({at}), {:.0}% of its {rows} rows: plans rely on outdated statistics",
                    name.name,
                    t.mods_since_analyze,
                    100.0 * t.mods_since_analyze as f64 / rows.max(1) as f64
                )
            }
            _ => continue,
        };
        out.push(
            Finding::new(&STALE_STATISTICS, message, Origin::Database)
                .table(name)
                .help(format!(
                    "ANALYZE {name}; (and check why autovacuum has not: autovacuum_analyze_scale_factor, disabled autovacuum)"
                )),
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
    fn never_analysed_and_much_changed_tables() {
        let sql = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY);\nCREATE TABLE d (id int PRIMARY KEY);";
        let mut schema = check_sql("case.sql", sql).schema;
        let analysed = Some("2026-11-30 05:00:00+00".to_string());
        let stats = |name: &str, rows, live_rows, mods, last: Option<String>| {
            (
                QualName::new("public", name),
                TableStats {
                    rows,
                    live_rows,
                    mods_since_analyze: mods,
                    last_analyze: last,
                    ..TableStats::default()
                },
            )
        };
        schema.live = Some(LiveStats {
            tables: [
                stats("a", 0, 50_000, 50_000, None),
                stats("b", 100_000, 100_000, 30_000, analysed.clone()),
                stats("c", 100_000, 100_000, 10_000, analysed.clone()),
                stats("d", 0, 0, 0, None),
            ]
            .into_iter()
            .collect(),
            ..LiveStats::default()
        });
        let found = lint_model(&super::STALE_STATISTICS, &schema);
        let tables: Vec<_> = found.iter().map(|f| f.table.clone().unwrap().name).collect();
        assert_eq!(tables, ["a", "b"], "c changed 10%, d is empty");
        insta::assert_snapshot!(human_report(&found, sql));
    }
}
