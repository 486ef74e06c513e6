//! Tolerant statement splitter.
//!
//! Runs on our own lexer ([`super::lex`]), which never fails, so one lexical error cannot hide
//! the rest of a file. Linear time, no recursion, never panics.
//!
//! Rules:
//!
//! * A statement ends at a `;` outside strings, quoted identifiers, dollar strings and
//!   comments, at parenthesis depth 0 (a stray `)` never takes the depth below 0), and outside
//!   a `BEGIN ATOMIC ... END` body of `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (where
//!   `CASE ... END` nests, as in psql).
//! * Unbalanced `(` (heuristic): PostgreSQL's grammar has only one place where `;` may appear
//!   inside parentheses, the multi-action `CREATE [OR REPLACE] RULE ... DO (a; b)`. So a `;` at
//!   depth > 0 ends the statement, except in a `CREATE RULE`. There, and inside a
//!   `BEGIN ATOMIC` body, a `;` still ends the statement when the next significant token starts
//!   a line at column 0 and is a DDL keyword (`CREATE`, `ALTER`, `DROP`, `COMMENT`, `GRANT`,
//!   `REVOKE`, `TRUNCATE`, `DO`): neither rule actions nor SQL-standard function bodies may
//!   contain DDL.
//! * A line comment starting with `--> statement-breakpoint` (drizzle-kit) ends the statement,
//!   at any depth.
//! * psql meta-commands: a backslash outside strings/comments (normally the first character of
//!   a line: `\connect db`, `\set x 1`, `\i file`, also `SELECT 1 \gset`) ends the statement in
//!   progress, and the rest of its line is skipped. `\;` is psql's escaped semicolon and
//!   separates statements like `;`. `\:` is kept in the statement.
//! * `COPY ... FROM stdin` (`FROM` and `stdin` at depth 0, any case) is returned with
//!   [`RawKind::CopyFromStdin`]; after its `;`, the rest of that line and the data lines up to
//!   and including a line that is exactly `\.` (or to the end of the file) are skipped
//!   unlexed. The same holds for a psql `\copy ... from stdin` line (which yields no
//!   statement).
//! * A statement's span runs from its first to its last significant token (not whitespace, not
//!   a comment), without the `;`. Statements with no significant token produce nothing. The
//!   tail after the last `;` is returned when it has a significant token (an
//!   [`TokenKind::Unterminated`] token counts as significant).
//! * A byte order mark at offset 0 is whitespace; CRLF line ends are handled.

use std::ops::Range;

use super::lex::{Lexer, Token, TokenKind, tokenize};

/// One statement of a file: the byte range of its text, from its first to its last significant
/// token, without the terminating `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawStatement {
    pub span: Range<usize>,
    pub kind: RawKind,
}

/// What kind of raw statement this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// Any SQL statement.
    Sql,
    /// A `COPY ... FROM stdin` statement; its data block is excluded from all spans.
    CopyFromStdin,
}

/// Split a file into statements (see the module documentation for the rules).
pub fn split(text: &str) -> Vec<RawStatement> {
    let mut out = Vec::new();
    let mut lx = tokenize(text);
    let mut st = Stmt::default();
    while let Some(tok) = lx.next() {
        match tok.kind {
            TokenKind::Whitespace | TokenKind::BlockComment => {}
            TokenKind::LineComment => {
                if is_breakpoint(&tok, text) {
                    st.finish(&mut out);
                }
            }
            TokenKind::Other if tok.text(text) == "\\" => match text.as_bytes().get(tok.end) {
                Some(b';') => {
                    // psql's `\;`: a statement separator.
                    lx.skip_to(tok.end + 1);
                    if st.finish(&mut out) {
                        skip_copy_data(text, &mut lx, tok.end + 1);
                    }
                }
                Some(b':') => st.push(&tok, text),
                _ => {
                    st.finish(&mut out);
                    let line_end = line_end(text, tok.start);
                    let line = &text[tok.start..line_end];
                    lx.skip_to(line_end);
                    if is_copy_from_stdin_meta(line) {
                        skip_copy_data(text, &mut lx, line_end);
                    }
                }
            },
            TokenKind::Semicolon => {
                if st.start.is_none() {
                    continue;
                }
                let ends = if st.depth > 0 && !st.is_rule() {
                    true
                } else if st.depth > 0 || st.atomic > 0 {
                    ddl_at_column_zero(text, &lx)
                } else {
                    true
                };
                if ends {
                    if st.finish(&mut out) {
                        skip_copy_data(text, &mut lx, tok.end);
                    }
                } else {
                    st.push(&tok, text);
                }
            }
            _ => st.push(&tok, text),
        }
    }
    st.finish(&mut out);
    out
}

