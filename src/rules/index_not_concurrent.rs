//! `index-not-concurrent`: `CREATE INDEX` without CONCURRENTLY on a table that already exists.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    INDEX_NOT_CONCURRENT,
    "index-not-concurrent",
    Warning,
    "CREATE INDEX without CONCURRENTLY on an existing table blocks its writes while it builds.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::CreateIndex {
            concurrently: false,
            unique,
            columns,
            concurrent_sql,
            ..
        } = action
        else {
            continue;
        };
        let table = table_name(s);
        let kind = if *unique { "UNIQUE INDEX" } else { "INDEX" };
        let finding = lock_finding(
            &INDEX_NOT_CONCURRENT,
            s,
            format!(
                "`CREATE {kind}` on the existing table `{table}` takes a SHARE lock: INSERT, UPDATE and DELETE on `{table}` wait until the index is built"
            ),
            format!(
                "build it without blocking writes: `{concurrent_sql};`{}",
                facts.concurrently_note(s.file)
            ),
        );
        // A unique key: the statistics may show it cannot be built.
        out.push(if *unique {
            finding.key(columns.clone())
        } else {
            finding
        });
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::INDEX_NOT_CONCURRENT,
        pass: [
            "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);",
            "CREATE INDEX CONCURRENTLY t_a ON t (a);",
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\nCREATE INDEX u_a ON u (a);",
        ],
        fail: [
            "CREATE INDEX t_a ON t (a);",
            "CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email);",
        ],
    );
}
