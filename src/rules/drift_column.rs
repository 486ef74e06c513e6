//! `drift-column`: a column missing on one side, or with another type, nullability or default. The comparison of two schemas (`schema::diff`) finds the difference
//! as plain data; [`super::drift_findings`] reports each one under the rule that declares its
//! object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_COLUMN,
    "drift-column",
    Warning,
    "A column missing on one side, or with a different type, nullability or default.",
    Check::Drift(ObjectKind::Column)
);
