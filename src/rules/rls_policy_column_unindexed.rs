//! `rls-policy-column-unindexed`: a row-level security policy compares a column with a
//! per-request value (`current_setting('app.tenant_id')`, `auth.uid()`, `current_user`) and no
//! index leads with that column.
//!
//! PostgreSQL adds the policy's predicate to every query on the table. When the predicate is
//! `tenant_id = <the session's tenant>` and nothing indexes `tenant_id`, every query, however
//! selective otherwise, reads the whole table and filters it row by row.

use pg_query::protobuf::{AExprKind, BoolExprType, Node, SubLinkType};
use pg_query::{NodeEnum, NodeRef};

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::expr::visit_column_refs;
use crate::schema::names::{choose_name, name_addition};
use crate::schema::{Index, KeyTarget, QualName, Table, quote_ident};

declare_rule!(
    RLS_POLICY_COLUMN_UNINDEXED,
    "rls-policy-column-unindexed",
    Warning,
    "A row-level security policy compares a column with a per-request value and no index leads with it.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    let by_table = input.indexes_by_table();
    for table in schema.tables.values() {
        if !table.rls_enabled || table.policies.is_empty() {
            continue;
        }
        let indexes: &[&Index] = by_table.get(&table.name).map_or(&[], Vec::as_slice);
        let mut reported: Vec<String> = Vec::new();
        for policy in &table.policies {
            let exprs = [policy.using.as_ref(), policy.with_check.as_ref()];
            for expr in exprs.into_iter().flatten() {
                let mut groups = Vec::new();
                comparison_groups(expr.node(), table, &mut groups);
                for group in groups {
                    // An AND of comparisons is served by an index on any one of them.
                    if group
                        .iter()
                        .any(|c| indexes.iter().any(|i| leads_with(i, c)))
                    {
                        continue;
                    }
                    let column = &group[0];
                    if reported.contains(column) {
                        continue;
                    }
                    reported.push(column.clone());
                    let name = choose_name(
                        &table.name.name,
                        Some(&name_addition([column.as_str()])),
                        "idx",
                        |n| schema.relation_exists(&QualName::new(table.name.schema.clone(), n)),
                    );
                    let message = format!(
                        "policy `{}` on table `{}` compares `{column}` with a per-request value, and no index leads with `{column}`: every query on `{}` filters the whole table row by row",
                        policy.name, table.name.name, table.name.name
                    );
                    out.push(
                        Finding::new(&RLS_POLICY_COLUMN_UNINDEXED, message, policy.origin)
                            .table(&table.name)
                            .object(policy.name.clone())
                            .help(format!(
                                "CREATE INDEX CONCURRENTLY {} ON {} ({});",
                                quote_ident(&name),
                                table.name,
                                quote_ident(column)
                            ))
                            .related(
                                table.name.to_string(),
                                table.origin,
                                format!("table `{}` is created here", table.name.name),
                            ),
                    );
                }
            }
        }
    }
}

/// Whether an index answers equality lookups on `column`: valid, its first key is the column,
/// and its access method can search by equality (not BRIN, not a vector index).
fn leads_with(index: &Index, column: &str) -> bool {
    index.valid
        && !matches!(index.method.as_str(), "brin" | "ivfflat" | "hnsw")
        && matches!(index.keys.first().map(|k| &k.target), Some(KeyTarget::Column(c)) if c == column)
}

/// The columns a predicate compares with per-request values, grouped so that each group is an
/// AND of comparisons (one index on any of them serves the group); OR branches make separate
/// groups, since each branch needs its own index.
fn comparison_groups(node: &Node, table: &Table, out: &mut Vec<Vec<String>>) {
    match node.node.as_ref() {
        Some(NodeEnum::BoolExpr(b)) if b.boolop == BoolExprType::AndExpr as i32 => {
            let mut group: Vec<String> = Vec::new();
            for arg in &b.args {
                match request_comparison(arg, table) {
                    Some(c) => {
                        if !group.contains(&c) {
                            group.push(c);
                        }
                    }
                    None => comparison_groups(arg, table, out),
                }
            }
            if !group.is_empty() {
                out.push(group);
            }
        }
        Some(NodeEnum::BoolExpr(b)) if b.boolop == BoolExprType::OrExpr as i32 => {
            for arg in &b.args {
                comparison_groups(arg, table, out);
            }
        }
        _ => {
            if let Some(c) = request_comparison(node, table) {
                out.push(vec![c]);
            }
        }
    }
}

