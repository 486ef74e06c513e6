//! The mapping, case by case.

use super::super::read_text;
use super::columns::{base64_hex, prisma_datetime};
use super::keys::operator_class;
use super::*;

const DATASOURCE: &str =
    "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";

fn read(models: &str) -> super::super::PrismaSchema {
    read_text("schema.prisma", &format!("{DATASOURCE}{models}")).unwrap()
}

fn public(name: &str) -> QualName {
    QualName::new("public", name)
}

#[test]
fn scalar_types_get_prismas_column_types() {
    let s = read(
        "model T {\n  id Int @id\n  s String\n  b Boolean\n  i BigInt\n  f Float\n  d Decimal\n  t DateTime\n  j Json\n  y Bytes\n  l String[]\n  o String?\n}",
    );
    let t = &s.schema.tables[&public("T")];
    let types: Vec<(&str, &str, bool)> = t
        .columns
        .values()
        .map(|c| (c.name.as_str(), c.type_name.as_str(), c.not_null))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "integer", true),
            ("s", "text", true),
            ("b", "boolean", true),
            ("i", "bigint", true),
            ("f", "double precision", true),
            ("d", "numeric(65,30)", true),
            ("t", "timestamp(3) without time zone", true),
            ("j", "jsonb", true),
            ("y", "bytea", true),
            ("l", "text[]", false),
            ("o", "text", false),
        ]
    );
}

#[test]
fn native_types_and_unknown_ones() {
    let s = read(
        "model T {\n  id String @id @db.Uuid\n  v String @db.VarChar(20)\n  n Decimal @db.Decimal(10, 2)\n  z DateTime @db.Timestamptz(6)\n  q String @db.Tsvector\n}",
    );
    let t = &s.schema.tables[&public("T")];
    let ty = |c: &str| t.columns[c].type_name.as_str();
    assert_eq!(ty("id"), "uuid");
    assert_eq!(ty("v"), "character varying(20)");
    assert_eq!(ty("n"), "numeric(10,2)");
    assert_eq!(ty("z"), "timestamp(6) with time zone");
    assert_eq!(ty("q"), "text");
    assert_eq!(s.unsupported.len(), 1);
    assert_eq!(s.unsupported[0].feature, "native type `@db.Tsvector`");
}

#[test]
fn defaults() {
    let s = read(
        "enum E {\n  A @map(\"a\")\n  B\n}\nmodel T {\n  id Int @id @default(autoincrement())\n  u String @default(uuid())\n  c String @default(cuid())\n  n DateTime @default(now())\n  g String @default(dbgenerated(\"gen_random_uuid()::text\"))\n  s String @default(\"it's\")\n  b Boolean @default(false)\n  e E @default(A)\n  l E[] @default([A, B])\n  x Bytes @default(\"aGVsbG8=\")\n  k Int @default(sequence())\n}",
    );
    let t = &s.schema.tables[&public("T")];
    let d = |c: &str| t.columns[c].default.as_deref();
    assert_eq!(d("id"), Some("nextval('T_id_seq'::regclass)"));
    assert!(s.schema.other_relations.contains_key(&public("T_id_seq")));
    assert_eq!(d("u"), None);
    assert_eq!(d("c"), None);
    // One canonical spelling for `now()` and `CURRENT_TIMESTAMP`.
    assert_eq!(d("n"), Some("now()"));
    assert_eq!(d("g"), Some("gen_random_uuid()::text"));
    assert_eq!(d("s"), Some("'it''s'"));
    assert_eq!(d("b"), Some("false"));
    assert_eq!(d("e"), Some("'a'"));
    // The catalog casts the elements, not the array: the canonical form has neither.
    assert_eq!(d("l"), Some("ARRAY['a', 'B']"));
    // PostgreSQL's deparse writes the backslash as an escape string.
    assert_eq!(d("x"), Some("E'\\\\x68656c6c6f'"));
    assert_eq!(d("k"), None);
    assert_eq!(
        s.unsupported
            .iter()
            .map(|u| u.feature.as_str())
            .collect::<Vec<_>>(),
        ["default `sequence()` of field `k` (CockroachDB only)"]
    );
}

