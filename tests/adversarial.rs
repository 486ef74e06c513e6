//! Adversarial inputs: driftlint answers each with findings or a clear error, within bounded time
//! and memory, never a panic or a stack overflow. The limits are stated in the README
//! ("Limits") and at the code that enforces them.
//!
//! Sizes are the full ones in release builds (`cargo test --release --test adversarial`, run by
//! `.ci/run`) and a tenth or less in debug builds, where the same code paths run on less data.

use std::path::Path;
use std::time::{Duration, Instant};

use driftlint::check::{CheckOptions, Run, check, check_sql};
use driftlint::finding::Finding;
use driftlint::source::drizzle;

/// The binary's allocator (see `src/main.rs`), so that what is timed is what the binary runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `full` in release builds, `full / divisor` in debug builds.
fn scaled(full: usize, divisor: usize) -> usize {
    if cfg!(debug_assertions) {
        full / divisor
    } else {
        full
    }
}

/// Runs `f`, printing how long it took, and fails when it took longer than `limit` in a
/// release build (debug builds are too slow to time).
fn timed<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    eprintln!("{what}: {took:.2?}");
    if !cfg!(debug_assertions) {
        assert!(took < limit, "{what} took {took:?}, more than {limit:?}");
    }
    out
}

fn rules(run: &Run) -> Vec<&'static str> {
    run.findings.iter().map(|f| f.rule).collect()
}

fn unparsed(run: &Run) -> Vec<&Finding> {
    run.findings
        .iter()
        .filter(|f| f.rule == "unparsed-statement")
        .collect()
}

#[test]
fn a_100_mb_single_statement() {
    let size = scaled(100 << 20, 20);
    let mut sql = String::with_capacity(size + 100);
    sql.push_str("CREATE TABLE big (id int PRIMARY KEY, note text DEFAULT '");
    while sql.len() < size {
        sql.push_str("all work and no play ");
    }
    sql.push_str("');\nCREATE INDEX big_note ON big (note);\n");
    let run = timed("100 MB statement", Duration::from_secs(30), || {
        check_sql("big.sql", &sql)
    });
    assert_eq!(run.statements, 2);
    assert!(run.schema.tables.values().any(|t| t.name.name == "big"));
    assert_eq!(run.schema.indexes.len(), 2, "{:?}", rules(&run));
}

#[test]
fn a_million_tiny_statements() {
    let n = scaled(1_000_000, 10);
    let mut sql = String::with_capacity(n * 12);
    sql.push_str("CREATE TABLE t (id int PRIMARY KEY, a int);\n");
    for i in 0..n {
        // Mostly statements that are classified without parsing, one in ten parsed and replayed.
        match i % 10 {
            0 => sql.push_str("ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;\n"),
            1 => sql.push_str(";\n"),
            2 => sql.push_str("BEGIN;\n"),
            _ => sql.push_str("SELECT 1;\n"),
        }
    }
    let run = timed("a million tiny statements", Duration::from_secs(60), || {
        check_sql("many.sql", &sql)
    });
    assert_eq!(run.statements, 1 + n - n / 10);
    assert!(run.findings.is_empty(), "{:?}", rules(&run));
}

#[test]
fn ten_thousand_nested_parentheses() {
    let depth = 10_000;
    let nested = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
    for sql in [
        format!("CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT {nested});"),
        format!("CREATE VIEW v AS SELECT {nested};"),
        format!("CREATE TABLE t (id int PRIMARY KEY); CREATE INDEX i ON t ({nested});"),
        format!("CREATE TABLE t (id int PRIMARY KEY CHECK (id > {nested}));"),
        // Unbalanced: the splitter must not lose the statement after it.
        format!(
            "CREATE VIEW v AS SELECT {};\nCREATE TABLE after (id int);",
            "(".repeat(depth)
        ),
    ] {
        let run = timed("10,000 nested parentheses", Duration::from_secs(10), || {
            check_sql("nested.sql", &sql)
        });
        let u = unparsed(&run);
        assert_eq!(u.len(), 1, "{:?}", rules(&run));
        if sql.contains("after") {
            assert!(run.schema.tables.values().any(|t| t.name.name == "after"));
        } else {
            assert!(
                u[0].message.contains("nests too deeply"),
                "{}",
                u[0].message
            );
        }
    }
}

#[test]
fn operators_chained_deeper_than_the_parser_reads() {
    // Valid SQL whose parse tree is deeper than driftlint reads: an unparsed-statement that
    // says why, and the statements around it still replayed.
    for n in [60, 1_000, 100_000] {
        let sql = format!(
            "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE t (id int PRIMARY KEY, s text DEFAULT 'x'{});\nCREATE TABLE b (id int PRIMARY KEY);",
            " || 'x'".repeat(n)
        );
        let run = check_sql("chain.sql", &sql);
        let u = unparsed(&run);
        assert_eq!(u.len(), 1, "{n}: {:?}", rules(&run));
        assert!(
            u[0].message.contains("nests too deeply"),
            "{}",
            u[0].message
        );
        assert_eq!(run.schema.tables.len(), 2);
    }
}

