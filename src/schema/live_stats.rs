//! What a live database says about its objects beyond their definitions: sizes, scans on each
//! host, how old the statistics are, sequences, bloat estimates and the objects a lock kept
//! from being read. Replayed and ORM schemas have none of it ([`Schema::live`] is `None`).
//!
//! [`Schema::live`]: super::Schema::live

use indexmap::IndexMap;

use super::QualName;

/// The live numbers of one database (summed over its replicas where that makes sense).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStats {
    /// The hosts read (redacted targets), primary first.
    pub hosts: Vec<String>,
    /// When the statistics window began on the host whose window is shortest (the later of
    /// `stats_reset` and the server's start), as the server prints a timestamp.
    pub stats_since: Option<String>,
    /// How old that window is, in seconds.
    pub stats_age_secs: Option<i64>,
    /// What began the window: "the statistics were reset" or "the server started".
    pub stats_since_cause: String,
    /// The shortest window `unused-index` trusts, in seconds (`--min-stats-age`).
    pub min_stats_age_secs: i64,
    /// Indexes by name.
    pub indexes: IndexMap<QualName, IndexStats>,
    /// Tables (and partitions) by name.
    pub tables: IndexMap<QualName, TableStats>,
    /// Sequences with their values and the column they feed.
    pub sequences: Vec<SequenceStats>,
    /// Objects whose definitions could not be read because another session held a lock.
    pub skipped: Vec<SkippedObject>,
}

/// Size and use of one index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexStats {
    /// The index's size as of its last VACUUM/ANALYZE (`relpages`; `pg_relation_size` when
    /// never counted).
    pub bytes: i64,
    /// `idx_scan` on each host, in the order of [`LiveStats::hosts`].
    pub scans_per_host: Vec<i64>,
    /// Estimated bytes beyond what the index's rows need (B-tree only), from statistics.
    pub bloat_bytes: Option<i64>,
}

/// Size, use and statistics state of one table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableStats {
    /// The heap's size as of its last VACUUM/ANALYZE (`relpages`; `pg_relation_size` when
    /// never counted).
    pub bytes: i64,
    /// Heap, TOAST and indexes, each sized as [`Self::bytes`] is (`pg_total_relation_size`
    /// after an ANALYZE, less the free space and visibility maps).
    pub total_bytes: i64,
    /// Estimated rows (`reltuples`; 0 when never analysed).
    pub rows: i64,
    /// Sequential scans summed over the hosts.
    pub seq_scans: i64,
    /// Index scans summed over the hosts.
    pub idx_scans: i64,
    /// Rows changed since the last analyse (`n_mod_since_analyze`).
    pub mods_since_analyze: i64,
    /// Live rows as the statistics collector counts them (`n_live_tup`).
    pub live_rows: i64,
    /// The last manual or automatic analyse, if any.
    pub last_analyze: Option<String>,
    /// Estimated bytes beyond what the table's rows need, from statistics.
    pub bloat_bytes: Option<i64>,
}

/// A sequence, how far it has gone, and the limit that matters.
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceStats {
    /// The sequence.
    pub name: QualName,
    /// The last value handed out; `None` when never used (or not readable).
    pub last_value: Option<i64>,
    /// The lower of the sequence's maximum and the maximum of the column type it feeds.
    pub limit: i64,
    /// The column it feeds (`table`, `column`, its type), when owned by one.
    pub column: Option<(QualName, String, String)>,
}

/// An object whose definition was not read because another session held a lock on its table.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedObject {
    /// The table.
    pub table: QualName,
    /// What was not read, comma-separated ("constraints, index definitions").
    pub what: String,
    /// The pid of the session holding the conflicting lock, if known.
    pub pid: Option<i32>,
    /// Its lock mode (`AccessExclusiveLock`).
    pub mode: Option<String>,
    /// The start of its current statement, shortened.
    pub query: Option<String>,
}

impl LiveStats {
    /// Scans of an index summed over every host.
    pub fn index_scans(&self, index: &QualName) -> Option<i64> {
        self.indexes
            .get(index)
            .map(|s| s.scans_per_host.iter().sum())
    }

    /// Whether the statistics window is long enough to call an index unused.
    pub fn window_is_long_enough(&self) -> bool {
        self.stats_age_secs
            .is_some_and(|age| age >= self.min_stats_age_secs)
    }
}

/// A duration in seconds as people say it: `3 minutes`, `2 hours`, `9 days`.
pub fn human_duration(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        s if s < 120 => plural(s.max(0), "second"),
        s if s < 2 * 3600 => plural(s / 60, "minute"),
        s if s < 2 * 86400 => plural(s / 3600, "hour"),
        s => plural(s / 86400, "day"),
    }
}

/// A byte count as people read it: `8 kB`, `32 MB`, `1.4 GB` (powers of 1024, as
/// `pg_size_pretty`).
pub fn human_bytes(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    let units = ["bytes", "kB", "MB", "GB", "TB"];
    let mut v = b;
    let mut unit = 0;
    while v >= 1024.0 && unit < units.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if v < 10.0 {
        format!("{v:.1} {}", units[unit])
    } else {
        format!("{v:.0} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_naturally() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(8192), "8.0 kB");
        assert_eq!(human_bytes(32 * 1024 * 1024), "32 MB");
        assert_eq!(human_duration(59), "59 seconds");
        assert_eq!(human_duration(180), "3 minutes");
        assert_eq!(human_duration(3 * 86400), "3 days");
        assert_eq!(human_duration(3600 * 5), "5 hours");
    }

    #[test]
    fn the_window_gate_needs_a_known_age() {
        let mut s = LiveStats {
            min_stats_age_secs: 600,
            ..LiveStats::default()
        };
        assert!(!s.window_is_long_enough());
        s.stats_age_secs = Some(599);
        assert!(!s.window_is_long_enough());
        s.stats_age_secs = Some(600);
        assert!(s.window_is_long_enough());
    }
}
