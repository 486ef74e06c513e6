//! `invalid-index` (live): an index PostgreSQL marks invalid (`indisvalid = false`), typically
//! left behind by a failed `CREATE INDEX CONCURRENTLY` or `REINDEX CONCURRENTLY`. It is updated on
//! every write and never used by a query.
//!
//! Replayed and Drizzle schemas never have invalid indexes; the rule speaks only about schemas
//! read from a database. A partitioned parent's index is invalid until every partition has its
//! copy attached: that is reported on the partitions, not here. An index whose build is still in
//! progress (`pg_stat_progress_create_index`) is also invalid: the catalog reader must leave such
//! indexes valid (or out of the model) so that this rule does not report a build under way.

use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    INVALID_INDEX,
    "invalid-index",
    Error,
    "An index the database marks invalid, left behind by a failed concurrent build (live).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for index in schema.indexes.values() {
        if index.valid {
            continue;
        }
        if schema
            .tables
            .get(&index.table)
            .is_some_and(|t| t.partitioned)
        {
            continue;
        }
        let message = format!(
            "index `{}` on `{}` is invalid (a failed concurrent build left it behind): every write maintains it and no query uses it",
            index.name.name, index.table.name
        );
        out.push(
            Finding::new(&INVALID_INDEX, message, index.origin)
                .table(&index.table)
                .object(index.name.name.clone())
                .help(format!(
                    "REINDEX INDEX CONCURRENTLY {}; — or DROP INDEX CONCURRENTLY {} and create it again",
                    index.name, index.name
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint_model;
    use crate::schema::{QualName, Schema};

    fn run(schema: &Schema) -> Vec<(String, String)> {
        lint_model(&super::INVALID_INDEX, schema)
            .into_iter()
            .map(|f| (f.object.unwrap_or_default(), f.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn invalid_indexes_are_reported_except_on_partitioned_parents() {
        let mut schema = check_sql(
            "t.sql",
            "CREATE TABLE t (id int PRIMARY KEY, a int);\n\
             CREATE INDEX t_a_idx ON t (a);\n\
             CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);\n\
             CREATE INDEX p_at_idx ON p (at);",
        )
        .schema;
        assert_eq!(run(&schema), [], "replayed indexes are valid");
        for name in ["t_a_idx", "p_at_idx"] {
            schema
                .indexes
                .get_mut(&QualName::new("public", name))
                .unwrap()
                .valid = false;
        }
        assert_eq!(
            run(&schema),
            [(
                "t_a_idx".to_string(),
                "REINDEX INDEX CONCURRENTLY public.t_a_idx; — or DROP INDEX CONCURRENTLY public.t_a_idx and create it again".to_string()
            )]
        );
    }

    /// Replayed models never fire this live-only rule: their indexes have no catalog state.
    #[test]
    fn replayed_models_pass() {
        for sql in [
            "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);",
            "CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);\nCREATE INDEX p_at_idx ON p (at);",
        ] {
            assert_eq!(crate::rules::tests::lint(&super::INVALID_INDEX, sql), []);
        }
    }

    /// Live-only: the failing case is a replayed model altered as the catalog would have it.
    #[test]
    fn a_constructed_live_model_fails() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);";
        let mut schema = check_sql("case.sql", sql).schema;
        schema.indexes.get_mut(&crate::schema::QualName::new("public", "t_a_idx")).unwrap().valid = false;
        let found = lint_model(&super::INVALID_INDEX, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        insta::assert_snapshot!(crate::rules::tests::human_report(&found, sql));
    }
}
