//! The live-database commands: `driftlint audit` (every schema rule on an introspected
//! database) and `check --database` (the database is the starting schema; the migrations its
//! migration tool has not applied yet are replayed on top).

mod metrics;

use std::path::Path;
use std::time::Duration;

use crate::check::{CheckError, CheckOptions, Run, check_starting_from};
use crate::config::Exclude;
use crate::rules::{self, RuleInput};
use crate::schema::{Origin, QualName, Schema};
use crate::source::database::{
    AppliedMigrations, ConnectOptions, Database, DatabaseError, Introspection,
};
use crate::source::migrations::{Layout, MigrationFile};

/// What `audit` found, and what it cost.
#[derive(Debug)]
pub struct Audit {
    /// The findings of every schema rule, sorted.
    pub findings: Vec<crate::finding::Finding>,
    /// The introspected schema.
    pub schema: Schema,
    /// The redacted target.
    pub target: String,
    /// `server_version`.
    pub server_version: String,
    /// When index statistics were last reset.
    pub stats_reset: Option<String>,
    /// Every statement sent on the connection (setup, catalog queries, end).
    pub queries: usize,
    /// Time for connecting, introspecting and running the rules.
    pub elapsed: Duration,
}

/// Why a live command could not run.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The database could not be read.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// Replaying the migrations failed.
    #[error(transparent)]
    Check(#[from] CheckError),
}

/// Connects, introspects and closes: the schema of a database.
pub fn introspect(
    options: &ConnectOptions,
) -> Result<(Introspection, String, usize), DatabaseError> {
    let mut db = Database::connect(options)?;
    let found = crate::timings::time("introspect", || db.introspect())?;
    let target = db.target().to_string();
    let queries = db.queries() + 1;
    db.close();
    Ok((found, target, queries))
}

/// What `audit` reads: the primary (the catalog and its statistics), the replicas (their index
/// scans), and how old the statistics must be before an index is called unused.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The primary.
    pub primary: ConnectOptions,
    /// Read replicas (or any other host serving the same schema).
    pub replicas: Vec<ConnectOptions>,
    /// The shortest statistics window `unused-index` trusts.
    pub min_stats_age: Duration,
    /// Read everything over one connection. By default a second connection, on the first
    /// one's snapshot, reads the sizes and sequences while the first reads the catalog.
    pub single_connection: bool,
}

/// The default of `--min-stats-age`: a week covers most workloads' weekly jobs.
pub const DEFAULT_MIN_STATS_AGE: Duration = Duration::from_secs(7 * 86400);

impl AuditOptions {
    /// One host and the default statistics age.
    pub fn new(primary: ConnectOptions) -> Self {
        AuditOptions {
            primary,
            replicas: Vec::new(),
            min_stats_age: DEFAULT_MIN_STATS_AGE,
            single_connection: false,
        }
    }
}

/// `driftlint audit` on one host with the defaults.
pub fn audit(options: &ConnectOptions) -> Result<Audit, DatabaseError> {
    audit_hosts(&AuditOptions::new(options.clone()))
}

/// `driftlint audit`: every schema rule on the primary's schema, with sizes, the statistics
/// window and the index scans of every host.
pub fn audit_hosts(options: &AuditOptions) -> Result<Audit, DatabaseError> {
    let start = std::time::Instant::now();
    let mut db = Database::connect(&options.primary)?;
    let second = if options.single_connection {
        None
    } else {
        db.export_snapshot()
            .map(|snapshot| read_alongside(&options.primary, snapshot))
    };
    let mut found = crate::timings::time("introspect", || db.introspect_for_rules())?;
    let mut queries = 0;
    // The second connection's reading, or, when it could not connect or read, this one's.
    let mut live = match second.map(std::thread::JoinHandle::join) {
        Some(Ok(Ok((stats, sent)))) => {
            queries += sent;
            stats
        }
        _ => db.sizes_and_sequences()?,
    };
    db.add_scans(&mut live)?;
    let mut window = db.stats_window()?;
    let target = db.target().to_string();
    let server_version = db.server_version.clone();
    queries += db.queries() + 1;
    db.close();
    for replica in &options.replicas {
        let as_replica = |mut e: DatabaseError| {
            e.what = format!("replica: {}", e.what);
            e
        };
        let mut r = Database::connect(replica).map_err(as_replica)?;
        let scans = r.index_scans().map_err(as_replica)?;
        let w = r.stats_window().map_err(as_replica)?;
        if w.age_secs < window.age_secs {
            window = w;
        }
        live.hosts.push(r.target().to_string());
        for (name, s) in &mut live.indexes {
            s.scans_per_host.push(scans.get(name).copied().unwrap_or(0));
        }
        queries += r.queries() + 1;
        r.close();
    }
    live.stats_since = Some(window.since);
    live.stats_age_secs = Some(window.age_secs);
    live.stats_since_cause = window.cause;
    live.min_stats_age_secs = options.min_stats_age.as_secs() as i64;
    for index in found.schema.indexes.values_mut() {
        if index.scans.is_some() {
            index.scans = live.index_scans(&index.name).or(index.scans);
        }
    }
    found.schema.live = Some(live);
    let input = RuleInput::of_schema(&found.schema);
    let mut findings = crate::timings::time("rules", || rules::run(&input));
    // What the model lacks of a locked table (its indexes, constraints …) would be reported
    // as missing: only `locked-table` speaks of it.
    let locked: Vec<&QualName> = found
        .schema
        .live
        .iter()
        .flat_map(|l| l.skipped.iter().map(|s| &s.table))
        .collect();
    findings.retain(|f| {
        f.rule == crate::rules::LOCKED_TABLE.id
            || f.table.as_ref().is_none_or(|t| !locked.contains(&t))
    });
    crate::check::sort_findings(&mut findings);
    metrics::attach(&mut findings, &found.schema);
    metrics::sort_by_impact(&mut findings);
    Ok(Audit {
        findings,
        schema: found.schema,
        target,
        server_version,
        stats_reset: found.stats_reset,
        queries,
        elapsed: start.elapsed(),
    })
}

