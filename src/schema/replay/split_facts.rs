//! A `;` that is not a statement's end — inside a string, a dollar-quoted body, a quoted
//! identifier or a comment — recorded for the tools that split a file at every `;` byte
//! (golang-migrate's `x-multi-statement`): there the statement reaches the server cut in two.

use super::safety::Action;
use super::{Replay, Stmt};
use crate::sql::lex::{TokenKind, tokenize};

impl Replay<'_> {
    /// Records the first `;` of the statement that lies inside a token, if any.
    pub(super) fn inner_semicolon(&mut self, stmt: Stmt<'_>) {
        // Most statements hold no `;` but their last: a byte search rules them out unlexed.
        let body = stmt.text.trim_end().trim_end_matches(';');
        if !body.contains(';') {
            return;
        }
        let text = stmt.text;
        let Some((what, at)) = tokenize(text).find_map(|t| {
            let token = t.text(text);
            let what = match t.kind {
                TokenKind::String => "string literal",
                TokenKind::DollarString => "dollar-quoted body",
                TokenKind::QuotedIdent => "quoted identifier",
                // A `;` followed by nothing but the comment's end leaves an empty piece and a
                // piece starting at the next line: both run.
                TokenKind::LineComment if token[token.find(';')? + 1..].trim().is_empty() => {
                    return None;
                }
                TokenKind::LineComment | TokenKind::BlockComment => "comment",
                _ => return None,
            };
            token.find(';').map(|i| (what, t.start + i))
        }) else {
            return;
        };
        let location = super::Stmt::origin(&stmt, at..at + 1);
        self.safety_event(location, stmt.file, None, Action::InnerSemicolon { what });
    }
}
