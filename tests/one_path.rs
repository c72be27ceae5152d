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
