//! Schemas and `search_path`: CREATE SCHEMA, SET search_path, pg_dump's `set_config`.

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::nodes::strings;
use super::{Ctx, Replay};
use crate::schema::names::truncate_identifier;

impl Replay<'_> {
    pub(super) fn create_schema(&mut self, s: &protobuf::CreateSchemaStmt, ctx: &Ctx<'_>) {
        let name = if s.schemaname.is_empty() {
            s.authrole
                .as_ref()
                .map(|r| r.rolename.clone())
                .unwrap_or_default()
        } else {
            truncate_identifier(&s.schemaname).to_string()
        };
        self.schema
            .schemas
            .entry(name.clone())
            .or_insert(ctx.stmt.whole());
        if !s.schema_elts.is_empty() {
            let saved = std::mem::replace(&mut self.search_path, vec![name]);
            for elt in &s.schema_elts {
                self.apply_node(elt, ctx);
            }
            self.search_path = saved;
        }
    }

    pub(super) fn set_variable(&mut self, s: &protobuf::VariableSetStmt) {
        if s.name != "search_path" {
            return;
        }
        use protobuf::VariableSetKind as K;
        if s.kind == K::VarSetValue as i32 {
            let mut path = Vec::new();
            for a in &s.args {
                match a.node.as_ref() {
                    Some(NodeEnum::AConst(c)) => {
                        if let Some(protobuf::a_const::Val::Sval(v)) = c.val.as_ref() {
                            path.extend(split_search_path(&v.sval));
                        }
                    }
                    Some(NodeEnum::String(v)) => path.push(v.sval.clone()),
                    _ => {}
                }
            }
            self.search_path = path;
        } else if s.kind == K::VarSetDefault as i32
            || s.kind == K::VarReset as i32
            || s.kind == K::VarResetAll as i32
        {
            self.search_path = vec!["public".to_string()];
        }
    }

    /// `SELECT pg_catalog.set_config('search_path', 'a, b', false)`, as pg_dump writes it.
    pub(super) fn select_set_config(&mut self, s: &protobuf::SelectStmt) {
        for target in &s.target_list {
            let Some(NodeEnum::ResTarget(rt)) = target.node.as_ref() else {
                continue;
            };
            let Some(NodeEnum::FuncCall(fc)) = rt.val.as_ref().and_then(|v| v.node.as_ref()) else {
                continue;
            };
            if strings(&fc.funcname).last().map(String::as_str) != Some("set_config") {
                continue;
            }
            let args: Vec<String> = fc
                .args
                .iter()
                .filter_map(|a| match a.node.as_ref() {
                    Some(NodeEnum::AConst(c)) => match c.val.as_ref() {
                        Some(protobuf::a_const::Val::Sval(v)) => Some(v.sval.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if args.len() >= 2 && args[0] == "search_path" {
                self.search_path = split_search_path(&args[1]);
            }
        }
    }
}

/// `a, "B", public` → `["a", "B", "public"]`.
fn split_search_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => s.to_ascii_lowercase(),
            },
        )
        .collect()
}
