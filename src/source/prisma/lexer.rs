//! Tokens of the Prisma Schema Language.
//!
//! Newlines carry no meaning for the parser: every field and enum value starts with an
//! identifier and every attribute with `@`, so a token stream is enough to find where one ends.
//! Comments (`//` and `///`) are dropped.

use std::ops::Range;

use super::SyntaxError;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// A name: `model`, `User`, `db`, `autoincrement` (letters, digits, `_` and `-`).
    Ident(String),
    /// A quoted string, escapes resolved.
    Str(String),
    /// A number as written (`42`, `-1`, `0.5`).
    Number(String),
    /// A punctuation character: `{ } ( ) [ ] , : = ? .`
    Punct(char),
    /// `@` (field attribute) .
    At,
    /// `@@` (block attribute).
    AtAt,
}

/// A token and its byte range in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Range<usize>,
}

/// Splits a schema file into tokens; an unterminated string or a stray character is an error
/// at its position.
pub fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            // U+FEFF byte order mark at the start of a file.
            0xEF if text[i..].starts_with('\u{feff}') => i += 3,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                let (value, end) = string(text, i)?;
                tokens.push(Token {
                    kind: TokenKind::Str(value),
                    span: start..end,
                });
                i = end;
            }
            b'@' => {
                if bytes.get(i + 1) == Some(&b'@') {
                    i += 2;
                    tokens.push(Token {
                        kind: TokenKind::AtAt,
                        span: start..i,
                    });
                } else {
                    i += 1;
                    tokens.push(Token {
                        kind: TokenKind::At,
                        span: start..i,
                    });
                }
            }
            b'{' | b'}' | b'(' | b')' | b'[' | b']' | b',' | b':' | b'=' | b'?' | b'.' => {
                i += 1;
                tokens.push(Token {
                    kind: TokenKind::Punct(c as char),
                    span: start..i,
                });
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                let number = &text[start..i];
                if number == "-" || number.ends_with('.') {
                    return Err(SyntaxError::at(text, start, "malformed number"));
                }
                tokens.push(Token {
                    kind: TokenKind::Number(number.to_string()),
                    span: start..i,
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                tokens.push(Token {
                    kind: TokenKind::Ident(text[start..i].to_string()),
                    span: start..i,
                });
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(SyntaxError::at(
                    text,
                    start,
                    format!("unexpected character `{ch}`"),
                ));
            }
        }
    }
    Ok(tokens)
}

/// Reads the string starting at the quote at `start`: its value and the offset after the
/// closing quote. Strings end at the line's end, as in Prisma's grammar.
fn string(text: &str, start: usize) -> Result<(String, usize), SyntaxError> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        let at = start + 1 + offset;
        match c {
            '"' => return Ok((value, at + 1)),
            '\n' => break,
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    break;
                };
                match escaped {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0' => value.push('\0'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                        let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        match decoded {
                            Some(ch) if hex.len() == 4 => value.push(ch),
                            _ => {
                                return Err(SyntaxError::at(
                                    text,
                                    at,
                                    "invalid \\u escape: expected four hex digits",
                                ));
                            }
                        }
                    }
                    // `\"`, `\\` and any other escaped character stand for themselves.
                    other => value.push(other),
                }
            }
            other => value.push(other),
        }
    }
    Err(SyntaxError::at(text, start, "unterminated string"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn comments_are_dropped_and_attributes_split() {
        let k = kinds("/// doc\nid Int @id // note\n@@map(\"x\")");
        assert_eq!(
            k,
            vec![
                TokenKind::Ident("id".into()),
                TokenKind::Ident("Int".into()),
                TokenKind::At,
                TokenKind::Ident("id".into()),
                TokenKind::AtAt,
                TokenKind::Ident("map".into()),
                TokenKind::Punct('('),
                TokenKind::Str("x".into()),
                TokenKind::Punct(')'),
            ]
        );
    }

    #[test]
    fn strings_resolve_escapes() {
        assert_eq!(
            kinds(r#""{\"a\": 1}\\n\t\u00e9""#),
            vec![TokenKind::Str("{\"a\": 1}\\n\t\u{e9}".into())]
        );
        // `//` inside a string is not a comment.
        assert_eq!(
            kinds(r#""http://x" y"#),
            vec![
                TokenKind::Str("http://x".into()),
                TokenKind::Ident("y".into())
            ]
        );
    }

    #[test]
    fn numbers_keep_their_sign_and_fraction() {
        assert_eq!(
            kinds("-1 0.5 42"),
            vec![
                TokenKind::Number("-1".into()),
                TokenKind::Number("0.5".into()),
                TokenKind::Number("42".into())
            ]
        );
    }

    #[test]
    fn errors_have_a_position() {
        let e = tokenize("model A {\n  a String @default(\"x)\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 21));
        assert!(e.message.contains("unterminated string"), "{e}");
        let e = tokenize("model A {\n  a Int # nope\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 9));
        let e = tokenize("x \"\\u12\"").unwrap_err();
        assert!(e.message.contains("\\u escape"), "{e}");
        assert!(tokenize("a = -").is_err());
        assert!(tokenize("\"ends in a backslash\\").is_err());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(
            kinds("\u{feff}model"),
            vec![TokenKind::Ident("model".into())]
        );
    }
}
