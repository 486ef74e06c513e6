//! The per-rule test harness — run one rule over SQL, and check a rule's passing and failing
//! cases, the failing ones rendered as the human report for a snapshot — and the tests that
//! hold the registry together.

use std::path::PathBuf;

use super::{ALL, Check, Rule, RuleInput, drift_rule};
use crate::check::{check_sql, check_sql_running};
use crate::finding::Finding;
use crate::report::Summary;
use crate::report::human::{self, Style};
use crate::schema::Schema;
use crate::schema::diff::ObjectKind;
use crate::schema::diff::{Drift, Side, diff};
use crate::source::file::SourceFile;

/// The findings of `rule` alone on `sql` (one file, `case.sql`).
///
/// A model rule runs by itself on the replayed SQL (ignore comments apply, as in a check); a rule the engine reports (file problems,
/// ignore comments) is taken from a whole check of the text.
pub(crate) fn lint(rule: &'static Rule, sql: &str) -> Vec<Finding> {
    match rule.check {
        Check::Model(check) => {
            let only = |input: &RuleInput<'_>| {
                let mut out = Vec::new();
                check(input, &mut out);
                out
            };
            check_sql_running("case.sql", sql, &only).findings
        }
        Check::Drift(_) | Check::Engine => check_sql("case.sql", sql)
            .findings
            .into_iter()
            .filter(|f| f.rule == rule.id)
            .collect(),
    }
}

/// [`lint`] for a model rule, judging for the PostgreSQL release `target` (`"11"`).
pub(crate) fn lint_for(rule: &'static Rule, sql: &str, target: &str) -> Vec<Finding> {
    lint_files_for(rule, &[("case.sql", sql)], Some(target))
}

/// The findings of model rule `rule` alone on two consecutive migration files, `1.sql` and
/// `2.sql`: a table of the first already exists when the second runs.
pub(crate) fn lint_two_files(rule: &'static Rule, first: &str, second: &str) -> Vec<Finding> {
    lint_two_files_for(rule, first, second, None)
}

/// [`lint_two_files`] judging for the PostgreSQL release `target` (`"11"`), when given.
pub(crate) fn lint_two_files_for(
    rule: &'static Rule,
    first: &str,
    second: &str,
    target: Option<&str>,
) -> Vec<Finding> {
    lint_files_for(rule, &[("1.sql", first), ("2.sql", second)], target)
}

/// The findings of model rule `rule` alone on consecutive migration files, judging for the
/// release `target` when given.
fn lint_files_for(
    rule: &'static Rule,
    files: &[(&str, &str)],
    target: Option<&str>,
) -> Vec<Finding> {
    let Check::Model(check) = rule.check else {
        panic!("{} does not read the model", rule.id)
    };
    let only = |input: &RuleInput<'_>| {
        let mut out = Vec::new();
        check(input, &mut out);
        out
    };
    let target = target.map(|t| crate::schema::pg_version::PgVersion::parse(t).expect("a release"));
    crate::check::check_sql_files_for(files, target, &only).findings
}

/// The findings of model rule `rule` alone on `schema`, a model built or altered by the test:
/// how the rules that speak only of a live database's catalog (statistics, validity, row
/// estimates) are tested without one.
pub(crate) fn lint_model(rule: &'static Rule, schema: &Schema) -> Vec<Finding> {
    let Check::Model(check) = rule.check else {
        panic!("{} does not read the model", rule.id)
    };
    let input = RuleInput::of_schema(schema);
    let mut out = Vec::new();
    check(&input, &mut out);
    out
}

/// The findings of drift rule `rule` when the schema `a` replays to (`a.sql`, the migrations)
/// is compared with `b`'s (`b.sql`, the database).
pub(crate) fn lint_drift(rule: &'static Rule, a: &str, b: &str) -> Vec<Finding> {
    super::drift_findings(&drift_of(a, b))
        .into_iter()
        .filter(|f| f.rule == rule.id)
        .collect()
}

/// The comparison of the schema `a` replays to (`migrations`) with `b`'s (`database`), side
/// B's origins pointing at a second file.
pub(crate) fn drift_of(a: &str, b: &str) -> Drift {
    let (ra, mut rb) = (check_sql("a.sql", a), check_sql("b.sql", b));
    crate::drift::shift_schema(&mut rb.schema, 1);
    diff(
        Side {
            schema: &ra.schema,
            label: "migrations",
        },
        Side {
            schema: &rb.schema,
            label: "database",
        },
    )
}

/// [`pass_fail`] for a drift rule: each case is the SQL of side A and of side B.
pub(crate) fn drift_pass_fail(
    rule: &'static Rule,
    pass: &[(&str, &str)],
    fail: &[(&str, &str)],
) -> String {
    for (a, b) in pass {
        let found = lint_drift(rule, a, b);
        assert!(
            found.is_empty(),
            "{} fired on a passing case:\n{a}\n{b}\n{found:#?}",
            rule.id
        );
    }
    let mut out = String::new();
    for (i, (a, b)) in fail.iter().enumerate() {
        let found = lint_drift(rule, a, b);
        assert!(
            !found.is_empty(),
            "{} did not fire on a failing case:\n{a}\n{b}",
            rule.id
        );
        out.push_str(&format!(
            "── fail case {} ──\na.sql:\n{}\nb.sql:\n{}\n\n",
            i + 1,
            a.trim_end(),
            b.trim_end()
        ));
        let files = [
            SourceFile::new(PathBuf::from("a.sql"), a.to_string(), None),
            SourceFile::new(PathBuf::from("b.sql"), b.to_string(), None),
        ];
        out.push_str(&render(&found, &files));
        out.push('\n');
    }
    out
}

