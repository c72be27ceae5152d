//! Scoring and verdicts on a small checklist, record by record.

use super::*;
use crate::checklist::{Checklist, Value};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::{self, Record};
use crate::render::Wording;

const CHECKLIST: &str = r#"
id = "mini"
title = "小清单"
version = "1"
site_kind = "township"
site_kind_name = "乡镇便民服务中心"
source = "测试"
total_points = 20

[clauses]
"3.1.1" = { title = "办公场所" }
"3.1.3" = { title = "窗口设置" }

[[grades]]
name = "优秀"
min = 90
[[grades]]
name = "较差"
min = 0

[[items]]
id = "site.floor_area"
clause = "3.1.1"
title = "面积"
kind = "number"
min = 60
unit = "m²"
severity = "mandatory"
points = 8
help = "量"

[[items]]
id = "site.open_hall"
clause = "3.1.1"
title = "整体通间"
kind = "yes_no"
severity = "advisory"
points = 2
help = "看"

[[items]]
id = "windows.departments"
clause = "3.1.3"
title = "分类窗口"
kind = "includes"
members = ["民政局", "人社局", "医保局"]
deduct_per_missing = 2
severity = "mandatory"
points = 4
help = "记"

[[items]]
id = "windows.comprehensive"
clause = "3.1.3"
title = "综合窗口"
kind = "count"
min = 1
max = 2
severity = "mandatory"
points = 4
help = "数"

[[items]]
id = "org.trainees"
clause = "3.1.3"
title = "培训人员"
kind = "rule"
op = ">="
factor = 2
of = "windows.comprehensive"
severity = "mandatory"
points = 2
help = "数"
"#;

fn checklist() -> Checklist {
    Checklist::from_toml(CHECKLIST).unwrap()
}

fn record(checklist: &Checklist, observations: &str) -> Record {
    let text = format!(
        "id = \"t\"\nname = \"城关镇便民服务中心\"\nkind = \"township\"\ntownship = \"城关镇\"\ninspected_on = 2020-06-02\ninspectors = [\"张伟\"]\n[observations]\n{observations}"
    );
    record::toml::read(&text, "test", std::slice::from_ref(checklist)).unwrap()
}

const ALL_PASS: &str = "site.floor_area = 60\nsite.open_hall = true\nwindows.departments = [\"民政局\", \"人社局\", \"医保局\"]\nwindows.comprehensive = 2\norg.trainees = 4\n";

fn status_of<'a>(result: &SiteResult<'a>, id: &str) -> Outcome<'a> {
    result.outcome(id).unwrap()
}

#[test]
fn a_clean_record_passes_with_full_marks() {
    let c = checklist();
    let r = record(&c, ALL_PASS);
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!(result.score.earned, Points::from_tenths(200));
    assert_eq!(result.score.max, Points::from_tenths(200));
    assert_eq!(result.score.percent_tenths, 1000);
    assert_eq!(result.grade.unwrap().name, "优秀");
    assert_eq!(result.findings.len(), 0);
}

#[test]
fn an_advisory_miss_costs_points_but_not_the_verdict() {
    let c = checklist();
    let r = record(
        &c,
        &ALL_PASS.replace("site.open_hall = true", "site.open_hall = false"),
    );
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!(result.score.earned, Points::from_tenths(180));
    assert_eq!(result.score.percent_tenths, 900);
    assert_eq!(result.grade.unwrap().name, "优秀");
    assert_eq!(result.advisory_misses(), 1);
    assert!(!status_of(&result, "site.open_hall").needs_rectification());
}

#[test]
fn a_mandatory_failure_means_rectify() {
    let c = checklist();
    let r = record(&c, &ALL_PASS.replace("= 60", "= 59.99"));
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Rectify);
    let area = status_of(&result, "site.floor_area");
    assert_eq!(area.status, Status::Fail);
    assert_eq!(area.lost, Points::from_tenths(80));
    assert!(area.needs_rectification());
    assert_eq!(area.observed(Lang::Zh), "59.99 m²");
    assert_eq!(area.expected(Lang::Zh), "≥ 60 m²");
}

#[test]
fn deductions_per_missing_member_are_floored_at_zero() {
    let c = checklist();
    // one missing: 2 of 4 points lost
    let one = record(&c, &ALL_PASS.replace("\"人社局\", ", ""));
    let result = evaluate(&c, &one);
    let departments = status_of(&result, "windows.departments");
    assert_eq!(departments.lost, Points::from_tenths(20));
    assert_eq!(departments.earned, Points::from_tenths(20));
    assert_eq!(departments.missing, vec!["人社局".to_owned()]);
    // all three missing would be 6 points: the item only has 4 to lose
    let none = record(
        &c,
        &ALL_PASS.replace("[\"民政局\", \"人社局\", \"医保局\"]", "[]"),
    );
    let result = evaluate(&c, &none);
    let departments = status_of(&result, "windows.departments");
    assert_eq!(departments.lost, Points::from_tenths(40));
    assert_eq!(departments.earned, Points::ZERO);
    assert_eq!(result.score.earned, Points::from_tenths(160));
}

