//! Introspection of the object kinds beside tables, columns, constraints and indexes: sequence
//! options and owners, view queries, table persistence and inheritance, functions and
//! procedures, triggers, exclusion operators and extension versions, and foreign tables' servers
//! and options. Three more catalog queries, whatever the database's size (composite types'
//! attributes come with the tables' columns).
//!
//! Functions and triggers are read as the catalog's own DDL (`pg_get_functiondef`,
//! `pg_get_triggerdef`) and parsed by the same code that reads a migration's statements, so
//! both sides of a diff are built alike.

use pg_query::NodeEnum;
use postgres::Row;

use super::{Database, DatabaseError, NOT_BOOKKEEPING, USER_NAMESPACE, not_extension_owned};
use crate::schema::object_nodes::{function_from_stmt, trigger_from_stmt};
use crate::schema::view_query::normalise_query;
use crate::schema::{
    Attribute, Origin, QualName, RelKind, RelationDetail, Schema, Sequence, ViewQuery,
};

/// The first statement of catalog DDL text, parsed.
fn parse_first(sql: &str) -> Option<NodeEnum> {
    crate::sql::parse::parse(sql).ok()?.into_iter().next()?.node
}

impl Database {
    /// Reads every object kind this module covers into `schema`, whose relations, columns and
    /// indexes [`Self::introspect`] has already read.
    pub(super) fn read_objects(&mut self, schema: &mut Schema) -> Result<(), DatabaseError> {
        let rows = self.query("cannot read relation details", &self.relation_details_sql())?;
        apply_relation_details(schema, rows);
        let rows = self.query("cannot read pg_proc and pg_trigger", &self.routines_sql())?;
        apply_routines(schema, rows);
        let rows = self.query(
            "cannot read exclusion operators and extension versions",
            &exclusions_and_versions_sql(),
        )?;
        apply_exclusions_and_versions(schema, rows);
        Ok(())
    }

    /// Sequences (options, owner), view queries, table persistence and inheritance parents, a
    /// foreign table's server and options. The parents are gathered by one join (a subquery per
    /// relation, twice, was a third of the query), and relations the introspection leaves out
    /// (an extension's, a migration tool's) are dropped when the rows are applied, by name.
    fn relation_details_sql(&self) -> String {
        format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, c.relpersistence::text, \
                 CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, \
                 format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, \
                 s.seqcycle, own_n.nspname::text, own_c.relname::text, own_a.attname::text, \
                 CASE WHEN c.relispartition OR ih.schemas IS NULL THEN '{{}}'::text[] \
                   ELSE ih.schemas END, \
                 CASE WHEN c.relispartition OR ih.names IS NULL THEN '{{}}'::text[] \
                   ELSE ih.names END, \
                 fs.srvname::text, coalesce(ft.ftoptions, '{{}}')::text[] \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN (SELECT i.inhrelid, \
                   array_agg(pn.nspname::text ORDER BY i.inhseqno) AS schemas, \
                   array_agg(pc.relname::text ORDER BY i.inhseqno) AS names \
                   FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent \
                   JOIN pg_namespace pn ON pn.oid = pc.relnamespace GROUP BY i.inhrelid) ih \
                   ON ih.inhrelid = c.oid \
                 LEFT JOIN pg_sequence s ON s.seqrelid = c.oid \
                 LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid \
                 LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver \
                 LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass \
                   AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass \
                   AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') \
                 LEFT JOIN pg_class own_c ON own_c.oid = d.refobjid \
                 LEFT JOIN pg_namespace own_n ON own_n.oid = own_c.relnamespace \
                 LEFT JOIN pg_attribute own_a ON own_a.attrelid = d.refobjid AND own_a.attnum = d.refobjsubid \
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {USER_NAMESPACE} \
                 ORDER BY c.oid"
        )
    }

    /// Functions and procedures (not aggregates or window functions), and the triggers a user
    /// created (not the internal ones behind foreign keys, nor a partition's clones of its
    /// parent's), in one query: both are read as the catalog's DDL.
    fn routines_sql(&self) -> String {
        let kind = if self.server_version_num >= 110000 {
            "p.prokind IN ('f', 'p')"
        } else {
            "NOT p.proisagg AND NOT p.proiswindow"
        };
        let clones = if self.server_version_num >= 130000 {
            "AND t.tgparentid = 0"
        } else {
            ""
        };
        format!(
            "(SELECT NULL::text, NULL::text, pg_get_functiondef(p.oid), NULL::text, NULL::text \
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
                 WHERE {kind} AND {USER_NAMESPACE} AND {} ORDER BY p.oid) \
                 UNION ALL \
                 (SELECT n.nspname::text, c.relname::text, pg_get_triggerdef(t.oid), \
                 fn.nspname::text, f.proname::text \
                 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace \
                 WHERE NOT t.tgisinternal {clones} AND {USER_NAMESPACE} AND {} AND {NOT_BOOKKEEPING} \
                 ORDER BY c.oid, t.oid)",
            not_extension_owned("pg_proc", "p.oid"),
            not_extension_owned("pg_class", "c.oid")
        )
    }
}

