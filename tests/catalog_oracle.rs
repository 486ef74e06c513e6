//! The index health rules against an oracle of their own: each fixture is applied to a real
//! PostgreSQL, and duplicate indexes, redundant indexes and unindexed foreign keys are computed
//! from `pg_index` / `pg_constraint` by the code below — PostgreSQL's own operator classes,
//! collations and sort options, not driftlint's model. The offline findings (migrations only)
//! must equal those lists.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use driftlint::check::{CheckOptions, check};
use support::{TestPg, apply_fixture};

/// One index as the catalog has it.
#[derive(Debug, Clone)]
struct CatalogIndex {
    table: String,
    name: String,
    method: String,
    unique: bool,
    backs_constraint: bool,
    /// Key items: (attnum, opclass oid, collation oid, indoption); attnum 0 is an expression.
    keys: Vec<(i16, u32, u32, i16)>,
    include: BTreeSet<i16>,
    expressions: String,
    predicate: String,
    nulls_not_distinct: bool,
}

/// Reads every valid index of the user's tables that is not a partition's.
fn catalog_indexes(client: &mut postgres::Client) -> Vec<CatalogIndex> {
    let rows = client
        .query(
            "SELECT format('%I.%I', n.nspname, t.relname), c.relname::text, am.amname::text,
                    i.indisunique,
                    EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                            AND k.contype IN ('p', 'u', 'x')),
                    i.indnkeyatts::int4, i.indkey::int2[], i.indclass::oid[],
                    i.indcollation::oid[], i.indoption::int2[],
                    coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                    coalesce(pg_get_expr(i.indpred, i.indrelid), ''),
                    i.indnullsnotdistinct
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_class t ON t.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             JOIN pg_am am ON am.oid = c.relam
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
               AND i.indisvalid AND NOT t.relispartition
             ORDER BY c.oid",
            &[],
        )
        .expect("pg_index");
    rows.iter()
        .map(|r| {
            let nkey = r.get::<_, i32>(5) as usize;
            let attnums: Vec<i16> = r.get(6);
            let classes: Vec<u32> = r.get(7);
            let collations: Vec<u32> = r.get(8);
            let options: Vec<i16> = r.get(9);
            CatalogIndex {
                table: r.get(0),
                name: r.get(1),
                method: r.get(2),
                unique: r.get(3),
                backs_constraint: r.get(4),
                keys: (0..nkey)
                    .map(|k| (attnums[k], classes[k], collations[k], options[k]))
                    .collect(),
                include: attnums[nkey..].iter().copied().collect(),
                expressions: r.get(10),
                predicate: r.get(11),
                nulls_not_distinct: r.get(12),
            }
        })
        .collect()
}

/// Groups of two or more indexes with the same definition, by table.
fn duplicate_groups(indexes: &[CatalogIndex]) -> BTreeSet<(String, BTreeSet<String>)> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in indexes {
        let key = format!(
            "{}|{}|{:?}|{:?}|{}|{}|{}",
            i.table, i.method, i.keys, i.include, i.expressions, i.predicate, i.nulls_not_distinct
        );
        groups.entry(key).or_default().push(i.name.clone());
    }
    groups
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(key, names)| {
            (
                key.split('|').next().unwrap().to_string(),
                names.into_iter().collect(),
            )
        })
        .collect()
}

/// (table, index) of every non-unique plain btree index whose key items are a proper prefix of
/// another btree index's on the same table, with the same predicate and its INCLUDE columns
/// covered.
fn redundant(indexes: &[CatalogIndex]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for a in indexes {
        if a.method != "btree" || a.unique || a.backs_constraint || !a.expressions.is_empty() {
            continue;
        }
        let covered = indexes.iter().any(|b| {
            b.table == a.table
                && b.name != a.name
                && b.method == "btree"
                && b.predicate == a.predicate
                && b.keys.len() > a.keys.len()
                && b.keys[..a.keys.len()] == a.keys[..]
                && b.keys[..a.keys.len()].iter().all(|k| k.0 != 0)
                && a.include
                    .iter()
                    .all(|c| b.keys.iter().any(|k| k.0 == *c) || b.include.contains(c))
        });
        if covered {
            out.insert((a.table.clone(), a.name.clone()));
        }
    }
    out
}

