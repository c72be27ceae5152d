//! The example campaign the README runs: its verdicts, its JSON shape, its CSV and table.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use assert_cmd::Command;
use serde_json::Value;

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// The day the example is judged on: after wenliu's waiver ran out (2020-09-30), while
/// hubuzhai's still applies, so both show.
const AS_OF: &str = "2020-10-01";

fn check_json() -> Value {
    let out = yanshou()
        .args([
            "check",
            "examples/puyang-2020",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "some example sites fail, so exit 1"
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn site<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no site {id}"))
}

fn finding<'a>(site: &'a Value, item: &str) -> Option<&'a Value> {
    site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
}

#[test]
fn named_townships_get_their_verdicts() {
    let doc = check_json();
    let verdict = |id: &str| site(&doc, id)["verdict"].as_str().unwrap().to_owned();
    for id in [
        "chengguan",
        "bagongqiao",
        "qinghetou",
        "xuzhen",
        "xicheng",
        "hubuzhai",
    ] {
        assert_eq!(verdict(id), "pass", "{id}");
    }
    for id in ["wenliu", "liutun", "zian", "luhe", "huzhuang", "baigang"] {
        assert_eq!(verdict(id), "rectify", "{id}");
    }
    for id in ["qucun", "wangchenggu"] {
        assert_eq!(verdict(id), "incomplete", "{id}");
    }
}

#[test]
fn each_near_miss_fails_on_its_own_item_and_clause() {
    let doc = check_json();
    let failing = |id: &str, item: &str, clause: &str| {
        let f =
            finding(site(&doc, id), item).unwrap_or_else(|| panic!("{id} has no {item} finding"));
        assert_eq!(f["status"], "fail", "{id} {item}");
        assert_eq!(f["clause"], clause, "{id} {item}");
        assert_eq!(f["rectify"], true, "{id} {item}");
        f.clone()
    };
    let area = failing("wenliu", "site.floor_area", "3.1.1");
    assert_eq!(area["observed"], 59.5);
    assert_eq!(area["points_lost"], 8);
    // three comprehensive windows, waived by the county until the new hall opens
    let windows = finding(site(&doc, "hubuzhai"), "windows.comprehensive").unwrap();
    assert_eq!(windows["status"], "waived");
    assert_eq!(windows["rectify"], false);
    assert_eq!(windows["points_lost"], 4, "a waived item is not a pass");
    assert!(
        windows["waiver"]["approved_by"]
            .as_str()
            .unwrap()
            .contains("王建军")
    );
    failing("luhe", "org.trainees", "4.1");
    let departments = failing("huzhuang", "windows.departments", "3.1.3");
    assert_eq!(departments["missing"], serde_json::json!(["医保局"]));
    assert_eq!(departments["points_lost"], 1);
    failing("liutun", "sign.name", "3.1.2");
    failing("zian", "sign.name", "3.1.2");
    failing("baigang", "disclosure.board_colours", "3.1.4");
    // exactly 60 m² passes (ruling 1): no floor-area finding at all
    assert!(finding(site(&doc, "qinghetou"), "site.floor_area").is_none());
}

