//! Follow-up: re-inspections, overdue rectifications and waivers on the example campaign.
//! A campaign judged on any day says only what was known that day, and no fix, deadline or
//! notice number moves after the fact (issue #22): each scenario is a dated one of the
//! example campaign, or of a copy with one record added or taken out.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

fn recheck(as_of: &str) -> Value {
    recheck_in(Path::new(EXAMPLE), as_of)
}

fn recheck_in(campaign: &Path, as_of: &str) -> Value {
    let out = common::output_with_code(
        yanshou()
            .arg("recheck")
            .arg(campaign)
            .args(["--format", "json", "--as-of", as_of]),
        1,
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
    // found failing at the 07-06 re-inspection, fixed at the second one, 07-24
    assert_eq!(
        status(&doc, "huzhuang", "windows.signs").as_deref(),
        Some("fixed")
    );
    assert_eq!(site(&doc, "huzhuang")["verdict"], "pass");
    // waived until the new hall opens
    assert_eq!(
        status(&doc, "hubuzhai", "windows.comprehensive").as_deref(),
        Some("waived")
    );
    // the waiver of wenliu expired on 2020-09-30, but the hall was fixed on 09-25, while
    // the waiver applied: a fix made under a waiver stays fixed
    assert_eq!(
        status(&doc, "wenliu", "site.floor_area").as_deref(),
        Some("fixed")
    );
    assert_eq!(site(&doc, "wenliu")["rechecked_on"], "2020-09-25");
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
    // The example's wenliu fixes its hall under the waiver; here it does not.
    let campaign = common::example_campaign("followup", "waiver-expires");
    fs::remove_file(campaign.join("rechecks/wenliu.toml")).unwrap();
    let recheck = |as_of: &str| recheck_in(&campaign, as_of);
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
    // Due 20 working days after the lapse (2020-11-04), not on the inspection's due date.
    assert_eq!(
        status(&expired, "wenliu", "site.floor_area").as_deref(),
        Some("pending")
    );
    assert_eq!(
        item(&expired, "wenliu", "site.floor_area")["due"],
        "2020-11-04"
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

#[test]
fn a_waiver_for_an_unknown_site_or_item_is_an_error() {
    let dir = common::example_campaign("followup", "bad-waiver");
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
    let dir = common::example_campaign("followup", "bad-recheck");
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

/// `report CAMPAIGN --as-of DAY` in html and docx, into a scratch folder.
fn report(campaign: &Path, as_of: &str, name: &str) -> Scratch {
    let out = Scratch::new("timeline", name);
    let status = yanshou()
        .arg("report")
        .arg(campaign)
        .args([
            "--as-of",
            as_of,
            "--format",
            "html,docx",
            "--force",
            "--out",
        ])
        .arg(out.join("r"))
        .output()
        .unwrap();
    assert!(
        matches!(status.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

/// The notice numbers of a report: (notice file, number), from the summary page.
fn notice_numbers(out: &Path) -> Vec<(String, String)> {
    let dir = out.join("r/html/notices");
    let mut found = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "all" {
            continue;
        }
        let page = fs::read_to_string(&path).unwrap();
        // The example campaign's `notice_prefix`.
        let start = page.find("濮政服验〔").unwrap();
        let end = start + page[start..].find('号').unwrap() + '号'.len_utf8();
        found.push((name, page[start..end].to_owned()));
    }
    found.sort();
    found
}

// ------------------------------------------------------------- 2. a fix under a waiver

#[test]
fn a_fix_made_under_a_waiver_stays_fixed_when_the_waiver_lapses() {
    // wenliu's floor area is waived until 2020-09-30 and found fixed (72 m²) on 09-25.
    let example = Path::new(EXAMPLE);
    for day in ["2020-09-30", "2020-12-01"] {
        let doc = recheck_in(example, day);
        assert_eq!(
            item(&doc, "wenliu", "site.floor_area")["status"],
            "fixed",
            "{day}"
        );
        assert_eq!(site(&doc, "wenliu")["verdict"], "pass", "{day}");
    }
    // Nor does the report issue a notice for it when the waiver lapses.
    let out = report(example, "2020-12-01", "fixed-under-waiver");
    let numbers = notice_numbers(&out);
    assert!(
        numbers.iter().all(|(file, _)| !file.starts_with("wenliu-")),
        "{numbers:?}"
    );
}

#[test]
fn a_waiver_lapsing_on_a_failing_item_gives_20_working_days_from_the_lapse() {
    // Without the fix of 09-25, the waiver lapses on 09-30 with the hall still too small.
    let campaign = common::example_campaign("timeline", "lapse");
    fs::remove_file(campaign.join("rechecks/wenliu.toml")).unwrap();
    let on_lapse = recheck_in(&campaign, "2020-09-30");
    let area = item(&on_lapse, "wenliu", "site.floor_area");
    // 20 working days after 2020-09-30, across the National Day holidays: 2020-11-04.
    assert_eq!(area["due"], "2020-11-04");
    assert_eq!(
        area["status"], "pending",
        "not overdue on the day it lapses"
    );
    assert_eq!(
        item(
            &recheck_in(&campaign, "2020-11-05"),
            "wenliu",
            "site.floor_area"
        )["status"],
        "overdue"
    );
    // The notice issued on the lapse sets that date, never one already past.
    let out = report(&campaign, "2020-10-09", "lapse-notice");
    let page = fs::read_to_string(out.join("r/html/notices/wenliu-2020-09-30.html")).unwrap();
    assert!(page.contains("豁免已于2020年9月30日到期"), "{page}");
    assert!(page.contains("请于2020年11月4日前"), "{page}");
    assert!(!page.contains("请于2020年6月30日前"), "{page}");
}

// -------------------------------------------------- 4. a failure found at re-inspection

#[test]
fn a_failure_found_at_re_inspection_is_a_rectification_item_with_its_own_deadline() {
    // huzhuang's windows.signs, broken at the 07-06 re-inspection: due 20 working days on.
    let campaign = common::example_campaign("timeline", "found");
    fs::remove_file(campaign.join("rechecks/huzhuang-2.toml")).unwrap();
    let doc = recheck_in(&campaign, "2020-07-10");
    let signs = item(&doc, "huzhuang", "windows.signs");
    assert_eq!(signs["status"], "new");
    assert_eq!(signs["found_on"], "2020-07-06");
    assert_eq!(signs["due"], "2020-08-03");
    let late = recheck_in(&campaign, "2020-12-01");
    assert_eq!(
        item(&late, "huzhuang", "windows.signs")["status"],
        "overdue"
    );
    // On the report's overdue list and on a notice of its own, dated the re-inspection.
    let out = report(&campaign, "2020-12-01", "found-report");
    let index = fs::read_to_string(out.join("r/html/index.html")).unwrap();
    assert!(
        index.contains("<tr data-site=\"huzhuang\" data-item=\"windows.signs\">"),
        "on the overdue list"
    );
    let page = fs::read_to_string(out.join("r/html/notices/huzhuang-2020-07-06.html")).unwrap();
    assert!(page.contains("进行了复查，发现以下问题"), "{page}");
    assert!(
        page.contains("windows.signs") || page.contains("窗口"),
        "{page}"
    );
    assert!(page.contains("请于2020年8月3日前"), "{page}");
    assert!(out.join("r/docx/huzhuang-2020-07-06.docx").exists());
    // The site's page links both its notices.
    let site_page = fs::read_to_string(out.join("r/html/sites/huzhuang.html")).unwrap();
    assert!(
        site_page.contains("notices/huzhuang.html"),
        "the inspection's notice"
    );
    assert!(
        site_page.contains("整改通知书（复查发现）")
            && site_page.contains("notices/huzhuang-2020-07-06.html"),
        "the re-inspection's notice"
    );
}

// ------------------------------------------------------------ 6. numbers never move

#[test]
fn notice_numbers_never_move_with_the_judging_day() {
    let example = Path::new(EXAMPLE);
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for day in [
        "2020-06-05",
        "2020-06-08",
        "2020-06-10",
        "2020-06-30",
        "2020-12-01",
    ] {
        let out = report(example, day, &format!("numbers-{day}"));
        for (file, number) in notice_numbers(&out) {
            if let Some(before) = seen.insert(file.clone(), number.clone()) {
                assert_eq!(before, number, "{file} renumbered as of {day}");
            }
        }
    }
    // zian, inspected 06-08, keeps its number whatever waivers are approved after.
    assert!(seen.contains_key("zian"), "{seen:?}");
    // hubuzhai's notice was issued on 06-02, before its waiver of 06-08: it stays issued.
    assert!(seen.contains_key("hubuzhai"), "{seen:?}");
    // Numbers follow the day of issue, then the site id, without gaps, and without
    // leading zeros (GB/T 9704-2012 7.2.4: 1, not 001).
    let serial = |number: &str| -> usize {
        let digits = number
            .strip_prefix("濮政服验〔2020〕")
            .and_then(|n| n.strip_suffix('号'))
            .unwrap_or_else(|| panic!("{number}"));
        assert!(!digits.starts_with('0'), "{number}");
        digits.parse().unwrap()
    };
    let mut numbers: Vec<usize> = seen.values().map(|n| serial(n)).collect();
    numbers.sort();
    assert_eq!(numbers, (1..=numbers.len()).collect::<Vec<_>>());
}

// ------------------------------------------------------- 8. re-inspection history

#[test]
fn a_site_may_be_re_inspected_several_times_and_the_latest_counts() {
    let example = Path::new(EXAMPLE);
    // huzhuang: 07-06 (signs broken), 07-24 (signs fixed).
    let between = recheck_in(example, "2020-07-10");
    assert_eq!(
        site(&between, "huzhuang")["rechecks"],
        serde_json::json!(["2020-07-06"])
    );
    assert_eq!(site(&between, "huzhuang")["verdict"], "rectify");
    let after = recheck_in(example, "2020-07-31");
    let huzhuang = site(&after, "huzhuang");
    assert_eq!(
        huzhuang["rechecks"],
        serde_json::json!(["2020-07-06", "2020-07-24"])
    );
    assert_eq!(huzhuang["rechecked_on"], "2020-07-24");
    assert_eq!(huzhuang["verdict"], "pass");
    let signs = item(&after, "huzhuang", "windows.signs");
    assert_eq!(signs["status"], "fixed");
    assert_eq!(signs["rechecked_on"], "2020-07-24");
    // The item the second re-inspection did not look at keeps the first one's day.
    assert_eq!(
        item(&after, "huzhuang", "windows.departments")["rechecked_on"],
        "2020-07-06"
    );
    // Two re-inspections of one site on one day are refused, naming both.
    let campaign = common::example_campaign("timeline", "same-day");
    let again = fs::read_to_string(campaign.join("rechecks/huzhuang-2.toml"))
        .unwrap()
        .replace("2020-07-24", "2020-07-06");
    fs::write(campaign.join("rechecks/huzhuang-2.toml"), again).unwrap();
    let out = yanshou()
        .arg("recheck")
        .arg(&*campaign)
        .args(["--as-of", "2020-08-01", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("already has a re-inspection on 2020-07-06")
            && stderr.contains("huzhuang.toml")
            && stderr.contains("huzhuang-2.toml"),
        "{stderr}"
    );
}

#[test]
fn every_re_inspected_site_has_its_row_in_the_csv() {
    // qucun: 待补查 at inspection, everything recorded at its re-inspection: nothing left
    // to follow, but it was re-inspected.
    let out = yanshou()
        .args([
            "recheck",
            EXAMPLE,
            "--format",
            "csv",
            "--as-of",
            "2020-07-31",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let qucun: Vec<&str> = text.lines().filter(|l| l.starts_with("qucun,")).collect();
    assert_eq!(qucun.len(), 3, "{text}");
    for row in qucun {
        assert!(row.contains(",2020-06-19,pass,"), "{row}");
        assert!(row.contains(",recorded,"), "{row}");
    }
    // A site re-inspected with nothing left to follow still has its row: a copy where
    // the re-inspection of haitong also covers nothing that failed (its failure was at
    // inspection; here the inspection record is made to pass).
    let campaign = common::example_campaign("followup", "row-without-items");
    let site = campaign.join("sites/haitong.toml");
    let text = fs::read_to_string(&site).unwrap();
    let fixed = fs::read_to_string(campaign.join("rechecks/haitong.toml")).unwrap();
    let office = fixed
        .lines()
        .find(|l| l.starts_with("equipment.office"))
        .unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("equipment.office") {
                office
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&site, text).unwrap();
    let out = yanshou()
        .arg("recheck")
        .arg(&*campaign)
        .args(["--format", "csv", "--as-of", "2020-07-31"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let haitong: Vec<&str> = text.lines().filter(|l| l.starts_with("haitong,")).collect();
    assert_eq!(haitong.len(), 1, "{text}");
    assert!(
        haitong[0].contains(",2020-07-17,pass,,,,"),
        "{}",
        haitong[0]
    );
}

// ------------------------------------------------------------------ 10. small things

#[test]
fn a_note_alone_at_re_inspection_is_not_a_re_inspection_of_the_item() {
    // zian's re-inspection writes only a note on the sign: the answer stands, and the
    // item is not re-inspected (pending, then overdue), not "still failing".
    let campaign = common::example_campaign("timeline", "note-only");
    let note = fs::read_to_string(campaign.join("rechecks/zian.toml"))
        .unwrap()
        .replace(
            "sign.name = { value = \"子岸便民中心\", note = \"新标牌已制作，尚未安装\" }",
            "sign.name = { note = \"新标牌已制作，尚未安装\" }",
        );
    assert!(note.contains("sign.name = { note"));
    fs::write(campaign.join("rechecks/zian.toml"), note).unwrap();
    let doc = recheck_in(&campaign, "2020-07-06");
    let sign = item(&doc, "zian", "sign.name");
    assert_eq!(sign["status"], "pending");
    assert!(sign["rechecked_on"].is_null(), "{sign}");
    assert_eq!(
        item(&recheck_in(&campaign, "2020-07-31"), "zian", "sign.name")["status"],
        "overdue"
    );
}

// ------------------------------------------------------- 9. waivers that make sense

/// `waivers.toml` of a copy of the example with one more waiver, for chengguan's `item`.
fn with_waiver(name: &str, item: &str) -> Scratch {
    let campaign = common::example_campaign("waivers", name);
    let mut text = fs::read_to_string(campaign.join("waivers.toml")).unwrap();
    text.push_str(&format!(
        "\n[[waivers]]\nsite = \"chengguan\"\nitem = \"{item}\"\nreason = \"试\"\n\
         approved_by = \"县里\"\napproved_on = 2020-06-10\nexpires = 2020-12-31\n"
    ));
    fs::write(campaign.join("waivers.toml"), text).unwrap();
    campaign
}

#[test]
fn a_waiver_of_an_advisory_item_is_refused_naming_its_line() {
    let campaign = with_waiver("advisory", "site.open_hall");
    let out = yanshou()
        .arg("check")
        .arg(&*campaign)
        .args(["--as-of", "2020-06-30", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("waivers.toml:") && stderr.contains("`site.open_hall` is advisory"),
        "{stderr}"
    );
}

#[test]
fn a_waiver_of_an_item_that_passed_does_nothing_and_never_hides_a_later_failure() {
    // chengguan's sign passed at inspection (05-28); a waiver for it is approved on 06-10;
    // a re-inspection on 07-01 finds the sign wrong.
    let campaign = with_waiver("passed", "sign.name");
    let recheck = "id = \"chengguan\"\nname = \"城关镇便民服务中心\"\nkind = \"township\"\n\
         township = \"城关镇\"\ninspected_on = 2020-07-01\ninspectors = [\"王建国\"]\n\
         [observations]\nsign.name = \"城关便民中心\"\n";
    fs::write(campaign.join("rechecks/chengguan.toml"), recheck).unwrap();
    let out = yanshou()
        .arg("check")
        .arg(&*campaign)
        .args(["--as-of", "2020-06-30"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("sign.name 为“符合”，没有可豁免的不合格，这条豁免不起作用"),
        "said, located: {stderr}"
    );
    assert!(stderr.contains("waivers.toml:"), "{stderr}");
    // The failure found at re-inspection is new, with its deadline, not waived.
    let doc = recheck_in(&campaign, "2020-07-10");
    let sign = item(&doc, "chengguan", "sign.name");
    assert_eq!(sign["status"], "new");
    assert!(sign["waiver"].is_null(), "{sign}");
    assert_eq!(site(&doc, "chengguan")["verdict"], "rectify");
    // The report's table of waivers does not call it in force.
    let out = report(&campaign, "2020-07-10", "unused-waiver");
    let index = fs::read_to_string(out.join("r/html/index.html")).unwrap();
    assert!(
        index.contains("不起作用：检查时该项未不合格"),
        "in the waivers table"
    );
    let notice = out.join("r/html/notices/chengguan-2020-07-01.html");
    assert!(
        notice.exists(),
        "the failure found at re-inspection has its notice"
    );
}

// ------------------------------------------- 5. incomplete sites are told what to record

#[test]
fn an_incomplete_site_is_told_what_to_record_and_given_no_deadline() {
    let doc = recheck("2020-07-31");
    // wangchenggu: rules.systems never recorded: to record, no deadline, not overdue.
    let systems = item(&doc, "wangchenggu", "rules.systems");
    assert_eq!(systems["status"], "to_record");
    assert!(systems["due"].is_null(), "{systems}");
    assert!(site(&doc, "wangchenggu")["due"].is_null());
    assert_eq!(site(&doc, "wangchenggu")["verdict"], "incomplete");
    // qucun: its three missing records came in at the 06-19 re-inspection, and passed.
    for id in [
        "transfer.paper_route",
        "transfer.return_route",
        "funding.budget",
    ] {
        let recorded = item(&doc, "qucun", id);
        assert_eq!(recorded["status"], "recorded", "{id}");
        assert_eq!(recorded["rechecked_on"], "2020-06-19", "{id}");
    }
    // Before it, all three were still to record.
    let before = recheck("2020-06-18");
    assert_eq!(
        item(&before, "qucun", "funding.budget")["status"],
        "to_record"
    );
    // A record that comes in failing is a rectification item from that day (ruling 9).
    let campaign = common::example_campaign("followup", "recorded-failing");
    let recheck_file = campaign.join("rechecks/wangchenggu.toml");
    fs::write(
        &recheck_file,
        "id = \"wangchenggu\"\nname = \"王称堌镇便民服务中心\"\nkind = \"township\"\n\
         township = \"王称堌镇\"\ninspected_on = 2020-06-22\ninspectors = [\"王建国\"]\n\
         [observations]\nrules.systems = [\"一次性告知制\"]\n",
    )
    .unwrap();
    let doc = recheck_in(&campaign, "2020-06-30");
    let systems = item(&doc, "wangchenggu", "rules.systems");
    assert_eq!(systems["status"], "new");
    assert_eq!(systems["found_on"], "2020-06-22");
    assert!(systems["due"].is_string(), "{systems}");
}

// ------------------------------------------------------------ 10. small things (cont.)

#[test]
fn a_re_inspection_of_another_kind_of_site_gets_the_kind_error() {
    let campaign = common::example_campaign("followup", "other-kind");
    let file = campaign.join("rechecks/zian.toml");
    let text = fs::read_to_string(&file)
        .unwrap()
        .replace("kind = \"township\"", "kind = \"village\"");
    fs::write(&file, text).unwrap();
    let out = yanshou()
        .arg("recheck")
        .arg(&*campaign)
        .args(["--as-of", "2020-08-01", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("site `zian` is a township but the re-inspection says village"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("unknown"),
        "not an unknown-item error: {stderr}"
    );
}

#[test]
fn a_re_inspection_on_a_holiday_years_ahead_or_of_another_township_is_warned() {
    let campaign = common::example_campaign("followup", "odd-recheck");
    let file = campaign.join("rechecks/zian.toml");
    let text = fs::read_to_string(&file).unwrap();
    // 2021-10-01, National Day: a holiday, more than a year after 2020-06-08, and filed
    // with another township's name.
    let odd = text
        .replace("inspected_on = 2020-07-03", "inspected_on = 2021-10-01")
        .replace("township = \"子岸镇\"", "township = \"柳屯镇\"");
    assert_ne!(odd, text);
    fs::write(&file, odd).unwrap();
    let out = yanshou()
        .arg("recheck")
        .arg(&*campaign)
        .args(["--as-of", "2021-12-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for said in [
        "复查日期 2021-10-01 不是工作日",
        "复查日期 2021-10-01 在检查日期 2020-06-08 一年以后",
        "复查记录的乡镇是“柳屯镇”，站点 zian 检查时是“子岸镇”",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    // The example's own re-inspections give none of these.
    let out = yanshou()
        .args(["recheck", EXAMPLE, "--as-of", "2020-12-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("复查日期"), "{stderr}");
}
