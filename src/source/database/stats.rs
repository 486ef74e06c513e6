//! Table sizes for the migration-safety rules: rows (`reltuples`), bytes and each column's
//! NULL fraction and distinct-value estimate from `pg_stats` — planner statistics only, never a
//! data value. Readable by any role: `pg_class` and the size functions need no privilege, and
//! `pg_stats` shows the columns the role may read (others are simply absent).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Database, DatabaseError, USER_NAMESPACE};
use crate::schema::QualName;

/// The statistics file (`driftlint-stats.json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Format version (1).
    pub version: u32,
    /// `server_version_num` of the database read.
    pub server_version_num: i32,
    /// One entry per table.
    pub tables: Vec<TableStats>,
}

/// One table's size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    /// Schema.
    pub schema: String,
    /// Table name.
    pub name: String,
    /// The planner's row estimate; `None` when the table was never analysed.
    pub rows: Option<f64>,
    /// Bytes on disk, indexes and TOAST included.
    pub bytes: i64,
    /// Per-column statistics (only analysed columns the role may read).
    pub columns: Vec<ColumnStats>,
}

/// One column's planner statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    /// Column name.
    pub name: String,
    /// Fraction of NULL values.
    pub null_frac: f64,
    /// Distinct values: positive is a count, negative a fraction of the rows (-1: all distinct).
    pub n_distinct: f64,
}

/// Why a statistics file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// It cannot be read.
    #[error("cannot read the statistics file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not a statistics file.
    #[error("{path} is not a driftlint statistics file: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Where and why.
        source: serde_json::Error,
    },
}

impl Stats {
    /// Reads a statistics file.
    pub fn load(path: &Path) -> Result<Stats, StatsError> {
        let text = std::fs::read_to_string(path).map_err(|source| StatsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| StatsError::Parse {
            path: path.display().to_string(),
            source,
        })
    }

    /// A table's statistics.
    pub fn table(&self, name: &QualName) -> Option<&TableStats> {
        self.tables
            .iter()
            .find(|t| t.schema == name.schema && t.name == name.name)
    }
}

impl TableStats {
    /// A column's statistics.
    pub fn column(&self, name: &str) -> Option<&ColumnStats> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Database {
    /// Reads every user table's size and column statistics.
    pub fn stats(&mut self) -> Result<Stats, DatabaseError> {
        let tables = self.query(
            "cannot read table sizes",
            &format!(
                "SELECT n.nspname::text, c.relname::text, c.reltuples::float8, \
                 pg_total_relation_size(c.oid)::int8 \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE} ORDER BY 1, 2"
            ),
        )?;
        let columns = self.query(
            "cannot read column statistics",
            &format!(
                "SELECT s.schemaname::text, s.tablename::text, s.attname::text, \
                 s.null_frac::float8, s.n_distinct::float8 FROM pg_stats s \
                 JOIN pg_namespace n ON n.nspname = s.schemaname \
                 WHERE {USER_NAMESPACE} AND NOT s.inherited ORDER BY 1, 2, 3"
            ),
        )?;
        let mut out: Vec<TableStats> = tables
            .iter()
            .map(|r| {
                let rows: f64 = r.get(2);
                TableStats {
                    schema: r.get(0),
                    name: r.get(1),
                    // -1 (PostgreSQL 14+) or 0 before the first ANALYZE: unknown.
                    rows: (rows >= 0.0).then_some(rows),
                    bytes: r.get(3),
                    columns: Vec::new(),
                }
            })
            .collect();
        for r in &columns {
            let (schema, table): (String, String) = (r.get(0), r.get(1));
            if let Some(t) = out
                .iter_mut()
                .find(|t| t.schema == schema && t.name == table)
            {
                t.columns.push(ColumnStats {
                    name: r.get(2),
                    null_frac: r.get(3),
                    n_distinct: r.get(4),
                });
            }
        }
        Ok(Stats {
            version: 1,
            server_version_num: self.server_version_num,
            tables: out,
        })
    }
}
