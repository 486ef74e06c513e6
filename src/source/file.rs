//! A file that took part in a run, as findings and reporters see it: its path as shown, its
//! text and its line starts.

use std::path::{Path, PathBuf};

use crate::schema::Origin;
use crate::source::read::LineIndex;

/// A file that took part in a run; findings point into it by its index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as found.
    pub path: PathBuf,
    /// The path as shown: relative to the current directory when below it.
    pub display: String,
    /// Its text (empty when it could not be read).
    pub text: String,
    /// Line starts, for line/column positions.
    pub lines: LineIndex,
}

impl SourceFile {
    /// A file with its text, shown relative to `cwd` when it lies below it.
    pub fn new(path: PathBuf, text: String, cwd: Option<&Path>) -> Self {
        let display = display_path(&path, cwd);
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            display,
            text,
            lines,
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// A path relative to `cwd` when it lies below it, with `/` separators.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd
        .and_then(|cwd| {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                cwd.join(path)
            };
            abs.strip_prefix(cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// A resolved position: file path and 1-based line/column range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position<'a> {
    /// The file as displayed.
    pub file: &'a str,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column, exclusive as in SARIF.
    pub end_column: usize,
}

/// Resolves a SQL origin to a position in its file.
pub fn position<'a>(origin: &Origin, files: &'a [SourceFile]) -> Option<Position<'a>> {
    let Origin::Sql { file, start, end } = *origin else {
        return None;
    };
    let f = files.get(file as usize)?;
    let (line, column) = f.line_col(start as usize);
    let (end_line, end_column) = f.line_col(end as usize);
    Some(Position {
        file: &f.display,
        line,
        column,
        end_line,
        end_column,
    })
}
