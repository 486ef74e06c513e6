//! `drizzle-unsupported`: part of a Drizzle TypeScript schema that cannot be evaluated statically
//! (a computed name, a spread). The Drizzle reader records what it skipped; this turns it into
//! findings.

use super::Check;
use crate::finding::Finding;
use crate::source::drizzle::DrizzleSchema;

declare_rule!(
    DRIZZLE_UNSUPPORTED,
    "drizzle-unsupported",
    Info,
    "Part of a Drizzle TypeScript schema that cannot be evaluated statically (a computed name, a spread).",
    Check::Engine
);

/// One finding per construct the Drizzle reader skipped.
pub fn skipped(schema: &DrizzleSchema) -> Vec<Finding> {
    schema
        .unsupported
        .iter()
        .map(|u| Finding::new(&DRIZZLE_UNSUPPORTED, u.message.clone(), u.origin))
        .collect()
}
