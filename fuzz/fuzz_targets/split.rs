//! The splitter and the lexer under it: total, linear, and every span a valid, ordered,
//! non-overlapping slice of the input.
#![no_main]

use driftlint::source::read::decode;
use driftlint::sql::split;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = decode(data.to_vec()).text;
    let raws = split::split(&text);
    let mut prev_end = 0;
    for raw in &raws {
        assert!(raw.span.start >= prev_end, "spans overlap or go backwards");
        assert!(raw.span.start < raw.span.end, "empty statement span");
        assert!(
            text.get(raw.span.clone()).is_some(),
            "span not on char boundaries"
        );
        let _ = split::leading_comments(&text, raw, prev_end);
        prev_end = raw.span.end;
    }
});
