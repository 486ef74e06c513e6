//! `driftlint check`: discover migration files, split, parse, replay, run the rules.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::config::Exclude;
use crate::finding::Finding;
use crate::rules::{self, RuleInput, Unparsed, unlisted_migration, unreadable_file};
use crate::schema::replay::{FileRun, Replay, Stmt};
use crate::schema::{Origin, Schema};
use crate::source::migrations::{self, DiscoverError, Layout, NoticeKind, section_range};
use crate::source::read;
use crate::sql::parse::{self, StatementClass};
use crate::sql::split::{self, RawKind};
use crate::suppress::Ignores;
use crate::timings;

// Re-exported at their old path for the commands, which other branches still name this way.
use crate::source::file::SourceFile;

/// What to check.
#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    /// Files or folders; empty means "look for the usual folders under the current directory".
    pub paths: Vec<PathBuf>,
    /// Overrides layout detection.
    pub layout: Option<Layout>,
    /// How the project runs its migration tool, where the files do not say (`[runner]`).
    pub runner: migrations::settings::RunnerSettings,
    /// The PostgreSQL release the migrations are judged for (`target_version`), when known.
    pub target: Option<crate::schema::pg_version::PgVersion>,
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
    /// DDL replayed from a branch of a `DO` block that may not have run (see
    /// [`Replay::conditional_ddl`]).
    pub conditional_ddl: Vec<crate::schema::Origin>,
    /// Objects altered by name in such a branch (see [`Replay::conditional_objects`]).
    pub conditional_objects: Vec<(crate::schema::QualName, String, crate::schema::Origin)>,
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
    /// A bug: driftlint panicked while checking (exit code 2).
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// Where bugs are reported.
pub const ISSUE_TRACKER: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/issues");

/// A bug: a panic inside driftlint while splitting, parsing or replaying a statement, or while
/// running the rules.
///
/// The run stops rather than carrying on: a panic mid-statement may leave the replayed model
/// half-updated, and findings computed from it could be silently wrong.
#[derive(Debug, thiserror::Error)]
#[error(
    "internal error while {stage}{}: {message}\nThis is a bug in driftlint {}, not a problem with your migrations; please report it at {ISSUE_TRACKER} with the statement (or a smaller one that triggers it)",
    location.as_deref().map(|l| format!(" {l}")).unwrap_or_default(),
    env!("CARGO_PKG_VERSION")
)]
pub struct InternalError {
    /// What driftlint was doing: `splitting`, `parsing`, `replaying`, `running the rules`.
    pub stage: &'static str,
    /// The statement: `the statement at <file>:<line>:<column> (byte <offset>)`, or the file.
    pub location: Option<String>,
    /// The panic's message.
    pub message: String,
}

/// The payload a per-statement panic is re-raised with, so that the caller that knows the
/// file's path can name it.
struct StatementPanic {
    file: u32,
    /// Byte offset of the statement in the file (`None` while splitting).
    offset: Option<usize>,
    stage: &'static str,
    message: String,
}

/// The message of a panic caught on a parser thread, carried back to the replaying thread.
struct ParserPanic(String);

/// The message of a panic payload (`panic!` gives `&str` or `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

impl InternalError {
    /// The internal error for a panic raised while checking `file`.
    fn from_panic(payload: Box<dyn Any + Send>, file: Option<&SourceFile>) -> Self {
        match payload.downcast::<StatementPanic>() {
            Ok(p) => {
                let location = match (file, p.offset) {
                    (Some(f), Some(offset)) => {
                        let (line, column) = f.line_col(offset);
                        Some(format!(
                            "the statement at {}:{line}:{column} (byte {offset})",
                            f.display
                        ))
                    }
                    (Some(f), None) => Some(f.display.clone()),
                    (None, Some(offset)) => Some(format!(
                        "the statement at byte {offset} of file #{}",
                        p.file
                    )),
                    (None, None) => None,
                };
                InternalError {
                    stage: p.stage,
                    location,
                    message: p.message,
                }
            }
            Err(other) => InternalError {
                stage: "checking",
                location: file.map(|f| f.display.clone()),
                message: panic_message(&*other),
            },
        }
    }
}

