//! The model follows what the catalog follows: renames by OID, typed query outputs, DO blocks,
//! temporary tables, foreign keys to platform tables.

use super::*;
use crate::check::check_sql;

fn replay(sql: &str) -> Replay<'static> {
    let mut r = Replay::new(None);
    let mut unparsed = Vec::new();
    crate::check::replay_text(sql, 0, 0, &mut r, &mut unparsed);
    assert!(unparsed.is_empty(), "unexpected parse errors: {unparsed:?}");
    r.settle();
    r
}

fn column<'s>(s: &'s Schema, table: &str, column: &str) -> &'s Column {
    &s.tables[&QualName::new("public", table)].columns[column]
}

fn rules_of(sql: &str) -> Vec<&'static str> {
    check_sql("m.sql", sql)
        .findings
        .iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn sequence_renames_are_followed_in_defaults() {
    let r = replay(
        "CREATE TABLE user_ (id serial PRIMARY KEY);
         ALTER TABLE user_ RENAME TO person;
         ALTER SEQUENCE user__id_seq RENAME TO person_id_seq;",
    );
    assert_eq!(
        column(&r.schema, "person", "id").default.as_deref(),
        Some("nextval('person_id_seq'::regclass)")
    );
    // A table rename alone keeps the sequence's name, as PostgreSQL does.
    let r = replay("CREATE TABLE a (id serial); ALTER TABLE a RENAME TO b;");
    assert_eq!(
        column(&r.schema, "b", "id").default.as_deref(),
        Some("nextval('a_id_seq'::regclass)")
    );
}

#[test]
fn enum_values_and_type_renames_are_followed() {
    let r = replay(
        "CREATE TYPE mode AS ENUM ('closed', 'require_application');
         CREATE TABLE site (m mode DEFAULT 'require_application', ms mode[]);
         ALTER TYPE mode RENAME VALUE 'require_application' TO 'RequireApplication';
         ALTER TYPE mode ADD VALUE 'open' BEFORE 'closed';
         ALTER TYPE mode ADD VALUE 'later' AFTER 'closed';
         ALTER TYPE mode ADD VALUE IF NOT EXISTS 'open';
         ALTER TYPE mode RENAME TO registration_mode;",
    );
    let labels = &r.schema.enums[&QualName::new("public", "registration_mode")];
    assert_eq!(
        labels,
        &["open", "closed", "later", "RequireApplication"].map(String::from)
    );
    let m = column(&r.schema, "site", "m");
    assert_eq!(m.type_name, "registration_mode");
    assert_eq!(m.default.as_deref(), Some("'RequireApplication'"));
    assert_eq!(
        column(&r.schema, "site", "ms").type_name,
        "registration_mode[]"
    );
}

#[test]
fn prisma_enum_rebuild_ends_with_the_original_name() {
    let r = replay(
        r#"CREATE TYPE "Status" AS ENUM ('A', 'B');
           CREATE TABLE t (s "Status");
           CREATE TYPE "Status_new" AS ENUM ('A');
           ALTER TABLE t ALTER COLUMN s TYPE "Status_new" USING (s::text::"Status_new");
           ALTER TYPE "Status" RENAME TO "Status_old";
           ALTER TYPE "Status_new" RENAME TO "Status";
           DROP TYPE "Status_old";"#,
    );
    assert_eq!(column(&r.schema, "t", "s").type_name, "Status");
    assert_eq!(r.schema.enums[&QualName::new("public", "Status")], ["A"]);
}

