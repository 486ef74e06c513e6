//! The output columns of a query (`CREATE TABLE … AS`, `SELECT … INTO`, a view's query): their
//! names as PostgreSQL figures them, and their types where PostgreSQL's rules make them certain
//! (column references, casts, literals, `count`, `sum`, `max`, `coalesce`, `CASE` with one
//! result type, comparisons …). A type the rules here cannot settle is the empty string: the
//! model does not know it, and `diff` never reports it as a difference.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::Replay;
use super::nodes::strings;
use crate::schema::names::truncate_identifier;
use crate::schema::types;

/// The type of an untyped literal (`NULL`, `'text'`): it takes the type of its context, and
/// becomes `text` as an output column.
const UNKNOWN: &str = "unknown";

/// A relation in a query's FROM clause: its name for qualified references and its columns;
/// `None` columns when the relation is not known (a function, a missing table).
struct FromItem {
    alias: String,
    columns: Option<Vec<(String, String)>>,
}

/// The FROM items a query's expressions can reference, and the CTEs it may read.
struct Scope<'q> {
    items: Vec<FromItem>,
    ctes: Vec<(String, &'q Node)>,
}

impl Replay<'_> {
    /// The output columns of `query`, each `(name, type)` with an empty type where not
    /// certain, and whether the list is complete (false when `*` cannot be expanded).
    pub(crate) fn query_output_columns(&self, query: &Node) -> (Vec<(String, String)>, bool) {
        match self.query_columns(query, &[]) {
            Some(columns) => (
                columns
                    .into_iter()
                    .map(|(n, t)| {
                        let t = if t == UNKNOWN { "text".to_string() } else { t };
                        (n, t)
                    })
                    .collect(),
                true,
            ),
            None => (Vec::new(), false),
        }
    }

    fn query_columns<'q>(
        &self,
        query: &'q Node,
        outer_ctes: &[(String, &'q Node)],
    ) -> Option<Vec<(String, String)>> {
        let Some(NodeEnum::SelectStmt(select)) = query.node.as_ref() else {
            return None;
        };
        let mut ctes: Vec<(String, &'q Node)> = outer_ctes.to_vec();
        for cte in select.with_clause.iter().flat_map(|w| &w.ctes) {
            if let Some(NodeEnum::CommonTableExpr(c)) = cte.node.as_ref()
                && let Some(q) = c.ctequery.as_deref()
            {
                ctes.push((truncate_identifier(&c.ctename).to_string(), q));
            }
        }
        self.select_columns(select, &ctes)
    }

    fn select_columns<'q>(
        &self,
        select: &'q protobuf::SelectStmt,
        ctes: &[(String, &'q Node)],
    ) -> Option<Vec<(String, String)>> {
        if select.op != protobuf::SetOperation::SetopNone as i32 {
            // Names from the left; each type resolved across both branches.
            let left = self.select_columns(select.larg.as_deref()?, ctes)?;
            let right = select
                .rarg
                .as_deref()
                .and_then(|r| self.select_columns(r, ctes));
            return Some(
                left.into_iter()
                    .enumerate()
                    .map(|(i, (n, t))| {
                        let other = right
                            .as_ref()
                            .and_then(|r| r.get(i))
                            .map(|c| c.1.clone())
                            .unwrap_or_default();
                        (n, common_type(&[t, other]))
                    })
                    .collect(),
            );
        }
        let scope = self.scope(select, ctes);
        if !select.values_lists.is_empty() {
            let rows: Vec<&Vec<Node>> = select
                .values_lists
                .iter()
                .filter_map(|r| match r.node.as_ref() {
                    Some(NodeEnum::List(l)) => Some(&l.items),
                    _ => None,
                })
                .collect();
            let n = rows.first().map_or(0, |r| r.len());
            return Some(
                (0..n)
                    .map(|i| {
                        let ts: Vec<String> = rows
                            .iter()
                            .map(|r| {
                                r.get(i)
                                    .map(|e| self.expr_type(e, &scope))
                                    .unwrap_or_default()
                            })
                            .collect();
                        (format!("column{}", i + 1), common_type(&ts))
                    })
                    .collect(),
            );
        }
        let mut out = Vec::new();
        for t in &select.target_list {
            let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else {
                continue;
            };
            let val = rt.val.as_deref()?;
            if let Some(star) = star_of(val) {
                out.extend(scope.expand(star)?);
                continue;
            }
            let name = if rt.name.is_empty() {
                figure_colname(val)?
            } else {
                truncate_identifier(&rt.name).to_string()
            };
            out.push((name, self.expr_type(val, &scope)));
        }
        Some(out)
    }

    /// The FROM items of a query, with the columns of each that the model knows.
    fn scope<'q>(
        &self,
        select: &'q protobuf::SelectStmt,
        ctes: &[(String, &'q Node)],
    ) -> Scope<'q> {
        let mut scope = Scope {
            items: Vec::new(),
            ctes: ctes.to_vec(),
        };
        let mut stack: Vec<&Node> = select.from_clause.iter().rev().collect();
        while let Some(item) = stack.pop() {
            match item.node.as_ref() {
                Some(NodeEnum::RangeVar(rv)) => {
                    let relname = truncate_identifier(&rv.relname).to_string();
                    let alias = rv
                        .alias
                        .as_ref()
                        .map(|a| truncate_identifier(&a.aliasname).to_string())
                        .unwrap_or_else(|| relname.clone());
                    let cte = rv
                        .schemaname
                        .is_empty()
                        .then(|| scope.ctes.iter().rposition(|(n, _)| *n == relname))
                        .flatten();
                    // A CTE sees only the CTEs before it: a recursive one's reference to
                    // itself is not followed (its columns are then unknown).
                    let columns = match cte {
                        Some(i) => self.query_columns(scope.ctes[i].1, &scope.ctes[..i]),
                        None => self.schema.tables.get(&self.lookup_name(rv)).map(|t| {
                            t.columns
                                .values()
                                .map(|c| (c.name.clone(), c.type_name.clone()))
                                .collect()
                        }),
                    };
                    scope.items.push(FromItem { alias, columns });
                }
                Some(NodeEnum::RangeSubselect(sub)) => {
                    let mut columns = sub
                        .subquery
                        .as_deref()
                        .and_then(|q| self.query_columns(q, ctes));
                    let alias = sub.alias.as_ref();
                    if let (Some(cols), Some(a)) = (columns.as_mut(), alias) {
                        for (c, given) in cols.iter_mut().zip(strings(&a.colnames)) {
                            c.0 = given;
                        }
                    }
                    scope.items.push(FromItem {
                        alias: alias
                            .map(|a| truncate_identifier(&a.aliasname).to_string())
                            .unwrap_or_default(),
                        columns,
                    });
                }
                Some(NodeEnum::JoinExpr(j)) => {
                    // Outer joins keep the column types; USING merges a name both sides have
                    // (with the same type, else `expand` and lookups give up).
                    stack.extend(j.rarg.as_deref());
                    stack.extend(j.larg.as_deref());
                }
                _ => scope.items.push(FromItem {
                    alias: String::new(),
                    columns: None,
                }),
            }
        }
        scope
    }

    /// The type of an expression, `UNKNOWN` for an untyped literal, empty when not certain.
    fn expr_type(&self, node: &Node, scope: &Scope<'_>) -> String {
        let Some(n) = node.node.as_ref() else {
            return String::new();
        };
        match n {
            NodeEnum::ColumnRef(c) => scope.column_type(&strings(&c.fields)),
            NodeEnum::TypeCast(tc) => tc
                .type_name
                .as_ref()
                .map(|t| types::normalise(t).name)
                .unwrap_or_default(),
            NodeEnum::AConst(c) => constant_type(c).to_string(),
            NodeEnum::FuncCall(f) => self.function_type(f, scope),
            NodeEnum::CoalesceExpr(e) => common_type(&self.types_of(&e.args, scope)),
            NodeEnum::MinMaxExpr(e) => common_type(&self.types_of(&e.args, scope)),
            NodeEnum::CaseExpr(e) => {
                let mut results: Vec<&Node> = e
                    .args
                    .iter()
                    .filter_map(|w| match w.node.as_ref() {
                        Some(NodeEnum::CaseWhen(w)) => w.result.as_deref(),
                        _ => None,
                    })
                    .collect();
                results.extend(e.defresult.as_deref());
                let ts: Vec<String> = results.iter().map(|r| self.expr_type(r, scope)).collect();
                common_type(&ts)
            }
            NodeEnum::AExpr(e) if is_boolean_operator(e) => "boolean".into(),
            NodeEnum::BoolExpr(_) | NodeEnum::NullTest(_) | NodeEnum::BooleanTest(_) => {
                "boolean".into()
            }
            NodeEnum::SubLink(s)
                if s.sub_link_type == protobuf::SubLinkType::ExistsSublink as i32 =>
            {
                "boolean".into()
            }
            NodeEnum::SqlvalueFunction(f) => {
                use protobuf::SqlValueFunctionOp as Op;
                match Op::try_from(f.op) {
                    Ok(Op::SvfopCurrentTimestamp) => "timestamp with time zone".into(),
                    Ok(Op::SvfopCurrentDate) => "date".into(),
                    Ok(Op::SvfopLocaltimestamp) => "timestamp without time zone".into(),
                    _ => String::new(),
                }
            }
            _ => String::new(),
        }
    }

    fn types_of(&self, args: &[Node], scope: &Scope<'_>) -> Vec<String> {
        args.iter().map(|a| self.expr_type(a, scope)).collect()
    }

    /// The result type of the functions whose result type is fixed or follows their argument
    /// by a rule without exceptions.
    fn function_type(&self, f: &protobuf::FuncCall, scope: &Scope<'_>) -> String {
        let names = strings(&f.funcname);
        let name = match names.as_slice() {
            [name] | [_, name] => name.as_str(),
            _ => return String::new(),
        };
        let arg = || {
            f.args
                .first()
                .map(|a| self.expr_type(a, scope))
                .unwrap_or_default()
        };
        let fixed = match name {
            "count" | "row_number" | "rank" | "dense_rank" => "bigint",
            "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp"
                if f.args.is_empty() =>
            {
                "timestamp with time zone"
            }
            "bool_and" | "bool_or" | "every" => "boolean",
            "gen_random_uuid" => "uuid",
            "lower" | "upper" | "md5" | "concat" | "concat_ws" | "string_agg" => "text",
            "max" | "min" => return self.max_type(&arg()),
            "sum" => match arg().as_str() {
                "smallint" | "integer" => "bigint",
                "bigint" => "numeric",
                t if t.starts_with("numeric") => "numeric",
                t @ ("real" | "double precision" | "interval") => return t.to_string(),
                _ => "",
            },
            "avg" => match arg().as_str() {
                "smallint" | "integer" | "bigint" => "numeric",
                t if t.starts_with("numeric") => "numeric",
                "real" | "double precision" => "double precision",
                "interval" => "interval",
                _ => "",
            },
            _ => "",
        };
        fixed.to_string()
    }

    /// `max`/`min` of a type: the aggregates exist for these types (and enums and arrays),
    /// taking the argument as their input type, so a type modifier is lost and `varchar` is
    /// read as `text`.
    fn max_type(&self, t: &str) -> String {
        let base = t.split('(').next().unwrap_or(t).trim();
        match base {
            "smallint"
            | "integer"
            | "bigint"
            | "real"
            | "double precision"
            | "numeric"
            | "text"
            | "date"
            | "interval"
            | "money"
            | "inet"
            | "oid"
            | "time without time zone"
            | "time with time zone"
            | "timestamp without time zone"
            | "timestamp with time zone" => base.to_string(),
            "character varying" => "text".into(),
            _ if t.ends_with("[]") => t.to_string(),
            _ if self.schema.enums.keys().any(|e| e.name == t) => t.to_string(),
            _ => String::new(),
        }
    }
}

impl Scope<'_> {
    /// The type of a column reference (`col`, `alias.col`): empty when the column is not
    /// found for certain (ambiguous, or possibly in an unknown relation).
    fn column_type(&self, fields: &[String]) -> String {
        let (rel, col) = match fields {
            [col] => (None, col),
            [.., rel, col] => (Some(rel), col),
            [] => return String::new(),
        };
        let mut found: Vec<&String> = Vec::new();
        for item in &self.items {
            if rel.is_some_and(|r| *r != item.alias) {
                continue;
            }
            match &item.columns {
                Some(cols) => found.extend(cols.iter().filter(|c| &c.0 == col).map(|c| &c.1)),
                None => return String::new(),
            }
        }
        match found.as_slice() {
            [t, rest @ ..] if rest.iter().all(|r| r == t) => (*t).clone(),
            _ => String::new(),
        }
    }

    /// The columns `*` or `alias.*` stands for; `None` when a relation is unknown.
    fn expand(&self, star: Option<String>) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        for item in &self.items {
            if star.as_ref().is_some_and(|r| *r != item.alias) {
                continue;
            }
            out.extend(item.columns.clone()?);
        }
        Some(out)
    }
}

