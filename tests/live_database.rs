//! Live-database tests (issue 5): agreement between replayed migrations and the introspected
//! database for every fixture project, `audit` / `check --database` / `diff` with a database
//! side through the CLI, and the safety properties (no-privilege role, read-only default,
//! TLS verification, no password in any message).

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use driftlint::check::{CheckOptions, check};
use driftlint::schema::diff::{Side, diff};
use driftlint::source::database::{ConnectOptions, Database};

use support::{TestPg, apply_fixture};

/// The schema rules: what they find must not depend on where the schema came from.
const SCHEMA_RULES: &[&str] = &[
    "duplicate-index",
    "redundant-index",
    "unindexed-foreign-key",
    "no-primary-key",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rule_keys(findings: &[driftlint::finding::Finding]) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| SCHEMA_RULES.contains(&f.rule))
        .map(|f| {
            format!(
                "{} {} {}",
                f.rule,
                f.table.as_ref().map_or("-".to_string(), |t| t.to_string()),
                f.object.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

/// Replayed and introspected schemas agree: no drift beyond `expected` (substrings of the
/// drift messages, one per expected finding), and the schema rules find the same things.
fn agreement(pg: TestPg, rel: &str, expected: &[&str]) {
    let path = root().join(rel);
    let failed = apply_fixture(&pg, &path);
    let offline = check(
        &CheckOptions {
            paths: vec![path.clone()],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .expect("check");
    let (live, _, queries) =
        driftlint::live::introspect(&ConnectOptions::new(pg.conninfo())).expect("introspect");
    let drift = diff(
        Side {
            schema: &offline.schema,
            label: "migrations",
        },
        Side {
            schema: &live.schema,
            label: "database",
        },
    );
    let messages: Vec<&str> = drift
        .differences
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    let unexpected: Vec<&&str> = messages
        .iter()
        .filter(|m| !expected.iter().any(|e| m.contains(e)))
        .collect();
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|e| !messages.iter().any(|m| m.contains(*e)))
        .collect();
    let live_rules = driftlint::rules::run(&driftlint::rules::RuleInput::of_schema(&live.schema));
    let (a, b) = (rule_keys(&offline.findings), rule_keys(&live_rules));
    let report = format!(
        "== {rel}: {queries} queries, {} tables, {} indexes\n-- statements PostgreSQL rejected:\n{}\n-- drift:\n{}\n{}\n-- rule findings only offline:\n{:#?}\n-- only live:\n{:#?}",
        live.schema.tables.len(),
        live.schema.indexes.len(),
        failed.join("\n"),
        messages.join("\n"),
        drift.unified_diff("migrations", "database"),
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>(),
    );
    eprintln!("{report}");
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "drift between replay and database on {rel}: unexpected {unexpected:#?}, missing {missing:#?}"
    );
    assert_eq!(a, b, "schema rules disagree offline vs live on {rel}");
    // One query per kind of object (and the session's setup), whatever the size.
    assert!(queries <= 18, "{queries} queries");
}

macro_rules! agreement_tests {
    ($($name:ident: $start:ident, $rel:literal, [$($expected:literal),*];)*) => {$(
        #[test]
        fn $name() {
            let Some(pg) = TestPg::$start() else { return };
            agreement(pg, $rel, &[$($expected),*]);
        }
    )*};
}

agreement_tests! {
    agree_saas_drizzle: start_pgvector, "testdata/saas-drizzle/drizzle", [];
    agree_drizzle_authjs: start_pgvector, "testdata/drizzle-authjs/drizzle", [];
    agree_drizzle_legacy: start, "testdata/drizzle-legacy/drizzle", [];
    agree_drizzle_enums: start, "testdata/drizzle-enums/drizzle", [];
    agree_index_health: start, "testdata/index-health/migrations", [];
    agree_prisma_basic: start, "testdata/prisma-basic/prisma/migrations", [];
    agree_plain_folder: start, "testdata/plain-folder/migrations", [];
    agree_objects: start, "testdata/objects/migrations", [];
    agree_golang_migrate: start, "testdata/layouts/golang-migrate", [];
    agree_flyway: start, "testdata/layouts/flyway", [];
    agree_dbmate: start, "testdata/layouts/dbmate/db/migrations", [];
    agree_sqlx: start, "testdata/layouts/sqlx/migrations", [];
    agree_diesel: start, "testdata/layouts/diesel/migrations", [];
    agree_supabase: start, "testdata/layouts/supabase/supabase/migrations", [];
    // The dump creates the bookkeeping table, which introspection leaves out on purpose and
    // diff leaves out on both sides.
    agree_structure_sql: start, "testdata/layouts/structure-sql/db/structure.sql", [];
    agree_drift_fidelity: start, "testdata/drift-fidelity/migrations", [];
    agree_dependencies: start, "testdata/dependencies/migrations", [];
}

// ---------------------------------------------------------------------------------------------
// The CLI

fn driftlint() -> Command {
    let mut c = Command::cargo_bin("driftlint").expect("binary");
    c.env_remove("DATABASE_URL").env("NO_COLOR", "1");
    c
}

fn output(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run driftlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FIXTURE_SQL: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), note text);
CREATE INDEX orders_note_idx ON orders (note);
CREATE INDEX orders_note_dup ON orders (note);
CREATE TABLE audit_log (at timestamptz, what text);";

fn seed(pg: &TestPg) {
    pg.connect().batch_execute(FIXTURE_SQL).expect("seed");
}

#[test]
fn audit_reports_schema_rules_with_a_constant_number_of_queries() {
    let Some(pg) = TestPg::start() else { return };
    seed(&pg);
    let (code, stdout, stderr) = output(driftlint().args([
        "audit",
        "--database",
        &pg.conninfo(),
        "--format",
        "json",
        "--fail-on",
        "warning",
        "--verbose",
    ]));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    for rule in ["duplicate-index", "unindexed-foreign-key", "no-primary-key"] {
        assert!(stdout.contains(rule), "{rule} missing: {stdout}");
    }
    assert!(stderr.contains("queries in"), "{stderr}");
    let queries = |stderr: &str| -> usize {
        let before = stderr.split(" queries in").next().unwrap();
        before.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let small = queries(&stderr);
    // Ten times the tables: the same number of queries.
    let mut c = pg.connect();
    for i in 0..10 {
        c.batch_execute(&format!(
            "CREATE TABLE more_{i} (id int PRIMARY KEY, a int REFERENCES accounts (id)); CREATE INDEX ON more_{i} (a);"
        ))
        .unwrap();
    }
    let (_, _, stderr) = output(driftlint().args(["audit", "--database", &pg.conninfo(), "-v"]));
    assert_eq!(queries(&stderr), small, "{stderr}");
    // DATABASE_URL is used when --database is omitted; the human format locates by table.
    let (code, stdout, _) = output(driftlint().arg("audit").env("DATABASE_URL", pg.url()));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("orders_note_dup"), "{stdout}");
    // --timings: the connection and each catalog query by what it reads, on stderr only.
    let (_, timed, stderr) = output(driftlint().args([
        "audit",
        "--database",
        &pg.conninfo(),
        "--format",
        "json",
        "--timings",
    ]));
    assert!(timed.starts_with('{'), "{timed}");
    for phase in [
        "connect",
        "query pg_class",
        "query pg_attribute",
        "query pg_constraint",
        "query pg_index",
        "introspect",
        "rules",
        "render",
        "total",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(phase) && l.contains(" ms")),
            "{phase} missing: {stderr}"
        );
    }
}

