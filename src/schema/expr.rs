//! SQL expressions inside the model (index expressions, partial-index predicates, policies).
//!
//! An expression keeps its parse tree so that `RENAME COLUMN` can rename inside it, and a
//! canonical text (PostgreSQL's own deparser) so that two spellings of the same expression
//! compare equal: `lower( email )` and `LOWER(email)` are one expression.

use std::hash::{Hash, Hasher};

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

/// A normalised SQL expression.
#[derive(Clone, Debug)]
pub struct SqlExpr {
    /// Canonical text, as PostgreSQL's deparser prints the expression.
    pub text: String,
    /// The columns the expression references (unqualified names, in order of first use).
    pub columns: Vec<String>,
    node: Box<Node>,
}

impl PartialEq for SqlExpr {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for SqlExpr {}

impl Hash for SqlExpr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

/// Why expression text is not an expression.
#[derive(Debug, thiserror::Error)]
pub enum ExprError {
    /// The parser rejected it.
    #[error(transparent)]
    Parse(#[from] pg_query::Error),
    /// It parsed, but not as one expression (`a, b`, or an empty string).
    #[error("not an expression: {0}")]
    NotAnExpression(String),
}

impl SqlExpr {
    /// Builds an expression from a parse tree node.
    pub fn from_node(node: Node) -> SqlExpr {
        let mut node = Box::new(node);
        let mut refs: Vec<(i32, String)> = Vec::new();
        visit_column_refs(&mut node, &mut |c| {
            if let Some(name) = column_ref_name(&c.fields) {
                refs.push((c.location, name.to_string()));
            }
        });
        refs.sort();
        let mut columns: Vec<String> = Vec::with_capacity(refs.len());
        for (_, name) in refs {
            if !columns.contains(&name) {
                columns.push(name);
            }
        }
        let text = canonical_text(&node);
        SqlExpr {
            text,
            columns,
            node,
        }
    }

    /// Parses expression text (`lower(email)`, `tenant_id = current_setting('x')::uuid`).
    pub fn parse(text: &str) -> Result<SqlExpr, ExprError> {
        let parsed = pg_query::parse(&format!("SELECT {text}"), 0)?;
        let target = parsed
            .protobuf
            .stmts
            .into_iter()
            .next()
            .and_then(|raw| raw.stmt)
            .and_then(|stmt| match stmt.node {
                Some(NodeEnum::SelectStmt(select)) => select.target_list.into_iter().next(),
                _ => None,
            })
            .and_then(|target| match target.node {
                Some(NodeEnum::ResTarget(res)) => res.val,
                _ => None,
            })
            .ok_or_else(|| ExprError::NotAnExpression(text.to_string()))?;
        Ok(SqlExpr::from_node(*target))
    }

    /// The normal form of expression text (as the replay writes it), or the text itself when
    /// it does not parse: catalog and snapshot defaults are compared in this form.
    pub fn normalise_text(text: &str) -> String {
        SqlExpr::parse(text)
            .map(|e| e.text)
            .unwrap_or_else(|_| text.to_string())
    }

