//! What the migration-safety rules share: how each file is run (from the replay's
//! [`Event::FileRun`]s), which tables are new in a statement's transaction, and the safety
//! facts in order.

use std::collections::HashMap;

use crate::rules::RuleInput;
use crate::schema::replay::{Action, Delivery, Event, FileRun, Safety};

/// A file's run and what the replay counted in it.
pub(crate) struct FileFacts<'a> {
    /// How the tool runs the file.
    pub run: &'a FileRun,
    /// Statements in the file.
    pub statements: u32,
    /// Kinds of the file's statements PostgreSQL refuses in a transaction block.
    pub refused: &'a [&'static str],
}

/// The run's files and safety facts.
pub(crate) struct Facts<'a> {
    files: HashMap<u32, FileFacts<'a>>,
    /// The safety facts, in statement order.
    pub safety: Vec<&'a Safety>,
    /// Files that set `lock_timeout`.
    pub lock_timeout_files: Vec<u32>,
}

impl<'a> Facts<'a> {
    /// Collects the facts of a run.
    pub fn of(input: &RuleInput<'a>) -> Self {
        let mut files = HashMap::new();
        let mut safety = Vec::new();
        let mut lock_timeout_files = Vec::new();
        for event in input.events {
            match event {
                Event::FileRun {
                    file,
                    run,
                    statements,
                    refused,
                } => {
                    files.insert(
                        *file,
                        FileFacts {
                            run,
                            statements: *statements,
                            refused,
                        },
                    );
                }
                Event::Safety(s) => {
                    if s.action == Action::LockTimeout {
                        lock_timeout_files.push(s.file);
                    }
                    safety.push(&**s);
                }
                _ => {}
            }
        }
        Facts {
            files,
            safety,
            lock_timeout_files,
        }
    }

    /// How `file` is run (unknown when the replay did not say).
    pub fn file(&self, file: u32) -> Option<&FileFacts<'a>> {
        self.files.get(&file)
    }

    /// The tool's transaction unit of `file`.
    fn unit(&self, file: u32) -> u32 {
        self.files.get(&file).map_or(file, |f| f.run.unit)
    }

    /// Whether the statement's table was created in the same transaction (the same file, or
    /// an earlier file of the same batch): nobody else can see it yet, so its locks block no
    /// one and it holds no rows to scan or rewrite.
    pub fn is_new(&self, s: &Safety) -> bool {
        let Some(created) = s.created_in else {
            return false;
        };
        if created == s.file {
            return true;
        }
        let transactional = self
            .files
            .get(&s.file)
            .is_some_and(|f| f.run.delivery == Delivery::Transaction);
        transactional && self.unit(created) == self.unit(s.file)
    }

    /// Whether the runner can run `CREATE INDEX CONCURRENTLY` as written in `file`: a
    /// concurrent index is only advice worth giving where it would work.
    pub fn concurrently_works(&self, file: u32) -> bool {
        match self.files.get(&file) {
            Some(f) => f.run.delivery == Delivery::PerStatement,
            None => false,
        }
    }

    /// The advice for running a statement that cannot run in a transaction with `file`'s tool.
    pub fn how_alone(&self, file: u32) -> &'static str {
        self.files.get(&file).map_or(
            "put it alone in a migration the tool runs without a transaction",
            |f| f.run.how_alone,
        )
    }
}
