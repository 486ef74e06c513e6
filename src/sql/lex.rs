//! A total, linear-time PostgreSQL lexer.
//!
//! The splitter ([`super::split`]) runs on this lexer rather than on `pg_query::scan_tokens`:
//! the C scanner fails on the whole input at the first lexical error (an unterminated quote),
//! rejects NUL bytes and costs an FFI copy. This lexer never fails and never panics on any
//! `&str`: every byte of the input belongs to exactly one token, tokens are contiguous and in
//! order, and every token boundary is a `char` boundary. It runs in linear time without
//! recursion.
//!
//! It follows PostgreSQL's `scan.l` (with `standard_conforming_strings = on`):
//!
//! * identifiers start with a letter, `_` or any non-ASCII character and continue with those,
//!   digits and `$` (so `foo$bar` and `foo$$` are identifiers); keywords are [`TokenKind::Ident`];
//! * `"..."` (with `""`) and `U&"..."` are [`TokenKind::QuotedIdent`];
//! * `'...'` (with `''`), `E'...'` (also backslash escapes), `B'...'`, `X'...'`, `N'...'` and
//!   `U&'...'` are [`TokenKind::String`]; adjacent string literals separated by a newline are
//!   *not* merged;
//! * `$$...$$` and `$tag$...$tag$` (the tag is an identifier without `$`) are
//!   [`TokenKind::DollarString`]; `$1` is a [`TokenKind::Param`]; any other `$` is
//!   [`TokenKind::Other`];
//! * numbers: `42`, `1_000`, `1.5`, `1.`, `.5`, `1.5e10`, `1e-3`, `0x1F`, `0o17`, `0b101`
//!   (`1..2` lexes as `1`, `.`, `.`, `2`);
//! * an operator is a run of `+ - * / < > = ~ ! @ # % ^ & | ` ?` that stops before `--` or
//!   `/*`, and loses trailing `+`/`-` as PostgreSQL does (`=-` is `=` then `-`) unless it
//!   contains one of `~ ! @ # ^ & | ` ? %`;
//! * `::` (type cast) and `:=` are single [`TokenKind::Operator`] tokens; a lone `:` is
//!   [`TokenKind::Colon`];
//! * `-- ...` runs to the end of the line, excluding the `\n` / `\r`; `/* ... */` nests;
//! * whitespace is ` \t\n\r\f\v`; a byte order mark at offset 0 is also [`TokenKind::Whitespace`];
//! * an unterminated string, quoted identifier, dollar string or block comment is one
//!   [`TokenKind::Unterminated`] token running to the end of the input;
//! * anything else (a backslash, `{`, a NUL byte, ...) is a one-character [`TokenKind::Other`].

use std::borrow::Cow;

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An unquoted identifier or keyword (keywords are not distinguished).
    Ident,
    /// `"..."` with `""` escapes, also `U&"..."`.
    QuotedIdent,
    /// `'...'`, `E'...'`, `B'...'`, `X'...'`, `N'...'`, `U&'...'`.
    String,
    /// `$$...$$` or `$tag$...$tag$`.
    DollarString,
    /// A numeric literal.
    Number,
    /// A positional parameter, `$1`.
    Param,
    /// A run of operator characters; also `::` and `:=`.
    Operator,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// `.`
    Dot,
    /// A lone `:` (`::` and `:=` are [`TokenKind::Operator`]).
    Colon,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `-- ...` up to, excluding, the end of the line.
    LineComment,
    /// `/* ... */`, nesting as in PostgreSQL.
    BlockComment,
    /// Spaces, tabs, newlines, form feeds, vertical tabs; a BOM at offset 0.
    Whitespace,
    /// An unterminated string, quoted identifier, dollar string or block comment: runs to the
    /// end of the input.
    Unterminated,
    /// Any other single character (a backslash, `{`, `}`, a NUL byte, ...).
    Other,
}

