//! `unused-index` (live, info): an index no query has scanned since the statistics were last
//! reset. It costs every INSERT, UPDATE and DELETE, and disk, and serves no read.
//!
//! Never reported: indexes that enforce something (primary key, unique, exclusion, a
//! constraint's index), indexes that serve a foreign key's lookups (dropping them turns each
//! delete on the referenced table into a scan even if no query reads them), partitions' copies
//! of a parent's index, and invalid indexes (`invalid-index` reports those). Scans are counted
//! per server: an index used only on a read replica looks unused on the primary, so `audit`
//! sums them over every host given (`--database` repeated, or `replicas` in the
//! configuration). While the statistics window (since the later of the last reset, the
//! server's start and the database's creation) is shorter than `--min-stats-age`, every index
//! looks unused: one finding says so instead.

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::foreign_key_support::supports_a_foreign_key;
use crate::schema::live_stats::{LiveStats, human_duration};
use crate::schema::{Index, Origin, Schema};

declare_rule!(
    UNUSED_INDEX,
    "unused-index",
    Info,
    "An index no query has scanned since the statistics were reset (live).",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    let candidates: Vec<&Index> = schema
        .indexes
        .values()
        .filter(|index| is_candidate(schema, index))
        .collect();
    if candidates.is_empty() {
        return;
    }
    if let Some(live) = &schema.live
        && !live.window_is_long_enough()
    {
        out.push(window_too_short(live, candidates.len()));
        return;
    }
    for index in candidates {
        let since = match (&schema.live, &schema.stats_reset) {
            (Some(live), _) if live.stats_since.is_some() => format!(
                "since {} ({}, {} ago){}",
                live.stats_since.as_deref().unwrap_or_default(),
                live.stats_since_cause,
                human_duration(live.stats_age_secs.unwrap_or(0)),
                if live.hosts.len() > 1 {
                    format!(" on any of the {} hosts read", live.hosts.len())
                } else {
                    String::new()
                }
            ),
            (_, Some(at)) => format!("since the statistics were last reset ({at})"),
            (_, None) => {
                "since statistics collection began (they were never reset)".to_string()
            }
        };
        let message = format!(
            "index `{}` on `{}` has not been scanned {since}: every write maintains it and no query reads it",
            index.name.name, index.table.name
        );
        let replicas = match &schema.live {
            Some(live) if live.hosts.len() > 1 => "",
            _ => "if it is unused on every replica too: ",
        };
        out.push(
            Finding::new(&UNUSED_INDEX, message, index.origin)
                .table(&index.table)
                .object(index.name.name.clone())
                .help(format!(
                    "{replicas}DROP INDEX CONCURRENTLY {};",
                    index.name
                )),
        );
    }
}

/// A plain, valid index with no scans (on every host read) that enforces and supports nothing.
fn is_candidate(schema: &Schema, index: &Index) -> bool {
    if index.scans != Some(0)
        || !index.valid
        || index.unique
        || index.primary
        || index.exclusion
        || index.constraint.is_some()
        || index.parent_index.is_some()
    {
        return false;
    }
    let Some(table) = schema.tables.get(&index.table) else {
        return false;
    };
    table.partition_of.is_none() && !supports_a_foreign_key(table, index)
}