#[test]
fn create_table_as_infers_certain_types() {
    let r = replay(
        "CREATE TYPE kind AS ENUM ('a');
         CREATE TABLE likes (person_id int, post_id bigint, score smallint, published timestamptz,
                             k kind, name varchar(20));
         CREATE TABLE saved (person_id int, post_id bigint, published timestamptz);
         CREATE TABLE actions AS
         SELECT max(liked) AS liked, max(saved) AS saved, person_id, post_id,
                max(like_score) = 1 AS vote_is_upvote, count(*) AS n, sum(like_score) AS total,
                cast(max(like_score) AS int) AS amount, coalesce(max(liked), now()) AS seen,
                'x' AS label, NULL AS nothing, max(k) AS k, max(name) AS name,
                CASE WHEN person_id > 0 THEN 1 ELSE 2 END AS c, person_id + 1 AS unknown
         FROM (
             SELECT person_id, post_id, score AS like_score, published AS liked,
                    NULL::timestamptz AS saved, k, name
             FROM likes
             UNION ALL
             SELECT person_id, post_id, NULL::smallint, NULL::timestamptz, published, NULL, NULL
             FROM saved) AS u
         GROUP BY person_id, post_id;
         SELECT l.* INTO copy FROM likes l;",
    );
    let t = &r.schema.tables[&QualName::new("public", "actions")];
    let types: Vec<(&str, &str)> = t
        .columns
        .values()
        .map(|c| (c.name.as_str(), c.type_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("liked", "timestamp with time zone"),
            ("saved", "timestamp with time zone"),
            ("person_id", "integer"),
            ("post_id", "bigint"),
            ("vote_is_upvote", "boolean"),
            ("n", "bigint"),
            ("total", "bigint"),
            ("amount", "integer"),
            ("seen", "timestamp with time zone"),
            ("label", "text"),
            ("nothing", "text"),
            ("k", "kind"),
            ("name", "text"),
            ("c", "integer"),
            // Arithmetic is not typed here: unknown, never a difference.
            ("unknown", ""),
        ]
    );
    let copy = &r.schema.tables[&QualName::new("public", "copy")];
    assert_eq!(copy.columns["name"].type_name, "character varying(20)");
    assert_eq!(copy.columns.len(), 6);
}

#[test]
fn temporary_tables_are_not_part_of_the_schema() {
    let r = replay(
        "CREATE TABLE t (id int PRIMARY KEY);
         CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT id FROM t;
         CREATE TEMPORARY TABLE tmp (a int);
         INSERT INTO tmp SELECT id FROM scratch;
         CREATE INDEX ON tmp (a);
         CREATE TEMPORARY TABLE dropped AS SELECT id FROM t;
         DROP TABLE dropped;",
    );
    let names: Vec<String> = r.schema.tables.keys().map(|k| k.to_string()).collect();
    assert_eq!(names, ["public.t"]);
    assert!(r.schema.indexes.keys().all(|i| i.schema == "public"));
    assert!(
        !rules_of("CREATE TEMP TABLE x ON COMMIT DROP AS SELECT 1 AS a;")
            .contains(&"no-primary-key")
    );
}

#[test]
fn default_null_is_no_default() {
    let r = replay(
        "CREATE TABLE t (a text DEFAULT NULL, b int DEFAULT NULL::integer, c int DEFAULT 1);
         ALTER TABLE t ALTER COLUMN c SET DEFAULT NULL;",
    );
    for c in ["a", "b", "c"] {
        assert_eq!(column(&r.schema, "t", c).default, None, "{c}");
    }
}

#[test]
fn foreign_keys_to_platform_tables_are_kept() {
    let sql = "CREATE TABLE profiles (id int PRIMARY KEY,
                   user_id uuid NOT NULL REFERENCES auth.users (id));";
    let run = check_sql("m.sql", sql);
    let fk = run.schema.tables[&QualName::new("public", "profiles")]
        .foreign_keys()
        .next()
        .map(|(_, fk)| fk.clone())
        .expect("the foreign key is kept");
    assert_eq!(fk.ref_table, QualName::new("auth", "users"));
    assert_eq!(fk.ref_columns, ["id"]);
    assert!(rules_of(sql).contains(&"unindexed-foreign-key"));
    // A table the migrations should have created in their own schema is still an error.
    let r = check_sql("m.sql", "CREATE TABLE c (p int REFERENCES missing (id));");
    assert_eq!(
        r.schema.tables[&QualName::new("public", "c")]
            .foreign_keys()
            .count(),
        0
    );
}

#[test]
fn do_block_queries_are_not_reported() {
    let sql = "CREATE TABLE t (id int);
        DO $$ DECLARE n int; BEGIN
          SELECT COUNT(*) INTO n FROM t;
          PERFORM 1;
          n := n + 1;
          RAISE NOTICE 'n %', n;
          IF n > 0 THEN ALTER TABLE t ADD COLUMN b int; END IF;
          FOR n IN SELECT id FROM t LOOP NULL; END LOOP;
        END $$;";
    let run = check_sql("m.sql", sql);
    let rules: Vec<&str> = run.findings.iter().map(|f| f.rule).collect();
    assert!(!rules.contains(&"unparsed-statement"), "{rules:?}");
    assert!(
        run.schema.tables[&QualName::new("public", "t")]
            .columns
            .contains_key("b")
    );
}

