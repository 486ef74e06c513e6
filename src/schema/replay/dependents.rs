//! What depends on what, in the replay: the queries views read are recorded when they are
//! created and follow renames; DROP … CASCADE takes the dependents with it; and before a
//! DROP, ALTER COLUMN TYPE or RENAME COLUMN runs, the dependents it will refuse, drop or break
//! are recorded as an [`Event::Dependents`] for the `column-still-referenced` rule.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AlterTableType as T, DropBehavior, Node};

use super::lookups::note;
use super::nodes::strings;
use super::{Ctx, Event, Replay};
use crate::schema::dependencies::{self, Dependent};
use crate::schema::model::{Origin, QualName};
use crate::schema::names::truncate_identifier;

/// What a statement does to something others depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DependedAction {
    /// `ALTER TABLE … DROP COLUMN`.
    DropColumn {
        /// The table.
        table: QualName,
        /// The column.
        column: String,
    },
    /// `DROP TABLE`, `DROP VIEW`, `DROP MATERIALIZED VIEW`.
    DropRelation {
        /// The relation.
        relation: QualName,
        /// "table", "view", "materialized view".
        kind: &'static str,
    },
    /// `DROP TYPE`.
    DropType {
        /// The type.
        name: QualName,
    },
    /// `ALTER COLUMN … TYPE`.
    AlterType {
        /// The table.
        table: QualName,
        /// The column.
        column: String,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: QualName,
        /// The old name.
        column: String,
        /// The new name.
        new: String,
    },
}

/// The dependents a statement refuses, drops or breaks, recorded before it runs.
#[derive(Clone, Debug)]
pub struct Dependents {
    /// What the statement does.
    pub action: DependedAction,
    /// `CASCADE` was given.
    pub cascade: bool,
    /// The dependents, in PostgreSQL's order as far as the model knows it.
    pub dependents: Vec<Dependent>,
    /// The statement.
    pub location: Origin,
}

