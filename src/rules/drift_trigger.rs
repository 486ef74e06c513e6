//! `drift-trigger`: a trigger missing on one side, or with another timing, events, level, function or WHEN condition. The comparison of two schemas
//! (`schema::diff`) finds the difference as plain data; [`super::drift_findings`] reports each
//! one under the rule that declares its object kind.

use super::Check;
use crate::schema::diff::ObjectKind;

declare_rule!(
    DRIFT_TRIGGER,
    "drift-trigger",
    Warning,
    "A trigger missing on one side, or with another timing, events, level, function or WHEN condition.",
    Check::Drift(ObjectKind::Trigger)
);

#[cfg(test)]
mod tests {
    crate::rules::tests::drift_cases!(
        super::DRIFT_TRIGGER,
        pass: [("CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();", "CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER x AFTER INSERT ON public.t FOR EACH ROW EXECUTE PROCEDURE public.f();")],
        fail: [("CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();", "CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER x AFTER INSERT OR UPDATE ON t FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION f();")],
    );
}