#[test]
fn keys_indexes_and_their_names() {
    let s = read(
        "model T {\n  a Int\n  b Int\n  c String @unique\n  @@id([a, b])\n  @@unique([b, c], map: \"bc\")\n  @@index([c(sort: Desc), a], type: Hash)\n  @@index([c(ops: raw(\"text_pattern_ops\"))])\n}",
    );
    let indexes: Vec<(&str, bool, bool, &str)> = s
        .schema
        .indexes
        .values()
        .map(|i| (i.name.name.as_str(), i.unique, i.primary, i.method.as_str()))
        .collect();
    assert_eq!(
        indexes,
        [
            ("T_c_key", true, false, "btree"),
            ("T_pkey", true, true, "btree"),
            ("bc", true, false, "btree"),
            ("T_c_a_idx", false, false, "hash"),
            ("T_c_idx", false, false, "btree"),
        ]
    );
    let hash = &s.schema.indexes[&public("T_c_a_idx")];
    assert!(hash.keys[0].desc && hash.keys[0].nulls_first && !hash.keys[1].desc);
    let ops = &s.schema.indexes[&public("T_c_idx")];
    assert_eq!(ops.keys[0].opclass.as_deref(), Some("text_pattern_ops"));
    let t = &s.schema.tables[&public("T")];
    assert_eq!(t.primary_key().unwrap().columns, ["a", "b"]);
    // A unique field is an index, not a constraint, as Prisma creates it.
    assert_eq!(t.constraints.len(), 1);
}

