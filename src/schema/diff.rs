//! Drift: two schemas compared object by object (tables, columns, indexes, constraints and
//! foreign keys, policies, enum types). Each difference is plain data that says which side has what (the
//! drift rules turn it into findings); the differing objects are also rendered as normalised
//! DDL for a unified diff.

use super::ddl::{
    constraint_body, constraint_ddl, enum_ddl, index_ddl, index_definition_with_options,
    policy_ddl, table_ddl,
};
use super::expr::SqlExpr;
use super::model::*;
use crate::schema::opclass;

mod objects;

/// One side of a comparison: a schema and what to call it in messages (`migrations`,
/// `drizzle snapshot`, `database`).
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// How messages name this side.
    pub label: &'a str,
}

/// Kept at its old path: the schema's DDL is rendered by [`super::ddl`].
pub use super::ddl::schema_ddl;

/// The kind of object a difference is about; each kind has its own drift rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A table one side lacks.
    Table,
    /// A column missing on one side, or with another type, nullability, default or generation
    /// expression.
    Column,
    /// An index missing on one side, or defined otherwise.
    Index,
    /// A primary key, unique, check or foreign key constraint.
    Constraint,
    /// A row-level security policy, or whether row-level security is enabled.
    Policy,
    /// A sequence: its options and owner.
    Sequence,
    /// A view or materialized view: its query.
    View,
    /// A function or procedure: return type, language, body.
    Function,
    /// A trigger: timing, events, function, WHEN.
    Trigger,
    /// An enum type missing on one side, or with other labels or another label order.
    Enum,
    /// An extension, and its version where both sides know it.
    Extension,
    /// A composite type (`CREATE TYPE … AS (…)`): its attributes, names and types in order.
    CompositeType,
}

/// One differing object, as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// What kind of object differs.
    pub kind: ObjectKind,
    /// What differs, in one sentence that names the object and both sides.
    pub message: String,
    /// Side A's object when it has one, else side B's.
    pub origin: Origin,
    /// The table concerned.
    pub table: Option<QualName>,
    /// The object's name (a table, column, index, constraint or policy).
    pub object: Option<String>,
}

impl Difference {
    fn new(kind: ObjectKind, message: String, origin: Origin) -> Self {
        Difference {
            kind,
            message,
            origin,
            table: None,
            object: None,
        }
    }

    fn table(mut self, table: &QualName) -> Self {
        self.table = Some(table.clone());
        self
    }

    fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }
}

/// What a comparison found.
#[derive(Debug, Default)]
pub struct Drift {
    /// One difference per differing object, in comparison order.
    pub differences: Vec<Difference>,
    /// Normalised DDL of the differing objects as side A has them (absent objects omitted).
    pub a_ddl: String,
    /// The same objects as side B has them.
    pub b_ddl: String,
}

impl Drift {
    /// A unified diff of the differing objects' DDL (`--- a` / `+++ b`), empty when none.
    pub fn unified_diff(&self, a_label: &str, b_label: &str) -> String {
        if self.a_ddl == self.b_ddl {
            return String::new();
        }
        similar::TextDiff::from_lines(&self.a_ddl, &self.b_ddl)
            .unified_diff()
            .context_radius(3)
            .header(a_label, b_label)
            .to_string()
    }
}

/// Compares `a` with `b`.
pub fn diff(a: Side<'_>, b: Side<'_>) -> Drift {
    let mut d = Differ {
        a_indexes: a.schema.indexes_by_table(),
        b_indexes: b.schema.indexes_by_table(),
        a,
        b,
        out: Drift::default(),
    };
    d.tables();
    d.enums();
    d.objects();
    d.out
}

struct Differ<'a> {
    a: Side<'a>,
    b: Side<'a>,
    /// Each side's indexes grouped by table, so that comparing a table never scans the schema.
    a_indexes: Map<&'a QualName, Vec<&'a Index>>,
    b_indexes: Map<&'a QualName, Vec<&'a Index>>,
    out: Drift,
}

