//! From Prisma's syntax tree to the schema model, as Prisma Migrate creates it on PostgreSQL.
//!
//! The facts this follows were checked against the SQL `prisma migrate diff` (6.19) printed for
//! the fixtures under `testdata/prisma-*`: scalar types get Prisma's default column types
//! (`String` → `text`, `DateTime` → `timestamp(3)`, `Decimal` → `decimal(65,30)`), lists are
//! nullable arrays, `@unique` is a unique *index* (not a constraint), foreign keys default to
//! `ON DELETE RESTRICT` (`SET NULL` when a referencing field is optional) and `ON UPDATE
//! CASCADE`, and an implicit many-to-many relation gets a `_AToB` join table.

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
) -> Result<(Schema, Vec<Unsupported>), PrismaError> {
    let mut docs = Vec::with_capacity(sources.len());
    for (path, text) in sources {
        let doc = parse(text).map_err(|error| PrismaError::Invalid {
            path: path.to_path_buf(),
            error,
        })?;
        docs.push(doc);
    }
    let mut mapper = Mapper::new(sources, &docs, first_file)?;
    mapper.enums();
    mapper.collect_models()?;
    mapper.tables()?;
    mapper.join_tables()?;
    Ok((mapper.schema, mapper.unsupported))
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
    /// The schema of models and enums without `@@schema`.
    default_schema: String,
    /// With `schemas = [...]` Prisma qualifies every name in its SQL, type casts included.
    qualify: bool,
    /// `relationMode = "prisma"`: relations are emulated, no foreign keys are created.
    emulated_relations: bool,
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
            default_schema: "public".to_string(),
            qualify: false,
            emulated_relations: false,
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

    /// The SQL text of a field's column type, as Prisma writes it in CREATE TABLE.
    fn sql_type(&mut self, source: usize, field: &Member) -> String {
        let Some(ty) = &field.field_type else {
            return String::new();
        };
        let base = if let Some(raw) = &ty.unsupported {
            raw.clone()
        } else if let Some(e) = self.enums.get(ty.name.as_str()) {
            if self.qualify {
                format!("\"{}\".\"{}\"", e.name.schema, e.name.name)
            } else {
                format!("\"{}\"", e.name.name)
            }
        } else {
            let native = field.attributes.iter().find(|a| a.name.starts_with("db."));
            match native.map(|a| (a, native_type(&a.name[3..], &a.args))) {
                Some((_, Some(sql))) => sql,
                Some((attribute, None)) => {
                    self.unsupported(
                        source,
                        attribute.span.clone(),
                        format!("native type `@{}`", attribute.name),
                    );
                    scalar_type(&ty.name).to_string()
                }
                None => scalar_type(&ty.name).to_string(),
            }
        };
        if ty.arity == Arity::List {
            format!("{base}[]")
        } else {
            base
        }
    }

    fn normalised_type(&mut self, sql: &str) -> String {
        if let Some(known) = self.type_cache.get(sql) {
            return known.clone();
        }
        let normal = normalise_sql_type(sql);
        self.type_cache.insert(sql.to_string(), normal.clone());
        normal
    }

    fn column(
        &mut self,
        source: usize,
        table: &QualName,
        field: &'d Member,
    ) -> Result<Column, PrismaError> {
        let ty = field.field_type.as_ref().expect("model fields have types");
        let name =
            truncate_identifier(mapped_name(&field.attributes).unwrap_or(&field.name)).to_string();
        let mut sql_type = self.sql_type(source, field);
        let default = match field.attributes.iter().find(|a| a.name == "default") {
            Some(attribute) => self.default_value(source, field, attribute, &sql_type)?,
            None => DefaultValue::None,
        };
        let mut column = Column {
            name,
            type_name: String::new(),
            not_null: ty.arity == Arity::Required,
            default: None,
            origin: self.origin(source, field.span.clone()),
        };
        match default {
            DefaultValue::None => {}
            DefaultValue::Sql(sql) => column.default = Some(normalise_expr(&sql)),
            DefaultValue::Serial => {
                sql_type = match sql_type.as_str() {
                    "BIGINT" => "BIGSERIAL",
                    "SMALLINT" => "SMALLSERIAL",
                    _ => "SERIAL",
                }
                .to_string();
                let sequence = make_object_name(&table.name, Some(&column.name), "seq");
                column.default = Some(format!("nextval('{sequence}'::regclass)"));
                self.schema.other_relations.insert(
                    QualName::new(table.schema.clone(), sequence),
                    OtherRelation {
                        kind: RelKind::Sequence,
                        origin: column.origin,
                    },
                );
            }
        }
        column.type_name = self.normalised_type(&sql_type);
        Ok(column)
    }

    fn default_value(
        &mut self,
        source: usize,
        field: &Member,
        attribute: &Attribute,
        sql_type: &str,
    ) -> Result<DefaultValue, PrismaError> {
        let ty = field.field_type.as_ref().expect("model fields have types");
        let Some(value) = attribute.arg("value", Some(0)) else {
            return Err(self.invalid(source, attribute.span.start, "`@default` needs a value"));
        };
        if let ExprKind::Call { name, args } = &value.kind {
            return Ok(match name.as_str() {
                "autoincrement" => DefaultValue::Serial,
                "now" => DefaultValue::Sql("CURRENT_TIMESTAMP".into()),
                // Generated by Prisma Client: the column has no default in the database.
                "uuid" | "cuid" | "nanoid" | "ulid" => DefaultValue::None,
                "dbgenerated" => match args.first().and_then(|a| a.value.as_str()) {
                    Some(sql) if !sql.is_empty() => DefaultValue::Sql(sql.to_string()),
                    _ => DefaultValue::None,
                },
                other => {
                    let why = match other {
                        "sequence" => " (CockroachDB only)",
                        "auto" => " (MongoDB only)",
                        _ => "",
                    };
                    self.unsupported(
                        source,
                        attribute.span.clone(),
                        format!("default `{other}()` of field `{}`{why}", field.name),
                    );
                    DefaultValue::None
                }
            });
        }
        let enum_info = self.enums.get(ty.name.as_str());
        let literal = |item: &Expr| -> Option<String> {
            match (&item.kind, ty.name.as_str()) {
                (ExprKind::Ident(label), _) if enum_info.is_some() => enum_info
                    .and_then(|e| e.labels.get(label))
                    .map(|l| sql_string(l)),
                (ExprKind::Ident(b), "Boolean") if b == "true" || b == "false" => Some(b.clone()),
                (ExprKind::Number(n), _) => Some(n.clone()),
                (ExprKind::Str(s), "Bytes") => base64_hex(s).map(|hex| format!("'\\x{hex}'")),
                (ExprKind::Str(s), "DateTime") => Some(sql_string(&prisma_datetime(s))),
                (ExprKind::Str(s), _) => Some(sql_string(s)),
                _ => None,
            }
        };
        let rendered = match &value.kind {
            ExprKind::Array(items) => items
                .iter()
                .map(literal)
                .collect::<Option<Vec<String>>>()
                .map(|items| format!("ARRAY[{}]::{sql_type}", items.join(", "))),
            _ => literal(value),
        };
        match rendered {
            Some(sql) => Ok(DefaultValue::Sql(sql)),
            None => {
                self.unsupported(
                    source,
                    attribute.span.clone(),
                    format!("default value of field `{}`", field.name),
                );
                Ok(DefaultValue::None)
            }
        }
    }

    /// Primary key, unique and plain indexes of a model.
    fn keys(
        &mut self,
        model: &'d str,
        source: usize,
        table: &QualName,
        db_name: &str,
    ) -> Result<(), PrismaError> {
        let block = self.models[model].placed.block;
        for field in &block.members {
            for attribute in &field.attributes {
                let kind = match attribute.name.as_str() {
                    "id" => KeyKind::Primary,
                    "unique" => KeyKind::Unique,
                    "shardKey" => {
                        self.unsupported(source, attribute.span.clone(), "`@shardKey`".into());
                        continue;
                    }
                    _ => continue,
                };
                let sort = attribute.arg("sort", None);
                let key = self.index_key(model, source, field.name.as_str(), sort, None)?;
                self.check_mysql_only_args(source, attribute);
                self.add_key(source, table, db_name, kind, vec![key], attribute, "")?;
            }
        }
        for attribute in &block.attributes {
            let kind = match attribute.name.as_str() {
                "id" => KeyKind::Primary,
                "unique" => KeyKind::Unique,
                "index" => KeyKind::Index,
                "map" | "schema" | "ignore" => continue,
                "fulltext" => {
                    self.unsupported(
                        source,
                        attribute.span.clone(),
                        "`@@fulltext` index (MySQL and MongoDB only)".into(),
                    );
                    continue;
                }
                other => {
                    self.unsupported(
                        source,
                        attribute.span.clone(),
                        format!("block attribute `@@{other}`"),
                    );
                    continue;
                }
            };
            let Some(fields) = attribute.arg("fields", Some(0)) else {
                return Err(self.invalid(
                    source,
                    attribute.span.start,
                    format!("`@@{}` needs a list of fields", attribute.name),
                ));
            };
            let ExprKind::Array(items) = &fields.kind else {
                return Err(self.invalid(source, fields.span.start, "expected a list of fields"));
            };
            let mut keys = Vec::with_capacity(items.len());
            for item in items {
                let (name, args): (&str, &[Arg]) = match &item.kind {
                    ExprKind::Ident(name) => (name, &[]),
                    ExprKind::Call { name, args } => (name, args),
                    _ => {
                        return Err(self.invalid(source, item.span.start, "expected a field name"));
                    }
                };
                let named = |n: &str| args.iter().find(|a| a.name.as_deref() == Some(n));
                if let Some(length) = named("length") {
                    self.unsupported(
                        source,
                        length.span.clone(),
                        format!("index argument `length` of field `{name}` (MySQL only)"),
                    );
                }
                let sort = named("sort").map(|a| &a.value);
                let ops = named("ops").map(|a| &a.value);
                keys.push(self.index_key(model, source, name, sort, ops)?);
            }
            self.check_mysql_only_args(source, attribute);
            let method = attribute.arg("type", None).and_then(Expr::name);
            let method = match method {
                None => "btree",
                Some("BTree") => "btree",
                Some("Hash") => "hash",
                Some("Gist") => "gist",
                Some("Gin") => "gin",
                Some("SpGist") => "spgist",
                Some("Brin") => "brin",
                Some(other) => {
                    return Err(self.invalid(
                        source,
                        attribute.span.start,
                        format!("unknown index type `{other}`"),
                    ));
                }
            };
            self.add_key(source, table, db_name, kind, keys, attribute, method)?;
        }
        Ok(())
    }

    /// `length` and `clustered` only mean something on MySQL and SQL Server.
    fn check_mysql_only_args(&mut self, source: usize, attribute: &Attribute) {
        for arg in &attribute.args {
            if let Some(name @ ("length" | "clustered")) = arg.name.as_deref() {
                self.unsupported(
                    source,
                    arg.span.clone(),
                    format!(
                        "argument `{name}` of `@{}` (MySQL or SQL Server only)",
                        attribute.name
                    ),
                );
            }
        }
    }

    fn column_of(
        &self,
        model: &str,
        source: usize,
        field: &str,
        at: usize,
    ) -> Result<String, PrismaError> {
        self.models[model]
            .columns
            .get(field)
            .cloned()
            .ok_or_else(|| {
                self.invalid(
                    source,
                    at,
                    format!("model `{model}` has no field `{field}`"),
                )
            })
    }

    fn index_key(
        &self,
        model: &str,
        source: usize,
        field: &str,
        sort: Option<&Expr>,
        ops: Option<&Expr>,
    ) -> Result<IndexKey, PrismaError> {
        let at = sort.map_or(self.models[model].placed.block.span.start, |s| s.span.start);
        let mut key = IndexKey::column(self.column_of(model, source, field, at)?);
        key.desc = sort.and_then(Expr::name) == Some("Desc");
        key.nulls_first = key.desc;
        key.opclass = ops.and_then(|ops| match &ops.kind {
            ExprKind::Call { name, args } if name == "raw" => args
                .first()
                .and_then(|a| a.value.as_str())
                .map(str::to_string),
            ExprKind::Ident(name) => Some(operator_class(name)),
            _ => None,
        });
        Ok(key)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_key(
        &mut self,
        source: usize,
        table: &QualName,
        db_name: &str,
        kind: KeyKind,
        keys: Vec<IndexKey>,
        attribute: &Attribute,
        method: &str,
    ) -> Result<(), PrismaError> {
        let columns: Vec<String> = keys
            .iter()
            .filter_map(|k| match &k.target {
                KeyTarget::Column(c) => Some(c.clone()),
                KeyTarget::Expr(_) => None,
            })
            .collect();
        let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        let name = match attribute.arg("map", None).and_then(Expr::as_str) {
            Some(map) => map.to_string(),
            None => match kind {
                KeyKind::Primary => naming::primary_key(db_name),
                KeyKind::Unique => naming::unique_index(db_name, &column_refs),
                KeyKind::Index => naming::index(db_name, &column_refs),
            },
        };
        let name = truncate_identifier(&name).to_string();
        let origin = self.origin(source, attribute.span.clone());
        let mut index = Index::new(
            QualName::new(table.schema.clone(), name.clone()),
            table.clone(),
            if method.is_empty() { "btree" } else { method },
            origin,
        );
        index.keys = keys;
        index.unique = kind != KeyKind::Index;
        if let Some(predicate) = attribute.arg("where", None) {
            match &predicate.kind {
                ExprKind::Call { name, args } if name == "raw" => {
                    let text = args.first().and_then(|a| a.value.as_str()).unwrap_or("");
                    match SqlExpr::parse(text) {
                        Ok(expr) => index.predicate = Some(expr),
                        Err(e) => {
                            return Err(self.invalid(
                                source,
                                predicate.span.start,
                                format!("the index predicate is not a SQL expression: {e}"),
                            ));
                        }
                    }
                }
                _ => self.unsupported(
                    source,
                    predicate.span.clone(),
                    "index `where` given as an object (only `raw(\"…\")` is read)".into(),
                ),
            }
        }
        if kind == KeyKind::Primary {
            let t = self
                .schema
                .tables
                .get_mut(table)
                .expect("table inserted first");
            if t.primary_key().is_some() {
                let message = format!("model `{}` has more than one primary key", table.name);
                return Err(self.invalid(source, attribute.span.start, message));
            }
            for c in &columns {
                if let Some(col) = t.columns.get_mut(c) {
                    col.not_null = true;
                }
            }
            t.constraints.insert(
                name.clone(),
                Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::PrimaryKey,
                    columns,
                    index: Some(name.clone()),
                    foreign_key: None,
                    origin,
                },
            );
            index.primary = true;
            index.constraint = Some(name);
        }
        self.schema.indexes.insert(index.name.clone(), index);
        Ok(())
    }

    fn foreign_key(
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
            validated: true,
        };
        t.constraints
            .insert(name.clone(), foreign_key(name, columns, fk, origin));
        Ok(())
    }

    /// The `_AToB` tables of implicit many-to-many relations: two list fields that point at
    /// each other with no `fields:`.
    fn join_tables(&mut self) -> Result<(), PrismaError> {
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
                        origin,
                    },
                );
            }
            let pkey = truncate_identifier(&format!("_{name}_AB_pkey")).to_string();
            table.constraints.insert(
                pkey.clone(),
                Constraint {
                    name: pkey.clone(),
                    kind: ConstraintKind::PrimaryKey,
                    columns: vec!["A".into(), "B".into()],
                    index: Some(pkey.clone()),
                    foreign_key: None,
                    origin,
                },
            );
            for (column, (ref_table, id)) in [("A", &id_a), ("B", &id_b)] {
                let fkey = truncate_identifier(&format!("_{name}_{column}_fkey")).to_string();
                // Join table rows go with either side: both keys cascade.
                let fk = ForeignKey {
                    ref_table: ref_table.clone(),
                    ref_columns: vec![id.name.clone()],
                    on_delete: 'c',
                    on_update: 'c',
                    validated: true,
                };
                let constraint = foreign_key(fkey.clone(), vec![column.to_string()], fk, origin);
                table.constraints.insert(fkey, constraint);
            }
            if self.emulated_relations {
                table
                    .constraints
                    .retain(|_, c| c.kind != ConstraintKind::ForeignKey);
            }
            self.schema.tables.insert(table_name.clone(), table);
            let mut pk = Index::new(
                QualName::new(schema.clone(), pkey.clone()),
                table_name.clone(),
                "btree",
                origin,
            );
            pk.unique = true;
            pk.primary = true;
            pk.constraint = Some(pkey);
            pk.keys = vec![IndexKey::column("A"), IndexKey::column("B")];
            self.schema.indexes.insert(pk.name.clone(), pk);
            let b_index = truncate_identifier(&format!("_{name}_B_index")).to_string();
            let mut index = Index::new(QualName::new(schema, b_index), table_name, "btree", origin);
            index.keys = vec![IndexKey::column("B")];
            self.schema.indexes.insert(index.name.clone(), index);
        }
        Ok(())
    }

    /// The model's name with the lifetime of the schema text.
    fn model_key(&self, name: &str) -> &'d str {
        self.models
            .get_key_value(name)
            .map(|(k, _)| *k)
            .expect("a known model")
    }

    /// The table and id column of a model whose primary key is one column.
    fn single_id(&self, model: &str) -> Option<(QualName, Column)> {
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
type RelationKey<'d> = (String, &'d str, &'d str);

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Primary,
    Unique,
    Index,
}

