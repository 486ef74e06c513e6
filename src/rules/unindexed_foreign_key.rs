//! `unindexed-foreign-key`: a foreign key whose referencing columns no index leads with.
//!
//! Every DELETE or key UPDATE on the referenced table looks up referencing rows by the FK's
//! columns (an equality test on each); without an index that lookup scans the whole table.

use super::shared::index_comparison::comparable;
use super::{Check, RuleInput};
use crate::schema::foreign_key_support as fk_support;
use crate::finding::Finding;
use crate::schema::names::{choose_name, name_addition};
use crate::schema::{Index, QualName, quote_ident};

declare_rule!(
    UNINDEXED_FOREIGN_KEY,
    "unindexed-foreign-key",
    Warning,
    "A foreign key whose columns no index leads with.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    let by_table = input.indexes_by_table();
    for table in schema.tables.values() {
        // A partition's FKs are its parent's; the parent is checked.
        if table.partition_of.is_some() {
            continue;
        }
        let indexes: &[&Index] = by_table.get(&table.name).map_or(&[], Vec::as_slice);
        for (constraint, fk) in table.foreign_keys() {
            let columns = &constraint.columns;
            if columns.is_empty() {
                continue;
            }
            let mut partial: Option<&Index> = None;
            let mut supported = false;
            for index in indexes.iter().filter(|i| comparable(schema, i)) {
                if !fk_support::leads_with(index, columns) {
                    continue;
                }
                if fk_support::predicate_implied(index, columns) {
                    supported = true;
                } else {
                    partial.get_or_insert(index);
                }
                if supported {
                    break;
                }
            }
            if supported {
                continue;
            }
            let column_list = columns
                .iter()
                .map(|c| quote_ident(c).into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            let name = choose_name(
                &table.name.name,
                Some(&name_addition(columns.iter().map(String::as_str))),
                "idx",
                |n| schema.relation_exists(&QualName::new(table.name.schema.clone(), n)),
            );
            let help = format!(
                "CREATE INDEX CONCURRENTLY {} ON {} ({column_list});",
                quote_ident(&name),
                table.name
            );
            let ref_origin = schema
                .tables
                .get(&fk.ref_table)
                .map(|t| t.origin)
                .unwrap_or_default();
            let message = match partial {
                Some(index) => format!(
                    "foreign key `{}` on table `{}` ({column_list}) is only partially supported: partial index `{}` covers only the rows its WHERE clause selects",
                    constraint.name, table.name.name, index.name.name
                ),
                None => format!(
                    "foreign key `{}` on table `{}` ({column_list}) has no index leading with its columns: deletes and key updates on `{}` scan the whole table",
                    constraint.name, table.name.name, fk.ref_table.name
                ),
            };
            let mut finding = Finding::new(&UNINDEXED_FOREIGN_KEY, message, constraint.origin)
                .table(&table.name)
                .object(constraint.name.clone())
                .help(help)
                .related(
                    fk.ref_table.to_string(),
                    ref_origin,
                    format!(
                        "the referenced table `{}` is created here",
                        fk.ref_table.name
                    ),
                );
            if let Some(index) = partial {
                finding = finding.related(
                    index.name.name.clone(),
                    index.origin,
                    "the partial index is created here",
                );
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;
    use crate::finding::Finding;

    fn findings(sql: &str) -> Vec<Finding> {
        lint(&super::UNINDEXED_FOREIGN_KEY, sql)
    }

    /// The source text an origin points at.
    fn span(sql: &str, origin: crate::schema::Origin) -> &str {
        let crate::schema::Origin::Sql { start, end, .. } = origin else {
            panic!("{origin:?}")
        };
        &sql[start as usize..end as usize]
    }

    const P: &str = "CREATE TABLE users (id int PRIMARY KEY);\n\
                     CREATE TABLE orgs (id int, region int, PRIMARY KEY (id, region));\n";

    fn objects(rest: &str) -> Vec<String> {
        findings(&format!("{P}{rest}"))
            .into_iter()
            .map(|f| f.object.unwrap_or_default())
            .collect()
    }

    #[test]
    fn an_unindexed_fk_is_reported_with_the_index_to_create() {
        let sql = format!(
            "{P}CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users (id));"
        );
        let f = findings(&sql);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("posts_author_id_fkey"));
        assert_eq!(
            f[0].help.as_deref(),
            Some("CREATE INDEX CONCURRENTLY posts_author_id_idx ON public.posts (author_id);")
        );
        assert_eq!(f[0].related[0].object, "public.users");
        assert!(f[0].message.contains("no index"), "{}", f[0].message);
        assert_eq!(span(&sql, f[0].related[0].origin), "users");
        assert_eq!(span(&sql, f[0].origin), "REFERENCES users");
    }

    #[test]
    fn the_finding_points_at_the_constraint() {
        let sql = format!(
            "{P}CREATE TABLE posts (id int PRIMARY KEY, author_id int);\n\
             ALTER TABLE posts ADD CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES users;"
        );
        let f = findings(&sql);
        assert_eq!(f[0].object.as_deref(), Some("posts_author"));
        assert_eq!(
            span(&sql, f[0].origin),
            "CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES users"
        );
    }

    #[test]
    fn a_plain_index_supports() {
        assert!(
            objects(
                "CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
             CREATE INDEX ON posts (author_id, id);"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_composite_fk_indexed_in_another_order_is_supported() {
        assert!(objects(
            "CREATE TABLE m (id int PRIMARY KEY, org int, region int, FOREIGN KEY (org, region) REFERENCES orgs (id, region));\n\
             CREATE INDEX m_region_org ON m (region, org);"
        )
        .is_empty());
    }

    #[test]
    fn a_composite_primary_key_prefix_supports() {
        assert!(
            objects(
                "CREATE TABLE memberships (user_id int REFERENCES users, org_id int, region int, \
             PRIMARY KEY (user_id, org_id));"
            )
            .is_empty()
        );
        assert!(
            objects(
                "CREATE TABLE u (user_id int, email text);\n\
             ALTER TABLE u ADD CONSTRAINT u_user UNIQUE (user_id, email);\n\
             ALTER TABLE u ADD FOREIGN KEY (user_id) REFERENCES users;"
            )
            .is_empty()
        );
    }

    #[test]
    fn an_fk_column_second_in_an_index_is_not_supported() {
        assert_eq!(
            objects(
                "CREATE TABLE memberships (org_id int, user_id int REFERENCES users, \
                 PRIMARY KEY (org_id, user_id));"
            ),
            ["memberships_user_id_fkey"]
        );
    }

    #[test]
    fn include_and_expressions_do_not_support() {
        assert_eq!(
            objects(
                "CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
                 CREATE INDEX ON posts (id) INCLUDE (author_id);\n\
                 CREATE INDEX ON posts ((author_id + 0));\n\
                 CREATE INDEX ON posts ((author_id));"
            )
            .len(),
            0,
            "`(author_id)` in parentheses is a plain column"
        );
        assert_eq!(
            objects(
                "CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
                 CREATE INDEX ON posts (id) INCLUDE (author_id);\n\
                 CREATE INDEX ON posts ((author_id + 0));"
            ),
            ["posts_author_id_fkey"]
        );
    }

    #[test]
    fn partial_indexes_support_only_when_implied_by_not_null() {
        assert!(
            objects(
                "CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
             CREATE INDEX ON posts (author_id) WHERE author_id IS NOT NULL;"
            )
            .is_empty()
        );
        assert!(objects(
            "CREATE TABLE m (id int PRIMARY KEY, org int, region int, FOREIGN KEY (org, region) REFERENCES orgs (id, region));\n\
             CREATE INDEX ON m (org, region) WHERE org IS NOT NULL AND (region IS NOT NULL);"
        )
        .is_empty());
        let f = findings(&format!(
            "{P}CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users, deleted_at timestamptz);\n\
             CREATE INDEX posts_live_author ON posts (author_id) WHERE deleted_at IS NULL;"
        ));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("only partially supported"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("posts_live_author"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].severity, crate::finding::Severity::Warning);
        assert_eq!(f[0].related[1].object, "posts_live_author");
        assert_eq!(
            f[0].help.as_deref(),
            Some("CREATE INDEX CONCURRENTLY posts_author_id_idx ON public.posts (author_id);")
        );
    }

    #[test]
    fn hash_supports_a_single_column_only() {
        assert!(
            objects(
                "CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
             CREATE INDEX ON posts USING hash (author_id);"
            )
            .is_empty()
        );
        assert_eq!(
            objects(
                "CREATE TABLE m (id int PRIMARY KEY, org int, region int, CONSTRAINT m_org FOREIGN KEY (org, region) REFERENCES orgs (id, region));\n\
                 CREATE INDEX ON m USING hash (org);\n\
                 CREATE INDEX ON m USING gin (org, region);\n\
                 CREATE INDEX ON m USING brin (org, region);"
            ),
            ["m_org"]
        );
    }

    #[test]
    fn a_partitioned_parent_is_checked_once() {
        let sql = "CREATE TABLE ev (id int, at date, user_id int REFERENCES users) PARTITION BY RANGE (at);\n\
                   CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n\
                   CREATE TABLE ev_2025 PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
        assert_eq!(objects(sql), ["ev_user_id_fkey"]);
        assert!(objects(&format!("{sql}\nCREATE INDEX ON ev (user_id);")).is_empty());
    }

    #[test]
    fn quoted_names_work() {
        let f = findings(
            "CREATE TABLE \"Users\" (id int PRIMARY KEY);\n\
             CREATE TABLE users (id int PRIMARY KEY);\n\
             CREATE TABLE \"Booking\" (id int PRIMARY KEY, \"userId\" int REFERENCES \"Users\" (id));",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].related[0].object, "public.\"Users\"");
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "CREATE INDEX CONCURRENTLY \"Booking_userId_idx\" ON public.\"Booking\" (\"userId\");"
            )
        );
        assert!(findings(
            "CREATE TABLE \"Users\" (id int PRIMARY KEY);\n\
             CREATE TABLE \"Booking\" (id int PRIMARY KEY, \"userId\" int REFERENCES \"Users\" (id));\n\
             CREATE INDEX \"Booking_userId_idx\" ON \"Booking\"(\"userId\");"
        )
        .is_empty());
        // An index on another table whose name differs only by quoting does not count.
        assert_eq!(
            findings(
                "CREATE TABLE users (id int PRIMARY KEY);\n\
                 CREATE TABLE \"Booking\" (id int PRIMARY KEY, \"userId\" int REFERENCES users (id));\n\
                 CREATE TABLE booking (\"userId\" int);\n\
                 CREATE INDEX ON booking (\"userId\");"
            )
            .len(),
            1
        );
    }

    #[test]
    fn the_suggested_name_avoids_taken_names() {
        let f = findings(&format!(
            "{P}CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users);\n\
             CREATE INDEX posts_author_id_idx ON posts (id, author_id);"
        ));
        assert_eq!(
            f[0].help.as_deref(),
            Some("CREATE INDEX CONCURRENTLY posts_author_id_idx1 ON public.posts (author_id);")
        );
    }

    crate::rules::tests::rule_cases!(
        super::UNINDEXED_FOREIGN_KEY,
        pass: ["CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p);\nCREATE INDEX c_pid ON c (pid);"],
        fail: ["CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p);"],
    );
}
