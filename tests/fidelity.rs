//! Verdicts an inspector cannot argue with (issue 16): a record cannot exempt a site from a
//! requirement the checklist gives no exemption from; the township a sign names must be a
//! township; a value means the same in a TOML record, a CSV and an xlsx; answers in the
//! words people use are recognised, and those that are not are said so; a site with
//! nothing to fix gets no deadline.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const PASS: &str = include_str!("fixtures/records/pass.toml");

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// `check --format json` of `paths`, run in `dir`.
fn check(dir: &Path, paths: &[&str]) -> Value {
    let out = yanshou()
        .current_dir(dir)
        .arg("check")
        .args(paths)
        .args(["--format", "json", "--lang", "en"])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn record(dir: &Path, name: &str, edit: &dyn Fn(&str) -> String) -> String {
    let text = edit(PASS);
    assert_ne!(text, PASS, "the edit changed nothing");
    fs::write(dir.join(name), text).unwrap();
    name.to_owned()
}

fn finding<'v>(site: &'v Value, item: &str) -> Option<&'v Value> {
    site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
}

// ---------------------------------------------------------------- 1. not applicable

#[test]
fn a_mandatory_item_marked_not_applicable_is_not_met() {
    let dir = Scratch::new("fidelity", "na-refused");
    let file = record(&dir, "a.toml", &|s| {
        s.replace(
            "site.notice_screen = true",
            "site.notice_screen = { not_applicable = \"乡镇未配备电子公告屏\" }",
        )
    });
    let doc = check(&dir, &[&file]);
    let site = &doc["sites"][0];
    assert_eq!(site["verdict"], "rectify");
    assert_eq!(site["grade"], Value::Null);
    let f = finding(site, "site.notice_screen").expect("a finding");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["rectify"], true);
    assert_eq!(f["not_applicable_refused"], true);
    assert_eq!(f["reason"], "乡镇未配备电子公告屏");
    assert_eq!(f["points_lost"], 3);
    // Not a demonstration site either.
    let out = yanshou()
        .current_dir(&*dir)
        .args(["rank", &file, "--format", "json"])
        .output()
        .unwrap();
    let rank: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rank["ranking"][0]["eligible"], false, "{rank}");
    // The table says why and where the county's excuse goes.
    let out = yanshou()
        .current_dir(&*dir)
        .args(["check", &file])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("waivers.toml"), "{table}");
}

