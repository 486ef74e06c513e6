//! A parsed snapshot as a [`Schema`]: the builder that adds tables, keys, indexes and
//! policies as PostgreSQL would have built them from the SQL.

use serde_json::{Map, Value};

use crate::schema::expr::SqlExpr;
use crate::schema::names::{make_object_name, truncate_identifier};
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, IndexKey, KeyTarget, Origin, Policy,
    QualName, Schema, Table, types,
};
use crate::source::keys::add_key_constraint;

/// Why a parsed snapshot cannot be turned into a schema.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The snapshot is for another database.
    #[error("not a PostgreSQL drizzle-kit snapshot (dialect `{0}`)")]
    Dialect(String),
}

/// Builds the model from a parsed snapshot of any supported version.
pub fn from_json(value: &Value, file: u32) -> Result<Schema, SnapshotError> {
    let dialect = value.get("dialect").and_then(Value::as_str).unwrap_or("");
    if !matches!(dialect, "postgresql" | "pg" | "postgres") {
        return Err(SnapshotError::Dialect(dialect.to_string()));
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
pub(super) fn schema_or_public(s: Option<&str>) -> String {
    match s {
        None | Some("") => "public".to_string(),
        Some(s) => s.to_string(),
    }
}

pub(super) fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

pub(super) fn bool_field(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn strings_field(v: &Value, key: &str) -> Vec<String> {
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

pub(super) fn entries(v: Option<&Value>) -> impl Iterator<Item = &Value> {
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
pub(super) fn split_qualified(name: &str) -> Vec<String> {
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

pub(super) fn is_serial(type_text: &str) -> bool {
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
    Some(SqlExpr::normalise_text(&text))
}

pub(super) fn fk_action(text: Option<&str>) -> char {
    match text.map(|t| t.to_ascii_lowercase()).as_deref() {
        Some("cascade") => 'c',
        Some("restrict") => 'r',
        Some("set null") => 'n',
        Some("set default") => 'd',
        _ => 'a',
    }
}

/// A column's `generated: {as, type}` (drizzle-kit 0.2x snapshots and 1.x DDL entities): the
/// generation expression, parsed as the replay parses one.
pub(super) fn generated_expr(column: &Value) -> Option<crate::schema::expr::SqlExpr> {
    let text = column.get("generated")?.get("as")?.as_str()?;
    crate::schema::expr::SqlExpr::parse(text).ok()
}

/// Builds a [`Schema`] from snapshot pieces, as PostgreSQL would have built it from the SQL.
pub(super) struct Builder {
    /// The schema built so far.
    pub(super) schema: Schema,
    /// The origin of everything built.
    pub(super) origin: Origin,
}

impl Builder {
    pub(super) fn new(origin: Origin) -> Self {
        Builder {
            schema: Schema::default(),
            origin,
        }
    }

    pub(super) fn finish(self) -> Schema {
        self.schema
    }

    /// A column as the SQL drizzle-kit writes for it would create it. `type_schema` is the
    /// snapshot's `typeSchema`: set for enum columns only.
    pub(super) fn column(
        &mut self,
        table: &QualName,
        name: &str,
        type_text: &str,
        type_schema: Option<&str>,
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
                    detail: Default::default(),
                },
            );
            Some(format!("nextval('{seq}'::regclass)"))
        } else {
            default
        };
        Column {
            name,
            type_name: self.column_type(type_text, type_schema),
            not_null: not_null || serial,
            default,
            generated: None,
            origin: self.origin,
        }
    }

    /// A column's type in `format_type` form. drizzle-kit writes an enum's name bare in the
    /// snapshot (`applicationStatus`, `typeSchema: public`) but always quoted in the SQL
    /// (`"applicationStatus"`), so PostgreSQL keeps its case: the name of an enum (known by
    /// `typeSchema` or by a snapshot enum of exactly that name) is kept as written, while
    /// other unquoted type names fold as PostgreSQL folds them.
    fn column_type(&self, type_text: &str, type_schema: Option<&str>) -> String {
        let text = type_text.trim();
        let base = text.trim_end_matches("[]").trim_end();
        let is_enum = !base.contains('"')
            && (type_schema.is_some_and(|s| !s.is_empty())
                || self.schema.enums.keys().any(|k| k.name == base));
        if !is_enum {
            return normalise_type(text);
        }
        let dims = &text[base.len()..];
        normalise_type(&format!("\"{}\"{dims}", base.replace('"', "\"\"")))
    }

    pub(super) fn new_index(&self, table: &QualName, name: &str, method: Option<&str>) -> Index {
        Index::new(
            QualName::new(table.schema.clone(), truncate_identifier(name)),
            table.clone(),
            method.filter(|m| !m.is_empty()).unwrap_or("btree"),
            self.origin,
        )
    }

    /// A column-level unique recorded before the table is in the schema.
    pub(super) fn pending_unique(
        &mut self,
        table: &mut Table,
        name: &str,
        columns: Vec<String>,
        nnd: bool,
    ) {
        let qn = table.name.clone();
        let mut index = self.new_index(&qn, name, None);
        index.nulls_not_distinct = nnd;
        index.keys = columns.into_iter().map(IndexKey::column).collect();
        add_key_constraint(table, &mut index, ConstraintKind::Unique);
        self.schema.indexes.insert(index.name.clone(), index);
    }

    pub(super) fn add_key(
        &mut self,
        table: &QualName,
        name: &str,
        kind: ConstraintKind,
        columns: Vec<String>,
        nulls_not_distinct: bool,
    ) {
        let mut index = self.new_index(table, name, None);
        index.nulls_not_distinct = nulls_not_distinct;
        index.keys = columns.into_iter().map(IndexKey::column).collect();
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if add_key_constraint(t, &mut index, kind) {
            self.schema.indexes.insert(index.name.clone(), index);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_fk(
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
                }),
                check: None,
                validated: true,
                origin,
            },
        );
    }

    pub(super) fn add_check(&mut self, table: &QualName, name: &str, value: &str) {
        let check = SqlExpr::parse(value).ok();
        let columns = check
            .as_ref()
            .map(|e| e.columns.clone())
            .unwrap_or_default();
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
                    check,
                    validated: true,
                    origin,
                },
            );
        }
    }

    pub(super) fn add_policy(&mut self, table: &QualName, p: &Value, roles_key: &str) {
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

pub(super) fn index_key(
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

pub(super) fn option_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// drizzle-kit 1.x stores `WITH` as SQL text (`lists = 100, fillfactor = 70`).
pub(super) fn parse_with_text(text: &str) -> Vec<(String, String)> {
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
