//! drizzle-kit 0.x folders: `meta/_journal.json` decides what runs and in which order.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use super::layouts::{Ctx, flat};
use super::order::{Num, leading_digits, natural_cmp};
use super::walk::is_down;
use super::{MigrationFile, NoticeKind};

/// drizzle-kit 0.x: the journal decides.
pub(super) fn drizzle(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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

/// Why a drizzle journal cannot be used; discovery then falls back to file names.
#[derive(Debug, thiserror::Error)]
enum JournalError {
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(io::Error),
    /// Larger than any journal could be.
    #[error("implausibly large ({0} bytes)")]
    TooLarge(u64),
    /// Not a readable file (a directory, no permission).
    #[error("cannot read")]
    Unreadable,
    /// Not JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON without the `entries` array.
    #[error("no `entries` array")]
    NoEntries,
    /// An entry without a `tag`.
    #[error("entry {0} has no `tag` string")]
    NoTag(usize),
}

/// The journal's tags in `idx` order; `Ok(None)` when there is no journal.
fn read_journal(path: &Path) -> Result<Option<Vec<String>>, JournalError> {
    let bytes = match crate::source::read::read_file(path) {
        Ok(s) => s.text,
        Err(crate::source::read::ReadError::NotFound(_)) => return Ok(None),
        Err(crate::source::read::ReadError::Io { source, .. }) => {
            return Err(JournalError::Io(source));
        }
        Err(crate::source::read::ReadError::TooLarge { size, .. }) => {
            return Err(JournalError::TooLarge(size));
        }
        Err(_) => return Err(JournalError::Unreadable),
    };
    let value: serde_json::Value = serde_json::from_str(&bytes)?;
    let entries = value
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or(JournalError::NoEntries)?;
    let mut tagged = Vec::with_capacity(entries.len());
    for (pos, entry) in entries.iter().enumerate() {
        let tag = entry
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or(JournalError::NoTag(pos))?;
        let idx = entry
            .get("idx")
            .and_then(|i| i.as_u64())
            .unwrap_or(pos as u64);
        tagged.push((idx, pos, tag.to_string()));
    }
    tagged.sort();
    Ok(Some(tagged.into_iter().map(|(_, _, t)| t).collect()))
}
