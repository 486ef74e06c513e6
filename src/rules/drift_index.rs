//! `drift-index`: an index missing on one side, or defined otherwise. The comparison of two schemas (`schema::diff`) finds the difference
//! as plain data; [`super::drift_findings`] reports each one under the rule that declares its
//! object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_INDEX,
    "drift-index",
    Warning,
    "An index missing on one side, or with a different definition.",
    Check::Drift(ObjectKind::Index)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_INDEX,
        pass: [("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);", "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a int4_ops);")],
        fail: [("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);", "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a DESC);"), ("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);", "CREATE TABLE t (a int);")],
    );
}
