//! CREATE TABLE (columns, inheritance, LIKE) and CREATE TABLE … AS.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::constraints::TableConstraint;
use super::nodes::{
    CONSTR_DEFAULT, CONSTR_GENERATED, CONSTR_IDENTITY, CONSTR_NOTNULL, CONSTR_PRIMARY, strings,
};
use super::{Ctx, Event, Owner, Replay};
use crate::schema::expr::SqlExpr;
use crate::schema::model::{Column, RelKind, Table};
use crate::schema::names::truncate_identifier;
use crate::schema::types;

impl Replay<'_> {
    pub(super) fn create_table(&mut self, s: &protobuf::CreateStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        if self.schema.relation_exists(&name) {
            // IF NOT EXISTS: PostgreSQL skips the statement. Without it the migration fails
            // ("relation already exists"); either way the existing table stays.
            return;
        }
        let mut table = Table::new(name.clone(), ctx.relation_span(rv));
        table.partitioned = s.partspec.is_some();
        // Inherited columns come first (INHERITS and PARTITION OF).
        for parent in &s.inh_relations {
            if let Some(NodeEnum::RangeVar(prv)) = parent.node.as_ref() {
                self.inherit_columns(&mut table, prv, s.partbound.is_some(), ctx);
            }
        }
        if s.of_typename.is_some() {
            self.incomplete.insert(name.clone());
        }
        let constraints = self.table_elements(&mut table, s, ctx);

        self.schema.tables.insert(name.clone(), table);
        self.events.push(Event::TableCreated {
            table: name.clone(),
            location: ctx.stmt.whole(),
        });
        for elt in &s.table_elts {
            if let Some(NodeEnum::ColumnDef(col)) = elt.node.as_ref() {
                self.add_column_sequence(&name, col, ctx);
            }
        }
        self.add_table_constraints(&name, constraints, ctx);
    }

    /// Copies the columns of a parent (INHERITS or PARTITION OF) into a new table; an unknown
    /// parent leaves the table's column list incomplete.
    fn inherit_columns(
        &mut self,
        table: &mut Table,
        prv: &protobuf::RangeVar,
        partition: bool,
        ctx: &Ctx<'_>,
    ) {
        let parent_name = self.lookup_name(prv);
        if !self.ensure_table(&parent_name) {
            self.missing_table(parent_name, Owner::Statement, ctx.relation_span(prv));
            self.incomplete.insert(table.name.clone());
            return;
        }
        if self.incomplete.contains(&parent_name) {
            self.incomplete.insert(table.name.clone());
        }
        let parent_table = &self.schema.tables[&parent_name];
        for col in parent_table.columns.values() {
            table
                .columns
                .entry(col.name.clone())
                .or_insert_with(|| Column {
                    origin: ctx.stmt.whole(),
                    ..col.clone()
                });
        }
        if partition {
            table.partition_of = Some(parent_name);
        }
    }

    /// Adds the columns a CREATE TABLE lists (its own and LIKE's) to `table` in order, and
    /// returns its column and table constraints, to be added once the table exists.
    fn table_elements<'s>(
        &mut self,
        table: &mut Table,
        s: &'s protobuf::CreateStmt,
        ctx: &Ctx<'_>,
    ) -> Vec<TableConstraint<'s>> {
        let mut constraints = Vec::new();
        for elt in &s.table_elts {
            match elt.node.as_ref() {
                Some(NodeEnum::ColumnDef(col)) => {
                    let colname = truncate_identifier(&col.colname).to_string();
                    // A partition or child redeclaring an inherited column only adds
                    // constraints to it; a child's column is then local too, and outlives
                    // the parent's.
                    if !table.columns.contains_key(&colname) {
                        let column = column_from_def(col, ctx);
                        self.lookups.generated |= column.generated.is_some();
                        table.columns.insert(column.name.clone(), column);
                    } else if s.partbound.is_none() {
                        let key = (table.name.clone(), colname.clone());
                        self.lookups.local_columns.insert(key);
                    }
                    for c in &col.constraints {
                        if let Some(NodeEnum::Constraint(c)) = c.node.as_ref() {
                            constraints.push(TableConstraint::new(c, Some(&colname)));
                        }
                    }
                }
                Some(NodeEnum::Constraint(c)) => constraints.push(TableConstraint::new(c, None)),
                Some(NodeEnum::TableLikeClause(like)) => {
                    if let Some(lrv) = like.relation.as_ref() {
                        self.copy_like_columns(table, lrv, ctx);
                    }
                }
                _ => {}
            }
        }
        constraints
    }

    /// `LIKE source`: the source's columns without their defaults.
    fn copy_like_columns(&mut self, table: &mut Table, lrv: &protobuf::RangeVar, ctx: &Ctx<'_>) {
        let src = self.lookup_name(lrv);
        if !self.ensure_table(&src) {
            self.missing_table(src, Owner::Statement, ctx.relation_span(lrv));
            self.incomplete.insert(table.name.clone());
            return;
        }
        for col in self.schema.tables[&src].columns.values() {
            table
                .columns
                .entry(col.name.clone())
                .or_insert_with(|| Column {
                    origin: ctx.stmt.whole(),
                    default: None,
                    // LIKE copies a generation expression only with INCLUDING GENERATED, which
                    // the replay does not read: the copy is a plain column, like its default.
                    generated: None,
                    ..col.clone()
                });
        }
    }

    /// `SELECT … INTO t FROM …`: `CREATE TABLE t AS SELECT … FROM …` by another name.
    pub(super) fn select_into(&mut self, s: &protobuf::SelectStmt, ctx: &Ctx<'_>) {
        let mut query = s.clone();
        let into = query.into_clause.take();
        let stmt = protobuf::CreateTableAsStmt {
            query: Some(Box::new(Node {
                node: Some(NodeEnum::SelectStmt(Box::new(query))),
            })),
            into,
            objtype: protobuf::ObjectType::ObjectTable as i32,
            ..Default::default()
        };
        self.create_table_as(&stmt, ctx);
    }

    pub(super) fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) else {
            return;
        };
        let name = self.creation_name(rv);
        if self.schema.relation_exists(&name) {
            return;
        }
        if s.objtype == protobuf::ObjectType::ObjectMatview as i32 {
            self.add_other(name, RelKind::MaterializedView, ctx.stmt.whole());
        } else {
            // CREATE TABLE … AS: the columns are the query's output columns, named as
            // PostgreSQL names them; `SELECT *` leaves the list unknown.
            let mut table = Table::new(name.clone(), ctx.stmt.whole());
            let (mut columns, complete) = s
                .query
                .as_deref()
                .map(|q| self.query_output_columns(q))
                .unwrap_or_default();
            let given = strings(
                &s.into
                    .as_ref()
                    .map(|i| i.col_names.clone())
                    .unwrap_or_default(),
            );
            for (i, g) in given.into_iter().enumerate() {
                match columns.get_mut(i) {
                    Some(c) => c.0 = g,
                    None => columns.push((g, String::new())),
                }
            }
            for (c, type_name) in columns {
                table.columns.entry(c.clone()).or_insert(Column {
                    name: c,
                    type_name,
                    not_null: false,
                    default: None,
                    generated: None,
                    origin: ctx.stmt.whole(),
                });
            }
            self.schema.tables.insert(name.clone(), table);
            self.events.push(Event::TableCreated {
                table: name.clone(),
                location: ctx.stmt.whole(),
            });
            if !s.into.as_ref().is_some_and(|i| i.skip_data) {
                self.events.push(Event::DataLoad {
                    tables: Some(vec![name.clone()]),
                    location: ctx.stmt.whole(),
                });
            }
            if !complete {
                self.incomplete.insert(name);
            }
        }
    }
}

