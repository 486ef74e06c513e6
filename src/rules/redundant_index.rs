//! `redundant-index`: a plain btree index whose key is a leading prefix of another btree
//! index's key on the same table, so the longer index answers every query the shorter one does.

use super::shared::index_comparison::{KeyItem, comparable, describe, drop_index_help, key_items};
use super::{Check, RuleInput};
use crate::finding::Finding;
use rustc_hash::FxHashMap as HashMap;

use crate::schema::expr::SqlExpr;
use crate::schema::{Index, KeyTarget};

declare_rule!(
    REDUNDANT_INDEX,
    "redundant-index",
    Warning,
    "A btree index whose key is a leading prefix of another btree index's key.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for (&table_name, indexes) in input.indexes_by_table() {
        let table = schema.tables.get(table_name);
        if table.is_some_and(|t| t.partition_of.is_some()) {
            continue;
        }
        // Only btree orders keys, so only btree prefixes answer the same queries.
        let btrees: Vec<(&Index, Vec<KeyItem<'_>>)> = indexes
            .iter()
            .filter(|i| i.method == "btree" && comparable(schema, i))
            .map(|i| (*i, key_items(schema, table, i)))
            .collect();
        let longer = longer_indexes(&btrees);
        for (a, a_keys) in &btrees {
            if a.unique || a.primary || a.exclusion || a.constraint.is_some() {
                continue;
            }
            // The shortest covering index (longer key with a's as prefix, same predicate,
            // a's INCLUDE columns among its columns), the earliest of equals.
            let covering = longer
                .get(&(a_keys.as_slice(), a.predicate.as_ref()))
                .and_then(|candidates| {
                    candidates
                        .iter()
                        .map(|&p| &btrees[p])
                        .find(|(b, _)| a.include.iter().all(|c| covers_column(b, c)))
                });
            let Some((b, _)) = covering else {
                continue;
            };
            let message = format!(
                "index `{}` on table `{}` is likely redundant: its key ({}) is a leading prefix of {} `{}` ({})",
                a.name.name,
                table_name.name,
                key_text(a),
                describe(b),
                b.name.name,
                key_text(b),
            );
            out.push(
                Finding::new(&REDUNDANT_INDEX, message, a.origin)
                    .table(table_name)
                    .object(a.name.name.clone())
                    .help(drop_index_help(&a.name))
                    .related(
                        b.name.name.clone(),
                        b.origin,
                        format!("the {} that covers it is created here", describe(b)),
                    ),
            );
        }
    }
}

/// Whether `column` is among an index's key columns or INCLUDE columns.
/// Every proper key prefix of each btree (with its predicate) → the btrees that extend it,
/// shortest key first, then in creation order: one lookup per index instead of a scan of the
/// table's indexes, which made a table with many indexes quadratic.
type Longer<'i, 'k> = HashMap<(&'k [KeyItem<'i>], Option<&'i SqlExpr>), Vec<usize>>;

fn longer_indexes<'i, 'k>(btrees: &'k [(&'i Index, Vec<KeyItem<'i>>)]) -> Longer<'i, 'k> {
    let mut longer: Longer<'i, 'k> = HashMap::default();
    for (position, (b, b_keys)) in btrees.iter().enumerate() {
        for len in 0..b_keys.len() {
            longer
                .entry((&b_keys[..len], b.predicate.as_ref()))
                .or_default()
                .push(position);
        }
    }
    for candidates in longer.values_mut() {
        candidates.sort_by_key(|&p| (btrees[p].1.len(), p));
    }
    longer
}

fn covers_column(index: &Index, column: &str) -> bool {
    index.include.iter().any(|c| c == column)
        || index
            .keys
            .iter()
            .any(|k| matches!(&k.target, KeyTarget::Column(c) if c == column))
}