/// Runs `f`; a panic in it is re-raised as a [`StatementPanic`] naming the statement.
fn guard<T>(stage: &'static str, file: u32, offset: Option<usize>, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) if payload.is::<StatementPanic>() => resume_unwind(payload),
        Err(payload) => resume_unwind(Box::new(StatementPanic {
            file,
            offset,
            stage,
            message: panic_message(&*payload),
        })),
    }
}

/// Test hook for the internal-error path: in debug builds, `DRIFTLINT_INJECT_PANIC=STAGE:TEXT`
/// (STAGE `parse` or `replay`) panics in that stage on a statement containing TEXT. Release
/// builds compile it out.
#[cfg(debug_assertions)]
fn inject_panic(stage: &str, statement: &str) {
    static HOOK: OnceLock<Option<(String, String)>> = OnceLock::new();
    let hook = HOOK.get_or_init(|| {
        let value = std::env::var("DRIFTLINT_INJECT_PANIC").ok()?;
        let (stage, text) = value.split_once(':')?;
        Some((stage.to_string(), text.to_string()))
    });
    if let Some((s, text)) = hook
        && s == stage
        && statement.contains(text.as_str())
    {
        panic!("panic injected by DRIFTLINT_INJECT_PANIC in stage `{stage}`");
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
fn inject_panic(_stage: &str, _statement: &str) {}

/// Stack size of the parser threads. libpg_query is recursive C that sizes its own
/// "stack depth limit exceeded" check to the stack it finds (at most 2 MiB plus 512 KiB of
/// slack), and its protobuf output recurses as deep as the tree it accepted: 64 MiB of address
/// space (committed only as used) leaves ample room on any caller's thread.
const PARSE_STACK: usize = 64 * 1024 * 1024;

/// The thread pool statements are parsed on: rayon's global pool has the platform's small
/// default stacks. `None` if the threads cannot be created (then the global pool is used).
fn parse_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(PARSE_STACK)
            .thread_name(|i| format!("driftlint-parse-{i}"))
            .build()
            .ok()
    })
    .as_ref()
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
    let discovery = timings::time("discover", || discover(options, exclude, pending, &cwd))?;
    let started = start.is_some();
    let mut state = Checking {
        files: Vec::new(),
        findings: Vec::new(),
        unparsed: Vec::new(),
        ignores: Ignores::default(),
        statements: 0,
        // Against a database the pending files are known: drizzle-kit runs them as one batch.
        batch: started.then_some(u32::MAX),
        project: options.runner.resolve(
            discovery.files.first().map(|mf| mf.path.as_path()),
            &layouts_of(&discovery.files),
        ),
    };
    let mut replay = match start {
        Some(schema) => Replay::starting_from(schema, reference),
        None => Replay::new(reference),
    };
    for notice in &discovery.notices {
        let id = state.files.len() as u32;
        state.files.push(SourceFile::new(
            notice.path.clone(),
            String::new(),
            Some(&cwd),
        ));
        state.findings.push(match notice.kind {
            NoticeKind::Unreadable => unreadable_file::unreadable(notice.message.clone(), id),
            _ => unlisted_migration::unlisted(notice.message.clone(), id),
        });
    }
    for mf in &discovery.files {
        state.read_and_replay(mf, &cwd, &mut replay)?;
    }
    state.finish(replay, reference.is_some() || started, options.target)
}

