//! Large CSV files are read in chunks on several threads: whatever the chunk size and the
//! threads, `check`, `rank` and `convert` give the same bytes as one thread reading the
//! file whole, errors included, and rows keep their line numbers.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;

fn scratch(name: &str) -> Scratch {
    Scratch::new("parallel", name)
}

/// stdout, stderr and exit code of a run with `threads` workers and chunks of `chunk`
/// bytes.
fn run(args: &[&str], threads: usize, chunk: usize) -> (Vec<u8>, String, Option<i32>) {
    common::run_chunked(None, args, threads, chunk)
}

/// Generated sites, with some rows made awkward: a quoted line break in a name (the
/// full path, and a cut the quote count must avoid), a literal quote that misleads the
/// quote count (forcing chunks to be joined), CRLF line ends, blank lines.
fn awkward_csv(dir: &Path, sites: usize) -> PathBuf {
    let plain = dir.join("plain.csv");
    Command::cargo_bin("yanshou")
        .unwrap()
        .args(["generate", "--sites", &sites.to_string(), "--seed", "7"])
        .args(["--kind", "mixed", "--out"])
        .arg(&plain)
        .assert()
        .success();
    let text = fs::read_to_string(&plain).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        if i > 0 && i % 7 == 0 {
            cells[1] = format!("\"{}\n（原{}）\"", cells[1], i);
        }
        if i > 0 && i % 11 == 0 {
            cells[6] = format!("{} 12\" 组", cells[6]);
        }
        out.push_str(&cells.join(","));
        out.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
        if i > 0 && i % 13 == 0 {
            out.push('\n');
        }
    }
    let path = dir.join("awkward.csv");
    fs::write(&path, out).unwrap();
    path
}

#[test]
fn chunks_and_threads_never_change_the_output() {
    let dir = scratch("same");
    let csv = awkward_csv(&dir, 400);
    let file = csv.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["check", file, "--format", "csv", "--as-of", "2020-10-01"],
        &["check", file, "--format", "json", "--as-of", "2020-10-01"],
        &["rank", file, "--format", "csv", "--as-of", "2020-10-01"],
        &["check", file, "--format", "table", "--as-of", "2020-10-01"],
    ];
    for args in commands {
        let whole = run(args, 0, 1 << 30);
        assert_ne!(whole.2, Some(2), "{args:?}: {}", whole.1);
        assert!(!whole.0.is_empty());
        for (threads, chunk) in [(0, 97), (1, 4096), (2, 211), (3, 1000), (2, 1)] {
            let split = run(args, threads, chunk);
            assert!(
                split == whole,
                "{args:?} with {threads} threads and chunks of {chunk} bytes differs:\n{}",
                split.1
            );
        }
    }
}

