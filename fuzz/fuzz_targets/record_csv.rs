//! The CSV readers (encoding detection, GB18030 decoding, chunking, wide and long layouts,
//! typed cells, the fast path) never panic.
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
    // The first byte picks the chunk size, so cuts fall everywhere; both paths: the full
    // reader, and the fast path for clean rows.
    let Some((&size, data)) = data.split_first() else {
        return;
    };
    for fast in [false, true] {
        let _ = yanshou::inputs::read_csv_bytes(
            data,
            "fuzz.csv",
            checklists(),
            fast,
            usize::from(size) + 1,
        );
    }
});
