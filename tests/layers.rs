//! The layers of `src/` point one way: a module uses only its own layer and the ones below it.
//! `src/lib.rs` draws the arrow; this test reads every source file and fails on an import that
//! points up. Test code (`#[cfg(test)]` modules and `tests.rs` files) is exempt: a unit test may
//! drive the whole pipeline.

use std::path::{Path, PathBuf};

/// Layer of a top-level module of the crate, low to high.
fn layer(module: &str) -> Option<u8> {
    Some(match module {
        "sql" | "timings" => 1,
        "schema" => 2,
        "source" => 3,
        "finding" | "rules" => 4,
        "check" | "drift" | "live" | "suppress" | "baseline" | "changed" | "config" => 5,
        "report" => 6,
        "commands" | "cli" => 7,
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its test module and without comments.
fn production_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("//")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module named after `crate::` in `code`, including inside `use crate::{a, b::c}`.
fn referenced_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // A grouped import: take the first segment of every top-level item in the braces.
            let mut depth = 0usize;
            let mut item_start = true;
            let mut end = group.len();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = i;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
            rest = &group[end..];
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if relative.file_name().is_some_and(|n| n == "tests.rs") || top == "lib" || top == "main" {
            continue;
        }
        let own = layer(&top).unwrap_or_else(|| {
            panic!("src/{top} has no layer: add it to `layer` here and to the arrow in lib.rs")
        });
        checked += 1;
        let code = production_code(&std::fs::read_to_string(&file).unwrap());
        for module in referenced_modules(&code) {
            let Some(theirs) = layer(&module) else {
                continue;
            };
            if theirs > own {
                violations.push(format!(
                    "src/{} (layer {own}) uses crate::{module} (layer {theirs})",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} files checked: is src/ where this test looks?"
    );
    assert!(
        violations.is_empty(),
        "imports pointing up a layer:\n{}",
        violations.join("\n")
    );
}

#[test]
fn grouped_imports_are_read() {
    assert_eq!(
        referenced_modules(
            "use crate::{schema::{Index, Table}, rules::Rule};\nlet x = crate::sql::parse;"
        ),
        ["schema", "rules", "sql"]
    );
}
