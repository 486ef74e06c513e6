//! Introspection: the catalog read into the [`Schema`] model, one query per kind of object.

use rustc_hash::FxHashMap as HashMap;
use std::time::Instant;

use postgres::Row;

use super::{
    Database, DatabaseError, Introspection, NOT_BOOKKEEPING, USER_NAMESPACE, not_extension_owned,
    oid_array,
};
use crate::schema::expr::SqlExpr;
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, ForeignTable, Index, IndexKey, KeyTarget,
    OtherRelation, Policy, QualName, RelKind, Schema, Table,
};

impl Database {
    /// Reads the whole schema: one catalog query per kind of object.
    pub fn introspect(&mut self) -> Result<Introspection, DatabaseError> {
        self.read_catalog(Extent::Full)
    }

    /// What the schema rules read (`audit`): [`Self::introspect`] without column defaults and
    /// generation expressions and without the objects beside tables (views, sequences'
    /// options, functions, triggers, foreign servers, extension versions, exclusion
    /// operators), which only a comparison of schemas reads; `objects_known` is false. A
    /// quarter less work for the server, and no function or trigger to parse.
    pub fn introspect_for_rules(&mut self) -> Result<Introspection, DatabaseError> {
        self.read_catalog(Extent::Rules)
    }

    fn read_catalog(&mut self, extent: Extent) -> Result<Introspection, DatabaseError> {
        let start = Instant::now();
        let before = self.queries;
        let full = extent == Extent::Full;
        let mut schema = Schema {
            objects_known: full,
            ..Schema::default()
        };

        let stats_reset = self
            .query(
                "cannot read pg_stat_database",
                "SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()",
            )?
            .first()
            .and_then(|r| r.get::<_, Option<String>>(0));

        self.read_schemas(&mut schema)?;
        self.read_extensions(&mut schema)?;
        self.read_enums(&mut schema)?;
        // The rest of the catalog in a pipeline: one thread sends the queries on this
        // session, one after the other, and this one applies each query's rows while the
        // server runs the next (applying them was as long as the server's reading). The
        // deparsing queries skip a table another session locks (see `locks`).
        let (mut known, mut parsed) = (Known::default(), Parsed::default());
        let stopped = DatabaseError {
            what: "cannot read the catalog".into(),
            target: self.target.clone(),
            reason: "the thread sending the queries stopped".into(),
            help: "this is a bug in driftlint; please report it".into(),
        };
        let scans = std::thread::scope(|scope| {
            let (send, rows) = std::sync::mpsc::channel();
            let db = &mut *self;
            scope.spawn(move || {
                for step in PIPELINE.iter().filter(|s| full || !s.full_only) {
                    let read = match step.locked {
                        Some(what) => db.lock_safe_rows(what, step.what, step.sql),
                        None => {
                            let sql = (step.sql)(db);
                            db.query(step.what, &sql)
                        }
                    };
                    let failed = read.is_err();
                    if send.send(read).is_err() || failed {
                        break;
                    }
                }
            });
            let next = || rows.recv().unwrap_or_else(|_| Err(stopped.clone()));
            let (k, p, s) = (&mut known, &mut parsed, &mut schema);
            apply_relations(s, k, next()?);
            let columns = next()?;
            let defaults = if full { next()? } else { Vec::new() };
            apply_columns(s, p, k, columns, defaults);
            apply_constraints(s, p, k, next()?);
            apply_key_names(k, next()?);
            let scans = apply_indexes(s, p, k, next()?);
            apply_policies(s, p, next()?);
            Ok::<_, DatabaseError>(scans)
        })?;
        self.index_scans_read = Some(scans);
        self.name_references(&mut schema, &mut known)?;
        self.name_constraint_indexes(&mut schema, &mut known)?;
        if full {
            self.read_objects(&mut schema)?;
        }

        schema.stats_reset = stats_reset.clone();
        Ok(Introspection {
            schema,
            stats_reset,
            queries: self.queries - before,
            elapsed: start.elapsed(),
        })
    }

