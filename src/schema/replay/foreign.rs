//! Composite types (`CREATE TYPE t AS (…)`, `ALTER TYPE … ADD | DROP | ALTER ATTRIBUTE`,
//! `RENAME ATTRIBUTE`) and foreign tables with the servers they name (`CREATE SERVER`,
//! `CREATE FOREIGN TABLE … SERVER s OPTIONS (…)`, `ALTER FOREIGN TABLE … OPTIONS (…)`).
//!
//! A foreign table is a [`crate::schema::Table`] with [`crate::schema::ForeignTable`] set: its
//! columns replay as any table's (ALTER FOREIGN TABLE is an ALTER TABLE), and rename, drop
//! and SET SCHEMA follow it the same way.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::nodes::def_arg_text;
use super::{Ctx, Replay};
use crate::schema::model::{
    Attribute, ForeignTable, OtherRelation, QualName, RelKind, RelationDetail,
};
use crate::schema::names::truncate_identifier;
use crate::schema::types;

/// `OPTIONS (a 'x', …)` of a foreign table or server as (name, value) pairs. The parser has
/// already folded the names as PostgreSQL stores them.
fn generic_options(options: &[Node]) -> Vec<(String, String)> {
    options
        .iter()
        .filter_map(|o| match o.node.as_ref()? {
            NodeEnum::DefElem(d) => Some((d.defname.clone(), def_arg_text(d.arg.as_deref()))),
            _ => None,
        })
        .collect()
}

/// Applies `OPTIONS (ADD a 'x', SET b 'y', DROP c)` to a list of options; a plain `a 'x'` is
/// ADD.
fn alter_options(current: &mut Vec<(String, String)>, changes: &[Node]) {
    use protobuf::DefElemAction as A;
    for node in changes {
        let Some(NodeEnum::DefElem(d)) = node.node.as_ref() else {
            continue;
        };
        let value = def_arg_text(d.arg.as_deref());
        let at = current.iter().position(|(k, _)| *k == d.defname);
        match (d.defaction, at) {
            (a, Some(i)) if a == A::DefelemDrop as i32 => {
                current.remove(i);
            }
            (a, Some(i)) if a == A::DefelemSet as i32 => current[i].1 = value,
            (a, None) if a == A::DefelemDrop as i32 || a == A::DefelemSet as i32 => {}
            (_, None) => current.push((d.defname.clone(), value)),
            // ADD of an option already there fails in PostgreSQL: nothing changes.
            (_, Some(_)) => {}
        }
    }
}

/// One attribute of a composite type from its column definition.
fn attribute(col: &protobuf::ColumnDef) -> Attribute {
    Attribute {
        name: truncate_identifier(&col.colname).to_string(),
        type_name: col
            .type_name
            .as_ref()
            .map(|t| types::normalise(t).name)
            .unwrap_or_default(),
    }
}

