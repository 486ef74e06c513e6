//! `foreign-key-not-valid`: `ADD FOREIGN KEY` validated at once on an existing table.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    FOREIGN_KEY_NOT_VALID,
    "foreign-key-not-valid",
    Warning,
    "ADD FOREIGN KEY without NOT VALID scans the table while both tables' writes wait.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::AddForeignKey {
            name,
            ref_table,
            not_valid: false,
        } = action
        else {
            continue;
        };
        let table = table_name(s);
        let name = if name.is_empty() { "<name>" } else { name };
        out.push(lock_finding(
            &FOREIGN_KEY_NOT_VALID,
            s,
            format!(
                "adding foreign key `{name}` to the existing table `{table}` takes SHARE ROW EXCLUSIVE locks on `{table}` and on the referenced `{}` and scans `{table}` to validate it: writes to both tables wait until the scan ends",
                ref_table.name
            ),
            format!(
                "add it with `… NOT VALID` (checked for new rows only, brief lock), then in a later migration applied in its own transaction: `ALTER TABLE {table} VALIDATE CONSTRAINT {name};` (SHARE UPDATE EXCLUSIVE: writes go on)"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::FOREIGN_KEY_NOT_VALID,
        pass: [
            "CREATE TABLE u (id int PRIMARY KEY);\nCREATE TABLE p (u int);\nALTER TABLE p ADD CONSTRAINT p_u FOREIGN KEY (u) REFERENCES u (id);",
            "ALTER TABLE p ADD CONSTRAINT p_u FOREIGN KEY (u) REFERENCES u (id) NOT VALID;\nALTER TABLE p VALIDATE CONSTRAINT p_u;",
        ],
        fail: ["ALTER TABLE p ADD CONSTRAINT p_u FOREIGN KEY (u) REFERENCES u (id);"],
    );
}
