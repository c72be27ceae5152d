//! The CSV readers (encoding detection, GB18030 decoding, chunking, wide and long layouts,
//! typed cells, the fast path) never panic, and the fast path reads every row the full
//! reader reads into the same record, at any chunk size.
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
    // The first byte picks the chunk size, so cuts fall everywhere.
    let Some((&size, data)) = data.split_first() else {
        return;
    };
    let read = |fast: bool, chunk: usize| {
        yanshou::inputs::read_csv_bytes(data, "fuzz.csv", checklists(), fast, chunk)
    };
    let full = read(false, 1 << 20);
    for (fast, chunk) in [(false, usize::from(size) + 1), (true, usize::from(size) + 1)] {
        match (&full, read(fast, chunk)) {
            (Ok(a), Ok(b)) => assert_eq!(a, &b, "fast: {fast}, chunk: {chunk}"),
            // The same first error, wherever the cuts fall and whichever path reads.
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "fast: {fast}, chunk: {chunk}"),
            (a, b) => panic!("fast: {fast}, chunk: {chunk}: {a:?} against {b:?}"),
        }
    }
});