    /// Schemas other than `public` (and those extensions own), in creation order.
    fn read_schemas(&mut self, schema: &mut Schema) -> Result<(), DatabaseError> {
        for r in self.query(
            "cannot read pg_namespace",
            &format!(
                "SELECT n.nspname::text FROM pg_namespace n WHERE {} AND n.nspname <> 'public' \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass \
             AND d.objid = n.oid AND d.deptype = 'e') ORDER BY n.oid",
                USER_NAMESPACE
            ),
        )? {
            schema
                .schemas
                .insert(r.get(0), crate::schema::Origin::Database);
        }
        Ok(())
    }

    /// Installed extensions except `plpgsql`.
    fn read_extensions(&mut self, schema: &mut Schema) -> Result<(), DatabaseError> {
        for r in self.query(
            "cannot read pg_extension",
            "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid",
        )? {
            schema
                .extensions
                .insert(r.get(0), crate::schema::Origin::Database);
        }
        Ok(())
    }

    /// Enum types with their labels in order.
    fn read_enums(&mut self, schema: &mut Schema) -> Result<(), DatabaseError> {
        for r in self.query(
            "cannot read pg_enum",
            &format!(
                "SELECT n.nspname::text, t.typname::text, \
                 array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 JOIN pg_enum e ON e.enumtypid = t.oid \
                 WHERE {USER_NAMESPACE} AND {} GROUP BY t.oid, n.nspname, t.typname ORDER BY t.oid",
                not_extension_owned("pg_type", "t.oid")
            ),
        )? {
            schema.enums.insert(
                QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                r.get(2),
            );
        }
        Ok(())
    }

