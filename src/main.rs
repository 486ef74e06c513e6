//! The `driftlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Exit codes: 0 — nothing at or above `--fail-on`; 1 — findings at or above it;
//! 2 — a usage, I/O or configuration error, or an internal error (a bug, see
//! [`driftlint::check::InternalError`]).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use driftlint::baseline::Baseline;
use driftlint::changed::{self, Changed};
use driftlint::check::SourceFile;
use driftlint::check::{CheckOptions, check};
use driftlint::cli::{Cli, Command, FailOn, Format, RulesFormat};
use driftlint::config::{self, Config, ConfigError};
use driftlint::finding::Finding;
use driftlint::report::{self, Summary};
use driftlint::rules;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema { paths, layout } => match check(&CheckOptions { paths, layout }, None) {
            Ok(run) => print(&driftlint::report::schema::render(&run.schema)),
            Err(e) => {
                eprintln!("driftlint: {e}");
                ExitCode::from(2)
            }
        },
        Command::Rules { format } => {
            let mut out = String::new();
            match format {
                RulesFormat::Human => {
                    for r in rules::ALL {
                        out.push_str(&format!(
                            "{:<28} {:<8} {}\n",
                            r.id,
                            r.severity.as_str(),
                            r.summary
                        ));
                    }
                }
                RulesFormat::Json => {
                    let list: Vec<serde_json::Value> = rules::ALL
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id,
                                "severity": r.severity,
                                "summary": r.summary,
                                "url": report::rule_url(r.id),
                            })
                        })
                        .collect();
                    out = serde_json::to_string_pretty(&list).unwrap_or_default();
                    out.push('\n');
                }
            }
            print(&out)
        }
        Command::Explain { rule } => match rules::by_id(&rule) {
            Some(r) => print(r.doc),
            None => {
                eprintln!("driftlint: unknown rule `{rule}`; `driftlint rules` lists them");
                ExitCode::from(2)
            }
        },
        Command::Diff(args) => diff(args),
        Command::Audit(args) => audit(args),
        Command::Check(args) => {
            let config = match load_config(args.config.as_deref()) {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("driftlint: {e}");
                    return ExitCode::from(2);
                }
            };
            let options = CheckOptions {
                paths: if args.paths.is_empty() {
                    config.paths.clone()
                } else {
                    args.paths
                },
                layout: args.layout.or(config.layout),
            };
            let database = args.database.clone().or_else(|| {
                config
                    .database_url_env
                    .as_deref()
                    .and_then(|var| std::env::var(var).ok())
                    .filter(|v| !v.trim().is_empty())
            });
            let result = match &database {
                Some(_) if args.drizzle.is_some() => {
                    eprintln!(
                        "driftlint: --database and --drizzle cannot be combined: the database is already the reference"
                    );
                    return ExitCode::from(2);
                }
                Some(target) => driftlint::live::check_with_database(
                    &options,
                    &args.session.options(target),
                    &config.exclude,
                )
                .map(|(run, pending)| {
                    report_pending(&pending);
                    run
                })
                .map_err(|e| e.to_string()),
                None => driftlint::drift::check_with_reference(
                    &options,
                    args.drizzle.as_deref(),
                    &config.exclude,
                )
                .map_err(|e| e.to_string()),
            };
            let mut run = match result {
                Ok(run) => run,
                Err(e) => {
                    eprintln!("driftlint: {e}");
                    return ExitCode::from(2);
                }
            };
            config.apply(&mut run.findings);
            if let Some(path) = &args.write_baseline {
                return match Baseline::of(&run.findings, &run.files).save(path) {
                    Ok(()) => {
                        eprintln!(
                            "driftlint: recorded {} finding(s) in {}",
                            run.findings.len(),
                            path.display()
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("driftlint: cannot write the baseline: {e}");
                        ExitCode::from(2)
                    }
                };
            }
            if let Some(path) = &args.baseline {
                match Baseline::load(path) {
                    Ok(baseline) => baseline.filter(&mut run.findings, &run.files),
                    Err(e) => {
                        eprintln!("driftlint: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            if let Some(rev) = &args.changed_since {
                match Changed::since(rev, &changed::repository_dir(&options.paths)) {
                    Ok(changed) => changed.filter(&mut run.findings, &run.files),
                    Err(e) => {
                        eprintln!("driftlint: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            let summary = Summary::new(&run.findings, run.files.len(), run.statements);
            let text = render(args.format, &run.findings, &run.files, &summary);
            finish(&text, &run.findings, args.fail_on)
        }
    }
}

/// `driftlint diff A B`: exit 1 when drift at or above `--fail-on` is found.
fn diff(args: driftlint::cli::DiffArgs) -> ExitCode {
    use driftlint::drift::{SideSpec, run_diff};
    use driftlint::report::human::render_diff;
    let sides = SideSpec::parse(&args.a).and_then(|a| Ok((a, SideSpec::parse(&args.b)?)));
    let (mut a, mut b) = match sides {
        Ok(s) => s,
        Err(e) => {
            eprintln!("driftlint: {e}");
            return ExitCode::from(2);
        }
    };
    for side in [&mut a, &mut b] {
        if let SideSpec::Database(o) = side {
            *o = args.session.options(&o.target);
        }
    }
    let config = match load_config(None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("driftlint: {e}");
            return ExitCode::from(2);
        }
    };
    let mut run = match run_diff(&a, &b, args.layout.or(config.layout), &config.exclude) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("driftlint: {e}");
            return ExitCode::from(2);
        }
    };
    config.apply(&mut run.findings);
    let text = match args.format {
        Format::Human => render_diff(&run, human_style()),
        _ => {
            let summary = Summary::new(&run.findings, run.files.len(), run.statements);
            report::json::render(&run.findings, &run.files, &summary)
        }
    };
    finish(&text, &run.findings, args.fail_on)
}

/// What `check --database` replayed and skipped, on stderr.
fn report_pending(p: &driftlint::live::Pending) {
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

/// `driftlint audit`: every schema rule on a live database; exit codes as `check`.
fn audit(args: driftlint::cli::AuditArgs) -> ExitCode {
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("driftlint: {e}");
            return ExitCode::from(2);
        }
    };
    let target = args.database.clone().or_else(|| {
        config
            .database_url_env
            .as_deref()
            .and_then(|var| std::env::var(var).ok())
            .filter(|v| !v.trim().is_empty())
    });
    let Some(target) = target else {
        eprintln!(
            "driftlint: no database given: pass --database postgresql://user@host/db or set DATABASE_URL"
        );
        return ExitCode::from(2);
    };
    let mut run = match driftlint::live::audit(&args.session.options(&target)) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("driftlint: {e}");
            return ExitCode::from(2);
        }
    };
    if args.verbose {
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
    config.apply(&mut run.findings);
    let files: Vec<driftlint::check::SourceFile> = Vec::new();
    let summary = Summary::new(&run.findings, 0, 0);
    let text = render(args.format, &run.findings, &files, &summary);
    finish(&text, &run.findings, args.fail_on)
}

