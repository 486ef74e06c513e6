//! Constraints: the one dispatch on constraint kind, and PRIMARY KEY / UNIQUE / EXCLUDE (with
//! their indexes), CHECK, NOT NULL and FOREIGN KEY.

use rustc_hash::FxHashSet as HashSet;

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::indexes::index_label;
use super::lookups::note;
use super::nodes::{
    CONSTR_CHECK, CONSTR_EXCLUSION, CONSTR_FOREIGN, CONSTR_NOTNULL, CONSTR_PRIMARY, CONSTR_UNIQUE,
    def_elem, fk_action, strings,
};
use super::{Ctx, Event, Owner, Replay};
use crate::schema::expr::SqlExpr;
use crate::schema::model::{
    Constraint, ConstraintKind, ForeignKey, Index, IndexKey, Origin, QualName,
};
use crate::schema::names::{name_addition, truncate_identifier};

/// What a constraint makes replay do. The order of the variants is the order in which CREATE
/// TABLE adds them (PostgreSQL creates the indexes first and the foreign keys last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ConstraintClass {
    /// PRIMARY KEY, UNIQUE, EXCLUDE: a constraint with an index.
    IndexBacked,
    /// CHECK.
    Check,
    /// NOT NULL written as a constraint.
    NotNull,
    /// FOREIGN KEY.
    ForeignKey,
}

impl ConstraintClass {
    /// The class of a constraint node; `None` for those replay does not model (DEFAULT,
    /// IDENTITY, GENERATED, NULL, the deferrability attributes).
    pub(super) fn of(c: &protobuf::Constraint) -> Option<Self> {
        match c.contype {
            CONSTR_PRIMARY | CONSTR_UNIQUE | CONSTR_EXCLUSION => Some(Self::IndexBacked),
            CONSTR_CHECK => Some(Self::Check),
            CONSTR_NOTNULL => Some(Self::NotNull),
            CONSTR_FOREIGN => Some(Self::ForeignKey),
            _ => None,
        }
    }
}

/// A constraint of a CREATE TABLE, added once the table exists.
pub(super) struct TableConstraint<'s> {
    constraint: &'s protobuf::Constraint,
    /// For a column constraint: the column it is attached to.
    column: Option<String>,
    class: Option<ConstraintClass>,
}

impl<'s> TableConstraint<'s> {
    /// A table constraint, or a column constraint of `column`.
    pub(super) fn new(constraint: &'s protobuf::Constraint, column: Option<&str>) -> Self {
        TableConstraint {
            constraint,
            column: column.map(str::to_string),
            class: ConstraintClass::of(constraint),
        }
    }
}

