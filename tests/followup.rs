//! Follow-up: re-inspections, overdue rectifications and waivers on the example campaign.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

fn recheck(as_of: &str) -> Value {
    let out = yanshou()
        .args(["recheck", EXAMPLE, "--format", "json", "--as-of", as_of])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The status of `item` at `site`, or None when the site or item is not followed up.
fn status(doc: &Value, site: &str, item: &str) -> Option<String> {
    let s = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == site)?;
    let i = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item)?;
    Some(i["status"].as_str().unwrap().to_owned())
}

/// The followed-up `item` of `site`.
fn item<'a>(doc: &'a Value, site_id: &str, item: &str) -> &'a Value {
    site(doc, site_id)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item)
        .unwrap_or_else(|| panic!("{site_id} has no followed-up {item}"))
}

fn site<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[test]
fn every_follow_up_status_shows_with_its_dates() {
    let doc = recheck("2020-10-01");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["as_of"], "2020-10-01");
    // re-inspected before the deadline and fixed
    assert_eq!(
        status(&doc, "liutun", "sign.name").as_deref(),
        Some("fixed")
    );
    let liutun = site(&doc, "liutun");
    assert_eq!(
        liutun["kind"], "township",
        "a site is id, name and kind, as in check"
    );
    assert_eq!(site(&doc, "hubuzhai-nanjie")["kind"], "village");
    assert_eq!(liutun["due"], "2020-07-01");
    assert_eq!(liutun["rechecked_on"], "2020-06-24");
    assert_eq!(liutun["verdict_before"], "rectify");
    assert_eq!(liutun["verdict"], "pass");
    // re-inspected in time, still failing
    assert_eq!(
        status(&doc, "zian", "sign.name").as_deref(),
        Some("still_failing")
    );
    assert_eq!(site(&doc, "zian")["verdict"], "rectify");
    // fixed, but re-inspected after the deadline
    assert_eq!(
        status(&doc, "luhe", "org.trainees").as_deref(),
        Some("overdue")
    );
    assert_eq!(site(&doc, "luhe")["rechecked_on"], "2020-07-10");
    // never re-inspected, deadline passed
    assert_eq!(
        status(&doc, "baigang", "disclosure.board_colours").as_deref(),
        Some("overdue")
    );
    // fixed, and a new failure found at re-inspection
    assert_eq!(
        status(&doc, "huzhuang", "windows.departments").as_deref(),
        Some("fixed")
    );
    assert_eq!(
        status(&doc, "huzhuang", "windows.signs").as_deref(),
        Some("new")
    );
    assert_eq!(site(&doc, "huzhuang")["verdict"], "rectify");
    // waived until the new hall opens
    assert_eq!(
        status(&doc, "hubuzhai", "windows.comprehensive").as_deref(),
        Some("waived")
    );
    // the waiver of wenliu expired on 2020-09-30: a failure again, long overdue
    assert_eq!(
        status(&doc, "wenliu", "site.floor_area").as_deref(),
        Some("overdue")
    );
    assert_eq!(site(&doc, "wenliu")["due"], "2020-06-30");
    // a re-inspection that fills in what was not recorded
    assert_eq!(site(&doc, "qucun")["verdict_before"], "incomplete");
    assert_eq!(site(&doc, "qucun")["verdict"], "pass");
}

#[test]
fn the_due_date_itself_is_on_time() {
    // haitong: due 2020-07-17, re-inspected that day and fixed
    let doc = recheck("2020-10-01");
    assert_eq!(site(&doc, "haitong")["due"], "2020-07-17");
    assert_eq!(site(&doc, "haitong")["rechecked_on"], "2020-07-17");
    assert_eq!(
        status(&doc, "haitong", "equipment.office").as_deref(),
        Some("fixed")
    );
    // baigang: due 2020-07-13, not re-inspected: pending on the day, overdue the day after
    let on_due = recheck("2020-07-13");
    assert_eq!(
        status(&on_due, "baigang", "disclosure.board_colours").as_deref(),
        Some("pending")
    );
    let after = recheck("2020-07-14");
    assert_eq!(
        status(&after, "baigang", "disclosure.board_colours").as_deref(),
        Some("overdue")
    );
}

