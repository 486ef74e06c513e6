//! Migration folder discovery: which files to replay, in which order, for each tool's layout
//! (see FORMATS.md, "Migration folder layouts").
//!
//! Down / undo migrations are never replayed in any layout: `down.sql`, `*.down.sql` and
//! Flyway's `U<version>__*.sql` are always skipped.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The tool a migration folder belongs to, which decides order and what to skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// drizzle-kit 0.x: `NNNN_name.sql` + `meta/_journal.json`.
    Drizzle,
    /// drizzle-kit 1.x: `<YYYYMMDDHHMMSS>_name/migration.sql` + `snapshot.json`.
    DrizzleFolders,
    Prisma,
    GolangMigrate,
    Flyway,
    Dbmate,
    Sqlx,
    Diesel,
    Supabase,
    Atlas,
    /// A single pg_dump / `structure.sql` file.
    Dump,
    /// Any folder of `*.sql` files, replayed in natural order of their paths.
    Plain,
}

impl Layout {
    pub const ALL: &[Layout] = &[
        Layout::Drizzle,
        Layout::DrizzleFolders,
        Layout::Prisma,
        Layout::GolangMigrate,
        Layout::Flyway,
        Layout::Dbmate,
        Layout::Sqlx,
        Layout::Diesel,
        Layout::Supabase,
        Layout::Atlas,
        Layout::Dump,
        Layout::Plain,
    ];

    /// The kebab-case name, as in `--layout` and serde.
    pub fn name(&self) -> &'static str {
        match self {
            Layout::Drizzle => "drizzle",
            Layout::DrizzleFolders => "drizzle-folders",
            Layout::Prisma => "prisma",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Flyway => "flyway",
            Layout::Dbmate => "dbmate",
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Supabase => "supabase",
            Layout::Atlas => "atlas",
            Layout::Dump => "dump",
            Layout::Plain => "plain",
        }
    }

    /// Parse a name (case-insensitive; `_` accepted for `-`).
    pub fn from_name(s: &str) -> Option<Layout> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Layout::ALL.iter().copied().find(|l| l.name() == s)
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layout::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
            format!(
                "unknown layout `{s}`; expected one of: {}",
                names.join(", ")
            )
        })
    }
}

/// One migration file to replay, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub path: PathBuf,
    pub layout: Layout,
    pub section: Section,
}

/// Which part of a file is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Whole,
    /// Only the text between `-- migrate:up` and `-- migrate:down`.
    DbmateUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Up,
    Down,
}

/// A dbmate section marker: `-- migrate:up` / `-- migrate:down`, optionally followed by options.
fn dbmate_marker(line: &str) -> Option<Marker> {
    let rest = line.trim_start_matches([' ', '\t']).strip_prefix("--")?;
    let rest = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix("migrate:")?;
    let (marker, after) = if let Some(after) = rest.strip_prefix("up") {
        (Marker::Up, after)
    } else {
        (Marker::Down, rest.strip_prefix("down")?)
    };
    match after.chars().next() {
        None => Some(marker),
        Some(c) if c.is_whitespace() => Some(marker),
        Some(_) => None,
    }
}

/// The byte range of `text` to lint for `section`.
///
/// `DbmateUp`: from after the `-- migrate:up` line to the start of the first `-- migrate:down`
/// line after it (or the end); without an up marker, everything before a `-- migrate:down`
/// line (the whole text when there are no markers).
pub fn section_range(text: &str, section: Section) -> Range<usize> {
    if section == Section::Whole {
        return 0..text.len();
    }
    let mut up_end = None;
    let mut first_down = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        match dbmate_marker(line) {
            Some(Marker::Up) if up_end.is_none() => up_end = Some(pos),
            Some(Marker::Down) => {
                if let Some(up) = up_end {
                    return up..start;
                }
                first_down.get_or_insert(start);
            }
            _ => {}
        }
    }
    match up_end {
        Some(up) => up..text.len(),
        None => 0..first_down.unwrap_or(text.len()),
    }
}

/// Something discovery noticed that the user should hear about; discovery continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub path: PathBuf,
    pub kind: NoticeKind,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    /// A `.sql` file in a drizzle folder that `meta/_journal.json` does not list: not replayed.
    NotInJournal,
    /// A journal entry whose `.sql` file does not exist.
    JournalEntryMissingFile,
    /// A folder that cannot be read, a symlink loop, a broken journal ...
    Unreadable,
    /// Two files with the same version (both are replayed, in name order).
    DuplicateVersion,
    /// A `.sql` file the layout's tool would not run (its name does not follow the tool's
    /// pattern), or that looks like a down migration: not replayed.
    Ignored,
}

/// The result of [`discover`].
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The files to replay, in order.
    pub files: Vec<MigrationFile>,
    pub notices: Vec<Notice>,
    /// Each folder given, with the layout used for it (detected or given).
    pub layouts: Vec<(PathBuf, Layout)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{}: no such file or directory; check the path", .0.display())]
    NotFound(PathBuf),
    #[error(
        "no migration files found; looked for .sql files in {}. Pass the migrations folder or file as an argument",
        list_paths(.0)
    )]
    NoMigrations(Vec<PathBuf>),
    #[error("{}: cannot read: {source}; check its permissions", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn list_paths(paths: &[PathBuf]) -> String {
    let v: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    v.join(", ")
}

/// Discover the migration files under each path (a file or a folder), in replay order.
/// `layout` overrides auto-detection. Paths are processed in the order given, each path's
/// files in its layout's order; a file reached twice is replayed once.
pub fn discover(paths: &[PathBuf], layout: Option<Layout>) -> Result<Discovery, DiscoverError> {
    let mut metas = Vec::with_capacity(paths.len());
    for path in paths {
        match fs::metadata(path) {
            Ok(m) => metas.push(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(DiscoverError::NotFound(path.clone()));
            }
            Err(source) => {
                return Err(DiscoverError::Unreadable {
                    path: path.clone(),
                    source,
                });
            }
        }
    }
    let mut out = Discovery::default();
    let mut seen = HashSet::new();
    for (path, meta) in paths.iter().zip(metas) {
        let files = if meta.is_dir() {
            if let Err(source) = fs::read_dir(path) {
                return Err(DiscoverError::Unreadable {
                    path: path.clone(),
                    source,
                });
            }
            let layout = layout.unwrap_or_else(|| detect(path));
            out.layouts.push((path.clone(), layout));
            collect(path, layout, &mut out.notices)
        } else {
            single_file(path, layout, &mut out.notices)
        };
        for f in files {
            let key = fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
            if seen.insert(key) {
                out.files.push(f);
            }
        }
    }
    Ok(out)
}

