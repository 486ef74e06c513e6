//! `rls-enabled-without-policy` and `policy-without-rls`: row-level security switched on with
//! nothing to allow, or policies written for a table that does not enforce them.
//!
//! Only the final state counts: drizzle-kit writes `ENABLE ROW LEVEL SECURITY` and the policies
//! as separate statements, in either order.

use super::{POLICY_WITHOUT_RLS, RLS_ENABLED_WITHOUT_POLICY, RuleInput};
use crate::finding::Finding;

pub(super) fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
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
        if !table.rls_enabled
            && let Some(first) = table.policies.first()
        {
            let names: Vec<String> = table
                .policies
                .iter()
                .map(|p| format!("`{}`", p.name))
                .collect();
            let (noun, pronoun) = if names.len() == 1 {
                ("policy", "it does")
            } else {
                ("policies", "they do")
            };
            let message = format!(
                "table `{name}` has {noun} {} but row-level security is not enabled on it: {pronoun} nothing",
                names.join(", ")
            );
            out.push(
                Finding::new(&POLICY_WITHOUT_RLS, message, first.origin)
                    .table(&table.name)
                    .object(first.name.clone())
                    .help(format!(
                        "ALTER TABLE {} ENABLE ROW LEVEL SECURITY;",
                        table.name
                    ))
                    .related(
                        table.name.to_string(),
                        table.origin,
                        format!("table `{name}` is created here"),
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;

    /// (rule, object) of the two rules' findings.
    fn findings(sql: &str) -> Vec<(&'static str, Option<String>)> {
        check_sql("test.sql", sql)
            .findings
            .into_iter()
            .filter(|f| f.rule == "rls-enabled-without-policy" || f.rule == "policy-without-rls")
            .map(|f| (f.rule, f.object))
            .collect()
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
    fn policies_without_rls() {
        let sql = format!("{T}{POLICY}CREATE POLICY admin ON notes USING (true);\n");
        let f = check_sql("t.sql", &sql).findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "policy-without-rls");
        assert_eq!(f[0].object.as_deref(), Some("own"));
        assert_eq!(
            f[0].message,
            "table `notes` has policies `own`, `admin` but row-level security is not enabled on it: they do nothing"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;")
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
}
