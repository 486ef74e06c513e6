//! `driftlint.toml`: where the migrations are, what to leave out, and how loud each rule is.
//!
//! ```toml
//! [check]
//! paths = ["db/migrations"]          # relative to this file
//! layout = "prisma"                  # instead of detecting it
//! exclude = ["**/seed*.sql"]         # globs, relative to this file
//! drizzle = "drizzle"                # the Drizzle folder, for `check --drizzle`
//! prisma_version = 5                 # the Prisma major version (default: package.json, else 6)
//! database_url_env = "DATABASE_URL"  # the variable holding the database URL
//! stats = "driftlint-stats.json"     # table sizes from `driftlint stats`, for `check`
//!
//! [runner]                           # how the migration tool runs, where the files do not say
//! golang_migrate_multi_statement = true  # `x-multi-statement=true` in golang-migrate's URL
//! atlas_tx_mode = "all"              # `atlas migrate apply --tx-mode` (file, all, none)
//! flyway_group = true                # Flyway `group` (default: flyway.conf / flyway.toml)
//! flyway_mixed = true                # Flyway `mixed` (default: flyway.conf / flyway.toml)
//! flyway_execute_in_transaction = false  # Flyway `executeInTransaction` for every migration
//! prisma_version = "7.4.0"           # the Prisma CLI release (default: package.json)
//! supabase_version = "2.108.0"       # the Supabase CLI release (default: package.json)
//!
//! [audit]
//! replicas = ["postgresql://reader@replica-1/app"]  # their index scans count too
//!
//! [rules]
//! no-primary-key = "off"
//! unindexed-foreign-key = "error"
//! ```
//!
//! The file is found by walking up from the current directory, or given with `--config`. A
//! typo must not silently turn a setting off, so unknown keys, unknown rule ids and bad values
//! are errors that point at their line and column.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::finding::{Finding, Severity};
use crate::rules;
use crate::source::migrations::Layout;
use crate::source::migrations::settings::{AtlasTxMode, RunnerSettings, Version};

/// The file name looked for in the current directory and its parents.
pub const FILE_NAME: &str = "driftlint.toml";

/// How loud a rule is, as configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The rule's findings are dropped.
    Off,
    /// The rule's findings get this severity.
    On(Severity),
}

/// Path globs whose files are neither read nor replayed.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    /// The directory the globs are relative to (absolute).
    base: PathBuf,
    patterns: Vec<glob::Pattern>,
}

impl Exclude {
    /// Whether there is nothing to exclude.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `path` (absolute, or relative to the current directory) is excluded: a glob
    /// matches its path relative to the configuration file's directory, or, for a glob without
    /// `/`, its file name.
    pub fn matches(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|cwd| cwd.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let abs = normalize(&abs);
        let relative = abs
            .strip_prefix(&self.base)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .ok();
        let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.patterns.iter().any(|p| {
            relative
                .as_deref()
                .is_some_and(|r| p.matches_with(r, options))
                || (!p.as_str().contains('/')
                    && name.as_deref().is_some_and(|n| p.matches_with(n, options)))
        })
    }
}

