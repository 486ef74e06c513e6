//! `drift-composite-type`: a composite type missing on one side, or with other attributes. The
//! comparison of two schemas (`schema::diff`) finds the difference as plain data;
//! [`super::drift_findings`] reports each one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_COMPOSITE_TYPE,
    "drift-composite-type",
    Warning,
    "A composite type missing on one side, or with other attributes (names, types or order).",
    Check::Drift(ObjectKind::CompositeType)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_COMPOSITE_TYPE,
        pass: [
            ("CREATE TYPE money_amount AS (value numeric(12,2), currency char(3));", "CREATE TYPE money_amount AS (value numeric(12, 2));\nALTER TYPE money_amount ADD ATTRIBUTE currency character(3);"),
            ("CREATE TYPE pt AS (x int, y int);", "CREATE TYPE pt AS (x int, z int);\nALTER TYPE pt RENAME ATTRIBUTE z TO y;"),
        ],
        fail: [
            ("CREATE TYPE money_amount AS (value numeric(12,2), currency char(3));", "CREATE TYPE money_amount AS (value numeric(12,2));"),
            ("CREATE TYPE pt AS (x int, y int);", "CREATE TYPE pt AS (x int, y bigint);"),
            ("CREATE TYPE pt AS (x int, y int);", ""),
        ],
    );
}
