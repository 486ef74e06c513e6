//! `unique-without-index`: `ADD PRIMARY KEY / UNIQUE` building its index under the table's
//! strongest lock.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    UNIQUE_WITHOUT_INDEX,
    "unique-without-index",
    Warning,
    "ADD PRIMARY KEY / UNIQUE without USING INDEX builds the index under ACCESS EXCLUSIVE.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let Action::AddKey {
            name,
            primary,
            columns,
        } = action
        else {
            continue;
        };
        let table = table_name(s);
        let kind = if *primary { "PRIMARY KEY" } else { "UNIQUE" };
        let t = s.table.as_ref().map_or("", |t| t.name.as_str());
        let index = if name.is_empty() {
            format!("{t}_{}_key", columns.join("_"))
        } else {
            name.clone()
        };
        let cols = columns.join(", ");
        let mut finding = lock_finding(
            &UNIQUE_WITHOUT_INDEX,
            s,
            format!(
                "adding {kind} ({cols}) to the existing table `{table}` builds its unique index under an ACCESS EXCLUSIVE lock: reads and writes on `{table}` wait until the index is built"
            ),
            format!(
                "build the index first: `CREATE UNIQUE INDEX CONCURRENTLY {index} ON {table} ({cols});`{} then `ALTER TABLE {table} ADD CONSTRAINT {index} {kind} USING INDEX {index};`",
                facts.concurrently_note(s.file)
            ),
        );
        // One key column: the finding is about it.
        if let [column] = columns.as_slice() {
            finding = finding.object(column.clone());
        }
        finding = finding.key(columns.clone());
        if *primary {
            finding = finding.primary_key();
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::UNIQUE_WITHOUT_INDEX,
        pass: [
            "CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (a);",
            "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key;",
        ],
        fail: [
            "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);",
            "ALTER TABLE t ADD PRIMARY KEY (id);",
        ],
    );
}
