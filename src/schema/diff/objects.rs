//! The comparison of the object kinds beside tables and indexes: table kind and persistence
//! (and a foreign table's server and options), extensions, sequences, views and materialized
//! views, composite types, functions and procedures, triggers. Sequences, views, functions, triggers, extensions and table kinds are compared
//! only when both sides describe them (`Schema::objects_known`): an ORM's schema has none of
//! them, and their absence there is not drift.

use super::{Differ, Difference, ObjectKind, pick, union};
use crate::schema::ddl::{attribute_list, composite_ddl};
use crate::schema::model::*;

/// A function as `CREATE FUNCTION` would declare it (the body normalised, on one line).
fn function_ddl(f: &Function) -> String {
    let returns = f
        .returns
        .as_ref()
        .map(|r| format!(" RETURNS {r}"))
        .unwrap_or_default();
    let body = match &f.body {
        Some(b) => format!(" AS $$ {b} $$"),
        None => " BEGIN ATOMIC … END".to_string(),
    };
    format!(
        "CREATE {} {}({}){returns} LANGUAGE {}{body};",
        if f.procedure { "PROCEDURE" } else { "FUNCTION" },
        f.name,
        f.arg_types.join(", "),
        f.language
    )
}

/// A trigger's definition after `ON table`: when, on what, how often, what it runs.
fn trigger_body(t: &Trigger) -> String {
    let when = t
        .when
        .as_ref()
        .map(|w| format!(" WHEN ({w})"))
        .unwrap_or_default();
    format!(
        "{} {} FOR EACH {}{when} EXECUTE FUNCTION {}({})",
        t.timing,
        t.events,
        if t.for_each_row { "ROW" } else { "STATEMENT" },
        t.function,
        t.args
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A trigger as `CREATE TRIGGER` would declare it.
fn trigger_ddl(table: &QualName, t: &Trigger) -> String {
    let body = trigger_body(t);
    let (timing_events, rest) = body.split_once(" FOR EACH ").unwrap_or((&body, ""));
    format!(
        "CREATE TRIGGER {} {timing_events} ON {table} FOR EACH {rest};",
        quote_ident(&t.name)
    )
}

/// A sequence, view or other relation as DDL.
fn relation_ddl(name: &QualName, o: &OtherRelation) -> String {
    match &o.detail {
        RelationDetail::Sequence(s) => {
            let owned = s
                .owned_by
                .as_ref()
                .map(|(t, c)| format!(" OWNED BY {t}.{}", quote_ident(c)))
                .unwrap_or_default();
            format!("CREATE SEQUENCE {name} {}{owned};", s.options())
        }
        RelationDetail::View(v) => format!(
            "CREATE {} {name} AS {};",
            o.kind.describe().to_uppercase(),
            v.text
        ),
        RelationDetail::Composite(attributes) => composite_ddl(name, attributes),
        RelationDetail::None => format!("CREATE {} {name};", o.kind.describe().to_uppercase()),
    }
}

/// The kind of a table as words: `plain`, `partitioned`, `partition of …`, `inherits …`,
/// `unlogged`.
fn table_kind(t: &Table) -> String {
    let mut words = Vec::new();
    if let Some(f) = &t.foreign {
        words.push(format!("foreign ({})", f.clause()));
    }
    if t.unlogged {
        words.push("unlogged".to_string());
    }
    if t.partitioned {
        words.push("partitioned".to_string());
    }
    if let Some(p) = &t.partition_of {
        words.push(format!("partition of {p}"));
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(ToString::to_string).collect();
        words.push(format!("inherits {}", parents.join(", ")));
    }
    if words.is_empty() {
        "plain".to_string()
    } else {
        words.join(", ")
    }
}

impl Differ<'_> {
    /// Whether both sides describe the kinds this module compares.
    fn objects_known(&self) -> bool {
        self.a.schema.objects_known && self.b.schema.objects_known
    }

    /// Every kind of this module, in a fixed order after the tables.
    pub(super) fn objects(&mut self) {
        if self.objects_known() {
            self.extensions();
            self.relations();
            self.functions();
        }
    }

    /// A table both sides have: its kind, persistence and triggers.
    pub(super) fn table_objects(&mut self, ta: &Table, tb: &Table) {
        if !self.objects_known() {
            return;
        }
        let (ka, kb) = (table_kind(ta), table_kind(tb));
        if ka != kb {
            let f = Difference::new(
                ObjectKind::Table,
                format!(
                    "table `{}` is {ka} in {}, {kb} in {}",
                    ta.name, self.a.label, self.b.label
                ),
                ta.origin,
            )
            .table(&ta.name)
            .object(ta.name.to_string());
            let ddl = |k: &str| format!("-- table {}: {k}", ta.name);
            self.push(f, Some(ddl(&ka)), Some(ddl(&kb)));
        }
        self.triggers(ta, tb);
    }

    fn triggers(&mut self, ta: &Table, tb: &Table) {
        let names = union(
            ta.triggers.iter().map(|t| &t.name),
            tb.triggers.iter().map(|t| &t.name),
        );
        for name in names {
            let xa = ta.triggers.iter().find(|t| t.name == name);
            let xb = tb.triggers.iter().find(|t| t.name == name);
            let (da, db) = (
                xa.map(|t| trigger_ddl(&ta.name, t)),
                xb.map(|t| trigger_ddl(&tb.name, t)),
            );
            if da == db {
                continue;
            }
            let message = if xa.is_some() && xb.is_some() {
                format!(
                    "trigger `{name}` on `{}` differs: {} in {}, {} in {}",
                    ta.name,
                    xa.map(trigger_body).unwrap_or_default(),
                    self.a.label,
                    xb.map(trigger_body).unwrap_or_default(),
                    self.b.label
                )
            } else {
                format!(
                    "trigger `{name}` on `{}` is {}",
                    ta.name,
                    self.only_in(xa.is_some())
                )
            };
            let f = Difference::new(
                ObjectKind::Trigger,
                message,
                pick(xa.map(|t| t.origin), xb.map(|t| t.origin)),
            )
            .table(&ta.name)
            .object(name.clone());
            self.push(f, da, db);
        }
    }

    fn extensions(&mut self) {
        let (a, b) = (self.a.schema, self.b.schema);
        for name in union(a.extensions.keys(), b.extensions.keys()) {
            let (ea, eb) = (a.extensions.get(&name), b.extensions.get(&name));
            let (va, vb) = (
                a.extension_versions.get(&name),
                b.extension_versions.get(&name),
            );
            let message = match (ea, eb, va, vb) {
                (Some(_), Some(_), Some(x), Some(y)) if x != y => format!(
                    "extension `{name}` version differs: {x} in {}, {y} in {}",
                    self.a.label, self.b.label
                ),
                (Some(_), Some(_), _, _) => continue,
                _ => format!("extension `{name}` is {}", self.only_in(ea.is_some())),
            };
            let ddl = |v: Option<&String>| {
                let version = v.map(|v| format!(" VERSION '{v}'")).unwrap_or_default();
                format!("CREATE EXTENSION {}{version};", quote_ident(&name))
            };
            let f = Difference::new(
                ObjectKind::Extension,
                message,
                pick(ea.copied(), eb.copied()),
            )
            .object(name.clone());
            self.push(f, ea.map(|_| ddl(va)), eb.map(|_| ddl(vb)));
        }
    }

    /// Sequences, views, materialized views and composite types.
    fn relations(&mut self) {
        let (a, b) = (
            &self.a.schema.other_relations,
            &self.b.schema.other_relations,
        );
        let compared = |k: RelKind| {
            matches!(
                k,
                RelKind::Sequence
                    | RelKind::View
                    | RelKind::MaterializedView
                    | RelKind::CompositeType
            )
        };
        for name in union(a.keys(), b.keys()) {
            let (oa, ob) = (
                a.get(&name).filter(|o| compared(o.kind)),
                b.get(&name).filter(|o| compared(o.kind)),
            );
            let Some(message) = self.relation_message(&name, oa, ob) else {
                continue;
            };
            let kind = match oa.or(ob).map(|o| o.kind) {
                Some(RelKind::Sequence) => ObjectKind::Sequence,
                Some(RelKind::CompositeType) => ObjectKind::CompositeType,
                _ => ObjectKind::View,
            };
            let f = Difference::new(
                kind,
                message,
                pick(oa.map(|o| o.origin), ob.map(|o| o.origin)),
            )
            .object(name.to_string());
            self.push(
                f,
                oa.map(|o| relation_ddl(&name, o)),
                ob.map(|o| relation_ddl(&name, o)),
            );
        }
    }

    /// What differs between two relations of one name, `None` when nothing does.
    fn relation_message(
        &self,
        name: &QualName,
        oa: Option<&OtherRelation>,
        ob: Option<&OtherRelation>,
    ) -> Option<String> {
        let (a, b) = match (oa, ob) {
            (None, None) => return None,
            (Some(o), None) | (None, Some(o)) => {
                return Some(format!(
                    "{} `{name}` is {}",
                    o.kind.describe(),
                    self.only_in(oa.is_some())
                ));
            }
            (Some(a), Some(b)) => (a, b),
        };
        let (la, lb) = (self.a.label, self.b.label);
        if a.kind != b.kind {
            return Some(format!(
                "`{name}` is a {} in {la}, a {} in {lb}",
                a.kind.describe(),
                b.kind.describe()
            ));
        }
        match (&a.detail, &b.detail) {
            (RelationDetail::Sequence(x), RelationDetail::Sequence(y)) => {
                let mut what = Vec::new();
                if x.options() != y.options() {
                    what.push(format!("{} in {la}, {} in {lb}", x.options(), y.options()));
                }
                if x.owned_by != y.owned_by {
                    let owner = |o: &Option<(QualName, String)>| match o {
                        Some((t, c)) => format!("owned by {t}.{}", quote_ident(c)),
                        None => "owned by nothing".to_string(),
                    };
                    what.push(format!(
                        "{} in {la}, {} in {lb}",
                        owner(&x.owned_by),
                        owner(&y.owned_by)
                    ));
                }
                (!what.is_empty())
                    .then(|| format!("sequence `{name}` differs: {}", what.join("; ")))
            }
            (RelationDetail::View(x), RelationDetail::View(y)) => match (x.key(), y.key()) {
                (Some(kx), Some(ky)) if kx != ky => Some(format!(
                    "{} `{name}` query differs between {la} and {lb}",
                    a.kind.describe()
                )),
                _ => None,
            },
            (RelationDetail::Composite(x), RelationDetail::Composite(y)) => (x != y).then(|| {
                format!(
                    "composite type `{name}` differs: ({}) in {la}, ({}) in {lb}",
                    attribute_list(x),
                    attribute_list(y)
                )
            }),
            // A side that does not know the options or the query says nothing about them.
            _ => None,
        }
    }

    fn functions(&mut self) {
        let (a, b) = (&self.a.schema.functions, &self.b.schema.functions);
        for key in union(a.keys(), b.keys()) {
            let (fa, fb) = (a.get(&key), b.get(&key));
            let kind_word = |f: &Function| if f.procedure { "procedure" } else { "function" };
            let message = match (fa, fb) {
                (Some(x), Some(y)) => {
                    let mut what = Vec::new();
                    let (la, lb) = (self.a.label, self.b.label);
                    if x.procedure != y.procedure {
                        what.push(format!(
                            "a {} in {la}, a {} in {lb}",
                            kind_word(x),
                            kind_word(y)
                        ));
                    }
                    if x.returns != y.returns {
                        let r = |r: &Option<String>| r.clone().unwrap_or_else(|| "nothing".into());
                        what.push(format!(
                            "returns {} in {la}, {} in {lb}",
                            r(&x.returns),
                            r(&y.returns)
                        ));
                    }
                    if x.language != y.language {
                        what.push(format!(
                            "language {} in {la}, {} in {lb}",
                            x.language, y.language
                        ));
                    }
                    if let (Some(bx), Some(by)) = (&x.body, &y.body)
                        && bx != by
                    {
                        what.push(format!("body differs between {la} and {lb}"));
                    }
                    if what.is_empty() {
                        continue;
                    }
                    format!("{} `{key}` differs: {}", kind_word(x), what.join("; "))
                }
                (Some(f), None) | (None, Some(f)) => {
                    format!("{} `{key}` is {}", kind_word(f), self.only_in(fa.is_some()))
                }
                (None, None) => continue,
            };
            let f = Difference::new(
                ObjectKind::Function,
                message,
                pick(fa.map(|f| f.origin), fb.map(|f| f.origin)),
            )
            .object(key.clone());
            self.push(f, fa.map(function_ddl), fb.map(function_ddl));
        }
    }
}
