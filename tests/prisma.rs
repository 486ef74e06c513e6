//! `schema.prisma` as a schema source.
//!
//! Differential: each fixture's `schema.prisma` is read by driftlint and compared with the
//! replay of its migrations, whose first migration `prisma migrate diff` (6.19) generated from
//! the same file; they must agree except for what a hand-written migration changes on purpose.
//! Oracle: Prisma's own schema parser (`@prisma/prisma-schema-wasm`, run by
//! `tests/prisma-oracle/dmmf.js`) reads each fixture, and its models, fields, ids, uniques,
//! indexes and relations must be what driftlint modelled.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use driftlint::check::{CheckOptions, check};
use driftlint::config::Exclude;
use driftlint::drift::{Reference, SideSpec, check_with_reference, run_diff};
use driftlint::schema::diff::{Side, diff};
use driftlint::schema::{ConstraintKind, KeyTarget, Origin, QualName, RelKind, Schema};
use driftlint::source::prisma;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

const FIXTURES: &[&str] = &["prisma-full", "prisma-native", "prisma-basic"];

fn replayed(name: &str) -> (Schema, Vec<(String, String)>) {
    let run = check(
        &CheckOptions {
            paths: vec![fixture(&format!("{name}/prisma/migrations"))],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let findings = run
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect();
    (run.schema, findings)
}

fn from_prisma(name: &str) -> prisma::PrismaSchema {
    prisma::read(&fixture(&format!("{name}/prisma/schema.prisma"))).unwrap()
}

/// `rule object` of every difference between the replayed migrations and schema.prisma.
fn drift(name: &str) -> Vec<String> {
    let (migrations, _) = replayed(name);
    let schema = from_prisma(name).schema;
    let found = diff(
        Side {
            schema: &migrations,
            label: "migrations",
        },
        Side {
            schema: &schema,
            label: "prisma schema",
        },
    );
    let mut out: Vec<String> = driftlint::rules::drift_findings(&found)
        .iter()
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    out.sort();
    out
}

fn sequences(schema: &Schema) -> BTreeSet<&QualName> {
    schema
        .other_relations
        .iter()
        .filter(|(_, r)| r.kind == RelKind::Sequence)
        .map(|(n, _)| n)
        .collect()
}

#[test]
fn schema_prisma_equals_the_replay_of_the_sql_prisma_generated() {
    let expected: &[(&str, &[&str])] = &[
        (
            "prisma-full",
            // The hand-written partial index; the other hand-written index names the field
            // `displayName` instead of its column `display_name`, so it is never created.
            &[
                "drift-index index `Post_published_authorId_idx` on `public.\"Post\"` is in migrations, not in prisma schema",
            ],
        ),
        ("prisma-native", &[]),
        (
            "prisma-basic",
            // Hand-written in Prisma's style: 0002 renames `published` to `isPublished`, so
            // 0003's index on (`published`, `createdAt`) fails and the schema's index on
            // (`isPublished`, `createdAt`) never exists.
            &[
                "drift-index index `Post_isPublished_createdAt_idx` on `public.\"Post\"` is in prisma schema, not in migrations",
            ],
        ),
    ];
    for (name, want) in expected {
        let found = drift(name);
        assert_eq!(found, *want, "{name}: {found:#?}");
    }
}

#[test]
fn enums_extensions_schemas_and_sequences_agree_with_the_replay() {
    for name in FIXTURES {
        let (migrations, _) = replayed(name);
        let schema = from_prisma(name).schema;
        assert_eq!(migrations.enums, schema.enums, "{name}: enums");
        let keys =
            |m: &indexmap::IndexMap<String, _>| -> BTreeSet<String> { m.keys().cloned().collect() };
        assert_eq!(
            keys(&migrations.extensions),
            keys(&schema.extensions),
            "{name}: extensions"
        );
        assert_eq!(
            keys(&migrations.schemas),
            keys(&schema.schemas),
            "{name}: schemas"
        );
        assert_eq!(
            sequences(&migrations),
            sequences(&schema),
            "{name}: sequences"
        );
    }
}

#[test]
fn the_full_fixture_models_every_feature() {
    let read = from_prisma("prisma-full");
    let s = &read.schema;
    assert_eq!(s.tables.len(), 10, "9 models and one join table");
    assert_eq!(
        s.extensions.keys().collect::<Vec<_>>(),
        ["citext", "pgcrypto", "pg_trgm"]
    );
    // The only thing not modelled is the view, reported with its place in the file.
    let features: Vec<&str> = read
        .unsupported
        .iter()
        .map(|u| u.feature.as_str())
        .collect();
    assert_eq!(
        features,
        ["view `ActiveUser` (Prisma Migrate does not create views)"]
    );
    let text = std::fs::read_to_string(&read.files[0]).unwrap();
    assert!(text[read.unsupported[0].span.clone()].starts_with("view ActiveUser {"));
    // PostgreSQL truncates the 64-byte table name; Prisma named its constraints before that.
    let audit = QualName::new(
        "public",
        "AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndee",
    );
    let t = &s.tables[&audit];
    assert_eq!(
        t.primary_key().unwrap().name,
        "AuditTrailEntryForCompliancePurposesWithAVeryLongModelName_pkey"
    );
    let invoice_lines = &s.tables[&QualName::new("billing", "invoice_lines")];
    let (fk, target) = invoice_lines.foreign_keys().next().unwrap();
    assert_eq!(fk.columns, ["invoiceYear", "invoiceNumber"]);
    assert_eq!(target.ref_table, QualName::new("billing", "invoices"));
    assert_eq!(target.ref_columns, ["year", "number"]);
    assert_eq!((target.on_delete, target.on_update), ('c', 'c'));
}

#[test]
fn the_hand_written_migration_is_what_check_reports() {
    let (_, findings) = replayed("prisma-full");
    let missing: Vec<&String> = findings
        .iter()
        .filter(|(rule, _)| rule == "index-missing-column")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(missing.len(), 1, "{findings:#?}");
    assert!(missing[0].contains("displayName"), "{}", missing[0]);
}

// ---- Oracle: Prisma's own parser ------------------------------------------------------------

fn oracle_dir() -> PathBuf {
    root().join("tests").join("prisma-oracle")
}

/// The DMMF of each fixture from `tests/prisma-oracle/dmmf.js`, or `None` when Node.js is not
/// installed (then the test is skipped, except under CI=true where it fails).
fn dmmf() -> Option<Value> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let node_ok = Command::new("node").arg("--version").output().is_ok();
    if !node_ok {
        assert!(!ci, "CI=true: node is required for the Prisma oracle");
        eprintln!("skipped: node is not installed");
        return None;
    }
    let dir = oracle_dir();
    if !dir.join("node_modules").join("@prisma").is_dir() {
        // The package is pinned by package-lock.json; npm reads it from the registry once.
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&dir)
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => {
                assert!(
                    !ci,
                    "CI=true: `npm ci` in tests/prisma-oracle failed: {other:?}"
                );
                eprintln!("skipped: cannot install the oracle: {other:?}");
                return None;
            }
        }
    }
    let schemas: Vec<PathBuf> = FIXTURES
        .iter()
        .map(|n| fixture(&format!("{n}/prisma/schema.prisma")))
        .collect();
    let out = Command::new("node")
        .arg(dir.join("dmmf.js"))
        .args(&schemas)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "dmmf.js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Views of the fixtures: the DMMF lists them among the models, Prisma Migrate creates none.
