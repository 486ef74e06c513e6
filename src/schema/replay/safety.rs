//! Facts for the migration-safety rules: what each statement locks, rewrites or cannot do inside
//! a transaction, seen against the schema *before* the statement runs, and how the migration
//! tool sends each file to the server.
//!
//! The replay records them as [`Event::Safety`] and [`Event::FileRun`]; the rules decide. Every
//! fact carries the file the statement's table was created in, so that a rule can exempt tables
//! created earlier in the same transaction (an empty table locks nobody out).

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AlterTableType as T, ConstrType, Node};

use super::{Ctx, Event, Replay, Stmt};
use crate::schema::expr::SqlExpr;
use crate::schema::model::{KeyTarget, Origin, QualName};
use crate::schema::names::truncate_identifier;
use crate::schema::types;
use crate::sql::lex::{TokenKind, ident_value, tokenize};

/// How a migration tool sends one file's statements to PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Inside an explicit `BEGIN … COMMIT` (one per file, or one for a batch of files).
    Transaction,
    /// The whole file as one simple-protocol Query: PostgreSQL runs a string of two or more
    /// statements as one implicit transaction block.
    SingleMessage,
    /// One extended-protocol pipeline with one Sync: a statement that cannot run in a
    /// transaction block works only as the first of the pipeline.
    Pipeline,
    /// Each statement on its own, in autocommit (psql -f, Atlas `txmode none`).
    PerStatement,
    /// The tool is not known (SQL checked on its own).
    Unknown,
}

/// Statements a runner itself takes out of the file's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunsAlone {
    /// None.
    Nothing,
    /// These kinds run on their own in autocommit wherever they are (Supabase CLI).
    Listed(&'static [&'static str]),
    /// A file holding only these kinds runs without a transaction; a file mixing them with
    /// other statements is rejected by the tool (Flyway).
    WholeFile(&'static [&'static str]),
    /// A file (or a batch of files sharing a unit) holding any of these kinds runs entirely
    /// without a transaction, each statement on its own (Flyway `mixed=true`).
    MixedFile(&'static [&'static str]),
    /// With [`Delivery::SingleMessage`]: the tool splits the file into statements and runs each
    /// on its own when its SQL parser reads every statement; it reads these kinds, and a file
    /// holding another refused kind goes as one message (Prisma 7.4 and later).
    SplitWhenParsed(&'static [&'static str]),
}

/// How the migration tool runs one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRun {
    /// The tool (`drizzle-kit`, `sqlx`, …), for messages.
    pub runner: &'static str,
    /// How the file's statements reach the server.
    pub delivery: Delivery,
    /// The transaction unit: files with the same unit run in one transaction (a drizzle-kit
    /// batch of pending files); otherwise the file's own id.
    pub unit: u32,
    /// What the runner takes out of the transaction by itself.
    pub runs_alone: RunsAlone,
    /// How to run a statement that cannot run in a transaction with this tool (help text).
    pub how_alone: &'static str,
    /// Why the file is not wrapped (the opt-out marker found), for messages.
    pub opted_out: Option<&'static str>,
    /// Which release or setting of the tool this behaviour was chosen for, and where that came
    /// from (or that it was assumed), for messages.
    pub note: Option<String>,
}

impl FileRun {
    /// SQL checked without a known tool.
    pub fn unknown(file: u32) -> Self {
        FileRun {
            runner: "the migration tool",
            delivery: Delivery::Unknown,
            unit: file,
            runs_alone: RunsAlone::Nothing,
            how_alone: "put it alone in a migration the tool runs without a transaction",
            opted_out: None,
            note: None,
        }
    }
}

/// How an `ALTER COLUMN … TYPE` change touches the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeChange {
    /// The table and its indexes are rewritten.
    Rewrite,
    /// The table is kept, indexes on the column are rebuilt (int ↔ oid).
    IndexRebuild,
    /// timestamp ↔ timestamptz: kept (indexes rebuilt) only when the session TimeZone is UTC.
    TimeZoneDependent,
    /// Catalog only.
    MetadataOnly,
}

