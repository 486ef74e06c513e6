//! The rules: one file each, registered here with their id, default severity and summary.
//!
//! A rule reads the replay's events and the final schema and pushes findings; it never parses
//! SQL and never prints. Each rule's documentation is its page in `rules/<id>.md`, compiled in
//! so that `driftlint explain` and the tests read the same text.

use crate::finding::{Finding, Severity};
use crate::schema::Schema;
use crate::schema::replay::Event;

mod duplicate_index;
mod index_missing_column;
mod missing_table;
mod no_primary_key;
mod opclass;
mod redundant_index;
mod suggest;
mod unindexed_foreign_key;
mod unparsed_statement;

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
    NO_PRIMARY_KEY,
    "no-primary-key",
    Info,
    "A table without a primary key."
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
];

/// Looks a rule up by id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// A statement the parser rejected.
#[derive(Clone, Debug)]
pub struct Unparsed {
    /// PostgreSQL's message.
    pub message: String,
    /// The error position (or the statement when there is none).
    pub origin: crate::schema::Origin,
}

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
    out
}
