//! SQL expressions inside the model (index expressions, partial-index predicates, policies).
//!
//! An expression keeps its parse tree so that `RENAME COLUMN` can rename inside it, and a
//! canonical text (PostgreSQL's own deparser) so that two spellings of the same expression
//! compare equal: `lower( email )` and `LOWER(email)` are one expression.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::literals::{Literal, normalise_literal, numeric_at_scale, numeric_scale};

mod fast;
mod forms;

/// A normalised SQL expression.
#[derive(Clone, Debug)]
pub struct SqlExpr {
    /// Canonical text, as PostgreSQL's deparser prints the expression: made when first asked
    /// for (see [`SqlExpr::text`]).
    text: OnceLock<String>,
    /// The columns the expression references (unqualified names, in order of first use).
    pub columns: Vec<String>,
    node: Box<Node>,
}

impl PartialEq for SqlExpr {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl Eq for SqlExpr {}

impl Hash for SqlExpr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text().hash(state);
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
        SqlExpr {
            text: OnceLock::new(),
            columns,
            node,
        }
    }

    /// The canonical text: PostgreSQL's deparse of the tree without the casts it adds by itself
    /// (a constant's, a column's to `text`). Deparsing is most of the cost of an
    /// expression, and a check reads few of the texts it could: the CHECK constraints, index
    /// predicates and policies of a history are deparsed only when a rule, a diff or a report
    /// asks.
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| canonical_text(&self.node))
    }

    /// [`SqlExpr::text`], taken.
    pub fn into_text(self) -> String {
        let SqlExpr { text, node, .. } = self;
        text.into_inner().unwrap_or_else(|| canonical_text(&node))
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
            .map(SqlExpr::into_text)
            .unwrap_or_else(|_| text.to_string())
    }

    /// What a column default compares as, given the column's (normalised) type: `None` for no
    /// default (`DEFAULT NULL` is none: PostgreSQL stores no default for it), else the
    /// canonical text with a bare string literal converted to the column's type, as PostgreSQL
    /// converts it when it saves the default (`'{"a":1}'` on a jsonb column is `'{"a": 1}'`).
    /// A number on a `numeric(p,s)` column compares as the value the column receives, at its
    /// scale: PostgreSQL stores `DEFAULT 0` as `0` (the expression, not the coerced value),
    /// while other sources print `0.00`; both insert `0.00`.
    pub fn default_key(text: &str, column_type: &str) -> Option<String> {
        let Ok(mut e) = SqlExpr::parse(text) else {
            return Some(text.to_string());
        };
        if e.is_null() {
            return None;
        }
        let text = if let Some(NodeEnum::AConst(c)) = e.node.node.as_mut() {
            convert_literal(c, column_type);
            canonical_text(&e.node)
        } else {
            e.into_text()
        };
        Some(
            numeric_scale(column_type)
                .and_then(|s| numeric_at_scale(&text, s))
                .unwrap_or(text),
        )
    }

    /// The stored text of a column default: `None` for `DEFAULT NULL` (PostgreSQL stores no
    /// default for it).
    pub fn default_text(node: &Node) -> Option<String> {
        (!is_null_constant(node)).then(|| canonical_text(node))
    }

    /// The canonical text of a tree (see [`SqlExpr::text`]), for a caller that needs only the
    /// text: no expression (nor its column list) is built.
    pub fn text_of(node: &Node) -> String {
        canonical_text(node)
    }

    /// Whether the expression is the null constant (possibly cast: `NULL::text`).
    pub fn is_null(&self) -> bool {
        is_null_constant(&self.node)
    }

    /// The parse tree.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The comparison form of a generation expression: the canonical text with every cast of
    /// a column removed as well. The catalog prints the casts PostgreSQL adds to make operand
    /// types meet (`price * (qty)::numeric` for a migration's `price * qty`); a cast written
    /// by hand is lost too, which changes nothing for a column whose type already needs it.
    pub fn generated_key(&self) -> String {
        let mut node = (*self.node).clone();
        strip_implicit_casts(&mut node);
        strip_column_casts(&mut node);
        deparse_expr(&node)
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
        self.text = OnceLock::new();
        true
    }

    /// Follows `ALTER TYPE type_name RENAME VALUE 'from' TO 'to'` inside the expression, given
    /// the columns of that type in the expression's table (see `forms::rename_label` for
    /// which constants are the enum's). Returns whether anything changed.
    pub fn rename_enum_label(
        &mut self,
        type_name: &str,
        typed_columns: &[&str],
        from: &str,
        to: &str,
    ) -> bool {
        if !forms::rename_label(&mut self.node, type_name, typed_columns, from, to) {
            return false;
        }
        self.text = OnceLock::new();
        true
    }
}