impl TokenKind {
    /// Whitespace and comments: everything that is not part of a statement's text.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

/// A token: its kind and its byte range `start..end` in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `src` (the input it was lexed from); empty if out of range.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// Lex `text`. The iterator covers the input completely with contiguous, non-empty tokens.
pub fn tokenize(text: &str) -> Lexer<'_> {
    Lexer { src: text, pos: 0 }
}

/// Fold an identifier token's text as PostgreSQL does: an unquoted identifier is lowercased
/// (ASCII only, as PostgreSQL does for multi-byte encodings); a quoted identifier loses its
/// quotes (and a `U&` prefix) and `""` becomes `"` (`U&` escapes are left unprocessed).
/// No truncation to 63 bytes happens here. Any other token's text is returned unchanged.
pub fn ident_value<'a>(tok: &Token, src: &'a str) -> Cow<'a, str> {
    let text = tok.text(src);
    match tok.kind {
        TokenKind::Ident => {
            if text.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(text.to_ascii_lowercase())
            } else {
                Cow::Borrowed(text)
            }
        }
        TokenKind::QuotedIdent => {
            let inner = text
                .strip_prefix("U&")
                .or_else(|| text.strip_prefix("u&"))
                .unwrap_or(text);
            let inner = inner.strip_prefix('"').unwrap_or(inner);
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            if inner.contains("\"\"") {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            }
        }
        _ => Cow::Borrowed(text),
    }
}

