//! From Prisma's syntax tree to the schema model, as Prisma Migrate creates it on PostgreSQL.
//!
//! The facts this follows were checked against the SQL `prisma migrate diff` (6.19) printed for
//! the fixtures under `testdata/prisma-*`: scalar types get Prisma's default column types
//! (`String` → `text`, `DateTime` → `timestamp(3)`, `Decimal` → `decimal(65,30)`), lists are
//! nullable arrays, `@unique` is a unique *index* (not a constraint), foreign keys default to
//! `ON DELETE RESTRICT` (`SET NULL` when a referencing field is optional) and `ON UPDATE
//! CASCADE`, and an implicit many-to-many relation gets a `_AToB` join table.

mod columns;
mod keys;
mod relations;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use indexmap::IndexMap;
use pg_query::NodeEnum;

use super::naming;
use super::parser::{Arg, Arity, Attribute, Block, Document, Expr, ExprKind, Member, parse};
use super::{PrismaError, SyntaxError, Unsupported};
use crate::schema::expr::SqlExpr;
use crate::schema::names::{make_object_name, truncate_identifier};
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, IndexKey, KeyTarget, Origin,
    OtherRelation, QualName, RelKind, Schema, Table, types,
};

/// Prisma's scalar types.
const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

/// Parses and maps the files of one schema. File ids start at `first_file`.
pub(super) fn map_files(
    sources: &[(&Path, &str)],
    first_file: u32,
    major: u32,
) -> Result<Mapped, PrismaError> {
    let mut docs = Vec::with_capacity(sources.len());
    for (path, text) in sources {
        let doc = parse(text).map_err(|error| PrismaError::Invalid {
            path: path.to_path_buf(),
            error,
        })?;
        docs.push(doc);
    }
    let mut mapper = Mapper::new(sources, &docs, first_file)?;
    mapper.unique_join_keys = major < 6;
    mapper.enums();
    mapper.collect_models()?;
    mapper.tables()?;
    mapper.join_tables()?;
    Ok(Mapped {
        schema: mapper.schema,
        unsupported: mapper.unsupported,
        enum_origins: mapper.enum_origins,
    })
}

/// What [`map_files`] made of a schema.
pub(super) struct Mapped {
    pub(super) schema: Schema,
    pub(super) unsupported: Vec<Unsupported>,
    /// Where each enum type is declared (the model keeps no origin for enum types).
    pub(super) enum_origins: Vec<(QualName, Origin)>,
}

/// A block and the file it is in (an index into the sources).
#[derive(Clone, Copy)]
struct Placed<'d> {
    block: &'d Block,
    source: usize,
}

/// What the other models need to know of a model: its table and its columns' names.
struct ModelInfo<'d> {
    placed: Placed<'d>,
    /// The table, its name truncated as PostgreSQL stores it.
    table: QualName,
    /// The table name as written (`@@map` or the model name); Prisma derives constraint
    /// names from it before PostgreSQL truncates anything.
    db_name: String,
    /// Field name → column name, for scalar fields.
    columns: HashMap<&'d str, String>,
}

struct EnumInfo {
    name: QualName,
    /// Value name → database label.
    labels: HashMap<String, String>,
}

struct Mapper<'s, 'd> {
    sources: &'s [(&'s Path, &'s str)],
    docs: &'d [Document],
    first_file: u32,
    schema: Schema,
    unsupported: Vec<Unsupported>,
    enum_origins: Vec<(QualName, Origin)>,
    /// The schema of models and enums without `@@schema`.
    default_schema: String,
    /// With `schemas = [...]` Prisma qualifies every name in its SQL, type casts included.
    qualify: bool,
    /// `relationMode = "prisma"`: relations are emulated, no foreign keys are created.
    emulated_relations: bool,
    /// Prisma 4 and 5 key a many-to-many join table with a unique index `_AB_unique`,
    /// Prisma 6 with a primary key `_AB_pkey`.
    unique_join_keys: bool,
    enums: HashMap<&'d str, EnumInfo>,
    models: IndexMap<&'d str, ModelInfo<'d>>,
    composite_types: Vec<&'d str>,
    views: Vec<&'d str>,
    /// Normalised type text by SQL type text, so that each type is parsed once.
    type_cache: HashMap<String, String>,
}

/// How a column gets its value when none is given.
enum DefaultValue {
    None,
    /// `autoincrement()`: a serial column.
    Serial,
    /// A SQL expression as Prisma renders it.
    Sql(String),
}

