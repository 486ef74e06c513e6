//! `DO` blocks: the SQL statements inside a PL/pgSQL body are replayed where they stand.

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::{Ctx, Event, Replay, Stmt, Unparsed};

impl Replay<'_> {
    /// `DO $$ … $$`: the SQL statements inside the PL/pgSQL body are replayed as if they stood
    /// alone (drizzle-kit wraps foreign keys in `DO $$ BEGIN … EXCEPTION … END $$`).
    pub(super) fn do_block(&mut self, s: &protobuf::DoStmt, ctx: &Ctx<'_>) {
        let mut body: Option<&str> = None;
        let mut language = "plpgsql".to_string();
        for arg in &s.args {
            if let Some(NodeEnum::DefElem(d)) = arg.node.as_ref() {
                let value = match d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::String(v)) => Some(v.sval.as_str()),
                    _ => None,
                };
                match d.defname.as_str() {
                    "as" => body = value,
                    "language" => language = value.unwrap_or("plpgsql").to_string(),
                    _ => {}
                }
            }
        }
        let Some(body) = body else { return };
        if language != "plpgsql" {
            return;
        }
        let wrapper = format!(
            "CREATE FUNCTION driftlint_do() RETURNS void LANGUAGE plpgsql AS $driftlint${body}$driftlint$"
        );
        let tree = match pg_query::parse_plpgsql(&wrapper) {
            Ok(tree) => tree,
            Err(e) => {
                // Its JSON may also nest deeper than serde_json's limit of 128 levels.
                let message = match e {
                    pg_query::Error::Parse(m) => m,
                    other => other.to_string(),
                };
                self.unparsed.push(Unparsed {
                    beyond_limits: message.contains("recursion limit")
                        || message == "stack depth limit exceeded"
                        || message.starts_with("memory exhausted"),
                    message: format!("the DO block's PL/pgSQL body: {message}"),
                    origin: ctx.stmt.whole(),
                });
                return;
            }
        };
        let mut queries = Vec::new();
        collect_plpgsql_sql(&tree, &mut queries);
        if plpgsql_calls_out(&tree) {
            self.events.push(Event::DataLoad {
                tables: None,
                location: ctx.stmt.whole(),
            });
        }
        // Each statement is located verbatim in the DO statement's text, so that positions in
        // its parse tree are positions in the file. A body written as a '…' string has its
        // quotes doubled there: a statement with a quote in it is then not found, and is
        // reported rather than replayed at a wrong (possibly mid-character) position.
        let mut search_from = 0;
        for q in queries {
            let Some(rel) = ctx.stmt.text[search_from..].find(q.as_str()) else {
                self.unparsed.push(Unparsed {
                    message: format!(
                        "a statement in this DO block cannot be located in its text (`{}`); write the body in dollar quotes ($$ … $$)",
                        q.chars().take(60).collect::<String>()
                    ),
                    origin: ctx.stmt.whole(),
                    beyond_limits: true,
                });
                continue;
            };
            let start = search_from + rel;
            search_from = start + q.len();
            let inner = Stmt {
                file: ctx.stmt.file,
                offset: ctx.stmt.offset + start,
                text: &ctx.stmt.text[start..start + q.len()],
            };
            let nodes = match crate::sql::parse::parse(&q) {
                Ok(nodes) => nodes,
                Err(e) => {
                    self.unparsed.push(Unparsed {
                        message: e.message,
                        origin: inner.whole(),
                        beyond_limits: e.beyond_limits,
                    });
                    continue;
                }
            };
            if crate::sql::parse::classify(&q) == crate::sql::parse::StatementClass::Data {
                self.data_load(inner);
                continue;
            }
            let inner_ctx = Ctx::new(inner);
            for n in &nodes {
                self.apply_node(n, &inner_ctx);
            }
        }
    }
}

/// The SQL statements inside a PL/pgSQL function tree (`PLpgSQL_stmt_execsql` queries), in
/// order, at any depth (IF, loops, nested blocks, exception handlers).
fn collect_plpgsql_sql(value: &serde_json::Value, out: &mut Vec<String>) {
    let mut stack = vec![value];
    let mut found: Vec<String> = Vec::new();
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(exec) = map.get("PLpgSQL_stmt_execsql")
                    && let Some(q) = exec
                        .pointer("/sqlstmt/PLpgSQL_expr/query")
                        .and_then(|q| q.as_str())
                {
                    found.push(q.to_string());
                    continue;
                }
                // Objects iterate in key order; push reversed so that arrays keep source order.
                let mut children: Vec<&serde_json::Value> = map.values().collect();
                children.reverse();
                stack.extend(children);
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    out.extend(found);
}

/// Whether a PL/pgSQL tree runs code the replay cannot see into: `PERFORM`, dynamic `EXECUTE`,
/// `CALL`, `RETURN QUERY`. Any of them may write rows into any table.
fn plpgsql_calls_out(value: &serde_json::Value) -> bool {
    const OPAQUE: &[&str] = &[
        "PLpgSQL_stmt_perform",
        "PLpgSQL_stmt_dynexecute",
        "PLpgSQL_stmt_call",
        "PLpgSQL_stmt_dynfors",
    ];
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if map.keys().any(|k| OPAQUE.contains(&k.as_str())) {
                    return true;
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    false
}
