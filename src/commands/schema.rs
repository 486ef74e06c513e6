//! `driftlint schema`: replay migrations and print the schema they build.

use std::path::PathBuf;

use super::output::print;
use super::{Error, ExitStatus};
use crate::check::{CheckOptions, check};
use crate::source::migrations::Layout;

/// Prints the schema the migrations at `paths` build, as JSON.
pub fn run(paths: Vec<PathBuf>, layout: Option<Layout>) -> Result<ExitStatus, Error> {
    let run = check(
        &CheckOptions {
            paths,
            layout,
            ..Default::default()
        },
        None,
    )?;
    print(&crate::report::schema::render(&run.schema))
}
