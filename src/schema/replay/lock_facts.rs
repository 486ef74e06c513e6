//! Safety facts for the statements outside `ALTER TABLE`'s subcommands that take ACCESS
//! EXCLUSIVE on an existing table: `DROP TABLE`, `DROP INDEX` without CONCURRENTLY, and the
//! renames of a table, a column or a constraint. Only `lock-timeout-missing` reads them; the
//! lock each takes is proven on a real server by `tests/lock_oracle.rs`. Also the key columns
//! of a new index, for the statistics' duplicate prediction.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, ObjectType as O};

use super::nodes::strings;
use super::safety::Action;
use super::{Ctx, Replay};
use crate::schema::model::QualName;
use crate::schema::names::truncate_identifier;

impl Replay<'_> {
    /// `DROP TABLE` locks each table it drops; `DROP INDEX` (not CONCURRENTLY) locks the
    /// index's table. A table the history does not know is taken to exist in the database.
    pub(super) fn drop_facts(&mut self, s: &protobuf::DropStmt, ctx: &Ctx<'_>) {
        let rt = s.remove_type;
        let (what, is_index) = if rt == O::ObjectTable as i32 {
            ("DROP TABLE", false)
        } else if rt == O::ObjectIndex as i32 && !s.concurrent {
            ("DROP INDEX", true)
        } else {
            return;
        };
        for obj in &s.objects {
            let Some(NodeEnum::List(l)) = obj.node.as_ref() else {
                continue;
            };
            let name = self.qualified_from_list(&strings(&l.items));
            let table = if is_index {
                // The index's table; an index the history does not know names no table.
                match self.schema.indexes.get(&name) {
                    Some(i) => i.table.clone(),
                    None => continue,
                }
            } else {
                // `DROP TABLE IF EXISTS` of a table that is not there locks nothing.
                if s.missing_ok && !self.schema.tables.contains_key(&name) {
                    continue;
                }
                name
            };
            self.lock_event(ctx, &table, Action::AccessExclusive { what });
        }
    }

    /// `ALTER TABLE … RENAME [TO | COLUMN | CONSTRAINT]` locks the table (renaming an index
    /// takes a weaker lock and is left out).
    pub(super) fn rename_facts(&mut self, s: &protobuf::RenameStmt, ctx: &Ctx<'_>) {
        let rt = s.rename_type;
        let what = if rt == O::ObjectTable as i32 {
            "RENAME TO"
        } else if rt == O::ObjectColumn as i32 && s.relation_type == O::ObjectTable as i32 {
            "RENAME COLUMN"
        } else if rt == O::ObjectTabconstraint as i32 {
            "RENAME CONSTRAINT"
        } else {
            return;
        };
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        // `ALTER TABLE … RENAME` also renames an index or a view: only a table is judged.
        if self.schema.indexes.contains_key(&table)
            || self.schema.other_relations.contains_key(&table)
            || (s.missing_ok && !self.schema.tables.contains_key(&table))
        {
            return;
        }
        self.lock_event(ctx, &table, Action::AccessExclusive { what });
    }

    fn lock_event(&mut self, ctx: &Ctx<'_>, table: &QualName, action: Action) {
        self.safety_event(ctx.stmt.whole(), ctx.stmt.file, Some(table), action);
    }
}

/// An index's key columns when all are plain columns and it has no WHERE clause.
pub(super) fn plain_key_columns(s: &protobuf::IndexStmt) -> Vec<String> {
    if s.where_clause.is_some() {
        return Vec::new();
    }
    let columns: Vec<String> = s
        .index_params
        .iter()
        .filter_map(|p| match p.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) if !e.name.is_empty() => {
                Some(truncate_identifier(&e.name).to_string())
            }
            _ => None,
        })
        .collect();
    if columns.len() == s.index_params.len() {
        columns
    } else {
        Vec::new()
    }
}
