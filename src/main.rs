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
    let code = match commands::run(cli.command) {
        Ok(status) => status.code(),
        Err(e) => {
            eprintln!("driftlint: {e}");
            2
        }
    };
    exit_now(code)
}

/// Ends the process once its output is flushed, without the allocator's exit-time sweep.
///
/// Everything that must be closed (database sessions, written files) is closed by now. A
/// normal exit runs the C library's exit handlers, and mimalloc's walks every page the run
/// used to free it before the process ends anyway (about 3 % of a large check, all of it on
/// the critical path). The model and the files are not freed either (see `commands::check`).
#[cfg(unix)]
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    // `_exit` skips the runtime's own flush of stdout: flush here, and report a failure the
    // way the runtime would (stderr is unbuffered).
    let flushed = std::io::stdout().flush();
    let code = match flushed {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("driftlint: writing the output: {e}");
            2
        }
    };
    // SAFETY: `_exit` ends the process at once; no Rust code runs after it.
    unsafe { libc::_exit(i32::from(code)) }
}

#[cfg(not(unix))]
fn exit_now(code: u8) -> ExitCode {
    ExitCode::from(code)
}