/// The comment tokens between the previous statement's end (`prev_end`, e.g. the previous
/// [`RawStatement`]'s `span.end`, or 0) and the start of `stmt`, in order. Drizzle's
/// `--> statement-breakpoint` comments are left out, as are psql meta-command lines and
/// `COPY ... FROM stdin` data (everything up to the last line that is exactly `\.`).
/// Returns nothing when `prev_end..stmt.span.start` is not a valid range of `text`.
pub fn leading_comments(text: &str, stmt: &RawStatement, prev_end: usize) -> Vec<Range<usize>> {
    let start = stmt.span.start;
    let Some(region) = text.get(prev_end..start) else {
        return Vec::new();
    };
    // Skip COPY data: resume after the last line that is exactly `\.`.
    let mut from = 0;
    let mut offset = 0;
    for line in region.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end_matches(['\n', '\r']) == "\\." && line.ends_with('\n') {
            from = offset;
        }
    }
    let bounded = &text[..start];
    let mut lx = Lexer::starting_at(bounded, prev_end + from);
    let mut out = Vec::new();
    while let Some(tok) = lx.next() {
        match tok.kind {
            TokenKind::LineComment if is_breakpoint(&tok, text) => {}
            TokenKind::LineComment | TokenKind::BlockComment => out.push(tok.start..tok.end),
            TokenKind::Other
                if tok.text(text) == "\\" && text.as_bytes().get(tok.end) != Some(&b';') =>
            {
                lx.skip_to(line_end(bounded, tok.start));
            }
            _ => {}
        }
    }
    out
}

/// Keywords of interest at the start of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Lead {
    #[default]
    None,
    Create,
    Or,
    Replace,
    Routine,
    Rule,
    Copy,
    Other,
}

/// The statement in progress.
#[derive(Debug, Default)]
struct Stmt {
    /// Start of the first significant token.
    start: Option<usize>,
    /// End of the last significant token.
    end: usize,
    /// Parenthesis depth, never below 0.
    depth: u32,
    /// `BEGIN ATOMIC` / `CASE` nesting inside a routine body.
    atomic: u32,
    /// The first (up to four) leading identifiers, classified.
    lead: [Lead; 4],
    /// How many leading tokens were all identifiers (stops counting at the first other token).
    lead_len: usize,
    lead_done: bool,
    /// A `COPY ... FROM stdin`.
    copy_stdin: bool,
    /// The previous significant token.
    prev: Option<Token>,
}

impl Stmt {
    fn is_routine(&self) -> bool {
        matches!(
            self.lead,
            [Lead::Create, Lead::Routine, ..]
                | [Lead::Create, Lead::Or, Lead::Replace, Lead::Routine]
        )
    }

    fn is_rule(&self) -> bool {
        matches!(
            self.lead,
            [Lead::Create, Lead::Rule, ..] | [Lead::Create, Lead::Or, Lead::Replace, Lead::Rule]
        )
    }

    fn prev_is(&self, word: &str, text: &str) -> bool {
        self.prev
            .is_some_and(|p| p.kind == TokenKind::Ident && p.text(text).eq_ignore_ascii_case(word))
    }

    fn push(&mut self, tok: &Token, text: &str) {
        if self.start.is_none() {
            self.start = Some(tok.start);
        }
        self.end = tok.end;
        match tok.kind {
            TokenKind::LParen => self.depth = self.depth.saturating_add(1),
            TokenKind::RParen => self.depth = self.depth.saturating_sub(1),
            TokenKind::Ident => self.word(tok, text),
            _ => {}
        }
        if tok.kind != TokenKind::Ident {
            self.lead_done = true;
        }
        self.prev = Some(*tok);
    }