/// The migration files to check: discovered, then filtered by `exclude` and `pending`.
fn discover(
    options: &CheckOptions,
    exclude: &Exclude,
    pending: &dyn Fn(&migrations::MigrationFile) -> bool,
    cwd: &Path,
) -> Result<migrations::Discovery, CheckError> {
    let mut discovery = if options.paths.is_empty() {
        migrations::discover_default(cwd, options.layout)?
    } else {
        migrations::discover(&options.paths, options.layout)?
    };
    if !exclude.is_empty() {
        discovery.files.retain(|mf| !exclude.matches(&mf.path));
        discovery.notices.retain(|n| !exclude.matches(&n.path));
    }
    discovery.files.retain(|mf| pending(mf));
    Ok(discovery)
}

/// A check under way: what has been read and found so far.
struct Checking {
    files: Vec<SourceFile>,
    findings: Vec<Finding>,
    unparsed: Vec<Unparsed>,
    ignores: Ignores,
    statements: usize,
    /// The transaction unit shared by the pending files, when they are known.
    batch: Option<u32>,
    /// What the project says about its migration tool.
    project: migrations::settings::Resolved,
}

/// The layouts of the discovered files, each once.
fn layouts_of(files: &[migrations::MigrationFile]) -> Vec<Layout> {
    let mut layouts: Vec<Layout> = files.iter().map(|mf| mf.layout).collect();
    layouts.dedup();
    layouts
}

impl Checking {
    /// Reads one migration file and replays its section; a file that cannot be read, or has
    /// invalid bytes, is reported as such.
    fn read_and_replay(
        &mut self,
        mf: &migrations::MigrationFile,
        cwd: &Path,
        replay: &mut Replay<'_>,
    ) -> Result<(), CheckError> {
        let id = self.files.len() as u32;
        let source = match timings::time("read", || read::read_file(&mf.path)) {
            Ok(s) => s,
            Err(e) => {
                self.files
                    .push(SourceFile::new(mf.path.clone(), String::new(), Some(cwd)));
                self.findings
                    .push(unreadable_file::unreadable(e.to_string(), id));
                return Ok(());
            }
        };
        self.findings
            .extend(unreadable_file::invalid_text(&source, id));
        let file = SourceFile::new(mf.path.clone(), source.text, Some(cwd));
        let range = section_range(&file.text, mf.section);
        replay.reset_session();
        // Only the section's text: a dbmate file's `-- migrate:down` part is never replayed.
        let replayed = catch_unwind(AssertUnwindSafe(|| {
            replay_text_collecting(
                &file.text[..range.end],
                range.start,
                id,
                replay,
                &mut self.unparsed,
                &mut self.ignores,
            )
        }));
        match replayed {
            Ok(n) => self.statements += n,
            Err(payload) => return Err(InternalError::from_panic(payload, Some(&file)).into()),
        }
        // Files known to be applied together (changed on the branch) share one unit too.
        let batch = self
            .batch
            .or_else(|| self.project.is_pending(&mf.path).then_some(u32::MAX));
        let run =
            migrations::runner::file_run(mf.layout, &mf.path, &file.text, id, batch, &self.project);
        replay.file_run(id, run);
        self.files.push(file);
        Ok(())
    }