/// A column as a column definition declares it: type, NOT NULL (a serial, identity or
/// primary key column is NOT NULL too), default.
pub(super) fn column_from_def(col: &protobuf::ColumnDef, ctx: &Ctx<'_>) -> Column {
    let normal = col.type_name.as_ref().map(types::normalise);
    let mut column = Column {
        name: truncate_identifier(&col.colname).to_string(),
        type_name: normal.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        not_null: col.is_not_null,
        default: col
            .raw_default
            .as_ref()
            .and_then(|d| SqlExpr::default_text(d)),
        generated: None,
        origin: ctx.name_or_whole(&col.colname, col.location),
    };
    if normal.as_ref().is_some_and(|t| t.serial) {
        column.not_null = true;
    }
    for c in &col.constraints {
        let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
            continue;
        };
        match c.contype {
            CONSTR_NOTNULL | CONSTR_PRIMARY | CONSTR_IDENTITY => column.not_null = true,
            CONSTR_DEFAULT => {
                column.default = c.raw_expr.as_ref().and_then(|d| SqlExpr::default_text(d))
            }
            CONSTR_GENERATED => {
                column.generated = c
                    .raw_expr
                    .as_ref()
                    .map(|e| SqlExpr::from_node((**e).clone()))
            }
            _ => {}
        }
    }
    column
}
