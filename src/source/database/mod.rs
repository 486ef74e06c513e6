//! A live database as a schema source: a read-only repeatable-read transaction with timeouts,
//! and introspection into the [`Schema`] model with a fixed number of catalog queries (one per
//! kind of object, never one per table). `audit` adds a second session that imports the first
//! one's snapshot ([`Database::export_snapshot`], [`Database::connect_to_snapshot`]): two
//! read-only transactions, one state of the database, read side by side.
//!
//! Everything read comes from `pg_catalog` and the statistics views, which every role may read:
//! a role with no privilege on any table can audit. The bookkeeping tables of migration tools
//! need `SELECT` on them; without it `check --database` replays every migration and says why.
//!
//! Expressions (index keys, predicates, defaults, policies) are parsed with
//! [`SqlExpr`](crate::schema::expr::SqlExpr) like the replayed ones, so `pg_get_expr`'s
//! `(hot_rank <> (0)::double precision)` and a migration's `hot_rank <> 0` are one expression
//! (see `SqlExpr`'s normalisation of implicit casts).

mod bookkeeping;
mod catalog;
mod locks;
mod objects;
mod usage;

pub use usage::StatsWindow;
pub mod stats;

use std::time::Duration;

use postgres::Row;

use super::conninfo::{ConnInfo, ConnInfoError, redact};
use crate::schema::Schema;

