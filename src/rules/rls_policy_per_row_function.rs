//! `rls-policy-per-row-function`: a row-level security policy that calls `auth.uid()`,
//! `auth.jwt()`, `auth.role()`, `auth.email()` or `current_setting(…)` directly, so the
//! function runs once for every row the policy checks. Wrapped in a scalar subquery,
//! `(select auth.uid())`, PostgreSQL evaluates it once per statement (an InitPlan). Works on
//! replayed and live policies: both are compared in the deparsed form.

use super::{Check, RuleInput};
use crate::finding::Finding;

declare_rule!(
    RLS_POLICY_PER_ROW_FUNCTION,
    "rls-policy-per-row-function",
    Warning,
    "A row-level security policy that calls auth.uid() or current_setting() once per row.",
    Check::Model(check)
);

/// The functions whose value is the same for every row of a statement.
const PER_STATEMENT: [&str; 5] = [
    "auth.uid(",
    "auth.jwt(",
    "auth.role(",
    "auth.email(",
    "current_setting(",
];

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for table in input.schema.tables.values() {
        for policy in &table.policies {
            let mut calls: Vec<String> = Vec::new();
            let mut fixed: Vec<String> = Vec::new();
            for (clause, expr) in [("USING", &policy.using), ("WITH CHECK", &policy.with_check)] {
                let Some(expr) = expr else { continue };
                let found = per_row_calls(expr.text());
                if found.is_empty() {
                    continue;
                }
                for (start, end) in &found {
                    let call = expr.text()[*start..*end].to_string();
                    if !calls.contains(&call) {
                        calls.push(call);
                    }
                }
                fixed.push(format!("{clause} ({})", wrap(expr.text(), &found)));
            }
            if calls.is_empty() {
                continue;
            }
            let message = format!(
                "policy `{}` on `{}` calls {} for every row it checks: wrapped as `(select …)` it is evaluated once per statement",
                policy.name,
                table.name.name,
                calls
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            out.push(
                Finding::new(&RLS_POLICY_PER_ROW_FUNCTION, message, policy.origin)
                    .table(&table.name)
                    .object(policy.name.clone())
                    .help(format!(
                        "ALTER POLICY {} ON {} {};",
                        crate::schema::quote_ident(&policy.name),
                        table.name,
                        fixed.join(" ")
                    )),
            );
        }
    }
}

/// Byte ranges of the calls in deparsed text that are not inside a `(SELECT …)`. String
/// literals are skipped; the deparser prints every subquery as `(SELECT `.
fn per_row_calls(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // For each open parenthesis: whether it opens a subquery.
    let mut stack: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'(' => stack.push(starts_with_ci(&bytes[i + 1..], "SELECT ")),
            b')' => {
                stack.pop();
            }
            _ => {
                let boundary = i == 0 || !is_ident(bytes[i - 1]);
                if boundary
                    && !stack.iter().any(|s| *s)
                    && let Some(name) = PER_STATEMENT
                        .iter()
                        .find(|n| starts_with_ci(&bytes[i..], n))
                    && let Some(end) = call_end(text, i + name.len() - 1)
                {
                    found.push((i, end));
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'"'
}

/// The end (exclusive) of the argument list opening at `open`.
fn call_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut in_string = false;
    for (k, c) in text[open..].char_indices() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `bytes` begins with the ASCII word `prefix`, in any case. Compares bytes, so it is
/// safe at any offset of text holding multi-byte characters (a `str` slice there would panic).
fn starts_with_ci(bytes: &[u8], prefix: &str) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `text` with each call wrapped in `(SELECT …)`.
fn wrap(text: &str, calls: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in calls {
        out.push_str(&text[at..*start]);
        out.push_str(&format!("(SELECT {})", &text[*start..*end]));
        at = *end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_inside_a_subquery_or_a_string_are_fine() {
        let t = "user_id = auth.uid() AND org = (SELECT auth.jwt() ->> 'org') AND x = 'auth.uid()'";
        let found = per_row_calls(t);
        assert_eq!(found.len(), 1);
        assert_eq!(&t[found[0].0..found[0].1], "auth.uid()");
        assert_eq!(
            per_row_calls("tenant = current_setting('app.tenant', true)::uuid")
                .iter()
                .map(|(s, e)| &"tenant = current_setting('app.tenant', true)::uuid"[*s..*e])
                .collect::<Vec<_>>(),
            ["current_setting('app.tenant', true)"]
        );
        assert!(per_row_calls("my_auth.uid() = x").is_empty());
        assert_eq!(wrap("a = auth.uid()", &[(4, 14)]), "a = (SELECT auth.uid())");
    }

    /// A policy text with multi-byte characters (here inside a quoted identifier) is scanned
    /// byte by byte without slicing inside a character (found by fuzzing `check_sql`).
    #[test]
    fn multi_byte_text_is_scanned_without_panicking() {
        let t = "tenant_id = \"current_\u{2603}setting\"('app.t')::uuid AND b = current_setting('x')";
        let found = per_row_calls(t);
        assert_eq!(
            found.iter().map(|(s, e)| &t[*s..*e]).collect::<Vec<_>>(),
            ["current_setting('x')"]
        );
    }

    crate::rules::tests::rule_cases!(
        super::RLS_POLICY_PER_ROW_FUNCTION,
        pass: [
            "CREATE TABLE notes (id int PRIMARY KEY, user_id uuid);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON notes USING ((select auth.uid()) = user_id);",
            "CREATE TABLE notes (id int PRIMARY KEY, tenant text);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t ON notes USING (tenant = (SELECT current_setting('app.tenant')));",
        ],
        fail: [
            "CREATE TABLE notes (id int PRIMARY KEY, user_id uuid);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON notes USING (auth.uid() = user_id);",
            "CREATE TABLE notes (id int PRIMARY KEY, tenant text);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t ON notes FOR INSERT WITH CHECK (tenant = current_setting('app.tenant', true));",
        ],
    );
}
