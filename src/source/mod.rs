//! Where SQL and schemas come from: migration folders and their files.

pub mod migrations;
pub mod read;
