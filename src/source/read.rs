//! Reading files as SQL text: lossless decoding with recorded problems, size limits, and
//! byte offset -> (line, column) conversion.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Largest file [`read_file`] reads: 256 MiB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How many problems [`decode`] records individually; the rest are only counted.
pub const MAX_RECORDED_PROBLEMS: usize = 100;

/// A file's text as driftlint lints it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceText {
    pub text: String,
    /// The first [`MAX_RECORDED_PROBLEMS`] problems, in order of offset.
    pub problems: Vec<TextProblem>,
    /// How many further problems were found but not recorded.
    pub more_problems: usize,
}

/// Something wrong with the bytes, with the byte offset (into `text`) where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextProblem {
    pub offset: usize,
    pub kind: TextProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblemKind {
    /// `len` bytes that are not UTF-8, replaced by one U+FFFD (3 bytes in `text`).
    InvalidUtf8 { len: usize },
    /// A NUL byte, replaced by a space (1 byte in `text`).
    NulByte,
}

struct Problems {
    list: Vec<TextProblem>,
    more: usize,
}

impl Problems {
    fn push(&mut self, offset: usize, kind: TextProblemKind) {
        if self.list.len() < MAX_RECORDED_PROBLEMS {
            self.list.push(TextProblem { offset, kind });
        } else {
            self.more += 1;
        }
    }
}

/// Decode bytes without losing track of anything: invalid UTF-8 sequences become U+FFFD (as
/// [`String::from_utf8_lossy`] does, one per maximal invalid sequence) and NUL bytes become a
/// space; each is recorded with its offset into the returned text.
///
/// Valid UTF-8 without NUL bytes is returned without copying.
pub fn decode(bytes: Vec<u8>) -> SourceText {
    let bytes = if bytes.contains(&0) {
        bytes
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => {
                return SourceText {
                    text,
                    problems: Vec::new(),
                    more_problems: 0,
                };
            }
            Err(e) => e.into_bytes(),
        }
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut problems = Problems {
        list: Vec::new(),
        more: 0,
    };
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let mut rest = valid;
        while let Some(nul) = rest.find('\0') {
            text.push_str(&rest[..nul]);
            problems.push(text.len(), TextProblemKind::NulByte);
            text.push(' ');
            rest = &rest[nul + 1..];
        }
        text.push_str(rest);
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            problems.push(
                text.len(),
                TextProblemKind::InvalidUtf8 { len: invalid.len() },
            );
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    SourceText {
        text,
        problems: problems.list,
        more_problems: problems.more,
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: no such file; check the path", .0.display())]
    NotFound(PathBuf),
    #[error("{}: permission denied; make the file readable for this user", .0.display())]
    PermissionDenied(PathBuf),
    #[error("{}: is a directory; give a file, or pass the folder where a folder is expected", .0.display())]
    IsADirectory(PathBuf),
    #[error(
        "{}: {size} bytes, larger than the limit of {limit} bytes; is this really SQL? Exclude it from the paths checked",
        path.display()
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ReadError {
    fn from_io(path: &Path, source: io::Error) -> Self {
        let path = path.to_path_buf();
        match source.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound(path),
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied(path),
            io::ErrorKind::IsADirectory => ReadError::IsADirectory(path),
            _ => ReadError::Io { path, source },
        }
    }
}

/// Read a file of at most [`MAX_FILE_BYTES`] and [`decode`] it.
pub fn read_file(path: &Path) -> Result<SourceText, ReadError> {
    read_file_limited(path, MAX_FILE_BYTES)
}

/// Read a file of at most `limit` bytes and [`decode`] it.
pub fn read_file_limited(path: &Path, limit: u64) -> Result<SourceText, ReadError> {
    let file = File::open(path).map_err(|e| ReadError::from_io(path, e))?;
    let meta = file.metadata().map_err(|e| ReadError::from_io(path, e))?;
    if meta.is_dir() {
        return Err(ReadError::IsADirectory(path.to_path_buf()));
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    // The size may change while reading (or be unknown, e.g. a pipe): never read past the limit.
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(path, e))?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(too_large(read));
    }
    Ok(decode(bytes))
}

