//! `missing-column`: a statement alters, drops or renames a column its table does not have at
//! that point of the history.

use super::shared::missing_reference::missing_column;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Owner;

declare_rule!(
    MISSING_COLUMN,
    "missing-column",
    Error,
    "A statement alters, drops or renames a column that does not exist.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        out.extend(missing_column(
            input,
            &MISSING_COLUMN,
            event,
            |owner, table, column| {
                matches!(owner, Owner::Statement).then(|| {
                    (
                        format!("column `{column}` does not exist in table `{table}`"),
                        None,
                    )
                })
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::MISSING_COLUMN,
        pass: ["CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t RENAME COLUMN a TO c;", "CREATE TABLE t (a int);\nALTER TABLE t DROP COLUMN IF EXISTS b;"],
        fail: ["CREATE TABLE t (a int);\nALTER TABLE t DROP COLUMN b;", "CREATE TABLE t (email text);\nALTER TABLE t RENAME COLUMN emial TO address;"],
    );
}
