//! Functions, triggers and view queries read from parse-tree nodes. The replay uses these for
//! a migration's statements and introspection for the catalog's own DDL
//! (`pg_get_functiondef`, `pg_get_triggerdef`), so both sides are built by the same code.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, FunctionParameterMode as Mode, Node};

use super::model::{Origin, QualName};
use super::names::truncate_identifier;
use super::objects::{Function, Trigger, normalise_body};
use super::types;

/// The string values of name nodes, truncated as identifiers are.
fn names(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref()? {
            NodeEnum::String(s) => Some(truncate_identifier(&s.sval).to_string()),
            _ => None,
        })
        .collect()
}

/// A qualified name from a name list; an unqualified one goes to `schema`.
pub fn qualified(nodes: &[Node], schema: &str) -> QualName {
    let n = names(nodes);
    match n.as_slice() {
        [.., s, name] => QualName::new(s.clone(), name.clone()),
        [name] => QualName::new(schema, name.clone()),
        [] => QualName::new(schema, String::new()),
    }
}

/// A type as compared: `format_type`'s spelling, `SETOF` kept.
fn type_text(t: &protobuf::TypeName) -> String {
    let name = types::normalise(t).name;
    if t.setof {
        format!("SETOF {name}")
    } else {
        name
    }
}

/// The argument types that identify a function (IN, INOUT and VARIADIC parameters).
pub fn identity_arg_types(parameters: &[Node]) -> Vec<String> {
    parameters
        .iter()
        .filter_map(|p| match p.node.as_ref()? {
            NodeEnum::FunctionParameter(p) => Some(p),
            _ => None,
        })
        .filter(|p| {
            !matches!(
                Mode::try_from(p.mode),
                Ok(Mode::FuncParamOut | Mode::FuncParamTable)
            )
        })
        .filter_map(|p| p.arg_type.as_ref().map(type_text))
        .collect()
}

/// A `CREATE FUNCTION` / `CREATE PROCEDURE` statement as the model keeps it; unqualified names
/// go to `schema`.
pub fn function_from_stmt(
    s: &protobuf::CreateFunctionStmt,
    schema: &str,
    origin: Origin,
) -> Function {
    let mut language = String::from("sql");
    let mut body = None;
    for o in &s.options {
        let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else {
            continue;
        };
        match (
            d.defname.as_str(),
            d.arg.as_ref().and_then(|a| a.node.as_ref()),
        ) {
            ("language", Some(NodeEnum::String(l))) => language = l.sval.to_ascii_lowercase(),
            ("as", Some(NodeEnum::List(l))) => {
                let parts: Vec<String> = l
                    .items
                    .iter()
                    .filter_map(|i| match i.node.as_ref()? {
                        NodeEnum::String(s) => Some(s.sval.clone()),
                        _ => None,
                    })
                    .collect();
                body = Some(normalise_body(&parts.join(" ")));
            }
            _ => {}
        }
    }
    // RETURNS TABLE (…): the TABLE parameters are the result.
    let table: Vec<String> = s
        .parameters
        .iter()
        .filter_map(|p| match p.node.as_ref()? {
            NodeEnum::FunctionParameter(p) if p.mode == Mode::FuncParamTable as i32 => {
                Some(format!(
                    "{} {}",
                    p.name,
                    p.arg_type.as_ref().map(type_text).unwrap_or_default()
                ))
            }
            _ => None,
        })
        .collect();
    let returns = if s.is_procedure {
        None
    } else if !table.is_empty() {
        Some(format!("TABLE({})", table.join(", ")))
    } else {
        s.return_type.as_ref().map(type_text)
    };
    Function {
        name: qualified(&s.funcname, schema),
        procedure: s.is_procedure,
        arg_types: identity_arg_types(&s.parameters),
        returns,
        language,
        // A SQL-standard body (BEGIN ATOMIC / RETURN) is kept by the catalog as a tree only.
        body: if s.sql_body.is_some() { None } else { body },
        origin,
    }
}

// The bits of `CreateTrigStmt.timing` and `events` (PostgreSQL's TRIGGER_TYPE_*).
const BEFORE: i32 = 1 << 1;
const INSERT: i32 = 1 << 2;
const DELETE: i32 = 1 << 3;
const UPDATE: i32 = 1 << 4;
const TRUNCATE: i32 = 1 << 5;
const INSTEAD: i32 = 1 << 6;

