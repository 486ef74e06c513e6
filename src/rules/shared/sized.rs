//! Severity that follows table size: a lock on a small table is a note, on a huge one an
//! error; and the failures the planner statistics predict (NULLs for SET NOT NULL, duplicates
//! for a new unique key).

use crate::finding::{Finding, Severity};
use crate::source::database::stats::{Stats, TableStats};

/// Where a lock finding's severity changes with its table's size (`[check.size]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Below this many rows a lock finding is info.
    pub info_below_rows: f64,
    /// Above this many rows (or [`Thresholds::error_above_bytes`]) a lock finding is an error.
    pub error_above_rows: f64,
    /// Above this many bytes a lock finding is an error.
    pub error_above_bytes: i64,
}

impl Default for Thresholds {
    /// 10,000 rows; 10 million rows or 10 GB.
    fn default() -> Self {
        Thresholds {
            info_below_rows: 10_000.0,
            error_above_rows: 10_000_000.0,
            error_above_bytes: 10 * 1024 * 1024 * 1024,
        }
    }
}

impl Thresholds {
    fn severity(&self, t: &TableStats) -> Severity {
        match t.rows {
            Some(r) if r > self.error_above_rows => Severity::Error,
            _ if t.bytes > self.error_above_bytes => Severity::Error,
            Some(r) if r < self.info_below_rows => Severity::Info,
            Some(_) => Severity::Warning,
            // Never analysed: judge by bytes alone (8 kB pages of ~100 rows).
            None if (t.bytes as f64) < self.info_below_rows * 8192.0 / 100.0 => Severity::Info,
            None => Severity::Warning,
        }
    }
}

/// The rules whose findings are about a lock on a table's rows.
const LOCK_RULES: &[&str] = &[
    "index-not-concurrent",
    "foreign-key-not-valid",
    "check-constraint-not-valid",
    "set-not-null-scan",
    "column-type-rewrite",
    "volatile-default-rewrite",
    "unique-without-index",
];

/// Sets each lock finding's severity from its table's size and says the size (or that it is
/// unknown); predicts failures from the column statistics. Keeps the `unique-index-duplicates`
/// candidates the statistics prove, and drops the others.
pub fn apply(findings: &mut Vec<Finding>, stats: Option<&Stats>, thresholds: &Thresholds) {
    findings.retain_mut(|f| f.rule != "unique-index-duplicates" || proven_duplicates(f, stats));
    for f in findings.iter_mut() {
        if !LOCK_RULES.contains(&f.rule) {
            continue;
        }
        let Some(table) = f.table.clone() else {
            continue;
        };
        let Some(t) = stats.and_then(|s| s.table(&table)) else {
            f.message.push_str(&format!(
                " (the size of `{}` is unknown: `driftlint stats` writes it for `--stats`)",
                table.name
            ));
            continue;
        };
        f.severity = thresholds.severity(t);
        f.message.push_str(&format!(" ({})", describe(t)));
        predict(f, t);
    }
}

fn describe(t: &TableStats) -> String {
    let mb = t.bytes as f64 / (1024.0 * 1024.0);
    match t.rows {
        Some(r) => format!("`{}`: about {} rows, {mb:.1} MB", t.name, r.round() as i64),
        None => format!("`{}`: never analysed, {mb:.1} MB", t.name),
    }
}

/// Whether the statistics show duplicates under a `unique-index-duplicates` candidate; if so
/// the finding says so.
fn proven_duplicates(f: &mut Finding, stats: Option<&Stats>) -> bool {
    let Some(t) = f.table.as_ref().and_then(|n| stats?.table(n)) else {
        return false;
    };
    let Some(why) = duplicates(t, &f.key) else {
        return false;
    };
    f.message = format!(
        "{} ({}){why}; a failed concurrent build leaves an INVALID index behind",
        f.message,
        describe(t)
    );
    true
}