/// The table's column when `node` compares it by equality with a per-request value:
/// `col = f(…)`, `f(…) = col`, `col = ANY (f(…))`, `col IN (f(…), …)`,
/// `col IN (SELECT … f(…) …)`.
fn request_comparison(node: &Node, table: &Table) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AExpr(e) => {
            let is_eq = matches!(
                e.name.last().and_then(|n| n.node.as_ref()),
                Some(NodeEnum::String(s)) if s.sval == "="
            );
            let (l, r) = (e.lexpr.as_deref()?, e.rexpr.as_deref()?);
            if e.kind == AExprKind::AexprOp as i32 && is_eq {
                if let Some(c) = table_column(l, table)
                    && is_request_value(r)
                {
                    return Some(c);
                }
                if let Some(c) = table_column(r, table)
                    && is_request_value(l)
                {
                    return Some(c);
                }
                None
            } else if is_eq
                && (e.kind == AExprKind::AexprOpAny as i32 || e.kind == AExprKind::AexprIn as i32)
            {
                let c = table_column(l, table)?;
                let any_request = match r.node.as_ref()? {
                    NodeEnum::List(list) => list.items.iter().any(is_request_value),
                    _ => is_request_value(r),
                };
                any_request.then_some(c)
            } else {
                None
            }
        }
        NodeEnum::SubLink(s) if s.sub_link_type == SubLinkType::AnySublink as i32 => {
            // `IN (SELECT …)` has no operator name; `= ANY (SELECT …)` names `=`.
            let is_eq = s
                .oper_name
                .iter()
                .all(|n| matches!(n.node.as_ref(), Some(NodeEnum::String(s)) if s.sval == "="));
            let c = table_column(s.testexpr.as_deref()?, table)?;
            (is_eq && s.subselect.as_deref().is_some_and(calls_function)).then_some(c)
        }
        _ => None,
    }
}

