//! drizzle-kit snapshots as a [`Schema`]: the ORM's idea of the database.
//!
//! Reads every snapshot format drizzle-kit has written for PostgreSQL: version 5 (`"dialect": "pg"`), 6 and 7 (table maps, every key added during
//! version 7's life optional) and drizzle-kit 1.x's versions 8 and 9 (a flat `ddl` entity list).
//! Constraint-backed indexes are built as PostgreSQL builds them, so that the model compares
//! equal to the replay of the SQL drizzle-kit generated from the same schema.
//!
//! The parts: this module finds and reads the files of an out folder; `snapshot` turns a
//! parsed snapshot into the model (`tables` for versions 5–7, `ddl` for 8 and 9).

mod ddl;
mod snapshot;
mod tables;

pub use snapshot::{SnapshotError, from_json, normalise_default, normalise_type};

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use super::drizzle_ts;
use crate::schema::{Origin, Schema};

/// Why a Drizzle source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DrizzleError {
    /// A snapshot's content is not one driftlint can read.
    #[error("{}: {source}", path.display())]
    Snapshot {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: SnapshotError,
    },
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A snapshot is not JSON, or not a PostgreSQL snapshot.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Nothing Drizzle-like at the path.
    #[error(
        "{}: no drizzle-kit snapshot (meta/*_snapshot.json or <folder>/snapshot.json) and no TypeScript schema found; pass an out folder, a snapshot file or schema.ts",
        path.display()
    )]
    NothingFound {
        /// The path given.
        path: PathBuf,
    },
}

/// Something a Drizzle source declares that driftlint does not evaluate (a computed name, a
/// spread): reported as info instead of guessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// What was skipped, in one sentence.
    pub message: String,
    /// Where: a Drizzle file of the source and a byte range in it.
    pub origin: Origin,
}

/// A Drizzle source read into the model.
#[derive(Debug)]
pub struct DrizzleSchema {
    /// The schema.
    pub schema: Schema,
    /// The files read, in the order of their ids (`first_file`, `first_file + 1`, …).
    pub files: Vec<PathBuf>,
    /// What could not be evaluated statically.
    pub unsupported: Vec<Unsupported>,
}

