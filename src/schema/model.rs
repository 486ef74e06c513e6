//! The schema model: what a PostgreSQL database contains, as far as driftlint's rules care.
//!
//! One model whatever the source (replayed migrations, a live catalog, a Drizzle snapshot), so
//! every schema rule is written once. Names are stored as PostgreSQL stores them: already folded
//! (unquoted identifiers lower-cased) and truncated to 63 bytes.

use std::fmt;

use indexmap::IndexMap;

/// The map type of the model's object collections: insertion-ordered, hashed with FxHash.
/// Keys are names read from the user's own files or catalog (no untrusted network input), and
/// SipHash took about 5 % of a `check` (perf), FxHash a fraction of that.
pub type Map<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;

use super::expr::SqlExpr;
pub use super::objects::{
    Attribute, ForeignTable, Function, RelationDetail, Sequence, Trigger, ViewQuery,
};
use super::opclass;

/// A schema-qualified name (`public.users`). Both parts are stored folded, as in the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualName {
    /// The schema (namespace).
    pub schema: String,
    /// The object's own name.
    pub name: String,
}

impl QualName {
    /// A qualified name from its two parts.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualName {
    /// Renders as PostgreSQL would print it: quoted only where needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            quote_ident(&self.schema),
            quote_ident(&self.name)
        )
    }
}

/// Quotes an identifier only when PostgreSQL would need it (upper case, special characters,
/// leading digit, or a reserved word).
pub fn quote_ident(name: &str) -> std::borrow::Cow<'_, str> {
    let plain = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !is_reserved_keyword(name);
    if plain {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(format!("\"{}\"", name.replace('"', "\"\"")))
    }
}

/// The reserved keywords that force quoting of an identifier (`user`, `order`, …).
fn is_reserved_keyword(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    ];
    RESERVED.binary_search(&name).is_ok()
}

/// Where an object of the model was defined, so that a finding can point at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Origin {
    /// A byte range of a SQL source file (an index into the run's list of files).
    Sql { file: u32, start: u32, end: u32 },
    /// A live database object (findings locate it by table / object name).
    Database,
    /// A Drizzle snapshot or schema file (an index into the run's list of files).
    Drizzle { file: u32 },
    /// Made by the model itself, e.g. a partition's copy of its parent's index.
    #[default]
    Derived,
}

impl Origin {
    /// A SQL origin from a file id and a byte range.
    pub fn sql(file: u32, range: std::ops::Range<usize>) -> Self {
        Origin::Sql {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }
}

/// The whole schema: tables, their indexes and constraints, and the other relations that share
/// their namespace.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Schemas (namespaces) that exist, besides `public` which always does.
    pub schemas: IndexMap<String, Origin>,
    /// Tables (ordinary, partitioned, partitions) in creation order.
    pub tables: Map<QualName, Table>,
    /// Indexes in creation order; each names its table.
    pub indexes: Map<QualName, Index>,
    /// Relations other than tables and indexes (views, sequences, materialized views, composite
    /// types): they take names in the same namespace as tables and indexes. Foreign tables are
    /// in [`Schema::tables`], with [`Table::foreign`] set.
    pub other_relations: Map<QualName, OtherRelation>,
    /// Enum types and their labels.
    pub enums: IndexMap<QualName, Vec<String>>,
    /// Installed extensions.
    pub extensions: IndexMap<String, Origin>,
    /// Extension versions, where the source knows them (`CREATE EXTENSION … VERSION`, the
    /// catalog).
    pub extension_versions: IndexMap<String, String>,
    /// Functions and procedures, keyed by [`Function::signature`].
    pub functions: IndexMap<String, Function>,
    /// What each view and materialized view reads (replayed SQL only: the catalog's views
    /// have none), for the cascades of DROP and the `column-still-referenced` rule.
    pub view_uses: IndexMap<QualName, super::dependencies::ViewUses>,
    /// Whether the source can describe generated columns although it does not describe every
    /// object kind (a drizzle-kit snapshot); see [`Schema::knows_generated`].
    pub generated_known: bool,
    /// Foreign servers (`CREATE SERVER`) and the foreign-data wrapper each uses, so that the
    /// schema's DDL can create what its foreign tables name.
    pub foreign_servers: IndexMap<String, String>,
    /// `IMPORT FOREIGN SCHEMA` statements (replayed SQL): tables whose content only the
    /// remote server knows.
    pub foreign_imports: Vec<super::objects::ForeignImport>,
    /// Whether the source describes every object kind (replayed SQL, a catalog): only then
    /// does `diff` compare sequences, views, functions, triggers, extensions and table kinds,
    /// which an ORM's schema does not describe.
    pub objects_known: bool,
    /// When index usage statistics were last reset (live databases only; `None` there means
    /// never since the cluster was created).
    pub stats_reset: Option<String>,
    /// Sizes, scans per host and statistics state (live databases only).
    pub live: Option<super::live_stats::LiveStats>,
}

