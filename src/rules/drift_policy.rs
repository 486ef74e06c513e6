//! `drift-policy`: a row-level security policy missing on one side or different, or row-level security enabled on one side only. The comparison of two schemas (`schema::diff`) finds the difference
//! as plain data; [`super::drift_findings`] reports each one under the rule that declares its
//! object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_POLICY,
    "drift-policy",
    Warning,
    "A row-level security policy missing on one side or different, or RLS enabled on one side only.",
    Check::Drift(ObjectKind::Policy)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_POLICY,
        pass: [("CREATE TABLE t (a int);\nCREATE POLICY p ON t USING (a > 0);", "CREATE TABLE t (a int);\nCREATE POLICY p ON t USING (a > 0);")],
        fail: [("CREATE TABLE t (a int);\nCREATE POLICY p ON t USING (a > 0);", "CREATE TABLE t (a int);\nCREATE POLICY p ON t USING (a > 1);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;")],
    );
}