/// A foreign key constraint.
fn foreign_key(name: String, columns: Vec<String>, fk: ForeignKey, origin: Origin) -> Constraint {
    Constraint {
        name,
        kind: ConstraintKind::ForeignKey,
        columns,
        index: None,
        foreign_key: Some(fk),
        origin,
    }
}

/// The names in a `[a, b]` list, each with its offset; a non-name item is an error at its
/// offset.
fn list_names(list: &Expr) -> Vec<Result<(&str, usize), usize>> {
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

/// Prisma's default PostgreSQL type of a scalar.
fn scalar_type(name: &str) -> &'static str {
    match name {
        "String" => "TEXT",
        "Boolean" => "BOOLEAN",
        "Int" => "INTEGER",
        "BigInt" => "BIGINT",
        "Float" => "DOUBLE PRECISION",
        "Decimal" => "DECIMAL(65,30)",
        "DateTime" => "TIMESTAMP(3)",
        "Json" => "JSONB",
        "Bytes" => "BYTEA",
        _ => "TEXT",
    }
}

/// The SQL of a `@db.*` native type; `None` for a name Prisma's PostgreSQL connector does
/// not have.
fn native_type(name: &str, args: &[Arg]) -> Option<String> {
    let sql = match name {
        "Text" => "TEXT",
        "Char" => "CHAR",
        "VarChar" => "VARCHAR",
        "Bit" => "BIT",
        "VarBit" => "VARBIT",
        "Uuid" => "UUID",
        "Xml" => "XML",
        "Inet" => "INET",
        "Citext" => "CITEXT",
        "Boolean" => "BOOLEAN",
        "Integer" => "INTEGER",
        "SmallInt" => "SMALLINT",
        "Oid" => "OID",
        "BigInt" => "BIGINT",
        "DoublePrecision" => "DOUBLE PRECISION",
        "Real" => "REAL",
        "Decimal" => "DECIMAL",
        "Money" => "MONEY",
        "Timestamp" => "TIMESTAMP",
        "Timestamptz" => "TIMESTAMPTZ",
        "Date" => "DATE",
        "Time" => "TIME",
        "Timetz" => "TIMETZ",
        "Json" => "JSON",
        "JsonB" => "JSONB",
        "ByteA" => "BYTEA",
        _ => return None,
    };
    let mods: Vec<&str> = args
        .iter()
        .filter_map(|a| match &a.value.kind {
            ExprKind::Number(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    Some(if mods.is_empty() {
        sql.to_string()
    } else {
        format!("{sql}({})", mods.join(","))
    })
}

/// The operator class named by a Prisma constant: `JsonbPathOps` → `jsonb_path_ops`,
/// `Int4MinMaxMultiOps` → `int4_minmax_multi_ops`.
fn operator_class(name: &str) -> String {
    let joined = name
        .replace("MinMax", "Minmax")
        .replace("TimestampTz", "Timestamptz")
        .replace("TimeTz", "Timetz")
        .replace("VarBit", "Varbit");
    let mut out = String::with_capacity(joined.len() + 4);
    for (i, c) in joined.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A SQL string literal.
fn sql_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A `DateTime` default as Prisma writes it: `2020-01-02T03:04:05Z` → `2020-01-02 03:04:05 +00:00`.
fn prisma_datetime(value: &str) -> String {
    let Some((date, time)) = value.split_once('T') else {
        return value.to_string();
    };
    let (clock, zone) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, "+00:00")
    } else if let Some(i) = time.rfind(['+', '-']) {
        (&time[..i], &time[i..])
    } else {
        (time, "+00:00")
    };
    format!("{date} {clock} {zone}")
}

/// The hex digits of a base64 text (`Bytes` defaults), `None` when it is not base64.
fn base64_hex(text: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut hex = String::new();
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            hex.push_str(&format!("{:02x}", (bits >> count) & 0xff));
        }
    }
    Some(hex)
}