/// A plain reference to one of the table's columns (`tenant_id`, `documents.tenant_id`).
fn table_column(node: &Node, table: &Table) -> Option<String> {
    let Some(NodeEnum::ColumnRef(c)) = node.node.as_ref() else {
        return None;
    };
    let names: Vec<&str> = c
        .fields
        .iter()
        .map(|f| match f.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (column, qualifier) = names.split_last()?;
    let qualified_ok = match qualifier {
        [] => true,
        [t] => *t == table.name.name,
        [s, t] => *s == table.name.schema && *t == table.name.name,
        _ => false,
    };
    (qualified_ok && table.columns.contains_key(*column)).then(|| column.to_string())
}

/// A value fixed for the request but unknown to the planner until then: it calls a function
/// (`current_setting(…)`, `auth.uid()`, possibly under a cast or in a scalar subquery) or reads
/// a session value (`current_user`), and reads no column of the row itself.
fn is_request_value(node: &Node) -> bool {
    let mut own_columns = false;
    let mut copy = node.clone();
    visit_column_refs(&mut copy, &mut |_| own_columns = true);
    !own_columns && calls_function(node)
}

/// Whether an expression or query calls a function or reads a session value anywhere.
fn calls_function(node: &Node) -> bool {
    let Some(inner) = node.node.as_ref() else {
        return false;
    };
    inner.nodes().iter().any(|(n, ..)| {
        matches!(
            n,
            NodeRef::FuncCall(_) | NodeRef::SqlvalueFunction(_) | NodeRef::RangeFunction(_)
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint;

    const TABLE: &str = "CREATE TABLE documents (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, owner_id uuid, body text);\n\
                         ALTER TABLE documents ENABLE ROW LEVEL SECURITY;\n";

    /// (object, help) of the rule's findings on `TABLE` plus `rest`.
    fn findings(rest: &str) -> Vec<(String, String)> {
        lint(&super::RLS_POLICY_COLUMN_UNINDEXED, &format!("{TABLE}{rest}"))
            .into_iter()
            .map(|f| (f.object.unwrap_or_default(), f.help.unwrap_or_default()))
            .collect()
    }

    fn policy(using: &str) -> String {
        format!("CREATE POLICY p ON documents USING ({using});\n")
    }

    #[test]
    fn a_tenant_policy_without_an_index_is_reported_with_the_index_to_create() {
        let sql = format!(
            "{TABLE}CREATE POLICY tenant_isolation ON documents USING (tenant_id = current_setting('app.tenant_id')::uuid);"
        );
        let run = check_sql("test.sql", &sql);
        let f: Vec<_> = run
            .findings
            .iter()
            .filter(|f| f.rule == "rls-policy-column-unindexed")
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("tenant_isolation"));
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "CREATE INDEX CONCURRENTLY documents_tenant_id_idx ON public.documents (tenant_id);"
            )
        );
        assert_eq!(
            f[0].message,
            "policy `tenant_isolation` on table `documents` compares `tenant_id` with a per-request value, and no index leads with `tenant_id`: every query on `documents` filters the whole table row by row"
        );
        let crate::schema::Origin::Sql { start, .. } = f[0].origin else {
            panic!()
        };
        assert!(sql[start as usize..].starts_with("CREATE POLICY tenant_isolation"));
        assert_eq!(f[0].related[0].object, "public.documents");
    }

    #[test]
    fn per_request_values_in_many_shapes() {
        for using in [
            "auth.uid() = owner_id",
            "owner_id = (SELECT auth.uid())",
            "owner_id = current_user::uuid",
            "documents.owner_id = ANY (my_ids())",
            "owner_id IN (SELECT user_id FROM members WHERE org = current_setting('app.org'))",
            "owner_id = (auth.jwt() ->> 'sub')::uuid",
        ] {
            assert_eq!(
                findings(&policy(using)),
                [(
                    "p".to_string(),
                    "CREATE INDEX CONCURRENTLY documents_owner_id_idx ON public.documents (owner_id);"
                        .to_string()
                )],
                "{using}"
            );
        }
    }

    #[test]
    fn comparisons_that_are_not_per_request_are_ignored() {
        for using in [
            "owner_id = id",
            "owner_id IS NOT NULL",
            "body = 'x'",
            "owner_id <> auth.uid()",
            "owner_id = lower(body)::uuid",
            "NOT (owner_id = auth.uid())",
        ] {
            assert_eq!(findings(&policy(using)), [], "{using}");
        }
    }

    #[test]
    fn an_index_leading_with_the_column_satisfies_it() {
        let p = policy("tenant_id = current_setting('app.tenant_id')::uuid");
        assert_eq!(
            findings(&format!("CREATE INDEX ON documents (tenant_id, id);\n{p}")),
            []
        );
        assert_eq!(
            findings(&format!(
                "ALTER TABLE documents ADD UNIQUE (tenant_id, body);\n{p}"
            )),
            []
        );
        // Leading with another column does not help.
        assert_eq!(
            findings(&format!("CREATE INDEX ON documents (id, tenant_id);\n{p}")).len(),
            1
        );
        assert_eq!(
            findings(&format!(
                "CREATE INDEX ON documents USING brin (tenant_id);\n{p}"
            ))
            .len(),
            1
        );
    }

    #[test]
    fn and_needs_one_index_or_needs_one_per_branch() {
        let and = policy("tenant_id = current_setting('t')::uuid AND owner_id = auth.uid()");
        assert_eq!(findings(&and).len(), 1);
        assert_eq!(
            findings(&format!("CREATE INDEX ON documents (owner_id);\n{and}")),
            []
        );
        let or = policy("tenant_id = current_setting('t')::uuid OR owner_id = auth.uid()");
        assert_eq!(
            findings(&format!("CREATE INDEX ON documents (owner_id);\n{or}")).len(),
            1
        );
    }

    #[test]
    fn reported_once_per_column_and_only_with_rls_on() {
        let four = "CREATE POLICY s ON documents FOR SELECT USING (tenant_id = current_setting('t')::uuid);\n\
                    CREATE POLICY i ON documents FOR INSERT WITH CHECK (tenant_id = current_setting('t')::uuid);\n";
        let f = findings(four);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "s");
        let off = check_sql(
            "t.sql",
            "CREATE TABLE d (tenant_id uuid);\n\
             CREATE POLICY p ON d USING (tenant_id = current_setting('t')::uuid);",
        );
        assert!(
            off.findings
                .iter()
                .all(|f| f.rule != "rls-policy-column-unindexed")
        );
    }

    #[test]
    fn with_check_expressions_count() {
        assert_eq!(
            findings(
                "CREATE POLICY w ON documents FOR INSERT WITH CHECK (tenant_id = current_setting('t')::uuid);"
            )
            .len(),
            1
        );
    }

    crate::rules::tests::rule_cases!(
        super::RLS_POLICY_COLUMN_UNINDEXED,
        pass: ["CREATE TABLE d (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\nCREATE INDEX d_tenant ON d (tenant_id);\nALTER TABLE d ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON d USING (tenant_id = current_setting('app.tenant_id')::uuid);"],
        fail: ["CREATE TABLE d (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);\nALTER TABLE d ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON d USING (tenant_id = current_setting('app.tenant_id')::uuid);"],
    );
}
