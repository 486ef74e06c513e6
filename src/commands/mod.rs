//! The subcommands, one module each. Every command returns `Result<ExitStatus, Error>`; the
//! binary maps that to a process exit code and prints an error in one place.

pub mod audit;
pub mod check;
pub mod diff;
pub mod explain;
pub mod output;
pub mod rules;
pub mod schema;

use std::path::Path;

use crate::baseline::BaselineError;
use crate::changed::ChangedError;
use crate::check::CheckError;
use crate::cli::Command;
use crate::config::{self, Config, ConfigError};
use crate::drift::DriftError;
use crate::live::LiveError;
use crate::source::database::DatabaseError;

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on` (or nothing to judge): exit code 0.
    Clean,
    /// Findings at or above `--fail-on`: exit code 1.
    Findings,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
        }
    }
}

/// Why a command stopped: a usage, I/O or configuration error, or an internal error. The binary
/// prints it after `driftlint: ` and exits with 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file cannot be read or is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Discovering or replaying the migrations failed, or driftlint hit a bug.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// A side of `diff` or a `--drizzle` / `--prisma` reference could not be read.
    #[error(transparent)]
    Drift(#[from] DriftError),
    /// `check --database` could not read the database or replay on top of it.
    #[error(transparent)]
    Live(#[from] LiveError),
    /// `audit` could not read the database.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// `--baseline` cannot be read.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// `--write-baseline` cannot be written.
    #[error("cannot write the baseline: {0}")]
    WriteBaseline(#[source] BaselineError),
    /// `--changed-since` could not ask git.
    #[error(transparent)]
    Changed(#[from] ChangedError),
    /// `explain` got a rule id that does not exist.
    #[error("unknown rule `{0}`; `driftlint rules` lists them")]
    UnknownRule(String),
    /// `check` got both `--database` and `--drizzle`.
    #[error("--database and --drizzle cannot be combined: the database is already the reference")]
    DatabaseWithDrizzle,
    /// `check` got both `--database` and `--prisma`.
    #[error("--database and --prisma cannot be combined: the database is already the reference")]
    DatabaseWithPrisma,
    /// `audit` has no database to read.
    #[error("no database given: pass --database postgresql://user@host/db or set DATABASE_URL")]
    NoDatabase,
    /// Standard output could not be written (a closed pipe is not an error).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<ExitStatus, Error> {
    match command {
        Command::Check(args) => check::run(args),
        Command::Schema { paths, layout } => schema::run(paths, layout),
        Command::Diff(args) => diff::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Rules { format } => rules::run(format),
        Command::Explain { rule } => explain::run(&rule),
    }
}

/// The configuration given with `--config`, else `driftlint.toml` in the current directory or
/// its nearest parent that has one, else the defaults.
fn load_config(given: Option<&Path>) -> Result<Config, ConfigError> {
    if let Some(path) = given {
        return config::load(path);
    }
    let found = std::env::current_dir()
        .ok()
        .and_then(|cwd| config::find(&cwd));
    match found {
        Some(path) => config::load(&path),
        None => Ok(Config::default()),
    }
}