const VIEWS: &[&str] = &["ActiveUser"];

/// Columns driftlint models that the DMMF leaves out: `Unsupported("…")` fields.
const UNSUPPORTED_TYPE_COLUMNS: &[&str] = &["public.users.location"];

#[test]
fn prismas_own_parser_agrees_on_models_fields_keys_and_relations() {
    let Some(dmmf) = dmmf() else {
        return;
    };
    for name in FIXTURES {
        let path = fixture(&format!("{name}/prisma/schema.prisma"));
        let dm = &dmmf[path.to_str().unwrap()];
        let read = from_prisma(name);
        compare_with_dmmf(name, dm, &read.schema);
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn array<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Everything the DMMF says about tables, columns, keys, indexes and relations, checked
/// against driftlint's model of the same schema.
fn compare_with_dmmf(name: &str, dm: &Value, schema: &Schema) {
    let models: Vec<&Value> = array(dm, "models")
        .iter()
        .filter(|m| !VIEWS.contains(&str_of(m, "name").unwrap()))
        .collect();
    let table_of = |model: &str| -> QualName {
        let m = models
            .iter()
            .find(|m| str_of(m, "name") == Some(model))
            .unwrap();
        QualName::new(
            str_of(m, "schema").unwrap_or("public"),
            str_of(m, "dbName").unwrap_or(model),
        )
    };
    let column_of = |model: &str, field: &str| -> String {
        let m = models
            .iter()
            .find(|m| str_of(m, "name") == Some(model))
            .unwrap();
        let f = array(m, "fields")
            .iter()
            .find(|f| str_of(f, "name") == Some(field))
            .unwrap();
        str_of(f, "dbName").unwrap_or(field).to_string()
    };
    // Models and tables, both ways (implicit join tables are not models).
    let from_dmmf: BTreeSet<QualName> = models
        .iter()
        .map(|m| table_of(str_of(m, "name").unwrap()))
        .map(|q| QualName::new(q.schema, &q.name[..q.name.len().min(63)]))
        .collect();
    let modelled: BTreeSet<QualName> = schema
        .tables
        .keys()
        .filter(|q| !q.name.starts_with('_'))
        .cloned()
        .collect();
    assert_eq!(from_dmmf, modelled, "{name}: tables");
    for m in &models {
        let model = str_of(m, "name").unwrap();
        let full = table_of(model);
        let qn = QualName::new(full.schema.clone(), &full.name[..full.name.len().min(63)]);
        let table = &schema.tables[&qn];
        let mut columns = BTreeSet::new();
        for f in array(m, "fields") {
            let kind = str_of(f, "kind").unwrap();
            let field = str_of(f, "name").unwrap();
            let list = f["isList"].as_bool().unwrap();
            let required = f["isRequired"].as_bool().unwrap();
            match kind {
                "scalar" | "enum" => {
                    let column = column_of(model, field);
                    let c = table
                        .columns
                        .get(&column)
                        .unwrap_or_else(|| panic!("{name}: {qn}.{column} missing"));
                    assert_eq!(
                        c.not_null,
                        required && !list,
                        "{name}: {qn}.{column} nullability"
                    );
                    assert_eq!(
                        c.type_name.ends_with("[]"),
                        list,
                        "{name}: {qn}.{column} list"
                    );
                    if kind == "enum" {
                        let e = array(dm, "enums")
                            .iter()
                            .find(|e| str_of(e, "name") == str_of(f, "type"))
                            .unwrap();
                        let db = str_of(e, "dbName").unwrap_or(str_of(e, "name").unwrap());
                        assert_eq!(
                            c.type_name.trim_end_matches("[]"),
                            db,
                            "{name}: {qn}.{column}"
                        );
                    }
                    if let Some(native) = f.get("nativeType").and_then(Value::as_array) {
                        let word = native[0].as_str().unwrap();
                        let args: Vec<&str> = native[1]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| a.as_str().unwrap())
                            .collect();
                        assert_eq!(
                            c.type_name.trim_end_matches("[]"),
                            expected_native(word, &args),
                            "{name}: {qn}.{column} @db.{word}"
                        );
                    }
                    columns.insert(column);
                }
                "object" => {
                    let from = array(f, "relationFromFields");
                    if from.is_empty() {
                        continue;
                    }
                    let target = str_of(f, "type").unwrap();
                    let want_columns: Vec<String> = from
                        .iter()
                        .map(|x| column_of(model, x.as_str().unwrap()))
                        .collect();
                    let want_refs: Vec<String> = array(f, "relationToFields")
                        .iter()
                        .map(|x| column_of(target, x.as_str().unwrap()))
                        .collect();
                    let (_, fk) = table
                        .foreign_keys()
                        .find(|(c, _)| c.columns == want_columns)
                        .unwrap_or_else(|| panic!("{name}: no FK on {qn} {want_columns:?}"));
                    let target_table = table_of(target);
                    assert_eq!(fk.ref_table.schema, target_table.schema, "{name}: {qn}");
                    assert!(
                        target_table.name.starts_with(&fk.ref_table.name),
                        "{name}: {qn}"
                    );
                    assert_eq!(fk.ref_columns, want_refs, "{name}: {qn}");
                    let action = |v: Option<&str>| match v {
                        Some("Cascade") => Some('c'),
                        Some("Restrict") => Some('r'),
                        Some("NoAction") => Some('a'),
                        Some("SetNull") => Some('n'),
                        Some("SetDefault") => Some('d'),
                        _ => None,
                    };
                    if let Some(a) = action(str_of(f, "relationOnDelete")) {
                        assert_eq!(fk.on_delete, a, "{name}: {qn} onDelete");
                    }
                    if let Some(a) = action(str_of(f, "relationOnUpdate")) {
                        assert_eq!(fk.on_update, a, "{name}: {qn} onUpdate");
                    }
                }
                other => panic!("{name}: {model}.{field}: unexpected kind {other}"),
            }
        }
        let extra: Vec<String> = table
            .columns
            .keys()
            .filter(|c| !columns.contains(*c))
            .map(|c| format!("{}.{}.{c}", qn.schema, qn.name))
            .filter(|c| !UNSUPPORTED_TYPE_COLUMNS.contains(&c.as_str()))
            .collect();
        assert!(
            extra.is_empty(),
            "{name}: columns the DMMF does not have: {extra:?}"
        );
    }
    // Ids, uniques and indexes: same columns in the same order, sort, operator class, method
    // and (where the schema maps it) name.
    let indexes: Vec<&Value> = array(dm, "indexes")
        .iter()
        .filter(|i| !VIEWS.contains(&str_of(i, "model").unwrap()))
        .collect();
    for ix in &indexes {
        let model = str_of(ix, "model").unwrap();
        let full = table_of(model);
        let qn = QualName::new(full.schema.clone(), &full.name[..full.name.len().min(63)]);
        let fields = array(ix, "fields");
        let want: Vec<(String, bool)> = fields
            .iter()
            .map(|f| {
                (
                    column_of(model, str_of(f, "name").unwrap()),
                    str_of(f, "sortOrder") == Some("desc"),
                )
            })
            .collect();
        let kind = str_of(ix, "type").unwrap();
        let candidates: Vec<_> = schema
            .indexes
            .values()
            .filter(|i| i.table == qn)
            .filter(|i| match kind {
                "id" => i.primary,
                "unique" => i.unique && !i.primary,
                "normal" => !i.unique,
                _ => false,
            })
            .filter(|i| {
                let got: Vec<(String, bool)> = i
                    .keys
                    .iter()
                    .map(|k| match &k.target {
                        KeyTarget::Column(c) => (c.clone(), k.desc),
                        KeyTarget::Expr(e) => (e.text().to_string(), k.desc),
                    })
                    .collect();
                got == want
            })
            .filter(|i| str_of(ix, "dbName").is_none_or(|n| i.name.name == n))
            .filter(|i| {
                let method =
                    str_of(ix, "algorithm").map_or("btree".into(), str::to_ascii_lowercase);
                i.method == method
            })
            .collect();
        assert_eq!(
            candidates.len(),
            1,
            "{name}: {kind} index on {qn} {want:?}: {candidates:#?}"
        );
        let index = candidates[0];
        for (f, key) in fields.iter().zip(&index.keys) {
            if let Some(ops) = str_of(f, "operatorClass") {
                let opclass = key.opclass.as_deref().unwrap_or("");
                assert_eq!(
                    opclass.replace('_', ""),
                    ops.to_ascii_lowercase().replace('_', ""),
                    "{name}: {qn} opclass"
                );
            }
        }
        if kind == "id" {
            let pk = schema.tables[&qn].primary_key().unwrap();
            assert_eq!(pk.kind, ConstraintKind::PrimaryKey);
            let want_columns: Vec<&String> = want.iter().map(|(c, _)| c).collect();
            assert_eq!(
                pk.columns.iter().collect::<Vec<_>>(),
                want_columns,
                "{name}: {qn} pk"
            );
        }
    }
    // Every index driftlint modelled on a model's table is one the DMMF lists.
    let on_models = schema
        .indexes
        .values()
        .filter(|i| !i.table.name.starts_with('_'))
        .count();
    assert_eq!(on_models, indexes.len(), "{name}: index count");
    // Enum labels.
    for e in array(dm, "enums") {
        let labels: Vec<&str> = array(e, "values")
            .iter()
            .map(|v| str_of(v, "dbName").unwrap_or(str_of(v, "name").unwrap()))
            .collect();
        let db = str_of(e, "dbName").unwrap_or(str_of(e, "name").unwrap());
        let found = schema
            .enums
            .iter()
            .find(|(q, _)| q.name == db)
            .unwrap_or_else(|| panic!("{name}: enum {db}"));
        assert_eq!(found.1, &labels, "{name}: enum {db}");
    }
}

/// The type PostgreSQL reports for a `@db.*` native type of the DMMF, written out here
/// independently of the reader.
fn expected_native(word: &str, args: &[&str]) -> String {
    let mods = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(","))
    };
    let (base, zone) = match word {
        "Timestamp" => ("timestamp", Some("without time zone")),
        "Timestamptz" => ("timestamp", Some("with time zone")),
        "Time" => ("time", Some("without time zone")),
        "Timetz" => ("time", Some("with time zone")),
        "VarChar" => ("character varying", None),
        // Without a length PostgreSQL makes both one character (bit) long.
        "Char" if args.is_empty() => return "character(1)".into(),
        "Bit" if args.is_empty() => return "bit(1)".into(),
        "Char" => ("character", None),
        "VarBit" => ("bit varying", None),
        "Decimal" => ("numeric", None),
        "DoublePrecision" => ("double precision", None),
        "ByteA" => ("bytea", None),
        "JsonB" => ("jsonb", None),
        "SmallInt" => ("smallint", None),
        "BigInt" => ("bigint", None),
        other => return format!("{}{mods}", other.to_ascii_lowercase()),
    };
    match zone {
        Some(zone) => format!("{base}{mods} {zone}"),
        None => format!("{base}{mods}"),
    }
}