#[test]
fn a_waiver_counts_until_the_day_it_expires() {
    let in_force = recheck("2020-09-29");
    assert_eq!(
        status(&in_force, "wenliu", "site.floor_area").as_deref(),
        Some("waived")
    );
    assert_eq!(site(&in_force, "wenliu")["verdict"], "pass");
    // The waiver is the object `check` writes for the same finding, not a sentence.
    let waiver = &item(&in_force, "wenliu", "site.floor_area")["waiver"];
    assert_eq!(
        *waiver,
        serde_json::json!({
            "reason": "租用原粮站办公楼，面积差 0.5 m²，新址装修期间暂缓",
            "approved_by": "县政务服务和大数据管理局 王建军",
            "approved_on": "2020-06-10",
            "expires": "2020-09-30",
        })
    );
    let checked = yanshou()
        .args([
            "check",
            EXAMPLE,
            "--format",
            "json",
            "--as-of",
            "2020-09-29",
        ])
        .output()
        .unwrap();
    let checked: Value = serde_json::from_slice(&checked.stdout).unwrap();
    let finding = site(&checked, "wenliu")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == "site.floor_area")
        .unwrap();
    assert_eq!(
        finding["waiver"], *waiver,
        "check and recheck write one waiver"
    );
    let expired = recheck("2020-09-30");
    assert!(
        item(&expired, "wenliu", "site.floor_area")["waiver"].is_null(),
        "a waiver that ran out is not shown as applying"
    );
    assert_eq!(
        status(&expired, "wenliu", "site.floor_area").as_deref(),
        Some("overdue")
    );
    assert_eq!(site(&expired, "wenliu")["verdict"], "rectify");
    // check says the same, and names the waiver that ran out
    let out = yanshou()
        .args([
            "check",
            EXAMPLE,
            "--format",
            "json",
            "--as-of",
            "2020-09-30",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("site.floor_area 的豁免"), "{stderr}");
    assert!(stderr.contains("已于 2020-09-30 到期"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let wenliu = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "wenliu")
        .unwrap();
    assert_eq!(wenliu["verdict"], "rectify");
}

/// A copy of the example campaign in a scratch folder, to break on purpose.
fn copy_example(name: &str) -> Scratch {
    let dir = Scratch::new("followup", name);
    for sub in ["sites", "rechecks"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in fs::read_dir(format!("{EXAMPLE}/{sub}")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
        }
    }
    for file in ["campaign.toml", "waivers.toml"] {
        fs::copy(format!("{EXAMPLE}/{file}"), dir.join(file)).unwrap();
    }
    dir
}

#[test]
fn a_waiver_for_an_unknown_site_or_item_is_an_error() {
    let dir = copy_example("bad-waiver");
    let waivers = dir.join("waivers.toml");
    let text = fs::read_to_string(&waivers).unwrap();
    fs::write(
        &waivers,
        text.replace("site = \"wenliu\"", "site = \"wenlu\""),
    )
    .unwrap();
    let out = yanshou().arg("check").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("waivers.toml:") && stderr.contains("豁免了不存在的站点 `wenlu`"),
        "{stderr}"
    );
    fs::write(
        &waivers,
        text.replace("item = \"site.floor_area\"", "item = \"site.floor_aera\""),
    )
    .unwrap();
    let out = yanshou().arg("check").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("是不是 `site.floor_area`？"), "{stderr}");
    // The same in English, on request.
    let out = yanshou()
        .arg("check")
        .arg(&dir)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .contains("waiver for unknown item `site.floor_aera`; did you mean `site.floor_area`?"),
        "{stderr}"
    );
}

#[test]
fn a_recheck_of_an_unknown_site_or_before_the_inspection_is_an_error() {
    let dir = copy_example("bad-recheck");
    let file = dir.join("rechecks/liutun.toml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("id = \"liutun\"", "id = \"liutn\"")).unwrap();
    let out = yanshou().arg("recheck").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("复查了不存在的站点 `liutn`；是不是 `liutun`？"),
        "{stderr}"
    );
    fs::write(
        &file,
        text.replace("inspected_on = 2020-06-24", "inspected_on = 2020-05-01"),
    )
    .unwrap();
    let out = yanshou().arg("recheck").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("早于检查日期 2020-06-02"));
}

/// Ruling 16: a result as of a day uses only what is dated on or before it.
#[test]
fn the_judging_day_bounds_what_is_known() {
    let out = yanshou()
        .args([
            "check",
            "examples/puyang-2020",
            "--as-of",
            "2020-06-05",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"baigang") && !ids.contains(&"haitong"),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 12);
    let later = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            w["message"]
                .as_str()
                .unwrap()
                .contains("after the judging day")
        })
        .count();
    assert_eq!(later, 12);

    // Re-inspections after the day had not happened: luhe's (07-10) and haitong's (07-17).
    let doc = recheck("2020-06-20");
    assert_eq!(
        status(&doc, "luhe", "org.trainees").as_deref(),
        Some("pending"),
        "{doc}"
    );
    assert_eq!(
        status(&doc, "haitong", "equipment.office").as_deref(),
        Some("pending")
    );
    assert_eq!(site(&doc, "luhe")["rechecked_on"], Value::Null);

    // No notice for a site not yet inspected on the report's day.
    let scratch = Scratch::new("followup", "judging-day");
    let dir = scratch.join("out");
    let out = yanshou()
        .args([
            "report",
            "examples/puyang-2020",
            "--as-of",
            "2020-06-05",
            "--format",
            "md",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(dir.join("md/notices/liutun.md").exists());
    assert!(!dir.join("md/notices/baigang.md").exists());
    assert!(!dir.join("md/notices/haitong.md").exists());
}