/// What a statement does that a safety rule may report.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A statement PostgreSQL refuses inside a transaction block (`kind` names it).
    Refused {
        /// `CREATE INDEX CONCURRENTLY`, `VACUUM`, …
        kind: &'static str,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The index name as written (empty when PostgreSQL picks it).
        index: String,
        /// `CONCURRENTLY`.
        concurrently: bool,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// `UNIQUE`.
        unique: bool,
        /// The key columns when every key is a plain column and the index is not partial
        /// (what column statistics can speak of); else empty.
        columns: Vec<String>,
        /// The statement with `CONCURRENTLY` added (for the help).
        concurrent_sql: String,
    },
    /// `ADD FOREIGN KEY` on an existing table.
    AddForeignKey {
        /// The constraint name as written.
        name: String,
        /// The referenced table.
        ref_table: QualName,
        /// `NOT VALID`.
        not_valid: bool,
    },
    /// `ADD CHECK`.
    AddCheck {
        /// The constraint name as written.
        name: String,
        /// `NOT VALID`.
        not_valid: bool,
    },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetNotNull {
        /// The column.
        column: String,
        /// A validated `CHECK (column IS NOT NULL)` exists: PostgreSQL 12+ skips the scan.
        proven: bool,
    },
    /// `ALTER COLUMN … TYPE`.
    AlterType {
        /// The column.
        column: String,
        /// The type before (from the model).
        from: String,
        /// The new type.
        to: String,
        /// What the change does to the table.
        change: TypeChange,
        /// An index of the table uses the column.
        indexed: bool,
    },
    /// `ADD COLUMN … DEFAULT` with a volatile default (or serial / identity / stored generated).
    VolatileDefault {
        /// The column.
        column: String,
        /// The default as written, or what makes it volatile.
        default: String,
    },
    /// `ADD COLUMN … DEFAULT` with a non-volatile, non-NULL default: stored in the catalog from
    /// PostgreSQL 11, written into every row (a rewrite) before.
    ConstantDefault {
        /// The column.
        column: String,
        /// The default as written.
        default: String,
    },
    /// `ADD PRIMARY KEY` / `ADD UNIQUE` building its index under the lock (no `USING INDEX`).
    AddKey {
        /// The constraint name as written.
        name: String,
        /// PRIMARY KEY rather than UNIQUE.
        primary: bool,
        /// The key columns.
        columns: Vec<String>,
    },
    /// `SET lock_timeout`.
    LockTimeout,
    /// `ALTER TYPE … ADD VALUE`, or a use of the label it added.
    EnumLabel(super::enum_facts::EnumLabel),
    /// A `;` inside a token of the statement (`what`: string literal, dollar-quoted body, …).
    InnerSemicolon {
        /// The kind of token, for messages.
        what: &'static str,
    },
    /// Any other ALTER TABLE subcommand that takes ACCESS EXCLUSIVE (ADD / DROP / RENAME
    /// COLUMN, SET DEFAULT, …): only `lock-timeout-missing` looks at it.
    AccessExclusive {
        /// The subcommand, for messages.
        what: &'static str,
    },
}

impl Action {
    /// Whether the statement takes an ACCESS EXCLUSIVE lock on its table.
    pub fn takes_access_exclusive(&self) -> bool {
        matches!(
            self,
            Action::AddCheck { .. }
                | Action::SetNotNull { .. }
                | Action::AlterType { .. }
                | Action::VolatileDefault { .. }
                | Action::ConstantDefault { .. }
                | Action::AddKey { .. }
                | Action::AccessExclusive { .. }
        )
    }
}

/// One safety fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Safety {
    /// The statement (or the part of it that matters).
    pub location: Origin,
    /// The file the statement is in.
    pub file: u32,
    /// The statement's position in its file, from 0.
    pub index: u32,
    /// The table the statement works on.
    pub table: Option<QualName>,
    /// The file that created the table, when the history created it.
    pub created_in: Option<u32>,
    /// What the statement does.
    pub action: Action,
}