#[test]
fn a_1_mb_identifier() {
    let ident = "x".repeat(scaled(1 << 20, 4));
    let sql = format!(
        "CREATE TABLE {ident} (id int PRIMARY KEY, \"{ident}\" int);\nCREATE INDEX ON {ident} (\"{ident}\");\nALTER TABLE {ident} ADD COLUMN y int REFERENCES {ident} (id);"
    );
    let run = timed("1 MB identifier", Duration::from_secs(10), || {
        check_sql("ident.sql", &sql)
    });
    // PostgreSQL truncates identifiers to 63 bytes; so does the replay.
    let table = run.schema.tables.values().next().expect("the table");
    assert_eq!(table.name.name.len(), 63);
    assert_eq!(table.columns.len(), 3, "{:?}", rules(&run));
    assert!(unparsed(&run).is_empty());
}

#[test]
fn a_file_of_nul_bytes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("0001_nul.sql"),
        vec![0u8; scaled(10 << 20, 10)],
    )
    .unwrap();
    let mut mixed = b"CREATE TABLE t (id int PRIMARY KEY);\n".to_vec();
    mixed.extend(std::iter::repeat_n(0u8, 1000));
    mixed.extend(b"\nCREATE TABLE u (id int PRIMARY KEY);\n");
    std::fs::write(dir.path().join("0002_mixed.sql"), mixed).unwrap();
    let run = timed("a file of NUL bytes", Duration::from_secs(10), || {
        check(&options(dir.path()), None).expect("a run")
    });
    // One finding per file (the first NUL, with a count of the rest); the text around is linted.
    assert_eq!(rules(&run), ["unreadable-file", "unreadable-file"]);
    assert!(run.findings[0].message.contains("NUL byte"));
    assert_eq!(run.schema.tables.len(), 2);
}

#[test]
fn a_do_block_with_a_million_line_body() {
    let lines = scaled(1_000_000, 20);
    let mut sql = String::from("CREATE TABLE t (id int PRIMARY KEY);\nDO $$\nBEGIN\n");
    for i in 0..lines {
        if i % 1000 == 0 {
            sql.push_str("  ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;\n");
        } else {
            sql.push_str("  NULL;\n");
        }
    }
    sql.push_str("END $$;\nCREATE INDEX t_a ON t (a);\n");
    let run = timed(
        "DO block of a million lines",
        Duration::from_secs(60),
        || check_sql("do.sql", &sql),
    );
    assert!(run.findings.is_empty(), "{:?}", rules(&run));
    assert!(
        run.schema
            .tables
            .values()
            .next()
            .unwrap()
            .columns
            .contains_key("a")
    );
}

#[test]
fn deeply_nested_json_in_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let path = dir.path().join("0000_snapshot.json");
    std::fs::write(
        &path,
        format!(r#"{{"dialect": "postgresql", "version": "7", "tables": {nested}}}"#),
    )
    .unwrap();
    let err = drizzle::load(&path, 0).expect_err("too deep");
    let message = err.to_string();
    assert!(message.contains("recursion limit"), "{message}");
    // Nested objects inside an otherwise valid snapshot: the same clear error.
    let nested = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    std::fs::write(
        &path,
        format!(r#"{{"dialect": "postgresql", "version": "7", "tables": {{}}, "x": {nested}}}"#),
    )
    .unwrap();
    assert!(drizzle::load(&path, 0).is_err());
}

#[test]
fn a_50_mb_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("0000_snapshot.json");
    let target = scaled(50 << 20, 20);
    let mut tables = serde_json::Map::new();
    let mut size = 0;
    let mut i = 0;
    while size < target {
        let name = format!("table_{i}");
        let mut columns = serde_json::Map::new();
        for c in 0..20 {
            columns.insert(
                format!("column_{c}"),
                serde_json::json!({
                    "name": format!("column_{c}"), "type": "varchar(255)", "primaryKey": c == 0,
                    "notNull": true, "default": "'nothing to see here'",
                }),
            );
        }
        let table = serde_json::json!({
            "name": name, "schema": "", "columns": columns,
            "indexes": {format!("{name}_c1_idx"): {"name": format!("{name}_c1_idx"),
                "columns": [{"expression": "column_1", "isExpression": false, "asc": true, "nulls": "last"}],
                "isUnique": false, "concurrently": false, "method": "btree", "with": {}}},
            "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
        });
        size += table.to_string().len();
        tables.insert(format!("public.{name}"), table);
        i += 1;
    }
    let snapshot = serde_json::json!({
        "id": "x", "prevId": "y", "version": "7", "dialect": "postgresql",
        "tables": tables, "enums": {}, "schemas": {}, "sequences": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}},
    });
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let bytes = std::fs::metadata(&path).unwrap().len();
    let loaded = timed(
        &format!("{} MB snapshot", bytes >> 20),
        Duration::from_secs(30),
        || drizzle::load(&path, 0).expect("a snapshot"),
    );
    assert_eq!(loaded.schema.tables.len(), i);
    assert_eq!(loaded.schema.indexes.len(), 2 * i);
}

