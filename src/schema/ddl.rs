//! The model rendered as normalised PostgreSQL DDL: index definitions as the catalog shows them,
//! and whole objects (tables, constraints, indexes, policies) as statements that replay to the
//! same model. `schema` output, drift messages and the drift DDL diff all use these.

use std::fmt::Write;

use super::model::*;

/// A PostgreSQL-like rendering of an index's definition (`USING btree (a DESC, lower(b))`).
pub fn index_definition(index: &Index) -> String {
    let keys: Vec<String> = index.keys.iter().map(key_text).collect();
    let mut def = format!(
        "{}USING {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        index.method,
        keys.join(", ")
    );
    index_tail(index, &mut def);
    def
}

/// An `EXCLUDE` constraint's body from its index: access method, each element with its
/// operator, the predicate.
fn exclusion_body(index: &Index) -> String {
    let elements: Vec<String> = index
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let op = index.exclusion_operators.get(i).map_or("?", String::as_str);
            format!("{} WITH {op}", key_text(k))
        })
        .collect();
    let mut def = format!("EXCLUDE USING {} ({})", index.method, elements.join(", "));
    index_tail(index, &mut def);
    def
}

/// One key item as the catalog prints it.
fn key_text(k: &IndexKey) -> String {
    let mut s = match &k.target {
        KeyTarget::Column(c) => quote_ident(c).into_owned(),
        KeyTarget::Expr(e) => format!("({})", e.text()),
    };
    if let Some(c) = &k.collation {
        s.push_str(&format!(" COLLATE {}", quote_ident(c)));
    }
    if let Some(o) = &k.opclass {
        s.push(' ');
        s.push_str(o);
    }
    if k.desc {
        s.push_str(" DESC");
    }
    if k.nulls_first != k.desc {
        s.push_str(if k.nulls_first {
            " NULLS FIRST"
        } else {
            " NULLS LAST"
        });
    }
    s
}

