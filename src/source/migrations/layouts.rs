//! Collecting each layout's files in the order its tool runs them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::drizzle::drizzle;
use super::order::{
    FlywayKind, Num, flyway_kind, golang_migrate_version, leading_digits, natural_path_cmp,
};
use super::section::section_for;
use super::walk::{file_name, is_down, looks_like_down, walk_sql};
use super::{Layout, MigrationFile, Notice, NoticeKind};

/// One folder being collected: where, in which layout, and where notices go.
pub(super) struct Ctx<'a> {
    pub(super) root: &'a Path,
    pub(super) layout: Layout,
    pub(super) notices: &'a mut Vec<Notice>,
}

impl Ctx<'_> {
    pub(super) fn notice(&mut self, path: &Path, kind: NoticeKind, message: String) {
        self.notices.push(Notice {
            path: path.to_path_buf(),
            kind,
            message,
        });
    }

    pub(super) fn ignored(&mut self, path: &Path, why: &str) {
        let message = format!(
            "{}: {why}; not replayed (layout {})",
            path.display(),
            self.layout
        );
        self.notice(path, NoticeKind::Ignored, message);
    }

    /// Turn ordered `(version, path)` into files, noticing repeated versions.
    pub(super) fn finish(&mut self, ordered: Vec<(Option<String>, PathBuf)>) -> Vec<MigrationFile> {
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

pub(super) fn collect(
    root: &Path,
    layout: Layout,
    notices: &mut Vec<Notice>,
) -> Vec<MigrationFile> {
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
pub(super) fn flat(cx: &mut Ctx<'_>) -> Vec<(String, PathBuf)> {
    walk_sql(cx.root, 1, cx.notices)
        .into_iter()
        .map(|p| (file_name(&p), p))
        .filter(|(n, _)| !is_down(n))
        .collect()
}

/// `<dir>/<name>/<file>` per migration, ordered by folder name (Prisma, drizzle-kit 1.x, diesel).
pub(super) fn folders(cx: &mut Ctx<'_>, file: &str, versioned: bool) -> Vec<MigrationFile> {
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

pub(super) fn golang_migrate(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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

pub(super) fn sqlx(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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

pub(super) fn flyway(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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
pub(super) fn prefixed(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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

pub(super) fn atlas(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
    let mut found = flat(cx);
    found.sort();
    let ordered = found.into_iter().map(|(_, p)| (None, p)).collect();
    cx.finish(ordered)
}

/// Every `.sql` file below the folder, in natural order of the paths.
pub(super) fn plain(cx: &mut Ctx<'_>) -> Vec<MigrationFile> {
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