/// Whether `node` is the null constant (possibly cast: `NULL::text`).
fn is_null_constant(mut node: &Node) -> bool {
    while let Some(NodeEnum::TypeCast(c)) = node.node.as_ref() {
        match c.arg.as_deref() {
            Some(arg) => node = arg,
            None => return false,
        }
    }
    matches!(node.node.as_ref(), Some(NodeEnum::AConst(c)) if c.isnull)
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
        respell(node);
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
        in_list_as_any(node);
        if let Some(inner) = node.node.as_mut() {
            collect_children(inner, &mut stack);
        }
    }
}

/// `a IN (x, y)` as PostgreSQL stores it, `a = ANY (ARRAY[x, y])`; `NOT IN` as `<> ALL (…)`;
/// one value, `IN (x)` or `= ANY (ARRAY[x])`, as the plain `a = x` the parser makes of it.
fn in_list_as_any(node: &mut Node) {
    in_list_as_array(node);
    if let Some(NodeEnum::AExpr(e)) = node.node.as_mut()
        && (e.kind == protobuf::AExprKind::AexprOpAny as i32
            || e.kind == protobuf::AExprKind::AexprOpAll as i32)
        && let Some(NodeEnum::AArrayExpr(array)) = e.rexpr.as_mut().and_then(|r| r.node.as_mut())
        && array.elements.len() == 1
        && !matches!(
            array.elements[0].node,
            Some(NodeEnum::AArrayExpr(_) | NodeEnum::SubLink(_))
        )
    {
        let only = array.elements.pop().map(Box::new);
        e.kind = protobuf::AExprKind::AexprOp as i32;
        e.rexpr = only;
    }
}

/// The list of `a IN (x, y)` as an array (see [`in_list_as_any`]).
fn in_list_as_array(node: &mut Node) {
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
}

/// Rewrites an expression of a view's query, at every depth, into the operator forms the
/// catalog stores (`IN (…)` as `= ANY (ARRAY[…])`, `BETWEEN` as two comparisons, `LIKE` as
/// `~~`), leaving casts and qualifiers as they are (a query is compared as text; see
/// [`super::view_query`]). Subqueries inside the expression are not entered.
pub fn respell_query_operators(root: &mut Node) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        forms::respell_operator(node);
        in_list_as_any(node);
        if let Some(inner) = node.node.as_mut() {
            collect_children(inner, &mut stack);
        }
    }
}

/// Replaces every `column::type` by `column` (see [`SqlExpr::generated_key`]).
fn strip_column_casts(root: &mut Node) {
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(NodeEnum::TypeCast(cast)) = node.node.as_mut()
            && matches!(
                cast.arg.as_deref().and_then(|a| a.node.as_ref()),
                Some(NodeEnum::ColumnRef(_))
            )
            && let Some(inner) = cast.arg.take()
        {
            *node = *inner;
            continue;
        }
        if let Some(inner) = node.node.as_mut() {
            collect_children(inner, &mut stack);
        }
    }
}

