//! The PostgreSQL release migrations are judged for (`target_version`), and the facts about
//! locks and rewrites that changed between releases, each with the release note that says so.
//!
//! When the release is unknown the facts hold as for a supported release (PostgreSQL 12 or
//! later): that is what the lock rules assumed before the setting existed.

use std::fmt;

/// The oldest release driftlint judges for (the oldest a database connection accepts too).
pub const OLDEST: u32 = 10;

/// A PostgreSQL release: its major version and, when known, its minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PgVersion {
    /// 10, 11, … 17.
    pub major: u32,
    /// The minor release, when given (`14.5`); no fact here depends on it.
    pub minor: Option<u32>,
}

impl fmt::Display for PgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "PostgreSQL {}.{minor}", self.major),
            None => write!(f, "PostgreSQL {}", self.major),
        }
    }
}

impl PgVersion {
    /// `14`, `"14"` or `"14.5"`; releases before [`OLDEST`] (and `9.6`-style numbers) are
    /// refused with the reason.
    pub fn parse(text: &str) -> Result<PgVersion, String> {
        let text = text.trim();
        let (major, minor) = match text.split_once('.') {
            Some((major, minor)) => (major, Some(minor)),
            None => (text, None),
        };
        let number = |s: &str| {
            s.parse::<u32>().map_err(|_| {
                format!("`{text}` is not a PostgreSQL version; write the major version, e.g. 14 or \"14.5\"")
            })
        };
        let major = number(major)?;
        let minor = minor.map(number).transpose()?;
        Self::of_major(major, minor)
    }

    /// A release from `server_version_num` (`140005` → 14.5).
    pub fn from_server_version_num(num: i32) -> Option<PgVersion> {
        let num = u32::try_from(num).ok()?;
        Self::of_major(num / 10_000, Some(num % 10_000)).ok()
    }

    fn of_major(major: u32, minor: Option<u32>) -> Result<PgVersion, String> {
        if major < OLDEST {
            return Err(format!(
                "PostgreSQL {major} is older than driftlint knows: the oldest target is {OLDEST}"
            ));
        }
        Ok(PgVersion { major, minor })
    }
}

/// Whether `target` is at least `major`; an unknown target is a supported release, newer than
/// every boundary below.
fn at_least(target: Option<PgVersion>, major: u32) -> bool {
    target.is_none_or(|v| v.major >= major)
}

/// `ADD COLUMN … DEFAULT` with a non-volatile default stores the value in the catalog instead
/// of rewriting the table (PostgreSQL 11 release notes: "Allow ALTER TABLE to add a column with
/// a non-null default without doing a table rewrite").
pub fn stores_constant_defaults(target: Option<PgVersion>) -> bool {
    at_least(target, 11)
}

/// `SET NOT NULL` skips its full-table scan when a validated `CHECK (col IS NOT NULL)` proves
/// it (PostgreSQL 12 release notes: "Allow ALTER TABLE … SET NOT NULL to avoid unnecessary
/// table scans").
pub fn check_proves_not_null(target: Option<PgVersion>) -> bool {
    at_least(target, 12)
}

/// Changing a column between `timestamp` and `timestamptz` keeps the table when the session
/// TimeZone is UTC (PostgreSQL 12 release notes: "Allow ALTER TABLE … SET DATA TYPE changing
/// between timestamp and timestamptz to avoid a table rewrite when the session time zone is
/// UTC"); before 12 it always rewrites.
pub fn utc_timestamp_change_keeps_table(target: Option<PgVersion>) -> bool {
    at_least(target, 12)
}

/// `ALTER TYPE … ADD VALUE` runs inside a transaction block (PostgreSQL 12 release notes:
/// "Allow ALTER TYPE … ADD VALUE to be run inside a transaction block"; before, the ALTER TYPE
/// documentation says it "cannot be executed inside a transaction block" unless the type was
/// created in the same transaction). From 12 the new label cannot be used until committed.
pub fn adds_enum_values_in_transactions(target: Option<PgVersion>) -> bool {
    at_least(target, 12)
}

/// The release that introduced a statement form older servers reject as a syntax error, for
/// the refused kinds that are such forms: `REINDEX CONCURRENTLY` (PostgreSQL 12 release notes:
/// "Add REINDEX CONCURRENTLY option") and `ALTER TABLE … DETACH PARTITION … CONCURRENTLY`
/// (PostgreSQL 14 release notes: "Allow partitions to be detached in a non-blocking manner").
pub fn introduced_in(kind: &str) -> Option<u32> {
    match kind {
        "REINDEX CONCURRENTLY" => Some(12),
        "DETACH PARTITION CONCURRENTLY" => Some(14),
        _ => None,
    }
}

/// Whether `target` is known and older than `major`: a fact that needs `major` fails there.
pub fn known_before(target: Option<PgVersion>, major: u32) -> bool {
    !at_least(target, major)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_from_settings_and_the_server() {
        assert_eq!(
            PgVersion::parse("14"),
            Ok(PgVersion {
                major: 14,
                minor: None
            })
        );
        assert_eq!(
            PgVersion::parse("14.5"),
            Ok(PgVersion {
                major: 14,
                minor: Some(5)
            })
        );
        assert_eq!(
            PgVersion::from_server_version_num(160004).map(|v| v.to_string()),
            Some("PostgreSQL 16.4".to_string())
        );
        assert!(
            PgVersion::parse("9.6")
                .unwrap_err()
                .contains("oldest target is 10")
        );
        assert!(
            PgVersion::parse("fourteen")
                .unwrap_err()
                .contains("e.g. 14")
        );
        assert!(PgVersion::parse("14.x").is_err());
    }

    #[test]
    fn facts_change_at_their_release_and_hold_when_unknown() {
        let v = |major| Some(PgVersion { major, minor: None });
        assert!(!stores_constant_defaults(v(10)));
        assert!(stores_constant_defaults(v(11)));
        assert!(!check_proves_not_null(v(11)) && check_proves_not_null(v(12)));
        assert!(!utc_timestamp_change_keeps_table(v(11)));
        assert!(utc_timestamp_change_keeps_table(v(17)));
        assert!(stores_constant_defaults(None) && check_proves_not_null(None));
        assert!(!adds_enum_values_in_transactions(v(11)));
        assert!(adds_enum_values_in_transactions(v(12)) && adds_enum_values_in_transactions(None));
        assert_eq!(introduced_in("REINDEX CONCURRENTLY"), Some(12));
        assert_eq!(introduced_in("DETACH PARTITION CONCURRENTLY"), Some(14));
        assert_eq!(introduced_in("VACUUM"), None);
        assert!(known_before(v(13), 14) && !known_before(v(14), 14) && !known_before(None, 14));
    }
}
