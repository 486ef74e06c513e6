//! `concurrently-in-transaction`: a statement PostgreSQL refuses inside a transaction block, in
//! a file the migration tool runs inside one.

use super::shared::safety::{Facts, FileFacts};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::{Action, Delivery, RunsAlone, Safety};

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
        let Action::Refused { kind } = s.action else {
            continue;
        };
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
}
