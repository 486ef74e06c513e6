//! `index-missing-table`: an index or an index-backed constraint is created on a table that does
//! not exist at that point of the history.

use super::shared::missing_reference::missing_table;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Owner;

declare_rule!(
    INDEX_MISSING_TABLE,
    "index-missing-table",
    Error,
    "An index is created on a table that does not exist.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        out.extend(missing_table(&INDEX_MISSING_TABLE, event, |owner| {
            match owner {
                Owner::Index(n) => Some(format!("index `{n}` is created on")),
                Owner::Constraint(n) => Some(format!("constraint `{n}` is added to")),
                _ => None,
            }
        }));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::INDEX_MISSING_TABLE,
        pass: ["CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);"],
        fail: ["CREATE INDEX t_a ON t (a);", "CREATE VIEW v AS SELECT 1 AS a;\nCREATE INDEX v_a ON v (a);"],
    );
}