/// An index with its operator classes normalised against its own schema: an explicit default
/// (`text_ops` on a text column) and an omitted one are the same, as the index health rules
/// count them; the catalog reports defaults as omitted.
fn with_default_opclasses(schema: &Schema, index: &Index) -> Index {
    let table = schema.tables.get(&index.table);
    let mut out = index.clone();
    for (key, original) in out.keys.iter_mut().zip(&index.keys) {
        key.opclass =
            opclass::normalised(schema, table, &index.method, original).map(str::to_string);
    }
    out
}

/// Where a finding points: side A's object when it has one, else side B's.
fn pick(a: Option<Origin>, b: Option<Origin>) -> Origin {
    a.or(b).unwrap_or_default()
}

impl Differ<'_> {
    fn push(&mut self, difference: Difference, a_ddl: Option<String>, b_ddl: Option<String>) {
        self.out.differences.push(difference);
        for (ddl, text) in [(a_ddl, &mut self.out.a_ddl), (b_ddl, &mut self.out.b_ddl)] {
            if let Some(ddl) = ddl {
                text.push_str(&ddl);
                text.push('\n');
            }
        }
    }

    fn only_in(&self, in_a: bool) -> String {
        let (has, lacks) = if in_a {
            (self.a.label, self.b.label)
        } else {
            (self.b.label, self.a.label)
        };
        format!("in {has}, not in {lacks}")
    }

    fn tables(&mut self) {
        // A foreign table is compared only when both sides can describe one (an ORM's schema
        // cannot), like the other object kinds beside tables.
        let both_know = self.a.schema.objects_known && self.b.schema.objects_known;
        let foreign = |n: &QualName| {
            [self.a.schema, self.b.schema]
                .iter()
                .any(|s| s.tables.get(n).is_some_and(|t| t.foreign.is_some()))
        };
        let names: Vec<QualName> = union(self.a.schema.tables.keys(), self.b.schema.tables.keys())
            .into_iter()
            .filter(|n| !is_bookkeeping(n) && (both_know || !foreign(n)))
            .collect();
        for name in names {
            let ta = self.a.schema.tables.get(&name);
            let tb = self.b.schema.tables.get(&name);
            match (ta, tb) {
                (Some(t), None) | (None, Some(t)) => {
                    let in_a = ta.is_some();
                    let f = Difference::new(
                        ObjectKind::Table,
                        format!("table `{name}` is {}", self.only_in(in_a)),
                        t.origin,
                    )
                    .table(&name)
                    .object(name.to_string());
                    let mut ddl = table_ddl(t, &column_order(t, None));
                    let by_table = if in_a {
                        &self.a_indexes
                    } else {
                        &self.b_indexes
                    };
                    for i in by_table.get(&name).into_iter().flatten() {
                        if i.constraint.is_none() {
                            ddl.push('\n');
                            ddl.push_str(&index_ddl(i));
                        }
                    }
                    if in_a {
                        self.push(f, Some(ddl), None);
                    } else {
                        self.push(f, None, Some(ddl));
                    }
                }
                (Some(ta), Some(tb)) => {
                    self.columns(ta, tb);
                    self.constraints(ta, tb);
                    self.indexes(&name);
                    self.policies(ta, tb);
                    self.table_objects(ta, tb);
                }
                (None, None) => {}
            }
        }
    }

    fn columns(&mut self, ta: &Table, tb: &Table) {
        let mut differences = Vec::new();
        for name in union(ta.columns.keys(), tb.columns.keys()) {
            let ca = ta.columns.get(&name);
            let cb = tb.columns.get(&name);
            let qualified = format!("{}.{}", ta.name, quote_ident(&name));
            let (message, origin) = match (ca, cb) {
                (Some(c), None) => (
                    format!("column `{qualified}` is {}", self.only_in(true)),
                    c.origin,
                ),
                (None, Some(c)) => (
                    format!("column `{qualified}` is {}", self.only_in(false)),
                    c.origin,
                ),
                (Some(a), Some(b)) => {
                    let mut what = Vec::new();
                    // An empty type is one the model does not know (a column of `CREATE
                    // TABLE … AS` whose expression it cannot type): never a difference.
                    if a.type_name != b.type_name
                        && !a.type_name.is_empty()
                        && !b.type_name.is_empty()
                    {
                        what.push(format!("type differs: {} vs {}", a.type_name, b.type_name));
                    }
                    if a.not_null != b.not_null {
                        let n = |x: bool| if x { "NOT NULL" } else { "nullable" };
                        what.push(format!(
                            "nullability differs: {} vs {}",
                            n(a.not_null),
                            n(b.not_null)
                        ));
                    }
                    let key = |c: &Column| {
                        c.default
                            .as_deref()
                            .and_then(|d| SqlExpr::default_key(d, &c.type_name))
                    };
                    if key(a) != key(b) {
                        let d =
                            |x: &Option<String>| x.clone().unwrap_or_else(|| "no default".into());
                        what.push(format!(
                            "default differs: {} vs {}",
                            d(&a.default),
                            d(&b.default)
                        ));
                    }
                    // A Prisma schema cannot express a generated column: no difference there.
                    let generated = |c: &Column| c.generated.as_ref().map(SqlExpr::generated_key);
                    if self.a.schema.knows_generated()
                        && self.b.schema.knows_generated()
                        && generated(a) != generated(b)
                    {
                        let g = |c: &Column| {
                            c.generated.as_ref().map_or_else(
                                || "not generated".to_string(),
                                |e| format!("GENERATED ALWAYS AS ({}) STORED", e.text()),
                            )
                        };
                        what.push(format!(
                            "generated expression differs: {} vs {}",
                            g(a),
                            g(b)
                        ));
                    }
                    if what.is_empty() {
                        continue;
                    }
                    (
                        format!(
                            "column `{qualified}` {} ({} vs {})",
                            what.join("; "),
                            self.a.label,
                            self.b.label
                        ),
                        a.origin,
                    )
                }
                (None, None) => continue,
            };
            differences.push((name, message, origin));
        }
        if differences.is_empty() {
            return;
        }
        // One table block in the DDL diff for all its column differences.
        let order = column_order(ta, Some(tb));
        let (a_ddl, b_ddl) = (table_ddl(ta, &order), table_ddl(tb, &order));
        let last = differences.len() - 1;
        for (i, (name, message, origin)) in differences.into_iter().enumerate() {
            let f = Difference::new(ObjectKind::Column, message, origin)
                .table(&ta.name)
                .object(name);
            if i == last {
                self.push(f, Some(a_ddl.clone()), Some(b_ddl.clone()));
            } else {
                self.push(f, None, None);
            }
        }
    }

    fn constraints(&mut self, ta: &Table, tb: &Table) {
        for name in union(ta.constraints.keys(), tb.constraints.keys()) {
            let ca = ta.constraints.get(&name);
            let cb = tb.constraints.get(&name);
            let message = match (ca, cb) {
                (Some(c), None) | (None, Some(c)) => format!(
                    "{} constraint `{name}` on `{}` is {}",
                    c.kind.sql(),
                    ta.name,
                    self.only_in(ca.is_some())
                ),
                (Some(a), Some(b)) => {
                    // A CHECK whose predicate one side does not give is compared by its
                    // columns, as before predicates were kept; NOT VALID only when both sides
                    // can say it (an ORM's schema cannot).
                    let both_know = self.a.schema.objects_known && self.b.schema.objects_known;
                    let (a, b) = &comparable_checks(a, b, both_know);
                    let da = constraint_ddl(&ta.name, a, self.a.schema);
                    let db = constraint_ddl(&tb.name, b, self.b.schema);
                    if da == db {
                        continue;
                    }
                    let (body_a, body_b) = (
                        constraint_body(a, self.a.schema),
                        constraint_body(b, self.b.schema),
                    );
                    if body_a == body_b {
                        let state = |c: &Constraint| {
                            if c.validated {
                                "validated"
                            } else {
                                "NOT VALID"
                            }
                        };
                        format!(
                            "constraint `{name}` on `{}` is {} in {}, {} in {}",
                            ta.name,
                            state(a),
                            self.a.label,
                            state(b),
                            self.b.label
                        )
                    } else {
                        format!(
                            "constraint `{name}` on `{}` differs: {body_a} in {}, {body_b} in {}",
                            ta.name, self.a.label, self.b.label
                        )
                    }
                }
                (None, None) => continue,
            };
            let f = Difference::new(
                ObjectKind::Constraint,
                message,
                pick(ca.map(|c| c.origin), cb.map(|c| c.origin)),
            )
            .table(&ta.name)
            .object(name.clone());
            let a_ddl = ca.map(|c| constraint_ddl(&ta.name, c, self.a.schema));
            let b_ddl = cb.map(|c| constraint_ddl(&tb.name, c, self.b.schema));
            self.push(f, a_ddl, b_ddl);
        }
    }

    fn indexes(&mut self, table: &QualName) {
        let of = |m: &Map<&QualName, Vec<&Index>>| -> Vec<QualName> {
            m.get(table)
                .map(|v| v.iter().map(|i| i.name.clone()).collect())
                .unwrap_or_default()
        };
        let (ia, ib) = (of(&self.a_indexes), of(&self.b_indexes));
        for name in union(ia.iter(), ib.iter()) {
            let xa = self
                .a
                .schema
                .indexes
                .get(&name)
                .filter(|i| &i.table == table)
                .map(|i| with_default_opclasses(self.a.schema, i));
            let xb = self
                .b
                .schema
                .indexes
                .get(&name)
                .filter(|i| &i.table == table)
                .map(|i| with_default_opclasses(self.b.schema, i));
            let (xa, xb) = (xa.as_ref(), xb.as_ref());
            // A constraint's index is compared with its constraint.
            let backs = |i: Option<&Index>| i.is_some_and(|i| i.constraint.is_some());
            if (backs(xa) || xa.is_none()) && (backs(xb) || xb.is_none()) {
                continue;
            }
            let message = match (xa, xb) {
                (Some(_), None) | (None, Some(_)) => format!(
                    "index `{}` on `{table}` is {}",
                    name.name,
                    self.only_in(xa.is_some())
                ),
                (Some(a), Some(b)) => {
                    let (da, db) = (index_ddl(a), index_ddl(b));
                    if da == db {
                        continue;
                    }
                    format!(
                        "index `{}` on `{table}` differs: {} in {}, {} in {}",
                        name.name,
                        index_definition_with_options(a),
                        self.a.label,
                        index_definition_with_options(b),
                        self.b.label
                    )
                }
                (None, None) => continue,
            };
            let f = Difference::new(
                ObjectKind::Index,
                message,
                pick(xa.map(|i| i.origin), xb.map(|i| i.origin)),
            )
            .table(table)
            .object(name.name.clone());
            self.push(f, xa.map(index_ddl), xb.map(index_ddl));
        }
    }

    fn enums(&mut self) {
        for name in union(self.a.schema.enums.keys(), self.b.schema.enums.keys()) {
            let la = self.a.schema.enums.get(&name);
            let lb = self.b.schema.enums.get(&name);
            let message = match (la, lb) {
                (Some(_), None) | (None, Some(_)) => {
                    format!("enum type `{name}` is {}", self.only_in(la.is_some()))
                }
                (Some(a), Some(b)) if a != b => {
                    let list = |l: &[String]| {
                        l.iter()
                            .map(|x| format!("'{x}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    format!(
                        "enum type `{name}` differs: ({}) in {}, ({}) in {}",
                        list(a),
                        self.a.label,
                        list(b),
                        self.b.label
                    )
                }
                _ => continue,
            };
            // The model keeps no origin for enum types: the difference names the type.
            let f = Difference::new(ObjectKind::Enum, message, Origin::Derived)
                .object(name.to_string());
            let ddl = |l: Option<&Vec<String>>| l.map(|l| enum_ddl(&name, l));
            self.push(f, ddl(la), ddl(lb));
        }
    }

    fn policies(&mut self, ta: &Table, tb: &Table) {
        if ta.rls_enabled != tb.rls_enabled {
            let state = |x: bool| if x { "enabled" } else { "disabled" };
            let f = Difference::new(
                ObjectKind::Policy,
                format!(
                    "row level security on `{}` is {} in {}, {} in {}",
                    ta.name,
                    state(ta.rls_enabled),
                    self.a.label,
                    state(tb.rls_enabled),
                    self.b.label
                ),
                ta.origin,
            )
            .table(&ta.name);
            let rls = |t: &Table| {
                format!(
                    "ALTER TABLE {} {} ROW LEVEL SECURITY;",
                    t.name,
                    if t.rls_enabled { "ENABLE" } else { "DISABLE" }
                )
            };
            self.push(f, Some(rls(ta)), Some(rls(tb)));
        }
        let names = union(
            ta.policies.iter().map(|p| &p.name),
            tb.policies.iter().map(|p| &p.name),
        );
        for name in names {
            let pa = ta.policies.iter().find(|p| p.name == name);
            let pb = tb.policies.iter().find(|p| p.name == name);
            let (da, db) = (
                pa.map(|p| policy_ddl(&ta.name, p)),
                pb.map(|p| policy_ddl(&tb.name, p)),
            );
            if da == db {
                continue;
            }
            let message = if pa.is_some() && pb.is_some() {
                format!(
                    "policy `{name}` on `{}` differs between {} and {}",
                    ta.name, self.a.label, self.b.label
                )
            } else {
                format!(
                    "policy `{name}` on `{}` is {}",
                    ta.name,
                    self.only_in(pa.is_some())
                )
            };
            let f = Difference::new(
                ObjectKind::Policy,
                message,
                pick(pa.map(|p| p.origin), pb.map(|p| p.origin)),
            )
            .table(&ta.name)
            .object(name.clone());
            self.push(f, da, db);
        }
    }
}

/// Migration tools' bookkeeping tables (which migrations ran): drizzle, Prisma, diesel,
/// golang-migrate / dbmate / Rails, Flyway, sqlx, goose, knex.
pub const BOOKKEEPING_TABLES: &[&str] = &[
    "__drizzle_migrations",
    "_prisma_migrations",
    "__diesel_schema_migrations",
    "schema_migrations",
    "ar_internal_metadata",
    "flyway_schema_history",
    "_sqlx_migrations",
    "goose_db_version",
    "knex_migrations",
    "knex_migrations_lock",
];

/// Whether a relation is a bookkeeping table or the sequence of one's serial column. Not the
/// application's schema: a structure dump creates them, a database has them, a snapshot does
/// not, so a diff leaves them out on both sides alike.
pub fn is_bookkeeping(name: &QualName) -> bool {
    BOOKKEEPING_TABLES.iter().any(|t| {
        name.name == *t || (name.name.starts_with(&format!("{t}_")) && name.name.ends_with("_seq"))
    })
}

/// Names of both sides: A's in order, then B's that A lacks.
fn union<'k, K: Clone + PartialEq + 'k>(
    a: impl Iterator<Item = &'k K>,
    b: impl Iterator<Item = &'k K>,
) -> Vec<K> {
    let mut out: Vec<K> = a.cloned().collect();
    for k in b {
        if !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

/// Column order for rendering: `t`'s, then `other`'s extra columns, so both sides align.
fn column_order(t: &Table, other: Option<&Table>) -> Vec<String> {
    union(
        t.columns.keys(),
        other.into_iter().flat_map(|o| o.columns.keys()),
    )
}

/// Two same-named constraints ready to compare: without their CHECK predicates when either
/// side lacks one (a source that does not give it is not a different predicate), and both
/// taken as validated unless both sides can express `NOT VALID` (`validity_known`).
fn comparable_checks(
    a: &Constraint,
    b: &Constraint,
    validity_known: bool,
) -> (Constraint, Constraint) {
    let (mut a, mut b) = (a.clone(), b.clone());
    if a.check.is_none() || b.check.is_none() {
        a.check = None;
        b.check = None;
    }
    if !validity_known {
        a.validated = true;
        b.validated = true;
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drift(a: &str, b: &str) -> Drift {
        crate::rules::tests::drift_of(a, b)
    }

    #[test]
    fn identical_schemas_have_no_drift() {
        let sql =
            "CREATE TABLE t (id int PRIMARY KEY, a text UNIQUE); CREATE INDEX ON t (lower(a));";
        assert!(drift(sql, sql).differences.is_empty());
    }

    #[test]
    fn each_kind_of_difference_is_named() {
        let d = drift(
            "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL); CREATE INDEX t_a ON t (a);
             CREATE TABLE gone (id int);",
            "CREATE TABLE t (id bigint PRIMARY KEY, a int, b text); CREATE INDEX t_a ON t (a DESC);
             ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
        );
        let findings = crate::rules::drift_findings(&d);
        let msgs: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.rule, f.message.as_str()))
            .collect();
        assert_eq!(
            msgs,
            [
                (
                    "drift-column",
                    "column `public.t.id` type differs: integer vs bigint (migrations vs database)"
                ),
                (
                    "drift-column",
                    "column `public.t.a` nullability differs: NOT NULL vs nullable (migrations vs database)"
                ),
                (
                    "drift-column",
                    "column `public.t.b` is in database, not in migrations"
                ),
                (
                    "drift-index",
                    "index `t_a` on `public.t` differs: USING btree (a) in migrations, USING btree (a DESC) in database"
                ),
                (
                    "drift-policy",
                    "row level security on `public.t` is disabled in migrations, enabled in database"
                ),
                (
                    "drift-table",
                    "table `public.gone` is in migrations, not in database"
                ),
            ]
        );
        let u = d.unified_diff("migrations", "database");
        assert!(u.contains("-    id integer NOT NULL"), "{u}");
        assert!(u.contains("+    id bigint NOT NULL"), "{u}");
        assert!(u.contains("-CREATE TABLE public.gone"), "{u}");
    }

    #[test]
    fn foreign_key_actions_and_policies_differ() {
        let base = "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int);";
        let d = drift(
            &format!(
                "{base} ALTER TABLE c ADD CONSTRAINT c_fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE; CREATE POLICY pol ON c USING (pid > 0);"
            ),
            &format!(
                "{base} ALTER TABLE c ADD CONSTRAINT c_fk FOREIGN KEY (pid) REFERENCES p (id); CREATE POLICY pol ON c USING (pid > 1);"
            ),
        );
        let findings = crate::rules::drift_findings(&d);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["drift-constraint", "drift-policy"]);
        assert!(findings[0].message.contains("ON DELETE CASCADE"));
    }

    /// (rule, message) of the drift between two replays.
    fn messages(a: &str, b: &str) -> Vec<(&'static str, String)> {
        crate::rules::drift_findings(&drift(a, b))
            .into_iter()
            .map(|f| (f.rule, f.message))
            .collect()
    }

    #[test]
    fn check_predicates_are_compared_by_meaning() {
        let table = |check: &str| format!("CREATE TABLE t (id int, age int, s text, {check});");
        // Spelled differently, one meaning: no drift.
        for (a, b) in [
            (
                "CONSTRAINT ok CHECK (age BETWEEN 0 AND 150)",
                "CONSTRAINT ok CHECK (((age >= 0) AND (age <= 150)))",
            ),
            (
                "CONSTRAINT ok CHECK (s IN ('a', 'b'))",
                "CONSTRAINT ok CHECK ((s = ANY (ARRAY['a'::text, 'b'::text])))",
            ),
            (
                "CONSTRAINT ok CHECK (s LIKE 'x%')",
                "CONSTRAINT ok CHECK ((s ~~ 'x%'::text))",
            ),
        ] {
            assert_eq!(messages(&table(a), &table(b)), [], "{a} vs {b}");
        }
        // A renamed column is renamed inside the predicate.
        assert_eq!(
            messages(
                &format!(
                    "{} ALTER TABLE t RENAME COLUMN age TO years;",
                    table("CONSTRAINT ok CHECK (age > 0)")
                ),
                "CREATE TABLE t (id int, years int, s text, CONSTRAINT ok CHECK (years > 0));",
            ),
            []
        );
        // The same columns, another predicate: a difference that shows both.
        assert_eq!(
            messages(
                &table("CONSTRAINT ok CHECK (age BETWEEN 0 AND 150)"),
                &table("CONSTRAINT ok CHECK (age BETWEEN 0 AND 149)"),
            ),
            [(
                "drift-constraint",
                "constraint `ok` on `public.t` differs: CHECK (age >= 0 AND age <= 150) in \
                 migrations, CHECK (age >= 0 AND age <= 149) in database"
                    .to_string()
            )]
        );
    }

    #[test]
    fn not_valid_constraints_differ_until_validated() {
        let base = "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int);
             ALTER TABLE c ADD CONSTRAINT c_fk FOREIGN KEY (pid) REFERENCES p (id) NOT VALID;
             ALTER TABLE c ADD CONSTRAINT c_pos CHECK (pid > 0) NOT VALID;";
        let validated = format!(
            "{base} ALTER TABLE c VALIDATE CONSTRAINT c_fk; ALTER TABLE c VALIDATE CONSTRAINT c_pos;"
        );
        assert_eq!(
            messages(base, &validated),
            [
                (
                    "drift-constraint",
                    "constraint `c_fk` on `public.c` is NOT VALID in migrations, validated in database"
                        .to_string()
                ),
                (
                    "drift-constraint",
                    "constraint `c_pos` on `public.c` is NOT VALID in migrations, validated in database"
                        .to_string()
                ),
            ]
        );
        assert_eq!(messages(base, base), []);
        assert_eq!(messages(&validated, &validated), []);
        // NOT VALID in CREATE TABLE is ignored: the constraint holds on an empty table.
        assert_eq!(
            messages(
                "CREATE TABLE t (a int, CONSTRAINT a_pos CHECK (a > 0) NOT VALID);",
                "CREATE TABLE t (a int, CONSTRAINT a_pos CHECK (a > 0));"
            ),
            []
        );
        let u = drift(base, &validated).unified_diff("migrations", "database");
        assert!(
            u.contains("-ALTER TABLE public.c ADD CONSTRAINT c_pos CHECK (pid > 0) NOT VALID;"),
            "{u}"
        );
        assert!(
            u.contains("+ALTER TABLE public.c ADD CONSTRAINT c_pos CHECK (pid > 0);"),
            "{u}"
        );
    }

    #[test]
    fn not_valid_is_not_compared_with_a_schema_that_cannot_say_it() {
        let a = crate::check::check_sql(
            "a.sql",
            "CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;",
        )
        .schema;
        assert!(!a.tables[&QualName::new("public", "t")].constraints["a_pos"].validated);
        let mut b = a.clone();
        b.objects_known = false;
        b.tables[&QualName::new("public", "t")].constraints["a_pos"].validated = true;
        let d = diff(
            Side {
                schema: &a,
                label: "migrations",
            },
            Side {
                schema: &b,
                label: "drizzle snapshot",
            },
        );
        assert_eq!(d.differences, []);
    }

    #[test]
    fn renamed_enum_labels_are_followed_into_checks_indexes_and_policies() {
        let a = "CREATE TYPE m AS ENUM ('a', 'b'); CREATE TABLE t (id int, x m CHECK (x <> 'a'));
             CREATE INDEX t_x ON t (id) WHERE x IN ('a', 'b');
             CREATE POLICY p ON t USING (x = 'a'::m);
             CREATE VIEW v AS SELECT id FROM t WHERE x = 'a';
             ALTER TYPE m RENAME VALUE 'a' TO 'c';";
        let b = |label: &str| {
            format!(
                "CREATE TYPE m AS ENUM ('c', 'b'); CREATE TABLE t (id int, x m CHECK (x <> '{label}'));
                 CREATE INDEX t_x ON t (id) WHERE x IN ('{label}', 'b');
                 CREATE POLICY p ON t USING (x = '{label}'::m);
                 CREATE VIEW v AS SELECT id FROM t WHERE x = '{label}';"
            )
        };
        assert_eq!(messages(a, &b("c")), []);
        let rules: Vec<&str> = messages(a, &b("a")).into_iter().map(|(r, _)| r).collect();
        assert_eq!(
            rules,
            [
                "drift-constraint",
                "drift-index",
                "drift-policy",
                "drift-view"
            ]
        );
    }
}
