//! The Drizzle TypeScript schema (`schema.ts`) as a [`Schema`], read with a real TypeScript
//! parser (oxc) and evaluated statically.
//!
//! The file is turned into the snapshot drizzle-kit would write for it (version 7), which the
//! snapshot reader turns into the model: one set of naming and normalisation rules for both.
//! What cannot be evaluated without running the code (computed names, spreads, helper
//! functions) is reported as [`Unsupported`], never guessed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    ArrayExpressionElement, ArrowFunctionBody, BindingPattern, Declaration, Expression,
    ObjectPropertyKind, PropertyKey, Statement, UnaryOperator,
};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType};
use serde_json::{Map, Value, json};

use super::drizzle::{DrizzleError, DrizzleSchema, Unsupported, from_json};
use crate::schema::Origin;

/// A JavaScript value as far as static evaluation needs it, owned (independent of the parser's
/// arena). `at` is a byte offset in the file.
#[derive(Clone, Debug)]
enum Js {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Ident(String),
    Member(Box<Js>, String),
    Call(Box<Js>, Vec<Js>),
    Object(Vec<(String, Js)>),
    Array(Vec<Js>),
    Arrow(Vec<String>, Box<Js>),
    /// A template literal, tagged (`sql\`…\``) or not.
    Template(Option<Box<Js>>, Vec<String>, Vec<Js>),
    /// Something not evaluated: what it is, and where.
    Opaque(&'static str, u32),
}

fn convert(e: &Expression<'_>) -> Js {
    match e {
        Expression::StringLiteral(s) => Js::Str(s.value.as_str().to_string()),
        Expression::NumericLiteral(n) => Js::Num(n.value),
        Expression::BooleanLiteral(b) => Js::Bool(b.value),
        Expression::NullLiteral(_) => Js::Null,
        Expression::Identifier(i) => Js::Ident(i.name.as_str().to_string()),
        Expression::StaticMemberExpression(m) => Js::Member(
            Box::new(convert(&m.object)),
            m.property.name.as_str().to_string(),
        ),
        Expression::ComputedMemberExpression(m) => match &m.expression {
            Expression::StringLiteral(s) => {
                Js::Member(Box::new(convert(&m.object)), s.value.as_str().to_string())
            }
            _ => Js::Opaque("a computed property access", m.span.start),
        },
        Expression::CallExpression(c) => {
            let mut args = Vec::new();
            for a in &c.arguments {
                match a.as_expression() {
                    Some(x) => args.push(convert(x)),
                    None => args.push(Js::Opaque("a spread argument", a.span().start)),
                }
            }
            Js::Call(Box::new(convert(&c.callee)), args)
        }
        Expression::ObjectExpression(o) => {
            let mut props = Vec::new();
            for p in &o.properties {
                match p {
                    ObjectPropertyKind::ObjectProperty(p) => {
                        let key = match &p.key {
                            _ if p.computed => None,
                            PropertyKey::StaticIdentifier(i) => Some(i.name.as_str().to_string()),
                            PropertyKey::StringLiteral(s) => Some(s.value.as_str().to_string()),
                            _ => None,
                        };
                        match key {
                            Some(k) => props.push((k, convert(&p.value))),
                            None => props.push((
                                String::new(),
                                Js::Opaque("a computed property name", p.span.start),
                            )),
                        }
                    }
                    ObjectPropertyKind::SpreadProperty(s) => {
                        props.push((String::new(), Js::Opaque("a spread (`...`)", s.span.start)))
                    }
                }
            }
            Js::Object(props)
        }
        Expression::ArrayExpression(a) => Js::Array(
            a.elements
                .iter()
                .map(|el| match el {
                    ArrayExpressionElement::SpreadElement(s) => {
                        Js::Opaque("a spread (`...`)", s.span.start)
                    }
                    ArrayExpressionElement::Elision(_) => Js::Null,
                    other => other
                        .as_expression()
                        .map(convert)
                        .unwrap_or(Js::Opaque("an array element", other.span().start)),
                })
                .collect(),
        ),
        Expression::ArrowFunctionExpression(f) => {
            let params = f
                .params
                .items
                .iter()
                .map(|p| match &p.pattern {
                    BindingPattern::BindingIdentifier(b) => b.name.as_str().to_string(),
                    _ => String::new(),
                })
                .collect();
            let body = match &f.body {
                ArrowFunctionBody::FunctionBody(b) => {
                    // A block body: its return statement.
                    b.statements
                        .iter()
                        .find_map(|s| match s {
                            Statement::ReturnStatement(r) => r.argument.as_ref().map(convert),
                            _ => None,
                        })
                        .unwrap_or(Js::Opaque("a function body", f.span.start))
                }
                other => other
                    .as_expression()
                    .map(convert)
                    .unwrap_or(Js::Opaque("a function body", f.span.start)),
            };
            Js::Arrow(params, Box::new(body))
        }
        Expression::TaggedTemplateExpression(t) => Js::Template(
            Some(Box::new(convert(&t.tag))),
            t.quasi
                .quasis
                .iter()
                .map(|q| {
                    q.value
                        .cooked
                        .as_ref()
                        .map_or(q.value.raw.as_str(), |c| c.as_str())
                        .to_string()
                })
                .collect(),
            t.quasi.expressions.iter().map(convert).collect(),
        ),
        Expression::TemplateLiteral(t) => Js::Template(
            None,
            t.quasis
                .iter()
                .map(|q| {
                    q.value
                        .cooked
                        .as_ref()
                        .map_or(q.value.raw.as_str(), |c| c.as_str())
                        .to_string()
                })
                .collect(),
            t.expressions.iter().map(convert).collect(),
        ),
        Expression::ParenthesizedExpression(p) => convert(&p.expression),
        Expression::TSAsExpression(x) => convert(&x.expression),
        Expression::TSSatisfiesExpression(x) => convert(&x.expression),
        Expression::TSNonNullExpression(x) => convert(&x.expression),
        Expression::UnaryExpression(u) if u.operator == UnaryOperator::UnaryNegation => {
            match convert(&u.argument) {
                Js::Num(n) => Js::Num(-n),
                _ => Js::Opaque("an expression", u.span.start),
            }
        }
        other => Js::Opaque("an expression", other.span().start),
    }
}

/// A top-level `const` of a file.
struct Decl {
    name: String,
    value: Js,
    file: usize,
    at: u32,
}

/// One parsed file: its text (for line numbers) and its top-level declarations.
struct FileText {
    path: PathBuf,
    text: String,
}

/// The `.ts` files of a folder (recursively), sorted; `node_modules` and declaration files
/// are skipped.
pub fn schema_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "node_modules")
    {
        let entry = entry.map_err(std::io::Error::other)?;
        let p = entry.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if entry.file_type().is_file()
            && name.ends_with(".ts")
            && !name.ends_with(".d.ts")
            && !name.starts_with("drizzle.config")
        {
            out.push(p.to_path_buf());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads TypeScript schema files; origins name them `first_file`, `first_file + 1`, ….
pub fn load(paths: &[PathBuf], first_file: u32) -> Result<DrizzleSchema, DrizzleError> {
    let mut sources = Vec::new();
    for p in paths {
        let text = super::drizzle::read_limited(p)?;
        sources.push((p.clone(), text));
    }
    load_sources(sources, first_file)
}

/// [`load`] on texts already read (`(path, text)` pairs; the paths name the files in errors
/// and decide the casing lookup), e.g. for the fuzz targets.
///
/// A file that nests brackets more than [`MAX_NESTING`] deep is an error; the rest is parsed
/// and evaluated on a thread with a [`STACK_SIZE`] stack.
pub fn load_sources(
    sources: Vec<(PathBuf, String)>,
    first_file: u32,
) -> Result<DrizzleSchema, DrizzleError> {
    for (path, text) in &sources {
        if nesting_exceeds(text, MAX_NESTING) {
            return Err(DrizzleError::Invalid {
                path: path.clone(),
                message: format!(
                    "brackets nest more than {MAX_NESTING} levels deep, beyond what driftlint reads; point --drizzle at the snapshot instead"
                ),
            });
        }
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("driftlint-schema-ts".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, move || load_checked(sources, first_file));
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(e) => Err(DrizzleError::Io {
                path: PathBuf::from("schema.ts"),
                source: e,
            }),
        }
    })
}

