//! Demonstration sites (ruling 15, issue #22 point 7): chosen at acceptance from township
//! centres that meet every mandatory item on their own; the choice does not move with
//! `--as-of`, waivers or re-inspections; a demonstration site that fails a later
//! re-inspection is flagged. Dated scenarios of the example campaign, and scratch copies of
//! it where a scenario needs a record the example does not have.
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

/// `rank INPUT --format json --as-of AS_OF` plus `extra`, exit code 0 or 1, as JSON.
fn rank_json(input: &Path, as_of: &str, extra: &[&str]) -> Value {
    let out = yanshou()
        .arg("rank")
        .arg(input)
        .args(["--format", "json", "--as-of", as_of])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `rank INPUT --as-of AS_OF` plus `extra`: standard output.
fn rank_text(input: &Path, as_of: &str, extra: &[&str]) -> String {
    let out = yanshou()
        .arg("rank")
        .arg(input)
        .args(["--as-of", as_of])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn demonstration(doc: &Value) -> Vec<String> {
    doc["demonstration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn row<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not ranked"))
}

/// Rewrites `file` under `dir`, replacing `from` (which must be there) by `to`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replace(from, to)).unwrap();
}

/// The scenario: a waiver of 郎中乡's failed `disclosure.guide`, approved on 06-20,
/// after the acceptance phase, lapsing at the end of the year.
fn with_langzhong_waiver(name: &str) -> Scratch {
    let dir = common::example_campaign("demonstration", name);
    let mut waivers = fs::read_to_string(dir.join("waivers.toml")).unwrap();
    waivers.push_str(
        "\n[[waivers]]\nsite = \"langzhong\"\nitem = \"disclosure.guide\"\nreason = \"办事指南重印中\"\napproved_by = \"县政务服务和大数据管理局 王建军\"\napproved_on = 2020-06-20\nexpires = 2020-12-31\n",
    );
    fs::write(dir.join("waivers.toml"), waivers).unwrap();
    dir
}