/// A relation that is neither a table nor an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherRelation {
    /// What kind of relation.
    pub kind: RelKind,
    /// Where it was created.
    pub origin: Origin,
    /// A sequence's options or a view's query, where the source knows them.
    pub detail: RelationDetail,
}

/// The kinds of relations kept in [`Schema::other_relations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelKind {
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW` / `CREATE TABLE AS` (columns unknown to the model).
    MaterializedView,
    /// `CREATE SEQUENCE`, serial and identity columns.
    Sequence,
    /// `CREATE FOREIGN TABLE`, for a source that keeps one apart from its tables (replay and
    /// introspection keep foreign tables in [`Schema::tables`]).
    ForeignTable,
    /// `CREATE TYPE … AS (…)`.
    CompositeType,
}

impl RelKind {
    /// The word PostgreSQL uses for this kind in messages.
    pub fn describe(self) -> &'static str {
        match self {
            RelKind::View => "view",
            RelKind::MaterializedView => "materialized view",
            RelKind::Sequence => "sequence",
            RelKind::ForeignTable => "foreign table",
            RelKind::CompositeType => "composite type",
        }
    }
}

/// A table with its columns, constraints and row-level security.
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's qualified name.
    pub name: QualName,
    /// Columns in attribute order, keyed by name.
    pub columns: Map<String, Column>,
    /// Constraints keyed by name: PRIMARY KEY, UNIQUE, EXCLUDE, FOREIGN KEY, CHECK.
    pub constraints: Map<String, Constraint>,
    /// `PARTITION BY …`: a partitioned parent.
    pub partitioned: bool,
    /// `PARTITION OF parent`: this table is a partition.
    pub partition_of: Option<QualName>,
    /// Row-level security policies in creation order.
    pub policies: Vec<Policy>,
    /// `ENABLE ROW LEVEL SECURITY`.
    pub rls_enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    pub rls_forced: bool,
    /// The planner's row estimate (live databases only).
    pub reltuples: Option<f64>,
    /// Where the table was created.
    pub origin: Origin,
    /// `INHERITS (…)` parents (not partitioning), in order.
    pub inherits: Vec<QualName>,
    /// `UNLOGGED`.
    pub unlogged: bool,
    /// Triggers in creation order.
    pub triggers: Vec<Trigger>,
    /// `CREATE FOREIGN TABLE`: the server and options. A foreign table has columns like any
    /// table but no indexes and no keys, so the index and key rules leave it alone.
    pub foreign: Option<ForeignTable>,
}

impl Table {
    /// An empty table.
    pub fn new(name: QualName, origin: Origin) -> Self {
        Table {
            name,
            columns: Map::default(),
            constraints: Map::default(),
            partitioned: false,
            partition_of: None,
            policies: Vec::new(),
            rls_enabled: false,
            rls_forced: false,
            reltuples: None,
            origin,
            inherits: Vec::new(),
            unlogged: false,
            triggers: Vec::new(),
            foreign: None,
        }
    }

    /// The primary key constraint, if any.
    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints
            .values()
            .find(|c| c.kind == ConstraintKind::PrimaryKey)
    }

    /// Foreign keys declared on this table.
    pub fn foreign_keys(&self) -> impl Iterator<Item = (&Constraint, &ForeignKey)> {
        self.constraints
            .values()
            .filter_map(|c| c.foreign_key.as_ref().map(|fk| (c, fk)))
    }
}

/// A column.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column name (folded).
    pub name: String,
    /// The type, normalised (`integer`, `character varying(255)`, `vector(1536)`, `text[]`).
    pub type_name: String,
    /// `NOT NULL` (a primary key implies it).
    pub not_null: bool,
    /// The default expression, normalised, if any.
    pub default: Option<String>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the generation expression. PostgreSQL keeps it in
    /// `pg_attrdef` like a default, but it is not one: a generated column has no default.
    pub generated: Option<SqlExpr>,
    /// Where the column was added.
    pub origin: Origin,
}

/// The kinds of table constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    /// `PRIMARY KEY`.
    PrimaryKey,
    /// `UNIQUE`.
    Unique,
    /// `EXCLUDE`.
    Exclude,
    /// `FOREIGN KEY … REFERENCES`.
    ForeignKey,
    /// `CHECK`.
    Check,
}

impl ConstraintKind {
    /// Whether PostgreSQL builds an index for this constraint.
    pub fn has_index(self) -> bool {
        matches!(
            self,
            ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclude
        )
    }

    /// The SQL words for the kind.
    pub fn sql(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "PRIMARY KEY",
            ConstraintKind::Unique => "UNIQUE",
            ConstraintKind::Exclude => "EXCLUDE",
            ConstraintKind::ForeignKey => "FOREIGN KEY",
            ConstraintKind::Check => "CHECK",
        }
    }
}

/// A table constraint.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// The constraint name (unique per table).
    pub name: String,
    /// What kind of constraint.
    pub kind: ConstraintKind,
    /// The local columns (key columns for PK/UNIQUE/EXCLUDE, referencing columns for FKs,
    /// columns mentioned for CHECK).
    pub columns: Vec<String>,
    /// For PK/UNIQUE/EXCLUDE: the name of the index that backs it (same schema as the table).
    pub index: Option<String>,
    /// For FKs: what it references.
    pub foreign_key: Option<ForeignKey>,
    /// For CHECK: the predicate (`None` when the source does not give it, or for other kinds).
    pub check: Option<SqlExpr>,
    /// False for a CHECK or foreign key added `NOT VALID` and not validated since
    /// (`pg_constraint.convalidated`); other kinds are always validated.
    pub validated: bool,
    /// Where it was added.
    pub origin: Origin,
}

/// The referencing side of a foreign key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referenced table.
    pub ref_table: QualName,
    /// The referenced columns (empty in SQL means the referenced table's primary key; replay
    /// fills them in).
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action (`a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default).
    pub on_delete: char,
    /// `ON UPDATE` action, same letters.
    pub on_update: char,
}

