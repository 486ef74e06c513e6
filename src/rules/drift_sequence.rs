//! `drift-sequence`: a sequence missing on one side, or with other options (type, start, increment, bounds, cycle) or another owner. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_SEQUENCE,
    "drift-sequence",
    Warning,
    "A sequence missing on one side, or with other options (type, start, increment, bounds, cycle) or another owner.",
    Check::Drift(ObjectKind::Sequence)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_SEQUENCE,
        pass: [("CREATE SEQUENCE s;", "CREATE SEQUENCE s AS bigint START 1 INCREMENT 1 NO CYCLE;")],
        fail: [("CREATE TABLE t (id serial);\nCREATE SEQUENCE s INCREMENT 2;", "CREATE TABLE t (id serial);\nCREATE SEQUENCE s;\nALTER SEQUENCE t_id_seq OWNED BY NONE;")],
    );
}