/// Removes `.` and resolves `..` lexically, so `./migrations/../db/x.sql` matches `db/*.sql`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` (absolute) relative to the current directory when they share a root, so that output
/// shows `db/migrations/001.sql` or `../db/…` rather than an absolute path.
fn shown_from_cwd(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    let cwd = normalize(&cwd);
    let path = normalize(path);
    let common = cwd
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common: an absolute path says more than a long `../../..`.
    if common <= 1 {
        return path;
    }
    let mut out = PathBuf::new();
    for _ in common..cwd.components().count() {
        out.push("..");
    }
    for c in path.components().skip(common) {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The settings read from `driftlint.toml`; paths are resolved against its directory.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file the settings came from.
    pub file: Option<PathBuf>,
    /// `[check] paths`: migration folders or files, used when none are given on the command line.
    pub paths: Vec<PathBuf>,
    /// `[check] layout`.
    pub layout: Option<Layout>,
    /// `[check] exclude`.
    pub exclude: Exclude,
    /// `[check] drizzle`: the Drizzle folder.
    pub drizzle: Option<PathBuf>,
    /// `[check] prisma_version`: the Prisma major version.
    pub prisma_version: Option<u32>,
    /// `[check] database_url_env`: the environment variable that holds the database URL.
    pub database_url_env: Option<String>,
    /// `[rules]`: severity overrides by rule id.
    pub rules: BTreeMap<&'static str, Level>,
    /// `[audit] replicas`: read replicas whose index scans `audit` adds to the primary's.
    pub replicas: Vec<String>,
    /// `[check] stats`: the statistics file `driftlint stats` wrote.
    pub stats: Option<PathBuf>,
    /// `[runner]`: how the migration tool runs where the files do not say.
    pub runner: RunnerSettings,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has a key or value driftlint does not know.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong, and what would be right.
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    audit: RawAudit,
    #[serde(default)]
    runner: RawRunner,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRunner {
    golang_migrate_multi_statement: Option<bool>,
    atlas_tx_mode: Option<Spanned<String>>,
    flyway_group: Option<bool>,
    flyway_mixed: Option<bool>,
    flyway_execute_in_transaction: Option<bool>,
    prisma_version: Option<Spanned<String>>,
    supabase_version: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    replicas: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    paths: Option<Vec<PathBuf>>,
    layout: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    drizzle: Option<PathBuf>,
    prisma_version: Option<u32>,
    database_url_env: Option<String>,
    stats: Option<PathBuf>,
}

/// Looks for `driftlint.toml` in `start` and each of its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and validates a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parses configuration text; `path` names the file in errors and anchors relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let invalid = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = line_col(text, span.map_or(0, |s| s.start));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| invalid(e.span(), e.message().trim().to_string()))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let dir = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(dir))
            .unwrap_or_else(|_| dir.to_path_buf())
    };
    let dir = normalize(&dir);

    let layout = match raw.check.layout {
        None => None,
        Some(name) => Some(
            name.get_ref()
                .parse::<Layout>()
                .map_err(|unknown| invalid(Some(name.span()), unknown.to_string()))?,
        ),
    };
    let mut patterns = Vec::new();
    for glob in raw.check.exclude.unwrap_or_default() {
        let pattern = glob::Pattern::new(glob.get_ref().trim_start_matches("./"))
            .map_err(|e| invalid(Some(glob.span()), format!("invalid glob: {}", e.msg)))?;
        patterns.push(pattern);
    }
    let mut levels = BTreeMap::new();
    for (id, level) in raw.rules {
        let Some(rule) = rules::by_id(id.get_ref()) else {
            let ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
            let hint = match similar::get_close_matches(id.get_ref().as_str(), &ids, 1, 0.6).first()
            {
                Some(best) => format!("did you mean `{best}`?"),
                None => "`driftlint rules` lists them".to_string(),
            };
            return Err(invalid(
                Some(id.span()),
                format!("unknown rule `{}`; {hint}", id.get_ref()),
            ));
        };
        let parsed = match level.get_ref().as_str() {
            "off" => Level::Off,
            other => match Severity::from_name(other) {
                Some(s) => Level::On(s),
                None => {
                    return Err(invalid(
                        Some(level.span()),
                        format!(
                            "unknown severity `{other}` for `{}`; one of: off, info, warning, error",
                            rule.id
                        ),
                    ));
                }
            },
        };
        levels.insert(rule.id, parsed);
    }
    let runner = runner_settings(raw.runner, &invalid)?;
    Ok(Config {
        file: Some(path.to_path_buf()),
        paths: raw
            .check
            .paths
            .unwrap_or_default()
            .into_iter()
            .map(|p| shown_from_cwd(&dir.join(p)))
            .collect(),
        layout,
        exclude: Exclude {
            base: dir.clone(),
            patterns,
        },
        drizzle: raw.check.drizzle.map(|p| shown_from_cwd(&dir.join(p))),
        prisma_version: raw.check.prisma_version,
        database_url_env: raw.check.database_url_env,
        rules: levels,
        replicas: raw.audit.replicas.unwrap_or_default(),
        stats: raw.check.stats.map(|p| shown_from_cwd(&dir.join(p))),
        runner,
    })
}

/// `[runner]`, with a bad tx mode or release an error at its position.
fn runner_settings(
    raw: RawRunner,
    invalid: &dyn Fn(Option<std::ops::Range<usize>>, String) -> ConfigError,
) -> Result<RunnerSettings, ConfigError> {
    let version = |v: Option<Spanned<String>>, key: &str| match v {
        None => Ok(None),
        Some(text) => Version::parse(text.get_ref()).map(Some).ok_or_else(|| {
            invalid(
                Some(text.span()),
                format!(
                    "`{key}` must be a release such as \"7.4.0\", not `{}`",
                    text.get_ref()
                ),
            )
        }),
    };
    let atlas_tx_mode = match raw.atlas_tx_mode {
        None => None,
        Some(mode) => Some(AtlasTxMode::from_name(mode.get_ref()).ok_or_else(|| {
            invalid(
                Some(mode.span()),
                format!(
                    "unknown atlas_tx_mode `{}`; one of: file, all, none",
                    mode.get_ref()
                ),
            )
        })?),
    };
    Ok(RunnerSettings {
        golang_migrate_multi_statement: raw.golang_migrate_multi_statement.unwrap_or(false),
        atlas_tx_mode,
        flyway_group: raw.flyway_group,
        flyway_mixed: raw.flyway_mixed,
        flyway_execute_in_transaction: raw.flyway_execute_in_transaction,
        prisma_version: version(raw.prisma_version, "prisma_version")?,
        supabase_version: version(raw.supabase_version, "supabase_version")?,
        pending: None,
    })
}

