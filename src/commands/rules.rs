//! `driftlint rules`: list the rules with their default severity.

use super::output::print;
use super::{Error, ExitStatus};
use crate::cli::RulesFormat;
use crate::{report, rules};

/// Prints every rule as a table or as a JSON array of `{id, severity, summary, url}`.
pub fn run(format: RulesFormat) -> Result<ExitStatus, Error> {
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
