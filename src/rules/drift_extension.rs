//! `drift-extension`: an extension installed on one side only, or at another version where both sides name it. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_EXTENSION,
    "drift-extension",
    Warning,
    "An extension installed on one side only, or at another version where both sides name it.",
    Check::Drift(ObjectKind::Extension)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_EXTENSION,
        pass: [("CREATE EXTENSION pg_trgm;", "CREATE EXTENSION pg_trgm VERSION '1.6';")],
        fail: [("CREATE EXTENSION pg_trgm VERSION '1.5';\nCREATE EXTENSION hstore;", "CREATE EXTENSION pg_trgm VERSION '1.6';")],
    );
}
