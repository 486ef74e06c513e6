//! Growth of `check` with the size of adversarial shapes of input: each shape at 1×, 4× and
//! 16×, then a table of the fastest of five times and their growth (linear means ×4 per step).
//!
//! ```text
//! cargo bench --bench shapes                 # all shapes, about two minutes on two cores
//! cargo bench --bench shapes -- partitions   # one shape
//! ```
//!
//! Shapes (1× sizes): 2,000 unnamed `CREATE INDEX ON t (a)` on one table; 1,000 tables with
//! one foreign key each to one table; 2,000 `ADD COLUMN` + `RENAME COLUMN` pairs on one
//! table; a chain of 2,000 table renames, each followed by a column rename; 3,125 partitions
//! of one table (50,000 at 16×); an inheritance chain 1,000 deep; 2,000 enum labels added (40 to a
//! type), then 2,000 statements using string literals (each searched for every label added
//! before); 500 functions and 500 renames of a column their bodies name; 1,000 tables with a
//! view each, then a column rename and drop on each table.
//!
//! Under `cargo test` (debug build) every shape runs once at a tiny size.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use driftlint::check::check_sql;

/// The binary's allocator (see `src/main.rs`), so that what is timed is what the binary runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A shape: its name, its 1× size, and the SQL of size `n`.
struct Shape {
    name: &'static str,
    base: usize,
    sql: fn(usize) -> String,
}

fn indexes(n: usize) -> String {
    let mut s = String::from("CREATE TABLE t (a int, b int);\n");
    for _ in 0..n {
        s.push_str("CREATE INDEX ON t (a);\n");
    }
    s
}

fn foreign_keys(n: usize) -> String {
    let mut s = String::from("CREATE TABLE p (id int PRIMARY KEY);\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "CREATE TABLE c{i} (id int PRIMARY KEY, p_id int REFERENCES p);"
        );
    }
    s
}

fn alters(n: usize) -> String {
    let mut s = String::from("CREATE TABLE t (id int PRIMARY KEY);\n");
    for i in 0..n {
        let _ = writeln!(s, "ALTER TABLE t ADD COLUMN c{i} int;");
        let _ = writeln!(s, "ALTER TABLE t RENAME COLUMN c{i} TO d{i};");
    }
    s
}

fn renames(n: usize) -> String {
    let mut s =
        String::from("CREATE TABLE t0 (id int PRIMARY KEY, a0 int);\nCREATE INDEX ON t0 (a0);\n");
    for i in 0..n {
        let _ = writeln!(s, "ALTER TABLE t{i} RENAME TO t{};", i + 1);
        let _ = writeln!(
            s,
            "ALTER TABLE t{} RENAME COLUMN a{i} TO a{};",
            i + 1,
            i + 1
        );
    }
    s
}

fn partitions(n: usize) -> String {
    let mut s = String::from(
        "CREATE TABLE p (id int, k int, PRIMARY KEY (id, k)) PARTITION BY LIST (k);\n\
         CREATE INDEX ON p (id);\n",
    );
    for i in 0..n {
        let _ = writeln!(s, "CREATE TABLE p_{i} PARTITION OF p FOR VALUES IN ({i});");
    }
    s
}

fn inheritance(n: usize) -> String {
    let mut s = String::from("CREATE TABLE t0 (id int, a int);\n");
    for i in 0..n {
        let _ = writeln!(s, "CREATE TABLE t{} () INHERITS (t{i});", i + 1);
    }
    s
}

/// Labels go to types of 40 labels each (a type's labels are a list, as real enums hold tens);
/// every statement is searched for every label added before it, of any type.
fn enum_labels(n: usize) -> String {
    let mut s = String::from("CREATE TABLE t (v text);\n");
    for i in 0..n {
        if i % 40 == 0 {
            let _ = writeln!(s, "CREATE TYPE e{} AS ENUM ('a');", i / 40);
        }
        let _ = writeln!(s, "ALTER TYPE e{} ADD VALUE 'v{i}';", i / 40);
    }
    for i in 0..n {
        let _ = writeln!(s, "INSERT INTO t VALUES ('v{i}'), ('w{i}');");
    }
    s
}

