//! `column-still-referenced` and the replay's cascades, checked on a real server: every case
//! is replayed by driftlint and run on PostgreSQL in a transaction. Where driftlint says a
//! statement will fail, PostgreSQL must refuse it and name exactly the dependents driftlint
//! lists; where it says CASCADE also drops objects, exactly those must disappear from the
//! catalog; where it says nothing, PostgreSQL must accept the statement. A renamed column a
//! trigger function reads must break that function at its next run.

mod support;

use std::collections::BTreeSet;

use driftlint::check::replay_text;
use driftlint::schema::dependencies::Dependent;
use driftlint::schema::replay::{DependedAction, Event, Replay};
use support::TestPg;

/// `(setup, statement)`: the statement is the case's last.
const CASES: &[(&str, &str)] = &[
    // Refused without CASCADE, dropped with it.
    (
        "CREATE TABLE t (id int, a text); CREATE VIEW v AS SELECT x.a FROM t x; CREATE VIEW w AS SELECT * FROM v;",
        "ALTER TABLE t DROP COLUMN a",
    ),
    (
        "CREATE TABLE t (id int, a text); CREATE VIEW v AS SELECT x.a FROM t x; CREATE VIEW w AS SELECT * FROM v;",
        "ALTER TABLE t DROP COLUMN a CASCADE",
    ),
    (
        "CREATE TABLE t (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED); CREATE VIEW v AS SELECT total FROM t;",
        "ALTER TABLE t DROP COLUMN qty",
    ),
    (
        "CREATE TABLE t (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED); CREATE VIEW v AS SELECT total FROM t;",
        "ALTER TABLE t DROP COLUMN qty CASCADE",
    ),
    (
        "CREATE TABLE t (id int, owner text); CREATE POLICY own ON t USING (owner = current_user);",
        "ALTER TABLE t DROP COLUMN owner",
    ),
    (
        "CREATE TABLE t (id int, owner text); CREATE POLICY own ON t USING (owner = current_user);",
        "ALTER TABLE t DROP COLUMN owner CASCADE",
    ),
    (
        "CREATE TABLE t (id int, x int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER tr BEFORE UPDATE OF x ON t FOR EACH ROW EXECUTE FUNCTION f(); CREATE TRIGGER tr2 BEFORE UPDATE ON t FOR EACH ROW WHEN (old.x IS DISTINCT FROM new.x) EXECUTE FUNCTION f();",
        "ALTER TABLE t DROP COLUMN x",
    ),
    (
        "CREATE TABLE t (id int, x int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER tr BEFORE UPDATE OF x ON t FOR EACH ROW EXECUTE FUNCTION f(); CREATE TRIGGER tr2 BEFORE UPDATE ON t FOR EACH ROW WHEN (old.x IS DISTINCT FROM new.x) EXECUTE FUNCTION f();",
        "ALTER TABLE t DROP COLUMN x CASCADE",
    ),
    (
        "CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE); CREATE TABLE c (id int, p_id int REFERENCES p, p_code text REFERENCES p (code));",
        "ALTER TABLE p DROP COLUMN id",
    ),
    (
        "CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE); CREATE TABLE c (id int, p_id int REFERENCES p, p_code text REFERENCES p (code));",
        "ALTER TABLE p DROP COLUMN id CASCADE",
    ),
    (
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p); CREATE VIEW v AS SELECT id FROM p; CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n FROM v;",
        "DROP TABLE p",
    ),
    (
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p); CREATE VIEW v AS SELECT id FROM p; CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n FROM v;",
        "DROP TABLE p CASCADE",
    ),
    (
        "CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t; CREATE VIEW w AS SELECT id FROM v;",
        "DROP VIEW v",
    ),
    (
        "CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t; CREATE VIEW w AS SELECT id FROM v;",
        "DROP VIEW v CASCADE",
    ),
    (
        "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE m (id int, md mood); CREATE VIEW mv AS SELECT id, md FROM m;",
        "DROP TYPE mood",
    ),
    (
        "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE m (id int, md mood); CREATE VIEW mv AS SELECT id, md FROM m;",
        "DROP TYPE mood CASCADE",
    ),
    (
        "CREATE TABLE par (id int, a int); CREATE TABLE ch (b int) INHERITS (par); CREATE VIEW chv AS SELECT b FROM ch;",
        "DROP TABLE par",
    ),
    (
        "CREATE TABLE par (id int, a int); CREATE TABLE ch (b int) INHERITS (par); CREATE VIEW chv AS SELECT b FROM ch;",
        "DROP TABLE par CASCADE",
    ),
    (
        "CREATE TABLE par (id int, a int); CREATE TABLE ch (b int) INHERITS (par); CREATE VIEW chv AS SELECT a FROM ch;",
        "ALTER TABLE par DROP COLUMN a",
    ),
    (
        "CREATE TABLE par (id int, a int) PARTITION BY RANGE (id); CREATE TABLE p1 PARTITION OF par FOR VALUES FROM (0) TO (10); CREATE VIEW pv AS SELECT a FROM p1;",
        "ALTER TABLE par DROP COLUMN a CASCADE",
    ),
    (
        "CREATE TABLE members (id int, org int, uid text); CREATE TABLE docs (id int, org int); CREATE POLICY p_docs ON docs USING (EXISTS (SELECT 1 FROM members m WHERE m.org = docs.org AND m.uid = current_user));",
        "DROP TABLE members",
    ),
    (
        "CREATE TABLE members (id int, org int, uid text); CREATE TABLE docs (id int, org int); CREATE POLICY p_docs ON docs USING (EXISTS (SELECT 1 FROM members m WHERE m.org = docs.org AND m.uid = current_user));",
        "ALTER TABLE members DROP COLUMN uid CASCADE",
    ),
    (
        "CREATE TABLE members (id int, org int, uid text); CREATE TABLE docs (id int, org int); CREATE POLICY p_docs ON docs USING (EXISTS (SELECT 1 FROM members m WHERE m.org = docs.org AND m.uid = current_user));",
        "ALTER TABLE members DROP COLUMN id",
    ),
    // A subquery given by ALTER POLICY, and one written `TABLE t`.
    (
        "CREATE TABLE members (id int, org int, uid text); CREATE TABLE docs (id int, org int); CREATE POLICY p_docs ON docs USING (true); ALTER POLICY p_docs ON docs USING (EXISTS (SELECT 1 FROM members m WHERE m.uid = current_user));",
        "ALTER TABLE members DROP COLUMN uid",
    ),
    (
        "CREATE TABLE orgs (id int); CREATE TABLE docs (id int, org int); CREATE POLICY p_docs ON docs USING (org IN (TABLE orgs));",
        "ALTER TABLE orgs DROP COLUMN id",
    ),
    // Refused whatever is given.
    (
        "CREATE TABLE t (id int, a int); CREATE VIEW v AS SELECT a FROM t;",
        "ALTER TABLE t ALTER COLUMN a TYPE bigint",
    ),
    (
        "CREATE TABLE t (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);",
        "ALTER TABLE t ALTER COLUMN qty TYPE bigint",
    ),
    (
        "CREATE TABLE t (id int, owner text); CREATE POLICY own ON t USING (owner = current_user);",
        "ALTER TABLE t ALTER COLUMN owner TYPE varchar(30)",
    ),
    // Accepted: automatic dependents only, or none.
    (
        "CREATE TABLE t (id int PRIMARY KEY, a text, b int CHECK (b > 0)); CREATE INDEX t_a ON t (lower(a)) WHERE b > 0; CREATE INDEX t_ab ON t (a, b);",
        "ALTER TABLE t DROP COLUMN a",
    ),
    (
        "CREATE TABLE t (id int, a text); CREATE VIEW v AS SELECT count(*) AS n FROM t;",
        "ALTER TABLE t DROP COLUMN a",
    ),
    (
        "CREATE TABLE t (id int); CREATE VIEW v AS SELECT * FROM t; ALTER TABLE t ADD COLUMN a int;",
        "ALTER TABLE t DROP COLUMN a",
    ),
    (
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p);",
        "ALTER TABLE c DROP COLUMN p_id",
    ),
    (
        "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE VIEW v AS SELECT a FROM t; CREATE INDEX ON t (a);",
        "ALTER TABLE t RENAME COLUMN a TO b",
    ),
];

