//! `driftlint audit`: every schema rule on a live database.

use super::output::{finish, render};
use super::{Error, ExitStatus, load_config};
use crate::cli::AuditArgs;
use crate::live::Audit;
use crate::report::Summary;
use crate::source::file::SourceFile;

/// Introspects the database and reports its findings; exit statuses as `check`.
pub fn run(args: AuditArgs) -> Result<ExitStatus, Error> {
    let config = load_config(args.config.as_deref())?;
    let target = config
        .database_url(args.database.clone())
        .ok_or(Error::NoDatabase)?;
    let mut run = crate::live::audit(&args.session.options(&target))?;
    if args.verbose {
        report_verbose(&run);
    }
    config.apply(&mut run.findings);
    let files: Vec<SourceFile> = Vec::new();
    let summary = Summary::new(&run.findings, 0, 0);
    let text = crate::timings::time("render", || {
        render(args.format, &run.findings, &files, &summary)
    });
    finish(&text, &run.findings, args.fail_on)
}

/// `--verbose`: the server, what it holds and what reading it cost, on stderr.
fn report_verbose(run: &Audit) {
    let counts = run.schema.counts();
    eprintln!(
        "driftlint: {} (PostgreSQL {}): {} tables, {} indexes, {} foreign keys; {} queries in {} ms; index statistics since {}",
        run.target,
        run.server_version,
        counts.tables,
        counts.indexes,
        counts.foreign_keys,
        run.queries,
        run.elapsed.as_millis(),
        run.stats_reset
            .as_deref()
            .unwrap_or("the server started (never reset)")
    );
}