/// Trigger functions, then renames of the column only the first is about.
fn functions(n: usize) -> String {
    let mut s = String::from("CREATE TABLE t (id int PRIMARY KEY, a0 int);\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "CREATE FUNCTION f{i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE u SET x = NEW.a0 WHERE id = {i}; RETURN NEW; END $$;"
        );
    }
    for i in 0..n {
        let _ = writeln!(s, "ALTER TABLE t RENAME COLUMN a{i} TO a{};", i + 1);
    }
    s
}

/// Tables with a view each, then a column rename and a column drop on every table.
fn views(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "CREATE TABLE t{i} (id int PRIMARY KEY, a int, b int);");
        let _ = writeln!(s, "CREATE VIEW v{i} AS SELECT id, a FROM t{i};");
    }
    for i in 0..n {
        let _ = writeln!(s, "ALTER TABLE t{i} RENAME COLUMN a TO c;");
        let _ = writeln!(s, "ALTER TABLE t{i} DROP COLUMN b;");
    }
    s
}

const SHAPES: [Shape; 9] = [
    Shape {
        name: "indexes",
        base: 2000,
        sql: indexes,
    },
    Shape {
        name: "foreign-keys",
        base: 1000,
        sql: foreign_keys,
    },
    Shape {
        name: "alters",
        base: 2000,
        sql: alters,
    },
    Shape {
        name: "renames",
        base: 2000,
        sql: renames,
    },
    Shape {
        name: "partitions",
        base: 3125,
        sql: partitions,
    },
    Shape {
        name: "inheritance",
        base: 1000,
        sql: inheritance,
    },
    Shape {
        name: "enum-labels",
        base: 2000,
        sql: enum_labels,
    },
    Shape {
        name: "functions",
        base: 500,
        sql: functions,
    },
    Shape {
        name: "views",
        base: 1000,
        sql: views,
    },
];

/// The scales benchmarked: 1×, 4× and 16× in a release build, a tiny one under `cargo test`.
fn scales() -> &'static [usize] {
    if cfg!(debug_assertions) {
        &[1]
    } else {
        &[1, 4, 16]
    }
}

/// The fastest of five timed runs, for the growth table: on a shared machine other work only
/// ever adds time, so the minimum is the steadiest estimate of the run's own cost (a median of
/// three moved by ±20 % under load).
fn fastest_of_five(sql: &str) -> Duration {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            let run = black_box(check_sql("shape.sql", sql));
            let took = started.elapsed();
            // Freed untimed: the binary does not free the model before it exits.
            drop(run);
            took
        })
        .min()
        .expect("five runs")
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1))
        .configure_from_args();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut table = String::from("shape          1×          4×         16×   4×/1×  16×/4×\n");
    for shape in &SHAPES {
        if filter.as_deref().is_some_and(|f| !shape.name.contains(f)) {
            continue;
        }
        let mut g = c.benchmark_group(format!("shapes/{}", shape.name));
        let mut fastest = Vec::new();
        for &k in scales() {
            let n = if cfg!(debug_assertions) {
                shape.base / 100
            } else {
                shape.base * k
            };
            let sql = (shape.sql)(n);
            g.bench_with_input(
                BenchmarkId::from_parameter(format!("x{k}")),
                &sql,
                |b, sql| b.iter(|| black_box(check_sql("shape.sql", sql))),
            );
            fastest.push(fastest_of_five(&sql));
        }
        g.finish();
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let _ = write!(table, "{:<12}", shape.name);
        for m in &fastest {
            let _ = write!(table, " {:>8.1}ms", ms(m));
        }
        for pair in fastest.windows(2) {
            let _ = write!(table, " {:>6.2}", ms(&pair[1]) / ms(&pair[0]).max(1e-6));
        }
        table.push('\n');
    }
    c.final_summary();
    eprintln!("\nfastest of five runs; linear growth is ×4 per step\n{table}");
}