/// INCLUDE, NULLS NOT DISTINCT and WHERE of an index definition.
fn index_tail(index: &Index, def: &mut String) {
    if !index.include.is_empty() {
        let inc: Vec<String> = index
            .include
            .iter()
            .map(|c| quote_ident(c).into_owned())
            .collect();
        def.push_str(&format!(" INCLUDE ({})", inc.join(", ")));
    }
    if index.nulls_not_distinct {
        def.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &index.predicate {
        def.push_str(&format!(" WHERE {}", p.text()));
    }
}

/// `CREATE TABLE` with the columns in `order` (names `t` lacks are skipped), so two sides align.
pub(crate) fn table_ddl(t: &Table, order: &[String]) -> String {
    let foreign = if t.foreign.is_some() { "FOREIGN " } else { "" };
    let mut out = format!("CREATE {foreign}TABLE {} (\n", t.name);
    let cols: Vec<String> = order
        .iter()
        .filter_map(|n| t.columns.get(n))
        .map(|c| {
            let mut s = format!("    {} {}", quote_ident(&c.name), c.type_name);
            if let Some(d) = &c.default {
                let _ = write!(s, " DEFAULT {d}");
            }
            if let Some(g) = &c.generated {
                let _ = write!(s, " GENERATED ALWAYS AS ({}) STORED", g.text());
            }
            if c.not_null {
                s.push_str(" NOT NULL");
            }
            s
        })
        .collect();
    out.push_str(&cols.join(",\n"));
    out.push_str("\n)");
    if let Some(f) = &t.foreign {
        let _ = write!(out, " {}", f.clause());
    }
    out.push(';');
    out
}

/// [`index_definition`] with the storage parameters, sorted so that equal sets compare equal.
pub(crate) fn index_definition_with_options(i: &Index) -> String {
    let mut def = index_definition(i);
    if !i.options.is_empty() {
        // Storage parameters are a set: compare them in one order.
        let mut opts: Vec<String> = i.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
        opts.sort();
        let _ = write!(def, " WITH ({})", opts.join(", "));
    }
    def
}

/// `CREATE [UNIQUE] INDEX name ON table …;`.
pub(crate) fn index_ddl(i: &Index) -> String {
    let def = index_definition_with_options(i);
    let (unique, rest) = match def.strip_prefix("UNIQUE ") {
        Some(r) => ("UNIQUE ", r.to_string()),
        None => ("", def),
    };
    format!(
        "CREATE {unique}INDEX {} ON {} {rest};",
        quote_ident(&i.name.name),
        i.table
    )
}

/// `CREATE TYPE name AS ENUM ('a', 'b');`
pub fn enum_ddl(name: &QualName, labels: &[String]) -> String {
    let labels: Vec<String> = labels
        .iter()
        .map(|l| format!("'{}'", l.replace('\'', "''")))
        .collect();
    format!("CREATE TYPE {name} AS ENUM ({});", labels.join(", "))
}

/// A composite type's attributes as `CREATE TYPE … AS (…)` lists them: `a integer, b text`.
pub(crate) fn attribute_list(attributes: &[Attribute]) -> String {
    attributes
        .iter()
        .map(|a| format!("{} {}", quote_ident(&a.name), a.type_name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE TYPE name AS (a integer, b text);`
pub fn composite_ddl(name: &QualName, attributes: &[Attribute]) -> String {
    format!("CREATE TYPE {name} AS ({});", attribute_list(attributes))
}

/// The schema as normalised DDL that replays to the same model: schemas, enum and composite
/// types, foreign servers, tables (foreign tables with their server) with their columns,
/// PRIMARY KEY / UNIQUE / FOREIGN KEY constraints (foreign keys last, so that what they
/// reference exists) and the other indexes. CHECK and EXCLUDE constraints, policies and other
/// relations are left out: the model does not keep their full definitions.
pub fn schema_ddl(schema: &Schema) -> String {
    let mut out = String::new();
    for name in schema.schemas.keys() {
        let _ = writeln!(out, "CREATE SCHEMA {};", quote_ident(name));
    }
    for (name, labels) in &schema.enums {
        let _ = writeln!(out, "{}", enum_ddl(name, labels));
    }
    for (name, o) in &schema.other_relations {
        if let RelationDetail::Composite(attributes) = &o.detail {
            let _ = writeln!(out, "{}", composite_ddl(name, attributes));
        }
    }
    for (server, wrapper) in &schema.foreign_servers {
        let _ = writeln!(
            out,
            "CREATE SERVER {} FOREIGN DATA WRAPPER {};",
            quote_ident(server),
            quote_ident(wrapper)
        );
    }
    for t in schema.tables.values() {
        let order: Vec<String> = t.columns.keys().cloned().collect();
        out.push_str(&table_ddl(t, &order));
        out.push('\n');
    }
    let keys = |fk: bool| {
        schema.tables.values().flat_map(move |t| {
            t.constraints
                .values()
                .filter(move |c| match c.kind {
                    ConstraintKind::PrimaryKey | ConstraintKind::Unique => !fk,
                    ConstraintKind::ForeignKey => fk,
                    ConstraintKind::Check | ConstraintKind::Exclude => false,
                })
                .map(move |c| (t, c))
        })
    };
    for (t, c) in keys(false).chain(keys(true)) {
        out.push_str(&constraint_ddl(&t.name, c, schema));
        out.push('\n');
    }
    for i in schema.indexes.values() {
        if i.constraint.is_none() && i.parent_index.is_none() {
            out.push_str(&index_ddl(i));
            out.push('\n');
        }
    }
    out
}

fn fk_action(c: char) -> &'static str {
    match c {
        'c' => "CASCADE",
        'r' => "RESTRICT",
        'n' => "SET NULL",
        'd' => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

fn idents(cols: &[String]) -> String {
    cols.iter()
        .map(|c| quote_ident(c).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A constraint's definition after its name (`PRIMARY KEY (a, b)`).
pub(crate) fn constraint_body(c: &Constraint, schema: &Schema) -> String {
    match &c.foreign_key {
        Some(fk) => format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            idents(&c.columns),
            fk.ref_table,
            idents(&fk.ref_columns),
            fk_action(fk.on_delete),
            fk_action(fk.on_update)
        ),
        None if c.check.is_some() => {
            format!("CHECK ({})", c.check.as_ref().map_or("", |e| e.text()))
        }
        None => {
            let index = c.index.as_ref().and_then(|n| {
                schema
                    .indexes
                    .values()
                    .find(|i| &i.name.name == n && i.constraint.as_ref() == Some(n))
            });
            if c.kind == ConstraintKind::Exclude
                && let Some(index) = index
            {
                return exclusion_body(index);
            }
            let nnd = if index.is_some_and(|i| i.nulls_not_distinct) {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            format!("{}{nnd} ({})", c.kind.sql(), idents(&c.columns))
        }
    }
}

/// `ALTER TABLE … ADD CONSTRAINT name … [NOT VALID];`.
pub(crate) fn constraint_ddl(table: &QualName, c: &Constraint, schema: &Schema) -> String {
    format!(
        "ALTER TABLE {table} ADD CONSTRAINT {} {}{};",
        quote_ident(&c.name),
        constraint_body(c, schema),
        if c.validated { "" } else { " NOT VALID" }
    )
}

/// `CREATE POLICY … ;` with every clause spelled out.
pub(crate) fn policy_ddl(table: &QualName, p: &Policy) -> String {
    let mut s = format!(
        "CREATE POLICY {} ON {table} AS {} FOR {} TO {}",
        quote_ident(&p.name),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command.to_uppercase(),
        p.roles.join(", ")
    );
    if let Some(u) = &p.using {
        let _ = write!(s, " USING ({})", u.text());
    }
    if let Some(w) = &p.with_check {
        let _ = write!(s, " WITH CHECK ({})", w.text());
    }
    s.push(';');
    s
}
