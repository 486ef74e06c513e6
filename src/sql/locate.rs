//! Recovering exact spans of names inside a statement.
//!
//! pg_query gives start offsets for some nodes only: index columns, column lists of constraints
//! and ALTER TABLE subcommands carry none. A finding must still underline the wrong name, so
//! names are found among the statement's own tokens, searching from a known anchor.

use std::ops::Range;

use super::lex::{Token, TokenKind, ident_value, tokenize};

/// The tokens of one statement, with trivia removed, for repeated searches.
pub struct StatementTokens<'a> {
    text: &'a str,
    tokens: Vec<Token>,
}

impl<'a> StatementTokens<'a> {
    /// Tokenises a statement's text.
    pub fn new(text: &'a str) -> Self {
        let tokens = tokenize(text).filter(|t| !t.kind.is_trivia()).collect();
        StatementTokens { text, tokens }
    }

    fn is_name(t: &Token) -> bool {
        matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent)
    }

    /// The index of the first token that starts at or after `offset`.
    fn first_at(&self, offset: usize) -> usize {
        self.tokens.partition_point(|t| t.start < offset)
    }

    /// The span of the first identifier equal to `name` (after folding) at or after `from`.
    pub fn find_name(&self, name: &str, from: usize) -> Option<Range<usize>> {
        self.tokens[self.first_at(from)..]
            .iter()
            .find(|t| Self::is_name(t) && ident_value(t, self.text) == name)
            .map(|t| t.start..t.end)
    }

    /// The end offset of the first keyword `word` (case-insensitive) at or after `from`.
    pub fn find_keyword(&self, word: &str, from: usize) -> Option<usize> {
        self.tokens[self.first_at(from)..]
            .iter()
            .find(|t| t.kind == TokenKind::Ident && t.text(self.text).eq_ignore_ascii_case(word))
            .map(|t| t.end)
    }

    /// The end offset of the first `(` at or after `from`.
    pub fn find_open_paren(&self, from: usize) -> Option<usize> {
        self.tokens[self.first_at(from)..]
            .iter()
            .find(|t| t.kind == TokenKind::LParen)
            .map(|t| t.end)
    }

    /// The span of the (possibly qualified) name that starts at `offset`, e.g. `public.users`.
    pub fn qualified_name_at(&self, offset: usize) -> Option<Range<usize>> {
        let i = self.first_at(offset);
        let first = self.tokens.get(i).filter(|t| Self::is_name(t))?;
        let mut end = first.end;
        let mut j = i + 1;
        while let (Some(dot), Some(next)) = (self.tokens.get(j), self.tokens.get(j + 1)) {
            if dot.kind != TokenKind::Dot || !Self::is_name(next) {
                break;
            }
            end = next.end;
            j += 2;
        }
        Some(first.start..end)
    }

    /// The span of the identifier token starting exactly at `offset`, if any.
    pub fn name_at(&self, offset: usize) -> Option<Range<usize>> {
        let t = self.tokens.get(self.first_at(offset))?;
        (t.start == offset && Self::is_name(t)).then_some(t.start..t.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_index_columns_after_the_table() {
        let sql = "CREATE INDEX idx_expires ON auth_sessions (user_id, \"expires_at\" DESC)";
        let toks = StatementTokens::new(sql);
        let open = toks.find_open_paren(0).unwrap();
        let span = toks.find_name("expires_at", open).unwrap();
        assert_eq!(&sql[span], "\"expires_at\"");
        assert!(toks.find_name("missing", 0).is_none());
    }

    #[test]
    fn folds_unquoted_names() {
        let sql = "create index on T (Email) include (Name)";
        let toks = StatementTokens::new(sql);
        let inc = toks.find_keyword("include", 0).unwrap();
        assert_eq!(&sql[toks.find_name("name", inc).unwrap()], "Name");
        assert_eq!(&sql[toks.find_name("email", 0).unwrap()], "Email");
    }

    #[test]
    fn qualified_names() {
        let sql = "ALTER TABLE billing . invoices ADD x int";
        let toks = StatementTokens::new(sql);
        assert_eq!(
            &sql[toks.qualified_name_at(12).unwrap()],
            "billing . invoices"
        );
    }
}
