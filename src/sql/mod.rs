//! Text to statements to DDL commands.

pub mod lex;
pub mod split;
