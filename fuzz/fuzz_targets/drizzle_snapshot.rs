//! A drizzle-kit snapshot (`meta/NNNN_snapshot.json`) read into the model, as `read_snapshot`
//! does: JSON first, then the snapshot of any version.
#![no_main]

use driftlint::source::drizzle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = drizzle::from_json(&value, 0);
    }
});
