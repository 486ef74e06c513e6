//! The Drizzle TypeScript schema (`schema.ts`) as a [`Schema`](crate::schema::Schema), read
//! with a real TypeScript parser (oxc) and evaluated statically.
//!
//! The file is turned into the snapshot drizzle-kit would write for it (version 7), which the
//! snapshot reader turns into the model: one set of naming and normalisation rules for both.
//! What cannot be evaluated without running the code (computed names, spreads, helper
//! functions) is reported as [`Unsupported`](super::drizzle::Unsupported), never guessed.

mod eval;
mod js;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{BindingPattern, Declaration, Statement};
use oxc_parser::Parser;
use oxc_span::SourceType;

use eval::Eval;
use js::{Js, convert};

use super::drizzle::{DrizzleError, DrizzleSchema, from_json};

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
            from_json(&snap, first_file + i as u32).map_err(|source| DrizzleError::Snapshot {
                path: files[i].path.clone(),
                source,
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
