//! Property tests (proptest) over the splitter, the replay and the rules.

use driftlint::check::{check_sql, replay_text};
use driftlint::finding::Finding;
use driftlint::rules::{self, RuleInput};
use driftlint::schema::diff::{Side, diff, schema_ddl};
use driftlint::schema::replay::Replay;
use driftlint::schema::{Origin, Schema};
use driftlint::sql::split::split;
use proptest::prelude::*;

// ----- splitting ------------------------------------------------------------------------------

/// A piece of SQL text whose kind is known without a lexer: significant text, trivia or `;`.
#[derive(Clone, Debug)]
enum Piece {
    Significant(&'static str),
    Trivia(&'static str),
    Semicolon,
}

fn piece() -> impl Strategy<Value = Piece> {
    const SIGNIFICANT: &[&str] = &[
        "CREATE",
        "TABLE",
        "INDEX",
        "t",
        "a",
        "RULE",
        "AS",
        "ON",
        "DO",
        "INSERT",
        "BEGIN",
        "ATOMIC",
        "END",
        "CASE",
        "FUNCTION",
        "SELECT",
        "1.5e3",
        "(",
        ")",
        ",",
        ".",
        "::",
        "+",
        "'a;b'",
        "'it''s; fine'",
        "E'\\'; x'",
        "\"q;uoted\"",
        "U&\"d;\"",
        "$$ a; b $$",
        "$f$ ; $$ ; $f$",
        "$1",
        "[",
        "]",
        "*",
        "é",
        "\"\"\"\"",
    ];
    const TRIVIA: &[&str] = &[
        "-- a; comment\n",
        "/* block; */",
        "/* nested /* ; */ still */",
        "--> statement-breakpoint\n",
        "-- driftlint-ignore no-primary-key\n",
    ];
    prop_oneof![
        6 => prop::sample::select(SIGNIFICANT).prop_map(Piece::Significant),
        1 => prop::sample::select(TRIVIA).prop_map(Piece::Trivia),
        2 => Just(Piece::Semicolon),
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&[" ", "\n", "\t", "\r\n", "  \n"][..])
}

proptest! {
    /// Every byte of significant text (not whitespace, not a comment, not a statement-ending
    /// `;`) lies in exactly one statement: the splitter neither loses nor duplicates text.
    #[test]
    fn splitting_never_loses_or_duplicates_text(
        pieces in prop::collection::vec((piece(), separator()), 0..60)
    ) {
        let mut text = String::new();
        let mut significant = Vec::new();
        for (p, sep) in &pieces {
            let start = text.len();
            match p {
                Piece::Significant(s) => {
                    text.push_str(s);
                    significant.push(start..text.len());
                }
                Piece::Trivia(s) => text.push_str(s),
                Piece::Semicolon => text.push(';'),
            }
            text.push_str(sep);
        }
        let spans: Vec<_> = split(&text).into_iter().map(|r| r.span).collect();
        for pair in spans.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start, "overlapping spans {pair:?} in {text:?}");
        }
        for s in &significant {
            let covering = spans.iter().filter(|sp| sp.start <= s.start && s.end <= sp.end).count();
            prop_assert_eq!(covering, 1, "{:?} at {:?} in {:?}; spans {:?}", &text[s.clone()], s, text, spans);
        }
    }
}

// ----- generated histories --------------------------------------------------------------------

/// Column types as a migration writes them, with defaults of each type.
const TYPES: &[(&str, &[&str])] = &[
    ("int", &["0", "42", "-1"]),
    ("text", &["'x'", "''", "'it''s'"]),
    ("bigint", &["0", "7"]),
    ("bool", &["true", "false"]),
    ("varchar(20)", &["'a'"]),
    ("timestamptz", &["now()", "CURRENT_TIMESTAMP"]),
    ("numeric(10,2)", &["1.5", "0"]),
    ("uuid", &["gen_random_uuid()"]),
    ("text[]", &["'{}'"]),
    ("jsonb", &["'{}'::jsonb"]),
];