/// Per-file counters kept while replaying.
#[derive(Debug, Default)]
pub(super) struct SafetyState {
    file: Option<u32>,
    /// Statements seen in the current file.
    statements: u32,
    /// Kinds of refused statements in the current file.
    refused: Vec<&'static str>,
    /// Validated `CHECK (col IS NOT NULL)` constraints: (table, column).
    proven: Vec<(QualName, String)>,
    /// `NOT VALID` ones: (table, constraint, column), proven once validated.
    pending: Vec<(QualName, String, String)>,
    /// The file each enum type was created in.
    pub(super) enum_files: rustc_hash::FxHashMap<QualName, u32>,
    /// Labels added by `ALTER TYPE … ADD VALUE`.
    pub(super) new_labels: Vec<super::enum_facts::NewLabel>,
    /// The positions in `new_labels` of each label's SQL string literal.
    pub(super) labels_by_literal: rustc_hash::FxHashMap<String, Vec<usize>>,
}

impl Replay<'_> {
    /// Counts a statement of the current file and records it when PostgreSQL refuses to run it
    /// in a transaction block. Called for every statement, parsed or not.
    pub fn note_statement(&mut self, stmt: Stmt<'_>) {
        let s = &mut self.safety;
        if s.file != Some(stmt.file) {
            s.file = Some(stmt.file);
            s.statements = 0;
            s.refused.clear();
        }
        s.statements += 1;
        if let Some(kind) = refused_kind(stmt.text) {
            s.refused.push(kind);
            self.safety_event(stmt.whole(), stmt.file, None, Action::Refused { kind });
        }
        self.label_uses(stmt);
        self.inner_semicolon(stmt);
    }

    /// Records how the tool runs `file`, with the statements counted while replaying it.
    pub fn file_run(&mut self, file: u32, run: FileRun) {
        let (statements, refused) = if self.safety.file == Some(file) {
            (self.safety.statements, self.safety.refused.clone())
        } else {
            (0, Vec::new())
        };
        self.events.push(Event::FileRun {
            file,
            run,
            statements,
            refused,
        });
    }

    pub(super) fn safety_event(
        &mut self,
        location: Origin,
        file: u32,
        table: Option<&QualName>,
        action: Action,
    ) {
        let created_in =
            table
                .and_then(|t| self.schema.tables.get(t))
                .and_then(|t| match t.origin {
                    Origin::Sql { file, .. } => Some(file),
                    _ => None,
                });
        let index = self.safety.statements.saturating_sub(1);
        self.events.push(Event::Safety(Box::new(Safety {
            location,
            file,
            index,
            table: table.cloned(),
            created_in,
            action,
        })));
    }

    /// Looks at a parsed statement before it is replayed.
    pub(super) fn safety_facts(&mut self, node: &Node, ctx: &Ctx<'_>) {
        match node.node.as_ref() {
            Some(NodeEnum::IndexStmt(s)) => self.index_facts(s, ctx),
            Some(NodeEnum::AlterTableStmt(s))
                if s.objtype == protobuf::ObjectType::ObjectTable as i32 =>
            {
                let Some(rv) = s.relation.as_ref() else {
                    return;
                };
                let table = self.lookup_name(rv);
                for cmd in &s.cmds {
                    if let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() {
                        self.alter_facts(&table, cmd, ctx);
                    }
                }
            }
            Some(NodeEnum::DropStmt(s)) => self.drop_facts(s, ctx),
            Some(NodeEnum::CreateEnumStmt(s)) => self.enum_created(s, ctx),
            Some(NodeEnum::AlterEnumStmt(s)) => self.enum_value_added(s, ctx),
            Some(NodeEnum::RenameStmt(s)) => self.rename_facts(s, ctx),
            Some(NodeEnum::VariableSetStmt(s)) if s.name.eq_ignore_ascii_case("lock_timeout") => {
                self.safety_event(ctx.stmt.whole(), ctx.stmt.file, None, Action::LockTimeout);
            }
            _ => {}
        }
    }

    fn index_facts(&mut self, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        // PostgreSQL refuses an index on a foreign table: nothing is locked or built.
        if self.is_foreign_table(&table) {
            return;
        }
        // An index on a column the table lacks fails anyway (another rule says so): its lock
        // is not worth a word.
        if let Some(t) = self.schema.tables.get(&table)
            && s.index_params.iter().any(|p| {
                matches!(p.node.as_ref(), Some(NodeEnum::IndexElem(e))
                    if !e.name.is_empty() && !t.columns.contains_key(truncate_identifier(&e.name)))
            })
        {
            return;
        }
        // `IF NOT EXISTS` on a name that exists: PostgreSQL builds nothing.
        if s.if_not_exists && !s.idxname.is_empty() {
            let name = QualName::new(table.schema.clone(), truncate_identifier(&s.idxname));
            if self.schema.relation_exists(&name) {
                return;
            }
        }
        let text = ctx.stmt.text.trim_end().trim_end_matches(';');
        let concurrent_sql = tokenize(text)
            .find(|t| t.kind == TokenKind::Ident && t.text(text).eq_ignore_ascii_case("index"))
            .map_or_else(
                || text.to_string(),
                |t| format!("{} CONCURRENTLY{}", &text[..t.end], &text[t.end..]),
            );
        let action = Action::CreateIndex {
            index: s.idxname.clone(),
            concurrently: s.concurrent,
            if_not_exists: s.if_not_exists,
            unique: s.unique,
            columns: super::lock_facts::plain_key_columns(s),
            concurrent_sql,
        };
        self.safety_event(ctx.stmt.whole(), ctx.stmt.file, Some(&table), action);
    }

    fn alter_facts(&mut self, table: &QualName, cmd: &protobuf::AlterTableCmd, ctx: &Ctx<'_>) {
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        let column = truncate_identifier(&cmd.name).to_string();
        let Ok(sub) = T::try_from(cmd.subtype) else {
            return;
        };
        let at = ctx.stmt.whole();
        let file = ctx.stmt.file;
        let action = match (sub, def) {
            (T::AtAddConstraint, Some(NodeEnum::Constraint(c))) => self.constraint_facts(table, c),
            (T::AtValidateConstraint, _) => {
                let s = &mut self.safety;
                if let Some(i) = s
                    .pending
                    .iter()
                    .position(|(t, n, _)| t == table && *n == column)
                {
                    let (t, _, col) = s.pending.remove(i);
                    s.proven.push((t, col));
                }
                None
            }
            (T::AtSetNotNull, _) => {
                let proven = self
                    .safety
                    .proven
                    .iter()
                    .any(|(t, c)| t == table && *c == column);
                Some(Action::SetNotNull { column, proven })
            }
            (T::AtAlterColumnType, Some(NodeEnum::ColumnDef(col))) => {
                self.type_facts(table, column, col)
            }
            (T::AtAddColumn, Some(NodeEnum::ColumnDef(col))) => {
                volatile_default(col).or(Some(Action::AccessExclusive { what: "ADD COLUMN" }))
            }
            (T::AtDropColumn, _) => Some(Action::AccessExclusive {
                what: "DROP COLUMN",
            }),
            (T::AtColumnDefault, _) => Some(Action::AccessExclusive {
                what: "SET DEFAULT",
            }),
            (T::AtDropNotNull, _) => Some(Action::AccessExclusive {
                what: "DROP NOT NULL",
            }),
            (T::AtDropConstraint, _) => Some(Action::AccessExclusive {
                what: "DROP CONSTRAINT",
            }),
            _ => None,
        };
        if let Some(action) = action {
            self.safety_event(at, file, Some(table), action);
        }
    }

    fn constraint_facts(&mut self, table: &QualName, c: &protobuf::Constraint) -> Option<Action> {
        let name = truncate_identifier(&c.conname).to_string();
        match ConstrType::try_from(c.contype).ok()? {
            ConstrType::ConstrForeign => {
                let ref_table = self.lookup_name(c.pktable.as_ref()?);
                Some(Action::AddForeignKey {
                    name,
                    ref_table,
                    not_valid: c.skip_validation,
                })
            }
            ConstrType::ConstrCheck => {
                if let Some(col) = c.raw_expr.as_deref().and_then(is_not_null_test) {
                    let cname = if name.is_empty() {
                        format!("{}_{col}_check", table.name)
                    } else {
                        name.clone()
                    };
                    if c.skip_validation {
                        self.safety.pending.push((table.clone(), cname, col));
                    } else {
                        self.safety.proven.push((table.clone(), col));
                    }
                }
                Some(Action::AddCheck {
                    name,
                    not_valid: c.skip_validation,
                })
            }
            ConstrType::ConstrPrimary | ConstrType::ConstrUnique if c.indexname.is_empty() => {
                Some(Action::AddKey {
                    name,
                    primary: c.contype == ConstrType::ConstrPrimary as i32,
                    columns: c.keys.iter().filter_map(string_of).collect(),
                })
            }
            _ => None,
        }
    }

    fn type_facts(
        &mut self,
        table: &QualName,
        column: String,
        col: &protobuf::ColumnDef,
    ) -> Option<Action> {
        let to = types::normalise(col.type_name.as_ref()?).name;
        let from = self
            .schema
            .tables
            .get(table)?
            .columns
            .get(&column)?
            .type_name
            .clone();
        let change = if col.raw_default.is_some() {
            TypeChange::Rewrite
        } else {
            type_change(&from, &to)
        };
        // The table's own indexes (the lookup), not every index of the schema.
        let indexed = self.indexes_on(table).iter().any(|name| {
            self.schema.indexes.get(name).is_some_and(|i| {
                &i.table == table
                    && i.keys.iter().any(|k| match &k.target {
                        KeyTarget::Column(c) => *c == column,
                        KeyTarget::Expr(e) => e.columns.contains(&column),
                    })
            })
        });
        Some(Action::AlterType {
            column,
            from,
            to,
            change,
            indexed,
        })
    }
}

