//! Inline ignore comments in migration SQL.
//!
//! `-- driftlint-ignore: rule-a, rule-b` silences those rules' findings located in the
//! statement that follows the comment; `-- driftlint-ignore-file: rule-a` silences them in the
//! whole file. The same words work in a `/* … */` comment. Directives are collected while a
//! file is replayed (from the comments the splitter finds before each statement) and applied
//! to the findings afterwards, by each finding's primary location.
//!
//! An ignore must earn its place: a bare `driftlint-ignore-file` (which would ignore nothing),
//! an unknown rule id, and an ignore that silenced nothing are all reported as `unused-ignore`,
//! so that stale comments do not hide the next real problem.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::finding::Finding;
use crate::rules;
use crate::rules::unused_ignore::{self, Covered};
use crate::schema::Origin;
use crate::sql::split::{self, RawKind, RawStatement};

/// The word every directive starts with; files without it are not scanned at all.
const MARKER: &str = "driftlint-ignore";

/// What a directive covers.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// The statement with this absolute byte range.
    Statement(Range<usize>),
    /// A directive before no statement at all (at the end of the file).
    NoStatement,
    /// The whole file.
    File,
}

/// A rule id named in a directive.
#[derive(Clone, Debug)]
struct Named {
    rule: &'static str,
    span: Range<usize>,
    used: bool,
}

/// One `driftlint-ignore` comment.
#[derive(Clone, Debug)]
struct Directive {
    scope: Scope,
    rules: Vec<Named>,
}

/// The ignore directives of a run, by file, and the problems found in them.
#[derive(Debug, Default)]
pub struct Ignores {
    by_file: BTreeMap<u32, Vec<Directive>>,
    /// Malformed directives, reported whatever the findings.
    problems: Vec<Finding>,
}

impl Ignores {
    /// Collects the directives in `body` (the replayed part of a file, starting at byte `base`
    /// of it), given the statements the splitter found in `body`.
    pub fn collect(&mut self, body: &str, base: usize, file: u32, raws: &[RawStatement]) {
        if !body.contains(MARKER) {
            return;
        }
        let mut prev_end = 0;
        let tail = RawStatement {
            span: body.len()..body.len(),
            kind: RawKind::Sql,
        };
        for (i, raw) in raws.iter().chain(std::iter::once(&tail)).enumerate() {
            let scope = if i < raws.len() {
                Scope::Statement(base + raw.span.start..base + raw.span.end)
            } else {
                Scope::NoStatement
            };
            for comment in split::leading_comments(body, raw, prev_end) {
                let text = &body[comment.clone()];
                if text.contains(MARKER) {
                    self.parse(text, base + comment.start, file, &scope);
                }
            }
            prev_end = raw.span.end;
        }
    }

    /// Parses one comment (`text` starts at absolute offset `at`).
    fn parse(&mut self, text: &str, at: usize, file: u32, next: &Scope) {
        let (inner, inner_at) = comment_body(text);
        let trimmed = inner.trim_start();
        let Some(after) = trimmed.strip_prefix(MARKER) else {
            return; // the word appears, but the comment is prose, not a directive
        };
        let comment_span = at..at + text.len();
        let (scope, rest) = match after.strip_prefix("-file") {
            Some(rest) if !rest.starts_with(is_id_char) => (Scope::File, rest),
            _ if after.starts_with(is_id_char) => {
                let word_len = after.find(|c: char| !is_id_char(c)).unwrap_or(after.len());
                self.problems.push(unused_ignore::not_a_directive(
                    &format!("{MARKER}{}", &after[..word_len]),
                    Origin::sql(file, comment_span),
                ));
                return;
            }
            _ => (next.clone(), after),
        };
        let rest_at = at + inner_at + (inner.len() - trimmed.len()) + (trimmed.len() - rest.len());
        let list = rest.trim_start();
        let list_at = rest_at + (rest.len() - list.len());
        let (list, list_at) = match list.strip_prefix(':') {
            Some(l) => (l, list_at + 1),
            None => (list, list_at),
        };
        // A reason may follow the ids after `--`: `-- driftlint-ignore: a -- legacy table`.
        let list = list.find("--").map_or(list, |i| &list[..i]);
        let mut named = Vec::new();
        let mut offset = 0;
        for word in list.split([',', ' ', '\t']) {
            let start = offset;
            offset += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let span = list_at + start..list_at + start + word.len();
            match rules::by_id(word) {
                Some(rule) => named.push(Named {
                    rule: rule.id,
                    span,
                    used: false,
                }),
                None => self
                    .problems
                    .push(unused_ignore::unknown_rule(word, Origin::sql(file, span))),
            }
        }
        if named.is_empty()
            && !self
                .problems
                .iter()
                .any(|p| within(&p.origin, file, &comment_span))
        {
            self.problems.push(unused_ignore::without_rule_ids(
                scope == Scope::File,
                Origin::sql(file, comment_span),
            ));
            return;
        }
        if !named.is_empty() {
            self.by_file.entry(file).or_default().push(Directive {
                scope,
                rules: named,
            });
        }
    }