/// An index.
#[derive(Clone, Debug)]
pub struct Index {
    /// The index name; its schema is always the table's.
    pub name: QualName,
    /// The indexed table.
    pub table: QualName,
    /// Access method: `btree`, `hash`, `gin`, `gist`, `spgist`, `brin`, `ivfflat`, `hnsw`, …
    pub method: String,
    /// `UNIQUE` (primary keys are unique too).
    pub unique: bool,
    /// Backs the primary key.
    pub primary: bool,
    /// The constraint it backs (PRIMARY KEY, UNIQUE or EXCLUDE), by name.
    pub constraint: Option<String>,
    /// An exclusion constraint's index.
    pub exclusion: bool,
    /// An exclusion constraint's operators, one per key (`=`, `&&`).
    pub exclusion_operators: Vec<String>,
    /// Key items in order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (…)` columns.
    pub include: Vec<String>,
    /// `WHERE …` of a partial index.
    pub predicate: Option<SqlExpr>,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
    /// `WITH (…)` storage parameters, names folded, values as written.
    pub options: Vec<(String, String)>,
    /// `indisvalid`: false for a failed concurrent build (live databases only).
    pub valid: bool,
    /// The parent index when this index is a partition's copy of a partitioned index.
    pub parent_index: Option<QualName>,
    /// Scans since the statistics were reset (live databases only).
    pub scans: Option<i64>,
    /// Where it was created.
    pub origin: Origin,
}

