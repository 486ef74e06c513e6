use std::cmp::Ordering;

use super::order::natural_cmp;
use super::*;
use tempfile::TempDir;

fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn rel(root: &Path, files: &[MigrationFile]) -> Vec<String> {
    files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn run(dir: &Path, layout: Option<Layout>) -> Discovery {
    discover(&[dir.to_path_buf()], layout).unwrap()
}

fn kinds(d: &Discovery) -> Vec<(String, NoticeKind)> {
    d.notices
        .iter()
        .map(|n| (file_name(&n.path), n.kind.clone()))
        .collect()
}

#[test]
fn layout_names_round_trip() {
    for l in Layout::ALL {
        assert_eq!(Layout::from_name(l.name()), Some(*l));
        assert_eq!(
            serde_json::to_string(l).unwrap(),
            format!("\"{}\"", l.name())
        );
        assert_eq!(l.name().parse::<Layout>(), Ok(*l));
    }
    assert_eq!(
        Layout::from_name("Golang_Migrate"),
        Some(Layout::GolangMigrate)
    );
    assert_eq!(Layout::from_name("nope"), None);
    assert!(
        "nope"
            .parse::<Layout>()
            .unwrap_err()
            .to_string()
            .contains("drizzle-folders")
    );
}

#[test]
fn drizzle_journal_order_unlisted_and_missing() {
    let journal = r#"{"version":"7","dialect":"postgresql","entries":[
            {"idx":1,"version":"7","when":2,"tag":"0001_b","breakpoints":true},
            {"idx":0,"version":"7","when":1,"tag":"0000_a","breakpoints":true},
            {"idx":2,"version":"7","when":3,"tag":"0002_gone","breakpoints":true},
            {"idx":3,"version":"7","when":4,"tag":"0003_custom","breakpoints":true}]}"#;
    let dir = tree(&[
        ("meta/_journal.json", journal),
        ("meta/0000_snapshot.json", "{}"),
        ("0000_a.sql", ""),
        ("0001_b.sql", ""),
        ("0003_custom.sql", ""),
        ("0004_unlisted.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Drizzle);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["0000_a.sql", "0001_b.sql", "0003_custom.sql"]
    );
    assert!(d.files.iter().all(|f| f.layout == Layout::Drizzle));
    assert!(d.files.iter().all(|f| f.section == Section::Whole));
    assert_eq!(
        kinds(&d),
        [
            (
                "0002_gone.sql".to_string(),
                NoticeKind::JournalEntryMissingFile
            ),
            ("0004_unlisted.sql".to_string(), NoticeKind::NotInJournal),
        ]
    );
    assert!(d.notices[1].message.contains("0004_unlisted.sql"));
    assert_eq!(d.layouts, [(dir.path().to_path_buf(), Layout::Drizzle)]);
}

#[test]
fn drizzle_broken_journal_falls_back_to_names() {
    let dir = tree(&[
        ("meta/_journal.json", "{ not json"),
        ("0010_c.sql", ""),
        ("0002_b.sql", ""),
        ("0002_a.sql", ""),
    ]);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["0002_a.sql", "0002_b.sql", "0010_c.sql"]
    );
    assert_eq!(
        kinds(&d),
        [
            ("_journal.json".to_string(), NoticeKind::Unreadable),
            ("0002_b.sql".to_string(), NoticeKind::DuplicateVersion),
        ]
    );
}

#[test]
fn drizzle_journal_hostile_tags() {
    let journal = r#"{"entries":[{"idx":0,"tag":"../../etc/passwd"},{"idx":1,"tag":"0000_a"},{"idx":2,"tag":"0000_a"}]}"#;
    let dir = tree(&[("meta/_journal.json", journal), ("0000_a.sql", "")]);
    let d = run(dir.path(), None);
    assert_eq!(rel(dir.path(), &d.files), ["0000_a.sql"]);
    let k: Vec<NoticeKind> = d.notices.iter().map(|n| n.kind.clone()).collect();
    assert_eq!(k, [NoticeKind::Unreadable, NoticeKind::DuplicateVersion]);
}