impl Replay<'_> {
    /// Whether `name` is a foreign table (which PostgreSQL gives no indexes).
    pub(super) fn is_foreign_table(&self, name: &QualName) -> bool {
        self.schema
            .tables
            .get(name)
            .is_some_and(|t| t.foreign.is_some())
    }

    /// `CREATE FOREIGN TABLE`: a table (columns, NOT NULL, defaults, CHECK) on a server.
    pub(super) fn create_foreign_table(
        &mut self,
        s: &protobuf::CreateForeignTableStmt,
        ctx: &Ctx<'_>,
    ) {
        let Some(base) = s.base_stmt.as_ref() else {
            return;
        };
        let Some(rv) = base.relation.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        if self.schema.relation_exists(&name) {
            return;
        }
        self.create_table(base, ctx);
        self.table_kind(base);
        if let Some(t) = self.schema.tables.get_mut(&name) {
            t.foreign = Some(ForeignTable {
                server: truncate_identifier(&s.servername).to_string(),
                options: generic_options(&s.options),
            });
        }
    }

    /// `IMPORT FOREIGN SCHEMA`: the tables come from the remote server at apply time, so the
    /// local schema's content is recorded as unknown rather than guessed.
    pub(super) fn import_foreign_schema(
        &mut self,
        s: &protobuf::ImportForeignSchemaStmt,
        ctx: &Ctx<'_>,
    ) {
        use protobuf::ImportForeignSchemaType as L;
        let names: Vec<String> = s
            .table_list
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::RangeVar(rv)) => Some(truncate_identifier(&rv.relname).to_string()),
                _ => None,
            })
            .collect();
        let limit = s.list_type == L::FdwImportSchemaLimitTo as i32;
        self.schema
            .foreign_imports
            .push(crate::schema::objects::ForeignImport {
                schema: truncate_identifier(&s.local_schema).to_string(),
                limit_to: limit.then(|| names.clone()),
                except: if limit { Vec::new() } else { names },
                origin: ctx.stmt.whole(),
            });
    }

    /// `CREATE SERVER name FOREIGN DATA WRAPPER w`.
    pub(super) fn create_server(&mut self, s: &protobuf::CreateForeignServerStmt) {
        let name = truncate_identifier(&s.servername).to_string();
        if !self.schema.foreign_servers.contains_key(&name) {
            let wrapper = truncate_identifier(&s.fdwname).to_string();
            self.schema.foreign_servers.insert(name, wrapper);
        }
    }

    /// `DROP SERVER` (the foreign tables on it go with it under CASCADE; without CASCADE the
    /// statement fails while they exist, so they are dropped either way when it succeeds).
    pub(super) fn drop_servers(&mut self, s: &protobuf::DropStmt) {
        if s.remove_type != protobuf::ObjectType::ObjectForeignServer as i32 {
            return;
        }
        for o in &s.objects {
            let Some(NodeEnum::String(name)) = o.node.as_ref() else {
                continue;
            };
            let name = truncate_identifier(&name.sval).to_string();
            if self.schema.foreign_servers.shift_remove(&name).is_none() {
                continue;
            }
            let on_it: Vec<QualName> = self
                .schema
                .tables
                .values()
                .filter(|t| t.foreign.as_ref().is_some_and(|f| f.server == name))
                .map(|t| t.name.clone())
                .collect();
            for t in on_it {
                self.drop_table(&t);
            }
        }
    }

    /// `CREATE TYPE t AS (a int, b text)`.
    pub(super) fn create_composite(&mut self, s: &protobuf::CompositeTypeStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.typevar.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        if self.schema.relation_exists(&name) {
            return;
        }
        let attributes = s
            .coldeflist
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::ColumnDef(c)) => Some(attribute(c)),
                _ => None,
            })
            .collect();
        self.schema.other_relations.insert(
            name,
            OtherRelation {
                kind: RelKind::CompositeType,
                origin: ctx.stmt.whole(),
                detail: RelationDetail::Composite(attributes),
            },
        );
    }

    /// `ALTER TYPE t ADD | DROP | ALTER ATTRIBUTE …` on a composite type and
    /// `ALTER FOREIGN TABLE … OPTIONS (…)`; the rest of ALTER FOREIGN TABLE is an ALTER TABLE.
    pub(super) fn alter_composite_or_foreign(&mut self, s: &protobuf::AlterTableStmt) {
        use protobuf::AlterTableType as T;
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        let cmds = s.cmds.iter().filter_map(|c| match c.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(c),
            _ => None,
        });
        if s.objtype == protobuf::ObjectType::ObjectForeignTable as i32 {
            let Some(f) = self
                .schema
                .tables
                .get_mut(&name)
                .and_then(|t| t.foreign.as_mut())
            else {
                return;
            };
            for cmd in cmds {
                // A column's own OPTIONS name the column; the table's do not.
                if cmd.subtype == T::AtGenericOptions as i32
                    && cmd.name.is_empty()
                    && let Some(NodeEnum::List(l)) = cmd.def.as_ref().and_then(|d| d.node.as_ref())
                {
                    alter_options(&mut f.options, &l.items);
                }
            }
            return;
        }
        if s.objtype != protobuf::ObjectType::ObjectType as i32 {
            return;
        }
        let Some(OtherRelation {
            detail: RelationDetail::Composite(attributes),
            ..
        }) = self.schema.other_relations.get_mut(&name)
        else {
            return;
        };
        for cmd in cmds {
            let target = truncate_identifier(&cmd.name).to_string();
            let def = match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                Some(NodeEnum::ColumnDef(c)) => Some(c),
                _ => None,
            };
            if cmd.subtype == T::AtAddColumn as i32 {
                if let Some(c) = def
                    && !attributes.iter().any(|a| a.name == c.colname)
                {
                    attributes.push(attribute(c));
                }
            } else if cmd.subtype == T::AtDropColumn as i32 {
                attributes.retain(|a| a.name != target);
            } else if cmd.subtype == T::AtAlterColumnType as i32
                && let Some(c) = def
                && let Some(a) = attributes.iter_mut().find(|a| a.name == target)
            {
                a.type_name = attribute(c).type_name;
            }
        }
    }

    /// `ALTER TYPE t RENAME ATTRIBUTE a TO b`, and `ALTER SERVER s RENAME TO s2` (the catalog
    /// follows the server by OID: its foreign tables name the new name).
    pub(super) fn rename_attribute(&mut self, s: &protobuf::RenameStmt) {
        if s.rename_type == protobuf::ObjectType::ObjectForeignServer as i32 {
            self.rename_server(s);
            return;
        }
        if s.rename_type != protobuf::ObjectType::ObjectAttribute as i32 {
            return;
        }
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        if let Some(OtherRelation {
            detail: RelationDetail::Composite(attributes),
            ..
        }) = self.schema.other_relations.get_mut(&name)
            && let Some(a) = attributes.iter_mut().find(|a| a.name == s.subname)
        {
            a.name = truncate_identifier(&s.newname).to_string();
        }
    }

    fn rename_server(&mut self, s: &protobuf::RenameStmt) {
        let Some(NodeEnum::String(old)) = s.object.as_ref().and_then(|o| o.node.as_ref()) else {
            return;
        };
        let old = truncate_identifier(&old.sval).to_string();
        let new = truncate_identifier(&s.newname).to_string();
        let Some(wrapper) = self.schema.foreign_servers.shift_remove(&old) else {
            return;
        };
        self.schema.foreign_servers.insert(new.clone(), wrapper);
        for t in self.schema.tables.values_mut() {
            if let Some(f) = t.foreign.as_mut().filter(|f| f.server == old) {
                f.server = new.clone();
            }
        }
    }

    /// `ALTER TYPE old RENAME TO new` of a composite type: the type keeps its attributes.
    pub(super) fn rename_composite(&mut self, old: &QualName, new: &str) {
        let is_composite = self
            .schema
            .other_relations
            .get(old)
            .is_some_and(|o| o.kind == RelKind::CompositeType);
        if is_composite && let Some(o) = self.schema.other_relations.shift_remove(old) {
            self.hints.freed(&old.name);
            let to = QualName::new(old.schema.clone(), new);
            self.schema.other_relations.insert(to, o);
        }
    }
}