    /// Tables, partitions and the other relations (views, sequences …).
    fn relations_sql(&self) -> String {
        format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, pn.nspname::text, \
                 pc.relname::text, c.relrowsecurity, c.relforcerowsecurity, c.reltuples::float8, \
                 c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition \
                 LEFT JOIN pg_class pc ON pc.oid = i.inhparent \
                 LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND {USER_NAMESPACE} \
                 AND {} AND {NOT_BOOKKEEPING} ORDER BY c.oid",
            not_extension_owned("pg_class", "c.oid")
        )
    }

    /// The columns of the tables [`Self::relations_sql`] reads, and the attributes of its
    /// composite types, by table oid and number (named by [`apply_columns`]).
    ///
    /// Lean queries, joined by the client: the columns, and the defaults (a join to
    /// `pg_attrdef` probed it once per column, and every table's filters, names and order cost
    /// the server more than the reading itself). Rows of relations the relations query left
    /// out (an extension's, a migration tool's) are dropped by the client.
    fn columns_sql(&self) -> String {
        let generated = if self.server_version_num >= 120000 {
            "a.attgenerated::text"
        } else {
            "''"
        };
        format!(
            "SELECT a.attrelid, a.attnum, a.attname::text, \
             format_type(a.atttypid, a.atttypmod), a.attnotnull, {generated}, a.attcollation \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND {}",
            self.column_tables()
        )
    }

    /// The defaults and generation expressions of [`Self::columns_sql`]'s columns.
    fn defaults_sql(&self) -> String {
        // A default cannot refer to a column, so it deparses the same without its table
        // (relation 0), and `pg_get_expr` then does not open every table that has a default;
        // a generated column's expression names columns and needs its table.
        let default = if self.server_version_num >= 120000 {
            "CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) \
             ELSE pg_get_expr(d.adbin, d.adrelid) END"
        } else {
            "pg_get_expr(d.adbin, 0)"
        };
        format!(
            "SELECT d.adrelid, d.adnum, {default} FROM pg_attrdef d \
             JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
             JOIN pg_class c ON c.oid = d.adrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {}",
            self.column_tables()
        )
    }

    /// The relations whose columns are read (`c`, `n`), but for those another session locks.
    fn column_tables(&self) -> String {
        format!(
            "c.relkind IN ('r', 'p', 'f', 'c') AND {USER_NAMESPACE} AND {}",
            self.not_locked("c.oid")
        )
    }

    /// Primary keys, unique, exclusion, foreign key and CHECK constraints: numbers and oids,
    /// named by [`apply_constraints`].
    fn constraints_sql(&self) -> String {
        // A partition's copies of its parent's foreign keys (PostgreSQL 11+) are the parent's
        // constraint, not the partition's own: the replayed model has only the parent's.
        let fk_clones = if self.server_version_num >= 110000 {
            "AND NOT (con.contype = 'f' AND con.conparentid <> 0)"
        } else {
            ""
        };
        format!(
            "SELECT con.conrelid, con.oid, con.conname::text, con.contype::text, con.conkey, \
             con.confrelid, con.confkey, con.confdeltype::text, con.confupdtype::text, \
             con.convalidated, con.conindid, \
             CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE con.contype IN ('p', 'u', 'x', 'f', 'c') AND c.relkind IN ('r', 'p', 'f') {fk_clones} \
             AND {USER_NAMESPACE} AND {}",
            self.not_locked("c.oid")
        )
    }

    /// The foreign keys [`apply_constraints`] could not name from what the introspection read
    /// (a reference to a table it leaves out: an extension's, a migration tool's), named from
    /// one more query.
    fn name_references(
        &mut self,
        schema: &mut Schema,
        known: &mut Known,
    ) -> Result<(), DatabaseError> {
        let unnamed = std::mem::take(&mut known.unnamed_references);
        let oids: Vec<u32> = unnamed.iter().map(|u| u.target).collect();
        self.read_names(&oids, known)?;
        for u in unnamed {
            let fk = schema
                .tables
                .get_mut(&u.table)
                .and_then(|t| t.constraints.get_mut(&u.constraint))
                .and_then(|c| c.foreign_key.as_mut());
            if let Some(fk) = fk {
                if let Some(name) = known.relations.get(&u.target) {
                    fk.ref_table = name.clone();
                }
                fk.ref_columns = known.column_names(u.target, &u.numbers);
            }
        }
        Ok(())
    }

    /// Names of relations and their columns that `known` lacks (tables an extension or a
    /// migration tool owns, referenced by a foreign key; a constraint's index another
    /// session's lock kept from the index query): one query, only when there are some.
    fn read_names(&mut self, oids: &[u32], known: &mut Known) -> Result<(), DatabaseError> {
        if oids.is_empty() {
            return Ok(());
        }
        for r in self.query(
            "cannot read relation names",
            &format!(
                "SELECT c.oid, n.nspname::text, c.relname::text, a.attnum, a.attname::text, \
                 a.attcollation FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 \
                 WHERE c.oid = ANY ({})",
                oid_array(oids)
            ),
        )? {
            let oid: u32 = r.get(0);
            known
                .relations
                .entry(oid)
                .or_insert_with(|| QualName::new(r.get::<_, String>(1), r.get::<_, String>(2)));
            if let Some(number) = r.get::<_, Option<i16>>(3) {
                known
                    .attributes
                    .entry((oid, number))
                    .or_insert_with(|| (r.get(4), r.get(5)));
            }
        }
        Ok(())
    }

    /// Indexes with their keys, predicates, options, parent index and scan counts: the
    /// catalog's numbers and oids, named by [`apply_indexes`] (from the columns, constraints,
    /// opclasses and collations read before). `pg_get_indexdef` is called only for expression keys: it
    /// deparses, which is slow, and a plain column needs none.
    fn indexes_sql(&self) -> String {
        // An index still being built (CREATE INDEX CONCURRENTLY in progress) is not yet
        // valid, and not broken either: it counts as valid so that `invalid-index` waits.
        let building = if self.server_version_num >= 120000 {
            "EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)"
        } else {
            "false"
        };
        let nnd = if self.server_version_num >= 150000 {
            "i.indnullsnotdistinct"
        } else {
            "false"
        };
        format!(
            "SELECT i.indrelid, i.indexrelid, ic.relname::text, am.amname::text, \
                 i.indisunique, i.indisprimary, i.indisexclusion, \
                 (i.indisvalid AND i.indisready) OR {building}, \
                 i.indnkeyatts::int4, i.indkey::int2[], \
                 CASE WHEN i.indexprs IS NOT NULL THEN ARRAY(SELECT CASE WHEN k.num = 0 \
                   THEN pg_get_indexdef(i.indexrelid, k.ord::int4, false) ELSE '' END \
                   FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord) ORDER BY k.ord) END, \
                 i.indclass::oid[], i.indoption::int2[], i.indcollation::oid[], \
                 pg_get_expr(i.indpred, i.indrelid), {nnd}, \
                 coalesce(ic.reloptions, '{{}}')::text[], \
                 pn.nspname::text, pc.relname::text, \
                 pg_stat_get_numscans(i.indexrelid)::int8 \
                 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
                 JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_am am ON am.oid = ic.relam \
                 LEFT JOIN pg_inherits inh ON inh.inhrelid = i.indexrelid \
                 LEFT JOIN pg_class pc ON pc.oid = inh.inhparent \
                 LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE} AND {}",
            self.not_locked("c.oid")
        )
    }

    /// The index behind each primary key, unique and exclusion constraint, by name: read
    /// with the indexes, or looked up (an index another session's lock kept from the index
    /// query after its constraint was read).
    fn name_constraint_indexes(
        &mut self,
        schema: &mut Schema,
        known: &mut Known,
    ) -> Result<(), DatabaseError> {
        let unread: Vec<u32> = known
            .constraint_indexes
            .keys()
            .filter(|oid| !known.index_names.contains_key(oid))
            .copied()
            .collect();
        self.read_names(&unread, known)?;
        for oid in unread {
            if let Some(name) = known.relations.get(&oid) {
                known.index_names.insert(oid, name.name.clone());
            }
        }
        for (oid, (table, constraint)) in &known.constraint_indexes {
            if let Some(c) = schema
                .tables
                .get_mut(table)
                .and_then(|t| t.constraints.get_mut(constraint))
            {
                c.index = known.index_names.get(oid).cloned();
            }
        }
        Ok(())
    }

    /// Row-level security policies.
    fn policies_sql(&self) -> String {
        let permissive = "p.polpermissive";
        format!(
            "SELECT n.nspname::text, c.relname::text, p.polname::text, {permissive}, p.polcmd::text, \
                 ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END \
                   FROM unnest(p.polroles) r), \
                 pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) \
                 FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE {USER_NAMESPACE} AND {} ORDER BY c.oid, p.oid",
            self.not_locked("c.oid")
        )
    }
}

