//! `driftlint check`: lint migration files, optionally against a Drizzle or Prisma schema or on top of a
//! live database.

use super::output::{finish, render};
use super::{Error, ExitStatus, load_config};
use crate::baseline::Baseline;
use crate::changed::{self, Changed};
use crate::check::CheckOptions;
use crate::cli::CheckArgs;
use crate::drift::Reference;
use crate::live::Pending;
use crate::report::Summary;
use crate::schema::pg_version::PgVersion;

/// Checks the migrations and reports the findings left after the configuration, the baseline
/// and `--changed-since`; with `--write-baseline`, records them instead.
pub fn run(args: CheckArgs) -> Result<ExitStatus, Error> {
    let config = load_config(args.config.as_deref())?;
    let paths = if args.paths.is_empty() {
        config.paths.clone()
    } else {
        args.paths
    };
    let changed = match &args.changed_since {
        Some(rev) => Some(Changed::since(rev, &changed::repository_dir(&paths))?),
        None => None,
    };
    let mut runner = config.runner.clone();
    // The migrations changed on the branch are the ones deployed together: drizzle-kit (and
    // Flyway `group`, Atlas `--tx-mode all`) runs them in one transaction.
    runner.pending = changed.as_ref().map(|c| c.paths().clone());
    let options = CheckOptions {
        paths,
        layout: args.layout.or(config.layout),
        runner,
        target: args.target_version.or(config.target_version),
    };
    let given = options.target;
    let stats_file = match args.stats.as_ref().or(config.stats.as_ref()) {
        Some(path) => Some(crate::source::database::stats::Stats::load(path)?),
        None => None,
    };
    let database = config.database_url(args.database.clone());
    // Without a setting or a database, the release the statistics were read from.
    let options = match (&stats_file, &database) {
        (Some(s), None) => {
            let found = PgVersion::from_server_version_num(s.server_version_num);
            note_version(given, found, "the statistics file's database");
            CheckOptions {
                target: given.or(found),
                ..options
            }
        }
        _ => options,
    };
    let reference = match (&args.drizzle, &args.prisma) {
        (Some(path), _) => Some(Reference::Drizzle(path.clone())),
        (None, Some(path)) => Some(Reference::Prisma {
            path: path.clone(),
            major: args.prisma_version.or(config.prisma_version),
        }),
        (None, None) => None,
    };
    let mut run = match database.clone() {
        Some(_) if args.drizzle.is_some() => return Err(Error::DatabaseWithDrizzle),
        Some(_) if args.prisma.is_some() => return Err(Error::DatabaseWithPrisma),
        Some(target) => {
            let (run, pending) = crate::live::check_with_database(
                &options,
                &args.session.options(&target),
                &config.exclude,
            )?;
            report_pending(&pending);
            note_version(given, pending.server_version, "the database");
            run
        }
        None => crate::drift::check_with_reference(&options, reference.as_ref(), &config.exclude)?,
    };
    let stats = match (stats_file, &database) {
        (Some(stats), _) => Some(stats),
        // Against a database its own sizes are the best there are.
        (None, Some(target)) => {
            let mut db = crate::source::database::Database::connect(&args.session.options(target))?;
            let stats = db.stats()?;
            db.close();
            Some(stats)
        }
        (None, None) => None,
    };
    crate::rules::sized::apply(&mut run.findings, stats.as_ref(), &config.size);
    config.apply(&mut run.findings);
    if let Some(path) = &args.write_baseline {
        Baseline::of(&run.findings, &run.files)
            .save(path)
            .map_err(Error::WriteBaseline)?;
        eprintln!(
            "driftlint: recorded {} finding(s) in {}",
            run.findings.len(),
            path.display()
        );
        return Ok(ExitStatus::Clean);
    }
    if let Some(path) = &args.baseline {
        Baseline::load(path)?.filter(&mut run.findings, &run.files);
    }
    if let Some(changed) = &changed {
        changed.filter(&mut run.findings, &run.files);
    }
    let summary = Summary::new(&run.findings, run.files.len(), run.statements);
    let text = crate::timings::time("render", || {
        render(args.format, &run.findings, &run.files, &summary)
    });
    let status = finish(&text, &run.findings, args.fail_on);
    // The process ends next: freeing the model and the files piece by piece took 2–3 % of a
    // large check, for memory the exit returns at once.
    std::mem::forget(run);
    status
}

/// What `check --database` replayed and skipped, on stderr.
fn report_pending(p: &Pending) {
    match &p.bookkeeping {
        Some(table) => eprintln!(
            "driftlint: database {}: {} migration(s) already applied according to {table}, skipped{}",
            p.target,
            p.skipped.len(),
            if p.skipped.is_empty() {
                String::new()
            } else {
                format!(": {}", p.skipped.join(", "))
            }
        ),
        None => eprintln!("driftlint: database {}", p.target),
    }
    if let Some(note) = &p.note {
        eprintln!("driftlint: {note}");
    }
}

/// Says so on stderr when the release given (`--target-version`, `[check] target_version`)
/// is not the one `source` runs: the given one is what the migrations are judged for.
fn note_version(given: Option<PgVersion>, found: Option<PgVersion>, source: &str) {
    if let (Some(given), Some(found)) = (given, found)
        && given.major != found.major
    {
        eprintln!(
            "driftlint: judging the migrations for {given} (target_version), but {source} runs {found}"
        );
    }
}