    fn word(&mut self, tok: &Token, text: &str) {
        let w = tok.text(text);
        let is = |k: &str| w.eq_ignore_ascii_case(k);
        if !self.lead_done && self.lead_len < self.lead.len() {
            self.lead[self.lead_len] = if is("create") {
                Lead::Create
            } else if is("or") {
                Lead::Or
            } else if is("replace") {
                Lead::Replace
            } else if is("function") || is("procedure") {
                Lead::Routine
            } else if is("rule") {
                Lead::Rule
            } else if is("copy") {
                Lead::Copy
            } else {
                Lead::Other
            };
            self.lead_len += 1;
        }
        if self.lead[0] == Lead::Copy
            && self.depth == 0
            && is("stdin")
            && self.prev_is("from", text)
        {
            self.copy_stdin = true;
        }
        if self.atomic > 0 {
            if is("case") {
                self.atomic += 1;
            } else if is("end") {
                self.atomic -= 1;
            }
        } else if self.depth == 0
            && is("atomic")
            && self.prev_is("begin", text)
            && self.is_routine()
        {
            self.atomic = 1;
        }
    }

    /// Emit the statement in progress, if any, and reset. Returns whether it was a
    /// `COPY ... FROM stdin`.
    fn finish(&mut self, out: &mut Vec<RawStatement>) -> bool {
        let copy = self.copy_stdin;
        if let Some(start) = self.start {
            out.push(RawStatement {
                span: start..self.end,
                kind: if copy {
                    RawKind::CopyFromStdin
                } else {
                    RawKind::Sql
                },
            });
        }
        *self = Stmt::default();
        copy
    }
}

fn is_breakpoint(tok: &Token, text: &str) -> bool {
    tok.text(text).starts_with("--> statement-breakpoint")
}