// ---- Drift a real edit must produce ---------------------------------------------------------

/// `rule message` of every finding of `diff migrations prisma:<edited schema>`, where the
/// fixture's schema.prisma has each `(from, to)` replaced once.
fn drift_after_edit(name: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let mut text =
        std::fs::read_to_string(fixture(&format!("{name}/prisma/schema.prisma"))).unwrap();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "{name}: `{from}` must occur once"
        );
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.prisma");
    std::fs::write(&schema, text).unwrap();
    let run = run_diff(
        &SideSpec::Migrations(fixture(&format!("{name}/prisma/migrations"))),
        &SideSpec::Prisma {
            path: schema,
            major: None,
        },
        None,
        &Exclude::default(),
    )
    .unwrap();
    let mut out: Vec<String> = run
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("drift-"))
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    out.sort();
    out
}

#[test]
fn an_edited_full_schema_drifts_by_exactly_its_edits() {
    let found = drift_after_edit(
        "prisma-full",
        &[
            // A unique index dropped from the schema, still in the migrations.
            (
                "email       String    @unique @db.Citext",
                "email       String    @db.Citext",
            ),
            // Nullability and type.
            (
                "ratio       Float?    @db.Real",
                "ratio       Float     @db.Real",
            ),
            (
                "@default(\"NL\") @db.Char(2)",
                "@default(\"NL\") @db.Char(3)",
            ),
            // An enum value the migrations never added.
            (
                "  GUEST // a trailing comment\n",
                "  GUEST // a trailing comment\n  OWNER\n",
            ),
            // Another referential action.
            (
                "onDelete: Cascade, onUpdate: NoAction, map: \"profile_user_fk\"",
                "onDelete: Restrict, onUpdate: NoAction, map: \"profile_user_fk\"",
            ),
            // An index only in the schema.
            (
                "  @@index([createdAt(sort: Desc)])\n",
                "  @@index([createdAt(sort: Desc)])\n  @@index([role])\n",
            ),
        ],
    );
    let want = [
        "drift-column column `public.users.country` type differs: character(2) vs character(3) (migrations vs prisma schema)",
        "drift-column column `public.users.ratio` nullability differs: nullable vs NOT NULL (migrations vs prisma schema)",
        "drift-constraint constraint `profile_user_fk` on `public.\"Profile\"` differs: FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE ON UPDATE NO ACTION in migrations, FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE RESTRICT ON UPDATE NO ACTION in prisma schema",
        "drift-enum enum type `public.\"Role\"` differs: ('USER', 'admin', 'GUEST') in migrations, ('USER', 'admin', 'GUEST', 'OWNER') in prisma schema",
        "drift-index index `Post_published_authorId_idx` on `public.\"Post\"` is in migrations, not in prisma schema",
        "drift-index index `users_email_key` on `public.users` is in migrations, not in prisma schema",
        "drift-index index `users_role_idx` on `public.users` is in prisma schema, not in migrations",
    ];
    assert_eq!(found, want, "{found:#?}");
}

