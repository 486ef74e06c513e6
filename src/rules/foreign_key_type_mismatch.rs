//! `foreign-key-type-mismatch`: a foreign key column whose type differs from the referenced
//! column's (an `integer` referencing a `bigint` key). Lengths and precisions (`varchar(20)`
//! against `varchar(40)`) are not a mismatch: the values compare without a cast. Works on
//! replayed and live schemas alike.

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::{ConstraintKind, Table};

declare_rule!(
    FOREIGN_KEY_TYPE_MISMATCH,
    "foreign-key-type-mismatch",
    Warning,
    "A foreign key column whose type differs from the referenced column's.",
    Check::Model(check)
);

/// The type without its length or precision: `character varying(20)` → `character varying`.
fn base_type(t: &str) -> String {
    match (t.find('('), t.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            format!("{}{}", t[..open].trim_end(), &t[close + 1..])
        }
        _ => t.to_string(),
    }
}

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    for table in schema.tables.values() {
        for c in table.constraints.values() {
            let Some(fk) = c.foreign_key.as_ref().filter(|_| c.kind == ConstraintKind::ForeignKey)
            else {
                continue;
            };
            let Some(target) = schema.tables.get(&fk.ref_table) else {
                continue;
            };
            let pairs = mismatches(table, target, &c.columns, &fk.ref_columns);
            if pairs.is_empty() {
                continue;
            }
            let described: Vec<String> = pairs
                .iter()
                .map(|(col, ty, rcol, rty)| format!("`{col}` {ty} → `{rcol}` {rty}"))
                .collect();
            let alters: Vec<String> = pairs
                .iter()
                .map(|(col, _, _, rty)| format!("ALTER COLUMN {col} TYPE {rty}"))
                .collect();
            let message = format!(
                "foreign key `{}` on `{}` references `{}` with a different type ({}): every join and cascade compares through a cast, and values the referenced column can hold may not fit",
                c.name,
                table.name.name,
                fk.ref_table.name,
                described.join(", ")
            );
            out.push(
                Finding::new(&FOREIGN_KEY_TYPE_MISMATCH, message, c.origin)
                    .table(&table.name)
                    .object(c.name.clone())
                    .help(format!("ALTER TABLE {} {};", table.name, alters.join(", "))),
            );
        }
    }
}

/// The (column, type, referenced column, its type) pairs whose base types differ.
fn mismatches(
    table: &Table,
    target: &Table,
    columns: &[String],
    ref_columns: &[String],
) -> Vec<(String, String, String, String)> {
    columns
        .iter()
        .zip(ref_columns)
        .filter_map(|(col, rcol)| {
            let ty = &table.columns.get(col)?.type_name;
            let rty = &target.columns.get(rcol)?.type_name;
            (base_type(ty) != base_type(rty)).then(|| {
                (col.clone(), ty.clone(), rcol.clone(), rty.clone())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_are_not_types() {
        assert_eq!(super::base_type("character varying(20)"), "character varying");
        assert_eq!(super::base_type("numeric(10,2)[]"), "numeric[]");
        assert_eq!(super::base_type("bigint"), "bigint");
    }

    crate::rules::tests::rule_cases!(
        super::FOREIGN_KEY_TYPE_MISMATCH,
        pass: [
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY, author_id int8 REFERENCES users (id));",
            "CREATE TABLE codes (code varchar(40) PRIMARY KEY);\nCREATE TABLE uses (code varchar(20) REFERENCES codes);",
            "CREATE TABLE users (id serial PRIMARY KEY);\nCREATE TABLE posts (author_id integer REFERENCES users);",
        ],
        fail: [
            "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users (id));",
            "CREATE TABLE orgs (id uuid, region text, PRIMARY KEY (id, region));\nCREATE TABLE teams (org_id text, region varchar(8), FOREIGN KEY (org_id, region) REFERENCES orgs (id, region));",
        ],
    );
}