impl<'s, 'd> Mapper<'s, 'd> {
    fn new(
        sources: &'s [(&'s Path, &'s str)],
        docs: &'d [Document],
        first_file: u32,
    ) -> Result<Self, PrismaError> {
        let mut mapper = Mapper {
            sources,
            docs,
            first_file,
            schema: Schema::default(),
            unsupported: Vec::new(),
            enum_origins: Vec::new(),
            default_schema: "public".to_string(),
            qualify: false,
            emulated_relations: false,
            unique_join_keys: false,
            enums: HashMap::new(),
            models: IndexMap::new(),
            composite_types: Vec::new(),
            views: Vec::new(),
            type_cache: HashMap::new(),
        };
        mapper.datasource()?;
        Ok(mapper)
    }

    fn blocks(&self, keyword: &'static str) -> impl Iterator<Item = Placed<'d>> + 'd {
        let docs = self.docs;
        docs.iter().enumerate().flat_map(move |(source, doc)| {
            doc.blocks
                .iter()
                .filter(move |b| b.keyword == keyword)
                .map(move |block| Placed { block, source })
        })
    }

    fn origin(&self, source: usize, span: std::ops::Range<usize>) -> Origin {
        Origin::sql(self.first_file + source as u32, span)
    }

    fn invalid(&self, source: usize, offset: usize, message: impl Into<String>) -> PrismaError {
        let (path, text) = self.sources[source];
        PrismaError::Invalid {
            path: path.to_path_buf(),
            error: SyntaxError::at(text, offset, message),
        }
    }

    fn unsupported(&mut self, source: usize, span: std::ops::Range<usize>, feature: String) {
        self.unsupported.push(Unsupported {
            feature,
            file: self.first_file + source as u32,
            span,
        });
    }

    fn datasource(&mut self) -> Result<(), PrismaError> {
        let found: Vec<Placed<'d>> = self.blocks("datasource").collect();
        let Some(ds) = found.first().copied() else {
            return Err(PrismaError::Datasource {
                path: self
                    .sources
                    .first()
                    .map(|s| s.0)
                    .unwrap_or(Path::new(""))
                    .to_path_buf(),
                message:
                    "no datasource block: driftlint reads schemas with `provider = \"postgresql\"`"
                        .into(),
            });
        };
        if let Some(second) = found.get(1) {
            return Err(self.invalid(
                second.source,
                second.block.span.start,
                "a schema has one datasource block",
            ));
        }
        let property = |name: &str| ds.block.properties.iter().find(|p| p.name == name);
        let provider = property("provider").and_then(|p| p.value.as_str());
        if !matches!(provider, Some("postgresql" | "postgres")) {
            return Err(PrismaError::Datasource {
                path: self.sources[ds.source].0.to_path_buf(),
                message: format!(
                    "datasource `{}` has provider {}: driftlint reads PostgreSQL schemas only",
                    ds.block.name,
                    provider.map_or("(none)".to_string(), |p| format!("\"{p}\""))
                ),
            });
        }
        if let Some(url) = property("url").and_then(|p| p.value.as_str())
            && let Some(schema) = url_schema(url)
        {
            self.default_schema = schema;
        }
        let mode = property("relationMode")
            .or_else(|| property("referentialIntegrity"))
            .and_then(|p| p.value.as_str());
        self.emulated_relations = mode == Some("prisma");
        if let Some(schemas) = property("schemas") {
            self.qualify = true;
            if let ExprKind::Array(items) = &schemas.value.kind {
                for item in items {
                    if let Some(name) = item.as_str() {
                        let origin = self.origin(ds.source, item.span.clone());
                        self.schema
                            .schemas
                            .entry(truncate_identifier(name).to_string())
                            .or_insert(origin);
                    }
                }
            }
        }
        if let Some(extensions) = property("extensions")
            && let ExprKind::Array(items) = &extensions.value.kind
        {
            for item in items {
                let name = match &item.kind {
                    ExprKind::Call { name, args } => args
                        .iter()
                        .find(|a| a.name.as_deref() == Some("map"))
                        .and_then(|a| a.value.as_str())
                        .unwrap_or(name),
                    ExprKind::Ident(name) => name,
                    _ => continue,
                };
                let origin = self.origin(ds.source, item.span.clone());
                self.schema
                    .extensions
                    .entry(name.to_string())
                    .or_insert(origin);
            }
        }
        Ok(())
    }

    fn schema_of(&self, block: &Block) -> String {
        block
            .attributes
            .iter()
            .find(|a| a.name == "schema")
            .and_then(|a| a.arg("name", Some(0)))
            .and_then(Expr::as_str)
            .map_or_else(|| self.default_schema.clone(), str::to_string)
    }

