use super::*;
use crate::check::check_sql;

/// The schema and events `sql` replays to (no statement may fail to parse).
pub(super) fn replay(sql: &str) -> (Schema, Vec<Event>) {
    let mut r = Replay::new(None);
    let mut unparsed = Vec::new();
    crate::check::replay_text(sql, 0, 0, &mut r, &mut unparsed);
    assert!(unparsed.is_empty(), "unexpected parse errors: {unparsed:?}");
    r.settle();
    (r.schema, r.events)
}

fn q(name: &str) -> QualName {
    match name.split_once('.') {
        Some((s, n)) => QualName::new(s, n),
        None => QualName::new("public", name),
    }
}

fn index_names(schema: &Schema) -> Vec<String> {
    schema.indexes.keys().map(|k| k.name.clone()).collect()
}

fn key_columns(schema: &Schema, index: &str) -> Vec<String> {
    schema.indexes[&q(index)]
        .keys
        .iter()
        .flat_map(|k| k.columns())
        .map(str::to_string)
        .collect()
}

#[test]
fn implicit_names_follow_postgresql() {
    let (s, _) = replay(
        "CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int, c int, UNIQUE (b, c));
         CREATE INDEX ON t (a);
         CREATE INDEX ON t (a);
         CREATE INDEX ON t (lower(b::text), c);
         CREATE TABLE u (id int PRIMARY KEY, t_id int REFERENCES t);",
    );
    assert_eq!(
        index_names(&s),
        [
            "t_pkey",
            "t_a_key",
            "t_b_c_key",
            "t_a_idx",
            "t_a_idx1",
            "t_expr_c_idx",
            "u_pkey"
        ]
    );
    let u = &s.tables[&q("u")];
    let (fk, def) = u.foreign_keys().next().unwrap();
    assert_eq!(fk.name, "u_t_id_fkey");
    assert_eq!(
        def.ref_columns,
        ["id"],
        "REFERENCES t means t's primary key"
    );
    assert!(s.tables[&q("t")].columns["id"].not_null);
}

#[test]
fn unique_identical_to_the_primary_key_is_merged() {
    let (s, _) = replay("CREATE TABLE t (id int PRIMARY KEY UNIQUE);");
    assert_eq!(index_names(&s), ["t_pkey"]);
}

#[test]
fn long_names_are_truncated_like_postgresql() {
    let table = "a_very_long_table_name_that_goes_on_and_on_and_on_forever_and_ever";
    let (s, _) = replay(&format!(
        "CREATE TABLE {table} (some_rather_long_column_name int); CREATE INDEX ON {table} (some_rather_long_column_name);"
    ));
    let t = &s.tables.keys().next().unwrap().name;
    assert_eq!(t.len(), 63);
    let idx = &index_names(&s)[0];
    assert_eq!(idx.len(), 63);
    assert!(idx.ends_with("_idx"), "{idx}");
}

#[test]
fn drop_column_drops_its_indexes_and_constraints() {
    let (s, _) = replay(
        "CREATE TABLE p (id int PRIMARY KEY);
         CREATE TABLE t (id int PRIMARY KEY, a int, b int REFERENCES p, c int, UNIQUE (a, c));
         CREATE INDEX t_a ON t (a);
         CREATE INDEX t_c_partial ON t (c) WHERE a > 0;
         CREATE INDEX t_c ON t (c);
         ALTER TABLE t DROP COLUMN a, DROP COLUMN b;",
    );
    assert_eq!(index_names(&s), ["p_pkey", "t_pkey", "t_c"]);
    let t = &s.tables[&q("t")];
    assert_eq!(t.constraints.keys().collect::<Vec<_>>(), ["t_pkey"]);
}

#[test]
fn rename_column_renames_everywhere() {
    let (s, _) = replay(
        "CREATE TABLE p (id int PRIMARY KEY);
         CREATE TABLE t (id int PRIMARY KEY, created int, p_id int REFERENCES p (id));
         CREATE INDEX t_expr ON t ((created + 1)) WHERE created > 0;
         CREATE INDEX t_inc ON t (id) INCLUDE (created);
         ALTER TABLE t RENAME COLUMN created TO inserted;
         ALTER TABLE p RENAME COLUMN id TO pid;",
    );
    let expr = &s.indexes[&q("t_expr")];
    assert_eq!(key_columns(&s, "t_expr"), ["inserted"]);
    assert_eq!(expr.predicate.as_ref().unwrap().columns, ["inserted"]);
    assert_eq!(s.indexes[&q("t_inc")].include, ["inserted"]);
    let (_, fk) = s.tables[&q("t")].foreign_keys().next().unwrap();
    assert_eq!(fk.ref_columns, ["pid"]);
    assert_eq!(key_columns(&s, "p_pkey"), ["pid"]);
}

