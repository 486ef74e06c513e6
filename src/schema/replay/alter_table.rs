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
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                continue;
            };
            self.alter_table_cmd(&name, cmd, ctx);
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

    fn alter_table_cmd(&mut self, table: &QualName, cmd: &protobuf::AlterTableCmd, ctx: &Ctx<'_>) {
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        let colname = truncate_identifier(&cmd.name).to_string();
        let Ok(sub) = T::try_from(cmd.subtype) else {
            return;
        };
        match (sub, def) {
            (T::AtAddColumn, Some(NodeEnum::ColumnDef(col))) => self.add_column(table, col, ctx),
            (T::AtDropColumn, _) => self.drop_column_cmd(table, &colname, cmd.missing_ok, ctx),
            (T::AtAlterColumnType, Some(NodeEnum::ColumnDef(col))) => {
                let ty = col.type_name.as_ref().map(|t| types::normalise(t).name);
                self.change_column(table, &colname, ColumnChange::Type(ty), ctx);
            }
            (T::AtSetNotNull, _) => {
                self.change_column(table, &colname, ColumnChange::SetNotNull, ctx)
            }
            (T::AtDropNotNull, _) => {
                self.change_column(table, &colname, ColumnChange::DropNotNull, ctx)
            }
            (T::AtDropExpression, _) => {
                self.change_column(table, &colname, ColumnChange::DropExpression, ctx)
            }
            (T::AtColumnDefault, _) => {
                let value = cmd
                    .def
                    .as_ref()
                    .filter(|_| def.is_some())
                    .and_then(|d| SqlExpr::default_text(d));
                self.change_column(table, &colname, ColumnChange::Default(value), ctx);
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

    /// DROP COLUMN [IF EXISTS].
    fn drop_column_cmd(&mut self, table: &QualName, column: &str, missing_ok: bool, ctx: &Ctx<'_>) {
        if !self.schema.tables[table].columns.contains_key(column) {
            if !missing_ok {
                let loc = ctx.name_span(column, 0);
                self.missing_column(table, column, Owner::Statement, loc);
            }
            return;
        }
        self.drop_column(table, column);
    }

    /// ALTER COLUMN … TYPE / SET NOT NULL / DROP NOT NULL / SET DEFAULT / DROP DEFAULT.
    fn change_column(
        &mut self,
        table: &QualName,
        column: &str,
        change: ColumnChange,
        ctx: &Ctx<'_>,
    ) {
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

    /// INHERIT parent: the parent's columns the table lacks are added.
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
                t.columns.entry(c.name.clone()).or_insert(c);
            }
        }
    }
}
