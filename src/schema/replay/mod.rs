//! Replaying DDL into a [`Schema`] with PostgreSQL's semantics.
//!
//! The replay must end where PostgreSQL would end: implicit index and constraint names, the
//! effects of dropping and renaming columns and tables, `IF [NOT] EXISTS`, `search_path`. What a
//! statement asks for that PostgreSQL would reject (a column that does not exist, a table never
//! created) is recorded as an [`Event`] at the exact position of the offending name; the rules
//! turn events into findings.
//!
//! This file holds the replay's state and the dispatch on statement kind; each kind of
//! statement is replayed in its own module.

mod alter_table;
mod constraints;
mod create_table;
mod dependents;
mod do_blocks;
mod enum_facts;
mod events;
#[cfg(test)]
#[path = "fidelity/tests.rs"]
mod fidelity_tests;
mod foreign;
mod indexes;
mod lock_facts;
mod lookups;
mod nodes;
mod objects;
mod policies;
mod query_types;
mod rename_drop;
mod safety;
mod search_path;
mod sequences;
mod split_facts;
#[cfg(test)]
mod tests;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::model::*;
use super::names::{NameHints, truncate_identifier};
use crate::sql::locate::StatementTokens;
use lookups::Lookups;
use nodes::strings;

pub use dependents::{DependedAction, Dependents};
pub use enum_facts::EnumLabel;
pub use events::{Event, Owner, Unparsed};
pub use indexes::same_definition;
pub use safety::{
    Action, Delivery, FileRun, RunsAlone, Safety, TypeChange, refused_kind, type_change,
};

/// Where the replay keeps temporary tables (PostgreSQL's `pg_temp_N`, first in every search
/// path); [`Replay::settle`] drops them.
const TEMP_SCHEMA: &str = "pg_temp";

/// The statement being replayed: its text and where it sits in its file.
#[derive(Clone, Copy, Debug)]
pub struct Stmt<'a> {
    /// The file's id in the run.
    pub file: u32,
    /// Byte offset of the statement in the file.
    pub offset: usize,
    /// The statement's text.
    pub text: &'a str,
}

impl Stmt<'_> {
    fn origin(&self, range: Range<usize>) -> Origin {
        Origin::sql(
            self.file,
            self.offset + range.start..self.offset + range.end,
        )
    }

    fn whole(&self) -> Origin {
        self.origin(0..self.text.len())
    }
}

/// Replays statements into a schema.
pub struct Replay<'r> {
    /// The schema so far.
    pub schema: Schema,
    /// What happened that rules may report, in order.
    pub events: Vec<Event>,
    /// Statements inside `DO` blocks that could not be parsed (the block's own statement
    /// parsed): the rules report them like any other unparsed statement, so that nothing a DO
    /// block does is skipped silently.
    pub unparsed: Vec<Unparsed>,
    /// DDL replayed from a branch of a `DO` block (IF, CASE, an exception handler) that may
    /// not run: the model applies every branch, and says so here.
    pub conditional_ddl: Vec<Origin>,
    /// Objects that an `ALTER TABLE` in such a branch alters by name (a column whose default
    /// or type it sets, a column or constraint it drops) or a `RENAME` renames (under both
    /// names): table, object name (empty for the whole table), and where.
    pub conditional_objects: Vec<(QualName, String, Origin)>,
    search_path: Vec<String>,
    reference: Option<&'r Schema>,
    /// Tables whose column list may be incomplete (`LIKE` or `INHERITS` of an unknown table,
    /// `CREATE TABLE … OF type`): missing columns there are not reported.
    incomplete: HashSet<QualName>,
    lookups: Lookups,
    /// Creation sequence of each index: removal from `schema.indexes` is a constant-time swap
    /// that disturbs the map's order, and [`Replay::settle`] restores creation order (which
    /// rules use to keep the earlier of two duplicates) once, at the end.
    index_seq: HashMap<QualName, u64>,
    next_seq: u64,
    /// Per-file counters and NOT NULL proofs for the migration-safety facts.
    safety: safety::SafetyState,
    /// Where the searches for generated names stopped (see [`NameHints`]).
    hints: NameHints,
    /// The `RENAME COLUMN` events that name functions, with their file: a later statement of
    /// the same file may mend them (see `dependents`).
    open_renames: Vec<(usize, u32)>,
}

impl Default for Replay<'_> {
    fn default() -> Self {
        Replay::new(None)
    }
}

/// One statement's token cache, built only when a name has to be located.
struct Ctx<'a> {
    stmt: Stmt<'a>,
    tokens: std::cell::OnceCell<StatementTokens<'a>>,
}

impl<'a> Ctx<'a> {
    fn new(stmt: Stmt<'a>) -> Self {
        Ctx {
            stmt,
            tokens: std::cell::OnceCell::new(),
        }
    }

