//! `schema.prisma` as a [`Schema`]: the database Prisma Migrate would create from it.
//!
//! Prisma's schema files are parsed by a small parser of our own ([`parser`]; no maintained
//! Prisma Schema Language parser is published as a crate), then mapped to the model
//! ([`mapping`]) with Prisma's PostgreSQL types, defaults and constraint names, so that the
//! model compares equal to the replay of the SQL `prisma migrate` generated from the same
//! schema. Only `provider = "postgresql"` is read. What the mapping cannot model (views,
//! MySQL-only arguments, CockroachDB sequences, …) is listed in
//! [`PrismaSchema::unsupported`] with its place in the file, never dropped silently.

pub mod compare;
pub mod lexer;
pub mod mapping;
pub mod naming;
pub mod parser;
pub mod version;

use std::fmt;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::schema::{Origin, QualName, Schema};

/// A syntax error in a schema file, with its 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, counted in characters.
    pub column: usize,
    /// The byte offset.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl SyntaxError {
    /// An error at a byte offset of `text`.
    pub fn at(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let mut start = offset;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        SyntaxError {
            line,
            column: before[line_start..].chars().count() + 1,
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Why a Prisma schema could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PrismaError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file is not valid Prisma Schema Language, or says something impossible.
    #[error("{}:{error}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where and what.
        error: SyntaxError,
    },
    /// The datasource is not PostgreSQL, or there is none.
    #[error("{}: {message}", path.display())]
    Datasource {
        /// The file (the first file read when there is no datasource at all).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No `.prisma` file at the path.
    #[error("{}: no Prisma schema found (schema.prisma, prisma/schema.prisma or a folder of .prisma files)", path.display())]
    NothingFound {
        /// The path given.
        path: PathBuf,
    },
}

/// Something the schema declares that driftlint does not model; a rule reports each as
/// information, so that no part of the schema is silently ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// What was not modelled, in a few words (`view \`ActiveUser\``).
    pub feature: String,
    /// The file, as an index into [`PrismaSchema::files`] offset by the first file id.
    pub file: u32,
    /// The byte range of the declaration in that file.
    pub span: Range<usize>,
}

impl Unsupported {
    /// Where the unsupported declaration is, as a model origin.
    pub fn origin(&self) -> Origin {
        Origin::sql(self.file, self.span.clone())
    }
}

/// A Prisma schema read into the model.
#[derive(Debug)]
pub struct PrismaSchema {
    /// The database Prisma Migrate would create.
    pub schema: Schema,
    /// The files read, in the order of their ids (`first_file`, `first_file + 1`, …).
    pub files: Vec<PathBuf>,
    /// What could not be modelled.
    pub unsupported: Vec<Unsupported>,
    /// The Prisma major version the model follows (see [`version`]).
    pub major: u32,
    /// Where each enum type is declared (the model keeps no origin for enum types).
    pub enum_origins: Vec<(QualName, Origin)>,
}

/// The largest schema file read; real schemas are well under a megabyte.
pub const MAX_SCHEMA_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a Prisma schema: a `.prisma` file, or a folder whose `.prisma` files (recursively)
/// form one schema, as with `prismaSchemaFolder`. File ids in origins start at 0.
pub fn read(path: &Path) -> Result<PrismaSchema, PrismaError> {
    load(path, 0)
}

/// [`read`], with file ids in origins starting at `first_file`.
pub fn load(path: &Path, first_file: u32) -> Result<PrismaSchema, PrismaError> {
    load_with(path, first_file, None)
}

/// [`load`] for Prisma major version `major`; `None` reads it from the project's
/// `package.json` ([`version::detect`]), else assumes [`version::DEFAULT_MAJOR`]. `path` may
/// also be a project folder: its schema is then found as the Prisma CLI finds it
/// ([`discover`]).
pub fn load_with(
    path: &Path,
    first_file: u32,
    major: Option<u32>,
) -> Result<PrismaSchema, PrismaError> {
    let path = if path.is_dir() {
        discover(path).unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let path = path.as_path();
    let major = major
        .or_else(|| version::detect(path).map(|(m, _)| m))
        .unwrap_or(version::DEFAULT_MAJOR);
    let files = schema_files(path)?;
    let mut texts = Vec::with_capacity(files.len());
    for file in &files {
        texts.push(read_limited(file)?);
    }
    let sources: Vec<(&Path, &str)> = files
        .iter()
        .map(PathBuf::as_path)
        .zip(texts.iter().map(String::as_str))
        .collect();
    let mapped = mapping::map_files(&sources, first_file, major)?;
    Ok(PrismaSchema {
        schema: mapped.schema,
        files,
        unsupported: mapped.unsupported,
        major,
        enum_origins: mapped.enum_origins,
    })
}

/// Reads a schema given as text (one file named `name`), for tests and embedding.
pub fn read_text(name: &str, text: &str) -> Result<PrismaSchema, PrismaError> {
    read_text_as(name, text, version::DEFAULT_MAJOR)
}

/// [`read_text`] for Prisma major version `major`.
pub fn read_text_as(name: &str, text: &str, major: u32) -> Result<PrismaSchema, PrismaError> {
    let path = PathBuf::from(name);
    let mapped = mapping::map_files(&[(path.as_path(), text)], 0, major)?;
    Ok(PrismaSchema {
        schema: mapped.schema,
        files: vec![path],
        unsupported: mapped.unsupported,
        major,
        enum_origins: mapped.enum_origins,
    })
}

/// The `.prisma` files of a schema path: the file itself, or every `.prisma` file under a
/// folder (`node_modules` and hidden folders left out), sorted by path so that file ids are
/// stable.
pub fn schema_files(path: &Path) -> Result<Vec<PathBuf>, PrismaError> {
    let meta = fs::metadata(path).map_err(|e| PrismaError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name == "node_modules" || name.starts_with('.'))
        });
    for entry in walk {
        let entry = entry.map_err(|e| PrismaError::Io {
            path: e.path().unwrap_or(path).to_path_buf(),
            source: e.into(),
        })?;
        let name = entry.path();
        if entry.file_type().is_file() && name.extension().is_some_and(|e| e == "prisma") {
            files.push(name.to_path_buf());
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(PrismaError::NothingFound {
            path: path.to_path_buf(),
        });
    }
    Ok(files)
}