fn options(dir: &Path) -> CheckOptions {
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        layout: None,
        ..Default::default()
    }
}

#[test]
fn a_do_block_in_an_escaped_string_with_multibyte_text() {
    // The body is a '…' string with '' escapes, so it does not appear verbatim in the
    // statement: inner statements must still be located inside the text, never mid-character.
    let sql = "DO 'BEGIN PERFORM ''x''; -- €€€€\n CREATE TABLE t (id int PRIMARY KEY, a int); END';\nCREATE INDEX ON t (a);\n";
    let run = check_sql("do.sql", sql);
    assert!(
        run.schema
            .tables
            .values()
            .next()
            .is_some_and(|t| t.columns.len() == 2)
    );
    let summary = driftlint::report::Summary::new(&run.findings, 1, run.statements);
    let _ = driftlint::report::json::render(&run.findings, &run.files, &summary);
}

#[test]
fn a_deeply_nested_schema_ts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.ts");
    // At the limit (read on a thread with a large stack), and far beyond it (refused).
    for depth in [
        driftlint::source::drizzle_ts::MAX_NESTING - 1,
        scaled(100_000, 10),
    ] {
        for nested in [
            format!("{}1{}", "(".repeat(depth), ")".repeat(depth)),
            format!("{}1{}", "f(".repeat(depth), ")".repeat(depth)),
            format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ] {
            std::fs::write(
            &path,
            format!("import {{ pgTable, integer }} from 'drizzle-orm/pg-core';\nexport const x = {nested};\nexport const t = pgTable('t', {{ id: integer('id').primaryKey() }});\n"),
        )
        .unwrap();
            // Either read (the table found) or a clear error; never a stack overflow.
            match drizzle::load(&path, 0) {
                Ok(loaded) => assert_eq!(loaded.schema.tables.len(), 1),
                Err(e) => assert!(e.to_string().contains("nest more than"), "{e}"),
            }
        }
    }
}

#[test]
fn three_hundred_thousand_unnamed_indexes_on_one_table() {
    // Each needs a generated name (t_a_idx, t_a_idx1, …): the search for a free suffix must
    // not start from 0 every time, nor may the per-table bookkeeping or the index rules scan
    // every index of the table for each new one.
    let n = scaled(300_000, 100);
    let mut sql = String::from("CREATE TABLE t (a int, b int);\n");
    for _ in 0..n {
        sql.push_str("CREATE INDEX ON t (a);\n");
    }
    let run = timed(
        "300,000 unnamed indexes on one table",
        // The whole command (rendering 300,000 findings included) takes 3.6 s on two idle cores
        // and about 7 s on a loaded machine; the limit is three times that. Quadratic naming
        // took over 200 s.
        Duration::from_secs(20),
        || check_sql("indexes.sql", &sql),
    );
    assert_eq!(run.schema.indexes.len(), n);
    let last = format!("t_a_idx{}", n - 1);
    assert!(
        run.schema.indexes.keys().any(|q| q.name == last),
        "no {last}"
    );
    // Every index but the first duplicates it.
    let duplicates = run
        .findings
        .iter()
        .filter(|f| f.rule == "duplicate-index")
        .count();
    assert_eq!(duplicates, n - 1);
}

#[test]
fn fifty_thousand_partitions_of_one_table() {
    let n = scaled(50_000, 50);
    let mut sql = String::from(
        "CREATE TABLE p (id int, k int, PRIMARY KEY (id, k)) PARTITION BY LIST (k);\n\
         CREATE INDEX ON p (id);\n",
    );
    for i in 0..n {
        sql.push_str(&format!(
            "CREATE TABLE p_{i} PARTITION OF p FOR VALUES IN ({i});\n"
        ));
    }
    let run = timed("50,000 partitions", Duration::from_secs(30), || {
        check_sql("partitions.sql", &sql)
    });
    assert_eq!(run.schema.tables.len(), n + 1);
    // Each partition has copies of the primary key's index and of the index on id.
    assert_eq!(run.schema.indexes.len(), 2 * (n + 1));
}
