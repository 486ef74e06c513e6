//! Index storage parameters (`WITH (m = 16)`) as the pgvector rules read them.

use crate::schema::Index;

/// An integer storage parameter as written (`16`, `'16'`); `None` when absent or not a number.
pub(crate) fn integer(index: &Index, name: &str) -> Option<i64> {
    index
        .options
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.trim_matches('\'').trim().parse().ok())
}
