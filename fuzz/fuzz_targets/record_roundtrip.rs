//! A TOML record that reads is written back by every writer `convert` uses (TOML, wide and
//! long CSV) into text that reads as the same record — or, for CSV, into text whose
//! difference `convert` would refuse (it compares the same way). TOML must always hold it.
#![no_main]
mod common;

use common::checklists;
use libfuzzer_sys::fuzz_target;
use yanshou::record::{Record, write};


/// `record` without where it came from, which a round trip changes by design.
fn unplaced(mut record: Record) -> Record {
    record.origin = String::new();
    record
}

fn csv_text(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row).expect("writing to memory");
    }
    out.into_inner().expect("writing to memory")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = yanshou::record::toml::read(text, "fuzz.toml", checklists()) else {
        return;
    };
    let Some(checklist) = checklists().iter().find(|c| c.site_kind == record.kind) else {
        return;
    };
    let toml = write::to_toml(&record, checklist);
    let again = yanshou::record::toml::read(&toml, "again.toml", checklists())
        .unwrap_or_else(|e| panic!("the TOML written does not read: {e:?}\n{toml}"));
    assert_eq!(unplaced(again), unplaced(record.clone()), "{toml}");

    let header = write::wide_header(&[checklist], std::slice::from_ref(&record));
    let row = write::wide_row(&header, &record, checklist);
    let wide = csv_text(&[header, row]);
    let mut long = vec![write::long_header()];
    long.extend(write::long_rows(&record, checklist));
    let long = csv_text(&long);
    for bytes in [wide, long] {
        for fast in [false, true] {
            // What does not read back, or back the same, is what convert refuses (and the
            // property test in tests/nothing_lost.rs holds): here the readers must only never
            // panic on what the writers produce, and never find more than the one site.
            let read = yanshou::inputs::read_csv_bytes(&bytes, "o.csv", checklists(), fast, 1 << 20);
            if let Ok(records) = read {
                assert!(records.len() <= 1);
            }
        }
    }
});