fn string_of(node: &Node) -> Option<String> {
    match node.node.as_ref() {
        Some(NodeEnum::String(s)) => Some(truncate_identifier(&s.sval).to_string()),
        _ => None,
    }
}

/// `col IS NOT NULL` → the column.
fn is_not_null_test(node: &Node) -> Option<String> {
    let Some(NodeEnum::NullTest(t)) = node.node.as_ref() else {
        return None;
    };
    if t.nulltesttype != protobuf::NullTestType::IsNotNull as i32 {
        return None;
    }
    let Some(NodeEnum::ColumnRef(c)) = t.arg.as_ref()?.node.as_ref() else {
        return None;
    };
    c.fields.last().and_then(string_of)
}

/// Functions whose result changes per row: a default calling one is evaluated for every
/// existing row, which rewrites the table (PostgreSQL 11+ stores a non-volatile default in the
/// catalog instead).
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "random_normal",
    "gen_random_bytes",
    "uuidv4",
    "uuidv7",
    "txid_current",
];

/// What a new column's default does to the existing rows: a volatile one (or serial, identity,
/// stored generated) is computed per row; a constant one is stored once from PostgreSQL 11.
fn volatile_default(col: &protobuf::ColumnDef) -> Option<Action> {
    let column = truncate_identifier(&col.colname).to_string();
    if let Some(t) = col.type_name.as_ref()
        && types::normalise(t).serial
    {
        return Some(Action::VolatileDefault {
            column,
            default: "serial (nextval of a new sequence)".to_string(),
        });
    }
    for c in &col.constraints {
        let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
            continue;
        };
        match ConstrType::try_from(c.contype) {
            Ok(ConstrType::ConstrIdentity) => {
                return Some(Action::VolatileDefault {
                    column,
                    default: "GENERATED AS IDENTITY".to_string(),
                });
            }
            Ok(ConstrType::ConstrGenerated) => {
                return Some(Action::VolatileDefault {
                    column,
                    default: "GENERATED ALWAYS AS (…) STORED".to_string(),
                });
            }
            Ok(ConstrType::ConstrDefault) => {
                let raw = c.raw_expr.as_deref()?;
                // `DEFAULT NULL` is no default: nothing to write into the rows.
                if matches!(raw.node.as_ref(), Some(NodeEnum::AConst(k)) if k.isnull) {
                    return None;
                }
                let text = SqlExpr::text_of(raw);
                return Some(if calls_volatile(&text) {
                    Action::VolatileDefault {
                        column,
                        default: text,
                    }
                } else {
                    Action::ConstantDefault {
                        column,
                        default: text,
                    }
                });
            }
            _ => {}
        }
    }
    None
}

