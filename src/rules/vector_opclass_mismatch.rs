//! `vector-opclass-mismatch`: an IVFFlat or HNSW index whose operator class does not fit its
//! column, whose access method does not support the operator class, or whose column has no
//! dimensions or more than the index can hold. PostgreSQL rejects all of these at CREATE INDEX.

use pg_query::NodeEnum;

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::{Index, IndexKey, KeyTarget, Origin, Schema, quote_ident, types};

declare_rule!(
    VECTOR_OPCLASS_MISMATCH,
    "vector-opclass-mismatch",
    Error,
    "A pgvector index whose operator class, access method or dimensions do not fit its column.",
    Check::Model(check)
);

/// pgvector's operator classes for its index methods: name, the type it indexes, and whether
/// IVFFlat supports it (HNSW supports all of them).
const OPCLASSES: &[(&str, &str, bool)] = &[
    ("vector_l2_ops", "vector", true),
    ("vector_ip_ops", "vector", true),
    ("vector_cosine_ops", "vector", true),
    ("vector_l1_ops", "vector", false),
    ("halfvec_l2_ops", "halfvec", true),
    ("halfvec_ip_ops", "halfvec", true),
    ("halfvec_cosine_ops", "halfvec", true),
    ("halfvec_l1_ops", "halfvec", false),
    ("bit_hamming_ops", "bit", true),
    ("bit_jaccard_ops", "bit", false),
    ("sparsevec_l2_ops", "sparsevec", false),
    ("sparsevec_ip_ops", "sparsevec", false),
    ("sparsevec_cosine_ops", "sparsevec", false),
    ("sparsevec_l1_ops", "sparsevec", false),
];

/// The most dimensions an IVFFlat or HNSW index accepts, per type.
fn dimension_limit(base: &str) -> Option<u32> {
    match base {
        "vector" => Some(2_000),
        "halfvec" => Some(4_000),
        "bit" => Some(64_000),
        _ => None,
    }
}

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for index in schema.indexes.values() {
        if !matches!(index.method.as_str(), "ivfflat" | "hnsw") || index.parent_index.is_some() {
            continue;
        }
        for key in &index.keys {
            let Some((problem, help)) = problem(schema, index, key) else {
                continue;
            };
            let mut finding = Finding::new(
                &VECTOR_OPCLASS_MISMATCH,
                format!("index `{}`: {problem}", index.name.name),
                index.origin,
            )
            .table(&index.table)
            .object(index.name.name.clone());
            if let Some(help) = help {
                finding = finding.help(help);
            }
            if let Some((name, origin)) = column_origin(schema, index, key) {
                finding = finding.related(
                    name.clone(),
                    origin,
                    format!("column `{name}` is declared here"),
                );
            }
            out.push(finding);
            break;
        }
    }
}

