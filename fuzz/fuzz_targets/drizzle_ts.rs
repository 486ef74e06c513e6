//! A Drizzle `schema.ts` read statically (oxc parser, then the evaluator) into the model.
#![no_main]

use std::path::PathBuf;

use driftlint::source::drizzle_ts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A path with no drizzle.config.* around it: nothing but the text is read.
    let path = PathBuf::from("/nonexistent-driftlint-fuzz/schema.ts");
    let _ = drizzle_ts::load_sources(vec![(path, text.to_string())], 0);
});
