//! `audit` on a real server with real data: sizes and scans on every finding about a live
//! index or table, the summary of reclaimable space, and the statistics-age gate of
//! `unused-index`.

mod support;

use std::time::Duration;

use driftlint::finding::Finding;
use driftlint::live::{Audit, AuditOptions};
use driftlint::schema::QualName;
use driftlint::source::database::{ConnectOptions, Database};
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
        ["second old", "seconds old", "minute old", "minutes old"]
            .iter()
            .any(|age| why.message.contains(age)),
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

/// Polls `sql` (a boolean) until it is true, for at most ten seconds.
fn wait_for(c: &mut postgres::Client, sql: &str) {
    for _ in 0..100 {
        c.batch_execute("SELECT pg_stat_clear_snapshot()").ok();
        if c.query_one(sql, &[]).unwrap().get::<_, bool>(0) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("never true: {sql}");
}

fn objects_of(findings: &[Finding], rule: &str) -> Vec<String> {
    let mut v: Vec<String> = of_rule(findings, rule)
        .iter()
        .map(|f| match (&f.table, &f.object) {
            (_, Some(o)) => o.clone(),
            (Some(t), None) => t.name.clone(),
            (None, None) => String::new(),
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_checks_dbas_expect_fire_and_stay_quiet() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    let seed = "-- sequences: an int4 serial near its limit, a bigint sequence behind an int4 column,
         -- and one far from it
         CREATE TABLE big (id serial PRIMARY KEY);
         SELECT setval('big_id_seq', 2000000000);
         CREATE SEQUENCE mixed_seq AS bigint;
         CREATE TABLE mixed (id int PRIMARY KEY DEFAULT nextval('mixed_seq'));
         ALTER SEQUENCE mixed_seq OWNED BY mixed.id;
         SELECT setval('mixed_seq', 1900000000);
         CREATE TABLE roomy (id bigserial PRIMARY KEY);
         SELECT setval('roomy_id_seq', 2000000000);
         -- foreign keys: int4 → int8 mismatch, and a matching one
         CREATE TABLE accounts (id bigint PRIMARY KEY);
         CREATE TABLE payments (id bigint PRIMARY KEY, account_id int REFERENCES accounts);
         CREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);
         CREATE INDEX ON payments (account_id);
         CREATE INDEX ON invoices (account_id);
         -- policies: per row and once per statement
         CREATE SCHEMA auth;
         CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
         CREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid);
         CREATE INDEX ON notes (user_id);
         ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
         CREATE POLICY per_row ON notes USING (auth.uid() = user_id);
         CREATE POLICY once ON notes FOR INSERT WITH CHECK ((SELECT auth.uid()) = user_id);
         CREATE POLICY tenant ON notes FOR UPDATE USING (current_setting('app.tenant', true) IS NOT NULL);
         -- statistics: never analysed, analysed then half rewritten, and fresh
         CREATE TABLE loaded (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
         INSERT INTO loaded SELECT g, 'v' || g FROM generate_series(1, 20000) g;
         CREATE TABLE churned (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
         INSERT INTO churned SELECT g, g FROM generate_series(1, 20000) g;
         ANALYZE churned;
         UPDATE churned SET v = v + 1 WHERE id <= 10000;
         CREATE TABLE fresh (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
         INSERT INTO fresh SELECT g, g FROM generate_series(1, 20000) g;
         ANALYZE fresh;
         -- bloat: 200,000 rows, three quarters deleted, analysed, not vacuumed, and a partitioned
         -- table with one bloated partition
         CREATE TABLE swollen (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = false);
         INSERT INTO swollen SELECT g, repeat('p', 40) FROM generate_series(1, 200000) g;
         DELETE FROM swollen WHERE id % 4 <> 0;
         ANALYZE swollen;
         CREATE TABLE readings (at date NOT NULL, v int) PARTITION BY RANGE (at);
         CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
           WITH (autovacuum_enabled = false);
         CREATE TABLE readings_2026 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
           WITH (autovacuum_enabled = false);
         INSERT INTO readings SELECT date '2025-01-01' + (g % 365), g FROM generate_series(1, 150000) g;
         INSERT INTO readings SELECT date '2026-01-01' + (g % 365), g FROM generate_series(1, 150000) g;
         DELETE FROM readings WHERE at < '2026-01-01' AND v % 5 <> 0;
         ANALYZE readings_2025, readings_2026;";
    // One transaction per statement, as a migration tool or a person runs them, each one's
    // row counts flushed to the statistics before the next (a backend otherwise holds them
    // for up to a second, and an ANALYZE right after would be counted as older than them).
    for statement in seed.split(';').filter(|s| !s.trim().is_empty()) {
        c.batch_execute(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
        c.batch_execute("SELECT pg_stat_force_next_flush()")
            .unwrap();
    }
    // Row counts reach the statistics views asynchronously (within about a second).
    wait_for(
        &mut c,
        "SELECT count(*) = 2 FROM pg_stat_user_tables WHERE (relname = 'loaded' AND n_live_tup = 20000) \
         OR (relname = 'churned' AND n_mod_since_analyze >= 10000)",
    );
    let run = audit_with(&pg, Duration::ZERO);
    let f = &run.findings;

    assert_eq!(
        objects_of(f, "sequence-near-limit"),
        ["big_id_seq", "mixed_seq"],
        "{f:#?}"
    );
    let mixed = of_rule(f, "sequence-near-limit")
        .into_iter()
        .find(|x| x.object.as_deref() == Some("mixed_seq"))
        .unwrap();
    assert!(
        mixed
            .message
            .contains("at 1900000000 of 2147483647 (88.5%): 247483647 values are left"),
        "the int4 column is the limit, not the bigint sequence: {}",
        mixed.message
    );

    assert_eq!(
        objects_of(f, "foreign-key-type-mismatch"),
        ["payments_account_id_fkey"]
    );

    assert_eq!(
        objects_of(f, "rls-policy-per-row-function"),
        ["per_row", "tenant"]
    );

    assert_eq!(
        objects_of(f, "stale-statistics"),
        ["churned", "loaded"],
        "{f:#?}"
    );

    // Bloat, estimated without reading the tables: swollen and the 2025 partition only.
    assert_eq!(
        objects_of(f, "table-bloat"),
        ["readings_2025", "swollen"],
        "{f:#?}"
    );
    let swollen = of_rule(f, "table-bloat")
        .into_iter()
        .find(|x| x.table.as_ref().unwrap().name == "swollen")
        .unwrap();
    let heap = size(&mut c, "swollen");
    let reclaim = swollen.metrics.as_ref().unwrap().reclaimable_bytes.unwrap();
    // Three quarters of the rows are dead: the estimate is within 60-85% of the heap.
    assert!(
        reclaim as f64 > 0.6 * heap as f64 && (reclaim as f64) < 0.85 * heap as f64,
        "{reclaim} of {heap}"
    );
    // The partitions have no index; swollen's primary key lost three quarters of its entries.
    assert_eq!(objects_of(f, "index-bloat"), ["swollen_pkey"], "{f:#?}");
}

/// The main forks of table `table`, its TOAST table and the indexes of both: what
/// `pg_total_relation_size` counts less the free space and visibility maps.
fn main_forks(c: &mut postgres::Client, table: &str) -> i64 {
    c.query_one(
        "SELECT sum(pg_relation_size(r))::int8 FROM (SELECT $1::text::regclass::oid AS r \
         UNION ALL SELECT reltoastrelid FROM pg_class WHERE oid = $1::text::regclass AND reltoastrelid <> 0 \
         UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT $1::text::regclass::oid \
           UNION ALL SELECT reltoastrelid FROM pg_class WHERE oid = $1::text::regclass)) x",
        &[&table],
    )
    .unwrap()
    .get(0)
}

/// Sizes are `relpages` once ANALYZE (or VACUUM) has counted a relation: equal to
/// `pg_relation_size` and `pg_total_relation_size` (less the maps) just after it, unchanged by
/// rows added since; a table never analyzed, and its indexes, are measured exactly.
#[test]
fn sizes_are_as_of_the_last_analyze_and_exact_when_never_analyzed() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    // Autovacuum off, so that the catalog changes only when the test says.
    c.batch_execute(
        "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)
           WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
         ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
         INSERT INTO docs SELECT g, 'title ' || g, repeat(md5(g::text), 100)
           FROM generate_series(1, 3000) g;
         CREATE INDEX docs_title ON docs (title);
         ANALYZE docs;
         CREATE TABLE fresh (id int PRIMARY KEY, note text)
           WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
         INSERT INTO fresh SELECT g, repeat('n', 40) FROM generate_series(1, 1000) g;
         CREATE INDEX fresh_note ON fresh (note);
         INSERT INTO fresh SELECT g, repeat('n', 40) FROM generate_series(1001, 5000) g;",
    )
    .unwrap();
    // CREATE INDEX counted fresh's pages, never a VACUUM or ANALYZE, and rows came after.
    let (stale, never_analyzed): (bool, bool) = c
        .query_one(
            "SELECT relpages::int8 * 8192 < pg_relation_size(oid), \
             coalesce(pg_stat_get_last_vacuum_time(oid), pg_stat_get_last_autovacuum_time(oid), \
               pg_stat_get_last_analyze_time(oid), pg_stat_get_last_autoanalyze_time(oid)) IS NULL \
             FROM pg_class WHERE oid = 'fresh'::regclass",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert!(stale && never_analyzed, "{stale} {never_analyzed}");
    let read = || {
        let mut db = Database::connect(&ConnectOptions::new(pg.conninfo())).unwrap();
        db.live_stats().unwrap()
    };
    let live = read();
    let table = |name: &str| &live.tables[&QualName::new("public", name)];
    let index = |name: &str| live.indexes[&QualName::new("public", name)].bytes;
    for name in ["docs", "fresh"] {
        assert_eq!(table(name).bytes, size(&mut c, name), "{name}");
        assert_eq!(table(name).total_bytes, main_forks(&mut c, name), "{name}");
    }
    for name in ["docs_pkey", "docs_title", "fresh_pkey", "fresh_note"] {
        assert_eq!(index(name), size(&mut c, name), "{name}");
    }
    let toast: i64 = c
        .query_one(
            "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'docs'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        toast > 1_000_000,
        "the bodies are stored out of line: {toast}"
    );
    // The maps are the whole difference from `pg_total_relation_size`.
    let total: i64 = c
        .query_one("SELECT pg_total_relation_size('docs')", &[])
        .unwrap()
        .get(0);
    assert!(total - table("docs").total_bytes < 200_000, "{total}");

    // Rows added after the ANALYZE: the catalog, and so the audit, still says what it counted.
    let analyzed = (table("docs").bytes, index("docs_title"));
    c.batch_execute(
        "INSERT INTO docs SELECT g, 'title ' || g, 'short' FROM generate_series(3001, 9000) g",
    )
    .unwrap();
    let later = read();
    let docs = QualName::new("public", "docs");
    let title = QualName::new("public", "docs_title");
    assert_eq!(
        (later.tables[&docs].bytes, later.indexes[&title].bytes),
        analyzed
    );
    assert!(size(&mut c, "docs") > analyzed.0);
}

/// Every object kind the introspection reads, for comparing its ways of reading them.
const VARIED: &str = "CREATE TABLE schema_migrations (version text PRIMARY KEY);
     CREATE TABLE applied (v text REFERENCES schema_migrations (version), note text);
     CREATE TABLE rooms (id int PRIMARY KEY, name text COLLATE \"C\", during tsrange,
       price numeric(10, 2) DEFAULT 0 CHECK (price >= 0),
       EXCLUDE USING gist (during WITH &&));
     CREATE INDEX rooms_lower ON rooms (lower(name) text_pattern_ops, id DESC NULLS LAST)
       INCLUDE (price) WHERE price > 0;
     CREATE INDEX rooms_name_c ON rooms (name COLLATE \"POSIX\");
     CREATE TABLE bookings (id bigserial, room_id int REFERENCES rooms ON DELETE CASCADE,
       at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE bookings_2026 PARTITION OF bookings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
     CREATE INDEX ON bookings (room_id);
     CREATE VIEW open_rooms AS SELECT id, name FROM rooms WHERE price > 0;
     CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
     CREATE TRIGGER rooms_touch BEFORE UPDATE ON rooms FOR EACH ROW EXECUTE FUNCTION touch();
     ALTER TABLE rooms ENABLE ROW LEVEL SECURITY;
     CREATE POLICY by_name ON rooms USING (name = current_user);
     ANALYZE;";

/// The schema (as its debug text) and findings of an audit, without what moves with the
/// clock.
fn settled(mut audit: Audit) -> (String, Vec<(String, String)>) {
    if let Some(live) = &mut audit.schema.live {
        live.stats_age_secs = None;
    }
    let findings = audit
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        // The note on young statistics says their age.
        .filter(|(_, message)| !message.contains("statistics are"))
        .collect();
    (format!("{:#?}", audit.schema), findings)
}

/// A server with the seed's tables and [`VARIED`]'s objects.
fn varied_server() -> Option<TestPg> {
    let pg = TestPg::start()?;
    let mut c = pg.connect();
    seed(&mut c);
    c.batch_execute(VARIED).expect("varied objects");
    Some(pg)
}

#[test]
fn one_connection_or_two_read_the_same() {
    let Some(pg) = varied_server() else { return };
    // The default statistics age: `unused-index` would name the window's age in seconds.
    let two = AuditOptions::new(ConnectOptions::new(pg.conninfo()));
    let one = AuditOptions {
        single_connection: true,
        ..two.clone()
    };
    let (a, b) = (
        driftlint::live::audit_hosts(&two).expect("two connections"),
        driftlint::live::audit_hosts(&one).expect("one connection"),
    );
    // The second connection read: the statements of its own session came on top.
    assert!(a.queries >= b.queries + 4, "{} vs {}", a.queries, b.queries);
    let schema = a.schema.clone();
    let (a, b) = (settled(a), settled(b));
    assert_eq!(a.1, b.1);
    assert!(a.0 == b.0, "the schemas differ:\n{}\n{}", a.0, b.0);
    let a = (schema, ());
    // A partitioned table has no storage (ANALYZE sets its relpages to -1): size 0.
    let live = a.0.live.as_ref().expect("live statistics");
    let bookings = &live.tables[&QualName::new("public", "bookings")];
    assert_eq!((bookings.bytes, bookings.total_bytes), (0, 0));

    // Names come from the client's maps: a foreign key to a migration tool's table (which
    // the introspection leaves out) is still named, as is every key of the indexes.
    let fk = &a.0.tables[&QualName::new("public", "applied")].constraints["applied_v_fkey"];
    let fk = fk.foreign_key.as_ref().expect("a foreign key");
    assert_eq!(fk.ref_table, QualName::new("public", "schema_migrations"));
    assert_eq!(fk.ref_columns, ["version"]);
    let index = &a.0.indexes[&QualName::new("public", "rooms_lower")];
    let key = &index.keys;
    assert_eq!(key[0].opclass.as_deref(), Some("text_pattern_ops"));
    assert!(key[1].desc && !key[1].nulls_first);
    assert_eq!(index.include, ["price"]);
    assert!(index.predicate.is_some());
    let collated = &a.0.indexes[&QualName::new("public", "rooms_name_c")].keys[0];
    assert_eq!(collated.collation.as_deref(), Some("POSIX"));
    let pkey = &a.0.tables[&QualName::new("public", "rooms")].constraints["rooms_pkey"];
    assert_eq!(pkey.index.as_deref(), Some("rooms_pkey"));
    assert_eq!(
        a.0.indexes[&QualName::new("public", "rooms_pkey")]
            .constraint
            .as_deref(),
        Some("rooms_pkey")
    );
}

#[test]
fn a_role_limited_to_one_connection_is_read_over_one() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    let role = format!("driftlint_one_{}", std::process::id());
    c.batch_execute(&format!(
        "{VARIED} DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN CONNECTION LIMIT 1;"
    ))
    .expect("seed");
    let options = |single_connection| AuditOptions {
        single_connection,
        ..AuditOptions::new(ConnectOptions::new(format!(
            "{} user={role}",
            pg.conninfo()
        )))
    };
    // The second connection is refused; the first reads everything, and no more than once.
    let limited = driftlint::live::audit_hosts(&options(false)).expect("audit over one");
    // The server frees the connection slot when the backend has exited, after the client left.
    wait_for(
        &mut c,
        &format!("SELECT count(*) = 0 FROM pg_stat_activity WHERE usename = '{role}'"),
    );
    let single = driftlint::live::audit_hosts(&options(true)).expect("audit");
    let (a, b) = (limited.queries, single.queries);
    c.batch_execute(&format!("DROP ROLE {role}"))
        .expect("drop role");
    assert_eq!(a, b + 1, "one statement more: the snapshot's export");
    assert_eq!(settled(limited), settled(single));
}

#[test]
fn bloat_estimates_are_the_same_from_pg_statistic_and_pg_stats() {
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    seed(&mut c);
    // Rows deleted: the tables and indexes keep their pages, so there is bloat to estimate.
    let role = format!("driftlint_reader_{}", std::process::id());
    c.batch_execute(&format!(
        "DELETE FROM events WHERE id % 3 <> 0; ANALYZE events;
         DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN;
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};"
    ))
    .expect("seed");
    let audit = |conninfo: String| {
        let options = AuditOptions::new(ConnectOptions::new(conninfo));
        driftlint::live::audit_hosts(&options).expect("audit")
    };
    // A superuser reads pg_statistic; the role, pg_stats (the rows of the tables it may read).
    let (owner, reader) = (
        audit(pg.conninfo()),
        audit(format!("{} user={role}", pg.conninfo())),
    );
    c.batch_execute(&format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}; DROP ROLE {role}"
    ))
    .expect("drop role");
    let bloat = |a: &Audit| {
        let live = a.schema.live.as_ref().expect("live statistics");
        let tables: Vec<(String, Option<i64>)> = live
            .tables
            .iter()
            .map(|(n, t)| (n.to_string(), t.bloat_bytes))
            .collect();
        let indexes: Vec<(String, Option<i64>)> = live
            .indexes
            .iter()
            .map(|(n, i)| (n.to_string(), i.bloat_bytes))
            .collect();
        (tables, indexes)
    };
    let (a, b) = (bloat(&owner), bloat(&reader));
    assert!(
        a.0.iter().any(|(_, b)| b.is_some_and(|b| b > 0)),
        "some table bloat is estimated: {a:?}"
    );
    assert!(a.1.iter().any(|(_, b)| b.is_some()), "{a:?}");
    assert_eq!(a, b);
}

#[test]
fn the_rules_find_the_same_in_the_lean_introspection_as_in_the_full_one() {
    let Some(pg) = varied_server() else { return };
    pg.connect()
        .batch_execute(
            "CREATE TABLE docs (id int PRIMARY KEY, body text, words tsvector
           GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED, at timestamptz DEFAULT now());
         CREATE INDEX docs_words ON docs USING gin (words);
         CREATE INDEX docs_words_again ON docs USING gin (words);",
        )
        .expect("generated column");
    let options = ConnectOptions::new(pg.conninfo());
    let read = |lean: bool| {
        let mut db = Database::connect(&options).expect("connect");
        let found = if lean {
            db.introspect_for_rules()
        } else {
            db.introspect()
        }
        .expect("introspect");
        db.close();
        found.schema
    };
    let (full, lean) = (read(false), read(true));
    assert!(full.objects_known && !lean.objects_known);
    assert!(!full.functions.is_empty() && lean.functions.is_empty());
    let docs = QualName::new("public", "docs");
    assert!(full.tables[&docs].columns["words"].generated.is_some());
    let findings = |schema: &driftlint::schema::Schema| {
        let found = driftlint::rules::run(&driftlint::rules::RuleInput::of_schema(schema));
        found
            .iter()
            .map(|f| (f.rule.to_string(), f.message.clone()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (findings(&full), findings(&lean));
    assert!(a.iter().any(|(rule, _)| rule == "duplicate-index"), "{a:?}");
    assert_eq!(a, b);
}
