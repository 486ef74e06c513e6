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
        pass: [
            ("CREATE TABLE t (id int NOT NULL);", "CREATE TABLE t (id integer NOT NULL);"),
            ("CREATE TYPE pt AS (x int);\nCREATE TABLE t (p pt);", "CREATE TYPE point2 AS (x int);\nCREATE TABLE t (p point2);\nALTER TYPE point2 RENAME TO pt;"),
        ],
        fail: [
            ("CREATE TABLE t (id int NOT NULL, a text);", "CREATE TABLE t (id bigint, b text DEFAULT 'x');"),
            // A column of a composite type compares by the type's name; so do a foreign table's.
            ("CREATE TYPE pt AS (x int);\nCREATE TYPE pt3 AS (x int);\nCREATE TABLE t (p pt);", "CREATE TYPE pt AS (x int);\nCREATE TYPE pt3 AS (x int);\nCREATE TABLE t (p pt3);"),
            ("CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int NOT NULL) SERVER s;", "CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id bigint) SERVER s;"),
        ],
    );
}