/// The one finding that replaces the unused-index findings while the statistics are too young
/// to tell an unused index from one whose queries have not come yet (a fresh restore, a
/// restart, a reset).
fn window_too_short(live: &LiveStats, held_back: usize) -> Finding {
    let age = live
        .stats_age_secs
        .map_or("of unknown age".to_string(), |a| format!("{} old", human_duration(a)));
    let message = format!(
        "index usage statistics are {age} (since {}, when {}), shorter than the {} unused-index needs: \
         {held_back} index{} with no scans {} not reported",
        live.stats_since.as_deref().unwrap_or("an unknown time"),
        live.stats_since_cause,
        human_duration(live.min_stats_age_secs),
        if held_back == 1 { "" } else { "es" },
        if held_back == 1 { "was" } else { "were" },
    );
    Finding::new(&UNUSED_INDEX, message, Origin::Database).help(
        "audit again once the statistics cover a full cycle of the workload (weekly jobs included), or lower --min-stats-age",
    )
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint_model;
    use crate::schema::Schema;

    fn unused(schema: &Schema) -> Vec<String> {
        lint_model(&super::UNUSED_INDEX, schema)
            .into_iter()
            .map(|f| f.object.unwrap_or_default())
            .collect()
    }

    #[test]
    fn only_plain_indexes_with_no_scans_are_reported() {
        let mut schema = check_sql(
            "t.sql",
            "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\n\
             CREATE TABLE posts (id int PRIMARY KEY, author_id int REFERENCES users, editor_id int REFERENCES users, title text, at date);\n\
             CREATE INDEX posts_author_idx ON posts (author_id, at);\n\
             CREATE INDEX posts_editor_idx ON posts (editor_id) WHERE title IS NOT NULL;\n\
             CREATE INDEX posts_title_idx ON posts (title);\n\
             CREATE UNIQUE INDEX posts_title_at_key ON posts (title, at);\n\
             CREATE INDEX posts_at_idx ON posts (at);",
        )
        .schema;
        assert_eq!(
            unused(&schema),
            [] as [String; 0],
            "no statistics: nothing to say"
        );
        for index in schema.indexes.values_mut() {
            index.scans = Some(0);
        }
        schema
            .indexes
            .values_mut()
            .find(|i| i.name.name == "posts_at_idx")
            .unwrap()
            .scans = Some(12);
        // The primary keys, the unique constraint and index, and the FK's index stay; the
        // partial index on editor_id does not serve the FK (its predicate is not implied).
        assert_eq!(unused(&schema), ["posts_editor_idx", "posts_title_idx"]);
    }

    /// Replayed models never fire this live-only rule: their indexes have no catalog state.
    #[test]
    fn replayed_models_pass() {
        for sql in [
            "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);",
            "CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);\nCREATE INDEX p_at_idx ON p (at);",
        ] {
            assert_eq!(crate::rules::tests::lint(&super::UNUSED_INDEX, sql), []);
        }
    }

    /// Live-only: the failing case is a replayed model altered as the catalog would have it.
    #[test]
    fn a_constructed_live_model_fails() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);";
        let mut schema = check_sql("case.sql", sql).schema;
        schema.indexes.get_mut(&crate::schema::QualName::new("public", "t_a_idx")).unwrap().scans = Some(0);
        schema.stats_reset = Some("2026-01-01 00:00:00+00".to_string());
        let found = lint_model(&super::UNUSED_INDEX, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        insta::assert_snapshot!(crate::rules::tests::human_report(&found, sql));
    }

    /// A young statistics window holds every candidate back behind one finding.
    #[test]
    fn young_statistics_give_one_explanation() {
        let sql = "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nCREATE INDEX t_a_idx ON t (a);\nCREATE INDEX t_b_idx ON t (b);";
        let mut schema = check_sql("case.sql", sql).schema;
        for index in schema.indexes.values_mut() {
            index.scans = Some(0);
        }
        schema.live = Some(crate::schema::live_stats::LiveStats {
            hosts: vec!["db".into()],
            stats_since: Some("2026-11-30 05:00:00+00".into()),
            stats_age_secs: Some(180),
            stats_since_cause: "the database was created".into(),
            min_stats_age_secs: 7 * 86400,
            ..Default::default()
        });
        let found = lint_model(&super::UNUSED_INDEX, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].object, None);
        assert_eq!(
            found[0].message,
            "index usage statistics are 3 minutes old (since 2026-11-30 05:00:00+00, when the database was created), \
             shorter than the 7 days unused-index needs: 2 indexes with no scans were not reported"
        );
        schema.live.as_mut().unwrap().stats_age_secs = Some(8 * 86400);
        assert_eq!(unused(&schema), ["t_a_idx", "t_b_idx"]);
    }
}