#[test]
fn unrecorded_and_not_applicable_items_are_explained() {
    let doc = check_json();
    let qucun = site(&doc, "qucun");
    let unrecorded: Vec<&Value> = qucun["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "unrecorded")
        .collect();
    assert_eq!(unrecorded.len(), 3);
    assert!(unrecorded.iter().all(|f| f["observed"].is_null()));
    assert_eq!(
        qucun["grade"],
        Value::Null,
        "a site without a verdict gets no grade"
    );
    let xuzhen = site(&doc, "xuzhen");
    assert_eq!(xuzhen["max_score"], 98);
    assert_eq!(xuzhen["not_applicable_points"], 2);
    let hall = finding(xuzhen, "site.open_hall").unwrap();
    assert_eq!(hall["status"], "not_applicable");
    assert!(hall["reason"].as_str().unwrap().contains("供销社"));
}

#[test]
fn the_json_has_the_documented_fields() {
    let doc = check_json();
    for key in ["schema_version", "campaign", "summary", "warnings", "sites"] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    assert_eq!(doc["schema_version"], yanshou::render::SCHEMA_VERSION);
    let summary = &doc["summary"];
    assert_eq!(summary["sites"], 24);
    for verdict in ["pass", "rectify", "incomplete"] {
        assert!(summary[verdict].as_u64().unwrap() > 0, "no {verdict} site");
    }
    let site_keys = [
        "id",
        "name",
        "kind",
        "inspected_on",
        "score",
        "max_score",
        "grade",
        "verdict",
        "due",
        "findings",
    ];
    let finding_keys = [
        "item",
        "clause",
        "title",
        "status",
        "observed",
        "expected",
        "severity",
        "points_lost",
    ];
    for s in doc["sites"].as_array().unwrap() {
        for key in site_keys {
            assert!(s.get(key).is_some(), "site {} lacks {key}", s["id"]);
        }
        assert!(["pass", "rectify", "incomplete"].contains(&s["verdict"].as_str().unwrap()));
        for f in s["findings"].as_array().unwrap() {
            for key in finding_keys {
                assert!(f.get(key).is_some(), "finding of {} lacks {key}", s["id"]);
            }
            assert_eq!(f["due"], s["due"], "a finding carries its site's due date");
        }
    }
}

#[test]
fn every_site_with_a_failed_mandatory_item_is_dated_by_working_days() {
    let doc = check_json();
    let mut undated_incomplete = 0;
    for s in doc["sites"].as_array().unwrap() {
        // Clause 4.2's working days run for failed mandatory items (ruling 14): a site that
        // is only incomplete is told what to record, and gets no deadline.
        let to_fix = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rectify"] == true);
        assert_eq!(!s["due"].is_null(), to_fix, "site {}", s["id"]);
        if s["verdict"] == "incomplete" && !to_fix {
            undated_incomplete += 1;
        }
    }
    assert!(
        undated_incomplete >= 2,
        "the example has incomplete-only sites"
    );
    // Fixed points of the official calendar (issue 3): 2020-06-18 + 20 → 2020-07-17.
    let haitong = site(&doc, "haitong");
    assert_eq!(haitong["inspected_on"], "2020-06-18");
    assert_eq!(haitong["due"], "2020-07-17");
}

#[test]
fn an_inspection_outside_the_acceptance_phase_is_a_warning_not_a_failure() {
    let doc = check_json();
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2);
    assert_eq!(warnings[0]["site"], "xicheng");
    // wenliu's waiver ran out on 2020-09-30: the floor area fails again, with a warning
    assert_eq!(warnings[1]["site"], "wenliu");
    assert!(
        warnings[1]["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-09-30")
    );
    assert_eq!(site(&doc, "xicheng")["verdict"], "pass");
    let acceptance = &doc["campaign"]["phases"][1];
    assert_eq!(acceptance["key"], "acceptance");
    assert_eq!(acceptance["working_days"], 16);
    let out = yanshou()
        .args(["check", "examples/puyang-2020"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("xicheng.toml：检查日期 2020-06-22 不在检查验收阶段"),
        "{stderr}"
    );
}

#[test]
fn the_table_shows_all_three_verdicts_and_the_clauses() {
    let out = yanshou()
        .args(["check", "examples/puyang-2020"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    for word in ["合格", "不合格", "待补查", "3.1.1", "须整改", "整改期限"] {
        assert!(table.contains(word), "table lacks {word}");
    }
    let out = yanshou()
        .args(["check", "examples/puyang-2020", "--lang", "en"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for word in ["pass", "rectify", "incomplete", "Net usable floor area"] {
        assert!(table.contains(word), "English table lacks {word}");
    }
}

#[test]
fn the_csv_has_a_row_per_finding_and_one_for_each_clean_site() {
    let out = yanshou()
        .args(["check", "examples/puyang-2020", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "site_id");
    assert!(header.contains(&"due".to_owned()));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let doc = check_json();
    let findings: usize = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["findings"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(rows.len(), findings);
    let wenliu = rows
        .iter()
        .find(|r| &r[0] == "wenliu" && &r[12] == "site.floor_area")
        .unwrap();
    assert_eq!(&wenliu[16], "59.5 m²");
    assert_eq!(&wenliu[8], "rectify");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    for format in ["table", "json", "csv"] {
        let run = || {
            yanshou()
                .args(["check", "examples/puyang-2020", "--format", format])
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run(), run(), "{format}");
    }
}
