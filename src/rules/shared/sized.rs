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
/// unknown); predicts failures from the column statistics.
pub fn apply(findings: &mut [Finding], stats: Option<&Stats>, thresholds: &Thresholds) {
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

/// The failures the statistics predict.
fn predict(f: &mut Finding, t: &TableStats) {
    let Some(column) = f.object.clone() else {
        return;
    };
    let Some(c) = t.column(&column) else {
        return;
    };
    match f.rule {
        "set-not-null-scan" if c.null_frac > 0.0 => {
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
        "unique-without-index" => {
            let rows = t.rows.unwrap_or(0.0) * (1.0 - c.null_frac);
            let distinct = if c.n_distinct < 0.0 {
                -c.n_distinct * t.rows.unwrap_or(0.0)
            } else {
                c.n_distinct
            };
            if c.n_distinct > -1.0 && rows > 0.0 && distinct < rows * 0.999 {
                f.severity = f.severity.max(Severity::Warning);
                f.message.push_str(&format!(
                    "; the statistics show duplicates in `{column}` (about {} distinct values in {} rows): the unique index will likely fail to build",
                    distinct.round() as i64,
                    rows.round() as i64
                ));
            }
        }
        _ => {}
    }
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
        let mut f = [finding()];
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
            let mut f = [finding()];
            apply(&mut f, Some(&stats(rows, bytes, 0.0)), &strict);
            f[0].severity
        };
        assert_eq!(at(50.0, 8192), Severity::Info);
        assert_eq!(at(500.0, 65536), Severity::Warning);
        assert_eq!(at(5_000.0, 65536), Severity::Error);
        assert_eq!(at(500.0, 2 << 20), Severity::Error);
        // The defaults would call the same tables info.
        let mut f = [finding()];
        apply(
            &mut f,
            Some(&stats(5_000.0, 65536, 0.0)),
            &Thresholds::default(),
        );
        assert_eq!(f[0].severity, Severity::Info);
    }
}
