//! `audit` on a real server with real data: sizes and scans on every finding about a live
//! index or table, the summary of reclaimable space, and the statistics-age gate of
//! `unused-index`.

mod support;

use std::time::Duration;

use driftlint::finding::Finding;
use driftlint::live::{Audit, AuditOptions};
use driftlint::source::database::ConnectOptions;
use support::TestPg;

fn audit_with(pg: &TestPg, min_stats_age: Duration) -> Audit {
    let options = AuditOptions {
        min_stats_age,
        ..AuditOptions::new(ConnectOptions::new(pg.conninfo()))
    };
    driftlint::live::audit_hosts(&options).expect("audit")
}

fn of_rule<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

fn size(c: &mut postgres::Client, relation: &str) -> i64 {
    c.query_one("SELECT pg_relation_size($1::text::regclass)", &[&relation])
        .unwrap()
        .get(0)
}

/// Two tables with 200,000 and 1,000 rows, a duplicate index, an unused one, and one used.
fn seed(c: &mut postgres::Client) {
    c.batch_execute(
        "CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, kind text NOT NULL, at timestamptz NOT NULL);
         INSERT INTO events SELECT g, g % 1000, 'kind-' || (g % 7), now() - g * interval '1 minute'
           FROM generate_series(1, 200000) g;
         CREATE INDEX events_account ON events (account);
         CREATE INDEX events_account_copy ON events (account);
         CREATE INDEX events_kind ON events (kind);
         CREATE TABLE notes (id int PRIMARY KEY, body text);
         INSERT INTO notes SELECT g, repeat('x', 50) FROM generate_series(1, 1000) g;
         CREATE INDEX notes_body ON notes (body);
         ANALYZE events, notes;
         SET enable_seqscan = off;
         SELECT count(*) FROM notes WHERE body = 'x';",
    )
    .expect("seed");
    // Scans reach the statistics views asynchronously: wait until the one above is counted.
    for _ in 0..50 {
        let n: i64 = c
            .query_one(
                "SELECT coalesce(sum(idx_scan), 0)::int8 FROM pg_stat_user_indexes WHERE indexrelname = 'notes_body'",
                &[],
            )
            .unwrap()
            .get(0);
        if n > 0 {
            return;
        }
        c.batch_execute("SELECT pg_stat_clear_snapshot()").ok();
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the scan of notes_body was never counted");
}

#[test]
fn young_statistics_report_no_unused_index_and_say_why_once() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    seed(&mut c);
    let run = audit_with(&pg, Duration::from_secs(7 * 86400));
    let unused = of_rule(&run.findings, "unused-index");
    assert_eq!(unused.len(), 1, "{unused:#?}");
    let why = unused[0];
    assert_eq!(why.object, None, "{why:#?}");
    assert!(
        why.message.contains("seconds old") || why.message.contains("minutes old"),
        "{}",
        why.message
    );
    assert!(why.message.contains("7 days"), "{}", why.message);
    // events_account_copy and events_kind (events_account serves nothing either, but one of
    // the pair is the duplicate): three plain indexes without scans were held back.
    assert!(
        why.message
            .contains("3 indexes with no scans were not reported"),
        "{}",
        why.message
    );
    // The same database with the gate lowered: the indexes are judged.
    let run = audit_with(&pg, Duration::ZERO);
    let mut objects: Vec<_> = of_rule(&run.findings, "unused-index")
        .iter()
        .filter_map(|f| f.object.clone())
        .collect();
    objects.sort();
    assert_eq!(
        objects,
        ["events_account", "events_account_copy", "events_kind"]
    );
}

#[test]
fn findings_carry_sizes_and_the_summary_adds_them_up() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    seed(&mut c);
    let run = audit_with(&pg, Duration::ZERO);
    let dup = of_rule(&run.findings, "duplicate-index");
    assert_eq!(dup.len(), 1, "{:#?}", run.findings);
    let dropped = dup[0].object.clone().unwrap();
    let m = dup[0]
        .metrics
        .as_ref()
        .expect("metrics on a live index finding");
    let bytes = size(&mut c, &dropped);
    assert!(
        bytes > 1_000_000,
        "200,000 int4 keys take more than a megabyte: {bytes}"
    );
    assert_eq!(m.bytes, Some(bytes));
    assert_eq!(m.reclaimable_bytes, Some(bytes));
    assert_eq!(m.scans, Some(0));
    assert_eq!(m.rows, Some(200_000));
    assert!(m.scans_since.is_some());
    // Every finding about a live index or table has numbers.
    for f in &run.findings {
        if f.table.is_some() {
            assert!(f.metrics.is_some(), "{f:#?}");
        }
    }
    // The biggest reclaimable findings come first within a severity.
    let warnings: Vec<i64> = run
        .findings
        .iter()
        .filter(|f| f.severity == driftlint::finding::Severity::Info)
        .map(|f| {
            f.metrics
                .as_ref()
                .and_then(|m| m.reclaimable_bytes)
                .unwrap_or(0)
        })
        .collect();
    assert!(warnings.windows(2).all(|w| w[0] >= w[1]), "{warnings:?}");

    // JSON: the metrics object and the impact summary; an index both duplicate and unused
    // counts once.
    let summary = driftlint::report::Summary::new(&run.findings, 0, 0);
    let json: serde_json::Value = serde_json::from_str(&driftlint::report::json::render(
        &run.findings,
        &[],
        &summary,
    ))
    .unwrap();
    assert_eq!(json["version"], 1);
    let item = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "duplicate-index")
        .unwrap();
    assert_eq!(item["metrics"]["bytes"], bytes);
    let expected: i64 = ["events_account", "events_account_copy", "events_kind"]
        .iter()
        .map(|i| size(&mut c, i))
        .sum();
    assert_eq!(json["impact"]["droppable_index_bytes"], expected);
    assert_eq!(json["impact"]["droppable_indexes"], 3);
    assert_eq!(json["impact"]["top_tables"][0]["name"], "public.events");

    // Human output: "… (3.4 MB, 200000 rows, 0 scans since …)" and the summary at the end.
    let style = driftlint::report::human::Style {
        color: false,
        width: 200,
    };
    let text = driftlint::report::human::render(&run.findings, &[], &summary, style);
    assert!(text.contains("200000 rows, 0 scans since"), "{text}");
    assert!(
        text.contains("by dropping 3 duplicate, redundant or unused indexes"),
        "{text}"
    );
    assert!(text.contains("  public.events: "), "{text}");
}