    /// The parse tree.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Renames a column everywhere in the expression. Returns whether anything changed.
    pub fn rename_column(&mut self, from: &str, to: &str) -> bool {
        if !self.columns.iter().any(|c| c == from) {
            return false;
        }
        visit_column_refs(&mut self.node, &mut |c| {
            if let Some(last) = c.fields.last_mut()
                && let Some(NodeEnum::String(s)) = last.node.as_mut()
                && s.sval == from
            {
                s.sval = to.to_string();
            }
        });
        for c in &mut self.columns {
            if c == from {
                *c = to.to_string();
            }
        }
        self.text = canonical_text(&self.node);
        true
    }
}

/// The canonical text: the deparse of the tree with the casts PostgreSQL adds by itself
/// removed, so that the catalog's `(hot_rank <> (0)::double precision)` and a migration's
/// `hot_rank <> 0` are one text. Removed: a cast of a constant (`'x'::text`, `(0)::double
/// precision`, `'{}'::jsonb`), except to `regclass`, which names an object; and a cast of a
/// column to `text`, which the catalog prints for `varchar` columns (`lower((email)::text)`).
/// Both are applied to every source alike, so two expressions that differ only there compare
/// equal: that loses the distinction between `'1'::int` and `'1'`, which PostgreSQL resolves
/// to the same value for a typed operand anyway.
fn canonical_text(node: &Node) -> String {
    let mut node = node.clone();
    strip_implicit_casts(&mut node);
    deparse_expr(&node)
}

fn strip_implicit_casts(root: &mut Node) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        let replace = match node.node.as_mut() {
            Some(NodeEnum::TypeCast(cast)) => {
                let target =
                    cast.type_name
                        .as_ref()
                        .and_then(|t| match t.names.last()?.node.as_ref()? {
                            NodeEnum::String(s) => {
                                Some((s.sval.as_str(), t.array_bounds.is_empty()))
                            }
                            _ => None,
                        });
                match (cast.arg.as_deref(), target) {
                    (
                        Some(Node {
                            node: Some(NodeEnum::AConst(_)),
                        }),
                        Some((name, _)),
                    ) if name != "regclass" => cast.arg.take(),
                    (
                        Some(Node {
                            node: Some(NodeEnum::ColumnRef(_)),
                        }),
                        Some(("text", true)),
                    ) => cast.arg.take(),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(inner) = replace {
            *node = *inner;
            stack.push(node);
            continue;
        }
        match node.node.as_mut() {
            // The relation is the expression's own table: `documents.visibility` is
            // `visibility`, as the catalog prints it.
            Some(NodeEnum::ColumnRef(c)) if c.fields.len() > 1 => {
                let last = c.fields.pop();
                c.fields.clear();
                c.fields.extend(last);
                continue;
            }
            Some(NodeEnum::TypeCast(cast)) => {
                if let Some(name) = regclass_literal(cast) {
                    *name = relation_name(name);
                }
            }
            _ => {}
        }
        // `a IN (x, y)` is stored as `a = ANY (ARRAY[x, y])`, `NOT IN` as `<> ALL (…)`.
        if let Some(NodeEnum::AExpr(e)) = node.node.as_mut()
            && e.kind == protobuf::AExprKind::AexprIn as i32
            && let Some(NodeEnum::List(list)) = e.rexpr.as_mut().and_then(|r| r.node.as_mut())
        {
            let elements = std::mem::take(&mut list.items);
            let negated = e
                .name
                .iter()
                .any(|n| matches!(n.node.as_ref(), Some(NodeEnum::String(s)) if s.sval == "<>"));
            e.kind = if negated {
                protobuf::AExprKind::AexprOpAll
            } else {
                protobuf::AExprKind::AexprOpAny
            } as i32;
            e.rexpr = Some(Box::new(Node {
                node: Some(NodeEnum::AArrayExpr(protobuf::AArrayExpr {
                    elements,
                    location: -1,
                    ..Default::default()
                })),
            }));
        }
        if let Some(inner) = node.node.as_mut() {
            collect_children(inner, &mut stack);
        }
    }
}

/// The string of a `'…'::regclass` cast.
fn regclass_literal(cast: &mut protobuf::TypeCast) -> Option<&mut String> {
    let is_regclass = cast
        .type_name
        .as_ref()
        .and_then(|t| t.names.last())
        .is_some_and(
            |n| matches!(n.node.as_ref(), Some(NodeEnum::String(s)) if s.sval == "regclass"),
        );
    if !is_regclass {
        return None;
    }
    match cast.arg.as_deref_mut()?.node.as_mut()? {
        NodeEnum::AConst(c) => match c.val.as_mut()? {
            protobuf::a_const::Val::Sval(s) => Some(&mut s.sval),
            _ => None,
        },
        _ => None,
    }
}

/// A relation name inside a regclass literal as the replay writes it: the last name,
/// unquoted (`'"User_id_seq"'` and `'public.User_id_seq'` are `'User_id_seq'`), as types keep
/// their last name.
fn relation_name(text: &str) -> String {
    let mut parts = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(q) = chars.next() {
                    if q == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            if let Some(p) = parts.last_mut() {
                                p.push('"');
                            }
                        } else {
                            break;
                        }
                    } else if let Some(p) = parts.last_mut() {
                        p.push(q);
                    }
                }
            }
            '.' => parts.push(String::new()),
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    parts.pop().unwrap_or_default()
}