#[test]
fn renaming_onto_an_existing_column_changes_nothing() {
    // What a replay on top of a database that already ran the migration meets: the target
    // name exists. PostgreSQL refuses the rename; the last column renamed onto the first one
    // used to panic.
    for sql in [
        "CREATE TABLE t (a int, b int, c text); CREATE INDEX ON t (c); ALTER TABLE t RENAME COLUMN c TO a;",
        "CREATE TABLE t (a int, b text, c int); CREATE INDEX ON t (b); ALTER TABLE t RENAME COLUMN b TO a;",
    ] {
        let (s, _) = replay(sql);
        let t = &s.tables[&q("t")];
        let names: Vec<&str> = t.columns.keys().map(String::as_str).collect();
        assert_eq!(names, ["a", "b", "c"], "{sql}");
        assert_eq!(t.columns["a"].type_name, "integer", "{sql}");
        let indexed = &key_columns(&s, &index_names(&s)[0]);
        assert_ne!(indexed, &["a"], "{sql}");
    }
}

#[test]
fn rename_and_move_tables_keep_indexes_and_references() {
    let (s, _) = replay(
        "CREATE SCHEMA archive;
         CREATE TABLE users (id int PRIMARY KEY);
         CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);
         CREATE INDEX posts_user ON posts (user_id);
         ALTER TABLE users RENAME TO accounts;
         ALTER TABLE posts SET SCHEMA archive;",
    );
    assert!(s.tables.contains_key(&q("accounts")));
    assert_eq!(
        s.indexes[&q("users_pkey")].table,
        q("accounts"),
        "an index keeps its name when its table is renamed"
    );
    assert_eq!(
        s.indexes[&q("archive.posts_user")].table,
        q("archive.posts")
    );
    let (_, fk) = s.tables[&q("archive.posts")].foreign_keys().next().unwrap();
    assert_eq!(fk.ref_table, q("accounts"));
}

#[test]
fn renaming_a_constraint_index_renames_the_constraint() {
    let (s, _) = replay(
        "CREATE TABLE t (id int, CONSTRAINT t_pk PRIMARY KEY (id));
         ALTER INDEX t_pk RENAME TO t_pkey;
         ALTER TABLE t RENAME CONSTRAINT t_pkey TO t_primary;",
    );
    assert_eq!(index_names(&s), ["t_primary"]);
    assert_eq!(s.tables[&q("t")].primary_key().unwrap().name, "t_primary");
}

#[test]
fn drop_table_drops_foreign_keys_pointing_at_it() {
    let (s, _) = replay(
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
         DROP TABLE a CASCADE;",
    );
    assert_eq!(s.tables[&q("b")].foreign_keys().count(), 0);
    assert_eq!(index_names(&s), ["b_pkey"]);
}

#[test]
fn if_not_exists_on_an_existing_name_is_a_conflict_event() {
    let (s, events) = replay(
        "CREATE TABLE t (a int, b int);
         CREATE INDEX IF NOT EXISTS t_idx ON t (a);
         CREATE INDEX IF NOT EXISTS t_idx ON t (b);",
    );
    assert_eq!(
        key_columns(&s, "t_idx"),
        ["a"],
        "the second statement is a silent no-op"
    );
    let conflict = events.iter().find_map(|e| match e {
        Event::NameConflict {
            if_not_exists,
            new_index,
            ..
        } => Some((*if_not_exists, new_index.clone())),
        _ => None,
    });
    let (ine, new) = conflict.expect("a name conflict event");
    assert!(ine);
    assert_eq!(new.keys[0], IndexKey::column("b"));
}