/// Where a project keeps its Prisma schema, in the order the Prisma CLI looks:
/// `prisma/schema.prisma`, `schema.prisma`, then the multi-file folder `prisma/schema/`
/// (`prismaSchemaFolder`). `None` when the project has none of them; a `prisma.schema` entry
/// of package.json is not read.
pub fn discover(project: &Path) -> Option<PathBuf> {
    let single = [
        project.join("prisma").join("schema.prisma"),
        project.join("schema.prisma"),
    ];
    if let Some(file) = single.into_iter().find(|p| p.is_file()) {
        return Some(file);
    }
    let folder = project.join("prisma").join("schema");
    let has_prisma_files = fs::read_dir(&folder).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "prisma"))
    });
    has_prisma_files.then_some(folder)
}

fn read_limited(path: &Path) -> Result<String, PrismaError> {
    let io = |e| PrismaError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let size = fs::metadata(path).map_err(io)?.len();
    if size > MAX_SCHEMA_FILE_BYTES {
        return Err(PrismaError::Invalid {
            path: path.to_path_buf(),
            error: SyntaxError {
                line: 1,
                column: 1,
                offset: 0,
                message: format!(
                    "the file is {size} bytes; driftlint reads schema files up to {MAX_SCHEMA_FILE_BYTES} bytes"
                ),
            },
        });
    }
    fs::read_to_string(path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_positions_count_characters() {
        let e = SyntaxError::at("ab\nçd x", 7, "here");
        assert_eq!((e.line, e.column), (2, 4));
        assert_eq!(e.to_string(), "2:4: here");
        // An offset inside a character points at that character.
        let e = SyntaxError::at("ç", 1, "x");
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn discovery_follows_the_prisma_cli_order() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(discover(dir.path()), None);
        let folder = dir.path().join("prisma").join("schema");
        fs::create_dir_all(&folder).unwrap();
        assert_eq!(discover(dir.path()), None, "an empty folder is no schema");
        fs::write(folder.join("user.prisma"), "model U { id Int @id }").unwrap();
        assert_eq!(discover(dir.path()), Some(folder.clone()));
        fs::write(dir.path().join("schema.prisma"), "").unwrap();
        assert_eq!(discover(dir.path()), Some(dir.path().join("schema.prisma")));
        let main = dir.path().join("prisma").join("schema.prisma");
        fs::write(&main, "").unwrap();
        assert_eq!(discover(dir.path()), Some(main));
    }

    #[test]
    fn a_folder_is_read_as_one_schema() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("models");
        fs::create_dir_all(&nested).unwrap();
        fs::write(
            dir.path().join("main.prisma"),
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
        )
        .unwrap();
        fs::write(
            nested.join("post.prisma"),
            "model Post {\n  id Int @id\n  author User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n",
        )
        .unwrap();
        fs::write(
            dir.path().join("user.prisma"),
            "model User {\n  id Int @id\n  posts Post[]\n}\n",
        )
        .unwrap();
        fs::write(dir.path().join("notes.txt"), "not a schema").unwrap();
        let read = load(dir.path(), 3).unwrap();
        assert_eq!(read.files.len(), 3);
        let post = &read.schema.tables[&crate::schema::QualName::new("public", "Post")];
        let (fk, _) = post.foreign_keys().next().unwrap();
        assert_eq!(fk.name, "Post_authorId_fkey");
        // The model's origin names the file it came from (sorted: main, models/post, user).
        assert_eq!(
            post.origin,
            Origin::Sql {
                file: 4,
                start: 0,
                end: 104
            }
        );
    }

    #[test]
    fn errors_name_the_file_and_position() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("schema.prisma");
        fs::write(&file, "model A {\n  id Int @id(\n}\n").unwrap();
        let e = read(&file).unwrap_err().to_string();
        assert!(
            e.ends_with("schema.prisma:3:1: expected a value, found `}`"),
            "{e}"
        );
        let e = read(&dir.path().join("missing.prisma")).unwrap_err();
        assert!(matches!(e, PrismaError::Io { .. }), "{e}");
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(matches!(
            read(&empty).unwrap_err(),
            PrismaError::NothingFound { .. }
        ));
    }
}
