//! Walking a migration folder: which names are skipped, which are down migrations.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::order::{FlywayKind, flyway_kind};
use super::{Notice, NoticeKind};

pub(super) fn is_skipped_name(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.first() == Some(&b'.') || b == b"node_modules"
}

pub(super) fn is_sql(name: &OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.len() > 4 && b[b.len() - 4..].eq_ignore_ascii_case(b".sql")
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(super) fn walker(
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
pub(super) fn walk_sql(root: &Path, max_depth: usize, notices: &mut Vec<Notice>) -> Vec<PathBuf> {
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
pub(super) fn is_down(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "down.sql"
        || lower.ends_with(".down.sql")
        || matches!(flyway_kind(name), FlywayKind::Undo)
}

/// Names that look like down migrations in a plain folder (`*_down.sql`, `*-down.sql`,
/// `*.undo.sql`, anything in a folder named `down`): skipped with a notice.
pub(super) fn looks_like_down(rel: &Path) -> bool {
    let lower = file_name(rel).to_ascii_lowercase();
    lower.ends_with("_down.sql")
        || lower.ends_with("-down.sql")
        || lower.ends_with(".undo.sql")
        || rel
            .parent()
            .is_some_and(|p| p.iter().any(|c| c.eq_ignore_ascii_case("down")))
}