#[test]
fn unrecorded_mandatory_items_make_the_site_incomplete_even_when_others_fail() {
    let c = checklist();
    let obs = ALL_PASS
        .replace("windows.comprehensive = 2\n", "")
        .replace("= 60", "= 50");
    let r = record(&c, &obs);
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Incomplete);
    assert_eq!(
        status_of(&result, "windows.comprehensive").status,
        Status::Unrecorded
    );
    // the rule depending on it cannot be judged either
    let trainees = status_of(&result, "org.trainees");
    assert_eq!(trainees.status, Status::Unrecorded);
    assert!(trainees.undetermined.is_some());
    // unrecorded points stay in the maximum and earn nothing
    assert_eq!(result.score.unrecorded, Points::from_tenths(60));
    assert_eq!(result.score.max, Points::from_tenths(200));
}

#[test]
fn an_unrecorded_advisory_item_does_not_block_the_verdict() {
    let c = checklist();
    let r = record(&c, &ALL_PASS.replace("site.open_hall = true\n", ""));
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!(result.score.earned, Points::from_tenths(180));
}

#[test]
fn a_note_without_value_is_unrecorded_and_keeps_the_note() {
    let c = checklist();
    let r = record(
        &c,
        &ALL_PASS.replace(
            "windows.comprehensive = 2",
            "windows.comprehensive = { note = \"负责人不在\" }",
        ),
    );
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Incomplete);
    assert_eq!(
        status_of(&result, "windows.comprehensive").note(),
        Some("负责人不在")
    );
}

#[test]
fn not_applicable_items_leave_the_maximum() {
    let c = checklist();
    let r = record(
        &c,
        &ALL_PASS.replace(
            "site.open_hall = true",
            "site.open_hall = { not_applicable = \"租用旧楼\" }",
        ),
    );
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!(result.score.max, Points::from_tenths(180));
    assert_eq!(result.score.earned, Points::from_tenths(180));
    assert_eq!(result.score.not_applicable, Points::from_tenths(20));
    assert_eq!(result.score.percent_tenths, 1000);
    let hall = status_of(&result, "site.open_hall");
    assert_eq!(hall.status, Status::NotApplicable);
    assert_eq!(hall.observed(Lang::Zh), "不适用：租用旧楼");
}

#[test]
fn the_trainee_rule_scales_with_windows() {
    let c = checklist();
    let r = record(
        &c,
        &ALL_PASS.replace("org.trainees = 4", "org.trainees = 3"),
    );
    let result = evaluate(&c, &r);
    assert_eq!(result.verdict, Verdict::Rectify);
    let trainees = status_of(&result, "org.trainees");
    assert_eq!(trainees.status, Status::Fail);
    assert_eq!(
        trainees.expected(Lang::Zh),
        "≥ 4（windows.comprehensive 2 × 2）"
    );
}

#[test]
fn percent_rounds_half_up_in_tenths() {
    let c = checklist();
    // 18.5 / 20 would need half points; use N/A to make an odd maximum: 16 / 18 = 88.888… %
    let r = record(
        &c,
        &ALL_PASS
            .replace(
                "site.open_hall = true",
                "site.open_hall = { not_applicable = \"x\" }",
            )
            .replace("org.trainees = 4", "org.trainees = 1"),
    );
    let result = evaluate(&c, &r);
    assert_eq!(result.score.earned, Points::from_tenths(160));
    assert_eq!(result.score.max, Points::from_tenths(180));
    assert_eq!(result.score.percent_tenths, 889);
    // a site that is not accepted gets no grade
    assert_eq!(result.verdict, Verdict::Rectify);
    assert!(result.grade.is_none());
}

#[test]
fn a_result_keeps_what_did_not_pass_and_gives_every_item_when_asked() {
    let c = checklist();
    let r = record(
        &c,
        &ALL_PASS
            .replace("site.floor_area = 60", "site.floor_area = 59.5")
            .replace("org.trainees = 4", "org.trainees = 1"),
    );
    let result = evaluate(&c, &r);
    assert!(result.findings.iter().all(|o| o.status != Status::Pass));
    assert_eq!(
        result
            .findings
            .iter()
            .map(|o| o.item.id.as_str())
            .collect::<Vec<_>>(),
        ["site.floor_area", "org.trainees"]
    );
    let all = result.outcomes();
    assert_eq!(all.len(), c.items.len());
    assert!(
        all.iter()
            .zip(&c.items)
            .all(|(o, i)| std::ptr::eq(o.item, i))
    );
    // A pass built on request carries the recorded value.
    let hall = &all[1];
    assert_eq!(
        (hall.status, hall.value),
        (Status::Pass, r.value("site.open_hall"))
    );
    // The score from the findings alone is the sum over every item.
    let earned: Points = all.iter().map(|o| o.earned).sum();
    assert_eq!(result.score.earned, earned);
    assert_eq!(result.score.max, c.items.iter().map(|i| i.points).sum());
}

