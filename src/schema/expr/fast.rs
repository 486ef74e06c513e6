//! The deparser's text of the simplest expressions, written directly.
//!
//! Most expressions a history holds are column defaults, and most defaults are a constant or a
//! call without arguments (`0`, `false`, `'draft'`, `now()`). Deparsing goes through
//! libpg_query's protobuf encoding both ways, which cost more than replaying the statement the
//! default came from; for these shapes the text is known without it. Anything else returns
//! `None` and is deparsed. A test deparses every shape handled here and compares.

use pg_query::NodeEnum;
use pg_query::protobuf::{Node, SqlValueFunctionOp, a_const};

/// Zero-argument functions whose name the deparser prints bare (lower case, not a keyword).
const BARE_CALLS: &[&str] = &[
    "now",
    "gen_random_uuid",
    "uuid_generate_v4",
    "uuid_generate_v1",
    "random",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "txid_current",
    "pg_backend_pid",
    "inet_client_addr",
];

/// The deparsed text of `node` when it is a constant or a bare zero-argument call, as
/// PostgreSQL's deparser prints it; `None` otherwise.
pub(super) fn text(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => {
            if c.isnull {
                return Some("NULL".to_string());
            }
            match c.val.as_ref()? {
                a_const::Val::Ival(i) => Some(i.ival.to_string()),
                a_const::Val::Boolval(b) => Some(if b.boolval { "true" } else { "false" }.into()),
                a_const::Val::Sval(s) => Some(string_literal(&s.sval)),
                // Floats and bit strings keep their spelling in ways not worth repeating here.
                a_const::Val::Fval(_) | a_const::Val::Bsval(_) => None,
            }
        }
        // `CURRENT_TIMESTAMP` and its kin without a precision: the deparser prints the keyword,
        // in lower case.
        NodeEnum::SqlvalueFunction(f) => {
            use SqlValueFunctionOp as Op;
            let keyword = match Op::try_from(f.op).ok()? {
                Op::SvfopCurrentDate => "current_date",
                Op::SvfopCurrentTime => "current_time",
                Op::SvfopCurrentTimestamp => "current_timestamp",
                Op::SvfopLocaltime => "localtime",
                Op::SvfopLocaltimestamp => "localtimestamp",
                Op::SvfopCurrentRole => "current_role",
                Op::SvfopCurrentUser => "current_user",
                Op::SvfopUser => "user",
                Op::SvfopSessionUser => "session_user",
                Op::SvfopCurrentCatalog => "current_catalog",
                Op::SvfopCurrentSchema => "current_schema",
                _ => return None,
            };
            Some(keyword.to_string())
        }
        NodeEnum::FuncCall(f)
            if f.args.is_empty()
                && f.agg_order.is_empty()
                && f.agg_filter.is_none()
                && f.over.is_none()
                && !f.agg_within_group
                && !f.agg_star
                && !f.agg_distinct
                && !f.func_variadic
                && f.funcname.len() == 1 =>
        {
            match f.funcname[0].node.as_ref()? {
                NodeEnum::String(s) if BARE_CALLS.contains(&s.sval.as_str()) => {
                    Some(format!("{}()", s.sval))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A string constant as the deparser quotes it: quotes doubled, and a backslash doubled with
/// the `E` prefix.
fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 3);
    if value.contains('\\') {
        out.push('E');
    }
    out.push('\'');
    for ch in value.chars() {
        if ch == '\'' || ch == '\\' {
            out.push(ch);
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first expression of `SELECT <text>`.
    fn expression(text: &str) -> Node {
        let parsed = pg_query::parse(&format!("SELECT {text}"), 0).unwrap();
        let stmt = parsed.protobuf.stmts[0].stmt.clone().unwrap();
        let Some(NodeEnum::SelectStmt(select)) = stmt.node else {
            panic!("not a select: {text}")
        };
        let Some(NodeEnum::ResTarget(target)) = select.target_list[0].node.clone() else {
            panic!("no target: {text}")
        };
        *target.val.unwrap()
    }

    #[test]
    fn the_written_text_is_the_deparsers() {
        let handled = [
            "0",
            "-1",
            "42",
            "2147483647",
            "true",
            "false",
            "NULL",
            "''",
            "'draft'",
            "'it''s'",
            "'a\\b'",
            "E'a\\\\b'",
            "E'line\\nbreak'",
            "'{}'",
            "'{\"a\": 1}'",
            "'ünïcödé ✓'",
            "'\"quoted\"'",
            "now()",
            "NOW()",
            "gen_random_uuid()",
            "uuid_generate_v4()",
            "random()",
            "clock_timestamp()",
            "CURRENT_TIMESTAMP",
            "current_timestamp",
            "CURRENT_DATE",
            "CURRENT_TIME",
            "LOCALTIME",
            "LOCALTIMESTAMP",
            "CURRENT_ROLE",
            "CURRENT_USER",
            "USER",
            "SESSION_USER",
            "CURRENT_CATALOG",
            "CURRENT_SCHEMA",
        ];
        for text in handled {
            let node = expression(text);
            let fast = super::text(&node).unwrap_or_else(|| panic!("not handled: {text}"));
            assert_eq!(fast, super::super::deparse_slow(&node), "{text}");
        }
        // Left to the deparser.
        for text in [
            "1.5",
            "-1.5",
            "1e10",
            "9999999999",
            "-2147483648",
            "B'101'",
            "X'1F'",
            "CURRENT_TIMESTAMP(3)",
            "LOCALTIMESTAMP(0)",
            "pg_catalog.now()",
            "count(*)",
            "\"left\"()",
            "lower('A')",
            "'x'::text",
            "nextval('s'::regclass)",
        ] {
            assert_eq!(super::text(&expression(text)), None, "{text}");
        }
    }
}
