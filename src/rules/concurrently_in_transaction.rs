//! `concurrently-in-transaction`: a statement PostgreSQL refuses inside a transaction block, in
//! a file the migration tool runs inside one.

use super::shared::safety::{Facts, FileFacts};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::pg_version::{introduced_in, known_before};
use crate::schema::replay::{Action, Delivery, EnumLabel, RunsAlone, Safety};

/// The kind named for `ALTER TYPE … ADD VALUE` in messages.
const ADD_VALUE: &str = "ALTER TYPE … ADD VALUE";

declare_rule!(
    CONCURRENTLY_IN_TRANSACTION,
    "concurrently-in-transaction",
    Error,
    "A statement PostgreSQL refuses in a transaction block, in a file the tool runs in one.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for s in &facts.safety {
        let kind = match &s.action {
            Action::Refused { kind } => *kind,
            Action::EnumLabel(_) => {
                enum_label(input, &facts, s, out);
                continue;
            }
            _ => continue,
        };
        // A form the target release does not have: `unsupported-by-target` says so.
        if introduced_in(kind).is_some_and(|major| known_before(input.target, major)) {
            continue;
        }
        let Some(file) = facts.file(s.file) else {
            continue;
        };
        let Some(why) = why_it_fails(kind, s, file, &facts) else {
            continue;
        };
        let why = match &file.run.note {
            Some(note) => format!("{why} ({note})"),
            None => why,
        };
        out.push(
            Finding::new(
                &CONCURRENTLY_IN_TRANSACTION,
                format!("`{kind}` cannot run inside a transaction block, and {why}: the migration will fail"),
                s.location,
            )
            .help(facts.how_alone(s.file)),
        );
    }
}

/// `ALTER TYPE … ADD VALUE` in a transaction block before PostgreSQL 12 (unless the type is
/// new in that transaction), and a use of the new label in the transaction that added it,
/// refused from 12 on ("unsafe use of new value"; measured on PostgreSQL 15).
fn enum_label(input: &RuleInput<'_>, facts: &Facts<'_>, s: &Safety, out: &mut Vec<Finding>) {
    let before_12 = known_before(input.target, 12);
    let in_tx = |from: u32| from == s.file || facts.one_transaction(from, s.file);
    let Some(file) = facts.file(s.file) else {
        return;
    };
    let (message, help) = match &s.action {
        Action::EnumLabel(EnumLabel::Added {
            type_name,
            type_created_in,
            ..
        }) if before_12 && !type_created_in.is_some_and(in_tx) => {
            let Some(why) = why_it_fails(ADD_VALUE, s, file, facts) else {
                return;
            };
            let target = input.target.map(|t| t.to_string()).unwrap_or_default();
            (
                format!(
                    "`{ADD_VALUE}` on `{type_name}` cannot run inside a transaction block before PostgreSQL 12 (the target is {target}), and {why}: the migration will fail"
                ),
                facts.how_alone(s.file).to_string(),
            )
        }
        Action::EnumLabel(EnumLabel::Used {
            type_name,
            label,
            added_in,
        }) if !before_12 && in_tx(*added_in) => {
            let Some(why) = why_it_fails(ADD_VALUE, s, file, facts) else {
                return;
            };
            (
                format!(
                    "this statement uses the label '{label}' that `{ADD_VALUE}` added to `{type_name}` in the same transaction, and {why}: PostgreSQL refuses a new label until its transaction commits (\"unsafe use of new value\"), so the migration will fail"
                ),
                format!(
                    "add the value in a migration of its own, applied before the one that uses '{label}'"
                ),
            )
        }
        _ => return,
    };
    out.push(Finding::new(&CONCURRENTLY_IN_TRANSACTION, message, s.location).help(help));
}