#[test]
fn glanced_items_are_judged_as_their_observations_are() {
    use crate::record::{Glance, Reading};
    let c = checklist();
    let r = record(&c, ALL_PASS);
    // Every value glanced at instead of observed: the same judgement.
    let glances: Vec<Option<Glance>> = c
        .items
        .iter()
        .map(|item| match r.value(&item.id) {
            Some(Value::Set(_)) => Some(Glance::EveryMember),
            Some(value) => Some(Glance::Value(value.clone())),
            None => None,
        })
        .collect();
    let mut bare = r.clone();
    bare.observations.clear();
    let glanced = evaluate(
        &c,
        Reading {
            record: &bare,
            glances: &glances,
        },
    );
    let full = evaluate(&c, &r);
    assert_eq!((glanced.score, glanced.verdict), (full.score, full.verdict));
    assert!(glanced.findings.is_empty());
    // A failing glance is a finding with its value, and no observation behind it.
    let mut failing = glances.clone();
    failing[0] = Some(Glance::Value(Value::Number(10.0)));
    let site = evaluate(
        &c,
        Reading {
            record: &bare,
            glances: &failing,
        },
    );
    assert_eq!(site.verdict, Verdict::Rectify);
    assert_eq!(site.findings.len(), 1);
    let finding = &site.findings[0];
    assert_eq!(finding.item.id, "site.floor_area");
    assert_eq!(finding.value, Some(&Value::Number(10.0)));
    assert!(finding.observation.is_none());
    // An item neither glanced at nor observed is unrecorded.
    failing[0] = None;
    let site = evaluate(
        &c,
        Reading {
            record: &bare,
            glances: &failing,
        },
    );
    assert_eq!(site.verdict, Verdict::Incomplete);
    assert_eq!(site.findings[0].status, Status::Unrecorded);
}

/// [`CHECKLIST`] with a sign item whose pattern, fine for short townships, grows too large
/// to compile with a long one put in.
fn with_heavy_sign() -> Checklist {
    let text = CHECKLIST.replace("total_points = 20", "total_points = 24")
        + r#"
[[items]]
id = "sign.name"
clause = "3.1.1"
title = "标牌"
kind = "text"
pattern = "^(?:{township}){1000}{10}$"
severity = "mandatory"
points = 4
help = "抄"
"#;
    Checklist::from_toml(&text).unwrap()
}

#[test]
fn a_pattern_that_does_not_compile_for_a_site_makes_it_unjudgeable() {
    let c = with_heavy_sign();
    let long = format!("{}镇", "城".repeat(39));
    let observations = format!("{ALL_PASS}sign.name = \"{long}便民服务中心\"\n");
    let mut r = record(&c, &observations);
    r.township = long.clone();
    let why = unjudgeable(&c, &r).expect("not judgeable");
    assert_eq!((why.item, why.site), ("sign.name", "t"));
    let why = crate::render::labels::unjudgeable(&why, Lang::En);
    for part in ["mini", "sign.name", "`t`", long.as_str(), "size limit"] {
        assert!(why.contains(part), "{part:?} not in {why}");
    }
    // Evaluated all the same (by a caller that did not ask), the item is not judged: it is
    // neither passed nor failed, and says why.
    let result = evaluate(&c, &r);
    let sign = status_of(&result, "sign.name");
    assert_eq!(sign.status, Status::Unrecorded);
    let Some(crate::checklist::kinds::Undetermined::Pattern(error)) = &sign.undetermined else {
        panic!("{:?}", sign.undetermined);
    };
    assert_eq!(error.values, vec![("township", long.clone())]);
    assert!(
        crate::render::Wording::undetermined(&sign, Lang::Zh)
            .unwrap_or_default()
            .contains(&long)
    );
    assert_eq!(result.verdict, Verdict::Incomplete);

    // The short township compiles: the site is judged, and its sign fails.
    let short = record(
        &c,
        &format!("{ALL_PASS}sign.name = \"城关镇便民服务中心\"\n"),
    );
    assert_eq!(unjudgeable(&c, &short), None);
    assert_eq!(
        status_of(&evaluate(&c, &short), "sign.name").status,
        Status::Fail
    );
    // Unrecorded, the item needs no pattern.
    r.observations.remove("sign.name");
    assert_eq!(unjudgeable(&c, &r), None);
}

#[test]
fn lint_finds_a_pattern_too_large_for_a_long_township() {
    let problems = with_heavy_sign().lint();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let at = CHECKLIST.lines().count() + 7;
    assert_eq!(
        (problems[0].line, problems[0].column),
        (at, 11),
        "{problems:?}"
    );
    assert!(problems[0].message.contains("size limit"), "{problems:?}");
    assert!(checklist().lint().is_empty());
}
