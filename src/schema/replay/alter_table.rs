//! ALTER TABLE and ALTER INDEX: one method per subcommand.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AlterTableType as T};

use super::lookups::note;
use super::nodes::def_elem;
use super::{Ctx, Owner, Replay};
use crate::schema::expr::SqlExpr;
use crate::schema::model::{Column, Index, QualName};
use crate::schema::names::truncate_identifier;
use crate::schema::types;

/// What a column subcommand changes on its column.
#[derive(Clone)]
enum ColumnChange {
    SetNotNull,
    DropNotNull,
    Default(Option<String>),
    Type(Option<String>),
    /// `DROP EXPRESSION`: a generated column becomes a plain one, keeping its values.
    DropExpression,
}

impl Replay<'_> {
    pub(super) fn alter_table(&mut self, s: &protobuf::AlterTableStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        if s.objtype == protobuf::ObjectType::ObjectIndex as i32 {
            self.alter_index(&name, s);
            return;
        }
        if s.objtype != protobuf::ObjectType::ObjectTable as i32
            && s.objtype != protobuf::ObjectType::ObjectForeignTable as i32
        {
            return;
        }
        if !self.ensure_table(&name) {
            if self.schema.other_relations.contains_key(&name) || s.missing_ok {
                return;
            }
            self.missing_table(name, Owner::Statement, ctx.relation_span(rv));
            return;
        }
        // `ALTER TABLE ONLY`: column changes do not recurse to inheritance children.
        let only = !rv.inh;
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                continue;
            };
            self.alter_table_cmd(&name, cmd, only, ctx);
        }
    }

    fn alter_index(&mut self, name: &QualName, s: &protobuf::AlterTableStmt) {
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                continue;
            };
            if cmd.subtype == T::AtAttachPartition as i32
                && let Some(NodeEnum::PartitionCmd(pc)) =
                    cmd.def.as_ref().and_then(|d| d.node.as_ref())
                && let Some(child_rv) = pc.name.as_ref()
            {
                let child = self.lookup_name(child_rv);
                if let Some(i) = self.schema.indexes.get_mut(&child) {
                    i.parent_index = Some(name.clone());
                    note(&mut self.lookups.children, name, &child);
                }
            } else if cmd.subtype == T::AtSetRelOptions as i32
                && let Some(NodeEnum::List(l)) = cmd.def.as_ref().and_then(|d| d.node.as_ref())
                && let Some(i) = self.schema.indexes.get_mut(name)
            {
                for (k, v) in l.items.iter().filter_map(def_elem) {
                    i.options.retain(|(ok, _)| *ok != k);
                    i.options.push((k, v));
                }
            }
        }
    }

    fn alter_table_cmd(
        &mut self,
        table: &QualName,
        cmd: &protobuf::AlterTableCmd,
        only: bool,
        ctx: &Ctx<'_>,
    ) {
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        let colname = truncate_identifier(&cmd.name).to_string();
        let Ok(sub) = T::try_from(cmd.subtype) else {
            return;
        };
        let change = |c: ColumnChange| (c, only);
        match (sub, def) {
            (T::AtAddColumn, Some(NodeEnum::ColumnDef(col))) => {
                self.add_column(table, col, ctx);
                if !only {
                    self.add_inherited_column(table, truncate_identifier(&col.colname));
                }
            }
            (T::AtDropColumn, _) => {
                self.drop_column_cmd(table, &colname, cmd.missing_ok, only, ctx)
            }
            (T::AtAlterColumnType, Some(NodeEnum::ColumnDef(col))) => {
                let ty = col.type_name.as_ref().map(|t| types::normalise(t).name);
                self.change_column(table, &colname, change(ColumnChange::Type(ty)), ctx);
            }
            (T::AtSetNotNull, _) => {
                self.change_column(table, &colname, change(ColumnChange::SetNotNull), ctx)
            }
            (T::AtDropNotNull, _) => {
                self.change_column(table, &colname, change(ColumnChange::DropNotNull), ctx)
            }
            (T::AtDropExpression, _) => {
                self.change_column(table, &colname, change(ColumnChange::DropExpression), ctx)
            }
            (T::AtColumnDefault, _) => {
                let value = cmd
                    .def
                    .as_ref()
                    .filter(|_| def.is_some())
                    .and_then(|d| SqlExpr::default_text(d));
                self.change_column(table, &colname, change(ColumnChange::Default(value)), ctx);
            }
            (T::AtAddConstraint | T::AtAddIndexConstraint, Some(NodeEnum::Constraint(c))) => {
                self.add_constraint(table, c, None, ctx)
            }
            (T::AtDropConstraint, _) => self.drop_constraint(table, &colname),
            (T::AtValidateConstraint, _) => self.validate_constraint(table, &colname),
            (T::AtEnableRowSecurity | T::AtDisableRowSecurity, _) => {
                if let Some(t) = self.schema.tables.get_mut(table) {
                    t.rls_enabled = sub == T::AtEnableRowSecurity;
                }
            }
            (T::AtForceRowSecurity | T::AtNoForceRowSecurity, _) => {
                if let Some(t) = self.schema.tables.get_mut(table) {
                    t.rls_forced = sub == T::AtForceRowSecurity;
                }
            }
            (T::AtAttachPartition, Some(NodeEnum::PartitionCmd(pc))) => {
                if let Some(child_rv) = pc.name.as_ref() {
                    self.attach_partition(table, child_rv, ctx);
                }
            }
            (T::AtDetachPartition, Some(NodeEnum::PartitionCmd(pc))) => {
                if let Some(child_rv) = pc.name.as_ref() {
                    self.detach_partition(child_rv);
                }
            }
            (T::AtAddInherit, Some(NodeEnum::RangeVar(prv))) => self.add_inherit(table, prv),
            // ADD GENERATED … AS IDENTITY creates the column's sequence.
            (T::AtAddIdentity, _) if self.schema.tables[table].columns.contains_key(&colname) => {
                self.add_owned_sequence(table, &colname, false, ctx)
            }
            _ => {}
        }
    }

    /// ADD COLUMN: the column, its sequence if serial or identity, its constraints.
    fn add_column(&mut self, table: &QualName, col: &protobuf::ColumnDef, ctx: &Ctx<'_>) {
        let cname = truncate_identifier(&col.colname).to_string();
        if self.schema.tables[table].columns.contains_key(&cname) {
            return; // IF NOT EXISTS, or a failing statement: the column stays as it was.
        }
        let column = super::create_table::column_from_def(col, ctx);
        self.lookups.generated |= column.generated.is_some();
        self.mend_renamed_column(table, &cname, ctx);
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.columns.insert(cname.clone(), column);
        }
        self.add_column_sequence(table, col, ctx);
        for c in &col.constraints {
            if let Some(NodeEnum::Constraint(c)) = c.node.as_ref() {
                self.add_constraint(table, c, Some(&cname), ctx);
            }
        }
    }

    /// ADD COLUMN on a parent: its partitions and inheritance children get the column too,
    /// at their end (a child that has one of that name already keeps it, merged).
    fn add_inherited_column(&mut self, table: &QualName, name: &str) {
        let Some(column) = self.schema.tables[table].columns.get(name).cloned() else {
            return;
        };
        for child in self.inheritors_of(table) {
            let Some(t) = self.schema.tables.get_mut(&child) else {
                continue;
            };
            if t.columns.contains_key(name) {
                self.lookups.local_columns.insert((child, name.to_string()));
                continue;
            }
            t.columns.insert(name.to_string(), column.clone());
            self.add_inherited_column(&child, name);
        }
    }

    /// DROP COLUMN [IF EXISTS]. Inheritance children lose the column too, unless it is also
    /// their own (`attislocal`) or the statement says `ONLY`: then it stays theirs alone.
    fn drop_column_cmd(
        &mut self,
        table: &QualName,
        column: &str,
        missing_ok: bool,
        only: bool,
        ctx: &Ctx<'_>,
    ) {
        if !self.schema.tables[table].columns.contains_key(column) {
            if !missing_ok {
                let loc = ctx.name_span(column, 0);
                self.missing_column(table, column, Owner::Statement, loc);
            }
            return;
        }
        // Partitions always follow (drop_column sees to them).
        let children = self.inheritance_children(table);
        self.drop_column(table, column);
        for child in children {
            let key = (child, column.to_string());
            if !self.schema.tables[&key.0].columns.contains_key(column)
                || self.lookups.local_columns.contains(&key)
            {
                continue;
            }
            if only {
                self.lookups.local_columns.insert(key);
            } else {
                self.drop_column_cmd(&key.0, column, true, false, ctx);
            }
        }
    }

    /// ALTER COLUMN … TYPE / SET NOT NULL / DROP NOT NULL / SET DEFAULT / DROP DEFAULT.
    /// Recurses to partitions and inheritance children unless `ONLY` (`change.1`).
    fn change_column(
        &mut self,
        table: &QualName,
        column: &str,
        (change, only): (ColumnChange, bool),
        ctx: &Ctx<'_>,
    ) {
        if !only {
            for child in self.inheritors_of(table) {
                if self.schema.tables[&child].columns.contains_key(column) {
                    self.change_column(&child, column, (change.clone(), false), ctx);
                }
            }
        }
        let Some(c) = self
            .schema
            .tables
            .get_mut(table)
            .and_then(|t| t.columns.get_mut(column))
        else {
            let loc = ctx.name_span(column, 0);
            self.missing_column(table, column, Owner::Statement, loc);
            return;
        };
        match change {
            ColumnChange::SetNotNull => c.not_null = true,
            ColumnChange::DropNotNull => c.not_null = false,
            ColumnChange::Default(value) => c.default = value,
            ColumnChange::Type(Some(type_name)) => c.type_name = type_name,
            ColumnChange::Type(None) => {}
            ColumnChange::DropExpression => c.generated = None,
        }
    }

    /// VALIDATE CONSTRAINT: a NOT VALID CHECK or foreign key becomes validated.
    fn validate_constraint(&mut self, table: &QualName, name: &str) {
        if let Some(c) = self
            .schema
            .tables
            .get_mut(table)
            .and_then(|t| t.constraints.get_mut(name))
        {
            c.validated = true;
        }
    }

    /// ATTACH PARTITION: the partition gets (or adopts) copies of the parent's indexes.
    fn attach_partition(&mut self, table: &QualName, child_rv: &protobuf::RangeVar, ctx: &Ctx<'_>) {
        let child = self.lookup_name(child_rv);
        if !self.ensure_table(&child) {
            self.missing_table(child, Owner::Statement, ctx.relation_span(child_rv));
            return;
        }
        if let Some(t) = self.schema.tables.get_mut(&child) {
            t.partition_of = Some(table.clone());
        }
        let parent_indexes: Vec<Index> = self
            .indexes_on(table)
            .iter()
            .map(|n| self.schema.indexes[n].clone())
            .collect();
        let child_indexes = self.indexes_on(&child);
        for pi in parent_indexes {
            let adopt = child_indexes.iter().find(|n| {
                let ci = &self.schema.indexes[*n];
                ci.parent_index.is_none() && ci.same_definition(&pi, &self.schema)
            });
            match adopt.cloned() {
                Some(n) => {
                    if let Some(ci) = self.schema.indexes.get_mut(&n) {
                        ci.parent_index = Some(pi.name.clone());
                    }
                    note(&mut self.lookups.children, &pi.name, &n);
                }
                None => self.clone_index_to(&pi, &child),
            }
        }
    }

    /// DETACH PARTITION: the partition and its indexes stand alone again.
    fn detach_partition(&mut self, child_rv: &protobuf::RangeVar) {
        let child = self.lookup_name(child_rv);
        if let Some(t) = self.schema.tables.get_mut(&child) {
            t.partition_of = None;
        }
        for i in self
            .schema
            .indexes
            .values_mut()
            .filter(|i| i.table == child)
        {
            i.parent_index = None;
        }
    }

    /// INHERIT parent: the parent's columns the table lacks are added; those it has stay
    /// its own too (`attislocal`).
    fn add_inherit(&mut self, table: &QualName, prv: &protobuf::RangeVar) {
        let parent = self.lookup_name(prv);
        if !self.ensure_table(&parent) {
            return;
        }
        let cols: Vec<Column> = self.schema.tables[&parent]
            .columns
            .values()
            .cloned()
            .collect();
        if let Some(t) = self.schema.tables.get_mut(table) {
            for c in cols {
                if t.columns.contains_key(&c.name) {
                    let key = (table.clone(), c.name.clone());
                    self.lookups.local_columns.insert(key);
                } else {
                    t.columns.insert(c.name.clone(), c);
                }
            }
        }
    }
}