/// `driftlint check` without paths: [`default_paths`] under `root`, then [`discover`];
/// [`DiscoverError::NoMigrations`] (listing where it looked) when there is nothing.
pub fn discover_default(root: &Path, layout: Option<Layout>) -> Result<Discovery, DiscoverError> {
    let paths = default_paths(root);
    if paths.is_empty() {
        let looked = DEFAULT_FOLDERS
            .iter()
            .chain(DEFAULT_DUMPS)
            .map(|p| root.join(p))
            .collect();
        return Err(DiscoverError::NoMigrations(looked));
    }
    discover(&paths, layout)
}

/// Folders searched by [`default_paths`], in this order.
pub const DEFAULT_FOLDERS: &[&str] = &[
    "drizzle",
    "migrations",
    "prisma/migrations",
    "db/migrations",
    "supabase/migrations",
    "src/db/migrations",
    "src/migrations",
    "database/migrations",
    "sql",
];

/// Schema dumps searched by [`default_paths`] when none of [`DEFAULT_FOLDERS`] has SQL (a dump
/// next to migrations is their result; replaying both would double everything).
pub const DEFAULT_DUMPS: &[&str] = &["db/structure.sql", "db/schema.sql", "schema.sql"];

/// `driftlint check` without paths: the usual migration folders under `root` that exist and
/// contain `.sql` files; if there are none, the first schema dump found (`db/structure.sql` ...).
pub fn default_paths(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut canon: Vec<PathBuf> = Vec::new();
    for rel in DEFAULT_FOLDERS {
        let path = root.join(rel);
        if !path.is_dir() || !has_sql(&path) {
            continue;
        }
        let c = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if canon.iter().any(|o| c.starts_with(o) || o.starts_with(&c)) {
            continue;
        }
        canon.push(c);
        found.push(path);
    }
    if found.is_empty() {
        found.extend(
            DEFAULT_DUMPS
                .iter()
                .map(|rel| root.join(rel))
                .find(|p| p.is_file()),
        );
    }
    found
}

fn has_sql(dir: &Path) -> bool {
    walker(dir, 4)
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && is_sql(e.file_name()))
}

/// Auto-detect the layout of a folder from the files present.
pub fn detect(dir: &Path) -> Layout {
    if dir.join("meta").join("_journal.json").is_file() {
        return Layout::Drizzle;
    }
    if dir.join("atlas.sum").is_file() {
        return Layout::Atlas;
    }
    if dir.join("migration_lock.toml").is_file() {
        return Layout::Prisma;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return Layout::Plain;
    };
    let mut subdirs = Vec::new();
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if is_skipped_name(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if is_sql(&name) {
            files.push(name.to_string_lossy().into_owned());
        }
    }
    subdirs.sort();
    files.sort();

    let mut migration_sql = false;
    let mut snapshot = false;
    let mut up_sql = false;
    for sub in &subdirs {
        if sub.join("migration.sql").is_file() {
            migration_sql = true;
            snapshot |= sub.join("snapshot.json").is_file();
        }
        up_sql |= sub.join("up.sql").is_file();
    }
    if migration_sql {
        return if snapshot {
            Layout::DrizzleFolders
        } else {
            Layout::Prisma
        };
    }
    if up_sql {
        return Layout::Diesel;
    }
    if files
        .iter()
        .any(|f| matches!(flyway_kind(f), FlywayKind::Versioned(_)))
    {
        return Layout::Flyway;
    }
    let ups: Vec<&String> = files
        .iter()
        .filter(|f| f.to_ascii_lowercase().ends_with(".up.sql"))
        .collect();
    if !ups.is_empty() {
        return if ups.iter().all(|f| golang_migrate_version(f).is_some()) {
            Layout::GolangMigrate
        } else {
            Layout::Sqlx
        };
    }
    if files
        .iter()
        .filter(|f| !is_down(f))
        .take(8)
        .any(|f| has_dbmate_marker(&dir.join(f)))
    {
        return Layout::Dbmate;
    }
    if is_supabase(dir) {
        return Layout::Supabase;
    }
    Layout::Plain
}

fn is_supabase(dir: &Path) -> bool {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.file_name() == Some(OsStr::new("migrations"))
        && dir.parent().and_then(Path::file_name) == Some(OsStr::new("supabase"))
}

/// Whether the start of a file has a `-- migrate:up` line.
fn has_dbmate_marker(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(8192);
    if file.take(8192).read_to_end(&mut head).is_err() {
        return false;
    }
    String::from_utf8_lossy(&head)
        .lines()
        .any(|l| dbmate_marker(l) == Some(Marker::Up))
}

fn single_file(
    path: &Path,
    layout: Option<Layout>,
    notices: &mut Vec<Notice>,
) -> Vec<MigrationFile> {
    let name = file_name(path);
    if is_down(&name) {
        notices.push(Notice {
            path: path.to_path_buf(),
            kind: NoticeKind::Ignored,
            message: format!("{}: a down/undo migration; not replayed", path.display()),
        });
        return Vec::new();
    }
    let layout = layout.unwrap_or_else(|| {
        if has_dbmate_marker(path) {
            Layout::Dbmate
        } else {
            Layout::Dump
        }
    });
    vec![MigrationFile {
        path: path.to_path_buf(),
        layout,
        section: section_for(layout),
    }]
}

fn section_for(layout: Layout) -> Section {
    if layout == Layout::Dbmate {
        Section::DbmateUp
    } else {
        Section::Whole
    }
}

// ---------------------------------------------------------------------------------------------
// Walking

