//! The static evaluator: top-level declarations of the schema files turned into drizzle-kit
//! snapshots, noting what cannot be evaluated without running the code.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::js::{Chain, Js, as_bool, as_str, chain, js_to_json, num_text, prop};
use super::{Decl, FileText, to_snake_case};
use crate::schema::Origin;
use crate::source::drizzle::Unsupported;

#[derive(Clone, Debug)]
pub(super) struct TableRef {
    /// The schema.
    pub(super) schema: String,
    /// The table name in the database.
    pub(super) name: String,
    /// Object key → database column name.
    pub(super) columns: HashMap<String, String>,
}

/// The static evaluator: the files' top-level values, the tables found so far, and what could
/// not be evaluated.
pub(super) struct Eval<'f> {
    /// Top-level `const` values by name.
    pub(super) env: HashMap<String, Js>,
    /// Tables by the variable that holds them.
    pub(super) tables: HashMap<String, TableRef>,
    /// Column-name casing (`snake_case`), if configured.
    pub(super) casing: Option<String>,
    /// What was not evaluated, with positions.
    pub(super) unsupported: Vec<Unsupported>,
    /// The origin number of the first file.
    pub(super) first_file: u32,
    /// The files, for positions in notes.
    pub(super) files: &'f [FileText],
}

/// One file's snapshot maps: tables, enums, schemas.
pub(super) type FileMaps = (Map<String, Value>, Map<String, Value>, Map<String, Value>);

/// Per-table pieces collected while evaluating, before columns are known by key.
pub(super) struct TableDraft {
    /// The variable that holds the table.
    pub(super) var: String,
    /// The file (index) and byte offset of the declaration.
    pub(super) file: usize,
    pub(super) at: u32,
    /// The schema and the table name.
    pub(super) schema: String,
    pub(super) name: String,
    /// The second argument: the columns object.
    pub(super) columns: Js,
    /// The third argument: indexes and constraints.
    pub(super) extra: Option<Js>,
    /// `.enableRLS()`.
    pub(super) rls: bool,
}