/// Reads a Drizzle source: an out folder (its latest snapshot), a snapshot file, a `.ts` schema
/// file or a folder of them. File ids in origins start at `first_file`.
pub fn load(path: &Path, first_file: u32) -> Result<DrizzleSchema, DrizzleError> {
    let io = |e| DrizzleError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        if has_extension(path, "json") {
            let schema = read_snapshot(path, first_file)?;
            return Ok(DrizzleSchema {
                schema,
                files: vec![path.to_path_buf()],
                unsupported: Vec::new(),
            });
        }
        return drizzle_ts::load(&[path.to_path_buf()], first_file);
    }
    if let Some(snapshot) = latest_snapshot(path)? {
        let schema = read_snapshot(&snapshot, first_file)?;
        return Ok(DrizzleSchema {
            schema,
            files: vec![snapshot],
            unsupported: Vec::new(),
        });
    }
    let ts = drizzle_ts::schema_files(path).map_err(io)?;
    if ts.is_empty() {
        return Err(DrizzleError::NothingFound {
            path: path.to_path_buf(),
        });
    }
    drizzle_ts::load(&ts, first_file)
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// The latest snapshot of an out folder: the last journal entry that has one (drizzle-kit
/// 0.x), or the last migration folder's `snapshot.json` by name (1.x). `None` when the folder
/// holds no snapshot at all.
pub fn latest_snapshot(out: &Path) -> Result<Option<PathBuf>, DrizzleError> {
    let meta = out.join("meta");
    let journal = meta.join("_journal.json");
    if journal.is_file() {
        for tag in journal_tags(&journal)?.iter().rev() {
            let candidate = meta.join(format!("{}_snapshot.json", tag_prefix(tag)));
            if candidate.is_file() {
                return Ok(Some(candidate));
            }
        }
    }
    if meta.is_dir() {
        let mut snapshots: Vec<PathBuf> = list_dir(&meta)?
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with("_snapshot.json"))
            })
            .collect();
        snapshots.sort();
        if let Some(last) = snapshots.pop() {
            return Ok(Some(last));
        }
    }
    let mut folders: Vec<PathBuf> = list_dir(out)?
        .into_iter()
        .filter(|p| p.join("snapshot.json").is_file())
        .collect();
    folders.sort();
    Ok(folders.pop().map(|f| f.join("snapshot.json")))
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, DrizzleError> {
    let entries = fs::read_dir(dir).map_err(|e| DrizzleError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    Ok(entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
}

/// The journal's tags in `idx` order.
pub fn journal_tags(journal: &Path) -> Result<Vec<String>, DrizzleError> {
    let value = read_json(journal)?;
    let mut entries: Vec<(i64, String)> = value
        .get("entries")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let tag = e.get("tag")?.as_str()?.to_string();
                    let idx = e.get("idx").and_then(Value::as_i64).unwrap_or(i as i64);
                    Some((idx, tag))
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort_by_key(|(idx, _)| *idx);
    Ok(entries.into_iter().map(|(_, t)| t).collect())
}

/// The migration number of a journal tag (`0002` of `0002_add_indexes`): snapshot files are
/// named after it.
pub fn tag_prefix(tag: &str) -> &str {
    tag.split_once('_').map_or(tag, |(p, _)| p)
}

/// The largest snapshot or schema file driftlint reads. Real drizzle-kit snapshots are a few
/// megabytes; a snapshot is parsed whole, at about ten times its size in memory, so the limit
/// bounds memory too.
pub const MAX_SCHEMA_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a Drizzle file as text, refusing files over [`MAX_SCHEMA_FILE_BYTES`].
pub(crate) fn read_limited(path: &Path) -> Result<String, DrizzleError> {
    let io = |e| DrizzleError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let size = fs::metadata(path).map_err(io)?.len();
    if size > MAX_SCHEMA_FILE_BYTES {
        return Err(DrizzleError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "{size} bytes, more than the {MAX_SCHEMA_FILE_BYTES} bytes driftlint reads from a Drizzle file; is this really a drizzle-kit snapshot or schema?"
            ),
        });
    }
    fs::read_to_string(path).map_err(io)
}

fn read_json(path: &Path) -> Result<Value, DrizzleError> {
    let text = read_limited(path)?;
    serde_json::from_str(&text).map_err(|e| DrizzleError::Invalid {
        path: path.to_path_buf(),
        message: format!("not valid JSON: {e}"),
    })
}

/// Reads one snapshot file; origins name it as file `file`.
pub fn read_snapshot(path: &Path, file: u32) -> Result<Schema, DrizzleError> {
    let value = read_json(path)?;
    let mut schema = from_json(&value, file).map_err(|source| DrizzleError::Snapshot {
        path: path.to_path_buf(),
        source,
    })?;
    // drizzle-kit writes `generated` for every generated column; `schema.ts` (evaluated into
    // the same JSON by `drizzle_ts`) does not read `generatedAlwaysAs`, so only a snapshot
    // file says that a column is not generated.
    schema.generated_known = true;
    Ok(schema)
}

