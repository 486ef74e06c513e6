//! `rls-enabled-without-policy`: row-level security switched on with nothing to allow.
//!
//! Only the final state counts: drizzle-kit writes `ENABLE ROW LEVEL SECURITY` and the policies
//! as separate statements, in either order.

use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    RLS_ENABLED_WITHOUT_POLICY,
    "rls-enabled-without-policy",
    Warning,
    "Row-level security enabled on a table without any policy: everyone but the owner sees nothing.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for table in input.schema.tables.values() {
        let name = &table.name.name;
        if table.rls_enabled && table.policies.is_empty() {
            let message = format!(
                "row-level security is enabled on table `{name}` but no policy is defined: every role except the owner and roles with BYPASSRLS sees no rows and can write none"
            );
            out.push(
                Finding::new(&RLS_ENABLED_WITHOUT_POLICY, message, table.origin)
                    .table(&table.name)
                    .help(format!(
                        "add the policies, e.g. CREATE POLICY {name}_access ON {} USING (…); — or ignore this finding if denying everyone is intended",
                        table.name
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::POLICY_WITHOUT_RLS;
    use crate::rules::tests::lint;

    /// (rule, object) of this rule's and `policy-without-rls`'s findings: they judge one state.
    fn findings(sql: &str) -> Vec<(&'static str, Option<String>)> {
        let mut found = lint(&super::RLS_ENABLED_WITHOUT_POLICY, sql);
        found.extend(lint(&POLICY_WITHOUT_RLS, sql));
        found.into_iter().map(|f| (f.rule, f.object)).collect()
    }

    const T: &str = "CREATE TABLE notes (id int PRIMARY KEY, owner text);\n";
    const ENABLE: &str = "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n";
    const POLICY: &str = "CREATE POLICY own ON notes USING (owner = current_user);\n";

    #[test]
    fn rls_without_a_policy() {
        let f = check_sql("t.sql", &format!("{T}{ENABLE}")).findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "rls-enabled-without-policy");
        assert_eq!(
            f[0].message,
            "row-level security is enabled on table `notes` but no policy is defined: every role except the owner and roles with BYPASSRLS sees no rows and can write none"
        );
    }

    #[test]
    fn both_orders_of_enable_and_policy_are_fine() {
        assert_eq!(findings(&format!("{T}{ENABLE}{POLICY}")), []);
        assert_eq!(findings(&format!("{T}{POLICY}{ENABLE}")), []);
    }

    #[test]
    fn the_final_state_counts() {
        assert_eq!(
            findings(&format!(
                "{T}{ENABLE}{POLICY}ALTER TABLE notes DISABLE ROW LEVEL SECURITY;\n"
            )),
            [("policy-without-rls", Some("own".to_string()))]
        );
        assert_eq!(
            findings(&format!("{T}{ENABLE}{POLICY}DROP POLICY own ON notes;\n")),
            [("rls-enabled-without-policy", None)]
        );
    }

    crate::rules::tests::rule_cases!(
        super::RLS_ENABLED_WITHOUT_POLICY,
        pass: ["CREATE TABLE n (id int PRIMARY KEY, o text);\nALTER TABLE n ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON n USING (o = current_user);"],
        fail: ["CREATE TABLE n (id int PRIMARY KEY, o text);\nALTER TABLE n ENABLE ROW LEVEL SECURITY;"],
    );
}
