//! The live numbers beside the schema: sizes, scans, the statistics window, sequences and
//! bloat estimates ([`LiveStats`]). One query per kind, like the catalog; nothing here scans a
//! user table.
//!
//! Sizes are read from the catalog: a relation's size is `pg_class.relpages` × the block size,
//! which VACUUM and ANALYZE set to the relation's block count, so a size is as of the
//! relation's last VACUUM/ANALYZE. `pg_relation_size` would open every relation (a relation
//! cache entry built and an `ACCESS SHARE` lock taken per table and index: 0.3 s for 1,400
//! tables and 7,300 relations in all on a fresh connection). Only a relation never vacuumed or
//! analyzed (see `size_known`) is measured with `pg_relation_size`, unless another session
//! holds or waits for an `ACCESS EXCLUSIVE` lock on it (then its size is what the catalog
//! says). A size counts the main fork, the relation's data: the free space and visibility maps
//! (a few pages each, when they exist) are not counted.

use indexmap::IndexMap;

use super::{Database, DatabaseError, NOT_BOOKKEEPING, USER_NAMESPACE, not_extension_owned};
use crate::schema::QualName;
use crate::schema::live_stats::{IndexStats, LiveStats, SequenceStats, TableStats};

/// The start of the statistics window on one host, and its age.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsWindow {
    /// The start, as the server prints a timestamp.
    pub since: String,
    /// Its age in seconds.
    pub age_secs: i64,
    /// What began it.
    pub cause: String,
}

/// A CTE `xl` of the relations on which some session holds or waits for `ACCESS EXCLUSIVE`
/// (with the database they are in), read once per query: `pg_locks` lists every lock of the
/// server, the audit's own included (one per relation it has sized so far), so reading it again
/// for each row made a size query quadratic in the number of relations (800 ms for 1,400
/// tables).
const EXCLUSIVE_LOCKS: &str = "xl AS MATERIALIZED (SELECT l.relation, l.database FROM pg_locks l \
     WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock')";

/// The size in bytes of the relation `rel` (a `pg_class` alias), without waiting on a lock:
/// `relpages` × the block size when `known` (see [`size_known`]) says VACUUM or ANALYZE has
/// counted its pages, or when another session holds or waits for `ACCESS EXCLUSIVE` on it (in
/// [`EXCLUSIVE_LOCKS`]); `pg_relation_size` otherwise. NULL for an outer join's missing row.
/// `block` is the server's block size. A partitioned table or index has no storage: ANALYZE
/// sets its `relpages` to -1 (PostgreSQL 14+), read as 0.
fn size_of(rel: &str, known: &str, block: i64) -> String {
    format!(
        "CASE WHEN {known} OR EXISTS (SELECT 1 FROM xl WHERE xl.relation = {rel}.oid \
         AND xl.database = (SELECT oid FROM pg_database WHERE datname = current_database())) \
         THEN greatest({rel}.relpages, 0)::int8 * {block} \
         ELSE pg_relation_size({rel}.oid) END"
    )
}

/// The condition that `relpages` of the table (or TOAST table) `rel` was counted by a VACUUM
/// or ANALYZE, as the statistics system records them (`last_vacuum`, `last_autoanalyze`, …).
/// `reltuples` alone does not say it: CREATE INDEX on a table with rows sets it too, and the
/// rows added since are then in no catalog count. From PostgreSQL 14 `reltuples` is also -1
/// after a TRUNCATE, whose new, empty files the table has filled since. Without a record (never
/// vacuumed or analyzed, or the statistics were reset) the table is measured.
fn size_known(server_version_num: i32, rel: &str) -> String {
    let counted = format!(
        "coalesce(pg_stat_get_last_vacuum_time({rel}.oid), \
         pg_stat_get_last_autovacuum_time({rel}.oid), pg_stat_get_last_analyze_time({rel}.oid), \
         pg_stat_get_last_autoanalyze_time({rel}.oid)) IS NOT NULL"
    );
    if server_version_num >= 140000 {
        format!("({rel}.reltuples >= 0 AND {counted})")
    } else {
        counted
    }
}

/// [`size_known`] for the index `index` of the table `table`: the table counted (VACUUM and
/// ANALYZE count its indexes' pages too) and, from PostgreSQL 14, the index built (its
/// `reltuples` not -1). An index built on an empty table (a TOAST table's, made with its table)
/// records one page, and only its table's VACUUM or ANALYZE makes that current.
fn index_size_known(server_version_num: i32, index: &str, table: &str) -> String {
    let built = if server_version_num >= 140000 {
        format!("{index}.reltuples >= 0 AND ")
    } else {
        String::new()
    };
    format!("({built}{})", size_known(server_version_num, table))
}

