//! The `driftlint` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Exit codes: 0 — nothing at or above `--fail-on`; 1 — findings at or above it;
//! 2 — a usage, I/O or configuration error.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use driftlint::check::{CheckOptions, check};
use driftlint::cli::{Cli, Command, FailOn, Format};
use driftlint::finding::Severity;
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
        Command::Rules => {
            let mut out = String::new();
            for r in rules::ALL {
                out.push_str(&format!(
                    "{:<28} {:<8} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.summary
                ));
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
        Command::Check(args) => {
            let options = CheckOptions {
                paths: args.paths,
                layout: args.layout,
            };
            let run = match check(&options, None) {
                Ok(run) => run,
                Err(e) => {
                    eprintln!("driftlint: {e}");
                    return ExitCode::from(2);
                }
            };
            let summary = Summary::new(&run.findings, run.files.len(), run.statements);
            let text = match args.format {
                Format::Json => report::json::render(&run.findings, &run.files, &summary),
                Format::Human => {
                    let stdout = std::io::stdout();
                    let color = stdout.is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                    let width = terminal_width();
                    report::human::render(
                        &run.findings,
                        &run.files,
                        &summary,
                        report::human::Style { color, width },
                    )
                }
            };
            let threshold = match args.fail_on {
                FailOn::Error => Severity::Error,
                FailOn::Warning => Severity::Warning,
                FailOn::Info => Severity::Info,
            };
            let failed = run.findings.iter().any(|f| f.severity >= threshold);
            let code = print(&text);
            if code != ExitCode::SUCCESS {
                return code;
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
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
