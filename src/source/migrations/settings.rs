//! How a project runs its migration tool where the migration files do not say: the
//! `[runner]` settings of `driftlint.toml`, else what the project itself reveals — the Prisma
//! or Supabase CLI version in `package.json` (or the installed one in `node_modules`), Flyway's
//! `group` / `mixed` in `flyway.conf` or `flyway.toml` — and which files are pending together.
//!
//! Each setting changes how a file reaches PostgreSQL (see [`super::runner`]); when the
//! project does not say, a default is assumed and the finding names it: the older Prisma
//! behaviour (it fails more files), the current Supabase CLI, no `x-multi-statement`, Atlas's
//! and Flyway's own defaults.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// A tool's release, as far as it is known: `7` says only the major version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major version.
    pub major: u32,
    /// Minor version, when given.
    pub minor: Option<u32>,
    /// Patch version (0 when not given).
    pub patch: u32,
}

impl Version {
    /// Reads `7.4.0`, `v2.108.1`, `7`, or the lower bound of an npm range (`^7.4.0`, `~2.108`,
    /// `>=7.4 <8`). `None` for anything else (`latest`, `workspace:*`, a URL).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let start = text.find(|c: char| c.is_ascii_digit())?;
        // Only range operators and a `v` may come before the number.
        if !text[..start]
            .chars()
            .all(|c| matches!(c, '^' | '~' | '>' | '=' | 'v' | ' '))
        {
            return None;
        }
        let mut parts = text[start..]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()?
            .split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().and_then(|m| m.parse().ok());
        let patch = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        Some(Version {
            major,
            minor,
            patch,
        })
    }

    /// Whether this release is `major.minor` or later; `None` when only the same major version
    /// is known.
    pub fn at_least(&self, major: u32, minor: u32) -> Option<bool> {
        if self.major != major {
            return Some(self.major > major);
        }
        self.minor.map(|m| m >= minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}.{minor}.{}", self.major, self.patch),
            None => write!(f, "{}", self.major),
        }
    }
}

/// `atlas migrate apply --tx-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtlasTxMode {
    /// One transaction per file (Atlas's default).
    File,
    /// One transaction for all pending files.
    All,
    /// No transaction: each statement on its own.
    None,
}

impl AtlasTxMode {
    /// `file`, `all` or `none`.
    pub fn from_name(name: &str) -> Option<AtlasTxMode> {
        match name {
            "file" => Some(AtlasTxMode::File),
            "all" => Some(AtlasTxMode::All),
            "none" => Some(AtlasTxMode::None),
            _ => None,
        }
    }
}

/// What the project says about its runner (`driftlint.toml` `[runner]`, the command line).
#[derive(Clone, Debug, Default)]
pub struct RunnerSettings {
    /// golang-migrate runs with `x-multi-statement=true` in the database URL.
    pub golang_migrate_multi_statement: bool,
    /// `atlas migrate apply --tx-mode`.
    pub atlas_tx_mode: Option<AtlasTxMode>,
    /// Flyway `group` (all pending migrations in one transaction).
    pub flyway_group: Option<bool>,
    /// Flyway `mixed` (a migration mixing both kinds of statement runs without a transaction).
    pub flyway_mixed: Option<bool>,
    /// Flyway `executeInTransaction` for every migration (a `<file>.conf` overrides it).
    pub flyway_execute_in_transaction: Option<bool>,
    /// The Prisma CLI release that applies the migrations.
    pub prisma_version: Option<Version>,
    /// The Supabase CLI release that applies the migrations.
    pub supabase_version: Option<Version>,
    /// The migration files applied together in one run, as canonical paths (the files changed
    /// on a branch, `--changed-since`); `None` when not known.
    pub pending: Option<HashSet<PathBuf>>,
}

/// A setting's value and where it came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known<T> {
    /// The value, when anything said it.
    pub value: Option<T>,
    /// Where it came from (`driftlint.toml`, a `package.json` path).
    pub source: String,
}

impl<T> Default for Known<T> {
    fn default() -> Self {
        Known {
            value: None,
            source: String::new(),
        }
    }
}

