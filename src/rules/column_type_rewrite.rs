//! `column-type-rewrite`: `ALTER COLUMN … TYPE` that rewrites an existing table.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::pg_version::utc_timestamp_change_keeps_table;
use crate::schema::replay::{Action, TypeChange};

declare_rule!(
    COLUMN_TYPE_REWRITE,
    "column-type-rewrite",
    Warning,
    "ALTER COLUMN TYPE that rewrites the table (or rebuilds its indexes) under ACCESS EXCLUSIVE.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::AlterType {
            column,
            from,
            to,
            change,
            indexed,
        } = action
        else {
            continue;
        };
        let table = table_name(s);
        let what = match change {
            TypeChange::MetadataOnly => continue,
            TypeChange::IndexRebuild if !indexed => continue,
            TypeChange::Rewrite => format!("rewrites `{table}` and all its indexes"),
            TypeChange::IndexRebuild => format!(
                "keeps the rows but rebuilds the indexes of `{table}` on the column"
            ),
            TypeChange::TimeZoneDependent if !utc_timestamp_change_keeps_table(input.target) => {
                format!("rewrites `{table}` and all its indexes (before PostgreSQL 12 even when the session TimeZone is UTC)")
            }
            TypeChange::TimeZoneDependent => format!(
                "rewrites `{table}` and its indexes unless the session TimeZone is UTC, and rebuilds the indexes on the column even then"
            ),
        };
        out.push(lock_finding(
            &COLUMN_TYPE_REWRITE,
            s,
            format!(
                "changing `{table}.{column}` from `{from}` to `{to}` {what} under an ACCESS EXCLUSIVE lock: reads and writes on `{table}` wait until it ends"
            ),
            format!(
                "add a new `{to}` column, fill it in batches (and keep it in step with a trigger), then switch readers and writers over and drop `{column}` in a later migration"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::COLUMN_TYPE_REWRITE,
        pass: [
            "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;",
            "CREATE TABLE t (a varchar(10));\nINSERT INTO t VALUES ('x');\n",
            "ALTER TABLE t ALTER COLUMN a TYPE bigint;",
        ],
        fail: [],
    );

    /// Before PostgreSQL 12 timestamp ↔ timestamptz rewrites whatever the session TimeZone.
    #[test]
    fn timestamp_to_timestamptz_always_rewrites_before_12() {
        let message = |target| {
            let found = crate::rules::tests::lint_two_files_for(
                &super::COLUMN_TYPE_REWRITE,
                "CREATE TABLE t (a timestamp);",
                "ALTER TABLE t ALTER COLUMN a TYPE timestamptz;",
                target,
            );
            assert_eq!(found.len(), 1, "{found:#?}");
            found[0].message.clone()
        };
        assert!(message(Some("12")).contains("unless the session TimeZone is UTC"));
        assert!(message(None).contains("unless the session TimeZone is UTC"));
        insta::assert_snapshot!(message(Some("11")));
    }

    /// Whether changing a column of an existing, indexed table from `old` to `new` is
    /// reported (the table comes from an earlier migration file).
    fn fires(old: &str, new: &str) -> bool {
        !crate::rules::tests::lint_two_files(
            &super::COLUMN_TYPE_REWRITE,
            &format!("CREATE TABLE t (a {old});\nCREATE INDEX t_a ON t (a);"),
            &format!("ALTER TABLE t ALTER COLUMN a TYPE {new};"),
        )
        .is_empty()
    }

    #[test]
    fn rewrites_are_reported_and_metadata_only_changes_are_not() {
        for (old, new) in [
            ("int", "bigint"),
            ("varchar(20)", "varchar(10)"),
            ("text", "varchar(10)"),
            ("numeric(10,2)", "numeric(12,4)"),
            ("timestamp", "timestamptz"),
            ("int", "oid"),
            ("uuid", "text"),
        ] {
            assert!(fires(old, new), "{old} -> {new} should be reported");
        }
        for (old, new) in [
            ("varchar(10)", "varchar(20)"),
            ("varchar(10)", "text"),
            ("text", "varchar"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("timestamp(3)", "timestamp(6)"),
            ("cidr", "inet"),
        ] {
            assert!(!fires(old, new), "{old} -> {new} is metadata-only");
        }
    }
}
