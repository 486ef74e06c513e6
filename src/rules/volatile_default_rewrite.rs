//! `volatile-default-rewrite`: `ADD COLUMN` with a volatile default rewrites an existing table.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::pg_version::stores_constant_defaults;
use crate::schema::replay::Action;

declare_rule!(
    VOLATILE_DEFAULT_REWRITE,
    "volatile-default-rewrite",
    Warning,
    "ADD COLUMN with a volatile default rewrites the table under ACCESS EXCLUSIVE.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for (s, action) in facts.on_existing_tables() {
        let (column, default) = match action {
            Action::VolatileDefault { column, default } => (column, default),
            Action::ConstantDefault { column, default } if !stores_constant_defaults(input.target) => {
                let table = table_name(s);
                out.push(lock_finding(
                    &VOLATILE_DEFAULT_REWRITE,
                    s,
                    format!(
                        "adding `{table}.{column}` with `DEFAULT {default}` writes the value into every existing row before PostgreSQL 11: `{table}` and its indexes are rewritten under an ACCESS EXCLUSIVE lock, and reads and writes wait until it ends"
                    ),
                    format!(
                        "add the column without the default, then `ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default};` for new rows and fill the existing rows in batches (from PostgreSQL 11 a non-volatile default is evaluated once and stored, without a rewrite)"
                    ),
                ));
                continue;
            }
            _ => continue,
        };
        let table = table_name(s);
        out.push(lock_finding(
            &VOLATILE_DEFAULT_REWRITE,
            s,
            format!(
                "adding `{table}.{column}` with `{default}` computes a value for every existing row: `{table}` and its indexes are rewritten under an ACCESS EXCLUSIVE lock, and reads and writes wait until it ends"
            ),
            format!(
                "add the column without the default{}, then `ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT …` for new rows and fill the existing rows in batches",
                if stores_constant_defaults(input.target) {
                    " (or with a constant one)"
                } else {
                    ""
                }
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::VOLATILE_DEFAULT_REWRITE,
        pass: [
            "ALTER TABLE t ADD COLUMN c int DEFAULT 0;",
            "ALTER TABLE t ADD COLUMN c timestamptz NOT NULL DEFAULT now();",
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
        ],
        fail: [
            "ALTER TABLE t ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();",
            "ALTER TABLE t ADD COLUMN n bigserial;",
            "ALTER TABLE t ADD COLUMN r float8 DEFAULT random() * 10;",
        ],
    );

    crate::rules::tests::target_cases!(
        super::VOLATILE_DEFAULT_REWRITE,
        before_11,
        target: "10",
        pass: [
            "ALTER TABLE t ADD COLUMN c int;",
            "ALTER TABLE t ADD COLUMN c int DEFAULT NULL;",
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int DEFAULT 0;",
        ],
        fail: [
            "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
            "ALTER TABLE t ADD COLUMN created_at timestamptz DEFAULT now();",
            "ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
        ],
    );

    crate::rules::tests::target_cases!(
        super::VOLATILE_DEFAULT_REWRITE,
        from_11,
        target: "11",
        pass: ["ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;"],
        fail: ["ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();"],
    );
}
