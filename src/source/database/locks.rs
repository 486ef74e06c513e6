//! Reading the catalog while production is busy. A catalog read itself takes no lock on user
//! tables, but the deparsing functions (`pg_get_expr` given a table, `pg_get_indexdef`) open
//! the table they deparse for, and wait behind another session's
//! `ACCESS EXCLUSIVE` lock (a long migration, `VACUUM FULL`, `LOCK TABLE`), or behind such a
//! lock's waiting request. Rather than fail the whole audit after `lock_timeout`, a query that
//! calls them runs after a savepoint; on a lock timeout it is rolled back to the savepoint, the
//! tables other sessions lock are looked up in `pg_locks` and left out (of this query and every
//! later one), and the query runs again. The tables left out are reported with the pid, the
//! lock mode and the start of the holder's statement.

use super::{Database, DatabaseError};
use crate::schema::QualName;
use crate::schema::live_stats::SkippedObject;

/// SQLSTATE of `lock_not_available`, which `lock_timeout` raises.
const LOCK_TIMEOUT: &str = "55P03";

/// How many times a query is run again after a lock timeout: each retry leaves out every table
/// locked at that moment, so more than a few means locks come and go faster than we read.
const RETRIES: usize = 3;

/// The tables left out so far, and why.
#[derive(Debug, Default)]
pub(super) struct LockSkips {
    /// Their oids, for the queries' conditions.
    oids: Vec<u32>,
    /// What was not read of them.
    pub(super) skipped: Vec<SkippedObject>,
    /// Whether the savepoint is set. One for the whole transaction is enough: reads change
    /// nothing, so rolling back to it only clears a failed query's error, and it costs one
    /// statement instead of two per query.
    pub(super) savepoint: bool,
}

impl Database {
    /// A condition leaving out the tables found locked so far, on the table oid `oid`
    /// (`c.oid`); `true` while there are none.
    pub(super) fn not_locked(&self, oid: &str) -> String {
        if self.locks.oids.is_empty() {
            return "true".to_string();
        }
        format!("NOT ({oid} = ANY ({}))", super::oid_array(&self.locks.oids))
    }

    /// The objects whose definitions were not read because of another session's lock.
    pub fn skipped_for_locks(&self) -> &[SkippedObject] {
        &self.locks.skipped
    }

    /// Runs `read` (one catalog query that deparses, and what it does with the rows) so that
    /// a lock timeout skips the locked tables instead of ending the read; `what` names what
    /// the query reads of a table ("index definitions") in the report of what was skipped
    /// (empty for a query that reads no table's definitions).
    pub(super) fn lock_safe(
        &mut self,
        what: &str,
        mut read: impl FnMut(&mut Database) -> Result<(), DatabaseError>,
    ) -> Result<(), DatabaseError> {
        if !self.locks.savepoint {
            self.batch("cannot set a savepoint", "SAVEPOINT driftlint_read")?;
            self.locks.savepoint = true;
        }
        for attempt in 0..=RETRIES {
            match read(self) {
                Ok(()) => {
                    // Every table left out so far was left out of this query too.
                    for s in self.locks.skipped.iter_mut().filter(|_| !what.is_empty()) {
                        if !s.what.split(", ").any(|w| w == what) {
                            if !s.what.is_empty() {
                                s.what.push_str(", ");
                            }
                            s.what.push_str(what);
                        }
                    }
                    return Ok(());
                }
                Err(e)
                    if attempt < RETRIES && self.last_sqlstate.as_deref() == Some(LOCK_TIMEOUT) =>
                {
                    self.batch(
                        "cannot roll back to a savepoint",
                        "ROLLBACK TO SAVEPOINT driftlint_read",
                    )?;
                    if self.skip_locked_tables()? == 0 {
                        // Nothing to leave out: the lock is gone or not on a user table.
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!("the last attempt returns")
    }

    /// [`Self::lock_safe`] for one query, built for the tables left out so far by `sql`:
    /// its rows. `error` says what failed.
    pub(super) fn lock_safe_rows(
        &mut self,
        what: &str,
        error: &str,
        sql: fn(&Database) -> String,
    ) -> Result<Vec<postgres::Row>, DatabaseError> {
        let mut rows = Vec::new();
        self.lock_safe(what, |db| {
            rows = db.query(error, &sql(db))?;
            Ok(())
        })?;
        Ok(rows)
    }

    /// Adds the tables other sessions hold or wait for an `ACCESS EXCLUSIVE` lock on (an
    /// index's lock counts for its table) to the tables left out; how many were new.
    fn skip_locked_tables(&mut self) -> Result<usize, DatabaseError> {
        let rows = self.query(
            "cannot read pg_locks",
            "SELECT DISTINCT ON (t.oid) t.oid::int8, n.nspname::text, t.relname::text, l.pid, \
             l.mode::text, l.granted, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80), a.state::text \
             FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             LEFT JOIN pg_index i ON i.indexrelid = c.oid \
             JOIN pg_class t ON t.oid = coalesce(i.indrelid, c.oid) \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             LEFT JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' \
             AND l.pid <> pg_backend_pid() \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             ORDER BY t.oid, l.granted DESC",
        )?;
        let mut new = 0;
        for r in rows {
            let oid = r.get::<_, i64>(0) as u32;
            let granted: bool = r.get(5);
            let mut mode: String = r.get(4);
            if !granted {
                mode.push_str(", waiting");
            }
            // An idle session's query is its last statement, not what it is doing.
            if let Some(state) = r.get::<_, Option<String>>(7).filter(|s| s != "active") {
                mode.push_str(&format!(", {state}"));
            }
            if self.locks.oids.contains(&oid) {
                continue;
            }
            self.locks.oids.push(oid);
            new += 1;
            self.locks.skipped.push(SkippedObject {
                table: QualName::new(r.get::<_, String>(1), r.get::<_, String>(2)),
                what: String::new(),
                pid: r.get(3),
                mode: Some(mode),
                query: r.get(6),
            });
        }
        Ok(new)
    }
}
