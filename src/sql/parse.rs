//! Parsing one statement with PostgreSQL's own grammar (libpg_query).

use std::ffi::{CString, c_char, c_int};

use pg_query::protobuf::Node;

/// What kind of statement a statement is, judged from its first words: only statements that
/// can change the schema are parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementClass {
    /// May change the schema: parse it.
    Schema,
    /// Writes rows (INSERT, UPDATE, DELETE, COPY, MERGE, CALL, a SELECT that calls a function):
    /// never changes the schema, but loads data.
    Data,
    /// Neither: transaction control, grants, comments, analyze …
    Inert,
}

/// Classifies a statement by its first word (and, for SELECT, whether it sets `search_path`).
pub fn classify(text: &str) -> StatementClass {
    let word_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let word = &text[..word_end];
    let is = |w: &str| word.eq_ignore_ascii_case(w);
    if ["insert", "update", "delete", "copy", "merge", "call"]
        .iter()
        .any(|w| is(w))
    {
        return StatementClass::Data;
    }
    if is("select") || is("with") || is("values") {
        // pg_dump writes `SELECT pg_catalog.set_config('search_path', '', false);`.
        // `SELECT … INTO t` creates table `t`.
        if contains_ignore_case(text, "set_config") || (is("select") && selects_into(text)) {
            return StatementClass::Schema;
        }
        return StatementClass::Data;
    }
    const INERT: &[&str] = &[
        "begin",
        "commit",
        "end",
        "rollback",
        "start",
        "savepoint",
        "release",
        "abort",
        "grant",
        "revoke",
        "comment",
        "analyze",
        "analyse",
        "vacuum",
        "lock",
        "notify",
        "listen",
        "unlisten",
        "refresh",
        "cluster",
        "reindex",
        "show",
        "explain",
        "discard",
        "prepare",
        "execute",
        "deallocate",
        "checkpoint",
        "load",
        "security",
        "fetch",
        "move",
        "close",
        "declare",
        "truncate",
    ];
    if INERT.iter().any(|w| is(w)) {
        return StatementClass::Inert;
    }
    StatementClass::Schema
}

/// Whether a SELECT has the word `INTO` other than in `INSERT INTO` / `MERGE INTO` (a data
/// change in a subquery): `SELECT … INTO t` is a CREATE TABLE.
fn selects_into(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case("into")
            && !(i > 0
                && (words[i - 1].eq_ignore_ascii_case("insert")
                    || words[i - 1].eq_ignore_ascii_case("merge")))
    })
}

/// Whether `haystack` contains `needle`, ASCII letters compared without case.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A syntax error, with the byte offset in the statement where PostgreSQL stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// PostgreSQL's message, e.g. `syntax error at or near "TABL"`.
    pub message: String,
    /// Byte offset into the statement text, when PostgreSQL gave a position.
    pub offset: Option<usize>,
    /// The statement may be valid, but is beyond what driftlint reads: it nests deeper than
    /// the parser's limits (see [`MAX_TREE_DEPTH`]).
    pub beyond_limits: bool,
}

/// How deeply a parse tree may nest, counted in protobuf messages (one level of an expression
/// such as `a + b` is two: the `Node` and its `A_Expr`): the recursion limit of the decoder
/// (prost). Deeper statements, like PostgreSQL's own "stack depth limit exceeded" (about a
/// thousand operators deep) and "memory exhausted" (about ten thousand nested parentheses),
/// are reported as unparsed: no Rust code ever recurses over an unbounded tree.
pub const MAX_TREE_DEPTH: usize = 100;

/// Parses one statement into its parse trees (usually one).
pub fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    serialise(text)?.decode()
}

/// A statement PostgreSQL's parser accepted, as libpg_query serialised its parse trees
/// (protobuf): [`Serialised::decode`] makes the trees.
///
/// `check` parses on a pool of threads and decodes on the thread that replays: the trees are
/// then made, read and freed by one thread, right before they are read. Decoded on the
/// parser threads, every tree was freed by another thread than the one that made it, and the
/// allocator took fresh memory for the next ones instead of reusing it: most of a check's
/// page faults.
#[derive(Debug)]
pub struct Serialised(Vec<u8>);

impl Serialised {
    /// The parse trees; an error when they nest deeper than [`MAX_TREE_DEPTH`].
    pub fn decode(&self) -> Result<Vec<Node>, SyntaxError> {
        use prost::Message;
        match pg_query::protobuf::ParseResult::decode(&self.0[..]) {
            Ok(result) => Ok(result
                .stmts
                .into_iter()
                .filter_map(|raw| raw.stmt.map(|b| *b))
                .collect()),
            Err(e) if e.to_string().contains("recursion limit") => Err(SyntaxError {
                message: format!(
                    "it nests too deeply: its parse tree is more than {MAX_TREE_DEPTH} levels deep (parentheses, chained operators, nested CASE or subqueries)"
                ),
                offset: None,
                beyond_limits: true,
            }),
            Err(e) => Err(SyntaxError::from_library(
                pg_query::Error::Decode(e).to_string(),
                None,
            )),
        }
    }
}

/// Runs PostgreSQL's parser on one statement: its serialised parse trees, or the syntax error
/// with its position.
pub fn serialise(text: &str) -> Result<Serialised, SyntaxError> {
    match parse_protobuf(text) {
        Ok(bytes) => Ok(Serialised(bytes)),
        Err((pg_query::Error::Parse(message), cursor)) => Err(SyntaxError::from_library(
            message,
            error_position(text, cursor),
        )),
        Err((other, _)) => Err(SyntaxError::from_library(other.to_string(), None)),
    }
}

