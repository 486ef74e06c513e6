//! `index-missing-table`, `foreign-key-missing-table`, `missing-table`: a statement names a table
//! that does not exist at that point of the history.
//!
//! Without a reference schema a missing table usually means the history read is partial (a
//! folder of recent migrations only), so the finding says "cannot verify" at info level instead
//! of raising a false error.

use super::{FOREIGN_KEY_MISSING_TABLE, INDEX_MISSING_TABLE, MISSING_TABLE, RuleInput};
use crate::finding::{Finding, Severity};
use crate::schema::replay::{Event, Owner};

pub(super) fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        match event {
            Event::MissingTable {
                table,
                owner,
                location,
                reference_checked,
                other_kind,
            } => {
                let rule = match owner {
                    Owner::Index(_) | Owner::Constraint(_) => &INDEX_MISSING_TABLE,
                    Owner::ForeignKey(_) | Owner::ForeignKeyTarget(_) => &FOREIGN_KEY_MISSING_TABLE,
                    Owner::Statement => &MISSING_TABLE,
                };
                let what = match owner {
                    Owner::Index(n) => format!("index `{n}` is created on"),
                    Owner::Constraint(n) => format!("constraint `{n}` is added to"),
                    Owner::ForeignKey(n) | Owner::ForeignKeyTarget(n) => {
                        format!("foreign key `{n}` references")
                    }
                    Owner::Statement => "the statement names".to_string(),
                };
                let mut finding = if let Some(kind) = other_kind {
                    Finding::new(
                        rule,
                        format!(
                            "{what} `{table}`, which is a {}, not a table",
                            kind.describe()
                        ),
                        *location,
                    )
                } else if *reference_checked {
                    Finding::new(
                        rule,
                        format!("{what} table `{table}`, which does not exist"),
                        *location,
                    )
                    .help("neither the migrations nor the reference schema create this table")
                } else {
                    Finding::new(
                        rule,
                        format!("{what} table `{table}`, which the migrations read never create: cannot verify"),
                        *location,
                    )
                    .severity(Severity::Info)
                    .help("if the table is created elsewhere, pass the complete history, or a reference schema with --database or --drizzle")
                };
                finding = finding.table(table);
                if let Owner::Index(n)
                | Owner::Constraint(n)
                | Owner::ForeignKey(n)
                | Owner::ForeignKeyTarget(n) = owner
                {
                    finding = finding.object(n.clone());
                }
                out.push(finding);
            }
            Event::NoUniqueTarget {
                table,
                constraint,
                ref_table,
                ref_columns,
                location,
            } => {
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
            }
            _ => {}
        }
    }
}
