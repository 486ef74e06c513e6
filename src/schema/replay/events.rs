//! What replay reports: the events statement rules turn into findings, and the statements it
//! could not read.

use super::Replay;
use crate::schema::model::{Index, Origin, QualName, RelKind};
use crate::schema::names::truncate_identifier;

/// Something a statement did that a statement rule may report.
#[derive(Clone, Debug)]
pub enum Event {
    /// A statement names a column its table does not have.
    MissingColumn {
        /// The table that lacks the column.
        table: QualName,
        /// The missing column.
        column: String,
        /// What names the column.
        owner: Owner,
        /// The column name's span.
        location: Origin,
        /// The table's columns at that point, with their types, for did-you-mean.
        candidates: Vec<(String, String)>,
        /// Other tables that have a column of that name.
        elsewhere: Vec<QualName>,
    },
    /// A statement names a table that does not exist at that point.
    MissingTable {
        /// The missing table.
        table: QualName,
        /// What names the table.
        owner: Owner,
        /// The table name's span.
        location: Origin,
        /// Whether a reference schema was consulted (and did not have it either).
        reference_checked: bool,
        /// A relation of another kind has the name (a view, a materialized view …).
        other_kind: Option<RelKind>,
    },
    /// A foreign key references columns that carry no PRIMARY KEY or UNIQUE constraint.
    NoUniqueTarget {
        /// The referencing table.
        table: QualName,
        /// The FK constraint name.
        constraint: String,
        /// The referenced table and columns.
        ref_table: QualName,
        /// The referenced columns.
        ref_columns: Vec<String>,
        /// The REFERENCES clause.
        location: Origin,
    },
    /// `CREATE INDEX [IF NOT EXISTS] n` where a relation `n` already exists.
    NameConflict {
        /// The name.
        name: QualName,
        /// `IF NOT EXISTS` was given: PostgreSQL silently skips the statement.
        if_not_exists: bool,
        /// What already has the name: its kind and where it was created.
        existing_kind: &'static str,
        /// Where the existing relation was created.
        existing: Origin,
        /// The existing index (when it is one), for comparing definitions.
        existing_index: Option<Box<Index>>,
        /// The index the statement would have created.
        new_index: Box<Index>,
        /// The statement.
        location: Origin,
    },
    /// A statement that may write rows (INSERT, COPY, UPDATE, a function call).
    DataLoad {
        /// The tables it writes into; `None` when any table may receive rows (a function call,
        /// `CALL`, a data-modifying `WITH`, `PERFORM` or `EXECUTE` in a DO block).
        tables: Option<Vec<QualName>>,
        /// The statement.
        location: Origin,
    },
    /// An index was created.
    IndexCreated {
        /// The index name.
        index: QualName,
        /// Where.
        location: Origin,
    },
    /// What a statement locks, rewrites or cannot do in a transaction (migration safety).
    Safety(Box<super::safety::Safety>),
    /// How the migration tool runs a file, with what the replay counted in it; pushed after
    /// the file's statements.
    FileRun {
        /// The file.
        file: u32,
        /// How the tool runs it.
        run: super::safety::FileRun,
        /// Statements in the file.
        statements: u32,
        /// The kinds of the file's statements PostgreSQL refuses in a transaction block.
        refused: Vec<&'static str>,
    },
    /// What a DROP, ALTER COLUMN TYPE or RENAME COLUMN refuses, drops or breaks.
    Dependents(Box<super::dependents::Dependents>),
    /// A table was created.
    TableCreated {
        /// The table name.
        table: QualName,
        /// Where.
        location: Origin,
    },
}

/// What names a missing column or table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// An index (explicit or implicit name).
    Index(String),
    /// A PRIMARY KEY / UNIQUE / EXCLUDE constraint.
    Constraint(String),
    /// A foreign key constraint.
    ForeignKey(String),
    /// A foreign key's referenced side.
    ForeignKeyTarget(String),
    /// Any other statement (ALTER TABLE, DROP COLUMN, RENAME …).
    Statement,
}

/// A statement the parser rejected.
#[derive(Clone, Debug)]
pub struct Unparsed {
    /// PostgreSQL's message.
    pub message: String,
    /// The error position (or the statement when there is none).
    pub origin: Origin,
    /// PostgreSQL may accept the statement, but it is beyond what driftlint reads (the message
    /// says why: nesting too deep, a DO block statement that cannot be located).
    pub beyond_limits: bool,
}

