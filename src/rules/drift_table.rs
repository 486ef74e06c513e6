//! `drift-table`: a table one schema has and the other does not. The comparison of two schemas (`schema::diff`) finds the difference
//! as plain data; [`super::drift_findings`] reports each one under the rule that declares its
//! object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_TABLE,
    "drift-table",
    Warning,
    "A table one schema has and the other does not.",
    Check::Drift(ObjectKind::Table)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_TABLE,
        pass: [
            ("CREATE TABLE t (id int);", "CREATE TABLE t (id int);"),
            ("CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int) SERVER s OPTIONS (a '1');", "CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int) SERVER s;\nALTER FOREIGN TABLE f OPTIONS (ADD a '1');"),
        ],
        fail: [
            ("CREATE TABLE t (id int);\nCREATE TABLE gone (id int);", "CREATE TABLE t (id int);"),
            ("CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE SERVER s2 FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int) SERVER s OPTIONS (a '1');", "CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE SERVER s2 FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int) SERVER s2 OPTIONS (a '2');"),
            ("CREATE SERVER s FOREIGN DATA WRAPPER w;\nCREATE FOREIGN TABLE f (id int) SERVER s;", "CREATE TABLE f (id int);"),
        ],
    );
}
