//! What several rules share: wording and comparisons that are not rules themselves.

pub(crate) mod column_help;
pub(crate) mod index_comparison;
pub(crate) mod missing_reference;
pub(crate) mod safety;
pub mod sized;
pub(crate) mod storage_parameter;