/// The failures the statistics predict.
fn predict(f: &mut Finding, t: &TableStats) {
    // A primary key makes its columns NOT NULL: a NULL in one fails the statement.
    if f.primary_key
        && let Some(c) = f
            .key
            .iter()
            .filter_map(|k| t.column(k))
            .find(|c| c.null_frac > 0.0)
    {
        f.severity = Severity::Error;
        f.message = format!(
            "`ADD PRIMARY KEY ({})` on `{}` will fail: about {:.1} % of rows have a NULL `{}` ({})",
            f.key.join(", "),
            t.name,
            c.null_frac * 100.0,
            c.name,
            describe(t)
        );
        f.help = Some(format!(
            "fill the NULLs first (UPDATE {} SET {} = … WHERE {} IS NULL, in batches), or key the table on another column",
            t.name, c.name, c.name
        ));
        return;
    }
    if !f.key.is_empty() {
        if let Some(why) = duplicates(t, &f.key) {
            f.severity = f.severity.max(Severity::Warning);
            f.message.push_str(&why);
        }
        return;
    }
    let Some(column) = f.object.clone() else {
        return;
    };
    let Some(c) = t.column(&column) else {
        return;
    };
    if f.rule == "set-not-null-scan" && c.null_frac > 0.0 {
        f.severity = Severity::Error;
        f.message = format!(
            "`SET NOT NULL` on `{}.{column}` will fail: about {:.1} % of rows are NULL ({})",
            t.name,
            c.null_frac * 100.0,
            describe(t)
        );
        f.help = Some(format!(
            "fill the NULLs first (UPDATE {} SET {column} = … WHERE {column} IS NULL, in batches), then add the constraint",
            t.name
        ));
    }
}

