//! `vector-index-on-empty-table`: an IVFFlat index built in the same history that created its
//! table, with no statement in between that could have loaded rows into it.
//!
//! IVFFlat picks its list centroids from the rows present when the index is built. Built on an
//! empty table, every later row lands in lists chosen from nothing and recall stays poor until
//! the index is rebuilt (pgvector 0.8.4 and later refuse to build it at all).

use rustc_hash::FxHashMap as HashMap;

use super::{Check, RuleInput};
use crate::finding::Finding;
use crate::schema::replay::Event;
use crate::schema::{KeyTarget, Origin, QualName, quote_ident};

declare_rule!(
    VECTOR_INDEX_ON_EMPTY_TABLE,
    "vector-index-on-empty-table",
    Warning,
    "An IVFFlat index built right after its table was created, before any data could be loaded.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let schema = input.schema;
    // For each table created in the history: where, and whether rows may have arrived since.
    let mut created: HashMap<&QualName, (Origin, bool)> = HashMap::default();
    // The last creation of each index name wins: an earlier index of that name was dropped.
    let mut built: Vec<(&QualName, Origin)> = Vec::new();
    for event in input.events {
        match event {
            Event::TableCreated { table, location } => {
                created.insert(table, (*location, false));
            }
            Event::DataLoad { tables, .. } => match tables {
                Some(tables) => {
                    for t in tables {
                        if let Some(entry) = created.get_mut(t) {
                            entry.1 = true;
                        }
                    }
                }
                None => created.values_mut().for_each(|e| e.1 = true),
            },
            Event::IndexCreated { index, location } => {
                built.retain(|(name, _)| *name != index);
                let Some(def) = schema.indexes.get(index) else {
                    continue;
                };
                if def.method != "ivfflat" {
                    continue;
                }
                if let Some((_, false)) = created.get(&def.table) {
                    built.push((index, *location));
                }
            }
            _ => {}
        }
    }
    for (name, location) in built {
        let Some(index) = schema.indexes.get(name) else {
            continue;
        };
        let table_origin = created.get(&index.table).map(|e| e.0).unwrap_or_default();
        let keys: Vec<String> = index
            .keys
            .iter()
            .map(|k| {
                let target = match &k.target {
                    KeyTarget::Column(c) => quote_ident(c).into_owned(),
                    KeyTarget::Expr(e) => format!("({})", e.text()),
                };
                // IVFFlat's default opclass; HNSW has none and needs it spelled out.
                let opclass = k.opclass.as_deref().unwrap_or("vector_l2_ops");
                format!("{target} {opclass}")
            })
            .collect();
        let message = format!(
            "IVFFlat index `{}` is built while table `{}` is still empty (no statement loads rows between its creation and the index): its lists are chosen from no rows and recall stays poor until it is rebuilt",
            index.name.name, index.table.name
        );
        out.push(
            Finding::new(&VECTOR_INDEX_ON_EMPTY_TABLE, message, location)
                .table(&index.table)
                .object(index.name.name.clone())
                .help(format!(
                    "build it after loading the data, or use HNSW, which needs no training data: CREATE INDEX {} ON {} USING hnsw ({});",
                    quote_ident(&index.name.name),
                    index.table,
                    keys.join(", ")
                ))
                .related(
                    index.table.to_string(),
                    table_origin,
                    format!("table `{}` is created here", index.table.name),
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check_sql;
    use crate::rules::tests::lint;

    const T: &str = "CREATE EXTENSION IF NOT EXISTS vector;\n\
                     CREATE TABLE chunks (id bigint PRIMARY KEY, embedding vector(3));\n";
    const IVF: &str = "CREATE INDEX chunks_embedding_idx ON chunks USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);\n";

    fn objects(sql: &str) -> Vec<String> {
        lint(&super::VECTOR_INDEX_ON_EMPTY_TABLE, sql)
            .into_iter()
            .map(|f| f.object.unwrap_or_default())
            .collect()
    }

    #[test]
    fn an_ivfflat_index_right_after_create_table_is_reported() {
        let run = check_sql("t.sql", &format!("{T}{IVF}"));
        let f: Vec<_> = run
            .findings
            .iter()
            .filter(|f| f.rule == "vector-index-on-empty-table")
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].object.as_deref(), Some("chunks_embedding_idx"));
        assert_eq!(
            f[0].message,
            "IVFFlat index `chunks_embedding_idx` is built while table `chunks` is still empty (no statement loads rows between its creation and the index): its lists are chosen from no rows and recall stays poor until it is rebuilt"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "build it after loading the data, or use HNSW, which needs no training data: CREATE INDEX chunks_embedding_idx ON public.chunks USING hnsw (embedding vector_cosine_ops);"
            )
        );
        assert_eq!(f[0].related[0].object, "public.chunks");
    }

    #[test]
    fn data_loaded_in_between_silences_it() {
        for load in [
            "INSERT INTO chunks VALUES (1, '[1,2,3]');\n",
            "COPY chunks FROM '/tmp/chunks.csv';\n",
            "SELECT load_chunks();\n",
            "CALL load_everything();\n",
            "DO $$ BEGIN INSERT INTO chunks VALUES (1, '[1,2,3]'); END $$;\n",
            "DO $$ BEGIN PERFORM load_chunks(); END $$;\n",
        ] {
            assert_eq!(
                objects(&format!("{T}{load}{IVF}")),
                [] as [String; 0],
                "{load}"
            );
        }
    }

    #[test]
    fn data_for_another_table_does_not_count() {
        let sql = format!(
            "{T}CREATE TABLE other (id int);\nINSERT INTO other VALUES (1);\nSELECT 1;\n{IVF}"
        );
        assert_eq!(objects(&sql), ["chunks_embedding_idx"]);
    }

    #[test]
    fn hnsw_and_tables_from_elsewhere_are_fine() {
        assert_eq!(
            objects(&format!(
                "{T}CREATE INDEX ON chunks USING hnsw (embedding vector_cosine_ops);\n"
            )),
            [] as [String; 0]
        );
        // The table was not created in this history: it may hold rows.
        assert_eq!(
            objects("CREATE INDEX i ON chunks USING ivfflat (embedding vector_cosine_ops);\n"),
            [] as [String; 0]
        );
    }

    #[test]
    fn a_recreated_table_starts_empty_again() {
        let sql =
            format!("{T}INSERT INTO chunks VALUES (1, '[1,2,3]');\nDROP TABLE chunks;\n{T}{IVF}");
        assert_eq!(objects(&sql), ["chunks_embedding_idx"]);
    }

    crate::rules::tests::rule_cases!(
        super::VECTOR_INDEX_ON_EMPTY_TABLE,
        pass: ["CREATE EXTENSION vector;\nCREATE TABLE c (id int PRIMARY KEY, e vector(3));\nINSERT INTO c VALUES (1, '[1,2,3]');\nCREATE INDEX c_e ON c USING ivfflat (e vector_cosine_ops);"],
        fail: ["CREATE EXTENSION vector;\nCREATE TABLE c (id int PRIMARY KEY, e vector(3));\nCREATE INDEX c_e ON c USING ivfflat (e vector_cosine_ops);"],
    );
}
