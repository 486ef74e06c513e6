//! `ALTER TYPE … ADD VALUE` in a transaction on a real server: a use of the new label in the
//! same transaction fails ("unsafe use of new value"), exactly where `concurrently-in-transaction`
//! says it will, and a use in a later transaction does not.

mod support;

use driftlint::check::check_sql_files;
use support::{TestPg, error_message};

/// Runs `sql` in one transaction on a fresh `mood` type and table; the error, if any.
fn run_in_transaction(pg: &TestPg, sql: &str) -> Option<String> {
    let mut c = pg.connect();
    c.batch_execute(
        "DROP TABLE IF EXISTS t; DROP TYPE IF EXISTS mood;
         CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (id int, m mood);
         INSERT INTO t SELECT g, 'ok' FROM generate_series(1, 100) g;",
    )
    .unwrap();
    let mut tx = c.transaction().unwrap();
    let result = tx.batch_execute(sql);
    let _ = tx.rollback();
    result.err().map(|e| error_message(&e))
}

fn reported(sql: &str) -> bool {
    let run = check_sql_files(&[("1.sql", sql)]);
    run.findings
        .iter()
        .any(|f| f.rule == "concurrently-in-transaction")
}

#[test]
fn a_new_label_fails_in_its_own_transaction_where_the_rule_says() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let failing = [
        "ALTER TYPE mood ADD VALUE 'sad';\nINSERT INTO t VALUES (0, 'sad');",
        "ALTER TYPE mood ADD VALUE 'sad';\nALTER TABLE t ALTER m SET DEFAULT 'sad';",
        "ALTER TYPE mood ADD VALUE 'sad';\nALTER TABLE t ADD CONSTRAINT t_m CHECK (m <> 'sad');",
        "ALTER TYPE mood ADD VALUE 'sad';\nUPDATE t SET m = 'sad' WHERE id = 1;",
        "CREATE TYPE m2 AS ENUM ('x');\nALTER TYPE m2 ADD VALUE 'y';\nCREATE TABLE t2 (m m2 DEFAULT 'y');",
    ];
    for sql in failing {
        let err = run_in_transaction(&pg, sql).unwrap_or_else(|| panic!("ran: {sql}"));
        assert!(err.contains("unsafe use of new value"), "{sql}: {err}");
        assert!(reported(sql), "not reported: {sql}");
    }
    let fine = [
        "ALTER TYPE mood ADD VALUE 'sad';\nCREATE TABLE t3 (a int);",
        "ALTER TYPE mood ADD VALUE 'sad';\nCREATE FUNCTION f() RETURNS mood LANGUAGE plpgsql AS $$ BEGIN RETURN 'sad'; END $$;",
    ];
    for sql in fine {
        assert_eq!(run_in_transaction(&pg, sql), None, "{sql}");
        assert!(!reported(sql), "reported: {sql}");
    }
    // Committed first, the label is usable in the next transaction.
    let mut c = pg.connect();
    c.batch_execute("ALTER TYPE mood ADD VALUE 'glad';")
        .unwrap();
    c.batch_execute("BEGIN; INSERT INTO t VALUES (0, 'glad'); COMMIT;")
        .unwrap();
}