impl Replay<'_> {
    /// Adds one constraint to an existing table (`column`: the column a column constraint is
    /// attached to).
    pub(super) fn add_constraint(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        match ConstraintClass::of(c) {
            Some(ConstraintClass::IndexBacked) => self.add_index_constraint(table, c, column, ctx),
            Some(ConstraintClass::Check) => self.add_check(table, c, column, ctx),
            Some(ConstraintClass::NotNull) => self.set_not_null(table, c, column),
            Some(ConstraintClass::ForeignKey) => self.add_foreign_key(table, c, column, ctx),
            None => {}
        }
    }

    /// Adds a new table's constraints as PostgreSQL's `transformIndexConstraints` orders them:
    /// the primary key's index first, then the other index-backed constraints in order (one
    /// identical to an earlier one is merged into it), then a partition's copies of its
    /// parent's indexes, then the rest by [`ConstraintClass`].
    pub(super) fn add_table_constraints(
        &mut self,
        table: &QualName,
        constraints: Vec<TableConstraint<'_>>,
        ctx: &Ctx<'_>,
    ) {
        let (mut indexed, mut rest): (Vec<_>, Vec<_>) = constraints
            .into_iter()
            .filter(|c| c.class.is_some())
            .partition(|c| c.class == Some(ConstraintClass::IndexBacked));
        indexed.sort_by_key(|p| p.constraint.contype != CONSTR_PRIMARY);
        let mut seen: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for p in indexed {
            let c = p.constraint;
            let signature = (
                self.constraint_keys(c, p.column.as_deref()),
                strings(&c.including),
            );
            if c.contype != CONSTR_EXCLUSION && seen.contains(&signature) {
                continue;
            }
            seen.push(signature);
            self.add_index_constraint(table, c, p.column.as_deref(), ctx);
        }
        if let Some(parent) = self.schema.tables[table].partition_of.clone() {
            self.clone_parent_indexes(&parent, table);
        }
        rest.sort_by_key(|c| c.class);
        for c in rest {
            self.add_constraint(table, c.constraint, c.column.as_deref(), ctx);
        }
        // PostgreSQL ignores `NOT VALID` in CREATE TABLE: an empty table's constraints hold.
        if let Some(t) = self.schema.tables.get_mut(table) {
            for c in t.constraints.values_mut() {
                c.validated = true;
            }
        }
    }

    /// NOT NULL as a constraint: on its keys, or on the column it is attached to.
    fn set_not_null(&mut self, table: &QualName, c: &protobuf::Constraint, column: Option<&str>) {
        let mut keys = strings(&c.keys);
        if keys.is_empty() {
            keys.extend(column.map(str::to_string));
        }
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        for k in keys {
            if let Some(col) = t.columns.get_mut(&k) {
                col.not_null = true;
            }
        }
    }

    /// Key column names of a PRIMARY KEY / UNIQUE constraint (a column constraint's own
    /// column when it lists none).
    fn constraint_keys(&self, c: &protobuf::Constraint, column: Option<&str>) -> Vec<String> {
        if c.contype == CONSTR_EXCLUSION {
            return c
                .exclusions
                .iter()
                .filter_map(|pair| match pair.node.as_ref() {
                    Some(NodeEnum::List(l)) => {
                        l.items.first().and_then(|e| match e.node.as_ref() {
                            Some(NodeEnum::IndexElem(ie)) => Some(if ie.name.is_empty() {
                                "expr".to_string()
                            } else {
                                ie.name.clone()
                            }),
                            _ => None,
                        })
                    }
                    _ => None,
                })
                .collect();
        }
        let keys = strings(&c.keys);
        if keys.is_empty() {
            column.map(|c| vec![c.to_string()]).unwrap_or_default()
        } else {
            keys
        }
    }

    /// Adds a PRIMARY KEY, UNIQUE or EXCLUDE constraint and its index.
    fn add_index_constraint(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let kind = match c.contype {
            CONSTR_PRIMARY => ConstraintKind::PrimaryKey,
            CONSTR_UNIQUE => ConstraintKind::Unique,
            _ => ConstraintKind::Exclude,
        };
        if kind == ConstraintKind::PrimaryKey
            && self
                .schema
                .tables
                .get(table)
                .is_some_and(|t| t.primary_key().is_some())
        {
            // "multiple primary keys for table are not allowed": the statement fails.
            return;
        }
        if !c.indexname.is_empty() {
            self.adopt_index_as_constraint(table, c, kind, ctx);
            return;
        }
        let (mut index, keynames) = self.constraint_index(table, c, column, kind, ctx);
        let conname = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let primary = kind == ConstraintKind::PrimaryKey;
            let label = index_label(primary, kind == ConstraintKind::Exclude, true);
            self.implicit_index_name(table, &keynames, &index.include, label, true)
        };
        index.name = QualName::new(table.schema.clone(), conname.clone());
        index.constraint = Some(conname.clone());

        let owner = Owner::Constraint(conname.clone());
        if self.check_index_columns(&index, owner, ctx, ctx.at(c.location)) {
            return;
        }
        if self.schema.relation_exists(&index.name) {
            self.name_conflict(index, false, ctx.stmt.whole());
            return;
        }
        let columns: Vec<String> = index
            .keys
            .iter()
            .flat_map(|k| k.columns())
            .map(str::to_string)
            .collect();
        let Some(partitioned) = self.schema.tables.get(table).map(|t| t.partitioned) else {
            return;
        };
        self.record_index_constraint(table, kind, &conname, columns, ctx.stmt.whole());
        self.add_new_index(index, partitioned, ctx);
    }

    /// ADD CONSTRAINT … USING INDEX: the index becomes the constraint's, renamed to it.
    fn adopt_index_as_constraint(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        kind: ConstraintKind,
        ctx: &Ctx<'_>,
    ) {
        let idx_name = QualName::new(table.schema.clone(), truncate_identifier(&c.indexname));
        if !self.schema.indexes.contains_key(&idx_name) {
            self.missing_table(
                idx_name,
                Owner::Constraint(c.conname.clone()),
                ctx.stmt.whole(),
            );
            return;
        }
        let conname = if c.conname.is_empty() {
            idx_name.name.clone()
        } else {
            truncate_identifier(&c.conname).to_string()
        };
        let new_name = QualName::new(table.schema.clone(), conname.clone());
        self.rename_index(&idx_name, new_name.clone());
        // The rename is refused when another relation has the name: so is the statement.
        let Some(index) = self
            .schema
            .indexes
            .get_mut(&new_name)
            .filter(|i| i.table == *table)
        else {
            return;
        };
        index.primary = kind == ConstraintKind::PrimaryKey;
        index.constraint = Some(conname.clone());
        let columns: Vec<String> = index.leading_columns().map(str::to_string).collect();
        self.record_index_constraint(table, kind, &conname, columns, ctx.stmt.whole());
    }

    /// The (still unnamed) index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint, with the
    /// name of each key (`None` for an expression) for choosing its name.
    fn constraint_index(
        &self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        kind: ConstraintKind,
        ctx: &Ctx<'_>,
    ) -> (Index, Vec<Option<String>>) {
        let mut index = Index::new(
            QualName::new(table.schema.clone(), ""),
            table.clone(),
            "btree",
            ctx.stmt.whole(),
        );
        index.unique = kind != ConstraintKind::Exclude;
        index.primary = kind == ConstraintKind::PrimaryKey;
        index.exclusion = kind == ConstraintKind::Exclude;
        index.nulls_not_distinct = c.nulls_not_distinct;
        index.options = c.options.iter().filter_map(def_elem).collect();
        let mut keynames: Vec<Option<String>> = Vec::new();
        if kind == ConstraintKind::Exclude {
            index.method = if c.access_method.is_empty() {
                "gist".to_string()
            } else {
                c.access_method.clone()
            };
            for pair in &c.exclusions {
                if let Some(NodeEnum::List(l)) = pair.node.as_ref()
                    && let Some(Some(NodeEnum::IndexElem(ie))) =
                        l.items.first().map(|n| n.node.as_ref())
                {
                    keynames.push((!ie.name.is_empty()).then(|| ie.name.clone()));
                    index.keys.push(self.index_key(ie));
                    let op = match l.items.get(1).and_then(|n| n.node.as_ref()) {
                        Some(NodeEnum::List(op)) => strings(&op.items).join("."),
                        _ => String::new(),
                    };
                    index.exclusion_operators.push(op);
                }
            }
            index.predicate = c
                .where_clause
                .as_ref()
                .map(|w| SqlExpr::from_node((**w).clone()));
        } else {
            for k in self.constraint_keys(c, column) {
                keynames.push(Some(k.clone()));
                index.keys.push(IndexKey::column(k));
            }
        }
        index.include = strings(&c.including);
        (index, keynames)
    }

    /// Records an index-backed constraint on its table; a primary key makes its columns NOT NULL.
    pub(super) fn record_index_constraint(
        &mut self,
        table: &QualName,
        kind: ConstraintKind,
        name: &str,
        columns: Vec<String>,
        origin: Origin,
    ) {
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        if kind == ConstraintKind::PrimaryKey {
            for col in &columns {
                if let Some(column) = t.columns.get_mut(col) {
                    column.not_null = true;
                }
            }
        }
        let constraint = Constraint {
            name: name.to_string(),
            kind,
            columns,
            index: Some(name.to_string()),
            foreign_key: None,
            check: None,
            validated: true,
            origin,
        };
        t.constraints.insert(name.to_string(), constraint);
    }

    /// Reports missing columns of an index about to be created. Returns true when any is
    /// missing (PostgreSQL rejects the statement).
    fn check_index_columns(
        &mut self,
        index: &Index,
        owner: Owner,
        ctx: &Ctx<'_>,
        anchor: usize,
    ) -> bool {
        let Some(table) = self.schema.tables.get(&index.table) else {
            return false;
        };
        let missing: Vec<String> = index
            .columns()
            .filter(|c| !table.columns.contains_key(*c))
            .map(str::to_string)
            .collect();
        if missing.is_empty() {
            return false;
        }
        let mut reported = HashSet::default();
        for col in missing {
            if !reported.insert(col.clone()) {
                continue;
            }
            let location = ctx.name_span(&col, anchor);
            self.missing_column(&index.table, &col, owner.clone(), location);
        }
        true
    }

    /// Adds a CHECK constraint with its predicate.
    fn add_check(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let expr = c
            .raw_expr
            .as_ref()
            .map(|e| SqlExpr::from_node((**e).clone()));
        let columns = expr.as_ref().map(|e| e.columns.clone()).unwrap_or_default();
        // The constraint's name, or its `CHECK` keyword, else the statement.
        let anchor = ctx.at(c.location);
        let keyword = ctx.stmt.text.get(anchor..anchor + "CHECK".len());
        let origin = if c.location < 0 {
            ctx.stmt.whole()
        } else if !c.conname.is_empty() {
            ctx.name_span(&c.conname, anchor)
        } else if keyword.is_some_and(|k| k.eq_ignore_ascii_case("CHECK")) {
            ctx.stmt.origin(anchor..anchor + "CHECK".len())
        } else {
            ctx.stmt.whole()
        };
        let Some(t) = self.schema.tables.get_mut(table) else {
            return;
        };
        let name = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let col = column
                .map(str::to_string)
                .or_else(|| (columns.len() == 1).then(|| columns[0].clone()));
            let scope = format!("c\0{}\0{}", table.schema, table.name);
            self.hints
                .choose(&scope, &table.name, col.as_deref(), "check", |n| {
                    t.constraints.contains_key(n)
                })
        };
        t.constraints.insert(
            name.clone(),
            Constraint {
                name,
                kind: ConstraintKind::Check,
                columns,
                index: None,
                foreign_key: None,
                check: expr,
                validated: !c.skip_validation,
                origin,
            },
        );
    }

    /// Adds a FOREIGN KEY after checking both sides exist and the target is unique.
    fn add_foreign_key(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        column: Option<&str>,
        ctx: &Ctx<'_>,
    ) {
        let anchor = ctx.at(c.location);
        let mut local = strings(&c.fk_attrs);
        if local.is_empty()
            && let Some(col) = column
        {
            local.push(col.to_string());
        }
        let name = if !c.conname.is_empty() {
            truncate_identifier(&c.conname).to_string()
        } else {
            let taken = self.schema.tables.get(table).map(|t| &t.constraints);
            let scope = format!("c\0{}\0{}", table.schema, table.name);
            self.hints.choose(
                &scope,
                &table.name,
                Some(&name_addition(local.iter().map(String::as_str))),
                "fkey",
                |n| taken.is_some_and(|t| t.contains_key(n)),
            )
        };
        let Some(pkrv) = c.pktable.as_ref() else {
            return;
        };
        let Some((ref_table, ref_columns)) = self.foreign_key_target(table, c, &local, &name, ctx)
        else {
            return;
        };
        let fk = ForeignKey {
            ref_table,
            ref_columns,
            on_delete: fk_action(&c.fk_del_action),
            on_update: fk_action(&c.fk_upd_action),
        };
        // The constraint's span: from where it starts (`CONSTRAINT`, `FOREIGN KEY` or the
        // column's `REFERENCES`) to the referenced table's name.
        let origin = match (c.location >= 0, ctx.relation_span(pkrv)) {
            (true, Origin::Sql { end, .. }) if (end as usize) > ctx.stmt.offset + anchor => {
                Origin::sql(ctx.stmt.file, ctx.stmt.offset + anchor..end as usize)
            }
            _ => ctx.stmt.whole(),
        };
        note(&mut self.lookups.referencing, &fk.ref_table, table);
        if let Some(t) = self.schema.tables.get_mut(table) {
            t.constraints.insert(
                name.clone(),
                Constraint {
                    name,
                    kind: ConstraintKind::ForeignKey,
                    columns: local,
                    index: None,
                    foreign_key: Some(fk),
                    check: None,
                    validated: !c.skip_validation,
                    origin,
                },
            );
        }
    }

    /// The referenced table and columns of a foreign key named `name`, once both sides are
    /// checked as PostgreSQL checks them; `None` (with the events recorded) when the
    /// statement would fail.
    fn foreign_key_target(
        &mut self,
        table: &QualName,
        c: &protobuf::Constraint,
        local: &[String],
        name: &str,
        ctx: &Ctx<'_>,
    ) -> Option<(QualName, Vec<String>)> {
        let pkrv = c.pktable.as_ref()?;
        let anchor = ctx.at(c.location);
        let ref_table = self.lookup_name(pkrv);
        let references_at = ctx
            .tokens()
            .find_keyword("references", anchor)
            .unwrap_or(anchor);

        let mut failed = false;
        for col in local {
            if !self
                .schema
                .tables
                .get(table)
                .is_some_and(|t| t.columns.contains_key(col))
            {
                let location = ctx.name_span(col, anchor);
                self.missing_column(table, col, Owner::ForeignKey(name.to_string()), location);
                failed = true;
            }
        }
        if !self.ensure_table(&ref_table) {
            let owner = Owner::ForeignKey(name.to_string());
            self.missing_table(ref_table.clone(), owner, ctx.relation_span(pkrv));
            // A table in a schema the migrations never create (Supabase's `auth.users`) is
            // the platform's: the foreign key exists, its target known only by name.
            let external = ref_table.schema != "public"
                && !self.schema.schemas.contains_key(&ref_table.schema);
            return (external && !failed).then(|| (ref_table, strings(&c.pk_attrs)));
        }
        let mut ref_columns = strings(&c.pk_attrs);
        if ref_columns.is_empty() {
            match self.schema.tables[&ref_table].primary_key() {
                Some(pk) => ref_columns = pk.columns.clone(),
                None => {
                    self.events.push(Event::NoUniqueTarget {
                        table: table.clone(),
                        constraint: name.to_string(),
                        ref_table,
                        ref_columns: Vec::new(),
                        location: ctx.relation_span(pkrv),
                    });
                    return None;
                }
            }
        }
        let ref_cols_from = ctx.at(pkrv.location);
        for col in &ref_columns {
            if !self.schema.tables[&ref_table].columns.contains_key(col) {
                let location = ctx.name_span(col, ref_cols_from.max(references_at));
                let owner = Owner::ForeignKeyTarget(name.to_string());
                self.missing_column(&ref_table, col, owner, location);
                failed = true;
            }
        }
        if failed {
            return None;
        }
        if self
            .unique_index_on(&ref_table, &ref_columns, None)
            .is_none()
        {
            self.events.push(Event::NoUniqueTarget {
                table: table.clone(),
                constraint: name.to_string(),
                ref_table,
                ref_columns,
                location: ctx.relation_span(pkrv),
            });
            return None;
        }
        Some((ref_table, ref_columns))
    }

    /// A PRIMARY KEY, UNIQUE constraint or plain unique index (other than `except`) on exactly
    /// these columns, in any order: what a foreign key's target needs.
    pub(super) fn unique_index_on(
        &self,
        table: &QualName,
        columns: &[String],
        except: Option<&QualName>,
    ) -> Option<QualName> {
        self.indexes_of(table)
            .into_iter()
            .find(|(n, i)| Some(*n) != except && i.is_unique_on(columns))
            .map(|(n, _)| n.clone())
    }
}