/// Deepest nesting of brackets (`(`, `[`, `{`, counted everywhere, strings and comments
/// included) a schema file may have. oxc's parser and the evaluator here recurse once or more
/// per level; real schemas nest a dozen levels.
pub const MAX_NESTING: usize = 1_000;

/// Stack of the thread that parses and evaluates schema files: enough for [`MAX_NESTING`]
/// levels even in a debug build (reserved address space, committed only as used).
pub const STACK_SIZE: usize = 256 << 20;

/// Whether brackets in `text` nest deeper than `limit` (a cheap, conservative byte scan).
fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn load_checked(
    sources: Vec<(PathBuf, String)>,
    first_file: u32,
) -> Result<DrizzleSchema, DrizzleError> {
    let paths: Vec<PathBuf> = sources.iter().map(|(p, _)| p.clone()).collect();
    let paths = &paths[..];
    let files: Vec<FileText> = sources
        .into_iter()
        .map(|(path, text)| FileText { path, text })
        .collect();
    let casing = find_casing(paths, &files);
    let mut decls = Vec::new();
    let mut unsupported = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let allocator = Allocator::default();
        let source_type = SourceType::ts();
        let ret = Parser::new(&allocator, &f.text, source_type).parse();
        if ret.panicked || ret.diagnostics.has_errors() {
            return Err(DrizzleError::Invalid {
                path: f.path.clone(),
                message: "TypeScript syntax error; fix the file or point at the snapshot instead"
                    .to_string(),
            });
        }
        for stmt in &ret.program.body {
            let var = match stmt {
                Statement::VariableDeclaration(v) => Some(&**v),
                Statement::ExportDeclaration(e) => match &e.declaration {
                    Declaration::VariableDeclaration(v) => Some(&**v),
                    _ => None,
                },
                _ => None,
            };
            for d in var.into_iter().flat_map(|v| v.declarations.iter()) {
                let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init) else {
                    continue;
                };
                decls.push(Decl {
                    name: id.name.as_str().to_string(),
                    value: convert(init),
                    file: i,
                    at: d.span.start,
                });
            }
        }
    }
    let mut eval = Eval {
        env: decls
            .iter()
            .map(|d| (d.name.clone(), d.value.clone()))
            .collect(),
        tables: HashMap::new(),
        casing,
        unsupported: Vec::new(),
        first_file,
        files: &files,
    };
    let snapshots = eval.snapshots(&decls);
    unsupported.append(&mut eval.unsupported);
    let mut schema = crate::schema::Schema::default();
    for (i, snap) in snapshots.into_iter().enumerate() {
        let part =
            from_json(&snap, first_file + i as u32).map_err(|message| DrizzleError::Invalid {
                path: files[i].path.clone(),
                message,
            })?;
        schema.schemas.extend(part.schemas);
        schema.tables.extend(part.tables);
        schema.indexes.extend(part.indexes);
        schema.other_relations.extend(part.other_relations);
        schema.enums.extend(part.enums);
    }
    Ok(DrizzleSchema {
        schema,
        files: paths.to_vec(),
        unsupported,
    })
}