fn calls_volatile(text: &str) -> bool {
    let mut prev: Option<String> = None;
    for t in tokenize(text).filter(|t| !t.kind.is_trivia()) {
        if t.kind == TokenKind::LParen && prev.as_deref().is_some_and(|p| VOLATILE.contains(&p)) {
            return true;
        }
        prev = matches!(t.kind, TokenKind::Ident | TokenKind::QuotedIdent)
            .then(|| ident_value(&t, text).into_owned());
    }
    false
}

/// A type split into its base name and typmods: `character varying(10)` → (`character
/// varying`, [10]); `timestamp(3) without time zone` → (`timestamp without time zone`, [3]).
fn split_type(t: &str) -> (String, Vec<i64>) {
    match (t.find('('), t.find(')')) {
        (Some(open), Some(close)) if close > open => {
            let mods = t[open + 1..close]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            let base = format!("{}{}", t[..open].trim_end(), &t[close + 1..]);
            (base, mods)
        }
        _ => (t.to_string(), Vec::new()),
    }
}

/// Whether changing a column from `from` to `to` rewrites the table (ALTER TABLE notes; PG 9.2
/// release notes for typmod changes; measured with pg_class.relfilenode).
pub fn type_change(from: &str, to: &str) -> TypeChange {
    if from == to {
        return TypeChange::MetadataOnly;
    }
    if from.ends_with("[]") || to.ends_with("[]") {
        return TypeChange::Rewrite;
    }
    let ((fb, fm), (tb, tm)) = (split_type(from), split_type(to));
    let widened = |strict_scale: bool| match (fm.as_slice(), tm.as_slice()) {
        (_, []) => true,
        ([], _) => false,
        ([f, fs @ ..], [t, ts @ ..]) => t >= f && (!strict_scale || fs == ts),
    };
    use TypeChange::*;
    match (fb.as_str(), tb.as_str()) {
        ("character varying", "character varying") | ("bit varying", "bit varying") => {
            if widened(false) {
                MetadataOnly
            } else {
                Rewrite
            }
        }
        ("character varying", "text") => MetadataOnly,
        ("text", "character varying") if tm.is_empty() => MetadataOnly,
        ("numeric", "numeric") => {
            if widened(true) {
                MetadataOnly
            } else {
                Rewrite
            }
        }
        (a, b)
            if a == b
                && matches!(
                    a,
                    "timestamp without time zone"
                        | "timestamp with time zone"
                        | "time without time zone"
                        | "time with time zone"
                        | "interval"
                ) =>
        {
            if widened(false) {
                MetadataOnly
            } else {
                Rewrite
            }
        }
        ("timestamp without time zone", "timestamp with time zone")
        | ("timestamp with time zone", "timestamp without time zone")
            if tm.len() >= fm.len() =>
        {
            TimeZoneDependent
        }
        ("cidr", "inet") => MetadataOnly,
        ("integer", "oid") | ("oid", "integer") => IndexRebuild,
        _ => Rewrite,
    }
}

