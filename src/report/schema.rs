//! `driftlint schema`: the replayed model as JSON, for inspection and for comparing with a
//! database's catalog.

use serde_json::{Value, json};

use crate::schema::ddl::index_definition;
use crate::schema::{RelKind, RelationDetail, Schema};

/// Renders the schema.
pub fn render(schema: &Schema) -> String {
    let tables: Vec<Value> = schema
        .tables
        .values()
        .map(|t| {
            let mut table = json!({
                "name": t.name.to_string(),
                "columns": t.columns.values().map(|c| json!({
                    "name": c.name, "type": c.type_name, "not_null": c.not_null, "default": c.default,
                    "generated": c.generated.as_ref().map(|g| g.text().to_string()),
                })).collect::<Vec<_>>(),
                "foreign_keys": t.foreign_keys().map(|(c, fk)| json!({
                    "name": c.name, "columns": c.columns, "ref_table": fk.ref_table.to_string(), "ref_columns": fk.ref_columns,
                })).collect::<Vec<_>>(),
                "partition_of": t.partition_of.as_ref().map(|p| p.to_string()),
                "rls_enabled": t.rls_enabled,
                "policies": t.policies.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                "partitioned": t.partitioned,
                "inherits": t.inherits.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "unlogged": t.unlogged,
                "triggers": t.triggers.iter().map(|x| json!({
                    "name": x.name, "timing": x.timing, "events": x.events,
                    "for_each_row": x.for_each_row, "function": x.function.to_string(), "when": x.when,
                })).collect::<Vec<_>>(),
            });
            // Only foreign tables carry the key, so the output of other tables is unchanged.
            if let (Some(f), Value::Object(map)) = (&t.foreign, &mut table) {
                map.insert(
                    "foreign".into(),
                    json!({"server": f.server, "options": f.options.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>()}),
                );
            }
            table
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
    let mut doc = json!({"counts": schema.counts(), "tables": tables, "indexes": indexes});
    if let Value::Object(map) = &mut doc {
        map.extend(objects(schema));
    }
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The object kinds beside tables and indexes: enums, extensions, sequences, views, composite
/// types, foreign servers, functions.
fn objects(schema: &Schema) -> serde_json::Map<String, Value> {
    let mut sequences = Vec::new();
    let mut views = Vec::new();
    let mut composites = Vec::new();
    for (name, o) in &schema.other_relations {
        match &o.detail {
            RelationDetail::Sequence(s) => sequences.push(json!({
                "name": name.to_string(), "type": s.type_name, "start": s.start,
                "increment": s.increment, "min": s.min, "max": s.max, "cycle": s.cycle,
                "owned_by": s.owned_by.as_ref().map(|(t, c)| format!("{t}.{c}")),
            })),
            RelationDetail::View(v) => views.push(json!({
                "name": name.to_string(), "kind": o.kind.describe(), "query": v.text,
            })),
            RelationDetail::Composite(attributes) => composites.push(json!({
                "name": name.to_string(),
                "attributes": attributes.iter().map(|a| json!({"name": a.name, "type": a.type_name})).collect::<Vec<_>>(),
            })),
            RelationDetail::None if o.kind == RelKind::Sequence => {
                sequences.push(json!({"name": name.to_string()}));
            }
            RelationDetail::None => {}
        }
    }
    let mut map = serde_json::Map::new();
    map.insert(
        "enums".into(),
        schema
            .enums
            .iter()
            .map(|(n, labels)| json!({"name": n.to_string(), "labels": labels}))
            .collect(),
    );
    map.insert(
        "extensions".into(),
        schema
            .extensions
            .keys()
            .map(|e| json!({"name": e, "version": schema.extension_versions.get(e)}))
            .collect(),
    );
    map.insert("sequences".into(), Value::Array(sequences));
    map.insert("views".into(), Value::Array(views));
    map.insert("composite_types".into(), Value::Array(composites));
    map.insert(
        "foreign_servers".into(),
        schema
            .foreign_servers
            .iter()
            .map(|(n, w)| json!({"name": n, "wrapper": w}))
            .collect(),
    );
    map.insert(
        "functions".into(),
        schema
            .functions
            .values()
            .map(|f| {
                json!({
                    "signature": f.signature(), "kind": if f.procedure { "procedure" } else { "function" },
                    "returns": f.returns, "language": f.language,
                })
            })
            .collect(),
    );
    map
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_columns_are_printed_with_their_expression() {
        let run = crate::check::check_sql(
            "m.sql",
            "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);",
        );
        let out: serde_json::Value = serde_json::from_str(&super::render(&run.schema)).unwrap();
        let columns = &out["tables"][0]["columns"];
        assert_eq!(columns[0]["generated"], serde_json::Value::Null);
        assert_eq!(columns[1]["generated"], "a * 2");
        assert_eq!(columns[1]["default"], serde_json::Value::Null);
    }
}
