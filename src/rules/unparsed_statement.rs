//! `unparsed-statement`: a statement PostgreSQL's parser rejects. The rest of the file is still
//! linted; the statement itself cannot update the model.

use super::{RuleInput, UNPARSED_STATEMENT};
use crate::finding::Finding;

pub(super) fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for u in input.unparsed {
        out.push(
            Finding::new(
                &UNPARSED_STATEMENT,
                format!("PostgreSQL cannot parse this statement: {}", u.message),
                u.origin,
            )
            .help("fix the syntax; until then driftlint cannot tell what the statement changes"),
        );
    }
}
