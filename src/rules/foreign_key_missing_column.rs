//! `foreign-key-missing-column`: a foreign key names a column that does not exist, on its own
//! table or on the table it references.

use super::shared::missing_reference::missing_column;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Owner;

declare_rule!(
    FOREIGN_KEY_MISSING_COLUMN,
    "foreign-key-missing-column",
    Error,
    "A foreign key names a column that does not exist.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        out.extend(missing_column(
            input,
            &FOREIGN_KEY_MISSING_COLUMN,
            event,
            |owner, table, column| match owner {
                Owner::ForeignKey(name) => Some((
                    format!(
                        "foreign key `{name}` names column `{column}`, which table `{table}` does not have"
                    ),
                    Some(name.clone()),
                )),
                Owner::ForeignKeyTarget(name) => Some((
                    format!(
                        "foreign key `{name}` references column `{column}`, which table `{table}` does not have"
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
        super::FOREIGN_KEY_MISSING_COLUMN,
        pass: ["CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int REFERENCES p (id));"],
        fail: ["CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int);\nALTER TABLE c ADD CONSTRAINT c_fk FOREIGN KEY (p_id) REFERENCES p (id);", "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int, CONSTRAINT c_fk FOREIGN KEY (pid) REFERENCES p (ident));"],
    );
}