#[test]
fn an_edited_native_schema_drifts_by_exactly_its_edits() {
    let found = drift_after_edit(
        "prisma-native",
        &[
            // The implicit many-to-many `pair` dropped: its join table is only in migrations.
            ("  ms M2[] @relation(\"pair\")\n", ""),
            ("  ms M1[] @relation(\"pair\")\n", ""),
            ("  SAD @map(\"sad\")\n", "  SAD @map(\"unhappy\")\n"),
            (
                "  x     DateTime @db.Timestamp(0)",
                "  x     DateTime @db.Timestamp(3)",
            ),
        ],
    );
    let want = [
        "drift-column column `public.\"N\".r` default differs: 'sad' vs 'unhappy' (migrations vs prisma schema)",
        "drift-column column `public.\"N\".s` default differs: ARRAY['sad', 'HAPPY'] vs ARRAY['unhappy', 'HAPPY'] (migrations vs prisma schema)",
        "drift-column column `public.\"N\".x` type differs: timestamp(0) without time zone vs timestamp(3) without time zone (migrations vs prisma schema)",
        "drift-enum enum type `public.\"Mood\"` differs: ('HAPPY', 'sad') in migrations, ('HAPPY', 'unhappy') in prisma schema",
        "drift-table table `public._pair` is in migrations, not in prisma schema",
    ];
    assert_eq!(found, want, "{found:#?}");
}

