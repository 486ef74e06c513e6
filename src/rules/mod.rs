//! The rules: one file each, registered here with their id, default severity and summary.
//!
//! A rule reads the replay's events and the final schema and pushes findings; it never parses
//! SQL and never prints. Each rule's documentation is its page in `rules/<id>.md`, compiled in
//! so that `driftlint explain` and the tests read the same text.

use crate::finding::{Finding, Severity};
use crate::schema::Schema;
use crate::schema::replay::Event;

mod duplicate_index;
mod fk_support;
mod index_missing_column;
mod index_name_conflict;
mod invalid_index;
mod missing_table;
mod no_primary_key;
mod redundant_index;
mod rls_policy_column_unindexed;
mod row_security;
mod suggest;
mod unindexed_foreign_key;
mod unparsed_statement;
mod unused_index;
mod vector_index_on_empty_table;
mod vector_index_parameters;
mod vector_opclass_mismatch;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The rule page (Markdown).
    pub doc: &'static str,
}

macro_rules! rule {
    ($name:ident, $id:literal, $severity:ident, $summary:literal) => {
        #[doc = $summary]
        pub static $name: Rule = Rule {
            id: $id,
            severity: Severity::$severity,
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $id, ".md")),
        };
    };
}

rule!(
    INDEX_MISSING_COLUMN,
    "index-missing-column",
    Error,
    "An index names a column its table does not have."
);
rule!(
    INDEX_MISSING_TABLE,
    "index-missing-table",
    Error,
    "An index is created on a table that does not exist."
);
rule!(
    FOREIGN_KEY_MISSING_COLUMN,
    "foreign-key-missing-column",
    Error,
    "A foreign key names a column that does not exist."
);
rule!(
    FOREIGN_KEY_MISSING_TABLE,
    "foreign-key-missing-table",
    Error,
    "A foreign key references a table that does not exist, or columns without a unique constraint."
);
rule!(
    MISSING_COLUMN,
    "missing-column",
    Error,
    "A statement alters, drops or renames a column that does not exist."
);
rule!(
    MISSING_TABLE,
    "missing-table",
    Error,
    "A statement alters, drops or renames a table that does not exist."
);
rule!(
    UNPARSED_STATEMENT,
    "unparsed-statement",
    Warning,
    "A statement PostgreSQL's parser rejects."
);
rule!(
    UNREADABLE_FILE,
    "unreadable-file",
    Error,
    "A migration file that cannot be read, or whose bytes are not valid UTF-8 text."
);
rule!(
    UNLISTED_MIGRATION,
    "unlisted-migration",
    Info,
    "A migration file its tool will not run (not in the journal, a duplicate version, an unexpected name)."
);

rule!(
    DUPLICATE_INDEX,
    "duplicate-index",
    Warning,
    "Two indexes on one table with the same definition."
);
rule!(
    REDUNDANT_INDEX,
    "redundant-index",
    Warning,
    "A btree index whose key is a leading prefix of another btree index's key."
);
rule!(
    UNINDEXED_FOREIGN_KEY,
    "unindexed-foreign-key",
    Warning,
    "A foreign key whose columns no index leads with."
);
rule!(
    UNUSED_IGNORE,
    "unused-ignore",
    Warning,
    "A `driftlint-ignore` comment that ignores nothing: no such finding, an unknown rule id, or no rule ids."
);
rule!(
    NO_PRIMARY_KEY,
    "no-primary-key",
    Info,
    "A table without a primary key."
);

rule!(
    DRIFT_TABLE,
    "drift-table",
    Warning,
    "A table one schema has and the other does not."
);
rule!(
    DRIFT_COLUMN,
    "drift-column",
    Warning,
    "A column missing on one side, or with a different type, nullability or default."
);
rule!(
    DRIFT_INDEX,
    "drift-index",
    Warning,
    "An index missing on one side, or with a different definition."
);
rule!(
    DRIFT_CONSTRAINT,
    "drift-constraint",
    Warning,
    "A primary key, unique, check or foreign key constraint missing on one side, or different."
);
rule!(
    DRIFT_POLICY,
    "drift-policy",
    Warning,
    "A row-level security policy missing on one side or different, or RLS enabled on one side only."
);
rule!(
    DRIZZLE_UNSUPPORTED,
    "drizzle-unsupported",
    Info,
    "Part of a Drizzle TypeScript schema that cannot be evaluated statically (a computed name, a spread)."
);
rule!(
    DRIZZLE_JOURNAL,
    "drizzle-journal",
    Info,
    "A drizzle-kit migration without its snapshot, or a snapshot without its migration."
);

