//! Bounded memory on any workbook (#21 point 5): workbooks of a few hundred KB that inflate
//! to a gigabyte, some with zip headers that lie about it, are refused before they are held,
//! and the largest one the limits let through is read in well under 256 MiB. The workbooks
//! are made by tests/fixtures/xlsx/make-bombs.py.
//!
//! This file holds one test, so that the process's peak memory is that test's.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use yanshou::checklist::Checklist;

#[allow(dead_code)] // only the checklists are used here
mod common;

/// The sites read from a fixture workbook, or the error.
fn read(name: &str, checklists: &[Checklist]) -> Result<usize, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xlsx")
        .join(name);
    assert!(
        path.metadata().unwrap().len() < 50 << 20,
        "{name}: the promise is for inputs under 50 MB"
    );
    let file = BufReader::new(File::open(&path).unwrap());
    yanshou::inputs::read_sheet(file, None, name, checklists, false, &mut |_, _| Ok(()))
        .map_err(|e| format!("{e:#}"))
}

/// The process's peak resident memory, in KiB (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn no_workbook_under_50_mb_takes_more_than_256_mib() {
    yanshou::lang::set_messages(yanshou::lang::Lang::En);
    let checklists = common::puyang_checklists();
    for (bomb, refusal) in [
        // 1.2 GB of spaces in the sheet: refused by its size, then (headers lying) by the
        // longest text.
        ("spaces-in-sheet.xlsx", "inflates to more than 256 MiB"),
        ("spaces-in-sheet-lying.xlsx", "longer than 1048576 bytes"),
        // (rows-in-sheet-lying.xlsx, 300 MiB of short tags, is refused while counting what
        // it inflates to: 21 s in a debug build, so it is read by bench/xlsx-memory.sh.)
        // One shared string of 300 MiB, the headers saying 15 KB.
        ("one-long-string-lying.xlsx", "longer than 1048576 bytes"),
    ] {
        let err = read(bomb, &checklists).unwrap_err();
        assert!(err.contains(refusal), "{bomb}: {err}");
        assert!(err.starts_with(bomb), "{bomb}: {err}");
    }
    // Just under the shared-strings limit, in two million one-letter strings: what calamine
    // holds is largest for this shape. It reads (its 24 sites are the example campaign's).
    assert_eq!(read("many-short-strings.xlsx", &checklists), Ok(24));
    assert_eq!(read("records.xlsx", &checklists), Ok(24));
    if let Some(peak) = peak_kib() {
        assert!(peak < 256 * 1024, "peak {peak} KiB");
        eprintln!("peak resident memory: {} MiB of 256", peak / 1024);
    }
}