/// A re-inspection of 城关镇 (a demonstration site) on 2020-07-06 that finds its sign
/// renamed: a mandatory item fails.
fn with_failed_recheck_of_chengguan(name: &str) -> Scratch {
    let dir = common::example_campaign("demonstration", name);
    fs::write(
        dir.join("rechecks/chengguan.toml"),
        "id = \"chengguan\"\nname = \"城关镇便民服务中心\"\nkind = \"township\"\ntownship = \"城关镇\"\ninspected_on = 2020-07-06\ninspectors = [\"陈立新\"]\n\n[observations]\nsign.name = { value = \"城关镇政务服务中心\", note = \"门头标牌被更换\" }\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_choice_is_the_same_on_every_day_from_the_end_of_acceptance() {
    let example = Path::new(EXAMPLE);
    for as_of in [
        "2020-06-18",
        "2020-06-19",
        "2020-06-30",
        "2020-09-30",
        "2030-12-31",
    ] {
        let doc = rank_json(example, as_of, &[]);
        assert_eq!(
            demonstration(&doc),
            ["chengguan", "bagongqiao"],
            "as of {as_of}"
        );
        let choice = &doc["choice"];
        assert_eq!(choice["inspected_by"], "2020-06-18", "as of {as_of}");
        assert_eq!(choice["set_by"], "acceptance_phase");
        assert_eq!(choice["provisional"], false, "as of {as_of}");
        assert_eq!(choice["text"], Value::Null);
    }
}

#[test]
fn waived_sites_are_not_eligible_and_say_why() {
    // hubuzhai's waiver applies from 06-08, wenliu's from 06-10 to 09-29: both pass, by
    // their waivers only.
    let doc = rank_json(Path::new(EXAMPLE), "2020-06-30", &["--top", "12"]);
    for id in ["hubuzhai", "wenliu"] {
        let r = row(&doc, id);
        assert_eq!(r["verdict"], "pass", "{id}");
        assert_eq!(r["eligible"], false, "{id}");
        assert_eq!(r["reason"], "按豁免合格，不能作为示范点", "{id}");
    }
    assert!(!demonstration(&doc).contains(&"hubuzhai".to_owned()));
    assert!(!demonstration(&doc).contains(&"wenliu".to_owned()));
    let en = rank_json(
        Path::new(EXAMPLE),
        "2020-06-30",
        &["--top", "12", "--lang", "en"],
    );
    assert_eq!(
        row(&en, "wenliu")["reason"],
        "passes only by a waiver: not a model of the standard"
    );
    // Its waiver lapsed, wenliu fails again: the reason is the failure.
    let later = rank_json(Path::new(EXAMPLE), "2020-09-30", &["--top", "12"]);
    assert_eq!(row(&later, "wenliu")["reason"], "验收不合格，须先整改");
    // Either way the demonstration sites are the same.
    assert_eq!(demonstration(&doc), demonstration(&later));
}

#[test]
fn a_waiver_approved_after_acceptance_does_not_make_a_demonstration_site() {
    let dir = with_langzhong_waiver("langzhong-waiver");
    // --top 4 reaches down to 郎中乡's score: a waived 郎中乡 would be chosen over 徐镇镇.
    let want = ["chengguan", "bagongqiao", "wuxing", "xuzhen"];
    for as_of in ["2020-06-19", "2020-06-30", "2020-12-31", "2021-01-05"] {
        let doc = rank_json(&dir, as_of, &["--top", "4"]);
        assert_eq!(demonstration(&doc), want, "as of {as_of}");
        assert_eq!(row(&doc, "langzhong")["demonstration"], false);
        assert_eq!(row(&doc, "langzhong")["eligible"], false);
    }
    let waived = rank_json(&dir, "2020-06-30", &["--top", "4"]);
    assert_eq!(row(&waived, "langzhong")["verdict"], "pass");
    assert_eq!(
        row(&waived, "langzhong")["reason"],
        "按豁免合格，不能作为示范点"
    );
}

#[test]
fn an_inspection_after_the_acceptance_phase_does_not_move_the_choice() {
    // 城关镇, the best centre, inspected only on 06-22, after the phase ended on 06-18.
    let dir = common::example_campaign("demonstration", "late-chengguan");
    edit(
        &dir,
        "sites/chengguan.toml",
        "inspected_on = 2020-05-28",
        "inspected_on = 2020-06-22",
    );
    for as_of in ["2020-06-18", "2020-06-21", "2020-06-22", "2020-07-31"] {
        let doc = rank_json(&dir, as_of, &[]);
        assert_eq!(
            demonstration(&doc),
            ["bagongqiao", "wuxing"],
            "as of {as_of}"
        );
    }
    let doc = rank_json(&dir, "2020-07-31", &[]);
    let chengguan = row(&doc, "chengguan");
    assert_eq!(chengguan["verdict"], "pass");
    assert_eq!(chengguan["eligible"], false);
    assert_eq!(
        chengguan["reason"],
        "检查日期晚于检查验收阶段（至 2020-06-18），不参加示范点评选"
    );
    let en = rank_json(&dir, "2020-07-31", &["--lang", "en"]);
    assert_eq!(
        row(&en, "chengguan")["reason"],
        "inspected after the acceptance phase (which ended 2020-06-18): not considered for demonstration"
    );
}

#[test]
fn before_the_end_of_acceptance_the_choice_is_provisional() {
    let example = Path::new(EXAMPLE);
    let doc = rank_json(example, "2020-06-10", &[]);
    assert_eq!(doc["choice"]["provisional"], true);
    assert_eq!(
        doc["choice"]["text"],
        "验收阶段尚未结束（至 2020-06-18），示范点为暂定"
    );
    let table = rank_text(example, "2020-06-10", &[]);
    assert!(
        table.contains("验收阶段尚未结束（至 2020-06-18），示范点为暂定"),
        "{table}"
    );
    let en = rank_text(example, "2020-06-10", &["--lang", "en"]);
    assert!(
        en.contains(
            "the acceptance phase has not ended (it ends 2020-06-18): the demonstration sites are provisional"
        ),
        "{en}"
    );
    // From the last day of the phase the choice is final: no such line.
    assert!(!rank_text(example, "2020-06-18", &[]).contains("暂定"));
}

#[test]
fn without_phases_the_choice_is_final_from_the_last_inspection() {
    let dir = common::example_campaign("demonstration", "no-phases");
    let campaign = fs::read_to_string(dir.join("campaign.toml")).unwrap();
    let cut = campaign.find("[phases]").unwrap();
    fs::write(dir.join("campaign.toml"), &campaign[..cut]).unwrap();
    // The last inspection (习城乡) is on 06-22.
    let before = rank_json(&dir, "2020-06-19", &[]);
    assert_eq!(before["choice"]["set_by"], "last_inspection");
    assert_eq!(before["choice"]["inspected_by"], "2020-06-22");
    assert_eq!(before["choice"]["provisional"], true);
    assert_eq!(
        before["choice"]["text"],
        "检查尚未全部完成（最后一次检查在 2020-06-22），示范点为暂定"
    );
    let after = rank_json(&dir, "2020-06-22", &[]);
    assert_eq!(after["choice"]["provisional"], false);
    assert_eq!(row(&after, "xicheng")["eligible"], true);
    assert_eq!(demonstration(&before), demonstration(&after));
}

#[test]
fn a_demonstration_site_failing_a_re_inspection_is_flagged_not_replaced() {
    let dir = with_failed_recheck_of_chengguan("failed-recheck");
    // Before the re-inspection: nothing to flag.
    let before = rank_json(&dir, "2020-07-05", &[]);
    assert_eq!(demonstration(&before), ["chengguan", "bagongqiao"]);
    assert_eq!(row(&before, "chengguan")["flagged_at_recheck"], Value::Null);

    let after = rank_json(&dir, "2020-07-31", &[]);
    assert_eq!(
        demonstration(&after),
        ["chengguan", "bagongqiao"],
        "kept, not silently replaced"
    );
    assert_eq!(row(&after, "chengguan")["flagged_at_recheck"], "2020-07-06");
    assert_eq!(row(&after, "bagongqiao")["flagged_at_recheck"], Value::Null);
    // A site re-inspected that is no demonstration site is not flagged.
    assert_eq!(row(&after, "liutun")["flagged_at_recheck"], Value::Null);
    assert_eq!(after["flagged"], serde_json::json!(["chengguan"]));

    let table = rank_text(&dir, "2020-07-31", &[]);
    assert!(table.contains("示范点复查不合格（2020-07-06）"), "{table}");
    let en = rank_text(&dir, "2020-07-31", &["--lang", "en"]);
    assert!(
        en.contains("demonstration site failed its re-inspection (2020-07-06)"),
        "{en}"
    );

    let csv = rank_text(&dir, "2020-07-31", &["--format", "csv"]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",reason,flagged_at_recheck")
    );
    let chengguan = lines.find(|l| l.contains(",chengguan,")).unwrap();
    assert!(chengguan.ends_with(",2020-07-06"), "{chengguan}");
}

