//! The rules: one file each, named after the rule's id, and one registry.
//!
//! A rule file declares the rule with `declare_rule!` — its id, default severity, summary,
//! page (`rules/<id>.md`, compiled in so that `driftlint explain` and the tests read the same
//! text) and how it runs — next to the code that makes its findings. The `registry!` list in
//! this file compiles the rule files and builds [`ALL`] from them: everything else
//! (`driftlint rules` and `explain`, configuration, SARIF metadata, [`run`]) derives from it.
//!
//! A rule reads the replay's events, the final schema, a comparison's differences or what the
//! engine found while reading files, and makes findings; it never parses SQL and never prints.

use crate::finding::Finding;
use crate::schema::Schema;
use crate::schema::diff::{Drift, ObjectKind};
use crate::schema::model::{Index, QualName};
use crate::schema::replay::Event;

/// A rule's identity, documentation and how it runs.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Default severity.
    pub severity: crate::finding::Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The rule page (Markdown).
    pub doc: &'static str,
    /// How the rule runs.
    pub check: Check,
    /// The file that declares the rule (`src/rules/<id>.rs`), so a test can hold each rule to
    /// its own file.
    pub source: &'static str,
}

/// How a rule comes to report something.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// A function over the replayed model, its events and the unparsed statements, run by
    /// [`run`] on every check and audit.
    Model(fn(&RuleInput<'_>, &mut Vec<Finding>)),
    /// The comparison of two schemas: each difference about this kind of object is reported
    /// under this rule by [`drift_findings`].
    Drift(ObjectKind),
    /// The engine reports it while it works (reading files, applying ignore comments, loading
    /// a Drizzle source); the rule's file makes the findings the engine pushes.
    Engine,
}

/// Declares a rule in its file: `declare_rule!(NAME, "id", Severity, "summary", check)` makes
/// the static `NAME` with the page `rules/<id>.md` compiled in.
macro_rules! declare_rule {
    ($name:ident, $id:literal, $severity:ident, $summary:literal, $check:expr) => {
        #[doc = $summary]
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $id, ".md")),
            check: $check,
            source: file!(),
        };
    };
}

