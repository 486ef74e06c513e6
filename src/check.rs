//! `driftlint check`: discover migration files, split, parse, replay, run the rules.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Exclude;
use crate::finding::Finding;
use crate::rules::{self, RuleInput, Unparsed};
use crate::schema::replay::{Replay, Stmt};
use crate::schema::{Origin, Schema};
use crate::source::migrations::{self, DiscoverError, Layout, NoticeKind, section_range};
use crate::source::read::{self, LineIndex, TextProblemKind};
use crate::sql::parse::{self, StatementClass};
use crate::sql::split::{self, RawKind};
use crate::suppress::Ignores;

/// A file that took part in a run; findings point into it by its index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as found.
    pub path: PathBuf,
    /// The path as shown: relative to the current directory when below it.
    pub display: String,
    /// Its text (empty when it could not be read).
    pub text: String,
    /// Line starts, for line/column positions.
    pub lines: LineIndex,
}

impl SourceFile {
    fn new(path: PathBuf, text: String, cwd: Option<&Path>) -> Self {
        let display = display_path(&path, cwd);
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            display,
            text,
            lines,
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// A path relative to `cwd` when it lies below it, with `/` separators.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd
        .and_then(|cwd| {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                cwd.join(path)
            };
            abs.strip_prefix(cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// What to check.
#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    /// Files or folders; empty means "look for the usual folders under the current directory".
    pub paths: Vec<PathBuf>,
    /// Overrides layout detection.
    pub layout: Option<Layout>,
}

/// Everything a run produced.
#[derive(Debug)]
pub struct Run {
    /// Files read (and files reported without being read), indexed by `Origin::Sql::file`.
    pub files: Vec<SourceFile>,
    /// The replayed schema.
    pub schema: Schema,
    /// Findings, sorted by file and position.
    pub findings: Vec<Finding>,
    /// Statements read.
    pub statements: usize,
}

/// Why a run could not happen at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// Discovery failed (a path does not exist, nothing found).
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// The current directory is unusable.
    #[error("cannot determine the current directory: {0}")]
    CurrentDir(std::io::Error),
}

/// Statements are parsed in parallel in batches of this many, then replayed in order: enough
/// to keep both cores busy, small enough that parse trees never pile up in memory.
const PARSE_BATCH: usize = 256;

/// Runs `check` on migration files.
pub fn check(options: &CheckOptions, reference: Option<&Schema>) -> Result<Run, CheckError> {
    check_excluding(options, reference, &Exclude::default())
}

/// Runs `check` on the migration files `exclude` does not match (`exclude` in
/// `driftlint.toml`): excluded files are neither read nor replayed.
pub fn check_excluding(
    options: &CheckOptions,
    reference: Option<&Schema>,
    exclude: &Exclude,
) -> Result<Run, CheckError> {
    check_starting_from(options, reference, exclude, None, &|_| true)
}

/// [`check_excluding`] on top of an existing schema (`start`, e.g. a live database's): only
/// the migration files `pending` accepts are replayed, and tables the replay does not know
/// are known not to exist (as with a reference).
pub fn check_starting_from(
    options: &CheckOptions,
    reference: Option<&Schema>,
    exclude: &Exclude,
    start: Option<Schema>,
    pending: &dyn Fn(&migrations::MigrationFile) -> bool,
) -> Result<Run, CheckError> {
    let cwd = std::env::current_dir().map_err(CheckError::CurrentDir)?;
    let mut discovery = if options.paths.is_empty() {
        migrations::discover_default(&cwd, options.layout)?
    } else {
        migrations::discover(&options.paths, options.layout)?
    };
    if !exclude.is_empty() {
        discovery.files.retain(|mf| !exclude.matches(&mf.path));
        discovery.notices.retain(|n| !exclude.matches(&n.path));
    }
    discovery.files.retain(|mf| pending(mf));
    let started = start.is_some();
    let mut ignores = Ignores::default();

    let mut files: Vec<SourceFile> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut unparsed: Vec<Unparsed> = Vec::new();
    let mut replay = match start {
        Some(schema) => Replay::starting_from(schema, reference),
        None => Replay::new(reference),
    };
    let mut statements = 0;

    for notice in &discovery.notices {
        let id = files.len() as u32;
        files.push(SourceFile::new(
            notice.path.clone(),
            String::new(),
            Some(&cwd),
        ));
        let rule = match notice.kind {
            NoticeKind::Unreadable => &rules::UNREADABLE_FILE,
            _ => &rules::UNLISTED_MIGRATION,
        };
        findings.push(Finding::new(
            rule,
            notice.message.clone(),
            Origin::sql(id, 0..0),
        ));
    }

    for mf in &discovery.files {
        let id = files.len() as u32;
        let source = match read::read_file(&mf.path) {
            Ok(s) => s,
            Err(e) => {
                files.push(SourceFile::new(mf.path.clone(), String::new(), Some(&cwd)));
                findings.push(Finding::new(
                    &rules::UNREADABLE_FILE,
                    e.to_string(),
                    Origin::sql(id, 0..0),
                ));
                continue;
            }
        };
        if let Some(first) = source.problems.first() {
            let what = match first.kind {
                TextProblemKind::InvalidUtf8 { .. } => "bytes that are not valid UTF-8",
                TextProblemKind::NulByte => "a NUL byte",
            };
            let more = source.problems.len() - 1 + source.more_problems;
            let message = if more > 0 {
                format!(
                    "file contains {what} here, and {more} more invalid sequence(s); they are replaced and the rest is linted"
                )
            } else {
                format!("file contains {what} here; it is replaced and the rest is linted")
            };
            let end = source.text[first.offset..]
                .chars()
                .next()
                .map_or(first.offset, |c| first.offset + c.len_utf8());
            findings.push(
                Finding::new(
                    &rules::UNREADABLE_FILE,
                    message,
                    Origin::sql(id, first.offset..end),
                )
                .help("save the file as UTF-8 text"),
            );
        }
        let file = SourceFile::new(mf.path.clone(), source.text, Some(&cwd));
        let range = section_range(&file.text, mf.section);
        replay.reset_session();
        // Only the section's text: a dbmate file's `-- migrate:down` part is never replayed.
        statements += replay_text_collecting(
            &file.text[..range.end],
            range.start,
            id,
            &mut replay,
            &mut unparsed,
            &mut ignores,
        );
        files.push(file);
    }

    let input = RuleInput {
        schema: &replay.schema,
        events: &replay.events,
        unparsed: &unparsed,
        has_reference: reference.is_some() || started,
    };
    findings.extend(rules::run(&input));
    ignores.apply(&mut findings);
    sort_findings(&mut findings);
    Ok(Run {
        files,
        schema: replay.schema,
        findings,
        statements,
    })
}

/// Splits, parses and replays one text (a file, or the up-section of one). Returns the number
/// of statements read.
pub fn replay_text(
    text: &str,
    base: usize,
    file: u32,
    replay: &mut Replay<'_>,
    unparsed: &mut Vec<Unparsed>,
) -> usize {
    replay_text_collecting(text, base, file, replay, unparsed, &mut Ignores::default())
}

/// [`replay_text`], also collecting the text's `driftlint-ignore` comments into `ignores`.
pub fn replay_text_collecting(
    text: &str,
    base: usize,
    file: u32,
    replay: &mut Replay<'_>,
    unparsed: &mut Vec<Unparsed>,
    ignores: &mut Ignores,
) -> usize {
    let body = &text[base..];
    let raws = split::split(body);
    let count = raws.len();
    ignores.collect(body, base, file, &raws);
    for batch in raws.chunks(PARSE_BATCH) {
        let parsed: Vec<(StatementClass, Option<ParsedStatement>)> = batch
            .par_iter()
            .map(|raw| {
                let stmt_text = &body[raw.span.clone()];
                let class = if raw.kind == RawKind::CopyFromStdin {
                    StatementClass::Data
                } else {
                    parse::classify(stmt_text)
                };
                let tree = (class == StatementClass::Schema).then(|| parse::parse(stmt_text));
                (class, tree)
            })
            .collect();
        for (raw, (class, tree)) in batch.iter().zip(parsed) {
            let stmt = Stmt {
                file,
                offset: base + raw.span.start,
                text: &body[raw.span.clone()],
            };
            match (class, tree) {
                (StatementClass::Data, _) => replay.data_load(stmt),
                (_, Some(Ok(nodes))) => {
                    for node in &nodes {
                        replay.apply(node, stmt);
                    }
                }
                (_, Some(Err(e))) => {
                    let at = e.offset.map(|o| o.min(stmt.text.len()));
                    let origin = match at {
                        Some(o) => {
                            let end = stmt.text[o..]
                                .find(|c: char| {
                                    c.is_whitespace() || c == ',' || c == ')' || c == '('
                                })
                                .map_or(stmt.text.len(), |e| o + e.max(1));
                            Origin::sql(file, stmt.offset + o..stmt.offset + end.max(o))
                        }
                        None => Origin::sql(file, stmt.offset..stmt.offset + stmt.text.len()),
                    };
                    unparsed.push(Unparsed {
                        message: e.message,
                        origin,
                    });
                }
                _ => {}
            }
        }
    }
    count
}

/// A statement's parse trees, or the syntax error that stopped the parser.
type ParsedStatement = Result<Vec<pg_query::protobuf::Node>, parse::SyntaxError>;

/// Orders findings by file, position, then rule, so output is stable.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| match f.origin {
            Origin::Sql { file, start, end } => (0, file, start, end),
            _ => (1, 0, 0, 0),
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.table.cmp(&b.table))
            .then_with(|| a.object.cmp(&b.object))
    });
}

/// Checks SQL text directly (rule pages, tests): one in-memory file named `name`.
pub fn check_sql(name: &str, sql: &str) -> Run {
    let mut replay = Replay::new(None);
    let mut unparsed = Vec::new();
    let mut ignores = Ignores::default();
    let statements = replay_text_collecting(sql, 0, 0, &mut replay, &mut unparsed, &mut ignores);
    let input = RuleInput {
        schema: &replay.schema,
        events: &replay.events,
        unparsed: &unparsed,
        has_reference: false,
    };
    let mut findings = rules::run(&input);
    ignores.apply(&mut findings);
    sort_findings(&mut findings);
    let files = vec![SourceFile::new(PathBuf::from(name), sql.to_string(), None)];
    Run {
        files,
        schema: replay.schema,
        findings,
        statements,
    }
}
