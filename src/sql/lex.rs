//! A PostgreSQL lexer (helper-owned, see split.rs).
