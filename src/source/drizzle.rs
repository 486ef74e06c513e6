//! drizzle-kit snapshots as a [`Schema`]: the ORM's idea of the database.
//!
//! Reads every snapshot format drizzle-kit has written for PostgreSQL (FORMATS.md, "drizzle-kit
//! snapshots"): version 5 (`"dialect": "pg"`), 6 and 7 (table maps, every key added during
//! version 7's life optional) and drizzle-kit 1.x's versions 8 and 9 (a flat `ddl` entity list).
//! Constraint-backed indexes are built as PostgreSQL builds them, so that the model compares
//! equal to the replay of the SQL drizzle-kit generated from the same schema.

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::drizzle_ts;
use crate::schema::expr::SqlExpr;
use crate::schema::names::{make_object_name, truncate_identifier};
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, IndexKey, KeyTarget, Origin, Policy,
    QualName, Schema, Table, types,
};

/// Why a Drizzle source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DrizzleError {
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
    from_json(&value, file).map_err(|message| DrizzleError::Invalid {
        path: path.to_path_buf(),
        message,
    })
}

/// Builds the model from a parsed snapshot of any supported version.
pub fn from_json(value: &Value, file: u32) -> Result<Schema, String> {
    let dialect = value.get("dialect").and_then(Value::as_str).unwrap_or("");
    if !matches!(dialect, "postgresql" | "pg" | "postgres") {
        return Err(format!(
            "not a PostgreSQL drizzle-kit snapshot (dialect `{dialect}`)"
        ));
    }
    let origin = Origin::Drizzle { file };
    let mut builder = Builder::new(origin);
    if let Some(ddl) = value.get("ddl").and_then(Value::as_array) {
        builder.ddl(ddl);
    } else {
        builder.tables_v5_to_v7(value);
    }
    Ok(builder.finish())
}

