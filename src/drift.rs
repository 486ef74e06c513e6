//! `driftlint diff A B`, `check --drizzle PATH` and `check --prisma PATH`: schemas from
//! different sources, compared or used as the reference for a migration check.
//!
//! A side is a migrations path (replayed), `drizzle:PATH` (an out folder, a snapshot file or
//! the TypeScript schema), `prisma:PATH` (a `schema.prisma`, a folder of `.prisma` files or a
//! project) or a database URL: [`SideSpec`] is where a source plugs in (`SideSpec::parse` and
//! `load_side`).

use std::path::{Path, PathBuf};

use crate::check::{CheckError, CheckOptions, Run, check_excluding};
use crate::config::Exclude;
use crate::finding::Finding;
use crate::rules::{
    self, drizzle_journal, drizzle_unsupported, prisma_unsupported, unreadable_file,
};
use crate::schema::diff::{Drift, Side, diff};
use crate::schema::{Origin, QualName, Schema};
use crate::source::conninfo::{ConnInfo, is_conninfo, redact};
use crate::source::database::{ConnectOptions, DatabaseError};
use crate::source::drizzle::{self, DrizzleError};
use crate::source::file::SourceFile;
use crate::source::migrations::Layout;
use crate::source::prisma::{self, PrismaError};

/// Where one side of a comparison comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideSpec {
    /// Migration files replayed (a folder or files, layout detected).
    Migrations(PathBuf),
    /// A Drizzle source: out folder (latest snapshot), snapshot file, or `schema.ts`.
    Drizzle(PathBuf),
    /// A live database (`postgres://…`, `postgresql://…` or a key=value conninfo), introspected.
    Database(ConnectOptions),
    /// A Prisma schema: `schema.prisma`, a folder of `.prisma` files, or a project folder.
    Prisma {
        /// The path.
        path: PathBuf,
        /// The Prisma major version; `None` reads it from the project's `package.json`.
        major: Option<u32>,
    },
}

impl SideSpec {
    /// `drizzle:PATH`, `prisma:PATH`, a database (`postgres://…` URL or key=value conninfo),
    /// or a plain path (migrations). Every text names some side.
    pub fn parse(text: &str) -> SideSpec {
        if let Some(p) = text.strip_prefix("drizzle:") {
            return SideSpec::Drizzle(PathBuf::from(p));
        }
        if let Some(p) = text.strip_prefix("prisma:") {
            return SideSpec::Prisma {
                path: PathBuf::from(p),
                major: None,
            };
        }
        if is_conninfo(text) {
            return SideSpec::Database(ConnectOptions::new(text));
        }
        SideSpec::Migrations(PathBuf::from(
            text.strip_prefix("migrations:").unwrap_or(text),
        ))
    }

    /// How messages name this side: `migrations`, `drizzle snapshot`, `drizzle schema`, or
    /// `database TARGET` (the target without its password).
    pub fn label(&self) -> String {
        match self {
            SideSpec::Migrations(_) => "migrations".into(),
            SideSpec::Drizzle(p) if is_ts(p) => "drizzle schema".into(),
            SideSpec::Drizzle(_) => "drizzle snapshot".into(),
            SideSpec::Database(o) => match ConnInfo::parse(&o.target) {
                Ok(info) => format!("database {}", info.describe()),
                Err(_) => format!("database {}", redact(&o.target)),
            },
            SideSpec::Prisma { .. } => "prisma schema".into(),
        }
    }

    /// The label with the side's path or target, for two sides of one kind.
    fn label_with_place(&self) -> String {
        match self {
            SideSpec::Migrations(p) | SideSpec::Drizzle(p) => {
                format!("{} {}", self.label(), p.display())
            }
            SideSpec::Database(_) | SideSpec::Prisma { .. } => self.label(),
        }
    }
}

fn is_ts(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "ts")
        || (p.is_dir() && drizzle::latest_snapshot(p).ok().flatten().is_none())
}