/// The dependents driftlint records for the case's statement, as catalog keys, and the
/// statement's action and CASCADE.
fn driftlint_says(setup: &str, stmt: &str) -> Option<(DependedAction, bool, BTreeSet<String>)> {
    let text = format!("{setup}\n{stmt};\n");
    let mut replay = Replay::new(None);
    let mut unparsed = Vec::new();
    replay_text(&text, 0, 0, &mut replay, &mut unparsed);
    let at = setup.len() as u32;
    replay.events.iter().rev().find_map(|e| match e {
        Event::Dependents(d)
            if matches!(d.location, driftlint::schema::Origin::Sql { start, .. } if start > at) =>
        {
            let keys = d.dependents.iter().map(key).collect();
            Some((d.action.clone(), d.cascade, keys))
        }
        _ => None,
    })
}

/// A dependent as the catalog snapshot below names it.
fn key(d: &Dependent) -> String {
    match d {
        Dependent::View(v, _) => format!("view:{}", v.name),
        Dependent::Table(t) => format!("table:{}", t.name),
        Dependent::GeneratedColumn(t, c) | Dependent::Column(t, c) => {
            format!("column:{}.{c}", t.name)
        }
        Dependent::Policy(t, p) => format!("policy:{}.{p}", t.name),
        Dependent::Trigger(t, x) => format!("trigger:{}.{x}", t.name),
        Dependent::ForeignKey(t, c) => format!("fk:{}.{c}", t.name),
        Dependent::Function(f) => format!("function:{f}"),
    }
}