/// The offset just after the `\n` ending the line that contains `pos`, or the end of `text`.
fn line_end(text: &str, pos: usize) -> usize {
    text.as_bytes()
        .get(pos..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(text.len(), |i| pos + i + 1)
}

/// A psql `\copy ... from stdin` meta-command line.
fn is_copy_from_stdin_meta(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.starts_with("\\copy")
        && lower.split_ascii_whitespace().any(|w| w == "stdin")
        && lower.contains("from")
}

/// Skip `COPY ... FROM stdin` data: the rest of the line containing `pos`, then lines up to
/// and including one that is exactly `\.` (or to the end of the text).
fn skip_copy_data(text: &str, lx: &mut Lexer<'_>, pos: usize) {
    let mut i = if pos > 0 && text.as_bytes().get(pos - 1) == Some(&b'\n') {
        pos
    } else {
        line_end(text, pos)
    };
    while i < text.len() {
        let next = line_end(text, i);
        let line = text[i..next].trim_end_matches(['\n', '\r']);
        i = next;
        if line == "\\." {
            break;
        }
    }
    lx.skip_to(i);
}

/// Whether the next significant token after the lexer's position starts a line at column 0
/// and is a DDL keyword (used to recover from an unbalanced `(` or `BEGIN ATOMIC`).
fn ddl_at_column_zero(text: &str, lx: &Lexer<'_>) -> bool {
    const DDL: [&str; 8] = [
        "create", "alter", "drop", "comment", "grant", "revoke", "truncate", "do",
    ];
    let Some(tok) = lx.clone().find(|t| !t.kind.is_trivia()) else {
        return false;
    };
    let col0 = tok.start == 0 || matches!(text.as_bytes()[tok.start - 1], b'\n' | b'\r');
    let word = tok.text(text);
    col0 && tok.kind == TokenKind::Ident && DDL.iter().any(|k| word.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        split(src).into_iter().map(|s| &src[s.span]).collect()
    }

    fn kinds(src: &str) -> Vec<(RawKind, &str)> {
        split(src)
            .into_iter()
            .map(|s| (s.kind, &src[s.span]))
            .collect()
    }

    #[test]
    fn exact_spans() {
        let src = "  CREATE TABLE a (x int) ;\n-- c\nDROP TABLE b;;\n /* x */ SELECT 1 -- t\n";
        let got = split(src);
        assert_eq!(
            got,
            vec![
                RawStatement {
                    span: 2..24,
                    kind: RawKind::Sql
                },
                RawStatement {
                    span: 32..44,
                    kind: RawKind::Sql
                },
                RawStatement {
                    span: 56..64,
                    kind: RawKind::Sql
                },
            ]
        );
        assert_eq!(&src[2..24], "CREATE TABLE a (x int)");
        assert_eq!(&src[32..44], "DROP TABLE b");
        assert_eq!(&src[56..64], "SELECT 1");
    }

    #[test]
    fn semicolons_inside_literals_and_comments() {
        let src = "SELECT 'a;b', E'\\';', \"x;y\", $$;$$, $t$ ; $$ ; $t$ /* ; /* ; */ ; */ -- ;\n;\
                   SELECT 2";
        assert_eq!(
            texts(src),
            vec![
                "SELECT 'a;b', E'\\';', \"x;y\", $$;$$, $t$ ; $$ ; $t$",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn do_blocks_and_functions() {
        let src = "DO $$ BEGIN\n  ALTER TABLE a ADD CONSTRAINT c FOREIGN KEY (x) REFERENCES b(id);\n\
                   EXCEPTION WHEN duplicate_object THEN null;\nEND $$;\n\
                   CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql;\n\
                   SELECT 1;";
        let got = texts(src);
        assert_eq!(got.len(), 3);
        assert!(got[0].starts_with("DO $$") && got[0].ends_with("END $$"));
        assert!(got[1].starts_with("CREATE FUNCTION") && got[1].ends_with("LANGUAGE plpgsql"));
        assert_eq!(got[2], "SELECT 1");
    }

    #[test]
    fn begin_atomic_with_case() {
        let body = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  \
                    SELECT CASE WHEN x > 0 THEN 1 ELSE (CASE x WHEN 0 THEN 0 END) END;\n  \
                    SELECT x;\nEND";
        let src = format!(
            "{body};\nCREATE TABLE t (a int);\nCREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; END; SELECT 2"
        );
        assert_eq!(
            texts(&src),
            vec![
                body,
                "CREATE TABLE t (a int)",
                "CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; END",
                "SELECT 2"
            ]
        );
        // BEGIN ATOMIC outside a routine is not a block; an unterminated body is recovered at
        // the next column-0 DDL statement.
        let src = "BEGIN; SELECT atomic; CREATE FUNCTION g() RETURNS int BEGIN ATOMIC SELECT 1;\n\
                   CREATE TABLE u (a int);";
        assert_eq!(
            texts(src),
            vec![
                "BEGIN",
                "SELECT atomic",
                "CREATE FUNCTION g() RETURNS int BEGIN ATOMIC SELECT 1",
                "CREATE TABLE u (a int)"
            ]
        );
    }

    #[test]
    fn drizzle_breakpoints() {
        let src = "CREATE TABLE a (id int);--> statement-breakpoint\nCREATE INDEX i ON a (id)\
                   --> statement-breakpoint\nALTER TABLE a ADD COLUMN b int;\n--> statement-breakpoint\n";
        assert_eq!(
            texts(src),
            vec![
                "CREATE TABLE a (id int)",
                "CREATE INDEX i ON a (id)",
                "ALTER TABLE a ADD COLUMN b int"
            ]
        );
        // Also at depth > 0 (unbalanced paren).
        assert_eq!(
            texts("CREATE TABLE a (id int\n--> statement-breakpoint\nSELECT 1"),
            vec!["CREATE TABLE a (id int", "SELECT 1"]
        );
    }

    #[test]
    fn psql_meta_commands() {
        let src = "\\connect mydb\n\\set ON_ERROR_STOP on\nCREATE TABLE a (x int);\n  \\i other.sql\n\
                   SELECT 1 \\gset\nSELECT 2\n\\echo 'x;y'\nSELECT 3 \\; SELECT 4;\n\\.";
        assert_eq!(
            texts(src),
            vec![
                "CREATE TABLE a (x int)",
                "SELECT 1",
                "SELECT 2",
                "SELECT 3",
                "SELECT 4"
            ]
        );
    }

    #[test]
    fn copy_from_stdin() {
        let src = "CREATE TABLE t (a text);\nCOPY public.t (a) FROM stdin;\nit's; a \"data\" $$ line\n\
                   /* not a comment\n\\.\nSELECT 1;\ncopy t from STDIN with (format csv);\r\nx;'\r\n\\.\r\n\
                   COPY t TO stdout;\n\\copy t from stdin\nmore 'data\n\\.\nSELECT 2;\nCOPY t FROM stdin;\nno end";
        assert_eq!(
            kinds(src),
            vec![
                (RawKind::Sql, "CREATE TABLE t (a text)"),
                (RawKind::CopyFromStdin, "COPY public.t (a) FROM stdin"),
                (RawKind::Sql, "SELECT 1"),
                (
                    RawKind::CopyFromStdin,
                    "copy t from STDIN with (format csv)"
                ),
                (RawKind::Sql, "COPY t TO stdout"),
                (RawKind::Sql, "SELECT 2"),
                (RawKind::CopyFromStdin, "COPY t FROM stdin"),
            ]
        );
    }

    #[test]
    fn unbalanced_paren_recovers() {
        let src =
            "CREATE TABLE a (x int;\nCREATE TABLE b (y int);\nALTER TABLE b ADD COLUMN z int;";
        assert_eq!(
            texts(src),
            vec![
                "CREATE TABLE a (x int",
                "CREATE TABLE b (y int)",
                "ALTER TABLE b ADD COLUMN z int"
            ]
        );
        // A stray `)` does not make the depth negative.
        assert_eq!(
            texts("SELECT 1); SELECT (2)"),
            vec!["SELECT 1)", "SELECT (2)"]
        );
        // Multi-action rules keep their `;` inside parentheses.
        let rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (\n  INSERT INTO a VALUES (1);\n  \
                    INSERT INTO b VALUES (2)\n)";
        let src = format!(
            "{rule};\nCREATE OR REPLACE RULE s AS ON UPDATE TO t DO (NOTIFY x;\nDROP TABLE z;"
        );
        assert_eq!(
            texts(&src),
            vec![
                rule,
                "CREATE OR REPLACE RULE s AS ON UPDATE TO t DO (NOTIFY x",
                "DROP TABLE z"
            ]
        );
    }

    #[test]
    fn unterminated_tail() {
        assert_eq!(
            texts("SELECT 1; SELECT 'abc;\nDROP TABLE x;"),
            vec!["SELECT 1", "SELECT 'abc;\nDROP TABLE x;"]
        );
        assert_eq!(texts("SELECT 1; /* open"), vec!["SELECT 1", "/* open"]);
        assert_eq!(texts("SELECT 1; SELECT 2"), vec!["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn empty_comments_bom_crlf() {
        assert!(split("").is_empty());
        assert!(split(" \n\t;;\n;").is_empty());
        assert!(split("-- a\n/* b */ ; -- c\n--> statement-breakpoint\n").is_empty());
        assert!(split("\\set x 1\n\\connect db").is_empty());
        let src = "\u{feff}CREATE TABLE a (x int);\r\n-- c\r\nDROP TABLE a;\r\n";
        let got = split(src);
        assert_eq!(got[0].span, 3..25);
        assert_eq!(texts(src), vec!["CREATE TABLE a (x int)", "DROP TABLE a"]);
        assert_eq!(texts("\u{feff}"), Vec::<&str>::new());
        assert_eq!(
            texts("SELECT 'é'; SELECT \"ü\""),
            vec!["SELECT 'é'", "SELECT \"ü\""]
        );
    }

    #[test]
    fn leading_comment_ranges() {
        let src = "-- driftlint-ignore a\nCREATE TABLE a (x int); -- trailing\n/* b */\n\
                   --> statement-breakpoint\nDROP TABLE a;\nCOPY t FROM stdin;\n-- data\n\\.\n\
                   \\set x 1 -- not a comment\n-- c\nSELECT 1";
        let stmts = split(src);
        assert_eq!(stmts.len(), 4);
        let comments = |i: usize| -> Vec<&str> {
            let prev = if i == 0 { 0 } else { stmts[i - 1].span.end };
            leading_comments(src, &stmts[i], prev)
                .into_iter()
                .map(|r| &src[r])
                .collect()
        };
        assert_eq!(comments(0), vec!["-- driftlint-ignore a"]);
        assert_eq!(comments(1), vec!["-- trailing", "/* b */"]);
        assert_eq!(comments(2), Vec::<&str>::new());
        assert_eq!(comments(3), vec!["-- c"]);
        assert!(leading_comments(src, &stmts[0], 1000).is_empty());
    }

    /// Multi-statement DDL that PostgreSQL's parser accepts.
    const VALID: &[&str] = &[
        "CREATE TABLE a (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT ''); CREATE INDEX a_name ON a (name);",
        "CREATE TABLE \"Weird;Name\" (\"col\"\"q\" int); DROP TABLE \"Weird;Name\";",
        "ALTER TABLE a ADD COLUMN b int; ALTER TABLE a DROP COLUMN b; ALTER TABLE a RENAME TO c",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY a USING btree (lower(name)) WHERE (id > 0);\nDROP INDEX CONCURRENTLY i;",
        "DO $$ BEGIN ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES c(id); EXCEPTION WHEN duplicate_object THEN null; END $$;\nSELECT 1;",
        "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.updated := now();\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();",
        "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT x; END; CREATE TABLE z (a int);",
        "COMMENT ON TABLE a IS 'it''s; here'; COMMENT ON COLUMN a.id IS E'x\\';y';",
        "CREATE TYPE mood AS ENUM ('sad', 'ok;', 'happy'); ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok;';",
        "CREATE SCHEMA s; SET search_path TO s, public; CREATE TABLE s.t (a int);",
        "/* leading ; comment */ CREATE TABLE b (x int); -- c;\nCREATE TABLE c (y int /* ; */);",
        "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)) PARTITION BY RANGE (a);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);",
        "ALTER TABLE a ADD CONSTRAINT ck CHECK (name <> ';' AND id > 0) NOT VALID; ALTER TABLE a VALIDATE CONSTRAINT ck;",
        "CREATE VIEW v AS SELECT id, name FROM a WHERE name ~ '^a;'; CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x WITH NO DATA;",
        "GRANT SELECT ON a TO PUBLIC; REVOKE ALL ON a FROM PUBLIC;",
        "CREATE SEQUENCE seq START 1 INCREMENT BY 2; ALTER SEQUENCE seq OWNED BY a.id; SELECT setval('seq', 5, false);",
        "CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE TABLE u (id uuid DEFAULT gen_random_uuid());",
        "BEGIN; CREATE TABLE x (a int); COMMIT;",
        "CREATE POLICY pol ON a FOR SELECT USING (id = current_setting('app.id')::bigint); ALTER TABLE a ENABLE ROW LEVEL SECURITY;",
        "CREATE RULE r AS ON INSERT TO a DO ALSO (NOTIFY a; NOTIFY b); CREATE TABLE y (a int);",
        "INSERT INTO a (name) VALUES ('x;'), ($q$y;$q$); UPDATE a SET name = 'z' WHERE id = 1; DELETE FROM a;",
        "CREATE DOMAIN d AS text CHECK (VALUE ~ '^[a-z;]+$'); CREATE TABLE dd (v d);",
        "ALTER TABLE a ALTER COLUMN name TYPE varchar(10) USING substr(name, 1, 10); ALTER TABLE a ALTER COLUMN name SET DEFAULT 'n';",
        "CREATE INDEX gi ON a USING gin ((to_tsvector('english', name))); REINDEX INDEX gi; ANALYZE a;",
        "TRUNCATE a RESTART IDENTITY CASCADE; VACUUM a;",
        "CREATE TABLE arr (a int[] DEFAULT '{1,2}', b jsonb DEFAULT '{\"k\": \";\"}'::jsonb); SELECT b->>'k' FROM arr;",
        "WITH x AS (SELECT 1 AS a) SELECT * FROM x; CREATE TABLE w AS SELECT 1 AS a;",
        "ALTER TABLE ONLY a ADD CONSTRAINT a_fk FOREIGN KEY (id) REFERENCES a(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;\nALTER INDEX a_name SET (fillfactor = 70);",
        "CREATE PROCEDURE pr() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$; CALL pr();",
        "DROP TABLE IF EXISTS a, b CASCADE; DROP TYPE IF EXISTS mood; DROP FUNCTION IF EXISTS f();",
        "SELECT U&'d\\0061t\\+000061' AS x, B'101', X'1F', 1.5e3, .5, 0x1F; CREATE TABLE \"ü\" (é int);",
    ];

    fn fingerprint(s: &str) -> String {
        pg_query::fingerprint(s, 0, 0).expect("valid statement").hex
    }

    #[test]
    fn differential_against_pg_query_split() {
        for src in VALID {
            let theirs: Vec<&str> = pg_query::split_with_parser(src)
                .unwrap_or_else(|e| panic!("pg_query rejects {src:?}: {e}"))
                .into_iter()
                .map(|s| s.trim().trim_end_matches(';').trim())
                .filter(|s| !s.is_empty())
                .collect();
            let ours = texts(src);
            assert_eq!(ours.len(), theirs.len(), "{src:?}: {ours:?} vs {theirs:?}");
            for (o, t) in ours.iter().zip(&theirs) {
                if o != t {
                    assert_eq!(fingerprint(o), fingerprint(t), "{src:?}: {o:?} vs {t:?}");
                    assert!(t.contains(o), "{o:?} is not within {t:?}");
                }
            }
        }
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    /// Structural invariants of a split on any input.
    fn check_shape(src: &str, stmts: &[RawStatement]) {
        let mut prev = 0;
        for s in stmts {
            assert!(
                s.span.start >= prev && s.span.start < s.span.end,
                "{src:?}: {stmts:?}"
            );
            assert!(s.span.end <= src.len());
            assert!(src.is_char_boundary(s.span.start) && src.is_char_boundary(s.span.end));
            let _ = leading_comments(src, s, prev);
            prev = s.span.end;
        }
    }

    #[test]
    fn property_no_text_lost() {
        // Fragments without backslashes or COPY, so the splitter sees exactly the tokens of
        // a plain lex of the whole input.
        let frags = [
            "CREATE",
            "TABLE",
            "t",
            "(",
            ")",
            "(",
            ")",
            ";",
            ";",
            " ",
            "\n",
            "\r\n",
            "x int",
            "'a;b'",
            "'un",
            "E'\\';'",
            "\"q;\"",
            "\"",
            "$$;$$",
            "$t$ ; $t$",
            "$t$",
            "$",
            "$1",
            "-- c;\n",
            "--> statement-breakpoint\n",
            "/* ; */",
            "/* /* ; */ */",
            "/*",
            "*/",
            "BEGIN",
            "ATOMIC",
            "END",
            "CASE",
            "FUNCTION",
            "RULE",
            "OR",
            "REPLACE",
            ",",
            "1.5",
            "é",
            "::",
            "-",
            "--",
            "'",
            "ALTER",
            "DO",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let n = rng.next() % 30;
            let src: String = (0..n).map(|_| rng.pick(&frags)).collect();
            let stmts = split(&src);
            check_shape(&src, &stmts);
            let tokens: Vec<Token> = tokenize(&src).collect();
            if tokens.iter().any(|t| t.text(&src) == "\\") {
                continue; // a psql meta-command: its line is skipped, by design
            }
            let starts: std::collections::HashSet<usize> = tokens.iter().map(|t| t.start).collect();
            let ends: std::collections::HashSet<usize> = tokens.iter().map(|t| t.end).collect();
            for s in &stmts {
                assert!(starts.contains(&s.span.start) && ends.contains(&s.span.end));
            }
            for t in tokens.iter().filter(|t| !t.kind.is_trivia()) {
                let inside = stmts
                    .iter()
                    .any(|s| s.span.start <= t.start && t.end <= s.span.end);
                if t.kind != TokenKind::Semicolon {
                    assert!(inside, "{src:?}: token {t:?} lost in {stmts:?}");
                }
            }
            for s in &stmts {
                let first = tokens.iter().find(|t| t.start == s.span.start).unwrap();
                let last = tokens.iter().find(|t| t.end == s.span.end).unwrap();
                assert!(!first.kind.is_trivia() && !last.kind.is_trivia(), "{src:?}");
            }
        }
    }

    #[test]
    fn property_random_bytes_never_panic() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let alphabet = b"ab$1_'\"eE&\\-/*;().:\n\r (;)COPY from stdin \\. BEGIN ATOMIC END CASE";
        for i in 0..4000 {
            let len = (rng.next() % 60) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if i % 2 == 0 {
                        rng.next() as u8
                    } else {
                        alphabet[(rng.next() % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            let src = String::from_utf8_lossy(&bytes);
            check_shape(&src, &split(&src));
        }
    }

    #[test]
    fn linear_on_pathological_input() {
        let n = 200_000;
        for src in [
            "(".repeat(n),
            ";\n".repeat(n),
            "$a".repeat(n),
            "/*".repeat(n),
            "CREATE RULE r AS ON INSERT TO t DO (".to_string() + &"NOTIFY x;\n".repeat(n),
            "CREATE FUNCTION f() BEGIN ATOMIC ".to_string() + &"SELECT 1;\n -- c\n".repeat(n),
            "\\x\n".repeat(n),
        ] {
            let t = std::time::Instant::now();
            let _ = split(&src);
            assert!(t.elapsed().as_secs() < 5, "too slow");
        }
    }
}
