//! RENAME, SET SCHEMA and DROP, and what follows from them: indexes, constraints and foreign
//! keys that go with a dropped column, key or table, or follow a renamed one.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use indexmap::IndexMap;
use pg_query::NodeEnum;
use pg_query::protobuf;

use super::lookups::note;
use super::nodes::strings;
use super::{Ctx, Owner, Replay};
use crate::schema::model::{ConstraintKind, ForeignKey, KeyTarget, QualName, RelKind};
use crate::schema::names::truncate_identifier;
use crate::schema::objects::RelationDetail;
use crate::schema::view_labels::rename_label_in_query;

impl Replay<'_> {
    pub(super) fn rename(&mut self, s: &protobuf::RenameStmt, ctx: &Ctx<'_>) {
        use protobuf::ObjectType as O;
        let new = truncate_identifier(&s.newname).to_string();
        let rt = s.rename_type;
        if rt == O::ObjectSchema as i32 {
            self.rename_schema(&s.subname, &new);
            return;
        }
        let Some(rv) = s.relation.as_ref() else {
            if rt == O::ObjectType as i32
                && let Some(NodeEnum::List(l)) = s.object.as_ref().and_then(|o| o.node.as_ref())
            {
                let old = self.qualified_from_list(&strings(&l.items));
                self.rename_type(&old, &new);
            }
            return;
        };
        let name = self.lookup_name(rv);
        if rt == O::ObjectTable as i32
            || rt == O::ObjectView as i32
            || rt == O::ObjectMatview as i32
            || rt == O::ObjectSequence as i32
            || rt == O::ObjectForeignTable as i32
            || rt == O::ObjectIndex as i32
        {
            let to = QualName::new(name.schema.clone(), new);
            if self.schema.tables.contains_key(&name) || self.ensure_table(&name) {
                self.move_table(&name, to);
            } else if self.schema.indexes.contains_key(&name) {
                self.rename_index(&name, to);
            } else if let Some(o) = self.schema.other_relations.shift_remove(&name) {
                self.hints.freed(&name.name);
                if o.kind == RelKind::Sequence {
                    self.follow_sequence_rename(&name.name, &to.name);
                }
                self.follow_relation_in_views(&name, &to);
                self.schema.other_relations.insert(to, o);
            } else if !s.missing_ok {
                self.missing_table(name, Owner::Statement, ctx.relation_span(rv));
            }
        } else if rt == O::ObjectColumn as i32 {
            if !self.ensure_table(&name) {
                if !s.missing_ok && !self.schema.other_relations.contains_key(&name) {
                    self.missing_table(name, Owner::Statement, ctx.relation_span(rv));
                }
                return;
            }
            let old = truncate_identifier(&s.subname).to_string();
            if !self.schema.tables[&name].columns.contains_key(&old) {
                let loc = ctx.name_span(&old, ctx.at(rv.location));
                self.missing_column(&name, &old, Owner::Statement, loc);
                return;
            }
            self.rename_column(&name, &old, &new);
        } else if rt == O::ObjectTabconstraint as i32 {
            let old = truncate_identifier(&s.subname).to_string();
            let Some(t) = self.schema.tables.get_mut(&name) else {
                return;
            };
            let Some(mut c) = t.constraints.shift_remove(&old) else {
                return;
            };
            self.hints.freed(&old);
            c.name = new.clone();
            let index = c.index.clone();
            if index.is_some() {
                c.index = Some(new.clone());
            }
            t.constraints.insert(new.clone(), c);
            if let Some(i) = index {
                self.rename_index(
                    &QualName::new(name.schema.clone(), i),
                    QualName::new(name.schema.clone(), new),
                );
            }
        } else if rt == O::ObjectPolicy as i32
            && let Some(p) = self
                .schema
                .tables
                .get_mut(&name)
                .and_then(|t| t.policies.iter_mut().find(|p| p.name == s.subname))
        {
            p.name = new;
        }
    }

    /// `ALTER TYPE old RENAME TO new`: the catalog follows the type by OID, so the columns
    /// of that type (and arrays of it) have the new type name.
    pub(super) fn rename_type(&mut self, old: &QualName, new: &str) {
        self.rename_composite(old, new);
        if let Some(labels) = self.schema.enums.shift_remove(old) {
            self.schema
                .enums
                .insert(QualName::new(old.schema.clone(), new), labels);
        }
        let array = format!("{}[]", old.name);
        for t in self.schema.tables.values_mut() {
            for c in t.columns.values_mut() {
                if c.type_name == old.name {
                    c.type_name = new.to_string();
                } else if c.type_name == array {
                    c.type_name = format!("{new}[]");
                }
            }
        }
    }

    /// `ALTER TYPE … ADD VALUE [BEFORE | AFTER]` and `RENAME VALUE`. A renamed label is
    /// renamed in the defaults of the columns of that type too: the catalog stores the
    /// label's OID, not its text.
    pub(super) fn alter_enum(&mut self, s: &protobuf::AlterEnumStmt) {
        let name = self.type_name(&s.type_name);
        let Some(labels) = self.schema.enums.get_mut(&name) else {
            return;
        };
        if !s.old_val.is_empty() {
            if let Some(l) = labels.iter_mut().find(|l| **l == s.old_val) {
                *l = s.new_val.clone();
            }
            let quote = |v: &str| format!("'{}'", v.replace('\'', "''"));
            let (from, to) = (quote(&s.old_val), quote(&s.new_val));
            for t in self.schema.tables.values_mut() {
                for c in t.columns.values_mut() {
                    if c.type_name == name.name && c.default.as_deref() == Some(from.as_str()) {
                        c.default = Some(to.clone());
                    }
                }
            }
            self.follow_label_rename(&name.name, &s.old_val, &s.new_val);
            return;
        }
        if labels.contains(&s.new_val) {
            return;
        }
        let at = labels
            .iter()
            .position(|l| *l == s.new_val_neighbor)
            .filter(|_| !s.new_val_neighbor.is_empty())
            .map(|i| if s.new_val_is_after { i + 1 } else { i });
        match at {
            Some(i) => labels.insert(i, s.new_val.clone()),
            None => labels.push(s.new_val.clone()),
        }
    }

    /// A renamed enum label inside CHECK predicates, index expressions and predicates (EXCLUDE
    /// ones too), policies and view queries: where the expression uses it as a value of the enum, the catalog
    /// stores the label's OID and prints the new label.
    fn follow_label_rename(&mut self, type_name: &str, from: &str, to: &str) {
        let array = format!("{type_name}[]");
        let mut typed: HashMap<QualName, Vec<String>> = HashMap::default();
        for t in self.schema.tables.values_mut() {
            let columns: Vec<String> = t
                .columns
                .values()
                .filter(|c| c.type_name == type_name || c.type_name == array)
                .map(|c| c.name.clone())
                .collect();
            let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
            let exprs = t
                .constraints
                .values_mut()
                .filter_map(|c| c.check.as_mut())
                .chain(
                    t.policies
                        .iter_mut()
                        .flat_map(|p| p.using.as_mut().into_iter().chain(p.with_check.as_mut())),
                );
            for e in exprs {
                e.rename_enum_label(type_name, &cols, from, to);
            }
            typed.insert(t.name.clone(), columns);
        }
        for index in self.schema.indexes.values_mut() {
            let columns = typed.get(&index.table).map(Vec::as_slice).unwrap_or(&[]);
            let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
            let keys = index.keys.iter_mut().filter_map(|k| match &mut k.target {
                KeyTarget::Expr(e) => Some(e),
                KeyTarget::Column(_) => None,
            });
            for e in keys.chain(index.predicate.as_mut()) {
                e.rename_enum_label(type_name, &cols, from, to);
            }
        }
        // A view may read any table: the columns of the type anywhere.
        let all: Vec<&str> = typed.values().flatten().map(String::as_str).collect();
        for r in self.schema.other_relations.values_mut() {
            if let RelationDetail::View(q) = &mut r.detail
                && let Some(text) = rename_label_in_query(&q.text, type_name, &all, from, to)
            {
                q.set_text(text);
            }
        }
    }

    /// `ALTER SEQUENCE old RENAME TO new`: defaults name the sequence by OID
    /// (`nextval('old'::regclass)`), so the catalog prints the new name in them.
    fn follow_sequence_rename(&mut self, old: &str, new: &str) {
        let quote = |v: &str| format!("'{}'::regclass", v.replace('\'', "''"));
        let (from, to) = (quote(old), quote(new));
        for t in self.schema.tables.values_mut() {
            for c in t.columns.values_mut() {
                if let Some(d) = c.default.as_mut()
                    && d.contains(&from)
                {
                    *d = d.replace(&from, &to);
                }
            }
        }
    }

    /// Renames an index; an index that backs a constraint renames the constraint too.
    pub(super) fn rename_index(&mut self, from: &QualName, to: QualName) {
        // PostgreSQL refuses a name another relation has; replacing it would lose that index.
        if *from != to && self.schema.relation_exists(&to) {
            return;
        }
        let Some(moved) = self.schema.indexes.swap_remove(from) else {
            return;
        };
        self.hints.freed(&from.name);
        self.schema.indexes.insert(to.clone(), moved);
        if let Some(seq) = self.index_seq.remove(from) {
            self.index_seq.insert(to.clone(), seq);
        }
        let index = &mut self.schema.indexes[&to];
        index.name = to.clone();
        if let Some(con) = index.constraint.clone()
            && let Some(t) = self.schema.tables.get_mut(&index.table)
            && rekey(&mut t.constraints, &con, to.name.clone())
        {
            let c = &mut t.constraints[&to.name];
            c.name = to.name.clone();
            c.index = Some(to.name.clone());
            index.constraint = Some(to.name.clone());
        }
        let index = index.clone();
        self.note_index(&index);
        for child in self.children_of(from) {
            if let Some(i) = self.schema.indexes.get_mut(&child) {
                i.parent_index = Some(to.clone());
            }
            note(&mut self.lookups.children, &to, &child);
        }
    }

    pub(super) fn rename_column(&mut self, table: &QualName, old: &str, new: &str) {
        // PostgreSQL refuses a rename onto an existing column; so does the replay (a replay
        // that starts from a database where the migration already ran meets this).
        if old != new
            && self
                .schema
                .tables
                .get(table)
                .is_some_and(|t| t.columns.contains_key(old) && t.columns.contains_key(new))
        {
            return;
        }
        self.follow_table(table, table, Some((old, new)));
        self.follow_column_in_dependents(table, old, new);
        if let Some(t) = self.schema.tables.get_mut(table) {
            if let Some(idx) = t.columns.get_index_of(old) {
                // Constant time, order kept: a shifting remove and insert moved every later
                // column, quadratic over thousands of renames on one table.
                if let Some((_, mut col)) = t.columns.swap_remove_index(idx) {
                    col.name = new.to_string();
                    let (at, _) = t.columns.insert_full(new.to_string(), col);
                    t.columns.swap_indices(idx, at);
                }
            }
            for c in t.constraints.values_mut() {
                for col in &mut c.columns {
                    if col == old {
                        *col = new.to_string();
                    }
                }
                if let Some(e) = &mut c.check {
                    e.rename_column(old, new);
                }
            }
            for p in &mut t.policies {
                for e in p.using.iter_mut().chain(p.with_check.iter_mut()) {
                    e.rename_column(old, new);
                }
            }
            // Generation expressions name the column by number in the catalog. Only looked
            // for once a generated column exists: every column of a 30,000-column table for
            // each rename made renames quadratic.
            if self.lookups.generated {
                for c in t.columns.values_mut() {
                    if let Some(g) = &mut c.generated {
                        g.rename_column(old, new);
                    }
                }
            }
        }
        for name in self.indexes_on(table) {
            let i = &mut self.schema.indexes[&name];
            for k in &mut i.keys {
                match &mut k.target {
                    KeyTarget::Column(c) if c == old => *c = new.to_string(),
                    KeyTarget::Expr(e) => {
                        e.rename_column(old, new);
                    }
                    _ => {}
                }
            }
            for c in &mut i.include {
                if c == old {
                    *c = new.to_string();
                }
            }
            if let Some(p) = &mut i.predicate {
                p.rename_column(old, new);
            }
        }
        for referencing in self.referencing(table) {
            let Some(t) = self.schema.tables.get_mut(&referencing) else {
                continue;
            };
            for c in t.constraints.values_mut() {
                if let Some(fk) = &mut c.foreign_key
                    && &fk.ref_table == table
                {
                    for rc in &mut fk.ref_columns {
                        if rc == old {
                            *rc = new.to_string();
                        }
                    }
                }
            }
        }
        // Partitions and inheritance children share their parent's columns.
        for c in self.inheritors_of(table) {
            if self.schema.tables[&c].columns.contains_key(old) {
                self.rename_column(&c, old, new);
            }
        }
    }

    /// Renames or moves a table; its indexes follow into the new schema and foreign keys that
    /// reference it are updated.
    pub(super) fn move_table(&mut self, from: &QualName, to: QualName) {
        let partitions = self.partitions_of(from);
        let referencing = self.referencing(from);
        let indexes = self.indexes_on(from);
        if !rekey(&mut self.schema.tables, from, to.clone()) {
            return;
        }
        // The old name, and the constraint names in the old table's scope, are free again.
        self.hints.freed(&from.name);
        for c in self.schema.tables[&to].constraints.keys() {
            self.hints.freed(c);
        }
        self.schema.tables[&to].name = to.clone();
        if self.lookups.policy_tables.contains(from) {
            self.lookups.policy_tables.insert(to.clone());
        }
        self.follow_table(from, &to, None);
        self.follow_relation_in_views(from, &to);
        if self.incomplete.remove(from) {
            self.incomplete.insert(to.clone());
        }
        for n in indexes {
            let new_name = QualName::new(to.schema.clone(), n.name.clone());
            if new_name != n {
                self.rename_index(&n, new_name.clone());
            }
            // A name taken in the target schema keeps the index where it was (PostgreSQL
            // would refuse the statement); it still belongs to the moved table.
            let current = if self.schema.indexes.contains_key(&n) {
                n
            } else {
                new_name
            };
            if let Some(i) = self.schema.indexes.get_mut(&current) {
                i.table = to.clone();
                let i = i.clone();
                self.note_index(&i);
            }
        }
        for p in partitions {
            if let Some(t) = self.schema.tables.get_mut(&p) {
                t.partition_of = Some(to.clone());
            }
        }
        for r in referencing {
            // A self-reference moved with the table itself.
            let r = if &r == from { to.clone() } else { r };
            let Some(t) = self.schema.tables.get_mut(&r) else {
                continue;
            };
            for c in t.constraints.values_mut() {
                if let Some(fk) = &mut c.foreign_key
                    && &fk.ref_table == from
                {
                    fk.ref_table = to.clone();
                }
            }
            note(&mut self.lookups.referencing, &to, &r);
        }
        self.note_foreign_keys(&to);
    }

    pub(super) fn rename_schema(&mut self, old: &str, new: &str) {
        if let Some(o) = self.schema.schemas.shift_remove(old) {
            self.schema.schemas.insert(new.to_string(), o);
        }
        let tables: Vec<QualName> = self
            .schema
            .tables
            .keys()
            .filter(|q| q.schema == old)
            .cloned()
            .collect();
        for t in tables {
            let to = QualName::new(new, t.name.clone());
            self.move_table(&t, to);
        }
        let others: Vec<QualName> = self
            .schema
            .other_relations
            .keys()
            .filter(|q| q.schema == old)
            .cloned()
            .collect();
        for o in others {
            if let Some(v) = self.schema.other_relations.shift_remove(&o) {
                self.hints.freed(&o.name);
                self.schema
                    .other_relations
                    .insert(QualName::new(new, o.name), v);
            }
        }
    }

    pub(super) fn set_schema(&mut self, s: &protobuf::AlterObjectSchemaStmt) {
        use protobuf::ObjectType as O;
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        let to = QualName::new(truncate_identifier(&s.newschema), name.name.clone());
        let ot = s.object_type;
        if (ot == O::ObjectTable as i32 || ot == O::ObjectForeignTable as i32)
            && (self.schema.tables.contains_key(&name) || self.ensure_table(&name))
        {
            self.move_table(&name, to);
        } else if let Some(o) = self.schema.other_relations.shift_remove(&name) {
            self.hints.freed(&name.name);
            self.follow_relation_in_views(&name, &to);
            self.schema.other_relations.insert(to, o);
        }
    }

    pub(super) fn drop(&mut self, s: &protobuf::DropStmt, ctx: &Ctx<'_>) {
        use protobuf::ObjectType as O;
        let rt = s.remove_type;
        for obj in &s.objects {
            let names = match obj.node.as_ref() {
                Some(NodeEnum::List(l)) => strings(&l.items),
                Some(NodeEnum::String(st)) => vec![st.sval.clone()],
                Some(NodeEnum::TypeName(t)) => strings(&t.names),
                _ => continue,
            };
            if rt == O::ObjectSchema as i32 {
                for schema in &names {
                    self.drop_schema(schema);
                }
                continue;
            }
            if rt == O::ObjectExtension as i32 {
                for e in &names {
                    self.schema.extensions.shift_remove(e);
                }
                continue;
            }
            if rt == O::ObjectPolicy as i32 {
                if let Some((policy, table)) = names.split_last() {
                    let t = self.qualified_from_list(table);
                    if let Some(t) = self.schema.tables.get_mut(&t) {
                        t.policies.retain(|p| &p.name != policy);
                    }
                }
                continue;
            }
            if rt == O::ObjectType as i32 || rt == O::ObjectDomain as i32 {
                let q = self.qualified_from_list(&names);
                if s.behavior == protobuf::DropBehavior::DropCascade as i32 {
                    // CASCADE drops the columns of the type, and what depends on them.
                    let doomed = crate::schema::dependencies::on_type(&self.schema, self, &q);
                    self.drop_dependents(&doomed);
                }
                self.schema.enums.shift_remove(&q);
                if self.schema.other_relations.shift_remove(&q).is_some() {
                    self.hints.freed(&q.name);
                }
                continue;
            }
            let q = self.qualified_from_list(&names);
            if rt == O::ObjectTable as i32 || rt == O::ObjectForeignTable as i32 {
                if self.schema.tables.contains_key(&q) {
                    if s.behavior == protobuf::DropBehavior::DropCascade as i32 {
                        // Inheriting tables, and foreign keys and views over any of them.
                        let doomed =
                            crate::schema::dependencies::on_relation(&self.schema, self, &q);
                        self.drop_dependents(&doomed);
                    }
                    self.drop_table(&q);
                } else if self.schema.other_relations.shift_remove(&q).is_some() {
                    self.hints.freed(&q.name);
                } else if !s.missing_ok {
                    let loc = ctx.name_span(names.last().map(String::as_str).unwrap_or(""), 0);
                    self.missing_table(q, Owner::Statement, loc);
                }
            } else if rt == O::ObjectIndex as i32 {
                self.drop_index(&q);
            } else if (rt == O::ObjectView as i32 || rt == O::ObjectMatview as i32)
                && self.schema.other_relations.contains_key(&q)
            {
                self.drop_view(&q);
            } else if rt == O::ObjectSequence as i32
                && self.schema.other_relations.shift_remove(&q).is_some()
            {
                self.hints.freed(&q.name);
            }
        }
    }

    pub(super) fn drop_table(&mut self, name: &QualName) {
        // Partitions go with their parent.
        for p in self.partitions_of(name) {
            self.drop_table(&p);
        }
        self.drop_foreign_keys_to(name, |_| true);
        // Views over the table cannot outlive it: PostgreSQL drops them with CASCADE and
        // refuses the DROP without it (the rule `column-still-referenced` says so).
        let views = crate::schema::dependencies::views_on(&self.schema, self, name);
        self.drop_dependents(&views);
        if let Some(t) = self.schema.tables.shift_remove(name) {
            self.hints.freed(&name.name);
            for c in t.constraints.keys() {
                self.hints.freed(c);
            }
        }
        self.incomplete.remove(name);
        for index in self.indexes_on(name) {
            self.drop_index(&index);
        }
        self.drop_owned_sequences(name);
    }

    pub(super) fn drop_schema(&mut self, schema: &str) {
        self.schema.schemas.shift_remove(schema);
        let tables: Vec<QualName> = self
            .schema
            .tables
            .keys()
            .filter(|q| q.schema == schema)
            .cloned()
            .collect();
        for t in tables {
            self.drop_table(&t);
        }
        let hints = &mut self.hints;
        self.schema.indexes.retain(|q, _| {
            let keep = q.schema != schema;
            if !keep {
                hints.freed(&q.name);
            }
            keep
        });
        self.index_seq.retain(|q, _| q.schema != schema);
        self.schema.other_relations.retain(|q, _| {
            let keep = q.schema != schema;
            if !keep {
                hints.freed(&q.name);
            }
            keep
        });
        self.schema.enums.retain(|q, _| q.schema != schema);
        self.schema.view_uses.retain(|q, _| q.schema != schema);
    }

    pub(super) fn drop_column(&mut self, table: &QualName, column: &str) {
        // What depends on the column goes too: with CASCADE; without it PostgreSQL refuses,
        // and the rule `column-still-referenced` reports that.
        let dependents = crate::schema::dependencies::on_column(&self.schema, self, table, column);
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.columns.shift_remove(column);
        }
        self.drop_dependents(&dependents);
        // Indexes and constraints that use the column go with it (with or without CASCADE).
        let doomed: Vec<QualName> = self
            .indexes_on(table)
            .into_iter()
            .filter(|n| self.schema.indexes[n].columns().any(|c| c == column))
            .collect();
        for name in doomed {
            self.drop_index(&name);
        }
        let constraints: Vec<String> = self
            .schema
            .tables
            .get(table)
            .map(|t| {
                t.constraints
                    .values()
                    .filter(|c| c.columns.iter().any(|c| c == column))
                    .map(|c| c.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        for c in constraints {
            self.drop_constraint(table, &c);
        }
        self.drop_sequences_owned_by(table, column);
        // Foreign keys elsewhere that reference the column.
        self.drop_foreign_keys_to(table, |fk| fk.ref_columns.iter().any(|c| c == column));
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.policies.retain(|p| {
                !p.using
                    .iter()
                    .chain(p.with_check.iter())
                    .any(|e| e.columns.iter().any(|c| c == column))
            });
        }
        // Partitions share their parent's columns.
        for p in self.partitions_of(table) {
            if self.schema.tables[&p].columns.contains_key(column) {
                self.drop_column(&p, column);
            }
        }
    }

    pub(super) fn drop_constraint(&mut self, table: &QualName, name: &str) {
        let Some(c) = self
            .schema
            .tables
            .get_mut(table)
            .and_then(|t| t.constraints.shift_remove(name))
        else {
            return;
        };
        self.hints.freed(name);
        if let Some(index) = c.index {
            let iname = QualName::new(table.schema.clone(), index);
            // Dropping a key a foreign key depends on drops the foreign key (CASCADE), unless
            // another unique index on the same columns still backs it.
            if c.kind != ConstraintKind::Exclude
                && self
                    .unique_index_on(table, &c.columns, Some(&iname))
                    .is_none()
            {
                let cols: HashSet<&str> = c.columns.iter().map(String::as_str).collect();
                self.drop_foreign_keys_to(table, |fk| {
                    fk.ref_columns.len() == cols.len()
                        && fk.ref_columns.iter().all(|r| cols.contains(r.as_str()))
                });
            }
            self.drop_index(&iname);
        }
    }

    pub(super) fn drop_index(&mut self, name: &QualName) {
        if self.schema.indexes.swap_remove(name).is_some() {
            self.hints.freed(&name.name);
            self.index_seq.remove(name);
            for c in self.children_of(name) {
                self.drop_index(&c);
            }
        }
    }

    /// Drops the foreign keys that reference `table` and satisfy `doomed`.
    pub(super) fn drop_foreign_keys_to(
        &mut self,
        table: &QualName,
        doomed: impl Fn(&ForeignKey) -> bool,
    ) {
        for referencing in self.referencing(table) {
            if let Some(t) = self.schema.tables.get_mut(&referencing) {
                let hints = &mut self.hints;
                t.constraints.retain(|name, c| {
                    let drop = c
                        .foreign_key
                        .as_ref()
                        .is_some_and(|fk| &fk.ref_table == table && doomed(fk));
                    if drop {
                        hints.freed(name);
                    }
                    !drop
                });
            }
        }
    }
}

/// Renames a map entry in place, keeping its position (creation order matters: rules keep the
/// earlier of two duplicates). Returns whether it was renamed: not when `from` is not there,
/// nor when another entry is already called `to` (PostgreSQL refuses such a rename, so
/// the model stays as it was).
fn rekey<K: std::hash::Hash + Eq, V, S: std::hash::BuildHasher>(
    map: &mut IndexMap<K, V, S>,
    from: &K,
    to: K,
) -> bool {
    if to != *from && map.contains_key(&to) {
        return false;
    }
    // A swap-remove, a push and a swap keep every other entry where it was in constant time
    // (a shifting remove and insert move every later entry: quadratic over a rename chain).
    match map.swap_remove_full(from) {
        Some((pos, _, value)) => {
            let (at, _) = map.insert_full(to, value);
            map.swap_indices(pos, at);
            true
        }
        None => false,
    }
}
