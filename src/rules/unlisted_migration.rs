//! `unlisted-migration`: a migration file its tool will not run (not in the journal, a duplicate
//! version, an unexpected name). Discovery notices it; the check reports it through here.

use super::Check;
use crate::finding::Finding;
use crate::schema::Origin;

declare_rule!(
    UNLISTED_MIGRATION,
    "unlisted-migration",
    Info,
    "A migration file its tool will not run (not in the journal, a duplicate version, an unexpected name).",
    Check::Engine
);

/// The finding for file number `file`, which discovery set aside for the reason `message` gives.
pub fn unlisted(message: impl Into<String>, file: u32) -> Finding {
    Finding::new(&UNLISTED_MIGRATION, message, Origin::sql(file, 0..0))
}