/// Why the tool's way of running the file puts the statement in a transaction block, or `None`
/// when it runs on its own.
fn why_it_fails(kind: &str, s: &Safety, f: &FileFacts<'_>, facts: &Facts<'_>) -> Option<String> {
    let runner = f.run.runner;
    let opted = f
        .run
        .opted_out
        .map(|m| format!(" (even with `{m}`)"))
        .unwrap_or_default();
    let one_message = || {
        format!(
            "{runner} sends this file{opted} as one message of {} statements, which PostgreSQL runs as one transaction block",
            f.statements
        )
    };
    match f.run.delivery {
        Delivery::Transaction => match f.run.runs_alone {
            RunsAlone::Listed(kinds) if kinds.contains(&kind) => None,
            RunsAlone::WholeFile(kinds) if kinds.contains(&kind) => {
                let only = f.refused.len() as u32 == f.statements
                    && f.refused.iter().all(|k| kinds.contains(k));
                if !only {
                    Some(format!(
                        "{runner} runs it without a transaction only in a migration holding nothing else (it rejects this mixed one unless `mixed=true`)"
                    ))
                } else if facts.shares_unit(s.file) {
                    Some(format!(
                        "{runner} runs the pending migrations as one group and rejects a group mixing transactional and non-transactional migrations unless `mixed=true`"
                    ))
                } else {
                    None
                }
            }
            RunsAlone::MixedFile(kinds) if facts.unit_refuses_any(s.file, kinds) => None,
            _ if f.run.unit != s.file && facts.shares_unit(s.file) => Some(format!(
                "{runner} runs this file with the other pending migrations in one transaction"
            )),
            _ => Some(format!("{runner} runs this file inside a transaction")),
        },
        Delivery::SingleMessage => match f.run.runs_alone {
            RunsAlone::SplitWhenParsed(kinds) => {
                let unread = f.refused.iter().find(|k| !kinds.contains(k))?;
                (f.statements >= 2).then(|| {
                    format!(
                        "{runner} splits a file into statements only when its SQL parser reads all of them, which it does not for `{unread}`, so it sends this file as one message of {} statements, which PostgreSQL runs as one transaction block",
                        f.statements
                    )
                })
            }
            _ => (f.statements >= 2).then(one_message),
        },
        Delivery::Pipeline => (s.index > 0).then(|| {
            format!("{runner} sends this file as one pipeline, where only the first statement may be such a statement")
        }),
        Delivery::PerStatement => None,
        Delivery::Unknown => (f.statements >= 2).then(|| {
            format!(
                "this file holds {} statements, which migration tools run in one transaction or send as one message",
                f.statements
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::CONCURRENTLY_IN_TRANSACTION,
        pass: [
            "CREATE INDEX CONCURRENTLY t_a ON t (a);",
            "VACUUM t;",
            "CREATE TABLE t (a int);\nREFRESH MATERIALIZED VIEW CONCURRENTLY m;",
            "CREATE TABLE t (a int);\nCLUSTER t USING t_pkey;",
        ],
        fail: [
            "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);",
            "SET lock_timeout = '1s';\nDROP INDEX CONCURRENTLY t_a;",
            "CREATE TABLE t (a int);\nVACUUM ANALYZE t;\nREINDEX (VERBOSE) TABLE CONCURRENTLY t;\nALTER SYSTEM SET work_mem = '8MB';\nCREATE DATABASE x;\nDISCARD ALL;",
        ],
    );

    // From PostgreSQL 12 (and with the release unknown) `ADD VALUE` runs in a transaction,
    // but a use of the new label in that transaction fails.
    crate::rules::tests::target_cases!(
        super::CONCURRENTLY_IN_TRANSACTION,
        enum_labels_on_12,
        target: "12",
        pass: [
            "ALTER TYPE mood ADD VALUE 'sad';\nCREATE TABLE t (a int);",
            "ALTER TYPE mood ADD VALUE 'sad';\nCREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'sad' $$;",
            "ALTER TYPE mood ADD VALUE 'sad';\nALTER TYPE mood ADD VALUE 'glad' AFTER 'sad';",
            "ALTER TYPE mood ADD VALUE 'sad';",
        ],
        fail: [
            "CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE t (m mood);\nALTER TYPE mood ADD VALUE 'sad';\nALTER TABLE t ALTER m SET DEFAULT 'sad';",
            "ALTER TYPE mood ADD VALUE 'sad';\nINSERT INTO t (m) VALUES ('sad');",
            "ALTER TYPE mood ADD VALUE 'sad';\nALTER TABLE t ADD CONSTRAINT t_m CHECK (m <> 'sad');",
        ],
    );

    // Before PostgreSQL 12 `ADD VALUE` itself is refused in a transaction block, unless the
    // type was created in that transaction (then its labels may be used at once).
    crate::rules::tests::target_cases!(
        super::CONCURRENTLY_IN_TRANSACTION,
        enum_labels_on_11,
        target: "11",
        pass: [
            "ALTER TYPE mood ADD VALUE 'sad';",
            "CREATE TYPE mood AS ENUM ('ok');\nALTER TYPE mood ADD VALUE 'sad';\nCREATE TABLE t (m mood DEFAULT 'sad');",
            // No such form on 11: `unsupported-by-target` reports it instead.
            "CREATE TABLE t (a int);\nREINDEX TABLE CONCURRENTLY t;",
        ],
        fail: [
            "CREATE TABLE t (a int);\nALTER TYPE mood ADD VALUE 'sad';",
            "ALTER TYPE mood ADD VALUE 'sad';\nINSERT INTO t (m) VALUES ('sad');",
        ],
    );

    #[test]
    fn a_new_label_used_in_a_later_migration_is_committed() {
        let first = "ALTER TYPE mood ADD VALUE 'sad';";
        let second = "INSERT INTO t (m) VALUES ('sad');\nSELECT 1;";
        let rule = &super::CONCURRENTLY_IN_TRANSACTION;
        assert!(crate::rules::tests::lint_two_files(rule, first, second).is_empty());
    }
}