#[test]
fn drizzle_without_journal_when_forced() {
    let dir = tree(&[("0001_a.sql", ""), ("0001_b.sql", ""), ("0000_z.sql", "")]);
    let d = run(dir.path(), Some(Layout::Drizzle));
    assert_eq!(
        rel(dir.path(), &d.files),
        ["0000_z.sql", "0001_a.sql", "0001_b.sql"]
    );
    assert_eq!(
        kinds(&d),
        [("0001_b.sql".to_string(), NoticeKind::DuplicateVersion)]
    );
}

#[test]
fn drizzle_folders() {
    let dir = tree(&[
        ("20250102000000_b/migration.sql", ""),
        ("20250102000000_b/snapshot.json", "{}"),
        ("20250101000000_a/migration.sql", ""),
        ("20250101000000_a/snapshot.json", "{}"),
    ]);
    assert_eq!(detect(dir.path()), Layout::DrizzleFolders);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        [
            "20250101000000_a/migration.sql",
            "20250102000000_b/migration.sql"
        ]
    );
    assert!(d.notices.is_empty());
}

#[test]
fn prisma() {
    let dir = tree(&[
        ("migration_lock.toml", "provider = \"postgresql\""),
        ("20240201000000_second/migration.sql", ""),
        ("20240101000000_init/migration.sql", ""),
        ("stray.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Prisma);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        [
            "20240101000000_init/migration.sql",
            "20240201000000_second/migration.sql"
        ]
    );
    assert_eq!(kinds(&d), [("stray.sql".to_string(), NoticeKind::Ignored)]);
    // Without migration_lock.toml, */migration.sql still says Prisma.
    fs::remove_file(dir.path().join("migration_lock.toml")).unwrap();
    assert_eq!(detect(dir.path()), Layout::Prisma);
}

#[test]
fn golang_migrate() {
    let dir = tree(&[
        ("10_c.up.sql", ""),
        ("10_c.down.sql", ""),
        ("2_b.up.sql", ""),
        ("2_b.down.sql", ""),
        ("1_a.up.sql", ""),
        ("1_a.down.sql", ""),
        ("0002_dup.up.sql", ""),
        ("README.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::GolangMigrate);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["1_a.up.sql", "0002_dup.up.sql", "2_b.up.sql", "10_c.up.sql"]
    );
    assert_eq!(
        kinds(&d),
        [
            ("README.sql".to_string(), NoticeKind::Ignored),
            ("2_b.up.sql".to_string(), NoticeKind::DuplicateVersion),
        ]
    );
}

#[test]
fn flyway_versions_numeric_then_repeatables() {
    let dir = tree(&[
        ("V1.10__ten.sql", ""),
        ("V1.9__nine.sql", ""),
        ("V1_1__one_one.sql", ""),
        ("V2__two.sql", ""),
        ("V1__one.sql", ""),
        ("U2__undo_two.sql", ""),
        ("R__b_view.sql", ""),
        ("R__a_func.sql", ""),
        ("sub/V1.2__nested.sql", ""),
        ("notes.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Flyway);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        [
            "V1__one.sql",
            "V1_1__one_one.sql",
            "sub/V1.2__nested.sql",
            "V1.9__nine.sql",
            "V1.10__ten.sql",
            "V2__two.sql",
            "R__a_func.sql",
            "R__b_view.sql"
        ]
    );
    assert_eq!(kinds(&d), [("notes.sql".to_string(), NoticeKind::Ignored)]);
}

#[test]
fn flyway_duplicate_versions() {
    let dir = tree(&[("V1.0__a.sql", ""), ("V1__b.sql", ""), ("V01.1__c.sql", "")]);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["V1.0__a.sql", "V1__b.sql", "V01.1__c.sql"]
    );
    assert_eq!(
        kinds(&d),
        [("V1__b.sql".to_string(), NoticeKind::DuplicateVersion)]
    );
}

#[test]
fn dbmate_and_section_range() {
    let text = "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n";
    let dir = tree(&[
        ("20240102000000_b.sql", text),
        ("20240101000000_a.sql", text),
    ]);
    assert_eq!(detect(dir.path()), Layout::Dbmate);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["20240101000000_a.sql", "20240102000000_b.sql"]
    );
    assert!(d.files.iter().all(|f| f.section == Section::DbmateUp));

    let r = section_range(text, Section::DbmateUp);
    assert_eq!(&text[r], "create table a (id int);\n");
    assert_eq!(section_range(text, Section::Whole), 0..text.len());
}

#[test]
fn section_range_edge_cases() {
    let up = Section::DbmateUp;
    // No markers: everything.
    assert_eq!(section_range("select 1;", up), 0..9);
    assert_eq!(section_range("", up), 0..0);
    // Up marker at the end without newline.
    let t = "x\n-- migrate:up";
    assert_eq!(section_range(t, up), t.len()..t.len());
    // Options after the marker, CRLF, no down.
    let t = "-- migrate:up transaction:false\r\na;\r\n";
    assert_eq!(&t[section_range(t, up)], "a;\r\n");
    // Down before up: up runs to the end.
    let t = "--migrate:down\nd;\n--migrate:up\nu;\n";
    assert_eq!(&t[section_range(t, up)], "u;\n");
    // Only a down marker: what comes before it.
    let t = "a;\n-- migrate:down\nd;\n";
    assert_eq!(&t[section_range(t, up)], "a;\n");
    // Not markers.
    let t = "-- migrate:upgrade\n-- migrate:downtime\na;";
    assert_eq!(section_range(t, up), 0..t.len());
}

#[test]
fn sqlx() {
    let dir = tree(&[
        ("20240102_b.sql", ""),
        ("3_a.up.sql", ""),
        ("3_a.down.sql", ""),
        ("x_bad.up.sql", ""),
        ("99999999999999999999_overflow.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Sqlx);
    let d = run(dir.path(), None);
    assert_eq!(rel(dir.path(), &d.files), ["3_a.up.sql", "20240102_b.sql"]);
    assert_eq!(
        kinds(&d),
        [
            (
                "99999999999999999999_overflow.sql".to_string(),
                NoticeKind::Ignored
            ),
            ("x_bad.up.sql".to_string(), NoticeKind::Ignored),
        ]
    );
    let dup = tree(&[("0001_a.sql", ""), ("0001_b.sql", "")]);
    let d = run(dup.path(), Some(Layout::Sqlx));
    assert_eq!(rel(dup.path(), &d.files), ["0001_a.sql", "0001_b.sql"]);
    assert_eq!(
        kinds(&d),
        [("0001_b.sql".to_string(), NoticeKind::DuplicateVersion)]
    );
}

#[test]
fn diesel() {
    let dir = tree(&[
        ("2019-02-26-002946_create_user/up.sql", ""),
        ("2019-02-26-002946_create_user/down.sql", ""),
        ("00000000000000_diesel_initial_setup/up.sql", ""),
        ("00000000000000_diesel_initial_setup/down.sql", ""),
        ("2020-01-01-000000_later/up.sql", ""),
        ("2020-01-01-000000_later/down.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Diesel);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        [
            "00000000000000_diesel_initial_setup/up.sql",
            "2019-02-26-002946_create_user/up.sql",
            "2020-01-01-000000_later/up.sql"
        ]
    );
    assert!(d.notices.is_empty(), "{:?}", d.notices);
}

#[test]
fn supabase() {
    let dir = tree(&[
        ("supabase/migrations/20240102000000_b.sql", ""),
        ("supabase/migrations/20240101000000_a.sql", ""),
        ("supabase/migrations/seed_notes.sql", ""),
    ]);
    let m = dir.path().join("supabase/migrations");
    assert_eq!(detect(&m), Layout::Supabase);
    let d = run(&m, None);
    assert_eq!(
        rel(&m, &d.files),
        ["20240101000000_a.sql", "20240102000000_b.sql"]
    );
    assert_eq!(
        kinds(&d),
        [("seed_notes.sql".to_string(), NoticeKind::Ignored)]
    );
}

#[test]
fn atlas() {
    let dir = tree(&[
        ("atlas.sum", "h1:abc"),
        ("20240102000000_b.sql", ""),
        ("20240101000000_a.sql", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Atlas);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        ["20240101000000_a.sql", "20240102000000_b.sql"]
    );
}

#[test]
fn plain_natural_sort_and_skips() {
    let dir = tree(&[
        ("10_a.sql", ""),
        ("2_a.sql", ""),
        ("1_b.sql", ""),
        ("b/1.sql", ""),
        ("a10/x.sql", ""),
        ("a9/x.sql", ""),
        ("down.sql", ""),
        ("3_x.down.sql", ""),
        ("4_x_down.sql", ""),
        ("down/5.sql", ""),
        (".hidden/1.sql", ""),
        ("node_modules/pkg/1.sql", ""),
        ("notes.txt", ""),
        ("UPPER.SQL", ""),
    ]);
    assert_eq!(detect(dir.path()), Layout::Plain);
    let d = run(dir.path(), None);
    assert_eq!(
        rel(dir.path(), &d.files),
        [
            "1_b.sql",
            "2_a.sql",
            "10_a.sql",
            "UPPER.SQL",
            "a9/x.sql",
            "a10/x.sql",
            "b/1.sql"
        ]
    );
    assert_eq!(
        kinds(&d),
        [
            ("4_x_down.sql".to_string(), NoticeKind::Ignored),
            ("5.sql".to_string(), NoticeKind::Ignored),
        ]
    );
}

#[test]
fn natural_order_is_total() {
    let mut names = vec![
        "a", "a1", "a01", "a001", "a1b", "a_1", "a10", "a2", "1", "01", "10", "", "b", "a1a", "ä1",
        "9z", "z9",
    ];
    names.sort_by(|a, b| natural_cmp(a, b));
    for (i, a) in names.iter().enumerate() {
        for (j, b) in names.iter().enumerate() {
            assert_eq!(natural_cmp(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
    assert_eq!(natural_cmp("2_a.sql", "10_a.sql"), Ordering::Less);
    assert_eq!(
        natural_cmp("99999999999999999999999_a", "100000000000000000000000_a"),
        Ordering::Less
    );
}

#[test]
fn single_file_arguments() {
    let dir = tree(&[
        ("structure.sql", "create table a ();"),
        ("dbm.sql", "-- migrate:up\na;\n-- migrate:down\nb;\n"),
        ("1_a.down.sql", ""),
        ("m/1_x.sql", ""),
    ]);
    let p = |s: &str| dir.path().join(s);
    let d = discover(
        &[
            p("structure.sql"),
            p("dbm.sql"),
            p("1_a.down.sql"),
            p("m"),
            p("m/1_x.sql"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(
        rel(dir.path(), &d.files),
        ["structure.sql", "dbm.sql", "m/1_x.sql"]
    );
    assert_eq!(d.files[0].layout, Layout::Dump);
    assert_eq!(d.files[0].section, Section::Whole);
    assert_eq!(d.files[1].layout, Layout::Dbmate);
    assert_eq!(d.files[1].section, Section::DbmateUp);
    assert_eq!(d.files[2].layout, Layout::Plain);
    assert_eq!(
        kinds(&d),
        [("1_a.down.sql".to_string(), NoticeKind::Ignored)]
    );

    let d = discover(&[p("structure.sql")], Some(Layout::Plain)).unwrap();
    assert_eq!(d.files[0].layout, Layout::Plain);
}

#[test]
fn missing_path() {
    let dir = tree(&[("a.sql", "")]);
    let missing = dir.path().join("nope");
    let e = discover(&[dir.path().to_path_buf(), missing.clone()], None).unwrap_err();
    assert!(matches!(&e, DiscoverError::NotFound(p) if p == &missing));
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn empty_paths_and_empty_folder() {
    assert!(discover(&[], None).unwrap().files.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let d = run(dir.path(), None);
    assert!(d.files.is_empty() && d.notices.is_empty());
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_a_notice() {
    let dir = tree(&[("1_a.sql", ""), ("sub/2_b.sql", "")]);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    let d = run(dir.path(), None);
    assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "sub/2_b.sql"]);
    assert_eq!(kinds(&d), [("loop".to_string(), NoticeKind::Unreadable)]);
    assert!(d.notices[0].message.contains("loop"));
}

#[cfg(unix)]
#[test]
fn symlinked_file_is_followed_and_broken_link_noticed() {
    let dir = tree(&[("real/1_a.sql", ""), ("m/2_b.sql", "")]);
    let m = dir.path().join("m");
    std::os::unix::fs::symlink(dir.path().join("real/1_a.sql"), m.join("1_a.sql")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.sql"), m.join("3_c.sql")).unwrap();
    let d = run(&m, None);
    assert_eq!(rel(&m, &d.files), ["1_a.sql", "2_b.sql"]);
    assert_eq!(kinds(&d), [("3_c.sql".to_string(), NoticeKind::Unreadable)]);
}

#[cfg(unix)]
#[test]
fn unreadable_subfolder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("1_a.sql", ""), ("locked/2_b.sql", "")]);
    let locked = dir.path().join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Root (CI containers) reads anyway: assert what this user can actually do.
    let blocked = fs::read_dir(&locked).is_err();
    let d = run(dir.path(), None);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    if blocked {
        assert_eq!(rel(dir.path(), &d.files), ["1_a.sql"]);
        assert_eq!(kinds(&d), [("locked".to_string(), NoticeKind::Unreadable)]);
    } else {
        assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "locked/2_b.sql"]);
        assert!(d.notices.is_empty());
    }
}

#[cfg(unix)]
#[test]
fn unreadable_root_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("m/1_a.sql", "")]);
    let m = dir.path().join("m");
    fs::set_permissions(&m, fs::Permissions::from_mode(0o000)).unwrap();
    let blocked = fs::read_dir(&m).is_err();
    let r = discover(std::slice::from_ref(&m), None);
    fs::set_permissions(&m, fs::Permissions::from_mode(0o755)).unwrap();
    if blocked {
        assert!(matches!(r, Err(DiscoverError::Unreadable { .. })), "{r:?}");
    } else {
        assert_eq!(r.unwrap().files.len(), 1);
    }
}

#[test]
fn default_paths_and_discover_default() {
    let dir = tree(&[
        ("drizzle/0000_a.sql", ""),
        ("prisma/migrations/20240101_x/migration.sql", ""),
        ("migrations/README.md", ""),
        ("db/structure.sql", ""),
    ]);
    let found = default_paths(dir.path());
    assert_eq!(
        found,
        [
            dir.path().join("drizzle"),
            dir.path().join("prisma/migrations")
        ]
    );

    let only_dump = tree(&[("db/structure.sql", "create table a ();")]);
    assert_eq!(
        default_paths(only_dump.path()),
        [only_dump.path().join("db/structure.sql")]
    );
    let d = discover_default(only_dump.path(), None).unwrap();
    assert_eq!(d.files.len(), 1);
    assert_eq!(d.files[0].layout, Layout::Dump);

    let empty = tree(&[("migrations/README.md", "")]);
    let e = discover_default(empty.path(), None).unwrap_err();
    assert!(matches!(&e, DiscoverError::NoMigrations(v) if v.len() > 3));
    assert!(e.to_string().contains("prisma/migrations"), "{e}");
}

#[test]
fn duplicate_paths_replay_once() {
    let dir = tree(&[("1_a.sql", ""), ("2_b.sql", "")]);
    let d = discover(
        &[dir.path().to_path_buf(), dir.path().join("1_a.sql")],
        None,
    )
    .unwrap();
    assert_eq!(rel(dir.path(), &d.files), ["1_a.sql", "2_b.sql"]);
}

#[test]
fn is_down_names() {
    for n in [
        "down.sql",
        "DOWN.SQL",
        "1_a.down.sql",
        "U1__x.sql",
        "U1.2__x.sql",
    ] {
        assert!(is_down(n), "{n}");
    }
    for n in [
        "up.sql",
        "1_a.up.sql",
        "Users__x.sql",
        "U__x.sql",
        "migration.sql",
    ] {
        assert!(!is_down(n), "{n}");
    }
}
