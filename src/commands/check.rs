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
    };
    let reference = match (&args.drizzle, &args.prisma) {
        (Some(path), _) => Some(Reference::Drizzle(path.clone())),
        (None, Some(path)) => Some(Reference::Prisma {
            path: path.clone(),
            major: args.prisma_version.or(config.prisma_version),
        }),
        (None, None) => None,
    };
    let database = config.database_url(args.database.clone());
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
            run
        }
        None => crate::drift::check_with_reference(&options, reference.as_ref(), &config.exclude)?,
    };
    let stats = match (args.stats.as_ref().or(config.stats.as_ref()), &database) {
        (Some(path), _) => Some(crate::source::database::stats::Stats::load(path)?),
        // Against a database its own sizes are the best there are.
        (None, Some(target)) => {
            let mut db = crate::source::database::Database::connect(&args.session.options(target))?;
            let stats = db.stats()?;
            db.close();
            Some(stats)
        }
        (None, None) => None,
    };
    crate::rules::sized::apply(&mut run.findings, stats.as_ref());
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
    finish(&text, &run.findings, args.fail_on)
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
