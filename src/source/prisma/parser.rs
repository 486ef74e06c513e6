//! The syntax tree of a Prisma schema file and its recursive-descent parser.
//!
//! The tree keeps every block, field, attribute and argument with its byte span, and
//! interprets nothing: what a `@db.VarChar(120)` or a `@@index` means is decided when the
//! tree is mapped to the schema model, so that the parser accepts every block kind and
//! attribute Prisma has (and ones it will add) and only the mapping decides what is unsupported.

use std::ops::Range;

use super::SyntaxError;
use super::lexer::{Token, TokenKind, tokenize};

/// A parsed schema file: its top-level blocks in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// `model`, `view`, `enum`, `type`, `datasource` and `generator` blocks.
    pub blocks: Vec<Block>,
}

/// A top-level block such as `model User { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The keyword before the name (`model`, `enum`, `datasource`, …).
    pub keyword: String,
    /// The block's name.
    pub name: String,
    /// Fields (models, views, composite types) or values (enums), in order.
    pub members: Vec<Member>,
    /// `key = value` lines (datasource and generator blocks).
    pub properties: Vec<Property>,
    /// Block attributes (`@@map`, `@@index`, …) in order.
    pub attributes: Vec<Attribute>,
    /// The whole block.
    pub span: Range<usize>,
    /// The name.
    pub name_span: Range<usize>,
}

/// A field of a model (`email String? @unique`) or a value of an enum (`ADMIN @map("admin")`).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The field or value name.
    pub name: String,
    /// The type; `None` for enum values.
    pub field_type: Option<FieldType>,
    /// Field attributes in order.
    pub attributes: Vec<Attribute>,
    /// The whole member, from its name to its last attribute.
    pub span: Range<usize>,
}

/// A field's type and arity.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldType {
    /// The type name (`String`, a model or enum name, or `Unsupported`).
    pub name: String,
    /// For `Unsupported("point")`: the database type as written.
    pub unsupported: Option<String>,
    /// Required, optional (`?`) or list (`[]`).
    pub arity: Arity,
}

/// Whether a field is required, optional or a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// No suffix.
    Required,
    /// `?`.
    Optional,
    /// `[]`.
    List,
}

/// A `key = value` line of a datasource or generator.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    /// The key.
    pub name: String,
    /// The value.
    pub value: Expr,
    /// The whole line.
    pub span: Range<usize>,
}

/// An attribute: `@id`, `@db.VarChar(120)`, `@@index([a, b], type: Gin)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The name without `@`/`@@`, dotted parts joined (`db.VarChar`).
    pub name: String,
    /// The arguments; empty without parentheses.
    pub args: Vec<Arg>,
    /// From the `@` to the closing parenthesis.
    pub span: Range<usize>,
}

/// An argument, positional or named (`map: "x"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The name of a named argument.
    pub name: Option<String>,
    /// The value.
    pub value: Expr,
    /// The whole argument.
    pub span: Range<usize>,
}

/// A value: a string, a number, a constant or name, an array, or a function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of value.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Range<usize>,
}

/// The kinds of values.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `"text"`, escapes resolved.
    Str(String),
    /// `42`, `-1`, `0.5`.
    Number(String),
    /// `true`, `Cascade`, `USER`, a field name; dotted paths joined (`a.b`).
    Ident(String),
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// `{ key: value, … }` (Prisma 7's object form of an index `where`).
    Object(Vec<Arg>),
    /// `now()`, `env("URL")`, `email(ops: raw("x"), sort: Desc)`.
    Call {
        /// The function (or field) name.
        name: String,
        /// Its arguments.
        args: Vec<Arg>,
    },
}

impl Expr {
    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name of a constant or the function name of a call.
    pub fn name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Ident(s) | ExprKind::Call { name: s, .. } => Some(s),
            _ => None,
        }
    }
}

impl Attribute {
    /// The argument with this name, or else the positional argument at `position`.
    pub fn arg(&self, name: &str, position: Option<usize>) -> Option<&Expr> {
        if let Some(named) = self.args.iter().find(|a| a.name.as_deref() == Some(name)) {
            return Some(&named.value);
        }
        let position = position?;
        self.args
            .iter()
            .filter(|a| a.name.is_none())
            .nth(position)
            .map(|a| &a.value)
    }
}

/// Parses one schema file.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let tokens = tokenize(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
    };
    let mut doc = Document::default();
    while !p.at_end() {
        doc.blocks.push(p.block()?);
    }
    Ok(doc)
}

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
}

