//! PostgreSQL's default operator classes, so that an index key written without an opclass and
//! one naming the default explicitly (`email text_ops`) compare equal, while a non-default one
//! (`email text_pattern_ops`) does not.
//!
//! The table covers the core types and the common extension types (btree_gist, pg_trgm's
//! absence of a default, ltree, citext, hstore). A type it does not know keeps its opclass as
//! written, with one safe generalisation: an opclass that is the default for its own input type
//! under that method is the default for any expression or column it applies to.

use crate::schema::{IndexKey, KeyTarget, Schema, Table};

/// The opclasses equivalent to omitting one, for an access method and a base type (typmods
/// stripped, arrays and enums handled by the caller). `None`: the table does not know the type.
fn defaults(method: &str, base: &str) -> Option<&'static [&'static str]> {
    btree_hash_defaults(method, base).or_else(|| other_defaults(method, base))
}

/// [`defaults`] for the btree and hash access methods.
fn btree_hash_defaults(method: &str, base: &str) -> Option<&'static [&'static str]> {
    let found: &'static [&'static str] = match (method, base) {
        ("btree", "smallint") => &["int2_ops"],
        ("btree", "integer") => &["int4_ops"],
        ("btree", "bigint") => &["int8_ops"],
        ("btree", "real") => &["float4_ops"],
        ("btree", "double precision") => &["float8_ops"],
        ("btree", "numeric") => &["numeric_ops"],
        ("btree", "boolean") => &["bool_ops"],
        // `varchar_ops` is a non-default alias in the same family with input type text.
        ("btree" | "hash", "text" | "character varying") => &["text_ops", "varchar_ops"],
        ("btree", "character") => &["bpchar_ops"],
        ("btree", "\"char\"" | "char") => &["char_ops"],
        ("btree", "name") => &["name_ops"],
        ("btree", "bytea") => &["bytea_ops"],
        ("btree", "uuid") => &["uuid_ops"],
        ("btree", "date") => &["date_ops"],
        ("btree", "timestamp without time zone") => &["timestamp_ops"],
        ("btree", "timestamp with time zone") => &["timestamptz_ops"],
        ("btree", "time without time zone") => &["time_ops"],
        ("btree", "time with time zone") => &["timetz_ops"],
        ("btree", "interval") => &["interval_ops"],
        ("btree", "jsonb") => &["jsonb_ops"],
        ("btree", "inet" | "cidr") => &["inet_ops", "cidr_ops"],
        ("btree", "macaddr") => &["macaddr_ops"],
        ("btree", "macaddr8") => &["macaddr8_ops"],
        ("btree", "oid") => &["oid_ops"],
        ("btree", "money") => &["money_ops"],
        ("btree", "bit") => &["bit_ops"],
        ("btree", "bit varying") => &["varbit_ops"],
        ("btree", "tsvector") => &["tsvector_ops"],
        ("btree", "tsquery") => &["tsquery_ops"],
        ("btree", "pg_lsn") => &["pg_lsn_ops"],
        ("btree", "xid8") => &["xid8_ops"],
        ("btree", "ltree") => &["ltree_ops"],
        ("btree", "citext") => &["citext_ops"],
        ("btree", "hstore") => &["btree_hstore_ops"],
        (
            "btree",
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange",
        ) => &["range_ops"],

        ("hash", "smallint") => &["int2_ops"],
        ("hash", "integer") => &["int4_ops"],
        ("hash", "bigint") => &["int8_ops"],
        ("hash", "real") => &["float4_ops"],
        ("hash", "double precision") => &["float8_ops"],
        ("hash", "numeric") => &["numeric_ops"],
        ("hash", "boolean") => &["bool_ops"],
        ("hash", "character") => &["bpchar_ops"],
        ("hash", "\"char\"" | "char") => &["char_ops"],
        ("hash", "name") => &["name_ops"],
        ("hash", "bytea") => &["bytea_ops"],
        ("hash", "uuid") => &["uuid_ops"],
        ("hash", "date") => &["date_ops"],
        ("hash", "timestamp without time zone") => &["timestamp_ops"],
        ("hash", "timestamp with time zone") => &["timestamptz_ops"],
        ("hash", "time without time zone") => &["time_ops"],
        ("hash", "time with time zone") => &["timetz_ops"],
        ("hash", "interval") => &["interval_ops"],
        ("hash", "jsonb") => &["jsonb_ops"],
        ("hash", "inet" | "cidr") => &["inet_ops", "cidr_ops"],
        ("hash", "macaddr") => &["macaddr_ops"],
        ("hash", "macaddr8") => &["macaddr8_ops"],
        ("hash", "oid") => &["oid_ops"],
        ("hash", "pg_lsn") => &["pg_lsn_ops"],
        ("hash", "citext") => &["citext_ops"],
        ("hash", "hstore") => &["hash_hstore_ops"],
        (
            "hash",
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange",
        ) => &["range_ops"],

        _ => return None,
    };
    Some(found)
}