fn is_skipped_name(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.first() == Some(&b'.') || b == b"node_modules"
}

fn is_sql(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.len() > 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".sql")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn walker(
    root: &Path,
    max_depth: usize,
) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(root)
        .follow_links(true)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_name(e.file_name()))
}

/// The `.sql` files below `root` (at most `max_depth` levels down), with errors as notices.
fn walk_sql(root: &Path, max_depth: usize, notices: &mut Vec<Notice>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walker(root, max_depth) {
        match entry {
            Ok(e) => {
                if e.depth() > 0 && e.file_type().is_file() && is_sql(e.file_name()) {
                    files.push(e.into_path());
                }
            }
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let message = if let Some(ancestor) = err.loop_ancestor() {
                    format!(
                        "{}: symbolic link loop (back to {}); not followed",
                        path.display(),
                        ancestor.display()
                    )
                } else {
                    match err.io_error() {
                        Some(io) => format!("{}: cannot read: {io}; skipped", path.display()),
                        None => format!("{}: cannot read: {err}; skipped", path.display()),
                    }
                };
                notices.push(Notice {
                    path,
                    kind: NoticeKind::Unreadable,
                    message,
                });
            }
        }
    }
    files
}

// ---------------------------------------------------------------------------------------------
// Down migrations and names

/// `down.sql`, `*.down.sql`, Flyway undo `U<version>__*.sql`: never replayed.
fn is_down(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "down.sql"
        || lower.ends_with(".down.sql")
        || matches!(flyway_kind(name), FlywayKind::Undo)
}

/// Names that look like down migrations in a plain folder (`*_down.sql`, `*-down.sql`,
/// `*.undo.sql`, anything in a folder named `down`): skipped with a notice.
fn looks_like_down(rel: &Path) -> bool {
    let lower = file_name(rel).to_ascii_lowercase();
    lower.ends_with("_down.sql")
        || lower.ends_with("-down.sql")
        || lower.ends_with(".undo.sql")
        || rel
            .parent()
            .is_some_and(|p| p.iter().any(|c| c.eq_ignore_ascii_case("down")))
}

/// The leading ASCII digits of `s` and the rest.
fn leading_digits(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// A digit string compared as a number (any length).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Num(String);

impl Num {
    fn new(digits: &str) -> Num {
        Num(digits.trim_start_matches('0').to_string())
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A run of a name for natural ordering: digit runs order as numbers, before text runs.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tok<'a> {
    Num(Num),
    Text(&'a str),
}

fn tokens(s: &str) -> impl Iterator<Item = Tok<'_>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (digits, after) = leading_digits(rest);
        if !digits.is_empty() {
            rest = after;
            return Some(Tok::Num(Num::new(digits)));
        }
        let end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        rest = after;
        Some(Tok::Text(text))
    })
}

/// Natural order (`2_a` before `10_a`): a total order, ties broken byte-wise.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    tokens(a).cmp(tokens(b)).then_with(|| a.cmp(b))
}

/// Natural order of paths, component by component.
fn natural_path_cmp(a: &Path, b: &Path) -> Ordering {
    let mut ia = a.iter();
    let mut ib = b.iter();
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match natural_cmp(&x.to_string_lossy(), &y.to_string_lossy()) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

/// `N_name.up.sql` / `N_name.down.sql` -> N.
fn golang_migrate_version(name: &str) -> Option<Num> {
    let (digits, rest) = leading_digits(name);
    let lower = rest.to_ascii_lowercase();
    if digits.is_empty()
        || !lower.starts_with('_')
        || !(lower.ends_with(".up.sql") || lower.ends_with(".down.sql"))
    {
        return None;
    }
    Some(Num::new(digits))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FlywayKind {
    Versioned(Vec<Num>),
    Repeatable(String),
    Undo,
    Other,
}

/// Classify a Flyway file name: `V<ver>__desc.sql`, `R__desc.sql`, `U<ver>__desc.sql`.
/// Version parts are separated by `.` or `_`; trailing zero parts do not count (`1.0` = `1`).
fn flyway_kind(name: &str) -> FlywayKind {
    let Some(stem) = name
        .len()
        .checked_sub(4)
        .filter(|&n| name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case(".sql"))
        .map(|n| &name[..n])
    else {
        return FlywayKind::Other;
    };
    let mut chars = stem.chars();
    let prefix = chars.next().map(|c| c.to_ascii_uppercase());
    let rest = chars.as_str();
    if prefix == Some('R') {
        return match rest.strip_prefix("__") {
            Some(desc) => FlywayKind::Repeatable(desc.to_string()),
            None => FlywayKind::Other,
        };
    }
    if prefix != Some('V') && prefix != Some('U') {
        return FlywayKind::Other;
    }
    let Some((ver, _desc)) = rest.split_once("__") else {
        return FlywayKind::Other;
    };
    let parts: Vec<&str> = ver.split(['.', '_']).collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return FlywayKind::Other;
    }
    if prefix == Some('U') {
        return FlywayKind::Undo;
    }
    let mut nums: Vec<Num> = parts.into_iter().map(Num::new).collect();
    while nums.last().is_some_and(|n| n.0.is_empty()) {
        nums.pop();
    }
    FlywayKind::Versioned(nums)
}

// ---------------------------------------------------------------------------------------------
// Collecting per layout

struct Ctx<'a> {
    root: &'a Path,
    layout: Layout,
    notices: &'a mut Vec<Notice>,
}

impl Ctx<'_> {
    fn notice(&mut self, path: &Path, kind: NoticeKind, message: String) {
        self.notices.push(Notice {
            path: path.to_path_buf(),
            kind,
            message,
        });
    }

    fn ignored(&mut self, path: &Path, why: &str) {
        let message = format!(
            "{}: {why}; not replayed (layout {})",
            path.display(),
            self.layout
        );
        self.notice(path, NoticeKind::Ignored, message);
    }

    /// Turn ordered `(version, path)` into files, noticing repeated versions.
    fn finish(&mut self, ordered: Vec<(Option<String>, PathBuf)>) -> Vec<MigrationFile> {
        let mut first: HashMap<String, PathBuf> = HashMap::new();
        let mut files = Vec::with_capacity(ordered.len());
        for (version, path) in ordered {
            if let Some(v) = version {
                match first.get(&v) {
                    Some(other) => {
                        let message = format!(
                            "{}: version {v} is also used by {}; both are replayed, in name order",
                            path.display(),
                            other.display()
                        );
                        self.notice(&path, NoticeKind::DuplicateVersion, message);
                    }
                    None => {
                        first.insert(v, path.clone());
                    }
                }
            }
            files.push(MigrationFile {
                path,
                layout: self.layout,
                section: section_for(self.layout),
            });
        }
        files
    }
}

