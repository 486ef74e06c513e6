//! `drift-enum`: an enum type missing on one side, or with other labels or another order. The
//! comparison of two schemas (`schema::diff`) finds the difference as plain data;
//! [`super::drift_findings`] reports each one under the rule that declares its object kind.

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
        pass: [("CREATE TYPE role AS ENUM ('user', 'admin');", "CREATE TYPE role AS ENUM ('user');\nALTER TYPE role ADD VALUE 'admin';")],
        fail: [
            ("CREATE TYPE role AS ENUM ('user', 'admin');", "CREATE TYPE role AS ENUM ('user', 'admin', 'owner');"),
            ("CREATE TYPE role AS ENUM ('user', 'admin');", "CREATE TYPE role AS ENUM ('admin', 'user');"),
            ("CREATE TYPE role AS ENUM ('user');", ""),
        ],
    );
}