    fn tokens(&self) -> &StatementTokens<'a> {
        self.tokens
            .get_or_init(|| StatementTokens::new(self.stmt.text))
    }

    /// The span of `name` searched from `from` (a byte offset in the statement), or the whole
    /// statement when the name cannot be found.
    fn name_span(&self, name: &str, from: usize) -> Origin {
        match self.tokens().find_name(name, from) {
            Some(r) => self.stmt.origin(r),
            None => self.stmt.whole(),
        }
    }

    fn at(&self, location: i32) -> usize {
        usize::try_from(location)
            .unwrap_or(0)
            .min(self.stmt.text.len())
    }

    /// The span of a relation name at a parse-tree location.
    fn relation_span(&self, rv: &protobuf::RangeVar) -> Origin {
        match self.tokens().qualified_name_at(self.at(rv.location)) {
            Some(r) => self.stmt.origin(r),
            None => self.stmt.whole(),
        }
    }
}

impl Ctx<'_> {
    /// A column definition's span: its name at the parse-tree location, else the statement.
    fn name_or_whole(&self, name: &str, location: i32) -> Origin {
        match self.tokens().name_at(self.at(location)) {
            Some(r) => self.stmt.origin(r),
            None => self.name_span(name, 0),
        }
    }
}

impl<'r> Replay<'r> {
    /// A replay that starts from an empty schema; `reference` answers for tables the history
    /// never created.
    pub fn new(reference: Option<&'r Schema>) -> Self {
        Replay {
            schema: Schema {
                objects_known: true,
                ..Schema::default()
            },
            events: Vec::new(),
            unparsed: Vec::new(),
            conditional_ddl: Vec::new(),
            conditional_objects: Vec::new(),
            search_path: vec!["public".to_string()],
            reference,
            incomplete: HashSet::default(),
            lookups: Lookups::default(),
            index_seq: HashMap::default(),
            next_seq: 0,
            safety: safety::SafetyState::default(),
            hints: NameHints::default(),
            open_renames: Vec::new(),
        }
    }

    /// A replay that starts from an existing schema (a live database, a snapshot).
    pub fn starting_from(schema: Schema, reference: Option<&'r Schema>) -> Self {
        let mut replay = Replay::new(reference);
        let indexes: Vec<Index> = schema.indexes.values().cloned().collect();
        let tables: Vec<QualName> = schema.tables.keys().cloned().collect();
        replay.schema = schema;
        for index in &indexes {
            replay.note_index(index);
        }
        for table in &tables {
            replay.note_foreign_keys(table);
        }
        replay
    }

    /// Resets per-file session state (`search_path`): each migration file runs in its own
    /// session in most tools.
    pub fn reset_session(&mut self) {
        self.search_path = vec!["public".to_string()];
    }

    /// Replays one parsed statement.
    pub fn apply(&mut self, node: &Node, stmt: Stmt<'_>) {
        let ctx = Ctx::new(stmt);
        self.safety_facts(node, &ctx);
        self.dependency_facts(node, &ctx);
        self.apply_node(node, &ctx);
    }

    /// Records a data statement (classified [`crate::sql::parse::StatementClass::Data`]) that
    /// may write rows, with the tables it writes into as far as its first words tell. A query
    /// that calls no function (`SELECT 1`, `SELECT count(*)` does call one) writes nothing and is
    /// not recorded.
    pub fn data_load(&mut self, stmt: Stmt<'_>) {
        let Some(target) = events::load_target(stmt.text) else {
            return;
        };
        let tables = target.map(|names| vec![self.qualified_from_list(&names)]);
        self.events.push(Event::DataLoad {
            tables,
            location: stmt.whole(),
        });
    }

    fn apply_node(&mut self, node: &Node, ctx: &Ctx<'_>) {
        let Some(inner) = node.node.as_ref() else {
            return;
        };
        match inner {
            NodeEnum::CreateStmt(s) => {
                self.create_table(s, ctx);
                self.table_kind(s);
            }
            NodeEnum::CreateForeignTableStmt(s) => self.create_foreign_table(s, ctx),
            NodeEnum::CreateForeignServerStmt(s) => self.create_server(s),
            NodeEnum::ImportForeignSchemaStmt(s) => self.import_foreign_schema(s, ctx),
            NodeEnum::IndexStmt(s) => self.create_index(s, ctx),
            NodeEnum::AlterTableStmt(s) => {
                self.alter_table(s, ctx);
                self.alter_table_kind(s);
                self.alter_composite_or_foreign(s);
            }
            NodeEnum::RenameStmt(s) => {
                self.rename_objects(s);
                self.rename(s, ctx);
                self.rename_attribute(s);
            }
            NodeEnum::DropStmt(s) => {
                self.drop_objects(s);
                self.drop(s, ctx);
                self.drop_servers(s);
            }
            NodeEnum::AlterObjectSchemaStmt(s) => {
                self.set_object_schema(s);
                self.set_schema(s);
            }
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(s, ctx),
            NodeEnum::VariableSetStmt(s) => self.set_variable(s),
            NodeEnum::SelectStmt(s) if s.into_clause.is_some() => self.select_into(s, ctx),
            NodeEnum::SelectStmt(s) => self.select_set_config(s),
            NodeEnum::CreateExtensionStmt(s) => {
                self.schema
                    .extensions
                    .entry(s.extname.clone())
                    .or_insert(ctx.stmt.whole());
                self.extension_version(&s.extname, &s.options);
            }
            NodeEnum::AlterExtensionStmt(s) => self.extension_version(&s.extname, &s.options),
            NodeEnum::CreateFunctionStmt(s) => self.create_function(s, ctx),
            NodeEnum::CreateTrigStmt(s) => self.create_trigger(s, ctx),
            NodeEnum::AlterSeqStmt(s) => self.alter_sequence(s),
            NodeEnum::CreateEnumStmt(s) => {
                let name = self.type_name(&s.type_name);
                let labels = strings(&s.vals);
                self.schema.enums.insert(name, labels);
            }
            NodeEnum::AlterEnumStmt(s) => self.alter_enum(s),
            NodeEnum::CreateSeqStmt(s) => self.create_sequence(s, ctx),
            NodeEnum::ViewStmt(s) => self.create_view(s, ctx),
            NodeEnum::CreateTableAsStmt(s) => {
                self.create_table_as(s, ctx);
                self.materialized_view_query(s);
            }
            NodeEnum::CompositeTypeStmt(s) => self.create_composite(s, ctx),
            NodeEnum::CreatePolicyStmt(s) => self.create_policy(s, ctx),
            NodeEnum::AlterPolicyStmt(s) => self.alter_policy(s, ctx),
            NodeEnum::DoStmt(s) => self.do_block(s, ctx),
            _ => {}
        }
    }