#[test]
fn every_branch_of_an_if_is_replayed_and_known_conditional() {
    let r = replay(
        "CREATE TABLE t (id int);
         DO $$ BEGIN
           IF current_setting('server_version_num')::int >= 100000 THEN
             ALTER TABLE t ADD COLUMN c int;
           ELSIF current_setting('x') = 'y' THEN
             ALTER TABLE t ADD COLUMN e int;
           ELSE
             ALTER TABLE t ADD COLUMN d int;
           END IF;
           ALTER TABLE t ADD COLUMN always int;
         END $$;",
    );
    let t = &r.schema.tables[&QualName::new("public", "t")];
    let cols: Vec<&str> = t.columns.keys().map(String::as_str).collect();
    assert_eq!(cols, ["id", "c", "e", "d", "always"]);
    assert_eq!(r.conditional_ddl.len(), 3);
    assert!(r.unparsed.is_empty(), "{:?}", r.unparsed);
}

#[test]
fn a_do_block_index_on_a_missing_column_is_reported() {
    let rules = rules_of(
        "CREATE TABLE t (id int);
         DO $$ BEGIN
           IF true THEN CREATE INDEX t_x ON t (x); END IF;
         END $$;",
    );
    assert!(rules.contains(&"index-missing-column"), "{rules:?}");
}

#[test]
fn unlocatable_ddl_is_replayed_without_misplaced_advice() {
    // In a '…' body the quotes are doubled in the file: the statement is not found verbatim,
    // and is replayed from the PL/pgSQL text at the block.
    let r = replay(
        "CREATE TABLE t (id int);
         DO 'BEGIN ALTER TABLE t ADD COLUMN s text DEFAULT ''x''; END';",
    );
    assert_eq!(column(&r.schema, "t", "s").default.as_deref(), Some("'x'"));
}

#[test]
fn a_recursive_query_is_typed_without_following_itself() {
    let r = replay(
        "CREATE TABLE node (id int, parent int);
         CREATE TABLE tree AS
         WITH RECURSIVE t AS (
             SELECT id, parent FROM node WHERE parent IS NULL
             UNION ALL
             SELECT n.id, n.parent FROM node n JOIN t ON n.parent = t.id)
         SELECT id, parent FROM t;",
    );
    let t = &r.schema.tables[&QualName::new("public", "tree")];
    assert_eq!(t.columns["id"].type_name, "integer");
}

/// The drift findings between two histories, as `(rule, message)`.
fn drift_messages(a: &str, b: &str) -> Vec<(&'static str, String)> {
    let d = crate::rules::tests::drift_of(a, b);
    crate::rules::drift_findings(&d)
        .into_iter()
        .map(|f| (f.rule, f.message))
        .collect()
}

#[test]
fn equal_values_written_differently_are_no_drift() {
    let a = r#"CREATE TABLE t (
        id serial PRIMARY KEY,
        due timestamptz DEFAULT now() - random() * '12 months'::interval,
        meta jsonb DEFAULT '{"b":1,"a":[1,2]}',
        tags text[] DEFAULT ARRAY['NEW']::text[],
        at timestamp DEFAULT '2024-01-01 00:00:00+00',
        created timestamptz DEFAULT CURRENT_TIMESTAMP,
        gone text DEFAULT NULL,
        ratio float8 DEFAULT '0');"#;
    let b = r#"CREATE TABLE t (
        id serial PRIMARY KEY,
        due timestamptz DEFAULT (now() - (random() * '1 year'::interval)),
        meta jsonb DEFAULT '{"a": [1, 2], "b": 1}'::jsonb,
        tags text[] DEFAULT ARRAY['NEW'::text],
        at timestamp DEFAULT '2024-01-01 00:00:00'::timestamp without time zone,
        created timestamptz DEFAULT now(),
        gone text,
        ratio float8 DEFAULT 0);"#;
    assert_eq!(drift_messages(a, b), []);
}

