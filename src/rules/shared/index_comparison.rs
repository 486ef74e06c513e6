//! How the index health rules (`duplicate-index`, `redundant-index`, `unindexed-foreign-key`)
//! compare and describe indexes: normalised key items, which indexes take part, and the words
//! and DDL their findings use.

use crate::rules::opclass;
use crate::schema::{Index, KeyTarget, QualName, Schema, Table};

/// One index key item, normalised for comparison: two items are equal exactly when PostgreSQL
/// would build the same ordering from them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct KeyItem<'a> {
    /// The column or expression (expressions compare by canonical text).
    pub target: &'a KeyTarget,
    /// The opclass, `None` for the type's default.
    pub opclass: Option<&'a str>,
    /// The collation, `None` for the column's own.
    pub collation: Option<&'a str>,
    /// `DESC`.
    pub desc: bool,
    /// `NULLS FIRST`, after filling in the default for the direction.
    pub nulls_first: bool,
}

/// The normalised key items of an index.
pub(crate) fn key_items<'a>(
    schema: &Schema,
    table: Option<&Table>,
    index: &'a Index,
) -> Vec<KeyItem<'a>> {
    index
        .keys
        .iter()
        .map(|k| KeyItem {
            target: &k.target,
            opclass: opclass::normalised(schema, table, &index.method, k),
            collation: k.collation.as_deref().filter(|c| *c != "default"),
            desc: k.desc,
            nulls_first: k.nulls_first,
        })
        .collect()
}

/// Whether an index takes part in the index health rules: valid, and not a partition's copy
/// of its parent's index (those mirror the parent's and would be reported once per partition).
pub(crate) fn comparable(schema: &Schema, index: &Index) -> bool {
    index.valid
        && index.parent_index.is_none()
        && schema
            .tables
            .get(&index.table)
            .is_none_or(|t| t.partition_of.is_none())
}

/// `DROP INDEX CONCURRENTLY schema.name;`
pub(crate) fn drop_index_help(name: &QualName) -> String {
    format!("DROP INDEX CONCURRENTLY {name};")
}

/// How an index is described in messages: by the constraint it backs, if any.
pub(crate) fn describe(index: &Index) -> &'static str {
    if index.primary {
        "primary key"
    } else if index.exclusion && index.constraint.is_some() {
        "exclusion constraint"
    } else if index.constraint.is_some() {
        "unique constraint"
    } else if index.unique {
        "unique index"
    } else {
        "index"
    }
}