#[test]
fn search_path_decides_where_objects_go() {
    let (s, _) = replay(
        "CREATE SCHEMA app;
         SET search_path TO app, public;
         CREATE TABLE t (id int);
         RESET search_path;
         CREATE TABLE t (id int);
         SELECT pg_catalog.set_config('search_path', '', false);
         CREATE TABLE app.u (id int);",
    );
    assert!(s.tables.contains_key(&q("app.t")));
    assert!(s.tables.contains_key(&q("public.t")));
    assert!(s.tables.contains_key(&q("app.u")));
}

#[test]
fn drizzle_do_blocks_add_their_foreign_keys() {
    let (s, _) = replay(
        r#"CREATE TABLE IF NOT EXISTS "users" ("id" uuid PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "posts" ("id" uuid PRIMARY KEY NOT NULL, "author_id" uuid NOT NULL);
--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;"#,
    );
    let (c, fk) = s.tables[&q("posts")]
        .foreign_keys()
        .next()
        .expect("the FK inside DO is replayed");
    assert_eq!(c.name, "posts_author_id_users_id_fk");
    assert_eq!(fk.on_delete, 'c');
}

#[test]
fn missing_column_inside_a_do_block_points_into_the_block() {
    let sql = "CREATE TABLE t (a int);\nDO $$ BEGIN CREATE INDEX t_b ON t (b); END $$;";
    let run = check_sql("x.sql", sql);
    let f = run
        .findings
        .iter()
        .find(|f| f.rule == "index-missing-column")
        .expect("finding");
    let Origin::Sql { start, end, .. } = f.origin else {
        panic!()
    };
    assert_eq!(&sql[start as usize..end as usize], "b");
}

#[test]
fn partitioned_indexes_propagate_to_partitions() {
    let (s, _) = replay(
        "CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         CREATE INDEX m_at ON m (at);
         CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    );
    assert_eq!(s.tables[&q("m_2024")].columns.len(), 2);
    let mut names = index_names(&s);
    names.sort();
    assert_eq!(
        names,
        [
            "m_2024_at_idx",
            "m_2024_pkey",
            "m_2025_at_idx",
            "m_2025_pkey",
            "m_at",
            "m_pkey"
        ]
    );
    assert_eq!(s.indexes[&q("m_2025_at_idx")].parent_index, Some(q("m_at")));
}

#[test]
fn create_table_as_takes_the_query_columns() {
    let (s, _) = replay(
        "CREATE TABLE a (x int, y text);
         CREATE TABLE b AS SELECT x, max(y) AS top, y::varchar, count(*) FROM a GROUP BY x, y;",
    );
    let cols: Vec<&String> = s.tables[&q("b")].columns.keys().collect();
    assert_eq!(cols, ["x", "top", "y", "count"]);
}

#[test]
fn missing_columns_are_reported_at_the_name() {
    let sql = "CREATE TABLE s (token text PRIMARY KEY, expires timestamp);\n\
               CREATE INDEX s_exp ON s (token) INCLUDE (expires_at) WHERE expired_flag;";
    let (_, events) = replay(sql);
    let spans: Vec<(&str, &str)> = events
        .iter()
        .filter_map(|e| match e {
            Event::MissingColumn {
                column,
                location: Origin::Sql { start, end, .. },
                ..
            } => Some((column.as_str(), &sql[*start as usize..*end as usize])),
            _ => None,
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("expires_at", "expires_at"),
            ("expired_flag", "expired_flag")
        ]
    );
}

#[test]
fn foreign_keys_need_a_unique_target() {
    let (s, events) = replay(
        "CREATE TABLE u (id int PRIMARY KEY, email text);
         CREATE TABLE i (id int, email text REFERENCES u (email));",
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NoUniqueTarget { .. }))
    );
    assert_eq!(s.tables[&q("i")].foreign_keys().count(), 0);
}

#[test]
fn unknown_tables_are_events_not_guesses() {
    let (s, events) = replay("ALTER TABLE ghosts ADD COLUMN x int; CREATE INDEX g ON ghosts (x);");
    assert!(s.tables.is_empty());
    let missing = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::MissingTable {
                    reference_checked: false,
                    ..
                }
            )
        })
        .count();
    assert_eq!(missing, 2);
}

