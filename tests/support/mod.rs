//! Test support: a throw-away PostgreSQL for live tests.
//!
//! [`TestPg::start`] gives each test its own fresh database on a server shared by the whole test
//! binary:
//!
//! * `DRIFTLINT_TEST_DATABASE_URL` (a URL or a key=value conninfo) names an existing server; the
//!   role must be allowed to `CREATE DATABASE`.
//! * Otherwise a server is started from the PostgreSQL server binaries found in
//!   `DRIFTLINT_PG_BIN`, on `PATH`, in `pg_config --bindir`, or in the highest
//!   `/usr/lib/postgresql/*/bin`: `initdb` into a temp directory, a free port on 127.0.0.1 and a
//!   Unix socket in that directory, `fsync=off`. PostgreSQL refuses to run as root, so as root
//!   the server runs as the unprivileged user `driftlint_pg` (created when missing), which owns
//!   the directory. The server is stopped (`pg_ctl stop -m immediate`) and its directory removed
//!   when the test binary exits, and by a watchdog if the binary is killed.
//!
//! [`TestPg::start_pgvector`] does the same for a server with the `vector` extension:
//! `DRIFTLINT_PGVECTOR_BIN` (the `bin/` of such an installation, e.g. the one inside the PyPI
//! wheel `pgserver`), or else the plain server when it happens to have `vector`.
//!
//! When no server can be had, a test is skipped with a message on stderr, except under `CI=true`,
//! where it fails: a live test never passes silently in CI.

#![allow(dead_code)]

pub mod pipeline;
mod replica;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The OS user the server runs as when the tests run as root.
pub const PG_OS_USER: &str = "driftlint_pg";
/// The superuser role of servers started here.
const SUPERUSER: &str = "postgres";

/// One test's database on a shared throw-away (or given) server.
pub struct TestPg {
    server: &'static Server,
    dbname: String,
}

impl TestPg {
    /// A fresh database on a plain PostgreSQL server; `None` (after saying so on stderr) when no
    /// server can be had outside CI. Panics under `CI=true` when there is none.
    pub fn start() -> Option<TestPg> {
        Self::on(plain_server(), "PostgreSQL")
    }

    /// A fresh database on a server with the `vector` extension available (not yet created in
    /// the database). `None` outside CI when there is none; panics under `CI=true`.
    pub fn start_pgvector() -> Option<TestPg> {
        static VECTOR: OnceLock<Result<&'static Server, String>> = OnceLock::new();
        Self::on(
            VECTOR.get_or_init(Server::pgvector),
            "PostgreSQL with pgvector",
        )
    }