#[test]
fn an_edited_basic_schema_drifts_by_exactly_its_edits() {
    let found = drift_after_edit(
        "prisma-basic",
        &[
            ("  name  String @unique\n", "  name  String\n"),
            ("  name      String?\n", "  name      String\n"),
            ("  @@index([title])\n", ""),
        ],
    );
    let want = [
        "drift-column column `public.\"User\".name` nullability differs: nullable vs NOT NULL (migrations vs prisma schema)",
        "drift-index index `Post_isPublished_createdAt_idx` on `public.\"Post\"` is in prisma schema, not in migrations",
        "drift-index index `Post_title_idx` on `public.\"Post\"` is in migrations, not in prisma schema",
        "drift-index index `Tag_name_key` on `public.\"Tag\"` is in migrations, not in prisma schema",
    ];
    assert_eq!(found, want, "{found:#?}");
}

#[test]
fn an_enum_difference_points_at_the_schemas_enum() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.prisma");
    let text = std::fs::read_to_string(fixture("prisma-basic/prisma/schema.prisma")).unwrap();
    std::fs::write(&schema, text.replacen("  ADMIN\n", "  ADMIN\n  OWNER\n", 1)).unwrap();
    let run = run_diff(
        &SideSpec::Migrations(fixture("prisma-basic/prisma/migrations")),
        &SideSpec::Prisma {
            path: schema.clone(),
            major: None,
        },
        None,
        &Exclude::default(),
    )
    .unwrap();
    let f = run
        .findings
        .iter()
        .find(|f| f.rule == "drift-enum")
        .unwrap();
    let Origin::Sql { file, start, .. } = f.origin else {
        panic!("{:?}", f.origin)
    };
    assert_eq!(run.files[file as usize].path, schema);
    assert!(run.files[file as usize].text[start as usize..].starts_with("enum Role {"));
    assert_eq!(
        run.labels,
        ("migrations".to_string(), "prisma schema".to_string())
    );
}

