//! `unparsed-statement`: a statement PostgreSQL's parser rejects. The rest of the file is still
//! linted; the statement itself cannot update the model.

use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    UNPARSED_STATEMENT,
    "unparsed-statement",
    Warning,
    "A statement PostgreSQL's parser rejects.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for u in input.unparsed {
        let finding = if u.beyond_limits {
            Finding::new(
                &UNPARSED_STATEMENT,
                format!(
                    "driftlint cannot read this statement: {}",
                    u.message
                ),
                u.origin,
            )
            .help("simplify the statement as the message says; until then driftlint cannot tell what it changes")
        } else {
            Finding::new(
                &UNPARSED_STATEMENT,
                format!("PostgreSQL cannot parse this statement: {}", u.message),
                u.origin,
            )
            .help("fix the syntax; until then driftlint cannot tell what the statement changes")
        };
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::UNPARSED_STATEMENT,
        pass: ["CREATE TABLE t (a int);"],
        fail: ["CREATE TABLE t (a int;", "CREATE TABEL t (a int);"],
    );
}
