//! `index-missing-column`, `foreign-key-missing-column`, `missing-column`: a statement names a
//! column its table does not have at that point of the history.

use super::{FOREIGN_KEY_MISSING_COLUMN, INDEX_MISSING_COLUMN, MISSING_COLUMN, RuleInput, suggest};
use crate::finding::Finding;
use crate::schema::replay::{Event, Owner};

pub(super) fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        let Event::MissingColumn {
            table,
            column,
            owner,
            location,
            candidates,
            elsewhere,
        } = event
        else {
            continue;
        };
        let (rule, message, object) = match owner {
            Owner::Index(name) => (
                &INDEX_MISSING_COLUMN,
                format!(
                    "index `{name}` names column `{column}`, which table `{table}` does not have"
                ),
                Some(name.clone()),
            ),
            Owner::Constraint(name) => (
                &INDEX_MISSING_COLUMN,
                format!(
                    "constraint `{name}` names column `{column}`, which table `{table}` does not have"
                ),
                Some(name.clone()),
            ),
            Owner::ForeignKey(name) => (
                &FOREIGN_KEY_MISSING_COLUMN,
                format!(
                    "foreign key `{name}` names column `{column}`, which table `{table}` does not have"
                ),
                Some(name.clone()),
            ),
            Owner::ForeignKeyTarget(name) => (
                &FOREIGN_KEY_MISSING_COLUMN,
                format!(
                    "foreign key `{name}` references column `{column}`, which table `{table}` does not have"
                ),
                Some(name.clone()),
            ),
            Owner::Statement => (
                &MISSING_COLUMN,
                format!("column `{column}` does not exist in table `{table}`"),
                None,
            ),
        };
        let elsewhere: Vec<String> = elsewhere.iter().map(|t| t.to_string()).collect();
        let mut finding = Finding::new(rule, message, *location).table(table);
        if let Some(object) = object {
            finding = finding.object(object);
        }
        if let Some(help) = suggest::column_help(column, candidates, &elsewhere) {
            finding = finding.help(help);
        }
        if let Some(t) = input.schema.tables.get(table) {
            finding = finding.related(
                table.to_string(),
                t.origin,
                format!("table `{}` is created here", table.name),
            );
        }
        out.push(finding);
    }
}