/// `Some(None)` for `*`, `Some(Some(alias))` for `alias.*`, `None` for any other expression.
fn star_of(node: &Node) -> Option<Option<String>> {
    let Some(NodeEnum::ColumnRef(c)) = node.node.as_ref() else {
        return None;
    };
    if !matches!(c.fields.last()?.node.as_ref()?, NodeEnum::AStar(_)) {
        return None;
    }
    let names = strings(&c.fields);
    Some(names.last().cloned())
}

/// The type of a constant as the parser types it.
fn constant_type(c: &protobuf::AConst) -> &'static str {
    use protobuf::a_const::Val;
    match c.val.as_ref() {
        _ if c.isnull => UNKNOWN,
        Some(Val::Ival(_)) => "integer",
        Some(Val::Fval(f)) if f.fval.chars().all(|c| c.is_ascii_digit() || c == '-') => {
            if f.fval.parse::<i64>().is_ok() {
                "bigint"
            } else {
                "numeric"
            }
        }
        Some(Val::Fval(f)) if !f.fval.contains(['e', 'E']) => "numeric",
        Some(Val::Sval(_)) => UNKNOWN,
        Some(Val::Boolval(_)) => "boolean",
        _ => "",
    }
}

/// The type PostgreSQL resolves for a set of expressions that must share one (UNION branches,
/// CASE results, coalesce arguments) when it is certain: the one type all typed inputs have.
/// Untyped literals take it; all untyped is `unknown` (`text` once output).
fn common_type(ts: &[String]) -> String {
    let mut known: Option<&String> = None;
    for t in ts {
        if t == UNKNOWN {
            continue;
        }
        if t.is_empty() {
            return String::new();
        }
        match known {
            Some(k) if k != t => return String::new(),
            _ => known = Some(t),
        }
    }
    known.cloned().unwrap_or_else(|| UNKNOWN.to_string())
}

