//! `concurrent-index-if-not-exists`: `CREATE INDEX CONCURRENTLY IF NOT EXISTS`.

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    CONCURRENT_INDEX_IF_NOT_EXISTS,
    "concurrent-index-if-not-exists",
    Warning,
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS keeps the invalid index a failed build leaves behind.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    for s in &facts.safety {
        let Action::CreateIndex {
            index,
            concurrently: true,
            if_not_exists: true,
            ..
        } = &s.action
        else {
            continue;
        };
        let table = table_name(s);
        out.push(lock_finding(
            &CONCURRENT_INDEX_IF_NOT_EXISTS,
            s,
            format!(
                "`CREATE INDEX CONCURRENTLY IF NOT EXISTS {index}` on `{table}`: a build that fails (a deadlock, a duplicate, a cancelled deploy) leaves an INVALID index named `{index}`, and the retry skips it because the name exists"
            ),
            format!(
                "drop a leftover first: `DROP INDEX CONCURRENTLY IF EXISTS {index};` then `CREATE INDEX CONCURRENTLY {index} ON …` without IF NOT EXISTS"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::CONCURRENT_INDEX_IF_NOT_EXISTS,
        pass: [
            "CREATE INDEX CONCURRENTLY t_a ON t (a);",
            "CREATE INDEX IF NOT EXISTS t_a ON t (a);",
        ],
        fail: ["CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);"],
    );
}