/// The settings in force for one check: the configured ones, completed from the project.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// As configured.
    pub settings: RunnerSettings,
    /// The Prisma CLI release.
    pub prisma: Known<Version>,
    /// The Supabase CLI release.
    pub supabase: Known<Version>,
    /// Flyway `group`.
    pub flyway_group: Known<bool>,
    /// Flyway `mixed`.
    pub flyway_mixed: Known<bool>,
    /// Flyway `executeInTransaction`.
    pub flyway_execute_in_transaction: Known<bool>,
}

/// How many folders above the migrations are searched for a project file.
const MAX_LEVELS: usize = 6;

impl RunnerSettings {
    /// Completes the settings from the project around `start` (the first migration path):
    /// only what is not configured is looked up, and only for the layouts in use.
    pub fn resolve(&self, start: Option<&Path>, layouts: &[super::Layout]) -> Resolved {
        use super::Layout;
        let configured = |v: Option<Version>| Known {
            value: v,
            source: if v.is_some() {
                "driftlint.toml".into()
            } else {
                String::new()
            },
        };
        let mut r = Resolved {
            settings: self.clone(),
            prisma: configured(self.prisma_version),
            supabase: configured(self.supabase_version),
            flyway_group: Known {
                value: self.flyway_group,
                source: "driftlint.toml".into(),
            },
            flyway_mixed: Known {
                value: self.flyway_mixed,
                source: "driftlint.toml".into(),
            },
            flyway_execute_in_transaction: Known {
                value: self.flyway_execute_in_transaction,
                source: "driftlint.toml".into(),
            },
        };
        let Some(start) = start else {
            return r;
        };
        if r.prisma.value.is_none() && layouts.contains(&Layout::Prisma) {
            r.prisma = npm_version(start, &["prisma", "@prisma/client"]);
        }
        if r.supabase.value.is_none() && layouts.contains(&Layout::Supabase) {
            r.supabase = npm_version(start, &["supabase"]);
        }
        if layouts.contains(&Layout::Flyway) {
            let [group, mixed, tx] = flyway_config(start);
            for (configured, resolved, found) in [
                (self.flyway_group, &mut r.flyway_group, group),
                (self.flyway_mixed, &mut r.flyway_mixed, mixed),
                (
                    self.flyway_execute_in_transaction,
                    &mut r.flyway_execute_in_transaction,
                    tx,
                ),
            ] {
                if configured.is_none() {
                    *resolved = found;
                }
            }
        }
        r
    }
}

impl Resolved {
    /// Whether `path` is one of the files known to be applied together.
    pub fn is_pending(&self, path: &Path) -> bool {
        self.settings.pending.as_ref().is_some_and(|set| {
            path.canonicalize()
                .is_ok_and(|canonical| set.contains(&canonical))
        })
    }
}