#[test]
fn different_values_are_still_drift() {
    let cases = [
        (
            "interval DEFAULT '12 months'",
            "interval DEFAULT '11 months'",
        ),
        (r#"jsonb DEFAULT '{"a":1}'"#, r#"jsonb DEFAULT '{"a": 2}'"#),
        (
            "text[] DEFAULT ARRAY['NEW']::text[]",
            "text[] DEFAULT ARRAY['OLD']",
        ),
        (
            "timestamp DEFAULT '2024-01-01 00:00:00+00'",
            "timestamp DEFAULT '2024-01-02 00:00:00'",
        ),
        (
            "timestamptz DEFAULT now()",
            "timestamptz DEFAULT clock_timestamp()",
        ),
        ("text DEFAULT NULL", "text DEFAULT 'x'"),
        ("float8 DEFAULT '0'", "float8 DEFAULT 1"),
    ];
    for (a, b) in cases {
        let found = drift_messages(
            &format!("CREATE TABLE t (c {a});"),
            &format!("CREATE TABLE t (c {b});"),
        );
        assert_eq!(found.len(), 1, "{a} vs {b}: {found:?}");
        assert_eq!(found[0].0, "drift-column");
        assert!(found[0].1.contains("default differs"), "{}", found[0].1);
    }
    // A renamed sequence on one side only is a different default (and a different sequence).
    let found = drift_messages(
        "CREATE TABLE t (id serial); ALTER SEQUENCE t_id_seq RENAME TO s;",
        "CREATE TABLE t (id serial);",
    );
    let sequences = found.iter().filter(|f| f.0 == "drift-sequence").count();
    assert_eq!(sequences, 2, "{found:?}");
    let found: Vec<_> = found
        .into_iter()
        .filter(|f| f.0 == "drift-column")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("nextval('s'::regclass)"),
        "{}",
        found[0].1
    );
}

#[test]
fn unknown_types_are_never_drift_but_known_ones_are() {
    let base = "CREATE TABLE src (a int, b int);";
    // `a + b` is not typed by the model: no difference whatever the other side says.
    let found = drift_messages(
        &format!("{base} CREATE TABLE t AS SELECT a + b AS s, a FROM src;"),
        &format!("{base} CREATE TABLE t (s bigint, a int);"),
    );
    assert_eq!(found, []);
    let found = drift_messages(
        &format!("{base} CREATE TABLE t AS SELECT a + b AS s, a FROM src;"),
        &format!("{base} CREATE TABLE t (s int, a bigint);"),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("type differs: integer vs bigint"),
        "{}",
        found[0].1
    );
}

#[test]
fn enum_renames_on_one_side_are_drift() {
    let base = "CREATE TYPE m AS ENUM ('a', 'b'); CREATE TABLE t (c m DEFAULT 'a');";
    let found = drift_messages(
        &format!("{base} ALTER TYPE m RENAME VALUE 'a' TO 'A';"),
        base,
    );
    // The renamed label shows in the enum and in the default that uses it.
    let rules: Vec<&str> = found.iter().map(|f| f.0).collect();
    assert_eq!(rules, ["drift-column", "drift-enum"], "{found:?}");
    assert!(found[0].1.contains("'A' vs 'a'"), "{}", found[0].1);
    let found = drift_messages(&format!("{base} ALTER TYPE m RENAME TO n;"), base);
    assert!(
        found
            .iter()
            .any(|(_, m)| m.contains("type differs: n vs m")),
        "{found:?}"
    );
}

#[test]
fn exclusion_constraints_compare_by_their_elements() {
    let table = |range: &str| {
        format!(
            "CREATE TABLE b (s timestamptz, e timestamptz,
                 CONSTRAINT b_x EXCLUDE USING gist ({range} WITH &&));"
        )
    };
    assert_eq!(
        drift_messages(&table("tstzrange(s, e)"), &table("tstzrange(s, e)")),
        []
    );
    // The same columns, another expression: a real difference.
    let found = drift_messages(&table("tstzrange(s, e)"), &table("tstzrange(s, e, '[]')"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "drift-constraint");
    assert!(found[0].1.contains("EXCLUDE USING gist"), "{}", found[0].1);
}

#[test]
fn a_check_keeps_its_predicate_and_points_at_its_name_or_keyword() {
    let sql = "CREATE TABLE t (a int CHECK (a > 0), CONSTRAINT named CHECK (a BETWEEN 1 AND 9));\n\
               ALTER TABLE t ADD CONSTRAINT later CHECK (a <> 7) NOT VALID;";
    let r = replay(sql);
    let t = &r.schema.tables[&QualName::new("public", "t")];
    let at = |name: &str| {
        let c = &t.constraints[name];
        let Origin::Sql { start, end, .. } = c.origin else {
            panic!("{name}: {:?}", c.origin)
        };
        (
            &sql[start as usize..end as usize],
            c.check.as_ref().map(|e| e.text()),
        )
    };
    assert_eq!(at("t_a_check"), ("CHECK", Some("a > 0")));
    assert_eq!(at("named"), ("named", Some("a >= 1 AND a <= 9")));
    assert_eq!(at("later"), ("later", Some("a <> 7")));
}
