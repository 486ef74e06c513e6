//! The schema model and the PostgreSQL semantics that build it.

pub mod ddl;
pub mod diff;
pub mod expr;
pub mod foreign_key_support;
pub mod literals;
pub mod model;
pub mod names;
pub mod opclass;
pub mod types;

pub use model::*;
pub mod replay;
