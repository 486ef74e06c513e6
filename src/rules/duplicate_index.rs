//! `duplicate-index`: two indexes on one table with the same definition.
//!
//! Definitions are compared as normalised values (key targets, opclasses with the default
//! filled in, collations, ordering, INCLUDE set, predicate), never as re-rendered SQL with the
//! names cut out: that shortcut makes `a ON t (a)` and `b ON t (b)` look identical.

use rustc_hash::FxHashMap as HashMap;

use super::shared::index_comparison::{comparable, describe, drop_index_help};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::{Index, IndexDefinition, QualName, quote_ident};

declare_rule!(
    DUPLICATE_INDEX,
    "duplicate-index",
    Warning,
    "Two indexes on one table with the same definition.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for (&table_name, indexes) in input.indexes_by_table() {
        let table = schema.tables.get(table_name);
        if table.is_some_and(|t| t.partition_of.is_some()) {
            continue;
        }
        let mut groups: HashMap<IndexDefinition<'_>, Vec<(usize, &Index)>> = HashMap::default();
        for (position, index) in indexes.iter().enumerate() {
            if !comparable(schema, index) {
                continue;
            }
            let definition = index.definition(schema);
            groups
                .entry(definition)
                .or_default()
                .push((position, index));
        }
        let mut found: Vec<(usize, Finding)> = Vec::new();
        for group in groups.into_values().filter(|g| g.len() > 1) {
            // Keep the primary key, else a constraint's index, else a unique one, else the
            // earliest created.
            let keep = group
                .iter()
                .min_by_key(|(position, i)| {
                    (!i.primary, i.constraint.is_none(), !i.unique, *position)
                })
                .map(|(_, i)| *i)
                .expect("a group has members");
            for &(position, drop) in &group {
                if std::ptr::eq(drop, keep) {
                    continue;
                }
                found.push((position, finding(table_name, keep, drop)));
            }
        }
        found.sort_by_key(|(position, _)| *position);
        out.extend(found.into_iter().map(|(_, f)| f));
    }
}

