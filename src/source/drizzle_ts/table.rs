//! One `pgTable(…)` as the table object of a drizzle-kit snapshot: its columns, then the
//! indexes and constraints of its third argument.

use serde_json::{Map, Value, json};

use super::eval::{Eval, TableDraft, TableRef};
use super::js::{Chain, Js, as_str, chain, prop};

/// The snapshot maps of one table, filled column by column and item by item.
#[derive(Default)]
struct TableMaps {
    columns: Map<String, Value>,
    uniques: Map<String, Value>,
    fks: Map<String, Value>,
    pks: Map<String, Value>,
    indexes: Map<String, Value>,
    policies: Map<String, Value>,
    checks: Map<String, Value>,
}

impl Eval<'_> {
    /// The snapshot object of a table whose columns (`(key, database name, builder)`) are known.
    pub(super) fn table_json(&mut self, t: &TableDraft, cols: &[(String, String, Js)]) -> Value {
        let this = self.tables[&t.var].clone();
        let mut maps = TableMaps::default();
        for (key, db, value) in cols {
            self.column_json(t, &this, key, db, value, &mut maps);
        }
        let (param, items) = self.third_argument(t);
        for item in items {
            self.table_item(t, &this, param.as_deref(), item, &mut maps);
        }
        json!({
            "name": t.name,
            "schema": if t.schema == "public" { "" } else { t.schema.as_str() },
            "columns": maps.columns, "indexes": maps.indexes, "foreignKeys": maps.fks,
            "compositePrimaryKeys": maps.pks, "uniqueConstraints": maps.uniques,
            "policies": maps.policies, "checkConstraints": maps.checks, "isRLSEnabled": t.rls,
        })
    }

    /// One column: its type, nullability, default, and the unique constraint and foreign key
    /// its builder chain declares.
    fn column_json(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        key: &str,
        db: &str,
        value: &Js,
        maps: &mut TableMaps,
    ) {
        let c = chain(value);
        let builder = match &c.base {
            Js::Ident(n) | Js::Member(_, n) => n.clone(),
            _ => String::new(),
        };
        let config = c
            .base_args
            .iter()
            .find(|a| matches!(a, Js::Object(_)))
            .cloned()
            .unwrap_or(Js::Object(Vec::new()));
        let Some((mut type_text, type_schema)) = self.column_type(&builder, &c.base, &config)
        else {
            self.note(
                t.file,
                t.at,
                format!(
                    "column `{}.{key}`: builder `{builder}` is not known; column skipped",
                    t.name
                ),
            );
            return;
        };
        let mut col = Map::new();
        col.insert("name".into(), json!(db));
        let mut not_null = false;
        let mut pk = false;
        let mut default: Option<Value> = None;
        let is_json = matches!(builder.as_str(), "json" | "jsonb");
        for (m, args) in &c.methods {
            match m.as_str() {
                "notNull" => not_null = true,
                "primaryKey" => {
                    pk = true;
                    not_null = true;
                }
                "array" => type_text.push_str("[]"),
                "defaultNow" => default = Some(json!("now()")),
                "defaultRandom" => default = Some(json!("gen_random_uuid()")),
                "default" => {
                    default = args
                        .first()
                        .and_then(|a| self.default_value(a, is_json, this));
                    if default.is_none() {
                        self.note(
                            t.file,
                            t.at,
                            format!(
                                "column `{}.{db}`: default is not a literal or sql``; not compared",
                                t.name
                            ),
                        );
                    }
                }
                "unique" => {
                    let name = args
                        .first()
                        .and_then(|a| self.literal(a))
                        .unwrap_or_else(|| format!("{}_{db}_unique", t.name));
                    let nnd = args
                        .iter()
                        .any(|a| prop(a, "nulls").and_then(as_str) == Some("not distinct"));
                    maps.uniques.insert(
                        name.clone(),
                        json!({"name": name, "columns": [db], "nullsNotDistinct": nnd}),
                    );
                }
                "references" => self.column_references(t, this, db, args, maps),
                "generatedAlwaysAsIdentity" | "generatedByDefaultAsIdentity" => not_null = true,
                // Run-time only, or type-level: nothing in the database.
                "$type" | "$defaultFn" | "$default" | "$onUpdate" | "$onUpdateFn" => {}
                _ => {}
            }
        }
        col.insert("type".into(), json!(type_text));
        if let Some(s) = type_schema {
            col.insert("typeSchema".into(), json!(s));
        }
        col.insert("primaryKey".into(), json!(pk));
        col.insert("notNull".into(), json!(not_null));
        if let Some(d) = default {
            col.insert("default".into(), d);
        }
        maps.columns.insert(db.to_string(), Value::Object(col));
    }

    /// `.references(() => other.col, { onDelete })` on a column: a one-column foreign key.
    fn column_references(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        db: &str,
        args: &[Js],
        maps: &mut TableMaps,
    ) {
        let target = match args.first() {
            Some(Js::Arrow(_, body)) => self.column_ref(body, this, None),
            _ => None,
        };
        let Some((rt, rc)) = target else {
            self.note(
                t.file,
                t.at,
                format!(
                    "column `{}.{db}`: referenced column is not a known table's column; foreign key skipped",
                    t.name
                ),
            );
            return;
        };
        let actions = args.get(1).cloned().unwrap_or(Js::Null);
        let name = format!("{}_{db}_{}_{rc}_fk", t.name, rt.name);
        maps.fks.insert(
            name.clone(),
            json!({"name": name, "tableFrom": t.name, "tableTo": rt.name, "schemaTo": rt.schema,
                   "columnsFrom": [db], "columnsTo": [rc],
                   "onDelete": prop(&actions, "onDelete").and_then(as_str).unwrap_or("no action"),
                   "onUpdate": prop(&actions, "onUpdate").and_then(as_str).unwrap_or("no action")}),
        );
    }

    /// The third argument, `(t) => [ … ]` or `(t) => ({ … })`: its parameter and its items.
    fn third_argument(&mut self, t: &TableDraft) -> (Option<String>, Vec<Js>) {
        match t.extra.as_ref().map(|e| self.resolve(e)) {
            None => (None, Vec::new()),
            Some(Js::Arrow(params, body)) => {
                let items = match *body {
                    Js::Array(items) => items,
                    Js::Object(props) => props.into_iter().map(|(_, v)| v).collect(),
                    other => vec![other],
                };
                (params.first().cloned(), items)
            }
            Some(other) => {
                let at = match other {
                    Js::Opaque(_, at) => at,
                    _ => t.at,
                };
                self.note(
                    t.file,
                    at,
                    format!(
                        "table `{}`: the third argument is not an arrow function; indexes and constraints skipped",
                        t.name
                    ),
                );
                (None, Vec::new())
            }
        }
    }

    /// One item of the third argument: an index, a key, a constraint or a policy.
    fn table_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        item: Js,
        maps: &mut TableMaps,
    ) {
        if let Js::Opaque(what, at) = item {
            self.note(
                t.file,
                at,
                format!(
                    "table `{}`: {what} among indexes/constraints is not evaluated",
                    t.name
                ),
            );
            return;
        }
        let c = chain(&item);
        let kind = match &c.base {
            Js::Ident(n) | Js::Member(_, n) => n.clone(),
            _ => String::new(),
        };
        match kind.as_str() {
            "index" | "uniqueIndex" => match self.index_json(&t.name, &kind, &c, this, p) {
                Some((name, v)) => {
                    maps.indexes.insert(name, v);
                }
                None => self.note(
                    t.file,
                    t.at,
                    format!(
                        "table `{}`: an index could not be evaluated statically; skipped",
                        t.name
                    ),
                ),
            },
            "primaryKey" => self.primary_key_item(t, this, p, &c, maps),
            "unique" => self.unique_item(t, this, p, &c, maps),
            "foreignKey" => self.foreign_key_item(t, this, p, &c, maps),
            "check" => self.check_item(t, this, p, &c, maps),
            "pgPolicy" => self.policy_item(t, this, p, &c, maps),
            _ => self.note(
                t.file,
                t.at,
                format!(
                    "table `{}`: `{kind}(…)` in the third argument is not supported; skipped",
                    t.name
                ),
            ),
        }
    }

    /// The database names of columns given as `t.col` arguments; `None` when one is not.
    fn columns_of(&self, args: &[Js], this: &TableRef, p: Option<&str>) -> Option<Vec<String>> {
        args.iter()
            .map(|a| self.column_ref(a, this, p).map(|(_, c)| c))
            .collect()
    }

    /// `primaryKey({ columns: [...], name })` or `primaryKey(t.a, t.b)`.
    fn primary_key_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        c: &Chain,
        maps: &mut TableMaps,
    ) {
        let (columns, name) = match c.base_args.first() {
            Some(o @ Js::Object(_)) => (
                match prop(o, "columns") {
                    Some(Js::Array(a)) => self.columns_of(a, this, p),
                    _ => None,
                },
                prop(o, "name").and_then(|n| self.literal(n)),
            ),
            _ => (self.columns_of(&c.base_args, this, p), None),
        };
        let Some(columns) = columns else {
            self.note(
                t.file,
                t.at,
                format!(
                    "table `{}`: primary key columns are not this table's columns; skipped",
                    t.name
                ),
            );
            return;
        };
        let name = name.unwrap_or_else(|| format!("{}_{}_pk", t.name, columns.join("_")));
        maps.pks
            .insert(name.clone(), json!({"name": name, "columns": columns}));
    }

    /// `unique(name).on(t.a, t.b)`, optionally `.nullsNotDistinct()`.
    fn unique_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        c: &Chain,
        maps: &mut TableMaps,
    ) {
        let on = c
            .methods
            .iter()
            .find(|(m, _)| m == "on")
            .map(|(_, a)| a.clone());
        let Some(columns) = on.and_then(|a| self.columns_of(&a, this, p)) else {
            self.note(
                t.file,
                t.at,
                format!(
                    "table `{}`: unique constraint columns could not be evaluated; skipped",
                    t.name
                ),
            );
            return;
        };
        let name = c
            .base_args
            .first()
            .and_then(|a| self.literal(a))
            .unwrap_or_else(|| format!("{}_{}_unique", t.name, columns.join("_")));
        let nnd = c.methods.iter().any(|(m, _)| m == "nullsNotDistinct");
        maps.uniques.insert(
            name.clone(),
            json!({"name": name, "columns": columns, "nullsNotDistinct": nnd}),
        );
    }

    /// `foreignKey({ columns, foreignColumns, name }).onDelete(…).onUpdate(…)`.
    fn foreign_key_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        c: &Chain,
        maps: &mut TableMaps,
    ) {
        let cfg = c.base_args.first().cloned().unwrap_or(Js::Null);
        let from = match prop(&cfg, "columns") {
            Some(Js::Array(a)) => self.columns_of(a, this, p),
            _ => None,
        };
        let to: Option<Vec<(TableRef, String)>> = match prop(&cfg, "foreignColumns") {
            Some(Js::Array(a)) => a.iter().map(|x| self.column_ref(x, this, p)).collect(),
            _ => None,
        };
        let (Some(from), Some(to)) = (from, to) else {
            self.note(
                t.file,
                t.at,
                format!(
                    "table `{}`: foreign key columns could not be evaluated; skipped",
                    t.name
                ),
            );
            return;
        };
        let Some(rt) = to.first().map(|(t, _)| t.clone()) else {
            return;
        };
        let to_cols: Vec<String> = to.into_iter().map(|(_, c)| c).collect();
        let name = prop(&cfg, "name")
            .and_then(|n| self.literal(n))
            .unwrap_or_else(|| {
                format!(
                    "{}_{}_{}_{}_fk",
                    t.name,
                    from.join("_"),
                    rt.name,
                    to_cols.join("_")
                )
            });
        let action = |m: &str| {
            c.methods
                .iter()
                .find(|(x, _)| x == m)
                .and_then(|(_, a)| a.first())
                .and_then(as_str)
                .unwrap_or("no action")
                .to_string()
        };
        maps.fks.insert(
            name.clone(),
            json!({"name": name, "tableFrom": t.name, "tableTo": rt.name, "schemaTo": rt.schema,
                "columnsFrom": from, "columnsTo": to_cols, "onDelete": action("onDelete"), "onUpdate": action("onUpdate")}),
        );
    }

    /// `check(name, sql\`…\`)`.
    fn check_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        c: &Chain,
        maps: &mut TableMaps,
    ) {
        let name = c.base_args.first().and_then(|a| self.literal(a));
        let value = c
            .base_args
            .get(1)
            .and_then(|v| self.sql_text(v, this, p, true));
        match (name, value) {
            (Some(name), Some(value)) => {
                maps.checks
                    .insert(name.clone(), json!({"name": name, "value": value}));
            }
            _ => self.note(
                t.file,
                t.at,
                format!(
                    "table `{}`: a check constraint could not be evaluated; skipped",
                    t.name
                ),
            ),
        }
    }

    /// `pgPolicy(name, { as, for, to, using, withCheck })`.
    fn policy_item(
        &mut self,
        t: &TableDraft,
        this: &TableRef,
        p: Option<&str>,
        c: &Chain,
        maps: &mut TableMaps,
    ) {
        let name = c.base_args.first().and_then(|a| self.literal(a));
        let cfg = c
            .base_args
            .get(1)
            .cloned()
            .unwrap_or(Js::Object(Vec::new()));
        let Some(name) = name else {
            self.note(
                t.file,
                t.at,
                format!("table `{}`: a policy name is computed; skipped", t.name),
            );
            return;
        };
        let roles: Vec<String> = match prop(&cfg, "to").map(|r| self.resolve(r)) {
            None => vec!["public".into()],
            Some(Js::Array(a)) => a.iter().filter_map(|r| self.role_name(r)).collect(),
            Some(r) => self.role_name(&r).into_iter().collect(),
        };
        let mut pol = json!({"name": name,
            "as": prop(&cfg, "as").and_then(as_str).unwrap_or("permissive").to_uppercase(),
            "for": prop(&cfg, "for").and_then(as_str).unwrap_or("all").to_uppercase(),
            "to": roles});
        for (k, out) in [("using", "using"), ("withCheck", "withCheck")] {
            if let Some(v) = prop(&cfg, k) {
                match self.sql_text(v, this, p, true) {
                    Some(s) => {
                        pol[out] = json!(s);
                    }
                    None => self.note(
                        t.file,
                        t.at,
                        format!("policy `{name}`: `{k}` is not a sql`` template; not compared"),
                    ),
                }
            }
        }
        maps.policies.insert(name, pol);
    }
}