/// The line-start table of a text, for byte offset -> 1-based (line, column) where the column
/// counts characters (Unicode scalar values), as editors and SARIF do.
///
/// Lines end at `\n`; in CRLF text the `\r` is the last character of its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts, if there is such a line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// 1-based (line, column) of byte `offset` in `text` (the text this index was built from).
    /// An offset past the end is taken as the end; one inside a character as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // `starts[0] == 0 <= offset`, so the line is at least 1.
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        let column = match text.get(start..offset) {
            Some(s) => s.chars().count(),
            None => offset - start,
        };
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_valid_is_unchanged() {
        let s = decode(b"select 1;\n".to_vec());
        assert_eq!(s.text, "select 1;\n");
        assert!(s.problems.is_empty());
        assert_eq!(s.more_problems, 0);
    }

    #[test]
    fn decode_empty() {
        let s = decode(Vec::new());
        assert_eq!(s, SourceText::default());
    }

    #[test]
    fn decode_invalid_utf8_in_the_middle() {
        let mut bytes = "é ab".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice("cd\u{1F600}".as_bytes());
        let s = decode(bytes.clone());
        assert_eq!(s.text, String::from_utf8_lossy(&bytes));
        assert_eq!(s.text, "é ab\u{FFFD}\u{FFFD}cd\u{1F600}");
        assert_eq!(
            s.problems,
            vec![
                TextProblem {
                    offset: 5,
                    kind: TextProblemKind::InvalidUtf8 { len: 1 }
                },
                TextProblem {
                    offset: 8,
                    kind: TextProblemKind::InvalidUtf8 { len: 1 }
                },
            ]
        );
        assert_eq!(&s.text[5..8], "\u{FFFD}");
        assert_eq!(&s.text[11..13], "cd");
    }

    #[test]
    fn decode_truncated_sequence_is_one_problem() {
        // A 3-byte sequence cut after 2 bytes, then ASCII; and one at the very end.
        let bytes = vec![b'a', 0xe2, 0x82, b'b', 0xf0, 0x9f];
        let s = decode(bytes.clone());
        assert_eq!(s.text, String::from_utf8_lossy(&bytes));
        assert_eq!(
            s.problems,
            vec![
                TextProblem {
                    offset: 1,
                    kind: TextProblemKind::InvalidUtf8 { len: 2 }
                },
                TextProblem {
                    offset: 5,
                    kind: TextProblemKind::InvalidUtf8 { len: 2 }
                },
            ]
        );
    }

    #[test]
    fn decode_nul_bytes() {
        let s = decode(b"\0a\0\0b\0".to_vec());
        assert_eq!(s.text, " a  b ");
        let offsets: Vec<usize> = s.problems.iter().map(|p| p.offset).collect();
        assert_eq!(offsets, vec![0, 2, 3, 5]);
        assert!(
            s.problems
                .iter()
                .all(|p| p.kind == TextProblemKind::NulByte)
        );
    }

    #[test]
    fn decode_nul_and_invalid_mixed() {
        let s = decode(vec![0xff, 0, b'x']);
        assert_eq!(s.text, "\u{FFFD} x");
        assert_eq!(
            s.problems,
            vec![
                TextProblem {
                    offset: 0,
                    kind: TextProblemKind::InvalidUtf8 { len: 1 }
                },
                TextProblem {
                    offset: 3,
                    kind: TextProblemKind::NulByte
                },
            ]
        );
    }

    #[test]
    fn decode_caps_recorded_problems() {
        let s = decode(vec![0; 250]);
        assert_eq!(s.text, " ".repeat(250));
        assert_eq!(s.problems.len(), MAX_RECORDED_PROBLEMS);
        assert_eq!(s.more_problems, 150);
        assert_eq!(s.problems[99].offset, 99);
    }

    #[test]
    fn read_file_ok_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.sql");
        std::fs::write(&f, b"select\0 1;").unwrap();
        let s = read_file(&f).unwrap();
        assert_eq!(s.text, "select  1;");
        assert_eq!(s.problems.len(), 1);

        let missing = dir.path().join("missing.sql");
        let e = read_file(&missing).unwrap_err();
        assert!(matches!(&e, ReadError::NotFound(p) if p == &missing));
        assert!(e.to_string().contains("missing.sql"), "{e}");

        let e = read_file(dir.path()).unwrap_err();
        assert!(matches!(&e, ReadError::IsADirectory(_)), "{e:?}");

        let e = read_file_limited(&f, 5).unwrap_err();
        assert!(
            matches!(
                &e,
                ReadError::TooLarge {
                    size: 10,
                    limit: 5,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("a.sql"));
        assert!(read_file_limited(&f, 10).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn read_file_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret.sql");
        std::fs::write(&f, b"select 1;").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root (as in CI containers) reads anyway: check what this user can actually do.
        let blocked = File::open(&f).is_err();
        let r = read_file(&f);
        if blocked {
            assert!(matches!(r, Err(ReadError::PermissionDenied(_))), "{r:?}");
        } else {
            assert_eq!(r.unwrap().text, "select 1;");
        }
    }

    #[test]
    fn line_index_ascii_and_end() {
        let text = "ab\ncd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 2), (1, 3)); // the '\n'
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 3));
        assert_eq!(idx.line_col(text, 6), (3, 1)); // end of text
        assert_eq!(idx.line_col(text, 1000), (3, 1)); // past the end: clamped
        assert_eq!(idx.line_start(2), Some(3));
        assert_eq!(idx.line_start(0), None);
        assert_eq!(idx.line_start(4), None);
    }

    #[test]
    fn line_index_multibyte() {
        let text = "é\u{1F600}x\nñy";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 2), (1, 2)); // the emoji
        assert_eq!(idx.line_col(text, 6), (1, 3)); // 'x'
        assert_eq!(idx.line_col(text, 8), (2, 1)); // 'ñ'
        assert_eq!(idx.line_col(text, 10), (2, 2)); // 'y'
        assert_eq!(idx.line_col(text, text.len()), (2, 3));
        // Inside a character: that character.
        assert_eq!(idx.line_col(text, 4), (1, 2));
        assert_eq!(idx.line_col(text, 1), (1, 1));
    }

    #[test]
    fn line_index_crlf() {
        let text = "a\r\nbc\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 1), (1, 2)); // '\r'
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 4), (2, 2));
        assert_eq!(idx.line_col(text, text.len()), (3, 1));
    }

    #[test]
    fn line_index_empty_and_foreign_text() {
        let idx = LineIndex::new("");
        assert_eq!(idx.line_col("", 0), (1, 1));
        assert_eq!(idx.line_col("", 7), (1, 1));
        // Used with a different (shorter) text by mistake: no panic.
        let idx = LineIndex::new("aaaa\nbbbb\ncccc");
        assert_eq!(idx.line_col("é", 12), (1, 2));
    }
}
