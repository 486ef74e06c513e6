//! Where SQL and schemas come from: migration folders and their files.

pub mod conninfo;
pub mod database;
pub mod drizzle;
pub mod drizzle_ts;
pub mod file;
pub(crate) mod keys;
pub mod migrations;
pub mod prisma;
pub mod read;
