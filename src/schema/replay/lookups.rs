//! Reverse lookups from a table to its indexes, referencing tables and partitions, so that a
//! statement touches only the objects it concerns.

use indexmap::IndexSet as FxIndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap, FxHashSet as HashSet};

/// An insertion-ordered set hashed with FxHash, like the model's maps.
type IndexSet<T> = FxIndexSet<T, FxBuildHasher>;

use super::Replay;
use crate::schema::model::{Index, QualName};

/// Reverse lookups, so that a statement touches only the objects it concerns and never scans
/// the whole schema (which made replay quadratic in the number of indexes and foreign keys).
/// Each list is a superset: an entry may be stale (its object renamed or dropped since), so
/// every use re-checks it against the schema; an object must never be missing from it.
#[derive(Debug, Default)]
pub(super) struct Lookups {
    /// Table → the indexes created on it.
    pub(super) indexes: HashMap<QualName, IndexSet<QualName>>,
    /// Referenced table → the tables whose foreign keys may point at it.
    pub(super) referencing: HashMap<QualName, IndexSet<QualName>>,
    /// Partitioned index → its partitions' indexes.
    pub(super) children: HashMap<QualName, IndexSet<QualName>>,
    /// Whether any table has ever inherited (`INHERITS`, `INHERIT`): until one has, a column
    /// change never looks for inheritance children.
    pub(super) inheritance: bool,
    /// Whether any column has been created generated (only `column_from_def` makes one; other
    /// columns copy an existing one): until one has, a column rename never looks through a
    /// table's columns for generation expressions.
    pub(super) generated: bool,
    /// Word of a function body (as [`crate::schema::dependencies::body_words`] splits it) →
    /// the signatures of the functions whose body had it when created or moved.
    pub(super) function_words: HashMap<String, Vec<String>>,
    /// Tables that own or owned a sequence (`OWNED BY`, serial and identity columns), under
    /// their current names.
    pub(super) sequence_owners: HashSet<QualName>,
    /// Tables that have had a policy that may read other relations (under their current
    /// name): one whose statement has a subquery's keyword (see
    /// [`super::policies::may_read_relations`]).
    pub(super) policy_tables: IndexSet<QualName>,
    /// Relation → the views whose recorded uses name it.
    pub(super) view_readers: HashMap<QualName, IndexSet<QualName>>,
    /// Table and column → the views whose recorded uses name that column.
    pub(super) column_readers: HashMap<(QualName, String), IndexSet<QualName>>,
    /// Columns of inheritance children that are also defined locally (`attislocal`): a
    /// parent's `DROP COLUMN` leaves them in place.
    pub(super) local_columns: HashSet<(QualName, String)>,
}

/// Adds `value` to `key`'s list once.
pub(super) fn note<K: std::hash::Hash + Eq + Clone>(
    map: &mut HashMap<K, IndexSet<QualName>>,
    key: &K,
    value: &QualName,
) {
    // A set, not a list: a table with 100,000 indexes must not be scanned for each new one.
    // The key is cloned only when it is new.
    match map.get_mut(key) {
        Some(list) => {
            if !list.contains(value) {
                list.insert(value.clone());
            }
        }
        None => {
            map.insert(key.clone(), IndexSet::from_iter([value.clone()]));
        }
    }
}

