//! `drift-constraint`: a primary key, unique, check or foreign key constraint missing on one side, or different. The comparison of two schemas (`schema::diff`) finds the difference
//! as plain data; [`super::drift_findings`] reports each one under the rule that declares its
//! object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_CONSTRAINT,
    "drift-constraint",
    Warning,
    "A primary key, unique, check or foreign key constraint missing on one side, or different.",
    Check::Drift(ObjectKind::Constraint)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_CONSTRAINT,
        pass: [("CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE t (id int PRIMARY KEY);")],
        fail: [
            ("CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int CONSTRAINT c_fk REFERENCES p ON DELETE CASCADE);", "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int CONSTRAINT c_fk REFERENCES p);"),
            ("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;", "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_pos;"),
        ],
    );
}
