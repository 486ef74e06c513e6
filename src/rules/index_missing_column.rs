//! `index-missing-column`: an index or an index-backed constraint names a column its table does
//! not have at that point of the history.

use super::shared::missing_reference::missing_column;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Owner;

declare_rule!(
    INDEX_MISSING_COLUMN,
    "index-missing-column",
    Error,
    "An index names a column its table does not have.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        out.extend(missing_column(
            input,
            &INDEX_MISSING_COLUMN,
            event,
            |owner, table, column| match owner {
                Owner::Index(name) => Some((
                    format!(
                        "index `{name}` names column `{column}`, which table `{table}` does not have"
                    ),
                    Some(name.clone()),
                )),
                Owner::Constraint(name) => Some((
                    format!(
                        "constraint `{name}` names column `{column}`, which table `{table}` does not have"
                    ),
                    Some(name.clone()),
                )),
                _ => None,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::INDEX_MISSING_COLUMN,
        pass: ["CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);", "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);"],
        fail: ["CREATE TABLE t (a int);\nCREATE INDEX t_b ON t (b);", "CREATE TABLE t (amount int);\nALTER TABLE t ADD CONSTRAINT t_key UNIQUE (amuont);"],
    );
}