#[test]
fn relations_default_actions_and_mapped_names() {
    let s = read(
        "model User {\n  id Int @id @map(\"user_id\")\n  posts Post[]\n  @@map(\"users\")\n}\nmodel Post {\n  id Int @id\n  authorId Int @map(\"author_id\")\n  editorId Int?\n  author User @relation(fields: [authorId], references: [id])\n  editor User? @relation(\"edits\", fields: [editorId], references: [id], onUpdate: NoAction, map: \"edited_by\")\n}",
    );
    let post = &s.schema.tables[&public("Post")];
    let fks: Vec<(&str, &[String], char, char, &str)> = post
        .foreign_keys()
        .map(|(c, fk)| {
            (
                c.name.as_str(),
                c.columns.as_slice(),
                fk.on_delete,
                fk.on_update,
                fk.ref_columns[0].as_str(),
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            (
                "Post_author_id_fkey",
                &["author_id".to_string()][..],
                'r',
                'c',
                "user_id"
            ),
            (
                "edited_by",
                &["editorId".to_string()][..],
                'n',
                'a',
                "user_id"
            ),
        ]
    );
    assert_eq!(
        post.foreign_keys().next().unwrap().1.ref_table,
        public("users")
    );
}

#[test]
fn implicit_many_to_many_gets_a_join_table() {
    let s = read(
        "model Tag {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id String @id @db.Uuid\n  tags Tag[]\n}",
    );
    let join = &s.schema.tables[&public("_PostToTag")];
    assert_eq!(join.columns["A"].type_name, "uuid");
    assert_eq!(join.columns["B"].type_name, "integer");
    assert_eq!(join.primary_key().unwrap().name, "_PostToTag_AB_pkey");
    let fks: Vec<(&str, &str)> = join
        .foreign_keys()
        .map(|(c, fk)| (c.name.as_str(), fk.ref_table.name.as_str()))
        .collect();
    assert_eq!(
        fks,
        [("_PostToTag_A_fkey", "Post"), ("_PostToTag_B_fkey", "Tag")]
    );
    assert!(s.schema.indexes.contains_key(&public("_PostToTag_B_index")));
    assert!(s.schema.indexes[&public("_PostToTag_AB_pkey")].primary);
}

#[test]
fn prisma_5_keys_a_join_table_with_a_unique_index() {
    let text = format!(
        "{DATASOURCE}model Tag {{\n  id Int @id\n  posts Post[]\n}}\nmodel Post {{\n  id Int @id\n  tags Tag[]\n}}"
    );
    let s = super::super::read_text_as("schema.prisma", &text, 5).unwrap();
    let join = &s.schema.tables[&public("_PostToTag")];
    assert!(join.primary_key().is_none());
    let key = &s.schema.indexes[&public("_PostToTag_AB_unique")];
    assert!(key.unique && !key.primary && key.constraint.is_none());
    assert!(!s.schema.indexes.contains_key(&public("_PostToTag_AB_pkey")));
    assert!(
        join.columns["A"].not_null,
        "the columns are NOT NULL either way"
    );
}

#[test]
fn relation_mode_prisma_creates_no_foreign_keys() {
    let s = read_text(
        "schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = \"postgresql://x/db?schema=app\"\n  relationMode = \"prisma\"\n}\nmodel A {\n  id Int @id\n  b B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}",
    )
    .unwrap();
    let b = &s.schema.tables[&QualName::new("app", "B")];
    assert_eq!(b.foreign_keys().count(), 0);
}

#[test]
fn views_composite_types_and_mysql_arguments_are_listed() {
    let s = read(
        "view V {\n  id Int @unique\n}\ntype Address {\n  street String\n}\nmodel T {\n  id Int @id\n  s String\n  @@index([s(length: 10)])\n  @@fulltext([s])\n}",
    );
    let features: Vec<&str> = s.unsupported.iter().map(|u| u.feature.as_str()).collect();
    assert_eq!(
        features,
        [
            "view `V` (Prisma Migrate does not create views)",
            "composite type `Address` (MongoDB only)",
            "index argument `length` of field `s` (MySQL only)",
            "`@@fulltext` index (MySQL and MongoDB only)",
        ]
    );
    assert!(!s.schema.tables.contains_key(&public("V")));
    let text = format!("{DATASOURCE}view V {{\n  id Int @unique\n}}");
    let view = read_text("x", &text).unwrap().unsupported[0].span.clone();
    assert_eq!(&text[view], "view V {\n  id Int @unique\n}");
}

#[test]
fn semantic_errors_have_positions() {
    let cases: &[(&str, &str)] = &[
        (
            "model T {\n  id Int @id\n  x Foo\n}",
            "7:3: field `x` has unknown type `Foo`",
        ),
        (
            "model T {\n  id Int @id\n  @@index([nope])\n}",
            "model `T` has no field `nope`",
        ),
        (
            "model T {\n  id Int @id\n  @@id([id])\n}",
            "7:3: model `T` has more than one primary key",
        ),
        (
            "model T {\n  id Int @id @default()\n}",
            "6:14: `@default` needs a value",
        ),
        (
            "model T {\n  id Int @id\n  @@index([id], type: Nope)\n}",
            "unknown index type `Nope`",
        ),
    ];
    for (models, want) in cases {
        let e = read_text("s.prisma", &format!("{DATASOURCE}{models}")).unwrap_err();
        assert!(e.to_string().contains(want), "{models}: {e}");
    }
    let e = read_text("s.prisma", "datasource db {\n  provider = \"mysql\"\n}").unwrap_err();
    assert!(e.to_string().contains("PostgreSQL schemas only"), "{e}");
    let e = read_text("s.prisma", "model T {\n  id Int @id\n}").unwrap_err();
    assert!(e.to_string().contains("no datasource"), "{e}");
}

#[test]
fn partial_indexes_read_a_raw_predicate() {
    let s = read(
        "model T {\n  id Int @id\n  a Int\n  deleted Boolean\n  @@unique([a], where: raw(\"NOT deleted\"))\n  @@index([a], where: { deleted: false })\n}",
    );
    let unique = &s.schema.indexes[&public("T_a_key")];
    let predicate = unique.predicate.as_ref().unwrap();
    assert_eq!(predicate.text(), "NOT deleted");
    assert_eq!(predicate.columns, ["deleted"]);
    let plain = &s.schema.indexes[&public("T_a_idx")];
    assert!(plain.predicate.is_none());
    assert_eq!(
        s.unsupported[0].feature,
        "index `where` given as an object (only `raw(\"…\")` is read)"
    );
    let e = read_text(
        "s.prisma",
        &format!("{DATASOURCE}model T {{\n  a Int @id\n  @@index([a], where: raw(\"a >\"))\n}}"),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("7:23: the index predicate is not a SQL expression"),
        "{e}"
    );
}

#[test]
fn operator_class_constants() {
    assert_eq!(operator_class("JsonbPathOps"), "jsonb_path_ops");
    assert_eq!(operator_class("InetOps"), "inet_ops");
    assert_eq!(
        operator_class("Int4MinMaxMultiOps"),
        "int4_minmax_multi_ops"
    );
    assert_eq!(
        operator_class("TimestampTzBloomOps"),
        "timestamptz_bloom_ops"
    );
    assert_eq!(operator_class("VarBitMinMaxOps"), "varbit_minmax_ops");
}

#[test]
fn datetime_and_bytes_literals() {
    assert_eq!(
        prisma_datetime("2020-01-02T03:04:05Z"),
        "2020-01-02 03:04:05 +00:00"
    );
    assert_eq!(
        prisma_datetime("2020-01-02T03:04:05.5+02:00"),
        "2020-01-02 03:04:05.5 +02:00"
    );
    assert_eq!(base64_hex("aGVsbG8="), Some("68656c6c6f".into()));
    assert_eq!(base64_hex("not base64!"), None);
}
