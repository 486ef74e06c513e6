//! `driftlint explain RULE`: print a rule's documentation.

use super::output::print;
use super::{Error, ExitStatus};
use crate::rules;

/// Prints the page of rule `id`; an unknown id is an error.
pub fn run(id: &str) -> Result<ExitStatus, Error> {
    match rules::by_id(id) {
        Some(rule) => print(rule.doc),
        None => Err(Error::UnknownRule(id.to_string())),
    }
}
