//! What uses what: the objects of a schema that depend on a table, a column or a type, as
//! PostgreSQL records them in `pg_depend`. One place for the replay's cascades, and for the
//! `column-still-referenced` rule, which says what a DROP will refuse or take with it.
//!
//! PostgreSQL's dependency kinds decide what a DROP does (checked on PostgreSQL 15):
//! - *automatic*: an index (plain key, expression or predicate) or a table constraint (CHECK,
//!   the local side of a foreign key, PK/UNIQUE) on the dropped column goes with it silently;
//! - *normal*: a view or materialized view, a generated column, a policy, a trigger (`UPDATE
//!   OF col` or its WHEN) and a foreign key of another table referencing the column make
//!   `DROP` fail unless `CASCADE` drops them too (transitively: views over those views).
//!
//! The functions here list the *normal* dependents only: the automatic ones never make a
//! statement fail.

use indexmap::IndexMap;
use pg_query::protobuf::Node;
use serde_json::Value;

use super::expr::SqlExpr;
use super::model::{Policy, QualName, RelKind, Schema, quote_ident};

/// What a view's (or materialized view's) query reads, recorded when it is created, as
/// PostgreSQL records it: `SELECT *` is expanded into the columns the relation had then.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewUses {
    /// The relations in its `FROM` (tables and views), each once.
    pub relations: Vec<QualName>,
    /// The table columns it reads, each once.
    pub columns: Vec<(QualName, String)>,
}

/// An object that PostgreSQL drops with `CASCADE`, and without it refuses to leave behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dependent {
    /// A view or a materialized view.
    View(QualName, RelKind),
    /// A table that inherits from the dropped one (`INHERITS`; partitions go silently).
    Table(QualName),
    /// A generated column computed from the column.
    GeneratedColumn(QualName, String),
    /// A column of a dropped type (`DROP TYPE … CASCADE` drops the column).
    Column(QualName, String),
    /// A row-level security policy on the table.
    Policy(QualName, String),
    /// A trigger on the table.
    Trigger(QualName, String),
    /// A foreign key constraint of a table that references the column or table.
    ForeignKey(QualName, String),
    /// A function whose body names the column (renames only: PostgreSQL does not track it).
    Function(String),
}

impl Dependent {
    /// The object in PostgreSQL's words: "view `public.v`", "policy `p` on `public.t`".
    pub fn describe(&self) -> String {
        match self {
            Dependent::View(v, kind) => format!("{} `{v}`", kind.describe()),
            Dependent::Table(t) => format!("table `{t}`"),
            Dependent::GeneratedColumn(t, c) => {
                format!("generated column `{}` of `{t}`", quote_ident(c))
            }
            Dependent::Column(t, c) => format!("column `{}` of `{t}`", quote_ident(c)),
            Dependent::Policy(t, p) => format!("policy `{p}` on `{t}`"),
            Dependent::Trigger(t, x) => format!("trigger `{x}` on `{t}`"),
            Dependent::ForeignKey(t, c) => format!("foreign key `{c}` on `{t}`"),
            Dependent::Function(f) => format!("function `{f}`"),
        }
    }
}

/// Whether a dependent is one of `relations`, or belongs to one of them (a policy, trigger,
/// foreign key or column of such a table).
pub fn belongs_to_any(d: &Dependent, relations: &[QualName]) -> bool {
    match d {
        Dependent::View(r, _) | Dependent::Table(r) => relations.contains(r),
        Dependent::GeneratedColumn(t, _)
        | Dependent::Column(t, _)
        | Dependent::Policy(t, _)
        | Dependent::Trigger(t, _)
        | Dependent::ForeignKey(t, _) => relations.contains(t),
        Dependent::Function(_) => false,
    }
}

