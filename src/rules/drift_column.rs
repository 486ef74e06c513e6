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

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_COLUMN,
        pass: [("CREATE TABLE t (id int NOT NULL);", "CREATE TABLE t (id integer NOT NULL);")],
        fail: [("CREATE TABLE t (id int NOT NULL, a text);", "CREATE TABLE t (id bigint, b text DEFAULT 'x');")],
    );
}