#[test]
fn a_reference_schema_answers_for_unknown_tables() {
    let (reference, _) =
        replay("CREATE TABLE sessions (token text PRIMARY KEY, expires timestamp);");
    let mut r = Replay::new(Some(&reference));
    let mut unparsed = Vec::new();
    crate::check::replay_text(
        "CREATE INDEX s_exp ON sessions (expires_at);",
        0,
        0,
        &mut r,
        &mut unparsed,
    );
    let missing: Vec<&str> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::MissingColumn {
                column, candidates, ..
            } => {
                assert!(candidates.iter().any(|(c, _)| c == "expires"));
                Some(column.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(missing, ["expires_at"]);
}

#[test]
fn a_policy_of_a_table_from_the_reference_keeps_the_columns_it_reads() {
    // The database has the policy; the migrations touch both tables, then drop a column the
    // policy's subquery reads: PostgreSQL refuses that.
    let (reference, _) = replay(
        "CREATE TABLE members (id int, uid text);
         CREATE TABLE docs (id int);
         CREATE POLICY p_docs ON docs USING (EXISTS (SELECT 1 FROM members m WHERE m.uid = current_user));",
    );
    let mut r = Replay::new(Some(&reference));
    let mut unparsed = Vec::new();
    crate::check::replay_text(
        "ALTER TABLE docs ADD COLUMN x int;
         ALTER TABLE members ADD COLUMN y int;
         ALTER TABLE members DROP COLUMN uid;",
        0,
        0,
        &mut r,
        &mut unparsed,
    );
    let dependents: Vec<&crate::schema::dependencies::Dependent> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Dependents(d) => Some(&d.dependents),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        dependents,
        [&crate::schema::dependencies::Dependent::Policy(
            q("docs"),
            "p_docs".to_string()
        )]
    );
}

#[test]
fn using_index_turns_an_index_into_a_constraint() {
    let (s, _) = replay(
        "CREATE TABLE t (id int NOT NULL, code text);
         CREATE UNIQUE INDEX t_code_idx ON t (code);
         ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE USING INDEX t_code_idx;",
    );
    assert_eq!(index_names(&s), ["t_code_key"]);
    assert_eq!(
        s.indexes[&q("t_code_key")].constraint.as_deref(),
        Some("t_code_key")
    );
}

#[test]
fn drop_constraint_drops_dependent_foreign_keys_and_index() {
    let (s, _) = replay(
        "CREATE TABLE a (id int, CONSTRAINT a_pkey PRIMARY KEY (id));
         CREATE TABLE b (a_id int REFERENCES a (id));
         ALTER TABLE a DROP CONSTRAINT a_pkey CASCADE;",
    );
    assert!(s.indexes.is_empty());
    assert_eq!(s.tables[&q("b")].foreign_keys().count(), 0);
}

#[test]
fn quoted_and_unquoted_names_differ() {
    let (s, _) = replay(r#"CREATE TABLE "Users" ("userId" int); CREATE TABLE users (id int);"#);
    assert!(s.tables.contains_key(&q("Users")));
    assert!(s.tables.contains_key(&q("users")));
    assert!(s.tables[&q("Users")].columns.contains_key("userId"));
}

fn data_loads(sql: &str) -> Vec<Option<Vec<String>>> {
    let (_, events) = replay(sql);
    events
        .iter()
        .filter_map(|e| match e {
            Event::DataLoad { tables, .. } => Some(
                tables
                    .as_ref()
                    .map(|ts| ts.iter().map(|t| t.to_string()).collect()),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn data_loads_name_the_tables_they_write_into() {
    let tables = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(
        data_loads(
            "CREATE SCHEMA app;
             CREATE TABLE app.docs (id int);
             SET search_path TO app, public;
             INSERT INTO docs VALUES (1);
             INSERT INTO public.\"Items\" (a) SELECT 1;
             COPY app.docs (id) FROM stdin;
1
\\.
             UPDATE ONLY docs SET id = 2;
             DELETE FROM docs;
             SELECT 1;
             SELECT seed_documents();
             CALL load_all();
             WITH x AS (INSERT INTO docs VALUES (3) RETURNING id) SELECT * FROM x;
             CREATE TABLE copied AS SELECT id FROM app.docs;
             CREATE TABLE empty_copy AS SELECT id FROM app.docs WITH NO DATA;"
        ),
        vec![
            tables(&["app.docs"]),
            tables(&["public.\"Items\""]),
            tables(&["app.docs"]),
            tables(&["app.docs"]),
            tables(&["app.docs"]),
            None,
            None,
            None,
            tables(&["app.copied"]),
        ]
    );
}

#[test]
fn do_blocks_load_data_through_their_statements() {
    assert_eq!(
        data_loads(
            "CREATE TABLE t (id int);
             DO $$ BEGIN INSERT INTO t VALUES (1); END $$;
             DO $$ BEGIN PERFORM seed(); END $$;
             DO $$ BEGIN ALTER TABLE t ADD COLUMN a int; EXCEPTION WHEN duplicate_column THEN NULL; END $$;"
        ),
        vec![Some(vec!["public.t".to_string()]), None]
    );
}

#[test]
fn indexes_stay_in_creation_order_through_drops_and_renames() {
    let (s, _) = replay(
        "CREATE TABLE t (a int, b int, c int);
         CREATE INDEX ia ON t (a);
         CREATE INDEX ib ON t (b);
         CREATE INDEX ic ON t (c);
         DROP INDEX ia;
         ALTER INDEX ib RENAME TO ib2;
         CREATE INDEX ia ON t (a);
         ALTER TABLE t DROP COLUMN c;
         CREATE INDEX ic ON t (b, a);",
    );
    assert_eq!(index_names(&s), ["ib2", "ia", "ic"]);
}

#[test]
fn renaming_onto_a_name_that_is_taken_changes_nothing() {
    // Found by the check_sql fuzz target (minimised): renaming a table onto an existing
    // table's name panicked in `rekey`. PostgreSQL refuses the rename; so does the replay.
    let (s, _) = replay(
        "cREATE TABLE \"Q\"(x x);\nALTER TABLE\"Q\" RENAME TO q2;  CREATE TABLE \"Q\" (x t);\nALTER TABLE \"Q\"RENAME TO q2",
    );
    let names: Vec<String> = s.tables.keys().map(|k| k.name.clone()).collect();
    assert_eq!(names, ["q2", "Q"]);
    assert_eq!(s.tables[&q("Q")].columns["x"].type_name, "t");
    // Indexes: renaming onto a taken name keeps both.
    let (s, _) = replay(
        "CREATE TABLE t (a int, b int); CREATE INDEX ia ON t (a); CREATE INDEX ib ON t (b);
         ALTER INDEX ia RENAME TO ib;",
    );
    assert_eq!(index_names(&s), ["ia", "ib"]);
}

#[test]
fn moving_a_table_onto_a_taken_index_name_does_not_panic() {
    let (s, _) = replay(
        "CREATE SCHEMA b;
         CREATE TABLE b.other (x int);
         CREATE INDEX t_x ON b.other (x);
         CREATE TABLE t (x int);
         CREATE INDEX t_x ON t (x);
         ALTER TABLE t SET SCHEMA b;",
    );
    assert!(s.tables.contains_key(&q("b.t")));
    assert_eq!(s.indexes[&q("b.t_x")].table, q("b.other"));
    assert_eq!(s.indexes[&q("public.t_x")].table, q("b.t"));
}

#[test]
fn using_index_with_a_taken_constraint_name_changes_nothing() {
    let (s, _) = replay(
        "CREATE TABLE taken (id int);
         CREATE TABLE t (code text);
         CREATE UNIQUE INDEX t_code_idx ON t (code);
         ALTER TABLE t ADD CONSTRAINT taken UNIQUE USING INDEX t_code_idx;",
    );
    assert_eq!(index_names(&s), ["t_code_idx"]);
    assert!(s.tables[&q("t")].constraints.is_empty());
}

#[test]
fn a_policy_without_to_applies_to_public() {
    let (s, _) = replay(
        "CREATE TABLE d (tenant_id int);
         CREATE POLICY p ON d USING (tenant_id = 1);
         CREATE POLICY q ON d TO app_user USING (true);",
    );
    let roles: Vec<&Vec<String>> = s.tables[&q("d")]
        .policies
        .iter()
        .map(|p| &p.roles)
        .collect();
    assert_eq!(
        roles,
        [&vec!["public".to_string()], &vec!["app_user".to_string()]]
    );
}

fn sequence_names(schema: &Schema) -> Vec<String> {
    schema
        .other_relations
        .iter()
        .filter(|(_, o)| o.kind == RelKind::Sequence)
        .map(|(q, _)| q.name.clone())
        .collect()
}

#[test]
fn serial_and_identity_columns_get_sequences_however_they_are_added() {
    let (s, _) = replay(
        "CREATE TABLE t (id serial, code int GENERATED ALWAYS AS IDENTITY, n int NOT NULL);
         ALTER TABLE t ADD COLUMN big bigserial;
         ALTER TABLE t ADD COLUMN ident int GENERATED BY DEFAULT AS IDENTITY;
         ALTER TABLE t ALTER COLUMN n ADD GENERATED ALWAYS AS IDENTITY;",
    );
    assert_eq!(
        sequence_names(&s),
        [
            "t_id_seq",
            "t_code_seq",
            "t_big_seq",
            "t_ident_seq",
            "t_n_seq"
        ]
    );
    let t = &s.tables[&q("t")];
    assert_eq!(
        t.columns["big"].default.as_deref(),
        Some("nextval('t_big_seq'::regclass)")
    );
    assert_eq!(
        t.columns["ident"].default, None,
        "an identity column has no default"
    );
    assert!(t.columns["ident"].not_null);
}

#[test]
fn sequence_names_are_shortened_and_numbered_like_postgresql() {
    let table = "t".repeat(60);
    let (s, _) = replay(&format!(
        "CREATE SEQUENCE u_id_seq;
         CREATE TABLE u (id serial);
         CREATE TABLE {table} (id serial);
         ALTER TABLE {table} ADD COLUMN {column} serial;",
        column = "c".repeat(70),
    ));
    // makeObjectName shortens the longer of table and column names until `_seq` fits.
    let long = format!("{}_id_seq", "t".repeat(56));
    assert_eq!(
        sequence_names(&s),
        [
            "u_id_seq".to_string(),
            "u_id_seq1".to_string(),
            long.clone(),
            format!("{}_{}_seq", "t".repeat(29), "c".repeat(29)),
        ]
    );
    assert_eq!(
        s.tables[&q(&"t".repeat(60))].columns["id"].default,
        Some(format!("nextval('{long}'::regclass)"))
    );
}

#[test]
fn attach_partition_adopts_an_index_with_the_default_opclass_spelled_out() {
    let (s, _) = replay(
        "CREATE TABLE m (name text, at date) PARTITION BY RANGE (at);
         CREATE INDEX m_name ON m (name);
         CREATE TABLE m_2024 (name text, at date);
         CREATE INDEX m_2024_name ON m_2024 (name text_ops);
         CREATE INDEX m_2024_pattern ON m_2024 (name text_pattern_ops);
         ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    );
    let mut names = index_names(&s);
    names.sort();
    assert_eq!(names, ["m_2024_name", "m_2024_pattern", "m_name"]);
    assert_eq!(s.indexes[&q("m_2024_name")].parent_index, Some(q("m_name")));
    assert_eq!(s.indexes[&q("m_2024_pattern")].parent_index, None);
}

#[test]
fn a_partition_copy_of_an_exclusion_constraint_is_named_excl() {
    let (s, _) = replay(
        "CREATE TABLE m (room int, during tstzrange, at date,
             EXCLUDE USING gist (room WITH =, during WITH &&, at WITH =)) PARTITION BY RANGE (at);
         CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    );
    let copy = "m_2024_room_during_at_excl";
    assert_eq!(
        s.indexes[&q(copy)].parent_index,
        Some(q("m_room_during_at_excl"))
    );
    assert_eq!(
        s.tables[&q("m_2024")].constraints[copy].kind,
        ConstraintKind::Exclude
    );
}

#[test]
fn same_definition_fills_in_default_opclasses_and_keeps_uniqueness() {
    let (s, events) = replay(
        "CREATE TABLE t (email text, n int);
         CREATE INDEX i ON t (email);
         CREATE INDEX IF NOT EXISTS i ON t (email text_ops);
         CREATE INDEX IF NOT EXISTS i ON t (email text_pattern_ops);
         CREATE UNIQUE INDEX IF NOT EXISTS i ON t (email);",
    );
    let same: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            Event::NameConflict {
                existing_index: Some(old),
                new_index,
                ..
            } => Some((
                old.same_definition(new_index, &s),
                same_definition(old, new_index),
            )),
            _ => None,
        })
        .map(|(with_schema, without)| {
            assert_eq!(
                with_schema, without,
                "the schema does not change the answer here"
            );
            with_schema
        })
        .collect();
    assert_eq!(same, [true, false, false]);
}

#[test]
fn freed_generated_names_are_reused_as_postgresql_reuses_them() {
    // PostgreSQL's ChooseRelationName takes the first free suffix: after dropping t_a_idx1 the
    // next unnamed index is t_a_idx1 again, then the search goes on past the highest.
    let (s, _) = replay(
        "CREATE TABLE t (a int, b int);
         CREATE INDEX ON t (a);
         CREATE INDEX ON t (a);
         CREATE INDEX ON t (a);
         DROP INDEX t_a_idx1;
         CREATE INDEX ON t (a);
         CREATE INDEX ON t (a);
         ALTER INDEX t_a_idx RENAME TO kept;
         CREATE INDEX ON t (a);
         ALTER TABLE t ADD CHECK (b > 0), ADD CHECK (b > 1);
         ALTER TABLE t DROP CONSTRAINT t_b_check;
         ALTER TABLE t ADD CHECK (b > 2);",
    );
    let mut names = index_names(&s);
    names.sort();
    assert_eq!(
        names,
        ["kept", "t_a_idx", "t_a_idx1", "t_a_idx2", "t_a_idx3"]
    );
    let mut checks: Vec<&String> = s.tables[&q("t")].constraints.keys().collect();
    checks.sort();
    assert_eq!(checks, ["t_b_check", "t_b_check1"]);
}

#[test]
fn a_dropped_table_frees_its_constraint_names_for_a_new_table_of_that_name() {
    let (s, _) = replay(
        "CREATE TABLE p (id int PRIMARY KEY);
         CREATE TABLE t (p_id int REFERENCES p, q_id int);
         ALTER TABLE t ADD FOREIGN KEY (p_id) REFERENCES p;
         DROP TABLE t;
         CREATE TABLE t (p_id int REFERENCES p);",
    );
    let names: Vec<&String> = s.tables[&q("t")].constraints.keys().collect();
    assert_eq!(names, ["t_p_id_fkey"]);
}

/// Column changes on an inheritance parent recurse as PostgreSQL 15 recurses them (checked on
/// a server): to children and grandchildren, not with ONLY, and a child's own column of the
/// same name outlives the parent's DROP COLUMN.
#[test]
fn column_changes_recurse_to_inheritance_children() {
    let (s, _) = replay(
        "CREATE TABLE p (id int, title text, body text, size int, extra int, gone int);
         CREATE TABLE c (extra int, due date) INHERITS (p);
         CREATE TABLE g () INHERITS (c);
         CREATE TABLE parted (id int, v int) PARTITION BY RANGE (id);
         CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
         ALTER TABLE p ADD COLUMN author text;
         ALTER TABLE p DROP COLUMN gone;
         ALTER TABLE p DROP COLUMN extra;
         ALTER TABLE p RENAME COLUMN title TO heading;
         ALTER TABLE p ALTER COLUMN size TYPE bigint;
         ALTER TABLE p ALTER COLUMN body SET DEFAULT 'x';
         ALTER TABLE p ALTER COLUMN author SET NOT NULL;
         ALTER TABLE ONLY p ALTER COLUMN body SET DEFAULT 'y';
         ALTER TABLE ONLY p DROP COLUMN size;
         ALTER TABLE parted ADD COLUMN unit text;
         ALTER TABLE parted ALTER COLUMN v TYPE bigint;",
    );
    let columns = |t: &str| -> Vec<String> {
        s.tables[&q(t)]
            .columns
            .values()
            .map(|c| {
                let mut d = format!("{} {}", c.name, c.type_name);
                if c.not_null {
                    d.push_str(" NOT NULL");
                }
                if let Some(v) = &c.default {
                    d.push_str(&format!(" DEFAULT {v}"));
                }
                d
            })
            .collect()
    };
    assert_eq!(
        columns("p"),
        [
            "id integer",
            "heading text",
            "body text DEFAULT 'y'",
            "author text NOT NULL"
        ]
    );
    let child = [
        "id integer",
        "heading text",
        "body text DEFAULT 'x'",
        "size bigint",
        "extra integer",
        "due date",
        "author text NOT NULL",
    ];
    assert_eq!(columns("c"), child);
    assert_eq!(columns("g"), child);
    assert_eq!(columns("parted_1"), ["id integer", "v bigint", "unit text"]);
}
