//! `column-still-referenced`: a DROP, ALTER COLUMN TYPE or RENAME COLUMN of something other
//! objects still use.

use super::{Check, RuleInput};
use crate::finding::{Finding, Severity};
use crate::schema::dependencies::Dependent;
use crate::schema::replay::{DependedAction, Dependents, Event};

declare_rule!(
    COLUMN_STILL_REFERENCED,
    "column-still-referenced",
    Error,
    "A DROP or ALTER COLUMN TYPE that views, generated columns, policies, triggers or foreign keys still depend on (it fails, or CASCADE drops them too), or a RENAME COLUMN that function bodies still name.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        // A rename's functions may all be mended later in its file (see the replay).
        if let Event::Dependents(d) = event
            && !d.dependents.is_empty()
        {
            out.push(finding(d));
        }
    }
}

/// The dependents as a list: "view `public.v`, policy `p` on `public.t`".
fn list(dependents: &[Dependent]) -> String {
    let names: Vec<String> = dependents.iter().map(Dependent::describe).collect();
    names.join(", ")
}

fn finding(d: &Dependents) -> Finding {
    let deps = list(&d.dependents);
    let one = d.dependents.len() == 1;
    let (depend, uses) = if one {
        ("depends", "uses")
    } else {
        ("depend", "use")
    };
    let (what, table) = match &d.action {
        DependedAction::DropColumn { table, column } => {
            (format!("dropping column `{table}.{column}`"), Some(table))
        }
        DependedAction::DropRelation { relation, kind } => {
            (format!("dropping {kind} `{relation}`"), Some(relation))
        }
        DependedAction::DropType { name } => (format!("dropping type `{name}`"), None),
        DependedAction::AlterType { table, column } => {
            let f = Finding::new(
                &COLUMN_STILL_REFERENCED,
                format!(
                    "changing the type of `{table}.{column}` will fail: {deps} {uses} it, and PostgreSQL cannot change the type of a column a view, rule, generated column, policy or trigger uses"
                ),
                d.location,
            )
            .table(table)
            .object(column.clone())
            .help("drop those objects before the change and create them again after it, in the same migration");
            return f;
        }
        DependedAction::RenameColumn { table, column, new } => {
            return Finding::new(
                &COLUMN_STILL_REFERENCED,
                format!(
                    "renaming `{table}.{column}` to `{new}` breaks {deps} when it next runs: the body names `{column}`, and PostgreSQL stores a function body as text and does not rename inside it"
                ),
                d.location,
            )
            .table(table)
            .object(column.clone())
            .severity(Severity::Warning)
            .help(format!(
                "replace the function in the same migration (CREATE OR REPLACE FUNCTION) with a body that names `{new}`"
            ));
        }
    };
    let f = if d.cascade {
        Finding::new(
            &COLUMN_STILL_REFERENCED,
            format!("{what} with CASCADE also drops {deps}"),
            d.location,
        )
        .severity(Severity::Warning)
        .help("make sure these objects are meant to go, or create them again in the same migration")
    } else {
        Finding::new(
            &COLUMN_STILL_REFERENCED,
            format!("{what} will fail: {deps} {depend} on it"),
            d.location,
        )
        .help("drop or change those objects first, or add CASCADE to drop them with it")
    };
    match table {
        Some(t) => f.table(t),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::COLUMN_STILL_REFERENCED,
        pass: [
            // Indexes and table constraints on the column go with it silently.
            "CREATE TABLE t (id int PRIMARY KEY, a text, b int CHECK (b > 0));\nCREATE INDEX t_a ON t (lower(a)) WHERE b > 0;\nALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN b;",
            // A view that does not read the column.
            "CREATE TABLE t (id int, a text);\nCREATE VIEW v AS SELECT id FROM t;\nALTER TABLE t DROP COLUMN a;",
            // count(*) reads the table, not the column.
            "CREATE TABLE t (id int, a text);\nCREATE VIEW v AS SELECT count(*) FROM t;\nALTER TABLE t DROP COLUMN a;",
            // The view is dropped first.
            "CREATE TABLE t (id int, a text);\nCREATE VIEW v AS SELECT a FROM t;\nDROP VIEW v;\nALTER TABLE t DROP COLUMN a;",
            // PostgreSQL follows a rename in views, indexes, policies and foreign keys.
            "CREATE TABLE t (id int PRIMARY KEY, a text);\nCREATE VIEW v AS SELECT a FROM t;\nALTER TABLE t RENAME COLUMN a TO b;",
            // A foreign key's own column goes with it.
            "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int, p_id int REFERENCES p);\nALTER TABLE c DROP COLUMN p_id;",
            // The trigger function is replaced after the rename, in the same file.
            "CREATE TABLE t (id int, x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t RENAME COLUMN x TO y;\nCREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.y := 1; RETURN NEW; END $$;",
            // A new column takes the old name.
            "CREATE TABLE t (id int, x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t RENAME COLUMN x TO y;\nALTER TABLE t ADD COLUMN x int;",
            // Tables dropped together.
            "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int, p_id int REFERENCES p);\nCREATE VIEW v AS SELECT id FROM p;\nDROP VIEW v;\nDROP TABLE c, p;",
            // A column added after a `SELECT *` view is not in it.
            "CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT * FROM t;\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t DROP COLUMN a;",
        ],
        fail: [
            "CREATE TABLE t (id int, a text);\nCREATE VIEW v AS SELECT x.a FROM t x;\nCREATE VIEW w AS SELECT * FROM v;\nALTER TABLE t DROP COLUMN a;",
            "CREATE TABLE t (id int, a text);\nCREATE VIEW v AS SELECT a FROM t;\nALTER TABLE t DROP COLUMN a CASCADE;",
            "CREATE TABLE t (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);\nALTER TABLE t DROP COLUMN qty;",
            "CREATE TABLE t (id int, owner text);\nCREATE POLICY own ON t USING (owner = current_user);\nALTER TABLE t DROP COLUMN owner;",
            "CREATE TABLE t (id int, x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE UPDATE OF x ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t DROP COLUMN x;",
            "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int, p_id int REFERENCES p);\nALTER TABLE p DROP COLUMN id;",
            "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int, p_id int REFERENCES p);\nCREATE VIEW v AS SELECT id FROM p;\nDROP TABLE p;",
            "CREATE TABLE t (id int, a int);\nCREATE VIEW v AS SELECT a FROM t;\nALTER TABLE t ALTER COLUMN a TYPE bigint;",
            "CREATE TYPE mood AS ENUM ('a', 'b');\nCREATE TABLE m (id int, md mood);\nDROP TYPE mood CASCADE;",
            "CREATE TABLE t (id int, x int);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t RENAME COLUMN x TO y;",
        ],
    );
}
