//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::source::migrations::{Layout, UnknownLayout};

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
    /// Compare two schemas object by object and report the drift: each side is a migrations
    /// path, `drizzle:PATH` (an out folder, a snapshot file or schema.ts), `prisma:PATH` (a
    /// schema.prisma, a folder of .prisma files or the project), or a database (`postgres://…`
    /// URL or key=value conninfo).
    Diff(DiffArgs),
    /// Audit a live database: introspect its catalog (read-only) and run every schema rule.
    Audit(AuditArgs),
    /// Write table sizes and column statistics (no data values) for `check --stats`.
    Stats(StatsArgs),
    /// List the rules with their default severity.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
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
    /// The configuration file (default: `driftlint.toml` in the current directory or the
    /// nearest parent that has one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not report the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// A Drizzle schema as the reference (an out folder, a snapshot file or schema.ts): tables
    /// the migrations never create are taken from it.
    #[arg(long, value_name = "PATH", conflicts_with = "prisma")]
    pub drizzle: Option<PathBuf>,
    /// A Prisma schema as the reference (schema.prisma, a folder of .prisma files, or the
    /// project folder): tables the migrations never create are taken from it.
    #[arg(long, value_name = "PATH")]
    pub prisma: Option<PathBuf>,
    /// The Prisma major version the schema is read for (default: from the package.json near
    /// the schema, else 6).
    #[arg(long, value_name = "MAJOR")]
    pub prisma_version: Option<u32>,
    /// Report only findings in files changed since this git revision (the whole history is
    /// still replayed).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// A database (URL or key=value conninfo) as the starting schema: only the migrations its
    /// migration tool has not applied yet are replayed on top of it.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Limits for the database session.
    #[command(flatten)]
    pub session: SessionArgs,
    /// Table sizes from `driftlint stats`: lock findings on small tables become info, on very
    /// large ones errors.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    /// The PostgreSQL release the migrations will run on (14, 14.5), which decides the lock
    /// and rewrite facts; default: `[check] target_version`, else the `--database`'s, else the
    /// `--stats` file's, else a release from 12 on.
    #[arg(long, value_name = "VERSION", value_parser = crate::schema::pg_version::PgVersion::parse)]
    pub target_version: Option<crate::schema::pg_version::PgVersion>,
    /// Print the wall time of each phase (and each catalog query) on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// Arguments of `stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The database: a postgresql:// URL or key=value conninfo.
    #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// Where to write the statistics (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Session limits.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The database: a postgresql:// URL or key=value conninfo; `PG*` variables fill in what it
    /// leaves out.
    /// Repeat it for read replicas (primary first): the catalog is read from the first, and
    /// index scans are summed over all.
    #[arg(
        long,
        value_name = "URL",
        env = "DATABASE_URL",
        hide_env_values = true,
        action = clap::ArgAction::Append
    )]
    pub database: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The configuration file (default: `driftlint.toml` in the current directory or the
    /// nearest parent that has one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the server, the object counts, the time taken and the number of queries sent on
    /// stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// How long the statistics must have been collecting before an index with no scans is
    /// called unused (e.g. 7d, 12h, 30m).
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = parse_duration)]
    pub min_stats_age: std::time::Duration,
    /// Limits for the database session.
    #[command(flatten)]
    pub session: SessionArgs,
    /// Print the wall time of each phase (and each catalog query) on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Read over one connection. By default a second connection, importing the first one's
    /// snapshot (the same read-only view of the database), reads sizes and sequences while
    /// the first reads the catalog; it falls back to one when the second cannot connect.
    #[arg(long)]
    pub single_connection: bool,
}

/// Limits of a database session.
#[derive(Debug, Clone, clap::Args)]
pub struct SessionArgs {
    /// `statement_timeout` for each catalog query (e.g. 30s, 500ms, 2m).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub statement_timeout: std::time::Duration,
    /// `lock_timeout`: how long a catalog read may wait behind a lock (e.g. 2s).
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// How long connecting may take (a `connect_timeout` in the connection string wins).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: std::time::Duration,
}

impl SessionArgs {
    /// Connection options for `target` with these limits.
    pub fn options(&self, target: &str) -> crate::source::database::ConnectOptions {
        crate::source::database::ConnectOptions {
            target: target.to_string(),
            statement_timeout: self.statement_timeout,
            lock_timeout: self.lock_timeout,
            connect_timeout: self.connect_timeout,
        }
    }
}

/// A duration clap cannot read; clap shows the message after the option name.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a duration like 30s, 500ms or 2m")]
pub struct DurationError(String);

/// `30s`, `500ms`, `2m`, or a number of seconds.
fn parse_duration(s: &str) -> Result<std::time::Duration, DurationError> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| DurationError(s.to_string()))?;
    Ok(match unit.trim() {
        "" | "s" => std::time::Duration::from_secs(n),
        "ms" => std::time::Duration::from_millis(n),
        "m" | "min" => std::time::Duration::from_secs(n * 60),
        "h" => std::time::Duration::from_secs(n * 3600),
        "d" => std::time::Duration::from_secs(n * 86400),
        _ => return Err(DurationError(s.to_string())),
    })
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Side A: a migrations path, drizzle:PATH, prisma:PATH, or a database URL / conninfo.
    pub a: String,
    /// Side B: a migrations path, drizzle:PATH, prisma:PATH, or a database URL / conninfo.
    pub b: String,
    /// The Prisma major version a prisma: side is read for (default: from the package.json
    /// near the schema, else 6).
    #[arg(long, value_name = "MAJOR")]
    pub prisma_version: Option<u32>,
    /// Output format (human or json).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// The migration tool's layout, instead of detecting it.
    #[arg(long, value_parser = parse_layout)]
    pub layout: Option<Layout>,
    /// Limits for a database side's session.
    #[command(flatten)]
    pub session: SessionArgs,
    /// Print the wall time of each phase (and each catalog query) on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// A layout by its name (`--layout drizzle`).
fn parse_layout(s: &str) -> Result<Layout, UnknownLayout> {
    s.parse()
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics for people, with source snippets.
    Human,
    /// The JSON document (version 1).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// `file:line:col: severity: message [rule]`, one line per finding.
    Gcc,
    /// One self-contained HTML page: summary, charts of reclaimable space, a sortable table.
    Html,
    /// Markdown for pull-request and issue comments, kept under GitHub's comment limit.
    Markdown,
}

/// Output formats of `driftlint rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table: id, default severity, summary.
    Human,
    /// A JSON array of `{id, severity, summary, url}`.
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

impl FailOn {
    /// The lowest severity that fails the run.
    pub fn severity(self) -> crate::finding::Severity {
        use crate::finding::Severity;
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}