/// The column a `ColumnRef` names: its last field, unless that is `*`.
fn column_ref_name(fields: &[Node]) -> Option<&str> {
    match fields.last()?.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.as_str()),
        _ => None,
    }
}

/// Deparses an expression by wrapping it in `SELECT …` and removing the wrapper again. The
/// wrapper comes from parsing `SELECT 1`, so that every field the deparser checks is set as
/// the parser sets it.
fn deparse_expr(node: &Node) -> String {
    static TEMPLATE: std::sync::OnceLock<Option<protobuf::ParseResult>> =
        std::sync::OnceLock::new();
    let Some(template) =
        TEMPLATE.get_or_init(|| pg_query::parse("SELECT 1", 0).ok().map(|p| p.protobuf))
    else {
        return format!("{node:?}");
    };
    let mut result = template.clone();
    if let Some(NodeEnum::SelectStmt(select)) =
        result.stmts[0].stmt.as_mut().and_then(|s| s.node.as_mut())
        && let Some(NodeEnum::ResTarget(target)) = select.target_list[0].node.as_mut()
    {
        target.val = Some(Box::new(node.clone()));
    }
    match pg_query::deparse(&result, Default::default()) {
        Ok(text) => text
            .strip_prefix("SELECT ")
            .map(str::to_string)
            .unwrap_or(text),
        // The deparser knows every node the parser makes; should it refuse, a debug rendering
        // still compares equal for equal trees.
        Err(_) => format!("{node:?}"),
    }
}

/// Calls `f` with every column reference in an expression, without descending into
/// subqueries (their columns belong to other relations). Iterative: deep expressions do not
/// grow the stack.
pub fn visit_column_refs(root: &mut Node, f: &mut dyn FnMut(&mut protobuf::ColumnRef)) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        match node.node.as_mut() {
            Some(NodeEnum::ColumnRef(c)) => f(c),
            Some(inner) => collect_children(inner, &mut stack),
            None => {}
        }
    }
}

/// The byte offsets (in the parsed statement) of the column references to `column` in a raw
/// parse-tree expression, in source order.
pub fn column_ref_locations(node: &Node, column: &str) -> Vec<usize> {
    let mut node = node.clone();
    let mut found = Vec::new();
    visit_column_refs(&mut node, &mut |c| {
        if column_ref_name(&c.fields) == Some(column) && c.location >= 0 {
            found.push(c.location as usize);
        }
    });
    found.sort_unstable();
    found
}

