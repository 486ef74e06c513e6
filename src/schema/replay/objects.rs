//! Replay of the objects beside tables and indexes: sequence options and ownership, view
//! queries, functions and procedures, triggers, extension versions, and the table kinds
//! (`INHERITS`, `UNLOGGED`) that `diff` compares.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::nodes::{def_arg_text, strings};
use super::{Ctx, Replay};
use crate::schema::dependencies::Dependent;
use crate::schema::model::{QualName, RelKind, RelationDetail, Sequence, ViewQuery};
use crate::schema::names::truncate_identifier;
use crate::schema::object_nodes::{
    function_from_stmt, identity_arg_types, qualified, query_text, trigger_from_stmt,
};

/// Whether a DefElem list names `option`.
fn has_option(options: &[Node], option: &str) -> bool {
    options
        .iter()
        .any(|o| matches!(o.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == option))
}

impl Replay<'_> {
    /// `CREATE SEQUENCE`: the relation and its options.
    pub(super) fn create_sequence(&mut self, s: &protobuf::CreateSeqStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.sequence.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        if self.schema.relation_exists(&name) {
            return;
        }
        let mut seq = Sequence::with_type("bigint");
        self.sequence_options(&mut seq, &s.options, true);
        self.add_other(name.clone(), RelKind::Sequence, ctx.stmt.whole());
        self.set_detail(&name, RelationDetail::Sequence(seq));
    }

    /// `ALTER SEQUENCE`: changed options, `AS`, `OWNED BY`.
    pub(super) fn alter_sequence(&mut self, s: &protobuf::AlterSeqStmt) {
        let Some(rv) = s.sequence.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        let Some(RelationDetail::Sequence(mut seq)) = self
            .schema
            .other_relations
            .get(&name)
            .map(|o| o.detail.clone())
        else {
            return;
        };
        self.sequence_options(&mut seq, &s.options, false);
        self.set_detail(&name, RelationDetail::Sequence(seq));
    }

    /// Applies sequence options; `create` fills in the defaults the options leave out.
    pub(super) fn sequence_options(&self, seq: &mut Sequence, options: &[Node], create: bool) {
        let number = |n: Option<&Node>| def_arg_text(n).parse::<i64>().ok();
        let mut start = None;
        if let Some(t) = options.iter().find_map(|o| match o.node.as_ref() {
            Some(NodeEnum::DefElem(d)) if d.defname == "as" => {
                match d.arg.as_deref()?.node.as_ref()? {
                    NodeEnum::TypeName(t) => Some(crate::schema::types::normalise(t).name),
                    _ => None,
                }
            }
            _ => None,
        }) {
            seq.set_type(
                &t,
                !has_option(options, "minvalue"),
                !has_option(options, "maxvalue"),
            );
        }
        for o in options {
            let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else {
                continue;
            };
            let arg = d.arg.as_deref();
            match d.defname.as_str() {
                "increment" => {
                    if let Some(n) = number(arg) {
                        let (lo, hi) = seq.default_bounds();
                        let (was_lo, was_hi) = (seq.min == lo, seq.max == hi);
                        seq.increment = n;
                        let (lo, hi) = seq.default_bounds();
                        if was_lo && !has_option(options, "minvalue") {
                            seq.min = lo;
                        }
                        if was_hi && !has_option(options, "maxvalue") {
                            seq.max = hi;
                        }
                    }
                }
                // `NO MINVALUE` has no argument: back to the default.
                "minvalue" => seq.min = number(arg).unwrap_or(seq.default_bounds().0),
                "maxvalue" => seq.max = number(arg).unwrap_or(seq.default_bounds().1),
                "start" => start = number(arg),
                "cycle" => seq.cycle = def_arg_text(arg) != "false" && def_arg_text(arg) != "0",
                "owned_by" => {
                    let parts = match arg.and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::List(l)) => strings(&l.items),
                        _ => Vec::new(),
                    };
                    seq.owned_by = match parts.split_last() {
                        Some((col, table)) if !table.is_empty() && col != "none" => {
                            Some((self.qualified_from_list(table), col.clone()))
                        }
                        _ => None,
                    };
                }
                _ => {}
            }
        }
        match start {
            Some(s) => seq.start = s,
            None if create => seq.start = if seq.increment > 0 { seq.min } else { seq.max },
            None => {}
        }
    }

    /// Stores what the model knows of a relation beyond its kind.
    fn set_detail(&mut self, name: &QualName, detail: RelationDetail) {
        if let RelationDetail::Sequence(s) = &detail
            && let Some((owner, _)) = &s.owned_by
        {
            self.lookups.sequence_owners.insert(owner.clone());
        }
        if let Some(o) = self.schema.other_relations.get_mut(name) {
            o.detail = detail;
        }
    }

    /// The sequence of a serial or identity column: its type, the identity options, its owner.
    pub(super) fn owned_sequence_detail(
        &mut self,
        seq: &QualName,
        table: &QualName,
        column: &str,
        options: &[Node],
    ) {
        let type_name = self
            .schema
            .tables
            .get(table)
            .and_then(|t| t.columns.get(column))
            .map(|c| c.type_name.clone())
            .filter(|t| Sequence::type_range(t).is_some())
            .unwrap_or_else(|| "integer".to_string());
        let mut s = Sequence::with_type(&type_name);
        self.sequence_options(&mut s, options, true);
        s.owned_by = Some((table.clone(), column.to_string()));
        self.set_detail(seq, RelationDetail::Sequence(s));
    }

    /// A table or column renamed or moved: the sequences it owns and the tables that inherit
    /// from it follow, as the catalog refers to both by OID.
    pub(super) fn follow_table(
        &mut self,
        from: &QualName,
        to: &QualName,
        column: Option<(&str, &str)>,
    ) {
        // Only a table that owns a sequence has one to follow (the lookup, not a scan of every
        // relation for every rename).
        if self.lookups.sequence_owners.contains(from) {
            self.lookups.sequence_owners.insert(to.clone());
            for o in self.schema.other_relations.values_mut() {
                let RelationDetail::Sequence(s) = &mut o.detail else {
                    continue;
                };
                let Some((t, c)) = &mut s.owned_by else {
                    continue;
                };
                if t != from {
                    continue;
                }
                *t = to.clone();
                if let Some((old, new)) = column
                    && c == old
                {
                    *c = new.to_string();
                }
            }
        }
        // Children name their parents; only looked for once a table has inherited.
        if from != to && self.lookups.inheritance {
            for t in self.schema.tables.values_mut() {
                for p in &mut t.inherits {
                    if p == from {
                        *p = to.clone();
                    }
                }
            }
        }
        if from.schema != to.schema {
            self.move_owned_sequences(to);
        }
        // A view reads its tables by OID: the catalog prints the new names, the model's query
        // text has the old ones. Its query is no longer known rather than reported as drift.
        let old_name = match column {
            Some((old, _)) => old,
            None => from.name.as_str(),
        };
        // Only the views that read the relation (or the column) can name it: the lookups, not
        // every view for every rename.
        if from != to || column.is_some() {
            let readers: Vec<QualName> = match column {
                Some((old, _)) => self
                    .lookups
                    .column_readers
                    .get(&(from.clone(), old.to_string())),
                None => self.lookups.view_readers.get(from),
            }
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default();
            for reader in readers {
                if let Some(o) = self.schema.other_relations.get_mut(&reader)
                    && let RelationDetail::View(v) = &mut o.detail
                    && v.key()
                        .is_some_and(|k| k.split([' ', '.']).any(|t| t == old_name))
                {
                    v.forget_key();
                }
            }
        }
    }

    /// `ALTER TABLE … SET SCHEMA` moves the sequences the table's columns own along with it.
    fn move_owned_sequences(&mut self, table: &QualName) {
        let owned: Vec<QualName> = self
            .schema
            .other_relations
            .iter()
            .filter(|(q, o)| {
                q.schema != table.schema
                    && matches!(&o.detail, RelationDetail::Sequence(s)
                        if s.owned_by.as_ref().is_some_and(|(t, _)| t == table))
            })
            .map(|(q, _)| q.clone())
            .collect();
        for q in owned {
            if let Some(o) = self.schema.other_relations.shift_remove(&q) {
                self.schema
                    .other_relations
                    .insert(QualName::new(table.schema.clone(), q.name), o);
            }
        }
    }

    /// `ADD GENERATED … AS IDENTITY (options)`: the options of the column's sequence.
    pub(super) fn identity_options(&mut self, table: &QualName, column: &str, options: &[Node]) {
        let owned = |o: &&mut crate::schema::OtherRelation| {
            matches!(&o.detail, RelationDetail::Sequence(s)
                if s.owned_by.as_ref().is_some_and(|(t, c)| t == table && c == column))
        };
        let Some(mut seq) = self
            .schema
            .other_relations
            .values_mut()
            .find(owned)
            .and_then(|o| match &o.detail {
                RelationDetail::Sequence(s) => Some(s.clone()),
                _ => None,
            })
        else {
            return;
        };
        self.sequence_options(&mut seq, options, true);
        if let Some(o) = self.schema.other_relations.values_mut().find(owned) {
            o.detail = RelationDetail::Sequence(seq);
        }
    }

    /// A dropped column drops the sequence it owns.
    pub(super) fn drop_sequences_owned_by(&mut self, table: &QualName, column: &str) {
        if !self.lookups.sequence_owners.contains(table) {
            return;
        }
        self.schema.other_relations.retain(|_, o| {
            !matches!(&o.detail, RelationDetail::Sequence(s)
                if s.owned_by.as_ref().is_some_and(|(t, c)| t == table && c == column))
        });
    }

    /// `CREATE VIEW` (and `OR REPLACE`): the relation and its query.
    pub(super) fn create_view(&mut self, s: &protobuf::ViewStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.view.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        let replacing = s.replace
            && self
                .schema
                .other_relations
                .get(&name)
                .is_some_and(|o| o.kind == RelKind::View);
        if !replacing {
            self.add_other(name.clone(), RelKind::View, ctx.stmt.whole());
        }
        if let Some(q) = s.query.as_deref() {
            self.set_detail(&name, view_detail(q));
            self.note_view_uses(&name, q);
        }
    }

    /// `CREATE MATERIALIZED VIEW … AS`: its query (the relation is made by `create_table_as`).
    pub(super) fn materialized_view_query(&mut self, s: &protobuf::CreateTableAsStmt) {
        if s.objtype != protobuf::ObjectType::ObjectMatview as i32 {
            return;
        }
        let (Some(rv), Some(q)) = (
            s.into.as_ref().and_then(|i| i.rel.as_ref()),
            s.query.as_deref(),
        ) else {
            return;
        };
        let name = self.creation_name(rv);
        self.set_detail(&name, view_detail(q));
        self.note_view_uses(&name, q);
    }

    /// `CREATE [OR REPLACE] FUNCTION | PROCEDURE`.
    pub(super) fn create_function(&mut self, s: &protobuf::CreateFunctionStmt, ctx: &Ctx<'_>) {
        let f = function_from_stmt(s, &self.creation_schema(), ctx.stmt.whole());
        let key = f.signature();
        if s.replace || !self.schema.functions.contains_key(&key) {
            self.mend_renames(ctx, |d| matches!(d, Dependent::Function(k) if *k == key));
            self.schema.functions.insert(key.clone(), f);
            self.note_function(&key);
        }
    }

    /// The function a trigger executes: qualified as written, else the first schema of
    /// `search_path` that has a function of that name.
    fn function_named(&self, names: &[Node]) -> QualName {
        let q = qualified(names, &self.creation_schema());
        if names.len() > 1 {
            return q;
        }
        self.search_path
            .iter()
            .map(|s| QualName::new(s.clone(), q.name.clone()))
            .find(|c| self.schema.functions.values().any(|f| &f.name == c))
            .unwrap_or(q)
    }

    /// `CREATE [OR REPLACE] TRIGGER`.
    pub(super) fn create_trigger(&mut self, s: &protobuf::CreateTrigStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        let function = self.function_named(&s.funcname);
        let trigger = trigger_from_stmt(s, function, ctx.stmt.whole());
        if !self.ensure_table(&table) {
            return;
        }
        let Some(t) = self.schema.tables.get_mut(&table) else {
            return;
        };
        match t.triggers.iter_mut().find(|x| x.name == trigger.name) {
            Some(existing) if s.replace => *existing = trigger,
            Some(_) => {}
            None => t.triggers.push(trigger),
        }
    }

    /// `DROP FUNCTION | PROCEDURE | ROUTINE | TRIGGER`; other kinds are dropped by `drop`.
    pub(super) fn drop_objects(&mut self, s: &protobuf::DropStmt) {
        use protobuf::ObjectType as O;
        let rt = s.remove_type;
        for obj in &s.objects {
            match obj.node.as_ref() {
                Some(NodeEnum::ObjectWithArgs(f))
                    if rt == O::ObjectFunction as i32
                        || rt == O::ObjectProcedure as i32
                        || rt == O::ObjectRoutine as i32 =>
                {
                    let keys = self.functions_matching(f);
                    for k in keys {
                        if let Some(gone) = self.schema.functions.shift_remove(&k) {
                            self.drop_triggers_calling(|q| q == &gone.name);
                        }
                    }
                }
                Some(NodeEnum::String(schema)) if rt == O::ObjectSchema as i32 => {
                    // DROP SCHEMA (with CASCADE, or empty): its functions go, and the triggers
                    // that call them.
                    let schema = truncate_identifier(&schema.sval).to_string();
                    self.schema.functions.retain(|_, f| f.name.schema != schema);
                    self.drop_triggers_calling(|q| q.schema == schema);
                }
                Some(NodeEnum::List(l)) if rt == O::ObjectTrigger as i32 => {
                    let names = strings(&l.items);
                    if let Some((trigger, table)) = names.split_last() {
                        let t = self.qualified_from_list(table);
                        if let Some(t) = self.schema.tables.get_mut(&t) {
                            t.triggers.retain(|x| &x.name != trigger);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Drops the triggers whose function is gone: PostgreSQL refuses to drop a function a
    /// trigger calls unless CASCADE drops the trigger too, so either way none is left.
    fn drop_triggers_calling(&mut self, gone: impl Fn(&QualName) -> bool) {
        let still_there =
            |q: &QualName, functions: &indexmap::IndexMap<String, crate::schema::Function>| {
                functions
                    .values()
                    .any(|f| &f.name == q && f.arg_types.is_empty())
            };
        let functions = std::mem::take(&mut self.schema.functions);
        for t in self.schema.tables.values_mut() {
            t.triggers
                .retain(|x| !gone(&x.function) || still_there(&x.function, &functions));
        }
        self.schema.functions = functions;
    }

    /// The functions an `ObjectWithArgs` names: by signature, or by name alone when the
    /// arguments are left out.
    fn functions_matching(&self, f: &protobuf::ObjectWithArgs) -> Vec<String> {
        let name = qualified(&f.objname, &self.creation_schema());
        let unqualified = f.objname.len() == 1;
        let same_name = |q: &QualName| {
            q.name == name.name
                && (!unqualified && q.schema == name.schema
                    || unqualified && self.search_path.contains(&q.schema))
        };
        let types: Option<Vec<String>> = (!f.args_unspecified).then(|| {
            if f.objfuncargs.is_empty() {
                f.objargs
                    .iter()
                    .filter_map(|a| match a.node.as_ref()? {
                        NodeEnum::TypeName(t) => Some(crate::schema::types::normalise(t).name),
                        _ => None,
                    })
                    .collect()
            } else {
                identity_arg_types(&f.objfuncargs)
            }
        });
        self.schema
            .functions
            .iter()
            .filter(|(_, x)| same_name(&x.name) && types.as_ref().is_none_or(|t| &x.arg_types == t))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `ALTER FUNCTION … RENAME TO`, `ALTER TRIGGER … RENAME TO`.
    pub(super) fn rename_objects(&mut self, s: &protobuf::RenameStmt) {
        use protobuf::ObjectType as O;
        let rt = s.rename_type;
        let new = truncate_identifier(&s.newname).to_string();
        if rt == O::ObjectTrigger as i32 {
            if let Some(rv) = s.relation.as_ref() {
                let table = self.lookup_name(rv);
                if let Some(t) = self.schema.tables.get_mut(&table)
                    && let Some(x) = t.triggers.iter_mut().find(|x| x.name == s.subname)
                {
                    x.name = new;
                }
            }
        } else if rt == O::ObjectFunction as i32
            || rt == O::ObjectProcedure as i32
            || rt == O::ObjectRoutine as i32
        {
            self.move_functions(s.object.as_deref(), |q| q.name = new.clone());
        }
    }

    /// `ALTER FUNCTION | TYPE … SET SCHEMA` (relations are moved by `set_schema`).
    pub(super) fn set_object_schema(&mut self, s: &protobuf::AlterObjectSchemaStmt) {
        use protobuf::ObjectType as O;
        let ot = s.object_type;
        let schema = truncate_identifier(&s.newschema).to_string();
        if ot == O::ObjectFunction as i32
            || ot == O::ObjectProcedure as i32
            || ot == O::ObjectRoutine as i32
        {
            self.move_functions(s.object.as_deref(), |q| q.schema = schema.clone());
        } else if ot == O::ObjectType as i32
            && let Some(NodeEnum::List(l)) = s.object.as_deref().and_then(|o| o.node.as_ref())
        {
            let old = self.qualified_from_list(&strings(&l.items));
            let to = QualName::new(schema, old.name.clone());
            if let Some(labels) = self.schema.enums.shift_remove(&old) {
                self.schema.enums.insert(to.clone(), labels);
            }
            // A composite type.
            if let Some(o) = self.schema.other_relations.shift_remove(&old) {
                self.schema.other_relations.insert(to, o);
            }
        }
    }

    /// Renames or moves the functions an object node names, rekeying them by signature.
    fn move_functions(&mut self, object: Option<&Node>, change: impl Fn(&mut QualName)) {
        let Some(NodeEnum::ObjectWithArgs(f)) = object.and_then(|o| o.node.as_ref()) else {
            return;
        };
        for key in self.functions_matching(f) {
            if let Some(mut x) = self.schema.functions.shift_remove(&key) {
                let old = x.name.clone();
                change(&mut x.name);
                // Triggers execute their function by OID.
                for t in self.schema.tables.values_mut() {
                    for trigger in &mut t.triggers {
                        if trigger.function == old {
                            trigger.function = x.name.clone();
                        }
                    }
                }
                let key = x.signature();
                self.schema.functions.insert(key.clone(), x);
                self.note_function(&key);
            }
        }
    }

    /// `CREATE EXTENSION … VERSION` and `ALTER EXTENSION … UPDATE TO`: the version.
    pub(super) fn extension_version(&mut self, name: &str, options: &[Node]) {
        for o in options {
            if let Some(NodeEnum::DefElem(d)) = o.node.as_ref()
                && d.defname == "new_version"
            {
                self.schema
                    .extension_versions
                    .insert(name.to_string(), def_arg_text(d.arg.as_deref()));
            }
        }
    }

    /// `CREATE [UNLOGGED] TABLE … INHERITS (…)`: persistence and the inheritance parents.
    pub(super) fn table_kind(&mut self, s: &protobuf::CreateStmt) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.creation_name(rv);
        let parents: Vec<QualName> = if s.partbound.is_some() {
            Vec::new()
        } else {
            s.inh_relations
                .iter()
                .filter_map(|p| match p.node.as_ref()? {
                    NodeEnum::RangeVar(prv) => Some(self.lookup_name(prv)),
                    _ => None,
                })
                .collect()
        };
        self.lookups.inheritance |= !parents.is_empty();
        if let Some(t) = self.schema.tables.get_mut(&name)
            && t.inherits.is_empty()
        {
            t.unlogged = rv.relpersistence == "u";
            t.inherits = parents;
        }
    }

    /// `ALTER TABLE … INHERIT | NO INHERIT | SET LOGGED | SET UNLOGGED`.
    pub(super) fn alter_table_kind(&mut self, s: &protobuf::AlterTableStmt) {
        use protobuf::AlterTableType as T;
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                continue;
            };
            let parent = match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
                Some(NodeEnum::RangeVar(prv)) => Some(self.lookup_name(prv)),
                _ => None,
            };
            if cmd.subtype == T::AtAlterColumnType as i32 {
                self.identity_type_follows(&table, &cmd.name);
                continue;
            }
            let Some(t) = self.schema.tables.get_mut(&table) else {
                return;
            };
            match T::try_from(cmd.subtype) {
                Ok(T::AtAddInherit) => {
                    self.lookups.inheritance = true;
                    t.inherits.extend(parent);
                }
                Ok(T::AtDropInherit) => t.inherits.retain(|p| Some(p) != parent.as_ref()),
                Ok(T::AtSetLogged) => t.unlogged = false,
                Ok(T::AtSetUnLogged) => t.unlogged = true,
                _ => {}
            }
        }
    }
}

impl Replay<'_> {
    /// `ALTER COLUMN … TYPE` of an identity column changes its sequence's type too (a serial
    /// column's sequence keeps its own). An identity column is one that owns a sequence and has
    /// no default (a serial column's default is its `nextval`).
    fn identity_type_follows(&mut self, table: &QualName, column: &str) {
        let column = truncate_identifier(column);
        let Some(c) = self
            .schema
            .tables
            .get(table)
            .and_then(|t| t.columns.get(column))
            .filter(|c| c.default.is_none())
        else {
            return;
        };
        let type_name = c.type_name.clone();
        if Sequence::type_range(&type_name).is_none() {
            return;
        }
        for o in self.schema.other_relations.values_mut() {
            if let RelationDetail::Sequence(s) = &mut o.detail
                && s.owned_by
                    .as_ref()
                    .is_some_and(|(t, c)| t == table && c == column)
            {
                s.set_type(&type_name, false, false);
            }
        }
    }
}

/// A view's query as the model keeps it.
fn view_detail(query: &Node) -> RelationDetail {
    RelationDetail::View(ViewQuery::new(query_text(query)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn replay(sql: &str) -> Schema {
        let mut r = Replay::new(None);
        let mut unparsed = Vec::new();
        crate::check::replay_text(sql, 0, 0, &mut r, &mut unparsed);
        assert!(unparsed.is_empty(), "unexpected parse errors: {unparsed:?}");
        r.settle();
        r.schema
    }

    fn q(schema: &str, name: &str) -> QualName {
        QualName::new(schema, name)
    }

    fn sequence<'s>(s: &'s Schema, name: &QualName) -> &'s Sequence {
        match &s.other_relations[name].detail {
            RelationDetail::Sequence(seq) => seq,
            other => panic!("{name} is not a known sequence: {other:?}"),
        }
    }

    #[test]
    fn sequences_follow_renames_ownership_type_and_schema() {
        let s = replay(
            "CREATE TABLE inv (no int);
             CREATE SEQUENCE nums AS integer START 10 INCREMENT 5;
             ALTER SEQUENCE nums RENAME TO inv_no;
             ALTER SEQUENCE inv_no OWNED BY inv.no;
             ALTER SEQUENCE inv_no AS bigint;
             ALTER TABLE inv RENAME COLUMN no TO number;
             ALTER TABLE inv RENAME TO bills;
             CREATE SCHEMA archive;
             ALTER TABLE bills SET SCHEMA archive;",
        );
        let seq = sequence(&s, &q("archive", "inv_no"));
        assert_eq!(seq.type_name, "bigint");
        assert_eq!((seq.start, seq.increment, seq.max), (10, 5, i64::MAX));
        assert_eq!(
            seq.owned_by,
            Some((q("archive", "bills"), "number".to_string()))
        );
        assert!(!s.other_relations.contains_key(&q("public", "inv_no")));
    }

    #[test]
    fn serial_and_identity_sequences_are_owned_and_dropped_with_their_column() {
        let s = replay(
            "CREATE TABLE t (id serial, b bigint GENERATED ALWAYS AS IDENTITY (START WITH -7 INCREMENT BY -1));
             CREATE TABLE u (id smallserial);
             ALTER TABLE u DROP COLUMN id;",
        );
        let id = sequence(&s, &q("public", "t_id_seq"));
        assert_eq!(
            (id.type_name.as_str(), id.max),
            ("integer", i32::MAX as i64)
        );
        let b = sequence(&s, &q("public", "t_b_seq"));
        assert_eq!((b.start, b.increment, b.min, b.max), (-7, -1, i64::MIN, -1));
        assert_eq!(b.owned_by, Some((q("public", "t"), "b".to_string())));
        assert!(!s.other_relations.contains_key(&q("public", "u_id_seq")));
    }

    #[test]
    fn an_identity_sequence_follows_its_column_type_and_a_serial_one_does_not() {
        let s = replay(
            "CREATE TABLE t (id serial, b bigint GENERATED ALWAYS AS IDENTITY);
             ALTER TABLE t ALTER COLUMN id TYPE bigint, ALTER COLUMN b TYPE integer;",
        );
        assert_eq!(sequence(&s, &q("public", "t_id_seq")).type_name, "integer");
        let b = sequence(&s, &q("public", "t_b_seq"));
        assert_eq!((b.type_name.as_str(), b.max), ("integer", i32::MAX as i64));
    }

    #[test]
    fn functions_and_triggers_follow_renames_moves_and_drops() {
        let s = replay(
            "CREATE TABLE t (a int);
             CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
             CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
             CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
             CREATE SCHEMA s;
             ALTER FUNCTION f() SET SCHEMA s;
             ALTER TRIGGER tr ON t RENAME TO tr2;
             ALTER FUNCTION g(int) RENAME TO h;
             CREATE TABLE u (a int);
             CREATE TRIGGER tu AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION s.f();
             DROP FUNCTION s.f CASCADE;",
        );
        let keys: Vec<&String> = s.functions.keys().collect();
        assert_eq!(keys, ["public.h(integer)"]);
        assert!(s.tables[&q("public", "t")].triggers.is_empty());
        assert!(s.tables[&q("public", "u")].triggers.is_empty());

        let s = replay(
            "CREATE TABLE t (a int);
             CREATE SCHEMA s;
             CREATE FUNCTION s.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
             CREATE TRIGGER tr BEFORE UPDATE OF a ON t FOR EACH ROW EXECUTE FUNCTION s.f();
             ALTER FUNCTION s.f() SET SCHEMA public;
             ALTER TRIGGER tr ON t RENAME TO tr2;",
        );
        let t = &s.tables[&q("public", "t")].triggers;
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].name.as_str(), t[0].function.to_string()),
            ("tr2", "public.f".to_string())
        );
    }

    #[test]
    fn table_kinds_inheritance_and_persistence() {
        let s = replay(
            "CREATE TABLE p (id int);
             CREATE TABLE c (x int) INHERITS (p);
             CREATE UNLOGGED TABLE cache (k text);
             ALTER TABLE cache SET LOGGED;
             CREATE TABLE d (id int);
             ALTER TABLE d INHERIT p;
             ALTER TABLE c NO INHERIT p;
             ALTER TABLE p RENAME TO parent;",
        );
        assert!(s.tables[&q("public", "c")].inherits.is_empty());
        assert_eq!(
            s.tables[&q("public", "d")].inherits,
            [q("public", "parent")]
        );
        assert!(!s.tables[&q("public", "cache")].unlogged);
    }

    #[test]
    fn a_view_over_a_renamed_table_has_no_known_query() {
        let s = replay(
            "CREATE TABLE t (a int);
             CREATE VIEW v AS SELECT a FROM t;
             CREATE VIEW w AS SELECT 1 AS one;
             ALTER TABLE t RENAME TO t2;",
        );
        let key = |n: &str| match &s.other_relations[&q("public", n)].detail {
            RelationDetail::View(v) => v.key().map(str::to_string),
            _ => panic!("not a view"),
        };
        assert_eq!(key("v"), None);
        assert!(key("w").is_some());
    }

    #[test]
    fn exclusion_constraints_compare_operators_and_expressions() {
        let base =
            "CREATE EXTENSION btree_gist; CREATE TABLE b (r int, s timestamptz, e timestamptz);";
        let d = crate::rules::tests::drift_of(
            &format!(
                "{base} ALTER TABLE b ADD CONSTRAINT x EXCLUDE USING gist (r WITH =, tstzrange(s, e) WITH &&);"
            ),
            &format!(
                "{base} ALTER TABLE b ADD CONSTRAINT x EXCLUDE USING gist (r WITH =, tstzrange(s, e) WITH =);"
            ),
        );
        let messages: Vec<&str> = d.differences.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "constraint `x` on `public.b` differs: EXCLUDE USING gist (r WITH =, (tstzrange(s, e)) WITH &&) in migrations, EXCLUDE USING gist (r WITH =, (tstzrange(s, e)) WITH =) in database"
            ]
        );
    }
}
