//! The schema model and the PostgreSQL semantics that build it.

pub mod ddl;
pub mod dependencies;
pub mod diff;
pub mod expr;
pub mod foreign_key_support;
pub mod literals;
pub mod live_stats;
pub mod model;
pub mod names;
pub mod object_nodes;
pub mod objects;
pub mod opclass;
pub mod pg_version;
pub mod types;
pub mod view_labels;
pub mod view_query;

pub use model::*;
pub mod replay;