/// Applies the rows of [`Database::relation_details_sql`].
fn apply_relation_details(schema: &mut Schema, rows: Vec<Row>) {
    for r in rows {
        let name = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
        let kind: String = r.get(2);
        if let Some(t) = schema.tables.get_mut(&name) {
            t.unlogged = r.get::<_, String>(3) == "u";
            let schemas: Vec<String> = r.get(14);
            let names: Vec<String> = r.get(15);
            t.inherits = schemas
                .into_iter()
                .zip(names)
                .map(|(s, n)| QualName::new(s, n))
                .collect();
            if let (Some(f), Some(server)) = (&mut t.foreign, r.get::<_, Option<String>>(16)) {
                f.server = server;
                // `ftoptions` holds `name=value` texts.
                f.options = r
                    .get::<_, Vec<String>>(17)
                    .iter()
                    .map(|o| match o.split_once('=') {
                        Some((k, v)) => (k.to_string(), v.to_string()),
                        None => (o.clone(), String::new()),
                    })
                    .collect();
            }
            continue;
        }
        let Some(o) = schema.other_relations.get_mut(&name) else {
            continue;
        };
        if kind == "S"
            && let Some(type_name) = r.get::<_, Option<String>>(5)
        {
            let owned_by = match (
                r.get::<_, Option<String>>(11),
                r.get::<_, Option<String>>(12),
                r.get::<_, Option<String>>(13),
            ) {
                (Some(s), Some(t), Some(c)) => Some((QualName::new(s, t), c)),
                _ => None,
            };
            o.detail = RelationDetail::Sequence(Sequence {
                type_name,
                start: r.get(6),
                increment: r.get(7),
                min: r.get(8),
                max: r.get(9),
                cycle: r.get(10),
                owned_by,
            });
        } else if let Some(text) = r.get::<_, Option<String>>(4) {
            o.detail = RelationDetail::View(ViewQuery::with_key(
                normalise_query(&text),
                text.trim().trim_end_matches(';').to_string(),
            ));
        }
    }
}

/// Applies the rows of [`Database::routines_sql`].
fn apply_routines(schema: &mut Schema, rows: Vec<Row>) {
    for r in rows {
        let def: String = r.get(2);
        let table = match (r.get::<_, Option<String>>(0), r.get::<_, Option<String>>(1)) {
            (Some(s), Some(t)) => QualName::new(s, t),
            _ => {
                if let Some(NodeEnum::CreateFunctionStmt(s)) = parse_first(&def) {
                    let f = function_from_stmt(&s, "public", Origin::Database);
                    schema.functions.insert(f.signature(), f);
                }
                continue;
            }
        };
        let function = QualName::new(r.get::<_, String>(3), r.get::<_, String>(4));
        if let (Some(t), Some(NodeEnum::CreateTrigStmt(s))) =
            (schema.tables.get_mut(&table), parse_first(&def))
        {
            t.triggers
                .push(trigger_from_stmt(&s, function, Origin::Database));
        }
    }
}

/// The operators of exclusion constraints (onto their indexes) and extension versions.
fn exclusions_and_versions_sql() -> String {
    format!(
        "SELECT n.nspname::text, ic.relname::text, \
                 ARRAY(SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY k(op, ord) \
                   JOIN pg_operator o ON o.oid = k.op ORDER BY k.ord) \
                 FROM pg_constraint con JOIN pg_class ic ON ic.oid = con.conindid \
                 JOIN pg_namespace n ON n.oid = ic.relnamespace \
                 WHERE con.contype = 'x' AND {USER_NAMESPACE} \
                 UNION ALL SELECT NULL, extname::text, ARRAY[extversion::text] FROM pg_extension"
    )
}

/// Applies the rows of [`exclusions_and_versions_sql`].
fn apply_exclusions_and_versions(schema: &mut Schema, rows: Vec<Row>) {
    for r in rows {
        let name: String = r.get(1);
        let values: Vec<String> = r.get(2);
        match r.get::<_, Option<String>>(0) {
            Some(s) => {
                if let Some(i) = schema.indexes.get_mut(&QualName::new(s, name)) {
                    i.exclusion_operators = values;
                }
            }
            None => {
                if schema.extensions.contains_key(&name)
                    && let Some(v) = values.into_iter().next()
                {
                    schema.extension_versions.insert(name, v);
                }
            }
        }
    }
}

/// One attribute of a composite type, read with the tables' columns (`apply_columns`), in order.
pub(super) fn add_composite_attribute(
    schema: &mut Schema,
    relation: &QualName,
    attribute: Attribute,
) {
    let Some(o) = schema
        .other_relations
        .get_mut(relation)
        .filter(|o| o.kind == RelKind::CompositeType)
    else {
        return;
    };
    match &mut o.detail {
        RelationDetail::Composite(list) => list.push(attribute),
        other => *other = RelationDetail::Composite(vec![attribute]),
    }
}