/// Rules that report only when `[rules]` turns them on.
pub const OFF_BY_DEFAULT: &[&str] = &["lock-timeout-missing"];

impl Config {
    /// Applies `[rules]`: drops the findings of rules turned off and sets the others'
    /// severities. Runs after the rules, so a rule never needs to know its configuration.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.rules.get(f.rule) {
            Some(Level::Off) => false,
            Some(Level::On(s)) => {
                f.severity = *s;
                true
            }
            None => !OFF_BY_DEFAULT.contains(&f.rule),
        });
    }

    /// The database to read: the one given on the command line, else the value of the
    /// variable `database_url_env` names, when set and not blank.
    pub fn database_url(&self, given: Option<String>) -> Option<String> {
        given.or_else(|| {
            self.database_url_env
                .as_deref()
                .and_then(|var| std::env::var(var).ok())
                .filter(|v| !v.trim().is_empty())
        })
    }
}

/// 1-based line and character column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, Path::new("/p/driftlint.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn stats_is_a_path_relative_to_the_file() {
        let c = parse(
            "[check]\nstats = \"s/stats.json\"\n",
            Path::new("/p/driftlint.toml"),
        )
        .unwrap();
        assert_eq!(c.stats, Some(PathBuf::from("/p/s/stats.json")));
    }

    #[test]
    fn database_url_prefers_the_command_line_then_the_named_variable() {
        let path = std::env::var("PATH").expect("PATH is set for the test process");
        let named = |var: &str| Config {
            database_url_env: Some(var.to_string()),
            ..Config::default()
        };
        assert_eq!(
            named("PATH").database_url(Some("postgres://given".into())),
            Some("postgres://given".to_string())
        );
        assert_eq!(named("PATH").database_url(None), Some(path));
        assert_eq!(
            named("DRIFTLINT_TEST_VARIABLE_NEVER_SET").database_url(None),
            None
        );
        assert_eq!(Config::default().database_url(None), None);
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            r#"
[check]
paths = ["db/migrations", "extra.sql"]
layout = "prisma"
exclude = ["**/seed.sql"]
drizzle = "drizzle"
prisma_version = 5
database_url_env = "STAGING_URL"

[runner]
golang_migrate_multi_statement = true
atlas_tx_mode = "none"
flyway_group = true
flyway_mixed = false
flyway_execute_in_transaction = false
prisma_version = "7.4.0"
supabase_version = "^2.108.1"

[audit]
replicas = ["postgresql://reader@replica-1/app", "host=replica-2 dbname=app"]

[rules]
no-primary-key = "off"
unindexed-foreign-key = "error"
duplicate-index = "info"
redundant-index = "warning"
"#,
            Path::new("/p/driftlint.toml"),
        )
        .unwrap();
        assert_eq!(
            c.paths,
            [
                PathBuf::from("/p/db/migrations"),
                PathBuf::from("/p/extra.sql")
            ]
        );
        assert_eq!(c.layout.map(|l| l.name()), Some("prisma"));
        assert!(c.exclude.matches(Path::new("/p/db/migrations/seed.sql")));
        assert!(!c.exclude.matches(Path::new("/p/db/migrations/001.sql")));
        assert_eq!(c.drizzle, Some(PathBuf::from("/p/drizzle")));
        assert_eq!(c.prisma_version, Some(5));
        assert_eq!(c.database_url_env.as_deref(), Some("STAGING_URL"));
        assert_eq!(
            c.replicas,
            [
                "postgresql://reader@replica-1/app",
                "host=replica-2 dbname=app"
            ]
        );
        assert!(c.runner.golang_migrate_multi_statement);
        assert_eq!(c.runner.atlas_tx_mode, Some(AtlasTxMode::None));
        assert_eq!(
            (c.runner.flyway_group, c.runner.flyway_mixed),
            (Some(true), Some(false))
        );
        assert_eq!(c.runner.flyway_execute_in_transaction, Some(false));
        assert_eq!(c.runner.prisma_version.unwrap().to_string(), "7.4.0");
        assert_eq!(c.runner.supabase_version.unwrap().to_string(), "2.108.1");
        assert_eq!(c.rules["no-primary-key"], Level::Off);
        assert_eq!(c.rules["unindexed-foreign-key"], Level::On(Severity::Error));
        assert_eq!(c.rules["duplicate-index"], Level::On(Severity::Info));
        assert_eq!(c.rules["redundant-index"], Level::On(Severity::Warning));
    }

    #[test]
    fn empty_file_is_fine() {
        let c = parse("", Path::new("/p/driftlint.toml")).unwrap();
        assert!(c.paths.is_empty() && c.rules.is_empty() && c.exclude.is_empty());
    }

    #[test]
    fn unknown_keys_are_errors_at_their_position() {
        let e = err("[check]\npaths = []\n  pahts = [\"x\"]\n");
        assert!(
            e.starts_with("/p/driftlint.toml:3:3: unknown field `pahts`"),
            "{e}"
        );
        let e = err("[chek]\n");
        assert!(
            e.starts_with("/p/driftlint.toml:1:2: unknown field `chek`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_rules_severities_and_layouts_are_errors_at_their_position() {
        assert_eq!(
            err("[rules]\nno-primary-key = \"off\"\nredundant-indx = \"off\"\n"),
            "/p/driftlint.toml:3:1: unknown rule `redundant-indx`; did you mean `redundant-index`?"
        );
        assert_eq!(
            err("[rules]\nno-primary-key = \"loud\"\n"),
            "/p/driftlint.toml:2:18: unknown severity `loud` for `no-primary-key`; one of: off, info, warning, error"
        );
        let e = err("[check]\nlayout = \"rails\"\n");
        assert!(
            e.starts_with("/p/driftlint.toml:2:10: unknown layout `rails`; one of:"),
            "{e}"
        );
        let e = err("[check]\nexclude = [\"[\"]\n");
        assert!(e.starts_with("/p/driftlint.toml:2:12: invalid glob"), "{e}");
        assert_eq!(
            err("[runner]\natlas_tx_mode = \"some\"\n"),
            "/p/driftlint.toml:2:17: unknown atlas_tx_mode `some`; one of: file, all, none"
        );
        assert_eq!(
            err("[runner]\nprisma_version = \"latest\"\n"),
            "/p/driftlint.toml:2:18: `prisma_version` must be a release such as \"7.4.0\", not `latest`"
        );
        let e = err("[check]\npaths = \"migrations\"\n");
        assert!(e.starts_with("/p/driftlint.toml:2:9: invalid type"), "{e}");
    }

    #[test]
    fn off_drops_findings_and_levels_override_severity() {
        use crate::schema::Origin;
        let c = parse(
            "[rules]\nno-primary-key = \"off\"\nindex-missing-column = \"warning\"\n",
            Path::new("/p/driftlint.toml"),
        )
        .unwrap();
        let mut findings = vec![
            Finding::new(&rules::NO_PRIMARY_KEY, "a", Origin::Database),
            Finding::new(&rules::INDEX_MISSING_COLUMN, "b", Origin::Database),
            Finding::new(&rules::DUPLICATE_INDEX, "c", Origin::Database),
        ];
        c.apply(&mut findings);
        let got: Vec<_> = findings.iter().map(|f| (f.rule, f.severity)).collect();
        assert_eq!(
            got,
            [
                ("index-missing-column", Severity::Warning),
                ("duplicate-index", Severity::Warning)
            ]
        );
    }

    #[test]
    fn exclude_globs_match_relative_paths_and_file_names() {
        let c = parse(
            "[check]\nexclude = [\"legacy/*.sql\", \"*.down.sql\"]\n",
            Path::new("/p/driftlint.toml"),
        )
        .unwrap();
        assert!(c.exclude.matches(Path::new("/p/legacy/001.sql")));
        assert!(!c.exclude.matches(Path::new("/p/legacy/sub/001.sql")));
        assert!(c.exclude.matches(Path::new("/p/db/./x/../002.down.sql")));
        assert!(!c.exclude.matches(Path::new("/p/db/002.up.sql")));
    }

    #[test]
    fn found_by_walking_up() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find(&deep), None.or(find(dir.path())));
        std::fs::write(dir.path().join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(dir.path().join("a").join(FILE_NAME)));
    }
}
