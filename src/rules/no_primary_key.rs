//! `no-primary-key`: a table without a PRIMARY KEY.

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::{Index, KeyTarget, Table, quote_ident};

declare_rule!(
    NO_PRIMARY_KEY,
    "no-primary-key",
    Info,
    "A table without a primary key.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let by_table = input.indexes_by_table();
    for table in input.schema.tables.values() {
        // A partition gets its parent's primary key; the parent is reported instead. A foreign
        // table cannot have a primary key (PostgreSQL refuses one): nothing to advise.
        if table.partition_of.is_some() || table.primary_key().is_some() || table.foreign.is_some()
        {
            continue;
        }
        let message = format!(
            "table `{}` has no primary key: logical replication cannot replicate its updates and deletes, and rows cannot be addressed reliably",
            table.name.name
        );
        let indexes = by_table.get(&table.name).map_or(&[][..], Vec::as_slice);
        let help = match indexes.iter().find(|i| promotable(table, i)) {
            Some(index) => format!(
                "ALTER TABLE {} ADD PRIMARY KEY USING INDEX {};",
                table.name,
                quote_ident(&index.name.name)
            ),
            None => format!("ALTER TABLE {} ADD PRIMARY KEY (…);", table.name),
        };
        out.push(
            Finding::new(&NO_PRIMARY_KEY, message, table.origin)
                .table(&table.name)
                .help(help),
        );
    }
}

/// Whether PostgreSQL would accept `ADD PRIMARY KEY USING INDEX` with this index: a plain
/// unique btree index on NOT NULL columns, ascending, with no predicate and no constraint.
fn promotable(table: &Table, index: &Index) -> bool {
    index.unique
        && index.valid
        && index.method == "btree"
        && index.constraint.is_none()
        && index.predicate.is_none()
        && index.include.is_empty()
        && !index.keys.is_empty()
        && index.keys.iter().all(|k| {
            !k.desc
                && !k.nulls_first
                && k.opclass.is_none()
                && k.collation.is_none()
                && matches!(&k.target, KeyTarget::Column(c)
                    if table.columns.get(c).is_some_and(|col| col.not_null))
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;
    use crate::finding::{Finding, Severity};

    fn findings(sql: &str) -> Vec<Finding> {
        lint(&super::NO_PRIMARY_KEY, sql)
    }

    #[test]
    fn a_table_without_a_primary_key_is_reported() {
        let sql = "CREATE TABLE ok (id int PRIMARY KEY);\nCREATE TABLE \"Logs\" (at timestamptz, line text);";
        let f = findings(sql);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[0].table.as_ref().unwrap().name, "Logs");
        assert!(f[0].message.contains("table `Logs` has no primary key"));
        assert_eq!(
            f[0].help.as_deref(),
            Some("ALTER TABLE public.\"Logs\" ADD PRIMARY KEY (…);")
        );
        let crate::schema::Origin::Sql { start, end, .. } = f[0].origin else {
            panic!()
        };
        assert_eq!(&sql[start as usize..end as usize], "\"Logs\"");
    }

    #[test]
    fn a_primary_key_added_later_counts() {
        assert!(
            findings("CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);").is_empty()
        );
        assert!(
            findings("CREATE TABLE t (a int, b int, CONSTRAINT t_pk PRIMARY KEY (a, b));")
                .is_empty()
        );
    }

    #[test]
    fn a_unique_constraint_is_not_a_primary_key() {
        assert_eq!(
            findings("CREATE TABLE t (id int UNIQUE NOT NULL);").len(),
            1
        );
    }

    #[test]
    fn a_unique_index_on_not_null_columns_is_offered() {
        let f = findings(
            "CREATE TABLE t (id int NOT NULL, email text);
             CREATE UNIQUE INDEX t_email ON t (email);
             CREATE UNIQUE INDEX t_id ON t (id);",
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("ALTER TABLE public.t ADD PRIMARY KEY USING INDEX t_id;")
        );
    }

    #[test]
    fn dropping_the_primary_key_is_reported() {
        assert_eq!(
            findings("CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t DROP CONSTRAINT t_pkey;")
                .len(),
            1
        );
    }

    #[test]
    fn partitions_are_not_reported() {
        let sql = "CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n\
                   CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
        assert!(findings(sql).is_empty());
        let no_pk = "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\n\
                     CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
        let f = findings(no_pk);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].table.as_ref().unwrap().name, "m");
    }

    crate::rules::tests::rule_cases!(
        super::NO_PRIMARY_KEY,
        pass: [
            "CREATE TABLE t (id int PRIMARY KEY);",
            "CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;\nCREATE FOREIGN TABLE ext (id int NOT NULL) SERVER files OPTIONS (filename '/tmp/ext.csv');",
        ],
        fail: ["CREATE TABLE t (a int);", "CREATE TABLE t (id int NOT NULL, at date);\nCREATE UNIQUE INDEX t_id ON t (id);"],
    );
}
