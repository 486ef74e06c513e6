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
        // The body as written: when the statement's text holds it verbatim (dollar quotes, or a
        // string without quotes inside) a statement that is not found was not lost to quoting.
        let verbatim = ctx.stmt.text.contains(body);
        let mut search_from = 0;
        for (q, conditional) in queries {
            let class = crate::sql::parse::classify(&q);
            let found = locate(ctx.stmt.text, &q, search_from);
            let inner = match found {
                Some(start) => {
                    search_from = start + q.len();
                    Stmt {
                        file: ctx.stmt.file,
                        offset: ctx.stmt.offset + start,
                        text: &ctx.stmt.text[start..start + q.len()],
                    }
                }
                // A query (`SELECT … INTO var`, whose INTO PL/pgSQL blanks) or a data change
                // cannot change the schema: nothing to replay or report.
                None if class != crate::sql::parse::StatementClass::Schema => {
                    if class == crate::sql::parse::StatementClass::Data {
                        self.data_load(ctx.stmt);
                    }
                    continue;
                }
                // DDL whose text cannot be located is replayed from the PL/pgSQL tree's text,
                // placed at the block's start: its positions then stay inside the block (an
                // ASCII text has no character to split).
                None if ctx.stmt.text.is_ascii() && q.len() <= ctx.stmt.text.len() => Stmt {
                    file: ctx.stmt.file,
                    offset: ctx.stmt.offset,
                    text: q.as_str(),
                },
                None => {
                    let advice = if verbatim {
                        ""
                    } else {
                        "; write the body in dollar quotes ($$ … $$)"
                    };
                    self.unparsed.push(Unparsed {
                        message: format!(
                            "a statement in this DO block cannot be located in its text (`{}`){advice}",
                            q.chars().take(60).collect::<String>()
                        ),
                        origin: ctx.stmt.whole(),
                        beyond_limits: true,
                    });
                    continue;
                }
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
            if class == crate::sql::parse::StatementClass::Data {
                self.data_load(inner);
                continue;
            }
            if conditional && class == crate::sql::parse::StatementClass::Schema {
                self.conditional_ddl.push(inner.whole());
                for n in &nodes {
                    self.note_conditional_alter(n, inner.whole());
                    self.note_conditional_rename(n, inner.whole());
                }
            }
            let inner_ctx = Ctx::new(inner);
            for n in &nodes {
                self.apply_node(n, &inner_ctx);
            }
        }
    }
}

impl Replay<'_> {
    /// Records what an `ALTER TABLE` in a conditional branch alters by name (before it is
    /// applied, so that the table name resolves as the statement sees it).
    fn note_conditional_alter(&mut self, node: &protobuf::Node, origin: crate::schema::Origin) {
        let Some(NodeEnum::AlterTableStmt(s)) = node.node.as_ref() else {
            return;
        };
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        for cmd in &s.cmds {
            if let Some(NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref()
                && !c.name.is_empty()
            {
                let name = crate::schema::names::truncate_identifier(&c.name).to_string();
                self.conditional_objects.push((table.clone(), name, origin));
            }
        }
    }
}

impl Replay<'_> {
    /// Records what a `RENAME` in a conditional branch renames, under both names: a column
    /// or constraint of its table, or a whole table or view (an empty object name stands for
    /// every object on the table), so that drift about either name says the branch may not
    /// have run.
    fn note_conditional_rename(&mut self, node: &protobuf::Node, origin: crate::schema::Origin) {
        use protobuf::ObjectType as O;
        let Some(NodeEnum::RenameStmt(s)) = node.node.as_ref() else {
            return;
        };
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        let new = crate::schema::names::truncate_identifier(&s.newname).to_string();
        let rt = s.rename_type;
        if rt == O::ObjectColumn as i32 || rt == O::ObjectTabconstraint as i32 {
            let old = crate::schema::names::truncate_identifier(&s.subname).to_string();
            self.conditional_objects.push((table.clone(), old, origin));
            self.conditional_objects.push((table, new, origin));
        } else if [
            O::ObjectTable,
            O::ObjectView,
            O::ObjectMatview,
            O::ObjectForeignTable,
        ]
        .iter()
        .any(|k| rt == *k as i32)
        {
            let renamed = crate::schema::QualName::new(table.schema.clone(), new);
            self.conditional_objects
                .push((table, String::new(), origin));
            self.conditional_objects
                .push((renamed, String::new(), origin));
        }
    }
}

/// Where PL/pgSQL query text `q` stands in `text`, from byte `from`: verbatim, or with the
/// blanks PL/pgSQL leaves where it cut out an `INTO target` matching anything of the same
/// length.
fn locate(text: &str, q: &str, from: usize) -> Option<usize> {
    if let Some(rel) = text.get(from..)?.find(q) {
        return Some(from + rel);
    }
    // Only a text with a cut-out INTO has blanks to match loosely (the scan is slower).
    if !q.contains("  ") {
        return None;
    }
    let (t, qb) = (text.as_bytes(), q.as_bytes());
    let first = *qb.first()?;
    (from..t.len().checked_sub(qb.len())? + 1).find(|&start| {
        t[start] == first
            && text.is_char_boundary(start)
            && text.is_char_boundary(start + qb.len())
            && qb
                .iter()
                .zip(&t[start..start + qb.len()])
                .all(|(a, b)| a == b || *a == b' ')
    })
}

/// The SQL statements inside a PL/pgSQL function tree (`PLpgSQL_stmt_execsql` queries) in
/// source order, at any depth (IF, loops, nested blocks, exception handlers), each with
/// whether it runs only on some branch (IF, CASE, an exception handler).
fn collect_plpgsql_sql(value: &serde_json::Value, out: &mut Vec<(String, bool)>) {
    const BRANCHING: &[&str] = &["PLpgSQL_stmt_if", "PLpgSQL_stmt_case", "exceptions"];
    let mut stack = vec![(value, false)];
    while let Some((v, conditional)) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(exec) = map.get("PLpgSQL_stmt_execsql")
                    && let Some(q) = exec
                        .pointer("/sqlstmt/PLpgSQL_expr/query")
                        .and_then(|q| q.as_str())
                {
                    out.push((q.to_string(), conditional));
                    continue;
                }
                // Keys in source order (an IF's THEN before its ELSIFs before its ELSE),
                // pushed reversed so that they pop in that order.
                let mut children: Vec<(&String, &serde_json::Value)> = map.iter().collect();
                children.sort_by_key(|(k, _)| (branch_rank(k), k.as_str()));
                for (k, child) in children.into_iter().rev() {
                    stack.push((child, conditional || BRANCHING.contains(&k.as_str())));
                }
            }
            serde_json::Value::Array(items) => {
                stack.extend(items.iter().rev().map(|i| (i, conditional)))
            }
            _ => {}
        }
    }
}

/// The order of an IF statement's branches (its keys sort alphabetically otherwise).
fn branch_rank(key: &str) -> u8 {
    match key {
        "then_body" => 0,
        "elsif_list" => 1,
        "else_body" => 2,
        _ => 0,
    }
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
