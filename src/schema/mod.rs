//! The schema model and the PostgreSQL semantics that build it.