#[test]
fn diff_with_a_database_side() {
    let Some(pg) = TestPg::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("0001_init.sql"), FIXTURE_SQL).unwrap();
    seed(&pg);
    let migrations = dir.path().to_string_lossy().to_string();
    let (code, stdout, stderr) = output(driftlint().args(["diff", &migrations, &pg.url()]));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    pg.connect()
        .batch_execute(
            "ALTER TABLE orders ADD COLUMN shipped_at timestamptz; DROP INDEX orders_note_dup;",
        )
        .unwrap();
    let (code, stdout, stderr) = output(driftlint().args(["diff", &migrations, &pg.conninfo()]));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    // The database side is named by its target, without a password.
    assert!(
        stdout.contains("column `public.orders.shipped_at` is in database postgresql://"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "index `orders_note_dup` on `public.orders` is in migrations, not in database postgresql://"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("password"), "{stdout}");
    assert!(
        stdout.contains("+    shipped_at timestamp with time zone"),
        "{stdout}"
    );
}

#[test]
fn check_database_replays_only_pending_migrations() {
    let Some(pg) = TestPg::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path();
    std::fs::write(m.join("000001_init.up.sql"), FIXTURE_SQL).unwrap();
    // The pending migration uses a column the database lacks.
    std::fs::write(
        m.join("000002_index.up.sql"),
        "CREATE INDEX orders_shipped_idx ON orders (shipped_at);",
    )
    .unwrap();
    seed(&pg);
    pg.connect()
        .batch_execute(
            "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
             INSERT INTO schema_migrations VALUES (1, false);",
        )
        .unwrap();
    let path = m.to_string_lossy().to_string();
    let (code, stdout, stderr) =
        output(driftlint().args(["check", "--database", &pg.conninfo(), &path]));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("index-missing-column") && stdout.contains("shipped_at"),
        "{stdout}"
    );
    // Findings on what the database already has (the duplicate index) are audit's business.
    assert!(!stdout.contains("duplicate-index"), "{stdout}");
    assert!(
        stderr.contains("1 migration(s) already applied"),
        "{stderr}"
    );
    assert!(stderr.contains("000001_init.up.sql"), "{stderr}");
    // Without bookkeeping every file is pending: the first one now fails on existing tables?
    // No: CREATE TABLE of an existing table is a replay no-op; the note says why.
    pg.connect()
        .batch_execute("DROP TABLE schema_migrations")
        .unwrap();
    let (_, _, stderr) = output(driftlint().args(["check", "--database", &pg.conninfo(), &path]));
    assert!(
        stderr.contains("every migration is treated as pending"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Safety

#[test]
fn audits_as_a_role_without_privileges_and_read_only_by_default() {
    let Some(pg) = TestPg::start() else { return };
    seed(&pg);
    let role = format!("nopriv_{}", pg.dbname());
    let mut admin = pg.connect();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; ALTER ROLE {role} SET default_transaction_read_only = on;
             REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             CREATE TABLE _prisma_migrations (migration_name text, finished_at timestamptz, rolled_back_at timestamptz);"
        ))
        .unwrap();
    let conninfo = format!("{} user={role}", pg.conninfo());
    // The role really cannot read the tables.
    let mut c: postgres::Client = conninfo
        .parse::<postgres::Config>()
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap();
    let denied = c.query("SELECT * FROM orders", &[]).unwrap_err();
    assert!(support::error_message(&denied).contains("permission denied"));
    let as_admin = driftlint::live::audit(&ConnectOptions::new(pg.conninfo())).unwrap();
    let as_role = driftlint::live::audit(&ConnectOptions::new(conninfo.clone())).unwrap();
    let keys = |a: &driftlint::live::Audit| -> Vec<String> {
        a.findings
            .iter()
            .map(|f| format!("{} {:?} {:?}", f.rule, f.table, f.object))
            .collect()
    };
    assert!(!keys(&as_admin).is_empty());
    assert_eq!(keys(&as_admin), keys(&as_role));
    assert_eq!(as_admin.schema.indexes.len(), as_role.schema.indexes.len());
    // The bookkeeping table it may not read: check says so and replays everything.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("0001.sql"),
        "CREATE INDEX ON orders (account_id);",
    )
    .unwrap();
    let (_, pending) = driftlint::live::check_with_database(
        &CheckOptions {
            paths: vec![dir.path().to_path_buf()],
            layout: None,
            ..Default::default()
        },
        &ConnectOptions::new(conninfo),
        &Default::default(),
    )
    .unwrap();
    assert!(
        pending
            .note
            .as_deref()
            .is_some_and(|n| n.contains("permission denied")),
        "{pending:?}"
    );
    drop(c);
    let _ = admin.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"));
}