/// The names of a composite type's attributes, for tests.
#[cfg(test)]
pub(super) fn attribute_list(schema: &crate::schema::Schema, name: &QualName) -> Vec<String> {
    match schema.other_relations.get(name).map(|o| &o.detail) {
        Some(RelationDetail::Composite(a)) => a
            .iter()
            .map(|a| format!("{} {}", a.name, a.type_name))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::attribute_list;
    use crate::schema::{QualName, Schema};

    fn replay_sql(sql: &str) -> Schema {
        super::super::tests::replay(sql).0
    }

    #[test]
    fn composite_types_follow_alter_type() {
        let s = replay_sql(
            "CREATE TYPE addr AS (street text, zip varchar(10));
             ALTER TYPE addr ADD ATTRIBUTE city text;
             ALTER TYPE addr ALTER ATTRIBUTE zip TYPE varchar(20);
             ALTER TYPE addr RENAME ATTRIBUTE street TO line1;
             ALTER TYPE addr DROP ATTRIBUTE IF EXISTS nothing;
             CREATE TABLE people (id int, home addr, past addr[]);
             ALTER TYPE addr RENAME TO address;",
        );
        let name = QualName::new("public", "address");
        assert_eq!(
            attribute_list(&s, &name),
            ["line1 text", "zip character varying(20)", "city text"]
        );
        assert!(
            !s.other_relations
                .contains_key(&QualName::new("public", "addr"))
        );
        let people = &s.tables[&QualName::new("public", "people")];
        assert_eq!(people.columns["home"].type_name, "address");
        assert_eq!(people.columns["past"].type_name, "address[]");
        let dropped = replay_sql("CREATE TYPE a AS (x int); DROP TYPE a;");
        assert!(dropped.other_relations.is_empty());
    }

    #[test]
    fn foreign_tables_are_tables_on_a_server() {
        let s = replay_sql(
            "CREATE FOREIGN DATA WRAPPER dummy;
             CREATE SERVER files FOREIGN DATA WRAPPER dummy;
             CREATE FOREIGN TABLE ext (id int NOT NULL, name text DEFAULT 'x')
               SERVER files OPTIONS (filename '/tmp/x.csv', format 'csv');
             ALTER FOREIGN TABLE ext ADD COLUMN extra int;
             ALTER FOREIGN TABLE ext OPTIONS (SET format 'text', DROP filename, ADD header 'true');
             ALTER FOREIGN TABLE ext RENAME TO ext2;
             CREATE SCHEMA remote;
             ALTER FOREIGN TABLE ext2 SET SCHEMA remote;
             ALTER SERVER files RENAME TO csv_files;",
        );
        let t = &s.tables[&QualName::new("remote", "ext2")];
        let f = t.foreign.as_ref().expect("a foreign table");
        assert_eq!(f.server, "csv_files");
        assert_eq!(
            f.options,
            [
                ("format".to_string(), "text".to_string()),
                ("header".to_string(), "true".to_string())
            ]
        );
        let cols: Vec<&str> = t.columns.keys().map(String::as_str).collect();
        assert_eq!(cols, ["id", "name", "extra"]);
        assert!(t.columns["id"].not_null);
        assert_eq!(s.foreign_servers["csv_files"], "dummy");
        // PostgreSQL refuses an index on a foreign table: none is modelled.
        let refused = replay_sql(
            "CREATE SERVER s FOREIGN DATA WRAPPER w; CREATE FOREIGN TABLE f (a int) SERVER s;
             CREATE INDEX f_a ON f (a);",
        );
        assert!(refused.indexes.is_empty());
        let gone = replay_sql(
            "CREATE SERVER s FOREIGN DATA WRAPPER w; CREATE FOREIGN TABLE f (a int) SERVER s;
             DROP SERVER s CASCADE;",
        );
        assert!(gone.tables.is_empty() && gone.foreign_servers.is_empty());
    }
}
