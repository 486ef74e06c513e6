//! `set-not-null-scan`: `SET NOT NULL` that scans an existing table under its strongest lock.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::pg_version::check_proves_not_null;
use crate::schema::replay::Action;

declare_rule!(
    SET_NOT_NULL_SCAN,
    "set-not-null-scan",
    Warning,
    "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock unless a validated CHECK proves it.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    let check_helps = check_proves_not_null(input.target);
    for (s, action) in facts.on_existing_tables() {
        let Action::SetNotNull { column, proven } = action else {
            continue;
        };
        if *proven && check_helps {
            continue;
        }
        let table = table_name(s);
        let check = format!("{}_{column}_not_null", s.table.as_ref().map_or("", |t| &t.name));
        let (why, help) = if check_helps {
            (
                String::new(),
                format!(
                    "prove it first (PostgreSQL 12+ then skips the scan): `ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;` then, in a later migration, `ALTER TABLE {table} VALIDATE CONSTRAINT {check};` and `ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL; ALTER TABLE {table} DROP CONSTRAINT {check};`"
                ),
            )
        } else if *proven {
            (
                " (before PostgreSQL 12 not even a validated CHECK spares the scan)".to_string(),
                format!(
                    "before PostgreSQL 12 nothing avoids the scan: let the validated `CHECK ({column} IS NOT NULL)` stand in for NOT NULL and leave this statement out, or set NOT NULL after upgrading"
                ),
            )
        } else {
            (
                " (before PostgreSQL 12 no validated CHECK spares the scan)".to_string(),
                format!(
                    "before PostgreSQL 12 nothing avoids the scan: keep a validated CHECK instead of NOT NULL (`ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID;` then, in a later migration, `ALTER TABLE {table} VALIDATE CONSTRAINT {check};`, which lets reads and writes go on), or set NOT NULL after upgrading"
                ),
            )
        };
        out.push(
            lock_finding(
                &SET_NOT_NULL_SCAN,
                s,
                format!(
                    "`SET NOT NULL` on `{table}.{column}` takes an ACCESS EXCLUSIVE lock and scans every row{why}: reads and writes on `{table}` wait until the scan ends"
                ),
                help,
            )
            .object(column.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::SET_NOT_NULL_SCAN,
        pass: [
            "CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
            "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
            "ALTER TABLE t ADD CHECK (a IS NOT NULL);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
        ],
        fail: [
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
            "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
        ],
    );

    crate::rules::tests::target_cases!(
        super::SET_NOT_NULL_SCAN,
        before_12,
        target: "11.22",
        pass: ["CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;"],
        fail: [
            "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
        ],
    );

    crate::rules::tests::target_cases!(
        super::SET_NOT_NULL_SCAN,
        from_12,
        target: "12",
        pass: ["ALTER TABLE t ADD CHECK (a IS NOT NULL);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;"],
        fail: ["ALTER TABLE t ALTER COLUMN a SET NOT NULL;"],
    );
}