impl Index {
    /// A valid index with no keys; the caller fills in the rest.
    pub fn new(name: QualName, table: QualName, method: impl Into<String>, origin: Origin) -> Self {
        Index {
            name,
            table,
            method: method.into(),
            unique: false,
            primary: false,
            constraint: None,
            exclusion: false,
            exclusion_operators: Vec::new(),
            keys: Vec::new(),
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            options: Vec::new(),
            valid: true,
            parent_index: None,
            scans: None,
            origin,
        }
    }

    /// Every column the index depends on: keys, expressions, INCLUDE and the predicate.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .flat_map(|k| k.columns())
            .chain(self.include.iter().map(String::as_str))
            .chain(
                self.predicate
                    .iter()
                    .flat_map(|p| p.columns.iter().map(String::as_str)),
            )
    }

    /// The names of the plain-column keys, in order, stopping at the first expression.
    pub fn leading_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map_while(|k| match &k.target {
            KeyTarget::Column(c) => Some(c.as_str()),
            KeyTarget::Expr(_) => None,
        })
    }

    /// Whether the index enforces uniqueness of exactly these columns, in any order: unique,
    /// not partial, every key a plain column of the set. A foreign key needs such an index on
    /// the columns it references.
    pub fn is_unique_on(&self, columns: &[String]) -> bool {
        if !self.unique || self.predicate.is_some() {
            return false;
        }
        // The distinct columns: a handful, searched sorted (a hash set per index asked was
        // visible in the replay of every foreign key).
        let mut wanted: Vec<&str> = columns.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        self.keys.len() == wanted.len()
            && self.keys.iter().all(|k| {
                matches!(&k.target, KeyTarget::Column(c) if wanted.binary_search(&c.as_str()).is_ok())
            })
    }

    /// The index's definition, normalised against `schema` (which holds its table) so that
    /// two indexes are the same index exactly when their definitions are equal.
    pub fn definition<'a>(&'a self, schema: &Schema) -> IndexDefinition<'a> {
        let mut include: Vec<&str> = self.include.iter().map(String::as_str).collect();
        include.sort_unstable();
        include.dedup();
        IndexDefinition {
            method: &self.method,
            keys: self.key_items(schema, schema.tables.get(&self.table)),
            include,
            predicate: self.predicate.as_ref(),
            nulls_not_distinct: self.nulls_not_distinct,
        }
    }

    /// The key items normalised for comparison; `table` is the index's table, whose column
    /// types decide which operator class is the default.
    pub fn key_items<'a>(&'a self, schema: &Schema, table: Option<&Table>) -> Vec<KeyItem<'a>> {
        self.keys
            .iter()
            .map(|k| KeyItem {
                target: &k.target,
                opclass: opclass::normalised(schema, table, &self.method, k),
                collation: k.collation.as_deref().filter(|c| *c != "default"),
                desc: k.desc,
                nulls_first: k.nulls_first,
            })
            .collect()
    }

    /// Whether `other` can stand for this index where PostgreSQL requires an identical one
    /// (ATTACH PARTITION adopting a partition's index, `CompareIndexInfo`): the same
    /// [`definition`](Self::definition), the same uniqueness, and the INCLUDE columns in the
    /// same order.
    pub fn same_definition(&self, other: &Index, schema: &Schema) -> bool {
        self.unique == other.unique
            && self.include == other.include
            && self.definition(schema) == other.definition(schema)
    }
}

/// What makes two indexes the same index: the access method, the key items (operator classes
/// with the default filled in, collations, ordering), the INCLUDE columns as a set, the
/// predicate and NULLS NOT DISTINCT. Uniqueness is not part of it: a unique and a plain index
/// on the same key are the same index built twice.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexDefinition<'a> {
    /// Access method.
    pub method: &'a str,
    /// Key items, normalised.
    pub keys: Vec<KeyItem<'a>>,
    /// INCLUDE columns, sorted and without repeats.
    pub include: Vec<&'a str>,
    /// `WHERE …` of a partial index.
    pub predicate: Option<&'a SqlExpr>,
    /// `NULLS NOT DISTINCT`.
    pub nulls_not_distinct: bool,
}

/// One index key item, normalised for comparison: two items are equal exactly when PostgreSQL
/// would build the same ordering from them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyItem<'a> {
    /// The column or expression (expressions compare by canonical text).
    pub target: &'a KeyTarget,
    /// The opclass, `None` for the type's default.
    pub opclass: Option<&'a str>,
    /// The collation, `None` for the column's own.
    pub collation: Option<&'a str>,
    /// `DESC`.
    pub desc: bool,
    /// `NULLS FIRST`, after filling in the default for the direction.
    pub nulls_first: bool,
}