/// A default expression as the replay stores it: PostgreSQL's deparse.
fn normalise_expr(sql: &str) -> String {
    SqlExpr::parse(sql)
        .map(|e| e.text)
        .unwrap_or_else(|_| sql.to_string())
}

/// A SQL type as the replay stores it (`TIMESTAMP(3)` → `timestamp(3) without time zone`),
/// by parsing it in a column definition.
fn normalise_sql_type(sql: &str) -> String {
    let parsed = pg_query::parse(&format!("CREATE TABLE t (c {sql})"), 0);
    let type_name = parsed.ok().and_then(|p| {
        let stmt = p.protobuf.stmts.into_iter().next()?.stmt?;
        let Some(NodeEnum::CreateStmt(create)) = stmt.node else {
            return None;
        };
        let Some(NodeEnum::ColumnDef(column)) = create.table_elts.into_iter().next()?.node else {
            return None;
        };
        column.type_name
    });
    match type_name {
        Some(t) => types::normalise(&t).name,
        None => sql.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_text;
    use super::*;

    const DATASOURCE: &str =
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";

    fn read(models: &str) -> super::super::PrismaSchema {
        read_text("schema.prisma", &format!("{DATASOURCE}{models}")).unwrap()
    }

    fn public(name: &str) -> QualName {
        QualName::new("public", name)
    }

    #[test]
    fn scalar_types_get_prismas_column_types() {
        let s = read(
            "model T {\n  id Int @id\n  s String\n  b Boolean\n  i BigInt\n  f Float\n  d Decimal\n  t DateTime\n  j Json\n  y Bytes\n  l String[]\n  o String?\n}",
        );
        let t = &s.schema.tables[&public("T")];
        let types: Vec<(&str, &str, bool)> = t
            .columns
            .values()
            .map(|c| (c.name.as_str(), c.type_name.as_str(), c.not_null))
            .collect();
        assert_eq!(
            types,
            [
                ("id", "integer", true),
                ("s", "text", true),
                ("b", "boolean", true),
                ("i", "bigint", true),
                ("f", "double precision", true),
                ("d", "numeric(65,30)", true),
                ("t", "timestamp(3) without time zone", true),
                ("j", "jsonb", true),
                ("y", "bytea", true),
                ("l", "text[]", false),
                ("o", "text", false),
            ]
        );
    }

    #[test]
    fn native_types_and_unknown_ones() {
        let s = read(
            "model T {\n  id String @id @db.Uuid\n  v String @db.VarChar(20)\n  n Decimal @db.Decimal(10, 2)\n  z DateTime @db.Timestamptz(6)\n  q String @db.Tsvector\n}",
        );
        let t = &s.schema.tables[&public("T")];
        let ty = |c: &str| t.columns[c].type_name.as_str();
        assert_eq!(ty("id"), "uuid");
        assert_eq!(ty("v"), "character varying(20)");
        assert_eq!(ty("n"), "numeric(10,2)");
        assert_eq!(ty("z"), "timestamp(6) with time zone");
        assert_eq!(ty("q"), "text");
        assert_eq!(s.unsupported.len(), 1);
        assert_eq!(s.unsupported[0].feature, "native type `@db.Tsvector`");
    }

    #[test]
    fn defaults() {
        let s = read(
            "enum E {\n  A @map(\"a\")\n  B\n}\nmodel T {\n  id Int @id @default(autoincrement())\n  u String @default(uuid())\n  c String @default(cuid())\n  n DateTime @default(now())\n  g String @default(dbgenerated(\"gen_random_uuid()::text\"))\n  s String @default(\"it's\")\n  b Boolean @default(false)\n  e E @default(A)\n  l E[] @default([A, B])\n  x Bytes @default(\"aGVsbG8=\")\n  k Int @default(sequence())\n}",
        );
        let t = &s.schema.tables[&public("T")];
        let d = |c: &str| t.columns[c].default.as_deref();
        assert_eq!(d("id"), Some("nextval('T_id_seq'::regclass)"));
        assert!(s.schema.other_relations.contains_key(&public("T_id_seq")));
        assert_eq!(d("u"), None);
        assert_eq!(d("c"), None);
        // One canonical spelling for `now()` and `CURRENT_TIMESTAMP`.
        assert_eq!(d("n"), Some("now()"));
        assert_eq!(d("g"), Some("gen_random_uuid()::text"));
        assert_eq!(d("s"), Some("'it''s'"));
        assert_eq!(d("b"), Some("false"));
        assert_eq!(d("e"), Some("'a'"));
        // The catalog casts the elements, not the array: the canonical form has neither.
        assert_eq!(d("l"), Some("ARRAY['a', 'B']"));
        // PostgreSQL's deparse writes the backslash as an escape string.
        assert_eq!(d("x"), Some("E'\\\\x68656c6c6f'"));
        assert_eq!(d("k"), None);
        assert_eq!(
            s.unsupported
                .iter()
                .map(|u| u.feature.as_str())
                .collect::<Vec<_>>(),
            ["default `sequence()` of field `k` (CockroachDB only)"]
        );
    }

    #[test]
    fn keys_indexes_and_their_names() {
        let s = read(
            "model T {\n  a Int\n  b Int\n  c String @unique\n  @@id([a, b])\n  @@unique([b, c], map: \"bc\")\n  @@index([c(sort: Desc), a], type: Hash)\n  @@index([c(ops: raw(\"text_pattern_ops\"))])\n}",
        );
        let indexes: Vec<(&str, bool, bool, &str)> = s
            .schema
            .indexes
            .values()
            .map(|i| (i.name.name.as_str(), i.unique, i.primary, i.method.as_str()))
            .collect();
        assert_eq!(
            indexes,
            [
                ("T_c_key", true, false, "btree"),
                ("T_pkey", true, true, "btree"),
                ("bc", true, false, "btree"),
                ("T_c_a_idx", false, false, "hash"),
                ("T_c_idx", false, false, "btree"),
            ]
        );
        let hash = &s.schema.indexes[&public("T_c_a_idx")];
        assert!(hash.keys[0].desc && hash.keys[0].nulls_first && !hash.keys[1].desc);
        let ops = &s.schema.indexes[&public("T_c_idx")];
        assert_eq!(ops.keys[0].opclass.as_deref(), Some("text_pattern_ops"));
        let t = &s.schema.tables[&public("T")];
        assert_eq!(t.primary_key().unwrap().columns, ["a", "b"]);
        // A unique field is an index, not a constraint, as Prisma creates it.
        assert_eq!(t.constraints.len(), 1);
    }

    #[test]
    fn relations_default_actions_and_mapped_names() {
        let s = read(
            "model User {\n  id Int @id @map(\"user_id\")\n  posts Post[]\n  @@map(\"users\")\n}\nmodel Post {\n  id Int @id\n  authorId Int @map(\"author_id\")\n  editorId Int?\n  author User @relation(fields: [authorId], references: [id])\n  editor User? @relation(\"edits\", fields: [editorId], references: [id], onUpdate: NoAction, map: \"edited_by\")\n}",
        );
        let post = &s.schema.tables[&public("Post")];
        let fks: Vec<(&str, &[String], char, char, &str)> = post
            .foreign_keys()
            .map(|(c, fk)| {
                (
                    c.name.as_str(),
                    c.columns.as_slice(),
                    fk.on_delete,
                    fk.on_update,
                    fk.ref_columns[0].as_str(),
                )
            })
            .collect();
        assert_eq!(
            fks,
            [
                (
                    "Post_author_id_fkey",
                    &["author_id".to_string()][..],
                    'r',
                    'c',
                    "user_id"
                ),
                (
                    "edited_by",
                    &["editorId".to_string()][..],
                    'n',
                    'a',
                    "user_id"
                ),
            ]
        );
        assert_eq!(
            post.foreign_keys().next().unwrap().1.ref_table,
            public("users")
        );
    }

    #[test]
    fn implicit_many_to_many_gets_a_join_table() {
        let s = read(
            "model Tag {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id String @id @db.Uuid\n  tags Tag[]\n}",
        );
        let join = &s.schema.tables[&public("_PostToTag")];
        assert_eq!(join.columns["A"].type_name, "uuid");
        assert_eq!(join.columns["B"].type_name, "integer");
        assert_eq!(join.primary_key().unwrap().name, "_PostToTag_AB_pkey");
        let fks: Vec<(&str, &str)> = join
            .foreign_keys()
            .map(|(c, fk)| (c.name.as_str(), fk.ref_table.name.as_str()))
            .collect();
        assert_eq!(
            fks,
            [("_PostToTag_A_fkey", "Post"), ("_PostToTag_B_fkey", "Tag")]
        );
        assert!(s.schema.indexes.contains_key(&public("_PostToTag_B_index")));
    }

    #[test]
    fn relation_mode_prisma_creates_no_foreign_keys() {
        let s = read_text(
            "schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = \"postgresql://x/db?schema=app\"\n  relationMode = \"prisma\"\n}\nmodel A {\n  id Int @id\n  b B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}",
        )
        .unwrap();
        let b = &s.schema.tables[&QualName::new("app", "B")];
        assert_eq!(b.foreign_keys().count(), 0);
    }

    #[test]
    fn views_composite_types_and_mysql_arguments_are_listed() {
        let s = read(
            "view V {\n  id Int @unique\n}\ntype Address {\n  street String\n}\nmodel T {\n  id Int @id\n  s String\n  @@index([s(length: 10)])\n  @@fulltext([s])\n}",
        );
        let features: Vec<&str> = s.unsupported.iter().map(|u| u.feature.as_str()).collect();
        assert_eq!(
            features,
            [
                "view `V` (Prisma Migrate does not create views)",
                "composite type `Address` (MongoDB only)",
                "index argument `length` of field `s` (MySQL only)",
                "`@@fulltext` index (MySQL and MongoDB only)",
            ]
        );
        assert!(!s.schema.tables.contains_key(&public("V")));
        let text = format!("{DATASOURCE}view V {{\n  id Int @unique\n}}");
        let view = read_text("x", &text).unwrap().unsupported[0].span.clone();
        assert_eq!(&text[view], "view V {\n  id Int @unique\n}");
    }

    #[test]
    fn semantic_errors_have_positions() {
        let cases: &[(&str, &str)] = &[
            (
                "model T {\n  id Int @id\n  x Foo\n}",
                "7:3: field `x` has unknown type `Foo`",
            ),
            (
                "model T {\n  id Int @id\n  @@index([nope])\n}",
                "model `T` has no field `nope`",
            ),
            (
                "model T {\n  id Int @id\n  @@id([id])\n}",
                "7:3: model `T` has more than one primary key",
            ),
            (
                "model T {\n  id Int @id @default()\n}",
                "6:14: `@default` needs a value",
            ),
            (
                "model T {\n  id Int @id\n  @@index([id], type: Nope)\n}",
                "unknown index type `Nope`",
            ),
        ];
        for (models, want) in cases {
            let e = read_text("s.prisma", &format!("{DATASOURCE}{models}")).unwrap_err();
            assert!(e.to_string().contains(want), "{models}: {e}");
        }
        let e = read_text("s.prisma", "datasource db {\n  provider = \"mysql\"\n}").unwrap_err();
        assert!(e.to_string().contains("PostgreSQL schemas only"), "{e}");
        let e = read_text("s.prisma", "model T {\n  id Int @id\n}").unwrap_err();
        assert!(e.to_string().contains("no datasource"), "{e}");
    }

    #[test]
    fn partial_indexes_read_a_raw_predicate() {
        let s = read(
            "model T {\n  id Int @id\n  a Int\n  deleted Boolean\n  @@unique([a], where: raw(\"NOT deleted\"))\n  @@index([a], where: { deleted: false })\n}",
        );
        let unique = &s.schema.indexes[&public("T_a_key")];
        let predicate = unique.predicate.as_ref().unwrap();
        assert_eq!(predicate.text, "NOT deleted");
        assert_eq!(predicate.columns, ["deleted"]);
        let plain = &s.schema.indexes[&public("T_a_idx")];
        assert!(plain.predicate.is_none());
        assert_eq!(
            s.unsupported[0].feature,
            "index `where` given as an object (only `raw(\"…\")` is read)"
        );
        let e = read_text(
            "s.prisma",
            &format!(
                "{DATASOURCE}model T {{\n  a Int @id\n  @@index([a], where: raw(\"a >\"))\n}}"
            ),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("7:23: the index predicate is not a SQL expression"),
            "{e}"
        );
    }

    #[test]
    fn operator_class_constants() {
        assert_eq!(operator_class("JsonbPathOps"), "jsonb_path_ops");
        assert_eq!(operator_class("InetOps"), "inet_ops");
        assert_eq!(
            operator_class("Int4MinMaxMultiOps"),
            "int4_minmax_multi_ops"
        );
        assert_eq!(
            operator_class("TimestampTzBloomOps"),
            "timestamptz_bloom_ops"
        );
        assert_eq!(operator_class("VarBitMinMaxOps"), "varbit_minmax_ops");
    }

    #[test]
    fn datetime_and_bytes_literals() {
        assert_eq!(
            prisma_datetime("2020-01-02T03:04:05Z"),
            "2020-01-02 03:04:05 +00:00"
        );
        assert_eq!(
            prisma_datetime("2020-01-02T03:04:05.5+02:00"),
            "2020-01-02 03:04:05.5 +02:00"
        );
        assert_eq!(base64_hex("aGVsbG8="), Some("68656c6c6f".into()));
        assert_eq!(base64_hex("not base64!"), None);
    }
}