/// The configuration given with `--config`, else `driftlint.toml` in the current directory or
/// its nearest parent that has one, else the defaults.
fn load_config(given: Option<&std::path::Path>) -> Result<Config, ConfigError> {
    if let Some(path) = given {
        return config::load(path);
    }
    let found = std::env::current_dir()
        .ok()
        .and_then(|cwd| config::find(&cwd));
    match found {
        Some(path) => config::load(&path),
        None => Ok(Config::default()),
    }
}

/// Renders findings in one of the formats `check` and `audit` share.
fn render(format: Format, findings: &[Finding], files: &[SourceFile], summary: &Summary) -> String {
    match format {
        Format::Json => report::json::render(findings, files, summary),
        Format::Sarif => report::sarif::render(findings, files),
        Format::Github => report::github::render(findings, files, summary),
        Format::Gcc => report::gcc::render(findings, files),
        Format::Human => report::human::render(findings, files, summary, human_style()),
    }
}

/// Colour only on a terminal and without `NO_COLOR`; width from `COLUMNS`.
fn human_style() -> report::human::Style {
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    report::human::Style {
        color,
        width: terminal_width(),
    }
}

/// Prints the report and maps the findings to the exit code: 1 when one is at or above
/// `--fail-on`.
fn finish(text: &str, findings: &[Finding], fail_on: FailOn) -> ExitCode {
    let code = print(text);
    if code != ExitCode::SUCCESS {
        return code;
    }
    if findings.iter().any(|f| f.severity >= fail_on.severity()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes to stdout; a closed pipe (`driftlint … | head`) is not an error worth a panic.
fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("driftlint: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}