    /// A fresh database on a dedicated server with TLS (`ssl = on`, a certificate for
    /// `localhost` signed by a test CA) and password authentication (scram-sha-256) for TCP
    /// connections; Unix-socket connections stay trusted for the harness. Needs a local
    /// server (not `DRIFTLINT_TEST_DATABASE_URL`).
    pub fn start_secure() -> Option<(TestPg, &'static SecureServer)> {
        static SECURE: OnceLock<Result<(&'static Server, &'static SecureServer), String>> =
            OnceLock::new();
        let started = SECURE.get_or_init(|| {
            let bin = find_server_bin()?;
            let certs = SecureServer::generate()?;
            let setup = |data: &Path| certs.install(data);
            let local = LocalServer::start_with(&bin, Some(&setup))?;
            let port = local.port;
            let server: &'static Server = Box::leak(Box::new(Server {
                kind: ServerKind::Local(local),
            }));
            let info: &'static SecureServer = Box::leak(Box::new(SecureServer { port, ..certs }));
            Ok((server, info))
        });
        let server = started.as_ref().map(|(s, _)| *s).map_err(Clone::clone);
        let info = started.as_ref().ok().map(|(_, i)| *i);
        Self::on(&server, "PostgreSQL (TLS)").zip(info)
    }

    fn on(server: &Result<&'static Server, String>, what: &str) -> Option<TestPg> {
        let server: &'static Server = match server {
            Ok(s) => s,
            Err(reason) => {
                if in_ci() {
                    panic!(
                        "CI=true and no {what} server for the live tests: {reason}. \
                         Install the server binaries (initdb, pg_ctl, postgres), set DRIFTLINT_PG_BIN / \
                         DRIFTLINT_PGVECTOR_BIN, or set DRIFTLINT_TEST_DATABASE_URL."
                    );
                }
                skip_notice(&format!("skipping: no {what} found ({reason})"));
                return None;
            }
        };
        let dbname = unique_dbname();
        if let Err(e) = server.create_database(&dbname) {
            panic!(
                "cannot create test database {dbname} on {}: {e}",
                server.describe()
            );
        }
        Some(TestPg { server, dbname })
    }

    /// This test's database name.
    pub fn dbname(&self) -> &str {
        &self.dbname
    }

    /// A libpq-style conninfo (key=value, or the given URL with the database replaced) for this
    /// test's database; what `driftlint --database` accepts.
    pub fn conninfo(&self) -> String {
        self.server.conninfo(&self.dbname)
    }

    /// A `postgresql://` URL over TCP for this test's database (for started servers; for a
    /// given `DRIFTLINT_TEST_DATABASE_URL` its own form with the database replaced).
    pub fn url(&self) -> String {
        self.server.url(&self.dbname)
    }

    /// Connection parameters for this test's database.
    pub fn config(&self) -> postgres::Config {
        self.conninfo()
            .parse()
            .expect("test conninfo parses as a postgres::Config")
    }

    /// A new connection to this test's database.
    pub fn connect(&self) -> postgres::Client {
        self.config()
            .connect(postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.dbname))
    }

    /// A conninfo for the server's maintenance database as a superuser (create roles, …).
    pub fn admin_conninfo(&self) -> String {
        self.server.conninfo(self.server.admin_db())
    }

    /// A connection to the maintenance database.
    pub fn admin_client(&self) -> postgres::Client {
        self.server
            .admin_client()
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.server.describe()))
    }

    /// `server_version_num`, e.g. 160002.
    pub fn server_version_num(&self) -> u32 {
        let mut c = self.connect();
        let v: String = c
            .query_one("SHOW server_version_num", &[])
            .expect("SHOW server_version_num")
            .get(0);
        v.parse().expect("numeric server_version_num")
    }

    /// For a server started here: the TCP port and the Unix socket directory.
    pub fn local_endpoint(&self) -> Option<(u16, &Path)> {
        match &self.server.kind {
            ServerKind::Local(l) => Some((l.port, l.dir.as_path())),
            ServerKind::External { .. } => None,
        }
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        // Best effort: keeps a given server (and a long run) clean.
        if let Ok(mut c) = self.server.admin_client() {
            let q = quote_ident(&self.dbname);
            if c.batch_execute(&format!("DROP DATABASE IF EXISTS {q} WITH (FORCE)"))
                .is_err()
            {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {q}"));
            }
        }
    }
}

/// The outcome of each statement of [`apply_statements`]: its byte range in the file and
/// PostgreSQL's error message when it failed.
pub type Applied = Vec<(Range<usize>, Option<String>)>;

/// Executes each statement (a byte range of `file_text`) on its own, in order, in autocommit
/// (`batch_execute`, the simple query protocol, as psql does), and records PostgreSQL's error
/// message for each that fails. Execution continues after an error, as with psql without
/// `ON_ERROR_STOP`. `COPY … FROM stdin` statements get the data block that follows them in the
/// file (up to the `\.` line).
pub fn apply_statements(
    client: &mut postgres::Client,
    file_text: &str,
    spans: &[Range<usize>],
) -> Applied {
    spans
        .iter()
        .map(|span| {
            let sql = &file_text[span.clone()];
            let result = if is_copy_from_stdin(sql) {
                copy_from_stdin(client, sql, copy_data(file_text, span.end))
            } else {
                client.batch_execute(sql)
            };
            (span.clone(), result.err().map(|e| error_message(&e)))
        })
        .collect()
}

