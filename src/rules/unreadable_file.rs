//! `unreadable-file`: a migration file that cannot be read, or whose bytes are not valid UTF-8
//! text. Reported by the check as it reads the files; the findings are made here.

use super::Check;
use crate::finding::Finding;
use crate::schema::Origin;
use crate::source::read::{SourceText, TextProblemKind};

declare_rule!(
    UNREADABLE_FILE,
    "unreadable-file",
    Error,
    "A migration file that cannot be read, or whose bytes are not valid UTF-8 text.",
    Check::Engine
);

/// A file that could not be read at all (`message` says why), as file number `file`.
pub fn unreadable(message: impl Into<String>, file: u32) -> Finding {
    Finding::new(&UNREADABLE_FILE, message, Origin::sql(file, 0..0))
}

/// The first invalid byte sequence of a file read with replacements, if it had any: the rest of
/// the file is still linted, so the finding points at the first one and counts the others.
pub fn invalid_text(source: &SourceText, file: u32) -> Option<Finding> {
    let first = source.problems.first()?;
    let what = match first.kind {
        TextProblemKind::InvalidUtf8 { .. } => "bytes that are not valid UTF-8",
        TextProblemKind::NulByte => "a NUL byte",
    };
    let more = source.problems.len() - 1 + source.more_problems;
    let message = if more > 0 {
        format!(
            "file contains {what} here, and {more} more invalid sequence(s); they are replaced and the rest is linted"
        )
    } else {
        format!("file contains {what} here; it is replaced and the rest is linted")
    };
    let end = source.text[first.offset..]
        .chars()
        .next()
        .map_or(first.offset, |c| first.offset + c.len_utf8());
    Some(
        Finding::new(
            &UNREADABLE_FILE,
            message,
            Origin::sql(file, first.offset..end),
        )
        .help("save the file as UTF-8 text"),
    )
}

#[cfg(test)]
mod tests {
    use super::invalid_text;
    use crate::rules::tests::human_report;
    use crate::source::read::decode;

    /// Text problems as the reader finds them: valid UTF-8 passes; invalid bytes and NUL bytes
    /// fail, pointing at the first one and counting the rest.
    #[test]
    fn pass_and_fail_cases() {
        assert!(invalid_text(&decode(b"CREATE TABLE t (a int);\n".to_vec()), 0).is_none());
        let fail: [&[u8]; 2] = [
            b"CREATE TABLE t (a int);\n-- caf\xe9\n",
            b"CREATE TABLE t (a int);\0\n-- \xff\xfe\n",
        ];
        let mut out = String::new();
        for (i, bytes) in fail.into_iter().enumerate() {
            let source = decode(bytes.to_vec());
            let finding = invalid_text(&source, 0).expect("invalid text is reported");
            out.push_str(&format!("── fail case {} ──\n", i + 1));
            out.push_str(&human_report(&[finding], &source.text));
            out.push('\n');
        }
        insta::assert_snapshot!(out);
    }
}