/// Column-name casing: `casing: 'snake_case'` in `drizzle.config.ts` (next to the schema or in
/// a parent folder) or in a `drizzle({ casing })` call of the schema files.
fn find_casing(paths: &[PathBuf], files: &[FileText]) -> Option<String> {
    let mut texts: Vec<String> = files.iter().map(|f| f.text.clone()).collect();
    if let Some(first) = paths.first() {
        let mut dir = first.parent();
        for _ in 0..5 {
            let Some(d) = dir else { break };
            for name in [
                "drizzle.config.ts",
                "drizzle.config.js",
                "drizzle.config.mjs",
            ] {
                if let Ok(t) = std::fs::read_to_string(d.join(name))
                    && !nesting_exceeds(&t, MAX_NESTING)
                {
                    texts.push(t);
                }
            }
            dir = d.parent();
        }
    }
    for text in &texts {
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, text, SourceType::ts()).parse();
        if let Some(c) = casing_in(&ret.program.body) {
            return Some(c);
        }
    }
    None
}

/// The first `casing: '…'` property of an object literal anywhere in the statements' top-level
/// expressions (`defineConfig({…})`, `drizzle({…})`, `export default {…}`).
fn casing_in(body: &[Statement<'_>]) -> Option<String> {
    fn find(js: &Js) -> Option<String> {
        match js {
            Js::Object(props) => props.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("casing", Js::Str(s)) => Some(s.clone()),
                _ => find(v),
            }),
            Js::Call(c, args) => args.iter().find_map(find).or_else(|| find(c)),
            Js::Member(o, _) => find(o),
            Js::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    body.iter().find_map(|s| {
        let exprs: Vec<Js> = match s {
            Statement::ExportDefaultDeclaration(d) => d
                .declaration
                .as_expression()
                .map(convert)
                .into_iter()
                .collect(),
            Statement::ExpressionStatement(x) => vec![convert(&x.expression)],
            Statement::VariableDeclaration(v) => v
                .declarations
                .iter()
                .filter_map(|d| d.init.as_ref().map(convert))
                .collect(),
            Statement::ExportDeclaration(e) => match &e.declaration {
                Declaration::VariableDeclaration(v) => v
                    .declarations
                    .iter()
                    .filter_map(|d| d.init.as_ref().map(convert))
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        exprs.iter().find_map(find)
    })
}

/// drizzle-orm's `toSnakeCase`: words of a camelCase key, lower-cased, joined by `_`.
pub fn to_snake_case(input: &str) -> String {
    let chars: Vec<char> = input.chars().filter(|c| *c != '\'').collect();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_lowercase() || chars[i].is_ascii_digit()) {
                i += 1;
            }
        } else if c.is_ascii_uppercase() {
            // `[A-Z]+(?![a-z])` or `[A-Z][\da-z]+`.
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_uppercase() {
                j += 1;
            }
            if j < chars.len() && chars[j].is_ascii_lowercase() && j - i > 1 {
                i = j - 1;
            } else if j < chars.len()
                && (chars[j].is_ascii_lowercase() || chars[j].is_ascii_digit())
                && j - i == 1
            {
                i = j;
                while i < chars.len()
                    && (chars[i].is_ascii_lowercase() || chars[i].is_ascii_digit())
                {
                    i += 1;
                }
            } else {
                i = j;
            }
        } else {
            i += 1;
            continue;
        }
        words.push(chars[start..i].iter().collect::<String>().to_lowercase());
    }
    words.join("_")
}

/// A table found in the source, for references from other tables.
#[derive(Clone, Debug)]
struct TableRef {
    schema: String,
    name: String,
    /// Object key → database column name.
    columns: HashMap<String, String>,
}

struct Eval<'f> {
    env: HashMap<String, Js>,
    tables: HashMap<String, TableRef>,
    casing: Option<String>,
    unsupported: Vec<Unsupported>,
    first_file: u32,
    files: &'f [FileText],
}

/// One file's snapshot maps: tables, enums, schemas.
type FileMaps = (Map<String, Value>, Map<String, Value>, Map<String, Value>);

/// A call chain `base(args).m1(a).m2(b)` taken apart.
struct Chain {
    base: Js,
    base_args: Vec<Js>,
    methods: Vec<(String, Vec<Js>)>,
}

fn chain(js: &Js) -> Chain {
    let mut methods = Vec::new();
    let mut cur = js.clone();
    loop {
        match cur {
            Js::Call(callee, args) => match *callee {
                Js::Member(obj, m) => {
                    methods.push((m, args));
                    cur = *obj;
                }
                other => {
                    methods.reverse();
                    return Chain {
                        base: other,
                        base_args: args,
                        methods,
                    };
                }
            },
            other => {
                methods.reverse();
                return Chain {
                    base: other,
                    base_args: Vec::new(),
                    methods,
                };
            }
        }
    }
}