impl Replay<'_> {
    /// Inserts an index into the schema and the lookups.
    pub(super) fn put_index(&mut self, index: Index) {
        self.note_index(&index);
        self.schema.indexes.insert(index.name.clone(), index);
    }

    pub(super) fn note_index(&mut self, index: &Index) {
        if !self.index_seq.contains_key(&index.name) {
            self.next_seq += 1;
            self.index_seq.insert(index.name.clone(), self.next_seq);
        }
        note(&mut self.lookups.indexes, &index.table, &index.name);
        if let Some(parent) = &index.parent_index {
            note(&mut self.lookups.children, parent, &index.name);
        }
    }

    /// Records the words of a function's body under its signature (after it is inserted).
    pub(super) fn note_function(&mut self, key: &str) {
        let Some(body) = self.schema.functions.get(key).and_then(|f| f.body.as_ref()) else {
            return;
        };
        let mut words = crate::schema::dependencies::body_words(body);
        words.sort_unstable();
        words.dedup();
        for w in words {
            self.lookups
                .function_words
                .entry(w)
                .or_default()
                .push(key.to_string());
        }
    }

    /// Records, for each relation a view's uses name, that the view reads it.
    pub(super) fn note_view_readers(&mut self, view: &QualName) {
        let Some(uses) = self.schema.view_uses.get(view) else {
            return;
        };
        let read = uses
            .relations
            .iter()
            .chain(uses.columns.iter().map(|(t, _)| t));
        for relation in read {
            note(&mut self.lookups.view_readers, relation, view);
        }
        for column in &uses.columns {
            note(&mut self.lookups.column_readers, column, view);
        }
    }

    /// Records the targets of a table's foreign keys.
    pub(super) fn note_foreign_keys(&mut self, table: &QualName) {
        let Some(t) = self.schema.tables.get(table) else {
            return;
        };
        let targets: Vec<QualName> = t
            .foreign_keys()
            .map(|(_, fk)| fk.ref_table.clone())
            .collect();
        for target in targets {
            note(&mut self.lookups.referencing, &target, table);
        }
    }

    /// The names of the indexes on a table, in creation order.
    pub(super) fn indexes_on(&self, table: &QualName) -> Vec<QualName> {
        self.indexes_of(table)
            .into_iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// [`Self::indexes_on`] without copying a name: each index with its model.
    pub(super) fn indexes_of(&self, table: &QualName) -> Vec<(&QualName, &crate::schema::Index)> {
        let Some(names) = self.lookups.indexes.get(table) else {
            return Vec::new();
        };
        let mut found: Vec<(u64, &QualName, &crate::schema::Index)> = names
            .iter()
            .filter_map(|n| {
                let (name, index) = self.schema.indexes.get_key_value(n)?;
                (&index.table == table).then(|| {
                    let seq = self.index_seq.get(n).copied().unwrap_or(u64::MAX);
                    (seq, name, index)
                })
            })
            .collect();
        // By creation, then by name as the sort of names did.
        found.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        found.into_iter().map(|(_, n, i)| (n, i)).collect()
    }

    /// Puts the schema's indexes back in creation order. Call once replay is done, before the
    /// schema is read.
    pub fn settle(&mut self) {
        self.drop_schema(super::TEMP_SCHEMA);
        let seq = &self.index_seq;
        self.schema
            .indexes
            .sort_by_cached_key(|name, _| seq.get(name).copied().unwrap_or(u64::MAX));
    }

    /// The indexes whose parent is `parent` (partitions' copies).
    pub(super) fn children_of(&self, parent: &QualName) -> Vec<QualName> {
        self.lookups
            .children
            .get(parent)
            .map(|names| {
                names
                    .iter()
                    .filter(|n| {
                        self.schema
                            .indexes
                            .get(*n)
                            .is_some_and(|i| i.parent_index.as_ref() == Some(parent))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tables that have a foreign key referencing `table`.
    pub(super) fn referencing(&self, table: &QualName) -> Vec<QualName> {
        self.lookups
            .referencing
            .get(table)
            .map(|names| {
                names
                    .iter()
                    .filter(|n| {
                        self.schema
                            .tables
                            .get(*n)
                            .is_some_and(|t| t.foreign_keys().any(|(_, fk)| &fk.ref_table == table))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tables that inherit from `table` with `INHERITS` / `INHERIT` (not its partitions).
    pub(super) fn inheritance_children(&self, table: &QualName) -> Vec<QualName> {
        if !self.lookups.inheritance {
            return Vec::new();
        }
        self.schema
            .tables
            .values()
            .filter(|t| t.inherits.contains(table))
            .map(|t| t.name.clone())
            .collect()
    }

    /// The tables a column change on `table` recurses to, as PostgreSQL's does without
    /// `ONLY`: its partitions and its inheritance children.
    pub(super) fn inheritors_of(&self, table: &QualName) -> Vec<QualName> {
        let mut out = self.partitions_of(table);
        out.extend(self.inheritance_children(table));
        out
    }

    /// The partitions of a partitioned table (none for any other table, without a scan).
    pub(super) fn partitions_of(&self, table: &QualName) -> Vec<QualName> {
        if !self.schema.tables.get(table).is_some_and(|t| t.partitioned) {
            return Vec::new();
        }
        self.schema
            .tables
            .values()
            .filter(|t| t.partition_of.as_ref() == Some(table))
            .map(|t| t.name.clone())
            .collect()
    }
}

/// The replay's lookups answer [`crate::schema::dependencies`]' questions without a scan of
/// every table.
impl crate::schema::dependencies::Related for Replay<'_> {
    fn inheritors(&self, table: &QualName) -> Vec<QualName> {
        self.inheritance_children(table)
    }

    fn partitions(&self, table: &QualName) -> Vec<QualName> {
        self.partitions_of(table)
    }

    fn referencing(&self, table: &QualName) -> Vec<QualName> {
        self.referencing(table)
    }

    fn with_reading_policies(&self) -> Vec<&QualName> {
        self.lookups.policy_tables.iter().collect()
    }

    fn views_reading(&self, relation: &QualName) -> Vec<QualName> {
        self.lookups
            .view_readers
            .get(relation)
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn views_reading_column(&self, table: &QualName, column: &str) -> Vec<QualName> {
        self.lookups
            .column_readers
            .get(&(table.clone(), column.to_string()))
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }
}