/// Applies the rows of [`Database::relations_sql`]: tables, partitions and the other
/// relations, and every relation's name by oid in `known`.
fn apply_relations(schema: &mut Schema, known: &mut Known, rows: Vec<Row>) {
    for r in rows {
        let name = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
        known.relations.insert(r.get(8), name.clone());
        let kind: String = r.get(2);
        // A foreign table is a table (its columns are compared); `read_objects` fills in
        // its server and options.
        let other = match kind.as_str() {
            "v" => Some(RelKind::View),
            "m" => Some(RelKind::MaterializedView),
            "S" => Some(RelKind::Sequence),
            "c" => Some(RelKind::CompositeType),
            _ => None,
        };
        if let Some(kind) = other {
            schema.other_relations.insert(
                name,
                OtherRelation {
                    kind,
                    origin: crate::schema::Origin::Database,
                    detail: Default::default(),
                },
            );
            continue;
        }
        let mut t = Table::new(name.clone(), crate::schema::Origin::Database);
        t.partitioned = kind == "p";
        if kind == "f" {
            t.foreign = Some(ForeignTable {
                server: String::new(),
                options: Vec::new(),
            });
        }
        if let (Some(s), Some(n)) = (r.get::<_, Option<String>>(3), r.get::<_, Option<String>>(4)) {
            t.partition_of = Some(QualName::new(s, n));
        }
        t.rls_enabled = r.get(5);
        t.rls_forced = r.get(6);
        t.reltuples = Some(r.get(7));
        schema.tables.insert(name, t);
    }
}

/// Applies the rows of [`Database::columns_sql`] and [`Database::defaults_sql`], in order of
/// table and column number: columns, composite types' attributes, and every column's name and
/// collation by number in `known`.
fn apply_columns(
    schema: &mut Schema,
    parsed: &mut Parsed,
    known: &mut Known,
    rows: Vec<Row>,
    defaults: Vec<Row>,
) {
    let defaults: HashMap<(u32, i16), Option<String>> = defaults
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    for r in sorted(rows, |r| (r.get::<_, u32>(0), r.get::<_, i16>(1))) {
        let (oid, number): (u32, i16) = (r.get(0), r.get(1));
        let Some(table) = known.relations.get(&oid) else {
            continue;
        };
        let name: String = r.get(2);
        known
            .attributes
            .insert((oid, number), (name.clone(), r.get(6)));
        let Some(t) = schema.tables.get_mut(table) else {
            let attribute = crate::schema::Attribute {
                name,
                type_name: normalise_type(&r.get::<_, String>(3)),
            };
            super::objects::add_composite_attribute(schema, table, attribute);
            continue;
        };
        let generated: String = r.get(5);
        // A generated column's expression is in pg_attrdef too; it is not a default.
        let expr = defaults.get(&(oid, number)).cloned().flatten();
        let (default, generated) = if generated.is_empty() {
            (expr.map(|d| parsed.normalised(d)), None)
        } else {
            (None, expr.and_then(|e| parsed.expr(&e)))
        };
        t.columns.insert(
            name.clone(),
            Column {
                name,
                type_name: normalise_type(&r.get::<_, String>(3)),
                not_null: r.get(4),
                default,
                generated,
                origin: crate::schema::Origin::Database,
            },
        );
    }
}

