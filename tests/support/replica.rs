//! A primary streaming to a hot standby, both started here: the primary with `wal_level =
//! replica`, the standby made with `pg_basebackup -R` (which writes `primary_conninfo` and
//! `standby.signal`). Local servers only: `DRIFTLINT_TEST_DATABASE_URL` cannot be cloned.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{
    LocalServer, SUPERUSER, Server, ServerKind, TestPg, command_as, find_server_bin, free_port,
    make_dir, run, spawn_watchdog,
};

impl TestPg {
    /// A fresh database on a primary with a streaming hot standby, and a conninfo for the same
    /// database on the standby (once the standby has replayed its creation). `None` outside CI
    /// when no server binaries are found; panics under `CI=true`.
    pub fn start_with_replica() -> Option<(TestPg, String)> {
        static PAIR: OnceLock<Result<(&'static Server, &'static Server), String>> = OnceLock::new();
        let started = PAIR.get_or_init(|| {
            let bin = find_server_bin()?;
            let setup = |_: &Path| {
                Ok("wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n".to_string())
            };
            let primary = LocalServer::start_with(&bin, Some(&setup))?;
            let standby = primary.start_standby()?;
            let leak = |l: LocalServer| -> &'static Server {
                Box::leak(Box::new(Server {
                    kind: ServerKind::Local(l),
                }))
            };
            Ok((leak(primary), leak(standby)))
        });
        let primary = started.as_ref().map(|(p, _)| *p).map_err(Clone::clone);
        let pg = Self::on(&primary, "PostgreSQL (primary and standby)")?;
        let (_, standby) = started.as_ref().ok()?;
        let conninfo = standby.conninfo(pg.dbname());
        // The standby replays the CREATE DATABASE shortly after the primary commits it.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match conninfo
                .parse::<postgres::Config>()
                .unwrap()
                .connect(postgres::NoTls)
            {
                Ok(_) => break,
                Err(e) if Instant::now() > deadline => {
                    panic!("the standby never had database {}: {e}", pg.dbname())
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        Some((pg, conninfo))
    }
}

impl LocalServer {
    /// A client program of the server's installation: beside `initdb`, or beside the file
    /// `initdb` links to (a `PATH` directory may hold links to the server binaries only).
    fn client_binary(&self, name: &str) -> std::path::PathBuf {
        let beside = self.bin.join(name);
        if beside.exists() {
            return beside;
        }
        std::fs::canonicalize(self.bin.join("initdb"))
            .ok()
            .and_then(|real| real.parent().map(|dir| dir.join(name)))
            .filter(|p| p.exists())
            .unwrap_or(beside)
    }

    /// A hot standby of this server: `pg_basebackup -R` into a new directory, on its own port.
    fn start_standby(&self) -> Result<LocalServer, String> {
        let os_user = self.os_user.as_deref();
        let dir = make_dir(os_user)?;
        spawn_watchdog(&self.bin, &dir, os_user);
        let data = dir.join("data");
        let args: Vec<OsString> = vec![
            "-D".into(),
            data.clone().into(),
            "-R".into(),
            "-X".into(),
            "stream".into(),
            "--no-sync".into(),
            "-h".into(),
            self.dir.clone().into(),
            "-p".into(),
            self.port.to_string().into(),
            "-U".into(),
            SUPERUSER.into(),
        ];
        let mut c = command_as(os_user, &self.client_binary("pg_basebackup"), &args);
        c.current_dir(&dir);
        run(c, "pg_basebackup")?;
        let port = free_port()?;
        std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut f| {
                write!(
                    f,
                    "\n# standby\nport = {port}\nunix_socket_directories = '{}'\n",
                    dir.display()
                )
            })
            .map_err(|e| format!("cannot write the standby's postgresql.conf: {e}"))?;
        let args: Vec<OsString> = vec![
            "-D".into(),
            data.into(),
            "-l".into(),
            dir.join("server.log").into(),
            "-w".into(),
            "-t".into(),
            "60".into(),
            "start".into(),
        ];
        let mut c = command_as(os_user, &self.bin.join("pg_ctl"), &args);
        c.current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        run(c, "pg_ctl start (standby)")?;
        let standby = LocalServer {
            bin: self.bin.clone(),
            dir,
            port,
            os_user: self.os_user.clone(),
        };
        standby.register_cleanup();
        Ok(standby)
    }
}
