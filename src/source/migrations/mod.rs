//! Migration folder discovery: which files to replay, in which order, for each tool's layout.
//!
//! Down / undo migrations are never replayed in any layout: `down.sql`, `*.down.sql` and
//! Flyway's `U<version>__*.sql` are always skipped.
//!
//! The parts: [`detect`](detect()) guesses a folder's layout, `layouts` collects and orders each
//! layout's files (`drizzle` for drizzle-kit's journal), `order` holds the version and natural
//! orderings, `walk` the directory walk and the down-migration rules, `section` the dbmate
//! up/down sections.

mod detect;
mod drizzle;
mod layouts;
mod order;
pub mod runner;
mod section;
pub mod settings;
mod walk;

pub use detect::detect;
pub use section::{Section, section_range};

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use detect::{has_dbmate_marker, has_sql};
use layouts::collect;
use section::section_for;
use walk::{file_name, is_down};

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
    type Err = UnknownLayout;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layout::from_name(s).ok_or_else(|| UnknownLayout(s.to_string()))
    }
}

/// A layout name that is not one (`--layout`, `[check] layout`); the message lists the known
/// names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layout `{0}`; one of: {names}", names = known_layouts())]
pub struct UnknownLayout(pub String);

/// The layout names, comma-separated.
fn known_layouts() -> String {
    let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
    names.join(", ")
}

/// One migration file to replay, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub path: PathBuf,
    pub layout: Layout,
    pub section: Section,
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

/// A file given as an argument: replayed whole (or its dbmate up section), unless it is a
/// down migration.
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

#[cfg(test)]
mod tests;