#[test]
fn check_prisma_takes_the_tables_from_the_schema_and_suggests_the_column() {
    let run = check_with_reference(
        &CheckOptions {
            paths: vec![fixture(
                "prisma-full/prisma/migrations/20250315090000_hand_written_indexes",
            )],
            layout: None,
            ..Default::default()
        },
        Some(&Reference::Prisma {
            path: fixture("prisma-full"),
            major: None,
        }),
        &Exclude::default(),
    )
    .unwrap();
    let missing = run
        .findings
        .iter()
        .find(|f| f.rule == "index-missing-column")
        .expect("the wrong column is reported");
    assert!(
        missing.message.contains("`displayName`"),
        "{}",
        missing.message
    );
    assert_eq!(
        missing.help.as_deref(),
        Some("did you mean `display_name`?")
    );
    // The table comes from the schema: the related location is the model's line there.
    let related = &missing.related[0];
    let Origin::Sql { file, start, .. } = related.origin else {
        panic!("{:?}", related.origin)
    };
    let file = &run.files[file as usize];
    assert!(
        file.path.ends_with("prisma-full/prisma/schema.prisma"),
        "{:?}",
        file.path
    );
    assert!(file.text[start as usize..].starts_with("model User {"));
    // The view is reported where it is declared, not dropped.
    let view = run
        .findings
        .iter()
        .find(|f| f.rule == "prisma-unsupported")
        .expect("the view is reported");
    assert!(
        view.message.starts_with("view `ActiveUser`"),
        "{}",
        view.message
    );
    // Nothing else is wrong with the hand-written partial index.
    assert!(
        !run.findings
            .iter()
            .any(|f| f.rule.starts_with("index-")
                && f.message.contains("Post_published_authorId_idx")),
        "{:#?}",
        run.findings
    );
}