impl Replay<'_> {
    pub(super) fn missing_table(&mut self, table: QualName, owner: Owner, location: Origin) {
        let other_kind = self.schema.other_relations.get(&table).map(|o| o.kind);
        self.events.push(Event::MissingTable {
            table,
            owner,
            location,
            reference_checked: self.reference.is_some(),
            other_kind,
        });
    }

    pub(super) fn missing_column(
        &mut self,
        table: &QualName,
        column: &str,
        owner: Owner,
        location: Origin,
    ) {
        if self.incomplete.contains(table) {
            return;
        }
        let candidates = self
            .schema
            .tables
            .get(table)
            .map(|t| {
                t.columns
                    .values()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let elsewhere = self
            .schema
            .tables
            .values()
            .filter(|t| &t.name != table && t.columns.contains_key(column))
            .map(|t| t.name.clone())
            .take(5)
            .collect();
        self.events.push(Event::MissingColumn {
            table: table.clone(),
            column: column.to_string(),
            owner,
            location,
            candidates,
            elsewhere,
        });
    }

    /// Records that `index` cannot be created because its name is taken: PostgreSQL skips the
    /// statement with IF NOT EXISTS and rejects it without.
    pub(super) fn name_conflict(&mut self, index: Index, if_not_exists: bool, location: Origin) {
        let (existing_kind, existing) = self.existing_relation(&index.name);
        self.events.push(Event::NameConflict {
            name: index.name.clone(),
            if_not_exists,
            existing_kind,
            existing,
            existing_index: self.schema.indexes.get(&index.name).cloned().map(Box::new),
            new_index: Box::new(index),
            location,
        });
    }

    pub(super) fn existing_relation(&self, name: &QualName) -> (&'static str, Origin) {
        if let Some(t) = self.schema.tables.get(name) {
            ("table", t.origin)
        } else if let Some(i) = self.schema.indexes.get(name) {
            ("index", i.origin)
        } else if let Some(o) = self.schema.other_relations.get(name) {
            (o.kind.describe(), o.origin)
        } else {
            ("relation", Origin::Derived)
        }
    }
}

/// What a data statement writes into, from its first tokens (the statement is not parsed: seed
/// files hold INSERTs with thousands of rows). `Some(Some(name parts))` for `INSERT INTO t`,
/// `COPY t`, `UPDATE t`, `DELETE FROM t`, `MERGE INTO t`; `Some(None)` when any table may
/// receive rows (`CALL`, a query that calls a function or starts with `WITH`); `None` when the
/// statement writes nothing (`SELECT 1`, `COPY (query) TO`).
pub(super) fn load_target(text: &str) -> Option<Option<Vec<String>>> {
    use crate::sql::lex::{TokenKind, ident_value, tokenize};
    let mut tokens = tokenize(text).filter(|t| !t.kind.is_trivia());
    let first = tokens.next()?;
    let word = first.text(text).to_ascii_lowercase();
    let skip = match word.as_str() {
        "insert" | "merge" => Some("into"),
        "delete" => Some("from"),
        "copy" | "update" => None,
        "select" | "values" => {
            // A query writes only through a function it calls: `name (`.
            let mut prev_ident = false;
            for t in tokenize(text).filter(|t| !t.kind.is_trivia()) {
                if t.kind == TokenKind::LParen && prev_ident {
                    return Some(None);
                }
                prev_ident = matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent);
            }
            return None;
        }
        _ => return Some(None),
    };
    let mut next = tokens.next()?;
    if let Some(keyword) = skip {
        if !next.text(text).eq_ignore_ascii_case(keyword) {
            return Some(None);
        }
        next = tokens.next()?;
    }
    if next.kind == TokenKind::Ident && next.text(text).eq_ignore_ascii_case("only") {
        next = tokens.next()?;
    }
    if next.kind == TokenKind::LParen {
        // `COPY (query) TO …` reads; anything else unexpected: assume the worst.
        return (word != "copy").then_some(None);
    }
    let mut parts = Vec::new();
    loop {
        if !matches!(next.kind, TokenKind::Ident | TokenKind::QuotedIdent) {
            return Some(None);
        }
        parts.push(truncate_identifier(&ident_value(&next, text)).to_string());
        match tokens.next() {
            Some(t) if t.kind == TokenKind::Dot => next = tokens.next()?,
            _ => break,
        }
    }
    Some(Some(parts))
}
