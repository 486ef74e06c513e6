//! `sequence-near-limit` (live): a sequence that has used more than 80% of the values it can
//! hand out: the lower of its own maximum and the maximum of the column it feeds (an `integer`
//! primary key stops inserts at 2,147,483,647 whatever its sequence's type).

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::Origin;

declare_rule!(
    SEQUENCE_NEAR_LIMIT,
    "sequence-near-limit",
    Warning,
    "A sequence past 80% of the values its type or column can hold (live).",
    Check::Model(check)
);

/// The share of the range past which a sequence is reported.
pub const THRESHOLD: f64 = 0.8;

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(live) = &input.schema.live else { return };
    for seq in &live.sequences {
        let Some(last) = seq.last_value.filter(|v| *v > 0) else {
            continue;
        };
        if seq.limit <= 0 {
            continue;
        }
        let used = last as f64 / seq.limit as f64;
        if used < THRESHOLD {
            continue;
        }
        let feeds = match &seq.column {
            Some((table, column, ty)) => format!(" feeding `{}.{column}` ({ty})", table.name),
            None => String::new(),
        };
        let message = format!(
            "sequence `{}`{feeds} is at {last} of {} ({:.1}%): {} values are left before inserts fail",
            seq.name.name,
            seq.limit,
            used * 100.0,
            seq.limit - last
        );
        let help = match &seq.column {
            Some((table, column, _)) => format!(
                "ALTER TABLE {table} ALTER COLUMN {} TYPE bigint; ALTER SEQUENCE {} AS bigint; (rewrites the table: plan it, or move to a new bigint column)",
                crate::schema::quote_ident(column),
                seq.name
            ),
            None => format!("ALTER SEQUENCE {} AS bigint;", seq.name),
        };
        let mut f = Finding::new(&SEQUENCE_NEAR_LIMIT, message, Origin::Database)
            .object(seq.name.name.clone())
            .help(help);
        if let Some((table, _, _)) = &seq.column {
            f = f.table(table);
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::{human_report, lint_model};
    use crate::schema::QualName;
    use crate::schema::live_stats::{LiveStats, SequenceStats};

    #[test]
    fn past_the_threshold_of_the_column_type() {
        let sql = "CREATE TABLE orders (id serial PRIMARY KEY);";
        let mut schema = check_sql("case.sql", sql).schema;
        assert!(lint_model(&super::SEQUENCE_NEAR_LIMIT, &schema).is_empty(), "offline: silent");
        let seq = |last: Option<i64>| SequenceStats {
            name: QualName::new("public", "orders_id_seq"),
            last_value: last,
            limit: 2_147_483_647,
            column: Some((QualName::new("public", "orders"), "id".into(), "integer".into())),
        };
        schema.live = Some(LiveStats {
            sequences: vec![seq(None), seq(Some(1_000_000)), seq(Some(1_900_000_000))],
            ..LiveStats::default()
        });
        let found = lint_model(&super::SEQUENCE_NEAR_LIMIT, &schema);
        assert_eq!(found.len(), 1, "{found:#?}");
        insta::assert_snapshot!(human_report(&found, sql));
    }
}