/// The lexer: an iterator of [`Token`]s. Cheap to clone (for lookahead).
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// The byte offset of the next token.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Continue lexing at byte offset `pos` (moved forward to a `char` boundary, clamped to the
    /// end of the input). Used to skip text that must not be lexed (psql meta-commands,
    /// `COPY ... FROM stdin` data).
    pub fn skip_to(&mut self, pos: usize) {
        let mut pos = pos.min(self.src.len());
        while !self.src.is_char_boundary(pos) {
            pos += 1;
        }
        self.pos = pos;
    }

    /// A lexer over `src` that starts at `pos` (see [`Lexer::skip_to`]).
    pub fn starting_at(src: &'a str, pos: usize) -> Self {
        let mut lexer = Lexer { src, pos: 0 };
        lexer.skip_to(pos);
        lexer
    }

    /// The kind and end of the token starting at `pos` (`pos < len`). Always `end > pos`.
    fn lex(&self, pos: usize) -> (TokenKind, usize) {
        let b = self.src.as_bytes();
        let len = b.len();
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let c = b[pos];
        let next = at(pos + 1);
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                let mut i = pos + 1;
                while i < len && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                    i += 1;
                }
                (TokenKind::Whitespace, i)
            }
            b'-' if next == b'-' => {
                let end = b[pos..]
                    .iter()
                    .position(|&x| x == b'\n' || x == b'\r')
                    .map_or(len, |i| pos + i);
                (TokenKind::LineComment, end)
            }
            b'/' if next == b'*' => block_comment(b, pos),
            b'\'' => quoted(b, pos + 1, b'\'', false, TokenKind::String),
            b'"' => quoted(b, pos + 1, b'"', false, TokenKind::QuotedIdent),
            b'e' | b'E' if next == b'\'' => quoted(b, pos + 2, b'\'', true, TokenKind::String),
            b'b' | b'B' | b'x' | b'X' | b'n' | b'N' if next == b'\'' => {
                quoted(b, pos + 2, b'\'', false, TokenKind::String)
            }
            b'u' | b'U' if next == b'&' && at(pos + 2) == b'\'' => {
                quoted(b, pos + 3, b'\'', false, TokenKind::String)
            }
            b'u' | b'U' if next == b'&' && at(pos + 2) == b'"' => {
                quoted(b, pos + 3, b'"', false, TokenKind::QuotedIdent)
            }
            b'$' => self.dollar(pos),
            b'0'..=b'9' => (TokenKind::Number, number(b, pos)),
            b'.' if next.is_ascii_digit() => (TokenKind::Number, number(b, pos)),
            b'.' => (TokenKind::Dot, pos + 1),
            b'(' => (TokenKind::LParen, pos + 1),
            b')' => (TokenKind::RParen, pos + 1),
            b',' => (TokenKind::Comma, pos + 1),
            b';' => (TokenKind::Semicolon, pos + 1),
            b'[' => (TokenKind::LBracket, pos + 1),
            b']' => (TokenKind::RBracket, pos + 1),
            b':' if next == b':' || next == b'=' => (TokenKind::Operator, pos + 2),
            b':' => (TokenKind::Colon, pos + 1),
            _ if is_op_char(c) => (TokenKind::Operator, operator(b, pos)),
            _ if pos == 0 && self.src.starts_with('\u{feff}') => (TokenKind::Whitespace, 3),
            _ if is_ident_start(c) => {
                let mut i = pos + 1;
                while i < len && is_ident_cont(b[i]) {
                    i += 1;
                }
                (TokenKind::Ident, i)
            }
            _ => {
                // ASCII here (non-ASCII starts an identifier), but stay safe.
                let n = self.src[pos..].chars().next().map_or(1, char::len_utf8);
                (TokenKind::Other, pos + n)
            }
        }
    }

    /// `$1`, `$$...$$`, `$tag$...$tag$`, or a lone `$`.
    fn dollar(&self, pos: usize) -> (TokenKind, usize) {
        let b = self.src.as_bytes();
        let len = b.len();
        let next = b.get(pos + 1).copied().unwrap_or(0);
        if next.is_ascii_digit() {
            let mut i = pos + 1;
            while i < len && b[i].is_ascii_digit() {
                i += 1;
            }
            return (TokenKind::Param, i);
        }
        let tag_end = if next == b'$' {
            pos + 2
        } else if is_ident_start(next) {
            let mut i = pos + 2;
            while i < len && (is_ident_start(b[i]) || b[i].is_ascii_digit()) {
                i += 1;
            }
            if i < len && b[i] == b'$' {
                i + 1
            } else {
                return (TokenKind::Other, pos + 1);
            }
        } else {
            return (TokenKind::Other, pos + 1);
        };
        let tag = &self.src[pos..tag_end];
        match self.src[tag_end..].find(tag) {
            Some(i) => (TokenKind::DollarString, tag_end + i + tag.len()),
            None => (TokenKind::Unterminated, len),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let (kind, end) = self.lex(start);
        // `lex` always progresses and ends on a char boundary; be defensive anyway.
        let mut end = end.clamp(start + 1, self.src.len());
        while !self.src.is_char_boundary(end) {
            end += 1;
        }
        self.pos = end;
        Some(Token { kind, start, end })
    }
}

impl std::iter::FusedIterator for Lexer<'_> {}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn is_op_char(b: u8) -> bool {
    matches!(
        b,
        b'~' | b'!'
            | b'@'
            | b'#'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'<'
            | b'>'
            | b'='
    )
}

/// A quoted literal whose body starts at `i` (after the opening quote). `q` doubled is an
/// escaped quote; with `backslash`, a backslash escapes the next byte.
fn quoted(b: &[u8], mut i: usize, q: u8, backslash: bool, kind: TokenKind) -> (TokenKind, usize) {
    let len = b.len();
    while i < len {
        let c = b[i];
        if c == q {
            if i + 1 < len && b[i + 1] == q {
                i += 2;
            } else {
                return (kind, i + 1);
            }
        } else if backslash && c == b'\\' {
            // Skipping one byte is safe: the byte after may start a multi-byte char, whose
            // continuation bytes are never a quote or a backslash.
            i += 2;
        } else {
            i += 1;
        }
    }
    (TokenKind::Unterminated, len)
}

