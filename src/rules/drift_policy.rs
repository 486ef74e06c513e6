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