/// The schema name of a snapshot's `schema` field (`""` is `public`).
fn schema_or_public(s: Option<&str>) -> String {
    match s {
        None | Some("") => "public".to_string(),
        Some(s) => s.to_string(),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn bool_field(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn strings_field(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| truncate_identifier(s).to_string())
            .collect(),
        // Very old snapshots encode column lists as `a,b`.
        Some(Value::String(s)) => s.split(',').map(|c| c.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

fn entries(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    let map: Option<&Map<String, Value>> = v.and_then(Value::as_object);
    map.into_iter().flat_map(|m| m.values())
}

/// A drizzle type text (`varchar(255)`, `timestamp(3) with time zone`, `"public"."role"`,
/// `text[]`) in `format_type` form.
pub fn normalise_type(text: &str) -> String {
    let mut base = text.trim();
    let mut dims = 0;
    while let Some(rest) = base.strip_suffix("[]") {
        base = rest.trim_end();
        dims += 1;
    }
    let (name, mods) = match (base.find('('), base.find(')')) {
        (Some(open), Some(close)) if close > open => {
            let mods: Vec<String> = base[open + 1..close]
                .split(',')
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect();
            let name = format!("{} {}", base[..open].trim(), base[close + 1..].trim());
            (name.trim().to_string(), mods)
        }
        _ => (base.to_string(), Vec::new()),
    };
    // `"public"."role"`: the enum's own name, unquoted.
    let last = split_qualified(&name).pop().unwrap_or_default();
    let lowered = if name.contains('"') {
        last
    } else {
        last.to_ascii_lowercase()
    };
    let mut out = types::normalise_parts(&lowered, &mods).name;
    for _ in 0..dims {
        out.push_str("[]");
    }
    out
}

/// Splits `"a"."b"` / `a.b` into its unquoted parts.
fn split_qualified(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn is_serial(type_text: &str) -> bool {
    matches!(
        type_text.trim().to_ascii_lowercase().as_str(),
        "serial" | "bigserial" | "smallserial" | "serial4" | "serial8" | "serial2"
    )
}

/// A default as the replay stores it: PostgreSQL's deparse of the expression.
pub fn normalise_default(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    Some(normalise_expr_text(&text))
}

fn normalise_expr_text(text: &str) -> String {
    SqlExpr::parse(text)
        .map(|e| e.text)
        .unwrap_or_else(|_| text.to_string())
}

fn fk_action(text: Option<&str>) -> char {
    match text.map(|t| t.to_ascii_lowercase()).as_deref() {
        Some("cascade") => 'c',
        Some("restrict") => 'r',
        Some("set null") => 'n',
        Some("set default") => 'd',
        _ => 'a',
    }
}

/// Builds a [`Schema`] from snapshot pieces, as PostgreSQL would have built it from the SQL.
struct Builder {
    schema: Schema,
    origin: Origin,
}

impl Builder {
    fn new(origin: Origin) -> Self {
        Builder {
            schema: Schema::default(),
            origin,
        }
    }

    fn finish(self) -> Schema {
        self.schema
    }

    fn tables_v5_to_v7(&mut self, v: &Value) {
        for (key, s) in v
            .get("schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let name = s.as_str().unwrap_or(key);
            if name != "public" {
                self.schema.schemas.insert(name.to_string(), self.origin);
            }
        }
        for (key, e) in v
            .get("enums")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let name = str_field(e, "name").unwrap_or(key);
            let schema = schema_or_public(str_field(e, "schema"));
            let values: Vec<String> = match e.get("values") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                // Version 5: `{"free": "free", …}`.
                Some(Value::Object(m)) => m
                    .values()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            self.schema
                .enums
                .insert(QualName::new(schema, name), values);
        }
        for t in entries(v.get("tables")) {
            self.table_v5_to_v7(t);
        }
    }

    fn table_v5_to_v7(&mut self, t: &Value) {
        let Some(name) = str_field(t, "name") else {
            return;
        };
        let qn = QualName::new(
            schema_or_public(str_field(t, "schema")),
            truncate_identifier(name),
        );
        let mut table = Table::new(qn.clone(), self.origin);
        let mut pk_columns = Vec::new();
        for c in entries(t.get("columns")) {
            let Some(cname) = str_field(c, "name") else {
                continue;
            };
            let type_text = str_field(c, "type").unwrap_or("");
            let pk = bool_field(c, "primaryKey");
            if pk {
                pk_columns.push(cname.to_string());
            }
            let column = self.column(&qn, cname, type_text, bool_field(c, "notNull") || pk, {
                c.get("default").and_then(normalise_default)
            });
            table.columns.insert(column.name.clone(), column);
            // Version 5 / early 7: a column's own `.unique()`.
            if bool_field(c, "isUnique") {
                let uname = str_field(c, "uniqueName")
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{name}_{cname}_unique"));
                self.pending_unique(&mut table, &uname, vec![cname.to_string()], {
                    bool_field(c, "nullsNotDistinct")
                });
            }
        }
        self.schema.tables.insert(qn.clone(), table);
        if !pk_columns.is_empty() {
            let pkname = make_object_name(&qn.name, None, "pkey");
            self.add_key(&qn, &pkname, ConstraintKind::PrimaryKey, pk_columns, false);
        }
        for pk in entries(t.get("compositePrimaryKeys")) {
            let (name, columns) = match pk {
                Value::String(s) => (String::new(), s.split(',').map(str::to_string).collect()),
                _ => (
                    str_field(pk, "name").unwrap_or("").to_string(),
                    strings_field(pk, "columns"),
                ),
            };
            let name = if name.is_empty() {
                make_object_name(&qn.name, None, "pkey")
            } else {
                name
            };
            self.add_key(&qn, &name, ConstraintKind::PrimaryKey, columns, false);
        }
        for u in entries(t.get("uniqueConstraints")) {
            let Some(name) = str_field(u, "name") else {
                continue;
            };
            self.add_key(
                &qn,
                name,
                ConstraintKind::Unique,
                strings_field(u, "columns"),
                bool_field(u, "nullsNotDistinct"),
            );
        }
        for i in entries(t.get("indexes")) {
            self.index_v5_to_v7(&qn, i);
        }
        for fk in entries(t.get("foreignKeys")) {
            let Some(name) = str_field(fk, "name") else {
                continue;
            };
            let ref_table = QualName::new(
                schema_or_public(str_field(fk, "schemaTo")),
                str_field(fk, "tableTo").unwrap_or(""),
            );
            self.add_fk(
                &qn,
                name,
                strings_field(fk, "columnsFrom"),
                ref_table,
                strings_field(fk, "columnsTo"),
                str_field(fk, "onDelete"),
                str_field(fk, "onUpdate"),
            );
        }
        for c in entries(t.get("checkConstraints")) {
            if let (Some(name), Some(value)) = (str_field(c, "name"), str_field(c, "value")) {
                self.add_check(&qn, name, value);
            }
        }
        let mut has_policies = false;
        for p in entries(t.get("policies")) {
            has_policies = true;
            self.add_policy(&qn, p, "to");
        }
        if let Some(table) = self.schema.tables.get_mut(&qn) {
            // drizzle-kit 0.31 writes `isRLSEnabled: false` on tables with policies but emits
            // ENABLE ROW LEVEL SECURITY for them.
            table.rls_enabled = bool_field(t, "isRLSEnabled") || has_policies;
        }
    }

    fn index_v5_to_v7(&mut self, table: &QualName, i: &Value) {
        let Some(name) = str_field(i, "name") else {
            return;
        };
        let mut index = self.new_index(table, name, str_field(i, "method"));
        index.unique = bool_field(i, "isUnique");
        for c in i
            .get("columns")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = match c {
                Value::String(col) => IndexKey::column(truncate_identifier(col)),
                _ => {
                    let text = str_field(c, "expression").unwrap_or("");
                    let asc = c.get("asc").and_then(Value::as_bool).unwrap_or(true);
                    let nulls_first = match str_field(c, "nulls") {
                        Some("first") => true,
                        Some("last") => false,
                        _ => !asc,
                    };
                    index_key(
                        text,
                        bool_field(c, "isExpression"),
                        asc,
                        nulls_first,
                        str_field(c, "opclass"),
                    )
                }
            };
            index.keys.push(key);
        }
        index.predicate = str_field(i, "where")
            .filter(|w| !w.is_empty())
            .and_then(|w| SqlExpr::parse(w).ok());
        if let Some(with) = i.get("with").and_then(Value::as_object) {
            index.options = with
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), option_text(v)))
                .collect();
        }
        self.schema.indexes.insert(index.name.clone(), index);
    }

    fn ddl(&mut self, ddl: &[Value]) {
        let kind = |e: &Value| str_field(e, "entityType").unwrap_or("").to_string();
        let table_of = |e: &Value| {
            QualName::new(
                schema_or_public(str_field(e, "schema")),
                str_field(e, "table").unwrap_or(""),
            )
        };
        // Entities refer to tables by name: create tables and enums first.
        for e in ddl {
            let name = str_field(e, "name").unwrap_or("");
            match kind(e).as_str() {
                "schemas" if name != "public" => {
                    self.schema.schemas.insert(name.to_string(), self.origin);
                }
                "enums" => {
                    let values = strings_field(e, "values");
                    let qn = QualName::new(schema_or_public(str_field(e, "schema")), name);
                    self.schema.enums.insert(qn, values);
                }
                "tables" => {
                    let qn = QualName::new(schema_or_public(str_field(e, "schema")), name);
                    let mut table = Table::new(qn.clone(), self.origin);
                    table.rls_enabled = bool_field(e, "isRlsEnabled");
                    self.schema.tables.insert(qn, table);
                }
                _ => {}
            }
        }
        for e in ddl {
            let name = str_field(e, "name").unwrap_or("");
            let table = table_of(e);
            match kind(e).as_str() {
                "columns" => {
                    let mut type_text = str_field(e, "type").unwrap_or("").to_string();
                    let dims = e.get("dimensions").and_then(Value::as_u64).unwrap_or(0);
                    for _ in 0..dims {
                        type_text.push_str("[]");
                    }
                    let default = match e.get("default") {
                        Some(Value::Object(d)) => {
                            let value = d.get("value").and_then(Value::as_str).unwrap_or("");
                            match d.get("type").and_then(Value::as_str) {
                                Some("string") | Some("json") | Some("jsonb")
                                    if !value.starts_with('\'') =>
                                {
                                    Some(normalise_expr_text(&format!(
                                        "'{}'",
                                        value.replace('\'', "''")
                                    )))
                                }
                                Some("null") => None,
                                _ => Some(normalise_expr_text(value)),
                            }
                        }
                        Some(v) => normalise_default(v),
                        None => None,
                    };
                    let column =
                        self.column(&table, name, &type_text, bool_field(e, "notNull"), default);
                    if let Some(t) = self.schema.tables.get_mut(&table) {
                        t.columns.insert(column.name.clone(), column);
                    }
                }
                "pks" => {
                    let cols = strings_field(e, "columns");
                    self.add_key(&table, name, ConstraintKind::PrimaryKey, cols, false);
                }
                "uniques" => {
                    let cols = strings_field(e, "columns");
                    let nnd = bool_field(e, "nullsNotDistinct");
                    self.add_key(&table, name, ConstraintKind::Unique, cols, nnd);
                }
                "fks" => {
                    let ref_table = QualName::new(
                        schema_or_public(str_field(e, "schemaTo")),
                        str_field(e, "tableTo").unwrap_or(""),
                    );
                    self.add_fk(
                        &table,
                        name,
                        strings_field(e, "columns"),
                        ref_table,
                        strings_field(e, "columnsTo"),
                        str_field(e, "onDelete"),
                        str_field(e, "onUpdate"),
                    );
                }
                "checks" => {
                    if let Some(value) = str_field(e, "value") {
                        self.add_check(&table, name, value);
                    }
                }
                "policies" => {
                    self.add_policy(&table, e, "roles");
                    if let Some(t) = self.schema.tables.get_mut(&table) {
                        t.rls_enabled = true;
                    }
                }
                "indexes" => {
                    let mut index = self.new_index(&table, name, str_field(e, "method"));
                    index.unique = bool_field(e, "isUnique");
                    for c in e
                        .get("columns")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let asc = c.get("asc").and_then(Value::as_bool).unwrap_or(true);
                        let nulls_first =
                            c.get("nullsFirst").and_then(Value::as_bool).unwrap_or(!asc);
                        let opclass = c
                            .get("opclass")
                            .filter(|o| !bool_field(o, "default"))
                            .and_then(|o| str_field(o, "name"));
                        index.keys.push(index_key(
                            str_field(c, "value").unwrap_or(""),
                            bool_field(c, "isExpression"),
                            asc,
                            nulls_first,
                            opclass,
                        ));
                    }
                    index.predicate = str_field(e, "where")
                        .filter(|w| !w.is_empty())
                        .and_then(|w| SqlExpr::parse(w).ok());
                    index.options = str_field(e, "with")
                        .map(parse_with_text)
                        .unwrap_or_default();
                    self.schema.indexes.insert(index.name.clone(), index);
                }
                _ => {}
            }
        }
    }

    fn column(
        &mut self,
        table: &QualName,
        name: &str,
        type_text: &str,
        not_null: bool,
        default: Option<String>,
    ) -> Column {
        let name = truncate_identifier(name).to_string();
        let serial = is_serial(type_text);
        let default = if serial {
            let seq = make_object_name(&table.name, Some(&name), "seq");
            self.schema.other_relations.insert(
                QualName::new(table.schema.clone(), seq.clone()),
                crate::schema::OtherRelation {
                    kind: crate::schema::RelKind::Sequence,
                    origin: self.origin,
                },
            );
            Some(format!("nextval('{seq}'::regclass)"))
        } else {
            default
        };
        Column {
            name,
            type_name: normalise_type(type_text),
            not_null: not_null || serial,
            default,
            origin: self.origin,
        }
    }

    fn new_index(&self, table: &QualName, name: &str, method: Option<&str>) -> Index {
        Index::new(
            QualName::new(table.schema.clone(), truncate_identifier(name)),
            table.clone(),
            method.filter(|m| !m.is_empty()).unwrap_or("btree"),
            self.origin,
        )
    }

    /// A column-level unique recorded before the table is in the schema.
    fn pending_unique(&mut self, table: &mut Table, name: &str, columns: Vec<String>, nnd: bool) {
        let qn = table.name.clone();
        let mut index = self.new_index(&qn, name, None);
        index.unique = true;
        index.nulls_not_distinct = nnd;
        index.constraint = Some(name.to_string());
        index.keys = columns.iter().map(IndexKey::column).collect();
        self.schema.indexes.insert(index.name.clone(), index);
        table.constraints.insert(
            name.to_string(),
            Constraint {
                name: name.to_string(),
                kind: ConstraintKind::Unique,
                columns,
                index: Some(name.to_string()),
                foreign_key: None,
                origin: self.origin,
            },
        );
    }

    fn add_key(
        &mut self,
        table: &QualName,
        name: &str,
        kind: ConstraintKind,
        columns: Vec<String>,
        nulls_not_distinct: bool,
    ) {
        let name = truncate_identifier(name).to_string();
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if kind == ConstraintKind::PrimaryKey {
            if t.primary_key().is_some() {
                return;
            }
            for c in &columns {
                if let Some(col) = t.columns.get_mut(c) {
                    col.not_null = true;
                }
            }
        }
        t.constraints.insert(
            name.clone(),
            Constraint {
                name: name.clone(),
                kind,
                columns: columns.clone(),
                index: Some(name.clone()),
                foreign_key: None,
                origin: self.origin,
            },
        );
        let mut index = self.new_index(table, &name, None);
        index.unique = true;
        index.primary = kind == ConstraintKind::PrimaryKey;
        index.constraint = Some(name);
        index.nulls_not_distinct = nulls_not_distinct;
        index.keys = columns.into_iter().map(IndexKey::column).collect();
        self.schema.indexes.insert(index.name.clone(), index);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_fk(
        &mut self,
        table: &QualName,
        name: &str,
        columns: Vec<String>,
        ref_table: QualName,
        ref_columns: Vec<String>,
        on_delete: Option<&str>,
        on_update: Option<&str>,
    ) {
        let name = truncate_identifier(name).to_string();
        let origin = self.origin;
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        t.constraints.insert(
            name.clone(),
            Constraint {
                name,
                kind: ConstraintKind::ForeignKey,
                columns,
                index: None,
                foreign_key: Some(ForeignKey {
                    ref_table,
                    ref_columns,
                    on_delete: fk_action(on_delete),
                    on_update: fk_action(on_update),
                    validated: true,
                }),
                origin,
            },
        );
    }

    fn add_check(&mut self, table: &QualName, name: &str, value: &str) {
        let columns = SqlExpr::parse(value).map(|e| e.columns).unwrap_or_default();
        let origin = self.origin;
        if let Some(t) = self.schema.tables.get_mut(table) {
            let name = truncate_identifier(name).to_string();
            t.constraints.insert(
                name.clone(),
                Constraint {
                    name,
                    kind: ConstraintKind::Check,
                    columns,
                    index: None,
                    foreign_key: None,
                    origin,
                },
            );
        }
    }

    fn add_policy(&mut self, table: &QualName, p: &Value, roles_key: &str) {
        let Some(name) = str_field(p, "name") else {
            return;
        };
        let roles = {
            let r = strings_field(p, roles_key);
            if r.is_empty() {
                vec!["public".to_string()]
            } else {
                r
            }
        };
        let expr = |key| {
            str_field(p, key)
                .filter(|s| !s.is_empty())
                .and_then(|s| SqlExpr::parse(s).ok())
        };
        let policy = Policy {
            name: name.to_string(),
            permissive: !str_field(p, "as").is_some_and(|a| a.eq_ignore_ascii_case("restrictive")),
            command: str_field(p, "for").unwrap_or("all").to_ascii_lowercase(),
            roles,
            using: expr("using"),
            with_check: expr("withCheck"),
            origin: self.origin,
        };
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.policies.retain(|q| q.name != policy.name);
            t.policies.push(policy);
        }
    }
}

fn index_key(
    text: &str,
    is_expression: bool,
    asc: bool,
    nulls_first: bool,
    opclass: Option<&str>,
) -> IndexKey {
    let target = if is_expression {
        match SqlExpr::parse(text) {
            Ok(e) => KeyTarget::Expr(e),
            Err(_) => KeyTarget::Column(text.to_string()),
        }
    } else {
        KeyTarget::Column(truncate_identifier(text).to_string())
    };
    IndexKey {
        target,
        opclass: opclass.filter(|o| !o.is_empty()).map(str::to_string),
        collation: None,
        desc: !asc,
        nulls_first,
    }
}

fn option_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// drizzle-kit 1.x stores `WITH` as SQL text (`lists = 100, fillfactor = 70`).
fn parse_with_text(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('\'').to_string(),
            ))
        })
        .collect()
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
        assert_eq!(idx.predicate.as_ref().unwrap().text, "id IS NOT NULL");
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
}