/// What is wrong with one key of a vector index, and the help line.
fn problem(schema: &Schema, index: &Index, key: &IndexKey) -> Option<(String, Option<String>)> {
    let method = index.method.as_str();
    let (what, sql, type_name) = key_type(schema, index, key);
    let (base, dims) = split_type(type_name.as_deref().unwrap_or(""));
    let known = key
        .opclass
        .as_deref()
        .and_then(|o| OPCLASSES.iter().find(|(name, ..)| *name == o));
    match (&key.opclass, known) {
        // An operator class of another extension: nothing to say.
        (Some(_), None) => return None,
        (Some(opclass), Some((_, for_type, ivfflat_ok))) => {
            if type_name.is_some() && base != *for_type {
                let help = suggested_opclass(opclass, &base).map_or_else(
                    || format!("index a {for_type}(n) column, or an expression cast to it: (({sql})::{for_type}(n)) {opclass}"),
                    |s| format!("use {s}"),
                );
                return Some((
                    format!(
                        "operator class `{opclass}` is for `{for_type}` columns, but {what} is `{}`",
                        type_name.unwrap_or_default()
                    ),
                    Some(help),
                ));
            }
            if method == "ivfflat" && !ivfflat_ok {
                return Some((
                    format!("operator class `{opclass}` is supported by HNSW only, not by IVFFlat"),
                    Some(format!("use USING hnsw ({sql} {opclass})")),
                ));
            }
        }
        (None, _) => {
            // Only `vector` has a default operator class, and only for IVFFlat.
            let has_default = method == "ivfflat" && (base == "vector" || type_name.is_none());
            if !has_default {
                let example = OPCLASSES
                    .iter()
                    .find(|(_, t, ok)| *t == base && (method == "hnsw" || *ok))
                    .map_or("vector_cosine_ops", |o| o.0);
                return Some((
                    format!(
                        "{what} has no operator class, and pgvector has no default for {} under {method}",
                        if type_name.is_some() {
                            format!("`{}`", type_name.clone().unwrap_or_default())
                        } else {
                            "it".to_string()
                        }
                    ),
                    Some(format!(
                        "name the distance the queries use, e.g. ({sql} {example})"
                    )),
                ));
            }
        }
    }
    type_name.as_ref()?;
    let limit = dimension_limit(&base)?;
    match dims {
        None if base != "bit" => Some((
            format!(
                "{what} is `{base}` without dimensions; pgvector indexes only columns with declared dimensions"
            ),
            Some(format!("declare the dimensions: {base}(1536) for example")),
        )),
        Some(d) if d > limit => {
            let help = if base == "vector" {
                "index a halfvec cast instead (up to 4,000 dimensions): ((embedding::halfvec(n)) halfvec_cosine_ops), or reduce the dimensions".to_string()
            } else {
                "reduce the dimensions, or use binary quantization: ((binary_quantize(embedding)::bit(n)) bit_hamming_ops)".to_string()
            };
            Some((
                format!(
                    "{what} has {d} dimensions; {method} indexes on `{base}` hold at most {limit}"
                ),
                Some(help),
            ))
        }
        _ => None,
    }
}

/// The same distance for another vector type: `vector_cosine_ops` on halfvec → `halfvec_cosine_ops`.
fn suggested_opclass(opclass: &str, base: &str) -> Option<String> {
    let (_, distance) = opclass.split_once('_')?;
    let candidate = format!("{base}_{distance}");
    OPCLASSES
        .iter()
        .any(|(n, ..)| *n == candidate)
        .then_some(candidate)
}

/// How a key is named in messages (``column `embedding` ``, ``expression `(…)` ``) and in SQL,
/// and its type: the column's type, or the type an expression key is cast to (`None` when
/// unknown).
fn key_type(schema: &Schema, index: &Index, key: &IndexKey) -> (String, String, Option<String>) {
    match &key.target {
        KeyTarget::Column(c) => (
            format!("column `{c}`"),
            quote_ident(c).into_owned(),
            schema
                .tables
                .get(&index.table)
                .and_then(|t| t.columns.get(c))
                .map(|col| col.type_name.clone()),
        ),
        KeyTarget::Expr(e) => {
            let cast = match e.node().node.as_ref() {
                Some(NodeEnum::TypeCast(tc)) => {
                    tc.type_name.as_ref().map(|t| types::normalise(t).name)
                }
                _ => None,
            };
            (
                format!("expression `({})`", e.text()),
                format!("({})", e.text()),
                cast,
            )
        }
    }
}

/// `vector(1536)` → (`vector`, Some(1536)); `vector` → (`vector`, None); `real[]` stays whole.
fn split_type(type_name: &str) -> (String, Option<u32>) {
    match type_name.split_once('(') {
        Some((base, rest)) if !type_name.ends_with("[]") => (
            base.to_string(),
            rest.trim_end_matches(')').trim().parse().ok(),
        ),
        _ => (type_name.to_string(), None),
    }
}