/// The statements PostgreSQL refuses inside a transaction block, recognised by their leading
/// words (most of them are not schema statements the replay parses).
pub fn refused_kind(text: &str) -> Option<&'static str> {
    // Called for every statement: most (INSERT, COPY, SET, GRANT, COMMENT …) are ruled out by
    // their first word, without lexing and upper-casing the head of the statement.
    const LEADS: &[&str] = &[
        "create", "drop", "reindex", "vacuum", "alter", "cluster", "discard", "commit", "rollback",
    ];
    let start = text.trim_start();
    let first = start
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(start, |end| &start[..end]);
    // A leading comment or parenthesis is left to the lexer below.
    if !first.is_empty() && !LEADS.iter().any(|w| first.eq_ignore_ascii_case(w)) {
        return None;
    }
    // The first twelve words, upper-cased in place on the stack (no allocation: this runs for
    // every CREATE, ALTER and DROP of a history). A quoted identifier or a string keeps its
    // quotes, so it never reads as a keyword.
    let mut buffers = [[0u8; 16]; 12];
    let mut words: [&str; 12] = [""; 12];
    let mut n = 0;
    let tokens = tokenize(text).filter(|t| !t.kind.is_trivia());
    for ((t, buffer), slot) in tokens.zip(buffers.iter_mut()).zip(words.iter_mut()) {
        let word = t.text(text);
        // Longer words are no keyword the patterns below name.
        *slot = if t.kind == TokenKind::Ident && word.len() <= 16 && word.is_ascii() {
            let buffer = &mut buffer[..word.len()];
            buffer.copy_from_slice(word.as_bytes());
            buffer.make_ascii_uppercase();
            // ASCII in, ASCII out.
            std::str::from_utf8(buffer).unwrap_or(word)
        } else {
            word
        };
        n += 1;
    }
    let w = &words[..n];
    let has = |word: &str| w.contains(&word);
    Some(match w {
        ["CREATE", "INDEX", "CONCURRENTLY", ..]
        | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => "CREATE INDEX CONCURRENTLY",
        ["DROP", "INDEX", "CONCURRENTLY", ..] => "DROP INDEX CONCURRENTLY",
        ["REINDEX", ..] if has("CONCURRENTLY") => "REINDEX CONCURRENTLY",
        ["REINDEX", ..] if has("SCHEMA") => "REINDEX SCHEMA",
        ["REINDEX", ..] if has("DATABASE") => "REINDEX DATABASE",
        ["REINDEX", ..] if has("SYSTEM") => "REINDEX SYSTEM",
        ["VACUUM", ..] => "VACUUM",
        ["ALTER", "SYSTEM", ..] => "ALTER SYSTEM",
        ["CREATE", "DATABASE", ..] => "CREATE DATABASE",
        ["DROP", "DATABASE", ..] => "DROP DATABASE",
        ["CREATE", "TABLESPACE", ..] => "CREATE TABLESPACE",
        ["DROP", "TABLESPACE", ..] => "DROP TABLESPACE",
        ["ALTER", "DATABASE", ..] if has("TABLESPACE") && has("SET") => {
            "ALTER DATABASE SET TABLESPACE"
        }
        ["CLUSTER", rest @ ..]
            if rest
                .iter()
                .all(|x| matches!(*x, "VERBOSE" | "(" | ")" | "," | "TRUE" | "ON")) =>
        {
            "CLUSTER"
        }
        ["DISCARD", "ALL", ..] => "DISCARD ALL",
        ["ALTER", "TABLE", ..] if has("DETACH") && has("CONCURRENTLY") => {
            "DETACH PARTITION CONCURRENTLY"
        }
        ["CREATE", "SUBSCRIPTION", ..] => {
            let lower = text.to_ascii_lowercase().replace(' ', "");
            if lower.contains("connect=false") || lower.contains("create_slot=false") {
                return None;
            }
            "CREATE SUBSCRIPTION"
        }
        ["DROP", "SUBSCRIPTION", ..] => "DROP SUBSCRIPTION",
        ["COMMIT", "PREPARED", ..] => "COMMIT PREPARED",
        ["ROLLBACK", "PREPARED", ..] => "ROLLBACK PREPARED",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::refused_kind;

    #[test]
    fn refused_statements_are_known_by_their_leading_words() {
        for (text, kind) in [
            (
                "create index concurrently i on t (a)",
                Some("CREATE INDEX CONCURRENTLY"),
            ),
            (
                "-- why\nCREATE INDEX CONCURRENTLY i ON t (a)",
                Some("CREATE INDEX CONCURRENTLY"),
            ),
            ("/* x */ VACUUM t", Some("VACUUM")),
            ("REINDEX TABLE CONCURRENTLY t", Some("REINDEX CONCURRENTLY")),
            ("CREATE INDEX i ON t (a)", None),
            ("INSERT INTO t VALUES ('VACUUM')", None),
            ("SET lock_timeout = '1s'", None),
        ] {
            assert_eq!(refused_kind(text), kind, "{text}");
        }
    }
}