/// (table, constraint) of every foreign key that no index fully supports: a valid btree index
/// (hash for one column) whose first n key columns are the FK's n columns in any order, with no
/// predicate or one that `col IS NOT NULL` on the FK columns implies.
fn unindexed_foreign_keys(
    client: &mut postgres::Client,
    indexes: &[CatalogIndex],
) -> BTreeSet<(String, String)> {
    let rows = client
        .query(
            "SELECT format('%I.%I', n.nspname, t.relname), k.conname::text, k.conkey::int2[],
                    ARRAY(SELECT a.attname::text FROM unnest(k.conkey) AS c(num)
                          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.num)
             FROM pg_constraint k
             JOIN pg_class t ON t.oid = k.conrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE k.contype = 'f' AND k.conparentid = 0 AND NOT t.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            &[],
        )
        .expect("pg_constraint");
    let mut out = BTreeSet::new();
    for r in rows {
        let table: String = r.get(0);
        let name: String = r.get(1);
        let columns: BTreeSet<i16> = r.get::<_, Vec<i16>>(2).into_iter().collect();
        let names: Vec<String> = r.get(3);
        let n = columns.len();
        let supported = indexes.iter().any(|i| {
            let method_fits = i.method == "btree" || (i.method == "hash" && n == 1);
            let leads = i.keys.len() >= n
                && i.keys[..n].iter().map(|k| k.0).collect::<BTreeSet<i16>>() == columns;
            let predicate_implied = i.predicate.is_empty()
                || i.predicate
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .split(" AND ")
                    .all(|term| {
                        let term = term.trim_start_matches('(').trim_end_matches(')');
                        names.iter().any(|c| term == format!("{c} IS NOT NULL"))
                    });
            i.table == table && method_fits && leads && predicate_implied
        });
        if !supported {
            out.insert((table, name));
        }
    }
    out
}

fn oracle(pg: TestPg, rel: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let rejected = apply_fixture(&pg, &path);
    let mut client = pg.connect();
    let indexes = catalog_indexes(&mut client);
    let expected_duplicates = duplicate_groups(&indexes);
    let expected_redundant = redundant(&indexes);
    let expected_unindexed = unindexed_foreign_keys(&mut client, &indexes);

    let run = check(
        &CheckOptions {
            paths: vec![path],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .expect("check");
    let of = |rule: &'static str| run.findings.iter().filter(move |f| f.rule == rule);
    let table = |f: &driftlint::finding::Finding| {
        f.table.as_ref().map(|t| t.to_string()).unwrap_or_default()
    };
    // A duplicate finding names the index to drop and, first in `related`, the one to keep.
    let mut groups: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for f in of("duplicate-index") {
        let keep = f
            .related
            .first()
            .map(|r| r.object.clone())
            .unwrap_or_default();
        let group = groups.entry((table(f), keep.clone())).or_default();
        group.insert(keep);
        group.extend(f.object.clone());
    }
    let duplicates: BTreeSet<(String, BTreeSet<String>)> = groups
        .into_iter()
        .map(|((t, _), names)| (t, names))
        .collect();
    let redundant: BTreeSet<(String, String)> = of("redundant-index")
        .map(|f| (table(f), f.object.clone().unwrap_or_default()))
        .collect();
    let unindexed: BTreeSet<(String, String)> = of("unindexed-foreign-key")
        .map(|f| (table(f), f.object.clone().unwrap_or_default()))
        .collect();

    let context = format!("{rel}; statements PostgreSQL rejected: {rejected:#?}");
    assert_eq!(
        duplicates, expected_duplicates,
        "duplicate-index on {context}"
    );
    assert_eq!(
        redundant, expected_redundant,
        "redundant-index on {context}"
    );
    assert_eq!(
        unindexed, expected_unindexed,
        "unindexed-foreign-key on {context}"
    );
}

macro_rules! oracle_tests {
    ($($name:ident: $start:ident, $rel:literal;)*) => {$(
        #[test]
        fn $name() {
            let Some(pg) = TestPg::$start() else { return };
            oracle(pg, $rel);
        }
    )*};
}

oracle_tests! {
    oracle_index_health: start, "testdata/index-health/migrations";
    oracle_saas_drizzle: start_pgvector, "testdata/saas-drizzle/drizzle";
    oracle_saas_rls: start_pgvector, "testdata/saas-rls/migrations";
    oracle_drizzle_authjs: start_pgvector, "testdata/drizzle-authjs/drizzle";
    oracle_prisma_basic: start, "testdata/prisma-basic/prisma/migrations";
    oracle_plain_folder: start, "testdata/plain-folder/migrations";
    oracle_drizzle_legacy: start, "testdata/drizzle-legacy/drizzle";
}

#[test]
fn the_edge_case_fixture_exercises_every_list() {
    // Guards the oracle itself: on the edge-case fixture each list is non-empty, so an oracle
    // that finds nothing cannot agree with a rule that finds nothing.
    let Some(pg) = TestPg::start() else { return };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/index-health/migrations");
    apply_fixture(&pg, &path);
    let mut client = pg.connect();
    let indexes = catalog_indexes(&mut client);
    assert_eq!(duplicate_groups(&indexes).len(), 6);
    assert_eq!(redundant(&indexes).len(), 2);
    assert_eq!(unindexed_foreign_keys(&mut client, &indexes).len(), 4);
}