fn prop<'j>(obj: &'j Js, key: &str) -> Option<&'j Js> {
    match obj {
        Js::Object(props) => props.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn as_str(js: &Js) -> Option<&str> {
    match js {
        Js::Str(s) => Some(s),
        _ => None,
    }
}

fn as_bool(js: Option<&Js>) -> bool {
    matches!(js, Some(Js::Bool(true)))
}

fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Per-table pieces collected while evaluating, before columns are known by key.
struct TableDraft {
    var: String,
    file: usize,
    at: u32,
    schema: String,
    name: String,
    columns: Js,
    extra: Option<Js>,
    rls: bool,
}

impl Eval<'_> {
    fn note(&mut self, file: usize, at: u32, message: String) {
        let line = self.files[file].text[..(at as usize).min(self.files[file].text.len())]
            .matches('\n')
            .count()
            + 1;
        self.unsupported.push(Unsupported {
            message: format!("{}:{line}: {message}", self.files[file].path.display()),
            origin: Origin::Drizzle {
                file: self.first_file + file as u32,
            },
        });
    }

    /// Follows identifiers to their top-level `const` values.
    fn resolve(&self, js: &Js) -> Js {
        let mut cur = js.clone();
        for _ in 0..16 {
            match &cur {
                Js::Ident(n) => match self.env.get(n) {
                    Some(v) => cur = v.clone(),
                    None => return cur,
                },
                _ => return cur,
            }
        }
        cur
    }

    /// A string, evaluating identifiers, untagged templates and `creator` prefixes.
    fn string(&self, js: &Js, bindings: &HashMap<String, String>) -> Option<String> {
        match js {
            Js::Str(s) => Some(s.clone()),
            Js::Ident(n) if bindings.contains_key(n) => bindings.get(n).cloned(),
            Js::Ident(_) => match self.resolve(js) {
                Js::Ident(_) => None,
                v => self.string(&v, bindings),
            },
            Js::Template(None, quasis, exprs) => {
                let mut out = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    out.push_str(q);
                    if let Some(e) = exprs.get(i) {
                        out.push_str(&self.string(e, bindings)?);
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// Whether a callee resolves to a drizzle function of this name (`pgTable`, or `x.pgTable`
    /// for a namespace import).
    fn callee_is(&self, callee: &Js, name: &str) -> bool {
        match callee {
            Js::Ident(n) => n == name,
            Js::Member(_, n) => n == name,
            _ => false,
        }
    }

    /// What a table declaration's base is: (schema, name-prefixing creator) when it is
    /// `pgTable`, `schema.table` or a `pgTableCreator` function.
    fn table_base(&self, c: &Chain) -> Option<(String, Option<Js>, Vec<Js>, usize)> {
        if self.callee_is(&c.base, "pgTable") {
            return Some(("public".into(), None, c.base_args.clone(), 0));
        }
        // `mySchema.table(…)`: the chain's base is `mySchema`, its first method `table`.
        if let Some((m, args)) = c.methods.first()
            && m == "table"
        {
            let base = self.resolve(&c.base);
            let bc = chain(&base);
            if self.callee_is(&bc.base, "pgSchema") {
                let schema = bc
                    .base_args
                    .first()
                    .and_then(|a| self.string(a, &HashMap::new()))?;
                return Some((schema, None, args.clone(), 1));
            }
        }
        // `createTable(…)` where `createTable = pgTableCreator((name) => `p_${name}`)`.
        if let Js::Ident(_) = &c.base {
            let base = self.resolve(&c.base);
            let bc = chain(&base);
            if self.callee_is(&bc.base, "pgTableCreator") {
                return Some((
                    "public".into(),
                    bc.base_args.first().cloned(),
                    c.base_args.clone(),
                    0,
                ));
            }
        }
        None
    }

    fn snapshots(&mut self, decls: &[Decl]) -> Vec<Value> {
        let mut per_file: Vec<FileMaps> =
            (0..self.files.len()).map(|_| Default::default()).collect();
        let mut drafts = Vec::new();
        for d in decls {
            let c = chain(&d.value);
            // Enums: `pgEnum('name', [...])` and `schema.enum('name', [...])`.
            let enum_schema = if self.callee_is(&c.base, "pgEnum") {
                Some(("public".to_string(), c.base_args.clone()))
            } else if let Some((m, args)) = c.methods.first()
                && m == "enum"
            {
                let bc = chain(&self.resolve(&c.base));
                self.callee_is(&bc.base, "pgSchema")
                    .then(|| {
                        bc.base_args
                            .first()
                            .and_then(|a| self.string(a, &HashMap::new()))
                            .map(|s| (s, args.clone()))
                    })
                    .flatten()
            } else {
                None
            };
            if let Some((schema, args)) = enum_schema {
                let name = args.first().and_then(|a| self.string(a, &HashMap::new()));
                let values: Option<Vec<Value>> = match args.get(1).map(|a| self.resolve(a)) {
                    Some(Js::Array(items)) => items
                        .iter()
                        .map(|i| self.string(i, &HashMap::new()).map(Value::String))
                        .collect(),
                    _ => None,
                };
                match (name, values) {
                    (Some(name), Some(values)) => {
                        per_file[d.file].1.insert(
                            format!("{schema}.{name}"),
                            json!({"name": name, "schema": schema, "values": values}),
                        );
                    }
                    _ => self.note(
                        d.file,
                        d.at,
                        format!(
                            "enum `{}`: name or values are not literals; skipped",
                            d.name
                        ),
                    ),
                }
                continue;
            }
            if self.callee_is(&c.base, "pgSchema") && c.methods.is_empty() {
                if let Some(s) = c
                    .base_args
                    .first()
                    .and_then(|a| self.string(a, &HashMap::new()))
                    && s != "public"
                {
                    per_file[d.file].2.insert(s.clone(), Value::String(s));
                }
                continue;
            }
            let Some((schema, creator, args, skip)) = self.table_base(&c) else {
                continue;
            };
            let raw_name = args.first();
            let name = raw_name.and_then(|n| self.string(n, &HashMap::new()));
            let name = match (name, creator) {
                (Some(n), None) => Some(n),
                (Some(n), Some(Js::Arrow(params, body))) => {
                    let mut b = HashMap::new();
                    if let Some(p) = params.first() {
                        b.insert(p.clone(), n);
                    }
                    self.string(&body, &b)
                }
                _ => None,
            };
            let Some(name) = name else {
                self.note(
                    d.file,
                    d.at,
                    format!(
                        "table `{}`: its name is computed at run time; skipped",
                        d.name
                    ),
                );
                continue;
            };
            let rls = c.methods[skip..].iter().any(|(m, _)| m == "enableRLS");
            let columns = args.get(1).map(|a| self.resolve(a)).unwrap_or(Js::Null);
            drafts.push(TableDraft {
                var: d.name.clone(),
                file: d.file,
                at: d.at,
                schema,
                name,
                columns,
                extra: args.get(2).cloned(),
                rls,
            });
        }
        // Column keys first, so that references between tables resolve in any order.
        let mut column_defs: Vec<Vec<(String, String, Js)>> = Vec::new();
        for t in &drafts {
            let mut cols = Vec::new();
            let mut map = HashMap::new();
            match &t.columns {
                Js::Object(props) => {
                    for (key, value) in props {
                        if let Js::Opaque(what, at) = value {
                            self.note(
                                t.file,
                                *at,
                                format!("table `{}`: {what} in the columns is not evaluated; its columns are missing", t.name),
                            );
                            continue;
                        }
                        let c = chain(value);
                        let db = c
                            .base_args
                            .first()
                            .and_then(|a| self.string(a, &HashMap::new()))
                            .unwrap_or_else(|| self.column_name_from_key(key));
                        map.insert(key.clone(), db.clone());
                        cols.push((key.clone(), db, value.clone()));
                    }
                }
                _ => self.note(
                    t.file,
                    t.at,
                    format!(
                        "table `{}`: columns are not an object literal; skipped",
                        t.name
                    ),
                ),
            }
            self.tables.insert(
                t.var.clone(),
                TableRef {
                    schema: t.schema.clone(),
                    name: t.name.clone(),
                    columns: map,
                },
            );
            column_defs.push(cols);
        }
        for (t, cols) in drafts.iter().zip(column_defs) {
            let table = self.table_json(t, &cols);
            let key = format!("{}.{}", t.schema, t.name);
            per_file[t.file].0.insert(key, table);
        }
        per_file
            .into_iter()
            .map(|(tables, enums, schemas)| {
                json!({"version": "7", "dialect": "postgresql", "tables": tables, "enums": enums, "schemas": schemas})
            })
            .collect()
    }

    fn column_name_from_key(&self, key: &str) -> String {
        match self.casing.as_deref() {
            Some("snake_case") => to_snake_case(key),
            _ => key.to_string(),
        }
    }

    /// The database column a `t.key` / `other.key` expression names: (table, column).
    fn column_ref(
        &self,
        js: &Js,
        this: &TableRef,
        param: Option<&str>,
    ) -> Option<(TableRef, String)> {
        let Js::Member(obj, key) = js else {
            return None;
        };
        let Js::Ident(var) = &**obj else {
            return None;
        };
        let table = if Some(var.as_str()) == param {
            this.clone()
        } else {
            self.tables.get(var)?.clone()
        };
        let col = table.columns.get(key)?.clone();
        Some((table, col))
    }

    /// SQL text of a `sql\`…\`` template: `${t.col}` becomes `"col"`, `${value}` a literal.
    /// drizzle-kit qualifies column references with their table (`"t"."c"`) in predicates,
    /// checks and policies (`qualify`), not in index keys.
    fn sql_text(
        &self,
        js: &Js,
        this: &TableRef,
        param: Option<&str>,
        qualify: bool,
    ) -> Option<String> {
        match self.resolve(js) {
            Js::Template(Some(tag), quasis, exprs) if self.callee_is(&tag, "sql") => {
                let mut out = String::new();
                for (i, q) in quasis.iter().enumerate() {
                    out.push_str(q);
                    if let Some(e) = exprs.get(i) {
                        if let Some((table, col)) = self.column_ref(e, this, param) {
                            if qualify {
                                out.push_str(&format!("\"{}\".", table.name));
                            }
                            out.push_str(&format!("\"{col}\""));
                        } else {
                            match self.resolve(e) {
                                Js::Num(n) => out.push_str(&num_text(n)),
                                Js::Str(s) => out.push_str(&format!("'{}'", s.replace('\'', "''"))),
                                t @ Js::Template(Some(_), _, _) => {
                                    out.push_str(&self.sql_text(&t, this, param, qualify)?)
                                }
                                _ => return None,
                            }
                        }
                    }
                }
                Some(out)
            }
            // `sql.raw('…')`.
            Js::Call(callee, args) if matches!(&*callee, Js::Member(o, m) if m == "raw" && matches!(&**o, Js::Ident(s) if s == "sql")) => {
                args.first().and_then(as_str).map(str::to_string)
            }
            _ => None,
        }
    }

    fn table_json(&mut self, t: &TableDraft, cols: &[(String, String, Js)]) -> Value {
        let this = self.tables[&t.var].clone();
        let mut columns = Map::new();
        let mut uniques = Map::new();
        let mut fks = Map::new();
        let mut pks = Map::new();
        let mut indexes = Map::new();
        let mut policies = Map::new();
        let mut checks = Map::new();
        for (key, db, value) in cols {
            let c = chain(value);
            let builder = match &c.base {
                Js::Ident(n) | Js::Member(_, n) => n.clone(),
                _ => String::new(),
            };
            let config = c
                .base_args
                .iter()
                .find(|a| matches!(a, Js::Object(_)))
                .cloned()
                .unwrap_or(Js::Object(Vec::new()));
            let Some((mut type_text, type_schema)) = self.column_type(&builder, &c.base, &config)
            else {
                self.note(
                    t.file,
                    t.at,
                    format!(
                        "column `{}.{key}`: builder `{builder}` is not known; column skipped",
                        t.name
                    ),
                );
                continue;
            };
            let mut col = Map::new();
            col.insert("name".into(), json!(db));
            let mut not_null = false;
            let mut pk = false;
            let mut default: Option<Value> = None;
            let is_json = matches!(builder.as_str(), "json" | "jsonb");
            for (m, args) in &c.methods {
                match m.as_str() {
                    "notNull" => not_null = true,
                    "primaryKey" => {
                        pk = true;
                        not_null = true;
                    }
                    "array" => type_text.push_str("[]"),
                    "defaultNow" => default = Some(json!("now()")),
                    "defaultRandom" => default = Some(json!("gen_random_uuid()")),
                    "default" => {
                        default = args
                            .first()
                            .and_then(|a| self.default_value(a, is_json, &this));
                        if default.is_none() {
                            self.note(
                                t.file,
                                t.at,
                                format!("column `{}.{db}`: default is not a literal or sql``; not compared", t.name),
                            );
                        }
                    }
                    "unique" => {
                        let name = args
                            .first()
                            .and_then(|a| self.string(a, &HashMap::new()))
                            .unwrap_or_else(|| format!("{}_{db}_unique", t.name));
                        let nnd = args
                            .iter()
                            .any(|a| prop(a, "nulls").and_then(as_str) == Some("not distinct"));
                        uniques.insert(
                            name.clone(),
                            json!({"name": name, "columns": [db], "nullsNotDistinct": nnd}),
                        );
                    }
                    "references" => {
                        let target = match args.first() {
                            Some(Js::Arrow(_, body)) => self.column_ref(body, &this, None),
                            _ => None,
                        };
                        let Some((rt, rc)) = target else {
                            self.note(
                                t.file,
                                t.at,
                                format!("column `{}.{db}`: referenced column is not a known table's column; foreign key skipped", t.name),
                            );
                            continue;
                        };
                        let actions = args.get(1).cloned().unwrap_or(Js::Null);
                        let name = format!("{}_{db}_{}_{rc}_fk", t.name, rt.name);
                        fks.insert(
                            name.clone(),
                            json!({"name": name, "tableFrom": t.name, "tableTo": rt.name, "schemaTo": rt.schema,
                                   "columnsFrom": [db], "columnsTo": [rc],
                                   "onDelete": prop(&actions, "onDelete").and_then(as_str).unwrap_or("no action"),
                                   "onUpdate": prop(&actions, "onUpdate").and_then(as_str).unwrap_or("no action")}),
                        );
                    }
                    "generatedAlwaysAsIdentity" | "generatedByDefaultAsIdentity" => not_null = true,
                    // Run-time only, or type-level: nothing in the database.
                    "$type" | "$defaultFn" | "$default" | "$onUpdate" | "$onUpdateFn" => {}
                    _ => {}
                }
            }
            col.insert("type".into(), json!(type_text));
            if let Some(s) = type_schema {
                col.insert("typeSchema".into(), json!(s));
            }
            col.insert("primaryKey".into(), json!(pk));
            col.insert("notNull".into(), json!(not_null));
            if let Some(d) = default {
                col.insert("default".into(), d);
            }
            columns.insert(db.clone(), Value::Object(col));
        }
        // The third argument: `(t) => [ … ]`, `(t) => ({ … })`.
        let (param, items): (Option<String>, Vec<Js>) = match t
            .extra
            .as_ref()
            .map(|e| self.resolve(e))
        {
            None => (None, Vec::new()),
            Some(Js::Arrow(params, body)) => {
                let items = match *body {
                    Js::Array(items) => items,
                    Js::Object(props) => props.into_iter().map(|(_, v)| v).collect(),
                    other => vec![other],
                };
                (params.first().cloned(), items)
            }
            Some(other) => {
                let at = match other {
                    Js::Opaque(_, at) => at,
                    _ => t.at,
                };
                self.note(t.file, at, format!("table `{}`: the third argument is not an arrow function; indexes and constraints skipped", t.name));
                (None, Vec::new())
            }
        };
        for item in items {
            if let Js::Opaque(what, at) = item {
                self.note(
                    t.file,
                    at,
                    format!(
                        "table `{}`: {what} among indexes/constraints is not evaluated",
                        t.name
                    ),
                );
                continue;
            }
            let c = chain(&item);
            let kind = match &c.base {
                Js::Ident(n) | Js::Member(_, n) => n.clone(),
                _ => String::new(),
            };
            let p = param.as_deref();
            let cols_of = |this_eval: &Self, args: &[Js]| -> Option<Vec<String>> {
                args.iter()
                    .map(|a| this_eval.column_ref(a, &this, p).map(|(_, c)| c))
                    .collect()
            };
            match kind.as_str() {
                "index" | "uniqueIndex" => match self.index_json(&t.name, &kind, &c, &this, p) {
                    Some((name, v)) => {
                        indexes.insert(name, v);
                    }
                    None => self.note(
                        t.file,
                        t.at,
                        format!(
                            "table `{}`: an index could not be evaluated statically; skipped",
                            t.name
                        ),
                    ),
                },
                "primaryKey" => {
                    let (columns, name) = match c.base_args.first() {
                        Some(o @ Js::Object(_)) => (
                            match prop(o, "columns") {
                                Some(Js::Array(a)) => cols_of(self, a),
                                _ => None,
                            },
                            prop(o, "name").and_then(|n| self.string(n, &HashMap::new())),
                        ),
                        _ => (cols_of(self, &c.base_args), None),
                    };
                    let Some(columns) = columns else {
                        self.note(t.file, t.at, format!("table `{}`: primary key columns are not this table's columns; skipped", t.name));
                        continue;
                    };
                    let name =
                        name.unwrap_or_else(|| format!("{}_{}_pk", t.name, columns.join("_")));
                    pks.insert(name.clone(), json!({"name": name, "columns": columns}));
                }
                "unique" => {
                    let on = c
                        .methods
                        .iter()
                        .find(|(m, _)| m == "on")
                        .map(|(_, a)| a.clone());
                    let Some(columns) = on.and_then(|a| cols_of(self, &a)) else {
                        self.note(t.file, t.at, format!("table `{}`: unique constraint columns could not be evaluated; skipped", t.name));
                        continue;
                    };
                    let name = c
                        .base_args
                        .first()
                        .and_then(|a| self.string(a, &HashMap::new()))
                        .unwrap_or_else(|| format!("{}_{}_unique", t.name, columns.join("_")));
                    let nnd = c.methods.iter().any(|(m, _)| m == "nullsNotDistinct");
                    uniques.insert(
                        name.clone(),
                        json!({"name": name, "columns": columns, "nullsNotDistinct": nnd}),
                    );
                }
                "foreignKey" => {
                    let cfg = c.base_args.first().cloned().unwrap_or(Js::Null);
                    let from = match prop(&cfg, "columns") {
                        Some(Js::Array(a)) => cols_of(self, a),
                        _ => None,
                    };
                    let to: Option<Vec<(TableRef, String)>> = match prop(&cfg, "foreignColumns") {
                        Some(Js::Array(a)) => {
                            a.iter().map(|x| self.column_ref(x, &this, p)).collect()
                        }
                        _ => None,
                    };
                    let (Some(from), Some(to)) = (from, to) else {
                        self.note(
                            t.file,
                            t.at,
                            format!(
                                "table `{}`: foreign key columns could not be evaluated; skipped",
                                t.name
                            ),
                        );
                        continue;
                    };
                    let Some(rt) = to.first().map(|(t, _)| t.clone()) else {
                        continue;
                    };
                    let to_cols: Vec<String> = to.into_iter().map(|(_, c)| c).collect();
                    let name = prop(&cfg, "name")
                        .and_then(|n| self.string(n, &HashMap::new()))
                        .unwrap_or_else(|| {
                            format!(
                                "{}_{}_{}_{}_fk",
                                t.name,
                                from.join("_"),
                                rt.name,
                                to_cols.join("_")
                            )
                        });
                    let action = |m: &str| {
                        c.methods
                            .iter()
                            .find(|(x, _)| x == m)
                            .and_then(|(_, a)| a.first())
                            .and_then(as_str)
                            .unwrap_or("no action")
                            .to_string()
                    };
                    fks.insert(name.clone(), json!({"name": name, "tableFrom": t.name, "tableTo": rt.name, "schemaTo": rt.schema,
                        "columnsFrom": from, "columnsTo": to_cols, "onDelete": action("onDelete"), "onUpdate": action("onUpdate")}));
                }
                "check" => {
                    let name = c
                        .base_args
                        .first()
                        .and_then(|a| self.string(a, &HashMap::new()));
                    let value = c
                        .base_args
                        .get(1)
                        .and_then(|v| self.sql_text(v, &this, p, true));
                    match (name, value) {
                        (Some(name), Some(value)) => {
                            checks.insert(name.clone(), json!({"name": name, "value": value}));
                        }
                        _ => self.note(
                            t.file,
                            t.at,
                            format!(
                                "table `{}`: a check constraint could not be evaluated; skipped",
                                t.name
                            ),
                        ),
                    }
                }
                "pgPolicy" => {
                    let name = c
                        .base_args
                        .first()
                        .and_then(|a| self.string(a, &HashMap::new()));
                    let cfg = c
                        .base_args
                        .get(1)
                        .cloned()
                        .unwrap_or(Js::Object(Vec::new()));
                    let Some(name) = name else {
                        self.note(
                            t.file,
                            t.at,
                            format!("table `{}`: a policy name is computed; skipped", t.name),
                        );
                        continue;
                    };
                    let roles: Vec<String> = match prop(&cfg, "to").map(|r| self.resolve(r)) {
                        None => vec!["public".into()],
                        Some(Js::Array(a)) => a.iter().filter_map(|r| self.role_name(r)).collect(),
                        Some(r) => self.role_name(&r).into_iter().collect(),
                    };
                    let mut pol = json!({"name": name,
                        "as": prop(&cfg, "as").and_then(as_str).unwrap_or("permissive").to_uppercase(),
                        "for": prop(&cfg, "for").and_then(as_str).unwrap_or("all").to_uppercase(),
                        "to": roles});
                    for (k, out) in [("using", "using"), ("withCheck", "withCheck")] {
                        if let Some(v) = prop(&cfg, k) {
                            match self.sql_text(v, &this, p, true) {
                                Some(s) => {
                                    pol[out] = json!(s);
                                }
                                None => self.note(t.file, t.at, format!("policy `{name}`: `{k}` is not a sql`` template; not compared")),
                            }
                        }
                    }
                    policies.insert(name, pol);
                }
                _ => self.note(
                    t.file,
                    t.at,
                    format!(
                        "table `{}`: `{kind}(…)` in the third argument is not supported; skipped",
                        t.name
                    ),
                ),
            }
        }
        json!({
            "name": t.name,
            "schema": if t.schema == "public" { "" } else { t.schema.as_str() },
            "columns": columns, "indexes": indexes, "foreignKeys": fks,
            "compositePrimaryKeys": pks, "uniqueConstraints": uniques,
            "policies": policies, "checkConstraints": checks, "isRLSEnabled": t.rls,
        })
    }

    fn role_name(&self, js: &Js) -> Option<String> {
        match self.resolve(js) {
            Js::Str(s) => Some(s),
            Js::Call(c, args) if self.callee_is(&c, "pgRole") => {
                args.first().and_then(|a| self.string(a, &HashMap::new()))
            }
            _ => None,
        }
    }

    fn default_value(&self, js: &Js, is_json: bool, this: &TableRef) -> Option<Value> {
        match self.resolve(js) {
            Js::Str(s) => Some(json!(format!("'{}'", s.replace('\'', "''")))),
            Js::Num(n) => Some(json!(num_text(n))),
            Js::Bool(b) => Some(json!(b)),
            Js::Null => Some(json!("null")),
            t @ Js::Template(Some(_), _, _) => {
                self.sql_text(&t, this, None, false).map(Value::String)
            }
            v @ (Js::Object(_) | Js::Array(_)) if is_json => {
                let text = js_to_json(&v)?.to_string();
                Some(json!(format!("'{}'::jsonb", text.replace('\'', "''"))))
            }
            _ => None,
        }
    }

    /// The drizzle type text of a column builder call.
    fn column_type(
        &self,
        builder: &str,
        base: &Js,
        config: &Js,
    ) -> Option<(String, Option<String>)> {
        let num = |k: &str| match prop(config, k) {
            Some(Js::Num(n)) => Some(num_text(*n)),
            _ => None,
        };
        let tz = as_bool(prop(config, "withTimezone"));
        let simple = |s: &str| Some((s.to_string(), None));
        match builder {
            "text" | "uuid" | "boolean" | "integer" | "smallint" | "bigint" | "serial"
            | "bigserial" | "smallserial" | "json" | "jsonb" | "date" | "real" | "inet"
            | "cidr" | "macaddr" | "macaddr8" | "interval" | "point" | "line" => simple(builder),
            "doublePrecision" => simple("double precision"),
            "varchar" | "char" => match num("length") {
                Some(n) => simple(&format!("{builder}({n})")),
                None => simple(builder),
            },
            "numeric" | "decimal" => match (num("precision"), num("scale")) {
                (Some(p), Some(s)) => simple(&format!("numeric({p}, {s})")),
                (Some(p), None) => simple(&format!("numeric({p})")),
                _ => simple("numeric"),
            },
            "timestamp" | "time" => {
                let p = num("precision")
                    .map(|p| format!("({p})"))
                    .unwrap_or_default();
                let zone = if tz { " with time zone" } else { "" };
                simple(&format!("{builder}{p}{zone}"))
            }
            "vector" | "halfvec" | "bit" | "sparsevec" => match num("dimensions") {
                Some(n) => simple(&format!("{builder}({n})")),
                None => simple(builder),
            },
            _ => {
                // An enum: `planEnum('plan')` where `planEnum = pgEnum('plan', …)`.
                let resolved = self.resolve(base);
                let c = chain(&resolved);
                if self.callee_is(&c.base, "pgEnum") {
                    let name = c
                        .base_args
                        .first()
                        .and_then(|a| self.string(a, &HashMap::new()))?;
                    return Some((name, Some("public".into())));
                }
                if let Some((m, args)) = c.methods.first()
                    && m == "enum"
                {
                    let bc = chain(&self.resolve(&c.base));
                    if self.callee_is(&bc.base, "pgSchema") {
                        let schema = bc
                            .base_args
                            .first()
                            .and_then(|a| self.string(a, &HashMap::new()))?;
                        let name = args.first().and_then(|a| self.string(a, &HashMap::new()))?;
                        return Some((name, Some(schema)));
                    }
                }
                None
            }
        }
    }

    fn index_json(
        &self,
        table: &str,
        kind: &str,
        c: &Chain,
        this: &TableRef,
        param: Option<&str>,
    ) -> Option<(String, Value)> {
        let mut keys = Vec::new();
        let mut method = "btree".to_string();
        let mut where_ = None;
        let mut with = Map::new();
        let mut key_args: Vec<Js> = Vec::new();
        for (m, args) in &c.methods {
            match m.as_str() {
                "on" | "onOnly" => key_args.extend(args.iter().cloned()),
                "using" => {
                    method = args.first().and_then(as_str)?.to_string();
                    key_args.extend(args.iter().skip(1).cloned());
                }
                "where" => where_ = Some(self.sql_text(args.first()?, this, param, true)?),
                "with" => {
                    if let Some(Js::Object(props)) = args.first() {
                        for (k, v) in props {
                            with.insert(k.clone(), js_to_json(v)?);
                        }
                    }
                }
                "concurrently" => {}
                _ => return None,
            }
        }
        let mut names = Vec::new();
        for a in &key_args {
            // `t.col.desc().op('x')`, or `sql\`lower(${t.email})\``.
            let kc = chain(a);
            let (mut col, mut is_expr) = (None, false);
            let mut asc = true;
            let mut nulls = None;
            let mut opclass = None;
            let target = if kc.methods.is_empty() {
                a.clone()
            } else {
                kc.base.clone()
            };
            // A column ref's chain base is `t.col` itself when methods follow it.
            let target = match (&target, &kc.methods.first()) {
                (Js::Member(..), _) => target,
                _ => target,
            };
            if let Some((_, c)) = self.column_ref(&target, this, param) {
                col = Some(c);
            } else if let Some(sql) = self.sql_text(&target, this, param, false) {
                col = Some(sql);
                is_expr = true;
            }
            for (m, args) in &kc.methods {
                match m.as_str() {
                    "asc" => asc = true,
                    "desc" => asc = false,
                    "nullsFirst" => nulls = Some("first"),
                    "nullsLast" => nulls = Some("last"),
                    "op" => opclass = args.first().and_then(as_str).map(str::to_string),
                    _ => return None,
                }
            }
            let expression = col?;
            names.push(expression.clone());
            let mut k = json!({"expression": expression, "isExpression": is_expr, "asc": asc,
                               "nulls": nulls.unwrap_or("last")});
            if let Some(o) = opclass {
                k["opclass"] = json!(o);
            }
            keys.push(k);
        }
        if keys.is_empty() {
            return None;
        }
        let name = match c.base_args.first() {
            Some(n) => self.string(n, &HashMap::new())?,
            None => format!("{table}_{}_index", names.join("_")),
        };
        let mut v = json!({"name": name, "columns": keys, "isUnique": kind == "uniqueIndex",
                           "method": method, "with": with, "concurrently": false});
        if let Some(w) = where_ {
            v["where"] = json!(w);
        }
        Some((name, v))
    }
}

fn js_to_json(js: &Js) -> Option<Value> {
    Some(match js {
        Js::Str(s) => json!(s),
        Js::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
        Js::Num(n) => serde_json::Number::from_f64(*n).map(Value::Number)?,
        Js::Bool(b) => json!(b),
        Js::Null => Value::Null,
        Js::Array(a) => Value::Array(a.iter().map(js_to_json).collect::<Option<_>>()?),
        Js::Object(p) => Value::Object(
            p.iter()
                .map(|(k, v)| Some((k.clone(), js_to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_drizzle() {
        assert_eq!(to_snake_case("userId"), "user_id");
        assert_eq!(to_snake_case("sessionToken"), "session_token");
        assert_eq!(to_snake_case("providerAccountId"), "provider_account_id");
        assert_eq!(to_snake_case("id"), "id");
        assert_eq!(to_snake_case("emailVerifiedAt2"), "email_verified_at2");
        assert_eq!(to_snake_case("HTMLParser"), "html_parser");
    }
}
