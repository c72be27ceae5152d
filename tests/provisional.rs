//! A campaign inspected late in the last official year: every site still gets its verdict,
//! every deadline that reaches into the next year says it is provisional in every output,
//! and the official year, once added, makes the same run final.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use assert_cmd::Command;
use serde_json::Value;

const LATE: &str = "tests/fixtures/campaign-2027/sites/late.toml";
const PASSING: &str = "tests/fixtures/late-2026/pass.toml";
const FICTIONAL_2027: &str = "tests/fixtures/calendars/fictional-2027.toml";
const CAVEAT: &str = "暂定，待国务院公布 2027 年放假安排后确认";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

fn check_json(extra: &[&str]) -> (Value, String, Option<i32>) {
    let out = yanshou()
        .args([
            "check",
            LATE,
            PASSING,
            "--format",
            "json",
            "--as-of",
            "2026-12-31",
        ])
        .args(extra)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).expect("one JSON document");
    (
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn every_site_is_judged_and_the_deadline_into_2027_is_provisional() {
    let (doc, stderr, code) = check_json(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    let sites = doc["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 2);
    let late = sites
        .iter()
        .find(|s| s["inspected_on"] == "2026-12-20")
        .unwrap();
    assert_eq!(late["verdict"], "rectify");
    assert_eq!(late["due"], "2027-01-18");
    assert_eq!(late["due_provisional"], true);
    assert_eq!(late["findings"][0]["due_provisional"], true);
    let passed = sites.iter().find(|s| s["verdict"] == "pass").unwrap();
    assert_eq!(passed["due"], Value::Null);
    assert_eq!(passed["due_provisional"], false);
    assert_eq!(
        doc["summary"]["provisional_years"],
        serde_json::json!([2027])
    );
    // One warning for the run, naming the year.
    assert_eq!(
        stderr.matches("2027 年的放假安排国务院尚未公布").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn the_official_year_makes_the_same_run_final() {
    let (doc, stderr, _) = check_json(&["--calendar", FICTIONAL_2027]);
    let late = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["inspected_on"] == "2026-12-20")
        .unwrap()
        .clone();
    assert_eq!(late["due"], "2027-01-15");
    assert_eq!(late["due_provisional"], false);
    assert_eq!(doc["summary"]["provisional_years"], serde_json::json!([]));
    assert!(!stderr.contains("尚未公布"), "{stderr}");
}

#[test]
fn the_table_the_report_and_the_notice_carry_the_caveat() {
    let out = yanshou()
        .args(["check", LATE, "--as-of", "2026-12-31"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("2027-01-18（暂定）"), "{table}");
    assert!(
        table.contains(&format!("整改期限：2027-01-18（{CAVEAT}）")),
        "{table}"
    );

    let dir = common::Scratch::new("provisional", "report");
    let status = yanshou()
        .args([
            "report",
            LATE,
            "--as-of",
            "2026-12-31",
            "--format",
            "html,md",
            "--out",
        ])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let read = |rel: &str| std::fs::read_to_string(dir.join("out").join(rel)).unwrap();
    for page in [
        "md/notices/fixture-pass.md",
        "html/notices/fixture-pass.html",
    ] {
        let text = read(page);
        assert!(text.contains("请于2027年1月18日前"), "{page}");
        assert!(text.contains(CAVEAT), "{page}");
        assert!(
            text.contains("最多相差") || text.contains("相差最多 8 天"),
            "{page}"
        );
    }
    for page in [
        "md/summary.md",
        "html/index.html",
        "md/sites/fixture-pass.md",
        "html/sites/fixture-pass.html",
    ] {
        assert!(read(page).contains("暂定"), "{page}");
    }
}