fn collect_children<'a>(inner: &'a mut NodeEnum, out: &mut Vec<&'a mut Node>) {
    match inner {
        NodeEnum::AExpr(e) => {
            out.extend(e.lexpr.as_deref_mut());
            out.extend(e.rexpr.as_deref_mut());
        }
        NodeEnum::BoolExpr(e) => out.extend(e.args.iter_mut()),
        NodeEnum::FuncCall(e) => {
            out.extend(e.args.iter_mut());
            out.extend(e.agg_filter.as_deref_mut());
        }
        NodeEnum::TypeCast(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::NullTest(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::BooleanTest(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::CaseExpr(e) => {
            out.extend(e.arg.as_deref_mut());
            out.extend(e.args.iter_mut());
            out.extend(e.defresult.as_deref_mut());
        }
        NodeEnum::CaseWhen(e) => {
            out.extend(e.expr.as_deref_mut());
            out.extend(e.result.as_deref_mut());
        }
        NodeEnum::CoalesceExpr(e) => out.extend(e.args.iter_mut()),
        NodeEnum::MinMaxExpr(e) => out.extend(e.args.iter_mut()),
        NodeEnum::AArrayExpr(e) => out.extend(e.elements.iter_mut()),
        NodeEnum::RowExpr(e) => out.extend(e.args.iter_mut()),
        NodeEnum::List(e) => out.extend(e.items.iter_mut()),
        NodeEnum::AIndirection(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::CollateClause(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::NamedArgExpr(e) => out.extend(e.arg.as_deref_mut()),
        NodeEnum::SubLink(e) => out.extend(e.testexpr.as_deref_mut()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_expression_compare_equal() {
        let a = SqlExpr::parse("lower( email )").unwrap();
        let b = SqlExpr::parse("LOWER(email)").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.columns, vec!["email"]);
        assert_ne!(a, SqlExpr::parse("lower(name)").unwrap());
    }

    #[test]
    fn implicit_casts_of_the_catalog_compare_equal() {
        for (catalog, written) in [
            ("(hot_rank <> (0)::double precision)", "hot_rank <> 0"),
            ("'pending'::text", "'pending'"),
            ("'active'::user_status", "'active'"),
            ("lower((email)::text)", "lower(email)"),
            (
                "(status = ANY (ARRAY['a'::text, 'b'::text]))",
                "status IN ('a', 'b')",
            ),
            ("(status <> ALL (ARRAY['a'::text]))", "status NOT IN ('a')"),
        ] {
            assert_eq!(
                SqlExpr::parse(catalog).unwrap().text,
                SqlExpr::parse(written).unwrap().text,
                "{catalog}"
            );
        }
        assert_eq!(
            SqlExpr::parse("nextval('t_id_seq'::regclass)")
                .unwrap()
                .text,
            "nextval('t_id_seq'::regclass)"
        );
        for catalog in [
            "nextval('\"User_id_seq\"'::regclass)",
            "nextval('public.\"User_id_seq\"'::regclass)",
        ] {
            assert_eq!(
                SqlExpr::parse(catalog).unwrap().text,
                "nextval('User_id_seq'::regclass)"
            );
        }
        assert_eq!(
            SqlExpr::parse("documents.visibility = 'public'").unwrap(),
            SqlExpr::parse("(visibility = 'public'::text)").unwrap()
        );
        assert_ne!(
            SqlExpr::parse("(created_at)::date").unwrap(),
            SqlExpr::parse("created_at").unwrap()
        );
    }

    #[test]
    fn collects_columns_in_predicates() {
        let e = SqlExpr::parse("deleted_at IS NULL AND (status = 'x' OR t.owner_id = 3)").unwrap();
        assert_eq!(e.columns, vec!["deleted_at", "status", "owner_id"]);
    }

    #[test]
    fn renames_inside_the_tree_and_text() {
        let mut e = SqlExpr::parse("coalesce(updated_at, created_at) > now()").unwrap();
        assert!(e.rename_column("created_at", "inserted_at"));
        assert_eq!(e.columns, vec!["updated_at", "inserted_at"]);
        assert!(e.text.contains("inserted_at"), "{}", e.text);
        assert_eq!(
            e,
            SqlExpr::parse("COALESCE(updated_at, inserted_at) > now()").unwrap()
        );
        assert!(!e.rename_column("nope", "x"));
    }

    #[test]
    fn finds_column_locations() {
        let parsed = pg_query::parse("SELECT a + b * a", 0).unwrap();
        let NodeEnum::SelectStmt(s) = parsed.protobuf.stmts[0].stmt.clone().unwrap().node.unwrap()
        else {
            panic!()
        };
        let NodeEnum::ResTarget(r) = s.target_list[0].node.clone().unwrap() else {
            panic!()
        };
        assert_eq!(column_ref_locations(&r.val.unwrap(), "a"), vec![7, 15]);
    }
}
