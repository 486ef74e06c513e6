//! The sequences PostgreSQL creates for `serial` and identity columns, and drops with their
//! table.

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::nodes::CONSTR_IDENTITY;
use super::{Ctx, Replay};
use crate::schema::model::{QualName, RelKind, RelationDetail};
use crate::schema::names::truncate_identifier;
use crate::schema::types;

impl Replay<'_> {
    /// Creates the sequence of a `serial` or identity column definition (CREATE TABLE and ADD
    /// COLUMN alike); any other column has none.
    pub(super) fn add_column_sequence(
        &mut self,
        table: &QualName,
        col: &protobuf::ColumnDef,
        ctx: &Ctx<'_>,
    ) {
        let serial = col
            .type_name
            .as_ref()
            .is_some_and(|t| types::normalise(t).serial);
        let identity = col.constraints.iter().any(|c| {
            matches!(c.node.as_ref(), Some(NodeEnum::Constraint(c)) if c.contype == CONSTR_IDENTITY)
        });
        if serial || identity {
            let column = truncate_identifier(&col.colname);
            self.add_owned_sequence(table, column, serial, ctx);
            for c in &col.constraints {
                if let Some(NodeEnum::Constraint(c)) = c.node.as_ref()
                    && c.contype == CONSTR_IDENTITY
                {
                    self.identity_options(table, column, &c.options);
                }
            }
        }
    }

    /// Creates the sequence PostgreSQL creates for column `column` of `table`, named as
    /// `ChooseRelationName(table, column, "seq")` names it: `table_column_seq`, the longer of
    /// the two names shortened until the whole fits in 63 bytes, numbered when a relation has
    /// the name. A serial column's default becomes `nextval` of it, as the catalog shows it;
    /// an identity column has no default.
    pub(super) fn add_owned_sequence(
        &mut self,
        table: &QualName,
        column: &str,
        serial: bool,
        ctx: &Ctx<'_>,
    ) {
        let scope = format!("r\0{}", table.schema);
        let schema = &self.schema;
        let seq = self
            .hints
            .choose(&scope, &table.name, Some(column), "seq", |n| {
                schema.relation_exists(&QualName::new(table.schema.clone(), n))
            });
        if serial
            && let Some(c) = self
                .schema
                .tables
                .get_mut(table)
                .and_then(|t| t.columns.get_mut(column))
        {
            c.default = Some(format!("nextval('{seq}'::regclass)"));
        }
        let name = QualName::new(table.schema.clone(), seq);
        self.add_other(name.clone(), RelKind::Sequence, ctx.stmt.whole());
        self.owned_sequence_detail(&name, table, column, &[]);
    }

    /// Drops the sequences a dropped table owned. The model does not record ownership, so a
    /// sequence is taken to be the table's when its name has the shape of a generated one:
    /// in the table's schema, `table_…_seq`.
    pub(super) fn drop_owned_sequences(&mut self, table: &QualName) {
        let prefix = format!("{}_", table.name);
        let hints = &mut self.hints;
        self.schema.other_relations.retain(|q, o| {
            let owned = o.kind == RelKind::Sequence
                && (matches!(&o.detail, RelationDetail::Sequence(s)
                    if s.owned_by.as_ref().is_some_and(|(t, _)| t == table))
                    || q.schema == table.schema
                        && q.name.starts_with(&prefix)
                        && q.name.ends_with("_seq"));
            if owned {
                hints.freed(&q.name);
            }
            !owned
        });
    }
}