/// The block keywords whose bodies are `key = value` lines.
const PROPERTY_BLOCKS: &[&str] = &["datasource", "generator"];

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn peek_punct(&self, c: char) -> bool {
        self.peek() == Some(&TokenKind::Punct(c))
    }

    /// Where the next token starts (the end of the text at the end).
    fn here(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.text.len(), |t| t.span.start)
    }

    /// Where the previous token ended.
    fn last_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        let found = match self.peek() {
            None => "the end of the file".to_string(),
            Some(TokenKind::Ident(s)) => format!("`{s}`"),
            Some(TokenKind::Str(_)) => "a string".to_string(),
            Some(TokenKind::Number(n)) => format!("`{n}`"),
            Some(TokenKind::Punct(c)) => format!("`{c}`"),
            Some(TokenKind::At) => "`@`".to_string(),
            Some(TokenKind::AtAt) => "`@@`".to_string(),
        };
        SyntaxError::at(
            self.text,
            self.here(),
            format!("{}, found {found}", message.into()),
        )
    }

    fn expect_punct(&mut self, c: char) -> Result<(), SyntaxError> {
        if self.peek_punct(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}`")))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, Range<usize>), SyntaxError> {
        match self.tokens.get(self.pos) {
            Some(Token {
                kind: TokenKind::Ident(s),
                span,
            }) => {
                let out = (s.clone(), span.clone());
                self.pos += 1;
                Ok(out)
            }
            _ => Err(self.error(format!("expected {what}"))),
        }
    }

    /// An identifier with optional `.part`s (`db.VarChar`, `a.b`).
    fn dotted(&mut self, what: &str) -> Result<String, SyntaxError> {
        let (mut name, _) = self.ident(what)?;
        while self.peek_punct('.') {
            self.pos += 1;
            let (part, _) = self.ident("a name after `.`")?;
            name.push('.');
            name.push_str(&part);
        }
        Ok(name)
    }

    fn block(&mut self) -> Result<Block, SyntaxError> {
        let start = self.here();
        let (keyword, _) = self.ident("a block (`model`, `enum`, `datasource`, …)")?;
        let (name, name_span) = self.ident(&format!("the name of the {keyword}"))?;
        self.expect_punct('{')?;
        let mut block = Block {
            keyword,
            name,
            members: Vec::new(),
            properties: Vec::new(),
            attributes: Vec::new(),
            span: start..start,
            name_span,
        };
        let properties = PROPERTY_BLOCKS.contains(&block.keyword.as_str());
        loop {
            match self.peek() {
                Some(TokenKind::Punct('}')) => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.error(format!("expected `}}` to close `{}`", block.name))),
                Some(TokenKind::AtAt) => {
                    let attribute = self.attribute()?;
                    block.attributes.push(attribute);
                }
                Some(TokenKind::Ident(_)) if properties => {
                    let property = self.property()?;
                    block.properties.push(property);
                }
                Some(TokenKind::Ident(_)) => {
                    let member = self.member(block.keyword == "enum")?;
                    block.members.push(member);
                }
                _ => return Err(self.error("expected a field, `@@attribute` or `}`")),
            }
        }
        block.span = start..self.last_end();
        Ok(block)
    }

    fn property(&mut self) -> Result<Property, SyntaxError> {
        let start = self.here();
        let (name, _) = self.ident("a property name")?;
        self.expect_punct('=')?;
        let value = self.expr()?;
        Ok(Property {
            name,
            value,
            span: start..self.last_end(),
        })
    }

    fn member(&mut self, enum_value: bool) -> Result<Member, SyntaxError> {
        let start = self.here();
        let (name, _) = self.ident("a field name")?;
        let field_type = if enum_value {
            None
        } else {
            Some(self.field_type(&name)?)
        };
        let mut attributes = Vec::new();
        while self.peek() == Some(&TokenKind::At) {
            attributes.push(self.attribute()?);
        }
        Ok(Member {
            name,
            field_type,
            attributes,
            span: start..self.last_end(),
        })
    }

    fn field_type(&mut self, field: &str) -> Result<FieldType, SyntaxError> {
        let name = self.dotted(&format!("a type for field `{field}`"))?;
        let mut unsupported = None;
        if self.peek_punct('(') {
            self.pos += 1;
            match self.tokens.get(self.pos) {
                Some(Token {
                    kind: TokenKind::Str(s),
                    ..
                }) => {
                    unsupported = Some(s.clone());
                    self.pos += 1;
                }
                _ => return Err(self.error("expected a string such as `Unsupported(\"point\")`")),
            }
            self.expect_punct(')')?;
        }
        let arity = if self.peek_punct('?') {
            self.pos += 1;
            Arity::Optional
        } else if self.peek_punct('[') {
            self.pos += 1;
            self.expect_punct(']')?;
            if self.peek_punct('?') {
                return Err(self.error("a list field cannot also be optional"));
            }
            Arity::List
        } else {
            Arity::Required
        };
        Ok(FieldType {
            name,
            unsupported,
            arity,
        })
    }

    /// `@name` or `@@name`, with optional arguments.
    fn attribute(&mut self) -> Result<Attribute, SyntaxError> {
        let start = self.here();
        self.pos += 1; // `@` or `@@`
        let name = self.dotted("an attribute name")?;
        let args = if self.peek_punct('(') {
            self.args()?
        } else {
            Vec::new()
        };
        Ok(Attribute {
            name,
            args,
            span: start..self.last_end(),
        })
    }

    /// Items separated by commas up to `close` (consumed), a trailing comma allowed; the
    /// opening bracket is already consumed.
    fn separated<T>(
        &mut self,
        close: char,
        within: &str,
        mut item: impl FnMut(&mut Self) -> Result<T, SyntaxError>,
    ) -> Result<Vec<T>, SyntaxError> {
        let mut items = Vec::new();
        while !self.peek_punct(close) {
            items.push(item(self)?);
            if self.peek_punct(',') {
                self.pos += 1;
            } else if !self.peek_punct(close) {
                return Err(self.error(format!("expected `,` or `{close}` in {within}")));
            }
        }
        self.pos += 1;
        Ok(items)
    }

    /// `( arg, name: value, … )`.
    fn args(&mut self) -> Result<Vec<Arg>, SyntaxError> {
        self.expect_punct('(')?;
        self.separated(')', "an argument list", |p| {
            let start = p.here();
            let named = matches!(p.peek(), Some(TokenKind::Ident(_)))
                && p.tokens.get(p.pos + 1).map(|t| &t.kind) == Some(&TokenKind::Punct(':'));
            let name = if named {
                let (n, _) = p.ident("an argument name")?;
                p.pos += 1; // `:`
                Some(n)
            } else {
                None
            };
            let value = p.expr()?;
            Ok(Arg {
                name,
                value,
                span: start..p.last_end(),
            })
        })
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.here();
        let kind = match self.peek().cloned() {
            Some(TokenKind::Str(s)) => {
                self.pos += 1;
                ExprKind::Str(s)
            }
            Some(TokenKind::Number(n)) => {
                self.pos += 1;
                ExprKind::Number(n)
            }
            Some(TokenKind::Punct('[')) => {
                self.pos += 1;
                ExprKind::Array(self.separated(']', "an array", Self::expr)?)
            }
            Some(TokenKind::Punct('{')) => {
                self.pos += 1;
                ExprKind::Object(self.separated('}', "an object", |p| {
                    let start = p.here();
                    let (name, _) = p.ident("a key")?;
                    p.expect_punct(':')?;
                    let value = p.expr()?;
                    Ok(Arg {
                        name: Some(name),
                        value,
                        span: start..p.last_end(),
                    })
                })?)
            }
            Some(TokenKind::Ident(_)) => {
                let name = self.dotted("a value")?;
                if self.peek_punct('(') {
                    let args = self.args()?;
                    ExprKind::Call { name, args }
                } else {
                    ExprKind::Ident(name)
                }
            }
            _ => return Err(self.error("expected a value")),
        };
        Ok(Expr {
            kind,
            span: start..self.last_end(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_fields_and_attributes() {
        let doc = parse(
            r#"
/// A user.
model User {
  id    Int     @id @default(autoincrement())
  email String? @unique(map: "u_email") @db.VarChar(255) // trailing comment
  tags  String[]
  loc   Unsupported("point")?

  @@index([email(sort: Desc, ops: raw("text_pattern_ops")), id], type: BTree)
  @@map("users")
}
"#,
        )
        .unwrap();
        let user = &doc.blocks[0];
        assert_eq!(
            (user.keyword.as_str(), user.name.as_str()),
            ("model", "User")
        );
        let names: Vec<&str> = user.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "tags", "loc"]);
        let email = &user.members[1];
        let ty = email.field_type.as_ref().unwrap();
        assert_eq!((ty.name.as_str(), ty.arity), ("String", Arity::Optional));
        assert_eq!(email.attributes[0].name, "unique");
        assert_eq!(
            email.attributes[0]
                .arg("map", Some(0))
                .and_then(Expr::as_str),
            Some("u_email")
        );
        assert_eq!(email.attributes[1].name, "db.VarChar");
        assert_eq!(
            email.attributes[1].args[0].value.kind,
            ExprKind::Number("255".into())
        );
        assert_eq!(
            user.members[2].field_type.as_ref().unwrap().arity,
            Arity::List
        );
        let loc = user.members[3].field_type.as_ref().unwrap();
        assert_eq!(loc.unsupported.as_deref(), Some("point"));
        assert_eq!(loc.arity, Arity::Optional);
        let index = &user.attributes[0];
        assert_eq!(index.name, "index");
        let ExprKind::Array(fields) = &index.args[0].value.kind else {
            panic!("{index:?}")
        };
        let ExprKind::Call { name, args } = &fields[0].kind else {
            panic!("{fields:?}")
        };
        assert_eq!(name, "email");
        assert_eq!(args[0].name.as_deref(), Some("sort"));
        assert_eq!(args[1].value.name(), Some("raw"));
        assert_eq!(fields[1].kind, ExprKind::Ident("id".into()));
        assert_eq!(index.arg("type", None).and_then(Expr::name), Some("BTree"));
        assert_eq!(&user.attributes[1].name, "map");
    }

    #[test]
    fn multi_line_attributes_and_trailing_commas() {
        let doc = parse(
            "model A {\n  a Int\n  b Int\n  @@unique(\n    [a,\n     b],\n    map: \"ab\",\n  )\n}",
        )
        .unwrap();
        let unique = &doc.blocks[0].attributes[0];
        assert_eq!(unique.args.len(), 2);
        assert_eq!(unique.arg("map", None).and_then(Expr::as_str), Some("ab"));
    }

    #[test]
    fn datasource_properties_and_enums() {
        let doc = parse(
            r#"datasource db {
  provider   = "postgresql"
  url        = env("DATABASE_URL")
  extensions = [pg_trgm, pgcrypto(schema: "ext", map: "pgcrypto")]
}
enum Role {
  USER
  ADMIN @map("admin")
  @@map("role")
}"#,
        )
        .unwrap();
        let ds = &doc.blocks[0];
        assert_eq!(ds.properties.len(), 3);
        assert_eq!(ds.properties[1].value.name(), Some("env"));
        let ExprKind::Array(ext) = &ds.properties[2].value.kind else {
            panic!()
        };
        assert_eq!(ext[1].name(), Some("pgcrypto"));
        let role = &doc.blocks[1];
        assert_eq!(role.members.len(), 2);
        assert!(role.members[0].field_type.is_none());
        assert_eq!(role.members[1].attributes[0].name, "map");
        assert_eq!(role.attributes[0].name, "map");
    }

    #[test]
    fn objects_as_values() {
        let doc =
            parse("model A {\n  a Int\n  @@index([a], where: { a: 1, b: \"x\" })\n}").unwrap();
        let ExprKind::Object(entries) = &doc.blocks[0].attributes[0].args[1].value.kind else {
            panic!("{doc:?}")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].name.as_deref(), Some("b"));
        let e = parse("model A {\n  @@index([a], where: { a 1 })\n}").unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 27, "expected `:`, found `1`")
        );
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "model A {\n  id Int @id\n}\n";
        let doc = parse(text).unwrap();
        let a = &doc.blocks[0];
        assert_eq!(&text[a.span.clone()], "model A {\n  id Int @id\n}");
        assert_eq!(&text[a.members[0].span.clone()], "id Int @id");
        assert_eq!(&text[a.name_span.clone()], "A");
    }

    #[test]
    fn bad_input_is_an_error_with_a_position() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "model A {\n  id Int @id\n",
                (3, 1),
                "expected `}` to close `A`",
            ),
            ("model {\n}", (1, 7), "expected the name of the model"),
            (
                "model A {\n  id\n}",
                (3, 1),
                "expected a type for field `id`",
            ),
            (
                "model A {\n  a Int[]?\n}",
                (2, 10),
                "cannot also be optional",
            ),
            (
                "model A {\n  a Int @default(1 2)\n}",
                (2, 20),
                "expected `,` or `)`",
            ),
            (
                "model A {\n  a Int @\n}",
                (3, 1),
                "expected an attribute name",
            ),
            ("datasource db {\n  url env\n}", (2, 7), "expected `=`"),
            (
                "model A {\n  @@index([a b])\n}",
                (2, 14),
                "expected `,` or `]`",
            ),
            (
                "model A {\n  a Int @default(=)\n}",
                (2, 18),
                "expected a value",
            ),
            (
                "model A {\n  a Unsupported(1)\n}",
                (2, 17),
                "expected a string",
            ),
            ("model A { a Int } }", (1, 19), "expected a block"),
        ];
        for (text, position, message) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!((e.line, e.column), *position, "{text:?}: {e}");
            assert!(e.message.contains(message), "{text:?}: {e}");
        }
    }

    #[test]
    fn nothing_is_panicking_on_truncated_input() {
        let text = r#"model A { id Int @id @default(dbgenerated("x")) @@index([id(sort: Desc)], map: "i") }"#;
        for end in 0..text.len() {
            let _ = parse(&text[..end]);
        }
    }
}
