//! `missing-table`: a statement alters, drops or renames a table that does not exist at that
//! point of the history.

use super::shared::missing_reference::missing_table;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Owner;

declare_rule!(
    MISSING_TABLE,
    "missing-table",
    Error,
    "A statement alters, drops or renames a table that does not exist.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        out.extend(missing_table(&MISSING_TABLE, event, |owner| {
            matches!(owner, Owner::Statement).then(|| "the statement names".to_string())
        }));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::MISSING_TABLE,
        pass: ["CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nDROP TABLE IF EXISTS u;"],
        fail: ["ALTER TABLE t ADD COLUMN b int;", "CREATE TABLE t (a int);\nALTER TABLE u RENAME TO v;"],
    );
}
