//! `audit` while other sessions hold `ACCESS EXCLUSIVE` locks: it completes within a few
//! seconds, reports everything else, and says which tables it skipped, who locks them and why.

mod support;

use std::time::{Duration, Instant};

use driftlint::finding::Finding;
use driftlint::live::{AuditOptions, audit_hosts};
use driftlint::source::database::ConnectOptions;
use support::TestPg;

const SCHEMA: &str = "
    CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, plan text DEFAULT 'free',
      deleted_at timestamptz, CHECK (email <> ''));
    INSERT INTO accounts SELECT g, 'u' || g || '@x', 'free', NULL FROM generate_series(1, 20000) g;
    CREATE INDEX accounts_lower_email ON accounts (lower(email));
    CREATE INDEX accounts_live ON accounts (id) WHERE deleted_at IS NULL;
    ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own ON accounts USING (email = current_user);
    CREATE TABLE sessions (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts, token text);
    CREATE INDEX sessions_active ON sessions (account_id) WHERE token IS NOT NULL;
    CREATE TABLE events (id bigint PRIMARY KEY, kind text);
    CREATE INDEX events_kind ON events (kind);
    CREATE INDEX events_kind_again ON events (kind);
    CREATE TABLE queued (id bigint PRIMARY KEY, note text);
    CREATE INDEX queued_note ON queued (note) WHERE note IS NOT NULL;";

fn audit(pg: &TestPg) -> (Vec<Finding>, Duration) {
    let start = Instant::now();
    let options = AuditOptions {
        min_stats_age: Duration::ZERO,
        single_connection: false,
        ..AuditOptions::new(ConnectOptions::new(pg.conninfo()))
    };
    let run = audit_hosts(&options).expect("the audit completes despite the locks");
    (run.findings, start.elapsed())
}

fn about<'a>(findings: &'a [Finding], table: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.table.as_ref().is_some_and(|t| t.name == table))
        .collect()
}

#[test]
fn locked_tables_are_skipped_and_reported() {
    let Some(pg) = TestPg::start() else { return };
    pg.connect().batch_execute(SCHEMA).unwrap();
    let (before, _) = audit(&pg);
    assert!(!about(&before, "events").is_empty());
    assert!(before.iter().all(|f| f.rule != "locked-table"));

    // A migration holds ACCESS EXCLUSIVE on accounts and on sessions (a partial index's table).
    let mut migration = pg.connect();
    migration
        .batch_execute(
            "BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE; \
             LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE;",
        )
        .unwrap();
    let pid: i32 = migration
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let (findings, took) = audit(&pg);
    eprintln!("audit with two locked tables: {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let locked: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "locked-table")
        .collect();
    let mut tables: Vec<String> = locked
        .iter()
        .map(|f| f.table.as_ref().unwrap().name.clone())
        .collect();
    tables.sort();
    assert_eq!(tables, ["accounts", "sessions"], "{findings:#?}");
    for f in &locked {
        assert!(
            f.message.contains(&format!(
                "is locked by pid {pid} (AccessExclusiveLock, idle in transaction, last statement: `SELECT pg_backend_pid()`)"
            )),
            "{}",
            f.message
        );
        // Columns are read from the catalog alone (a default deparses without its table);
        // the rest deparses with the table open.
        assert!(
            f.message
                .contains("its constraints, index definitions, policies were not read"),
            "{}",
            f.message
        );
    }
    // Nothing else about the locked tables (their indexes would look missing) …
    for table in ["accounts", "sessions"] {
        assert_eq!(about(&findings, table).len(), 1, "{findings:#?}");
    }
    // … and everything else as before.
    let rules_of = |fs: &[Finding], t: &str| {
        let mut v: Vec<&str> = about(fs, t).iter().map(|f| f.rule).collect();
        v.sort();
        v
    };
    assert_eq!(rules_of(&findings, "events"), rules_of(&before, "events"));
    migration.batch_execute("ROLLBACK").unwrap();

    // An ALTER TABLE queued behind a long reader: every later reader queues behind it, and
    // the audit skips the table the same way.
    let mut reader = pg.connect();
    reader
        .batch_execute("BEGIN; SELECT count(*) FROM queued;")
        .unwrap();
    let conninfo = pg.conninfo();
    let alter = std::thread::spawn(move || {
        let mut c: postgres::Client = conninfo
            .parse::<postgres::Config>()
            .unwrap()
            .connect(postgres::NoTls)
            .unwrap();
        c.batch_execute("ALTER TABLE queued ADD COLUMN extra int")
            .unwrap();
    });
    let mut watcher = pg.connect();
    for _ in 0..100 {
        let waiting: bool = watcher
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'queued'::regclass)",
                &[],
            )
            .unwrap()
            .get(0);
        if waiting {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (findings, took) = audit(&pg);
    eprintln!("audit with a queued ALTER TABLE: {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let queued = about(&findings, "queued");
    assert_eq!(queued.len(), 1, "{findings:#?}");
    assert_eq!(queued[0].rule, "locked-table");
    assert!(
        queued[0].message.contains("AccessExclusiveLock, waiting"),
        "{}",
        queued[0].message
    );
    reader.batch_execute("COMMIT").unwrap();
    alter.join().unwrap();
}
