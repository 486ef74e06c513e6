//! The live-only rules on a real server: `vector-index-lists` judged against real `reltuples`,
//! `invalid-index` on an index a failed concurrent build left behind, `unused-index` on an index
//! no query used — and none of them where they should not fire.

mod support;

use driftlint::finding::Finding;
use driftlint::source::database::ConnectOptions;
use support::TestPg;

/// An audit that judges unused indexes however young the statistics (the server was just
/// started; `live_audit.rs` tests the age gate).
fn audit(pg: &TestPg) -> Vec<Finding> {
    let options = driftlint::live::AuditOptions {
        min_stats_age: std::time::Duration::ZERO,
        single_connection: false,
        ..driftlint::live::AuditOptions::new(ConnectOptions::new(pg.conninfo()))
    };
    driftlint::live::audit_hosts(&options)
        .expect("audit")
        .findings
}

fn objects(findings: &[Finding], rule: &str) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.object.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn vector_index_lists_is_judged_against_real_row_counts() {
    let Some(pg) = TestPg::start_pgvector() else {
        return;
    };
    let mut c = pg.connect();
    // 20,000 rows: pgvector's guidance is rows / 1000 = 20 lists.
    c.batch_execute(
        "CREATE EXTENSION vector;
         CREATE TABLE chunks (id bigint PRIMARY KEY, embedding vector(3));
         INSERT INTO chunks SELECT i, ARRAY[random(), random(), random()]::vector(3)
           FROM generate_series(1, 20000) AS i;
         ANALYZE chunks;
         SET maintenance_work_mem = '256MB';
         CREATE INDEX chunks_far_off ON chunks USING ivfflat (embedding vector_l2_ops) WITH (lists = 400);
         CREATE INDEX chunks_about_right ON chunks USING ivfflat (embedding vector_cosine_ops) WITH (lists = 25);
         ANALYZE chunks;",
    )
    .expect("seed");
    let findings = audit(&pg);
    assert_eq!(
        objects(&findings, "vector-index-lists"),
        ["chunks_far_off"],
        "{findings:#?}"
    );
    let f = findings
        .iter()
        .find(|f| f.rule == "vector-index-lists")
        .unwrap();
    let text = format!("{} {}", f.message, f.help.clone().unwrap_or_default());
    assert!(
        text.contains("20"),
        "the suggestion is rows/1000 = 20: {text}"
    );
}

#[test]
fn invalid_and_unused_indexes() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    c.batch_execute(
        "CREATE TABLE accounts (id int PRIMARY KEY, email text, note text);
         CREATE TABLE orders (id int PRIMARY KEY, account_id int REFERENCES accounts (id), total int);
         CREATE INDEX orders_account ON orders (account_id);
         CREATE INDEX accounts_note ON accounts (note);
         CREATE INDEX accounts_email ON accounts (email);
         INSERT INTO accounts VALUES (1, 'a@x', 'n'), (2, 'a@x', 'n');
         INSERT INTO orders VALUES (1, 1, 10);
         SET enable_seqscan = off;
         SELECT * FROM accounts WHERE email = 'a@x';",
    )
    .expect("seed");
    // A unique index built concurrently over duplicate values fails and stays, invalid.
    let err = c.batch_execute(
        "CREATE UNIQUE INDEX CONCURRENTLY accounts_email_unique ON accounts (email)",
    );
    assert!(err.is_err(), "the build must fail on duplicates");
    // Index usage statistics reach the view asynchronously: wait until the scan is counted.
    let mut seen = false;
    for _ in 0..50 {
        let row = c
            .query_one(
                "SELECT coalesce(sum(idx_scan), 0)::bigint FROM pg_stat_user_indexes WHERE indexrelname = 'accounts_email'",
                &[],
            )
            .unwrap();
        if row.get::<_, i64>(0) > 0 {
            seen = true;
            break;
        }
        c.batch_execute("SELECT pg_stat_clear_snapshot()").ok();
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(seen, "the scan of accounts_email was never counted");
    let findings = audit(&pg);
    assert_eq!(
        objects(&findings, "invalid-index"),
        ["accounts_email_unique"],
        "{findings:#?}"
    );
    // accounts_note was never scanned; accounts_email was; orders_account supports a foreign
    // key and the primary keys back constraints: neither is ever called unused.
    assert_eq!(
        objects(&findings, "unused-index"),
        ["accounts_note"],
        "{findings:#?}"
    );
    // The message says since when the counters run: the server and this database were both
    // started a moment ago (the file time of the database's creation has whole seconds).
    let unused = findings.iter().find(|f| f.rule == "unused-index").unwrap();
    assert!(
        unused.message.contains("(the database was created, ")
            || unused.message.contains("(the server started, "),
        "{}",
        unused.message
    );
    c.batch_execute("SELECT pg_stat_reset()").unwrap();
    let findings = audit(&pg);
    let unused = findings.iter().find(|f| f.rule == "unused-index").unwrap();
    assert!(
        unused.message.contains("(the statistics were reset, "),
        "{}",
        unused.message
    );
}