/// How to connect and how long anything may take. Its `Debug` redacts the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// A URL or key=value conninfo; `PG*` variables fill what it leaves out.
    pub target: String,
    /// `statement_timeout` of the session.
    pub statement_timeout: Duration,
    /// `lock_timeout` of the session: catalog reads never wait long behind DDL.
    pub lock_timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("target", &redact(&self.target))
            .field("statement_timeout", &self.statement_timeout)
            .field("lock_timeout", &self.lock_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

impl ConnectOptions {
    /// The defaults: 30 s per statement, 2 s for a lock, 10 s to connect.
    pub fn new(target: impl Into<String>) -> Self {
        ConnectOptions {
            target: target.into(),
            statement_timeout: Duration::from_secs(30),
            lock_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Why the database could not be read: what failed, where (never with a password), and what
/// to do about it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{what} ({target}): {reason}\nhelp: {help}")]
pub struct DatabaseError {
    /// What driftlint was doing.
    pub what: String,
    /// The redacted target.
    pub target: String,
    /// The server's or the client's reason, with any password scrubbed.
    pub reason: String,
    /// The next step for the user.
    pub help: String,
}

/// An open, read-only session on a database.
pub struct Database {
    client: postgres::Client,
    target: String,
    password: Option<String>,
    /// The statements that open the read-only transaction with its timeouts.
    setup: String,
    queries: usize,
    /// Tables left out of the deparsing queries because another session locks them.
    locks: locks::LockSkips,
    /// The SQLSTATE of the last failed statement (`55P03` is a lock timeout).
    last_sqlstate: Option<String>,
    /// `idx_scan` of the indexes the introspection read, for [`Database::live_stats`] in the
    /// same snapshot: one query fewer.
    index_scans_read: Option<indexmap::IndexMap<crate::schema::QualName, i64>>,
    /// The server's block size (`relpages` counts blocks).
    block_size: i64,
    /// Whether the role may read `pg_statistic` (a superuser): column statistics by oid.
    reads_pg_statistic: bool,
    /// `server_version_num`, e.g. 160004.
    pub server_version_num: i32,
    /// `server_version`, e.g. `16.4`.
    pub server_version: String,
}

/// What an introspection read besides the schema.
#[derive(Clone, Debug)]
pub struct Introspection {
    /// The live schema; every origin is [`crate::schema::Origin::Database`].
    pub schema: Schema,
    /// When the statistics (`idx_scan`) were last reset, if ever.
    pub stats_reset: Option<String>,
    /// Catalog queries sent for the introspection, whatever the database's size.
    pub queries: usize,
    /// How long it took.
    pub elapsed: Duration,
}

/// Migrations a migration tool's bookkeeping table records as applied.
#[derive(Clone, Debug, Default)]
pub struct AppliedMigrations {
    /// The bookkeeping table, e.g. `public._prisma_migrations`.
    pub table: String,
    /// The tool.
    pub tool: &'static str,
    /// Identifiers as the tool records them: versions, folder names, or drizzle's
    /// `created_at` (the journal's `when`).
    pub ids: Vec<String>,
}

fn scrub(text: &str, password: Option<&str>) -> String {
    let mut t = redact(text);
    if let Some(p) = password.filter(|p| p.len() >= 2) {
        t = t.replace(p, "***");
    }
    t
}

fn help_for(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        return match code {
            "28P01" | "28000" => "check the user name and password (PGUSER / PGPASSWORD, or the URL), and pg_hba.conf".into(),
            "3D000" => "check the database name".into(),
            "42501" => "grant the role the privilege named above, or audit with a role that has it".into(),
            "57014" => "raise --statement-timeout, or run when the server is less busy".into(),
            "55P03" => "another session holds a lock on the catalog (DDL in progress?); retry, or raise --lock-timeout".into(),
            "53300" => "the server has no free connection slots; retry later".into(),
            _ => "see the server's message above".into(),
        };
    }
    let text = e.to_string();
    if text.contains("timed out") || text.contains("timeout") {
        "the server did not answer in time: check host, port and firewall, or raise connect_timeout"
            .into()
    } else if text.contains("TLS") || text.contains("certificate") || text.contains("tls") {
        "check sslmode and sslrootcert: verify-full needs the CA that signed the server's certificate and a matching host name".into()
    } else {
        "check that the server is running and accepts connections on that host and port".into()
    }
}

fn reason_of(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => {
            // The client's error plus its cause chain (`error connecting to server: …`).
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                let c = cause.to_string();
                if !s.contains(&c) {
                    s.push_str(": ");
                    s.push_str(&c);
                }
                source = cause.source();
            }
            s
        }
    }
}

impl Database {
    /// Connects, then opens the read-only snapshot: `BEGIN READ ONLY` at `REPEATABLE READ`, with
    /// `statement_timeout` and `lock_timeout` set for it.
    pub fn connect(options: &ConnectOptions) -> Result<Database, DatabaseError> {
        Self::open(options, None)
    }

    /// A second session reading what `snapshot` (from [`Self::export_snapshot`] of an open
    /// session) sees: the same read-only repeatable-read transaction and timeouts, started on
    /// the other session's snapshot, so both read one state of the database.
    pub fn connect_to_snapshot(
        options: &ConnectOptions,
        snapshot: &str,
    ) -> Result<Database, DatabaseError> {
        Self::open(options, Some(snapshot))
    }

    /// This transaction's snapshot, for [`Self::connect_to_snapshot`]
    /// (`pg_export_snapshot`): only before any catalog query set the savepoint (a
    /// subtransaction cannot export). When the server refuses, the transaction is started
    /// again, so nothing is lost but the attempt.
    pub fn export_snapshot(&mut self) -> Option<String> {
        if self.locks.savepoint {
            return None;
        }
        let exported = self
            .query("cannot export the snapshot", "SELECT pg_export_snapshot()")
            .ok()
            .and_then(|rows| rows.first().map(|r| r.get::<_, String>(0)));
        match exported {
            // Its form is `0000000A-0000001B-1`: checked before it goes into a statement.
            Some(id) if id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') => Some(id),
            _ => {
                let setup = format!("ROLLBACK; {}", self.setup);
                self.batch("cannot start a read-only transaction", &setup)
                    .ok()?;
                None
            }
        }
    }

    fn open(options: &ConnectOptions, snapshot: Option<&str>) -> Result<Database, DatabaseError> {
        let info = ConnInfo::parse(&options.target)
            .map(|c| c.with_env(|k| std::env::var(k).ok()))
            .map_err(|e| DatabaseError {
                what: "cannot read the connection string".into(),
                target: redact(&options.target),
                reason: e.to_string(),
                help: "give a postgresql://user@host:port/db URL or key=value pairs".into(),
            })?;
        let target = info.describe();
        let password = info.password().map(str::to_string);
        let setup_error = |e: ConnInfoError| DatabaseError {
            what: "cannot prepare the connection".into(),
            target: target.clone(),
            reason: scrub(&e.to_string(), password.as_deref()),
            help: "check sslmode, sslrootcert, port and connect_timeout".into(),
        };
        let config = info.config(options.connect_timeout).map_err(&setup_error)?;
        let tls = info.tls().map_err(&setup_error)?;
        let connecting = std::time::Instant::now();
        let connected = config.connect(tls);
        crate::timings::record("connect", connecting.elapsed());
        let client = connected.map_err(|e| DatabaseError {
            what: "cannot connect".into(),
            target: target.clone(),
            reason: scrub(&reason_of(&e), password.as_deref()),
            help: help_for(&e),
        })?;
        let ms = |d: Duration| d.as_millis().max(1);
        let setup = format!(
            "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; \
             SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}; \
             SET LOCAL idle_in_transaction_session_timeout = {};",
            ms(options.statement_timeout),
            ms(options.lock_timeout),
            // Only a safety net for a stuck client: never shorter than a minute.
            (ms(options.statement_timeout) * 4).max(60_000),
        );
        let mut db = Database {
            client,
            target,
            password,
            setup,
            queries: 0,
            locks: locks::LockSkips::default(),
            last_sqlstate: None,
            index_scans_read: None,
            block_size: 8192,
            reads_pg_statistic: false,
            server_version_num: 0,
            server_version: String::new(),
        };
        // The snapshot is set before anything reads (`SET TRANSACTION SNAPSHOT` must come
        // first in the transaction).
        let setup = match snapshot {
            Some(id) => db.setup.replacen(
                "READ ONLY;",
                &format!("READ ONLY; SET TRANSACTION SNAPSHOT '{id}';"),
                1,
            ),
            None => db.setup.clone(),
        };
        db.batch("cannot start a read-only transaction", &setup)?;
        let row = db.query(
            "cannot read the server version",
            "SELECT current_setting('server_version_num')::int4, current_setting('server_version'), \
             current_setting('block_size')::int8, \
             has_table_privilege('pg_catalog.pg_statistic', 'SELECT')",
        )?;
        if let Some(r) = row.first() {
            db.block_size = r.get(2);
            db.reads_pg_statistic = r.get(3);
            db.server_version_num = r.get(0);
            db.server_version = r.get(1);
        }
        if db.server_version_num < 100000 {
            return Err(DatabaseError {
                what: "unsupported server".into(),
                target: db.target.clone(),
                reason: format!("PostgreSQL {} is older than 10", db.server_version),
                help: "driftlint reads catalogs of PostgreSQL 10 and later".into(),
            });
        }
        Ok(db)
    }

    /// The redacted target, for messages.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Statements sent so far on this connection (setup, catalog queries, bookkeeping).
    pub fn queries(&self) -> usize {
        self.queries
    }

    fn error(&self, what: &str, e: &postgres::Error) -> DatabaseError {
        DatabaseError {
            what: what.to_string(),
            target: self.target.clone(),
            reason: scrub(&reason_of(e), self.password.as_deref()),
            help: help_for(e),
        }
    }

    fn batch(&mut self, what: &str, sql: &str) -> Result<(), DatabaseError> {
        self.queries += 1;
        let started = std::time::Instant::now();
        let done = self.client.batch_execute(sql);
        crate::timings::record(&query_phase(what), started.elapsed());
        done.map_err(|e| self.error(what, &e))
    }

    /// Runs one catalog query; under `--timings` its wall time is recorded under the name of
    /// what it reads (`query pg_index`).
    fn query(&mut self, what: &str, sql: &str) -> Result<Vec<Row>, DatabaseError> {
        self.queries += 1;
        let started = std::time::Instant::now();
        let result = self.client.query(sql, &[]);
        crate::timings::record(&query_phase(what), started.elapsed());
        self.last_sqlstate = result
            .as_ref()
            .err()
            .and_then(|e| e.code())
            .map(|c| c.code().to_string());
        result.map_err(|e| self.error(what, &e))
    }

    /// Ends the transaction (nothing was written; a rollback is the honest end).
    pub fn close(mut self) {
        let _ = self.batch("rollback", "ROLLBACK");
    }
}

/// Namespaces that hold user objects.
const USER_NAMESPACE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
     AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

/// Migration tools' bookkeeping tables are not part of the application's schema: the SQL
/// condition leaving out [`crate::schema::diff::BOOKKEEPING_TABLES`], the one list that diff
/// also uses.
const NOT_BOOKKEEPING: NotBookkeeping = NotBookkeeping;

/// Renders as `c.relname NOT IN ('__drizzle_migrations', …)`.
struct NotBookkeeping;

impl std::fmt::Display for NotBookkeeping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("c.relname NOT IN (")?;
        for (i, table) in crate::schema::diff::BOOKKEEPING_TABLES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "'{table}'")?;
        }
        f.write_str(")")
    }
}

/// The `--timings` phase of a query, from its error context: `cannot read pg_index` →
/// `query pg_index`.
fn query_phase(what: &str) -> String {
    let object = what
        .strip_prefix("cannot read ")
        .or_else(|| what.strip_prefix("cannot "))
        .unwrap_or(what);
    format!("query {object}")
}

/// `oids` as an SQL array literal: `'{16384,16390}'::oid[]`.
fn oid_array(oids: &[u32]) -> String {
    let list: Vec<String> = oids.iter().map(u32::to_string).collect();
    format!("'{{{}}}'::oid[]", list.join(","))
}

/// A condition excluding objects an extension owns (`pg_depend` type `e`).
fn not_extension_owned(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{catalog}'::regclass \
         AND dep.objid = {oid} AND dep.deptype = 'e')"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_name_the_target_without_the_password() {
        let options = ConnectOptions {
            connect_timeout: Duration::from_secs(2),
            ..ConnectOptions::new("postgresql://app:hunter2@127.0.0.1:1/prod?sslmode=disable")
        };
        let err = Database::connect(&options)
            .err()
            .expect("nothing listens on port 1");
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("127.0.0.1:1/prod"), "{text}");
        assert!(text.contains("help:"), "{text}");
    }
}
