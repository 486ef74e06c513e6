//! Benchmarks of `driftlint check` on large synthetic migration histories (see `synth`).
//!
//! Run them (release build; about three minutes on two cores):
//!
//! ```text
//! cargo bench --bench check
//! cargo bench --bench check -- check/        # only the end-to-end runs
//! ```
//!
//! Groups, each at scale 1 and 4 (1,400 and 5,600 tables; 3 and 12 MB of SQL):
//! - `check`: the whole of `driftlint::check::check` on the folder (discovery, read, split,
//!   parse, replay, rules), files written once outside the timed loop;
//! - `split`: the splitter alone over every file;
//! - `parse`: classification and libpg_query parsing, in parallel batches as `check` does;
//! - `replay`: replay alone, of statements parsed once beforehand;
//! - `rules`: `rules::run` on the replayed schema and its events.
//!
//! Under `cargo test` (debug build) every benchmark runs once, on a tiny history.
//!
//! To write a history for measuring the release binary (`/usr/bin/time -v`), without running
//! any benchmark:
//!
//! ```text
//! DRIFTLINT_SYNTH_OUT=/tmp/synth4 DRIFTLINT_SYNTH_SCALE=4 cargo bench --bench check -- --list
//! ./target/release/driftlint check /tmp/synth4
//! ```
//!
//! The folder must not exist or be empty; it receives a Prisma migrations folder.

mod synth;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use driftlint::check::{CheckOptions, check, replay_text};
use driftlint::rules::{self, RuleInput};
use driftlint::schema::replay::{Replay, Stmt};
use driftlint::sql::parse::{self, StatementClass};
use driftlint::sql::split::{self, RawKind};

use synth::{History, Size};

/// The binary's allocator (see `src/main.rs`), so that what is timed is what the binary runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The sizes benchmarked: scale 1 and 4 in a release build, a tiny one under `cargo test`.
fn sizes() -> Vec<(String, Size)> {
    if cfg!(debug_assertions) {
        vec![("tiny".into(), Size::tiny())]
    } else {
        vec![("x1".into(), Size::scale(1)), ("x4".into(), Size::scale(4))]
    }
}

/// A generated history, in memory and on disk.
struct Fixture {
    label: String,
    history: History,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(label: String, size: Size) -> Fixture {
        let history = synth::generate(size);
        let dir = tempfile::tempdir().expect("temp dir");
        history.write(dir.path()).expect("write history");
        Fixture {
            label,
            history,
            dir,
        }
    }

    fn throughput(&self) -> Throughput {
        Throughput::Bytes(self.history.bytes() as u64)
    }

    fn texts(&self) -> impl Iterator<Item = &str> {
        self.history.migrations.iter().map(|m| m.sql.as_str())
    }
}

type Parsed = (
    StatementClass,
    Option<Result<Vec<pg_query::protobuf::Node>, parse::SyntaxError>>,
);

/// Classifies and parses one file's statements as `check` does (parallel batches of 256).
fn parse_file(text: &str, raws: &[split::RawStatement]) -> Vec<Parsed> {
    use rayon::prelude::*;
    let mut out = Vec::with_capacity(raws.len());
    for batch in raws.chunks(256) {
        out.par_extend(batch.par_iter().map(|raw| {
            let stmt = &text[raw.span.clone()];
            let class = if raw.kind == RawKind::CopyFromStdin {
                StatementClass::Data
            } else {
                parse::classify(stmt)
            };
            let tree = (class == StatementClass::Schema).then(|| parse::parse(stmt));
            (class, tree)
        }));
    }
    out
}

/// Replays parsed statements of one file.
fn replay_file(
    replay: &mut Replay<'_>,
    file: u32,
    text: &str,
    raws: &[split::RawStatement],
    parsed: &[Parsed],
) {
    replay.reset_session();
    for (raw, (class, tree)) in raws.iter().zip(parsed) {
        let stmt = Stmt {
            file,
            offset: raw.span.start,
            text: &text[raw.span.clone()],
        };
        match (class, tree) {
            (StatementClass::Data, _) => replay.data_load(stmt),
            (_, Some(Ok(nodes))) => {
                for node in nodes {
                    replay.apply(node, stmt);
                }
            }
            _ => {}
        }
    }
}