/// [`defaults`] for the gin, gist, spgist and brin access methods.
fn other_defaults(method: &str, base: &str) -> Option<&'static [&'static str]> {
    let found: &'static [&'static str] = match (method, base) {
        ("gin", "jsonb") => &["jsonb_ops"],
        ("gin", "tsvector") => &["tsvector_ops"],
        ("gin", "hstore") => &["gin_hstore_ops"],

        ("gist", "tsvector") => &["tsvector_ops"],
        ("gist", "tsquery") => &["tsquery_ops"],
        ("gist", "box") => &["box_ops"],
        ("gist", "polygon") => &["poly_ops"],
        ("gist", "circle") => &["circle_ops"],
        ("gist", "point") => &["point_ops"],
        (
            "gist",
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange",
        ) => &["range_ops"],
        ("gist", "ltree") => &["gist_ltree_ops"],
        ("gist", "hstore") => &["gist_hstore_ops"],
        // btree_gist's defaults, for EXCLUDE constraints mixing `=` and `&&`.
        ("gist", "smallint") => &["gist_int2_ops"],
        ("gist", "integer") => &["gist_int4_ops"],
        ("gist", "bigint") => &["gist_int8_ops"],
        ("gist", "text" | "character varying") => &["gist_text_ops"],
        ("gist", "uuid") => &["gist_uuid_ops"],
        ("gist", "date") => &["gist_date_ops"],
        ("gist", "numeric") => &["gist_numeric_ops"],
        ("gist", "timestamp without time zone") => &["gist_timestamp_ops"],
        ("gist", "timestamp with time zone") => &["gist_timestamptz_ops"],

        ("spgist", "text" | "character varying") => &["text_ops"],
        ("spgist", "inet" | "cidr") => &["inet_ops"],
        ("spgist", "point") => &["quad_point_ops"],
        ("spgist", "box") => &["box_ops"],
        ("spgist", "polygon") => &["poly_ops"],
        (
            "spgist",
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange",
        ) => &["range_ops"],

        ("brin", "smallint") => &["int2_minmax_ops"],
        ("brin", "integer") => &["int4_minmax_ops"],
        ("brin", "bigint") => &["int8_minmax_ops"],
        ("brin", "real") => &["float4_minmax_ops"],
        ("brin", "double precision") => &["float8_minmax_ops"],
        ("brin", "numeric") => &["numeric_minmax_ops"],
        ("brin", "text" | "character varying") => &["text_minmax_ops"],
        ("brin", "character") => &["bpchar_minmax_ops"],
        ("brin", "bytea") => &["bytea_minmax_ops"],
        ("brin", "uuid") => &["uuid_minmax_ops"],
        ("brin", "date") => &["date_minmax_ops"],
        ("brin", "timestamp without time zone") => &["timestamp_minmax_ops"],
        ("brin", "timestamp with time zone") => &["timestamptz_minmax_ops"],
        ("brin", "time without time zone") => &["time_minmax_ops"],
        ("brin", "interval") => &["interval_minmax_ops"],
        ("brin", "inet" | "cidr") => &["inet_inclusion_ops"],
        (
            "brin",
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange",
        ) => &["range_inclusion_ops"],
        _ => return None,
    };
    Some(found)
}

