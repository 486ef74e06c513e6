//! driftlint: a schema drift linter for PostgreSQL.
//!
//! The pipeline: discover migration files ([`source`]), split and parse their SQL ([`sql`]),
//! replay it into a [`schema::Schema`], run the [`rules`] over the history and the final schema,
//! and render the [`finding::Finding`]s with a [`report`]er.

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
