//! `unused-index` (live, info): an index no query has scanned since the statistics were last
//! reset. It costs every INSERT, UPDATE and DELETE, and disk, and serves no read.
//!
//! Never reported: indexes that enforce something (primary key, unique, exclusion, a
//! constraint's index), indexes that serve a foreign key's lookups (dropping them turns each
//! delete on the referenced table into a scan even if no query reads them), partitions' copies
//! of a parent's index, and invalid indexes (`invalid-index` reports those). Scans are counted
//! per server: an index used only on a read replica looks unused on the primary.

use crate::schema::foreign_key_support::supports_a_foreign_key;
use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    UNUSED_INDEX,
    "unused-index",
    Info,
    "An index no query has scanned since the statistics were reset (live).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for index in schema.indexes.values() {
        if index.scans != Some(0)
            || !index.valid
            || index.unique
            || index.primary
            || index.exclusion
            || index.constraint.is_some()
            || index.parent_index.is_some()
        {
            continue;
        }
        let Some(table) = schema.tables.get(&index.table) else {
            continue;
        };
        if table.partition_of.is_some() || supports_a_foreign_key(table, index) {
            continue;
        }
        let since = match &schema.stats_reset {
            Some(at) => format!("since the statistics were last reset ({at})"),
            None => "since statistics collection began (they were never reset)".to_string(),
        };
        let message = format!(
            "index `{}` on `{}` has not been scanned {since}: every write maintains it and no query reads it",
            index.name.name, index.table.name
        );
        out.push(
            Finding::new(&UNUSED_INDEX, message, index.origin)
                .table(&index.table)
                .object(index.name.name.clone())
                .help(format!(
                    "if it is unused on every replica too: DROP INDEX CONCURRENTLY {};",
                    index.name
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint_model;
    use crate::schema::Schema;

    fn unused(schema: &Schema) -> Vec<String> {
        lint_model(&super::UNUSED_INDEX, schema)
            .into_iter()
            .map(|f| f.object.unwrap_or_default())
            .collect()
    }

    #[test]
    fn only_plain_indexes_with_no_scans_are_reported() {
        let mut schema = check_sql(
            "t.sql",
            "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\n\
             CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users, editor_id int REFERENCES users, title text, at date);\n\
             CREATE INDEX posts_author_idx ON posts (author_id, at);\n\
             CREATE INDEX posts_editor_idx ON posts (editor_id) WHERE title IS NOT NULL;\n\
             CREATE INDEX posts_title_idx ON posts (title);\n\
             CREATE UNIQUE INDEX posts_title_at_key ON posts (title, at);\n\
             CREATE INDEX posts_at_idx ON posts (at);",
        )
        .schema;
        assert_eq!(
            unused(&schema),
            [] as [String; 0],
            "no statistics: nothing to say"
        );
        for index in schema.indexes.values_mut() {
            index.scans = Some(0);
        }
        schema
            .indexes
            .values_mut()
            .find(|i| i.name.name == "posts_at_idx")
            .unwrap()
            .scans = Some(12);
        // The primary keys, the unique constraint and index, and the FK's index stay; the
        // partial index on editor_id does not serve the FK (its predicate is not implied).
        assert_eq!(unused(&schema), ["posts_editor_idx", "posts_title_idx"]);
    }

    /// Replayed models never fire this live-only rule: their indexes have no catalog state.
    #[test]
    fn replayed_models_pass() {
        for sql in [
            "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);",
            "CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);\nCREATE INDEX p_at_idx ON p (at);",
        ] {
            assert_eq!(crate::rules::tests::lint(&super::UNUSED_INDEX, sql), []);
        }
    }

    /// Live-only: the failing case is a replayed model altered as the catalog would have it.
    #[test]
    fn a_constructed_live_model_fails() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);";
        let mut schema = check_sql("case.sql", sql).schema;
        schema.indexes.get_mut(&crate::schema::QualName::new("public", "t_a_idx")).unwrap().scans = Some(0);
        schema.stats_reset = Some("2026-01-01 00:00:00+00".to_string());
        let found = lint_model(&super::UNUSED_INDEX, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        insta::assert_snapshot!(crate::rules::tests::human_report(&found, sql));
    }
}