/// `path` relative to the current directory when it lies below it, for messages.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| fs::canonicalize(d).ok());
    cwd.and_then(|d| path.strip_prefix(d).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// The folders from `start` upwards.
fn upwards(start: &Path) -> impl Iterator<Item = PathBuf> {
    let dir = if start.is_dir() {
        start
    } else {
        start.parent().unwrap_or(start)
    };
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .take(MAX_LEVELS)
        .map(Path::to_path_buf)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The release of the first of `names` found: the installed one (`node_modules/<name>/
/// package.json`) wins over the lower bound of the range a project's `package.json` asks for.
fn npm_version(start: &Path, names: &[&str]) -> Known<Version> {
    for dir in upwards(start) {
        for name in names {
            let installed = dir.join("node_modules").join(name).join("package.json");
            if let Some(v) = json_at(&installed, &["version"]).and_then(|v| Version::parse(&v)) {
                return Known {
                    value: Some(v),
                    source: shown(&installed),
                };
            }
        }
        let manifest = dir.join("package.json");
        for section in ["dependencies", "devDependencies"] {
            for name in names {
                if let Some(v) =
                    json_at(&manifest, &[section, name]).and_then(|v| Version::parse(&v))
                {
                    return Known {
                        value: Some(v),
                        source: shown(&manifest),
                    };
                }
            }
        }
    }
    Known::default()
}

/// The string at `keys` in the JSON file `path`.
fn json_at(path: &Path, keys: &[&str]) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let mut value: &serde_json::Value = &serde_json::from_str(&text).ok()?;
    for key in keys {
        value = value.get(key)?;
    }
    value.as_str().map(str::to_string)
}

/// Flyway's `group`, `mixed` and `executeInTransaction` from the nearest `flyway.conf`
/// (`flyway.group=true`) or `flyway.toml` (`group = true` under `[flyway]`).
fn flyway_config(start: &Path) -> [Known<bool>; 3] {
    for dir in upwards(start) {
        for name in ["flyway.conf", "flyway.toml"] {
            let path = dir.join(name);
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let setting = |key: &str| Known {
                value: flyway_setting(&text, key),
                source: shown(&path),
            };
            return [
                setting("group"),
                setting("mixed"),
                setting("executeInTransaction"),
            ];
        }
    }
    Default::default()
}

/// `key` set to `true` / `false` in a `flyway.conf` (`flyway.key=…`) or `flyway.toml`
/// (`key = …` in `[flyway]`); the last setting wins, as when Flyway reads the file.
fn flyway_setting(text: &str, key: &str) -> Option<bool> {
    let mut section = String::new();
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            section = name.trim_end_matches(']').trim().to_string();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        let matches = k == format!("flyway.{key}") || (section == "flyway" && k == key);
        if matches {
            found = match v.trim().trim_matches('"') {
                "true" => Some(true),
                "false" => Some(false),
                _ => found,
            };
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_npm_ranges() {
        let v = |s| Version::parse(s);
        assert_eq!(v("7.4.0").unwrap().at_least(7, 4), Some(true));
        assert_eq!(v("^7.3.2").unwrap().at_least(7, 4), Some(false));
        assert_eq!(v("v2.108.1").unwrap().at_least(2, 109), Some(false));
        assert_eq!(v(">=2.109 <3").unwrap().at_least(2, 109), Some(true));
        assert_eq!(v("7").unwrap().at_least(7, 4), None);
        assert_eq!(v("8").unwrap().at_least(7, 4), Some(true));
        assert_eq!(v("6.19.0").unwrap().at_least(7, 4), Some(false));
        assert_eq!(v("latest"), None);
        assert_eq!(v("workspace:*"), None);
        assert_eq!(v("npm:prisma@7"), None);
        assert_eq!(v("~7.4").unwrap().to_string(), "7.4.0");
    }

    #[test]
    fn flyway_files_set_group_and_mixed() {
        let conf = "# c\nflyway.group=true\nflyway.mixed = false\n";
        assert_eq!(flyway_setting(conf, "group"), Some(true));
        assert_eq!(flyway_setting(conf, "mixed"), Some(false));
        let toml = "[environments.x]\ngroup = false\n[flyway]\ngroup = true\n";
        assert_eq!(flyway_setting(toml, "group"), Some(true));
        assert_eq!(flyway_setting(toml, "mixed"), None);
    }

    #[test]
    fn the_installed_release_wins_over_the_range() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join("package.json"),
            r#"{"devDependencies": {"prisma": "^7.2.0"}}"#,
        )
        .unwrap();
        let migrations = root.join("prisma/migrations");
        fs::create_dir_all(&migrations).unwrap();
        let found = npm_version(&migrations, &["prisma"]);
        assert_eq!(found.value.unwrap().to_string(), "7.2.0");
        assert!(found.source.ends_with("package.json"), "{}", found.source);
        fs::create_dir_all(root.join("node_modules/prisma")).unwrap();
        fs::write(
            root.join("node_modules/prisma/package.json"),
            r#"{"name": "prisma", "version": "7.5.1"}"#,
        )
        .unwrap();
        let found = npm_version(&migrations, &["prisma"]);
        assert_eq!(found.value.unwrap().to_string(), "7.5.1");
        assert!(
            found.source.ends_with("node_modules/prisma/package.json"),
            "{}",
            found.source
        );
    }
}