rule!(
    INDEX_NAME_CONFLICT,
    "index-name-conflict",
    Warning,
    "An index whose name a relation already has: skipped silently with IF NOT EXISTS, an error without."
);
rule!(
    RLS_POLICY_COLUMN_UNINDEXED,
    "rls-policy-column-unindexed",
    Warning,
    "A row-level security policy compares a column with a per-request value and no index leads with it."
);
rule!(
    RLS_ENABLED_WITHOUT_POLICY,
    "rls-enabled-without-policy",
    Warning,
    "Row-level security enabled on a table without any policy: everyone but the owner sees nothing."
);
rule!(
    POLICY_WITHOUT_RLS,
    "policy-without-rls",
    Warning,
    "Row-level security policies on a table where row-level security is not enabled: they do nothing."
);
rule!(
    VECTOR_INDEX_ON_EMPTY_TABLE,
    "vector-index-on-empty-table",
    Warning,
    "An IVFFlat index built right after its table was created, before any data could be loaded."
);
rule!(
    VECTOR_OPCLASS_MISMATCH,
    "vector-opclass-mismatch",
    Error,
    "A pgvector index whose operator class, access method or dimensions do not fit its column."
);
rule!(
    HNSW_PARAMETERS,
    "hnsw-parameters",
    Error,
    "An HNSW index with m or ef_construction out of pgvector's bounds."
);
rule!(
    VECTOR_INDEX_LISTS,
    "vector-index-lists",
    Warning,
    "An IVFFlat index whose lists is out of range, or far from the table's row count (live)."
);
rule!(
    INVALID_INDEX,
    "invalid-index",
    Error,
    "An index the database marks invalid, left behind by a failed concurrent build (live)."
);
rule!(
    UNUSED_INDEX,
    "unused-index",
    Info,
    "An index no query has scanned since the statistics were reset (live)."
);

/// Every rule, in the order `driftlint rules` lists them.
pub static ALL: &[&Rule] = &[
    &INDEX_MISSING_COLUMN,
    &INDEX_MISSING_TABLE,
    &FOREIGN_KEY_MISSING_COLUMN,
    &FOREIGN_KEY_MISSING_TABLE,
    &MISSING_COLUMN,
    &MISSING_TABLE,
    &UNPARSED_STATEMENT,
    &UNREADABLE_FILE,
    &UNLISTED_MIGRATION,
    &DUPLICATE_INDEX,
    &REDUNDANT_INDEX,
    &UNINDEXED_FOREIGN_KEY,
    &NO_PRIMARY_KEY,
    &INDEX_NAME_CONFLICT,
    &RLS_POLICY_COLUMN_UNINDEXED,
    &RLS_ENABLED_WITHOUT_POLICY,
    &POLICY_WITHOUT_RLS,
    &VECTOR_INDEX_ON_EMPTY_TABLE,
    &VECTOR_OPCLASS_MISMATCH,
    &HNSW_PARAMETERS,
    &VECTOR_INDEX_LISTS,
    &INVALID_INDEX,
    &UNUSED_INDEX,
    &DRIFT_TABLE,
    &DRIFT_COLUMN,
    &DRIFT_INDEX,
    &DRIFT_CONSTRAINT,
    &DRIFT_POLICY,
    &DRIZZLE_UNSUPPORTED,
    &DRIZZLE_JOURNAL,
    &UNUSED_IGNORE,
];

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

pub use crate::schema::replay::Unparsed;

/// What the rules look at.
pub struct RuleInput<'a> {
    /// The final schema.
    pub schema: &'a Schema,
    /// The replay's events, in order.
    pub events: &'a [Event],
    /// Statements the parser rejected.
    pub unparsed: &'a [Unparsed],
    /// Whether a reference schema (database, Drizzle) answered for unknown tables.
    pub has_reference: bool,
}

/// Runs every rule.
pub fn run(input: &RuleInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    index_missing_column::check(input, &mut out);
    missing_table::check(input, &mut out);
    unparsed_statement::check(input, &mut out);
    duplicate_index::check(input, &mut out);
    redundant_index::check(input, &mut out);
    unindexed_foreign_key::check(input, &mut out);
    no_primary_key::check(input, &mut out);
    index_name_conflict::check(input, &mut out);
    rls_policy_column_unindexed::check(input, &mut out);
    row_security::check(input, &mut out);
    vector_index_on_empty_table::check(input, &mut out);
    vector_opclass_mismatch::check(input, &mut out);
    vector_index_parameters::check(input, &mut out);
    invalid_index::check(input, &mut out);
    unused_index::check(input, &mut out);
    out
}
