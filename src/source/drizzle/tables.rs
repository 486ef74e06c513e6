//! drizzle-kit 0.x snapshots, versions 5 to 7: maps of tables with their columns, indexes and
//! constraints.

use serde_json::Value;

use super::snapshot::{
    Builder, bool_field, entries, index_key, normalise_default, option_text, schema_or_public,
    str_field, strings_field,
};
use crate::schema::expr::SqlExpr;
use crate::schema::names::{make_object_name, truncate_identifier};
use crate::schema::{ConstraintKind, IndexKey, QualName, Table};

impl Builder {
    /// Versions 5–7: the schemas, enums and tables maps.
    pub(super) fn tables_v5_to_v7(&mut self, v: &Value) {
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
            let type_schema = str_field(c, "typeSchema");
            let not_null = bool_field(c, "notNull") || pk;
            let default = c.get("default").and_then(normalise_default);
            let mut column = self.column(&qn, cname, type_text, type_schema, not_null, default);
            column.generated = super::snapshot::generated_expr(c);
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
}