/// The key items for a message: `a, lower(b), c DESC`.
fn key_text(index: &Index) -> String {
    let mut out = String::new();
    for (n, key) in index.keys.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        match &key.target {
            KeyTarget::Column(c) => out.push_str(&crate::schema::quote_ident(c)),
            KeyTarget::Expr(e) => {
                out.push('(');
                out.push_str(e.text());
                out.push(')');
            }
        }
        if key.desc {
            out.push_str(" DESC");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;
    use crate::finding::Finding;

    fn findings(sql: &str) -> Vec<Finding> {
        lint(&super::REDUNDANT_INDEX, sql)
    }

    const T: &str = "CREATE TABLE t (id bigint PRIMARY KEY, a text, b int, c int, email text, deleted_at timestamptz, tags text[]);\n";

    /// (object, related) of every finding.
    fn on_t(rest: &str) -> Vec<(String, String)> {
        findings(&format!("{T}{rest}"))
            .into_iter()
            .map(|f| {
                (
                    f.object.clone().unwrap_or_default(),
                    f.related[0].object.clone(),
                )
            })
            .collect()
    }

    fn pair(a: &str, b: &str) -> Vec<(String, String)> {
        vec![(a.to_string(), b.to_string())]
    }

    #[test]
    fn a_prefix_is_redundant() {
        let f = findings(&format!(
            "{T}CREATE INDEX t_a ON t (a);\nCREATE INDEX t_a_b ON t (a, b);"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("t_a"));
        assert_eq!(f[0].related[0].object, "t_a_b");
        assert!(
            f[0].message.contains("likely redundant"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("index `t_a_b` (a, b)"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.t_a;")
        );
    }

    #[test]
    fn the_order_of_creation_does_not_matter() {
        assert_eq!(
            on_t("CREATE INDEX t_a_b ON t (a, b);\nCREATE INDEX t_a ON t (a);"),
            pair("t_a", "t_a_b")
        );
    }

    #[test]
    fn not_a_prefix_is_not_redundant() {
        assert!(on_t("CREATE INDEX t_b ON t (b);\nCREATE INDEX t_a_b ON t (a, b);").is_empty());
    }

    #[test]
    fn the_shortest_cover_is_named_once() {
        assert_eq!(
            on_t(
                "CREATE INDEX t_a ON t (a);\nCREATE INDEX t_a_b_c ON t (a, b, c);\nCREATE INDEX t_a_b ON t (a, b);"
            ),
            vec![
                ("t_a".to_string(), "t_a_b".to_string()),
                ("t_a_b".to_string(), "t_a_b_c".to_string())
            ]
        );
    }

    #[test]
    fn exact_duplicates_are_not_redundant() {
        assert!(on_t("CREATE INDEX x1 ON t (a, b);\nCREATE INDEX x2 ON t (a, b);").is_empty());
    }

    #[test]
    fn unique_and_constraint_indexes_are_never_redundant() {
        assert!(
            on_t("CREATE UNIQUE INDEX u ON t (a);\nCREATE INDEX t_a_b ON t (a, b);").is_empty()
        );
        assert!(on_t("CREATE INDEX t_id_a ON t (id, a);").is_empty());
        assert!(findings(
            "CREATE TABLE k (a int, b int, CONSTRAINT k_a UNIQUE (a));\nCREATE INDEX k_a_b ON k (a, b);"
        )
        .is_empty());
    }

    #[test]
    fn the_primary_key_can_cover() {
        let f = findings(
            "CREATE TABLE m (a int, b int, PRIMARY KEY (a, b));\nCREATE INDEX m_a ON m (a);",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].related[0].object, "m_pkey");
        assert!(
            f[0].message.contains("primary key `m_pkey`"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].related[0].label,
            "the primary key that covers it is created here"
        );
    }

    #[test]
    fn predicates_must_match() {
        assert!(
            on_t(
                "CREATE INDEX p1 ON t (a) WHERE deleted_at IS NULL;\nCREATE INDEX p2 ON t (a, b);"
            )
            .is_empty()
        );
        assert!(
            on_t(
                "CREATE INDEX p1 ON t (a);\nCREATE INDEX p2 ON t (a, b) WHERE deleted_at IS NULL;"
            )
            .is_empty()
        );
        assert_eq!(
            on_t(
                "CREATE INDEX p1 ON t (a) WHERE deleted_at IS NULL;\nCREATE INDEX p2 ON t (a, b) WHERE deleted_at IS NULL;"
            ),
            pair("p1", "p2")
        );
    }

    #[test]
    fn include_must_be_covered() {
        assert!(
            on_t("CREATE INDEX i1 ON t (a) INCLUDE (email);\nCREATE INDEX i2 ON t (a, b);")
                .is_empty()
        );
        assert_eq!(
            on_t("CREATE INDEX i1 ON t (a) INCLUDE (b);\nCREATE INDEX i2 ON t (a, b);"),
            pair("i1", "i2")
        );
        assert_eq!(
            on_t(
                "CREATE INDEX i1 ON t (a) INCLUDE (email);\nCREATE INDEX i2 ON t (a, b) INCLUDE (email);"
            ),
            pair("i1", "i2")
        );
    }

    #[test]
    fn items_compare_like_duplicates() {
        assert!(
            on_t("CREATE INDEX o1 ON t (a text_pattern_ops);\nCREATE INDEX o2 ON t (a, b);")
                .is_empty()
        );
        assert_eq!(
            on_t("CREATE INDEX o1 ON t (a text_ops);\nCREATE INDEX o2 ON t (a, b);"),
            pair("o1", "o2")
        );
        assert!(
            on_t("CREATE INDEX c1 ON t (a COLLATE \"C\");\nCREATE INDEX c2 ON t (a, b);")
                .is_empty()
        );
        assert!(on_t("CREATE INDEX d1 ON t (a DESC);\nCREATE INDEX d2 ON t (a, b);").is_empty());
        assert_eq!(
            on_t("CREATE INDEX d1 ON t (a DESC NULLS FIRST);\nCREATE INDEX d2 ON t (a DESC, b);"),
            pair("d1", "d2")
        );
        assert_eq!(
            on_t("CREATE INDEX e1 ON t (lower(email));\nCREATE INDEX e2 ON t (LOWER( email ), b);"),
            pair("e1", "e2")
        );
        assert!(
            on_t("CREATE INDEX e1 ON t (lower(email));\nCREATE INDEX e2 ON t (upper(email), b);")
                .is_empty()
        );
    }

    #[test]
    fn never_across_access_methods() {
        assert!(
            on_t("CREATE INDEX h ON t USING hash (a);\nCREATE INDEX b ON t (a, b);").is_empty()
        );
        assert!(
            on_t("CREATE INDEX g ON t USING gin (tags);\nCREATE INDEX b ON t (tags, b);")
                .is_empty()
        );
        assert!(
            on_t("CREATE INDEX r ON t USING brin (b);\nCREATE INDEX x ON t (b, c);").is_empty()
        );
        assert!(
            on_t("CREATE INDEX b ON t (b);\nCREATE INDEX r ON t USING brin (b, c);").is_empty()
        );
        assert!(
            on_t("CREATE INDEX b ON t (b);\nCREATE INDEX s ON t USING gist (b, c);").is_empty()
        );
    }

    #[test]
    fn partition_copies_are_skipped() {
        let sql = "CREATE TABLE m (id bigint, at date, k int) PARTITION BY RANGE (at);\n\
                   CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n\
                   CREATE INDEX m_k ON m (k);\n\
                   CREATE INDEX m_k_at ON m (k, at);";
        let f = findings(sql);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].object.as_deref(), Some("m_k"));
    }

    crate::rules::tests::rule_cases!(
        super::REDUNDANT_INDEX,
        pass: ["CREATE TABLE t (a int, b int);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_ba ON t (b, a);"],
        fail: ["CREATE TABLE t (a int, b int);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_ab ON t (a, b);"],
    );
}
