//! `driftlint diff A B`: compare two schemas object by object.

use super::output::{finish, human_style, render_titled};
use super::{Error, ExitStatus, load_config};
use crate::cli::{DiffArgs, Format};
use crate::drift::{SideSpec, run_diff};
use crate::report::Summary;
use crate::report::human::render_diff;

/// Reports the drift between the two sides; [`ExitStatus::Findings`] when drift at or above
/// `--fail-on` is found.
pub fn run(args: DiffArgs) -> Result<ExitStatus, Error> {
    let mut a = SideSpec::parse(&args.a);
    let mut b = SideSpec::parse(&args.b);
    for side in [&mut a, &mut b] {
        match side {
            SideSpec::Database(o) => *o = args.session.options(&o.target),
            SideSpec::Prisma { major, .. } => *major = args.prisma_version,
            _ => {}
        }
    }
    let config = load_config(None)?;
    for side in [&mut a, &mut b] {
        if let SideSpec::Prisma {
            major: major @ None,
            ..
        } = side
        {
            *major = config.prisma_version;
        }
    }
    let mut run = run_diff(&a, &b, args.layout.or(config.layout), &config.exclude)?;
    config.apply(&mut run.findings);
    let text = crate::timings::time("render", || match args.format {
        Format::Human => render_diff(&run, human_style()),
        format => {
            let summary = Summary::new(&run.findings, run.files.len(), run.statements);
            // HTML and Markdown reports end with the unified DDL diff.
            let diff = matches!(format, Format::Html | Format::Markdown)
                .then(|| run.drift.unified_diff(&run.labels.0, &run.labels.1));
            render_titled(
                format,
                "driftlint diff",
                &run.findings,
                &run.files,
                &summary,
                diff.as_deref(),
            )
        }
    });
    finish(&text, &run.findings, args.fail_on)
}