/// A nested block comment starting at `pos` (`/*`).
fn block_comment(b: &[u8], pos: usize) -> (TokenKind, usize) {
    let len = b.len();
    let mut depth = 1usize;
    let mut i = pos + 2;
    while i < len {
        match (b[i], b.get(i + 1).copied()) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return (TokenKind::BlockComment, i);
                }
            }
            _ => i += 1,
        }
    }
    (TokenKind::Unterminated, len)
}

/// `digit (_? digit)*` starting at `i`, which must be a digit.
fn decinteger(b: &[u8], mut i: usize) -> usize {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    while digit(i) || (b.get(i) == Some(&b'_') && digit(i + 1)) {
        i += if digit(i) { 1 } else { 2 };
    }
    i
}

/// A number starting at `pos` (a digit, or `.` followed by a digit).
fn number(b: &[u8], pos: usize) -> usize {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    if at(pos) == b'0' {
        let radix: Option<fn(&u8) -> bool> = match at(pos + 1) {
            b'x' | b'X' => Some(u8::is_ascii_hexdigit),
            b'o' | b'O' => Some(|c: &u8| (b'0'..=b'7').contains(c)),
            b'b' | b'B' => Some(|c: &u8| *c == b'0' || *c == b'1'),
            _ => None,
        };
        if let Some(valid) = radix {
            let ok = |i: usize| b.get(i).is_some_and(valid);
            let mut i = pos + 2;
            while ok(i) || (at(i) == b'_' && ok(i + 1)) {
                i += if ok(i) { 1 } else { 2 };
            }
            if i > pos + 2 {
                return i;
            }
        }
    }
    let mut i = if at(pos) == b'.' {
        pos
    } else {
        decinteger(b, pos)
    };
    if at(i) == b'.' && at(i + 1) != b'.' {
        i += 1;
        if at(i).is_ascii_digit() {
            i = decinteger(b, i);
        }
    }
    if matches!(at(i), b'e' | b'E') {
        let mut j = i + 1;
        if matches!(at(j), b'+' | b'-') {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            i = decinteger(b, j);
        }
    }
    i
}

