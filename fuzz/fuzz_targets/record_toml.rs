//! The TOML record reader never panics, against the built-in checklists.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yanshou::checklist::{Checklist, builtin};

fn checklists() -> &'static [Checklist] {
    static LISTS: OnceLock<Vec<Checklist>> = OnceLock::new();
    LISTS.get_or_init(|| {
        builtin::CHECKLISTS
            .iter()
            .filter_map(|(_, text)| Checklist::from_toml(text).ok())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = yanshou::record::toml::read(text, "fuzz.toml", checklists());
    }
});