#[test]
fn a_bad_row_stops_the_run_at_that_row_whatever_the_threads() {
    let dir = scratch("error");
    let csv = awkward_csv(&dir, 300);
    let mut text = fs::read_to_string(&csv).unwrap();
    // Row 250 of the file gets an area that is not a number.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = lines
        .iter()
        .enumerate()
        .skip(240)
        .find(|(_, l)| l.starts_with('s') && l.contains(",township,") && !l.contains('"'))
        .map(|(i, _)| i)
        .unwrap();
    let fields: Vec<&str> = lines[at].split(',').collect();
    let mut bad = fields.clone();
    bad[7] = "六十平米";
    let mut edited: String = lines[..at].concat();
    edited.push_str(&bad.join(","));
    edited.push_str(&lines[at + 1..].concat());
    text = edited;
    fs::write(&csv, &text).unwrap();
    let file = csv.to_str().unwrap();
    let args = ["check", file, "--format", "csv", "--as-of", "2020-10-01"];
    let whole = run(&args, 0, 1 << 30);
    assert_eq!(whole.2, Some(2));
    // The row the error names, as a spreadsheet numbers rows (a quoted cell's line breaks
    // are inside its row), holds the bad cell.
    let row: usize = whole
        .1
        .split(':')
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no row in {}", whole.1));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut inside = 0;
    let mut named = None;
    for record in reader.records() {
        let record = record.unwrap();
        // The parser places a record where the previous one ended: before its line
        // break and any blank lines.
        let start = record.position().unwrap().byte() as usize;
        let skipped = text.as_bytes()[start..]
            .iter()
            .take_while(|b| **b == b'\r' || **b == b'\n')
            .filter(|b| **b == b'\n')
            .count();
        let line = 1
            + text.as_bytes()[..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
            + skipped;
        if line - inside == row {
            named = Some(record.iter().collect::<Vec<_>>().join(","));
        }
        inside += record
            .iter()
            .map(|c| c.matches('\n').count())
            .sum::<usize>();
    }
    assert!(inside > 0, "the file has quoted line breaks");
    let named = named.unwrap_or_else(|| panic!("no row {row}: {}", whole.1));
    assert!(named.contains("六十平米"), "row {row}: {named}");
    assert!(whole.1.contains(&format!("（H{row}）")), "{}", whole.1);
    for (threads, chunk) in [(2, 300), (1, 5000), (0, 64)] {
        assert_eq!(run(&args, threads, chunk), whole, "{threads} threads");
    }
}

#[test]
fn crlf_rows_are_placed_on_their_own_lines() {
    let dir = scratch("crlf");
    let csv = awkward_csv(&dir, 30);
    let text = fs::read_to_string(dir.join("plain.csv")).unwrap();
    let crlf = text.replace('\n', "\r\n").replacen(",是,", ",也许,", 1);
    fs::write(&csv, &crlf).unwrap();
    let (_, stderr, code) = run(&["check", csv.to_str().unwrap()], 0, 1 << 30);
    assert_eq!(code, Some(2));
    let line: usize = stderr.split(':').nth(2).unwrap().parse().unwrap();
    let nth = crlf.split("\r\n").nth(line - 1).unwrap();
    assert!(nth.contains("也许"), "{stderr} points at {nth}");
}

/// Checks that each CSV row of `check INPUT` carries its site's result and its finding as
/// the JSON gives them (the CSV renderer keeps the end of a row without findings from one row to the next,
/// and gathers rows across parts), and that there are `sites` sites.
fn csv_agrees_with_json(input: &str, sites: usize) {
    let args = |format| ["check", input, "--format", format, "--as-of", "2020-10-01"];
    let (csv_out, _, _) = run(&args("csv"), 2, 4096);
    let (json_out, _, _) = run(&args("json"), 0, 1 << 30);
    let doc: serde_json::Value = serde_json::from_slice(&json_out).unwrap();
    let by_id: std::collections::HashMap<&str, &serde_json::Value> = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s))
        .collect();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut reader = csv::Reader::from_reader(csv_out.as_slice());
    let mut seen = std::collections::HashSet::new();
    for row in reader.records().map(Result::unwrap) {
        let site = by_id[&row[0]];
        let expected = ["score", "max_score", "grade", "verdict", "due"].map(|k| text(&site[k]));
        let got = [&row[5], &row[6], &row[7], &row[8], &row[10]].map(str::to_owned);
        let label = match &row[8] {
            "pass" => "合格",
            "rectify" => "不合格",
            _ => "待补查",
        };
        assert_eq!(&row[9], label, "{}", &row[0]);
        assert_eq!(got, expected, "{}", &row[0]);
        if !row[12].is_empty() {
            let finding = site["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["item"] == row[12])
                .unwrap();
            let expected =
                ["status", "expected", "points", "points_lost"].map(|k| text(&finding[k]));
            let got = [&row[15], &row[17], &row[19], &row[20]].map(str::to_owned);
            assert_eq!(got, expected, "{} {}", &row[0], &row[12]);
        }
        seen.insert(row[0].to_owned());
    }
    assert_eq!(seen.len(), sites, "every site has a row");
}