/// The objects of the public schema that a cascade can take, as keys.
fn snapshot(tx: &mut postgres::Transaction<'_>) -> BTreeSet<String> {
    let rows = tx
        .query(
            "SELECT 'view:' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm')
             UNION ALL SELECT 'table:' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
             UNION ALL SELECT 'column:' || c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
             UNION ALL SELECT 'policy:' || c.relname || '.' || p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             UNION ALL SELECT 'trigger:' || c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
             UNION ALL SELECT 'fk:' || c.relname || '.' || k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f'",
            &[],
        )
        .expect("catalog snapshot");
    rows.iter().map(|r| r.get::<_, String>(0)).collect()
}

/// The objects a refusal's DETAIL names as depending on something ("view v depends on column
/// a of table t"), as keys.
fn refused_dependents(detail: &str) -> BTreeSet<String> {
    detail
        .lines()
        .filter_map(|l| l.split(" depends on ").next())
        .filter_map(|object| {
            let w: Vec<&str> = object.split_whitespace().collect();
            Some(match w.as_slice() {
                ["view", v] | ["materialized", "view", v] => format!("view:{v}"),
                ["table", t] => format!("table:{t}"),
                ["column", c, "of", "table", t] => format!("column:{t}.{c}"),
                ["policy", p, "on", "table", t] => format!("policy:{t}.{p}"),
                ["trigger", x, "on", "table", t] => format!("trigger:{t}.{x}"),
                ["constraint", c, "on", "table", t] => format!("fk:{t}.{c}"),
                _ => return None,
            })
        })
        .collect()
}

/// Whether a snapshot key belongs to the object the statement itself drops.
fn own(action: &DependedAction, key: &str) -> bool {
    match action {
        // The column of an inheriting table or a partition goes with its parent's.
        DependedAction::DropColumn { table, column } => {
            key == format!("column:{}.{column}", table.name)
                || key.starts_with("column:") && key.ends_with(&format!(".{column}"))
        }
        DependedAction::DropRelation { relation, .. } => {
            key == format!("view:{}", relation.name)
                || key == format!("table:{}", relation.name)
                || key
                    .split_once(':')
                    .is_some_and(|(_, rest)| rest.starts_with(&format!("{}.", relation.name)))
        }
        _ => false,
    }
}

