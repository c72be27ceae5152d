//! The xlsx reader never panics on any bytes, however broken the zip or the XML.
#![no_main]
mod common;

use common::checklists;
use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    let reader = std::io::Cursor::new(data.to_vec());
    let _ = yanshou::inputs::read_sheet(reader, None, "fuzz.xlsx", checklists(), true, &mut |_, _| {
        Ok(())
    });
});