/// The objects that depend on `table.column` with a normal dependency, transitively (a view
/// over a view that reads the column; a generated column and what reads it).
pub fn on_column(
    schema: &Schema,
    related: &dyn Related,
    table: &QualName,
    column: &str,
) -> Vec<Dependent> {
    let mut out = Vec::new();
    column_dependents(schema, related, table, column, &mut out);
    out
}

/// Where the tables and views related to a table are: the replay answers from its reverse
/// lookups, so that each dropped or renamed column or table does not scan the whole schema
/// (which made a long history quadratic).
pub trait Related {
    /// The tables inheriting from `table` (`INHERITS`), exactly, in any order.
    fn inheritors(&self, table: &QualName) -> Vec<QualName>;
    /// The partitions of `table`, exactly, in any order.
    fn partitions(&self, table: &QualName) -> Vec<QualName>;
    /// The tables with a foreign key referencing `table`, possibly more, in any order.
    fn referencing(&self, table: &QualName) -> Vec<QualName>;
    /// The tables that have policies that may read other relations (with a subquery),
    /// possibly more, in any order.
    fn with_reading_policies(&self) -> Vec<&QualName>;
    /// The views (keys of `view_uses`) that read `relation`, possibly more, in any order.
    fn views_reading(&self, relation: &QualName) -> Vec<QualName>;
    /// The views that read `table.column`, possibly more, in any order.
    fn views_reading_column(&self, table: &QualName, column: &str) -> Vec<QualName>;
}

/// Tables in the schema's order (the order a scan of every table meets them), each once.
fn in_schema_order(schema: &Schema, names: Vec<QualName>) -> Vec<&super::model::Table> {
    in_map_order(&schema.tables, &names)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The entries of `keys` that are in `map`, in the map's order, each once.
fn in_map_order<'m, 'k, K, V, S>(
    map: &'m IndexMap<K, V, S>,
    keys: impl IntoIterator<Item = &'k K>,
) -> Vec<(&'m K, &'m V)>
where
    K: std::hash::Hash + Eq + 'k,
    S: std::hash::BuildHasher,
{
    let mut found: Vec<(usize, &K, &V)> =
        keys.into_iter().filter_map(|k| map.get_full(k)).collect();
    found.sort_by_key(|(i, _, _)| *i);
    found.dedup_by_key(|(i, _, _)| *i);
    found.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// The tables that have policies that may read other relations, then `also`, in the schema's
/// order.
fn with_policies_and<'s>(
    schema: &'s Schema,
    related: &dyn Related,
    also: Vec<QualName>,
) -> Vec<&'s super::model::Table> {
    in_map_order(
        &schema.tables,
        also.iter().chain(related.with_reading_policies()),
    )
    .into_iter()
    .map(|(_, t)| t)
    .collect()
}

/// The tables with a policy that may read other relations and whose expression's text has
/// `relation_name` in it (the only policies [`policy_reads`] looks into), in the schema's
/// order: every dropped column asks, and policies without a subquery (most) are not looked at.
fn with_policies_naming<'s>(
    schema: &'s Schema,
    related: &dyn Related,
    relation_name: &str,
) -> Vec<&'s super::model::Table> {
    in_map_order(&schema.tables, related.with_reading_policies())
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| {
            t.policies.iter().any(|p| {
                p.using
                    .iter()
                    .chain(p.with_check.iter())
                    .any(|e| e.text().contains(relation_name))
            })
        })
        .collect()
}

