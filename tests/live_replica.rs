//! `audit` over a primary and a streaming hot standby (two local PostgreSQL servers, the
//! standby made with `pg_basebackup -R`): an index scanned only on the standby is not unused,
//! the message and metrics say per host, and a replica that cannot be reached is an error that
//! names it without its password.

mod support;

use std::time::Duration;

use assert_cmd::Command;
use driftlint::live::{AuditOptions, audit_hosts};
use driftlint::source::database::ConnectOptions;
use support::TestPg;

fn options(primary: &TestPg, replicas: &[&str]) -> AuditOptions {
    AuditOptions {
        primary: ConnectOptions::new(primary.conninfo()),
        replicas: replicas.iter().map(|r| ConnectOptions::new(*r)).collect(),
        min_stats_age: Duration::ZERO,
        single_connection: false,
    }
}

fn unused(run: &driftlint::live::Audit) -> Vec<String> {
    let mut v: Vec<String> = run
        .findings
        .iter()
        .filter(|f| f.rule == "unused-index")
        .filter_map(|f| f.object.clone())
        .collect();
    v.sort();
    v
}

/// Polls `sql` (a boolean) on `c` until it is true.
fn wait_for(c: &mut postgres::Client, sql: &str) {
    for _ in 0..300 {
        c.batch_execute("SELECT pg_stat_clear_snapshot()").ok();
        if c.query_one(sql, &[])
            .map(|r| r.get::<_, bool>(0))
            .unwrap_or(false)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("never true: {sql}");
}

#[test]
fn scans_on_a_standby_keep_an_index_from_being_unused() {
    let Some((pg, standby)) = TestPg::start_with_replica() else {
        return;
    };
    let mut primary = pg.connect();
    primary
        .batch_execute(
            "CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, status text NOT NULL);
             INSERT INTO orders SELECT g, g % 3000, 's' || (g % 5) FROM generate_series(1, 50000) g;
             CREATE INDEX orders_by_customer ON orders (customer);
             CREATE INDEX orders_by_status ON orders (status);
             ANALYZE orders;",
        )
        .unwrap();
    let lsn: String = primary
        .query_one("SELECT pg_current_wal_lsn()::text", &[])
        .unwrap()
        .get(0);
    let mut replica: postgres::Client = standby
        .parse::<postgres::Config>()
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap();
    assert!(
        replica
            .query_one("SELECT pg_is_in_recovery()", &[])
            .unwrap()
            .get::<_, bool>(0),
        "the second server is a standby"
    );
    wait_for(
        &mut replica,
        &format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"),
    );
    // The replayed WAL position alone has proved not enough under load: wait until the
    // standby's own catalog shows the index.
    wait_for(
        &mut replica,
        "SELECT to_regclass('public.orders_by_customer') IS NOT NULL",
    );
    // A report that runs only on the standby.
    replica
        .batch_execute(
            "SET enable_seqscan = off; SET enable_bitmapscan = off;
             SELECT count(*) FROM orders WHERE customer = 42;",
        )
        .unwrap();
    wait_for(
        &mut replica,
        "SELECT coalesce(sum(idx_scan), 0) > 0 FROM pg_stat_user_indexes WHERE indexrelname = 'orders_by_customer'",
    );

    // The primary alone sees two unused indexes; with the standby, one.
    let alone = audit_hosts(&options(&pg, &[])).expect("audit of the primary");
    assert_eq!(unused(&alone), ["orders_by_customer", "orders_by_status"]);
    let both = audit_hosts(&options(&pg, &[&standby])).expect("audit of both");
    assert_eq!(unused(&both), ["orders_by_status"]);
    let f = both
        .findings
        .iter()
        .find(|f| f.rule == "unused-index")
        .unwrap();
    assert!(
        f.message.contains("on any of the 2 hosts read"),
        "{}",
        f.message
    );
    let per_host = &f.metrics.as_ref().unwrap().scans_per_host;
    assert_eq!(per_host.len(), 2, "{per_host:?}");
    assert!(per_host.iter().all(|h| h.scans == 0));
    assert!(both.schema.live.as_ref().unwrap().hosts[1].contains(&pg.dbname().to_string()));

    // The standby audited on its own: its session exports the snapshot for the second
    // connection too (or, where a server refuses, reads everything itself); either way it
    // reads the primary's schema.
    let on_standby = audit_hosts(&AuditOptions::new(ConnectOptions::new(standby.clone())))
        .expect("audit of the standby");
    let names = |run: &driftlint::live::Audit| {
        let mut names: Vec<String> = run.schema.indexes.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&on_standby), names(&alone));
    assert!(!on_standby.schema.live.as_ref().unwrap().tables.is_empty());

    // The command line: --database twice, JSON with the per-host scans.
    let out = Command::cargo_bin("driftlint")
        .unwrap()
        .args(["audit", "--format", "json", "--min-stats-age", "0s"])
        .args(["--database", &pg.conninfo(), "--database", &standby])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unused: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unused-index")
        .collect();
    assert_eq!(unused.len(), 1, "{doc:#}");
    assert_eq!(
        unused[0]["metrics"]["scans_per_host"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn an_unreachable_replica_is_an_error_naming_it() {
    let Some(pg) = TestPg::start() else { return };
    let replica = "postgresql://reader:s3cret-pw@127.0.0.1:1/app?sslmode=disable&connect_timeout=2";
    let err = audit_hosts(&options(&pg, &[replica])).expect_err("port 1 does not answer");
    let text = err.to_string();
    assert!(text.starts_with("replica: cannot connect"), "{text}");
    assert!(text.contains("127.0.0.1:1/app"), "{text}");
    assert!(!text.contains("s3cret-pw"), "{text}");
}
