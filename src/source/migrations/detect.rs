//! Guessing a folder's layout from the files in it.

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::Path;

use super::Layout;
use super::order::{FlywayKind, flyway_kind, golang_migrate_version};
use super::section::{Marker, dbmate_marker};
use super::walk::{is_down, is_skipped_name, is_sql, walker};

/// Whether a folder holds `.sql` files (a few levels down).
pub(super) fn has_sql(dir: &Path) -> bool {
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

/// A `supabase/migrations` folder.
fn is_supabase(dir: &Path) -> bool {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.file_name() == Some(OsStr::new("migrations"))
        && dir.parent().and_then(Path::file_name) == Some(OsStr::new("supabase"))
}

/// Whether the start of a file has a `-- migrate:up` line.
pub(super) fn has_dbmate_marker(path: &Path) -> bool {
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