#[test]
fn the_same_answer_in_a_spreadsheet_is_refused_the_same_way() {
    let dir = Scratch::new("fidelity", "na-refused-csv");
    let file = record(&dir, "a.toml", &|s| {
        s.replace(
            "site.notice_screen = true",
            "site.notice_screen = { not_applicable = \"乡镇未配备电子公告屏\" }",
        )
    });
    let status = yanshou()
        .current_dir(&*dir)
        .args(["convert", &file, "--to", "csv", "--out", "a.csv"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let from_toml = check(&dir, &[&file]);
    let from_csv = check(&dir, &["a.csv"]);
    let verdict = |doc: &Value| doc["sites"][0]["verdict"].clone();
    assert_eq!(verdict(&from_csv), verdict(&from_toml));
    assert_eq!(
        finding(&from_csv["sites"][0], "site.notice_screen").unwrap()["not_applicable_refused"],
        true
    );
}

#[test]
fn an_advisory_item_may_not_apply_and_a_checklist_may_allow_a_mandatory_one() {
    let dir = Scratch::new("fidelity", "na-allowed");
    let file = record(&dir, "a.toml", &|s| {
        s.replace(
            "site.open_hall = true",
            "site.open_hall = { not_applicable = \"租用旧楼，承重墙无法打通\" }",
        )
    });
    let doc = check(&dir, &[&file]);
    assert_eq!(doc["sites"][0]["verdict"], "pass");
    assert_eq!(
        finding(&doc["sites"][0], "site.open_hall").unwrap()["status"],
        "not_applicable"
    );

    // A county's own checklist that lets a mandatory item not apply, with its reason.
    let checklist = include_str!("../checklists/puyang-2020/township.toml").replace(
        "points = 3\nhelp = \"大厅内是否设有电子公告屏",
        "points = 3\nmay_not_apply = true\nmay_not_apply_because = \"县里统一公示\"\nhelp = \"大厅内是否设有电子公告屏",
    );
    fs::write(dir.join("county.toml"), &checklist).unwrap();
    fs::create_dir_all(dir.join("c/sites")).unwrap();
    fs::write(
        dir.join("c/campaign.toml"),
        "name = \"x\"\n[checklists]\ntownship = \"../county.toml\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("c/sites/a.toml"),
        PASS.replace(
            "site.notice_screen = true",
            "site.notice_screen = { not_applicable = \"县里统一公示\" }",
        ),
    )
    .unwrap();
    let doc = check(&dir, &["c"]);
    assert_eq!(doc["sites"][0]["verdict"], "pass");
    let out = yanshou()
        .current_dir(&*dir)
        .args(["checklist", "show", "county.toml"])
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("可：县里统一公示"), "{shown}");
    assert!(shown.contains("不得（须县里豁免）"), "{shown}");
}

#[test]
fn a_mandatory_item_that_may_not_apply_must_say_why() {
    let dir = Scratch::new("fidelity", "na-lint");
    let checklist = include_str!("../checklists/puyang-2020/township.toml").replace(
        "points = 3\nhelp = \"大厅内是否设有电子公告屏",
        "points = 3\nmay_not_apply = true\nhelp = \"大厅内是否设有电子公告屏",
    );
    fs::write(dir.join("bad.toml"), &checklist).unwrap();
    let out = yanshou()
        .current_dir(&*dir)
        .args(["checklist", "lint", "bad.toml", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("may_not_apply_because"), "{stderr}");
}

#[test]
fn a_re_inspection_cannot_close_a_failure_by_marking_it_not_applicable() {
    let dir = Scratch::new("fidelity", "na-recheck");
    fs::create_dir_all(dir.join("c/sites")).unwrap();
    fs::create_dir_all(dir.join("c/rechecks")).unwrap();
    fs::write(dir.join("c/campaign.toml"), "name = \"x\"\n").unwrap();
    fs::write(
        dir.join("c/sites/a.toml"),
        PASS.replace("site.notice_screen = true", "site.notice_screen = false"),
    )
    .unwrap();
    fs::write(
        dir.join("c/rechecks/a.toml"),
        "id = \"fixture-pass\"\nname = \"城关镇便民服务中心\"\nkind = \"township\"\ntownship = \"城关镇\"\ninspected_on = 2020-06-20\ninspectors = [\"张伟\"]\n\n[observations]\nsite.notice_screen = { not_applicable = \"不需要\" }\n",
    )
    .unwrap();
    let out = yanshou()
        .current_dir(&*dir)
        .args(["recheck", "c", "--as-of", "2020-06-25", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = &doc["sites"][0]["items"][0];
    assert_eq!(item["item"], "site.notice_screen");
    assert_eq!(item["status"], "still_failing", "{doc}");
    assert_eq!(doc["sites"][0]["verdict"], "rectify");
}

// ---------------------------------------------------------------- 2. the township

#[test]
fn a_sign_naming_a_township_written_without_its_suffix_cannot_pass() {
    let dir = Scratch::new("fidelity", "township");
    let file = record(&dir, "a.toml", &|s| {
        s.replace("township = \"城关镇\"", "township = \"城关\"")
            .replace(
                "sign.name = \"城关镇便民服务中心\"",
                "sign.name = \"城关便民服务中心\"",
            )
    });
    let doc = check(&dir, &[&file]);
    let site = &doc["sites"][0];
    // Not passed (ruling 5 wants the township's own name), and not failed either: the
    // record has to be corrected first.
    assert_eq!(site["verdict"], "incomplete");
    let f = finding(site, "sign.name").unwrap();
    assert_eq!(f["status"], "unrecorded");
    assert!(f["reason"].as_str().unwrap().contains("城关"), "{f}");
    // The same through the spreadsheet reader (and its fast path).
    let out = yanshou()
        .current_dir(&*dir)
        .args(["convert", &file, "--to", "csv", "--out", "a.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(check(&dir, &["a.csv"])["sites"][0]["verdict"], "incomplete");
}

#[test]
fn a_township_the_sites_name_does_not_contain_is_questioned() {
    let dir = Scratch::new("fidelity", "township-name");
    let file = record(&dir, "a.toml", &|s| {
        s.replace("township = \"城关镇\"", "township = \"柳屯镇\"")
            .replace(
                "sign.name = \"城关镇便民服务中心\"",
                "sign.name = \"柳屯镇便民服务中心\"",
            )
    });
    let site = &check(&dir, &[&file])["sites"][0];
    assert_eq!(site["verdict"], "incomplete");
    let reason = finding(site, "sign.name").unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("城关镇便民服务中心") && reason.contains("柳屯镇"),
        "{reason}"
    );
}

// ---------------------------------------------------------------- 3. one value, one meaning

/// Item values written as people write them, one per kind, with the status each gives.
const TYPED: &[(&str, &str, &str)] = &[
    ("site.floor_area", "60㎡", "pass"),
    ("site.floor_area", "５９．５", "fail"),
    ("windows.comprehensive", "２个", "pass"),
    ("windows.comprehensive", "三个", "fail"),
    ("site.publicity_board", "是", "pass"),
    ("site.publicity_board", "√", "pass"),
    ("site.publicity_board", "否", "fail"),
    (
        "windows.departments",
        "民政局、人社局、医保局、公安局、市场监管局",
        "pass",
    ),
    ("windows.departments", "民政局、人社局", "fail"),
    ("disclosure.board_colours", "黑字白底", "pass"),
    ("org.trainees", "4人", "pass"),
    ("site.open_hall", "不适用：租用旧楼", "not_applicable"),
];

#[test]
fn a_text_means_the_same_in_toml_csv_and_xlsx() {
    let dir = Scratch::new("fidelity", "typed");
    for (i, (item, text, expected)) in TYPED.iter().enumerate() {
        let key = format!("{item} = ");
        let line = PASS
            .lines()
            .find(|l| l.starts_with(&key))
            .unwrap_or_else(|| panic!("{item} in the fixture"));
        let toml = PASS.replace(line, &format!("{key}\"{text}\""));
        let name = format!("t{i}.toml");
        fs::write(dir.join(&name), &toml).unwrap();
        // The same record as a wide CSV, the item's cell holding the text as written.
        let out = yanshou()
            .current_dir(&*dir)
            .args(["convert", "--to", "csv", "--out"])
            .arg(format!("base{i}.csv"))
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/records/pass.toml"
            ))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let base = fs::read_to_string(dir.join(format!("base{i}.csv"))).unwrap();
        let mut rows: Vec<Vec<String>> = base
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        let col = rows[0].iter().position(|h| h == item).unwrap();
        rows[1][col] = text.to_string();
        let csv_name = format!("t{i}.csv");
        let csv: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        fs::write(dir.join(&csv_name), csv.join("\n") + "\n").unwrap();
        // And as an xlsx sheet of text cells.
        let xlsx_name = format!("t{i}.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        book.save(dir.join(&xlsx_name)).unwrap();

        let status = |file: &str| {
            let doc = check(&dir, &[file]);
            let site = &doc["sites"][0];
            finding(site, item).map_or("pass".to_owned(), |f| {
                f["status"].as_str().unwrap().to_owned()
            })
        };
        for file in [&name, &csv_name, &xlsx_name] {
            assert_eq!(status(file), *expected, "{item} = {text:?} in {file}");
        }
    }
}

// ---------------------------------------------------------------- 4. words, not spellings

#[test]
fn full_names_and_other_word_orders_are_recognised_and_misspellings_said() {
    let dir = Scratch::new("fidelity", "aliases");
    let file = record(&dir, "a.toml", &|s| {
        s.replace(
            "windows.departments = [\"民政局\", \"人社局\", \"医保局\", \"公安局\", \"市场监管局\", \"税务局\"]",
            "windows.departments = [\"民政局\", \"人力资源和社会保障局\", \"医疗保障局\", \"公安局\", \"市场监督管理局\"]",
        )
        .replace("disclosure.board_colours = \"白底黑字\"", "disclosure.board_colours = \"黑字白底\"")
    });
    let doc = check(&dir, &[&file]);
    assert_eq!(doc["sites"][0]["verdict"], "pass", "{doc}");
    assert_eq!(doc["sites"][0]["findings"].as_array().unwrap().len(), 0);

    let file = record(&dir, "b.toml", &|s| {
        s.replace(
            "windows.departments = [\"民政局\", \"人社局\", \"医保局\", \"公安局\", \"市场监管局\", \"税务局\"]",
            "windows.departments = [\"民政局\", \"人设局\", \"医保局\", \"公安局\", \"市场监管局\", \"税务局\"]",
        )
    });
    let doc = check(&dir, &[&file]);
    let f = finding(&doc["sites"][0], "windows.departments").unwrap();
    assert_eq!(f["missing"], serde_json::json!(["人社局"]));
    assert_eq!(
        f["unrecognised"],
        serde_json::json!([
            { "answer": "人设局", "did_you_mean": "人社局" },
            { "answer": "税务局", "did_you_mean": null }
        ])
    );
    assert!(f["observed"].is_array());
    let out = yanshou()
        .current_dir(&*dir)
        .args(["check", &file, "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains("“人设局”（是不是“人社局”？）"), "{csv}");
    assert!(csv.contains("另有，清单未列：税务局"), "{csv}");
}

#[test]
fn an_alias_must_name_a_member_once() {
    let dir = Scratch::new("fidelity", "alias-lint");
    let checklist = include_str!("../checklists/puyang-2020/township.toml").replace(
        "aliases = { \"人社局\" = [\"人力资源和社会保障局\", \"人力资源社会保障局\"]",
        "aliases = { \"人社厅\" = [\"人力资源和社会保障局\"], \"民政局\" = [\"医保局\"]",
    );
    fs::write(dir.join("bad.toml"), &checklist).unwrap();
    let out = yanshou()
        .current_dir(&*dir)
        .args(["checklist", "lint", "bad.toml", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("not one of `members`"), "{stderr}");
    assert!(stderr.contains("is a member itself"), "{stderr}");
}

// ---------------------------------------------------------------- 5. deadlines

#[test]
fn a_site_that_is_only_incomplete_gets_no_deadline() {
    let dir = Scratch::new("fidelity", "incomplete");
    let file = record(&dir, "a.toml", &|s| {
        s.replace("site.notice_screen = true\n", "")
    });
    let site = &check(&dir, &[&file])["sites"][0];
    assert_eq!(site["verdict"], "incomplete");
    assert_eq!(site["due"], Value::Null);
    let file = record(&dir, "b.toml", &|s| {
        s.replace("site.notice_screen = true\n", "")
            .replace("site.floor_area = 86.5", "site.floor_area = 50")
    });
    let site = &check(&dir, &[&file])["sites"][0];
    assert_eq!(site["verdict"], "incomplete");
    assert_eq!(
        site["due"], "2020-07-01",
        "the failed floor area has its 20 working days"
    );
}

// ---------------------------------------------------------------- 6. ties

#[test]
fn the_tie_at_the_last_demonstration_place_is_stated() {
    let out = yanshou()
        .args([
            "rank",
            "examples/puyang-2020",
            "--as-of",
            "2020-06-30",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tie = &doc["tie"];
    assert_eq!(tie["percent"], 99, "{doc}");
    assert_eq!(tie["broken_by"], "site_id");
    let sites: Vec<(&str, bool)> = tie["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["chosen"].as_bool().unwrap()))
        .collect();
    assert_eq!(sites, [("bagongqiao", true), ("wuxing", false)]);
    let out = yanshou()
        .args(["rank", "examples/puyang-2020", "--as-of", "2020-06-30"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("并列：2 个合格站点得分率同为 99%"),
        "{table}"
    );
}

#[test]
fn an_advisory_item_that_does_not_apply_never_lifts_a_site_above_one_that_has_it() {
    // The same miss elsewhere weighs more on the smaller maximum of the site whose hall
    // cannot be opened: it ranks below the site that has the open hall (percentage of the
    // applicable maximum), and ties with it only when nothing else is missed.
    let dir = Scratch::new("fidelity", "na-rank");
    // Ids in the other order, so that the id cannot be what ranks the site with the hall
    // first: at 99.5 % and 99.49 % both round to 99.5 %.
    let with_hall = PASS
        .replace("id = \"fixture-pass\"", "id = \"b-hall\"")
        .replace("\"阅览宣传处\"]", "]");
    let without = with_hall
        .replace("id = \"b-hall\"", "id = \"a-no-hall\"")
        .replace(
            "site.open_hall = true",
            "site.open_hall = { not_applicable = \"租用旧楼\" }",
        );
    fs::write(dir.join("a.toml"), &with_hall).unwrap();
    fs::write(dir.join("b.toml"), &without).unwrap();
    let out = yanshou()
        .current_dir(&*dir)
        .args(["rank", "a.toml", "b.toml", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let order: Vec<&str> = doc["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["b-hall", "a-no-hall"], "{doc}");
    assert!(doc["ranking"][0]["max_score"].as_f64() > doc["ranking"][1]["max_score"].as_f64());
}

// ---------------------------------------------------------------- 7. one bad record

fn campaign_with_a_bad_record(dir: &Path) {
    fs::create_dir_all(dir.join("c/sites")).unwrap();
    fs::write(dir.join("c/campaign.toml"), "name = \"x\"\n").unwrap();
    fs::write(dir.join("c/sites/a.toml"), PASS).unwrap();
    fs::write(
        dir.join("c/sites/b.toml"),
        PASS.replace("id = \"fixture-pass\"", "id = \"bad\"")
            .replace("site.floor_area = 86.5", "site.floor_area = -5"),
    )
    .unwrap();
    fs::write(
        dir.join("c/sites/c.toml"),
        PASS.replace("id = \"fixture-pass\"", "id = \"third\""),
    )
    .unwrap();
}

#[test]
fn one_bad_record_never_hides_the_others() {
    let dir = Scratch::new("fidelity", "bad-record");
    campaign_with_a_bad_record(&dir);
    for format in ["json", "csv", "table"] {
        let out = yanshou()
            .current_dir(&*dir)
            .args(["check", "c", "--format", format, "--lang", "en"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("c/sites/b.toml:"), "{stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" => {
                let doc: Value = serde_json::from_str(&stdout).expect("a whole document");
                assert_eq!(doc["sites"].as_array().unwrap().len(), 2);
                assert_eq!(doc["errors"][0]["record"], "c/sites/b.toml");
                assert!(
                    doc["errors"][0]["message"]
                        .as_str()
                        .unwrap()
                        .contains("cannot be negative")
                );
            }
            "csv" => {
                let mut reader = csv::Reader::from_reader(stdout.as_bytes());
                let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
                assert!(rows.iter().any(|r| &r[0] == "fixture-pass"));
                assert!(rows.iter().any(|r| &r[0] == "third"));
                let error = rows
                    .iter()
                    .find(|r| &r[8] == "error")
                    .expect("an error row");
                assert!(error[21].contains("b.toml"), "{error:?}");
            }
            _ => {
                assert!(stdout.contains("1 records could not be read"), "{stdout}");
                assert!(stdout.contains("2 sites: 2 pass"), "{stdout}");
            }
        }
    }
    // rank ranks the others and says which could not be read.
    let out = yanshou()
        .current_dir(&*dir)
        .args(["rank", "c", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ranking"].as_array().unwrap().len(), 2);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1);
    let out = yanshou()
        .current_dir(&*dir)
        .args(["rank", "c", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "two ranked sites and an error row");
    assert_eq!(&rows[2][8], "error");
    assert!(rows[2][11].contains("b.toml"), "{:?}", rows[2]);
    // recheck follows up the others, and its documents say which record is missing.
    for format in ["json", "csv", "table"] {
        let out = yanshou()
            .current_dir(&*dir)
            .args(["recheck", "c", "--as-of", "2020-07-31", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        match format {
            "json" => {
                let doc: Value = serde_json::from_str(&stdout).expect("a whole document");
                assert_eq!(doc["errors"][0]["record"], "c/sites/b.toml");
            }
            "csv" => {
                let last = stdout.lines().last().unwrap();
                assert!(
                    last.contains(",error,") && last.contains("b.toml"),
                    "{last}"
                );
            }
            _ => assert!(
                stdout.contains("未能读取（未计入）：c/sites/b.toml"),
                "{stdout}"
            ),
        }
    }
    // A report of part of a campaign says so on its first page.
    let out = yanshou()
        .current_dir(&*dir)
        .args(["report", "c", "--format", "md", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let summary = fs::read_to_string(dir.join("out/md/summary.md")).unwrap();
    let first = summary.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(first.contains("1 份检查记录未能读取"), "{first}");
    // convert converts all or nothing.
    let out = yanshou()
        .current_dir(&*dir)
        .args(["convert", "c", "--to", "csv", "--out", "all.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("all.csv").exists());
}

// ---------------------------------------------------------------- 8. traceability

#[test]
fn check_says_what_its_verdicts_were_made_from() {
    let dir = Scratch::new("fidelity", "provenance");
    fs::write(dir.join("a.toml"), PASS).unwrap();
    let doc = check(&dir, &["a.toml"]);
    assert_eq!(
        doc["provenance"]["yanshou_version"],
        env!("CARGO_PKG_VERSION")
    );
    let inputs = doc["provenance"]["inputs"].as_array().unwrap();
    let record = inputs.iter().find(|i| i["path"] == "a.toml").unwrap();
    // The SHA-256 of the record's bytes, as sha256sum gives it.
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(PASS.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(record["sha256"], want);
    assert!(
        inputs
            .iter()
            .any(|i| i["path"] == "builtin:puyang-2020/township")
    );
    // The same for a CSV run, as a manifest beside it.
    let out = yanshou()
        .current_dir(&*dir)
        .args([
            "check",
            "a.toml",
            "--format",
            "csv",
            "--manifest",
            "run.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"], doc["provenance"]["inputs"]);
    assert_eq!(manifest["checklists"][0]["id"], "puyang-2020-township");
    assert_eq!(manifest["checklists"][0]["version"], "2020.10-1");
    // Never over an existing file.
    let again = yanshou()
        .current_dir(&*dir)
        .args([
            "check",
            "a.toml",
            "--format",
            "csv",
            "--manifest",
            "run.json",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_campaign_may_set_the_tie_break_order() {
    let dir = Scratch::new("fidelity", "tie-break");
    fs::create_dir_all(dir.join("c/sites")).unwrap();
    // Two accepted sites alike but for their ids and inspection days.
    fs::write(
        dir.join("c/sites/a.toml"),
        PASS.replace("id = \"fixture-pass\"", "id = \"a-late\"")
            .replace("inspected_on = 2020-06-02", "inspected_on = 2020-06-10"),
    )
    .unwrap();
    fs::write(
        dir.join("c/sites/b.toml"),
        PASS.replace("id = \"fixture-pass\"", "id = \"b-early\""),
    )
    .unwrap();
    let chosen = |settings: &str| {
        fs::write(dir.join("c/campaign.toml"), settings).unwrap();
        let out = yanshou()
            .current_dir(&*dir)
            .args(["rank", "c", "--format", "json"])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            doc["demonstration"][0].clone(),
            doc["tie"]["broken_by"].clone(),
        )
    };
    assert_eq!(
        chosen("name = \"x\"\ndemonstration_sites = 1\n"),
        (Value::from("a-late"), Value::from("site_id"))
    );
    assert_eq!(
        chosen("name = \"x\"\ndemonstration_sites = 1\ntie_break = [\"inspected_on\"]\n"),
        (Value::from("b-early"), Value::from("inspected_on"))
    );
    fs::write(
        dir.join("c/campaign.toml"),
        "name = \"x\"\ntie_break = [\"earliest\"]\n",
    )
    .unwrap();
    let out = yanshou()
        .current_dir(&*dir)
        .args(["rank", "c", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a tie-break rule"));
}