    /// Removes the findings the directives ignore, then adds an `unused-ignore` finding for
    /// every malformed directive and every rule id that silenced nothing.
    pub fn apply(mut self, findings: &mut Vec<Finding>) {
        if !self.by_file.is_empty() {
            findings.retain(|f| {
                let Origin::Sql { file, start, .. } = f.origin else {
                    return true;
                };
                let Some(directives) = self.by_file.get_mut(&file) else {
                    return true;
                };
                let start = start as usize;
                let mut ignored = false;
                for d in directives.iter_mut() {
                    let covers = match &d.scope {
                        Scope::File => true,
                        Scope::Statement(span) => span.start <= start && start <= span.end,
                        Scope::NoStatement => false,
                    };
                    if !covers {
                        continue;
                    }
                    for named in d.rules.iter_mut().filter(|n| n.rule == f.rule) {
                        named.used = true;
                        ignored = true;
                    }
                }
                !ignored
            });
        }
        for (file, directives) in self.by_file {
            for d in directives {
                for named in d.rules.into_iter().filter(|n| !n.used) {
                    let covered = match d.scope {
                        Scope::File => Covered::File,
                        Scope::Statement(_) => Covered::NextStatement,
                        Scope::NoStatement => Covered::NoStatement,
                    };
                    findings.push(unused_ignore::ignored_nothing(
                        named.rule,
                        covered,
                        Origin::sql(file, named.span),
                    ));
                }
            }
        }
        findings.append(&mut self.problems);
    }
}

/// The text of a comment without its delimiters, and the offset of that text in the comment.
fn comment_body(text: &str) -> (&str, usize) {
    if let Some(body) = text.strip_prefix("--") {
        (body, 2)
    } else if let Some(body) = text.strip_prefix("/*") {
        (body.strip_suffix("*/").unwrap_or(body), 2)
    } else {
        (text, 0)
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn within(origin: &Origin, file: u32, span: &Range<usize>) -> bool {
    matches!(*origin, Origin::Sql { file: f, start, .. } if f == file && span.contains(&(start as usize)))
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;

    fn rules_at(sql: &str) -> Vec<(String, String)> {
        let run = check_sql("t.sql", sql);
        run.findings
            .iter()
            .map(|f| {
                let at = match f.origin {
                    crate::schema::Origin::Sql { start, end, .. } => {
                        sql[start as usize..end as usize].to_string()
                    }
                    _ => String::new(),
                };
                (f.rule.to_string(), at)
            })
            .collect()
    }

    const BASE: &str = "CREATE TABLE t (id int PRIMARY KEY, a int);\n";

    #[test]
    fn statement_ignore_silences_only_the_next_statement() {
        let sql = format!(
            "{BASE}-- driftlint-ignore: index-missing-column\nCREATE INDEX t_x ON t (x);\nCREATE INDEX t_y ON t (y);\n"
        );
        assert_eq!(
            rules_at(&sql),
            [("index-missing-column".to_string(), "y".to_string())]
        );
    }

    #[test]
    fn file_ignore_silences_every_statement_and_block_comments_work() {
        let sql = format!(
            "/* driftlint-ignore-file: index-missing-column, no-primary-key */\n{BASE}CREATE TABLE u (a int);\nCREATE INDEX t_x ON t (x);\nCREATE INDEX t_y ON t (y);\n-- driftlint-ignore-file: duplicate-index\n"
        );
        assert_eq!(
            rules_at(&sql),
            [("unused-ignore".to_string(), "duplicate-index".to_string())]
        );
    }

    #[test]
    fn unused_unknown_and_bare_ignores_are_reported() {
        let sql = format!(
            "{BASE}-- driftlint-ignore: redundant-index\nCREATE INDEX t_a ON t (a);\n-- driftlint-ignore: index-missing-colum\nCREATE INDEX t_x ON t (x);\n-- driftlint-ignore-file\n-- driftlint-ignores: x\n-- driftlint-ignore: no-primary-key -- at the end\n"
        );
        let run = check_sql("t.sql", &sql);
        let got: Vec<(&str, &str, &str)> = run
            .findings
            .iter()
            .map(|f| (f.rule, f.severity.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(got.len(), 6, "{got:#?}");
        assert!(got.contains(&(
            "unused-ignore",
            "warning",
            "`redundant-index` is ignored for the next statement, but it reports nothing there"
        )));
        assert!(got.contains(&(
            "unused-ignore",
            "warning",
            "`index-missing-colum` is not a driftlint rule, so ignoring it does nothing"
        )));
        assert!(got.contains(&(
            "unused-ignore",
            "error",
            "`driftlint-ignore-file` without rule ids ignores nothing"
        )));
        assert!(got.contains(&(
            "unused-ignore",
            "error",
            "`driftlint-ignores` is not a driftlint directive, so it ignores nothing"
        )));
        assert!(got.contains(&(
            "unused-ignore",
            "warning",
            "`no-primary-key` is ignored for the next statement, but no statement follows"
        )));
        assert!(got.contains(&(
            "index-missing-column",
            "error",
            "index `t_x` names column `x`, which table `public.t` does not have"
        )));
        let unknown = run
            .findings
            .iter()
            .find(|f| f.message.contains("index-missing-colum`"))
            .unwrap();
        assert_eq!(
            unknown.help.as_deref(),
            Some("did you mean `index-missing-column`?")
        );
    }

    #[test]
    fn prose_mentioning_the_word_is_not_a_directive() {
        let sql = format!(
            "{BASE}-- see the docs on driftlint-ignore comments\nCREATE INDEX t_a ON t (a);\n"
        );
        assert!(rules_at(&sql).is_empty());
    }
}