impl Database {
    /// When this host's statistics window began: the latest of the last `stats_reset`, the
    /// server's start and (when the role may read it) the creation of the database's
    /// directory, which a restore into a new database resets.
    pub fn stats_window(&mut self) -> Result<StatsWindow, DatabaseError> {
        let created = self.database_created();
        let rows = self.query(
            "cannot read the statistics window",
            "SELECT date_trunc('second', d.stats_reset)::text, \
             date_trunc('second', pg_postmaster_start_time())::text, \
             extract(epoch FROM now() - d.stats_reset)::int8, \
             extract(epoch FROM now() - pg_postmaster_start_time())::int8 \
             FROM pg_stat_database d WHERE d.datname = current_database()",
        )?;
        let mut best: Option<StatsWindow> = None;
        let mut consider = |since: Option<String>, age: Option<i64>, cause: &str| {
            if let (Some(since), Some(age)) = (since, age)
                && best.as_ref().is_none_or(|b| age < b.age_secs)
            {
                best = Some(StatsWindow {
                    since,
                    age_secs: age,
                    cause: cause.to_string(),
                });
            }
        };
        if let Some(r) = rows.first() {
            consider(r.get(0), r.get(2), "the statistics were reset");
            consider(r.get(1), r.get(3), "the server started");
        }
        if let Some((since, age)) = created {
            consider(Some(since), Some(age), "the database was created");
        }
        best.ok_or_else(|| DatabaseError {
            what: "cannot read the statistics window".into(),
            target: self.target.clone(),
            reason: "pg_stat_database has no row for the current database".into(),
            help: "see the server's message above".into(),
        })
    }

    /// The modification time of the database's `PG_VERSION`, written when the database is
    /// created; `None` when the role may not call `pg_stat_file` (inside a savepoint, so the
    /// refusal does not end the transaction).
    fn database_created(&mut self) -> Option<(String, i64)> {
        self.batch("savepoint", "SAVEPOINT driftlint_created")
            .ok()?;
        let rows = self.query(
            "cannot stat the database directory",
            "SELECT f.modification::text, extract(epoch FROM now() - f.modification)::int8 \
             FROM pg_database d, pg_stat_file('base/' || d.oid || '/PG_VERSION') f \
             WHERE d.datname = current_database()",
        );
        match rows {
            Ok(rows) => {
                let _ = self.batch("release", "RELEASE SAVEPOINT driftlint_created");
                rows.first().map(|r| (r.get(0), r.get(1)))
            }
            Err(_) => {
                let _ = self.batch("rollback", "ROLLBACK TO SAVEPOINT driftlint_created");
                None
            }
        }
    }

    /// Sizes, scans, statistics state and bloat estimates of every user table and index, and
    /// the sequences; the caller adds the window and the replicas.
    pub fn live_stats(&mut self) -> Result<LiveStats, DatabaseError> {
        let mut stats = self.sizes_and_sequences()?;
        self.add_scans(&mut stats)?;
        Ok(stats)
    }

    /// [`Self::live_stats`] without the index scans, which [`Self::add_scans`] adds: what a
    /// second session on the same snapshot reads while the first introspects.
    pub fn sizes_and_sequences(&mut self) -> Result<LiveStats, DatabaseError> {
        let mut stats = LiveStats {
            hosts: vec![self.target.clone()],
            ..LiveStats::default()
        };
        // A relation never vacuumed or analyzed is measured, which opens it: a lock an index's
        // rebuild holds skips its table, as the definitions do.
        let (tables, indexes) = (&mut stats.tables, &mut stats.indexes);
        self.lock_safe("", |db| db.read_sizes(tables, indexes))?;
        self.lock_safe("", |db| {
            stats.sequences = db.read_sequences()?;
            Ok(())
        })?;
        stats.skipped = self.skipped_for_locks().to_vec();
        Ok(stats)
    }

