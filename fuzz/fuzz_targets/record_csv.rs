//! The CSV readers (encoding detection, GB18030 decoding, wide and long layouts, typed
//! cells, the fast path) never panic.
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
    let split = data.len().min(64 * 1024);
    // Both paths: the full reader, and the fast path for clean rows.
    for fast in [false, true] {
        let Ok(sheet) = yanshou::record::sheet::csv_sheet(
            data[..split].to_vec(),
            Box::new(std::io::Cursor::new(data[split..].to_vec())),
            "fuzz.csv",
        ) else {
            return;
        };
        let _ =
            yanshou::inputs::read_sheet(sheet, "fuzz.csv", checklists(), fast, &mut |_, _| Ok(()));
    }
});