fn collect(root: &Path, layout: Layout, notices: &mut Vec<Notice>) -> Vec<MigrationFile> {
    let mut cx = Ctx {
        root,
        layout,
        notices,
    };
    match layout {
        Layout::Drizzle => drizzle(&mut cx),
        Layout::DrizzleFolders => folders(&mut cx, "migration.sql", true),
        Layout::Prisma => folders(&mut cx, "migration.sql", false),
        Layout::Diesel => folders(&mut cx, "up.sql", true),
        Layout::GolangMigrate => golang_migrate(&mut cx),
        Layout::Flyway => flyway(&mut cx),
        Layout::Sqlx => sqlx(&mut cx),
        Layout::Dbmate | Layout::Supabase => prefixed(&mut cx),
        Layout::Atlas => atlas(&mut cx),
        Layout::Dump | Layout::Plain => plain(&mut cx),
    }
}

/// Flat layouts: the `.sql` files directly in the folder, without down files.
fn flat(cx: &mut Ctx<'_>) -> Vec<(String, PathBuf)> {
    walk_sql(cx.root, 1, cx.notices)
        .into_iter()
        .map(|p| (file_name(&p), p))
        .filter(|(n, _)| !is_down(n))
        .collect()
}

/// drizzle-kit 0.x: the journal decides.
fn drizzle(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let present = flat(cx);
    let journal = cx.root.join("meta").join("_journal.json");
    let tags = match read_journal(&journal) {
        Ok(Some(tags)) => tags,
        Ok(None) => return drizzle_by_name(cx, present),
        Err(why) => {
            let message = format!(
                "{}: {why}; replaying the .sql files by name instead",
                journal.display()
            );
            cx.notice(&journal, NoticeKind::Unreadable, message);
            return drizzle_by_name(cx, present);
        }
    };
    let mut listed: HashSet<String> = HashSet::new();
    let mut ordered = Vec::new();
    for tag in tags {
        let name = format!("{tag}.sql");
        if tag.is_empty() || tag == ".." || tag.contains(['/', '\\']) {
            let message = format!(
                "{}: entry with tag {tag:?} is not a file name in this folder; skipped",
                journal.display()
            );
            cx.notice(&journal, NoticeKind::Unreadable, message);
            continue;
        }
        let path = cx.root.join(&name);
        if !listed.insert(name.clone()) {
            let message = format!(
                "{}: tag {tag} is listed more than once in the journal; replayed once",
                journal.display()
            );
            cx.notice(&path, NoticeKind::DuplicateVersion, message);
            continue;
        }
        if is_down(&name) {
            continue;
        }
        if !path.is_file() {
            let message = format!(
                "{}: listed in {} but missing; drizzle-kit migrate would fail here",
                path.display(),
                journal.display()
            );
            cx.notice(&path, NoticeKind::JournalEntryMissingFile, message);
            continue;
        }
        ordered.push((None, path));
    }
    for (name, path) in present {
        if !listed.contains(&name) {
            let message = format!(
                "{}: not listed in {}, so drizzle-kit does not run it; not replayed (add it with `drizzle-kit generate --custom` or delete it)",
                path.display(),
                journal.display()
            );
            cx.notice(&path, NoticeKind::NotInJournal, message);
        }
    }
    cx.finish(ordered)
}

/// A drizzle folder without (a readable) journal: natural order of names; `NNNN_` versions.
fn drizzle_by_name(cx: &mut Ctx<'_>, mut present: Vec<(String, PathBuf)>) -> Vec<MigrationFile> {
    present.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    let ordered = present
        .into_iter()
        .map(|(name, path)| {
            let (digits, rest) = leading_digits(&name);
            let version = (!digits.is_empty() && rest.starts_with('_')).then(|| Num::new(digits).0);
            (version, path)
        })
        .collect();
    cx.finish(ordered)
}

