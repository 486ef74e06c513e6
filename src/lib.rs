//! driftlint: a schema drift linter for PostgreSQL.
//!
//! The pipeline: discover migration files ([`source`]), split and parse their SQL ([`sql`]),
//! replay it into a [`schema::Schema`], run the [`rules`] over the history and the final schema,
//! and render the [`finding::Finding`]s with a [`report`]er.
//!
//! # Layers
//!
//! The modules form layers; a module imports only from its own layer or the layers before it
//! (test code excepted):
//!
//! ```text
//! sql, timings → schema → source → finding, rules → engine → report → commands, cli (and main)
//! ```
//!
//! 1. [`sql`]: splitting and parsing SQL text; [`timings`]: the `--timings` recorder.
//! 2. [`schema`]: the schema model, the replay of SQL into it, and the object-by-object diff,
//!    all as plain data.
//! 3. [`source`]: readers of migration folders, Drizzle schemas and live databases; they
//!    produce files, schemas and catalog facts, never findings.
//! 4. [`finding`] and [`rules`]: what a problem is, and the checks that find them.
//! 5. The engine: [`check`], [`drift`], [`live`], [`suppress`], [`baseline`], [`changed`] and
//!    [`config`] run the rules over a source and filter what they report.
//! 6. [`report`]: the output formats.
//! 7. [`commands`] and [`cli`]: one module per subcommand, each returning
//!    `Result<`[`commands::ExitStatus`]`, `[`commands::Error`]`>`, which the binary maps to
//!    its exit code in one place.

pub mod baseline;
pub mod changed;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod drift;
pub mod finding;
pub mod live;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod sql;
pub mod suppress;
pub mod timings;
