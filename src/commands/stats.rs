//! `driftlint stats`: write the live database's table sizes and column statistics.

use super::{Error, ExitStatus};
use crate::cli::StatsArgs;
use crate::source::database::Database;

/// Reads the statistics in a read-only transaction and writes them as JSON.
pub fn run(args: StatsArgs) -> Result<ExitStatus, Error> {
    let target = args.database.ok_or(Error::NoDatabase)?;
    let mut db = Database::connect(&args.session.options(&target))?;
    let stats = db.stats()?;
    db.close();
    let mut text = serde_json::to_string_pretty(&stats).expect("statistics serialise");
    text.push('\n');
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(Error::Output)?;
            eprintln!(
                "driftlint: wrote the sizes of {} table(s) to {}",
                stats.tables.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitStatus::Clean)
}
