//! `drift-function`: a function or procedure missing on one side, or with another return type, language or body. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_FUNCTION,
    "drift-function",
    Warning,
    "A function or procedure missing on one side, or with another return type, language or body.",
    Check::Drift(ObjectKind::Function)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_FUNCTION,
        pass: [("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;", "CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS $$\n  SELECT a -- same\n$$;")],
        fail: [("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;\nCREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;", "CREATE FUNCTION f(a int) RETURNS bigint LANGUAGE sql AS $$ SELECT a $$;")],
    );
}