/// Applies the rows of [`Database::constraints_sql`], in order of table and constraint oid,
/// naming columns and referenced tables from `known`. What `known` lacks (a reference to a
/// table the introspection leaves out) goes to `known.unnamed_references`, for
/// [`Database::name_references`]; a constraint's index is named once the indexes are read
/// ([`Database::name_constraint_indexes`]).
fn apply_constraints(schema: &mut Schema, parsed: &mut Parsed, known: &mut Known, rows: Vec<Row>) {
    for r in sorted(rows, |r| (r.get::<_, u32>(0), r.get::<_, u32>(1))) {
        let oid: u32 = r.get(0);
        let Some(t) = known
            .relations
            .get(&oid)
            .and_then(|table| schema.tables.get_mut(table))
        else {
            continue;
        };
        let name: String = r.get(2);
        let kind = match r.get::<_, String>(3).as_str() {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "x" => ConstraintKind::Exclude,
            "f" => ConstraintKind::ForeignKey,
            _ => ConstraintKind::Check,
        };
        let mut columns = known.column_names(oid, &numbers(&r, 4));
        let mut check = None;
        if kind == ConstraintKind::Check
            && let Some(def) = r.get::<_, Option<String>>(11)
            // `pg_get_expr` deparses as `pg_get_constraintdef` does inside its `CHECK (…)`
            // (which also looks the constraint up again under a fresh snapshot, 20 µs per
            // constraint); parenthesised as there.
            && let Some(expr) = parsed.expr(&format!("({def})"))
        {
            // The replay lists a CHECK's columns in order of use, the catalog by number.
            columns = expr.columns.clone();
            check = Some(expr);
        }
        let foreign_key = (kind == ConstraintKind::ForeignKey).then(|| {
            let (target, keys): (u32, Vec<i16>) = (r.get(5), numbers(&r, 6));
            let named = known.relations.contains_key(&target)
                && keys
                    .iter()
                    .all(|k| known.attributes.contains_key(&(target, *k)));
            if !named {
                known.unnamed_references.push(Unnamed {
                    table: t.name.clone(),
                    constraint: name.clone(),
                    target,
                    numbers: keys.clone(),
                });
            }
            ForeignKey {
                ref_table: known
                    .relations
                    .get(&target)
                    .cloned()
                    .unwrap_or_else(|| QualName::new(String::new(), String::new())),
                ref_columns: known.column_names(target, &keys),
                on_delete: action(&r.get::<_, String>(7)),
                on_update: action(&r.get::<_, String>(8)),
            }
        });
        let index: u32 = r.get(10);
        if matches!(
            kind,
            ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclude
        ) && index != 0
        {
            known
                .constraint_indexes
                .insert(index, (t.name.clone(), name.clone()));
        }
        t.constraints.insert(
            name.clone(),
            Constraint {
                name,
                kind,
                columns,
                index: None,
                foreign_key,
                check,
                validated: r.get(9),
                origin: crate::schema::Origin::Database,
            },
        );
    }
}

/// The names of the opclasses that are not their type's default and of the collations
/// indexes use, by oid, for [`apply_indexes`] (an index key shows only those).
const KEY_NAMES: &str = "SELECT oc.oid, oc.opcname::text, true FROM pg_opclass oc \
     WHERE NOT oc.opcdefault UNION ALL SELECT co.oid, co.collname::text, false \
     FROM pg_collation co WHERE co.oid IN (SELECT unnest(i.indcollation::oid[]) FROM pg_index i)";

