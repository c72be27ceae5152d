//! One rule for every CSV yanshou writes: it starts with a UTF-8 byte-order mark, which
//! Excel and WPS on Chinese Windows need to read UTF-8 (without it they show 鍏崄…), and
//! `--no-bom` leaves it out of what `check`, `rank` and `recheck` print, for scripts.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use assert_cmd::Command;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn stdout(args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_csv_starts_with_a_byte_order_mark_unless_a_script_asks_for_none() {
    let example = "examples/puyang-2020";
    for command in [
        vec!["check", example, "--as-of", "2020-06-30"],
        vec!["rank", example, "--as-of", "2020-06-30"],
        vec!["recheck", example, "--as-of", "2020-12-30"],
    ] {
        let mut csv = command.clone();
        csv.extend(["--format", "csv"]);
        let with = stdout(&csv);
        assert!(with.starts_with(BOM), "{command:?}");
        assert!(!with[BOM.len()..].starts_with(BOM), "{command:?}: one mark");
        csv.push("--no-bom");
        let without = stdout(&csv);
        assert_eq!(&with[BOM.len()..], without.as_slice(), "{command:?}");
        // A table or JSON has none.
        let mut json = command.clone();
        json.extend(["--format", "json"]);
        assert!(stdout(&json).starts_with(b"{"), "{command:?}");
    }
    // The files yanshou writes for spreadsheets have it too.
    let dir = common::Scratch::new("csv_bom", "files");
    let form = dir.join("form.csv");
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args(["template", "--kind", "township", "--format", "csv", "--out"])
        .arg(&form)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&form).unwrap().starts_with(BOM));
}
