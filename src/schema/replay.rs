//! Replaying DDL into a [`Schema`] with PostgreSQL's semantics.
//!
//! The replay must end where PostgreSQL would end: implicit index and constraint names, the
//! effects of dropping and renaming columns and tables, `IF [NOT] EXISTS`, `search_path`. What a
//! statement asks for that PostgreSQL would reject (a column that does not exist, a table never
//! created) is recorded as an [`Event`] at the exact position of the offending name; the rules
//! turn events into findings.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use std::ops::Range;

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::expr::{SqlExpr, column_ref_locations};
use super::model::*;
use super::names::{choose_name, index_column_names, name_addition, truncate_identifier};
use super::types;
use crate::sql::locate::StatementTokens;

/// Something a statement did that a statement rule may report.
#[derive(Clone, Debug)]
pub enum Event {
    /// A statement names a column its table does not have.
    MissingColumn {
        /// The table that lacks the column.
        table: QualName,
        /// The missing column.
        column: String,
        /// What names the column.
        owner: Owner,
        /// The column name's span.
        location: Origin,
        /// The table's columns at that point, with their types, for did-you-mean.
        candidates: Vec<(String, String)>,
        /// Other tables that have a column of that name.
        elsewhere: Vec<QualName>,
    },
    /// A statement names a table that does not exist at that point.
    MissingTable {
        /// The missing table.
        table: QualName,
        /// What names the table.
        owner: Owner,
        /// The table name's span.
        location: Origin,
        /// Whether a reference schema was consulted (and did not have it either).
        reference_checked: bool,
        /// A relation of another kind has the name (a view, a materialized view …).
        other_kind: Option<RelKind>,
    },
    /// A foreign key references columns that carry no PRIMARY KEY or UNIQUE constraint.
    NoUniqueTarget {
        /// The referencing table.
        table: QualName,
        /// The FK constraint name.
        constraint: String,
        /// The referenced table and columns.
        ref_table: QualName,
        /// The referenced columns.
        ref_columns: Vec<String>,
        /// The REFERENCES clause.
        location: Origin,
    },
    /// `CREATE INDEX [IF NOT EXISTS] n` where a relation `n` already exists.
    NameConflict {
        /// The name.
        name: QualName,
        /// `IF NOT EXISTS` was given: PostgreSQL silently skips the statement.
        if_not_exists: bool,
        /// What already has the name: its kind and where it was created.
        existing_kind: &'static str,
        /// Where the existing relation was created.
        existing: Origin,
        /// The existing index (when it is one), for comparing definitions.
        existing_index: Option<Box<Index>>,
        /// The index the statement would have created.
        new_index: Box<Index>,
        /// The statement.
        location: Origin,
    },
    /// A statement that may write rows (INSERT, COPY, UPDATE, a function call).
    DataLoad {
        /// The tables it writes into; `None` when any table may receive rows (a function call,
        /// `CALL`, a data-modifying `WITH`, `PERFORM` or `EXECUTE` in a DO block).
        tables: Option<Vec<QualName>>,
        /// The statement.
        location: Origin,
    },
    /// An index was created.
    IndexCreated {
        /// The index name.
        index: QualName,
        /// Where.
        location: Origin,
    },
    /// A table was created.
    TableCreated {
        /// The table name.
        table: QualName,
        /// Where.
        location: Origin,
    },
}

/// What names a missing column or table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// An index (explicit or implicit name).
    Index(String),
    /// A PRIMARY KEY / UNIQUE / EXCLUDE constraint.
    Constraint(String),
    /// A foreign key constraint.
    ForeignKey(String),
    /// A foreign key's referenced side.
    ForeignKeyTarget(String),
    /// Any other statement (ALTER TABLE, DROP COLUMN, RENAME …).
    Statement,
}

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
    pub unparsed: Vec<crate::rules::Unparsed>,
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
}

/// Reverse lookups, so that a statement touches only the objects it concerns and never scans
/// the whole schema (which made replay quadratic in the number of indexes and foreign keys).
/// Each list is a superset: an entry may be stale (its object renamed or dropped since), so
/// every use re-checks it against the schema; an object must never be missing from it.
#[derive(Debug, Default)]
struct Lookups {
    /// Table → the indexes created on it.
    indexes: HashMap<QualName, Vec<QualName>>,
    /// Referenced table → the tables whose foreign keys may point at it.
    referencing: HashMap<QualName, Vec<QualName>>,
    /// Partitioned index → its partitions' indexes.
    children: HashMap<QualName, Vec<QualName>>,
}

fn note(map: &mut HashMap<QualName, Vec<QualName>>, key: &QualName, value: &QualName) {
    let list = map.entry(key.clone()).or_default();
    if !list.contains(value) {
        list.push(value.clone());
    }
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

fn string_value(node: &Node) -> Option<&str> {
    match node.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.as_str()),
        _ => None,
    }
}

fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(string_value)
        .map(|s| truncate_identifier(s).to_string())
        .collect()
}

/// Text of a DefElem argument (`WITH (lists = 100)`).
fn def_arg_text(node: Option<&Node>) -> String {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::String(s)) => s.sval.clone(),
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::TypeName(t)) => strings(&t.names).join("."),
        Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
            Some(protobuf::a_const::Val::Ival(i)) => i.ival.to_string(),
            Some(protobuf::a_const::Val::Fval(f)) => f.fval.clone(),
            Some(protobuf::a_const::Val::Sval(s)) => s.sval.clone(),
            Some(protobuf::a_const::Val::Boolval(b)) => b.boolval.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn fk_action(code: &str) -> char {
    code.chars().next().filter(|c| *c != ' ').unwrap_or('a')
}

const CONSTR_NOTNULL: i32 = protobuf::ConstrType::ConstrNotnull as i32;
const CONSTR_DEFAULT: i32 = protobuf::ConstrType::ConstrDefault as i32;
const CONSTR_IDENTITY: i32 = protobuf::ConstrType::ConstrIdentity as i32;
const CONSTR_CHECK: i32 = protobuf::ConstrType::ConstrCheck as i32;
const CONSTR_PRIMARY: i32 = protobuf::ConstrType::ConstrPrimary as i32;
const CONSTR_UNIQUE: i32 = protobuf::ConstrType::ConstrUnique as i32;
const CONSTR_EXCLUSION: i32 = protobuf::ConstrType::ConstrExclusion as i32;
const CONSTR_FOREIGN: i32 = protobuf::ConstrType::ConstrForeign as i32;

/// An index-backed constraint waiting to be created (CREATE TABLE creates the primary key's
/// index first, then the others in order, merging exact duplicates as PostgreSQL does).
struct PendingIndexConstraint {
    constraint: protobuf::Constraint,
    /// For a column constraint: the column it is attached to.
    column: Option<String>,
}