/// An operator run starting at `pos` (an operator char that does not start a comment).
fn operator(b: &[u8], pos: usize) -> usize {
    let len = b.len();
    let mut end = pos + 1;
    while end < len && is_op_char(b[end]) {
        let next = b.get(end + 1).copied();
        if (b[end] == b'-' && next == Some(b'-')) || (b[end] == b'/' && next == Some(b'*')) {
            break;
        }
        end += 1;
    }
    let run = &b[pos..end];
    if run.len() > 1
        && matches!(run[run.len() - 1], b'+' | b'-')
        && !run.iter().any(|c| b"~!@#^&|`?%".contains(c))
    {
        while end - pos > 1 && matches!(b[end - 1], b'+' | b'-') {
            end -= 1;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::TokenKind::*;
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .filter(|t| t.kind != Whitespace)
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    fn check_cover(src: &str) {
        let mut pos = 0;
        for t in tokenize(src) {
            assert_eq!(t.start, pos, "contiguous in {src:?}");
            assert!(t.end > t.start, "non-empty in {src:?}");
            assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
            pos = t.end;
        }
        assert_eq!(pos, src.len(), "covers {src:?}");
    }

    #[test]
    fn identifiers_and_keywords() {
        assert_eq!(
            kinds("SELECT foo$bar, _x1, été, a$$ FROM t"),
            vec![
                (Ident, "SELECT"),
                (Ident, "foo$bar"),
                (Comma, ","),
                (Ident, "_x1"),
                (Comma, ","),
                (Ident, "été"),
                (Comma, ","),
                (Ident, "a$$"),
                (Ident, "FROM"),
                (Ident, "t"),
            ]
        );
    }

    #[test]
    fn quoted_identifiers() {
        assert_eq!(
            kinds(r#""a""b" U&"d\0061t" "x"#),
            vec![
                (QuotedIdent, r#""a""b""#),
                (QuotedIdent, r#"U&"d\0061t""#),
                (Unterminated, r#""x"#),
            ]
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            kinds(r"'a''b' E'\';' e'\\' B'01' X'1F' N'n' U&'u' 'x'"),
            vec![
                (String, "'a''b'"),
                (String, r"E'\';'"),
                (String, r"e'\\'"),
                (String, "B'01'"),
                (String, "X'1F'"),
                (String, "N'n'"),
                (String, "U&'u'"),
                (String, "'x'"),
            ]
        );
        // A plain string has no backslash escapes.
        assert_eq!(kinds(r"'a\' b"), vec![(String, r"'a\'"), (Ident, "b")]);
        // Adjacent strings are not merged; `ee'x'` is an identifier then a string.
        assert_eq!(
            kinds("'a'\n'b' ee'x'"),
            vec![
                (String, "'a'"),
                (String, "'b'"),
                (Ident, "ee"),
                (String, "'x'")
            ]
        );
        assert_eq!(kinds("E'abc\\"), vec![(Unterminated, "E'abc\\")]);
        assert_eq!(kinds("'it''"), vec![(Unterminated, "'it''")]);
    }

    #[test]
    fn dollar_quotes_and_params() {
        assert_eq!(
            kinds("$$a;'b$$ $body$ x $$ y $body$ $_x$z$_x$ $1 $23 $ $a"),
            vec![
                (DollarString, "$$a;'b$$"),
                (DollarString, "$body$ x $$ y $body$"),
                (DollarString, "$_x$z$_x$"),
                (Param, "$1"),
                (Param, "$23"),
                (Other, "$"),
                (Other, "$"),
                (Ident, "a"),
            ]
        );
        assert_eq!(kinds("$a$ x $b$"), vec![(Unterminated, "$a$ x $b$")]);
        assert_eq!(kinds("$é$x$é$"), vec![(DollarString, "$é$x$é$")]);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("1 1.5e10 .5 0x1F 1_000 1. 1e-3 0o17 0b101 1..2 1.5.6 0x"),
            vec![
                (Number, "1"),
                (Number, "1.5e10"),
                (Number, ".5"),
                (Number, "0x1F"),
                (Number, "1_000"),
                (Number, "1."),
                (Number, "1e-3"),
                (Number, "0o17"),
                (Number, "0b101"),
                (Number, "1"),
                (Dot, "."),
                (Number, ".2"),
                (Number, "1.5"),
                (Number, ".6"),
                (Number, "0"),
                (Ident, "x"),
            ]
        );
        assert_eq!(kinds("1e"), vec![(Number, "1"), (Ident, "e")]);
    }

    #[test]
    fn comments() {
        assert_eq!(
            kinds("a -- x;y\r\nb /* 1 /* 2 */ still */ c /* open /* */"),
            vec![
                (Ident, "a"),
                (LineComment, "-- x;y"),
                (Ident, "b"),
                (BlockComment, "/* 1 /* 2 */ still */"),
                (Ident, "c"),
                (Unterminated, "/* open /* */"),
            ]
        );
        assert_eq!(
            kinds("/**/x/***/"),
            vec![
                (BlockComment, "/**/"),
                (Ident, "x"),
                (BlockComment, "/***/")
            ]
        );
    }

    #[test]
    fn operators_and_punctuation() {
        assert_eq!(
            kinds("a::int <> b >= c *-- x\n d */* y */ e =- 1 @- f ! := => [1]:2 \\ {"),
            vec![
                (Ident, "a"),
                (Operator, "::"),
                (Ident, "int"),
                (Operator, "<>"),
                (Ident, "b"),
                (Operator, ">="),
                (Ident, "c"),
                (Operator, "*"),
                (LineComment, "-- x"),
                (Ident, "d"),
                (Operator, "*"),
                (BlockComment, "/* y */"),
                (Ident, "e"),
                (Operator, "="),
                (Operator, "-"),
                (Number, "1"),
                (Operator, "@-"),
                (Ident, "f"),
                (Operator, "!"),
                (Operator, ":="),
                (Operator, "=>"),
                (LBracket, "["),
                (Number, "1"),
                (RBracket, "]"),
                (Colon, ":"),
                (Number, "2"),
                (Other, "\\"),
                (Other, "{"),
            ]
        );
        assert_eq!(
            kinds("(a.b);"),
            vec![
                (LParen, "("),
                (Ident, "a"),
                (Dot, "."),
                (Ident, "b"),
                (RParen, ")"),
                (Semicolon, ";")
            ]
        );
    }

    #[test]
    fn bom_nul_and_whitespace() {
        let src = "\u{feff}a\0\u{b}\u{c}b";
        let toks: Vec<_> = tokenize(src).map(|t| (t.kind, t.text(src))).collect();
        assert_eq!(
            toks,
            vec![
                (Whitespace, "\u{feff}"),
                (Ident, "a"),
                (Other, "\0"),
                (Whitespace, "\u{b}\u{c}"),
                (Ident, "b"),
            ]
        );
        // A BOM elsewhere is an identifier character, as in PostgreSQL.
        assert_eq!(kinds("a\u{feff}"), vec![(Ident, "a\u{feff}")]);
    }

    #[test]
    fn ident_values() {
        let src = r#"FooBar foo "Foo""Bar" U&"x" 'Str'"#;
        let toks: Vec<_> = tokenize(src).filter(|t| t.kind != Whitespace).collect();
        let vals: Vec<_> = toks.iter().map(|t| ident_value(t, src)).collect();
        assert_eq!(vals, vec!["foobar", "foo", "Foo\"Bar", "x", "'Str'"]);
        assert!(matches!(vals[1], Cow::Borrowed(_)));
        assert!(matches!(vals[3], Cow::Borrowed(_)));
    }

    #[test]
    fn skip_and_start_at() {
        let src = "abc é def";
        let mut lx = Lexer::starting_at(src, 5); // inside `é`: moved to the next boundary
        assert_eq!(lx.position(), 6);
        assert_eq!(lx.next().map(|t| t.text(src)), Some(" "));
        lx.skip_to(100);
        assert_eq!(lx.next(), None);
    }

    /// A tiny deterministic xorshift generator.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn total_on_random_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"ab$1_'\"eEuU&\\-/*;().:e+ \n\r\t\x00xX0";
        for n in 0..3000 {
            let len = (rng.next() % 40) as usize;
            let bytes: Vec<u8> = if n % 2 == 0 {
                (0..len).map(|_| rng.next() as u8).collect()
            } else {
                (0..len)
                    .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                    .collect()
            };
            let src = std::string::String::from_utf8_lossy(&bytes);
            check_cover(&src);
        }
    }

    #[test]
    fn matches_pg_query_on_valid_sql() {
        // Significant token boundaries agree with PostgreSQL's own scanner.
        let src = "CREATE TABLE \"T\"\"x\" (a int4 DEFAULT 1.5e3::numeric, b text \
                   DEFAULT E'it\\'s' || 'x''y', c bytea DEFAULT '\\x00' /* c /* n */ */);\n\
                   -- line\nSELECT $1, $$a$$, $q$b$q$, .5, 0x1F, 1_000, a->>'k', b @> c, \
                   d <-> e, f::int[], g[1:2] FROM u&\"x\" WHERE h !~* 'y' AND i = -1;";
        let ours: Vec<(usize, usize)> = tokenize(src)
            .filter(|t| t.kind != Whitespace)
            .map(|t| (t.start, t.end))
            .collect();
        let theirs: Vec<(usize, usize)> = pg_query::scan(src)
            .unwrap()
            .tokens
            .iter()
            .map(|t| (t.start as usize, t.end as usize))
            .collect();
        assert_eq!(ours, theirs);
    }
}