/// PostgreSQL's message for an error (`column "x" does not exist`), or the client's.
pub fn error_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

fn is_copy_from_stdin(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    lower.trim_start().starts_with("copy")
        && lower
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == "from" && w[1].trim_end_matches(';') == "stdin")
}

/// The data block of a `COPY … FROM stdin` whose text ends at `end`: from the line after the
/// statement to the `\.` line (exclusive), or the end of the file.
fn copy_data(text: &str, end: usize) -> &str {
    let start = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end_matches(['\n', '\r']) == "\\." {
            return &text[start..pos];
        }
        pos += line.len();
    }
    &text[start..]
}

fn copy_from_stdin(
    client: &mut postgres::Client,
    sql: &str,
    data: &str,
) -> Result<(), postgres::Error> {
    let mut writer = client.copy_in(sql)?;
    // A write error surfaces again from finish().
    let _ = writer.write_all(data.as_bytes());
    writer.finish().map(|_| ())
}

/// Whether `CI` says this is a CI run (`true`, `1`, `yes`).
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| {
            let v = v.trim().to_ascii_lowercase();
            !v.is_empty() && v != "false" && v != "0" && v != "no"
        })
        .unwrap_or(false)
}

/// Writes to the real stderr, past libtest's output capture, so that a skip is seen.
fn skip_notice(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn unique_dbname() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("t_{}_{n}_{nanos:x}", std::process::id())
}

/// `"name"` with embedded quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

// ---------------------------------------------------------------------------------------------
// Servers

struct Server {
    kind: ServerKind,
}

enum ServerKind {
    /// `DRIFTLINT_TEST_DATABASE_URL`.
    External { base: String },
    /// Started here.
    Local(LocalServer),
}

/// Prepares a data directory before the server starts; returns extra postgresql.conf lines.
type DataDirSetup<'a> = dyn Fn(&Path) -> Result<String, String> + 'a;

struct LocalServer {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    os_user: Option<String>,
}

/// The process-wide plain server (started at most once).
fn plain_server() -> &'static Result<&'static Server, String> {
    static PLAIN: OnceLock<Result<&'static Server, String>> = OnceLock::new();
    PLAIN.get_or_init(|| Server::plain().map(|s| &*Box::leak(Box::new(s))))
}

impl Server {
    fn plain() -> Result<Server, String> {
        if let Some(url) = non_empty_env("DRIFTLINT_TEST_DATABASE_URL") {
            let server = Server {
                kind: ServerKind::External { base: url },
            };
            // A given server that does not answer is a configuration error, CI or not.
            if let Err(e) = server.admin_client() {
                panic!(
                    "DRIFTLINT_TEST_DATABASE_URL is set but the server cannot be reached: {}",
                    error_message(&e)
                );
            }
            return Ok(server);
        }
        let bin = find_server_bin()?;
        Ok(Server {
            kind: ServerKind::Local(LocalServer::start(&bin)?),
        })
    }