impl<'r> Replay<'r> {
    /// A replay that starts from an empty schema; `reference` answers for tables the history
    /// never created.
    pub fn new(reference: Option<&'r Schema>) -> Self {
        Replay {
            schema: Schema::default(),
            events: Vec::new(),
            unparsed: Vec::new(),
            search_path: vec!["public".to_string()],
            reference,
            incomplete: HashSet::new(),
            lookups: Lookups::default(),
            index_seq: HashMap::new(),
            next_seq: 0,
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

    // ----- lookups -------------------------------------------------------------------------

    /// Inserts an index into the schema and the lookups.
    fn put_index(&mut self, index: Index) {
        self.note_index(&index);
        self.schema.indexes.insert(index.name.clone(), index);
    }

    fn note_index(&mut self, index: &Index) {
        if !self.index_seq.contains_key(&index.name) {
            self.next_seq += 1;
            self.index_seq.insert(index.name.clone(), self.next_seq);
        }
        note(&mut self.lookups.indexes, &index.table, &index.name);
        if let Some(parent) = &index.parent_index {
            note(&mut self.lookups.children, parent, &index.name);
        }
    }

    /// Records the targets of a table's foreign keys.
    fn note_foreign_keys(&mut self, table: &QualName) {
        let Some(t) = self.schema.tables.get(table) else {
            return;
        };
        let targets: Vec<QualName> = t
            .foreign_keys()
            .map(|(_, fk)| fk.ref_table.clone())
            .collect();
        for target in targets {
            note(&mut self.lookups.referencing, &target, table);
        }
    }

    /// The names of the indexes on a table, in creation order.
    fn indexes_on(&self, table: &QualName) -> Vec<QualName> {
        let Some(names) = self.lookups.indexes.get(table) else {
            return Vec::new();
        };
        let mut found: Vec<(u64, QualName)> = names
            .iter()
            .filter(|n| {
                self.schema
                    .indexes
                    .get(*n)
                    .is_some_and(|i| &i.table == table)
            })
            .map(|n| {
                (
                    self.index_seq.get(n).copied().unwrap_or(u64::MAX),
                    n.clone(),
                )
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect()
    }

    /// Puts the schema's indexes back in creation order. Call once replay is done, before the
    /// schema is read.
    pub fn settle(&mut self) {
        let seq = &self.index_seq;
        self.schema
            .indexes
            .sort_by_cached_key(|name, _| seq.get(name).copied().unwrap_or(u64::MAX));
    }

    /// The indexes whose parent is `parent` (partitions' copies).
    fn children_of(&self, parent: &QualName) -> Vec<QualName> {
        self.lookups
            .children
            .get(parent)
            .map(|names| {
                names
                    .iter()
                    .filter(|n| {
                        self.schema
                            .indexes
                            .get(*n)
                            .is_some_and(|i| i.parent_index.as_ref() == Some(parent))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tables that have a foreign key referencing `table`.
    fn referencing(&self, table: &QualName) -> Vec<QualName> {
        self.lookups
            .referencing
            .get(table)
            .map(|names| {
                names
                    .iter()
                    .filter(|n| {
                        self.schema
                            .tables
                            .get(*n)
                            .is_some_and(|t| t.foreign_keys().any(|(_, fk)| &fk.ref_table == table))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The partitions of a partitioned table (none for any other table, without a scan).
    fn partitions_of(&self, table: &QualName) -> Vec<QualName> {
        if !self.schema.tables.get(table).is_some_and(|t| t.partitioned) {
            return Vec::new();
        }
        self.schema
            .tables
            .values()
            .filter(|t| t.partition_of.as_ref() == Some(table))
            .map(|t| t.name.clone())
            .collect()
    }

    /// Resets per-file session state (`search_path`): each migration file runs in its own
    /// session in most tools.
    pub fn reset_session(&mut self) {
        self.search_path = vec!["public".to_string()];
    }

    /// Replays one parsed statement.
    pub fn apply(&mut self, node: &Node, stmt: Stmt<'_>) {
        let ctx = Ctx::new(stmt);
        self.apply_node(node, &ctx);
    }

    /// Records a data statement (classified [`crate::sql::parse::StatementClass::Data`]) that
    /// may write rows, with the tables it writes into as far as its first words tell. A query
    /// that calls no function (`SELECT 1`, `SELECT count(*)` does call one) writes nothing and is
    /// not recorded.
    pub fn data_load(&mut self, stmt: Stmt<'_>) {
        let Some(target) = load_target(stmt.text) else {
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
            NodeEnum::CreateStmt(s) => self.create_table(s, ctx, false),
            NodeEnum::CreateForeignTableStmt(s) => {
                if let Some(rv) = s.base_stmt.as_ref().and_then(|b| b.relation.as_ref()) {
                    let name = self.creation_name(rv);
                    self.add_other(name, RelKind::ForeignTable, ctx.stmt.whole());
                }
            }
            NodeEnum::IndexStmt(s) => self.create_index(s, ctx),
            NodeEnum::AlterTableStmt(s) => self.alter_table(s, ctx),
            NodeEnum::RenameStmt(s) => self.rename(s, ctx),
            NodeEnum::DropStmt(s) => self.drop(s, ctx),
            NodeEnum::AlterObjectSchemaStmt(s) => self.set_schema(s),
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(s, ctx),
            NodeEnum::VariableSetStmt(s) => self.set_variable(s),
            NodeEnum::SelectStmt(s) => self.select_set_config(s),
            NodeEnum::CreateExtensionStmt(s) => {
                self.schema
                    .extensions
                    .entry(s.extname.clone())
                    .or_insert(ctx.stmt.whole());
            }
            NodeEnum::CreateEnumStmt(s) => {
                let name = self.type_name(&s.type_name);
                let labels = strings(&s.vals);
                self.schema.enums.insert(name, labels);
            }
            NodeEnum::AlterEnumStmt(s) => {
                let name = self.type_name(&s.type_name);
                if let Some(labels) = self.schema.enums.get_mut(&name) {
                    if !s.old_val.is_empty() {
                        if let Some(l) = labels.iter_mut().find(|l| **l == s.old_val) {
                            *l = s.new_val.clone();
                        }
                    } else if !labels.contains(&s.new_val) {
                        labels.push(s.new_val.clone());
                    }
                }
            }
            NodeEnum::CreateSeqStmt(s) => {
                if let Some(rv) = s.sequence.as_ref() {
                    let name = self.creation_name(rv);
                    self.add_other(name, RelKind::Sequence, ctx.stmt.whole());
                }
            }
            NodeEnum::ViewStmt(s) => {
                if let Some(rv) = s.view.as_ref() {
                    let name = self.creation_name(rv);
                    self.add_other(name, RelKind::View, ctx.stmt.whole());
                }
            }
            NodeEnum::CreateTableAsStmt(s) => self.create_table_as(s, ctx),
            NodeEnum::CompositeTypeStmt(s) => {
                if let Some(rv) = s.typevar.as_ref() {
                    let name = self.creation_name(rv);
                    self.add_other(name, RelKind::CompositeType, ctx.stmt.whole());
                }
            }
            NodeEnum::CreatePolicyStmt(s) => self.create_policy(s, ctx),
            NodeEnum::AlterPolicyStmt(s) => self.alter_policy(s),
            NodeEnum::DoStmt(s) => self.do_block(s, ctx),
            _ => {}
        }
    }

    // ----- names -------------------------------------------------------------------------

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

    fn qualified_from_list(&self, names: &[String]) -> QualName {
        match names {
            [.., schema, name] => QualName::new(schema.clone(), name.clone()),
            [name] => {
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
        self.schema
            .other_relations
            .insert(name, OtherRelation { kind, origin });
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
        self.note_foreign_keys(name);
        for index in reference.indexes.values().filter(|i| &i.table == name) {
            if !self.schema.indexes.contains_key(&index.name) {
                self.put_index(index.clone());
            }
        }
        true
    }

    fn missing_table(&mut self, table: QualName, owner: Owner, location: Origin) {
        let other_kind = self.schema.other_relations.get(&table).map(|o| o.kind);
        self.events.push(Event::MissingTable {
            table,
            owner,
            location,
            reference_checked: self.reference.is_some(),
            other_kind,
        });
    }

    fn missing_column(&mut self, table: &QualName, column: &str, owner: Owner, location: Origin) {
        if self.incomplete.contains(table) {
            return;
        }
        let candidates = self
            .schema
            .tables
            .get(table)
            .map(|t| {
                t.columns
                    .values()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let elsewhere = self
            .schema
            .tables
            .values()
            .filter(|t| &t.name != table && t.columns.contains_key(column))
            .map(|t| t.name.clone())
            .take(5)
            .collect();
        self.events.push(Event::MissingColumn {
            table: table.clone(),
            column: column.to_string(),
            owner,
            location,
            candidates,
            elsewhere,
        });
    }

    // ----- CREATE TABLE ------------------------------------------------------------------

    fn create_table(&mut self, s: &protobuf::CreateStmt, ctx: &Ctx<'_>, _foreign: bool) {
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
            let Some(NodeEnum::RangeVar(prv)) = parent.node.as_ref() else {
                continue;
            };
            let parent_name = self.lookup_name(prv);
            if !self.ensure_table(&parent_name) {
                self.missing_table(
                    parent_name.clone(),
                    Owner::Statement,
                    ctx.relation_span(prv),
                );
                self.incomplete.insert(name.clone());
                continue;
            }
            if self.incomplete.contains(&parent_name) {
                self.incomplete.insert(name.clone());
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
            if s.partbound.is_some() {
                table.partition_of = Some(parent_name);
            }
        }
        if s.of_typename.is_some() {
            self.incomplete.insert(name.clone());
        }

        let mut pending: Vec<PendingIndexConstraint> = Vec::new();
        let mut fks: Vec<(protobuf::Constraint, Option<String>)> = Vec::new();
        let mut checks: Vec<(protobuf::Constraint, Option<String>)> = Vec::new();
        for elt in &s.table_elts {
            match elt.node.as_ref() {
                Some(NodeEnum::ColumnDef(col)) => {
                    let colname = truncate_identifier(&col.colname).to_string();
                    if let Some(existing) = table.columns.get_mut(&colname) {
                        // A partition or child redeclaring an inherited column adds constraints.
                        for c in &col.constraints {
                            if let Some(NodeEnum::Constraint(c)) = c.node.as_ref()
                                && c.contype == CONSTR_NOTNULL
                            {
                                existing.not_null = true;
                            }
                        }
                    } else {
                        let column = self.column_from_def(&name, col, ctx);
                        table.columns.insert(column.name.clone(), column);
                    }
                    for c in &col.constraints {
                        let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
                            continue;
                        };
                        match c.contype {
                            CONSTR_PRIMARY | CONSTR_UNIQUE | CONSTR_EXCLUSION => {
                                pending.push(PendingIndexConstraint {
                                    constraint: (**c).clone(),
                                    column: Some(colname.clone()),
                                })
                            }
                            CONSTR_FOREIGN => fks.push(((**c).clone(), Some(colname.clone()))),
                            CONSTR_CHECK => checks.push(((**c).clone(), Some(colname.clone()))),
                            _ => {}
                        }
                    }
                }
                Some(NodeEnum::Constraint(c)) => match c.contype {
                    CONSTR_PRIMARY | CONSTR_UNIQUE | CONSTR_EXCLUSION => {
                        pending.push(PendingIndexConstraint {
                            constraint: (**c).clone(),
                            column: None,
                        })
                    }
                    CONSTR_FOREIGN => fks.push(((**c).clone(), None)),
                    CONSTR_CHECK => checks.push(((**c).clone(), None)),
                    CONSTR_NOTNULL => {
                        for k in strings(&c.keys) {
                            if let Some(col) = table.columns.get_mut(&k) {
                                col.not_null = true;
                            }
                        }
                    }
                    _ => {}
                },
                Some(NodeEnum::TableLikeClause(like)) => {
                    let Some(lrv) = like.relation.as_ref() else {
                        continue;
                    };
                    let src = self.lookup_name(lrv);
                    if self.ensure_table(&src) {
                        for col in self.schema.tables[&src].columns.values() {
                            table
                                .columns
                                .entry(col.name.clone())
                                .or_insert_with(|| Column {
                                    origin: ctx.stmt.whole(),
                                    default: None,
                                    ..col.clone()
                                });
                        }
                    } else {
                        self.missing_table(src, Owner::Statement, ctx.relation_span(lrv));
                        self.incomplete.insert(name.clone());
                    }
                }
                _ => {}
            }
        }

        self.schema.tables.insert(name.clone(), table);
        self.events.push(Event::TableCreated {
            table: name.clone(),
            location: ctx.stmt.whole(),
        });
        self.add_serial_sequences(&name, s, ctx);

        // The primary key's index is created first; UNIQUE constraints identical to an earlier
        // one are merged into it (PostgreSQL's transformIndexConstraints).
        pending.sort_by_key(|p| p.constraint.contype != CONSTR_PRIMARY);
        let mut seen: Vec<(Vec<String>, Vec<String>, i32)> = Vec::new();
        for p in pending {
            let keys = self.constraint_keys(&p.constraint, p.column.as_deref());
            let include = strings(&p.constraint.including);
            let signature = (keys.clone(), include, p.constraint.contype);
            if p.constraint.contype != CONSTR_EXCLUSION
                && seen
                    .iter()
                    .any(|(k, i, _)| *k == signature.0 && *i == signature.1)
            {
                continue;
            }
            seen.push(signature);
            self.add_index_constraint(&name, &p.constraint, p.column.as_deref(), ctx);
        }
        if let Some(parent) = self.schema.tables[&name].partition_of.clone() {
            self.clone_parent_indexes(&parent, &name);
        }
        for (c, column) in checks {
            self.add_check(&name, &c, column.as_deref());
        }
        for (c, column) in fks {
            self.add_foreign_key(&name, &c, column.as_deref(), ctx);
        }
    }

    fn column_from_def(
        &mut self,
        _table: &QualName,
        col: &protobuf::ColumnDef,
        ctx: &Ctx<'_>,
    ) -> Column {
        let normal = col.type_name.as_ref().map(types::normalise);
        let mut column = Column {
            name: truncate_identifier(&col.colname).to_string(),
            type_name: normal.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            not_null: col.is_not_null,
            default: col
                .raw_default
                .as_ref()
                .map(|d| SqlExpr::from_node((**d).clone()).text),
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
                    column.default = c
                        .raw_expr
                        .as_ref()
                        .map(|d| SqlExpr::from_node((**d).clone()).text)
                }
                _ => {}
            }
        }
        column
    }

    fn add_serial_sequences(&mut self, table: &QualName, s: &protobuf::CreateStmt, ctx: &Ctx<'_>) {
        for elt in &s.table_elts {
            let Some(NodeEnum::ColumnDef(col)) = elt.node.as_ref() else {
                continue;
            };
            let serial = col
                .type_name
                .as_ref()
                .is_some_and(|t| types::normalise(t).serial);
            let identity = col.constraints.iter().any(|c| {
                matches!(c.node.as_ref(), Some(NodeEnum::Constraint(c)) if c.contype == CONSTR_IDENTITY)
            });
            if serial || identity {
                let seq = choose_name(&table.name, Some(&col.colname), "seq", |n| {
                    self.schema
                        .relation_exists(&QualName::new(table.schema.clone(), n))
                });
                let seqname = QualName::new(table.schema.clone(), seq);
                if serial
                    && let Some(c) = self
                        .schema
                        .tables
                        .get_mut(table)
                        .and_then(|t| t.columns.get_mut(&col.colname))
                {
                    c.default = Some(format!("nextval('{}'::regclass)", seqname.name));
                }
                self.add_other(seqname, RelKind::Sequence, ctx.stmt.whole());
            }
        }
    }

    fn create_table_as(&mut self, s: &protobuf::CreateTableAsStmt, ctx: &Ctx<'_>) {
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
                .map(query_output_columns)
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

    /// Key column names of a PRIMARY KEY / UNIQUE constraint (a column constraint's own
    /// column when it lists none).
    fn constraint_keys(&self, c: &protobuf::Constraint, column: Option<&str>) -> Vec<String> {
        if c.contype == CONSTR_EXCLUSION {
            return c
                .exclusions
                .iter()
                .filter_map(|pair| match pair.node.as_ref() {
                    Some(NodeEnum::List(l)) => {
                        l.items.first().and_then(|e| match e.node.as_ref() {
                            Some(NodeEnum::IndexElem(ie)) => Some(if ie.name.is_empty() {
                                "expr".to_string()
                            } else {
                                ie.name.clone()
                            }),
                            _ => None,
                        })
                    }
                    _ => None,
                })
                .collect();
        }
        let keys = strings(&c.keys);
        if keys.is_empty() {
            column.map(|c| vec![c.to_string()]).unwrap_or_default()
        } else {
            keys
        }
    }

    /// Adds a PRIMARY KEY, UNIQUE or EXCLUDE constraint and its index.
    fn add_index_constraint(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let kind = match c.contype {
            CONSTR_PRIMARY => ConstraintKind::PrimaryKey,
            CONSTR_UNIQUE => ConstraintKind::Unique,
            _ => ConstraintKind::Exclude,
        };
        if kind == ConstraintKind::PrimaryKey
            && self
                .schema
                .tables
                .get(table)
                .is_some_and(|t| t.primary_key().is_some())
        {
            // "multiple primary keys for table are not allowed": the statement fails.
            return;
        }

        // ADD CONSTRAINT … USING INDEX: the index becomes the constraint's, renamed to it.
        if !c.indexname.is_empty() {
            let idx_name = QualName::new(table.schema.clone(), truncate_identifier(&c.indexname));
            if !self.schema.indexes.contains_key(&idx_name) {
                self.missing_table(
                    idx_name,
                    Owner::Constraint(c.conname.clone()),
                    ctx.stmt.whole(),
                );
                return;
            }
            let conname = if c.conname.is_empty() {
                idx_name.name.clone()
            } else {
                truncate_identifier(&c.conname).to_string()
            };
            let new_name = QualName::new(table.schema.clone(), conname.clone());
            self.rename_index(&idx_name, new_name.clone());
            // The rename is refused when another relation has the name: so is the statement.
            let Some(index) = self
                .schema
                .indexes
                .get_mut(&new_name)
                .filter(|i| i.table == *table)
            else {
                return;
            };
            index.primary = kind == ConstraintKind::PrimaryKey;
            index.constraint = Some(conname.clone());
            let columns: Vec<String> = index.leading_columns().map(str::to_string).collect();
            self.record_index_constraint(table, kind, &conname, columns, ctx.stmt.whole());
            return;
        }

        let mut index = Index::new(
            QualName::new(table.schema.clone(), ""),
            table.clone(),
            "btree",
            ctx.stmt.whole(),
        );
        index.unique = kind != ConstraintKind::Exclude;
        index.primary = kind == ConstraintKind::PrimaryKey;
        index.exclusion = kind == ConstraintKind::Exclude;
        index.nulls_not_distinct = c.nulls_not_distinct;
        index.options = c.options.iter().filter_map(def_elem).collect();
        let anchor = ctx.at(c.location);
        let mut keynames: Vec<Option<String>> = Vec::new();
        if kind == ConstraintKind::Exclude {
            index.method = if c.access_method.is_empty() {
                "gist".to_string()
            } else {
                c.access_method.clone()
            };
            for pair in &c.exclusions {
                if let Some(NodeEnum::List(l)) = pair.node.as_ref()
                    && let Some(Some(NodeEnum::IndexElem(ie))) =
                        l.items.first().map(|n| n.node.as_ref())
                {
                    let key = self.index_key(ie);
                    keynames.push(if ie.name.is_empty() {
                        None
                    } else {
                        Some(ie.name.clone())
                    });
                    index.keys.push(key);
                }
            }
            index.predicate = c
                .where_clause
                .as_ref()
                .map(|w| SqlExpr::from_node((**w).clone()));
        } else {
            for k in self.constraint_keys(c, column) {
                keynames.push(Some(k.clone()));
                index.keys.push(IndexKey::column(k));
            }
        }
        index.include = strings(&c.including);
        let conname = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let addition: Vec<String> = index_column_names(
                keynames
                    .iter()
                    .map(|k| k.as_deref())
                    .chain(index.include.iter().map(|s| Some(s.as_str()))),
            );
            let (name2, label) = match kind {
                ConstraintKind::PrimaryKey => (None, "pkey"),
                ConstraintKind::Unique => (
                    Some(name_addition(addition.iter().map(String::as_str))),
                    "key",
                ),
                _ => (
                    Some(name_addition(addition.iter().map(String::as_str))),
                    "excl",
                ),
            };
            let constraints_taken: Vec<String> = self
                .schema
                .tables
                .get(table)
                .map(|t| t.constraints.keys().cloned().collect())
                .unwrap_or_default();
            choose_name(&table.name, name2.as_deref(), label, |n| {
                self.schema
                    .relation_exists(&QualName::new(table.schema.clone(), n))
                    || constraints_taken.iter().any(|c| c == n)
            })
        };
        index.name = QualName::new(table.schema.clone(), conname.clone());
        index.constraint = Some(conname.clone());

        let owner = Owner::Constraint(conname.clone());
        if self.check_index_columns(&index, owner, ctx, anchor) {
            return;
        }
        if self.schema.relation_exists(&index.name) {
            self.name_conflict(index, false, ctx.stmt.whole());
            return;
        }
        let columns: Vec<String> = index
            .keys
            .iter()
            .flat_map(|k| k.columns())
            .map(str::to_string)
            .collect();
        let Some(partitioned) = self.schema.tables.get(table).map(|t| t.partitioned) else {
            return;
        };
        self.record_index_constraint(table, kind, &conname, columns, ctx.stmt.whole());
        let index_name = index.name.clone();
        self.events.push(Event::IndexCreated {
            index: index_name.clone(),
            location: ctx.stmt.whole(),
        });
        self.put_index(index);
        if partitioned {
            self.propagate_index(&index_name);
        }
    }

    /// Records an index-backed constraint on its table; a primary key makes its columns NOT NULL.
    fn record_index_constraint(
        &mut self,
        table: &QualName,
        kind: ConstraintKind,
        name: &str,
        columns: Vec<String>,
        origin: Origin,
    ) {
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if kind == ConstraintKind::PrimaryKey {
            for col in &columns {
                if let Some(column) = t.columns.get_mut(col) {
                    column.not_null = true;
                }
            }
        }
        let constraint = Constraint {
            name: name.to_string(),
            kind,
            columns,
            index: Some(name.to_string()),
            foreign_key: None,
            origin,
        };
        t.constraints.insert(name.to_string(), constraint);
    }

    /// Reports missing columns of an index about to be created. Returns true when any is
    /// missing (PostgreSQL rejects the statement).
    fn check_index_columns(
        &mut self,
        index: &Index,
        owner: Owner,
        ctx: &Ctx<'_>,
        anchor: usize,
    ) -> bool {
        let Some(table) = self.schema.tables.get(&index.table) else {
            return false;
        };
        let missing: Vec<String> = index
            .columns()
            .filter(|c| !table.columns.contains_key(*c))
            .map(str::to_string)
            .collect();
        if missing.is_empty() {
            return false;
        }
        let mut reported = HashSet::new();
        for col in missing {
            if !reported.insert(col.clone()) {
                continue;
            }
            let location = ctx.name_span(&col, anchor);
            self.missing_column(&index.table, &col, owner.clone(), location);
        }
        true
    }

    /// Records that `index` cannot be created because its name is taken: PostgreSQL skips the
    /// statement with IF NOT EXISTS and rejects it without.
    fn name_conflict(&mut self, index: Index, if_not_exists: bool, location: Origin) {
        let (existing_kind, existing) = self.existing_relation(&index.name);
        self.events.push(Event::NameConflict {
            name: index.name.clone(),
            if_not_exists,
            existing_kind,
            existing,
            existing_index: self.schema.indexes.get(&index.name).cloned().map(Box::new),
            new_index: Box::new(index),
            location,
        });
    }

    fn existing_relation(&self, name: &QualName) -> (&'static str, Origin) {
        if let Some(t) = self.schema.tables.get(name) {
            ("table", t.origin)
        } else if let Some(i) = self.schema.indexes.get(name) {
            ("index", i.origin)
        } else if let Some(o) = self.schema.other_relations.get(name) {
            (o.kind.describe(), o.origin)
        } else {
            ("relation", Origin::Derived)
        }
    }

    fn add_check(&mut self, table: &QualName, c: &protobuf::Constraint, column: Option<&str>) {
        let expr = c
            .raw_expr
            .as_ref()
            .map(|e| SqlExpr::from_node((**e).clone()));
        let columns = expr.as_ref().map(|e| e.columns.clone()).unwrap_or_default();
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        let name = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let col = column
                .map(str::to_string)
                .or_else(|| (columns.len() == 1).then(|| columns[0].clone()));
            choose_name(&table.name, col.as_deref(), "check", |n| {
                t.constraints.contains_key(n)
            })
        };
        t.constraints.insert(
            name.clone(),
            Constraint {
                name,
                kind: ConstraintKind::Check,
                columns,
                index: None,
                foreign_key: None,
                origin: Origin::Derived,
            },
        );
    }

    /// Adds a FOREIGN KEY after checking both sides exist and the target is unique.
    fn add_foreign_key(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let anchor = ctx.at(c.location);
        let mut local = strings(&c.fk_attrs);
        if local.is_empty()
            && let Some(col) = column
        {
            local.push(col.to_string());
        }
        let name = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let taken: Vec<String> = self
                .schema
                .tables
                .get(table)
                .map(|t| t.constraints.keys().cloned().collect())
                .unwrap_or_default();
            choose_name(
                &table.name,
                Some(&name_addition(local.iter().map(String::as_str))),
                "fkey",
                |n| taken.iter().any(|t| t == n),
            )
        };
        let Some(pkrv) = c.pktable.as_ref() else {
            return;
        };
        let ref_table = self.lookup_name(pkrv);
        let references_at = ctx
            .tokens()
            .find_keyword("references", anchor)
            .unwrap_or(anchor);

        let mut failed = false;
        for col in &local {
            if !self
                .schema
                .tables
                .get(table)
                .is_some_and(|t| t.columns.contains_key(col))
            {
                let location = ctx.name_span(col, anchor);
                self.missing_column(table, col, Owner::ForeignKey(name.clone()), location);
                failed = true;
            }
        }
        if !self.ensure_table(&ref_table) {
            self.missing_table(ref_table, Owner::ForeignKey(name), ctx.relation_span(pkrv));
            return;
        }
        let mut ref_columns = strings(&c.pk_attrs);
        if ref_columns.is_empty() {
            match self.schema.tables[&ref_table].primary_key() {
                Some(pk) => ref_columns = pk.columns.clone(),
                None => {
                    self.events.push(Event::NoUniqueTarget {
                        table: table.clone(),
                        constraint: name,
                        ref_table,
                        ref_columns: Vec::new(),
                        location: ctx.relation_span(pkrv),
                    });
                    return;
                }
            }
        }
        let ref_cols_from = ctx.at(pkrv.location);
        for col in &ref_columns {
            if !self.schema.tables[&ref_table].columns.contains_key(col) {
                let location = ctx.name_span(col, ref_cols_from.max(references_at));
                self.missing_column(
                    &ref_table,
                    col,
                    Owner::ForeignKeyTarget(name.clone()),
                    location,
                );
                failed = true;
            }
        }
        if failed {
            return;
        }
        if !self.has_unique_on(&ref_table, &ref_columns) {
            self.events.push(Event::NoUniqueTarget {
                table: table.clone(),
                constraint: name,
                ref_table,
                ref_columns,
                location: ctx.relation_span(pkrv),
            });
            return;
        }
        let fk = ForeignKey {
            ref_table,
            ref_columns,
            on_delete: fk_action(&c.fk_del_action),
            on_update: fk_action(&c.fk_upd_action),
            validated: !c.skip_validation,
        };
        // The constraint's span: from where it starts (`CONSTRAINT`, `FOREIGN KEY` or the
        // column's `REFERENCES`) to the referenced table's name.
        let origin = match (c.location >= 0, ctx.relation_span(pkrv)) {
            (true, Origin::Sql { end, .. }) if (end as usize) > ctx.stmt.offset + anchor => {
                Origin::sql(ctx.stmt.file, ctx.stmt.offset + anchor..end as usize)
            }
            _ => ctx.stmt.whole(),
        };
        note(&mut self.lookups.referencing, &fk.ref_table, table);
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.constraints.insert(
                name.clone(),
                Constraint {
                    name,
                    kind: ConstraintKind::ForeignKey,
                    columns: local,
                    index: None,
                    foreign_key: Some(fk),
                    origin,
                },
            );
        }
    }

    /// Whether a table has a PRIMARY KEY, UNIQUE constraint or plain unique index on exactly
    /// these columns (in any order), as a foreign key's target needs.
    fn has_unique_on(&self, table: &QualName, columns: &[String]) -> bool {
        let wanted: HashSet<&str> = columns.iter().map(String::as_str).collect();
        self.indexes_on(table)
            .iter()
            .filter_map(|n| self.schema.indexes.get(n))
            .any(|i| {
                i.unique
                && i.predicate.is_none()
                && i.keys.len() == wanted.len()
                && i.keys.iter().all(
                    |k| matches!(&k.target, KeyTarget::Column(c) if wanted.contains(c.as_str())),
                )
            })
    }

    // ----- CREATE INDEX ------------------------------------------------------------------

    fn index_key(&self, ie: &protobuf::IndexElem) -> IndexKey {
        let target = if !ie.name.is_empty() {
            KeyTarget::Column(truncate_identifier(&ie.name).to_string())
        } else if let Some(expr) = ie.expr.as_ref() {
            match expr.node.as_ref() {
                // `(col)` in parentheses is still a plain column.
                Some(NodeEnum::ColumnRef(cr)) if cr.fields.len() == 1 => {
                    match string_value(&cr.fields[0]) {
                        Some(c) => KeyTarget::Column(c.to_string()),
                        None => KeyTarget::Expr(SqlExpr::from_node((**expr).clone())),
                    }
                }
                _ => KeyTarget::Expr(SqlExpr::from_node((**expr).clone())),
            }
        } else {
            KeyTarget::Column(String::new())
        };
        let desc = ie.ordering == protobuf::SortByDir::SortbyDesc as i32;
        let nulls_first = match ie.nulls_ordering {
            x if x == protobuf::SortByNulls::SortbyNullsFirst as i32 => true,
            x if x == protobuf::SortByNulls::SortbyNullsLast as i32 => false,
            _ => desc,
        };
        let opclass = strings(&ie.opclass).last().cloned();
        let collation = strings(&ie.collation).last().cloned();
        IndexKey {
            target,
            opclass,
            collation,
            desc,
            nulls_first,
        }
    }

    fn create_index(&mut self, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        let explicit = (!s.idxname.is_empty()).then(|| truncate_identifier(&s.idxname).to_string());
        let owner_name = explicit
            .clone()
            .unwrap_or_else(|| format!("index on {}", table.name));
        if !self.ensure_table(&table) {
            if self
                .schema
                .other_relations
                .get(&table)
                .is_some_and(|o| o.kind == RelKind::MaterializedView)
            {
                // Indexes on materialized views are legal; their columns are not modelled.
                return;
            }
            self.missing_table(table, Owner::Index(owner_name), ctx.relation_span(rv));
            return;
        }
        let mut index = Index::new(
            QualName::new(table.schema.clone(), ""),
            table.clone(),
            "btree",
            ctx.stmt.whole(),
        );
        if !s.access_method.is_empty() {
            index.method = s.access_method.to_ascii_lowercase();
        }
        index.unique = s.unique;
        index.nulls_not_distinct = s.nulls_not_distinct;
        let mut keynames = Vec::new();
        for p in &s.index_params {
            if let Some(NodeEnum::IndexElem(ie)) = p.node.as_ref() {
                let key = self.index_key(ie);
                keynames.push(match &key.target {
                    KeyTarget::Column(c) => Some(c.clone()),
                    KeyTarget::Expr(_) => None,
                });
                index.keys.push(key);
            }
        }
        for p in &s.index_including_params {
            if let Some(NodeEnum::IndexElem(ie)) = p.node.as_ref() {
                index
                    .include
                    .push(truncate_identifier(&ie.name).to_string());
            }
        }
        index.predicate = s
            .where_clause
            .as_ref()
            .map(|w| SqlExpr::from_node((**w).clone()));
        index.options = s.options.iter().filter_map(def_elem).collect();

        // Report missing columns at their own spans: keys after the `(`, INCLUDE columns after
        // INCLUDE, expression and predicate columns at their parse-tree locations.
        if let Some(t) = self.schema.tables.get(&table)
            && !self.incomplete.contains(&table)
        {
            let rel_end = ctx.at(rv.location);
            let open = ctx.tokens().find_open_paren(rel_end).unwrap_or(rel_end);
            let include_at = ctx.tokens().find_keyword("include", open);
            let mut missing: Vec<(String, Origin)> = Vec::new();
            for (key, param) in index.keys.iter().zip(&s.index_params) {
                for col in key.columns() {
                    if t.columns.contains_key(col) || missing.iter().any(|(m, _)| m == col) {
                        continue;
                    }
                    let loc = match param.node.as_ref() {
                        Some(NodeEnum::IndexElem(ie)) if ie.expr.is_some() => {
                            column_ref_locations(ie.expr.as_ref().unwrap(), col)
                                .first()
                                .and_then(|o| ctx.tokens().name_at(*o))
                                .map(|r| ctx.stmt.origin(r))
                                .unwrap_or_else(|| ctx.name_span(col, open))
                        }
                        _ => ctx.name_span(col, open),
                    };
                    missing.push((col.to_string(), loc));
                }
            }
            for col in &index.include {
                if !t.columns.contains_key(col) && !missing.iter().any(|(m, _)| m == col) {
                    missing.push((col.clone(), ctx.name_span(col, include_at.unwrap_or(open))));
                }
            }
            if let (Some(pred), Some(w)) = (&index.predicate, s.where_clause.as_ref()) {
                for col in &pred.columns {
                    if !t.columns.contains_key(col) && !missing.iter().any(|(m, _)| m == col) {
                        let loc = column_ref_locations(w, col)
                            .first()
                            .and_then(|o| ctx.tokens().name_at(*o))
                            .map(|r| ctx.stmt.origin(r))
                            .unwrap_or_else(|| ctx.name_span(col, open));
                        missing.push((col.clone(), loc));
                    }
                }
            }
            if !missing.is_empty() {
                for (col, loc) in missing {
                    self.missing_column(&table, &col, Owner::Index(owner_name.clone()), loc);
                }
                return;
            }
        }

        let name = match explicit {
            Some(n) => n,
            None => {
                let cols = index_column_names(
                    keynames
                        .iter()
                        .map(|k| k.as_deref())
                        .chain(index.include.iter().map(|s| Some(s.as_str()))),
                );
                let label = if s.primary {
                    "pkey"
                } else if s.isconstraint {
                    "key"
                } else {
                    "idx"
                };
                choose_name(
                    &table.name,
                    Some(&name_addition(cols.iter().map(String::as_str))),
                    label,
                    |n| {
                        self.schema
                            .relation_exists(&QualName::new(table.schema.clone(), n))
                    },
                )
            }
        };
        index.name = QualName::new(table.schema.clone(), name);
        if self.schema.relation_exists(&index.name) {
            self.name_conflict(index, s.if_not_exists, ctx.stmt.whole());
            return;
        }
        let partitioned = self.schema.tables[&table].partitioned && rv.inh;
        let index_name = index.name.clone();
        self.events.push(Event::IndexCreated {
            index: index_name.clone(),
            location: ctx.stmt.whole(),
        });
        self.put_index(index);
        if partitioned {
            self.propagate_index(&index_name);
        }
    }

    /// Creates a partitioned index's copies on every partition (recursively), named as
    /// PostgreSQL names them.
    fn propagate_index(&mut self, parent_index: &QualName) {
        let Some(parent) = self.schema.indexes.get(parent_index).cloned() else {
            return;
        };
        for part in self.partitions_of(&parent.table) {
            self.clone_index_to(&parent, &part);
        }
    }

    fn clone_parent_indexes(&mut self, parent: &QualName, partition: &QualName) {
        let parents: Vec<Index> = self
            .indexes_on(parent)
            .iter()
            .filter_map(|n| self.schema.indexes.get(n).cloned())
            .collect();
        for index in parents {
            self.clone_index_to(&index, partition);
        }
    }

    fn clone_index_to(&mut self, parent: &Index, partition: &QualName) {
        let cols = index_column_names(
            parent
                .keys
                .iter()
                .map(|k| match &k.target {
                    KeyTarget::Column(c) => Some(c.as_str()),
                    KeyTarget::Expr(_) => None,
                })
                .chain(parent.include.iter().map(|s| Some(s.as_str()))),
        );
        let label = if parent.primary {
            "pkey"
        } else if parent.constraint.is_some() && parent.unique {
            "key"
        } else {
            "idx"
        };
        let name2 = (!parent.primary).then(|| name_addition(cols.iter().map(String::as_str)));
        let name = choose_name(&partition.name, name2.as_deref(), label, |n| {
            self.schema
                .relation_exists(&QualName::new(partition.schema.clone(), n))
        });
        let mut child = parent.clone();
        child.name = QualName::new(partition.schema.clone(), name.clone());
        child.table = partition.clone();
        child.parent_index = Some(parent.name.clone());
        child.origin = Origin::Derived;
        if parent.constraint.is_some() {
            child.constraint = Some(name.clone());
            let kind = if parent.primary {
                ConstraintKind::PrimaryKey
            } else if parent.exclusion {
                ConstraintKind::Exclude
            } else {
                ConstraintKind::Unique
            };
            if let Some(t) = self.schema.tables.get_mut(partition) {
                let columns = child.leading_columns().map(str::to_string).collect();
                t.constraints.insert(
                    name.clone(),
                    Constraint {
                        name: name.clone(),
                        kind,
                        columns,
                        index: Some(name),
                        foreign_key: None,
                        origin: Origin::Derived,
                    },
                );
            }
        }
        let child_name = child.name.clone();
        self.put_index(child);
        if self
            .schema
            .tables
            .get(partition)
            .is_some_and(|t| t.partitioned)
        {
            self.propagate_index(&child_name);
        }
    }

    // ----- ALTER TABLE -------------------------------------------------------------------

    fn alter_table(&mut self, s: &protobuf::AlterTableStmt, ctx: &Ctx<'_>) {
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
            if cmd.subtype == protobuf::AlterTableType::AtAttachPartition as i32
                && let Some(NodeEnum::PartitionCmd(pc)) =
                    cmd.def.as_ref().and_then(|d| d.node.as_ref())
                && let Some(child_rv) = pc.name.as_ref()
            {
                let child = self.lookup_name(child_rv);
                if let Some(i) = self.schema.indexes.get_mut(&child) {
                    i.parent_index = Some(name.clone());
                    note(&mut self.lookups.children, name, &child);
                }
            } else if cmd.subtype == protobuf::AlterTableType::AtSetRelOptions as i32
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
        use protobuf::AlterTableType as T;
        let sub = cmd.subtype;
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        let colname = truncate_identifier(&cmd.name).to_string();
        if sub == T::AtAddColumn as i32 {
            let Some(NodeEnum::ColumnDef(col)) = def else {
                return;
            };
            let cname = truncate_identifier(&col.colname).to_string();
            if self.schema.tables[table].columns.contains_key(&cname) {
                return; // IF NOT EXISTS, or a failing statement: the column stays as it was.
            }
            let column = self.column_from_def(table, col, ctx);
            let serial = col
                .type_name
                .as_ref()
                .is_some_and(|t| types::normalise(t).serial);
            if let Some(t) = self.schema.tables.get_mut(table) {
                t.columns.insert(cname.clone(), column);
            }
            if serial {
                let seq = choose_name(&table.name, Some(&cname), "seq", |n| {
                    self.schema
                        .relation_exists(&QualName::new(table.schema.clone(), n))
                });
                if let Some(c) = self
                    .schema
                    .tables
                    .get_mut(table)
                    .and_then(|t| t.columns.get_mut(&cname))
                {
                    c.default = Some(format!("nextval('{seq}'::regclass)"));
                }
                self.add_other(
                    QualName::new(table.schema.clone(), seq),
                    RelKind::Sequence,
                    ctx.stmt.whole(),
                );
            }
            for c in &col.constraints {
                let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
                    continue;
                };
                match c.contype {
                    CONSTR_PRIMARY | CONSTR_UNIQUE | CONSTR_EXCLUSION => {
                        self.add_index_constraint(table, c, Some(&cname), ctx)
                    }
                    CONSTR_FOREIGN => self.add_foreign_key(table, c, Some(&cname), ctx),
                    CONSTR_CHECK => self.add_check(table, c, Some(&cname)),
                    _ => {}
                }
            }
        } else if sub == T::AtDropColumn as i32 {
            if !self.schema.tables[table].columns.contains_key(&colname) {
                if !cmd.missing_ok {
                    let loc = ctx.name_span(&colname, 0);
                    self.missing_column(table, &colname, Owner::Statement, loc);
                }
                return;
            }
            self.drop_column(table, &colname);
        } else if sub == T::AtAlterColumnType as i32 {
            let Some(NodeEnum::ColumnDef(col)) = def else {
                return;
            };
            let ty = col.type_name.as_ref().map(types::normalise);
            match self
                .schema
                .tables
                .get_mut(table)
                .and_then(|t| t.columns.get_mut(&colname))
            {
                Some(c) => {
                    if let Some(ty) = ty {
                        c.type_name = ty.name;
                    }
                }
                None => {
                    let loc = ctx.name_span(&colname, 0);
                    self.missing_column(table, &colname, Owner::Statement, loc);
                }
            }
        } else if sub == T::AtSetNotNull as i32
            || sub == T::AtDropNotNull as i32
            || sub == T::AtColumnDefault as i32
        {
            let value = match def {
                Some(_) => cmd
                    .def
                    .as_ref()
                    .map(|d| SqlExpr::from_node((**d).clone()).text),
                None => None,
            };
            match self
                .schema
                .tables
                .get_mut(table)
                .and_then(|t| t.columns.get_mut(&colname))
            {
                Some(c) => {
                    if sub == T::AtSetNotNull as i32 {
                        c.not_null = true;
                    } else if sub == T::AtDropNotNull as i32 {
                        c.not_null = false;
                    } else {
                        c.default = value;
                    }
                }
                None => {
                    let loc = ctx.name_span(&colname, 0);
                    self.missing_column(table, &colname, Owner::Statement, loc);
                }
            }
        } else if sub == T::AtAddConstraint as i32 || sub == T::AtAddIndexConstraint as i32 {
            let Some(NodeEnum::Constraint(c)) = def else {
                return;
            };
            match c.contype {
                CONSTR_PRIMARY | CONSTR_UNIQUE | CONSTR_EXCLUSION => {
                    self.add_index_constraint(table, c, None, ctx)
                }
                CONSTR_FOREIGN => self.add_foreign_key(table, c, None, ctx),
                CONSTR_CHECK => self.add_check(table, c, None),
                CONSTR_NOTNULL => {
                    for k in strings(&c.keys) {
                        if let Some(col) = self
                            .schema
                            .tables
                            .get_mut(table)
                            .and_then(|t| t.columns.get_mut(&k))
                        {
                            col.not_null = true;
                        }
                    }
                }
                _ => {}
            }
        } else if sub == T::AtDropConstraint as i32 {
            self.drop_constraint(table, &colname);
        } else if sub == T::AtValidateConstraint as i32 {
            if let Some(fk) = self
                .schema
                .tables
                .get_mut(table)
                .and_then(|t| t.constraints.get_mut(&colname))
                .and_then(|c| c.foreign_key.as_mut())
            {
                fk.validated = true;
            }
        } else if sub == T::AtEnableRowSecurity as i32 || sub == T::AtDisableRowSecurity as i32 {
            if let Some(t) = self.schema.tables.get_mut(table) {
                t.rls_enabled = sub == T::AtEnableRowSecurity as i32;
            }
        } else if sub == T::AtForceRowSecurity as i32 || sub == T::AtNoForceRowSecurity as i32 {
            if let Some(t) = self.schema.tables.get_mut(table) {
                t.rls_forced = sub == T::AtForceRowSecurity as i32;
            }
        } else if sub == T::AtAttachPartition as i32 {
            let Some(NodeEnum::PartitionCmd(pc)) = def else {
                return;
            };
            let Some(child_rv) = pc.name.as_ref() else {
                return;
            };
            let child = self.lookup_name(child_rv);
            if !self.ensure_table(&child) {
                self.missing_table(child, Owner::Statement, ctx.relation_span(child_rv));
                return;
            }
            if let Some(t) = self.schema.tables.get_mut(&child) {
                t.partition_of = Some(table.clone());
            }
            // Attaching creates (or adopts) the partition's copies of the parent's indexes.
            let parent_indexes: Vec<Index> = self
                .indexes_on(table)
                .iter()
                .map(|n| self.schema.indexes[n].clone())
                .collect();
            let child_indexes = self.indexes_on(&child);
            for pi in parent_indexes {
                let adopt = child_indexes.iter().find(|n| {
                    let ci = &self.schema.indexes[*n];
                    ci.parent_index.is_none() && same_definition(ci, &pi)
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
        } else if sub == T::AtDetachPartition as i32 {
            let Some(NodeEnum::PartitionCmd(pc)) = def else {
                return;
            };
            let Some(child_rv) = pc.name.as_ref() else {
                return;
            };
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
        } else if sub == T::AtAddInherit as i32 {
            let Some(NodeEnum::RangeVar(prv)) = def else {
                return;
            };
            let parent = self.lookup_name(prv);
            if self.ensure_table(&parent) {
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
    }

    fn drop_column(&mut self, table: &QualName, column: &str) {
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.columns.shift_remove(column);
        }
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
    }

    fn drop_constraint(&mut self, table: &QualName, name: &str) {
        let Some(c) = self
            .schema
            .tables
            .get_mut(table)
            .and_then(|t| t.constraints.shift_remove(name))
        else {
            return;
        };
        if let Some(index) = c.index {
            let iname = QualName::new(table.schema.clone(), index);
            // Dropping a key a foreign key depends on drops the foreign key (CASCADE).
            if c.kind != ConstraintKind::Exclude {
                let cols: HashSet<&str> = c.columns.iter().map(String::as_str).collect();
                let still_unique = self.indexes_on(table).iter().any(|n| {
                    let i = &self.schema.indexes[n];
                    *n != iname
                        && i.unique
                        && i.predicate.is_none()
                        && i.keys.len() == cols.len()
                        && i.keys.iter().all(|k| matches!(&k.target, KeyTarget::Column(c) if cols.contains(c.as_str())))
                });
                if !still_unique {
                    self.drop_foreign_keys_to(table, |fk| {
                        fk.ref_columns.len() == cols.len()
                            && fk.ref_columns.iter().all(|r| cols.contains(r.as_str()))
                    });
                }
            }
            self.drop_index(&iname);
        }
    }

    fn drop_index(&mut self, name: &QualName) {
        if self.schema.indexes.swap_remove(name).is_some() {
            self.index_seq.remove(name);
            for c in self.children_of(name) {
                self.drop_index(&c);
            }
        }
    }

    /// Drops the foreign keys that reference `table` and satisfy `doomed`.
    fn drop_foreign_keys_to(&mut self, table: &QualName, doomed: impl Fn(&ForeignKey) -> bool) {
        for referencing in self.referencing(table) {
            if let Some(t) = self.schema.tables.get_mut(&referencing) {
                t.constraints.retain(|_, c| {
                    !c.foreign_key
                        .as_ref()
                        .is_some_and(|fk| &fk.ref_table == table && doomed(fk))
                });
            }
        }
    }

    // ----- RENAME / SET SCHEMA / DROP ----------------------------------------------------

    fn rename(&mut self, s: &protobuf::RenameStmt, ctx: &Ctx<'_>) {
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
                if let Some(labels) = self.schema.enums.shift_remove(&old) {
                    self.schema
                        .enums
                        .insert(QualName::new(old.schema, new), labels);
                }
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

    /// Renames an index; an index that backs a constraint renames the constraint too.
    fn rename_index(&mut self, from: &QualName, to: QualName) {
        // PostgreSQL refuses a name another relation has; replacing it would lose that index.
        if *from != to && self.schema.relation_exists(&to) {
            return;
        }
        let Some(moved) = self.schema.indexes.swap_remove(from) else {
            return;
        };
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

    fn rename_column(&mut self, table: &QualName, old: &str, new: &str) {
        if let Some(t) = self.schema.tables.get_mut(table) {
            if let Some(idx) = t.columns.get_index_of(old) {
                let mut col = t.columns.shift_remove_index(idx).map(|(_, c)| c).unwrap();
                col.name = new.to_string();
                t.columns.shift_insert(idx, new.to_string(), col);
            }
            for c in t.constraints.values_mut() {
                for col in &mut c.columns {
                    if col == old {
                        *col = new.to_string();
                    }
                }
            }
            for p in &mut t.policies {
                for e in p.using.iter_mut().chain(p.with_check.iter_mut()) {
                    e.rename_column(old, new);
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
        // Partitions share their parent's columns.
        for c in self.partitions_of(table) {
            if self.schema.tables[&c].columns.contains_key(old) {
                self.rename_column(&c, old, new);
            }
        }
    }

    /// Renames or moves a table; its indexes follow into the new schema and foreign keys that
    /// reference it are updated.
    fn move_table(&mut self, from: &QualName, to: QualName) {
        let partitions = self.partitions_of(from);
        let referencing = self.referencing(from);
        let indexes = self.indexes_on(from);
        if !rekey(&mut self.schema.tables, from, to.clone()) {
            return;
        }
        self.schema.tables[&to].name = to.clone();
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

    fn rename_schema(&mut self, old: &str, new: &str) {
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
                self.schema
                    .other_relations
                    .insert(QualName::new(new, o.name), v);
            }
        }
    }

    fn set_schema(&mut self, s: &protobuf::AlterObjectSchemaStmt) {
        use protobuf::ObjectType as O;
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let name = self.lookup_name(rv);
        let to = QualName::new(truncate_identifier(&s.newschema), name.name.clone());
        let ot = s.object_type;
        if ot == O::ObjectTable as i32
            && (self.schema.tables.contains_key(&name) || self.ensure_table(&name))
        {
            self.move_table(&name, to);
        } else if let Some(o) = self.schema.other_relations.shift_remove(&name) {
            self.schema.other_relations.insert(to, o);
        }
    }

    fn drop(&mut self, s: &protobuf::DropStmt, ctx: &Ctx<'_>) {
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
                self.schema.enums.shift_remove(&q);
                self.schema.other_relations.shift_remove(&q);
                continue;
            }
            let q = self.qualified_from_list(&names);
            if rt == O::ObjectTable as i32 || rt == O::ObjectForeignTable as i32 {
                if self.schema.tables.contains_key(&q) {
                    self.drop_table(&q);
                } else if self.schema.other_relations.shift_remove(&q).is_none() && !s.missing_ok {
                    let loc = ctx.name_span(names.last().map(String::as_str).unwrap_or(""), 0);
                    self.missing_table(q, Owner::Statement, loc);
                }
            } else if rt == O::ObjectIndex as i32 {
                self.drop_index(&q);
            } else if rt == O::ObjectView as i32
                || rt == O::ObjectMatview as i32
                || rt == O::ObjectSequence as i32
            {
                self.schema.other_relations.shift_remove(&q);
            }
        }
    }

    fn drop_table(&mut self, name: &QualName) {
        // Partitions go with their parent.
        for p in self.partitions_of(name) {
            self.drop_table(&p);
        }
        self.drop_foreign_keys_to(name, |_| true);
        self.schema.tables.shift_remove(name);
        self.incomplete.remove(name);
        for index in self.indexes_on(name) {
            self.drop_index(&index);
        }
        // Owned sequences (serial) go too.
        let prefix = format!("{}_", name.name);
        self.schema.other_relations.retain(|q, o| {
            !(o.kind == RelKind::Sequence
                && q.schema == name.schema
                && q.name.starts_with(&prefix)
                && q.name.ends_with("_seq"))
        });
    }

    fn drop_schema(&mut self, schema: &str) {
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
        self.schema.indexes.retain(|q, _| q.schema != schema);
        self.index_seq.retain(|q, _| q.schema != schema);
        self.schema
            .other_relations
            .retain(|q, _| q.schema != schema);
        self.schema.enums.retain(|q, _| q.schema != schema);
    }

    // ----- schemas, search_path, policies, DO ----------------------------------------------

    fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt, ctx: &Ctx<'_>) {
        let name = if s.schemaname.is_empty() {
            s.authrole
                .as_ref()
                .map(|r| r.rolename.clone())
                .unwrap_or_default()
        } else {
            truncate_identifier(&s.schemaname).to_string()
        };
        self.schema
            .schemas
            .entry(name.clone())
            .or_insert(ctx.stmt.whole());
        if !s.schema_elts.is_empty() {
            let saved = std::mem::replace(&mut self.search_path, vec![name]);
            for elt in &s.schema_elts {
                self.apply_node(elt, ctx);
            }
            self.search_path = saved;
        }
    }

    fn set_variable(&mut self, s: &protobuf::VariableSetStmt) {
        if s.name != "search_path" {
            return;
        }
        use protobuf::VariableSetKind as K;
        if s.kind == K::VarSetValue as i32 {
            let mut path = Vec::new();
            for a in &s.args {
                match a.node.as_ref() {
                    Some(NodeEnum::AConst(c)) => {
                        if let Some(protobuf::a_const::Val::Sval(v)) = c.val.as_ref() {
                            path.extend(split_search_path(&v.sval));
                        }
                    }
                    Some(NodeEnum::String(v)) => path.push(v.sval.clone()),
                    _ => {}
                }
            }
            self.search_path = path;
        } else if s.kind == K::VarSetDefault as i32
            || s.kind == K::VarReset as i32
            || s.kind == K::VarResetAll as i32
        {
            self.search_path = vec!["public".to_string()];
        }
    }

    /// `SELECT pg_catalog.set_config('search_path', 'a, b', false)`, as pg_dump writes it.
    fn select_set_config(&mut self, s: &protobuf::SelectStmt) {
        for target in &s.target_list {
            let Some(NodeEnum::ResTarget(rt)) = target.node.as_ref() else {
                continue;
            };
            let Some(NodeEnum::FuncCall(fc)) = rt.val.as_ref().and_then(|v| v.node.as_ref()) else {
                continue;
            };
            if strings(&fc.funcname).last().map(String::as_str) != Some("set_config") {
                continue;
            }
            let args: Vec<String> = fc
                .args
                .iter()
                .filter_map(|a| match a.node.as_ref() {
                    Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
                        Some(protobuf::a_const::Val::Sval(v)) => Some(v.sval.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if args.len() >= 2 && args[0] == "search_path" {
                self.search_path = split_search_path(&args[1]);
            }
        }
    }

    fn policy_expr(node: &Option<Box<Node>>) -> Option<SqlExpr> {
        node.as_ref().map(|n| SqlExpr::from_node((**n).clone()))
    }

    fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.table.as_ref() else { return };
        let table = self.lookup_name(rv);
        if !self.ensure_table(&table) {
            self.missing_table(table, Owner::Statement, ctx.relation_span(rv));
            return;
        }
        let roles = s.roles.iter().filter_map(|r| match r.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) if !r.rolename.is_empty() => Some(r.rolename.clone()),
            Some(NodeEnum::RoleSpec(_)) => Some("public".to_string()),
            _ => None,
        });
        let policy = Policy {
            name: s.policy_name.clone(),
            permissive: s.permissive,
            command: if s.cmd_name.is_empty() {
                "all".to_string()
            } else {
                s.cmd_name.clone()
            },
            // Without TO the policy applies to PUBLIC, as the catalog records it.
            roles: {
                let roles: Vec<String> = roles.collect();
                if roles.is_empty() {
                    vec!["public".to_string()]
                } else {
                    roles
                }
            },
            using: Self::policy_expr(&s.qual),
            with_check: Self::policy_expr(&s.with_check),
            origin: ctx.stmt.whole(),
        };
        if let Some(t) = self.schema.tables.get_mut(&table) {
            t.policies.retain(|p| p.name != policy.name);
            t.policies.push(policy);
        }
    }

    fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt) {
        let Some(rv) = s.table.as_ref() else { return };
        let table = self.lookup_name(rv);
        let Some(p) = self
            .schema
            .tables
            .get_mut(&table)
            .and_then(|t| t.policies.iter_mut().find(|p| p.name == s.policy_name))
        else {
            return;
        };
        if s.qual.is_some() {
            p.using = Self::policy_expr(&s.qual);
        }
        if s.with_check.is_some() {
            p.with_check = Self::policy_expr(&s.with_check);
        }
    }

    /// `DO $$ … $$`: the SQL statements inside the PL/pgSQL body are replayed as if they stood
    /// alone (drizzle-kit wraps foreign keys in `DO $$ BEGIN … EXCEPTION … END $$`).
    fn do_block(&mut self, s: &protobuf::DoStmt, ctx: &Ctx<'_>) {
        let mut body: Option<&str> = None;
        let mut language = "plpgsql".to_string();
        for arg in &s.args {
            if let Some(NodeEnum::DefElem(d)) = arg.node.as_ref() {
                let value = match d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::String(v)) => Some(v.sval.as_str()),
                    _ => None,
                };
                match d.defname.as_str() {
                    "as" => body = value,
                    "language" => language = value.unwrap_or("plpgsql").to_string(),
                    _ => {}
                }
            }
        }
        let Some(body) = body else { return };
        if language != "plpgsql" {
            return;
        }
        let wrapper = format!(
            "CREATE FUNCTION driftlint_do() RETURNS void LANGUAGE plpgsql AS $driftlint${body}$driftlint$"
        );
        let tree = match pg_query::parse_plpgsql(&wrapper) {
            Ok(tree) => tree,
            Err(e) => {
                // Its JSON may also nest deeper than serde_json's limit of 128 levels.
                let message = match e {
                    pg_query::Error::Parse(m) => m,
                    other => other.to_string(),
                };
                self.unparsed.push(crate::rules::Unparsed {
                    beyond_limits: message.contains("recursion limit")
                        || message == "stack depth limit exceeded"
                        || message.starts_with("memory exhausted"),
                    message: format!("the DO block's PL/pgSQL body: {message}"),
                    origin: ctx.stmt.whole(),
                });
                return;
            }
        };
        let mut queries = Vec::new();
        collect_plpgsql_sql(&tree, &mut queries);
        if plpgsql_calls_out(&tree) {
            self.events.push(Event::DataLoad {
                tables: None,
                location: ctx.stmt.whole(),
            });
        }
        // Each statement is located verbatim in the DO statement's text, so that positions in
        // its parse tree are positions in the file. A body written as a '…' string has its
        // quotes doubled there: a statement with a quote in it is then not found, and is
        // reported rather than replayed at a wrong (possibly mid-character) position.
        let mut search_from = 0;
        for q in queries {
            let Some(rel) = ctx.stmt.text[search_from..].find(q.as_str()) else {
                self.unparsed.push(crate::rules::Unparsed {
                    message: format!(
                        "a statement in this DO block cannot be located in its text (`{}`); write the body in dollar quotes ($$ … $$)",
                        q.chars().take(60).collect::<String>()
                    ),
                    origin: ctx.stmt.whole(),
                    beyond_limits: true,
                });
                continue;
            };
            let start = search_from + rel;
            search_from = start + q.len();
            let inner = Stmt {
                file: ctx.stmt.file,
                offset: ctx.stmt.offset + start,
                text: &ctx.stmt.text[start..start + q.len()],
            };
            let nodes = match crate::sql::parse::parse(&q) {
                Ok(nodes) => nodes,
                Err(e) => {
                    self.unparsed.push(crate::rules::Unparsed {
                        message: e.message,
                        origin: inner.whole(),
                        beyond_limits: e.beyond_limits,
                    });
                    continue;
                }
            };
            if crate::sql::parse::classify(&q) == crate::sql::parse::StatementClass::Data {
                self.data_load(inner);
                continue;
            }
            let inner_ctx = Ctx::new(inner);
            for n in &nodes {
                self.apply_node(n, &inner_ctx);
            }
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

/// The output columns of a query as PostgreSQL names them (`FigureColname`): an alias, a
/// column's name, a function's name, a cast's type; with their type where a cast states it.
/// The flag is false when the list cannot be known (`SELECT *`).
fn query_output_columns(query: &Node) -> (Vec<(String, String)>, bool) {
    let Some(NodeEnum::SelectStmt(select)) = query.node.as_ref() else {
        return (Vec::new(), false);
    };
    let mut select: &protobuf::SelectStmt = select;
    // A set operation takes its column names from its leftmost leaf.
    while select.op != protobuf::SetOperation::SetopNone as i32 {
        match select.larg.as_ref() {
            Some(l) => select = l,
            None => return (Vec::new(), false),
        }
    }
    if !select.values_lists.is_empty() {
        let n = match select.values_lists[0].node.as_ref() {
            Some(NodeEnum::List(l)) => l.items.len(),
            _ => 0,
        };
        return (
            (1..=n)
                .map(|i| (format!("column{i}"), String::new()))
                .collect(),
            true,
        );
    }
    let mut out = Vec::new();
    for t in &select.target_list {
        let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else {
            continue;
        };
        let type_name = match rt.val.as_ref().and_then(|v| v.node.as_ref()) {
            Some(NodeEnum::TypeCast(tc)) => tc
                .type_name
                .as_ref()
                .map(|t| types::normalise(t).name)
                .unwrap_or_default(),
            _ => String::new(),
        };
        if !rt.name.is_empty() {
            out.push((truncate_identifier(&rt.name).to_string(), type_name));
            continue;
        }
        match rt.val.as_deref().map(figure_colname) {
            Some(Some(name)) => out.push((name, type_name)),
            _ => return (out, false),
        }
    }
    (out, true)
}

/// PostgreSQL's `FigureColname` for the common expressions; `None` for `*`.
fn figure_colname(node: &Node) -> Option<String> {
    Some(match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => s.sval.clone(),
            _ => return None,
        },
        NodeEnum::FuncCall(f) => strings(&f.funcname)
            .last()
            .cloned()
            .unwrap_or_else(|| "?column?".into()),
        NodeEnum::TypeCast(tc) => match tc.arg.as_deref().and_then(figure_colname) {
            Some(n) if n != "?column?" => n,
            _ => tc
                .type_name
                .as_ref()
                .and_then(|t| strings(&t.names).last().cloned())
                .unwrap_or_else(|| "?column?".into()),
        },
        NodeEnum::CaseExpr(_) => "case".into(),
        NodeEnum::CoalesceExpr(_) => "coalesce".into(),
        NodeEnum::AArrayExpr(_) => "array".into(),
        NodeEnum::RowExpr(_) => "row".into(),
        NodeEnum::MinMaxExpr(m) => {
            if m.op == protobuf::MinMaxOp::IsGreatest as i32 {
                "greatest".into()
            } else {
                "least".into()
            }
        }
        _ => "?column?".into(),
    })
}

/// Renames a map entry in place, keeping its position (creation order matters: rules keep the
/// earlier of two duplicates). Returns whether it was renamed: not when `from` is not there,
/// nor when another entry is already called `to` (PostgreSQL refuses such a rename, so
/// the model stays as it was).
fn rekey<K: std::hash::Hash + Eq, V>(map: &mut IndexMap<K, V>, from: &K, to: K) -> bool {
    if to != *from && map.contains_key(&to) {
        return false;
    }
    match map.shift_remove_full(from) {
        Some((pos, _, value)) => {
            map.shift_insert(pos, to, value);
            true
        }
        None => false,
    }
}

/// `a, "B", public` → `["a", "B", "public"]`.
fn split_search_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => s.to_ascii_lowercase(),
            },
        )
        .collect()
}

fn def_elem(node: &Node) -> Option<(String, String)> {
    match node.node.as_ref()? {
        NodeEnum::DefElem(d) => Some((
            d.defname.to_ascii_lowercase(),
            def_arg_text(d.arg.as_deref()),
        )),
        _ => None,
    }
}

/// The SQL statements inside a PL/pgSQL function tree (`PLpgSQL_stmt_execsql` queries), in
/// order, at any depth (IF, loops, nested blocks, exception handlers).
fn collect_plpgsql_sql(value: &serde_json::Value, out: &mut Vec<String>) {
    let mut stack = vec![value];
    let mut found: Vec<String> = Vec::new();
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(exec) = map.get("PLpgSQL_stmt_execsql")
                    && let Some(q) = exec
                        .pointer("/sqlstmt/PLpgSQL_expr/query")
                        .and_then(|q| q.as_str())
                {
                    found.push(q.to_string());
                    continue;
                }
                // Objects iterate in key order; push reversed so that arrays keep source order.
                let mut children: Vec<&serde_json::Value> = map.values().collect();
                children.reverse();
                stack.extend(children);
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out.extend(found);
}

/// Whether a PL/pgSQL tree runs code the replay cannot see into: `PERFORM`, dynamic `EXECUTE`,
/// `CALL`, `RETURN QUERY`. Any of them may write rows into any table.
fn plpgsql_calls_out(value: &serde_json::Value) -> bool {
    const OPAQUE: &[&str] = &[
        "PLpgSQL_stmt_perform",
        "PLpgSQL_stmt_dynexecute",
        "PLpgSQL_stmt_call",
        "PLpgSQL_stmt_dynfors",
    ];
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if map.keys().any(|k| OPAQUE.contains(&k.as_str())) {
                    return true;
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    false
}

/// What a data statement writes into, from its first tokens (the statement is not parsed: seed
/// files hold INSERTs with thousands of rows). `Some(Some(name parts))` for `INSERT INTO t`,
/// `COPY t`, `UPDATE t`, `DELETE FROM t`, `MERGE INTO t`; `Some(None)` when any table may
/// receive rows (`CALL`, a query that calls a function or starts with `WITH`); `None` when the
/// statement writes nothing (`SELECT 1`, `COPY (query) TO`).
fn load_target(text: &str) -> Option<Option<Vec<String>>> {
    use crate::sql::lex::{TokenKind, ident_value, tokenize};
    let mut tokens = tokenize(text).filter(|t| !t.kind.is_trivia());
    let first = tokens.next()?;
    let word = first.text(text).to_ascii_lowercase();
    let skip = match word.as_str() {
        "insert" | "merge" => Some("into"),
        "delete" => Some("from"),
        "copy" | "update" => None,
        "select" | "values" => {
            // A query writes only through a function it calls: `name (`.
            let mut prev_ident = false;
            for t in tokenize(text).filter(|t| !t.kind.is_trivia()) {
                if t.kind == TokenKind::LParen && prev_ident {
                    return Some(None);
                }
                prev_ident = matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent);
            }
            return None;
        }
        _ => return Some(None),
    };
    let mut next = tokens.next()?;
    if let Some(keyword) = skip {
        if !next.text(text).eq_ignore_ascii_case(keyword) {
            return Some(None);
        }
        next = tokens.next()?;
    }
    if next.kind == TokenKind::Ident && next.text(text).eq_ignore_ascii_case("only") {
        next = tokens.next()?;
    }
    if next.kind == TokenKind::LParen {
        // `COPY (query) TO …` reads; anything else unexpected: assume the worst.
        return (word != "copy").then_some(None);
    }
    let mut parts = Vec::new();
    loop {
        if !matches!(next.kind, TokenKind::Ident | TokenKind::QuotedIdent) {
            return Some(None);
        }
        parts.push(truncate_identifier(&ident_value(&next, text)).to_string());
        match tokens.next() {
            Some(t) if t.kind == TokenKind::Dot => next = tokens.next()?,
            _ => break,
        }
    }
    Some(Some(parts))
}

/// Whether two indexes have the same definition (method, keys, INCLUDE, predicate, uniqueness),
/// used when ATTACH PARTITION adopts an existing index.
pub fn same_definition(a: &Index, b: &Index) -> bool {
    a.method == b.method
        && a.unique == b.unique
        && a.keys == b.keys
        && a.include == b.include
        && a.predicate == b.predicate
        && a.nulls_not_distinct == b.nulls_not_distinct
}

#[cfg(test)]
mod tests;
