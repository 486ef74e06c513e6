//! `vector-index-lists`: an IVFFlat index whose `lists` is out of range, or far from the
//! table's row count.
//!
//! IVFFlat's `lists` must be 1..32768, which is checked offline at error severity; against a live
//! database's row estimate it is also judged by pgvector's guidance (rows / 1000 up to a million
//! rows, √rows above).

use super::shared::storage_parameter::integer as option;
use super::{Check, RuleInput};
use crate::finding::{Finding, Severity};
use crate::schema::{Index, Schema};

declare_rule!(
    VECTOR_INDEX_LISTS,
    "vector-index-lists",
    Warning,
    "An IVFFlat index whose lists is out of range, or far from the table's row count (live).",
    Check::Model(check)
);

/// pgvector's default and bounds.
const LISTS_DEFAULT: i64 = 100;
const LISTS_RANGE: (i64, i64) = (1, 32768);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for index in input.schema.indexes.values() {
        if index.parent_index.is_none() && index.method == "ivfflat" {
            ivfflat(input.schema, index, out);
        }
    }
}

fn ivfflat(schema: &Schema, index: &Index, out: &mut Vec<Finding>) {
    let lists = option(index, "lists");
    let value = lists.unwrap_or(LISTS_DEFAULT);
    let rows = schema
        .tables
        .get(&index.table)
        .and_then(|t| t.reltuples)
        .filter(|r| *r >= 0.0);
    if !(LISTS_RANGE.0..=LISTS_RANGE.1).contains(&value) {
        let suggested = rows.map_or(LISTS_DEFAULT, suggested_lists);
        out.push(
            Finding::new(
                &VECTOR_INDEX_LISTS,
                format!(
                    "IVFFlat index `{}`: lists = {value} is out of range ({}..{}); pgvector rejects the CREATE INDEX",
                    index.name.name, LISTS_RANGE.0, LISTS_RANGE.1
                ),
                index.origin,
            )
            .severity(Severity::Error)
            .table(&index.table)
            .object(index.name.name.clone())
            .help(format!(
                "WITH (lists = {suggested}) — rows / 1000 up to a million rows, √rows above"
            )),
        );
        return;
    }
    let Some(rows) = rows else { return };
    let suggested = suggested_lists(rows);
    if value < 4 * suggested && suggested < 4 * value {
        return;
    }
    let effect = if value > suggested {
        "too many lists for the rows: each list holds few vectors and the centroids are poor"
    } else {
        "too few lists for the rows: each probe scans a long list"
    };
    let written = match lists {
        Some(v) => format!("lists = {v}"),
        None => format!("lists (default {LISTS_DEFAULT})"),
    };
    out.push(
        Finding::new(
            &VECTOR_INDEX_LISTS,
            format!(
                "IVFFlat index `{}`: {written} for about {} rows in `{}`, where pgvector's guidance gives {suggested}: {effect}",
                index.name.name,
                rows.round() as i64,
                index.table.name
            ),
            index.origin,
        )
        .table(&index.table)
        .object(index.name.name.clone())
        .help(format!(
            "rebuild with WITH (lists = {suggested}): CREATE INDEX CONCURRENTLY a new one, then DROP INDEX CONCURRENTLY {}",
            index.name
        )),
    );
}