impl SyntaxError {
    /// libpg_query's error, marked (and said) as beyond the parser's limits when it is.
    fn from_library(message: String, offset: Option<usize>) -> SyntaxError {
        let beyond_limits = beyond_parser_limits(&message);
        SyntaxError {
            message: if beyond_limits {
                format!("it nests too deeply for PostgreSQL's parser ({message})")
            } else {
                message
            },
            offset,
            beyond_limits,
        }
    }
}

/// Whether libpg_query's error says the statement is beyond its limits rather than wrong:
/// PostgreSQL's stack depth check, the grammar's stack, or the serialiser's depth limit. Which
/// one a deep tree meets first depends on the stack the parser starts from (a release build's
/// frames are smaller than a debug build's).
fn beyond_parser_limits(message: &str) -> bool {
    message.contains("stack depth limit exceeded")
        || message.contains("memory exhausted")
        || message.contains("nested too deeply")
}

// The parse goes to libpg_query directly rather than through `pg_query::parse`, which also
// walks every tree it returns to list tables, functions and filter columns (unused here), and
// drops the error's position. The library is linked into every build through `pg_query`; the
// declarations follow its `pg_query.h`.
#[repr(C)]
struct PgQueryError {
    message: *mut c_char,
    funcname: *mut c_char,
    filename: *mut c_char,
    lineno: c_int,
    cursorpos: c_int,
    context: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobuf {
    len: usize,
    data: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobufParseResult {
    parse_tree: PgQueryProtobuf,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

unsafe extern "C" {
    fn pg_query_parse_protobuf_opts(
        input: *const c_char,
        parser_options: c_int,
    ) -> PgQueryProtobufParseResult;
    fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
}

/// Parses `text` into its serialised (protobuf) parse result; an error comes with PostgreSQL's
/// 1-based character position (0 when it gave none).
fn parse_protobuf(text: &str) -> Result<Vec<u8>, (pg_query::Error, i32)> {
    let input = CString::new(text).map_err(|e| (pg_query::Error::Conversion(e), 0))?;
    // SAFETY: `input` is a valid NUL-terminated string that outlives the call; the result's
    // buffers are read only before it is freed, and it is freed exactly once.
    unsafe {
        let result = pg_query_parse_protobuf_opts(input.as_ptr(), 0);
        let parsed = if result.error.is_null() {
            Ok(if result.parse_tree.data.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(
                    result.parse_tree.data as *const u8,
                    result.parse_tree.len,
                )
                .to_vec()
            })
        } else {
            let error = &*result.error;
            let message = std::ffi::CStr::from_ptr(error.message)
                .to_string_lossy()
                .into_owned();
            Err((pg_query::Error::Parse(message), error.cursorpos))
        };
        pg_query_free_protobuf_parse_result(result);
        parsed
    }
}

/// The byte offset of a syntax error from PostgreSQL's 1-based character position.
fn error_position(text: &str, cursor: i32) -> Option<usize> {
    if cursor <= 0 {
        return None;
    }
    let chars = (cursor - 1) as usize;
    Some(
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_first_word() {
        assert_eq!(classify("CREATE INDEX i ON t (a)"), StatementClass::Schema);
        assert_eq!(classify("insert into t values (1)"), StatementClass::Data);
        assert_eq!(
            classify("SELECT pg_catalog.set_config('search_path', '', false)"),
            StatementClass::Schema
        );
        assert_eq!(classify("SELECT 1"), StatementClass::Data);
        assert_eq!(classify("COMMENT ON TABLE t IS 'x'"), StatementClass::Inert);
        assert_eq!(classify("DO $$ BEGIN END $$"), StatementClass::Schema);
    }

    #[test]
    fn syntax_errors_have_byte_positions() {
        let err = parse("CREATE TABLE t (a int,, b int)").unwrap_err();
        assert!(err.message.contains("syntax error"), "{}", err.message);
        assert_eq!(err.offset, Some(22));
        // Multibyte characters before the error: the position is still a byte offset.
        let text = "CREATE TABLE \"é\" (a int,, b int)";
        let err = parse(text).unwrap_err();
        assert_eq!(&text[err.offset.unwrap()..], ", b int)");
    }

    #[test]
    fn deep_nesting_is_an_error_never_a_stack_overflow() {
        // Chained operators: a tree deeper than the decoder's limit (valid for PostgreSQL).
        let sql = format!("CREATE TABLE t (a int DEFAULT 1{})", " || 1".repeat(60));
        let err = parse(&sql).unwrap_err();
        assert!(err.beyond_limits, "{err:?}");
        assert!(err.message.contains("more than 100 levels deep"), "{err:?}");
        // PostgreSQL's own limits: its stack depth check and the grammar's stack.
        let sql = format!("CREATE TABLE t (a int DEFAULT 1{})", " + 1".repeat(5000));
        let err = parse(&sql).unwrap_err();
        assert!(err.beyond_limits, "{err:?}");
        let sql = format!(
            "CREATE VIEW v AS SELECT {}1{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let err = parse(&sql).unwrap_err();
        assert!(err.beyond_limits, "{err:?}");
        // Shallow enough: parsed.
        let sql = format!("CREATE TABLE t (a int DEFAULT 1{})", " || 1".repeat(20));
        assert!(parse(&sql).is_ok());
    }

    #[test]
    fn parses_ddl() {
        let nodes = parse("ALTER TABLE t ADD COLUMN a int").unwrap();
        assert_eq!(nodes.len(), 1);
    }
}
