//! The `driftlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Exit codes: 0 — nothing at or above `--fail-on`; 1 — findings at or above it;
//! 2 — a usage, I/O or configuration error, or an internal error (a bug, see
//! [`driftlint::check::InternalError`]).

use std::process::ExitCode;

use clap::Parser;
use driftlint::cli::Cli;
use driftlint::commands;

/// mimalloc instead of the system allocator: replay and parse-tree decoding allocate many
/// small short-lived strings and boxes, and glibc's malloc spent about a quarter of a
/// `check`'s CPU time in allocation and consolidation (perf on a 3 MB structure.sql). Built
/// with `no_thp`: asking for transparent huge pages tripled the system time of a short run
/// (every huge page is zeroed when first touched) and raised its peak memory by a third.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