fn finding(table: &QualName, keep: &Index, drop: &Index) -> Finding {
    let keep_kind = describe(keep);
    let drop_kind = describe(drop);
    let mut message = format!(
        "{drop_kind} `{}` on table `{}` duplicates {keep_kind} `{}`",
        drop.name.name, table.name, keep.name.name
    );
    let help = match (&drop.constraint, &keep.constraint) {
        (Some(drop_constraint), Some(_)) => {
            message.push_str(": both back constraints, drop one of them");
            format!(
                "ALTER TABLE {table} DROP CONSTRAINT {};",
                quote_ident(drop_constraint)
            )
        }
        _ => {
            if drop.unique != keep.unique {
                message.push_str(
                    ": a unique and a non-unique index on the same key: drop the non-unique one",
                );
            }
            drop_index_help(&drop.name)
        }
    };
    Finding::new(&DUPLICATE_INDEX, message, drop.origin)
        .table(table)
        .object(drop.name.name.clone())
        .help(help)
        .related(
            keep.name.name.clone(),
            keep.origin,
            format!("the {keep_kind} it duplicates is created here"),
        )
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint;
    use crate::finding::Finding;

    fn findings(sql: &str) -> Vec<Finding> {
        lint(&super::DUPLICATE_INDEX, sql)
    }

    /// (object, related) of every finding.
    fn pairs(sql: &str) -> Vec<(String, String)> {
        findings(sql)
            .into_iter()
            .map(|f| {
                (
                    f.object.clone().unwrap_or_default(),
                    f.related
                        .first()
                        .map(|r| r.object.clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    const T: &str = "CREATE TABLE t (id bigint PRIMARY KEY, a text, b int, email text, deleted_at timestamptz, tags text[], doc jsonb, c varchar(20));\n";

    fn on_t(rest: &str) -> Vec<(String, String)> {
        pairs(&format!("{T}{rest}"))
    }

    fn pair(drop: &str, keep: &str) -> Vec<(String, String)> {
        vec![(drop.to_string(), keep.to_string())]
    }

    #[test]
    fn same_columns_are_duplicates_and_the_later_one_goes() {
        let f = findings(&format!(
            "{T}CREATE INDEX t_a_1 ON t (a, b);\nCREATE INDEX t_a_2 ON t (a, b) WITH (fillfactor = 70);"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("t_a_2"));
        assert_eq!(f[0].related[0].object, "t_a_1");
        assert_eq!(
            f[0].help.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.t_a_2;")
        );
        assert!(
            f[0].message.contains("duplicates index `t_a_1`"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].table.as_ref().unwrap().name, "t");
    }

    #[test]
    fn the_finding_points_at_the_dropped_index_statement() {
        let sql = format!("{T}CREATE INDEX x1 ON t (a);\nCREATE INDEX x2 ON t (a);");
        let run = check_sql("test.sql", &sql);
        let f: Vec<_> = run
            .findings
            .iter()
            .filter(|f| f.rule == "duplicate-index")
            .collect();
        let crate::schema::Origin::Sql { start, .. } = f[0].origin else {
            panic!("{:?}", f[0].origin)
        };
        assert!(sql[start as usize..].starts_with("CREATE INDEX x2"));
        let crate::schema::Origin::Sql { start, .. } = f[0].related[0].origin else {
            panic!()
        };
        assert!(sql[start as usize..].starts_with("CREATE INDEX x1"));
    }

    #[test]
    fn different_columns_with_names_like_the_columns_are_not_duplicates() {
        // Textually removing each index's own name from its definition makes these equal.
        assert!(on_t("CREATE INDEX a ON t (a);\nCREATE INDEX b ON t (b);").is_empty());
        assert!(on_t("CREATE INDEX x ON t (a, b);\nCREATE INDEX y ON t (b, a);").is_empty());
    }

    #[test]
    fn partial_indexes_compare_predicates() {
        assert_eq!(
            on_t(
                "CREATE INDEX p1 ON t (a) WHERE deleted_at IS NULL;\nCREATE INDEX p2 ON t (a) WHERE (deleted_at IS NULL);"
            ),
            pair("p2", "p1")
        );
        assert!(on_t("CREATE INDEX p1 ON t (a) WHERE deleted_at IS NULL;\nCREATE INDEX p2 ON t (a) WHERE deleted_at IS NOT NULL;").is_empty());
        assert!(
            on_t("CREATE INDEX p1 ON t (a) WHERE deleted_at IS NULL;\nCREATE INDEX p2 ON t (a);")
                .is_empty()
        );
    }

    #[test]
    fn expressions_compare_normalised() {
        assert_eq!(
            on_t("CREATE INDEX e1 ON t (lower(email));\nCREATE INDEX e2 ON t (LOWER( email ));"),
            pair("e2", "e1")
        );
        assert!(
            on_t("CREATE INDEX e1 ON t (lower(email));\nCREATE INDEX e2 ON t (upper(email));")
                .is_empty()
        );
    }

    #[test]
    fn include_is_a_set() {
        assert_eq!(
            on_t(
                "CREATE INDEX i1 ON t (a) INCLUDE (b, email);\nCREATE INDEX i2 ON t (a) INCLUDE (email, b);"
            ),
            pair("i2", "i1")
        );
        assert!(
            on_t(
                "CREATE INDEX i1 ON t (a) INCLUDE (b);\nCREATE INDEX i2 ON t (a) INCLUDE (email);"
            )
            .is_empty()
        );
        assert!(
            on_t("CREATE INDEX i1 ON t (a) INCLUDE (b);\nCREATE INDEX i2 ON t (a);").is_empty()
        );
    }

    #[test]
    fn opclasses_fill_in_the_default() {
        assert!(
            on_t("CREATE INDEX o1 ON t (a text_pattern_ops);\nCREATE INDEX o2 ON t (a);")
                .is_empty()
        );
        assert_eq!(
            on_t("CREATE INDEX o1 ON t (a text_ops);\nCREATE INDEX o2 ON t (a);"),
            pair("o2", "o1")
        );
        assert_eq!(
            on_t("CREATE INDEX o1 ON t (c);\nCREATE INDEX o2 ON t (c varchar_ops);"),
            pair("o2", "o1")
        );
        assert_eq!(
            on_t(
                "CREATE INDEX g1 ON t USING gin (doc);\nCREATE INDEX g2 ON t USING gin (doc jsonb_ops);"
            ),
            pair("g2", "g1")
        );
        assert!(on_t("CREATE INDEX g1 ON t USING gin (doc);\nCREATE INDEX g2 ON t USING gin (doc jsonb_path_ops);").is_empty());
        assert_eq!(
            on_t(
                "CREATE INDEX e1 ON t (lower(email) text_ops);\nCREATE INDEX e2 ON t (lower(email));"
            ),
            pair("e2", "e1")
        );
    }

    #[test]
    fn collation_counts() {
        assert!(
            on_t("CREATE INDEX c1 ON t (a COLLATE \"C\");\nCREATE INDEX c2 ON t (a);").is_empty()
        );
        assert_eq!(
            on_t(
                "CREATE INDEX c1 ON t (a COLLATE \"C\");\nCREATE INDEX c2 ON t (a COLLATE \"C\");"
            ),
            pair("c2", "c1")
        );
    }

    #[test]
    fn ordering_counts_after_filling_in_nulls_defaults() {
        assert_eq!(
            on_t("CREATE INDEX d1 ON t (a DESC NULLS FIRST);\nCREATE INDEX d2 ON t (a DESC);"),
            pair("d2", "d1")
        );
        assert_eq!(
            on_t("CREATE INDEX d1 ON t (a ASC NULLS LAST);\nCREATE INDEX d2 ON t (a);"),
            pair("d2", "d1")
        );
        assert!(on_t("CREATE INDEX d1 ON t (a DESC);\nCREATE INDEX d2 ON t (a);").is_empty());
        assert!(
            on_t("CREATE INDEX d1 ON t (a DESC NULLS LAST);\nCREATE INDEX d2 ON t (a DESC);")
                .is_empty()
        );
    }

    #[test]
    fn unique_and_non_unique_drops_the_non_unique_one() {
        let f = findings(&format!(
            "{T}CREATE INDEX n1 ON t (email);\nCREATE UNIQUE INDEX u1 ON t (email);"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("n1"));
        assert_eq!(f[0].related[0].object, "u1");
        assert!(
            f[0].message.contains(
                "a unique and a non-unique index on the same key: drop the non-unique one"
            ),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.n1;")
        );
    }

    #[test]
    fn a_unique_index_on_the_primary_key_duplicates_it() {
        let f = findings(&format!("{T}CREATE UNIQUE INDEX t_id_uq ON t (id);"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("t_id_uq"));
        assert_eq!(f[0].related[0].object, "t_pkey");
        assert_eq!(
            f[0].related[0].label,
            "the primary key it duplicates is created here"
        );
        assert!(
            f[0].message.contains("duplicates primary key `t_pkey`"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.t_id_uq;")
        );
    }

    #[test]
    fn two_constraints_recommend_dropping_a_constraint() {
        let f = findings(
            "CREATE TABLE \"Users\" (id int PRIMARY KEY, email text);\n\
             ALTER TABLE \"Users\" ADD CONSTRAINT users_email_a UNIQUE (email);\n\
             ALTER TABLE \"Users\" ADD CONSTRAINT users_email_b UNIQUE (email);\n\
             ALTER TABLE \"Users\" ADD CONSTRAINT users_id_key UNIQUE (id);",
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].object.as_deref(), Some("users_email_b"));
        assert_eq!(f[0].related[0].object, "users_email_a");
        assert_eq!(
            f[0].help.as_deref(),
            Some("ALTER TABLE public.\"Users\" DROP CONSTRAINT users_email_b;")
        );
        assert!(f[0].message.contains("both back constraints"));
        assert_eq!(f[1].object.as_deref(), Some("users_id_key"));
        assert_eq!(f[1].related[0].object, "Users_pkey");
    }

    #[test]
    fn three_identical_indexes_give_two_findings_with_one_keeper() {
        assert_eq!(
            on_t("CREATE INDEX x1 ON t (b);\nCREATE INDEX x2 ON t (b);\nCREATE INDEX x3 ON t (b);"),
            vec![
                ("x2".to_string(), "x1".to_string()),
                ("x3".to_string(), "x1".to_string())
            ]
        );
    }

    #[test]
    fn access_methods_never_mix() {
        assert!(on_t("CREATE INDEX h1 ON t USING hash (b);\nCREATE INDEX b1 ON t (b);").is_empty());
        assert!(
            on_t("CREATE INDEX g1 ON t USING gin (tags);\nCREATE INDEX b1 ON t (tags);").is_empty()
        );
        assert!(on_t("CREATE INDEX r1 ON t USING brin (b);\nCREATE INDEX b1 ON t (b);").is_empty());
        assert!(
            on_t(
                "CREATE INDEX s1 ON t USING gist (deleted_at);\nCREATE INDEX b1 ON t (deleted_at);"
            )
            .is_empty()
        );
        assert_eq!(
            on_t("CREATE INDEX h1 ON t USING hash (b);\nCREATE INDEX h2 ON t USING HASH (b);"),
            pair("h2", "h1")
        );
    }

    #[test]
    fn nulls_not_distinct_counts() {
        assert!(on_t("CREATE UNIQUE INDEX u1 ON t (email) NULLS NOT DISTINCT;\nCREATE UNIQUE INDEX u2 ON t (email);").is_empty());
    }

    #[test]
    fn tables_differing_only_by_quoting_are_different_tables() {
        assert!(
            pairs(
                "CREATE TABLE \"Users\" (\"userId\" int);\nCREATE TABLE users (\"userId\" int);\n\
             CREATE INDEX a1 ON \"Users\" (\"userId\");\nCREATE INDEX a2 ON users (\"userId\");"
            )
            .is_empty()
        );
        assert_eq!(
            pairs(
                "CREATE TABLE \"Users\" (\"userId\" int);\n\
                 CREATE INDEX \"Users_userId_idx\" ON \"Users\" (\"userId\");\n\
                 CREATE INDEX users_userid ON \"Users\" (\"userId\");"
            ),
            pair("users_userid", "Users_userId_idx")
        );
        let f = findings(
            "CREATE TABLE \"Users\" (\"userId\" int);\n\
             CREATE INDEX \"A\" ON \"Users\" (\"userId\");\nCREATE INDEX \"B\" ON \"Users\" (\"userId\");",
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.\"B\";")
        );
    }

    #[test]
    fn partition_copies_are_not_duplicates() {
        let sql = "CREATE TABLE m (id bigint, at date, k int) PARTITION BY RANGE (at);\n\
                   CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n\
                   CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n\
                   CREATE INDEX m_k ON m (k);\n\
                   CREATE INDEX m_at ON m (at);";
        assert!(pairs(sql).is_empty());
        let dup = format!("{sql}\nCREATE INDEX m_k2 ON m (k);");
        assert_eq!(pairs(&dup), pair("m_k2", "m_k"));
    }

    crate::rules::tests::rule_cases!(
        super::DUPLICATE_INDEX,
        pass: ["CREATE TABLE t (a int, b int);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_b ON t (b);"],
        fail: ["CREATE TABLE t (a int);\nCREATE INDEX t_a1 ON t (a);\nCREATE INDEX t_a2 ON t (a);", "CREATE TABLE t (id int PRIMARY KEY);\nCREATE UNIQUE INDEX t_id ON t (id);"],
    );
}
