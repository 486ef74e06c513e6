//! Pre-generated bindings for libpg_query, offered through the part of bindgen's builder API that
//! the `pg_query` crate's build script calls:
//!
//! ```text
//! bindgen::Builder::default().header(path).generate()?.write_to_file(out)?;
//! ```
//!
//! `generate` does not parse C: it checks that the header (and the local headers it includes) is
//! byte for byte the one the committed bindings were generated from, by SHA-256, and then hands
//! out those bindings. A different header — a pg_query upgrade — is an error that says how to
//! regenerate them (`scripts/pg-query-bindings`), never silently stale bindings.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The bindings that bindgen generated from libpg_query's `pg_query.h`.
const BINDINGS: &str = include_str!("../bindings.rs");

/// `sha256  file name` lines, one per header the bindings were generated from.
const HEADER_SHA256: &str = include_str!("../headers.sha256");

/// Collects the header to generate bindings for, as bindgen's `Builder` does.
#[derive(Debug, Default)]
pub struct Builder {
    header: Option<PathBuf>,
}

impl Builder {
    /// Sets the C header whose bindings are wanted (`pg_query.h`).
    pub fn header<T: Into<String>>(mut self, header: T) -> Builder {
        self.header = Some(PathBuf::from(header.into()));
        self
    }

    /// Returns the pre-generated bindings once the header is proven to be the one they were
    /// generated from.
    pub fn generate(self) -> Result<Bindings, BindgenError> {
        let header = self.header.ok_or(BindgenError::NoHeader)?;
        let expected = expected_hashes()?;
        let mut found = BTreeMap::new();
        hash_with_local_includes(&header, &mut found)?;
        for (name, hash) in &found {
            match expected.get(name) {
                Some(want) if want == hash => {}
                _ => return Err(BindgenError::HeaderChanged { file: name.clone() }),
            }
        }
        if let Some(name) = expected.keys().find(|name| !found.contains_key(*name)) {
            return Err(BindgenError::HeaderChanged { file: name.clone() });
        }
        Ok(Bindings)
    }
}

/// The generated Rust bindings, ready to be written where the build script includes them from.
#[derive(Debug)]
pub struct Bindings;

impl Bindings {
    /// Writes the bindings to `path`.
    pub fn write_to_file<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        fs::write(path, BINDINGS)
    }
}

/// Why no bindings could be handed out.
#[derive(Debug)]
pub enum BindgenError {
    /// `generate` was called before `header`.
    NoHeader,
    /// A header could not be read.
    Read { file: PathBuf, error: io::Error },
    /// `headers.sha256` is malformed (a line that is not `hash  name`).
    BadHashList { line: usize },
    /// A header differs from the one the bindings were generated from (or is new or missing).
    HeaderChanged { file: String },
}

impl fmt::Display for BindgenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindgenError::NoHeader => write!(f, "no header given"),
            BindgenError::Read { file, error } => {
                write!(f, "cannot read {}: {error}", file.display())
            }
            BindgenError::BadHashList { line } => {
                write!(
                    f,
                    "pg-query-bindings/headers.sha256 line {line}: expected `<sha256>  <file>`"
                )
            }
            BindgenError::HeaderChanged { file } => write!(
                f,
                "libpg_query's {file} is not the header pg-query-bindings/bindings.rs was \
                 generated from (was pg_query upgraded?); run scripts/pg-query-bindings \
                 (needs libclang once) and commit the result"
            ),
        }
    }
}

impl std::error::Error for BindgenError {}

fn expected_hashes() -> Result<BTreeMap<String, String>, BindgenError> {
    let mut hashes = BTreeMap::new();
    for (index, line) in HEADER_SHA256.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (hash, name) = line
            .split_once("  ")
            .ok_or(BindgenError::BadHashList { line: index + 1 })?;
        hashes.insert(name.trim().to_string(), hash.trim().to_string());
    }
    Ok(hashes)
}

/// Hashes `header` and, recursively, the headers it includes with `#include "…"` (those come
/// from libpg_query and shape the bindings; `<…>` system headers do not change with pg_query).
fn hash_with_local_includes(
    header: &Path,
    found: &mut BTreeMap<String, String>,
) -> Result<(), BindgenError> {
    let name = header
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if found.contains_key(&name) {
        return Ok(());
    }
    let bytes = fs::read(header).map_err(|error| BindgenError::Read {
        file: header.to_path_buf(),
        error,
    })?;
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    found.insert(name, hash);
    let dir = header.parent().unwrap_or(Path::new("."));
    for line in String::from_utf8_lossy(&bytes).lines() {
        let Some(rest) = line.trim_start().strip_prefix("#include") else {
            continue;
        };
        let rest = rest.trim();
        if let Some(included) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
            hash_with_local_includes(&dir.join(included), found)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_headers(dir: &Path, main: &str, included: &str) -> PathBuf {
        fs::write(dir.join("inc.h"), included).unwrap();
        fs::write(dir.join("main.h"), main).unwrap();
        dir.join("main.h")
    }

    #[test]
    fn hashes_the_header_and_its_local_includes_but_not_system_ones() {
        let dir = std::env::temp_dir().join(format!("pg-query-bindings-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let header = write_headers(
            &dir,
            "#include <stdint.h>\n#include \"inc.h\"\n",
            "int x;\n",
        );
        let mut found = BTreeMap::new();
        hash_with_local_includes(&header, &mut found).unwrap();
        assert_eq!(found.keys().collect::<Vec<_>>(), ["inc.h", "main.h"]);
        // sha256("int x;\n"), as `sha256sum` prints it.
        assert_eq!(
            found["inc.h"],
            "7c725f30854a46033dd94f728ac6b08caf10845993cd3ed48e40079cdb0a76a6"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_committed_hash_list_parses() {
        let hashes = expected_hashes().unwrap();
        assert!(hashes.contains_key("pg_query.h"), "{hashes:?}");
        assert!(hashes.values().all(|h| h.len() == 64));
    }

    #[test]
    fn a_changed_header_is_refused_with_the_way_to_regenerate() {
        let dir =
            std::env::temp_dir().join(format!("pg-query-bindings-chg-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let header = dir.join("pg_query.h");
        fs::write(&header, "/* not libpg_query's header */\n").unwrap();
        let error = Builder::default()
            .header(header.to_string_lossy())
            .generate()
            .unwrap_err();
        assert!(
            error.to_string().contains("scripts/pg-query-bindings"),
            "{error}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
