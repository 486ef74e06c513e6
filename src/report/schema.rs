//! `driftlint schema`: the replayed model as JSON, for inspection and for comparing with a
//! database's catalog.

use serde_json::{Value, json};

use crate::schema::Schema;
use crate::schema::ddl::index_definition;

/// Renders the schema.
pub fn render(schema: &Schema) -> String {
    let tables: Vec<Value> = schema
        .tables
        .values()
        .map(|t| {
            json!({
                "name": t.name.to_string(),
                "columns": t.columns.values().map(|c| json!({
                    "name": c.name, "type": c.type_name, "not_null": c.not_null, "default": c.default,
                })).collect::<Vec<_>>(),
                "foreign_keys": t.foreign_keys().map(|(c, fk)| json!({
                    "name": c.name, "columns": c.columns, "ref_table": fk.ref_table.to_string(), "ref_columns": fk.ref_columns,
                })).collect::<Vec<_>>(),
                "partition_of": t.partition_of.as_ref().map(|p| p.to_string()),
                "rls_enabled": t.rls_enabled,
                "policies": t.policies.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let indexes: Vec<Value> = schema
        .indexes
        .values()
        .map(|i| {
            json!({
                "name": i.name.to_string(), "table": i.table.to_string(), "definition": index_definition(i),
                "constraint": i.constraint, "primary": i.primary,
            })
        })
        .collect();
    let doc = json!({"counts": schema.counts(), "tables": tables, "indexes": indexes});
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