/// What the statistics say about duplicates in a new unique key, when they say something.
///
/// One column: ANALYZE stores `n_distinct = -(1 - null_frac)` exactly when its sample held no
/// value twice, so fewer distinct values than non-NULL rows means a sampled duplicate. Several
/// columns: each column repeating proves nothing (`(tenant, email)` may be unique while both
/// repeat), so only counting can: when every key column has a positive `n_distinct` (a count —
/// ANALYZE saw each of its values more than once) and the product of the counts, the most
/// combinations there can be, is under half the rows with no NULL in the key, two rows must
/// share a combination. Anything else is not reported.
fn duplicates(t: &TableStats, key: &[String]) -> Option<String> {
    let rows = t.rows?;
    let columns: Vec<_> = key.iter().map(|k| t.column(k)).collect::<Option<_>>()?;
    // Rows where no key column is NULL (NULLs never conflict), at least.
    let null_frac: f64 = columns.iter().map(|c| c.null_frac).sum();
    let keyed = rows * (1.0 - null_frac).max(0.0);
    if keyed <= 0.0 {
        return None;
    }
    if let [c] = columns.as_slice() {
        let distinct = if c.n_distinct < 0.0 {
            -c.n_distinct * rows
        } else {
            c.n_distinct
        };
        return (c.n_distinct > -1.0 && distinct < keyed * 0.999).then(|| {
            format!(
                "; the statistics show duplicates in `{}` (about {} distinct values in {} rows): the unique index will likely fail to build",
                key[0],
                distinct.round() as i64,
                keyed.round() as i64
            )
        });
    }
    if columns.iter().any(|c| c.n_distinct <= 0.0) {
        return None;
    }
    let combinations: f64 = columns.iter().map(|c| c.n_distinct).product();
    (combinations < keyed / 2.0).then(|| {
        let counts: Vec<String> = key
            .iter()
            .zip(&columns)
            .map(|(k, c)| format!("`{k}` {}", c.n_distinct.round() as i64))
            .collect();
        format!(
            "; the statistics allow at most about {} distinct ({}) combinations ({} values) for about {} rows with no NULL in the key: the unique index will likely fail to build",
            combinations.round() as i64,
            key.join(", "),
            counts.join(" × "),
            keyed.round() as i64
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::set_not_null_scan::SET_NOT_NULL_SCAN;
    use crate::schema::{Origin, QualName};
    use crate::source::database::stats::ColumnStats;

    fn stats(rows: f64, bytes: i64, null_frac: f64) -> Stats {
        Stats {
            version: 1,
            server_version_num: 150000,
            tables: vec![TableStats {
                schema: "public".into(),
                name: "t".into(),
                rows: Some(rows),
                bytes,
                columns: vec![ColumnStats {
                    name: "a".into(),
                    null_frac,
                    n_distinct: -1.0,
                }],
            }],
        }
    }

    fn finding() -> Finding {
        Finding::new(&SET_NOT_NULL_SCAN, "m", Origin::Derived)
            .table(&QualName::new("public", "t"))
            .object("a")
    }

    fn severity(s: Option<&Stats>) -> (Severity, String) {
        let mut f = vec![finding()];
        apply(&mut f, s, &Thresholds::default());
        (f[0].severity, f[0].message.clone())
    }

    #[test]
    fn severity_follows_size_and_nulls_predict_a_failure() {
        let (sev, msg) = severity(None);
        assert_eq!(sev, Severity::Warning);
        assert!(msg.contains("unknown"), "{msg}");
        assert_eq!(severity(Some(&stats(500.0, 65536, 0.0))).0, Severity::Info);
        assert_eq!(
            severity(Some(&stats(50_000.0, 9 << 20, 0.0))).0,
            Severity::Warning
        );
        assert_eq!(severity(Some(&stats(2e7, 1 << 30, 0.0))).0, Severity::Error);
        assert_eq!(
            severity(Some(&stats(5e6, 20 << 30, 0.0))).0,
            Severity::Error
        );
        let (sev, msg) = severity(Some(&stats(500.0, 65536, 0.25)));
        assert_eq!(sev, Severity::Error);
        assert!(
            msg.contains("will fail: about 25.0 % of rows are NULL"),
            "{msg}"
        );
    }

    #[test]
    fn thresholds_move_the_boundaries() {
        let strict = Thresholds {
            info_below_rows: 100.0,
            error_above_rows: 1_000.0,
            error_above_bytes: 1 << 20,
        };
        let at = |rows: f64, bytes: i64| {
            let mut f = vec![finding()];
            apply(&mut f, Some(&stats(rows, bytes, 0.0)), &strict);
            f[0].severity
        };
        assert_eq!(at(50.0, 8192), Severity::Info);
        assert_eq!(at(500.0, 65536), Severity::Warning);
        assert_eq!(at(5_000.0, 65536), Severity::Error);
        assert_eq!(at(500.0, 2 << 20), Severity::Error);
        // The defaults would call the same tables info.
        let mut f = vec![finding()];
        apply(
            &mut f,
            Some(&stats(5_000.0, 65536, 0.0)),
            &Thresholds::default(),
        );
        assert_eq!(f[0].severity, Severity::Info);
    }

    /// A table `t` of `rows` rows with the columns (name, null_frac, n_distinct).
    fn table(rows: f64, columns: &[(&str, f64, f64)]) -> TableStats {
        TableStats {
            schema: "public".into(),
            name: "t".into(),
            rows: Some(rows),
            bytes: 1 << 30,
            columns: columns
                .iter()
                .map(|(name, null_frac, n_distinct)| ColumnStats {
                    name: name.to_string(),
                    null_frac: *null_frac,
                    n_distinct: *n_distinct,
                })
                .collect(),
        }
    }

    fn key(columns: &[&str]) -> Vec<String> {
        columns.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn duplicates_are_predicted_only_where_the_statistics_prove_them() {
        // One column: unique (with or without NULLs), then repeating.
        assert_eq!(
            duplicates(&table(1e6, &[("a", 0.0, -1.0)]), &key(&["a"])),
            None
        );
        assert_eq!(
            duplicates(&table(1e6, &[("a", 0.25, -0.75)]), &key(&["a"])),
            None
        );
        let why = duplicates(&table(1e6, &[("a", 0.0, -0.5)]), &key(&["a"])).unwrap();
        assert!(
            why.contains("about 500000 distinct values in 1000000 rows"),
            "{why}"
        );
        // Two columns, each repeating, but possibly unique together: nothing said.
        let t = table(1e6, &[("tenant", 0.0, 2_000.0), ("email", 0.0, -0.4)]);
        assert_eq!(duplicates(&t, &key(&["tenant", "email"])), None);
        // 3 statuses × 10 regions cannot key a million rows.
        let t = table(1e6, &[("status", 0.0, 3.0), ("region", 0.0, 10.0)]);
        let why = duplicates(&t, &key(&["status", "region"])).unwrap();
        assert!(
            why.contains("at most about 30 distinct (status, region) combinations (`status` 3 × `region` 10 values) for about 1000000 rows"),
            "{why}"
        );
        // The same counts on 50 rows: 30 combinations may well be enough.
        let t = table(50.0, &[("status", 0.0, 3.0), ("region", 0.0, 10.0)]);
        assert_eq!(duplicates(&t, &key(&["status", "region"])), None);
        // NULLs never conflict: a key column that is mostly NULL leaves too few keyed rows.
        let t = table(100.0, &[("status", 0.9, 3.0), ("region", 0.0, 10.0)]);
        assert_eq!(duplicates(&t, &key(&["status", "region"])), None);
        // A column without statistics: nothing said.
        let t = table(1e6, &[("status", 0.0, 3.0)]);
        assert_eq!(duplicates(&t, &key(&["status", "region"])), None);
    }

    #[test]
    fn a_primary_key_over_nulls_will_fail() {
        use crate::rules::unique_without_index::UNIQUE_WITHOUT_INDEX;
        let pk = |message: &str, null_frac: f64| {
            let mut finding = Finding::new(&UNIQUE_WITHOUT_INDEX, message, Origin::Derived)
                .table(&QualName::new("public", "t"))
                .key(key(&["a"]));
            if message.starts_with("adding PRIMARY KEY") {
                finding = finding.primary_key();
            }
            let mut f = vec![finding];
            let s = Stats {
                version: 1,
                server_version_num: 150000,
                tables: vec![table(500.0, &[("a", null_frac, -1.0 + null_frac)])],
            };
            apply(&mut f, Some(&s), &Thresholds::default());
            f.remove(0)
        };
        let f = pk("adding PRIMARY KEY (a) to …", 0.25);
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message
                .contains("will fail: about 25.0 % of rows have a NULL `a`"),
            "{}",
            f.message
        );
        // No NULLs, or a UNIQUE key (NULLs allowed): the size decides, nothing fails.
        assert_eq!(
            pk("adding PRIMARY KEY (a) to …", 0.0).severity,
            Severity::Info
        );
        let f = pk("adding UNIQUE (a) to …", 0.25);
        assert_eq!(f.severity, Severity::Info);
        assert!(!f.message.contains("fail"), "{}", f.message);
    }

    #[test]
    fn a_unique_index_finding_gets_the_prediction() {
        use crate::rules::index_not_concurrent::INDEX_NOT_CONCURRENT;
        let mut f = vec![
            Finding::new(&INDEX_NOT_CONCURRENT, "m", Origin::Derived)
                .table(&QualName::new("public", "t"))
                .key(key(&["status", "region"])),
        ];
        let stats = Stats {
            version: 1,
            server_version_num: 150000,
            tables: vec![table(
                5_000.0,
                &[("status", 0.0, 3.0), ("region", 0.0, 10.0)],
            )],
        };
        apply(&mut f, Some(&stats), &Thresholds::default());
        // 5,000 rows would be info; the predicted failure makes it a warning.
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].message.contains("will likely fail to build"),
            "{}",
            f[0].message
        );
    }
}