/// pgvector's guidance: rows / 1000 up to a million rows, √rows above; within 1..32768.
pub fn suggested_lists(rows: f64) -> i64 {
    let raw = if rows <= 1_000_000.0 {
        rows / 1000.0
    } else {
        rows.sqrt()
    };
    (raw.round() as i64).clamp(LISTS_RANGE.0, LISTS_RANGE.1)
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::{lint, lint_model};
    use crate::finding::{Finding, Severity};

    const T: &str = "CREATE EXTENSION vector;\n\
                     CREATE TABLE items (id int PRIMARY KEY, v vector(3));\n\
                     INSERT INTO items VALUES (1, '[1,2,3]');\n";

    fn findings(index: &str) -> Vec<Finding> {
        lint(&super::VECTOR_INDEX_LISTS, &format!("{T}CREATE INDEX i ON items {index};"))
    }

    fn message(index: &str) -> String {
        let f = findings(index);
        assert_eq!(f.len(), 1, "{index}: {f:?}");
        f[0].message.clone()
    }

    #[test]
    fn valid_parameters_pass() {
        for ok in [
            "USING hnsw (v vector_l2_ops)",
            "USING hnsw (v vector_l2_ops) WITH (m = 16, ef_construction = 64)",
            "USING hnsw (v vector_l2_ops) WITH (m = 2, ef_construction = 4)",
            "USING hnsw (v vector_l2_ops) WITH (m = 32)",
            "USING hnsw (v vector_l2_ops) WITH (m = 100, ef_construction = 1000)",
            "USING ivfflat (v vector_l2_ops) WITH (lists = 1)",
            "USING ivfflat (v vector_l2_ops) WITH (lists = 32768)",
            "USING ivfflat (v vector_l2_ops)",
        ] {
            assert!(findings(ok).is_empty(), "{ok}: {:?}", findings(ok));
        }
    }

    #[test]
    fn ivfflat_lists_out_of_range_is_an_error_offline() {
        let f = findings("USING ivfflat (v vector_l2_ops) WITH (lists = 0)");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "vector-index-lists");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(
            f[0].message,
            "IVFFlat index `i`: lists = 0 is out of range (1..32768); pgvector rejects the CREATE INDEX"
        );
        assert_eq!(
            message("USING ivfflat (v vector_l2_ops) WITH (lists = 40000)"),
            "IVFFlat index `i`: lists = 40000 is out of range (1..32768); pgvector rejects the CREATE INDEX"
        );
    }

    #[test]
    fn suggested_lists_follow_pgvector() {
        use super::suggested_lists;
        assert_eq!(suggested_lists(0.0), 1);
        assert_eq!(suggested_lists(50_000.0), 50);
        assert_eq!(suggested_lists(1_000_000.0), 1000);
        assert_eq!(suggested_lists(4_000_000.0), 2000);
        assert_eq!(suggested_lists(1e12), 32768);
    }

    /// The live judgement, on a schema whose row estimates came from a catalog.
    #[test]
    fn lists_against_row_estimates() {
        let run = check_sql(
            "t.sql",
            &format!(
                "{T}CREATE INDEX few ON items USING ivfflat (v vector_l2_ops) WITH (lists = 10);\n\
                 CREATE INDEX fine ON items USING ivfflat (v vector_l2_ops) WITH (lists = 400);\n\
                 CREATE INDEX many ON items USING ivfflat (v vector_l2_ops);"
            ),
        );
        let judge = |rows: Option<f64>| {
            let mut schema = run.schema.clone();
            for t in schema.tables.values_mut() {
                t.reltuples = rows;
            }
            lint_model(&super::VECTOR_INDEX_LISTS, &schema)
                .into_iter()
                .map(|f| (f.object.unwrap_or_default(), f.severity, f.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(judge(None), []);
        assert_eq!(judge(Some(-1.0)), [], "never analysed: no estimate");
        let f = judge(Some(500_000.0));
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].0, "few");
        assert_eq!(f[0].1, Severity::Warning);
        assert_eq!(
            f[0].2,
            "IVFFlat index `few`: lists = 10 for about 500000 rows in `items`, where pgvector's guidance gives 500: too few lists for the rows: each probe scans a long list"
        );
        assert_eq!(f[1].0, "many");
        let f = judge(Some(10_000.0));
        assert_eq!(
            f.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["fine", "many"]
        );
        assert!(f[1].2.contains("lists (default 100)"), "{}", f[1].2);
    }

    crate::rules::tests::rule_cases!(
        super::VECTOR_INDEX_LISTS,
        pass: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING ivfflat (v vector_l2_ops) WITH (lists = 100);"],
        fail: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING ivfflat (v vector_l2_ops) WITH (lists = 0);"],
    );

    /// The live judgement's failing case, on a model with the row estimate a catalog gives.
    #[test]
    fn a_constructed_live_model_fails() {
        let sql = format!(
            "{T}CREATE INDEX few ON items USING ivfflat (v vector_l2_ops) WITH (lists = 10);"
        );
        let mut schema = check_sql("case.sql", &sql).schema;
        for t in schema.tables.values_mut() {
            t.reltuples = Some(500_000.0);
        }
        let found = lint_model(&super::VECTOR_INDEX_LISTS, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        insta::assert_snapshot!(crate::rules::tests::human_report(&found, &sql));
    }
}