#[test]
fn each_finding_matches_what_postgresql_refuses_or_drops() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let mut client = pg.connect();
    for (setup, stmt) in CASES {
        let said = driftlint_says(setup, stmt);
        let mut tx = client.transaction().expect("begin");
        tx.batch_execute(setup).expect("setup applies");
        let before = snapshot(&mut tx);
        let result = tx.batch_execute(stmt);
        match (said, result) {
            (None, Ok(())) => {}
            (None, Err(e)) => panic!("`{stmt}`: driftlint says nothing, PostgreSQL refuses: {e:?}"),
            (Some((action, _, deps)), Err(e)) => {
                let db = e.as_db_error().expect("a server error");
                assert!(
                    matches!(action, DependedAction::AlterType { .. })
                        || !said_cascade(setup, stmt),
                    "`{stmt}`: refused although driftlint expects CASCADE to succeed: {db:?}"
                );
                let detail = db.detail().unwrap_or_default();
                if matches!(action, DependedAction::AlterType { .. }) {
                    // PostgreSQL names the first object in the way.
                    assert!(
                        db.message()
                            .starts_with("cannot alter type of a column used"),
                        "`{stmt}`: {db:?}"
                    );
                    // "rule _RETURN on view v depends on column …", "Column "a" is used by
                    // generated column "g".", "policy p on table t depends on column …".
                    let named = if let Some((_, rest)) = detail.split_once(" on view ") {
                        rest.split_whitespace().next().unwrap_or("")
                    } else if let Some((_, rest)) = detail.split_once("generated column ") {
                        rest.trim_end_matches('.')
                    } else {
                        detail.split_whitespace().nth(1).unwrap_or("")
                    };
                    let named = named.trim_matches('"');
                    assert!(
                        deps.iter().any(|d| d.ends_with(&format!(":{named}"))
                            || d.ends_with(&format!(".{named}"))),
                        "`{stmt}`: PostgreSQL names {named}, driftlint lists {deps:?}"
                    );
                } else {
                    assert!(
                        db.message().contains("because other objects depend on"),
                        "`{stmt}`: {db:?}"
                    );
                    assert_eq!(
                        refused_dependents(detail),
                        deps,
                        "`{stmt}`: PostgreSQL's DETAIL: {detail}"
                    );
                }
            }
            (Some((action, cascade, deps)), Ok(())) => {
                assert!(
                    cascade,
                    "`{stmt}`: driftlint says it will fail, PostgreSQL accepts it"
                );
                let after = snapshot(&mut tx);
                // The columns, triggers … of a dropped table go with it.
                let tables: Vec<String> = deps
                    .iter()
                    .filter_map(|d| d.strip_prefix("table:"))
                    .map(|t| format!("{t}."))
                    .collect();
                let dropped: BTreeSet<String> = before
                    .difference(&after)
                    .filter(|k| !own(&action, k))
                    .filter(|k| {
                        !k.split_once(':')
                            .is_some_and(|(_, rest)| tables.iter().any(|t| rest.starts_with(t)))
                    })
                    .cloned()
                    .collect();
                assert_eq!(dropped, deps, "`{stmt}`: what CASCADE dropped");
            }
        }
        tx.rollback().expect("rollback");
    }
}

fn said_cascade(setup: &str, stmt: &str) -> bool {
    driftlint_says(setup, stmt).is_some_and(|(_, c, _)| c)
}

#[test]
fn a_renamed_column_breaks_the_trigger_function_that_reads_it() {
    let Some(pg) = TestPg::start() else {
        return;
    };
    let setup = "CREATE TABLE t (id int, x int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$; CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();";
    let stmt = "ALTER TABLE t RENAME COLUMN x TO y";
    let (_, _, deps) = driftlint_says(setup, stmt).expect("the rename is reported");
    assert_eq!(deps, BTreeSet::from(["function:public.f()".to_string()]));
    let mut client = pg.connect();
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(setup).expect("setup applies");
    tx.batch_execute("INSERT INTO t VALUES (1, 0)")
        .expect("the trigger works before");
    tx.batch_execute(stmt).expect("the rename itself succeeds");
    let e = tx
        .batch_execute("INSERT INTO t VALUES (2, 0)")
        .expect_err("the trigger breaks after");
    let message = e.as_db_error().map(|d| d.message().to_string());
    assert_eq!(
        message.as_deref(),
        Some("record \"new\" has no field \"x\""),
        "{e:?}"
    );
}