fn column_origin(schema: &Schema, index: &Index, key: &IndexKey) -> Option<(String, Origin)> {
    let KeyTarget::Column(c) = &key.target else {
        return None;
    };
    let column = schema.tables.get(&index.table)?.columns.get(c)?;
    Some((c.clone(), column.origin))
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;

    const T: &str = "CREATE EXTENSION vector;\n\
                     CREATE TABLE items (id int PRIMARY KEY, v vector(1536), h halfvec(3072), b bit(1024), s sparsevec(30000), big vector(3072), raw vector, arr real[]);\n\
                     INSERT INTO items DEFAULT VALUES;\n";

    /// The rule's (message, help) for one index on `items`.
    fn check(index: &str) -> Vec<(String, String)> {
        lint(&super::VECTOR_OPCLASS_MISMATCH, &format!("{T}CREATE INDEX i ON items {index};"))
            .into_iter()
            .map(|f| (f.message, f.help.unwrap_or_default()))
            .collect()
    }

    fn message(index: &str) -> String {
        let f = check(index);
        assert_eq!(f.len(), 1, "{index}: {f:?}");
        f[0].0.clone()
    }

    #[test]
    fn fitting_indexes_pass() {
        for ok in [
            "USING hnsw (v vector_cosine_ops)",
            "USING ivfflat (v vector_l2_ops) WITH (lists = 10)",
            "USING ivfflat (v)",
            "USING hnsw (h halfvec_cosine_ops)",
            "USING hnsw (b bit_jaccard_ops)",
            "USING ivfflat (b bit_hamming_ops)",
            "USING hnsw (s sparsevec_l2_ops)",
            "USING hnsw ((big::halfvec(3072)) halfvec_cosine_ops)",
            "USING btree (id)",
            "USING hnsw (v my_own_ops)",
        ] {
            assert_eq!(check(ok), [], "{ok}");
        }
    }

    #[test]
    fn opclass_for_another_type() {
        let f = check("USING hnsw (h vector_cosine_ops)");
        assert_eq!(
            f,
            [(
                "index `i`: operator class `vector_cosine_ops` is for `vector` columns, but column `h` is `halfvec(3072)`".to_string(),
                "use halfvec_cosine_ops".to_string()
            )]
        );
        assert_eq!(
            message("USING hnsw (v halfvec_l2_ops)"),
            "index `i`: operator class `halfvec_l2_ops` is for `halfvec` columns, but column `v` is `vector(1536)`"
        );
        assert_eq!(
            message("USING hnsw (arr vector_l2_ops)"),
            "index `i`: operator class `vector_l2_ops` is for `vector` columns, but column `arr` is `real[]`"
        );
        assert_eq!(
            message("USING hnsw (v bit_hamming_ops)"),
            "index `i`: operator class `bit_hamming_ops` is for `bit` columns, but column `v` is `vector(1536)`"
        );
    }

    #[test]
    fn hnsw_only_opclasses_under_ivfflat() {
        for (index, opclass) in [
            ("USING ivfflat (v vector_l1_ops)", "vector_l1_ops"),
            ("USING ivfflat (b bit_jaccard_ops)", "bit_jaccard_ops"),
            (
                "USING ivfflat (s sparsevec_cosine_ops)",
                "sparsevec_cosine_ops",
            ),
        ] {
            assert_eq!(
                message(index),
                format!(
                    "index `i`: operator class `{opclass}` is supported by HNSW only, not by IVFFlat"
                )
            );
        }
    }

    #[test]
    fn missing_default_opclass() {
        assert_eq!(
            check("USING hnsw (v)"),
            [(
                "index `i`: column `v` has no operator class, and pgvector has no default for `vector(1536)` under hnsw".to_string(),
                "name the distance the queries use, e.g. (v vector_l2_ops)".to_string()
            )]
        );
        assert_eq!(
            message("USING ivfflat (h)"),
            "index `i`: column `h` has no operator class, and pgvector has no default for `halfvec(3072)` under ivfflat"
        );
    }

    #[test]
    fn dimensions() {
        assert_eq!(
            message("USING hnsw (raw vector_l2_ops)"),
            "index `i`: column `raw` is `vector` without dimensions; pgvector indexes only columns with declared dimensions"
        );
        assert_eq!(
            message("USING hnsw (big vector_cosine_ops)"),
            "index `i`: column `big` has 3072 dimensions; hnsw indexes on `vector` hold at most 2000"
        );
        assert_eq!(
            message("USING ivfflat ((big::halfvec(4001)) halfvec_l2_ops)"),
            "index `i`: expression `(big::halfvec(4001))` has 4001 dimensions; ivfflat indexes on `halfvec` hold at most 4000"
        );
    }

    crate::rules::tests::rule_cases!(
        super::VECTOR_OPCLASS_MISMATCH,
        pass: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v vector_l2_ops);"],
        fail: ["CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v halfvec_l2_ops);", "CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, v vector(3));\nINSERT INTO items VALUES (1, '[1,2,3]');\nCREATE INDEX i ON items USING hnsw (v);"],
    );
}