/// Rewrites one node into the spelling PostgreSQL stores: a typed literal converted to its
/// type (`'12 months'::interval` is `'1 year'::interval`), `ARRAY[…]::t[]` without the cast
/// (the catalog casts the elements instead, and those casts are implicit), `CURRENT_TIMESTAMP`
/// and `transaction_timestamp()` as `now()` (one function), and `nextval('s')` as
/// `nextval('s'::regclass)`.
fn respell(node: &mut Node) {
    forms::respell_operator(node);
    let replacement = match node.node.as_mut() {
        Some(NodeEnum::TypeCast(cast)) => {
            let target = cast.type_name.as_ref().map(|t| {
                (
                    crate::schema::types::normalise(t).name,
                    t.array_bounds.is_empty(),
                )
            });
            match (
                cast.arg.as_deref_mut().and_then(|a| a.node.as_mut()),
                target,
            ) {
                (Some(NodeEnum::AConst(c)), Some((type_name, true))) => {
                    convert_literal(c, &type_name);
                    None
                }
                (Some(NodeEnum::AArrayExpr(_)), Some((_, false))) => cast.arg.take(),
                _ => None,
            }
        }
        Some(NodeEnum::SqlvalueFunction(f))
            if f.op == protobuf::SqlValueFunctionOp::SvfopCurrentTimestamp as i32 =>
        {
            Some(Box::new(function_call("now", Vec::new())))
        }
        Some(NodeEnum::FuncCall(f)) => {
            let name = f.funcname.last().and_then(|n| match n.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            });
            match name {
                Some("transaction_timestamp") if f.args.is_empty() => {
                    Some(Box::new(function_call("now", Vec::new())))
                }
                Some("nextval" | "currval" | "setval") => {
                    if let Some(first) = f.args.first_mut()
                        && matches!(first.node, Some(NodeEnum::AConst(_)))
                    {
                        let arg = std::mem::take(first);
                        *first = Node {
                            node: Some(NodeEnum::TypeCast(Box::new(protobuf::TypeCast {
                                arg: Some(Box::new(arg)),
                                type_name: Some(protobuf::TypeName {
                                    names: vec![Node {
                                        node: Some(NodeEnum::String(protobuf::String {
                                            sval: "regclass".into(),
                                        })),
                                    }],
                                    typemod: -1,
                                    location: -1,
                                    ..Default::default()
                                }),
                                location: -1,
                            }))),
                        };
                    }
                    None
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(new) = replacement {
        *node = *new;
    }
}

/// A call of a `pg_catalog` function as the parser builds it.
fn function_call(name: &str, args: Vec<Node>) -> Node {
    Node {
        node: Some(NodeEnum::FuncCall(Box::new(protobuf::FuncCall {
            funcname: vec![Node {
                node: Some(NodeEnum::String(protobuf::String { sval: name.into() })),
            }],
            args,
            funcformat: protobuf::CoercionForm::CoerceExplicitCall as i32,
            location: -1,
            ..Default::default()
        }))),
    }
}

/// Converts a string constant to the stored form of `type_name` (see [`normalise_literal`]).
fn convert_literal(c: &mut protobuf::AConst, type_name: &str) {
    use protobuf::a_const::Val;
    let Some(Val::Sval(s)) = c.val.as_ref() else {
        return;
    };
    c.val = match normalise_literal(type_name, &s.sval) {
        Some(Literal::Int(ival)) => Some(Val::Ival(protobuf::Integer { ival })),
        Some(Literal::Number(fval)) => Some(Val::Fval(protobuf::Float { fval })),
        Some(Literal::Bool(boolval)) => Some(Val::Boolval(protobuf::Boolean { boolval })),
        Some(Literal::Text(sval)) => Some(Val::Sval(protobuf::String { sval })),
        None => return,
    };
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
    fast::text(node).unwrap_or_else(|| deparse_slow(node))
}

/// [`deparse_expr`] through libpg_query's deparser, for every shape.
fn deparse_slow(node: &Node) -> String {
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
                SqlExpr::parse(catalog).unwrap().text(),
                SqlExpr::parse(written).unwrap().text(),
                "{catalog}"
            );
        }
        assert_eq!(
            SqlExpr::parse("nextval('t_id_seq'::regclass)")
                .unwrap()
                .text(),
            "nextval('t_id_seq'::regclass)"
        );
        for catalog in [
            "nextval('\"User_id_seq\"'::regclass)",
            "nextval('public.\"User_id_seq\"'::regclass)",
        ] {
            assert_eq!(
                SqlExpr::parse(catalog).unwrap().text(),
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
        assert!(e.text().contains("inserted_at"), "{}", e.text());
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

    fn key(default: &str, column_type: &str) -> Option<String> {
        SqlExpr::default_key(default, column_type)
    }

    #[test]
    fn stored_spellings_of_defaults_compare_equal() {
        for (catalog, written, column_type) in [
            // Interval literals are stored as `interval_out` prints them.
            (
                "(now() - (random() * '1 year'::interval))",
                "now() - random() * '12 months'::interval",
                "timestamp with time zone",
            ),
            ("'1 day 02:00:00'::interval", "'1 day 2 hours'", "interval"),
            // jsonb is stored as a value: keys reordered, spaces normalised.
            (
                r#"'{"a": 1, "bb": [1, 2]}'::jsonb"#,
                r#"'{"bb":[1,2],"a":1}'"#,
                "jsonb",
            ),
            (r#"'{"a": 1}'::jsonb"#, r#"'{"a":1}'::jsonb"#, "jsonb"),
            // The catalog casts an array's elements, not the array.
            ("ARRAY['NEW'::text]", "ARRAY['NEW']::text[]", "text[]"),
            // A zone on a `timestamp` literal is dropped.
            (
                "'2024-01-01 00:00:00'::timestamp without time zone",
                "'2024-01-01 00:00:00+00'",
                "timestamp without time zone",
            ),
            // Numbers and booleans given as strings are converted.
            ("'0'::double precision", "0", "double precision"),
            ("'-1'::integer", "-1", "integer"),
            ("1.50", "'1.50'", "numeric"),
            ("true", "'t'", "boolean"),
            // A number on numeric(p,s) is the value the column receives: PostgreSQL 15
            // stores `DEFAULT 0` as `0`, `'0'` as `'0'::numeric`, `0::numeric(10,2)` as
            // `(0)::numeric(10,2)`; another source may print `0.00`.
            ("0", "0.00", "numeric(10,2)"),
            ("'0'::numeric", "0", "numeric(10,2)"),
            ("(0)::numeric(10,2)", "'0.00'", "numeric(10,2)"),
            ("1.5", "1.50", "numeric(10,2)"),
            ("'-1'::integer", "-1.0", "numeric(10,2)"),
            // One function, three spellings.
            ("now()", "CURRENT_TIMESTAMP", "timestamp with time zone"),
            (
                "now()",
                "transaction_timestamp()",
                "timestamp with time zone",
            ),
            // `nextval('s')` is stored with the regclass cast.
            ("nextval('s'::regclass)", "nextval('public.s')", "integer"),
        ] {
            assert_eq!(
                key(catalog, column_type),
                key(written, column_type),
                "{catalog} vs {written}"
            );
        }
        assert_eq!(key("NULL", "text"), None);
        assert_eq!(key("NULL::text", "text"), None);
    }

    #[test]
    fn different_values_stay_different() {
        for (a, b, column_type) in [
            ("'1 year'::interval", "'11 months'", "interval"),
            (r#"'{"a": 1}'::jsonb"#, r#"'{"a": 2}'"#, "jsonb"),
            (r#"'[1, 2]'::jsonb"#, r#"'[2, 1]'"#, "jsonb"),
            ("ARRAY['NEW'::text]", "ARRAY['OLD']::text[]", "text[]"),
            (
                "'2024-01-01 00:00:00'::timestamp without time zone",
                "'2024-01-02 00:00:00+00'",
                "timestamp without time zone",
            ),
            ("0", "1", "integer"),
            ("0.5", "0.05", "numeric(10,2)"),
            // Unconstrained numeric keeps each value's own scale.
            ("1.5", "1.50", "numeric"),
            ("now()", "clock_timestamp()", "timestamp with time zone"),
            ("nextval('a'::regclass)", "nextval('b')", "integer"),
        ] {
            assert_ne!(key(a, column_type), key(b, column_type), "{a} vs {b}");
        }
        // json (not jsonb) keeps its text, spaces and all.
        assert_ne!(key(r#"'{"a":1}'"#, "json"), key(r#"'{"a": 1}'"#, "json"));
    }
}