/// One step of a history, as random numbers; [`History::apply`] turns it into valid SQL for
/// the objects that exist at that point (so shrinking keeps histories valid).
#[derive(Clone, Debug)]
enum Op {
    CreateTable {
        pk: bool,
        columns: Vec<(u8, bool, Option<u8>)>,
    },
    AddColumn {
        table: u8,
        ty: u8,
        not_null: bool,
        default: Option<u8>,
    },
    DropColumn {
        table: u8,
        column: u8,
    },
    RenameColumn {
        table: u8,
        column: u8,
    },
    SetNotNull {
        table: u8,
        column: u8,
        on: bool,
    },
    SetDefault {
        table: u8,
        column: u8,
        default: Option<u8>,
    },
    CreateIndex {
        table: u8,
        columns: Vec<(u8, bool)>,
        unique: bool,
        partial: bool,
    },
    DropIndex {
        index: u8,
    },
    AddUnique {
        table: u8,
        column: u8,
    },
    AddForeignKey {
        table: u8,
        target: u8,
    },
    RenameTable {
        table: u8,
    },
    DropTable {
        table: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let col = (
        0..TYPES.len() as u8,
        any::<bool>(),
        prop::option::of(any::<u8>()),
    );
    prop_oneof![
        3 => (any::<bool>(), prop::collection::vec(col, 0..5))
            .prop_map(|(pk, columns)| Op::CreateTable { pk, columns }),
        2 => (any::<u8>(), 0..TYPES.len() as u8, any::<bool>(), prop::option::of(any::<u8>()))
            .prop_map(|(table, ty, not_null, default)| Op::AddColumn { table, ty, not_null, default }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(table, column)| Op::DropColumn { table, column }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(table, column)| Op::RenameColumn { table, column }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>())
            .prop_map(|(table, column, on)| Op::SetNotNull { table, column, on }),
        1 => (any::<u8>(), any::<u8>(), prop::option::of(any::<u8>()))
            .prop_map(|(table, column, default)| Op::SetDefault { table, column, default }),
        3 => (any::<u8>(), prop::collection::vec((any::<u8>(), any::<bool>()), 1..4), any::<bool>(), any::<bool>())
            .prop_map(|(table, columns, unique, partial)| Op::CreateIndex { table, columns, unique, partial }),
        1 => any::<u8>().prop_map(|index| Op::DropIndex { index }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(table, column)| Op::AddUnique { table, column }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(table, target)| Op::AddForeignKey { table, target }),
        1 => any::<u8>().prop_map(|table| Op::RenameTable { table }),
        1 => any::<u8>().prop_map(|table| Op::DropTable { table }),
    ]
}

/// A table of a generated history: name, columns (name, index into [`TYPES`]), whether `id`
/// is its primary key.
type GeneratedTable = (String, Vec<(String, usize)>, bool);

#[derive(Default)]
struct History {
    sql: String,
    tables: Vec<GeneratedTable>,
    /// Indexes that are not constraints: name, table.
    indexes: Vec<(String, String)>,
    /// Foreign keys: referencing table, referenced table.
    references: Vec<(String, String)>,
    next: usize,
}

impl History {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn column_sql(name: &str, ty: usize, not_null: bool, default: Option<u8>) -> String {
        let (ty_sql, defaults) = TYPES[ty];
        let mut s = format!("{name} {ty_sql}");
        if let Some(d) = default {
            s.push_str(&format!(
                " DEFAULT {}",
                defaults[d as usize % defaults.len()]
            ));
        }
        if not_null {
            s.push_str(" NOT NULL");
        }
        s
    }