/// A second connection on `snapshot`, in a thread of its own, reading the sizes and sequences
/// while the first reads the catalog (the two sessions' queries run side by side on the
/// server); with the statements it sent.
fn read_alongside(
    options: &ConnectOptions,
    snapshot: String,
) -> std::thread::JoinHandle<Result<(crate::schema::live_stats::LiveStats, usize), DatabaseError>> {
    let options = options.clone();
    std::thread::spawn(move || {
        let mut db = Database::connect_to_snapshot(&options, &snapshot)?;
        let stats = db.sizes_and_sequences()?;
        let sent = db.queries() + 1;
        db.close();
        Ok((stats, sent))
    })
}

/// What `check --database` skipped and why.
#[derive(Debug, Default)]
pub struct Pending {
    /// The redacted target.
    pub target: String,
    /// The bookkeeping table that said what is applied, if any.
    pub bookkeeping: Option<String>,
    /// Migration files skipped as already applied (display paths).
    pub skipped: Vec<String>,
    /// Why every migration was treated as pending, when no bookkeeping was used.
    pub note: Option<String>,
    /// Statements sent to the database.
    pub queries: usize,
    /// The database's PostgreSQL release.
    pub server_version: Option<crate::schema::pg_version::PgVersion>,
}

/// `check --database`: the database's schema is where the replay starts; the migrations the
/// bookkeeping table records as applied are skipped. Findings about objects that only the
/// database has (an old duplicate index) are `audit`'s business and are left out.
pub fn check_with_database(
    options: &CheckOptions,
    database: &ConnectOptions,
    exclude: &Exclude,
) -> Result<(Run, Pending), LiveError> {
    let mut db = Database::connect(database)?;
    let found = crate::timings::time("introspect", || db.introspect())?;
    let mut pending = Pending {
        target: db.target().to_string(),
        server_version: crate::schema::pg_version::PgVersion::from_server_version_num(
            db.server_version_num,
        ),
        ..Pending::default()
    };
    let applied = match db.applied_migrations() {
        Ok(a) => a,
        Err(e) => {
            pending.note = Some(format!(
                "every migration is treated as pending: {}",
                e.reason
            ));
            None
        }
    };
    pending.queries = db.queries() + 1;
    db.close();
    match &applied {
        Some(a) => pending.bookkeeping = Some(format!("{} ({})", a.table, a.tool)),
        None if pending.note.is_none() => pending.note = Some(
            "no migration bookkeeping table in the database: every migration is treated as pending"
                .into(),
        ),
        None => {}
    }
    let cwd = std::env::current_dir().ok();
    let skipped = std::cell::RefCell::new(Vec::new());
    let is_pending = |mf: &MigrationFile| {
        let done = applied.as_ref().is_some_and(|a| is_applied(mf, a));
        if done {
            skipped
                .borrow_mut()
                .push(crate::source::file::display_path(&mf.path, cwd.as_deref()));
        }
        !done
    };
    // A `target_version` given wins (the database may be a copy on another release); else the
    // database's own release.
    let options = CheckOptions {
        target: options.target.or(pending.server_version),
        ..options.clone()
    };
    let mut run = check_starting_from(&options, None, exclude, Some(found.schema), &is_pending)?;
    run.findings
        .retain(|f| !matches!(f.origin, Origin::Database));
    pending.skipped = skipped.into_inner();
    Ok((run, pending))
}

