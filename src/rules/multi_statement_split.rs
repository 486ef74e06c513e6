//! `multi-statement-split`: a `;` inside a string, a dollar-quoted body, a quoted identifier or
//! a comment, in a file golang-migrate splits at every `;` (`x-multi-statement=true`).

use super::shared::safety::Facts;
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::{Action, Delivery};

declare_rule!(
    MULTI_STATEMENT_SPLIT,
    "multi-statement-split",
    Error,
    "A `;` inside a string, body or comment, in a file golang-migrate splits at every `;`.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for s in &facts.safety {
        let Action::InnerSemicolon { what } = s.action else {
            continue;
        };
        let Some(file) = facts.file(s.file) else {
            continue;
        };
        // golang-migrate splits only with `x-multi-statement=true`; otherwise it sends the
        // file whole and PostgreSQL's own lexer reads the `;` correctly.
        if file.run.runner != "golang-migrate" || file.run.delivery != Delivery::PerStatement {
            continue;
        }
        out.push(
            Finding::new(
                &MULTI_STATEMENT_SPLIT,
                format!(
                    "golang-migrate with `x-multi-statement=true` splits the file at every `;` byte, including this one inside a {what}: the statement reaches PostgreSQL cut in two and the migration fails"
                ),
                s.location,
            )
            .help(
                "keep `;` out of strings, bodies and comments in this project (e.g. `chr(59)` in a string, a one-statement SQL function body without a trailing `;`), or apply this file with a URL without `x-multi-statement` (golang-migrate then sends the file as one message)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;

    #[test]
    fn plain_sql_is_not_split() {
        // Without golang-migrate's layout nothing splits at `;`: nothing is said.
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;";
        assert!(lint(&super::MULTI_STATEMENT_SPLIT, sql).is_empty());
    }
}