    /// Runs the rules on the replayed schema, applies the ignore comments and sorts.
    fn finish(
        mut self,
        mut replay: Replay<'_>,
        has_reference: bool,
        target: Option<crate::schema::pg_version::PgVersion>,
    ) -> Result<Run, CheckError> {
        self.unparsed.append(&mut replay.unparsed);
        replay.settle();
        let mut input = RuleInput::new(&replay.schema, &replay.events, &self.unparsed);
        input.has_reference = has_reference;
        input.target = target;
        let ruled = timings::time("rules", || {
            catch_unwind(AssertUnwindSafe(|| match parse_pool() {
                Some(pool) => pool.install(|| rules::run(&input)),
                None => rules::run(&input),
            }))
        });
        match ruled {
            Ok(found) => self.findings.extend(found),
            Err(payload) => {
                return Err(InternalError {
                    stage: "running the rules",
                    location: None,
                    message: panic_message(&*payload),
                }
                .into());
            }
        }
        self.ignores.apply(&mut self.findings);
        sort_findings(&mut self.findings);
        Ok(Run {
            files: self.files,
            schema: replay.schema,
            findings: self.findings,
            statements: self.statements,
            conditional_ddl: replay.conditional_ddl,
            conditional_objects: replay.conditional_objects,
        })
    }
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
///
/// A panic (a bug) while splitting, parsing or replaying a statement propagates with a payload
/// naming the statement; [`check`] turns it into an [`InternalError`].
pub fn replay_text_collecting(
    text: &str,
    base: usize,
    file: u32,
    replay: &mut Replay<'_>,
    unparsed: &mut Vec<Unparsed>,
    ignores: &mut Ignores,
) -> usize {
    let body = &text[base..];
    let raws = timings::time("split", || {
        guard("splitting", file, None, || split::split(body))
    });
    let count = raws.len();
    ignores.collect(body, base, file, &raws);
    let batches: Vec<&[split::RawStatement]> = raws.chunks(PARSE_BATCH).collect();
    let mut next = batches.first().map(|batch| match parse_pool() {
        Some(pool) => pool.install(|| parse_batch(body, batch)),
        None => parse_batch(body, batch),
    });
    for (i, batch) in batches.iter().enumerate() {
        let parsed = next.take().unwrap_or_default();
        let following = batches.get(i + 1);
        // The next batch is parsed on the pool while this one is replayed here, in order.
        let mut upcoming = None;
        let replay_batch = |replay: &mut Replay<'_>, unparsed: &mut Vec<Unparsed>| {
            let started = timings::enabled().then(std::time::Instant::now);
            for (raw, parsed) in batch.iter().zip(parsed) {
                let stmt = Stmt {
                    file,
                    offset: base + raw.span.start,
                    text: &body[raw.span.clone()],
                };
                let (class, tree) = match parsed {
                    Ok(parsed) => parsed,
                    Err(ParserPanic(message)) => resume_unwind(Box::new(StatementPanic {
                        file,
                        offset: Some(stmt.offset),
                        stage: "parsing",
                        message,
                    })),
                };
                guard("replaying", file, Some(stmt.offset), || {
                    inject_panic("replay", stmt.text);
                    replay_statement(stmt, class, tree, replay, unparsed);
                });
            }
            if let Some(started) = started {
                timings::record("replay", started.elapsed());
            }
        };
        match (parse_pool(), following) {
            (Some(pool), Some(following)) => pool.in_place_scope(|scope| {
                scope.spawn(|_| upcoming = Some(parse_batch(body, following)));
                replay_batch(replay, unparsed);
            }),
            _ => {
                replay_batch(replay, unparsed);
                upcoming = following.map(|f| parse_batch(body, f));
            }
        }
        next = upcoming;
    }
    count
}

/// One statement classified and, when it can change the schema, parsed; or the message of a
/// panic in the parser.
type Parsed = Result<(StatementClass, Option<ParsedStatement>), ParserPanic>;

/// Classifies and parses a batch of statements in parallel (on the caller's pool).
fn parse_batch(body: &str, batch: &[split::RawStatement]) -> Vec<Parsed> {
    timings::time("parse", || {
        batch
            .par_iter()
            .map(|raw| {
                let stmt_text = &body[raw.span.clone()];
                // Caught here, on the parser thread, so the statement can be named.
                catch_unwind(|| {
                    inject_panic("parse", stmt_text);
                    let class = if raw.kind == RawKind::CopyFromStdin {
                        StatementClass::Data
                    } else {
                        parse::classify(stmt_text)
                    };
                    let tree =
                        (class == StatementClass::Schema).then(|| parse::serialise(stmt_text));
                    (class, tree)
                })
                .map_err(|payload| ParserPanic(panic_message(&*payload)))
            })
            .collect()
    })
}

