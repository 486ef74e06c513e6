//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::source::migrations::Layout;

/// driftlint: a schema drift linter for PostgreSQL.
///
/// Replays migration SQL into a schema model and reports indexes on columns that do not
/// exist, duplicate and redundant indexes, unindexed foreign keys and more.
#[derive(Debug, Parser)]
#[command(name = "driftlint", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check migration files (folders or files; without paths, the usual folders under the
    /// current directory).
    Check(CheckArgs),
    /// Replay migrations and print the schema they build (counts, tables, indexes, foreign
    /// keys) as JSON.
    Schema {
        /// Migration folders or files.
        paths: Vec<PathBuf>,
        /// The migration tool's layout, instead of detecting it.
        #[arg(long, value_parser = parse_layout)]
        layout: Option<Layout>,
    },
    /// List the rules with their default severity.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. index-missing-column.
        rule: String,
    },
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Migration folders or files.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The migration tool's layout, instead of detecting it.
    #[arg(long, value_parser = parse_layout)]
    pub layout: Option<Layout>,
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    Layout::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
        format!("unknown layout `{s}`; one of: {}", names.join(", "))
    })
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics for people, with source snippets.
    Human,
    /// The JSON document (version 1).
    Json,
}

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}
