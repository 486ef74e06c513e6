//! `locked-table` (live): a table whose definitions `audit` could not read because another
//! session held (or waited for) an `ACCESS EXCLUSIVE` lock on it past `--lock-timeout`. The
//! audit goes on without them; this says what was skipped, who holds the lock and why no
//! other finding speaks of the table.

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::Origin;

declare_rule!(
    LOCKED_TABLE,
    "locked-table",
    Info,
    "A table another session locked during the audit; its definitions were not read (live).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(live) = &input.schema.live else { return };
    for s in &live.skipped {
        let by = match (s.pid, &s.mode) {
            (Some(pid), Some(mode)) => format!("pid {pid} ({mode}"),
            (Some(pid), None) => format!("pid {pid} ("),
            _ => "another session (".to_string(),
        };
        let statement = s
            .query
            .as_deref()
            .filter(|q| !q.is_empty())
            .map(|q| format!(", last statement: `{q}`"))
            .unwrap_or_default();
        let what = if s.what.is_empty() {
            "its definitions"
        } else {
            s.what.as_str()
        };
        let message = format!(
            "table `{}` is locked by {by}{statement}); its {what} were not read, and nothing else is reported about it",
            s.table.name
        );
        let help = match s.pid {
            Some(pid) => format!(
                "audit again once the lock is released (SELECT state, query FROM pg_stat_activity WHERE pid = {pid};), or raise --lock-timeout"
            ),
            None => "audit again once the lock is released, or raise --lock-timeout".to_string(),
        };
        out.push(
            Finding::new(&LOCKED_TABLE, message, Origin::Database)
                .table(&s.table)
                .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::{human_report, lint_model};
    use crate::schema::QualName;
    use crate::schema::live_stats::{LiveStats, SkippedObject};

    #[test]
    fn says_who_holds_the_lock_and_what_was_skipped() {
        let sql = "CREATE TABLE a (id int PRIMARY KEY);";
        let mut schema = check_sql("case.sql", sql).schema;
        assert!(lint_model(&super::LOCKED_TABLE, &schema).is_empty());
        schema.live = Some(LiveStats {
            skipped: vec![SkippedObject {
                table: QualName::new("public", "a"),
                what: "constraints, index definitions, policies".into(),
                pid: Some(4242),
                mode: Some("AccessExclusiveLock, idle in transaction".into()),
                query: Some("LOCK TABLE a IN ACCESS EXCLUSIVE MODE".into()),
            }],
            ..LiveStats::default()
        });
        let found = lint_model(&super::LOCKED_TABLE, &schema);
        assert_eq!(found.len(), 1);
        insta::assert_snapshot!(human_report(&found, sql));
    }
}