/// Replays one classified (and, for schema statements, parsed) statement; a syntax error
/// becomes an [`Unparsed`].
fn replay_statement(
    stmt: Stmt<'_>,
    class: StatementClass,
    tree: Option<ParsedStatement>,
    replay: &mut Replay<'_>,
    unparsed: &mut Vec<Unparsed>,
) {
    let file = stmt.file;
    replay.note_statement(stmt);
    let tree = tree.map(|t| t.and_then(|serialised| serialised.decode()));
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
                        .find(|c: char| c.is_whitespace() || c == ',' || c == ')' || c == '(')
                        .map_or(stmt.text.len(), |e| o + e.max(1));
                    Origin::sql(file, stmt.offset + o..stmt.offset + end.max(o))
                }
                None => Origin::sql(file, stmt.offset..stmt.offset + stmt.text.len()),
            };
            unparsed.push(Unparsed {
                message: e.message,
                origin,
                beyond_limits: e.beyond_limits,
            });
        }
        _ => {}
    }
}

/// A statement's serialised parse trees, or the syntax error that stopped the parser.
type ParsedStatement = Result<parse::Serialised, parse::SyntaxError>;

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
///
/// Panics with the [`InternalError`] message when driftlint has a bug.
pub fn check_sql(name: &str, sql: &str) -> Run {
    check_sql_running(name, sql, &rules::run)
}

/// [`check_sql`] running `run_rules` instead of every rule (the per-rule test harness runs one).
pub fn check_sql_running(
    name: &str,
    sql: &str,
    run_rules: &dyn Fn(&RuleInput<'_>) -> Vec<Finding>,
) -> Run {
    check_sql_files_running(&[(name, sql)], run_rules)
}

/// Checks several in-memory files as consecutive migrations (rule pages whose example needs a
/// table from an earlier migration).
pub fn check_sql_files(files: &[(&str, &str)]) -> Run {
    check_sql_files_running(files, &rules::run)
}

/// [`check_sql_files`] running `run_rules` instead of every rule.
pub fn check_sql_files_running(
    files: &[(&str, &str)],
    run_rules: &dyn Fn(&RuleInput<'_>) -> Vec<Finding>,
) -> Run {
    check_sql_files_for(files, None, run_rules)
}

/// [`check_sql_files_running`] judging for the PostgreSQL release `target`.
pub fn check_sql_files_for(
    files: &[(&str, &str)],
    target: Option<crate::schema::pg_version::PgVersion>,
    run_rules: &dyn Fn(&RuleInput<'_>) -> Vec<Finding>,
) -> Run {
    let mut replay = Replay::new(None);
    let mut unparsed = Vec::new();
    let mut ignores = Ignores::default();
    let mut statements = 0;
    for (id, (name, sql)) in files.iter().enumerate() {
        let id = id as u32;
        replay.reset_session();
        match catch_unwind(AssertUnwindSafe(|| {
            replay_text_collecting(sql, 0, id, &mut replay, &mut unparsed, &mut ignores)
        })) {
            Ok(n) => statements += n,
            Err(payload) => {
                let file = SourceFile::new(PathBuf::from(name), sql.to_string(), None);
                panic!("{}", InternalError::from_panic(payload, Some(&file)));
            }
        }
        replay.file_run(id, FileRun::unknown(id));
    }
    unparsed.append(&mut replay.unparsed);
    replay.settle();
    let mut input = RuleInput::new(&replay.schema, &replay.events, &unparsed);
    input.target = target;
    let mut findings = run_rules(&input);
    ignores.apply(&mut findings);
    sort_findings(&mut findings);
    let files = files
        .iter()
        .map(|(name, sql)| SourceFile::new(PathBuf::from(name), sql.to_string(), None))
        .collect();
    Run {
        files,
        schema: replay.schema,
        findings,
        statements,
        conditional_ddl: replay.conditional_ddl,
        conditional_objects: replay.conditional_objects,
    }
}