    fn enums(&mut self) {
        for placed in self.blocks("enum").collect::<Vec<_>>() {
            let block = placed.block;
            let db_name = mapped_name(&block.attributes).unwrap_or(&block.name);
            let name = QualName::new(self.schema_of(block), truncate_identifier(db_name));
            let mut labels = HashMap::new();
            let mut ordered = Vec::new();
            for value in &block.members {
                let label = mapped_name(&value.attributes).unwrap_or(&value.name);
                labels.insert(value.name.clone(), label.to_string());
                ordered.push(label.to_string());
            }
            self.schema.enums.insert(name.clone(), ordered);
            let origin = self.origin(placed.source, block.span.clone());
            self.enum_origins.push((name.clone(), origin));
            self.enums
                .insert(block.name.as_str(), EnumInfo { name, labels });
        }
    }

    fn collect_models(&mut self) -> Result<(), PrismaError> {
        for placed in self.blocks("view").collect::<Vec<_>>() {
            self.views.push(&placed.block.name);
            self.unsupported(
                placed.source,
                placed.block.span.clone(),
                format!(
                    "view `{}` (Prisma Migrate does not create views)",
                    placed.block.name
                ),
            );
        }
        for placed in self.blocks("type").collect::<Vec<_>>() {
            self.composite_types.push(&placed.block.name);
            self.unsupported(
                placed.source,
                placed.block.span.clone(),
                format!("composite type `{}` (MongoDB only)", placed.block.name),
            );
        }
        for (source, doc) in self.docs.iter().enumerate() {
            for block in &doc.blocks {
                if !matches!(
                    block.keyword.as_str(),
                    "model" | "view" | "type" | "enum" | "datasource" | "generator"
                ) {
                    self.unsupported(
                        source,
                        block.span.clone(),
                        format!("`{} {}` block", block.keyword, block.name),
                    );
                }
            }
        }
        for placed in self.blocks("model").collect::<Vec<_>>() {
            let block = placed.block;
            if self.models.contains_key(block.name.as_str()) {
                return Err(self.invalid(
                    placed.source,
                    block.name_span.start,
                    format!("model `{}` is defined twice", block.name),
                ));
            }
            let db_name = mapped_name(&block.attributes)
                .unwrap_or(&block.name)
                .to_string();
            let table = QualName::new(self.schema_of(block), truncate_identifier(&db_name));
            let mut columns = HashMap::new();
            for field in &block.members {
                let column = mapped_name(&field.attributes).unwrap_or(&field.name);
                columns.insert(field.name.as_str(), truncate_identifier(column).to_string());
            }
            self.models.insert(
                block.name.as_str(),
                ModelInfo {
                    placed,
                    table,
                    db_name,
                    columns,
                },
            );
        }
        Ok(())
    }

    fn tables(&mut self) -> Result<(), PrismaError> {
        let names: Vec<&'d str> = self.models.keys().copied().collect();
        for name in names {
            self.table(name)?;
        }
        Ok(())
    }

    fn table(&mut self, model: &'d str) -> Result<(), PrismaError> {
        let info = &self.models[model];
        let Placed { block, source } = info.placed;
        let table_name = info.table.clone();
        let db_name = info.db_name.clone();
        let mut table = Table::new(table_name.clone(), self.origin(source, block.span.clone()));
        let mut relations = Vec::new();
        for field in &block.members {
            let Some(ty) = &field.field_type else {
                continue;
            };
            if SCALARS.contains(&ty.name.as_str())
                || self.enums.contains_key(ty.name.as_str())
                || ty.unsupported.is_some()
            {
                let column = self.column(source, &table_name, field)?;
                table.columns.insert(column.name.clone(), column);
            } else if self.models.contains_key(ty.name.as_str()) {
                relations.push(field);
            } else if self.composite_types.contains(&ty.name.as_str()) {
                self.unsupported(
                    source,
                    field.span.clone(),
                    format!(
                        "field `{model}.{}` of composite type `{}`",
                        field.name, ty.name
                    ),
                );
            } else if self.views.contains(&ty.name.as_str()) {
                // A relation to a view has no foreign key; the view itself is reported.
            } else {
                return Err(self.invalid(
                    source,
                    field.span.start,
                    format!("field `{}` has unknown type `{}`", field.name, ty.name),
                ));
            }
        }
        self.schema.tables.insert(table_name.clone(), table);
        self.keys(model, source, &table_name, &db_name)?;
        if !self.emulated_relations {
            for field in relations {
                self.foreign_key(model, source, &table_name, &db_name, field)?;
            }
        }
        Ok(())
    }
}

/// The database name given by `@map("…")` / `@@map("…")` (or `name:`).
fn mapped_name(attributes: &[Attribute]) -> Option<&str> {
    attributes
        .iter()
        .find(|a| a.name == "map")
        .and_then(|a| a.arg("name", Some(0)))
        .and_then(Expr::as_str)
}

/// The `schema=` parameter of a literal connection URL.
fn url_schema(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("schema="))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
