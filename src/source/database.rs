//! A live database as a schema source: one connection, one read-only repeatable-read
//! transaction with timeouts, and introspection into the [`Schema`] model with a fixed number
//! of catalog queries (one per kind of object, never one per table).
//!
//! Everything read comes from `pg_catalog` and the statistics views, which every role may read:
//! a role with no privilege on any table can audit. The bookkeeping tables of migration tools
//! need `SELECT` on them; without it `check --database` replays every migration and says why.
//!
//! Expressions (index keys, predicates, defaults, policies) are parsed with [`SqlExpr`] like the
//! replayed ones, so `pg_get_expr`'s `(hot_rank <> (0)::double precision)` and a migration's
//! `hot_rank <> 0` are one expression (see `SqlExpr`'s normalisation of implicit casts).

use std::time::{Duration, Instant};

use postgres::Row;

use super::conninfo::{ConnInfo, redact};
use crate::schema::expr::SqlExpr;
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, IndexKey, KeyTarget, OtherRelation,
    Policy, QualName, RelKind, Schema, Table,
};

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
#[derive(Debug, thiserror::Error)]
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
    queries: usize,
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
        let info = ConnInfo::parse(&options.target)
            .map(|c| c.with_env(|k| std::env::var(k).ok()))
            .map_err(|reason| DatabaseError {
                what: "cannot read the connection string".into(),
                target: redact(&options.target),
                reason,
                help: "give a postgresql://user@host:port/db URL or key=value pairs".into(),
            })?;
        let target = info.describe();
        let password = info.password().map(str::to_string);
        let setup_error = |reason: String| DatabaseError {
            what: "cannot prepare the connection".into(),
            target: target.clone(),
            reason: scrub(&reason, password.as_deref()),
            help: "check sslmode, sslrootcert, port and connect_timeout".into(),
        };
        let config = info.config(options.connect_timeout).map_err(&setup_error)?;
        let tls = info.tls().map_err(&setup_error)?;
        let client = config.connect(tls).map_err(|e| DatabaseError {
            what: "cannot connect".into(),
            target: target.clone(),
            reason: scrub(&reason_of(&e), password.as_deref()),
            help: help_for(&e),
        })?;
        let mut db = Database {
            client,
            target,
            password,
            queries: 0,
            server_version_num: 0,
            server_version: String::new(),
        };
        let ms = |d: Duration| d.as_millis().max(1);
        db.batch(
            "cannot start a read-only transaction",
            &format!(
                "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; \
                 SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}; \
                 SET LOCAL idle_in_transaction_session_timeout = {};",
                ms(options.statement_timeout),
                ms(options.lock_timeout),
                // Only a safety net for a stuck client: never shorter than a minute.
                (ms(options.statement_timeout) * 4).max(60_000),
            ),
        )?;
        let row = db.query(
            "cannot read the server version",
            "SELECT current_setting('server_version_num')::int4, current_setting('server_version')",
        )?;
        if let Some(r) = row.first() {
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
        self.client
            .batch_execute(sql)
            .map_err(|e| self.error(what, &e))
    }

    fn query(&mut self, what: &str, sql: &str) -> Result<Vec<Row>, DatabaseError> {
        self.queries += 1;
        self.client
            .query(sql, &[])
            .map_err(|e| self.error(what, &e))
    }

    /// Reads the whole schema.
    pub fn introspect(&mut self) -> Result<Introspection, DatabaseError> {
        let start = Instant::now();
        let before = self.queries;
        let mut schema = Schema::default();
        let v = self.server_version_num;

        let stats_reset = self
            .query(
                "cannot read pg_stat_database",
                "SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()",
            )?
            .first()
            .and_then(|r| r.get::<_, Option<String>>(0));

        for r in self.query(
            "cannot read pg_namespace",
            &format!(
                "SELECT n.nspname::text FROM pg_namespace n WHERE {} AND n.nspname <> 'public' \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass \
             AND d.objid = n.oid AND d.deptype = 'e') ORDER BY n.oid",
                USER_NAMESPACE
            ),
        )? {
            schema
                .schemas
                .insert(r.get(0), crate::schema::Origin::Database);
        }

        for r in self.query(
            "cannot read pg_extension",
            "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid",
        )? {
            schema
                .extensions
                .insert(r.get(0), crate::schema::Origin::Database);
        }

        for r in self.query(
            "cannot read pg_enum",
            &format!(
                "SELECT n.nspname::text, t.typname::text, \
                 array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 JOIN pg_enum e ON e.enumtypid = t.oid \
                 WHERE {USER_NAMESPACE} AND {} GROUP BY t.oid, n.nspname, t.typname ORDER BY t.oid",
                not_extension_owned("pg_type", "t.oid")
            ),
        )? {
            schema.enums.insert(
                QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                r.get(2),
            );
        }

        for r in self.query(
            "cannot read pg_class",
            &format!(
                "SELECT n.nspname::text, c.relname::text, c.relkind::text, pn.nspname::text, \
                 pc.relname::text, c.relrowsecurity, c.relforcerowsecurity, c.reltuples::float8 \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition \
                 LEFT JOIN pg_class pc ON pc.oid = i.inhparent \
                 LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND {USER_NAMESPACE} \
                 AND {} AND {NOT_BOOKKEEPING} ORDER BY c.oid",
                not_extension_owned("pg_class", "c.oid")
            ),
        )? {
            let name = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
            let kind: String = r.get(2);
            let other = match kind.as_str() {
                "v" => Some(RelKind::View),
                "m" => Some(RelKind::MaterializedView),
                "S" => Some(RelKind::Sequence),
                "f" => Some(RelKind::ForeignTable),
                "c" => Some(RelKind::CompositeType),
                _ => None,
            };
            if let Some(kind) = other {
                schema.other_relations.insert(
                    name,
                    OtherRelation {
                        kind,
                        origin: crate::schema::Origin::Database,
                    },
                );
                continue;
            }
            let mut t = Table::new(name.clone(), crate::schema::Origin::Database);
            t.partitioned = kind == "p";
            if let (Some(s), Some(n)) =
                (r.get::<_, Option<String>>(3), r.get::<_, Option<String>>(4))
            {
                t.partition_of = Some(QualName::new(s, n));
            }
            t.rls_enabled = r.get(5);
            t.rls_forced = r.get(6);
            t.reltuples = Some(r.get(7));
            schema.tables.insert(name, t);
        }

        let generated = if v >= 120000 {
            "a.attgenerated::text"
        } else {
            "''"
        };
        for r in self.query(
            "cannot read pg_attribute",
            &format!(
                "SELECT n.nspname::text, c.relname::text, a.attname::text, \
                 format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                 pg_get_expr(d.adbin, d.adrelid), {generated} \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') \
                 AND {USER_NAMESPACE} AND {} AND {NOT_BOOKKEEPING} ORDER BY c.oid, a.attnum",
                not_extension_owned("pg_class", "c.oid")
            ),
        )? {
            let table = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
            let Some(t) = schema.tables.get_mut(&table) else {
                continue;
            };
            let name: String = r.get(2);
            let generated: String = r.get(6);
            let default = r
                .get::<_, Option<String>>(5)
                .filter(|_| generated.is_empty())
                .map(|d| normalise_expr_text(&d));
            t.columns.insert(
                name.clone(),
                Column {
                    name,
                    type_name: normalise_type(&r.get::<_, String>(3)),
                    not_null: r.get(4),
                    default,
                    origin: crate::schema::Origin::Database,
                },
            );
        }

        // A partition's copies of its parent's foreign keys (PostgreSQL 11+) are the parent's
        // constraint, not the partition's own: the replayed model has only the parent's.
        let fk_clones = if v >= 110000 {
            "AND NOT (con.contype = 'f' AND con.conparentid <> 0)"
        } else {
            ""
        };
        for r in self.query(
            "cannot read pg_constraint",
            &format!(
                "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), \
                 rn.nspname::text, rc.relname::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord), \
                 con.confdeltype::text, con.confupdtype::text, con.convalidated, ic.relname::text, \
                 CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid) END \
                 FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
                 LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
                 LEFT JOIN pg_class ic ON ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x') \
                 WHERE con.contype IN ('p', 'u', 'x', 'f', 'c') AND c.relkind IN ('r', 'p') {fk_clones} \
                 AND {USER_NAMESPACE} AND {} AND {NOT_BOOKKEEPING} ORDER BY c.oid, con.oid",
                not_extension_owned("pg_class", "c.oid")
            ),
        )? {
            let table = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
            let Some(t) = schema.tables.get_mut(&table) else { continue };
            let name: String = r.get(2);
            let kind = match r.get::<_, String>(3).as_str() {
                "p" => ConstraintKind::PrimaryKey,
                "u" => ConstraintKind::Unique,
                "x" => ConstraintKind::Exclude,
                "f" => ConstraintKind::ForeignKey,
                _ => ConstraintKind::Check,
            };
            let mut columns: Vec<String> = r.get(4);
            if kind == ConstraintKind::Check
                && let Some(def) = r.get::<_, Option<String>>(12)
                && let Some(expr) = check_expression(&def)
            {
                // The replay lists a CHECK's columns in order of use, the catalog by number.
                columns = expr.columns;
            }
            let foreign_key = (kind == ConstraintKind::ForeignKey).then(|| ForeignKey {
                ref_table: QualName::new(
                    r.get::<_, Option<String>>(5).unwrap_or_default(),
                    r.get::<_, Option<String>>(6).unwrap_or_default(),
                ),
                ref_columns: r.get(7),
                on_delete: action(&r.get::<_, String>(8)),
                on_update: action(&r.get::<_, String>(9)),
                validated: r.get(10),
            });
            t.constraints.insert(
                name.clone(),
                Constraint {
                    name,
                    kind,
                    columns,
                    index: r.get(11),
                    foreign_key,
                    origin: crate::schema::Origin::Database,
                },
            );
        }

        // An index still being built (CREATE INDEX CONCURRENTLY in progress) is not yet
        // valid, and not broken either: it counts as valid so that `invalid-index` waits.
        let building = if v >= 120000 {
            "EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)"
        } else {
            "false"
        };
        let nnd = if v >= 150000 {
            "i.indnullsnotdistinct"
        } else {
            "false"
        };
        for r in self.query(
            "cannot read pg_index",
            &format!(
                "SELECT n.nspname::text, ic.relname::text, c.relname::text, am.amname::text, \
                 i.indisunique, i.indisprimary, i.indisexclusion, \
                 (i.indisvalid AND i.indisready) OR {building}, \
                 i.indnkeyatts::int4, \
                 ARRAY(SELECT coalesce(a.attname::text, '') FROM generate_series(1, i.indnatts) k \
                   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] \
                   AND i.indkey[k - 1] <> 0 ORDER BY k), \
                 ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnatts) k ORDER BY k), \
                 ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END \
                   FROM generate_series(1, i.indnkeyatts) k JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1] ORDER BY k), \
                 ARRAY(SELECT i.indoption[k - 1]::int4 FROM generate_series(1, i.indnkeyatts) k ORDER BY k), \
                 ARRAY(SELECT CASE WHEN i.indcollation[k - 1] = 0 \
                     OR i.indcollation[k - 1] = coalesce(a.attcollation, 100) THEN '' \
                     ELSE coalesce(co.collname::text, '') END \
                   FROM generate_series(1, i.indnkeyatts) k \
                   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] \
                   AND i.indkey[k - 1] <> 0 \
                   LEFT JOIN pg_collation co ON co.oid = i.indcollation[k - 1] ORDER BY k), \
                 pg_get_expr(i.indpred, i.indrelid), {nnd}, \
                 coalesce(ic.reloptions, '{{}}')::text[], \
                 pn.nspname::text, pc.relname::text, con.conname::text, s.idx_scan::int8 \
                 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
                 JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_am am ON am.oid = ic.relam \
                 LEFT JOIN pg_inherits inh ON inh.inhrelid = i.indexrelid \
                 LEFT JOIN pg_class pc ON pc.oid = inh.inhparent \
                 LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
                 LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid \
                   AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x') \
                 LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid \
                 WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE} AND {} AND {NOT_BOOKKEEPING} \
                 ORDER BY c.oid, i.indexrelid",
                not_extension_owned("pg_class", "c.oid")
            ),
        )? {
            let schema_name: String = r.get(0);
            let name = QualName::new(schema_name.clone(), r.get::<_, String>(1));
            let table = QualName::new(schema_name, r.get::<_, String>(2));
            let mut index = Index::new(name.clone(), table, r.get::<_, String>(3), crate::schema::Origin::Database);
            index.unique = r.get(4);
            index.primary = r.get(5);
            index.exclusion = r.get(6);
            index.valid = r.get(7);
            let nkey = r.get::<_, i32>(8) as usize;
            let columns: Vec<String> = r.get(9);
            let defs: Vec<String> = r.get(10);
            let opclasses: Vec<String> = r.get(11);
            let options: Vec<i32> = r.get(12);
            let collations: Vec<String> = r.get(13);
            for k in 0..nkey.min(columns.len()) {
                let target = if columns[k].is_empty() {
                    match SqlExpr::parse(&defs[k]) {
                        Ok(e) => KeyTarget::Expr(e),
                        Err(_) => KeyTarget::Column(defs[k].clone()),
                    }
                } else {
                    KeyTarget::Column(columns[k].clone())
                };
                let option = options.get(k).copied().unwrap_or(0);
                index.keys.push(IndexKey {
                    target,
                    opclass: opclasses.get(k).filter(|o| !o.is_empty()).cloned(),
                    collation: collations.get(k).filter(|c| !c.is_empty()).cloned(),
                    desc: option & 1 != 0,
                    nulls_first: option & 2 != 0,
                });
            }
            index.include = columns.iter().skip(nkey).cloned().collect();
            index.predicate = r
                .get::<_, Option<String>>(14)
                .and_then(|p| SqlExpr::parse(&p).ok());
            index.nulls_not_distinct = r.get(15);
            index.options = r
                .get::<_, Vec<String>>(16)
                .into_iter()
                .map(|o| match o.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (o, String::new()),
                })
                .collect();
            if let (Some(s), Some(n)) = (r.get::<_, Option<String>>(17), r.get::<_, Option<String>>(18)) {
                index.parent_index = Some(QualName::new(s, n));
            }
            index.constraint = r.get(19);
            index.scans = r.get(20);
            schema.indexes.insert(name, index);
        }

        let permissive = "p.polpermissive";
        for r in self.query(
            "cannot read pg_policy",
            &format!(
                "SELECT n.nspname::text, c.relname::text, p.polname::text, {permissive}, p.polcmd::text, \
                 ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END \
                   FROM unnest(p.polroles) r), \
                 pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) \
                 FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE {USER_NAMESPACE} AND {} ORDER BY c.oid, p.oid",
                not_extension_owned("pg_class", "c.oid")
            ),
        )? {
            let table = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
            let Some(t) = schema.tables.get_mut(&table) else { continue };
            let command = match r.get::<_, String>(4).as_str() {
                "r" => "select",
                "a" => "insert",
                "w" => "update",
                "d" => "delete",
                _ => "all",
            };
            let expr = |i: usize| {
                r.get::<_, Option<String>>(i)
                    .and_then(|e| SqlExpr::parse(&e).ok())
            };
            t.policies.push(Policy {
                name: r.get(2),
                permissive: r.get(3),
                command: command.to_string(),
                roles: r.get(5),
                using: expr(6),
                with_check: expr(7),
                origin: crate::schema::Origin::Database,
            });
        }

        schema.stats_reset = stats_reset.clone();
        Ok(Introspection {
            schema,
            stats_reset,
            queries: self.queries - before,
            elapsed: start.elapsed(),
        })
    }

    /// The migrations a migration tool's bookkeeping table records as applied, when the
    /// database has one of the known tables: drizzle `drizzle.__drizzle_migrations`, Prisma
    /// `_prisma_migrations`, diesel `__diesel_schema_migrations`, golang-migrate / dbmate
    /// `schema_migrations`, Flyway `flyway_schema_history`, sqlx `_sqlx_migrations`.
    /// `Ok(None)`: no such table. An error: the table exists but cannot be read.
    pub fn applied_migrations(&mut self) -> Result<Option<AppliedMigrations>, DatabaseError> {
        let found = self.query(
            "cannot look for migration bookkeeping tables",
            &format!(
                "SELECT n.nspname::text, c.relname::text FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND c.relname IN ({}) AND {USER_NAMESPACE} \
                 ORDER BY n.nspname = 'public' DESC, c.oid",
                BOOKKEEPING
                    .iter()
                    .map(|(t, _, _)| format!("'{t}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )?;
        let Some(row) = found.first() else {
            return Ok(None);
        };
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let Some((_, tool, query)) = BOOKKEEPING.iter().find(|(t, _, _)| *t == table) else {
            return Ok(None);
        };
        let qualified = QualName::new(schema, table).to_string();
        let sql = query.replace("{table}", &qualified);
        let ids = self
            .query(
                &format!("cannot read the {tool} bookkeeping table {qualified}"),
                &sql,
            )?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        Ok(Some(AppliedMigrations {
            table: qualified,
            tool,
            ids,
        }))
    }

    /// Ends the transaction (nothing was written; a rollback is the honest end).
    pub fn close(mut self) {
        let _ = self.batch("rollback", "ROLLBACK");
    }
}

/// Namespaces that hold user objects.
const USER_NAMESPACE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
     AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

/// Migration tools' bookkeeping tables: not part of the application's schema.
const NOT_BOOKKEEPING: &str = "c.relname NOT IN ('__drizzle_migrations', '_prisma_migrations', \
     '__diesel_schema_migrations', 'schema_migrations', 'flyway_schema_history', '_sqlx_migrations')";

/// Each known bookkeeping table: name, tool, and the query for the applied migrations' ids.
const BOOKKEEPING: &[(&str, &str, &str)] = &[
    (
        "__drizzle_migrations",
        "drizzle",
        "SELECT created_at::text FROM {table} ORDER BY id",
    ),
    (
        "_prisma_migrations",
        "prisma",
        "SELECT migration_name::text FROM {table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    ),
    (
        "__diesel_schema_migrations",
        "diesel",
        "SELECT version::text FROM {table}",
    ),
    (
        "schema_migrations",
        "golang-migrate",
        "SELECT version::text FROM {table}",
    ),
    (
        "flyway_schema_history",
        "flyway",
        "SELECT version::text FROM {table} WHERE success AND version IS NOT NULL",
    ),
    (
        "_sqlx_migrations",
        "sqlx",
        "SELECT version::text FROM {table} WHERE success",
    ),
];

fn not_extension_owned(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{catalog}'::regclass \
         AND dep.objid = {oid} AND dep.deptype = 'e')"
    )
}

fn action(code: &str) -> char {
    code.chars().next().unwrap_or('a')
}

/// `format_type` output as the replay spells types: a quoted or schema-qualified user type
/// (`"Role"`, `auth."Level"[]`) loses its quotes and schema, as the replay keeps the last name.
fn normalise_type(text: &str) -> String {
    if !text.contains('"') && !text.contains('.') {
        return text.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = text.char_indices().peekable();
    let mut rest_at = text.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, q)) = chars.next() {
                    if q == '"' {
                        if chars.peek().is_some_and(|(_, n)| *n == '"') {
                            chars.next();
                            current.push('"');
                        } else {
                            break;
                        }
                    } else {
                        current.push(q);
                    }
                }
            }
            '.' => parts.push(std::mem::take(&mut current)),
            '(' | '[' => {
                rest_at = i;
                break;
            }
            c => current.push(c),
        }
    }
    parts.push(current);
    format!("{}{}", parts.pop().unwrap_or_default(), &text[rest_at..])
}

