//! Row-level security policies: CREATE POLICY and ALTER POLICY.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

use super::{Ctx, Owner, Replay};
use crate::schema::expr::SqlExpr;
use crate::schema::model::Policy;

/// Whether a policy written in `statement` may read other relations: only a subquery does, and
/// a subquery is written with `SELECT` (or `TABLE t`). Deciding from the text costs nothing;
/// from the expression it would take a deparse or a walk of every node kind.
fn may_read_relations(statement: &str) -> bool {
    use crate::sql::parse::contains_ignore_case;
    contains_ignore_case(statement, "select") || contains_ignore_case(statement, "table")
}

/// A policy's USING or WITH CHECK expression.
fn policy_expr(node: &Option<Box<Node>>) -> Option<SqlExpr> {
    node.as_ref().map(|n| SqlExpr::from_node((**n).clone()))
}

impl Replay<'_> {
    pub(super) fn create_policy(&mut self, s: &protobuf::CreatePolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.table.as_ref() else { return };
        let table = self.lookup_name(rv);
        if !self.ensure_table(&table) {
            self.missing_table(table, Owner::Statement, ctx.relation_span(rv));
            return;
        }
        let roles = s.roles.iter().filter_map(|r| match r.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) if !r.rolename.is_empty() => Some(r.rolename.clone()),
            Some(NodeEnum::RoleSpec(_)) => Some("public".to_string()),
            _ => None,
        });
        let policy = Policy {
            name: s.policy_name.clone(),
            permissive: s.permissive,
            command: if s.cmd_name.is_empty() {
                "all".to_string()
            } else {
                s.cmd_name.clone()
            },
            // Without TO the policy applies to PUBLIC, as the catalog records it.
            roles: {
                let roles: Vec<String> = roles.collect();
                if roles.is_empty() {
                    vec!["public".to_string()]
                } else {
                    roles
                }
            },
            using: policy_expr(&s.qual),
            with_check: policy_expr(&s.with_check),
            origin: ctx.stmt.whole(),
        };
        if let Some(t) = self.schema.tables.get_mut(&table) {
            t.policies.retain(|p| p.name != policy.name);
            t.policies.push(policy);
            if may_read_relations(ctx.stmt.text) {
                self.lookups.policy_tables.insert(table);
            }
        }
    }

    pub(super) fn alter_policy(&mut self, s: &protobuf::AlterPolicyStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.table.as_ref() else { return };
        let table = self.lookup_name(rv);
        let Some(p) = self
            .schema
            .tables
            .get_mut(&table)
            .and_then(|t| t.policies.iter_mut().find(|p| p.name == s.policy_name))
        else {
            return;
        };
        if s.qual.is_some() {
            p.using = policy_expr(&s.qual);
        }
        if s.with_check.is_some() {
            p.with_check = policy_expr(&s.with_check);
        }
        if (s.qual.is_some() || s.with_check.is_some()) && may_read_relations(ctx.stmt.text) {
            self.lookups.policy_tables.insert(table);
        }
    }
}