fn column_dependents(
    schema: &Schema,
    related: &dyn Related,
    table: &QualName,
    column: &str,
    out: &mut Vec<Dependent>,
) {
    // The column of an inheriting table or a partition goes with its parent's; what depends
    // on it there counts too.
    let mut children = related.inheritors(table);
    children.extend(related.partitions(table));
    for child in in_schema_order(schema, children) {
        if child.columns.contains_key(column) {
            column_dependents(schema, related, &child.name, column, out);
        }
    }
    if let Some(t) = schema.tables.get(table) {
        for c in t.columns.values() {
            if c.name != column
                && c.generated
                    .as_ref()
                    .is_some_and(|g| g.columns.iter().any(|x| x == column))
            {
                let d = Dependent::GeneratedColumn(table.clone(), c.name.clone());
                if !out.contains(&d) {
                    out.push(d);
                    column_dependents(schema, related, table, &c.name, out);
                }
            }
        }
        for p in &t.policies {
            if p.using
                .iter()
                .chain(p.with_check.iter())
                .any(|e| e.columns.iter().any(|x| x == column))
            {
                push(out, Dependent::Policy(table.clone(), p.name.clone()));
            }
        }
    }
    // Policies (of any table) whose subqueries read the column.
    for t in with_policies_naming(schema, related, &table.name) {
        for p in &t.policies {
            if policy_reads(schema, p, &table.name, |u| {
                u.columns.iter().any(|(x, c)| x == table && c == column)
            }) {
                push(out, Dependent::Policy(t.name.clone(), p.name.clone()));
            }
        }
    }
    if let Some(t) = schema.tables.get(table) {
        for x in &t.triggers {
            if trigger_columns(&x.events, x.when.as_deref())
                .iter()
                .any(|c| c == column)
            {
                push(out, Dependent::Trigger(table.clone(), x.name.clone()));
            }
        }
    }
    for t in in_schema_order(schema, related.referencing(table)) {
        for (c, fk) in t.foreign_keys() {
            // The local side of a self-referencing key goes with the column automatically.
            let local = &t.name == table && c.columns.iter().any(|x| x == column);
            if &fk.ref_table == table && fk.ref_columns.iter().any(|x| x == column) && !local {
                push(out, Dependent::ForeignKey(t.name.clone(), c.name.clone()));
            }
        }
    }
    let views = related.views_reading_column(table, column);
    for (view, uses) in in_map_order(&schema.view_uses, &views) {
        if uses.columns.iter().any(|(t, c)| t == table && c == column) {
            view_and_dependents(schema, related, view, out);
        }
    }
}

/// The objects that depend on a table (or view) with a normal dependency: views over it
/// (transitively) and foreign keys of other tables that reference it. Its own indexes,
/// constraints, policies and triggers go with it automatically.
pub fn on_relation(schema: &Schema, related: &dyn Related, relation: &QualName) -> Vec<Dependent> {
    let mut out = Vec::new();
    relation_dependents(schema, related, relation, &mut out);
    out
}

fn relation_dependents(
    schema: &Schema,
    related: &dyn Related,
    relation: &QualName,
    out: &mut Vec<Dependent>,
) {
    for child in in_schema_order(schema, related.inheritors(relation)) {
        let d = Dependent::Table(child.name.clone());
        if !out.contains(&d) {
            out.push(d);
            relation_dependents(schema, related, &child.name, out);
        }
    }
    for t in with_policies_and(schema, related, related.referencing(relation)) {
        if &t.name == relation {
            continue;
        }
        for p in &t.policies {
            if policy_reads(schema, p, &relation.name, |u| {
                u.relations.contains(relation)
            }) {
                push(out, Dependent::Policy(t.name.clone(), p.name.clone()));
            }
        }
        for (c, fk) in t.foreign_keys() {
            if &fk.ref_table == relation {
                push(out, Dependent::ForeignKey(t.name.clone(), c.name.clone()));
            }
        }
    }
    views_over(schema, related, relation, out);
}

/// The columns of an enum or composite type (and arrays of it), and what depends on those
/// columns: what `DROP TYPE … CASCADE` drops.
pub fn on_type(schema: &Schema, related: &dyn Related, type_name: &QualName) -> Vec<Dependent> {
    let mut out = Vec::new();
    let names = [
        type_name.name.clone(),
        format!("{}.{}", type_name.schema, type_name.name),
    ];
    for t in schema.tables.values() {
        for c in t.columns.values() {
            let base = c.type_name.trim_end_matches("[]");
            if names.iter().any(|n| n == base) {
                push(&mut out, Dependent::Column(t.name.clone(), c.name.clone()));
                column_dependents(schema, related, &t.name, &c.name, &mut out);
            }
        }
    }
    out
}

