//! `audit` on a database restored a moment ago: the synthetic history of `benches/synth` at
//! scale 1 (about 1,400 tables and 6,000 indexes) loaded into a fresh database, as a restore
//! would. Every plain index has zero scans, so without the statistics-age gate each would be
//! reported unused; with it, `unused-index` says once why it says nothing.

mod support;
#[path = "../benches/synth/mod.rs"]
#[allow(dead_code)]
mod synth;

use std::time::Instant;

use driftlint::live::{AuditOptions, audit_hosts};
use driftlint::source::database::ConnectOptions;
use support::TestPg;

#[test]
fn a_fresh_restore_reports_no_unused_index_and_says_why_once() {
    let Some(pg) = TestPg::start() else { return };
    let start = Instant::now();
    let history = synth::generate(synth::Size::scale(1));
    let mut c = pg.connect();
    for m in &history.migrations {
        c.batch_execute(&m.sql)
            .unwrap_or_else(|e| panic!("{}: {}", m.dir, support::error_message(&e)));
    }
    c.batch_execute("ANALYZE").unwrap();
    let loaded = start.elapsed();
    let run = audit_hosts(&AuditOptions::new(ConnectOptions::new(pg.conninfo()))).expect("audit");
    let counts = run.schema.counts();
    eprintln!(
        "restored {} tables, {} indexes in {loaded:?}; audit in {:?}, {} findings",
        counts.tables,
        counts.indexes,
        run.elapsed,
        run.findings.len()
    );
    assert!(counts.tables >= 1_300, "{} tables", counts.tables);
    let unused: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.rule == "unused-index")
        .collect();
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert_eq!(unused[0].object, None);
    assert!(
        unused[0]
            .message
            .contains("shorter than the 7 days unused-index needs"),
        "{}",
        unused[0].message
    );
    // How many the gate held back: every plain index of the restore.
    let held: usize = unused[0]
        .message
        .split(": ")
        .last()
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(held > 500, "{}", unused[0].message);
    // The same database with the gate off calls them all unused.
    let options = AuditOptions {
        min_stats_age: std::time::Duration::ZERO,
        single_connection: false,
        ..AuditOptions::new(ConnectOptions::new(pg.conninfo()))
    };
    let ungated = audit_hosts(&options).expect("audit");
    let n = ungated
        .findings
        .iter()
        .filter(|f| f.rule == "unused-index")
        .count();
    assert_eq!(n, held);
}
