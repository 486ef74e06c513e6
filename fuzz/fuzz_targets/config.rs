//! `driftlint.toml`: parsed and validated; errors carry a line and column inside the text.
#![no_main]

use std::path::Path;

use driftlint::config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = config::parse(
        text,
        Path::new("/nonexistent-driftlint-fuzz/driftlint.toml"),
    );
});
