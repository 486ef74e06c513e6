//! Type normalisation: every spelling of a type becomes the text `format_type` prints, so that
//! `int4`, `integer` and `serial` all compare as `integer`.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

/// A normalised type, and whether it came from a serial pseudo-type (which implies a sequence,
/// a default and NOT NULL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalType {
    /// The type as `format_type` prints it (`character varying(255)`, `integer[]`).
    pub name: String,
    /// `serial`, `bigserial`, `smallserial`.
    pub serial: bool,
}

/// Normalises a parsed type name.
pub fn normalise(type_name: &protobuf::TypeName) -> NormalType {
    // The last name (`pg_catalog.int4` → `int4`), found without collecting the others: this
    // runs for every column a history creates.
    let last = type_name
        .names
        .iter()
        .rev()
        .find_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .unwrap_or("");
    let mods: Vec<String> = type_name.typmods.iter().filter_map(typmod_text).collect();
    let mut t = normalise_parts(last, &mods);
    if !type_name.array_bounds.is_empty() {
        for _ in &type_name.array_bounds {
            t.name.push_str("[]");
        }
    }
    t
}

/// Normalises a type given by its (last) name and typmods, e.g. from a catalog or a snapshot.
pub fn normalise_parts(name: &str, mods: &[String]) -> NormalType {
    let (base, serial) = match name {
        "serial" | "serial4" => ("integer", true),
        "bigserial" | "serial8" => ("bigint", true),
        "smallserial" | "serial2" => ("smallint", true),
        "int" | "int4" | "integer" => ("integer", false),
        "int8" | "bigint" => ("bigint", false),
        "int2" | "smallint" => ("smallint", false),
        "float4" | "real" => ("real", false),
        "float8" | "double precision" => ("double precision", false),
        "bool" | "boolean" => ("boolean", false),
        "varchar" | "character varying" => ("character varying", false),
        "bpchar" | "char" | "character" => ("character", false),
        "decimal" | "numeric" => ("numeric", false),
        "timestamp" | "timestamp without time zone" => ("timestamp without time zone", false),
        "timestamptz" | "timestamp with time zone" => ("timestamp with time zone", false),
        "time" | "time without time zone" => ("time without time zone", false),
        "timetz" | "time with time zone" => ("time with time zone", false),
        "varbit" | "bit varying" => ("bit varying", false),
        other => (other, false),
    };
    let mods_text = if mods.is_empty() {
        String::new()
    } else {
        format!("({})", mods.join(","))
    };
    let name = match base {
        // Precision goes between the word and the zone: `timestamp(3) with time zone`.
        "timestamp without time zone"
        | "timestamp with time zone"
        | "time without time zone"
        | "time with time zone" => {
            let (word, zone) = base.split_once(' ').unwrap_or((base, ""));
            format!("{word}{mods_text} {zone}")
        }
        // `char` alone means `character(1)`.
        "character" if mods.is_empty() && name != "bpchar" => "character(1)".to_string(),
        // `float(p)` picks real or double precision by precision.
        "float" => match mods.first().and_then(|m| m.parse::<u32>().ok()) {
            Some(p) if p <= 24 => "real".to_string(),
            _ => "double precision".to_string(),
        },
        _ => {
            let mut name = String::with_capacity(base.len() + mods_text.len());
            name.push_str(base);
            name.push_str(&mods_text);
            name
        }
    };
    NormalType { name, serial }
}

/// The text of one type modifier (`255`, `10`, …).
fn typmod_text(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            protobuf::a_const::Val::Ival(i) => Some(i.ival.to_string()),
            protobuf::a_const::Val::Fval(f) => Some(f.fval.clone()),
            protobuf::a_const::Val::Sval(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::ColumnRef(c) => c.fields.iter().find_map(|f| match f.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_of(sql_type: &str) -> NormalType {
        let parsed = pg_query::parse(&format!("CREATE TABLE t (c {sql_type})"), 0).unwrap();
        let Some(NodeEnum::CreateStmt(c)) =
            parsed.protobuf.stmts[0].stmt.as_ref().unwrap().node.clone()
        else {
            panic!()
        };
        let Some(NodeEnum::ColumnDef(col)) = c.table_elts[0].node.clone() else {
            panic!()
        };
        normalise(col.type_name.as_ref().unwrap())
    }

    #[test]
    fn spellings_normalise_to_format_type() {
        assert_eq!(type_of("int").name, "integer");
        assert_eq!(type_of("INT4").name, "integer");
        assert_eq!(
            type_of("serial"),
            NormalType {
                name: "integer".into(),
                serial: true
            }
        );
        assert_eq!(type_of("bigserial").name, "bigint");
        assert_eq!(type_of("varchar(255)").name, "character varying(255)");
        assert_eq!(type_of("character varying").name, "character varying");
        assert_eq!(type_of("timestamp").name, "timestamp without time zone");
        assert_eq!(type_of("timestamptz").name, "timestamp with time zone");
        assert_eq!(
            type_of("timestamp(3) with time zone").name,
            "timestamp(3) with time zone"
        );
        assert_eq!(type_of("numeric(10, 2)").name, "numeric(10,2)");
        assert_eq!(type_of("double precision").name, "double precision");
        assert_eq!(type_of("text[]").name, "text[]");
        assert_eq!(type_of("int[][]").name, "integer[][]");
        assert_eq!(type_of("vector(1536)").name, "vector(1536)");
        assert_eq!(type_of("\"Role\"").name, "Role");
        assert_eq!(type_of("char").name, "character(1)");
        assert_eq!(type_of("boolean").name, "boolean");
    }
}