/// The journal's tags in `idx` order; `Ok(None)` when there is no journal.
fn read_journal(path: &Path) -> Result<Option<Vec<String>>, String> {
    let bytes = match super::read::read_file(path) {
        Ok(s) => s.text,
        Err(super::read::ReadError::NotFound(_)) => return Ok(None),
        Err(super::read::ReadError::Io { source, .. }) => {
            return Err(format!("cannot read: {source}"));
        }
        Err(super::read::ReadError::TooLarge { size, .. }) => {
            return Err(format!("implausibly large ({size} bytes)"));
        }
        Err(_) => return Err("cannot read".to_string()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let entries = value
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or_else(|| "no `entries` array".to_string())?;
    let mut tagged = Vec::with_capacity(entries.len());
    for (pos, entry) in entries.iter().enumerate() {
        let tag = entry
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or_else(|| format!("entry {pos} has no `tag` string"))?;
        let idx = entry
            .get("idx")
            .and_then(|i| i.as_u64())
            .unwrap_or(pos as u64);
        tagged.push((idx, pos, tag.to_string()));
    }
    tagged.sort();
    Ok(Some(tagged.into_iter().map(|(_, _, t)| t).collect()))
}

/// `<dir>/<name>/<file>` per migration, ordered by folder name (Prisma, drizzle-kit 1.x, diesel).
fn folders(cx: &mut Ctx<'_>, file: &str, versioned: bool) -> Vec<MigrationFile> {
    let mut found = Vec::new();
    for path in walk_sql(cx.root, 2, cx.notices) {
        let name = file_name(&path);
        let depth = path.strip_prefix(cx.root).map_or(0, |r| r.iter().count());
        if is_down(&name) {
            continue;
        }
        if depth != 2 || name != file {
            cx.ignored(&path, &format!("expected <folder>/{file}"));
            continue;
        }
        let folder = path.parent().map(file_name).unwrap_or_default();
        found.push((folder, path));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let ordered = found
        .into_iter()
        .map(|(folder, path)| {
            let version = versioned
                .then(|| folder.split('_').next().unwrap_or("").replace('-', ""))
                .filter(|v| !v.is_empty());
            (version, path)
        })
        .collect();
    cx.finish(ordered)
}

fn golang_migrate(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = Vec::new();
    for (name, path) in flat(cx) {
        match golang_migrate_version(&name) {
            Some(v) => found.push((v, name, path)),
            None => cx.ignored(&path, "golang-migrate runs only N_name.up.sql files"),
        }
    }
    found.sort();
    let ordered = found.into_iter().map(|(v, _, p)| (Some(v.0), p)).collect();
    cx.finish(ordered)
}

fn sqlx(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = Vec::new();
    for (name, path) in flat(cx) {
        let version = name
            .split_once('_')
            .and_then(|(v, _)| v.parse::<i64>().ok())
            .filter(|_| name.bytes().next().is_some_and(|b| b.is_ascii_digit()));
        match version {
            Some(v) => found.push((v, name, path)),
            None => cx.ignored(&path, "sqlx runs only <version>_<description>.sql files"),
        }
    }
    found.sort();
    let ordered = found
        .into_iter()
        .map(|(v, _, p)| (Some(v.to_string()), p))
        .collect();
    cx.finish(ordered)
}

fn flyway(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut versioned = Vec::new();
    let mut repeatable = Vec::new();
    for path in walk_sql(cx.root, usize::MAX, cx.notices) {
        let name = file_name(&path);
        match flyway_kind(&name) {
            FlywayKind::Versioned(v) => versioned.push((v, name, path)),
            FlywayKind::Repeatable(desc) => repeatable.push((desc, path)),
            FlywayKind::Undo => {}
            FlywayKind::Other => cx.ignored(
                &path,
                "Flyway runs only V<version>__<description>.sql and R__<description>.sql",
            ),
        }
    }
    versioned.sort();
    repeatable.sort();
    let mut ordered: Vec<(Option<String>, PathBuf)> = versioned
        .into_iter()
        .map(|(v, _, p)| {
            let parts: Vec<&str> = v
                .iter()
                .map(|n| if n.0.is_empty() { "0" } else { n.0.as_str() })
                .collect();
            (Some(parts.join(".")), p)
        })
        .collect();
    ordered.extend(repeatable.into_iter().map(|(_, p)| (None, p)));
    cx.finish(ordered)
}

/// dbmate (by file name) and Supabase (by the digits): `<digits>_name.sql`.
fn prefixed(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = Vec::new();
    for (name, path) in flat(cx) {
        let (digits, rest) = leading_digits(&name);
        if digits.is_empty() || !rest.starts_with('_') {
            cx.ignored(&path, "expected <digits>_<name>.sql");
            continue;
        }
        let version = digits.to_string();
        let key = if cx.layout == Layout::Supabase {
            Num::new(digits)
        } else {
            Num(String::new())
        };
        found.push((key, name, version, path));
    }
    found.sort();
    let ordered = found.into_iter().map(|(_, _, v, p)| (Some(v), p)).collect();
    cx.finish(ordered)
}

fn atlas(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = flat(cx);
    found.sort();
    let ordered = found.into_iter().map(|(_, p)| (None, p)).collect();
    cx.finish(ordered)
}

/// Every `.sql` file below the folder, in natural order of the paths.
fn plain(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = Vec::new();
    for path in walk_sql(cx.root, usize::MAX, cx.notices) {
        let rel = path.strip_prefix(cx.root).unwrap_or(&path).to_path_buf();
        if is_down(&file_name(&path)) {
            continue;
        }
        if looks_like_down(&rel) {
            cx.ignored(&path, "looks like a down migration");
            continue;
        }
        found.push((rel, path));
    }
    found.sort_by(|a, b| natural_path_cmp(&a.0, &b.0));
    let ordered = found.into_iter().map(|(_, p)| (None, p)).collect();
    cx.finish(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tempfile::TempDir;

    fn tree(files: &[(&str, &str)]) -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    fn rel(root: &Path, files: &[MigrationFile]) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    fn run(dir: &Path, layout: Option<Layout>) -> Discovery {
        discover(&[dir.to_path_buf()], layout).unwrap()
    }

    fn kinds(d: &Discovery) -> Vec<(String, NoticeKind)> {
        d.notices
            .iter()
            .map(|n| (file_name(&n.path), n.kind.clone()))
            .collect()
    }

    #[test]
    fn layout_names_round_trip() {
        for l in Layout::ALL {
            assert_eq!(Layout::from_name(l.name()), Some(*l));
            assert_eq!(
                serde_json::to_string(l).unwrap(),
                format!("\"{}\"", l.name())
            );
            assert_eq!(l.name().parse::<Layout>(), Ok(*l));
        }
        assert_eq!(
            Layout::from_name("Golang_Migrate"),
            Some(Layout::GolangMigrate)
        );
        assert_eq!(Layout::from_name("nope"), None);
        assert!(
            "nope"
                .parse::<Layout>()
                .unwrap_err()
                .contains("drizzle-folders")
        );
    }

    #[test]
    fn drizzle_journal_order_unlisted_and_missing() {
        let journal = r#"{"version":"7","dialect":"postgresql","entries":[
            {"idx":1,"version":"7","when":2,"tag":"0001_b","breakpoints":true},
            {"idx":0,"version":"7","when":1,"tag":"0000_a","breakpoints":true},
            {"idx":2,"version":"7","when":3,"tag":"0002_gone","breakpoints":true},
            {"idx":3,"version":"7","when":4,"tag":"0003_custom","breakpoints":true}]}"#;
        let dir = tree(&[
            ("meta/_journal.json", journal),
            ("meta/0000_snapshot.json", "{}"),
            ("0000_a.sql", ""),
            ("0001_b.sql", ""),
            ("0003_custom.sql", ""),
            ("0004_unlisted.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Drizzle);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["0000_a.sql", "0001_b.sql", "0003_custom.sql"]
        );
        assert!(d.files.iter().all(|f| f.layout == Layout::Drizzle));
        assert!(d.files.iter().all(|f| f.section == Section::Whole));
        assert_eq!(
            kinds(&d),
            [
                (
                    "0002_gone.sql".to_string(),
                    NoticeKind::JournalEntryMissingFile
                ),
                ("0004_unlisted.sql".to_string(), NoticeKind::NotInJournal),
            ]
        );
        assert!(d.notices[1].message.contains("0004_unlisted.sql"));
        assert_eq!(d.layouts, [(dir.path().to_path_buf(), Layout::Drizzle)]);
    }

    #[test]
    fn drizzle_broken_journal_falls_back_to_names() {
        let dir = tree(&[
            ("meta/_journal.json", "{ not json"),
            ("0010_c.sql", ""),
            ("0002_b.sql", ""),
            ("0002_a.sql", ""),
        ]);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["0002_a.sql", "0002_b.sql", "0010_c.sql"]
        );
        assert_eq!(
            kinds(&d),
            [
                ("_journal.json".to_string(), NoticeKind::Unreadable),
                ("0002_b.sql".to_string(), NoticeKind::DuplicateVersion),
            ]
        );
    }

    #[test]
    fn drizzle_journal_hostile_tags() {
        let journal = r#"{"entries":[{"idx":0,"tag":"../../etc/passwd"},{"idx":1,"tag":"0000_a"},{"idx":2,"tag":"0000_a"}]}"#;
        let dir = tree(&[("meta/_journal.json", journal), ("0000_a.sql", "")]);
        let d = run(dir.path(), None);
        assert_eq!(rel(dir.path(), &d.files), ["0000_a.sql"]);
        let k: Vec<NoticeKind> = d.notices.iter().map(|n| n.kind.clone()).collect();
        assert_eq!(k, [NoticeKind::Unreadable, NoticeKind::DuplicateVersion]);
    }

    #[test]
    fn drizzle_without_journal_when_forced() {
        let dir = tree(&[("0001_a.sql", ""), ("0001_b.sql", ""), ("0000_z.sql", "")]);
        let d = run(dir.path(), Some(Layout::Drizzle));
        assert_eq!(
            rel(dir.path(), &d.files),
            ["0000_z.sql", "0001_a.sql", "0001_b.sql"]
        );
        assert_eq!(
            kinds(&d),
            [("0001_b.sql".to_string(), NoticeKind::DuplicateVersion)]
        );
    }

    #[test]
    fn drizzle_folders() {
        let dir = tree(&[
            ("20250102000000_b/migration.sql", ""),
            ("20250102000000_b/snapshot.json", "{}"),
            ("20250101000000_a/migration.sql", ""),
            ("20250101000000_a/snapshot.json", "{}"),
        ]);
        assert_eq!(detect(dir.path()), Layout::DrizzleFolders);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            [
                "20250101000000_a/migration.sql",
                "20250102000000_b/migration.sql"
            ]
        );
        assert!(d.notices.is_empty());
    }

    #[test]
    fn prisma() {
        let dir = tree(&[
            ("migration_lock.toml", "provider = \"postgresql\""),
            ("20240201000000_second/migration.sql", ""),
            ("20240101000000_init/migration.sql", ""),
            ("stray.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Prisma);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            [
                "20240101000000_init/migration.sql",
                "20240201000000_second/migration.sql"
            ]
        );
        assert_eq!(kinds(&d), [("stray.sql".to_string(), NoticeKind::Ignored)]);
        // Without migration_lock.toml, */migration.sql still says Prisma.
        fs::remove_file(dir.path().join("migration_lock.toml")).unwrap();
        assert_eq!(detect(dir.path()), Layout::Prisma);
    }

    #[test]
    fn golang_migrate() {
        let dir = tree(&[
            ("10_c.up.sql", ""),
            ("10_c.down.sql", ""),
            ("2_b.up.sql", ""),
            ("2_b.down.sql", ""),
            ("1_a.up.sql", ""),
            ("1_a.down.sql", ""),
            ("0002_dup.up.sql", ""),
            ("README.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::GolangMigrate);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["1_a.up.sql", "0002_dup.up.sql", "2_b.up.sql", "10_c.up.sql"]
        );
        assert_eq!(
            kinds(&d),
            [
                ("README.sql".to_string(), NoticeKind::Ignored),
                ("2_b.up.sql".to_string(), NoticeKind::DuplicateVersion),
            ]
        );
    }

    #[test]
    fn flyway_versions_numeric_then_repeatables() {
        let dir = tree(&[
            ("V1.10__ten.sql", ""),
            ("V1.9__nine.sql", ""),
            ("V1_1__one_one.sql", ""),
            ("V2__two.sql", ""),
            ("V1__one.sql", ""),
            ("U2__undo_two.sql", ""),
            ("R__b_view.sql", ""),
            ("R__a_func.sql", ""),
            ("sub/V1.2__nested.sql", ""),
            ("notes.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Flyway);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            [
                "V1__one.sql",
                "V1_1__one_one.sql",
                "sub/V1.2__nested.sql",
                "V1.9__nine.sql",
                "V1.10__ten.sql",
                "V2__two.sql",
                "R__a_func.sql",
                "R__b_view.sql"
            ]
        );
        assert_eq!(kinds(&d), [("notes.sql".to_string(), NoticeKind::Ignored)]);
    }

    #[test]
    fn flyway_duplicate_versions() {
        let dir = tree(&[("V1.0__a.sql", ""), ("V1__b.sql", ""), ("V01.1__c.sql", "")]);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["V1.0__a.sql", "V1__b.sql", "V01.1__c.sql"]
        );
        assert_eq!(
            kinds(&d),
            [("V1__b.sql".to_string(), NoticeKind::DuplicateVersion)]
        );
    }

    #[test]
    fn dbmate_and_section_range() {
        let text = "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n";
        let dir = tree(&[
            ("20240102000000_b.sql", text),
            ("20240101000000_a.sql", text),
        ]);
        assert_eq!(detect(dir.path()), Layout::Dbmate);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["20240101000000_a.sql", "20240102000000_b.sql"]
        );
        assert!(d.files.iter().all(|f| f.section == Section::DbmateUp));

        let r = section_range(text, Section::DbmateUp);
        assert_eq!(&text[r], "create table a (id int);\n");
        assert_eq!(section_range(text, Section::Whole), 0..text.len());
    }

    #[test]
    fn section_range_edge_cases() {
        let up = Section::DbmateUp;
        // No markers: everything.
        assert_eq!(section_range("select 1;", up), 0..9);
        assert_eq!(section_range("", up), 0..0);
        // Up marker at the end without newline.
        let t = "x\n-- migrate:up";
        assert_eq!(section_range(t, up), t.len()..t.len());
        // Options after the marker, CRLF, no down.
        let t = "-- migrate:up transaction:false\r\na;\r\n";
        assert_eq!(&t[section_range(t, up)], "a;\r\n");
        // Down before up: up runs to the end.
        let t = "--migrate:down\nd;\n--migrate:up\nu;\n";
        assert_eq!(&t[section_range(t, up)], "u;\n");
        // Only a down marker: what comes before it.
        let t = "a;\n-- migrate:down\nd;\n";
        assert_eq!(&t[section_range(t, up)], "a;\n");
        // Not markers.
        let t = "-- migrate:upgrade\n-- migrate:downtime\na;";
        assert_eq!(section_range(t, up), 0..t.len());
    }

    #[test]
    fn sqlx() {
        let dir = tree(&[
            ("20240102_b.sql", ""),
            ("3_a.up.sql", ""),
            ("3_a.down.sql", ""),
            ("x_bad.up.sql", ""),
            ("99999999999999999999_overflow.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Sqlx);
        let d = run(dir.path(), None);
        assert_eq!(rel(dir.path(), &d.files), ["3_a.up.sql", "20240102_b.sql"]);
        assert_eq!(
            kinds(&d),
            [
                (
                    "99999999999999999999_overflow.sql".to_string(),
                    NoticeKind::Ignored
                ),
                ("x_bad.up.sql".to_string(), NoticeKind::Ignored),
            ]
        );
        let dup = tree(&[("0001_a.sql", ""), ("0001_b.sql", "")]);
        let d = run(dup.path(), Some(Layout::Sqlx));
        assert_eq!(rel(dup.path(), &d.files), ["0001_a.sql", "0001_b.sql"]);
        assert_eq!(
            kinds(&d),
            [("0001_b.sql".to_string(), NoticeKind::DuplicateVersion)]
        );
    }

    #[test]
    fn diesel() {
        let dir = tree(&[
            ("2019-02-26-002946_create_user/up.sql", ""),
            ("2019-02-26-002946_create_user/down.sql", ""),
            ("00000000000000_diesel_initial_setup/up.sql", ""),
            ("00000000000000_diesel_initial_setup/down.sql", ""),
            ("2020-01-01-000000_later/up.sql", ""),
            ("2020-01-01-000000_later/down.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Diesel);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            [
                "00000000000000_diesel_initial_setup/up.sql",
                "2019-02-26-002946_create_user/up.sql",
                "2020-01-01-000000_later/up.sql"
            ]
        );
        assert!(d.notices.is_empty(), "{:?}", d.notices);
    }

    #[test]
    fn supabase() {
        let dir = tree(&[
            ("supabase/migrations/20240102000000_b.sql", ""),
            ("supabase/migrations/20240101000000_a.sql", ""),
            ("supabase/migrations/seed_notes.sql", ""),
        ]);
        let m = dir.path().join("supabase/migrations");
        assert_eq!(detect(&m), Layout::Supabase);
        let d = run(&m, None);
        assert_eq!(
            rel(&m, &d.files),
            ["20240101000000_a.sql", "20240102000000_b.sql"]
        );
        assert_eq!(
            kinds(&d),
            [("seed_notes.sql".to_string(), NoticeKind::Ignored)]
        );
    }

    #[test]
    fn atlas() {
        let dir = tree(&[
            ("atlas.sum", "h1:abc"),
            ("20240102000000_b.sql", ""),
            ("20240101000000_a.sql", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Atlas);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            ["20240101000000_a.sql", "20240102000000_b.sql"]
        );
    }

    #[test]
    fn plain_natural_sort_and_skips() {
        let dir = tree(&[
            ("10_a.sql", ""),
            ("2_a.sql", ""),
            ("1_b.sql", ""),
            ("b/1.sql", ""),
            ("a10/x.sql", ""),
            ("a9/x.sql", ""),
            ("down.sql", ""),
            ("3_x.down.sql", ""),
            ("4_x_down.sql", ""),
            ("down/5.sql", ""),
            (".hidden/1.sql", ""),
            ("node_modules/pkg/1.sql", ""),
            ("notes.txt", ""),
            ("UPPER.SQL", ""),
        ]);
        assert_eq!(detect(dir.path()), Layout::Plain);
        let d = run(dir.path(), None);
        assert_eq!(
            rel(dir.path(), &d.files),
            [
                "1_b.sql",
                "2_a.sql",
                "10_a.sql",
                "UPPER.SQL",
                "a9/x.sql",
                "a10/x.sql",
                "b/1.sql"
            ]
        );
        assert_eq!(
            kinds(&d),
            [
                ("4_x_down.sql".to_string(), NoticeKind::Ignored),
                ("5.sql".to_string(), NoticeKind::Ignored),
            ]
        );
    }

    #[test]
    fn natural_order_is_total() {
        let mut names = vec![
            "a", "a1", "a01", "a001", "a1b", "a_1", "a10", "a2", "1", "01", "10", "", "b", "a1a",
            "ä1", "9z", "z9",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                assert_eq!(natural_cmp(a, b), i.cmp(&j), "{a} vs {b}");
            }
        }
        assert_eq!(natural_cmp("2_a.sql", "10_a.sql"), Ordering::Less);
        assert_eq!(
            natural_cmp("99999999999999999999999_a", "100000000000000000000000_a"),
            Ordering::Less
        );
    }

    #[test]
    fn single_file_arguments() {
        let dir = tree(&[
            ("structure.sql", "create table a ();"),
            ("dbm.sql", "-- migrate:up\na;\n-- migrate:down\nb;\n"),
            ("1_a.down.sql", ""),
            ("m/1_x.sql", ""),
        ]);
        let p = |s: &str| dir.path().join(s);
        let d = discover(
            &[
                p("structure.sql"),
                p("dbm.sql"),
                p("1_a.down.sql"),
                p("m"),
                p("m/1_x.sql"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(
            rel(dir.path(), &d.files),
            ["structure.sql", "dbm.sql", "m/1_x.sql"]
        );
        assert_eq!(d.files[0].layout, Layout::Dump);
        assert_eq!(d.files[0].section, Section::Whole);
        assert_eq!(d.files[1].layout, Layout::Dbmate);
        assert_eq!(d.files[1].section, Section::DbmateUp);
        assert_eq!(d.files[2].layout, Layout::Plain);
        assert_eq!(
            kinds(&d),
            [("1_a.down.sql".to_string(), NoticeKind::Ignored)]
        );

        let d = discover(&[p("structure.sql")], Some(Layout::Plain)).unwrap();
        assert_eq!(d.files[0].layout, Layout::Plain);
    }

    #[test]
    fn missing_path() {
        let dir = tree(&[("a.sql", "")]);
        let missing = dir.path().join("nope");
        let e = discover(&[dir.path().to_path_buf(), missing.clone()], None).unwrap_err();
        assert!(matches!(&e, DiscoverError::NotFound(p) if p == &missing));
        assert!(e.to_string().contains("nope"), "{e}");
    }

    #[test]
    fn empty_paths_and_empty_folder() {
        assert!(discover(&[], None).unwrap().files.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let d = run(dir.path(), None);
        assert!(d.files.is_empty() && d.notices.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_a_notice() {
        let dir = tree(&[("1_a.sql", ""), ("sub/2_b.sql", "")]);
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
        let d = run(dir.path(), None);
        assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "sub/2_b.sql"]);
        assert_eq!(kinds(&d), [("loop".to_string(), NoticeKind::Unreadable)]);
        assert!(d.notices[0].message.contains("loop"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_file_is_followed_and_broken_link_noticed() {
        let dir = tree(&[("real/1_a.sql", ""), ("m/2_b.sql", "")]);
        let m = dir.path().join("m");
        std::os::unix::fs::symlink(dir.path().join("real/1_a.sql"), m.join("1_a.sql")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.sql"), m.join("3_c.sql")).unwrap();
        let d = run(&m, None);
        assert_eq!(rel(&m, &d.files), ["1_a.sql", "2_b.sql"]);
        assert_eq!(kinds(&d), [("3_c.sql".to_string(), NoticeKind::Unreadable)]);
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_subfolder() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tree(&[("1_a.sql", ""), ("locked/2_b.sql", "")]);
        let locked = dir.path().join("locked");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root (CI containers) reads anyway: assert what this user can actually do.
        let blocked = fs::read_dir(&locked).is_err();
        let d = run(dir.path(), None);
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        if blocked {
            assert_eq!(rel(dir.path(), &d.files), ["1_a.sql"]);
            assert_eq!(kinds(&d), [("locked".to_string(), NoticeKind::Unreadable)]);
        } else {
            assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "locked/2_b.sql"]);
            assert!(d.notices.is_empty());
        }
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_root_is_an_error() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tree(&[("m/1_a.sql", "")]);
        let m = dir.path().join("m");
        fs::set_permissions(&m, fs::Permissions::from_mode(0o000)).unwrap();
        let blocked = fs::read_dir(&m).is_err();
        let r = discover(std::slice::from_ref(&m), None);
        fs::set_permissions(&m, fs::Permissions::from_mode(0o755)).unwrap();
        if blocked {
            assert!(matches!(r, Err(DiscoverError::Unreadable { .. })), "{r:?}");
        } else {
            assert_eq!(r.unwrap().files.len(), 1);
        }
    }

    #[test]
    fn default_paths_and_discover_default() {
        let dir = tree(&[
            ("drizzle/0000_a.sql", ""),
            ("prisma/migrations/20240101_x/migration.sql", ""),
            ("migrations/README.md", ""),
            ("db/structure.sql", ""),
        ]);
        let found = default_paths(dir.path());
        assert_eq!(
            found,
            [
                dir.path().join("drizzle"),
                dir.path().join("prisma/migrations")
            ]
        );

        let only_dump = tree(&[("db/structure.sql", "create table a ();")]);
        assert_eq!(
            default_paths(only_dump.path()),
            [only_dump.path().join("db/structure.sql")]
        );
        let d = discover_default(only_dump.path(), None).unwrap();
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].layout, Layout::Dump);

        let empty = tree(&[("migrations/README.md", "")]);
        let e = discover_default(empty.path(), None).unwrap_err();
        assert!(matches!(&e, DiscoverError::NoMigrations(v) if v.len() > 3));
        assert!(e.to_string().contains("prisma/migrations"), "{e}");
    }

    #[test]
    fn duplicate_paths_replay_once() {
        let dir = tree(&[("1_a.sql", ""), ("2_b.sql", "")]);
        let d = discover(
            &[dir.path().to_path_buf(), dir.path().join("1_a.sql")],
            None,
        )
        .unwrap();
        assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "2_b.sql"]);
    }

    #[test]
    fn is_down_names() {
        for n in [
            "down.sql",
            "DOWN.SQL",
            "1_a.down.sql",
            "U1__x.sql",
            "U1.2__x.sql",
        ] {
            assert!(is_down(n), "{n}");
        }
        for n in [
            "up.sql",
            "1_a.up.sql",
            "Users__x.sql",
            "U__x.sql",
            "migration.sql",
        ] {
            assert!(!is_down(n), "{n}");
        }
    }
}
