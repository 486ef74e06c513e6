//! `unused-ignore`: a `driftlint-ignore` comment that ignores nothing: no such finding, an unknown
//! rule id, or no rule ids. The ignore comments are read and applied by `suppress`; the findings
//! about them are worded here.

use super::Check;
use crate::finding::{Finding, Severity};
use crate::schema::Origin;

declare_rule!(
    UNUSED_IGNORE,
    "unused-ignore",
    Warning,
    "A `driftlint-ignore` comment that ignores nothing: no such finding, an unknown rule id, or no rule ids.",
    Check::Engine
);

/// What an ignore comment covered, for the message about an id that silenced nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Covered {
    /// The whole file (`driftlint-ignore-file`).
    File,
    /// The next statement.
    NextStatement,
    /// Nothing: no statement follows the comment.
    NoStatement,
}

/// A comment that starts with the marker but is another word (`driftlint-ignores`): an error,
/// since whoever wrote it meant to ignore something.
pub fn not_a_directive(word: &str, origin: Origin) -> Finding {
    Finding::new(
        &UNUSED_IGNORE,
        format!("`{word}` is not a driftlint directive, so it ignores nothing"),
        origin,
    )
    .help("write `-- driftlint-ignore: rule-id` (the next statement) or `-- driftlint-ignore-file: rule-id`")
    .severity(Severity::Error)
}

/// An id in an ignore comment that is no rule's, with the closest rule id as a suggestion.
pub fn unknown_rule(word: &str, origin: Origin) -> Finding {
    let ids: Vec<&str> = super::ALL.iter().map(|r| r.id).collect();
    let finding = Finding::new(
        &UNUSED_IGNORE,
        format!("`{word}` is not a driftlint rule, so ignoring it does nothing"),
        origin,
    );
    match similar::get_close_matches(word, &ids, 1, 0.6).first() {
        Some(best) => finding.help(format!("did you mean `{best}`?")),
        None => finding.help("`driftlint rules` lists the rule ids"),
    }
}

/// An ignore comment without rule ids: an error, since it can never ignore anything.
pub fn without_rule_ids(file_wide: bool, origin: Origin) -> Finding {
    let (form, example) = if file_wide {
        ("driftlint-ignore-file", "-- driftlint-ignore-file: rule-id")
    } else {
        ("driftlint-ignore", "-- driftlint-ignore: rule-id")
    };
    Finding::new(
        &UNUSED_IGNORE,
        format!("`{form}` without rule ids ignores nothing"),
        origin,
    )
    .help(format!("name the rules to ignore: `{example}`"))
    .severity(Severity::Error)
}

/// A rule id in an ignore comment that silenced no finding where the comment applies.
pub fn ignored_nothing(rule: &'static str, covered: Covered, origin: Origin) -> Finding {
    let message = match covered {
        Covered::File => format!("`{rule}` is ignored in this file, but it reports nothing here"),
        Covered::NextStatement => {
            format!("`{rule}` is ignored for the next statement, but it reports nothing there")
        }
        Covered::NoStatement => {
            format!("`{rule}` is ignored for the next statement, but no statement follows")
        }
    };
    Finding::new(&UNUSED_IGNORE, message, origin)
        .object(rule)
        .help("remove the rule from the comment")
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::UNUSED_IGNORE,
        pass: ["-- driftlint-ignore: no-primary-key\nCREATE TABLE t (a int);"],
        fail: ["-- driftlint-ignore: no-primary-key\nCREATE TABLE t (id int PRIMARY KEY);", "-- driftlint-ignore: no-primary-keys\nCREATE TABLE t (a int);", "-- driftlint-ignore-file\nCREATE TABLE t (id int PRIMARY KEY);"],
    );
}
