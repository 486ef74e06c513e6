//! How the index health rules (`duplicate-index`, `redundant-index`, `unindexed-foreign-key`)
//! compare and describe indexes: normalised key items, which indexes take part, and the words
//! and DDL their findings use.

pub(crate) use crate::schema::KeyItem;
use crate::schema::{Index, QualName, Schema, Table};

/// The normalised key items of an index (the model's definition, see [`Index::key_items`]).
pub(crate) fn key_items<'a>(
    schema: &Schema,
    table: Option<&Table>,
    index: &'a Index,
) -> Vec<KeyItem<'a>> {
    index.key_items(schema, table)
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