    fn pgvector() -> Result<&'static Server, String> {
        if let Some(bin) = non_empty_env("DRIFTLINT_PGVECTOR_BIN") {
            let bin = PathBuf::from(bin);
            // Explicitly configured: a broken setting is an error, CI or not.
            let result = check_bin_dir(&bin)
                .and_then(|()| LocalServer::start(&bin))
                .map(|l| Server {
                    kind: ServerKind::Local(l),
                })
                .and_then(|s| match s.has_vector() {
                    Ok(true) => Ok(s),
                    Ok(false) => Err(format!(
                        "the server from {} has no `vector` extension",
                        bin.display()
                    )),
                    Err(e) => Err(e),
                });
            return match result {
                Ok(s) => Ok(Box::leak(Box::new(s))),
                Err(e) => panic!("DRIFTLINT_PGVECTOR_BIN={}: {e}", bin.display()),
            };
        }
        // The plain server may have pgvector installed.
        let plain: &'static Server = match plain_server() {
            Ok(s) => s,
            Err(e) => {
                return Err(format!(
                    "DRIFTLINT_PGVECTOR_BIN is not set, and no plain server either: {e}"
                ));
            }
        };
        match plain.has_vector() {
            Ok(true) => Ok(plain),
            Ok(false) => Err(format!(
                "DRIFTLINT_PGVECTOR_BIN is not set and {} has no `vector` extension \
                 (pip install pgserver, then point DRIFTLINT_PGVECTOR_BIN at its pginstall/bin)",
                plain.describe()
            )),
            Err(e) => Err(e),
        }
    }

    fn has_vector(&self) -> Result<bool, String> {
        let mut c = self.admin_client().map_err(|e| error_message(&e))?;
        let row = c
            .query_one(
                "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'",
                &[],
            )
            .map_err(|e| error_message(&e))?;
        Ok(row.get::<_, i64>(0) > 0)
    }

    fn describe(&self) -> String {
        match &self.kind {
            ServerKind::External { .. } => "the server of DRIFTLINT_TEST_DATABASE_URL".into(),
            ServerKind::Local(l) => format!(
                "the test server from {} (socket {}, port {})",
                l.bin.display(),
                l.dir.display(),
                l.port
            ),
        }
    }

    fn admin_db(&self) -> &'static str {
        "postgres"
    }

    fn admin_client(&self) -> Result<postgres::Client, postgres::Error> {
        let conninfo = match &self.kind {
            // The given URL's own database is the maintenance database.
            ServerKind::External { base } => base.clone(),
            ServerKind::Local(_) => self.conninfo(self.admin_db()),
        };
        let mut config: postgres::Config = conninfo.parse()?;
        config.connect_timeout(Duration::from_secs(10));
        config.connect(postgres::NoTls)
    }

    fn create_database(&self, name: &str) -> Result<(), String> {
        let mut c = self.admin_client().map_err(|e| error_message(&e))?;
        c.batch_execute(&format!("CREATE DATABASE {}", quote_ident(name)))
            .map_err(|e| error_message(&e))
    }

    fn conninfo(&self, db: &str) -> String {
        match &self.kind {
            ServerKind::External { base } => with_dbname(base, db),
            ServerKind::Local(l) => format!(
                "host={} port={} user={SUPERUSER} dbname={db} connect_timeout=10",
                l.dir.display(),
                l.port
            ),
        }
    }

    fn url(&self, db: &str) -> String {
        match &self.kind {
            ServerKind::External { base } => with_dbname(base, db),
            ServerKind::Local(l) => format!("postgresql://{SUPERUSER}@127.0.0.1:{}/{db}", l.port),
        }
    }
}

/// `base` (a URL or a key=value conninfo) with its database replaced by `db`.
fn with_dbname(base: &str, db: &str) -> String {
    for scheme in ["postgresql://", "postgres://"] {
        if let Some(rest) = base.strip_prefix(scheme) {
            let (before_query, query) = match rest.find('?') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let authority = before_query.split('/').next().unwrap_or("");
            return format!("{scheme}{authority}/{db}{query}");
        }
    }
    // Later keys win.
    format!("{base} dbname={db}")
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// Finding the server binaries

const SERVER_BINS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

fn check_bin_dir(dir: &Path) -> Result<(), String> {
    let missing: Vec<&str> = SERVER_BINS
        .iter()
        .copied()
        .filter(|b| !dir.join(b).is_file())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("{} lacks {}", dir.display(), missing.join(", ")))
    }
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
fn find_server_bin() -> Result<PathBuf, String> {
    if let Some(dir) = non_empty_env("DRIFTLINT_PG_BIN") {
        let dir = PathBuf::from(dir);
        return match check_bin_dir(&dir) {
            Ok(()) => Ok(dir),
            Err(e) => panic!("DRIFTLINT_PG_BIN: {e}"),
        };
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() {
                // Follow symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin).
                let real = std::fs::canonicalize(dir.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf));
                candidates.push(dir.clone());
                candidates.extend(real);
            }
        }
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !dir.is_empty() {
            candidates.push(PathBuf::from(dir));
        }
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let v: Option<Vec<u32>> = name.split('.').map(|p| p.parse().ok()).collect();
            v.map(|v| (v, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    candidates.extend(versions.into_iter().rev().map(|(_, p)| p));
    candidates.push(PathBuf::from("/usr/local/pgsql/bin"));

    candidates
        .iter()
        .find(|d| check_bin_dir(d).is_ok())
        .cloned()
        .ok_or_else(|| {
            "no initdb/pg_ctl/postgres in DRIFTLINT_PG_BIN, PATH, `pg_config --bindir` or \
             /usr/lib/postgresql/*/bin"
                .to_string()
        })
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping a local server

fn is_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false)
    })
}