    /// The schema new unqualified objects go to: the first existing schema of `search_path`.
    fn creation_schema(&self) -> String {
        self.search_path
            .iter()
            .find(|s| self.schema.schema_exists(s))
            .cloned()
            .unwrap_or_else(|| "public".to_string())
    }

    fn creation_name(&self, rv: &protobuf::RangeVar) -> QualName {
        let name = truncate_identifier(&rv.relname).to_string();
        // A temporary table lives in the session's own schema and is gone with the session
        // (or the transaction, ON COMMIT DROP): never a table of the database.
        if rv.relpersistence == "t" {
            return QualName::new(TEMP_SCHEMA, name);
        }
        if rv.schemaname.is_empty() {
            QualName::new(self.creation_schema(), name)
        } else {
            QualName::new(truncate_identifier(&rv.schemaname), name)
        }
    }

    /// Resolves a relation name through `search_path`: the first schema that has a relation of
    /// that name, else the creation schema.
    fn lookup_name(&self, rv: &protobuf::RangeVar) -> QualName {
        if !rv.schemaname.is_empty() {
            return self.creation_name(rv);
        }
        let name = truncate_identifier(&rv.relname);
        if let Some(temp) = self.temp_relation(name) {
            return temp;
        }
        for schema in &self.search_path {
            let q = QualName::new(schema.clone(), name);
            if self.schema.relation_exists(&q)
                || self.reference.is_some_and(|r| r.tables.contains_key(&q))
            {
                return q;
            }
        }
        QualName::new(self.creation_schema(), name)
    }

    /// A temporary relation of that name: PostgreSQL looks in the session's temporary schema
    /// before the search path.
    fn temp_relation(&self, name: &str) -> Option<QualName> {
        let temp = QualName::new(TEMP_SCHEMA, name);
        self.schema.relation_exists(&temp).then_some(temp)
    }

    fn qualified_from_list(&self, names: &[String]) -> QualName {
        match names {
            [.., schema, name] => QualName::new(schema.clone(), name.clone()),
            [name] => {
                if let Some(temp) = self.temp_relation(name) {
                    return temp;
                }
                for schema in &self.search_path {
                    let q = QualName::new(schema.clone(), name.clone());
                    if self.schema.relation_exists(&q) {
                        return q;
                    }
                }
                QualName::new(self.creation_schema(), name.clone())
            }
            [] => QualName::new(self.creation_schema(), String::new()),
        }
    }

    fn type_name(&self, names: &[Node]) -> QualName {
        let names = strings(names);
        match names.as_slice() {
            [.., schema, name] => QualName::new(schema.clone(), name.clone()),
            [name] => QualName::new(self.creation_schema(), name.clone()),
            [] => QualName::new(self.creation_schema(), String::new()),
        }
    }

    fn add_other(&mut self, name: QualName, kind: RelKind, origin: Origin) {
        self.schema.other_relations.insert(
            name,
            OtherRelation {
                kind,
                origin,
                detail: RelationDetail::None,
            },
        );
    }

    /// Makes a table the history never created available from the reference schema.
    fn ensure_table(&mut self, name: &QualName) -> bool {
        if self.schema.tables.contains_key(name) {
            return true;
        }
        let Some(reference) = self.reference else {
            return false;
        };
        let Some(table) = reference.tables.get(name) else {
            return false;
        };
        self.schema.tables.insert(name.clone(), table.clone());
        if !table.policies.is_empty() {
            // Written elsewhere: any of them may read other relations.
            self.lookups.policy_tables.insert(name.clone());
        }
        self.note_foreign_keys(name);
        for index in reference.indexes.values().filter(|i| &i.table == name) {
            if !self.schema.indexes.contains_key(&index.name) {
                self.put_index(index.clone());
            }
        }
        true
    }
}
