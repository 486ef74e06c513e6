//! `policy-without-rls`: row-level security policies on a table that does not enforce them.
//!
//! Only the final state counts: drizzle-kit writes `ENABLE ROW LEVEL SECURITY` and the policies
//! as separate statements, in either order.

use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    POLICY_WITHOUT_RLS,
    "policy-without-rls",
    Warning,
    "Row-level security policies on a table where row-level security is not enabled: they do nothing.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for table in input.schema.tables.values() {
        let name = &table.name.name;
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

    const T: &str = "CREATE TABLE notes (id int PRIMARY KEY, owner text);\n";
    const POLICY: &str = "CREATE POLICY own ON notes USING (owner = current_user);\n";

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

    crate::rules::tests::rule_cases!(
        super::POLICY_WITHOUT_RLS,
        pass: ["CREATE TABLE n (id int PRIMARY KEY, o text);\nCREATE POLICY own ON n USING (o = current_user);\nALTER TABLE n ENABLE ROW LEVEL SECURITY;"],
        fail: ["CREATE TABLE n (id int PRIMARY KEY, o text);\nCREATE POLICY own ON n USING (o = current_user);"],
    );
}