/// A command that runs `program args` as `user` (or as ourselves).
fn command_as(user: Option<&str>, program: &Path, args: &[OsString]) -> Command {
    match user {
        None => {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
        Some(user) if Path::new("/usr/sbin/runuser").exists() || which("runuser").is_some() => {
            let mut c = Command::new("runuser");
            c.arg("-u").arg(user).arg("--").arg(program).args(args);
            c
        }
        Some(user) => {
            let mut line = shell_quote(&program.to_string_lossy());
            for a in args {
                line.push(' ');
                line.push_str(&shell_quote(&a.to_string_lossy()));
            }
            let mut c = Command::new("su");
            c.arg("-s").arg("/bin/sh").arg("-c").arg(line).arg(user);
            c
        }
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Makes sure the unprivileged OS user exists (as root).
fn ensure_os_user() -> Result<(), String> {
    let exists = || {
        Command::new("id")
            .arg("-u")
            .arg(PG_OS_USER)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if exists() {
        return Ok(());
    }
    let mut c = Command::new("useradd");
    c.args([
        "--system",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        PG_OS_USER,
    ]);
    match run(c, "useradd") {
        Ok(_) => Ok(()),
        // Another test binary may have created it meanwhile.
        Err(_) if exists() => Ok(()),
        Err(e) => Err(format!(
            "running as root, PostgreSQL needs an unprivileged user and creating `{PG_OS_USER}` failed: {e}"
        )),
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot pick a free port: {e}"))
}

/// A server the exit handler stops, and the directory it removes.
struct StopInfo {
    bin: PathBuf,
    dir: PathBuf,
    os_user: Option<String>,
}

static TO_STOP: Mutex<Vec<StopInfo>> = Mutex::new(Vec::new());

unsafe extern "C" {
    fn atexit(cb: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn stop_all_at_exit() {
    let list = match TO_STOP.lock() {
        Ok(mut l) => std::mem::take(&mut *l),
        Err(p) => std::mem::take(&mut *p.into_inner()),
    };
    for s in list {
        stop_server(&s);
    }
}

fn stop_server(s: &StopInfo) {
    pg_ctl_stop(&s.bin, &s.dir.join("data"), s.os_user.as_deref());
    let _ = std::fs::remove_dir_all(&s.dir);
}

fn pg_ctl_stop(bin: &Path, data: &Path, os_user: Option<&str>) {
    let args: Vec<OsString> = vec![
        "-D".into(),
        data.into(),
        "-m".into(),
        "immediate".into(),
        "-w".into(),
        "stop".into(),
    ];
    let _ = command_as(os_user, &bin.join("pg_ctl"), &args)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl LocalServer {
    fn start(bin: &Path) -> Result<LocalServer, String> {
        Self::start_with(bin, None)
    }

    /// [`LocalServer::start`] with `setup` run on the data directory after initdb: it writes
    /// its files there (owned by the server's user afterwards) and returns extra
    /// postgresql.conf lines.
    fn start_with(bin: &Path, setup: Option<&DataDirSetup<'_>>) -> Result<LocalServer, String> {
        let os_user = if is_root() {
            ensure_os_user()?;
            Some(PG_OS_USER.to_string())
        } else {
            None
        };
        let bin = usable_bin(bin, os_user.as_deref())?;
        let dir = make_dir(os_user.as_deref())?;
        spawn_watchdog(&bin, &dir, os_user.as_deref());
        let data = dir.join("data");

        let mut initdb_args: Vec<OsString> = vec!["-D".into(), data.clone().into()];
        for a in [
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ] {
            initdb_args.push(a.into());
        }
        let mut c = command_as(os_user.as_deref(), &bin.join("initdb"), &initdb_args);
        c.current_dir(&dir);
        if let Err(e) = run(c, "initdb") {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }

        let mut extra_conf = String::new();
        if let Some(setup) = setup {
            let prepared = setup(&data).and_then(|conf| {
                if let Some(user) = os_user.as_deref() {
                    let mut c = Command::new("chown");
                    c.arg("-R").arg(format!("{user}:")).arg(&data);
                    run(c, "chown")?;
                }
                Ok(conf)
            });
            match prepared {
                Ok(conf) => extra_conf = conf,
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(e);
                }
            }
        }
        let mut last_err = String::new();
        for _attempt in 0..5 {
            let port = free_port()?;
            let conf = format!(
                "\n# driftlint test harness\n\
                 listen_addresses = '127.0.0.1'\n\
                 port = {port}\n\
                 unix_socket_directories = '{}'\n\
                 fsync = off\n\
                 synchronous_commit = off\n\
                 full_page_writes = off\n\
                 wal_level = minimal\n\
                 max_wal_senders = 0\n\
                 shared_buffers = 16MB\n\
                 max_connections = 100\n\
                 timezone = 'UTC'\n\
                 log_min_messages = warning\n{extra_conf}",
                dir.display()
            );
            if let Err(e) = std::fs::OpenOptions::new()
                .append(true)
                .open(data.join("postgresql.conf"))
                .and_then(|mut f| f.write_all(conf.as_bytes()))
            {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!("cannot write postgresql.conf: {e}"));
            }
            let log = dir.join("server.log");
            let args: Vec<OsString> = vec![
                "-D".into(),
                data.clone().into(),
                "-l".into(),
                log.clone().into(),
                "-w".into(),
                "-t".into(),
                "60".into(),
                "start".into(),
            ];
            let mut c = command_as(os_user.as_deref(), &bin.join("pg_ctl"), &args);
            // pg_ctl start leaves the postmaster with our stdout/stderr: keep them closed so
            // that nothing waiting on our output (cargo, a pipe) waits for the server too.
            c.current_dir(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            match run(c, "pg_ctl start") {
                Ok(_) => {
                    let server = LocalServer {
                        bin: bin.clone(),
                        dir: dir.clone(),
                        port,
                        os_user: os_user.clone(),
                    };
                    server.register_cleanup();
                    return Ok(server);
                }
                Err(e) => {
                    let mut text = String::new();
                    let _ = std::fs::File::open(&log).and_then(|mut f| f.read_to_string(&mut text));
                    last_err = format!("{e}; server log:\n{text}");
                    // Make sure nothing half-started is left, then retry on another port
                    // when the port was taken.
                    pg_ctl_stop(&bin, &data, os_user.as_deref());
                    if !(text.contains("could not bind") || text.contains("already in use")) {
                        break;
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(format!(
            "cannot start PostgreSQL from {}: {last_err}",
            bin.display()
        ))
    }

    /// Stops the server when this process exits (atexit).
    fn register_cleanup(&self) {
        static REGISTERED: OnceLock<()> = OnceLock::new();
        REGISTERED.get_or_init(|| {
            // SAFETY: registers a plain function with the C library.
            unsafe {
                atexit(stop_all_at_exit);
            }
        });
        TO_STOP
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(StopInfo {
                bin: self.bin.clone(),
                dir: self.dir.clone(),
                os_user: self.os_user.clone(),
            });
    }
}

/// Should this process be killed, a watchdog (its own process group) waits for it to go, then
/// stops the server in `dir` and removes `dir`.
fn spawn_watchdog(bin: &Path, dir: &Path, os_user: Option<&str>) {
    let pg_ctl = shell_quote(&bin.join("pg_ctl").to_string_lossy());
    let data = shell_quote(&dir.join("data").to_string_lossy());
    let stop = format!("{pg_ctl} -D {data} -m immediate stop");
    let stop = match os_user {
        Some(u) if which("runuser").is_some() || Path::new("/usr/sbin/runuser").exists() => {
            format!("runuser -u {u} -- {stop}")
        }
        Some(u) => format!("su -s /bin/sh -c {} {u}", shell_quote(&stop)),
        None => stop,
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             if [ -d {dir} ]; then {stop} >/dev/null 2>&1; rm -rf {dir}; fi",
        pid = std::process::id(),
        dir = shell_quote(&dir.to_string_lossy()),
    );
    use std::os::unix::process::CommandExt;
    let _ = Command::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
}

/// A fresh directory for the server, owned by `user`.
fn make_dir(user: Option<&str>) -> Result<PathBuf, String> {
    static N: AtomicU64 = AtomicU64::new(0);
    // Short: the socket path must fit in 107 bytes.
    let base = if Path::new("/tmp").is_dir() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = base.join(format!(
        "driftlint-pg-{}-{}-{nanos:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    if let Some(user) = user {
        let mut c = Command::new("chown");
        c.arg(format!("{user}:")).arg(&dir);
        if let Err(e) = run(c, "chown") {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    }
    Ok(dir)
}

/// `bin` when `user` can execute its programs; otherwise (e.g. an installation under root's
/// 0700 home) a world-readable copy of its installation prefix `bin/..` (relocatable builds such
/// as pgserver's find their share/ and lib/ relative to bin/). A Python wheel's bundled
/// libraries (`*.libs` beside the package, found through an `$ORIGIN/../../../x.libs` RPATH)
/// are copied to the same relative place.
fn usable_bin(bin: &Path, user: Option<&str>) -> Result<PathBuf, String> {
    let Some(user) = user else {
        return Ok(bin.to_path_buf());
    };
    let bin = std::fs::canonicalize(bin).unwrap_or_else(|_| bin.to_path_buf());
    let can_exec = |b: &Path| {
        let args: Vec<OsString> = vec![
            "-c".into(),
            "\"$1\" --version".into(),
            "sh".into(),
            b.join("postgres").into(),
        ];
        command_as(Some(user), Path::new("/bin/sh"), &args)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if can_exec(&bin) {
        return Ok(bin);
    }
    let name = |p: &Path| p.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    let prefix = bin
        .parent()
        .ok_or_else(|| format!("{} has no parent", bin.display()))?;
    let package = prefix.parent().unwrap_or(Path::new("/"));
    let tag: String = prefix
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dest = PathBuf::from("/tmp").join(format!("driftlint-pg-install-{tag}"));
    let copied_bin = dest.join(name(package)).join(name(prefix)).join(name(&bin));
    if !can_exec(&copied_bin) {
        let tmp = PathBuf::from("/tmp").join(format!(
            "driftlint-pg-install-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        ));
        let inner = tmp.join(name(package));
        std::fs::create_dir_all(&inner)
            .map_err(|e| format!("cannot create {}: {e}", inner.display()))?;
        let mut c = Command::new("cp");
        c.arg("-a").arg(prefix).arg(&inner);
        run(c, "copying the PostgreSQL installation")?;
        if let Some(site) = package.parent() {
            for e in std::fs::read_dir(site).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().ends_with(".libs") && e.path().is_dir() {
                    let mut c = Command::new("cp");
                    c.arg("-a").arg(e.path()).arg(&tmp);
                    run(c, "copying bundled libraries")?;
                }
            }
        }
        let mut c = Command::new("chmod");
        c.arg("-R").arg("a+rX").arg(&tmp);
        run(c, "chmod")?;
        let _ = std::fs::remove_dir_all(&dest);
        if std::fs::rename(&tmp, &dest).is_err() {
            // Another process won the race.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    if can_exec(&copied_bin) {
        Ok(copied_bin)
    } else {
        Err(format!(
            "user {user} cannot run {} (is it under a directory only root can enter?), \
             nor a copy of it in {}; install it somewhere world-readable",
            bin.join("postgres").display(),
            dest.display()
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// A server with TLS and password authentication

/// The dedicated TLS server's certificates (PEM files) and TCP port.
pub struct SecureServer {
    /// The CA that signed the server's certificate.
    pub ca_pem: PathBuf,
    /// Another CA, which did not.
    pub wrong_ca_pem: PathBuf,
    /// The server's TCP port (127.0.0.1; the certificate names `localhost` only).
    pub port: u16,
    server_cert: String,
    server_key: String,
}

impl SecureServer {
    fn generate() -> Result<SecureServer, String> {
        let e = |e: rcgen::Error| format!("rcgen: {e}");
        let ca =
            |name: &str| -> Result<(rcgen::CertificateParams, rcgen::KeyPair, String), String> {
                let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(e)?;
                params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
                params
                    .distinguished_name
                    .push(rcgen::DnType::CommonName, name);
                params.key_usages = vec![
                    rcgen::KeyUsagePurpose::KeyCertSign,
                    rcgen::KeyUsagePurpose::CrlSign,
                ];
                let key = rcgen::KeyPair::generate().map_err(e)?;
                let cert = params.self_signed(&key).map_err(e)?;
                Ok((params, key, cert.pem()))
            };
        let (ca_params, ca_key, ca_pem) = ca("driftlint test CA")?;
        let (_, _, wrong_pem) = ca("some other CA")?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(e)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        let key = rcgen::KeyPair::generate().map_err(e)?;
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let cert = params.signed_by(&key, &issuer).map_err(e)?;
        let dir = make_dir(None)?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755));
        let ca_path = dir.join("ca.pem");
        let wrong_path = dir.join("wrong-ca.pem");
        std::fs::write(&ca_path, ca_pem).map_err(|e| e.to_string())?;
        std::fs::write(&wrong_path, wrong_pem).map_err(|e| e.to_string())?;
        Ok(SecureServer {
            ca_pem: ca_path,
            wrong_ca_pem: wrong_path,
            port: 0,
            server_cert: cert.pem(),
            server_key: key.serialize_pem(),
        })
    }

    /// Writes the certificate, key and pg_hba.conf into the data directory.
    fn install(&self, data: &Path) -> Result<String, String> {
        use std::os::unix::fs::PermissionsExt;
        let w = |name: &str, text: &str| {
            std::fs::write(data.join(name), text).map_err(|e| format!("write {name}: {e}"))
        };
        w("server.crt", &self.server_cert)?;
        w("server.key", &self.server_key)?;
        let _ = std::fs::set_permissions(
            data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        );
        w(
            "pg_hba.conf",
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n",
        )?;
        Ok("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\npassword_encryption = 'scram-sha-256'\n".to_string())
    }
}

/// Applies a fixture's migrations as its tool would (file by file, statement by statement);
/// returns the statements PostgreSQL rejected.
pub fn apply_fixture(pg: &TestPg, path: &Path) -> Vec<String> {
    use driftlint::source::migrations::{discover, section_range};
    use driftlint::sql::split::split;
    let discovery = discover(&[path.to_path_buf()], None).expect("discover");
    let mut failed = Vec::new();
    for mf in &discovery.files {
        let text = std::fs::read_to_string(&mf.path).expect("read");
        let range = section_range(&text, mf.section);
        let spans: Vec<Range<usize>> = split(&text[range.clone()])
            .into_iter()
            .map(|raw| range.start + raw.span.start..range.start + raw.span.end)
            .filter(|span| {
                let lower = text[span.clone()].to_ascii_lowercase();
                !(lower.starts_with("create database") || lower.starts_with("drop database"))
            })
            .collect();
        let mut client = pg.connect();
        for (span, err) in apply_statements(&mut client, &text, &spans) {
            if let Some(e) = err {
                let first = text[span].lines().next().unwrap_or("").to_string();
                failed.push(format!("{first} -- {e}"));
            }
        }
    }
    failed
}