/// Whether the bookkeeping records `mf` as applied.
fn is_applied(mf: &MigrationFile, applied: &AppliedMigrations) -> bool {
    let Some(id) = migration_id(mf) else {
        return false;
    };
    match applied.tool {
        // golang-migrate keeps one row: the current version; all before it are applied.
        "golang-migrate" if mf.layout == Layout::GolangMigrate => {
            let current = applied
                .ids
                .iter()
                .filter_map(|v| v.parse::<u64>().ok())
                .max();
            matches!((id.parse::<u64>(), current), (Ok(v), Some(c)) if v <= c)
        }
        _ => applied.ids.iter().any(|a| same_id(a, &id)),
    }
}

fn same_id(a: &str, b: &str) -> bool {
    let trim = |s: &str| {
        let t = s.trim().trim_start_matches('0');
        if t.is_empty() {
            "0".to_string()
        } else {
            t.to_string()
        }
    };
    a == b || trim(a) == trim(b)
}

/// The identifier a tool records for a migration file.
fn migration_id(mf: &MigrationFile) -> Option<String> {
    let path = &mf.path;
    let file = path.file_name()?.to_string_lossy().to_string();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|f| f.to_string_lossy().to_string());
    let leading_digits = |s: &str| -> Option<String> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        (!d.is_empty()).then_some(d)
    };
    match mf.layout {
        Layout::Drizzle => drizzle_when(path),
        Layout::Prisma => folder,
        Layout::Diesel => {
            let f = folder?;
            let prefix = f.split('_').next().unwrap_or("");
            let digits: String = prefix.chars().filter(char::is_ascii_digit).collect();
            (!digits.is_empty()).then_some(digits)
        }
        Layout::Flyway => {
            let rest = file.strip_prefix(['V', 'v'])?;
            let version = rest.split("__").next()?;
            Some(version.replace('_', "."))
        }
        Layout::DrizzleFolders | Layout::Atlas => folder.as_deref().and_then(leading_digits),
        _ => leading_digits(&file),
    }
}

/// drizzle-kit records a migration by its journal entry's `when` (milliseconds).
fn drizzle_when(path: &Path) -> Option<String> {
    let tag = path.file_stem()?.to_string_lossy().to_string();
    let journal = path.parent()?.join("meta").join("_journal.json");
    let text = std::fs::read_to_string(journal).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("entries")?
        .as_array()?
        .iter()
        .find(|e| e.get("tag").and_then(|t| t.as_str()) == Some(tag.as_str()))
        .and_then(|e| e.get("when"))
        .map(|w| w.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::migrations::Section;
    use std::path::PathBuf;

    fn mf(path: &str, layout: Layout) -> MigrationFile {
        MigrationFile {
            path: PathBuf::from(path),
            layout,
            section: Section::Whole,
        }
    }

    #[test]
    fn ids_per_tool() {
        assert_eq!(
            migration_id(&mf("m/20240101_init/migration.sql", Layout::Prisma)).as_deref(),
            Some("20240101_init")
        );
        assert_eq!(
            migration_id(&mf("m/2023-01-02-030405_users/up.sql", Layout::Diesel)).as_deref(),
            Some("20230102030405")
        );
        assert_eq!(
            migration_id(&mf("m/V1_2__init.sql", Layout::Flyway)).as_deref(),
            Some("1.2")
        );
        assert_eq!(
            migration_id(&mf("m/000003_x.up.sql", Layout::GolangMigrate)).as_deref(),
            Some("000003")
        );
        let golang = AppliedMigrations {
            table: "public.schema_migrations".into(),
            tool: "golang-migrate",
            ids: vec!["2".into()],
        };
        assert!(is_applied(
            &mf("m/000002_x.up.sql", Layout::GolangMigrate),
            &golang
        ));
        assert!(!is_applied(
            &mf("m/000003_x.up.sql", Layout::GolangMigrate),
            &golang
        ));
        let sqlx = AppliedMigrations {
            table: "public._sqlx_migrations".into(),
            tool: "sqlx",
            ids: vec!["20240101000000".into()],
        };
        assert!(is_applied(
            &mf("m/20240101000000_init.sql", Layout::Sqlx),
            &sqlx
        ));
    }

    #[test]
    fn drizzle_matches_the_journal() {
        let root =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/drizzle-legacy/drizzle");
        let first = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .min()
            .unwrap();
        let when = drizzle_when(&first).expect("journal entry");
        assert!(when.chars().all(|c| c.is_ascii_digit()), "{when}");
    }
}
