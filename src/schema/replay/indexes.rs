//! CREATE INDEX, index names, and partitioned indexes' copies on partitions.

use pg_query::NodeEnum;
use pg_query::protobuf;

use super::nodes::{def_elem, string_value, strings};
use super::{Ctx, Event, Owner, Replay};
use crate::schema::expr::{SqlExpr, column_ref_locations};
use crate::schema::model::{
    ConstraintKind, Index, IndexKey, KeyTarget, Origin, QualName, RelKind, Schema,
};
use crate::schema::names::{index_column_names, name_addition, truncate_identifier};

/// The label PostgreSQL's `ChooseIndexName` ends an implicit index name with.
pub(super) fn index_label(primary: bool, exclusion: bool, constraint: bool) -> &'static str {
    if primary {
        "pkey"
    } else if exclusion {
        "excl"
    } else if constraint {
        "key"
    } else {
        "idx"
    }
}

/// The name each key contributes to an implicit index name: a column's, `None` for an
/// expression.
fn key_names(keys: &[IndexKey]) -> Vec<Option<String>> {
    keys.iter()
        .map(|k| match &k.target {
            KeyTarget::Column(c) => Some(c.clone()),
            KeyTarget::Expr(_) => None,
        })
        .collect()
}

/// Whether two indexes have the same definition, judged without the schema they belong to:
/// an operator class that is the default of some type counts as omitted, whatever the
/// column's type. [`Index::same_definition`] with the schema is the exact test.
pub fn same_definition(a: &Index, b: &Index) -> bool {
    a.same_definition(b, &Schema::default())
}