    /// Each index's scans on this host (read by the introspection, `pg_stat_get_numscans` as
    /// the view calls it), and the tables this session left out for locks that `stats` does
    /// not list yet.
    pub fn add_scans(&mut self, stats: &mut LiveStats) -> Result<(), DatabaseError> {
        let scans = match self.index_scans_read.take() {
            Some(scans) => scans,
            None => self.index_scans()?,
        };
        for (name, s) in &mut stats.indexes {
            s.scans_per_host = vec![scans.get(name).copied().unwrap_or(0)];
        }
        let mut skipped = self.skipped_for_locks().to_vec();
        for s in std::mem::take(&mut stats.skipped) {
            if !skipped.iter().any(|k| k.table == s.table) {
                skipped.push(s);
            }
        }
        stats.skipped = skipped;
        Ok(())
    }

    /// `idx_scan` of every user index (what a replica contributes).
    pub fn index_scans(&mut self) -> Result<IndexMap<QualName, i64>, DatabaseError> {
        let rows = self.query(
            "cannot read pg_stat_user_indexes",
            "SELECT schemaname::text, indexrelname::text, coalesce(idx_scan, 0)::int8 \
             FROM pg_stat_user_indexes",
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                    r.get(2),
                )
            })
            .collect())
    }

    /// Tables and indexes in one query, so that `pg_stats` (a view that checks privileges on
    /// every row: 30 ms for 1,800 rows on a fresh connection) is read once, into `sa`: each
    /// row's table oid and column number, average width and null fraction.
    ///
    /// Tables: size, rows, scans, statistics state, and a bloat estimate from `w`: the pages
    /// the rows would fill (tuple header, null bitmap, average widths, alignment) against
    /// `relpages`. Indexes: size and, for B-trees on plain columns, a bloat estimate from
    /// `st`: the leaf pages the index's tuples would fill at the default fill factor (90)
    /// against `relpages`.
    fn read_sizes(
        &mut self,
        tables: &mut IndexMap<QualName, TableStats>,
        indexes: &mut IndexMap<QualName, IndexStats>,
    ) -> Result<(), DatabaseError> {
        // `sa`: the columns' average width and null fraction. `pg_stats` checks privileges
        // on every row and is joined back to the catalog by names (40 ms for 1,800 rows on a
        // 1,400-table database); `pg_statistic` has the numbers by oid, for a role that may
        // read it (a superuser, for whom `pg_stats` shows every row too). Dropping a column
        // deletes its statistics, so no row is of a dropped column.
        let sa = if self.reads_pg_statistic {
            "SELECT s.starelid AS attrelid, s.staattnum AS attnum, s.stawidth AS avg_width, \
               s.stanullfrac AS null_frac FROM pg_statistic s WHERE NOT s.stainherit"
        } else {
            "SELECT a.attrelid, a.attnum, s.avg_width, s.null_frac FROM pg_stats s \
               JOIN pg_namespace n ON n.nspname = s.schemaname \
               JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename \
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname \
               WHERE NOT s.inherited"
        };
        let sql = format!(
            // `st`: per index, the summed average width of its key columns that have
            // statistics, and how many have them, joined to the index keys by column number (a
            // correlated subquery took 900 ms for 6,000 indexes; a join by names, per index,
            // 100 ms).
            "WITH {EXCLUSIVE_LOCKS}, sa AS MATERIALIZED ({sa}), \
             w AS (SELECT sa.attrelid, sum((1 - sa.null_frac) * sa.avg_width) AS width, \
               max(sa.null_frac) AS nulls, count(*) AS ncols FROM sa GROUP BY sa.attrelid), \
             st AS (SELECT i.indexrelid, sum(sa.avg_width) AS width, count(*) AS n \
               FROM sa JOIN pg_index i ON i.indrelid = sa.attrelid \
               CROSS JOIN LATERAL unnest(i.indkey::int2[]) k(num) WHERE k.num = sa.attnum \
               GROUP BY i.indexrelid) \
             {} UNION ALL {} UNION ALL {} ORDER BY 1, 13",
            self.table_sizes_select(),
            self.index_sizes_select(),
            self.table_bloat_select(),
        );
        // The tables whose total adds up their indexes (the index rows come after them),
        // and the tables by oid, for the bloat rows (after the indexes).
        let mut totals = std::collections::HashSet::new();
        let mut by_oid = std::collections::HashMap::new();
        for r in self.query("cannot read table and index sizes", &sql)? {
            let Some(index) = r.get::<_, Option<bool>>(0) else {
                let table = by_oid.get(&r.get::<_, u32>(12));
                if let Some(t) = table.and_then(|name| tables.get_mut(name)) {
                    t.bloat_bytes = r.get(11);
                }
                continue;
            };
            let name = QualName::new(r.get::<_, String>(1), r.get::<_, String>(2));
            let bytes: i64 = r.get(3);
            if index {
                // Only the indexes of the tables read (the index rows do not repeat the
                // tables' filters).
                let table = QualName::new(name.schema.clone(), r.get::<_, String>(13));
                let Some(t) = tables.get_mut(&table) else {
                    continue;
                };
                t.idx_scans += r.get::<_, i64>(7);
                if totals.contains(&table) {
                    t.total_bytes += bytes;
                }
                indexes.insert(
                    name,
                    IndexStats {
                        bytes,
                        scans_per_host: Vec::new(),
                        bloat_bytes: r.get(11),
                    },
                );
                continue;
            }
            let total = r.get::<_, Option<i64>>(4);
            if total.is_some() {
                totals.insert(name.clone());
            }
            by_oid.insert(r.get::<_, u32>(12), name.clone());
            tables.insert(
                name,
                TableStats {
                    bytes,
                    total_bytes: total.unwrap_or(bytes),
                    rows: r.get(5),
                    seq_scans: r.get(6),
                    idx_scans: r.get(7),
                    mods_since_analyze: r.get(8),
                    live_rows: r.get(9),
                    last_analyze: r.get(10),
                    bloat_bytes: r.get(11),
                },
            );
        }
        Ok(())
    }

    /// The tables' half of [`Self::read_sizes`]: `false` (not an index), schema, name, size,
    /// total size without the indexes (which the index rows add), rows, sequential scans, 0
    /// index scans (the index rows add theirs), statistics state, bloat, oid, NULL. The
    /// statistics functions are the ones `pg_stat_user_tables` calls; the view also sums the
    /// scans of every index of every table of the database (20 ms).
    fn table_sizes_select(&self) -> String {
        let (v, block) = (self.server_version_num, self.block_size);
        let heap = size_of("c", &size_known(v, "c"), block);
        let toast = size_of("t", &size_known(v, "t"), block);
        let index = size_of("xc", &index_size_known(v, "xc", "xt"), block);
        // The total, as `pg_total_relation_size` counts it: heap, TOAST table (`ts`) and its
        // index (`ix`) here, the table's indexes from their rows (summing them here looked
        // every index up again: 20 ms), each sized by `size_of`, except the index of an empty
        // TOAST table: no row ever reached that table since its index was built (its pages go
        // only when VACUUM, which counts them, truncates it, or with the index by TRUNCATE or
        // a rewrite), so the index is the page its build counted. Most TOAST tables are empty
        // and never vacuumed; measuring their indexes took 20 ms per 1,000 tables.
        format!(
            "(SELECT false, n.nspname::text, c.relname::text, {heap}, \
             CASE WHEN c.relkind = 'r' THEN {heap} + coalesce(ts.bytes, 0) \
               + coalesce(ix.bytes, 0) END, \
             greatest(c.reltuples, 0)::int8, \
             pg_stat_get_numscans(c.oid)::int8, 0::int8, \
             pg_stat_get_mod_since_analyze(c.oid)::int8, pg_stat_get_live_tuples(c.oid)::int8, \
             greatest(pg_stat_get_last_analyze_time(c.oid), \
               pg_stat_get_last_autoanalyze_time(c.oid))::text, \
             NULL::int8, c.oid, NULL::text \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_class t ON t.oid = c.reltoastrelid \
             LEFT JOIN LATERAL (SELECT {toast} AS bytes) ts ON true \
             LEFT JOIN LATERAL (SELECT sum(CASE WHEN xt.relkind = 't' AND ts.bytes = 0 \
                 THEN xc.relpages::int8 * {block} \
                 ELSE {index} END)::int8 AS bytes FROM pg_index i \
               JOIN pg_class xc ON xc.oid = i.indexrelid JOIN pg_class xt ON xt.oid = i.indrelid \
               WHERE i.indrelid = c.reltoastrelid AND c.relkind = 'r') ix ON true \
             WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE} AND {} AND {NOT_BOOKKEEPING} \
             AND {})",
            not_extension_owned("pg_class", "c.oid"),
            self.not_locked("c.oid")
        )
    }

    /// The indexes' half of [`Self::read_sizes`]: `true`, schema, name, size, then NULLs in
    /// the tables' columns but the scans, the bloat estimate, oid, the table's name.
    fn index_sizes_select(&self) -> String {
        let block = self.block_size;
        let size = size_of(
            "ic",
            &index_size_known(self.server_version_num, "ic", "c"),
            block,
        );
        format!(
            "(SELECT true, n.nspname::text, ic.relname::text, {size}, NULL::int8, NULL::int8, \
             NULL::int8, pg_stat_get_numscans(i.indexrelid)::int8, NULL::int8, NULL::int8, \
             NULL::text, \
             CASE WHEN am.amname = 'btree' AND ic.reltuples >= 0 AND NOT (0 = ANY (i.indkey::int2[])) \
               AND st.n = array_length(i.indkey::int2[], 1) THEN \
               greatest(ic.relpages::int8 - 1 - ceil(ic.reltuples / greatest(1, floor( \
                   ({block} - 24 - 16) \
                   * coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(ic.reloptions) o \
                       WHERE o LIKE 'fillfactor=%'), 90) / 100.0 \
                   / (4 + 8 * ceil((8 + st.width) / 8.0)))))::int8, 0) \
                 * {block} END, i.indexrelid, c.relname::text \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_am am ON am.oid = ic.relam LEFT JOIN st ON st.indexrelid = i.indexrelid \
             WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE} AND {})",
            self.not_locked("c.oid")
        )
    }

    /// The bloat estimates of the tables with column statistics, after the indexes' rows in
    /// [`Self::read_sizes`]: NULL (neither table nor index), bloat, the table's oid. In rows
    /// of their own: joined to every table, the handful of tables with statistics (the
    /// planner expects one) were scanned once per table.
    ///
    /// The pages the rows would fill (tuple header, null bitmap, average widths, alignment)
    /// at the table's fill factor, against `relpages`.
    fn table_bloat_select(&self) -> String {
        let block = self.block_size;
        format!(
            "(SELECT NULL::bool, NULL::text, NULL::text, NULL::int8, NULL::int8, NULL::int8, \
             NULL::int8, NULL::int8, NULL::int8, NULL::int8, NULL::text, \
             greatest(c.relpages::int8 - ceil(c.reltuples / greatest(1, floor( \
               ({block} - 24) \
               * coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(c.reloptions) o \
                   WHERE o LIKE 'fillfactor=%'), 100) / 100.0 \
               / (4 + 8 * ceil((23 + CASE WHEN w.nulls > 0 THEN ceil(w.ncols / 8.0) ELSE 0 END) / 8.0) \
                  + 8 * ceil(w.width / 8.0)))))::int8, 0) * {block}, c.oid, NULL::text \
             FROM w JOIN pg_class c ON c.oid = w.attrelid \
             WHERE c.relkind = 'r' AND w.width IS NOT NULL AND c.reltuples >= 0)"
        )
    }

    /// Sequences: the last value, and the limit that stops inserts: the lower of the
    /// sequence's maximum and the maximum of the column type it feeds. The last value as the
    /// `pg_sequences` view reads it (NULL without the privilege), without the view's join back
    /// by names.
    fn read_sequences(&mut self) -> Result<Vec<SequenceStats>, DatabaseError> {
        let sql = format!(
            "SELECT n.nspname::text, c.relname::text, \
             CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') \
               THEN pg_sequence_last_value(c.oid) END::int8, s.seqmax::int8, \
             tn.nspname::text, tc.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
             CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 END::int8 \
             FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
               AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') \
             LEFT JOIN pg_class tc ON tc.oid = d.refobjid \
             LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
             LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
             WHERE {USER_NAMESPACE} AND {} AND {} ORDER BY c.oid",
            not_extension_owned("pg_class", "c.oid"),
            self.not_locked("c.oid")
        );
        let rows = self.query("cannot read pg_sequence", &sql)?;
        Ok(rows
            .iter()
            .map(|r| {
                let seqmax: i64 = r.get(3);
                let typemax: Option<i64> = r.get(8);
                let column = match (
                    r.get::<_, Option<String>>(4),
                    r.get::<_, Option<String>>(5),
                    r.get::<_, Option<String>>(6),
                    r.get::<_, Option<String>>(7),
                ) {
                    (Some(s), Some(t), Some(c), Some(ty)) => Some((QualName::new(s, t), c, ty)),
                    _ => None,
                };
                SequenceStats {
                    name: QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                    last_value: r.get(2),
                    limit: typemax.map_or(seqmax, |t| t.min(seqmax)),
                    column,
                }
            })
            .collect())
    }
}
