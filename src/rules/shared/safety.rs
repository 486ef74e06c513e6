//! What the migration-safety rules share: how each file is run (from the replay's
//! [`Event::FileRun`]s), which tables are new in a statement's transaction, and the safety
//! facts in order.

use rustc_hash::FxHashMap as HashMap;

use crate::finding::Finding;
use crate::rules::Rule;
use crate::rules::RuleInput;
use crate::schema::replay::{Action, Delivery, Event, FileRun, RunsAlone, Safety};

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
}

impl<'a> Facts<'a> {
    /// Collects the facts of a run.
    pub fn of(input: &RuleInput<'a>) -> Self {
        let mut files = HashMap::default();
        let mut safety = Vec::new();
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
                    safety.push(&**s);
                }
                _ => {}
            }
        }
        Facts { files, safety }
    }

    /// How `file` is run (unknown when the replay did not say).
    pub fn file(&self, file: u32) -> Option<&FileFacts<'a>> {
        self.files.get(&file)
    }

    /// The tool's transaction unit of `file`.
    fn unit(&self, file: u32) -> u32 {
        self.files.get(&file).map_or(file, |f| f.run.unit)
    }

    /// Whether another file shares `file`'s transaction unit (a batch of pending files).
    pub fn shares_unit(&self, file: u32) -> bool {
        let unit = self.unit(file);
        self.files
            .iter()
            .any(|(f, _)| *f != file && self.unit(*f) == unit)
    }

    /// Whether statements of files `a` and `b` (`a` first) run in one transaction: `b` is run
    /// inside a transaction block and shares `a`'s unit. The same file is left to the caller.
    pub fn one_transaction(&self, a: u32, b: u32) -> bool {
        self.files
            .get(&b)
            .is_some_and(|f| f.run.delivery == Delivery::Transaction)
            && self.unit(a) == self.unit(b)
    }

    /// Whether a file of `file`'s unit holds a refused statement of one of `kinds`.
    pub fn unit_refuses_any(&self, file: u32, kinds: &[&str]) -> bool {
        let unit = self.unit(file);
        self.files.iter().any(|(f, facts)| {
            self.unit(*f) == unit && facts.refused.iter().any(|k| kinds.contains(k))
        })
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

    /// The facts about tables that existed before the statement's transaction, with the
    /// action: what the lock rules judge.
    pub fn on_existing_tables(&self) -> impl Iterator<Item = (&'a Safety, &'a Action)> + '_ {
        self.safety
            .iter()
            .copied()
            .filter(|s| s.table.is_some() && !self.is_new(s))
            .map(|s| (s, &s.action))
    }

    /// How to run a step that needs CONCURRENTLY with `file`'s tool: nothing to add where the
    /// tool runs statements one by one, else the tool's way to run it outside a transaction.
    pub fn concurrently_note(&self, file: u32) -> String {
        match self.files.get(&file) {
            Some(f) if f.run.delivery == Delivery::PerStatement => String::new(),
            // The tool takes CREATE INDEX CONCURRENTLY out of the transaction wherever it is
            // (Prisma 7.4+ splitting, Flyway `mixed=true`).
            Some(f)
                if matches!(
                    f.run.runs_alone,
                    RunsAlone::SplitWhenParsed(kinds) | RunsAlone::MixedFile(kinds)
                        if kinds.contains(&"CREATE INDEX CONCURRENTLY")
                ) =>
            {
                String::new()
            }
            _ => format!(
                " — CONCURRENTLY cannot run in a transaction: {}",
                self.how_alone(file)
            ),
        }
    }
}

/// A lock finding on the statement's table.
pub(crate) fn lock_finding(
    rule: &'static Rule,
    s: &Safety,
    message: String,
    help: String,
) -> Finding {
    let mut f = Finding::new(rule, message, s.location).help(help);
    if let Some(t) = &s.table {
        f = f.table(t);
    }
    f
}

/// The table's name for messages.
pub(crate) fn table_name(s: &Safety) -> String {
    s.table.as_ref().map_or_else(String::new, |t| {
        if t.schema == "public" {
            crate::schema::model::quote_ident(&t.name).to_string()
        } else {
            t.to_string()
        }
    })
}

impl Facts<'_> {
    /// The advice for running a statement that cannot run in a transaction with `file`'s tool.
    pub fn how_alone(&self, file: u32) -> &'static str {
        self.files.get(&file).map_or(
            "put it alone in a migration the tool runs without a transaction",
            |f| f.run.how_alone,
        )
    }
}