/// Whether an operator expression yields `boolean` whatever its operands: comparisons,
/// LIKE, IN, BETWEEN, IS DISTINCT FROM, `= ANY (…)`.
fn is_boolean_operator(e: &protobuf::AExpr) -> bool {
    use protobuf::AExprKind as K;
    let op = strings(&e.name);
    match K::try_from(e.kind) {
        Ok(K::AexprOp) => matches!(
            op.last().map(String::as_str),
            Some("=" | "<>" | "!=" | "<" | ">" | "<=" | ">=" | "~~" | "!~~" | "~~*" | "!~~*")
        ),
        Ok(
            K::AexprOpAny
            | K::AexprOpAll
            | K::AexprDistinct
            | K::AexprNotDistinct
            | K::AexprIn
            | K::AexprLike
            | K::AexprIlike
            | K::AexprSimilar
            | K::AexprBetween
            | K::AexprNotBetween
            | K::AexprBetweenSym
            | K::AexprNotBetweenSym,
        ) => true,
        _ => false,
    }
}

/// PostgreSQL's `FigureColname` for the common expressions; `None` for `*`.
pub(super) fn figure_colname(node: &Node) -> Option<String> {
    Some(match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => s.sval.clone(),
            _ => return None,
        },
        NodeEnum::FuncCall(f) => strings(&f.funcname)
            .last()
            .cloned()
            .unwrap_or_else(|| "?column?".into()),
        NodeEnum::TypeCast(tc) => match tc.arg.as_deref().and_then(figure_colname) {
            Some(n) if n != "?column?" => n,
            _ => tc
                .type_name
                .as_ref()
                .and_then(|t| strings(&t.names).last().cloned())
                .unwrap_or_else(|| "?column?".into()),
        },
        NodeEnum::CaseExpr(_) => "case".into(),
        NodeEnum::CoalesceExpr(_) => "coalesce".into(),
        NodeEnum::AArrayExpr(_) => "array".into(),
        NodeEnum::RowExpr(_) => "row".into(),
        NodeEnum::MinMaxExpr(m) => {
            if m.op == protobuf::MinMaxOp::IsGreatest as i32 {
                "greatest".into()
            } else {
                "least".into()
            }
        }
        _ => "?column?".into(),
    })
}
