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
    let options = CheckOptions {
        paths: if args.paths.is_empty() {
            config.paths.clone()
        } else {
            args.paths
        },
        layout: args.layout.or(config.layout),
    };
    let reference = match (&args.drizzle, &args.prisma) {
        (Some(path), _) => Some(Reference::Drizzle(path.clone())),
        (None, Some(path)) => Some(Reference::Prisma {
            path: path.clone(),
            major: args.prisma_version.or(config.prisma_version),
        }),
        (None, None) => None,
    };
    let mut run = match config.database_url(args.database.clone()) {
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
    if let Some(rev) = &args.changed_since {
        Changed::since(rev, &changed::repository_dir(&options.paths))?
            .filter(&mut run.findings, &run.files);
    }
    let summary = Summary::new(&run.findings, run.files.len(), run.statements);
    let text = render(args.format, &run.findings, &run.files, &summary);
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
