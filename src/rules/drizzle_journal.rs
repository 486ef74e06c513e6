//! `drizzle-journal`: a drizzle-kit migration without its snapshot, or a snapshot without its
//! migration. The Drizzle reader finds the problems in an out folder; this words the finding.

use super::Check;
use crate::finding::Finding;
use crate::schema::Origin;

declare_rule!(
    DRIZZLE_JOURNAL,
    "drizzle-journal",
    Info,
    "A drizzle-kit migration without its snapshot, or a snapshot without its migration.",
    Check::Engine
);

/// The finding for a journal problem (`message`) of file number `file`.
pub fn journal_problem(message: impl Into<String>, file: u32) -> Finding {
    Finding::new(&DRIZZLE_JOURNAL, message, Origin::sql(file, 0..0))
}