/// What makes `ALTER COLUMN … TYPE` fail whatever it is given: a view, a generated column, a
/// policy or a trigger that reads the column ("cannot alter type of a column used by a view or
/// rule"). Indexes, constraints and foreign keys are rebuilt instead.
pub fn blocking_type_change(
    schema: &Schema,
    related: &dyn Related,
    table: &QualName,
    column: &str,
) -> Vec<Dependent> {
    on_column(schema, related, table, column)
        .into_iter()
        .filter(|d| {
            !matches!(d, Dependent::ForeignKey(..))
                && match d {
                    // Only the views that read the column itself.
                    Dependent::View(v, _) => schema
                        .view_uses
                        .get(v)
                        .is_some_and(|u| u.columns.iter().any(|(t, c)| t == table && c == column)),
                    Dependent::GeneratedColumn(t, c) => schema
                        .tables
                        .get(t)
                        .and_then(|t| t.columns.get(c))
                        .and_then(|c| c.generated.as_ref())
                        .is_some_and(|g| g.columns.iter().any(|x| x == column)),
                    _ => true,
                }
        })
        .collect()
}

/// The functions whose body names `table.column` and so break at run time when the column is
/// renamed: PostgreSQL stores a PL/pgSQL or SQL body as text and does not follow the rename.
/// A trigger function of a trigger on the table is named when its body reads `NEW.column` or
/// `OLD.column`; any other function when its body names both the table and the column.
///
/// Only the functions keyed `keys` are looked at (signatures; any order, stale or repeated
/// keys allowed), which must include every function whose body has the word `column` (see
/// [`body_words`]): the replay keeps that index, so that a rename does not split every
/// function body of the history into words again.
pub fn functions_naming(
    schema: &Schema,
    keys: Vec<String>,
    table: &QualName,
    column: &str,
) -> Vec<Dependent> {
    let trigger_functions: Vec<&QualName> = schema
        .tables
        .get(table)
        .map(|t| t.triggers.iter().map(|x| &x.function).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (_, f) in in_map_order(&schema.functions, &keys) {
        let Some(body) = &f.body else { continue };
        let words = body_words(body);
        let record_field = words
            .windows(3)
            .any(|w| (w[0] == "new" || w[0] == "old") && w[1] == "." && w[2] == column);
        let names_both = words.contains(&table.name) && words.iter().any(|w| w == column);
        let named = names_both || record_field && trigger_functions.contains(&&f.name);
        if named {
            push(&mut out, Dependent::Function(f.signature()));
        }
    }
    out
}

/// The identifiers (folded, quotes removed) and dots of a function body; string literals are
/// skipped except that their words still count for dynamic SQL (`EXECUTE 'UPDATE t …'`).
pub fn body_words(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut w = String::new();
            for d in chars.by_ref() {
                if d == '"' {
                    break;
                }
                w.push(d);
            }
            out.push(w);
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = c.to_lowercase().to_string();
            while let Some(&d) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '$' {
                    w.extend(d.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(w);
        } else if c == '.' {
            out.push(".".into());
        }
    }
    out
}

/// The columns a trigger depends on: `UPDATE OF a, b` and the columns its WHEN reads
/// (`NEW.a`, `OLD.b`).
pub fn trigger_columns(events: &str, when: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for event in events.split(" OR ") {
        if let Some(cols) = event.trim().strip_prefix("UPDATE OF ") {
            for c in cols.split(',') {
                let c = c.trim().trim_matches('"').to_string();
                if !c.is_empty() && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    if let Some(e) = when.and_then(|w| SqlExpr::parse(w).ok()) {
        for c in e.columns {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// Whether a subquery of the policy's USING or WITH CHECK reads what `reads` looks for.
/// Whether a policy's subqueries read what `reads` asks for, of relation `relation_name`: a
/// subquery names every relation it reads, so an expression whose text lacks the name is
/// skipped without analysing it (analysing every policy for every dropped column was the
/// largest part of replaying a 1,400-table history).
fn policy_reads(
    schema: &Schema,
    p: &Policy,
    relation_name: &str,
    reads: impl Fn(&ViewUses) -> bool,
) -> bool {
    p.using
        .iter()
        .chain(p.with_check.iter())
        .filter(|e| e.text().contains(relation_name))
        .filter_map(|e| policy_uses(e, schema))
        .any(|u| reads(&u))
}

fn push(out: &mut Vec<Dependent>, d: Dependent) {
    if !out.contains(&d) {
        out.push(d);
    }
}

fn view_and_dependents(
    schema: &Schema,
    related: &dyn Related,
    view: &QualName,
    out: &mut Vec<Dependent>,
) {
    let kind = schema
        .other_relations
        .get(view)
        .map_or(RelKind::View, |o| o.kind);
    let d = Dependent::View(view.clone(), kind);
    if !out.contains(&d) {
        out.push(d);
        views_over(schema, related, view, out);
    }
}

/// The views and materialized views over a relation, transitively.
pub fn views_on(schema: &Schema, related: &dyn Related, relation: &QualName) -> Vec<Dependent> {
    let mut out = Vec::new();
    views_over(schema, related, relation, &mut out);
    out
}

fn views_over(
    schema: &Schema,
    related: &dyn Related,
    relation: &QualName,
    out: &mut Vec<Dependent>,
) {
    let views = related.views_reading(relation);
    for (view, uses) in in_map_order(&schema.view_uses, &views) {
        if view != relation && uses.relations.contains(relation) {
            view_and_dependents(schema, related, view, out);
        }
    }
}

/// What a view query reads, resolved against `schema` as it is when the view is created.
/// `resolve` qualifies a relation name as the session's `search_path` does.
///
/// Conservative where the text alone cannot decide: an unqualified column that no relation
/// of its own `SELECT` has is attributed to every relation of the query that has it (a
/// correlated reference), and `*` to every column of the relations of its `SELECT`.
pub fn query_uses(
    query: &Node,
    schema: &Schema,
    resolve: &dyn Fn(Option<&str>, &str) -> QualName,
) -> ViewUses {
    uses_of(query, schema, resolve, true)
}

/// What the subqueries of a policy's expression read (`EXISTS (SELECT … FROM members …)`):
/// PostgreSQL records those relations and columns as the policy's dependencies. The
/// expression's own columns (of the policy's table) are not counted here. Unqualified names
/// are taken to be in `public`.
pub fn policy_uses(expr: &SqlExpr, schema: &Schema) -> Option<ViewUses> {
    if !expr.text().contains("SELECT") {
        return None;
    }
    let resolve = |s: Option<&str>, n: &str| QualName::new(s.unwrap_or("public"), n);
    Some(uses_of(expr.node(), schema, &resolve, false))
}

/// [`query_uses`]; `outer_refs: false` skips the column references outside every `SELECT`.
fn uses_of(
    query: &Node,
    schema: &Schema,
    resolve: &dyn Fn(Option<&str>, &str) -> QualName,
    outer_refs: bool,
) -> ViewUses {
    let Ok(tree) = serde_json::to_value(query) else {
        return ViewUses::default();
    };
    let mut walk = Walk::default();
    walk.visit(&tree, &[]);
    // Aliases (or bare relation names) to relations; a CTE's name is not a relation.
    let mut aliases: IndexMap<String, Vec<QualName>> = IndexMap::new();
    let mut uses = ViewUses::default();
    for (schema_name, relname, alias) in &walk.range_vars {
        if schema_name.is_none() && walk.ctes.contains(relname) {
            continue;
        }
        let q = resolve(schema_name.as_deref(), relname);
        if !uses.relations.contains(&q) {
            uses.relations.push(q.clone());
        }
        let entry = aliases.entry(alias.clone()).or_default();
        if !entry.contains(&q) {
            entry.push(q);
        }
    }
    let columns_of = |q: &QualName| -> Vec<String> {
        schema
            .tables
            .get(q)
            .map(|t| t.columns.keys().cloned().collect())
            .unwrap_or_default()
    };
    let has = |q: &QualName, c: &str| {
        schema
            .tables
            .get(q)
            .is_some_and(|t| t.columns.contains_key(c))
    };
    let mut add = |q: &QualName, c: &str| {
        let key = (q.clone(), c.to_string());
        if !uses.columns.contains(&key) {
            uses.columns.push(key);
        }
    };
    for (fields, scope) in &walk.column_refs {
        let Some((last, qualifiers)) = fields.split_last() else {
            continue;
        };
        if !outer_refs && scope.is_empty() && qualifiers.is_empty() {
            continue;
        }
        let targets: Vec<&QualName> = match qualifiers.last() {
            Some(alias) => aliases.get(alias).into_iter().flatten().collect(),
            None => {
                let own: Vec<&QualName> = scope
                    .iter()
                    .filter_map(|a| aliases.get(a))
                    .flatten()
                    .collect();
                if last == "*" || own.iter().any(|q| has(q, last)) {
                    own
                } else {
                    aliases.values().flatten().collect()
                }
            }
        };
        for q in targets {
            if last == "*" {
                for c in columns_of(q) {
                    add(q, &c);
                }
            } else if has(q, last) {
                add(q, last);
            }
        }
    }
    uses
}

/// A walk over a parse tree (as JSON, so that every node kind is covered).
#[derive(Default)]
struct Walk {
    /// `(schema, relation, alias or relation name)` of every `RangeVar`.
    range_vars: Vec<(Option<String>, String, String)>,
    /// Column references (`*` for a star) with the aliases of their `SELECT`'s `FROM`.
    column_refs: Vec<(Vec<String>, Vec<String>)>,
    /// Names of common table expressions.
    ctes: Vec<String>,
}

impl Walk {
    fn visit(&mut self, v: &Value, scope: &[String]) {
        match v {
            Value::Object(m) => {
                if let Some(select) = m.get("SelectStmt") {
                    let mut own = Vec::new();
                    if let Some(Value::Array(from)) = select.get("from_clause") {
                        for f in from {
                            from_aliases(f, &mut own);
                        }
                    }
                    self.visit_children(select, &own);
                    return;
                }
                if let Some(c) = m.get("ColumnRef") {
                    let fields = c
                        .get("fields")
                        .and_then(Value::as_array)
                        .map(|f| f.iter().filter_map(field_name).collect())
                        .unwrap_or_default();
                    self.column_refs.push((fields, scope.to_vec()));
                    return;
                }
                if let Some(rv) = m.get("RangeVar") {
                    let relname = str_of(rv, "relname");
                    let schema = Some(str_of(rv, "schemaname")).filter(|s| !s.is_empty());
                    let alias = alias_of(rv).unwrap_or_else(|| relname.clone());
                    self.range_vars.push((schema, relname, alias));
                    return;
                }
                if let Some(cte) = m.get("CommonTableExpr") {
                    self.ctes.push(str_of(cte, "ctename"));
                }
                self.visit_children(v, scope);
            }
            Value::Array(a) => {
                for x in a {
                    self.visit(x, scope);
                }
            }
            _ => {}
        }
    }

    fn visit_children(&mut self, v: &Value, scope: &[String]) {
        match v {
            Value::Object(m) => {
                for x in m.values() {
                    self.visit(x, scope);
                }
            }
            other => self.visit(other, scope),
        }
    }
}

/// The aliases a `FROM` item brings into its `SELECT`: a relation's alias (or name), and
/// those of both sides of a join. A subquery's or function's alias names no table.
fn from_aliases(v: &Value, out: &mut Vec<String>) {
    let Some(inner) = v.get("node") else { return };
    if let Some(rv) = inner.get("RangeVar") {
        out.push(alias_of(rv).unwrap_or_else(|| str_of(rv, "relname")));
    } else if let Some(j) = inner.get("JoinExpr") {
        for side in ["larg", "rarg"] {
            if let Some(s) = j.get(side) {
                from_aliases(s, out);
            }
        }
    }
}

fn alias_of(rv: &Value) -> Option<String> {
    rv.get("alias")
        .and_then(|a| a.get("aliasname"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| super::names::truncate_identifier(s).to_string())
        .unwrap_or_default()
}

/// A `ColumnRef` field: a name, or `*`.
fn field_name(f: &Value) -> Option<String> {
    let inner = f.get("node")?;
    if let Some(s) = inner.get("String") {
        return Some(str_of(s, "sval"));
    }
    inner.get("AStar").map(|_| "*".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, Origin, Table};

    fn schema() -> Schema {
        let mut s = Schema::default();
        for (name, cols) in [
            ("t", &["id", "a", "b"][..]),
            ("u", &["id", "t_id", "c"][..]),
        ] {
            let q = QualName::new("public", name);
            let mut t = Table::new(q.clone(), Origin::Derived);
            for c in cols {
                t.columns.insert(
                    c.to_string(),
                    Column {
                        name: c.to_string(),
                        type_name: "integer".into(),
                        not_null: false,
                        default: None,
                        generated: None,
                        origin: Origin::Derived,
                    },
                );
            }
            s.tables.insert(q, t);
        }
        s
    }

    fn uses(sql: &str) -> Vec<String> {
        let parsed = pg_query::parse(sql, 0).unwrap();
        let stmt = parsed.protobuf.stmts[0].stmt.clone().unwrap();
        let schema = schema();
        let u = query_uses(&stmt, &schema, &|s, n| {
            QualName::new(s.unwrap_or("public"), n)
        });
        let mut out: Vec<String> = u
            .columns
            .iter()
            .map(|(t, c)| format!("{}.{c}", t.name))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn columns_are_resolved_through_aliases_joins_and_stars() {
        assert_eq!(uses("SELECT x.a FROM t x WHERE b > 0"), ["t.a", "t.b"]);
        assert_eq!(
            uses("SELECT t.a, u.c FROM t JOIN u ON u.t_id = t.id"),
            ["t.a", "t.id", "u.c", "u.t_id"]
        );
        assert_eq!(uses("SELECT * FROM t"), ["t.a", "t.b", "t.id"]);
        // A star over a subquery reads only what the subquery reads.
        assert_eq!(uses("SELECT * FROM (SELECT a FROM t) s"), ["t.a"]);
        // count(*) reads no column; an output alias in ORDER BY is no column.
        assert!(uses("SELECT count(*) AS n FROM t ORDER BY n").is_empty());
        // A CTE is not a relation of the schema.
        assert_eq!(
            uses("WITH t AS (SELECT c AS a FROM u) SELECT a FROM t"),
            ["u.c"]
        );
        // A correlated reference is resolved in the outer query.
        assert_eq!(
            uses("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE t_id = a)"),
            ["t.a", "t.id", "u.t_id"]
        );
    }

    #[test]
    fn trigger_columns_come_from_update_of_and_when() {
        assert_eq!(
            trigger_columns(
                "INSERT OR UPDATE OF a, b",
                Some("new.c IS DISTINCT FROM old.c")
            ),
            ["a", "b", "c"]
        );
        assert!(trigger_columns("DELETE", None).is_empty());
    }
}