    /// Appends the SQL for `op`, or nothing when it names nothing that exists.
    fn apply(&mut self, op: &Op) {
        let n_tables = self.tables.len();
        let table = |t: u8| (n_tables > 0).then(|| t as usize % n_tables);
        let (sql, statements): (&mut String, Vec<String>) = (
            &mut String::new(),
            match op {
                Op::CreateTable { pk, columns } => {
                    let name = self.fresh("t");
                    let mut defs = Vec::new();
                    let mut cols = Vec::new();
                    if *pk {
                        defs.push("id int PRIMARY KEY".to_string());
                        cols.push(("id".to_string(), 0));
                    }
                    for (ty, not_null, default) in columns {
                        let c = self.fresh("c");
                        defs.push(Self::column_sql(&c, *ty as usize, *not_null, *default));
                        cols.push((c, *ty as usize));
                    }
                    self.tables.push((name.clone(), cols, *pk));
                    vec![format!("CREATE TABLE {name} ({})", defs.join(", "))]
                }
                Op::AddColumn {
                    table: t,
                    ty,
                    not_null,
                    default,
                } => match table(*t) {
                    Some(t) => {
                        let c = self.fresh("c");
                        // NOT NULL without a default on a table with rows would fail; the table is
                        // empty here, as in a fresh database.
                        let def = Self::column_sql(&c, *ty as usize, *not_null, *default);
                        self.tables[t].1.push((c, *ty as usize));
                        vec![format!("ALTER TABLE {} ADD COLUMN {def}", self.tables[t].0)]
                    }
                    None => vec![],
                },
                Op::DropColumn { table: t, column } => match table(*t) {
                    Some(t) if self.tables[t].1.iter().any(|(c, _)| c != "id") => {
                        let cols: Vec<usize> = (0..self.tables[t].1.len())
                            .filter(|&i| self.tables[t].1[i].0 != "id")
                            .collect();
                        let i = cols[*column as usize % cols.len()];
                        let (c, _) = self.tables[t].1.remove(i);
                        // Indexes and foreign keys on the column go with it.
                        let tname = self.tables[t].0.clone();
                        self.indexes.retain(|(_, tb)| *tb != tname);
                        self.references.retain(|(from, _)| *from != tname);
                        vec![format!("ALTER TABLE {tname} DROP COLUMN {c} CASCADE")]
                    }
                    _ => vec![],
                },
                Op::RenameColumn { table: t, column } => match table(*t) {
                    Some(t) if self.tables[t].1.iter().any(|(c, _)| c != "id") => {
                        let cols: Vec<usize> = (0..self.tables[t].1.len())
                            .filter(|&i| self.tables[t].1[i].0 != "id")
                            .collect();
                        let i = cols[*column as usize % cols.len()];
                        let new = self.fresh("c");
                        let old = std::mem::replace(&mut self.tables[t].1[i].0, new.clone());
                        vec![format!(
                            "ALTER TABLE {} RENAME COLUMN {old} TO {new}",
                            self.tables[t].0
                        )]
                    }
                    _ => vec![],
                },
                Op::SetNotNull {
                    table: t,
                    column,
                    on,
                } => match table(*t) {
                    Some(t) if !self.tables[t].1.is_empty() => {
                        let (c, _) = &self.tables[t].1[*column as usize % self.tables[t].1.len()];
                        if c == "id" {
                            vec![]
                        } else {
                            let what = if *on { "SET" } else { "DROP" };
                            vec![format!(
                                "ALTER TABLE {} ALTER COLUMN {c} {what} NOT NULL",
                                self.tables[t].0
                            )]
                        }
                    }
                    _ => vec![],
                },
                Op::SetDefault {
                    table: t,
                    column,
                    default,
                } => match table(*t) {
                    Some(t) if !self.tables[t].1.is_empty() => {
                        let (c, ty) = &self.tables[t].1[*column as usize % self.tables[t].1.len()];
                        let action = match default {
                            Some(d) => {
                                let defaults = TYPES[*ty].1;
                                format!("SET DEFAULT {}", defaults[*d as usize % defaults.len()])
                            }
                            None => "DROP DEFAULT".to_string(),
                        };
                        vec![format!(
                            "ALTER TABLE {} ALTER COLUMN {c} {action}",
                            self.tables[t].0
                        )]
                    }
                    _ => vec![],
                },
                Op::CreateIndex {
                    table: t,
                    columns,
                    unique,
                    partial,
                } => match table(*t) {
                    Some(t) if !self.tables[t].1.is_empty() => {
                        let cols = self.tables[t].1.clone();
                        let mut keys: Vec<String> = Vec::new();
                        for (c, desc) in columns {
                            let (name, ty) = &cols[*c as usize % cols.len()];
                            // jsonb, text[] and the rest have no default btree operator class
                            // problems; arrays and jsonb do in btree only for equality, fine.
                            let _ = ty;
                            let key = format!("{name}{}", if *desc { " DESC" } else { "" });
                            if !keys
                                .iter()
                                .any(|k| k.split(' ').next() == Some(name.as_str()))
                            {
                                keys.push(key);
                            }
                        }
                        let name = self.fresh("i");
                        let tname = self.tables[t].0.clone();
                        let mut s = format!(
                            "CREATE {}INDEX {name} ON {tname} ({})",
                            if *unique { "UNIQUE " } else { "" },
                            keys.join(", ")
                        );
                        if *partial {
                            s.push_str(&format!(" WHERE {} IS NOT NULL", cols[0].0));
                        }
                        self.indexes.push((name, tname));
                        vec![s]
                    }
                    _ => vec![],
                },
                Op::DropIndex { index } => {
                    if self.indexes.is_empty() {
                        vec![]
                    } else {
                        let (name, _) = self.indexes.remove(*index as usize % self.indexes.len());
                        vec![format!("DROP INDEX {name}")]
                    }
                }
                Op::AddUnique { table: t, column } => match table(*t) {
                    Some(t) if !self.tables[t].1.is_empty() => {
                        let (c, _) =
                            self.tables[t].1[*column as usize % self.tables[t].1.len()].clone();
                        let name = self.fresh("u");
                        vec![format!(
                            "ALTER TABLE {} ADD CONSTRAINT {name} UNIQUE ({c})",
                            self.tables[t].0
                        )]
                    }
                    _ => vec![],
                },
                Op::AddForeignKey { table: t, target } => {
                    let targets: Vec<usize> = (0..n_tables).filter(|&i| self.tables[i].2).collect();
                    match (table(*t), targets.is_empty()) {
                        (Some(t), false) => {
                            let target = targets[*target as usize % targets.len()];
                            let c = self.fresh("c");
                            let name = self.fresh("fk");
                            let (tname, rname) =
                                (self.tables[t].0.clone(), self.tables[target].0.clone());
                            self.tables[t].1.push((c.clone(), 0));
                            self.references.push((tname.clone(), rname.clone()));
                            vec![
                                format!("ALTER TABLE {tname} ADD COLUMN {c} int"),
                                format!(
                                    "ALTER TABLE {tname} ADD CONSTRAINT {name} FOREIGN KEY ({c}) REFERENCES {rname} (id) ON DELETE CASCADE"
                                ),
                            ]
                        }
                        _ => vec![],
                    }
                }
                Op::RenameTable { table: t } => match table(*t) {
                    Some(t) => {
                        let new = self.fresh("t");
                        let old = std::mem::replace(&mut self.tables[t].0, new.clone());
                        for (_, tb) in &mut self.indexes {
                            if *tb == old {
                                *tb = new.clone();
                            }
                        }
                        for (from, to) in &mut self.references {
                            if *from == old {
                                *from = new.clone();
                            }
                            if *to == old {
                                *to = new.clone();
                            }
                        }
                        vec![format!("ALTER TABLE {old} RENAME TO {new}")]
                    }
                    None => vec![],
                },
                Op::DropTable { table: t } => match table(*t) {
                    // Only tables nothing else references (PostgreSQL refuses the others).
                    Some(t)
                        if !self
                            .references
                            .iter()
                            .any(|(from, to)| *to == self.tables[t].0 && *from != *to) =>
                    {
                        let (name, _, _) = self.tables.remove(t);
                        self.indexes.retain(|(_, tb)| *tb != name);
                        self.references
                            .retain(|(from, to)| *from != name && *to != name);
                        vec![format!("DROP TABLE {name}")]
                    }
                    _ => vec![],
                },
            },
        );
        for s in statements {
            sql.push_str(&s);
            sql.push_str(";\n");
        }
        self.sql.push_str(sql);
    }
}

fn history_sql(ops: &[Op]) -> String {
    let mut h = History::default();
    for op in ops {
        h.apply(op);
    }
    h.sql
}

/// Whether two models are the same: no drift between them, and the same names everywhere.
fn same_model(a: &Schema, b: &Schema) -> Result<(), String> {
    let drift = diff(
        Side {
            schema: a,
            label: "a",
        },
        Side {
            schema: b,
            label: "b",
        },
    );
    if !drift.differences.is_empty() {
        return Err(format!(
            "{:?}\n{}",
            drift
                .differences
                .iter()
                .map(|f| &f.message)
                .collect::<Vec<_>>(),
            drift.unified_diff("a", "b")
        ));
    }
    let names = |s: &Schema| {
        let mut v: Vec<String> = s.indexes.keys().map(|k| k.to_string()).collect();
        for t in s.tables.values() {
            v.push(t.name.to_string());
            v.extend(t.constraints.keys().map(|c| format!("{}.{c}", t.name)));
            v.extend(t.columns.values().map(|c| {
                format!(
                    "{}.{}: {} {} {:?}",
                    t.name, c.name, c.type_name, c.not_null, c.default
                )
            }));
        }
        v.sort();
        v
    };
    let (na, nb) = (names(a), names(b));
    if na != nb {
        return Err(format!("names differ:\n{na:#?}\n{nb:#?}"));
    }
    Ok(())
}

/// Findings as comparable values: rule, message, table, object and where (file, start, end).
fn comparable(findings: &[Finding], file_of: impl Fn(u32) -> u32) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .map(|f| {
            let at = match f.origin {
                Origin::Sql { file, start, end } => format!("{}:{start}..{end}", file_of(file)),
                other => format!("{other:?}"),
            };
            format!(
                "{} {} {:?} {:?} @{at}",
                f.rule, f.message, f.table, f.object
            )
        })
        .collect();
    v.sort();
    v
}

