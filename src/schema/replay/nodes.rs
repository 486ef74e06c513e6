//! Reading pg_query parse-tree nodes: names, option lists, constraint kinds.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use crate::schema::names::truncate_identifier;

/// A `String` node's value.
pub(super) fn string_value(node: &Node) -> Option<&str> {
    match node.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.as_str()),
        _ => None,
    }
}

/// The string values of a list of name nodes, each truncated as PostgreSQL truncates
/// identifiers.
pub(super) fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(string_value)
        .map(|s| truncate_identifier(s).to_string())
        .collect()
}

/// Text of a DefElem argument (`WITH (lists = 100)`).
pub(super) fn def_arg_text(node: Option<&Node>) -> String {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::String(s)) => s.sval.clone(),
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::TypeName(t)) => strings(&t.names).join("."),
        Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
            Some(protobuf::a_const::Val::Ival(i)) => i.ival.to_string(),
            Some(protobuf::a_const::Val::Fval(f)) => f.fval.clone(),
            Some(protobuf::a_const::Val::Sval(s)) => s.sval.clone(),
            Some(protobuf::a_const::Val::Boolval(b)) => b.boolval.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// A foreign key action code (`a`, `r`, `c`, `n`, `d`); a blank code is NO ACTION (`a`).
pub(super) fn fk_action(code: &str) -> char {
    code.chars().next().filter(|c| *c != ' ').unwrap_or('a')
}

// The `contype` codes of constraint nodes, for matching.
pub(super) const CONSTR_NOTNULL: i32 = protobuf::ConstrType::ConstrNotnull as i32;
pub(super) const CONSTR_DEFAULT: i32 = protobuf::ConstrType::ConstrDefault as i32;
pub(super) const CONSTR_IDENTITY: i32 = protobuf::ConstrType::ConstrIdentity as i32;
pub(super) const CONSTR_GENERATED: i32 = protobuf::ConstrType::ConstrGenerated as i32;
pub(super) const CONSTR_CHECK: i32 = protobuf::ConstrType::ConstrCheck as i32;
pub(super) const CONSTR_PRIMARY: i32 = protobuf::ConstrType::ConstrPrimary as i32;
pub(super) const CONSTR_UNIQUE: i32 = protobuf::ConstrType::ConstrUnique as i32;
pub(super) const CONSTR_EXCLUSION: i32 = protobuf::ConstrType::ConstrExclusion as i32;
pub(super) const CONSTR_FOREIGN: i32 = protobuf::ConstrType::ConstrForeign as i32;

/// A `DefElem` as `(name folded, value as written)`: a `WITH (…)` option.
pub(super) fn def_elem(node: &Node) -> Option<(String, String)> {
    match node.node.as_ref()? {
        NodeEnum::DefElem(d) => Some((
            d.defname.to_ascii_lowercase(),
            def_arg_text(d.arg.as_deref()),
        )),
        _ => None,
    }
}