impl Replay<'_> {
    pub(super) fn index_key(&self, ie: &protobuf::IndexElem) -> IndexKey {
        let target = if !ie.name.is_empty() {
            KeyTarget::Column(truncate_identifier(&ie.name).to_string())
        } else if let Some(expr) = ie.expr.as_ref() {
            match expr.node.as_ref() {
                // `(col)` in parentheses is still a plain column.
                Some(NodeEnum::ColumnRef(cr)) if cr.fields.len() == 1 => {
                    match string_value(&cr.fields[0]) {
                        Some(c) => KeyTarget::Column(c.to_string()),
                        None => KeyTarget::Expr(SqlExpr::from_node((**expr).clone())),
                    }
                }
                _ => KeyTarget::Expr(SqlExpr::from_node((**expr).clone())),
            }
        } else {
            KeyTarget::Column(String::new())
        };
        let desc = ie.ordering == protobuf::SortByDir::SortbyDesc as i32;
        let nulls_first = match ie.nulls_ordering {
            x if x == protobuf::SortByNulls::SortbyNullsFirst as i32 => true,
            x if x == protobuf::SortByNulls::SortbyNullsLast as i32 => false,
            _ => desc,
        };
        let opclass = strings(&ie.opclass).last().cloned();
        let collation = strings(&ie.collation).last().cloned();
        IndexKey {
            target,
            opclass,
            collation,
            desc,
            nulls_first,
        }
    }

    pub(super) fn create_index(&mut self, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) {
        let Some(rv) = s.relation.as_ref() else {
            return;
        };
        let table = self.lookup_name(rv);
        let explicit = (!s.idxname.is_empty()).then(|| truncate_identifier(&s.idxname).to_string());
        let owner_name = explicit
            .clone()
            .unwrap_or_else(|| format!("index on {}", table.name));
        if !self.ensure_table(&table) {
            if self
                .schema
                .other_relations
                .get(&table)
                .is_some_and(|o| o.kind == RelKind::MaterializedView)
            {
                // Indexes on materialized views are legal; their columns are not modelled.
                return;
            }
            self.missing_table(table, Owner::Index(owner_name), ctx.relation_span(rv));
            return;
        }
        // PostgreSQL refuses an index on a foreign table ("cannot create index on relation"):
        // the statement builds nothing.
        if self.is_foreign_table(&table) {
            return;
        }
        let index = self.index_from_stmt(&table, s, ctx);
        if self.missing_index_columns(&index, s, &Owner::Index(owner_name), ctx) {
            return;
        }
        let name = explicit.unwrap_or_else(|| {
            let label = index_label(s.primary, false, s.isconstraint);
            self.implicit_index_name(
                &table,
                &key_names(&index.keys),
                &index.include,
                label,
                false,
            )
        });
        let mut index = index;
        index.name = QualName::new(table.schema.clone(), name);
        if self.schema.relation_exists(&index.name) {
            self.name_conflict(index, s.if_not_exists, ctx.stmt.whole());
            return;
        }
        let partitioned = self.schema.tables[&table].partitioned && rv.inh;
        self.add_new_index(index, partitioned, ctx);
    }

    /// Adds a newly created index and records its creation; on a partitioned table
    /// (`propagate`), every partition gets its copy.
    pub(super) fn add_new_index(&mut self, index: Index, propagate: bool, ctx: &Ctx<'_>) {
        let index_name = index.name.clone();
        self.events.push(Event::IndexCreated {
            index: index_name.clone(),
            location: ctx.stmt.whole(),
        });
        self.put_index(index);
        if propagate {
            self.propagate_index(&index_name);
        }
    }

    /// The (still unnamed) index a CREATE INDEX statement describes.
    fn index_from_stmt(&self, table: &QualName, s: &protobuf::IndexStmt, ctx: &Ctx<'_>) -> Index {
        let mut index = Index::new(
            QualName::new(table.schema.clone(), ""),
            table.clone(),
            "btree",
            ctx.stmt.whole(),
        );
        if !s.access_method.is_empty() {
            index.method = s.access_method.to_ascii_lowercase();
        }
        index.unique = s.unique;
        index.nulls_not_distinct = s.nulls_not_distinct;
        for p in &s.index_params {
            if let Some(NodeEnum::IndexElem(ie)) = p.node.as_ref() {
                index.keys.push(self.index_key(ie));
            }
        }
        for p in &s.index_including_params {
            if let Some(NodeEnum::IndexElem(ie)) = p.node.as_ref() {
                index
                    .include
                    .push(truncate_identifier(&ie.name).to_string());
            }
        }
        index.predicate = s
            .where_clause
            .as_ref()
            .map(|w| SqlExpr::from_node((**w).clone()));
        index.options = s.options.iter().filter_map(def_elem).collect();
        index
    }

    /// Reports the columns a CREATE INDEX names that its table lacks, each at its own span:
    /// keys after the `(`, INCLUDE columns after INCLUDE, expression and predicate columns at
    /// their parse-tree locations. Returns true when any is missing (the statement fails).
    fn missing_index_columns(
        &mut self,
        index: &Index,
        s: &protobuf::IndexStmt,
        owner: &Owner,
        ctx: &Ctx<'_>,
    ) -> bool {
        let table = &index.table;
        let (Some(t), Some(rv)) = (self.schema.tables.get(table), s.relation.as_ref()) else {
            return false;
        };
        if self.incomplete.contains(table) {
            return false;
        }
        let rel_end = ctx.at(rv.location);
        let open = ctx.tokens().find_open_paren(rel_end).unwrap_or(rel_end);
        let include_at = ctx.tokens().find_keyword("include", open);
        let at_location = |tree: &pg_query::protobuf::Node, col: &str| {
            column_ref_locations(tree, col)
                .first()
                .and_then(|o| ctx.tokens().name_at(*o))
                .map(|r| ctx.stmt.origin(r))
                .unwrap_or_else(|| ctx.name_span(col, open))
        };
        let mut missing: Vec<(String, Origin)> = Vec::new();
        for (key, param) in index.keys.iter().zip(&s.index_params) {
            for col in key.columns() {
                if t.columns.contains_key(col) || missing.iter().any(|(m, _)| m == col) {
                    continue;
                }
                let loc = match param.node.as_ref() {
                    Some(NodeEnum::IndexElem(ie)) if ie.expr.is_some() => {
                        at_location(ie.expr.as_ref().unwrap(), col)
                    }
                    _ => ctx.name_span(col, open),
                };
                missing.push((col.to_string(), loc));
            }
        }
        for col in &index.include {
            if !t.columns.contains_key(col) && !missing.iter().any(|(m, _)| m == col) {
                missing.push((col.clone(), ctx.name_span(col, include_at.unwrap_or(open))));
            }
        }
        if let (Some(pred), Some(w)) = (&index.predicate, s.where_clause.as_ref()) {
            for col in &pred.columns {
                if !t.columns.contains_key(col) && !missing.iter().any(|(m, _)| m == col) {
                    missing.push((col.clone(), at_location(w, col)));
                }
            }
        }
        let failed = !missing.is_empty();
        for (col, loc) in missing {
            self.missing_column(table, &col, owner.clone(), loc);
        }
        failed
    }

    /// The name PostgreSQL's `ChooseIndexName` gives an unnamed index on `table`: the table
    /// name, the key and INCLUDE column names (`None`: an expression) and `label`; a primary
    /// key's has no column names. Numbered when a relation has the name, or, with
    /// `avoid_constraints`, a constraint of the table.
    pub(super) fn implicit_index_name(
        &mut self,
        table: &QualName,
        keynames: &[Option<String>],
        include: &[String],
        label: &str,
        avoid_constraints: bool,
    ) -> String {
        let name2 = (label != "pkey").then(|| {
            let cols = index_column_names(
                keynames
                    .iter()
                    .map(|k| k.as_deref())
                    .chain(include.iter().map(|s| Some(s.as_str()))),
            );
            name_addition(cols.iter().map(String::as_str))
        });
        let constraints = self
            .schema
            .tables
            .get(table)
            .filter(|_| avoid_constraints)
            .map(|t| &t.constraints);
        let scope = if constraints.is_some() {
            format!("rc\0{}\0{}", table.schema, table.name)
        } else {
            format!("r\0{}", table.schema)
        };
        let schema = &self.schema;
        self.hints
            .choose(&scope, &table.name, name2.as_deref(), label, |n| {
                schema.relation_exists(&QualName::new(table.schema.clone(), n))
                    || constraints.is_some_and(|c| c.contains_key(n))
            })
    }

    /// Creates a partitioned index's copies on every partition (recursively), named as
    /// PostgreSQL names them.
    pub(super) fn propagate_index(&mut self, parent_index: &QualName) {
        let Some(parent) = self.schema.indexes.get(parent_index).cloned() else {
            return;
        };
        for part in self.partitions_of(&parent.table) {
            self.clone_index_to(&parent, &part);
        }
    }

    /// A new partition's copies of its parent's indexes.
    pub(super) fn clone_parent_indexes(&mut self, parent: &QualName, partition: &QualName) {
        let parents: Vec<Index> = self
            .indexes_on(parent)
            .iter()
            .filter_map(|n| self.schema.indexes.get(n).cloned())
            .collect();
        for index in parents {
            self.clone_index_to(&index, partition);
        }
    }

    /// Creates a partition's copy of a partitioned index (and of the constraint it backs).
    pub(super) fn clone_index_to(&mut self, parent: &Index, partition: &QualName) {
        let label = index_label(
            parent.primary,
            parent.exclusion,
            parent.constraint.is_some(),
        );
        let name = self.implicit_index_name(
            partition,
            &key_names(&parent.keys),
            &parent.include,
            label,
            false,
        );
        let mut child = parent.clone();
        child.name = QualName::new(partition.schema.clone(), name.clone());
        child.table = partition.clone();
        child.parent_index = Some(parent.name.clone());
        child.origin = Origin::Derived;
        if parent.constraint.is_some() {
            child.constraint = Some(name.clone());
            let kind = if parent.primary {
                ConstraintKind::PrimaryKey
            } else if parent.exclusion {
                ConstraintKind::Exclude
            } else {
                ConstraintKind::Unique
            };
            let columns = child.leading_columns().map(str::to_string).collect();
            self.record_index_constraint(partition, kind, &name, columns, Origin::Derived);
        }
        let child_name = child.name.clone();
        self.put_index(child);
        if self
            .schema
            .tables
            .get(partition)
            .is_some_and(|t| t.partitioned)
        {
            self.propagate_index(&child_name);
        }
    }
}
