//! `drift-enum`: an enum type missing on one side, or with other labels or another label order. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_ENUM,
    "drift-enum",
    Warning,
    "An enum type missing on one side, or with other labels or another label order.",
    Check::Drift(ObjectKind::Enum)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_ENUM,
        pass: [("CREATE TYPE e AS ENUM ('a', 'b');", "CREATE TYPE e AS ENUM ('a');\nALTER TYPE e ADD VALUE 'b';")],
        fail: [("CREATE TYPE e AS ENUM ('a', 'b');\nCREATE TYPE gone AS ENUM ('x');", "CREATE TYPE e AS ENUM ('b', 'a');")],
    );
}