#[test]
fn a_dead_server_is_a_clear_error_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://app:hunter2secret@127.0.0.1:{port}/prod?sslmode=disable");
    let (code, stdout, stderr) = output(driftlint().args(["audit", "--database", &url]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        !stderr.contains("hunter2secret") && !stdout.contains("hunter2secret"),
        "{stderr}"
    );
    assert!(stderr.contains("cannot connect"), "{stderr}");
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}/prod")),
        "{stderr}"
    );
    assert!(stderr.contains("help:"), "{stderr}");
    // The same through DATABASE_URL and in diff.
    let (code, _, stderr) = output(driftlint().arg("audit").env("DATABASE_URL", &url));
    assert_eq!(code, 2);
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
    let (code, _, stderr) =
        output(driftlint().args(["diff", "testdata/plain-folder/migrations", &url]));
    assert_eq!(code, 2);
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
}

#[test]
fn statement_timeout_is_a_clear_error() {
    let Some(pg) = TestPg::start() else { return };
    // Holding a lock on pg_class's rows is not possible from a test; a 1 ms statement timeout
    // on a catalog query is the same failure path.
    let mut db = Database::connect(&ConnectOptions {
        statement_timeout: std::time::Duration::from_millis(1),
        ..ConnectOptions::new(pg.conninfo())
    });
    match db.as_mut() {
        Ok(db) => {
            for _ in 0..50 {
                if let Err(e) = db.introspect() {
                    let text = e.to_string();
                    assert!(
                        text.contains("statement timeout") || text.contains("canceling"),
                        "{text}"
                    );
                    assert!(text.contains("--statement-timeout"), "{text}");
                    return;
                }
            }
        }
        // On a busy machine the timeout can already fire on the session set-up queries; that
        // error must say the same.
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains("statement timeout") || text.contains("canceling"),
                "{text}"
            );
            return;
        }
    }
    panic!("a 1 ms statement_timeout never fired");
}

