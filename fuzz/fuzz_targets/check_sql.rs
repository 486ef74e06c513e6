//! A whole file through the pipeline: decode, split, classify, parse (libpg_query), replay
//! (including DO blocks), every rule, and the human and JSON reports (which slice the text at
//! each finding's span). Findings or nothing; never a panic or a crash.
#![no_main]

use driftlint::check::check_sql;
use driftlint::report::{self, Summary};
use driftlint::source::read::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = decode(data.to_vec()).text;
    let run = check_sql("fuzz.sql", &text);
    for f in &run.findings {
        if let driftlint::schema::Origin::Sql { start, end, .. } = f.origin {
            let (start, end) = (start as usize, end as usize);
            assert!(
                start <= end && end <= text.len(),
                "finding outside the file"
            );
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
    let summary = Summary::new(&run.findings, run.files.len(), run.statements);
    let style = report::human::Style {
        color: false,
        width: 100,
    };
    let _ = report::human::render(&run.findings, &run.files, &summary, style);
    let _ = report::json::render(&run.findings, &run.files, &summary);
});