/// Compiles each listed rule file and lists its rule in [`ALL`], in the order given: a rule is
/// registered by one line, and a rule file that is not listed is not compiled at all (a test
/// finds such files).
macro_rules! registry {
    ($($module:ident :: $name:ident),* $(,)?) => {
        $(
            pub mod $module;
            pub use $module::$name;
        )*

        /// Every rule, in the order `driftlint rules` lists them.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

mod shared;
pub use shared::sized;

registry! {
    index_missing_column::INDEX_MISSING_COLUMN,
    index_missing_table::INDEX_MISSING_TABLE,
    foreign_key_missing_column::FOREIGN_KEY_MISSING_COLUMN,
    foreign_key_missing_table::FOREIGN_KEY_MISSING_TABLE,
    missing_column::MISSING_COLUMN,
    missing_table::MISSING_TABLE,
    unparsed_statement::UNPARSED_STATEMENT,
    unreadable_file::UNREADABLE_FILE,
    unlisted_migration::UNLISTED_MIGRATION,
    duplicate_index::DUPLICATE_INDEX,
    redundant_index::REDUNDANT_INDEX,
    unindexed_foreign_key::UNINDEXED_FOREIGN_KEY,
    no_primary_key::NO_PRIMARY_KEY,
    index_name_conflict::INDEX_NAME_CONFLICT,
    rls_policy_column_unindexed::RLS_POLICY_COLUMN_UNINDEXED,
    rls_enabled_without_policy::RLS_ENABLED_WITHOUT_POLICY,
    policy_without_rls::POLICY_WITHOUT_RLS,
    vector_index_on_empty_table::VECTOR_INDEX_ON_EMPTY_TABLE,
    vector_opclass_mismatch::VECTOR_OPCLASS_MISMATCH,
    hnsw_parameters::HNSW_PARAMETERS,
    vector_index_lists::VECTOR_INDEX_LISTS,
    invalid_index::INVALID_INDEX,
    unused_index::UNUSED_INDEX,
    foreign_key_type_mismatch::FOREIGN_KEY_TYPE_MISMATCH,
    rls_policy_per_row_function::RLS_POLICY_PER_ROW_FUNCTION,
    sequence_near_limit::SEQUENCE_NEAR_LIMIT,
    stale_statistics::STALE_STATISTICS,
    table_bloat::TABLE_BLOAT,
    index_bloat::INDEX_BLOAT,
    locked_table::LOCKED_TABLE,
    drift_table::DRIFT_TABLE,
    drift_column::DRIFT_COLUMN,
    drift_index::DRIFT_INDEX,
    drift_constraint::DRIFT_CONSTRAINT,
    drift_policy::DRIFT_POLICY,
    drift_sequence::DRIFT_SEQUENCE,
    drift_view::DRIFT_VIEW,
    drift_function::DRIFT_FUNCTION,
    drift_trigger::DRIFT_TRIGGER,
    drift_enum::DRIFT_ENUM,
    drift_extension::DRIFT_EXTENSION,
    drift_composite_type::DRIFT_COMPOSITE_TYPE,
    drizzle_unsupported::DRIZZLE_UNSUPPORTED,
    drizzle_journal::DRIZZLE_JOURNAL,
    prisma_unsupported::PRISMA_UNSUPPORTED,
    unused_ignore::UNUSED_IGNORE,
    concurrently_in_transaction::CONCURRENTLY_IN_TRANSACTION,
    index_not_concurrent::INDEX_NOT_CONCURRENT,
    concurrent_index_if_not_exists::CONCURRENT_INDEX_IF_NOT_EXISTS,
    foreign_key_not_valid::FOREIGN_KEY_NOT_VALID,
    check_constraint_not_valid::CHECK_CONSTRAINT_NOT_VALID,
    set_not_null_scan::SET_NOT_NULL_SCAN,
    column_type_rewrite::COLUMN_TYPE_REWRITE,
    volatile_default_rewrite::VOLATILE_DEFAULT_REWRITE,
    column_still_referenced::COLUMN_STILL_REFERENCED,
    unique_without_index::UNIQUE_WITHOUT_INDEX,
    lock_timeout_missing::LOCK_TIMEOUT_MISSING,
    unsupported_by_target::UNSUPPORTED_BY_TARGET,
    unique_index_duplicates::UNIQUE_INDEX_DUPLICATES,
    multi_statement_split::MULTI_STATEMENT_SPLIT,
}

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
    /// The PostgreSQL release the migrations will run on (`target_version`), when known.
    pub target: Option<crate::schema::pg_version::PgVersion>,
    /// The schema's indexes grouped by table, made by the first rule that asks (see
    /// [`RuleInput::indexes_by_table`]).
    by_table: std::sync::OnceLock<crate::schema::model::Map<&'a QualName, Vec<&'a Index>>>,
}

impl<'a> RuleInput<'a> {
    /// A replay's final schema, its events and the statements the parser rejected; no
    /// reference schema and no target release (set `has_reference` and `target` for those).
    pub fn new(schema: &'a Schema, events: &'a [Event], unparsed: &'a [Unparsed]) -> Self {
        RuleInput {
            schema,
            events,
            unparsed,
            has_reference: false,
            target: None,
            by_table: std::sync::OnceLock::new(),
        }
    }

    /// A schema without a history (a live database's, a model built by hand): no events, no
    /// rejected statements.
    pub fn of_schema(schema: &'a Schema) -> Self {
        RuleInput::new(schema, &[], &[])
    }

    /// The schema's indexes grouped by table, in the schema's order: five rules read it, and
    /// grouping 100,000 indexes once per rule was half of the rules' time on such a schema.
    pub fn indexes_by_table(&self) -> &crate::schema::model::Map<&'a QualName, Vec<&'a Index>> {
        self.by_table.get_or_init(|| self.schema.indexes_by_table())
    }
}

/// Runs every rule that reads the model ([`Check::Model`]), in parallel on the current rayon
/// pool; the findings come in the order of [`ALL`], as one rule after another would give them.
pub fn run(input: &RuleInput<'_>) -> Vec<Finding> {
    use rayon::prelude::*;
    let per_rule: Vec<Vec<Finding>> = ALL
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            if let Check::Model(check) = rule.check {
                check(input, &mut out);
            }
            out
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}

/// The rule that reports differences about `kind` of object.
fn drift_rule(kind: ObjectKind) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| matches!(r.check, Check::Drift(k) if k == kind))
}

/// The findings of a comparison: each difference under the drift rule of its object kind.
pub fn drift_findings(drift: &Drift) -> Vec<Finding> {
    drift
        .differences
        .iter()
        .filter_map(|d| {
            let mut finding = Finding::new(drift_rule(d.kind)?, d.message.clone(), d.origin);
            finding.table = d.table.clone();
            finding.object = d.object.clone();
            Some(finding)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