#[test]
fn csv_rows_agree_with_the_json_of_their_sites() {
    let dir = scratch("csv-json");
    let file = dir.join("mixed.csv");
    Command::cargo_bin("yanshou")
        .unwrap()
        .args([
            "generate", "--sites", "600", "--seed", "11", "--kind", "mixed", "--out",
        ])
        .arg(&file)
        .assert()
        .success();
    csv_agrees_with_json(file.to_str().unwrap(), 600);
}

/// Rows without findings whose ends differ (two checklists with different maxima and
/// grades, alternating) each get their own end, not the row before's.
#[test]
fn csv_rows_without_findings_end_as_their_own_checklist_says() {
    let dir = scratch("csv-tails");
    two_checklists(&dir, "咨询服务、预约服务、代办服务、上门服务");
    let (json_out, stderr, _) = run(
        &[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2020-10-01",
        ],
        0,
        1 << 30,
    );
    let doc: serde_json::Value = serde_json::from_slice(&json_out).expect(&stderr);
    let ends: std::collections::HashSet<String> = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["score"], s["max_score"], s["grade"]))
        .collect();
    assert_eq!(ends.len(), 2, "two different row ends: {ends:?}");
    let clean = |s: &serde_json::Value| s["findings"].as_array().unwrap().is_empty();
    assert!(doc["sites"].as_array().unwrap().iter().all(clean));
    csv_agrees_with_json(dir.to_str().unwrap(), 40);
}

/// Findings of one item id under two checklists that set it differently, alternating,
/// are each worded by their own checklist: what the item expects and its points (the CSV
/// renderer words an item's fixed cells once).
#[test]
fn csv_findings_are_worded_by_their_own_checklist() {
    let dir = scratch("csv-items");
    two_checklists(&dir, "咨询服务");
    let (csv_out, stderr, _) = run(
        &["check", dir.to_str().unwrap(), "--format", "csv"],
        2,
        4096,
    );
    let mut reader = csv::Reader::from_reader(csv_out.as_slice());
    let worded: std::collections::HashSet<String> = reader
        .records()
        .map(Result::unwrap)
        .filter(|row| &row[12] == "agent.services")
        .map(|row| format!("{} {} {}", &row[2], &row[17], &row[19]))
        .collect();
    assert_eq!(worded.len(), 2, "{worded:?} {stderr}");
    csv_agrees_with_json(dir.to_str().unwrap(), 40);
}

/// A campaign in `dir` judging township sites by the village items with other points and
/// grades, and 40 sites, township and village alternating, recording `services`.
fn two_checklists(dir: &std::path::Path, services: &str) {
    let village = fs::read_to_string("checklists/puyang-2020/village.toml").unwrap();
    // A second checklist with the village items, for "township" sites: 40 points each, and
    // its own grade names.
    let other = village
        .replace("id = \"puyang-2020-village\"", "id = \"test-small-centre\"")
        .replace("site_kind = \"village\"", "site_kind = \"township\"")
        .replace("total_points = 100", "total_points = 80")
        .replace("points = 50", "points = 40")
        .replace("deduct_per_missing = 12.5", "deduct_per_missing = 10")
        .replace("name = \"优秀\"", "name = \"甲\"");
    assert_ne!(other, village);
    fs::write(dir.join("small.toml"), other).unwrap();
    let campaign = fs::read_to_string("examples/puyang-2020/campaign.toml")
        .unwrap()
        .replace("\"builtin:puyang-2020/township\"", "\"small.toml\"");
    fs::write(dir.join("campaign.toml"), campaign).unwrap();
    fs::create_dir_all(dir.join("sites")).unwrap();
    let mut rows = String::from(
        "id,name,kind,township,village,inspected_on,inspectors,agent.dedicated,agent.services\n",
    );
    for i in 0..40 {
        let (kind, village) = if i % 3 == 0 {
            ("township", "")
        } else {
            ("village", "北街")
        };
        rows.push_str(&format!(
            "s{i:03},站点{i},{kind},城关镇,{village},2020-06-01,张三,是,{services}\n"
        ));
    }
    fs::write(dir.join("sites").join("rows.csv"), rows).unwrap();
}
