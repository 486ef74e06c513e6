//! `check-constraint-not-valid`: `ADD CHECK` validated at once on an existing table.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    CHECK_CONSTRAINT_NOT_VALID,
    "check-constraint-not-valid",
    Warning,
    "ADD CHECK without NOT VALID scans the table under an ACCESS EXCLUSIVE lock.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::AddCheck {
            name,
            not_valid: false,
        } = action
        else {
            continue;
        };
        let table = table_name(s);
        let name = if name.is_empty() { "<name>" } else { name };
        out.push(lock_finding(
            &CHECK_CONSTRAINT_NOT_VALID,
            s,
            format!(
                "adding CHECK constraint `{name}` to the existing table `{table}` takes an ACCESS EXCLUSIVE lock and scans every row: reads and writes on `{table}` wait until the scan ends"
            ),
            format!(
                "add it with `… NOT VALID` (brief lock, no scan), then in a later migration applied in its own transaction: `ALTER TABLE {table} VALIDATE CONSTRAINT {name};` (SHARE UPDATE EXCLUSIVE: reads and writes go on)"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::CHECK_CONSTRAINT_NOT_VALID,
        pass: [
            "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT t_a CHECK (a > 0);",
            "ALTER TABLE t ADD CONSTRAINT t_a CHECK (a > 0) NOT VALID;",
        ],
        fail: ["ALTER TABLE t ADD CONSTRAINT t_a CHECK (a > 0);"],
    );
}
