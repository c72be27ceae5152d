//! One CSV saved in every shape the exporters write it in — every cell quoted
//! (KoboToolbox), GB18030 (Excel and WPS on Chinese Windows), CRLF line ends — reads as the
//! same sites as the plain file: `check` gives the same bytes and names the same rows in
//! its errors, whatever the chunks and the threads. Each shape has its own reading path
//! (`record::chunks::QuotedRows`, `record::sheet`'s GBK table), held here to the plain one.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

/// stdout, stderr and exit code of `args` run in `dir` with `threads` workers and chunks
/// of `chunk` bytes.
fn run(dir: &Path, args: &[&str], threads: usize, chunk: usize) -> (Vec<u8>, String, Option<i32>) {
    common::run_chunked(Some(dir), args, threads, chunk)
}

/// The rows of generated sites as cells, one site's name made to hold a comma, a line
/// break and a doubled quote, and (when `bad`) a later site's floor area not a number.
fn rows(dir: &Path, bad: bool) -> Vec<Vec<String>> {
    let generated = dir.join("generated.csv");
    Command::cargo_bin("yanshou")
        .unwrap()
        .args([
            "generate", "--sites", "300", "--seed", "11", "--kind", "township",
        ])
        .arg("--out")
        .arg(&generated)
        .assert()
        .success();
    let text = fs::read_to_string(&generated).unwrap();
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    rows[40][1] = format!("{}, \"新\"\n（原址）", rows[40][1]);
    if bad {
        rows[200][7] = "六十平米".to_owned();
    }
    rows
}

/// A cell as a CSV writer quotes it: only when it must, or always.
fn cell(text: &str, always: bool) -> String {
    if always || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The rows written as `shape`: plain, quoted, crlf or gbk.
fn shaped(rows: &[Vec<String>], shape: &str) -> Vec<u8> {
    let end = if shape == "crlf" { "\r\n" } else { "\n" };
    let text: String = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().map(|c| cell(c, shape == "quoted")).collect();
            cells.join(",") + end
        })
        .collect();
    if shape == "gbk" {
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        return bytes.into_owned();
    }
    text.into_bytes()
}

/// A run's output without what tells the files' bytes apart: the JSON's provenance gives
/// each input's SHA-256 and size.
fn comparable(run: (Vec<u8>, String, Option<i32>)) -> (Vec<u8>, String, Option<i32>) {
    let text = String::from_utf8(run.0).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .filter(|line| !line.contains("\"sha256\":") && !line.contains("\"size\":"))
        .collect();
    (kept.into_bytes(), run.1, run.2)
}

/// Every shape of the rows, each as `sites.csv` in a folder of its own (messages name the
/// file), checked against the plain one in CSV and JSON with chunks cut anywhere: small
/// odd chunks cut GBK text at every kind of place before decoding, and quoted cells' line
/// breaks and doubled quotes fall on chunk ends.
fn every_shape_reads_as_plain(name: &str, bad: bool) -> String {
    let dir = Scratch::new("shapes", name);
    let rows = rows(&dir, bad);
    for shape in ["plain", "quoted", "crlf", "gbk"] {
        fs::create_dir_all(dir.join(shape)).unwrap();
        fs::write(dir.join(shape).join("sites.csv"), shaped(&rows, shape)).unwrap();
    }
    let mut said = String::new();
    for format in ["csv", "json"] {
        let args = [
            "check",
            "sites.csv",
            "--format",
            format,
            "--as-of",
            "2020-10-01",
        ];
        let plain = comparable(run(&dir.join("plain"), &args, 0, 1 << 30));
        assert!(!plain.0.is_empty() || bad, "{format}: {}", plain.1);
        assert_ne!(plain.2, None);
        said = plain.1.clone();
        for shape in ["plain", "quoted", "crlf", "gbk"] {
            for (threads, chunk) in [(0, 1 << 30), (2, 997), (1, 4096), (0, 64)] {
                let got = comparable(run(&dir.join(shape), &args, threads, chunk));
                assert!(
                    got == plain,
                    "{shape}, {format}, {threads} threads, chunks of {chunk} bytes: {}\nplain: {}",
                    got.1,
                    plain.1
                );
            }
        }
    }
    said
}

#[test]
fn every_shape_gives_the_plain_files_output() {
    every_shape_reads_as_plain("same", false);
}

#[test]
fn every_shape_names_the_same_bad_row() {
    let said = every_shape_reads_as_plain("bad", true);
    // Row 201 of the file: the header, 199 rows, and the row whose name holds a line
    // break counted once, as a spreadsheet shows it.
    assert!(said.contains("sites.csv:201"), "{said}");
}
