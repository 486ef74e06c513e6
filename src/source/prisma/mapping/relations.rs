//! Relations: foreign keys with Prisma's default actions, and the join tables of implicit
//! many-to-many relations.

use super::keys::KeyKind;
use super::*;
use crate::source::keys::add_key_constraint;

impl<'d> Mapper<'_, 'd> {
    pub(super) fn foreign_key(
        &mut self,
        model: &'d str,
        source: usize,
        table: &QualName,
        db_name: &str,
        field: &'d Member,
    ) -> Result<(), PrismaError> {
        let Some(relation) = field.attributes.iter().find(|a| a.name == "relation") else {
            return Ok(());
        };
        let (Some(fields), Some(references)) = (
            relation.arg("fields", None),
            relation.arg("references", None),
        ) else {
            return Ok(());
        };
        let target = field.field_type.as_ref().map_or("", |t| t.name.as_str());
        let mut columns = Vec::new();
        let mut required = false;
        for item in list_names(fields) {
            let (name, at) =
                item.map_err(|at| self.invalid(source, at, "expected a field name"))?;
            columns.push(self.column_of(model, source, name, at)?);
            let scalar = self.models[model]
                .placed
                .block
                .members
                .iter()
                .find(|m| m.name == name);
            required |= scalar
                .and_then(|m| m.field_type.as_ref())
                .is_some_and(|t| t.arity == Arity::Required);
        }
        let mut ref_columns = Vec::new();
        for item in list_names(references) {
            let (name, at) =
                item.map_err(|at| self.invalid(source, at, "expected a field name"))?;
            ref_columns.push(self.column_of(target, source, name, at)?);
        }
        let action = |arg: &str, default: char| -> Result<char, PrismaError> {
            let Some(value) = relation.arg(arg, None) else {
                return Ok(default);
            };
            match value.name() {
                Some("Cascade") => Ok('c'),
                Some("Restrict") => Ok('r'),
                Some("NoAction") => Ok('a'),
                Some("SetNull") => Ok('n'),
                Some("SetDefault") => Ok('d'),
                _ => Err(self.invalid(
                    source,
                    value.span.start,
                    format!("unknown referential action for `{arg}`"),
                )),
            }
        };
        let on_delete = action("onDelete", if required { 'r' } else { 'n' })?;
        let on_update = action("onUpdate", 'c')?;
        let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        let name = relation
            .arg("map", None)
            .and_then(Expr::as_str)
            .map_or_else(
                || naming::foreign_key(db_name, &column_refs),
                str::to_string,
            );
        let name = truncate_identifier(&name).to_string();
        let ref_table = self.models[target].table.clone();
        let origin = self.origin(source, relation.span.clone());
        let t = self
            .schema
            .tables
            .get_mut(table)
            .expect("table inserted first");
        let fk = ForeignKey {
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        };
        t.constraints
            .insert(name.clone(), foreign_key(name, columns, fk, origin));
        Ok(())
    }

    /// The `_AToB` tables of implicit many-to-many relations: two list fields that point at
    /// each other with no `fields:`.
    pub(super) fn join_tables(&mut self) -> Result<(), PrismaError> {
        // (relation name, model A, model B) → the list fields seen.
        let mut pairs: IndexMap<RelationKey<'d>, Vec<(&'d str, &'d Member)>> = IndexMap::new();
        for (model, info) in &self.models {
            for field in &info.placed.block.members {
                let Some(ty) = &field.field_type else {
                    continue;
                };
                if ty.arity != Arity::List || !self.models.contains_key(ty.name.as_str()) {
                    continue;
                }
                let relation = field.attributes.iter().find(|a| a.name == "relation");
                if relation.is_some_and(|r| r.arg("fields", None).is_some()) {
                    continue;
                }
                let (a, b) = if *model <= ty.name.as_str() {
                    (*model, ty.name.as_str())
                } else {
                    (ty.name.as_str(), *model)
                };
                let (a, b) = (self.model_key(a), self.model_key(b));
                let name = relation
                    .and_then(|r| r.arg("name", Some(0)))
                    .and_then(Expr::as_str)
                    .map_or_else(|| format!("{a}To{b}"), str::to_string);
                pairs.entry((name, a, b)).or_default().push((model, field));
            }
        }
        for ((name, a, b), fields) in pairs {
            let lists_on_both_sides = if a == b {
                fields.len() == 2
            } else {
                fields.iter().any(|(m, _)| *m == a) && fields.iter().any(|(m, _)| *m == b)
            };
            if !lists_on_both_sides {
                continue;
            }
            let (source, span) = {
                let info = &self.models[fields[0].0];
                (info.placed.source, fields[0].1.span.clone())
            };
            let (Some(id_a), Some(id_b)) = (self.single_id(a), self.single_id(b)) else {
                self.unsupported(
                    source,
                    span,
                    format!(
                        "many-to-many relation `{name}` between models without a single-field @id"
                    ),
                );
                continue;
            };
            let origin = self.origin(source, span);
            let schema = self.models[a].table.schema.clone();
            let table_name =
                QualName::new(schema.clone(), truncate_identifier(&format!("_{name}")));
            let mut table = Table::new(table_name.clone(), origin);
            for (column, (_, id)) in [("A", &id_a), ("B", &id_b)] {
                table.columns.insert(
                    column.to_string(),
                    Column {
                        name: column.to_string(),
                        type_name: id.type_name.clone(),
                        not_null: true,
                        default: None,
                        generated: None,
                        origin,
                    },
                );
            }
            for (column, (ref_table, id)) in [("A", &id_a), ("B", &id_b)] {
                let fkey = truncate_identifier(&format!("_{name}_{column}_fkey")).to_string();
                // Join table rows go with either side: both keys cascade.
                let fk = ForeignKey {
                    ref_table: ref_table.clone(),
                    ref_columns: vec![id.name.clone()],
                    on_delete: 'c',
                    on_update: 'c',
                };
                let constraint = foreign_key(fkey.clone(), vec![column.to_string()], fk, origin);
                table.constraints.insert(fkey, constraint);
            }
            if self.emulated_relations {
                table
                    .constraints
                    .retain(|_, c| c.kind != ConstraintKind::ForeignKey);
            }
            // Prisma 6 keys the pairs with a primary key, Prisma 4 and 5 with a unique index.
            let (key_name, key_kind) = if self.unique_join_keys {
                (format!("_{name}_AB_unique"), KeyKind::Unique)
            } else {
                (format!("_{name}_AB_pkey"), KeyKind::Primary)
            };
            let mut key = Index::new(
                QualName::new(schema.clone(), truncate_identifier(&key_name)),
                table_name.clone(),
                "btree",
                origin,
            );
            key.unique = true;
            key.keys = vec![IndexKey::column("A"), IndexKey::column("B")];
            if key_kind == KeyKind::Primary {
                add_key_constraint(&mut table, &mut key, ConstraintKind::PrimaryKey);
            }
            self.schema.tables.insert(table_name.clone(), table);
            self.schema.indexes.insert(key.name.clone(), key);
            let b_index = truncate_identifier(&format!("_{name}_B_index")).to_string();
            let mut index = Index::new(QualName::new(schema, b_index), table_name, "btree", origin);
            index.keys = vec![IndexKey::column("B")];
            self.schema.indexes.insert(index.name.clone(), index);
        }
        Ok(())
    }

    /// The model's name with the lifetime of the schema text.
    pub(super) fn model_key(&self, name: &str) -> &'d str {
        self.models
            .get_key_value(name)
            .map(|(k, _)| *k)
            .expect("a known model")
    }

    /// The table and id column of a model whose primary key is one column.
    pub(super) fn single_id(&self, model: &str) -> Option<(QualName, Column)> {
        let name = &self.models[model].table;
        let table = self.schema.tables.get(name)?;
        let pk = table.primary_key()?;
        let [column] = pk.columns.as_slice() else {
            return None;
        };
        let mut id = table.columns.get(column)?.clone();
        id.default = None;
        Some((name.clone(), id))
    }
}

/// An implicit many-to-many relation: its name and its two models in name order.
pub(super) type RelationKey<'d> = (String, &'d str, &'d str);

/// A foreign key constraint.
pub(super) fn foreign_key(
    name: String,
    columns: Vec<String>,
    fk: ForeignKey,
    origin: Origin,
) -> Constraint {
    Constraint {
        name,
        kind: ConstraintKind::ForeignKey,
        columns,
        index: None,
        foreign_key: Some(fk),
        check: None,
        validated: true,
        origin,
    }
}

/// The names in a `[a, b]` list, each with its offset; a non-name item is an error at its
/// offset.
pub(super) fn list_names(list: &Expr) -> Vec<Result<(&str, usize), usize>> {
    match &list.kind {
        ExprKind::Array(items) => items
            .iter()
            .map(|i| match &i.kind {
                ExprKind::Ident(n) => Ok((n.as_str(), i.span.start)),
                _ => Err(i.span.start),
            })
            .collect(),
        ExprKind::Ident(n) => vec![Ok((n.as_str(), list.span.start))],
        _ => vec![Err(list.span.start)],
    }
}