/// One key item of an index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexKey {
    /// A column or an expression.
    pub target: KeyTarget,
    /// The operator class as written (`None`: the default for the type and method).
    pub opclass: Option<String>,
    /// The collation as written (`None`: the column's).
    pub collation: Option<String>,
    /// `DESC`.
    pub desc: bool,
    /// `NULLS FIRST` after normalisation (the default is NULLS FIRST for DESC, LAST for ASC).
    pub nulls_first: bool,
}

impl IndexKey {
    /// A plain ascending key on a column.
    pub fn column(name: impl Into<String>) -> Self {
        IndexKey {
            target: KeyTarget::Column(name.into()),
            opclass: None,
            collation: None,
            desc: false,
            nulls_first: false,
        }
    }

    /// The columns this key reads.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        let (single, many) = match &self.target {
            KeyTarget::Column(c) => (Some(c.as_str()), None),
            KeyTarget::Expr(e) => (None, Some(e.columns.iter().map(String::as_str))),
        };
        single.into_iter().chain(many.into_iter().flatten())
    }
}

/// What an index key indexes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KeyTarget {
    /// A column by name.
    Column(String),
    /// An expression such as `lower(email)`.
    Expr(SqlExpr),
}

/// A row-level security policy.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The policy name (unique per table).
    pub name: String,
    /// `PERMISSIVE` (true) or `RESTRICTIVE`.
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE`, `DELETE`.
    pub command: String,
    /// Roles the policy applies to (`public` when none named).
    pub roles: Vec<String>,
    /// `USING (…)`.
    pub using: Option<SqlExpr>,
    /// `WITH CHECK (…)`.
    pub with_check: Option<SqlExpr>,
    /// Where it was created.
    pub origin: Origin,
}

impl Schema {
    /// Whether a relation of any kind (table, index, view, sequence …) has this name.
    pub fn relation_exists(&self, name: &QualName) -> bool {
        self.tables.contains_key(name)
            || self.indexes.contains_key(name)
            || self.other_relations.contains_key(name)
    }

    /// Whether a column without a generation expression in this schema is known not to be
    /// generated: true for replayed SQL, catalogs and drizzle-kit snapshots; false for a
    /// Prisma schema, which cannot express generated columns.
    pub fn knows_generated(&self) -> bool {
        self.objects_known || self.generated_known
    }

    /// Whether a schema (namespace) exists.
    pub fn schema_exists(&self, schema: &str) -> bool {
        schema == "public" || schema == "pg_catalog" || self.schemas.contains_key(schema)
    }

    /// The indexes of each table, grouped so that rules compare indexes per table (never across
    /// the whole schema).
    pub fn indexes_by_table(&self) -> Map<&QualName, Vec<&Index>> {
        let mut by_table: Map<&QualName, Vec<&Index>> = Map::default();
        for index in self.indexes.values() {
            by_table.entry(&index.table).or_default().push(index);
        }
        by_table
    }

    /// Counts used by measurements and tests: tables, columns, indexes, foreign keys.
    pub fn counts(&self) -> SchemaCounts {
        SchemaCounts {
            tables: self.tables.len(),
            columns: self.tables.values().map(|t| t.columns.len()).sum(),
            indexes: self.indexes.len(),
            foreign_keys: self.tables.values().map(|t| t.foreign_keys().count()).sum(),
        }
    }
}

/// Object counts of a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SchemaCounts {
    /// Tables of every kind.
    pub tables: usize,
    /// Columns of all tables.
    pub columns: usize,
    /// Indexes, including constraint indexes.
    pub indexes: usize,
    /// Foreign key constraints.
    pub foreign_keys: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("User"), "\"User\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("1abc"), "\"1abc\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            QualName::new("public", "Booking").to_string(),
            "public.\"Booking\""
        );
    }

    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        assert!(is_reserved_keyword("where"));
        assert!(is_reserved_keyword("all"));
        assert!(!is_reserved_keyword("name"));
    }
}