#[test]
fn tls_verification_and_passwords() {
    let Some((pg, tls)) = TestPg::start_secure() else {
        return;
    };
    let role = format!("pw_{}", pg.dbname());
    let secret = "Corr3ct-H0rse";
    pg.connect()
        .batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD '{secret}'"))
        .unwrap();
    let db = pg.dbname();
    let ca = tls.ca_pem.display().to_string();
    let wrong = tls.wrong_ca_pem.display().to_string();
    let conn = |host: &str, password: &str, extra: &str| {
        format!(
            "host={host} port={} dbname={db} user={role} password={password} connect_timeout=10 {extra}",
            tls.port
        )
    };
    let audit = |target: String| driftlint::live::audit(&ConnectOptions::new(target));

    // verify-full with the right root and the certificate's host name.
    audit(conn(
        "localhost",
        secret,
        &format!("sslmode=verify-full sslrootcert={ca}"),
    ))
    .expect("verify-full with the right CA");
    // With another CA's root it fails, and says so.
    let err = audit(conn(
        "localhost",
        secret,
        &format!("sslmode=verify-full sslrootcert={wrong}"),
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("certificate") || err.contains("TLS") || err.contains("tls"),
        "{err}"
    );
    assert!(!err.contains(secret), "{err}");
    // verify-full checks the host name (the certificate names localhost, not 127.0.0.1);
    // verify-ca does not.
    assert!(
        audit(conn(
            "127.0.0.1",
            secret,
            &format!("sslmode=verify-full sslrootcert={ca}")
        ))
        .is_err()
    );
    audit(conn(
        "127.0.0.1",
        secret,
        &format!("sslmode=verify-ca sslrootcert={ca}"),
    ))
    .expect("verify-ca ignores the host name");
    assert!(
        audit(conn(
            "127.0.0.1",
            secret,
            &format!("sslmode=verify-ca sslrootcert={wrong}")
        ))
        .is_err()
    );
    // require encrypts without verifying; the URL form works too.
    audit(conn("127.0.0.1", secret, "sslmode=require")).expect("require");
    audit(format!(
        "postgresql://{role}:{secret}@localhost:{}/{db}?sslmode=verify-full&sslrootcert={ca}",
        tls.port
    ))
    .expect("URL with verify-full");
    // A wrong password: refused, and neither password appears in the message.
    let wrong_pw = "Wr0ng-Battery-Staple";
    for target in [
        conn("127.0.0.1", wrong_pw, "sslmode=require"),
        format!(
            "postgresql://{role}:{wrong_pw}@127.0.0.1:{}/{db}?sslmode=require",
            tls.port
        ),
    ] {
        let err = audit(target.clone()).unwrap_err().to_string();
        assert!(err.contains("password authentication failed"), "{err}");
        assert!(!err.contains(wrong_pw) && !err.contains(secret), "{err}");
        let (code, stdout, stderr) = output(driftlint().args(["audit", "--database", &target]));
        assert_eq!(code, 2);
        assert!(
            !stderr.contains(wrong_pw) && !stdout.contains(wrong_pw),
            "{stderr}"
        );
    }
    // PGPASSWORD is read for a URL without one.
    let (code, stdout, stderr) = output(
        driftlint()
            .args([
                "audit",
                "--database",
                &format!(
                    "postgresql://{role}@127.0.0.1:{}/{db}?sslmode=require",
                    tls.port
                ),
            ])
            .env("PGPASSWORD", secret),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// A generation expression changed or removed on the server is a `drift-column` difference;
/// the catalog's spelling of the unchanged ones (`price * (quantity)::numeric`) is not.
/// The drift findings (rule, message) of the migrations in `path` against `pg`'s database.
fn drift_from_server(pg: &TestPg, path: PathBuf) -> Vec<(&'static str, String)> {
    let offline = check(
        &CheckOptions {
            paths: vec![path],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .expect("check");
    let (live, _, _) =
        driftlint::live::introspect(&ConnectOptions::new(pg.conninfo())).expect("introspect");
    let drift = diff(
        Side {
            schema: &offline.schema,
            label: "migrations",
        },
        Side {
            schema: &live.schema,
            label: "database",
        },
    );
    driftlint::rules::drift_findings(&drift)
        .into_iter()
        .map(|f| (f.rule, f.message))
        .collect()
}

#[test]
fn a_generated_column_changed_on_the_server_drifts() {
    let Some(pg) = TestPg::start() else { return };
    let path = root().join("testdata/dependencies/migrations");
    let failed = apply_fixture(&pg, &path);
    assert!(failed.is_empty(), "{failed:#?}");
    pg.connect()
        .batch_execute(
            "ALTER TABLE orders ALTER COLUMN email_key DROP EXPRESSION;
             ALTER TABLE orders DROP COLUMN label;
             ALTER TABLE orders ADD COLUMN label text GENERATED ALWAYS AS ('#' || (id + 1)::text) STORED;",
        )
        .expect("change the server");
    let found = drift_from_server(&pg, path);
    assert_eq!(
        found,
        [
            (
                "drift-column",
                "column `public.orders.email_key` generated expression differs: GENERATED ALWAYS AS (lower(contact_email)) STORED vs not generated (migrations vs database)".to_string()
            ),
            (
                "drift-column",
                "column `public.orders.label` generated expression differs: GENERATED ALWAYS AS ('#' || id) STORED vs GENERATED ALWAYS AS ('#' || (id + 1)::text) STORED (migrations vs database)".to_string()
            ),
        ]
    );
}

/// Each object kind changed on the server after the migrations ran is reported by its own
/// drift rule, and by nothing else.
#[test]
fn each_object_kind_changed_on_the_server_drifts() {
    let Some(pg) = TestPg::start() else { return };
    let rel = "testdata/objects/migrations";
    let path = root().join(rel);
    let failed = apply_fixture(&pg, &path);
    assert!(failed.is_empty(), "{failed:#?}");
    pg.connect()
        .batch_execute(
            "ALTER SEQUENCE archive.invoice_no_seq INCREMENT 10;
             CREATE OR REPLACE VIEW recent_notes AS
                 SELECT a.id, a.note, b.room_id FROM audit_log a JOIN bookings b ON b.id = a.id
                 WHERE a.at > now() - interval '2 days' AND a.note LIKE 'x%' AND b.room_id <> 0;
             CREATE OR REPLACE FUNCTION space_label(room_id int, prefix varchar DEFAULT 'Room')
                 RETURNS text LANGUAGE sql STABLE AS $$ SELECT prefix || room_id::text $$;
             DROP TRIGGER audit_log_note ON audit_log;
             ALTER TYPE archive.mood ADD VALUE 'angry' BEFORE 'sad';
             DROP EXTENSION btree_gist CASCADE;
             ALTER TABLE cache_entries SET LOGGED;
             ALTER TABLE measurements DETACH PARTITION measurements_2025;
             ALTER TYPE archive.room_shape ADD ATTRIBUTE height int;
             ALTER FOREIGN TABLE legacy_orders OPTIONS (SET header 'false');
             ALTER FOREIGN TABLE legacy_orders ALTER COLUMN client_id TYPE bigint;",
        )
        .expect("change the server");
    let found = drift_from_server(&pg, path);
    let expected = [
        (
            "drift-sequence",
            "sequence `archive.invoice_no_seq` differs: AS bigint INCREMENT BY 5",
        ),
        ("drift-view", "view `public.recent_notes` query differs"),
        (
            "drift-function",
            "function `public.space_label(integer, character varying)` differs: body differs",
        ),
        (
            "drift-trigger",
            "trigger `audit_log_note` on `public.audit_log` is in migrations, not in database",
        ),
        (
            "drift-enum",
            "enum type `archive.mood` differs: ('sad', 'fine', 'happy') in migrations, ('angry', 'sad', 'fine', 'happy') in database",
        ),
        (
            "drift-extension",
            "extension `btree_gist` is in migrations, not in database",
        ),
        (
            "drift-table",
            "table `public.cache_entries` is unlogged in migrations, plain in database",
        ),
        (
            "drift-table",
            "table `public.measurements_2025` is partition of public.measurements in migrations, plain in database",
        ),
        (
            "drift-composite-type",
            "composite type `archive.room_shape` differs: (width integer, depth integer) in migrations, (width integer, depth integer, height integer) in database",
        ),
        (
            "drift-table",
            "table `public.legacy_orders` is foreign (SERVER imports OPTIONS (filename '/dev/null', format 'text', header 'true')) in migrations, foreign (SERVER imports OPTIONS (filename '/dev/null', format 'text', header 'false')) in database",
        ),
        (
            "drift-column",
            "column `public.legacy_orders.client_id` type differs: integer vs bigint",
        ),
        // The exclusion constraint went with the extension's operator classes.
        (
            "drift-constraint",
            "EXCLUDE constraint `bookings_no_overlap` on `public.bookings` is in migrations, not in database",
        ),
    ];
    for (rule, message) in expected {
        assert!(
            found.iter().any(|(r, m)| *r == rule && m.contains(message)),
            "missing {rule}: {message}\nfound: {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}
