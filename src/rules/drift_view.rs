//! `drift-view`: a view or materialized view missing on one side, of another kind, or with another query. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_VIEW,
    "drift-view",
    Warning,
    "A view or materialized view missing on one side, of another kind, or with another query.",
    Check::Drift(ObjectKind::View)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_VIEW,
        pass: [
            ("CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;", "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT t.a FROM t;"),
            ("CREATE TABLE t (a int, s text);\nCREATE VIEW v AS SELECT a FROM t WHERE s IN ('x', 'y') AND a BETWEEN 1 AND 5;", "CREATE TABLE t (a int, s text);\nCREATE VIEW v AS SELECT t.a FROM t WHERE ((t.s = ANY (ARRAY['x'::text, 'y'::text])) AND ((t.a >= 1) AND (t.a <= 5)));"),
        ],
        fail: [("CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;\nCREATE MATERIALIZED VIEW m AS SELECT a FROM t;", "CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t WHERE a > 0;")],
    );
}
