//! The TOML record reader never panics, against the built-in checklists.
#![no_main]
mod common;

use common::checklists;
use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = yanshou::record::toml::read(text, "fuzz.toml", checklists());
    }
});