/// Applies the rows of [`KEY_NAMES`].
fn apply_key_names(known: &mut Known, rows: Vec<Row>) {
    for r in rows {
        let names = if r.get(2) {
            &mut known.opclasses
        } else {
            &mut known.collations
        };
        names.insert(r.get(0), r.get(1));
    }
}

/// Applies the rows of [`Database::indexes_sql`], in order of table and index oid: the
/// indexes of the tables read, and their scans (returned).
fn apply_indexes(
    schema: &mut Schema,
    parsed: &mut Parsed,
    known: &mut Known,
    rows: Vec<Row>,
) -> indexmap::IndexMap<QualName, i64> {
    let mut scans = indexmap::IndexMap::new();
    for r in sorted(rows, |r| (r.get::<_, u32>(0), r.get::<_, u32>(1))) {
        let Some(table) = known
            .relations
            .get(&r.get::<_, u32>(0))
            .filter(|t| schema.tables.contains_key(*t))
        else {
            continue;
        };
        let index = index_from_row(&r, table, parsed, known);
        known.index_names.insert(r.get(1), index.name.name.clone());
        scans.insert(index.name.clone(), index.scans.unwrap_or(0));
        schema.indexes.insert(index.name.clone(), index);
    }
    scans
}

/// Applies the rows of [`Database::policies_sql`].
fn apply_policies(schema: &mut Schema, parsed: &mut Parsed, rows: Vec<Row>) {
    for r in rows {
        let table = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        let command = match r.get::<_, String>(4).as_str() {
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            _ => "all",
        };
        let mut expr = |i: usize| r.get::<_, Option<String>>(i).and_then(|e| parsed.expr(&e));
        t.policies.push(Policy {
            name: r.get(2),
            permissive: r.get(3),
            command: command.to_string(),
            roles: r.get(5),
            using: expr(6),
            with_check: expr(7),
            origin: crate::schema::Origin::Database,
        });
    }
}

/// One row of the index query as an [`Index`] of `table`: the keys' names (`''` for an
/// expression), opclasses (none for the type's default), `indoption` bits and collations (none
/// for the column's own) from the catalog's numbers and `known`. Entries past `indnkeyatts`
/// (INCLUDE columns) carry only their name.
fn index_from_row(r: &Row, table: &QualName, parsed: &mut Parsed, known: &Known) -> Index {
    let relation: u32 = r.get(0);
    let name = QualName::new(table.schema.clone(), r.get::<_, String>(2));
    let mut index = Index::new(
        name.clone(),
        table.clone(),
        r.get::<_, String>(3),
        crate::schema::Origin::Database,
    );
    index.unique = r.get(4);
    index.primary = r.get(5);
    index.exclusion = r.get(6);
    index.valid = r.get(7);
    let nkey = r.get::<_, i32>(8) as usize;
    let keys = numbers(r, 9);
    // Only indexes with expression keys have definitions.
    let defs: Vec<String> = r.get::<_, Option<Vec<String>>>(10).unwrap_or_default();
    let opclasses: Vec<u32> = r.get::<_, Option<Vec<u32>>>(11).unwrap_or_default();
    let options: Vec<i16> = numbers(r, 12);
    let collations: Vec<u32> = r.get::<_, Option<Vec<u32>>>(13).unwrap_or_default();
    let column = |number: i16| {
        known
            .attributes
            .get(&(relation, number))
            .filter(|_| number != 0)
    };
    for (k, &number) in keys.iter().enumerate().take(nkey) {
        let target = match column(number) {
            Some((name, _)) => KeyTarget::Column(name.clone()),
            None => {
                let def = defs.get(k).map(String::as_str).unwrap_or_default();
                match parsed.expr(def) {
                    Some(e) => KeyTarget::Expr(e),
                    None => KeyTarget::Column(def.to_string()),
                }
            }
        };
        let option = options.get(k).copied().unwrap_or(0);
        // An expression's collation is compared with the default collation (100).
        let own = column(number).map_or(100, |(_, collation)| *collation);
        let collation = collations
            .get(k)
            .copied()
            .filter(|&c| c != 0 && c != own)
            .and_then(|c| known.collations.get(&c))
            .filter(|c| !c.is_empty())
            .cloned();
        index.keys.push(IndexKey {
            target,
            opclass: opclasses
                .get(k)
                .and_then(|o| known.opclasses.get(o))
                .filter(|o| !o.is_empty())
                .cloned(),
            collation,
            desc: option & 1 != 0,
            nulls_first: option & 2 != 0,
        });
    }
    index.include = keys
        .iter()
        .skip(nkey)
        .map(|&n| column(n).map(|(name, _)| name.clone()).unwrap_or_default())
        .collect();
    index.predicate = r.get::<_, Option<String>>(14).and_then(|p| parsed.expr(&p));
    index.nulls_not_distinct = r.get(15);
    index.options = r
        .get::<_, Vec<String>>(16)
        .into_iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (o, String::new()),
        })
        .collect();
    if let (Some(s), Some(n)) = (
        r.get::<_, Option<String>>(17),
        r.get::<_, Option<String>>(18),
    ) {
        index.parent_index = Some(QualName::new(s, n));
    }
    index.constraint = known
        .constraint_indexes
        .get(&r.get::<_, u32>(1))
        .filter(|(t, _)| t == table)
        .map(|(_, c)| c.clone());
    index.scans = r.get(19);
    index
}

