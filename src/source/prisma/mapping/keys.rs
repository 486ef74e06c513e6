//! Primary keys, unique indexes and indexes with Prisma's names, methods, sorts and operator
//! classes.

use super::*;
use crate::source::keys::add_key_constraint;

impl<'d> Mapper<'_, 'd> {
    /// Primary key, unique and plain indexes of a model.
    pub(super) fn keys(
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
    pub(super) fn check_mysql_only_args(&mut self, source: usize, attribute: &Attribute) {
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

    pub(super) fn column_of(
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

    pub(super) fn index_key(
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
    pub(super) fn add_key(
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
            if !add_key_constraint(t, &mut index, ConstraintKind::PrimaryKey) {
                let message = format!("model `{}` has more than one primary key", table.name);
                return Err(self.invalid(source, attribute.span.start, message));
            }
        }
        self.schema.indexes.insert(index.name.clone(), index);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    Primary,
    Unique,
    Index,
}

/// The operator class named by a Prisma constant: `JsonbPathOps` → `jsonb_path_ops`,
/// `Int4MinMaxMultiOps` → `int4_minmax_multi_ops`.
pub(super) fn operator_class(name: &str) -> String {
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
