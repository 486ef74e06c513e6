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

    /// A generation expression compares by meaning: the catalog's casts are not a difference,
    /// another expression or a plain column is.
    #[test]
    fn generated_expressions_compare_by_meaning() {
        use crate::rules::tests::lint_drift;
        let table = |g: &str| format!("CREATE TABLE t (p numeric, q int, s numeric {g});");
        let written = table("GENERATED ALWAYS AS (p * q) STORED");
        let catalog = table("GENERATED ALWAYS AS ((p * (q)::numeric)) STORED");
        assert!(lint_drift(&super::DRIFT_COLUMN, &written, &catalog).is_empty());
        let other = lint_drift(
            &super::DRIFT_COLUMN,
            &written,
            &table("GENERATED ALWAYS AS (p + q) STORED"),
        );
        assert_eq!(other.len(), 1);
        assert_eq!(
            other[0].message,
            "column `public.t.s` generated expression differs: GENERATED ALWAYS AS (p * q) STORED vs GENERATED ALWAYS AS (p + q) STORED (migrations vs database)"
        );
        let plain = lint_drift(&super::DRIFT_COLUMN, &written, &table(""));
        assert_eq!(plain.len(), 1);
        assert!(plain[0].message.contains("vs not generated"), "{}", plain[0].message);
    }
}