/// Why a comparison or a check with a reference could not run.
#[derive(Debug, thiserror::Error)]
pub enum DriftError {
    /// Replaying migrations failed.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// Reading a Drizzle source failed.
    #[error(transparent)]
    Drizzle(#[from] DrizzleError),
    /// A database side could not be read.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// Reading a Prisma schema failed.
    #[error(transparent)]
    Prisma(#[from] PrismaError),
}

/// A loaded side: its schema, the files it came from, and findings made while loading.
struct Loaded {
    schema: Schema,
    files: Vec<SourceFile>,
    findings: Vec<Finding>,
    statements: usize,
    /// Where enum types are declared, when the source knows (Prisma); the model keeps none.
    enum_origins: Vec<(QualName, Origin)>,
    /// DDL replayed from a branch of a `DO` block (migrations only).
    conditional_ddl: Vec<Origin>,
    /// Objects such DDL alters by name: table, object, where.
    conditional_objects: Vec<(QualName, String, Origin)>,
}

/// A Drizzle or Prisma file of a side, read again for the report's excerpts (empty when
/// unreadable).
fn source_file(path: &Path, cwd: Option<&Path>) -> SourceFile {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    SourceFile::new(path.to_path_buf(), text, cwd)
}

/// Moves every `Origin::Drizzle` / `Origin::Sql` file id by `by` (files appended after others).
fn shift(origin: &mut Origin, by: u32) {
    match origin {
        Origin::Drizzle { file } | Origin::Sql { file, .. } => *file += by,
        _ => {}
    }
}

fn shift_findings(findings: &mut [Finding], by: u32) {
    for f in findings {
        shift(&mut f.origin, by);
        for r in &mut f.related {
            shift(&mut r.origin, by);
        }
    }
}

/// Moves every origin of `schema` by `by` files (side B after side A's files).
pub(crate) fn shift_schema(schema: &mut Schema, by: u32) {
    for t in schema.tables.values_mut() {
        shift(&mut t.origin, by);
        for c in t.columns.values_mut() {
            shift(&mut c.origin, by);
        }
        for c in t.constraints.values_mut() {
            shift(&mut c.origin, by);
        }
        for p in &mut t.policies {
            shift(&mut p.origin, by);
        }
        for x in &mut t.triggers {
            shift(&mut x.origin, by);
        }
    }
    for i in schema.indexes.values_mut() {
        shift(&mut i.origin, by);
    }
    for o in schema.other_relations.values_mut() {
        shift(&mut o.origin, by);
    }
    for f in schema.functions.values_mut() {
        shift(&mut f.origin, by);
    }
    for i in &mut schema.foreign_imports {
        shift(&mut i.origin, by);
    }
    for e in schema.extensions.values_mut() {
        shift(e, by);
    }
}

fn load_side(
    spec: &SideSpec,
    layout: Option<Layout>,
    exclude: &Exclude,
) -> Result<Loaded, DriftError> {
    let cwd = std::env::current_dir().ok();
    match spec {
        SideSpec::Migrations(path) => {
            let options = CheckOptions {
                paths: vec![path.clone()],
                layout,
                ..Default::default()
            };
            let run = check_excluding(&options, None, exclude)?;
            // Statement findings (a wrong column …) are `check`'s business, not drift; file
            // problems are kept so a side that could not be read is not silently empty.
            let findings = run
                .findings
                .into_iter()
                .filter(|f| f.rule == unreadable_file::UNREADABLE_FILE.id)
                .collect();
            Ok(Loaded {
                schema: run.schema,
                files: run.files,
                findings,
                statements: run.statements,
                enum_origins: Vec::new(),
                conditional_ddl: run.conditional_ddl,
                conditional_objects: run.conditional_objects,
            })
        }
        SideSpec::Database(options) => {
            let (found, target, queries) = crate::live::introspect(options)?;
            eprintln!(
                "driftlint: introspected {target}: {} tables, {} indexes in {} ms ({queries} queries)",
                found.schema.tables.len(),
                found.schema.indexes.len(),
                found.elapsed.as_millis()
            );
            Ok(Loaded {
                schema: found.schema,
                files: Vec::new(),
                findings: Vec::new(),
                statements: 0,
                enum_origins: Vec::new(),
                conditional_ddl: Vec::new(),
                conditional_objects: Vec::new(),
            })
        }
        SideSpec::Prisma { path, major } => {
            let r = load_prisma(path, 0, *major)?;
            Ok(Loaded {
                files: r.files,
                schema: r.schema,
                findings: r.findings,
                statements: 0,
                enum_origins: r.enum_origins,
                conditional_ddl: Vec::new(),
                conditional_objects: Vec::new(),
            })
        }
        SideSpec::Drizzle(path) => {
            let d = drizzle::load(path, 0)?;
            let findings = drizzle_unsupported::skipped(&d);
            Ok(Loaded {
                files: d
                    .files
                    .iter()
                    .map(|p| source_file(p, cwd.as_deref()))
                    .collect(),
                schema: d.schema,
                findings,
                statements: 0,
                enum_origins: Vec::new(),
                conditional_ddl: Vec::new(),
                conditional_objects: Vec::new(),
            })
        }
    }
}

/// Points each enum difference at the type's declaration, side A's first, when a side
/// knows where it is.
fn place_enum_findings(
    findings: &mut [Finding],
    a: &[(QualName, Origin)],
    b: &[(QualName, Origin)],
) {
    for f in findings.iter_mut() {
        if f.rule != rules::drift_enum::DRIFT_ENUM.id || f.origin != Origin::Derived {
            continue;
        }
        let found = a
            .iter()
            .chain(b)
            .find(|(name, _)| f.object.as_deref() == Some(name.to_string().as_str()));
        if let Some((_, origin)) = found {
            f.origin = *origin;
        }
    }
}

/// Lowers to `info` the drift findings about objects that DDL in a branch of a `DO` block
/// created (`IF … THEN CREATE … ELSE …`) or altered by name (`ALTER COLUMN … SET DEFAULT`,
/// `DROP COLUMN`), and says so: the replay applies every branch, the database ran one, so such
/// a difference may be the branch the database took rather than drift.
fn mark_conditional(
    findings: &mut [Finding],
    conditional: &[Origin],
    altered: &[(QualName, String, Origin)],
    files: &[SourceFile],
) {
    for f in findings.iter_mut() {
        let created = match f.origin {
            Origin::Sql { file, start, end } => conditional.iter().find(|c| {
                matches!(c, Origin::Sql { file: cf, start: cs, end: ce }
                    if *cf == file && *cs <= start && end <= *ce)
            }),
            _ => None,
        };
        let found = created.map(|c| ("created", c)).or_else(|| {
            altered
                .iter()
                .find(|(t, o, _)| {
                    f.table.as_ref() == Some(t)
                        && (o.is_empty() || f.object.as_deref() == Some(o.as_str()))
                })
                .map(|(_, _, c)| ("altered", c))
        });
        let Some((what, place)) =
            found.and_then(|(w, c)| Some((w, crate::source::file::position(c, files)?)))
        else {
            continue;
        };
        f.message = format!(
            "{}; {what} inside a conditional DO block ({}:{}): the database may have taken \
             another branch",
            f.message, place.file, place.line
        );
        f.severity = crate::finding::Severity::Info;
    }
}

/// Turns into `info` notes the drift findings about a table that one side has and the other
/// side imports with `IMPORT FOREIGN SCHEMA`: the replay cannot know what the remote server
/// gave, so such a table is not missing, only unknown.
fn mark_imported(findings: &mut [Finding], sides: [&Schema; 2], files: &[SourceFile]) {
    for f in findings.iter_mut() {
        let Some(table) = f.table.as_ref() else {
            continue;
        };
        if f.rule != "drift-table" {
            continue;
        }
        let Some(import) = sides
            .iter()
            .find(|s| !s.tables.contains_key(table))
            .and_then(|s| s.foreign_imports.iter().find(|i| i.covers(table)))
        else {
            continue;
        };
        let Some(place) = crate::source::file::position(&import.origin, files) else {
            continue;
        };
        f.message = format!(
            "note: table `{table}` may come from `IMPORT FOREIGN SCHEMA … INTO {}` ({}:{}), \
             whose tables only the remote server knows; not compared",
            import.schema, place.file, place.line
        );
        f.severity = crate::finding::Severity::Info;
    }
}

/// A finished comparison.
#[derive(Debug)]
pub struct DiffRun {
    /// Files of both sides; origins index into it.
    pub files: Vec<SourceFile>,
    /// Drift findings, then findings made while loading the sides.
    pub findings: Vec<Finding>,
    /// The differing objects as DDL, for the unified diff.
    pub drift: Drift,
    /// Side labels (`migrations`, `drizzle snapshot`, `database postgres://…`).
    pub labels: (String, String),
    /// Statements replayed.
    pub statements: usize,
}

/// Compares two sides.
pub fn run_diff(
    a: &SideSpec,
    b: &SideSpec,
    layout: Option<Layout>,
    exclude: &Exclude,
) -> Result<DiffRun, DriftError> {
    let mut la = load_side(a, layout, exclude)?;
    let mut lb = load_side(b, layout, exclude)?;
    let by = la.files.len() as u32;
    shift_schema(&mut lb.schema, by);
    shift_findings(&mut lb.findings, by);
    for origin in lb
        .enum_origins
        .iter_mut()
        .map(|(_, o)| o)
        .chain(&mut lb.conditional_ddl)
        .chain(lb.conditional_objects.iter_mut().map(|(_, _, o)| o))
    {
        shift(origin, by);
    }
    // A Prisma side takes the other side's sequence names and enum value order, which
    // Prisma's own diff ignores.
    let (prisma_side, other) = match (a, b) {
        (SideSpec::Prisma { .. }, SideSpec::Prisma { .. }) => (None, &lb.schema),
        (SideSpec::Prisma { .. }, _) => (Some(&mut la.schema), &lb.schema),
        (_, SideSpec::Prisma { .. }) => (Some(&mut lb.schema), &la.schema),
        _ => (None, &lb.schema),
    };
    if let Some(side) = prisma_side {
        prisma::compare::adopt_sequence_names(side, other);
        prisma::compare::adopt_enum_order(side, other);
    }
    let (mut label_a, mut label_b) = (a.label(), b.label());
    // Two sides of one kind need distinct names in messages: their paths tell them apart,
    // else their order does.
    if label_a == label_b {
        (label_a, label_b) = (a.label_with_place(), b.label_with_place());
        if label_a == label_b {
            (label_a, label_b) = (format!("{label_a} (A)"), format!("{label_b} (B)"));
        }
    }
    let drift = crate::timings::time("diff", || {
        diff(
            Side {
                schema: &la.schema,
                label: &label_a,
            },
            Side {
                schema: &lb.schema,
                label: &label_b,
            },
        )
    });
    let mut findings = crate::timings::time("rules", || rules::drift_findings(&drift));
    place_enum_findings(&mut findings, &la.enum_origins, &lb.enum_origins);
    findings.append(&mut la.findings);
    findings.append(&mut lb.findings);
    crate::check::sort_findings(&mut findings);
    let mut files = la.files;
    files.append(&mut lb.files);
    la.conditional_ddl.append(&mut lb.conditional_ddl);
    la.conditional_objects.append(&mut lb.conditional_objects);
    mark_conditional(
        &mut findings,
        &la.conditional_ddl,
        &la.conditional_objects,
        &files,
    );
    mark_imported(&mut findings, [&la.schema, &lb.schema], &files);
    Ok(DiffRun {
        files,
        findings,
        drift,
        labels: (label_a, label_b),
        statements: la.statements + lb.statements,
    })
}

/// The reference schema of `check`: where the tables the migrations never create come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// `--drizzle PATH`: an out folder, a snapshot file or `schema.ts`.
    Drizzle(PathBuf),
    /// `--prisma PATH`: a `schema.prisma`, a folder of `.prisma` files or a project folder.
    Prisma {
        /// The path.
        path: PathBuf,
        /// The Prisma major version; `None` reads it from the project's `package.json`.
        major: Option<u32>,
    },
}

/// A reference schema read for `check`, with the files it came from and the findings made
/// while reading it.
struct LoadedReference {
    schema: Schema,
    files: Vec<SourceFile>,
    findings: Vec<Finding>,
    enum_origins: Vec<(QualName, Origin)>,
}

/// While `check` runs, a Prisma reference's files are numbered from here, above any number of
/// migration files; afterwards they are renumbered to follow the migration files.
const REFERENCE_FILES: u32 = 1 << 30;

/// Reads a Prisma schema with its file ids starting at `first_file`, and reports what it
/// could not model.
fn load_prisma(
    path: &Path,
    first_file: u32,
    major: Option<u32>,
) -> Result<LoadedReference, DriftError> {
    let cwd = std::env::current_dir().ok();
    let p = prisma::load_with(path, first_file, major)?;
    Ok(LoadedReference {
        findings: prisma_unsupported::unsupported(&p),
        enum_origins: p.enum_origins.clone(),
        files: p
            .files
            .iter()
            .map(|f| source_file(f, cwd.as_deref()))
            .collect(),
        schema: p.schema,
    })
}

fn load_reference(reference: &Reference) -> Result<LoadedReference, DriftError> {
    match reference {
        Reference::Drizzle(path) => {
            let cwd = std::env::current_dir().ok();
            let d = drizzle::load(path, 0)?;
            Ok(LoadedReference {
                findings: drizzle_unsupported::skipped(&d),
                files: d
                    .files
                    .iter()
                    .map(|p| source_file(p, cwd.as_deref()))
                    .collect(),
                schema: d.schema,
                enum_origins: Vec::new(),
            })
        }
        Reference::Prisma { path, major } => load_prisma(path, REFERENCE_FILES, *major),
    }
}

/// Moves a reference's origin past the `by` migration files: Drizzle's ids count from 0,
/// Prisma's from [`REFERENCE_FILES`].
fn renumber_reference(origin: &mut Origin, by: u32) {
    match origin {
        Origin::Drizzle { file } => *file += by,
        Origin::Sql { file, .. } if *file >= REFERENCE_FILES => {
            *file = *file - REFERENCE_FILES + by
        }
        _ => {}
    }
}

/// `check`, with a Drizzle or Prisma schema as the reference when `reference` is given: tables
/// the migrations never create are taken from it, so one hand-written migration can be
/// checked alone. Also reports drizzle-kit journal problems of the checked out folders.
pub fn check_with_reference(
    options: &CheckOptions,
    reference: Option<&Reference>,
    exclude: &Exclude,
) -> Result<Run, DriftError> {
    let reference = reference.map(load_reference).transpose()?;
    let mut run = check_excluding(options, reference.as_ref().map(|r| &r.schema), exclude)?;
    let cwd = std::env::current_dir().ok();
    let by = run.files.len() as u32;
    if let Some(r) = reference {
        let mut extra = r.findings;
        // The reference's origins (also copied into findings) name their own file ids: move
        // them past the migration files.
        for f in run.findings.iter_mut().chain(extra.iter_mut()) {
            renumber_reference(&mut f.origin, by);
            for rel in &mut f.related {
                renumber_reference(&mut rel.origin, by);
            }
        }
        run.findings.extend(extra);
        run.files.extend(r.files);
    }
    journal_findings(&mut run, cwd.as_deref());
    Ok(run)
}

/// Journal hygiene findings for each drizzle-kit out folder among the run's files.
fn journal_findings(run: &mut Run, cwd: Option<&Path>) {
    let mut outs: Vec<PathBuf> = Vec::new();
    for f in &run.files {
        let Some(dir) = f.path.parent() else { continue };
        let out = if dir.join("meta").join("_journal.json").is_file() {
            dir.to_path_buf()
        } else if f.path.file_name().is_some_and(|n| n == "migration.sql") {
            match dir.parent() {
                Some(p) => p.to_path_buf(),
                None => continue,
            }
        } else {
            continue;
        };
        if !outs.contains(&out) {
            outs.push(out);
        }
    }
    for out in outs {
        for (path, message) in drizzle::journal_problems(&out) {
            // Point at the file already read when it is one of the run's; list it otherwise.
            let id = match run.files.iter().position(|f| f.path == path) {
                Some(i) => i as u32,
                None => {
                    run.files.push(SourceFile::new(path, String::new(), cwd));
                    (run.files.len() - 1) as u32
                }
            };
            run.findings
                .push(drizzle_journal::journal_problem(message, id));
        }
    }
}
