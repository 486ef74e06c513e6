//! `driftlint audit`: every schema rule on a live database.

use super::output::{finish, render_titled};
use super::{Error, ExitStatus, load_config};
use crate::cli::AuditArgs;
use crate::live::{Audit, AuditOptions};
use crate::report::Summary;
use crate::source::file::SourceFile;

/// Introspects the database and reports its findings; exit statuses as `check`.
pub fn run(args: AuditArgs) -> Result<ExitStatus, Error> {
    let config = load_config(args.config.as_deref())?;
    let mut hosts = args.database.iter();
    let target = config
        .database_url(hosts.next().cloned())
        .ok_or(Error::NoDatabase)?;
    // Replicas: the extra --database values, else the configuration's list.
    let replicas: Vec<&String> = if args.database.len() > 1 {
        hosts.collect()
    } else {
        config.replicas.iter().collect()
    };
    let options = AuditOptions {
        primary: args.session.options(&target),
        replicas: replicas
            .into_iter()
            .map(|r| args.session.options(r))
            .collect(),
        min_stats_age: args.min_stats_age,
        single_connection: args.single_connection,
    };
    let mut run = crate::live::audit_hosts(&options)?;
    if args.verbose {
        report_verbose(&run);
    }
    config.apply(&mut run.findings);
    let files: Vec<SourceFile> = Vec::new();
    let summary = Summary::new(&run.findings, 0, 0);
    let text = crate::timings::time("render", || {
        render_titled(
            args.format,
            "driftlint audit",
            &run.findings,
            &files,
            &summary,
            None,
        )
    });
    let status = finish(&text, &run.findings, args.fail_on);
    // The process ends next: the model is not freed piece by piece (3 % of an audit of a
    // 1,400-table database), as in `check`.
    std::mem::forget(run);
    status
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
        match run.schema.live.as_ref() {
            Some(live) => format!(
                "{} ({}, on {} host{})",
                live.stats_since.as_deref().unwrap_or("?"),
                live.stats_since_cause,
                live.hosts.len(),
                if live.hosts.len() == 1 { "" } else { "s" }
            ),
            None => run
                .stats_reset
                .clone()
                .unwrap_or_else(|| "the server started (never reset)".to_string()),
        }
    );
}
