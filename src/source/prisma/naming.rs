//! The names Prisma gives the constraints and indexes it creates when the schema does not
//! name them (`map:`), computed from the database names of the table and columns.
//!
//! Prisma cuts the joined name to fit PostgreSQL's 63 bytes *before* adding its suffix, so
//! the suffix always survives (`…LongModelName_pkey`). This differs from PostgreSQL's own
//! `makeObjectName`, which shortens the table and column parts separately.

use crate::schema::names::MAX_IDENTIFIER_BYTES;

/// `{table}_pkey`.
pub fn primary_key(table: &str) -> String {
    with_suffix(table.to_string(), "_pkey")
}

/// `{table}_{columns}_key`: a unique index.
pub fn unique_index(table: &str, columns: &[&str]) -> String {
    with_suffix(joined(table, columns), "_key")
}

/// `{table}_{columns}_idx`: a non-unique index.
pub fn index(table: &str, columns: &[&str]) -> String {
    with_suffix(joined(table, columns), "_idx")
}

/// `{table}_{columns}_fkey`: a foreign key, named after the referencing table and columns.
pub fn foreign_key(table: &str, columns: &[&str]) -> String {
    with_suffix(joined(table, columns), "_fkey")
}

fn joined(table: &str, columns: &[&str]) -> String {
    format!("{table}_{}", columns.join("_"))
}

/// Cuts `name` so that it fits with `suffix` in 63 bytes (at a character boundary), then
/// appends the suffix. Prisma cuts at `>=` the available length, which only matters for the
/// exact-fit case, where cutting to the same length changes nothing.
fn with_suffix(mut name: String, suffix: &str) -> String {
    let available = MAX_IDENTIFIER_BYTES - suffix.len();
    if name.len() >= available {
        let mut end = available;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name.push_str(suffix);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(primary_key("User"), "User_pkey");
        assert_eq!(unique_index("User", &["email"]), "User_email_key");
        assert_eq!(index("Post", &["a", "b"]), "Post_a_b_idx");
        assert_eq!(foreign_key("Post", &["authorId"]), "Post_authorId_fkey");
    }

    #[test]
    fn long_names_keep_their_suffix() {
        // What `prisma migrate diff` printed for the prisma-full fixture (64-byte model name).
        let table = "AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndeed";
        assert_eq!(
            primary_key(table),
            "AuditTrailEntryForCompliancePurposesWithAVeryLongModelName_pkey"
        );
        assert_eq!(
            index(table, &["correlationIdentifierThatIsAlsoVeryLong"]),
            "AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameI_idx"
        );
        assert_eq!(
            foreign_key(table, &["owner"]),
            "AuditTrailEntryForCompliancePurposesWithAVeryLongModelName_fkey"
        );
        for name in [primary_key(table), index(table, &["x"])] {
            assert_eq!(name.len(), 63);
        }
    }

    #[test]
    fn cuts_at_a_character_boundary() {
        let table = "é".repeat(40); // 80 bytes
        let name = unique_index(&table, &["a"]);
        assert!(name.len() <= 63 && name.ends_with("_key"), "{name}");
        assert_eq!(name.len(), 58 + 4);
    }
}
