//! What holds the one evaluation path honest (issue #17 point 6): `check`'s table, JSON and
//! CSV on the example campaign are snapshots, so a refactor of the evaluator shows any
//! byte it changes; and every command gives each site the same score and verdict.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::collections::BTreeMap;
use std::fs;

use assert_cmd::Command;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";
const AS_OF: &str = "2020-06-30";

fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_outputs_on_the_example_campaign_are_snapshots() {
    for format in ["table", "json", "csv"] {
        let text = stdout(&["check", EXAMPLE, "--as-of", AS_OF, "--format", format]);
        insta::assert_snapshot!(format!("check_example_{format}"), text);
    }
}

/// (score, verdict code) per site id.
type Judged = BTreeMap<String, (String, String)>;

fn score(n: &Value) -> String {
    n.as_f64().map(|f| f.to_string()).unwrap()
}

/// The score and verdict of each site of a JSON array of sites.
fn judged(sites: &Value) -> Judged {
    sites
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            (
                id,
                (
                    score(&s["score"]),
                    s["verdict"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

#[test]
fn every_command_gives_each_site_the_same_score_and_verdict() {
    let check: Value = serde_json::from_str(&stdout(&[
        "check", EXAMPLE, "--as-of", AS_OF, "--format", "json",
    ]))
    .unwrap();
    let from_check = judged(&check["sites"]);
    assert_eq!(from_check.len(), 24);

    let rank: Value = serde_json::from_str(&stdout(&[
        "rank", EXAMPLE, "--as-of", AS_OF, "--format", "json",
    ]))
    .unwrap();
    let from_rank = judged(&rank["ranking"]);
    assert_eq!(from_rank, from_check, "rank");

    // recheck: the verdict at inspection of every site it follows up.
    let recheck: Value = serde_json::from_str(&stdout(&[
        "recheck", EXAMPLE, "--as-of", AS_OF, "--format", "json",
    ]))
    .unwrap();
    let followed = recheck["sites"].as_array().unwrap();
    assert!(followed.len() >= 10);
    for s in followed {
        let id = s["id"].as_str().unwrap();
        assert_eq!(
            s["verdict_before"].as_str().unwrap(),
            from_check[id].1,
            "recheck: {id}"
        );
    }

    // report: each site's page states its score and verdict.
    let out = common::Scratch::new("one-path", "report");
    stdout(&[
        "report",
        EXAMPLE,
        "--as-of",
        AS_OF,
        "--format",
        "md",
        "--out",
        out.join("r").to_str().unwrap(),
    ]);
    let words = [
        ("pass", "合格"),
        ("rectify", "不合格"),
        ("incomplete", "待补查"),
    ];
    for (id, (score, verdict)) in &from_check {
        let page = fs::read_to_string(out.join(format!("r/md/sites/{id}.md"))).unwrap();
        let word = words.iter().find(|(code, _)| code == verdict).unwrap().1;
        assert!(
            page.contains(&format!("- 结论：**{word}**")),
            "report: {id} is {word}"
        );
        assert!(
            page.contains(&format!("- 得分：{score}/")),
            "report: {id} scores {score}"
        );
    }
}

/// The fast reading of a large CSV and the plain one give every site the same score and
/// verdict, whatever the chunk size: generated rows, some cells made odd the way people
/// type them (#17 point 6, as the fuzz target `record_csv` checks on arbitrary bytes).
#[test]
fn the_fast_and_the_plain_reading_judge_every_site_alike() {
    let dir = common::Scratch::new("one_path", "fast-plain");
    let file = dir.join("mixed.csv");
    let status = Command::cargo_bin("yanshou")
        .unwrap()
        .args([
            "generate", "--sites", "400", "--seed", "5", "--kind", "mixed", "--out",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let text = fs::read_to_string(&file).unwrap();
    // Every seventh row gets cells as hands and other programs write them.
    const ODD: &[&str] = &[
        "６０㎡",
        "√",
        " 是",
        "民政局 人社局",
        "2个",
        "N/A",
        "不适用：租用",
    ];
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut changed = 0;
    for (n, line) in lines.iter_mut().enumerate().skip(1).step_by(7) {
        if line.contains('"') {
            continue;
        }
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        // One of the row's own items (a cell of another kind's item stays empty).
        let filled: Vec<usize> = (7..cells.len()).filter(|&c| !cells[c].is_empty()).collect();
        let column = filled[n % filled.len()];
        cells[column] = ODD[n % ODD.len()].to_owned();
        *line = cells.join(",");
        changed += 1;
    }
    assert!(changed > 40, "{changed}");
    let bytes = (lines.join("\n") + "\n").into_bytes();
    let checklists = common::puyang_checklists();
    let plain =
        yanshou::inputs::judge_csv_bytes(&bytes, "mixed.csv", &checklists, false, 1 << 30).unwrap();
    assert_eq!(plain.len(), 400);
    assert!(
        plain
            .iter()
            .any(|s| s.verdict == yanshou::audit::Verdict::Pass)
    );
    assert!(
        plain
            .iter()
            .any(|s| s.verdict != yanshou::audit::Verdict::Pass)
    );
    for chunk in [1 << 30, 4096, 333] {
        let fast = yanshou::inputs::judge_csv_bytes(&bytes, "mixed.csv", &checklists, true, chunk)
            .unwrap();
        assert_eq!(fast.len(), plain.len(), "chunk {chunk}");
        for (f, p) in fast.iter().zip(&plain) {
            assert_eq!(f, p, "chunk {chunk}");
        }
    }
}
