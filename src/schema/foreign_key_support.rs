//! Which indexes serve a foreign key's referential-integrity lookups: a PostgreSQL fact that
//! `unindexed-foreign-key` asks of each foreign key and `unused-index` of each index (never
//! call such an index useless). The semantics are those of
//! `unindexed-foreign-key`: the first n key columns equal the FK's n columns as a set, btree
//! (hash only for one column), and a partial index only when `col IS NOT NULL` implies its
//! predicate.

use pg_query::NodeEnum;
use pg_query::protobuf::{BoolExprType, Node, NullTestType};

use crate::schema::{Index, KeyTarget, Table};

/// Whether `index` serves the RI lookups of some foreign key declared on `table`.
pub fn supports_a_foreign_key(table: &Table, index: &Index) -> bool {
    table
        .foreign_keys()
        .any(|(c, _)| !c.columns.is_empty() && supports(index, &c.columns))
}

/// Whether `index` serves lookups by equality on all of `columns`: it leads with them and
/// its predicate, if any, holds for every row whose FK columns are set.
pub fn supports(index: &Index, columns: &[String]) -> bool {
    leads_with(index, columns) && predicate_implied(index, columns)
}

/// Whether the index can serve the RI lookup ignoring its predicate: its first `n` key items
/// are plain columns equal to the FK's columns as a set, and its access method answers
/// equality on them (btree; hash only on a single column).
pub fn leads_with(index: &Index, columns: &[String]) -> bool {
    let n = columns.len();
    let method_fits = match index.method.as_str() {
        "btree" => true,
        "hash" => n == 1,
        _ => false,
    };
    if !method_fits || index.keys.len() < n {
        return false;
    }
    let prefix = &index.keys[..n];
    prefix
        .iter()
        .all(|k| matches!(&k.target, KeyTarget::Column(c) if columns.contains(c)))
        && columns.iter().all(|c| {
            prefix
                .iter()
                .any(|k| matches!(&k.target, KeyTarget::Column(kc) if kc == c))
        })
}

/// Whether the index has no predicate, or one that `col IS NOT NULL` on the FK columns implies.
pub fn predicate_implied(index: &Index, columns: &[String]) -> bool {
    index
        .predicate
        .as_ref()
        .is_none_or(|p| implied_by_not_null(p.node(), columns))
}

/// Whether `col IS NOT NULL` on every FK column implies the predicate: an IS NOT NULL test on
/// an FK column, or an AND of them.
fn implied_by_not_null(node: &Node, columns: &[String]) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::NullTest(t)) => {
            t.nulltesttype == NullTestType::IsNotNull as i32
                && matches!(
                    t.arg.as_deref().and_then(|a| a.node.as_ref()),
                    Some(NodeEnum::ColumnRef(c))
                        if matches!(
                            c.fields.last().and_then(|f| f.node.as_ref()),
                            Some(NodeEnum::String(s)) if columns.contains(&s.sval)
                        )
                )
        }
        Some(NodeEnum::BoolExpr(b)) => {
            b.boolop == BoolExprType::AndExpr as i32
                && !b.args.is_empty()
                && b.args.iter().all(|a| implied_by_not_null(a, columns))
        }
        _ => false,
    }
}