#[test]
fn a_prisma_5_project_keys_join_tables_with_a_unique_index() {
    let dir = tempfile::tempdir().unwrap();
    let prisma_dir = dir.path().join("prisma");
    std::fs::create_dir_all(&prisma_dir).unwrap();
    std::fs::copy(
        fixture("prisma-basic/prisma/schema.prisma"),
        prisma_dir.join("schema.prisma"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"devDependencies": {"prisma": "^5.22.0"}}"#,
    )
    .unwrap();
    // From package.json, and overridden by the caller.
    let five = prisma::load_with(dir.path(), 0, None).unwrap();
    assert_eq!(five.major, 5);
    let tags = QualName::new("public", "_PostToTag");
    assert!(five.schema.tables[&tags].primary_key().is_none());
    assert!(
        five.schema
            .indexes
            .contains_key(&QualName::new("public", "_PostToTag_AB_unique"))
    );
    let six = prisma::load_with(dir.path(), 0, Some(6)).unwrap();
    assert_eq!(
        six.schema.tables[&tags].primary_key().unwrap().name,
        "_PostToTag_AB_pkey"
    );
}

// ---- Three ways: schema.prisma, the replay, and the database the migrations build ------------

/// The drift messages of `a` against `b`, sorted.
fn drift_messages(a: (&Schema, &str), b: (&Schema, &str)) -> Vec<String> {
    let found = diff(
        Side {
            schema: a.0,
            label: a.1,
        },
        Side {
            schema: b.0,
            label: b.1,
        },
    );
    let mut out: Vec<String> = found
        .differences
        .iter()
        .map(|d| d.message.clone())
        .collect();
    out.sort();
    out
}

