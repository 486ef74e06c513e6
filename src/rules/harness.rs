//! The per-rule test harness: run one rule over SQL, and check a rule's passing and failing
//! cases, the failing ones rendered as the human report for a snapshot.

use std::path::PathBuf;

use super::{Check, Rule, RuleInput};
use crate::check::{check_sql, replay_text};
use crate::finding::Finding;
use crate::report::Summary;
use crate::report::human::{self, Style};
use crate::schema::diff::{Side, diff};
use crate::schema::replay::Replay;
use crate::source::file::SourceFile;

/// The findings of `rule` alone on `sql` (one file, `case.sql`).
///
/// A model rule runs by itself on the replayed SQL; a rule the engine reports (file problems,
/// ignore comments) is taken from a whole check of the text.
pub(crate) fn lint(rule: &'static Rule, sql: &str) -> Vec<Finding> {
    match rule.check {
        Check::Model(check) => {
            let mut replay = Replay::new(None);
            let mut unparsed = Vec::new();
            replay_text(sql, 0, 0, &mut replay, &mut unparsed);
            unparsed.append(&mut replay.unparsed);
            replay.settle();
            let input = RuleInput {
                schema: &replay.schema,
                events: &replay.events,
                unparsed: &unparsed,
                has_reference: false,
            };
            let mut out = Vec::new();
            check(&input, &mut out);
            crate::check::sort_findings(&mut out);
            out
        }
        Check::Drift(_) | Check::Engine => check_sql("case.sql", sql)
            .findings
            .into_iter()
            .filter(|f| f.rule == rule.id)
            .collect(),
    }
}

/// The findings of drift rule `rule` when the schema `a` replays to is compared with `b`'s.
pub(crate) fn lint_drift(rule: &'static Rule, a: &str, b: &str) -> Vec<Finding> {
    let (ra, rb) = (check_sql("a.sql", a), check_sql("b.sql", b));
    let drift = diff(
        Side {
            schema: &ra.schema,
            label: "migrations",
        },
        Side {
            schema: &rb.schema,
            label: "database",
        },
    );
    super::drift_findings(&drift)
        .into_iter()
        .filter(|f| f.rule == rule.id)
        .collect()
}

/// The human report of `findings` in the one file `sql`, without colour.
pub(crate) fn human_report(findings: &[Finding], sql: &str) -> String {
    let files = [SourceFile::new(
        PathBuf::from("case.sql"),
        sql.to_string(),
        None,
    )];
    let summary = Summary::new(findings, files.len(), 0);
    let style = Style {
        color: false,
        width: 100,
    };
    human::render(findings, &files, &summary, style)
}

/// Asserts that no case of `pass` makes `rule` fire and that every case of `fail` does, and
/// returns the failing cases with their human reports, to be pinned as a snapshot.
pub(crate) fn cases(rule: &'static Rule, pass: &[&str], fail: &[&str]) -> String {
    for sql in pass {
        let found = lint(rule, sql);
        assert!(
            found.is_empty(),
            "{} fired on a passing case:\n{sql}\n{found:#?}",
            rule.id
        );
    }
    let mut out = String::new();
    for (i, sql) in fail.iter().enumerate() {
        let found = lint(rule, sql);
        assert!(
            !found.is_empty(),
            "{} did not fire on a failing case:\n{sql}",
            rule.id
        );
        assert!(found.iter().all(|f| f.rule == rule.id));
        out.push_str(&format!(
            "── fail case {} ──\n{}\n\n",
            i + 1,
            sql.trim_end()
        ));
        out.push_str(&human_report(&found, sql));
        out.push('\n');
    }
    out
}

/// A rule's pass and fail lists as one test, `pass_and_fail_cases`, whose failing cases are
/// pinned as an insta snapshot of the human report.
macro_rules! rule_cases {
    ($rule:expr, pass: [$($pass:expr),* $(,)?], fail: [$($fail:expr),* $(,)?] $(,)?) => {
        #[test]
        fn pass_and_fail_cases() {
            let report = $crate::rules::harness::cases(&$rule, &[$($pass),*], &[$($fail),*]);
            insta::assert_snapshot!(report);
        }
    };
}
pub(crate) use rule_cases;
