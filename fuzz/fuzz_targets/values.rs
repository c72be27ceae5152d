//! The typed-value parser never panics, for every kind of the built-in checklists, and
//! a value it accepts writes back to a cell that reads the same.
#![no_main]
mod common;

use common::checklists;
use libfuzzer_sys::fuzz_target;
use yanshou::record::value::{Cell, format_value, parse_cell, parse_date, split_list};


fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_date(text);
    let _ = split_list(text);
    for checklist in checklists() {
        for item in &checklist.items {
            if let Ok(Cell::Value(raw)) = parse_cell(&item.kind, text)
                && let Ok(value) = item.kind.accept(raw)
            {
                let again = format_value(&item.kind, &value);
                if let Ok(Cell::Value(raw)) = parse_cell(&item.kind, &again) {
                    assert_eq!(
                        item.kind.accept(raw).ok(),
                        Some(value),
                        "{text:?} → {again:?}"
                    );
                }
            }
        }
    }
});