/// Applies a fixture's migrations to a throw-away PostgreSQL, introspects it, and compares it
/// with the replay and with schema.prisma. The replay must agree with the database except for
/// `defaults` (column names whose default PostgreSQL stores in another spelling than the
/// migration's, which the comparison does not yet treat as equal); schema.prisma must agree
/// with the database except for those and `expected` (what the fixture's hand-written
/// migrations change on purpose).
fn three_ways(
    pg: support::TestPg,
    name: &str,
    rejected: &[&str],
    defaults: &[&str],
    expected: &[&str],
) {
    let migrations = fixture(&format!("{name}/prisma/migrations"));
    let failed = support::apply_fixture(&pg, &migrations);
    let failed_ok =
        failed.len() == rejected.len() && failed.iter().zip(rejected).all(|(f, r)| f.contains(r));
    assert!(
        failed_ok,
        "{name}: statements PostgreSQL rejected: {failed:#?}"
    );
    let (live, _, _) = driftlint::live::introspect(
        &driftlint::source::database::ConnectOptions::new(pg.conninfo()),
    )
    .expect("introspect");
    let spelled_otherwise = |m: &String| {
        defaults
            .iter()
            .any(|c| m.starts_with(&format!("column `{c}` default differs: ")))
    };
    let (replayed, _) = replayed(name);
    let replay_vs_db = drift_messages((&replayed, "migrations"), (&live.schema, "database"));
    let (known, other): (Vec<String>, Vec<String>) =
        replay_vs_db.into_iter().partition(spelled_otherwise);
    assert_eq!(other, Vec::<String>::new(), "{name}: replay vs database");
    assert_eq!(known.len(), defaults.len(), "{name}: {known:#?}");
    let mut schema = from_prisma(name).schema;
    prisma::compare::adopt_sequence_names(&mut schema, &live.schema);
    let schema_vs_db = drift_messages((&schema, "prisma schema"), (&live.schema, "database"));
    let (known, other): (Vec<String>, Vec<String>) =
        schema_vs_db.into_iter().partition(spelled_otherwise);
    assert_eq!(other, expected, "{name}: schema.prisma vs database");
    assert_eq!(known.len(), defaults.len(), "{name}: {known:#?}");
}

#[test]
fn the_full_fixture_agrees_three_ways() {
    let Some(pg) = support::TestPg::start() else {
        return;
    };
    three_ways(
        pg,
        "prisma-full",
        &["column \"displayName\" does not exist"],
        // `ARRAY['USER']::"Role"[]` is stored as `ARRAY['USER'::"Role"]`, `-1` on a smallint
        // as `'-1'::integer`: the comparison treats both as the values they are.
        &[],
        &[
            "index `Post_published_authorId_idx` on `public.\"Post\"` is in database, not in prisma schema",
        ],
    );
}

#[test]
fn the_native_fixture_agrees_three_ways() {
    let Some(pg) = support::TestPg::start() else {
        return;
    };
    // `'2020-01-02 03:04:05 +00:00'` on a timestamp(3) column is stored converted, without
    // the zone, and the enum array as above: both compare equal.
    three_ways(pg, "prisma-native", &[], &[], &[]);
}

#[test]
fn the_basic_fixture_agrees_three_ways() {
    let Some(pg) = support::TestPg::start() else {
        return;
    };
    three_ways(
        pg,
        "prisma-basic",
        &["column \"published\" does not exist"],
        &[],
        &[
            "index `Post_isPublished_createdAt_idx` on `public.\"Post\"` is in prisma schema, not in database",
        ],
    );
}

// ---- The command line ---------------------------------------------------------------------

fn driftlint(args: &[&str]) -> std::process::Output {
    use assert_cmd::cargo::CommandCargoExt;
    Command::cargo_bin("driftlint")
        .unwrap()
        .current_dir(root())
        .env_remove("DATABASE_URL")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_cli_diffs_a_prisma_side_and_checks_against_one() {
    let out = driftlint(&[
        "diff",
        "testdata/prisma-full/prisma/migrations",
        "prisma:testdata/prisma-full",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "drift is a warning: exit 1");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            (
                "drift-index",
                "testdata/prisma-full/prisma/migrations/20250315090000_hand_written_indexes/migration.sql"
            ),
            (
                "prisma-unsupported",
                "testdata/prisma-full/prisma/schema.prisma"
            ),
        ]
    );
    let out = driftlint(&[
        "check",
        "--prisma",
        "testdata/prisma-full/prisma/schema.prisma",
        "testdata/prisma-full/prisma/migrations/20250315090000_hand_written_indexes",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("did you mean `display_name`?"), "{text}");
    assert!(text.contains("prisma/schema.prisma:36:1"), "{text}");
    let out = driftlint(&[
        "check",
        "--prisma",
        "testdata/prisma-full",
        "--database",
        "postgresql://localhost/none",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--database and --prisma cannot be combined")
    );
    let out = driftlint(&[
        "diff",
        "testdata/prisma-full/prisma/migrations",
        "prisma:testdata/nowhere",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("testdata/nowhere"));
}
