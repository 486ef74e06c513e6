//! `foreign-key-missing-table`: a foreign key references a table that does not exist at that
//! point of the history, or columns of it without a unique constraint (PostgreSQL rejects both).

use super::shared::missing_reference::missing_table;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::{Event, Owner};

declare_rule!(
    FOREIGN_KEY_MISSING_TABLE,
    "foreign-key-missing-table",
    Error,
    "A foreign key references a table that does not exist, or columns without a unique constraint.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        if let Event::NoUniqueTarget {
            table,
            constraint,
            ref_table,
            ref_columns,
            location,
        } = event
        {
            let message = if ref_columns.is_empty() {
                format!(
                    "foreign key `{constraint}` references table `{ref_table}`, which has no primary key"
                )
            } else {
                format!(
                    "foreign key `{constraint}` references `{ref_table}` ({}), which has no unique constraint on those columns",
                    ref_columns.join(", ")
                )
            };
            out.push(
                Finding::new(&FOREIGN_KEY_MISSING_TABLE, message, *location)
                    .table(table)
                    .object(constraint.clone())
                    .help("PostgreSQL rejects this: reference the primary key, or add a UNIQUE constraint on the referenced columns"),
            );
            continue;
        }
        out.extend(missing_table(&FOREIGN_KEY_MISSING_TABLE, event, |owner| {
            match owner {
                Owner::ForeignKey(n) | Owner::ForeignKeyTarget(n) => {
                    Some(format!("foreign key `{n}` references"))
                }
                _ => None,
            }
        }));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::FOREIGN_KEY_MISSING_TABLE,
        pass: ["CREATE TABLE p (id int PRIMARY KEY, b int UNIQUE);\nCREATE TABLE c (pid int REFERENCES p, pb int REFERENCES p (b));"],
        fail: ["CREATE TABLE c (pid int CONSTRAINT c_fk REFERENCES p (id));", "CREATE TABLE p (id int);\nCREATE TABLE c (pid int CONSTRAINT c_fk REFERENCES p);", "CREATE TABLE p (id int PRIMARY KEY, b int);\nCREATE TABLE c (pb int CONSTRAINT c_fk REFERENCES p (b));"],
    );
}
