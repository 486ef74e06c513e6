//! The `driftlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Exit codes: 0 — nothing at or above `--fail-on`; 1 — findings at or above it;
//! 2 — a usage, I/O or configuration error, or an internal error (a bug, see
//! [`driftlint::check::InternalError`]).

use std::process::ExitCode;

use clap::Parser;
use driftlint::cli::Cli;
use driftlint::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli.command) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            eprintln!("driftlint: {e}");
            ExitCode::from(2)
        }
    }
}
