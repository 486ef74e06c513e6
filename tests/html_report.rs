//! The HTML report of a live audit, rendered by headless Chromium: the page loads without
//! network, its summary numbers equal the JSON document's, the script filters and sorts the
//! findings table, and a screenshot is kept under `target/tmp/` for a person to look at.
//!
//! Needs the `chromium` binary (Debian package `chromium`) and a PostgreSQL server; without
//! Chromium the test is skipped, except under `CI=true`, where it fails.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use driftlint::live::AuditOptions;
use driftlint::report::Summary;
use driftlint::source::database::ConnectOptions;
use support::TestPg;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        if support::in_ci() {
            panic!("CI=true and no chromium on PATH: install the Debian package `chromium`");
        }
        eprintln!("skipping: no chromium on PATH");
    }
    found
}

/// Runs headless Chromium on `url` with `extra` arguments; its stdout.
fn run_chromium(bin: &Path, profile: &Path, url: &str, extra: &[&str]) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    out
}

/// The start tag of the element with `id`.
fn tag<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the DOM"));
    let start = dom[..at].rfind('<').unwrap();
    let end = at + dom[at..].find('>').unwrap();
    &dom[start..=end]
}

fn attr(tag: &str, name: &str) -> String {
    let key = format!("{name}=\"");
    let at = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len();
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

/// The text right after the start tag of `#id`.
fn text(dom: &str, id: &str) -> String {
    let t = tag(dom, id);
    let at = dom.find(t).unwrap() + t.len();
    dom[at..at + dom[at..].find('<').unwrap()].to_string()
}

#[test]
fn the_html_report_renders_and_agrees_with_the_json() {
    let Some(bin) = chromium() else { return };
    let Some(pg) = TestPg::start() else { return };
    let mut c = pg.connect();
    c.batch_execute(
        "CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, kind text NOT NULL);
         INSERT INTO events SELECT g, g % 500, 'kind-' || (g % 9) FROM generate_series(1, 120000) g;
         CREATE INDEX events_account ON events (account);
         CREATE INDEX events_account_again ON events (account);
         CREATE INDEX events_kind ON events (kind);
         CREATE TABLE tags (id int PRIMARY KEY, label text);
         INSERT INTO tags SELECT g, 'tag ' || g FROM generate_series(1, 20000) g;
         CREATE INDEX tags_label ON tags (label);
         CREATE TABLE raw_log (line text);
         ANALYZE;",
    )
    .unwrap();
    let options = AuditOptions {
        min_stats_age: Duration::ZERO,
        single_connection: false,
        ..AuditOptions::new(ConnectOptions::new(pg.conninfo()))
    };
    let run = driftlint::live::audit_hosts(&options).expect("audit");
    let summary = Summary::new(&run.findings, 0, 0);
    let json: serde_json::Value = serde_json::from_str(&driftlint::report::json::render(
        &run.findings,
        &[],
        &summary,
    ))
    .unwrap();
    let html =
        driftlint::report::html::render("driftlint audit", &run.findings, &[], &summary, None);

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("audit.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());

    let dom = run_chromium(&bin, &dir.join("profile-dom"), &url, &["--dump-dom"]);
    for (id, key) in [
        ("count-error", "error"),
        ("count-warning", "warning"),
        ("count-info", "info"),
    ] {
        assert_eq!(text(&dom, id), json["summary"][key].to_string(), "#{id}");
    }
    assert_eq!(
        attr(tag(&dom, "reclaimable"), "data-bytes"),
        json["impact"]["reclaimable_bytes"].to_string()
    );
    assert_eq!(
        attr(tag(&dom, "droppable"), "data-bytes"),
        json["impact"]["droppable_index_bytes"].to_string()
    );
    assert_eq!(json["impact"]["droppable_indexes"], 4, "{json:#}");
    // The script ran: it counted the rows it shows.
    let total = json["findings"].as_array().unwrap().len();
    assert_eq!(text(&dom, "shown"), total.to_string());
    // Both charts have a bar per rule and per table with the JSON's bytes.
    for (chart, key) in [
        ("chart-by-rule", "by_rule"),
        ("chart-by-table", "top_tables"),
    ] {
        let svg_at = dom.find(&format!("id=\"{chart}\"")).unwrap();
        let svg = &dom[svg_at..svg_at + dom[svg_at..].find("</svg>").unwrap()];
        for share in json["impact"][key].as_array().unwrap() {
            let bar = format!(
                "data-name=\"{}\" data-bytes=\"{}\"",
                share["name"].as_str().unwrap(),
                share["bytes"]
            );
            assert!(svg.contains(&bar), "{bar} not in {svg}");
        }
    }

    // Filtered by the fragment: only the info findings stay visible.
    let dom = run_chromium(
        &bin,
        &dir.join("profile-filter"),
        &format!("{url}#severity=info&sort=-6"),
        &["--dump-dom"],
    );
    let infos = json["summary"]["info"].as_u64().unwrap() as usize;
    assert_eq!(text(&dom, "shown"), infos.to_string());
    let body = &dom[dom.find("<tbody>").unwrap()..dom.find("</tbody>").unwrap()];
    let rows: Vec<&str> = body.split("<tr ").skip(1).collect();
    assert_eq!(rows.len(), total);
    assert_eq!(rows.iter().filter(|r| !r.contains("hidden")).count(), infos);
    // Sorted by reclaimable bytes, descending.
    let reclaimable: Vec<i64> = rows
        .iter()
        .map(|r| {
            let cell = r.rsplit("data-value=\"").next().unwrap();
            cell[..cell.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(
        reclaimable.windows(2).all(|w| w[0] >= w[1]),
        "{reclaimable:?}"
    );

    let shot = dir.join("audit.png");
    run_chromium(
        &bin,
        &dir.join("profile-shot"),
        &url,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    eprintln!("screenshot: {}", shot.display());
}
