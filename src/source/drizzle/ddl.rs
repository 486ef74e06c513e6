//! drizzle-kit 1.x snapshots, versions 8 and 9: a flat `ddl` list of entities.

use serde_json::Value;

use super::snapshot::{
    Builder, bool_field, index_key, normalise_default, parse_with_text, schema_or_public,
    str_field, strings_field,
};
use crate::schema::expr::SqlExpr;
use crate::schema::{ConstraintKind, QualName, Table};

impl Builder {
    /// drizzle-kit 1.x (versions 8, 9): a flat list of entities.
    pub(super) fn ddl(&mut self, ddl: &[Value]) {
        let kind = |e: &Value| str_field(e, "entityType").unwrap_or("").to_string();
        let table_of = |e: &Value| {
            QualName::new(
                schema_or_public(str_field(e, "schema")),
                str_field(e, "table").unwrap_or(""),
            )
        };
        // Entities refer to tables by name: create tables and enums first.
        for e in ddl {
            self.ddl_container(e);
        }
        for e in ddl {
            let name = str_field(e, "name").unwrap_or("");
            let table = table_of(e);
            match kind(e).as_str() {
                "columns" => self.ddl_column(&table, name, e),
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
                "indexes" => self.ddl_index(&table, name, e),
                _ => {}
            }
        }
    }

    /// A schema, an enum or a table entity: what the other entities refer to.
    fn ddl_container(&mut self, e: &Value) {
        let name = str_field(e, "name").unwrap_or("");
        match str_field(e, "entityType").unwrap_or("") {
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

    /// A `columns` entity.
    fn ddl_column(&mut self, table: &QualName, name: &str, e: &Value) {
        let mut type_text = str_field(e, "type").unwrap_or("").to_string();
        let dims = e.get("dimensions").and_then(Value::as_u64).unwrap_or(0);
        for _ in 0..dims {
            type_text.push_str("[]");
        }
        let default = ddl_default(e);
        let type_schema = str_field(e, "typeSchema");
        let not_null = bool_field(e, "notNull");
        let mut column = self.column(table, name, &type_text, type_schema, not_null, default);
        column.generated = super::snapshot::generated_expr(e);
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.columns.insert(column.name.clone(), column);
        }
    }

    /// An `indexes` entity.
    fn ddl_index(&mut self, table: &QualName, name: &str, e: &Value) {
        let mut index = self.new_index(table, name, str_field(e, "method"));
        index.unique = bool_field(e, "isUnique");
        for c in e
            .get("columns")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let asc = c.get("asc").and_then(Value::as_bool).unwrap_or(true);
            let nulls_first = c.get("nullsFirst").and_then(Value::as_bool).unwrap_or(!asc);
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
}

/// A `columns` entity's default: `{ value, type }` (strings quoted as the SQL would be) or a
/// plain value.
fn ddl_default(e: &Value) -> Option<String> {
    match e.get("default") {
        Some(Value::Object(d)) => {
            let value = d.get("value").and_then(Value::as_str).unwrap_or("");
            match d.get("type").and_then(Value::as_str) {
                Some("string") | Some("json") | Some("jsonb") if !value.starts_with('\'') => Some(
                    SqlExpr::normalise_text(&format!("'{}'", value.replace('\'', "''"))),
                ),
                Some("null") => None,
                _ => Some(SqlExpr::normalise_text(value)),
            }
        }
        Some(v) => normalise_default(v),
        None => None,
    }
}
