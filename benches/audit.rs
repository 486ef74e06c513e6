//! Benchmark of `driftlint audit` on a large database: the synthetic history of `synth` at
//! scale 1 (about 1,400 tables, 6,000 indexes, 1,700 foreign keys) applied to a throw-away
//! PostgreSQL (the test harness's), then introspected and linted.
//!
//! ```text
//! cargo bench --bench audit
//! ```
//!
//! Prints the schema's counts and the number of queries sent (the same at every size), then
//! criterion's timing of the whole audit (connect, introspect, rules). Under `cargo test`
//! (debug build) it runs once on a tiny history. Without a PostgreSQL server it says so and
//! does nothing, except under `CI=true`, where the harness fails.

#[path = "../tests/support/mod.rs"]
mod support;
#[allow(dead_code)]
mod synth;

use std::time::Duration;

use criterion::Criterion;
use driftlint::source::database::ConnectOptions;

use synth::Size;

fn bench(c: &mut Criterion) {
    let Some(pg) = support::TestPg::start() else {
        return;
    };
    let (label, size) = if cfg!(debug_assertions) {
        ("tiny", Size::tiny())
    } else {
        ("x1", Size::scale(1))
    };
    let history = synth::generate(size);
    let mut client = pg.connect();
    for m in &history.migrations {
        client
            .batch_execute(&m.sql)
            .unwrap_or_else(|e| panic!("{}: {}", m.dir, support::error_message(&e)));
    }
    client
        .batch_execute("ANALYZE")
        .expect("ANALYZE for reltuples");
    let options = ConnectOptions::new(pg.conninfo());
    let first = driftlint::live::audit(&options).expect("audit");
    let counts = first.schema.counts();
    eprintln!(
        "audit/{label}: {} tables, {} indexes, {} foreign keys, {} columns; {} queries; first run {} ms; {} findings",
        counts.tables,
        counts.indexes,
        counts.foreign_keys,
        counts.columns,
        first.queries,
        first.elapsed.as_millis(),
        first.findings.len()
    );
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function(label, |b| {
        b.iter(|| {
            let run = driftlint::live::audit(&options).expect("audit");
            assert_eq!(run.queries, first.queries, "the query count is constant");
            run
        })
    });
    // `--single-connection`: everything read over the first connection.
    let single = driftlint::live::AuditOptions {
        single_connection: true,
        ..driftlint::live::AuditOptions::new(options.clone())
    };
    group.bench_function(format!("{label}-one-connection"), |b| {
        b.iter(|| driftlint::live::audit_hosts(&single).expect("audit"))
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