impl Replay<'_> {
    /// Records what a view's query reads, as PostgreSQL records it at creation.
    pub(super) fn note_view_uses(&mut self, view: &QualName, query: &Node) {
        let resolve = |schema: Option<&str>, name: &str| match schema {
            Some(s) => QualName::new(truncate_identifier(s), truncate_identifier(name)),
            None => self.qualified_from_list(&[name.to_string()]),
        };
        let uses = dependencies::query_uses(query, &self.schema, &resolve);
        self.schema.view_uses.insert(view.clone(), uses);
        self.note_view_readers(view);
    }

    /// Drops a view or materialized view and the views over it.
    pub(super) fn drop_view(&mut self, view: &QualName) {
        let mut doomed = dependencies::views_on(&self.schema, self, view);
        doomed.insert(
            0,
            Dependent::View(view.clone(), crate::schema::RelKind::View),
        );
        self.drop_dependents(&doomed);
    }

    /// Drops what CASCADE drops with its object (the object itself is dropped by the caller).
    pub(super) fn drop_dependents(&mut self, dependents: &[Dependent]) {
        for d in dependents {
            match d {
                Dependent::View(v, _) => {
                    if self.schema.other_relations.shift_remove(v).is_some() {
                        self.hints.freed(&v.name);
                    }
                    self.schema.view_uses.shift_remove(v);
                }
                Dependent::GeneratedColumn(t, c) | Dependent::Column(t, c) => {
                    if self
                        .schema
                        .tables
                        .get(t)
                        .is_some_and(|t| t.columns.contains_key(c))
                    {
                        self.drop_column(t, c);
                    }
                }
                Dependent::Policy(t, p) => {
                    if let Some(t) = self.schema.tables.get_mut(t) {
                        t.policies.retain(|x| &x.name != p);
                    }
                }
                Dependent::Trigger(t, x) => {
                    if let Some(t) = self.schema.tables.get_mut(t) {
                        t.triggers.retain(|y| &y.name != x);
                    }
                }
                Dependent::ForeignKey(t, c) => {
                    if let Some(t) = self.schema.tables.get_mut(t)
                        && t.constraints.shift_remove(c).is_some()
                    {
                        self.hints.freed(c);
                    }
                }
                Dependent::Table(t) => {
                    if self.schema.tables.contains_key(t) {
                        self.drop_table(t);
                    }
                }
                Dependent::Function(_) => {}
            }
        }
    }

    /// A relation renamed or moved: the views that read it read it under its new name.
    pub(super) fn follow_relation_in_views(&mut self, from: &QualName, to: &QualName) {
        if let Some(u) = self.schema.view_uses.shift_remove(from) {
            self.schema.view_uses.insert(to.clone(), u);
            self.note_view_readers(to);
        }
        // Only the views that read it (the lookup), not every view for every rename.
        let readers: Vec<QualName> = self
            .lookups
            .view_readers
            .get(from)
            .map(|v| {
                v.iter()
                    .map(|r| if r == from { to.clone() } else { r.clone() })
                    .collect()
            })
            .unwrap_or_default();
        for reader in &readers {
            note(&mut self.lookups.view_readers, to, reader);
            let columns: Vec<String> = self
                .schema
                .view_uses
                .get(reader)
                .map(|u| {
                    u.columns
                        .iter()
                        .filter(|(t, _)| t == from)
                        .map(|(_, c)| c.clone())
                        .collect()
                })
                .unwrap_or_default();
            for c in columns {
                note(&mut self.lookups.column_readers, &(to.clone(), c), reader);
            }
        }
        for reader in readers {
            let Some(u) = self.schema.view_uses.get_mut(&reader) else {
                continue;
            };
            for r in &mut u.relations {
                if r == from {
                    *r = to.clone();
                }
            }
            for (t, _) in &mut u.columns {
                if t == from {
                    *t = to.clone();
                }
            }
        }
    }

    /// A column renamed: the views, and the triggers' `UPDATE OF` lists and WHEN, follow it.
    pub(super) fn follow_column_in_dependents(&mut self, table: &QualName, old: &str, new: &str) {
        // Only the views that read the column (the lookup), not every view for every rename.
        let readers: Vec<QualName> = self
            .lookups
            .column_readers
            .get(&(table.clone(), old.to_string()))
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default();
        let renamed = (table.clone(), new.to_string());
        for reader in readers {
            let Some(u) = self.schema.view_uses.get_mut(&reader) else {
                continue;
            };
            for (t, c) in &mut u.columns {
                if t == table && c == old {
                    *c = new.to_string();
                }
            }
            note(&mut self.lookups.column_readers, &renamed, &reader);
        }
        if let Some(t) = self.schema.tables.get_mut(table) {
            for x in &mut t.triggers {
                x.events = x
                    .events
                    .split(" OR ")
                    .map(|e| match e.strip_prefix("UPDATE OF ") {
                        Some(cols) => {
                            let cols: Vec<&str> = cols
                                .split(", ")
                                .map(|c| if c == old { new } else { c })
                                .collect();
                            format!("UPDATE OF {}", cols.join(", "))
                        }
                        None => e.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ");
                if let Some(w) = &mut x.when
                    && let Ok(mut e) = crate::schema::expr::SqlExpr::parse(w)
                    && e.rename_column(old, new)
                {
                    *w = e.into_text();
                }
            }
        }
    }

    /// Records the dependents of what the statement drops, retypes or renames, before it runs.
    pub(super) fn dependency_facts(&mut self, node: &Node, ctx: &Ctx<'_>) {
        let facts = match node.node.as_ref() {
            Some(NodeEnum::DropStmt(s)) => self.dependent_drops(s),
            Some(NodeEnum::AlterTableStmt(s))
                if s.objtype == protobuf::ObjectType::ObjectTable as i32 =>
            {
                self.alter_column_facts(s)
            }
            Some(NodeEnum::RenameStmt(s))
                if s.rename_type == protobuf::ObjectType::ObjectColumn as i32 =>
            {
                self.dependent_renames(s)
            }
            _ => Vec::new(),
        };
        for (action, cascade, dependents) in facts {
            if dependents.is_empty() {
                continue;
            }
            if matches!(action, DependedAction::RenameColumn { .. }) {
                self.open_renames.push((self.events.len(), ctx.stmt.file));
            }
            self.events.push(Event::Dependents(Box::new(Dependents {
                action,
                cascade,
                dependents,
                location: ctx.stmt.whole(),
            })));
        }
    }

    /// Takes from the open renames of this file the dependents a statement mends (a function
    /// replaced after the rename, as the rule's help advises).
    pub(super) fn mend_renames(&mut self, ctx: &Ctx<'_>, mended: impl Fn(&Dependent) -> bool) {
        let file = ctx.stmt.file;
        self.open_renames.retain(|(_, f)| *f == file);
        for (i, _) in &self.open_renames {
            if let Some(Event::Dependents(d)) = self.events.get_mut(*i) {
                d.dependents.retain(|x| !mended(x));
            }
        }
    }

    /// `ADD COLUMN` of a renamed column's old name, later in the same file: the functions that
    /// name it find a column again.
    pub(super) fn mend_renamed_column(&mut self, table: &QualName, column: &str, ctx: &Ctx<'_>) {
        let file = ctx.stmt.file;
        self.open_renames.retain(|(_, f)| *f == file);
        for (i, _) in &self.open_renames {
            if let Some(Event::Dependents(d)) = self.events.get_mut(*i)
                && matches!(&d.action, DependedAction::RenameColumn { table: t, column: c, .. }
                    if t == table && c == column)
            {
                d.dependents.clear();
            }
        }
    }

    fn dependent_drops(
        &self,
        s: &protobuf::DropStmt,
    ) -> Vec<(DependedAction, bool, Vec<Dependent>)> {
        use protobuf::ObjectType as O;
        let cascade = s.behavior == DropBehavior::DropCascade as i32;
        let rt = s.remove_type;
        let mut out = Vec::new();
        for obj in &s.objects {
            let names = match obj.node.as_ref() {
                Some(NodeEnum::List(l)) => strings(&l.items),
                Some(NodeEnum::TypeName(t)) => strings(&t.names),
                _ => continue,
            };
            let q = self.qualified_from_list(&names);
            let kind = if rt == O::ObjectTable as i32 && self.schema.tables.contains_key(&q) {
                "table"
            } else if rt == O::ObjectView as i32 && self.schema.other_relations.contains_key(&q) {
                "view"
            } else if rt == O::ObjectMatview as i32 && self.schema.other_relations.contains_key(&q)
            {
                "materialized view"
            } else if rt == O::ObjectType as i32 {
                let deps = dependencies::on_type(&self.schema, self, &q);
                out.push((DependedAction::DropType { name: q }, cascade, deps));
                continue;
            } else {
                continue;
            };
            let deps = dependencies::on_relation(&self.schema, self, &q);
            out.push((
                DependedAction::DropRelation { relation: q, kind },
                cascade,
                deps,
            ));
        }
        // Objects dropped by the same statement (`DROP TABLE a, b`), and what belongs to
        // them, are no dependents: PostgreSQL drops them together.
        let dropped: Vec<QualName> = out
            .iter()
            .filter_map(|(a, _, _)| match a {
                DependedAction::DropRelation { relation, .. } => Some(relation.clone()),
                _ => None,
            })
            .collect();
        for (_, _, deps) in &mut out {
            deps.retain(|d| !dependencies::belongs_to_any(d, &dropped));
        }
        out
    }

    fn alter_column_facts(
        &self,
        s: &protobuf::AlterTableStmt,
    ) -> Vec<(DependedAction, bool, Vec<Dependent>)> {
        let Some(rv) = s.relation.as_ref() else {
            return Vec::new();
        };
        let table = self.lookup_name(rv);
        let Some(t) = self.schema.tables.get(&table) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                continue;
            };
            let column = truncate_identifier(&cmd.name).to_string();
            if !t.columns.contains_key(&column) {
                continue;
            }
            let cascade = cmd.behavior == DropBehavior::DropCascade as i32;
            if cmd.subtype == T::AtDropColumn as i32 {
                let deps = dependencies::on_column(&self.schema, self, &table, &column);
                out.push((
                    DependedAction::DropColumn {
                        table: table.clone(),
                        column,
                    },
                    cascade,
                    deps,
                ));
            } else if cmd.subtype == T::AtAlterColumnType as i32 {
                let deps = dependencies::blocking_type_change(&self.schema, self, &table, &column);
                out.push((
                    DependedAction::AlterType {
                        table: table.clone(),
                        column,
                    },
                    false,
                    deps,
                ));
            }
        }
        out
    }

    fn dependent_renames(
        &self,
        s: &protobuf::RenameStmt,
    ) -> Vec<(DependedAction, bool, Vec<Dependent>)> {
        let Some(rv) = s.relation.as_ref() else {
            return Vec::new();
        };
        let table = self.lookup_name(rv);
        let column = truncate_identifier(&s.subname).to_string();
        if !self
            .schema
            .tables
            .get(&table)
            .is_some_and(|t| t.columns.contains_key(&column))
        {
            return Vec::new();
        }
        let keys = self
            .lookups
            .function_words
            .get(&column)
            .cloned()
            .unwrap_or_default();
        let deps = dependencies::functions_naming(&self.schema, keys, &table, &column);
        let new = truncate_identifier(&s.newname).to_string();
        vec![(
            DependedAction::RenameColumn { table, column, new },
            false,
            deps,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn replay(sql: &str) -> Schema {
        crate::check::check_sql("m.sql", sql).schema
    }

    fn q(name: &str) -> QualName {
        QualName::new("public", name)
    }

    #[test]
    fn generated_columns_are_created_added_renamed_and_dropped() {
        let s = replay(
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED, c int DEFAULT 1);
             ALTER TABLE t ADD COLUMN d text GENERATED ALWAYS AS (a::text) STORED;
             ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (a + 1) STORED;
             ALTER TABLE t ALTER COLUMN e DROP EXPRESSION;
             ALTER TABLE t RENAME COLUMN a TO x;
             CREATE TABLE l (LIKE t);",
        );
        let t = &s.tables[&q("t")];
        let g = |c: &str| {
            t.columns[c]
                .generated
                .as_ref()
                .map(|e| e.text().to_string())
        };
        assert_eq!(g("b").as_deref(), Some("x * 2"));
        assert_eq!(g("d").as_deref(), Some("x"));
        assert_eq!(g("c"), None);
        assert_eq!(g("e"), None);
        // A generated column has no default.
        assert_eq!(t.columns["b"].default, None);
        // LIKE without INCLUDING GENERATED copies a plain column.
        assert!(s.tables[&q("l")].columns["b"].generated.is_none());
    }

    #[test]
    fn cascades_follow_renames_of_tables_views_and_columns() {
        // The reverse lookups (views reading a relation or a column, tables with policies,
        // referencing tables) must follow every rename, or a cascade misses its dependents.
        let s = replay(
            "CREATE TABLE t (id int PRIMARY KEY, a int, b int);
             CREATE VIEW v AS SELECT a FROM t;
             CREATE VIEW w AS SELECT a FROM v;
             CREATE VIEW keep AS SELECT b FROM t;
             ALTER TABLE t RENAME COLUMN a TO x;
             ALTER TABLE t RENAME TO u;
             ALTER VIEW v RENAME TO v2;
             ALTER TABLE u DROP COLUMN x CASCADE;",
        );
        assert_eq!(
            s.tables[&q("u")].columns.keys().collect::<Vec<_>>(),
            ["id", "b"]
        );
        assert!(!s.other_relations.contains_key(&q("v2")));
        assert!(!s.other_relations.contains_key(&q("w")));
        assert!(s.other_relations.contains_key(&q("keep")));
        let s = replay(
            "CREATE TABLE t (id int PRIMARY KEY);
             CREATE TABLE c (id int, t_id int REFERENCES t);
             ALTER TABLE c RENAME TO c2;
             ALTER TABLE t RENAME TO u;
             DROP TABLE u CASCADE;",
        );
        assert_eq!(s.tables[&q("c2")].foreign_keys().count(), 0);
        // A policy of a renamed table whose subquery reads the dropped column.
        let s = replay(
            "CREATE TABLE t (id int PRIMARY KEY, a int);
             CREATE TABLE m (t_id int);
             CREATE POLICY p ON m USING (t_id IN (SELECT id FROM t WHERE a > 0));
             CREATE POLICY keep ON m USING (t_id > 0);
             ALTER TABLE m RENAME TO m2;
             ALTER TABLE t DROP COLUMN a CASCADE;",
        );
        let policies: Vec<&str> = s.tables[&q("m2")]
            .policies
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(policies, ["keep"]);
    }

    #[test]
    fn cascades_drop_what_postgresql_drops() {
        let s = replay(
            "CREATE TABLE t (id int PRIMARY KEY, a int, owner text, g int GENERATED ALWAYS AS (a + 1) STORED);
             CREATE VIEW v AS SELECT g FROM t;
             CREATE VIEW w AS SELECT * FROM v;
             CREATE VIEW keep AS SELECT id FROM t;
             CREATE POLICY own ON t USING (owner = current_user);
             CREATE TABLE c (id int, t_id int REFERENCES t);
             ALTER TABLE t DROP COLUMN a CASCADE;
             ALTER TABLE t DROP COLUMN owner CASCADE;",
        );
        let t = &s.tables[&q("t")];
        assert_eq!(t.columns.keys().collect::<Vec<_>>(), ["id"]);
        assert!(t.policies.is_empty());
        assert!(!s.other_relations.contains_key(&q("v")));
        assert!(!s.other_relations.contains_key(&q("w")));
        assert!(s.other_relations.contains_key(&q("keep")));
        let s2 = replay(
            "CREATE TABLE t (id int PRIMARY KEY);
             CREATE VIEW v AS SELECT id FROM t;
             CREATE VIEW w AS SELECT id FROM v;
             CREATE TABLE c (id int, t_id int REFERENCES t);
             DROP TABLE t CASCADE;",
        );
        assert!(s2.other_relations.is_empty());
        assert!(s2.view_uses.is_empty());
        assert!(s2.tables[&q("c")].constraints.is_empty());
        let s3 = replay(
            "CREATE TABLE par (id int, a int) PARTITION BY RANGE (id);
             CREATE TABLE p1 PARTITION OF par FOR VALUES FROM (0) TO (10);
             CREATE VIEW pv AS SELECT a FROM p1;
             ALTER TABLE par DROP COLUMN a CASCADE;",
        );
        assert_eq!(
            s3.tables[&q("p1")].columns.keys().collect::<Vec<_>>(),
            ["id"]
        );
        assert!(s3.other_relations.is_empty());
        let s4 = replay(
            "CREATE TABLE par (id int);
             CREATE TABLE ch (b int) INHERITS (par);
             CREATE VIEW chv AS SELECT b FROM ch;
             DROP TABLE par CASCADE;",
        );
        assert!(s4.tables.is_empty() && s4.other_relations.is_empty());
    }

    #[test]
    fn views_follow_renames_of_their_tables_and_columns() {
        let s = replay(
            "CREATE TABLE t (id int, a int);
             CREATE VIEW v AS SELECT a FROM t;
             ALTER TABLE t RENAME COLUMN a TO b;
             ALTER TABLE t RENAME TO u;
             ALTER VIEW v RENAME TO v2;
             ALTER TABLE u DROP COLUMN b CASCADE;",
        );
        assert!(s.other_relations.is_empty(), "{:?}", s.other_relations);
        let s = replay(
            "CREATE TYPE mood AS ENUM ('a');
             CREATE TABLE m (id int, md mood, mds mood[]);
             CREATE VIEW mv AS SELECT md FROM m;
             DROP TYPE mood CASCADE;",
        );
        assert_eq!(s.tables[&q("m")].columns.keys().collect::<Vec<_>>(), ["id"]);
        assert!(s.other_relations.is_empty());
    }
}