/// Journal hygiene of a drizzle-kit out folder: migrations without a snapshot and snapshots
/// without a migration (files with the same number and files missing from the journal are
/// reported by discovery). Returns the file concerned and a message.
pub fn journal_problems(out: &Path) -> Vec<(PathBuf, String)> {
    let mut problems = Vec::new();
    let meta = out.join("meta");
    let journal = meta.join("_journal.json");
    if journal.is_file() {
        let Ok(tags) = journal_tags(&journal) else {
            return problems;
        };
        let prefixes: IndexMap<&str, &str> =
            tags.iter().map(|t| (tag_prefix(t), t.as_str())).collect();
        for tag in &tags {
            let snapshot = meta.join(format!("{}_snapshot.json", tag_prefix(tag)));
            if !snapshot.is_file() {
                problems.push((
                    out.join(format!("{tag}.sql")),
                    format!(
                        "migration `{tag}` has no snapshot (meta/{}_snapshot.json): drizzle-kit's next `generate` diffs against an older schema",
                        tag_prefix(tag)
                    ),
                ));
            }
        }
        let mut snapshots: Vec<PathBuf> = list_dir(&meta).unwrap_or_default();
        snapshots.sort();
        for s in snapshots {
            let Some(file) = s.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(prefix) = file.strip_suffix("_snapshot.json") else {
                continue;
            };
            if !prefixes.contains_key(prefix) {
                problems.push((
                    s.clone(),
                    format!(
                        "snapshot `meta/{file}` belongs to no migration in the journal: a migration was deleted without `drizzle-kit drop`"
                    ),
                ));
            }
        }
    } else {
        let mut folders: Vec<PathBuf> = list_dir(out)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        // Prisma and diesel use `<name>/migration.sql` (or up.sql) folders too: only a folder
        // with at least one drizzle-kit snapshot is a drizzle-kit 1.x out folder.
        if !folders.iter().any(|f| f.join("snapshot.json").is_file()) {
            return problems;
        }
        for f in folders {
            let sql = f.join("migration.sql").is_file();
            let snap = f.join("snapshot.json").is_file();
            let name = f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if sql && !snap {
                problems.push((
                    f.join("migration.sql"),
                    format!("migration `{name}` has no snapshot.json"),
                ));
            } else if snap && !sql {
                problems.push((
                    f.join("snapshot.json"),
                    format!("snapshot of `{name}` has no migration.sql"),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{IndexKey, KeyTarget, QualName};
    use serde_json::json;

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0000_snapshot.json");
        // A sparse file: its size is known without writing it.
        fs::File::create(&path)
            .unwrap()
            .set_len(MAX_SCHEMA_FILE_BYTES + 1)
            .unwrap();
        let err = read_json(&path).unwrap_err().to_string();
        assert!(err.contains("more than the"), "{err}");
    }

    #[test]
    fn drizzle_types_normalise() {
        assert_eq!(normalise_type("varchar(255)"), "character varying(255)");
        assert_eq!(normalise_type("timestamp"), "timestamp without time zone");
        assert_eq!(
            normalise_type("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(normalise_type("numeric(12, 2)"), "numeric(12,2)");
        assert_eq!(normalise_type("serial"), "integer");
        assert_eq!(normalise_type("vector(1536)"), "vector(1536)");
        assert_eq!(normalise_type("\"public\".\"Role\""), "Role");
        assert_eq!(normalise_type("text[]"), "text[]");
        assert_eq!(normalise_type("integer[][]"), "integer[][]");
    }

    #[test]
    fn version_5_with_string_index_columns_and_enum_objects() {
        let v = json!({
            "version": "5", "dialect": "pg",
            "tables": {"users": {
                "name": "users", "schema": "",
                "columns": {
                    "id": {"name": "id", "type": "serial", "primaryKey": true, "notNull": true},
                    "email": {"name": "email", "type": "varchar(255)", "primaryKey": false, "notNull": true},
                    "role": {"name": "role", "type": "role", "primaryKey": false, "notNull": false, "default": "'user'"}
                },
                "indexes": {"users_email_idx": {"name": "users_email_idx", "columns": ["email"], "isUnique": true}},
                "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}
            }},
            "enums": {"role": {"name": "role", "values": {"user": "user", "admin": "admin"}}}
        });
        let s = from_json(&v, 3).unwrap();
        let users = &s.tables[&QualName::new("public", "users")];
        assert_eq!(
            users.columns["id"].default.as_deref(),
            Some("nextval('users_id_seq'::regclass)")
        );
        assert_eq!(users.columns["email"].type_name, "character varying(255)");
        assert_eq!(users.primary_key().unwrap().name, "users_pkey");
        let idx = &s.indexes[&QualName::new("public", "users_email_idx")];
        assert!(idx.unique);
        assert_eq!(idx.keys, [IndexKey::column("email")]);
        // serde_json's maps are sorted: version 5's object form loses the label order.
        assert_eq!(s.enums[&QualName::new("public", "role")], ["admin", "user"]);
        assert_eq!(users.origin, Origin::Drizzle { file: 3 });
    }

    #[test]
    fn version_7_policies_enable_rls_and_options_are_kept() {
        let v = json!({
            "version": "7", "dialect": "postgresql",
            "tables": {"app.docs": {
                "name": "docs", "schema": "app",
                "columns": {"id": {"name": "id", "type": "uuid", "primaryKey": false, "notNull": true},
                            "emb": {"name": "emb", "type": "vector(3)", "primaryKey": false, "notNull": false}},
                "indexes": {"docs_emb_idx": {"name": "docs_emb_idx",
                    "columns": [{"expression": "emb", "isExpression": false, "asc": true, "nulls": "last", "opclass": "vector_cosine_ops"}],
                    "isUnique": false, "method": "hnsw", "with": {"m": 16}, "where": "id IS NOT NULL"}},
                "foreignKeys": {}, "compositePrimaryKeys": {"docs_id_pk": {"name": "docs_id_pk", "columns": ["id"]}},
                "uniqueConstraints": {},
                "policies": {"p": {"name": "p", "as": "PERMISSIVE", "for": "SELECT", "to": ["public"], "using": "true"}},
                "isRLSEnabled": false
            }},
            "schemas": {"app": "app"}
        });
        let s = from_json(&v, 0).unwrap();
        let t = &s.tables[&QualName::new("app", "docs")];
        assert!(t.rls_enabled);
        assert_eq!(t.policies[0].command, "select");
        assert_eq!(t.primary_key().unwrap().name, "docs_id_pk");
        let idx = &s.indexes[&QualName::new("app", "docs_emb_idx")];
        assert_eq!(idx.method, "hnsw");
        assert_eq!(idx.keys[0].opclass.as_deref(), Some("vector_cosine_ops"));
        assert_eq!(idx.options, [("m".to_string(), "16".to_string())]);
        assert_eq!(idx.predicate.as_ref().unwrap().text(), "id IS NOT NULL");
        assert!(s.schemas.contains_key("app"));
    }

    #[test]
    fn version_8_ddl_entities() {
        let v = json!({"version": "8", "dialect": "postgres", "ddl": [
            {"entityType": "tables", "schema": "public", "name": "t", "isRlsEnabled": false},
            {"entityType": "columns", "schema": "public", "table": "t", "name": "id", "type": "integer", "notNull": true, "dimensions": 0, "default": null},
            {"entityType": "columns", "schema": "public", "table": "t", "name": "tags", "type": "text", "notNull": false, "dimensions": 1,
             "default": {"value": "x", "type": "string"}},
            {"entityType": "pks", "schema": "public", "table": "t", "name": "t_pkey", "columns": ["id"], "nameExplicit": false},
            {"entityType": "indexes", "schema": "public", "table": "t", "name": "t_tags_idx",
             "columns": [{"value": "lower(tags)", "isExpression": true, "asc": false, "nullsFirst": true, "opclass": null}],
             "isUnique": false, "where": null, "with": "", "method": "btree", "concurrently": false},
            {"entityType": "fks", "schema": "public", "table": "t", "name": "t_id_fk", "columns": ["id"], "schemaTo": "public",
             "tableTo": "t", "columnsTo": ["id"], "onDelete": "CASCADE", "onUpdate": "NO ACTION"}
        ]});
        let s = from_json(&v, 0).unwrap();
        let t = &s.tables[&QualName::new("public", "t")];
        assert_eq!(t.columns["tags"].type_name, "text[]");
        assert_eq!(t.columns["tags"].default.as_deref(), Some("'x'"));
        assert_eq!(t.primary_key().unwrap().columns, ["id"]);
        let (_, fk) = t.foreign_keys().next().unwrap();
        assert_eq!(fk.on_delete, 'c');
        let idx = &s.indexes[&QualName::new("public", "t_tags_idx")];
        assert!(idx.keys[0].desc && matches!(idx.keys[0].target, KeyTarget::Expr(_)));
    }

    #[test]
    fn other_dialects_are_rejected() {
        assert!(from_json(&json!({"version": "6", "dialect": "mysql"}), 0).is_err());
    }

    #[test]
    fn generated_columns_are_read_from_a_snapshot() {
        let v = json!({
            "version": "7", "dialect": "postgresql",
            "tables": {"public.t": {"name": "t", "schema": "", "columns": {
                "a": {"name": "a", "type": "integer", "primaryKey": false, "notNull": false},
                "b": {"name": "b", "type": "integer", "primaryKey": false, "notNull": false,
                      "generated": {"as": "\"t\".\"a\" * 2", "type": "stored"}}
            }, "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}},
            "enums": {}, "schemas": {}
        });
        let s = from_json(&v, 0).unwrap();
        let t = &s.tables[&QualName::new("public", "t")];
        assert_eq!(
            t.columns["b"].generated.as_ref().map(|e| e.text()),
            Some("a * 2")
        );
        assert!(t.columns["a"].generated.is_none());
    }

    /// drizzle-kit writes an enum's name bare in the snapshot but quoted in the SQL: the
    /// column's type keeps the enum's case, as PostgreSQL does; other type names fold.
    #[test]
    fn enum_column_types_keep_the_case_of_the_enum_name() {
        let v7 = json!({"version": "7", "dialect": "postgresql",
            "enums": {"public.applicationStatus": {"name": "applicationStatus", "schema": "public", "values": ["draft"]}},
            "tables": {"public.a": {"name": "a", "schema": "", "columns": {
                "s": {"name": "s", "type": "applicationStatus", "typeSchema": "public", "primaryKey": false, "notNull": true},
                "h": {"name": "h", "type": "applicationStatus[]", "typeSchema": "public", "primaryKey": false, "notNull": false},
                "o": {"name": "o", "type": "OtherEnum", "typeSchema": "hr", "primaryKey": false, "notNull": false},
                "n": {"name": "n", "type": "VARCHAR(20)", "primaryKey": false, "notNull": false}
            }, "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}}
        });
        let s = from_json(&v7, 0).unwrap();
        let a = &s.tables[&QualName::new("public", "a")];
        // serde_json's maps are sorted: look the columns up by name.
        let types: Vec<&str> = ["s", "h", "o", "n"]
            .iter()
            .map(|c| a.columns[*c].type_name.as_str())
            .collect();
        assert_eq!(
            types,
            [
                "applicationStatus",
                "applicationStatus[]",
                "OtherEnum",
                "character varying(20)"
            ]
        );
        // Version 8 (drizzle-kit 1.x): an enum column names its enum by type and typeSchema.
        let v8 = json!({"version": "8", "dialect": "postgres", "ddl": [
            {"entityType": "enums", "schema": "public", "name": "Mood", "values": ["ok"]},
            {"entityType": "tables", "schema": "public", "name": "t", "isRlsEnabled": false},
            {"entityType": "columns", "schema": "public", "table": "t", "name": "m", "type": "Mood", "typeSchema": "public", "notNull": false, "dimensions": 1, "default": null}
        ]});
        let s = from_json(&v8, 0).unwrap();
        assert_eq!(
            s.tables[&QualName::new("public", "t")].columns["m"].type_name,
            "Mood[]"
        );
    }
}