/// `rows` in the order of `key`, each row's key read once (reading it in every comparison
/// was a visible part of an introspection).
fn sorted<K: Ord>(rows: Vec<Row>, key: impl Fn(&Row) -> K) -> Vec<Row> {
    let mut keyed: Vec<(K, Row)> = rows.into_iter().map(|r| (key(&r), r)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// An `int2[]` column (`conkey`, `indkey`), empty when NULL.
fn numbers(r: &Row, i: usize) -> Vec<i16> {
    r.get::<_, Option<Vec<i16>>>(i).unwrap_or_default()
}

fn action(code: &str) -> char {
    code.chars().next().unwrap_or('a')
}

/// `format_type` output as the replay spells types: a quoted or schema-qualified user type
/// (`"Role"`, `auth."Level"[]`) loses its quotes and schema, as the replay keeps the last name.
fn normalise_type(text: &str) -> String {
    if !text.contains('"') && !text.contains('.') {
        return text.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = text.char_indices().peekable();
    let mut rest_at = text.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, q)) = chars.next() {
                    if q == '"' {
                        if chars.peek().is_some_and(|(_, n)| *n == '"') {
                            chars.next();
                            current.push('"');
                        } else {
                            break;
                        }
                    } else {
                        current.push(q);
                    }
                }
            }
            '.' => parts.push(std::mem::take(&mut current)),
            '(' | '[' => {
                rest_at = i;
                break;
            }
            c => current.push(c),
        }
    }
    parts.push(current);
    format!("{}{}", parts.pop().unwrap_or_default(), &text[rest_at..])
}

/// What earlier catalog queries read, by oid, for the later ones: they return the catalog's
/// oids and column numbers and are named here. Joining the catalog for names, filtering every
/// row by its table's namespace, extension and bookkeeping status and sorting on the server
/// was most of an introspection's time (the index query: 104 → 53 ms for 5,900 indexes).
#[derive(Default)]
struct Known {
    /// Relations the relations query read (and tables looked up by
    /// [`Database::read_names`]).
    relations: HashMap<u32, QualName>,
    /// Column names and collations by table oid and number.
    attributes: HashMap<(u32, i16), (String, u32)>,
    /// Opclasses that are not their type's default, by oid.
    opclasses: HashMap<u32, String>,
    /// Collations indexes use, by oid.
    collations: HashMap<u32, String>,
    /// Primary key, unique and exclusion constraints by the oid of their index.
    constraint_indexes: HashMap<u32, (QualName, String)>,
    /// Index names by oid.
    index_names: HashMap<u32, String>,
    /// Foreign keys to tables (or columns) not read, to name by one more query.
    unnamed_references: Vec<Unnamed>,
}

/// A foreign key [`apply_constraints`] could not name its referenced table or columns of.
struct Unnamed {
    table: QualName,
    constraint: String,
    target: u32,
    numbers: Vec<i16>,
}