fn run_files(files: &[&str]) -> (Schema, Vec<Finding>) {
    let mut replay = Replay::new(None);
    let mut unparsed = Vec::new();
    for (i, text) in files.iter().enumerate() {
        replay.reset_session();
        replay_text(text, 0, i as u32, &mut replay, &mut unparsed);
    }
    let findings = rules::run(&RuleInput::new(&replay.schema, &replay.events, &unparsed));
    (replay.schema, findings)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Replaying a history, rendering the model as DDL and replaying that gives the same model.
    #[test]
    fn rendered_model_replays_to_the_same_model(ops in prop::collection::vec(op(), 0..25)) {
        let sql = history_sql(&ops);
        let first = check_sql("history.sql", &sql);
        prop_assert!(
            first.findings.iter().all(|f| f.rule != "unparsed-statement"),
            "{sql}\n{:?}", first.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        let ddl = schema_ddl(&first.schema);
        let second = check_sql("rendered.sql", &ddl);
        if let Err(e) = same_model(&first.schema, &second.schema) {
            prop_assert!(false, "history:\n{sql}\nrendered:\n{ddl}\n{e}");
        }
    }

    /// `CREATE INDEX IF NOT EXISTS` twice is the same as once: same model, same findings.
    #[test]
    fn create_index_if_not_exists_twice_equals_once(
        ops in prop::collection::vec(op(), 1..15),
        columns in prop::collection::vec((any::<u8>(), any::<bool>()), 1..3),
        unique in any::<bool>(),
    ) {
        let mut h = History::default();
        for op in &ops {
            h.apply(op);
        }
        prop_assume!(!h.tables.is_empty());
        let (table, cols, _) = h.tables.last().unwrap().clone();
        prop_assume!(!cols.is_empty());
        let keys: Vec<String> = columns
            .iter()
            .map(|(c, desc)| format!("{}{}", cols[*c as usize % cols.len()].0, if *desc { " DESC" } else { "" }))
            .collect();
        let stmt = format!(
            "CREATE {}INDEX IF NOT EXISTS idx_again ON {table} ({});\n",
            if unique { "UNIQUE " } else { "" },
            keys.join(", ")
        );
        let once = check_sql("m.sql", &format!("{}{stmt}", h.sql));
        let twice = check_sql("m.sql", &format!("{}{stmt}{stmt}", h.sql));
        if let Err(e) = same_model(&once.schema, &twice.schema) {
            prop_assert!(false, "{e}");
        }
        // Same findings, plus one that says the repeated statement does nothing.
        let strip = |fs: &[Finding]| {
            comparable(fs, |f| f)
                .into_iter()
                .map(|s| s.split(" @").next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let mut extra = strip(&twice.findings);
        for f in strip(&once.findings) {
            let at = extra.iter().position(|e| *e == f);
            prop_assert!(at.is_some(), "{f} is gone the second time");
            extra.remove(at.unwrap());
        }
        prop_assert_eq!(extra.len(), 1, "{:?}", extra);
        prop_assert!(extra[0].starts_with("index-name-conflict") && extra[0].contains("does nothing"));
    }

    /// Files that PostgreSQL accepts in any order (each creates its own tables and indexes,
    /// referencing only its own tables) give the same findings in every order.
    #[test]
    fn findings_do_not_depend_on_the_order_of_independent_files(
        files in prop::collection::vec(prop::collection::vec(op(), 1..8), 2..5),
        order_seed in any::<u64>(),
    ) {
        // Each file's history, with its names made unique to the file.
        let texts: Vec<String> = files
            .iter()
            .enumerate()
            .map(|(i, ops)| {
                let mut h = History { next: (i + 1) * 1000, ..History::default() };
                for op in ops {
                    // Renames and drops are fine within a file; nothing crosses files.
                    h.apply(op);
                }
                h.sql
            })
            .collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        // A permutation from the seed (Fisher–Yates with a small LCG).
        let mut x = order_seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        let in_order: Vec<&str> = texts.iter().map(String::as_str).collect();
        let permuted: Vec<&str> = order.iter().map(|&i| texts[i].as_str()).collect();
        let (schema_a, findings_a) = run_files(&in_order);
        let (schema_b, findings_b) = run_files(&permuted);
        prop_assert_eq!(
            comparable(&findings_a, |f| f),
            comparable(&findings_b, |f| order[f as usize] as u32)
        );
        prop_assert_eq!(schema_a.tables.len(), schema_b.tables.len());
        if let Err(e) = same_model(&schema_a, &schema_b) {
            prop_assert!(false, "{e}");
        }
    }
}
