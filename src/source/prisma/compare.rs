//! What a comparison with a Prisma schema must not count as drift.
//!
//! Prisma's own diff does not compare the name of the sequence behind an `autoincrement()`
//! field: after `ALTER TABLE "Old" RENAME TO "New"`, PostgreSQL keeps `"Old_id_seq"`, and
//! `prisma migrate diff` reports nothing. The model names the sequence after the table, so
//! before comparing, the Prisma side takes the other side's sequence name.
//!
//! Nor does it compare the order of enum values: a value added to an enum in the middle of the
//! schema's list becomes `ALTER TYPE … ADD VALUE`, which appends it, and the schema's order is
//! never applied to the database. An enum with the same values on both sides takes the other
//! side's order.

use crate::schema::{QualName, RelKind, Schema};

/// The sequence a `nextval('…'::regclass)` default draws from, as written (`"a"."b_seq"`,
/// `b_seq`).
fn nextval_sequence(default: &str) -> Option<&str> {
    let rest = default.strip_prefix("nextval('")?;
    let end = rest.find("'::regclass)")?;
    Some(&rest[..end])
}

/// The sequence named by `text` (`"s"."t_id_seq"`, `t_id_seq`), with `schema` when unqualified.
fn sequence_name(text: &str, schema: &str) -> QualName {
    let parts: Vec<String> = text
        .split('.')
        .map(|p| p.trim_matches('"').replace("\"\"", "\""))
        .collect();
    match parts.as_slice() {
        [s, n] => QualName::new(s.clone(), n.clone()),
        _ => QualName::new(schema, parts.join(".")),
    }
}

/// For each `autoincrement()` column of `prisma` whose column in `other` also draws from a
/// sequence, but another one, takes `other`'s default and sequence name. Returns the columns
/// changed (`table.column`).
pub fn adopt_sequence_names(prisma: &mut Schema, other: &Schema) -> Vec<String> {
    let mut changed = Vec::new();
    let mut renamed: Vec<(QualName, QualName)> = Vec::new();
    for (name, table) in prisma.tables.iter_mut() {
        let Some(theirs) = other.tables.get(name) else {
            continue;
        };
        for column in table.columns.values_mut() {
            let (Some(ours), Some(their_default)) = (
                column.default.as_deref(),
                theirs
                    .columns
                    .get(&column.name)
                    .and_then(|c| c.default.as_deref()),
            ) else {
                continue;
            };
            let (Some(a), Some(b)) = (nextval_sequence(ours), nextval_sequence(their_default))
            else {
                continue;
            };
            if a == b {
                continue;
            }
            renamed.push((
                sequence_name(a, &name.schema),
                sequence_name(b, &name.schema),
            ));
            column.default = Some(their_default.to_string());
            changed.push(format!("{}.{}", name, column.name));
        }
    }
    for (ours, theirs) in renamed {
        if let Some(seq) = prisma.other_relations.shift_remove(&ours)
            && seq.kind == RelKind::Sequence
        {
            prisma.other_relations.insert(theirs, seq);
        }
    }
    changed
}

/// For each enum of `prisma` with the same labels as `other`'s enum of that name, in another
/// order, takes `other`'s order. Returns the enums changed.
pub fn adopt_enum_order(prisma: &mut Schema, other: &Schema) -> Vec<QualName> {
    let mut changed = Vec::new();
    for (name, labels) in prisma.enums.iter_mut() {
        let Some(theirs) = other.enums.get(name) else {
            continue;
        };
        if labels == theirs || labels.len() != theirs.len() {
            continue;
        }
        let mut a = labels.clone();
        let mut b = theirs.clone();
        a.sort();
        b.sort();
        if a == b {
            labels.clone_from(theirs);
            changed.push(name.clone());
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_sql;
    use crate::source::prisma::read_text;

    #[test]
    fn an_autoincrement_matches_a_renamed_tables_sequence() {
        let prisma = read_text(
            "schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"U\")\n}\nmodel Token {\n  id Int @id @default(autoincrement())\n  n  Int @default(autoincrement())\n}\n",
        )
        .unwrap();
        let mut ours = prisma.schema;
        let migrations = check_sql(
            "m.sql",
            "CREATE TABLE \"Request\" (id SERIAL PRIMARY KEY, n SERIAL);\nALTER TABLE \"Request\" RENAME TO \"Token\";",
        )
        .schema;
        let changed = adopt_sequence_names(&mut ours, &migrations);
        assert_eq!(changed, ["public.\"Token\".id", "public.\"Token\".n"]);
        let t = &ours.tables[&QualName::new("public", "Token")];
        assert_eq!(
            t.columns["id"].default.as_deref(),
            Some("nextval('Request_id_seq'::regclass)")
        );
        assert!(
            ours.other_relations
                .contains_key(&QualName::new("public", "Request_id_seq"))
        );
        assert!(
            !ours
                .other_relations
                .contains_key(&QualName::new("public", "Token_id_seq"))
        );
        // A column without a sequence on the other side is left alone.
        let plain = check_sql(
            "p.sql",
            "CREATE TABLE \"Token\" (id int PRIMARY KEY, n int);",
        )
        .schema;
        let mut again = read_text(
            "schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"U\")\n}\nmodel Token {\n  id Int @id @default(autoincrement())\n}\n",
        )
        .unwrap()
        .schema;
        assert!(adopt_sequence_names(&mut again, &plain).is_empty());
    }

    #[test]
    fn enum_order_is_taken_from_the_other_side_when_the_values_agree() {
        let mut ours = read_text(
            "schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"U\")\n}\nenum Role {\n  USER\n  ADMIN\n  OWNER\n}\nenum Kind {\n  A\n  B\n}\n",
        )
        .unwrap()
        .schema;
        let migrations = check_sql(
            "m.sql",
            "CREATE TYPE \"Role\" AS ENUM ('USER', 'OWNER');\nALTER TYPE \"Role\" ADD VALUE 'ADMIN';\nCREATE TYPE \"Kind\" AS ENUM ('B', 'C');",
        )
        .schema;
        let role = QualName::new("public", "Role");
        assert_eq!(
            adopt_enum_order(&mut ours, &migrations),
            std::slice::from_ref(&role)
        );
        assert_eq!(ours.enums[&role], ["USER", "OWNER", "ADMIN"]);
        // Other values: left as the schema has them, and reported by the diff.
        assert_eq!(ours.enums[&QualName::new("public", "Kind")], ["A", "B"]);
    }

    #[test]
    fn sequence_names_are_unquoted_and_qualified() {
        assert_eq!(
            sequence_name("\"s\".\"T_id_seq\"", "public"),
            QualName::new("s", "T_id_seq")
        );
        assert_eq!(
            sequence_name("t_id_seq", "x"),
            QualName::new("x", "t_id_seq")
        );
        assert_eq!(nextval_sequence("nextval('a'::regclass)"), Some("a"));
        assert_eq!(nextval_sequence("now()"), None);
    }
}
