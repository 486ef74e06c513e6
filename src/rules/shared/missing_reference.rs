//! What the six "missing" rules share: a replay event naming a column or table that does not
//! exist at that point of the history, turned into a finding once the rule has said what names
//! it. Each rule (`index-missing-column`, `foreign-key-missing-column`, `missing-column`,
//! `index-missing-table`, `foreign-key-missing-table`, `missing-table`) picks the owners it
//! reports and words the subject.

use super::column_help;
use crate::finding::{Finding, Severity};
use crate::rules::{Rule, RuleInput};
use crate::schema::QualName;
use crate::schema::replay::{Event, Owner};

/// The finding for an `Event::MissingColumn` whose owner `describe` accepts: it returns the
/// message (given the table and the column) and the object named.
pub(crate) fn missing_column(
    input: &RuleInput<'_>,
    rule: &'static Rule,
    event: &Event,
    describe: impl Fn(&Owner, &QualName, &str) -> Option<(String, Option<String>)>,
) -> Option<Finding> {
    let Event::MissingColumn {
        table,
        column,
        owner,
        location,
        candidates,
        elsewhere,
    } = event
    else {
        return None;
    };
    let (message, object) = describe(owner, table, column)?;
    let elsewhere: Vec<String> = elsewhere.iter().map(|t| t.to_string()).collect();
    let mut finding = Finding::new(rule, message, *location).table(table);
    if let Some(object) = object {
        finding = finding.object(object);
    }
    if let Some(help) = column_help::column_help(column, candidates, &elsewhere) {
        finding = finding.help(help);
    }
    if let Some(t) = input.schema.tables.get(table) {
        finding = finding.related(
            table.to_string(),
            t.origin,
            format!("table `{}` is created here", table.name),
        );
    }
    Some(finding)
}

/// The finding for an `Event::MissingTable` whose owner `what` accepts: it returns the subject
/// ("index `i` is created on").
///
/// Without a reference schema a missing table usually means the history read is partial (a
/// folder of recent migrations only), so the finding says "cannot verify" at info level instead
/// of raising a false error.
pub(crate) fn missing_table(
    rule: &'static Rule,
    event: &Event,
    what: impl Fn(&Owner) -> Option<String>,
) -> Option<Finding> {
    let Event::MissingTable {
        table,
        owner,
        location,
        reference_checked,
        other_kind,
    } = event
    else {
        return None;
    };
    let what = what(owner)?;
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
    Some(finding)
}
