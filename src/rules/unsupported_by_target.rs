//! `unsupported-by-target`: a statement form the target PostgreSQL release does not have, so
//! the server rejects it as a syntax error.

use super::shared::safety::Facts;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::pg_version::{introduced_in, known_before};
use crate::schema::replay::Action;

declare_rule!(
    UNSUPPORTED_BY_TARGET,
    "unsupported-by-target",
    Error,
    "A statement form the target PostgreSQL release does not have (a syntax error there).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    // Without a target release every form is taken to exist.
    let Some(target) = input.target else {
        return;
    };
    for s in &Facts::of(input).safety {
        let Action::Refused { kind } = s.action else {
            continue;
        };
        let Some(major) = introduced_in(kind).filter(|m| known_before(Some(target), *m)) else {
            continue;
        };
        let plain = kind.replace(" CONCURRENTLY", "");
        out.push(
            Finding::new(
                &UNSUPPORTED_BY_TARGET,
                format!(
                    "{target} has no `{kind}` (added in PostgreSQL {major}): the server rejects the statement as a syntax error and the migration fails"
                ),
                s.location,
            )
            .help(format!(
                "on {target} use `{plain}` without CONCURRENTLY (it takes a stronger lock), or raise `target_version` if the database already runs PostgreSQL {major} or later"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::target_cases!(
        super::UNSUPPORTED_BY_TARGET,
        on_11,
        target: "11",
        pass: [
            "REINDEX TABLE t;",
            "CREATE INDEX CONCURRENTLY t_a ON t (a);",
        ],
        fail: [
            "REINDEX TABLE CONCURRENTLY t;",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY t_a;",
            "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;",
        ],
    );

    crate::rules::tests::target_cases!(
        super::UNSUPPORTED_BY_TARGET,
        on_13,
        target: "13",
        pass: ["REINDEX TABLE CONCURRENTLY t;", "ALTER TABLE p DETACH PARTITION p1;"],
        fail: ["ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;"],
    );

    #[test]
    fn an_unknown_target_has_every_form() {
        let sql = "REINDEX TABLE CONCURRENTLY t;\nALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;";
        assert!(crate::rules::tests::lint(&super::UNSUPPORTED_BY_TARGET, sql).is_empty());
    }
}