/// The human report of `findings` in `files`, without colour.
fn render(findings: &[Finding], files: &[SourceFile]) -> String {
    let summary = Summary::new(findings, files.len(), 0);
    let style = Style {
        color: false,
        width: 100,
    };
    human::render(findings, files, &summary, style)
}

/// The human report of `findings` in the one file `case.sql` holding `sql`, without colour.
pub(crate) fn human_report(findings: &[Finding], sql: &str) -> String {
    report_in(findings, "case.sql", sql)
}

/// The human report of `findings` in the one file `name` holding `text` (a schema file of
/// another language), without colour.
pub(crate) fn report_in(findings: &[Finding], name: &str, text: &str) -> String {
    let files = [SourceFile::new(PathBuf::from(name), text.to_string(), None)];
    render(findings, &files)
}

/// Asserts that no case of `pass` makes `rule` fire and that every case of `fail` does, and
/// returns the failing cases with their human reports, to be pinned as a snapshot.
pub(crate) fn pass_fail(rule: &'static Rule, pass: &[&str], fail: &[&str]) -> String {
    pass_fail_with(rule, pass, fail, &|sql| lint(rule, sql))
}

/// [`pass_fail`] with the findings of each case from `lint`.
pub(crate) fn pass_fail_with(
    rule: &'static Rule,
    pass: &[&str],
    fail: &[&str],
    lint: &dyn Fn(&str) -> Vec<Finding>,
) -> String {
    for sql in pass {
        let found = lint(sql);
        assert!(
            found.is_empty(),
            "{} fired on a passing case:\n{sql}\n{found:#?}",
            rule.id
        );
    }
    let mut out = String::new();
    for (i, sql) in fail.iter().enumerate() {
        let found = lint(sql);
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
            let report = $crate::rules::tests::pass_fail(&$rule, &[$($pass),*], &[$($fail),*]);
            insta::assert_snapshot!(report);
        }
    };
}
pub(crate) use rule_cases;

/// [`rule_cases!`] judging for one PostgreSQL release: the test `$name` pins its failing
/// cases as the snapshot `$name`.
macro_rules! target_cases {
    ($rule:expr, $name:ident, target: $target:literal, pass: [$($pass:expr),* $(,)?], fail: [$($fail:expr),* $(,)?] $(,)?) => {
        #[test]
        fn $name() {
            let report = $crate::rules::tests::pass_fail_with(
                &$rule,
                &[$($pass),*],
                &[$($fail),*],
                &|sql| $crate::rules::tests::lint_for(&$rule, sql, $target),
            );
            insta::assert_snapshot!(report);
        }
    };
}
pub(crate) use target_cases;

/// A drift rule's pass and fail lists of (side A, side B) SQL, as [`rule_cases!`].
macro_rules! drift_cases {
    ($rule:expr, pass: [$($pass:expr),* $(,)?], fail: [$($fail:expr),* $(,)?] $(,)?) => {
        #[test]
        fn pass_and_fail_cases() {
            let report = $crate::rules::tests::drift_pass_fail(&$rule, &[$($pass),*], &[$($fail),*]);
            insta::assert_snapshot!(report);
        }
    };
}
pub(crate) use drift_cases;

/// Each rule lives in the file named after its id, and every top-level file here is a
/// registered rule: a rule file left out of the registry would not even be compiled.
#[test]
fn each_rule_is_declared_in_its_own_registered_file() {
    for rule in ALL {
        assert_eq!(
            rule.source,
            format!("src/rules/{}.rs", rule.id.replace('-', "_")),
            "{}",
            rule.id
        );
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules");
    // Not rules: the registry, this harness, and the operator-class facts (which belong
    // to the schema layer and move there).
    let not_rules = ["mod.rs", "tests.rs"];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() || not_rules.contains(&name.as_str()) {
            continue;
        }
        let source = format!("src/rules/{name}");
        assert!(
            ALL.iter().any(|r| r.source == source),
            "{source} declares no registered rule: add it to `registry!` in src/rules/mod.rs"
        );
    }
}

#[test]
fn ids_are_unique_and_every_kind_of_difference_has_a_rule() {
    for (i, rule) in ALL.iter().enumerate() {
        assert!(ALL[..i].iter().all(|r| r.id != rule.id), "{}", rule.id);
    }
    for kind in [
        ObjectKind::Table,
        ObjectKind::Column,
        ObjectKind::Index,
        ObjectKind::Constraint,
        ObjectKind::Policy,
        ObjectKind::Sequence,
        ObjectKind::View,
        ObjectKind::Function,
        ObjectKind::Trigger,
        ObjectKind::Enum,
        ObjectKind::Extension,
        ObjectKind::CompositeType,
    ] {
        assert!(drift_rule(kind).is_some(), "{kind:?}");
    }
}