/// A `CREATE TRIGGER` statement as the model keeps it; `function` is the executed function
/// already resolved to its schema.
pub fn trigger_from_stmt(
    s: &protobuf::CreateTrigStmt,
    function: QualName,
    origin: Origin,
) -> Trigger {
    let timing = if s.timing & INSTEAD != 0 {
        "INSTEAD OF"
    } else if s.timing & BEFORE != 0 {
        "BEFORE"
    } else {
        "AFTER"
    };
    let mut events = Vec::new();
    if s.events & INSERT != 0 {
        events.push("INSERT".to_string());
    }
    if s.events & UPDATE != 0 {
        let cols = names(&s.columns);
        if cols.is_empty() {
            events.push("UPDATE".to_string());
        } else {
            events.push(format!("UPDATE OF {}", cols.join(", ")));
        }
    }
    if s.events & DELETE != 0 {
        events.push("DELETE".to_string());
    }
    if s.events & TRUNCATE != 0 {
        events.push("TRUNCATE".to_string());
    }
    let args = s
        .args
        .iter()
        .filter_map(|a| match a.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        })
        .collect();
    Trigger {
        name: truncate_identifier(&s.trigname).to_string(),
        timing: timing.to_string(),
        events: events.join(" OR "),
        for_each_row: s.row,
        function,
        args,
        when: s.when_clause.as_deref().map(when_text),
        origin,
    }
}

/// The text of a query node as PostgreSQL's deparser prints it. The statement wrapper comes
/// from parsing `SELECT 1`, so that every field the deparser checks is set as the parser sets
/// it.
pub fn query_text(query: &Node) -> String {
    let Ok(mut result) = pg_query::parse("SELECT 1", 0).map(|p| p.protobuf) else {
        return String::new();
    };
    result.stmts[0].stmt = Some(Box::new(query.clone()));
    pg_query::deparse(&result, Default::default()).unwrap_or_default()
}

/// A trigger's `WHEN` condition in the comparison form of queries (`NEW.` and `OLD.` kept).
fn when_text(expr: &Node) -> String {
    let Ok(mut result) = pg_query::parse("SELECT 1", 0).map(|p| p.protobuf) else {
        return String::new();
    };
    if let Some(NodeEnum::SelectStmt(select)) =
        result.stmts[0].stmt.as_mut().and_then(|s| s.node.as_mut())
        && let Some(NodeEnum::ResTarget(target)) = select.target_list[0].node.as_mut()
    {
        target.val = Some(Box::new(expr.clone()));
    }
    let text = pg_query::deparse(&result, Default::default()).unwrap_or_default();
    let normal = super::view_query::normalise_query(&text).unwrap_or(text);
    normal
        .strip_prefix("select ")
        .map(str::to_string)
        .unwrap_or(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(sql: &str) -> NodeEnum {
        pg_query::parse(sql, 0).expect("parses").protobuf.stmts[0]
            .stmt
            .clone()
            .and_then(|s| s.node)
            .expect("a statement")
    }

    #[test]
    fn a_function_written_and_as_the_catalog_prints_it_are_one() {
        let NodeEnum::CreateFunctionStmt(written) = first(
            "CREATE FUNCTION touch(a int, OUT b varchar) RETURNS varchar LANGUAGE plpgsql AS $$\n BEGIN -- go\n b := a; END $$",
        ) else {
            panic!("not a function")
        };
        let NodeEnum::CreateFunctionStmt(catalog) = first(
            "CREATE OR REPLACE FUNCTION public.touch(a integer, OUT b character varying)\n RETURNS character varying\n LANGUAGE plpgsql\nAS $function$ BEGIN b := a; END $function$",
        ) else {
            panic!("not a function")
        };
        let a = function_from_stmt(&written, "public", Origin::Database);
        let b = function_from_stmt(&catalog, "public", Origin::Database);
        assert_eq!(a, b);
        assert_eq!(a.signature(), "public.touch(integer)");
    }

    #[test]
    fn trigger_timing_events_and_when() {
        let NodeEnum::CreateTrigStmt(t) = first(
            "CREATE TRIGGER t BEFORE UPDATE OF a OR INSERT ON x FOR EACH ROW WHEN (NEW.a IS DISTINCT FROM OLD.a) EXECUTE FUNCTION f()",
        ) else {
            panic!("not a trigger")
        };
        let t = trigger_from_stmt(&t, QualName::new("public", "f"), Origin::Database);
        assert_eq!(t.timing, "BEFORE");
        assert_eq!(t.events, "INSERT OR UPDATE OF a");
        assert!(t.for_each_row);
        assert!(t.when.is_some());
    }
}
