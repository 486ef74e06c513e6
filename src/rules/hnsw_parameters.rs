//! `hnsw-parameters`: an HNSW index with `m` or `ef_construction` out of pgvector's bounds.
//!
//! HNSW's `m` and `ef_construction` have hard bounds pgvector enforces at CREATE INDEX (and
//! `ef_construction` must be at least `2 * m`, counting the defaults 16 and 64 when omitted).

use super::shared::storage_parameter::integer as option;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::Index;

declare_rule!(
    HNSW_PARAMETERS,
    "hnsw-parameters",
    Error,
    "An HNSW index with m or ef_construction out of pgvector's bounds.",
    Check::Model(check)
);

/// pgvector's defaults and bounds.
const M_DEFAULT: i64 = 16;
const M_RANGE: (i64, i64) = (2, 100);
const EF_DEFAULT: i64 = 64;
const EF_RANGE: (i64, i64) = (4, 1000);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for index in input.schema.indexes.values() {
        if index.parent_index.is_none() && index.method == "hnsw" {
            hnsw(index, out);
        }
    }
}

fn hnsw(index: &Index, out: &mut Vec<Finding>) {
    let m = option(index, "m");
    let ef = option(index, "ef_construction");
    let m_value = m.unwrap_or(M_DEFAULT);
    let ef_value = ef.unwrap_or(EF_DEFAULT);
    let mut problems = Vec::new();
    if !(M_RANGE.0..=M_RANGE.1).contains(&m_value) {
        problems.push(format!(
            "m = {m_value} is out of range ({}..{})",
            M_RANGE.0, M_RANGE.1
        ));
    }
    if !(EF_RANGE.0..=EF_RANGE.1).contains(&ef_value) {
        problems.push(format!(
            "ef_construction = {ef_value} is out of range ({}..{})",
            EF_RANGE.0, EF_RANGE.1
        ));
    }
    if problems.is_empty() && ef_value < 2 * m_value {
        let ef_text = match ef {
            Some(v) => format!("ef_construction = {v}"),
            None => format!("ef_construction (default {EF_DEFAULT})"),
        };
        let m_text = match m {
            Some(v) => format!("m = {v}"),
            None => format!("m (default {M_DEFAULT})"),
        };
        problems.push(format!(
            "{ef_text} must be at least 2 × {m_text} = {}",
            2 * m_value
        ));
    }
    if problems.is_empty() {
        return;
    }
    let fixed_m = m_value.clamp(M_RANGE.0, M_RANGE.1);
    let fixed_ef = ef_value.clamp(EF_RANGE.0, EF_RANGE.1).max(2 * fixed_m);
    let message = format!(
        "HNSW index `{}`: {}; pgvector rejects the CREATE INDEX",
        index.name.name,
        problems.join("; ")
    );
    out.push(
        Finding::new(&HNSW_PARAMETERS, message, index.origin)
            .table(&index.table)
            .object(index.name.name.clone())
            .help(format!(
                "WITH (m = {fixed_m}, ef_construction = {fixed_ef}) — or leave both out for the defaults (16, 64)"
            )),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;
    use crate::finding::{Finding, Severity};

    const T: &str = "CREATE EXTENSION vector;\n\
                     CREATE TABLE items (id int PRIMARY KEY, v vector(3));\n\
                     INSERT INTO items VALUES (1, '[1,2,3]');\n";

    fn findings(index: &str) -> Vec<Finding> {
        lint(&super::HNSW_PARAMETERS, &format!("{T}CREATE INDEX i ON items {index};"))
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
    fn hnsw_bounds() {
        assert_eq!(
            message("USING hnsw (v vector_l2_ops) WITH (m = 1)"),
            "HNSW index `i`: m = 1 is out of range (2..100); pgvector rejects the CREATE INDEX"
        );
        assert_eq!(
            message("USING hnsw (v vector_l2_ops) WITH (m = 16, ef_construction = 2000)"),
            "HNSW index `i`: ef_construction = 2000 is out of range (4..1000); pgvector rejects the CREATE INDEX"
        );
        let f = findings("USING hnsw (v vector_l2_ops) WITH (m = 48)");
        assert_eq!(
            f[0].message,
            "HNSW index `i`: ef_construction (default 64) must be at least 2 × m = 48 = 96; pgvector rejects the CREATE INDEX"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "WITH (m = 48, ef_construction = 96) — or leave both out for the defaults (16, 64)"
            )
        );
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(
            message("USING hnsw (v vector_l2_ops) WITH (m = 24, ef_construction = 40)"),
            "HNSW index `i`: ef_construction = 40 must be at least 2 × m = 24 = 48; pgvector rejects the CREATE INDEX"
        );
    }

    crate::rules::tests::rule_cases!(
        super::HNSW_PARAMETERS,
        pass: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v vector_l2_ops) WITH (m = 16, ef_construction = 64);"],
        fail: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v vector_l2_ops) WITH (m = 1);", "CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v vector_l2_ops) WITH (m = 48);"],
    );
}
