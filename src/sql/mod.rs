//! Text to statements to DDL commands.

pub mod lex;
pub mod locate;
pub mod parse;
pub mod split;