/// A catalog expression (default) in the replay's normal form.
fn normalise_expr_text(text: &str) -> String {
    SqlExpr::parse(text)
        .map(|e| e.text)
        .unwrap_or_else(|_| text.to_string())
}

/// The expression of `pg_get_constraintdef`'s `CHECK ((a > 0)) NOT VALID`.
fn check_expression(def: &str) -> Option<SqlExpr> {
    let body = def.strip_prefix("CHECK ")?;
    let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
    let body = body.strip_suffix(" NO INHERIT").unwrap_or(body);
    SqlExpr::parse(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_spellings_become_the_replays() {
        assert_eq!(normalise_type("integer"), "integer");
        assert_eq!(
            normalise_type("character varying(255)"),
            "character varying(255)"
        );
        assert_eq!(normalise_type("\"Role\""), "Role");
        assert_eq!(normalise_type("auth.\"Level\"[]"), "Level[]");
        assert_eq!(normalise_type("other.status"), "status");
        assert_eq!(normalise_type("numeric(10,2)"), "numeric(10,2)");
    }

    #[test]
    fn check_definitions_parse() {
        let e = check_expression("CHECK (((b > 0) AND (a < b))) NOT VALID").unwrap();
        assert_eq!(e.columns, vec!["b", "a"]);
    }

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
