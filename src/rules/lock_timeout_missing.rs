//! `lock-timeout-missing`: ACCESS EXCLUSIVE on an existing table in a file that sets no
//! `lock_timeout`. Off unless turned on in `[rules]`.

use rustc_hash::FxHashSet as HashSet;

use super::shared::safety::{Facts, lock_finding, table_name};
use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Action;

declare_rule!(
    LOCK_TIMEOUT_MISSING,
    "lock-timeout-missing",
    Warning,
    "ACCESS EXCLUSIVE on an existing table in a migration that sets no lock_timeout (off by default).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let facts = Facts::of(input);
    let mut guarded: HashSet<u32> = HashSet::default();
    let mut reported: HashSet<u32> = HashSet::default();
    for s in &facts.safety {
        if s.action == Action::LockTimeout {
            guarded.insert(s.file);
            continue;
        }
        if guarded.contains(&s.file)
            || reported.contains(&s.file)
            || !s.action.takes_access_exclusive()
            || s.table.is_none()
            || facts.is_new(s)
        {
            continue;
        }
        reported.insert(s.file);
        let table = table_name(s);
        out.push(lock_finding(
            &LOCK_TIMEOUT_MISSING,
            s,
            format!(
                "this statement waits for an ACCESS EXCLUSIVE lock on `{table}` with no `lock_timeout`: while it waits behind a long query, every other query on `{table}` queues behind it"
            ),
            "start the migration with `SET lock_timeout = '5s';` (and retry on failure) so that a blocked migration gives up instead of stalling the application".to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    crate::rules::tests::rule_cases!(
        super::LOCK_TIMEOUT_MISSING,
        pass: [
            "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;",
            "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN c int;",
            "CREATE INDEX CONCURRENTLY t_a ON t (a);",
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;\nDROP TABLE t;",
            "DROP TABLE IF EXISTS t;",
            "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nALTER INDEX t_a RENAME TO t_b;",
            "DROP INDEX CONCURRENTLY t_a;",
        ],
        fail: [
            "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t DROP COLUMN d;",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\nSET lock_timeout = '5s';",
            "DROP TABLE t;",
            "ALTER TABLE t RENAME TO u;",
            "ALTER TABLE t RENAME COLUMN a TO b;",
            "ALTER TABLE t RENAME CONSTRAINT t_a_check TO t_a_positive;",
        ],
    );

    /// `DROP INDEX` locks the index's table, known from an earlier file; CONCURRENTLY does not.
    #[test]
    fn drop_index_locks_its_table() {
        let first = "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);";
        let lint = |second| crate::rules::tests::lint_two_files(&super::LOCK_TIMEOUT_MISSING, first, second);
        let found = lint("DROP INDEX t_a;");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("lock on `t`"), "{}", found[0].message);
        assert!(lint("DROP INDEX CONCURRENTLY t_a;").is_empty());
    }
}
