//! The xlsx reader never panics on any bytes, however broken the zip or the XML.
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
    let reader = std::io::Cursor::new(data.to_vec());
    if let Ok(sheet) = yanshou::record::sheet::xlsx_sheet(reader, None, "fuzz.xlsx") {
        let _ =
            yanshou::inputs::read_sheet(sheet, "fuzz.xlsx", checklists(), true, &mut |_, _| Ok(()));
    }
});