/// One catalog query of the introspection's pipeline: its error context, what it reads of a
/// table for the report of tables another session's lock kept it from (`None`: it deparses
/// nothing, so it does not wait on such a lock), and its SQL for the session (server version,
/// tables left out so far).
struct Step {
    what: &'static str,
    locked: Option<&'static str>,
    sql: fn(&Database) -> String,
    /// Read by [`Database::introspect`] only, not for the rules.
    full_only: bool,
}

/// How much an introspection reads: see [`Database::introspect_for_rules`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extent {
    Full,
    Rules,
}

/// The introspection's catalog queries after the first few, in the order their rows are
/// applied (see `Database::read_catalog`).
const PIPELINE: [Step; 7] = [
    Step {
        what: "cannot read pg_class",
        locked: None,
        sql: Database::relations_sql,
        full_only: false,
    },
    Step {
        what: "cannot read pg_attribute",
        locked: Some("columns"),
        sql: Database::columns_sql,
        full_only: false,
    },
    Step {
        what: "cannot read pg_attrdef",
        locked: Some("columns"),
        sql: Database::defaults_sql,
        full_only: true,
    },
    Step {
        what: "cannot read pg_constraint",
        locked: Some("constraints"),
        sql: Database::constraints_sql,
        full_only: false,
    },
    Step {
        what: "cannot read pg_opclass and pg_collation",
        locked: None,
        sql: key_names_sql,
        full_only: false,
    },
    Step {
        what: "cannot read pg_index",
        locked: Some("index definitions"),
        sql: Database::indexes_sql,
        full_only: false,
    },
    Step {
        what: "cannot read pg_policy",
        locked: Some("policies"),
        sql: Database::policies_sql,
        full_only: false,
    },
];

fn key_names_sql(_: &Database) -> String {
    KEY_NAMES.to_string()
}

impl Known {
    /// The names of the columns numbered `numbers` of relation `oid`, in order (an expression
    /// key, number 0, has none).
    fn column_names(&self, oid: u32, numbers: &[i16]) -> Vec<String> {
        numbers
            .iter()
            .filter(|&&n| n != 0)
            .map(|n| {
                self.attributes
                    .get(&(oid, *n))
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Expressions parsed once per distinct text within one introspection: catalogs repeat them
/// (966 CHECK constraints with 21 texts, 5,170 defaults with 320 in a 1,400-table database),
/// and each parse goes through libpg_query and its protobuf encoding.
#[derive(Default)]
struct Parsed {
    exprs: HashMap<String, Option<SqlExpr>>,
}

impl Parsed {
    /// [`SqlExpr::parse`], `None` when the text does not parse.
    fn expr(&mut self, text: &str) -> Option<SqlExpr> {
        self.parsed(text).cloned()
    }

    /// [`SqlExpr::normalise_text`]: the canonical text, or the text itself when it does not
    /// parse (without copying the tree).
    fn normalised(&mut self, text: String) -> String {
        match self.parsed(&text) {
            Some(e) => e.text().to_string(),
            None => text,
        }
    }

    fn parsed(&mut self, text: &str) -> Option<&SqlExpr> {
        if !self.exprs.contains_key(text) {
            self.exprs
                .insert(text.to_string(), SqlExpr::parse(text).ok());
        }
        self.exprs.get(text).and_then(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_spellings_become_the_replays() {
        assert_eq!(normalise_type("integer"), "integer");
        assert_eq!(
            normalise_type("character varying(255)"),
            "character varying(255)"
        );
        assert_eq!(normalise_type("\"Role\""), "Role");
        assert_eq!(normalise_type("auth.\"Level\"[]"), "Level[]");
        assert_eq!(normalise_type("other.status"), "status");
        assert_eq!(normalise_type("numeric(10,2)"), "numeric(10,2)");
    }

    #[test]
    fn expressions_parse_once_per_text() {
        let mut parsed = Parsed::default();
        let e = parsed.expr("((b > 0) AND (a < b))").unwrap();
        assert_eq!(e.columns, vec!["b", "a"]);
        assert_eq!(parsed.expr("((b > 0) AND (a < b))"), Some(e));
        assert_eq!(parsed.exprs.len(), 1);
        assert_eq!(parsed.expr("(b >"), None);
        assert_eq!(parsed.expr("(b >"), None);
        assert_eq!(parsed.exprs.len(), 2);
        assert_eq!(
            parsed.normalised("now()".into()),
            SqlExpr::normalise_text("now()")
        );
    }
}