/// Defaults for types the caller recognises by shape rather than by name.
fn shape_defaults(method: &str, shape: Shape) -> Option<&'static [&'static str]> {
    match (method, shape) {
        ("btree" | "hash" | "gin", Shape::Array) => Some(&["array_ops"]),
        ("btree" | "hash", Shape::Enum) => Some(&["enum_ops"]),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Array,
    Enum,
}

/// Whether `opclass` is a default opclass of some type under `method`: the input type of such
/// an opclass is the only type it can be applied to without a cast, so on a key of unknown type
/// it is that type's default.
fn is_some_default(method: &str, opclass: &str) -> bool {
    const TYPES: &[&str] = &[
        "smallint",
        "integer",
        "bigint",
        "real",
        "double precision",
        "numeric",
        "boolean",
        "text",
        "character",
        "char",
        "name",
        "bytea",
        "uuid",
        "date",
        "timestamp without time zone",
        "timestamp with time zone",
        "time without time zone",
        "time with time zone",
        "interval",
        "jsonb",
        "inet",
        "macaddr",
        "macaddr8",
        "oid",
        "money",
        "bit",
        "bit varying",
        "tsvector",
        "tsquery",
        "pg_lsn",
        "xid8",
        "ltree",
        "citext",
        "hstore",
        "int4range",
        "box",
        "polygon",
        "circle",
        "point",
    ];
    // `varchar_ops` and `cidr_ops` are aliases listed second; only the first entry of each
    // list is a real default, but the aliases are equivalent to it.
    TYPES
        .iter()
        .filter_map(|t| defaults(method, t))
        .chain(
            [Shape::Array, Shape::Enum]
                .map(|s| shape_defaults(method, s))
                .into_iter()
                .flatten(),
        )
        .any(|list| list.contains(&opclass))
}

/// The base type of a normalised type name, for lookup: typmods removed
/// (`character varying(255)` → `character varying`, `timestamp(3) with time zone` →
/// `timestamp with time zone`).
fn base_type(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len());
    let mut depth = 0usize;
    for c in type_name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The opclasses equivalent to the default for a column of `type_name` under `method`, or
/// `None` when the type is not in the table.
pub fn column_defaults(
    schema: &Schema,
    method: &str,
    type_name: &str,
) -> Option<&'static [&'static str]> {
    if type_name.ends_with("[]") {
        return shape_defaults(method, Shape::Array);
    }
    let base = base_type(type_name);
    if let Some(found) = defaults(method, &base) {
        return Some(found);
    }
    if schema.enums.keys().any(|e| e.name == base) {
        return shape_defaults(method, Shape::Enum);
    }
    None
}

/// A key's opclass with the default removed: `None` when it was omitted or names the default
/// for the key's type; the explicit name otherwise. Two keys use the same operator class
/// exactly when their normalised opclasses are equal.
pub fn normalised<'a>(
    schema: &Schema,
    table: Option<&Table>,
    method: &str,
    key: &'a IndexKey,
) -> Option<&'a str> {
    let opclass = key.opclass.as_deref()?;
    let known = match &key.target {
        KeyTarget::Column(c) => table
            .and_then(|t| t.columns.get(c))
            .and_then(|col| column_defaults(schema, method, &col.type_name)),
        KeyTarget::Expr(_) => None,
    };
    let is_default = match known {
        Some(list) => list.contains(&opclass),
        None => is_some_default(method, opclass),
    };
    (!is_default).then_some(opclass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_typmods() {
        assert_eq!(base_type("character varying(255)"), "character varying");
        assert_eq!(
            base_type("timestamp(3) with time zone"),
            "timestamp with time zone"
        );
        assert_eq!(base_type("numeric(10,2)"), "numeric");
        assert_eq!(base_type("text"), "text");
    }

    #[test]
    fn knows_common_defaults() {
        let s = Schema::default();
        assert_eq!(
            column_defaults(&s, "btree", "character varying(40)"),
            Some(&["text_ops", "varchar_ops"][..])
        );
        assert_eq!(
            column_defaults(&s, "btree", "integer"),
            Some(&["int4_ops"][..])
        );
        assert_eq!(
            column_defaults(&s, "gin", "text[]"),
            Some(&["array_ops"][..])
        );
        assert_eq!(
            column_defaults(&s, "gin", "jsonb"),
            Some(&["jsonb_ops"][..])
        );
        assert_eq!(column_defaults(&s, "gin", "text"), None);
        assert_eq!(column_defaults(&s, "btree", "mytype"), None);
    }

    #[test]
    fn unknown_types_accept_only_real_defaults() {
        assert!(is_some_default("btree", "text_ops"));
        assert!(!is_some_default("btree", "text_pattern_ops"));
        assert!(!is_some_default("gin", "jsonb_path_ops"));
        assert!(!is_some_default("gin", "gin_trgm_ops"));
    }
}