impl Eval<'_> {
    /// Records what could not be evaluated, at `file:line`.
    pub(super) fn note(&mut self, file: usize, at: u32, message: String) {
        let line = self.files[file].text[..(at as usize).min(self.files[file].text.len())]
            .matches('\n')
            .count()
            + 1;
        self.unsupported.push(Unsupported {
            message: format!("{}:{line}: {message}", self.files[file].path.display()),
            origin: Origin::Drizzle {
                file: self.first_file + file as u32,
            },
        });
    }

    /// Follows identifiers to their top-level `const` values.
    pub(super) fn resolve(&self, js: &Js) -> Js {
        let mut cur = js.clone();
        for _ in 0..16 {
            match &cur {
                Js::Ident(n) => match self.env.get(n) {
                    Some(v) => cur = v.clone(),
                    None => return cur,
                },
                _ => return cur,
            }
        }
        cur
    }

    /// A string, evaluating identifiers, untagged templates and `creator` prefixes.
    pub(super) fn string(&self, js: &Js, bindings: &HashMap<String, String>) -> Option<String> {
        match js {
            Js::Str(s) => Some(s.clone()),
            Js::Ident(n) if bindings.contains_key(n) => bindings.get(n).cloned(),
            Js::Ident(_) => match self.resolve(js) {
                Js::Ident(_) => None,
                v => self.string(&v, bindings),
            },
            Js::Template(None, quasis, exprs) => {
                let mut out = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    out.push_str(q);
                    if let Some(e) = exprs.get(i) {
                        out.push_str(&self.string(e, bindings)?);
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A string without parameter bindings: a literal, a constant, an untagged template.
    pub(super) fn literal(&self, js: &Js) -> Option<String> {
        self.string(js, &HashMap::new())
    }

    /// Whether a callee resolves to a drizzle function of this name (`pgTable`, or `x.pgTable`
    /// for a namespace import).
    pub(super) fn callee_is(&self, callee: &Js, name: &str) -> bool {
        match callee {
            Js::Ident(n) => n == name,
            Js::Member(_, n) => n == name,
            _ => false,
        }
    }

    /// What a table declaration's base is: (schema, name-prefixing creator) when it is
    /// `pgTable`, `schema.table` or a `pgTableCreator` function.
    pub(super) fn table_base(&self, c: &Chain) -> Option<(String, Option<Js>, Vec<Js>, usize)> {
        if self.callee_is(&c.base, "pgTable") {
            return Some(("public".into(), None, c.base_args.clone(), 0));
        }
        // `mySchema.table(…)`: the chain's base is `mySchema`, its first method `table`.
        if let Some((m, args)) = c.methods.first()
            && m == "table"
        {
            let base = self.resolve(&c.base);
            let bc = chain(&base);
            if self.callee_is(&bc.base, "pgSchema") {
                let schema = bc.base_args.first().and_then(|a| self.literal(a))?;
                return Some((schema, None, args.clone(), 1));
            }
        }
        // `createTable(…)` where `createTable = pgTableCreator((name) => `p_${name}`)`.
        if let Js::Ident(_) = &c.base {
            let base = self.resolve(&c.base);
            let bc = chain(&base);
            if self.callee_is(&bc.base, "pgTableCreator") {
                return Some((
                    "public".into(),
                    bc.base_args.first().cloned(),
                    c.base_args.clone(),
                    0,
                ));
            }
        }
        None
    }

    /// The snapshot (version 7) of each file: its enums, schemas and tables.
    pub(super) fn snapshots(&mut self, decls: &[Decl]) -> Vec<Value> {
        let mut per_file: Vec<FileMaps> =
            (0..self.files.len()).map(|_| Default::default()).collect();
        let mut drafts = Vec::new();
        for d in decls {
            let c = chain(&d.value);
            if self.enum_decl(d, &c, &mut per_file) || self.schema_decl(d, &c, &mut per_file) {
                continue;
            }
            if let Some(draft) = self.table_draft(d, &c) {
                drafts.push(draft);
            }
        }
        let column_defs = self.column_keys(&drafts);
        for (t, cols) in drafts.iter().zip(column_defs) {
            let table = self.table_json(t, &cols);
            let key = format!("{}.{}", t.schema, t.name);
            per_file[t.file].0.insert(key, table);
        }
        per_file
            .into_iter()
            .map(|(tables, enums, schemas)| {
                json!({"version": "7", "dialect": "postgresql", "tables": tables, "enums": enums, "schemas": schemas})
            })
            .collect()
    }

    /// Enums: `pgEnum('name', [...])` and `schema.enum('name', [...])`; whether `d` is one.
    fn enum_decl(&mut self, d: &Decl, c: &Chain, per_file: &mut [FileMaps]) -> bool {
        let enum_schema = if self.callee_is(&c.base, "pgEnum") {
            Some(("public".to_string(), c.base_args.clone()))
        } else if let Some((m, args)) = c.methods.first()
            && m == "enum"
        {
            let bc = chain(&self.resolve(&c.base));
            self.callee_is(&bc.base, "pgSchema")
                .then(|| {
                    bc.base_args
                        .first()
                        .and_then(|a| self.literal(a))
                        .map(|s| (s, args.clone()))
                })
                .flatten()
        } else {
            None
        };
        if let Some((schema, args)) = enum_schema {
            let name = args.first().and_then(|a| self.literal(a));
            let values: Option<Vec<Value>> = match args.get(1).map(|a| self.resolve(a)) {
                Some(Js::Array(items)) => items
                    .iter()
                    .map(|i| self.literal(i).map(Value::String))
                    .collect(),
                _ => None,
            };
            match (name, values) {
                (Some(name), Some(values)) => {
                    per_file[d.file].1.insert(
                        format!("{schema}.{name}"),
                        json!({"name": name, "schema": schema, "values": values}),
                    );
                }
                _ => self.note(
                    d.file,
                    d.at,
                    format!(
                        "enum `{}`: name or values are not literals; skipped",
                        d.name
                    ),
                ),
            }
            return true;
        }
        false
    }

    /// `pgSchema('name')` on its own; whether `d` is one.
    fn schema_decl(&mut self, d: &Decl, c: &Chain, per_file: &mut [FileMaps]) -> bool {
        if self.callee_is(&c.base, "pgSchema") && c.methods.is_empty() {
            if let Some(s) = c.base_args.first().and_then(|a| self.literal(a))
                && s != "public"
            {
                per_file[d.file].2.insert(s.clone(), Value::String(s));
            }
            return true;
        }
        false
    }

    /// A table declaration before its columns are known by key; `None` when `d` is not a
    /// table or its name cannot be evaluated.
    fn table_draft(&mut self, d: &Decl, c: &Chain) -> Option<TableDraft> {
        let (schema, creator, args, skip) = self.table_base(c)?;
        let raw_name = args.first();
        let name = raw_name.and_then(|n| self.literal(n));
        let name = match (name, creator) {
            (Some(n), None) => Some(n),
            (Some(n), Some(Js::Arrow(params, body))) => {
                let mut b = HashMap::new();
                if let Some(p) = params.first() {
                    b.insert(p.clone(), n);
                }
                self.string(&body, &b)
            }
            _ => None,
        };
        let Some(name) = name else {
            self.note(
                d.file,
                d.at,
                format!(
                    "table `{}`: its name is computed at run time; skipped",
                    d.name
                ),
            );
            return None;
        };
        let rls = c.methods[skip..].iter().any(|(m, _)| m == "enableRLS");
        let columns = args.get(1).map(|a| self.resolve(a)).unwrap_or(Js::Null);
        Some(TableDraft {
            var: d.name.clone(),
            file: d.file,
            at: d.at,
            schema,
            name,
            columns,
            extra: args.get(2).cloned(),
            rls,
        })
    }

    /// Column keys first, so that references between tables resolve in any order: each
    /// table's `(key, database name, builder)` columns, registered in `self.tables`.
    fn column_keys(&mut self, drafts: &[TableDraft]) -> Vec<Vec<(String, String, Js)>> {
        let mut column_defs: Vec<Vec<(String, String, Js)>> = Vec::new();
        for t in drafts {
            let mut cols = Vec::new();
            let mut map = HashMap::new();
            match &t.columns {
                Js::Object(props) => {
                    for (key, value) in props {
                        if let Js::Opaque(what, at) = value {
                            self.note(
                                t.file,
                                *at,
                                format!("table `{}`: {what} in the columns is not evaluated; its columns are missing", t.name),
                            );
                            continue;
                        }
                        let c = chain(value);
                        let db = c
                            .base_args
                            .first()
                            .and_then(|a| self.literal(a))
                            .unwrap_or_else(|| self.column_name_from_key(key));
                        map.insert(key.clone(), db.clone());
                        cols.push((key.clone(), db, value.clone()));
                    }
                }
                _ => self.note(
                    t.file,
                    t.at,
                    format!(
                        "table `{}`: columns are not an object literal; skipped",
                        t.name
                    ),
                ),
            }
            self.tables.insert(
                t.var.clone(),
                TableRef {
                    schema: t.schema.clone(),
                    name: t.name.clone(),
                    columns: map,
                },
            );
            column_defs.push(cols);
        }
        column_defs
    }

    pub(super) fn column_name_from_key(&self, key: &str) -> String {
        match self.casing.as_deref() {
            Some("snake_case") => to_snake_case(key),
            _ => key.to_string(),
        }
    }

    /// The database column a `t.key` / `other.key` expression names: (table, column).
    pub(super) fn column_ref(
        &self,
        js: &Js,
        this: &TableRef,
        param: Option<&str>,
    ) -> Option<(TableRef, String)> {
        let Js::Member(obj, key) = js else {
            return None;
        };
        let Js::Ident(var) = &**obj else {
            return None;
        };
        let table = if Some(var.as_str()) == param {
            this.clone()
        } else {
            self.tables.get(var)?.clone()
        };
        let col = table.columns.get(key)?.clone();
        Some((table, col))
    }

    /// SQL text of a `sql\`…\`` template: `${t.col}` becomes `"col"`, `${value}` a literal.
    /// drizzle-kit qualifies column references with their table (`"t"."c"`) in predicates,
    /// checks and policies (`qualify`), not in index keys.
    pub(super) fn sql_text(
        &self,
        js: &Js,
        this: &TableRef,
        param: Option<&str>,
        qualify: bool,
    ) -> Option<String> {
        match self.resolve(js) {
            Js::Template(Some(tag), quasis, exprs) if self.callee_is(&tag, "sql") => {
                let mut out = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    out.push_str(q);
                    if let Some(e) = exprs.get(i) {
                        if let Some((table, col)) = self.column_ref(e, this, param) {
                            if qualify {
                                out.push_str(&format!("\"{}\".", table.name));
                            }
                            out.push_str(&format!("\"{col}\""));
                        } else {
                            match self.resolve(e) {
                                Js::Num(n) => out.push_str(&num_text(n)),
                                Js::Str(s) => out.push_str(&format!("'{}'", s.replace('\'', "''"))),
                                t @ Js::Template(Some(_), _, _) => {
                                    out.push_str(&self.sql_text(&t, this, param, qualify)?)
                                }
                                _ => return None,
                            }
                        }
                    }
                }
                Some(out)
            }
            // `sql.raw('…')`.
            Js::Call(callee, args) if matches!(&*callee, Js::Member(o, m) if m == "raw" && matches!(&**o, Js::Ident(s) if s == "sql")) => {
                args.first().and_then(as_str).map(str::to_string)
            }
            _ => None,
        }
    }

    pub(super) fn role_name(&self, js: &Js) -> Option<String> {
        match self.resolve(js) {
            Js::Str(s) => Some(s),
            Js::Call(c, args) if self.callee_is(&c, "pgRole") => {
                args.first().and_then(|a| self.literal(a))
            }
            _ => None,
        }
    }

    pub(super) fn default_value(&self, js: &Js, is_json: bool, this: &TableRef) -> Option<Value> {
        match self.resolve(js) {
            Js::Str(s) => Some(json!(format!("'{}'", s.replace('\'', "''")))),
            Js::Num(n) => Some(json!(num_text(n))),
            Js::Bool(b) => Some(json!(b)),
            Js::Null => Some(json!("null")),
            t @ Js::Template(Some(_), _, _) => {
                self.sql_text(&t, this, None, false).map(Value::String)
            }
            v @ (Js::Object(_) | Js::Array(_)) if is_json => {
                let text = js_to_json(&v)?.to_string();
                Some(json!(format!("'{}'::jsonb", text.replace('\'', "''"))))
            }
            _ => None,
        }
    }

    /// The drizzle type text of a column builder call.
    pub(super) fn column_type(
        &self,
        builder: &str,
        base: &Js,
        config: &Js,
    ) -> Option<(String, Option<String>)> {
        let num = |k: &str| match prop(config, k) {
            Some(Js::Num(n)) => Some(num_text(*n)),
            _ => None,
        };
        let tz = as_bool(prop(config, "withTimezone"));
        let simple = |s: &str| Some((s.to_string(), None));
        match builder {
            "text" | "uuid" | "boolean" | "integer" | "smallint" | "bigint" | "serial"
            | "bigserial" | "smallserial" | "json" | "jsonb" | "date" | "real" | "inet"
            | "cidr" | "macaddr" | "macaddr8" | "interval" | "point" | "line" => simple(builder),
            "doublePrecision" => simple("double precision"),
            "varchar" | "char" => match num("length") {
                Some(n) => simple(&format!("{builder}({n})")),
                None => simple(builder),
            },
            "numeric" | "decimal" => match (num("precision"), num("scale")) {
                (Some(p), Some(s)) => simple(&format!("numeric({p}, {s})")),
                (Some(p), None) => simple(&format!("numeric({p})")),
                _ => simple("numeric"),
            },
            "timestamp" | "time" => {
                let p = num("precision")
                    .map(|p| format!("({p})"))
                    .unwrap_or_default();
                let zone = if tz { " with time zone" } else { "" };
                simple(&format!("{builder}{p}{zone}"))
            }
            "vector" | "halfvec" | "bit" | "sparsevec" => match num("dimensions") {
                Some(n) => simple(&format!("{builder}({n})")),
                None => simple(builder),
            },
            _ => {
                // An enum: `planEnum('plan')` where `planEnum = pgEnum('plan', …)`.
                let resolved = self.resolve(base);
                let c = chain(&resolved);
                if self.callee_is(&c.base, "pgEnum") {
                    let name = c.base_args.first().and_then(|a| self.literal(a))?;
                    return Some((name, Some("public".into())));
                }
                if let Some((m, args)) = c.methods.first()
                    && m == "enum"
                {
                    let bc = chain(&self.resolve(&c.base));
                    if self.callee_is(&bc.base, "pgSchema") {
                        let schema = bc.base_args.first().and_then(|a| self.literal(a))?;
                        let name = args.first().and_then(|a| self.literal(a))?;
                        return Some((name, Some(schema)));
                    }
                }
                None
            }
        }
    }

    pub(super) fn index_json(
        &self,
        table: &str,
        kind: &str,
        c: &Chain,
        this: &TableRef,
        param: Option<&str>,
    ) -> Option<(String, Value)> {
        let mut keys = Vec::new();
        let mut method = "btree".to_string();
        let mut where_ = None;
        let mut with = Map::new();
        let mut key_args: Vec<Js> = Vec::new();
        for (m, args) in &c.methods {
            match m.as_str() {
                "on" | "onOnly" => key_args.extend(args.iter().cloned()),
                "using" => {
                    method = args.first().and_then(as_str)?.to_string();
                    key_args.extend(args.iter().skip(1).cloned());
                }
                "where" => where_ = Some(self.sql_text(args.first()?, this, param, true)?),
                "with" => {
                    if let Some(Js::Object(props)) = args.first() {
                        for (k, v) in props {
                            with.insert(k.clone(), js_to_json(v)?);
                        }
                    }
                }
                "concurrently" => {}
                _ => return None,
            }
        }
        let mut names = Vec::new();
        for a in &key_args {
            // `t.col.desc().op('x')`, or `sql\`lower(${t.email})\``.
            let kc = chain(a);
            let (mut col, mut is_expr) = (None, false);
            let mut asc = true;
            let mut nulls = None;
            let mut opclass = None;
            let target = if kc.methods.is_empty() {
                a.clone()
            } else {
                kc.base.clone()
            };
            // A column ref's chain base is `t.col` itself when methods follow it.
            let target = match (&target, &kc.methods.first()) {
                (Js::Member(..), _) => target,
                _ => target,
            };
            if let Some((_, c)) = self.column_ref(&target, this, param) {
                col = Some(c);
            } else if let Some(sql) = self.sql_text(&target, this, param, false) {
                col = Some(sql);
                is_expr = true;
            }
            for (m, args) in &kc.methods {
                match m.as_str() {
                    "asc" => asc = true,
                    "desc" => asc = false,
                    "nullsFirst" => nulls = Some("first"),
                    "nullsLast" => nulls = Some("last"),
                    "op" => opclass = args.first().and_then(as_str).map(str::to_string),
                    _ => return None,
                }
            }
            let expression = col?;
            names.push(expression.clone());
            let mut k = json!({"expression": expression, "isExpression": is_expr, "asc": asc,
                               "nulls": nulls.unwrap_or("last")});
            if let Some(o) = opclass {
                k["opclass"] = json!(o);
            }
            keys.push(k);
        }
        if keys.is_empty() {
            return None;
        }
        let name = match c.base_args.first() {
            Some(n) => self.literal(n)?,
            None => format!("{table}_{}_index", names.join("_")),
        };
        let mut v = json!({"name": name, "columns": keys, "isUnique": kind == "uniqueIndex",
                           "method": method, "with": with, "concurrently": false});
        if let Some(w) = where_ {
            v["where"] = json!(w);
        }
        Some((name, v))
    }
}