fn configure<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    g
}

fn benches(c: &mut Criterion, fixtures: &[Fixture]) {
    let mut g = configure(c, "check");
    for f in fixtures {
        g.throughput(f.throughput());
        let options = CheckOptions {
            paths: vec![f.dir.path().to_path_buf()],
            layout: None,
            ..Default::default()
        };
        g.bench_function(BenchmarkId::from_parameter(&f.label), |b| {
            b.iter(|| check(black_box(&options), None).expect("check"))
        });
    }
    g.finish();

    let mut g = configure(c, "split");
    for f in fixtures {
        g.throughput(f.throughput());
        g.bench_function(BenchmarkId::from_parameter(&f.label), |b| {
            b.iter(|| {
                f.texts()
                    .map(|t| split::split(black_box(t)).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    let mut g = configure(c, "parse");
    for f in fixtures {
        g.throughput(f.throughput());
        let raws: Vec<_> = f.texts().map(split::split).collect();
        g.bench_function(BenchmarkId::from_parameter(&f.label), |b| {
            b.iter(|| {
                f.texts()
                    .zip(&raws)
                    .map(|(t, r)| parse_file(black_box(t), r).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    let mut g = configure(c, "replay");
    for f in fixtures {
        g.throughput(f.throughput());
        let raws: Vec<_> = f.texts().map(split::split).collect();
        let parsed: Vec<_> = f
            .texts()
            .zip(&raws)
            .map(|(t, r)| parse_file(t, r))
            .collect();
        g.bench_function(BenchmarkId::from_parameter(&f.label), |b| {
            b.iter(|| {
                let mut replay = Replay::new(None);
                for (i, ((t, r), p)) in f.texts().zip(&raws).zip(&parsed).enumerate() {
                    replay_file(&mut replay, i as u32, t, r, p);
                }
                replay
            })
        });
    }
    g.finish();

    let mut g = configure(c, "rules");
    for f in fixtures {
        g.throughput(f.throughput());
        let mut replay = Replay::new(None);
        let mut unparsed = Vec::new();
        for (i, t) in f.texts().enumerate() {
            replay.reset_session();
            replay_text(t, 0, i as u32, &mut replay, &mut unparsed);
        }
        let input = RuleInput::new(&replay.schema, &replay.events, &unparsed);
        g.bench_function(BenchmarkId::from_parameter(&f.label), |b| {
            b.iter(|| rules::run(black_box(&input)))
        });
    }
    g.finish();
}

/// `DRIFTLINT_SYNTH_OUT=DIR [DRIFTLINT_SYNTH_SCALE=K]`: writes a history and exits.
fn write_history(out: &Path) {
    let scale = std::env::var("DRIFTLINT_SYNTH_SCALE").unwrap_or_else(|_| "1".into());
    let size = match scale.as_str() {
        "tiny" => Size::tiny(),
        k => Size::scale(k.parse().unwrap_or_else(|_| {
            eprintln!("DRIFTLINT_SYNTH_SCALE must be a positive integer or `tiny`, not `{k}`");
            std::process::exit(2)
        })),
    };
    if out.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        eprintln!("{} is not empty; give a new or empty folder", out.display());
        std::process::exit(2);
    }
    let history = synth::generate(size);
    if let Err(e) = history.write(out) {
        eprintln!("cannot write {}: {e}", out.display());
        std::process::exit(2);
    }
    eprintln!(
        "wrote {} migrations, {} bytes of SQL ({} tables) to {}",
        history.migrations.len(),
        history.bytes(),
        size.tables,
        out.display()
    );
}

fn main() {
    if let Some(out) = std::env::var_os("DRIFTLINT_SYNTH_OUT") {
        write_history(Path::new(&out));
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let fixtures: Vec<Fixture> = sizes()
        .into_iter()
        .map(|(label, size)| Fixture::new(label, size))
        .collect();
    benches(&mut c, &fixtures);
    c.final_summary();
}
