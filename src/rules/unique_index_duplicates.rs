//! `unique-index-duplicates`: `CREATE UNIQUE INDEX CONCURRENTLY` over rows the planner
//! statistics show duplicated. The build fails and, being concurrent, leaves an INVALID index
//! behind. The rule makes a candidate for every such build on an existing table;
//! [`super::sized::apply`] keeps only those the statistics prove, so without statistics it
//! reports nothing.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    UNIQUE_INDEX_DUPLICATES,
    "unique-index-duplicates",
    Warning,
    "CREATE UNIQUE INDEX CONCURRENTLY over duplicated rows fails and leaves an INVALID index.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::CreateIndex {
            index,
            concurrently: true,
            unique: true,
            columns,
            ..
        } = action
        else {
            continue;
        };
        // Statistics speak of plain columns only (no expressions, no partial index).
        if columns.is_empty() {
            continue;
        }
        let table = table_name(s);
        let t = s.table.as_ref().map_or("", |t| t.name.as_str());
        // The name PostgreSQL picks when none is written.
        let index = if index.is_empty() {
            format!("{t}_{}_idx", columns.join("_"))
        } else {
            index.clone()
        };
        let cols = columns.join(", ");
        out.push(
            lock_finding(
                &UNIQUE_INDEX_DUPLICATES,
                s,
                format!("`CREATE UNIQUE INDEX CONCURRENTLY {index}` on `{table}` ({cols})"),
                format!(
                    "remove the duplicates first (`SELECT {cols}, count(*) FROM {table} GROUP BY {cols} HAVING count(*) > 1;`); a failed concurrent build leaves the INVALID index behind, which every write still maintains: drop it with `DROP INDEX CONCURRENTLY {index};` before retrying"
                ),
            )
            .key(columns.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Severity;
    use crate::rules::sized::{Thresholds, apply};
    use crate::source::database::stats::{ColumnStats, Stats, TableStats};

    /// Statistics of `t` (1,000 rows): `a` unique, `b` with 50 values.
    fn stats() -> Stats {
        let column = |name: &str, n_distinct| ColumnStats {
            name: name.into(),
            null_frac: 0.0,
            n_distinct,
        };
        Stats {
            version: 1,
            server_version_num: 150000,
            tables: vec![TableStats {
                schema: "public".into(),
                name: "t".into(),
                rows: Some(1000.0),
                bytes: 65536,
                columns: vec![column("a", -1.0), column("b", 50.0)],
            }],
        }
    }

    fn judged(sql: &str, stats: Option<&Stats>) -> Vec<crate::finding::Finding> {
        let mut f = crate::rules::tests::lint(&super::UNIQUE_INDEX_DUPLICATES, sql);
        apply(&mut f, stats, &Thresholds::default());
        f
    }

    #[test]
    fn only_builds_the_statistics_show_duplicated_are_reported() {
        let s = stats();
        let dup = "CREATE UNIQUE INDEX CONCURRENTLY t_b_key ON t (b);";
        let f = judged(dup, Some(&s));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.contains("about 50 distinct values in 1000 rows"), "{}", f[0].message);
        assert!(f[0].message.contains("INVALID"), "{}", f[0].message);
        let help = f[0].help.as_deref().unwrap();
        assert!(help.contains("DROP INDEX CONCURRENTLY t_b_key;"), "{help}");
        // A unique column, no statistics, an expression, a new table, a plain index: nothing.
        for sql in [
            "CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);",
            "CREATE UNIQUE INDEX CONCURRENTLY t_lb ON t (lower(b::text));",
            "CREATE INDEX CONCURRENTLY t_b ON t (b);",
            "CREATE TABLE t (b int);\nCREATE UNIQUE INDEX CONCURRENTLY t_b_key ON t (b);",
        ] {
            assert!(judged(sql, Some(&s)).is_empty(), "{sql}");
        }
        assert!(judged(dup, None).is_empty());
        // The name PostgreSQL picks when none is written.
        let f = judged("CREATE UNIQUE INDEX CONCURRENTLY ON t (b);", Some(&s));
        assert!(f[0].help.as_deref().unwrap().contains("DROP INDEX CONCURRENTLY t_b_idx;"));
    }
}