#[test]
fn a_demonstration_site_passing_its_re_inspection_is_not_flagged() {
    let dir = common::example_campaign("demonstration", "passed-recheck");
    fs::write(
        dir.join("rechecks/bagongqiao.toml"),
        "id = \"bagongqiao\"\nname = \"八公桥镇便民服务中心\"\nkind = \"township\"\ntownship = \"八公桥镇\"\ninspected_on = 2020-07-06\ninspectors = [\"陈立新\"]\n\n[observations]\nsign.name = \"八公桥镇便民服务中心\"\n",
    )
    .unwrap();
    let doc = rank_json(&dir, "2020-07-31", &[]);
    assert_eq!(demonstration(&doc), ["chengguan", "bagongqiao"]);
    assert_eq!(row(&doc, "bagongqiao")["flagged_at_recheck"], Value::Null);
    assert_eq!(doc["flagged"], serde_json::json!([]));
}

#[test]
fn the_report_flags_a_demonstration_site_that_failed_its_re_inspection() {
    let dir = with_failed_recheck_of_chengguan("failed-recheck-report");
    let out = dir.join("out");
    yanshou()
        .arg("report")
        .arg(&*dir)
        .args(["--as-of", "2020-07-31", "--format", "md,html", "--out"])
        .arg(&out)
        .assert()
        .success();
    let flag = "示范点复查不合格（2020-07-06）";
    for page in [
        "md/summary.md",
        "md/sites/chengguan.md",
        "html/index.html",
        "html/sites/chengguan.html",
    ] {
        let text = fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(flag), "{page} does not say {flag}");
    }
    // The site page never shows a bare ★ beside its failed re-inspection.
    let page = fs::read_to_string(out.join("md/sites/chengguan.md")).unwrap();
    for line in page.lines().filter(|l| l.contains('★')) {
        assert!(line.contains(flag), "bare star: {line}");
    }
    // The summary states the rule where the demonstration sites are listed.
    let summary = fs::read_to_string(out.join("md/summary.md")).unwrap();
    assert!(summary.contains("按豁免合格"), "{summary}");
    assert!(summary.contains("裁定 15"), "{summary}");
}

#[test]
fn the_report_chooses_as_rank_does() {
    let dir = with_langzhong_waiver("langzhong-report");
    edit(
        &dir,
        "campaign.toml",
        "demonstration_sites = 2",
        "demonstration_sites = 4",
    );
    let out = dir.join("out");
    yanshou()
        .arg("report")
        .arg(&*dir)
        .args(["--as-of", "2020-06-30", "--format", "md", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = fs::read_to_string(out.join("md/sites/langzhong.md")).unwrap();
    assert!(!page.contains('★'), "郎中乡 passes only by a waiver");
    let page = fs::read_to_string(out.join("md/sites/xuzhen.md")).unwrap();
    assert!(
        page.contains('★'),
        "徐镇镇 is the fourth demonstration site"
    );
}

#[test]
fn rank_help_states_the_rule() {
    let out = yanshou().args(["rank", "--help"]).output().unwrap();
    // As the words read, however the help is wrapped.
    let help = String::from_utf8(out.stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "ruling 15",
        "on their own",
        "passes only by a waiver",
        "acceptance phase",
        "does not move with --as-of",
        "re-inspection",
        "flagged",
    ] {
        assert!(help.contains(words), "rank --help does not say {words:?}");
    }
}
