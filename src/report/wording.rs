//! The sentences and labels the text formats (HTML, Markdown) share, so that every
//! format says the same thing in the same words. Each renderer escapes it for its own
//! format; nothing here is markup.

use crate::render::labels::Column;
use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::audit::rank::Place;
use crate::audit::recheck::{FollowUp, ItemFollowUp, SiteFollowUp};
use crate::audit::{Deadline, Outcome, PhaseSpan, SiteResult, Status, Verdict, is_late};
use crate::checklist::{Checklist, Item, Kind, Severity, Value};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::waiver::Waiver;
use crate::render::Label;
use crate::render::Wording;
use crate::render::{pending_notice, provisional_caveat};
use crate::report::{Attached, Notice, Report, WaiverState, long_date};

/// Each site's notice, ranking place and follow-up by site id, so pages find them
/// without a scan.
pub struct Lookup<'x, 'a> {
    /// Every notice, in report order.
    pub notices: &'x [Notice<'x, 'a>],
    /// Every site to follow up, in report order.
    pub follow_ups: &'x [SiteFollowUp<'x, 'a>],
    by_site: BTreeMap<&'x str, Vec<&'x Notice<'x, 'a>>>,
    places: BTreeMap<&'x str, &'x Place>,
    /// Each site's rank among its own kind, in words ([`rank_text`]).
    ranks: BTreeMap<&'x str, String>,
    followed: BTreeMap<&'x str, &'x SiteFollowUp<'x, 'a>>,
}

impl<'x, 'a> Lookup<'x, 'a> {
    pub fn new(
        report: &'x Report<'a>,
        notices: &'x [Notice<'x, 'a>],
        follow_ups: &'x [SiteFollowUp<'x, 'a>],
    ) -> Self {
        Lookup {
            notices,
            follow_ups,
            by_site: notices.iter().fold(BTreeMap::new(), |mut by, n| {
                by.entry(n.site.record.id.as_str())
                    .or_insert_with(Vec::new)
                    .push(n);
                by
            }),
            places: report.ranking.places().map(|p| (p.entry.id(), p)).collect(),
            ranks: report
                .ranked_by_kind()
                .iter()
                .flat_map(|kind| {
                    kind.places.iter().map(|&(rank, place)| {
                        let of = kind.places.len();
                        (
                            place.entry.id(),
                            rank_text(rank, of, &kind.label, report.lang),
                        )
                    })
                })
                .collect(),
            followed: follow_ups
                .iter()
                .map(|f| (f.before.record.id.as_str(), f))
                .collect(),
        }
    }

    /// The follow-up of a site, if it has one.
    pub fn follow_up(&self, site: &str) -> Option<&'x SiteFollowUp<'x, 'a>> {
        self.followed.get(site).copied()
    }

    /// The first notice of a site (its inspection's, if it had one), if it has one.
    pub fn notice(&self, site: &str) -> Option<&'x Notice<'x, 'a>> {
        self.by_site.get(site).and_then(|n| n.first()).copied()
    }

    /// Every notice of a site, in the order of issue.
    pub fn notices_of(&self, site: &str) -> &[&'x Notice<'x, 'a>] {
        self.by_site.get(site).map_or(&[], Vec::as_slice)
    }

    /// A site's place in the ranking.
    pub fn place(&self, site: &str) -> Option<&'x Place> {
        self.places.get(site).copied()
    }

    /// A site's rank among the sites of its own kind, in words.
    pub fn rank(&self, site: &str) -> Option<&str> {
        self.ranks.get(site).map(String::as_str)
    }
}

/// A per-mille rate as a percentage with one decimal: 125 → "12.5%".
pub fn permille_percent(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

/// "puyang-2020-township 2020.10-1 濮阳县…验收清单（乡镇便民服务中心，满分 100）".
pub fn checklist_line(c: &Checklist, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{} {}：{}（{}，满分 {}）",
            c.id,
            c.version,
            c.label(lang),
            c.site_kind_label(lang),
            c.total_points
        ),
        Lang::En => format!(
            "{} {}: {} ({}, {} points)",
            c.id,
            c.version,
            c.label(lang),
            c.site_kind_label(lang),
            c.total_points
        ),
    }
}

/// A phase with its dates and working days, in the terminal table's words.
pub fn phase_line(p: &PhaseSpan, lang: Lang) -> String {
    let name = match p.key.as_str() {
        "organisation" => lang.pick("组织实施阶段", "organisation phase"),
        "acceptance" => lang.pick("检查验收阶段", "acceptance phase"),
        other => other,
    };
    match lang {
        Lang::Zh => format!(
            "{name}：{}至{}（{} 个工作日{}）",
            long_date(p.start, lang),
            long_date(p.end, lang),
            p.working_days.value(),
            p.working_days
                .provisional()
                .map(|span| format!("，{}", provisional_caveat(span, lang)))
                .unwrap_or_default()
        ),
        Lang::En => format!(
            "{name}: {} to {} ({} working days{})",
            p.start,
            p.end,
            p.working_days.value(),
            p.working_days
                .provisional()
                .map(|span| format!(", {}", provisional_caveat(span, lang)))
                .unwrap_or_default()
        ),
    }
}

/// The day the report judges on, with what it decides: a report made again on another day
/// may differ in exactly these (README, "Reports").
pub fn judging_day(report: &Report<'_>) -> String {
    let day = super::long_date(report.as_of, report.lang);
    match report.lang {
        Lang::Zh => format!(
            "{day}（按此日判定豁免是否有效、整改是否逾期、哪些复查已经发生；换一天重新生成，这些可能不同）"
        ),
        Lang::En => format!(
            "{day} (the day waivers, overdue rectifications and re-inspections are judged on; a report made again on another day may differ in these)"
        ),
    }
}

pub fn rectification_rule(report: &Report<'_>) -> String {
    let days = report.run.campaign.rectification_working_days;
    match report.lang {
        Lang::Zh => format!("验收不合格的，自检查次日起 {days} 个工作日内完成整改"),
        Lang::En => format!(
            "sites not accepted rectify within {days} working days, counted from the day after inspection"
        ),
    }
}

fn kind_label<'r>(report: &'r Report<'_>) -> &'r str {
    let kind = report.ranking.kind.as_str();
    report
        .run
        .checklists
        .iter()
        .find(|c| c.site_kind == kind)
        .map_or(kind, |c| c.site_kind_label(report.lang))
}

pub fn demonstration_rule(report: &Report<'_>) -> String {
    let wanted = report.ranking.wanted;
    let kind = kind_label(report);
    match report.lang {
        Lang::Zh => {
            format!("从验收检查自身合格的{kind}中按得分率评选 {wanted} 个（裁定 15）")
        }
        Lang::En => format!(
            "{wanted} chosen by percentage among {kind} sites accepted on their own at acceptance (ruling 15)"
        ),
    }
}

/// "★ 示范点", or with its flag "★ 示范点复查不合格（2020-07-06）" (ruling 15): how a
/// demonstration site is marked wherever it is shown; `None` for any other site.
pub fn demo_mark(report: &Report<'_>, place: &Place) -> Option<String> {
    if !place.demonstration {
        return None;
    }
    Some(match report.ranking.flag(place) {
        Some(flag) => format!("★ {}", crate::render::ranking::flag_text(flag, report.lang)),
        None => report
            .lang
            .pick("★ 示范点", "★ demonstration site")
            .to_owned(),
    })
}

/// What the reports say under the heading of demonstration sites, before the list: how
/// they are chosen (ruling 15).
pub fn choice_rule(report: &Report<'_>) -> String {
    crate::render::ranking::choice_rule(kind_label(report), report.lang)
}

/// What the reports say after the list of demonstration sites, as warnings: that the
/// choice is provisional, and each demonstration site that failed a re-inspection.
pub fn choice_warnings(report: &Report<'_>) -> Vec<String> {
    let lang = report.lang;
    let ranking = &report.ranking;
    ranking
        .choice()
        .and_then(|c| crate::render::labels::provisional_choice(&c, lang))
        .map(|text| {
            let (note, stop) = (lang.pick("注意：", "Note: "), lang.pick("。", "."));
            format!("{note}{text}{stop}")
        })
        .into_iter()
        .chain(
            ranking
                .flagged()
                .map(|(place, flag)| crate::render::ranking::flag_note(place, flag, lang)),
        )
        .collect()
}

/// "共 24 个站点：合格 11，不合格 10，待补查 3。"
pub fn verdict_counts(report: &Report<'_>) -> String {
    let (pass, rectify, incomplete) = report.counts();
    let sites = report.sites.len();
    match report.lang {
        Lang::Zh => {
            format!("共 {sites} 个站点：合格 {pass}，不合格 {rectify}，待补查 {incomplete}。")
        }
        Lang::En => {
            format!("{sites} sites: {pass} pass, {rectify} rectify, {incomplete} incomplete.")
        }
    }
}

/// Why a site's inspection date deserves a second look, if it does.
pub fn late_note(report: &Report<'_>, site: &SiteResult<'_>) -> Option<String> {
    let phase = report.run.acceptance()?;
    is_late(site, phase).then(|| match report.lang {
        Lang::Zh => format!(
            "检查日期不在检查验收阶段（{}至{}）内",
            long_date(phase.start, report.lang),
            long_date(phase.end, report.lang)
        ),
        Lang::En => format!(
            "inspected outside the acceptance phase ({} to {})",
            phase.start, phase.end
        ),
    })
}

/// One line per site inspected outside the acceptance phase.
pub fn late_inspections(report: &Report<'_>) -> Vec<String> {
    report
        .sites
        .iter()
        .filter_map(|site| {
            let note = late_note(report, site)?;
            let day = long_date(site.record.inspected_on, report.lang);
            Some(match report.lang {
                Lang::Zh => format!(
                    "注意：{}（{}）于 {day} 检查，{note}。",
                    site.record.name, site.record.id
                ),
                Lang::En => format!(
                    "Note: {} ({}) was inspected on {day}, {note}.",
                    site.record.name, site.record.id
                ),
            })
        })
        .collect()
}

/// "99.5/100 分（99.5%）" for a ranked place.
pub fn place_score(place: &Place, lang: Lang) -> String {
    let e = &place.entry;
    let percent = Points::from_tenths(e.percent_tenths);
    match lang {
        Lang::Zh => format!("，得分 {}/{}（{percent}%）", e.score, e.max_score),
        Lang::En => format!(", score {}/{} ({percent}%)", e.score, e.max_score),
    }
}

/// "90.5/100（90.5%）".
pub fn score_text(site: &SiteResult<'_>, lang: Lang) -> String {
    let s = &site.score;
    match lang {
        Lang::Zh => format!("{}/{}（{}%）", s.earned, s.max, s.percent()),
        Lang::En => format!("{}/{} ({}%)", s.earned, s.max, s.percent()),
    }
}

/// The columns of the ranking table of a summary, with whether each holds numbers.
pub fn ranking_columns(lang: Lang) -> [(&'static str, bool); 8] {
    [
        (lang.pick("名次", "Rank"), true),
        (Column::Id.heading(lang), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("得分", "Score"), true),
        (lang.pick("得分率", "Percent"), true),
        (lang.pick("等级", "Grade"), false),
        (Column::Verdict.heading(lang), false),
        (Column::Due.heading(lang), false),
    ]
}

/// A ranked site's grade (— when it has none) and short due date (empty when it has
/// none), as the ranking tables show them.
pub fn grade_and_due<'s>(site: Option<&'s SiteResult<'_>>, lang: Lang) -> (&'s str, String) {
    let grade = site.and_then(|s| s.grade).map_or("—", |g| g.label(lang));
    let due = site
        .and_then(|s| s.due)
        .map(|d| due_short(d, lang))
        .unwrap_or_default();
    (grade, due)
}

/// "第 3 名（共 20 个乡镇便民服务中心）": a rank among the sites of one kind.
pub fn rank_text(rank: usize, of: usize, kind: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {rank} 名（共 {of} 个{kind}）"),
        Lang::En => format!("{rank} of {of} ({kind})"),
    }
}

/// "2020年6月30日（检查后 20 个工作日）", with the caveat of a provisional date.
pub fn due_text(report: &Report<'_>, due: Deadline) -> String {
    let days = report.run.campaign.rectification_working_days;
    let caveat = due
        .provisional()
        .map(|span| {
            report.lang.pick("；", "; ").to_owned() + &provisional_caveat(span, report.lang)
        })
        .unwrap_or_default();
    match report.lang {
        Lang::Zh => format!(
            "{}（检查后 {days} 个工作日{caveat}）",
            long_date(due.value(), report.lang)
        ),
        Lang::En => format!(
            "{} ({days} working days after inspection{caveat})",
            due.value()
        ),
    }
}

/// The warning on a report's first page when records could not be read, or `None`: a
/// report of part of a campaign must say so where it is first read.
pub fn partial_campaign(report: &Report<'_>) -> Option<String> {
    if report.unread.is_empty() {
        return None;
    }
    let n = report.unread.len();
    let files: Vec<String> = report
        .unread
        .iter()
        .map(|u| {
            if u.row > 0 {
                format!("{}:{}", report.shown_path(&u.origin), u.row)
            } else {
                report.shown_path(&u.origin)
            }
        })
        .collect();
    Some(match report.lang {
        Lang::Zh => format!(
            "注意：{n} 份检查记录未能读取，本报告不含这些站点，统计和排名均不完整：{}。请改正后重新生成报告。",
            files.join("、")
        ),
        Lang::En => format!(
            "Warning: {n} inspection records could not be read; this report leaves their sites out, and its counts and ranking are incomplete: {}. Correct them and make the report again.",
            files.join(", ")
        ),
    })
}

/// The line under a table of deadlines when some are provisional, or `None`.
pub fn provisional_footnote(report: &Report<'_>) -> Option<String> {
    let span = report
        .sites
        .iter()
        .filter_map(|s| s.due.and_then(|d| d.provisional()))
        .reduce(crate::calendar::YearSpan::join)?;
    Some(match report.lang {
        Lang::Zh => format!(
            "标“暂定”的整改期限按法定节假日计、不计调休，{}（{PROVISIONAL_SPREAD_ZH}）。",
            pending_notice(span, report.lang)
        ),
        Lang::En => format!(
            "Deadlines marked provisional count the statutory holidays without make-up days, {} ({PROVISIONAL_SPREAD_EN}).",
            pending_notice(span, report.lang)
        ),
    })
}

/// A deadline in a table: the date, marked 暂定 when it is provisional (the page says
/// why once, under the table).
pub fn due_short(due: Deadline, lang: Lang) -> String {
    let date = long_date(due.value(), lang);
    if due.is_provisional() {
        format!("{date}{}", lang.pick("（暂定）", " (provisional)"))
    } else {
        date
    }
}

/// What a notice asks: "请于2020年6月30日前（20个工作日内）", with the caveat of a
/// provisional date and how far such a date has moved (docs/calendar.md).
pub fn notice_deadline(due: Option<Deadline>, days: u32, lang: Lang) -> String {
    match (due, lang) {
        (None, Lang::Zh) => format!("请于{days}个工作日内"),
        (None, Lang::En) => format!("within {days} working days"),
        (Some(due), Lang::Zh) => {
            let caveat = due
                .provisional()
                .map(|span| {
                    format!(
                        "；该日期{}，{PROVISIONAL_SPREAD_ZH}",
                        provisional_caveat(span, lang)
                    )
                })
                .unwrap_or_default();
            format!(
                "请于{}前（{days}个工作日内{caveat}）",
                long_date(due.value(), lang)
            )
        }
        (Some(due), Lang::En) => {
            let caveat = due
                .provisional()
                .map(|span| {
                    format!(
                        "; the date is {}; {PROVISIONAL_SPREAD_EN}",
                        provisional_caveat(span, lang)
                    )
                })
                .unwrap_or_default();
            format!(
                "by {} (within {days} working days{caveat})",
                long_date(due.value(), lang)
            )
        }
    }
}

/// How far a provisional deadline has fallen from the official one, measured over every
/// start day of 2020–2026 (docs/calendar.md; the calendar's tests hold the numbers).
const PROVISIONAL_SPREAD_ZH: &str =
    "按 2020—2026 年的正式安排测算，约三分之二的暂定日期与正式日期相同，其余相差最多 8 天";
const PROVISIONAL_SPREAD_EN: &str = "measured over 2020–2026, about two provisional dates in three were the official date and the others at most 8 days from it";

/// "乡镇便民服务中心 · 文留镇" and the village, under a site's heading.
pub fn site_subtitle(site: &SiteResult<'_>, lang: Lang) -> String {
    let r = site.record;
    let mut parts = vec![
        r.id.clone(),
        site.checklist.site_kind_label(lang).to_owned(),
        r.township.clone(),
    ];
    if let Some(village) = &r.village {
        parts.push(village.clone());
    }
    parts.join(" · ")
}

/// How the score was made up, one point per line: shared with the terminal table.
pub use crate::render::score_explanation as explanation;

/// What was found for an item: the observed value, what is missing, why it could not
/// be judged, the inspector's note. Empty for an item with nothing recorded.
pub fn finding_lines(o: &Outcome<'_>, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    let observed = o.observed(lang);
    if !observed.is_empty() {
        lines.push(observed);
    } else if o.status == Status::Unrecorded {
        lines.push(lang.pick("（未记录）", "(not recorded)").to_owned());
    }
    if !o.missing.is_empty() {
        let missing = o.missing.join(lang.list_separator());
        lines.push(format!("{}{missing}", lang.pick("缺：", "missing: ")));
    }
    if let Some(reason) = o.undetermined(lang) {
        lines.push(reason);
    }
    if let Some(note) = o.note() {
        lines.push(format!("{}{note}", lang.pick("备注：", "note: ")));
    }
    if let Some(waiver) = crate::render::labels::waiver_note(o, lang) {
        lines.push(waiver);
    }
    lines
}

/// What a notice issued on `issued_on` says was found: [`finding_lines`], with a yes/no
/// answer put in words — a notice tells a township what is wrong, and a bare 否 says
/// nothing on paper — and without a waiver approved after that day, which the document of
/// that day cannot know.
pub fn notice_finding_lines(o: &Outcome<'_>, issued_on: Date, lang: Lang) -> Vec<String> {
    let mut lines = finding_lines(o, lang);
    if o.waiver.is_some_and(|w| w.approved_on > issued_on)
        && lines.last() == crate::render::labels::waiver_note(o, lang).as_ref()
    {
        lines.pop();
    }
    if let (Kind::YesNo(kind), Some(Value::Bool(found))) = (&o.item.kind, o.value)
        && *found != kind.expect
        && let Some(first) = lines.first_mut()
    {
        let shown = crate::render::labels::yes_no(*found, lang);
        if first == shown {
            *first = match (kind.expect, lang) {
                (true, Lang::Zh) => format!("检查时未做到（记录为“{shown}”）"),
                (true, Lang::En) => format!("not in place at the inspection (recorded “{shown}”)"),
                (false, Lang::Zh) => {
                    format!("检查时存在本项不允许的情形（记录为“{shown}”）")
                }
                (false, Lang::En) => {
                    format!(
                        "found at the inspection, which the item does not allow (recorded “{shown}”)"
                    )
                }
            };
        }
    }
    lines
}

/// What a site must do about a failed item, for notices: add what is missing, put in
/// place what a yes/no item asks (in the requirement's words, not 是), or bring the item
/// to what it requires.
pub fn required_fix(outcome: &Outcome<'_>, lang: Lang) -> String {
    let label = outcome.item.label(lang);
    match (&outcome.item.kind, lang) {
        (Kind::Includes(_), Lang::Zh) if !outcome.missing.is_empty() => {
            format!("补齐：{}", outcome.missing.join("、"))
        }
        (Kind::Includes(_), Lang::En) if !outcome.missing.is_empty() => {
            format!("add: {}", outcome.missing.join(", "))
        }
        (Kind::YesNo(k), Lang::Zh) if k.expect => format!("按要求落实：{label}"),
        (Kind::YesNo(_), Lang::Zh) => format!("予以纠正，做到：{label}"),
        (Kind::YesNo(k), Lang::En) if k.expect => format!("put in place: {label}"),
        (Kind::YesNo(_), Lang::En) => format!("correct it to meet: {label}"),
        (_, Lang::Zh) => format!("整改至符合要求：{}", outcome.expected(lang)),
        (_, Lang::En) => format!("bring it to: {}", outcome.expected(lang)),
    }
}

/// 符合 / 不符合（须整改） / 未记录 / 不适用.
pub fn result_label(o: &Outcome<'_>, lang: Lang) -> String {
    if o.needs_rectification() {
        match lang {
            Lang::Zh => format!("{}（须整改）", o.status.label(lang)),
            Lang::En => format!("{} (rectify)", o.status.label(lang)),
        }
    } else {
        o.status.label(lang).to_owned()
    }
}

/// "文留镇便民服务中心：".
pub fn addressee(site: &SiteResult<'_>, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}：", site.record.name),
        Lang::En => format!("To: {}", site.record.name),
    }
}

/// 依据《…》: the checklist's source in title marks, unless it already has them.
fn cited(source: &str) -> String {
    if source.contains('《') {
        source.to_owned()
    } else {
        format!("《{source}》")
    }
}

/// What the notice says was inspected: 便民服务中心 for township centres, 便民服务站
/// for village stations, read from the end of the checklist's name for the kind.
fn place_word(site: &SiteResult<'_>, lang: Lang) -> String {
    let kind = site.checklist.site_kind_label(lang);
    match lang {
        Lang::Zh if kind.ends_with("中心") => "便民服务中心".to_owned(),
        Lang::Zh if kind.ends_with("站") => "便民服务站".to_owned(),
        Lang::Zh | Lang::En => kind.to_owned(),
    }
}

/// The opening paragraph of a notice issued after the inspection — at a re-inspection that
/// found new problems (ruling 9), or when a waiver lapsed — or `None` for the inspection's
/// own notice, which each format words in its own layout.
pub fn later_notice_opening(report: &Report<'_>, notice: &Notice<'_, '_>) -> Option<String> {
    let lang = report.lang;
    let days = report.run.campaign.rectification_working_days;
    let day = long_date(notice.issued_on, lang);
    let first = long_date(notice.site.record.inspected_on, lang);
    let by = notice_deadline(notice.due, days, lang);
    let place = place_word(notice.site, lang);
    let inspectors = &notice.inspectors;
    Some(match (notice.cause, lang) {
        (super::NoticeCause::Inspection, _) => return None,
        (super::NoticeCause::Reinspection, Lang::Zh) => format!(
            "{day}，检查组（{inspectors}）对你单位{place}进行了复查，发现以下问题（{first}检查验收时未发现）。{by}完成整改，整改完成后向县行政服务中心申请复查验收。"
        ),
        (super::NoticeCause::Reinspection, Lang::En) => format!(
            "On {day}, the inspection team ({inspectors}) re-inspected your {place} and found the problems below, which the inspection of {first} had not found. Please rectify them {by}, then apply to the county administrative service centre for re-inspection."
        ),
        (super::NoticeCause::Lapse, Lang::Zh) => format!(
            "你单位{place}以下项目经县里批准暂缓整改，豁免已于{day}到期，该项仍不符合要求（{first}检查验收时发现）。{by}完成整改，整改完成后向县行政服务中心申请复查验收。"
        ),
        (super::NoticeCause::Lapse, Lang::En) => format!(
            "The rectification of the items below of your {place} was postponed by a county waiver, which lapsed on {day} with the items still failing (found at the inspection of {first}). Please rectify them {by}, then apply to the county administrative service centre for re-inspection."
        ),
    })
}

/// The notice's opening paragraph: when, who, against what, the verdict, the deadline.
pub fn notice_paragraph(report: &Report<'_>, notice: &Notice<'_, '_>) -> String {
    if let Some(text) = later_notice_opening(report, notice) {
        return text;
    }
    let lang = report.lang;
    let site = notice.site;
    let r = site.record;
    let days = report.run.campaign.rectification_working_days;
    let inspectors = &notice.inspectors;
    let source = &site.checklist.source;
    // The verdict of the notice's day: a site that passes now only by a waiver approved
    // since had not passed then, with the problems the notice lists.
    let verdict = match site.verdict {
        Verdict::Pass if !notice.problems.is_empty() => Verdict::Rectify,
        v => v,
    }
    .label(lang);
    let place = place_word(site, lang);
    match lang {
        Lang::Zh => {
            let deadline = format!("{}完成整改", notice_deadline(notice.due, days, lang));
            format!(
                "{}，检查组（{inspectors}）对你单位{place}建设情况进行了检查验收，依据{}，存在以下问题，验收结论为{verdict}。{deadline}，整改完成后向县行政服务中心申请复查验收。",
                long_date(notice.issued_on, lang),
                cited(source)
            )
        }
        Lang::En => {
            let deadline = format!(
                "Please rectify them {}",
                notice_deadline(notice.due, days, lang)
            );
            format!(
                "On {}, the inspection team ({inspectors}) inspected the construction of your {place}. Judged against {source}, the problems below were found, and the verdict is: {verdict}. {deadline}, then apply to the county administrative service centre for re-inspection.",
                r.inspected_on
            )
        }
    }
}

/// The paragraphs after the table of problems.
pub fn notice_closing(report: &Report<'_>, notice: &Notice<'_, '_>) -> Vec<String> {
    let lang = report.lang;
    let site = notice.site;
    let mut lines = Vec::new();
    if site.verdict == Verdict::Incomplete {
        let unrecorded: Vec<&str> = site
            .findings
            .iter()
            .filter(|o| o.status == Status::Unrecorded && o.item.severity == Severity::Mandatory)
            .map(|o| o.item.clause.as_str())
            .collect();
        lines.push(match lang {
            Lang::Zh => format!(
                "另有 {} 项强制项未记录（条款 {}），须补查后方能作出验收结论。",
                unrecorded.len(),
                unrecorded.join("、")
            ),
            Lang::En => format!(
                "{} further mandatory items were not recorded (clauses {}); there is no verdict until they are checked.",
                unrecorded.len(),
                unrecorded.join(", ")
            ),
        });
    }
    lines.push(
        lang.pick(
            "整改完成后，请将整改情况书面报县行政服务中心，并附整改后的照片等佐证材料，申请复查。",
            "When the work is done, report it in writing to the county administrative service centre, with photographs or other evidence of the rectification, and apply for re-inspection.",
        )
        .to_owned(),
    );
    lines.push(lang.pick("特此通知。", "").to_owned());
    lines.retain(|l| !l.is_empty());
    lines
}

/// The office signing a notice (发文机关署名): the campaign's `issuer`, or a line for it
/// to be written in by hand when the campaign does not name one.
pub fn notice_issuer(report: &Report<'_>) -> String {
    match &report.run.campaign.issuer {
        Some(issuer) => issuer.clone(),
        None => report
            .lang
            .pick("签发单位（盖章）", "Issued by (seal)")
            .to_owned(),
    }
}

/// The date of issue (成文日期) under the signature: the notice's day, in Arabic numerals.
pub fn notice_date(notice: &Notice<'_, '_>, lang: Lang) -> String {
    long_date(notice.issued_on, lang)
}

/// How far the signing office stands from the right margin, in body characters, so that
/// it is centred over the date, which stands four characters in (GB/T 9704-2012 7.3.5.1);
/// never less than nothing, when the office's name is much longer than the date.
pub fn issuer_indent(issuer: &str, date: &str) -> f64 {
    const DATE_INDENT: f64 = 4.0;
    (DATE_INDENT + (text_width(date) - text_width(issuer)) / 2.0).max(0.0)
}

/// The width of a line of text in body characters: a Chinese character is one, an ASCII
/// character (a digit of the date) half of one.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// The notice's one attachment, the photos of its problems: its title (附件标题).
pub fn attachment_title(lang: Lang) -> &'static str {
    lang.pick("问题照片", "Photographs of the problems")
}

/// The word that heads an attachment's first page (附件, in 3号黑体 at the top left).
pub fn attachment_label(lang: Lang) -> &'static str {
    lang.pick("附件", "Attachment")
}

/// The line under the text announcing the attachment (附件说明, GB/T 9704-2012 7.3.4):
/// "附件：问题照片" — one attachment, so without a number.
pub fn attachment_line(lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("附件：{}", attachment_title(lang)),
        Lang::En => format!("Attachment: {}", attachment_title(lang)),
    }
}

/// Whether a notice has an attachment: when one of its items cites a photo it can print.
pub fn has_attachment(attached: &[Attached<'_, '_>]) -> bool {
    attached.iter().any(|a| a.photo.is_some())
}

/// The caption under an attached photo: its figure number, the item (its number in the
/// table, clause, title and id) and the file as the record cites it.
pub fn photo_caption(figure: usize, a: &Attached<'_, '_>, lang: Lang) -> String {
    let item = a.outcome.item;
    match lang {
        Lang::Zh => format!(
            "图{figure}　第{}项 {} {}（{}）　{}",
            a.number,
            item.clause,
            item.label(lang),
            item.id,
            a.cited
        ),
        Lang::En => format!(
            "Figure {figure}. Item {}: {} {} ({}), {}",
            a.number,
            item.clause,
            item.label(lang),
            item.id,
            a.cited
        ),
    }
}

/// The heading of the list of the evidence a notice's attachment cannot print.
pub fn unprinted_heading(lang: Lang) -> &'static str {
    lang.pick(
        "以下佐证材料不是照片，未附于此，见检查记录：",
        "Further evidence, not photographs, not printed here (see the inspection record):",
    )
}

/// One evidence file the attachment lists by name: the item, the path and why it is not
/// printed (not a photo, missing, unreadable).
pub fn unprinted_line(a: &Attached<'_, '_>, lang: Lang) -> String {
    use crate::audit::EvidenceState;
    let why = match a.file.map(|f| &f.state) {
        Some(EvidenceState::Found { .. }) => lang.pick("非照片文件", "not a photograph"),
        Some(EvidenceState::Unreadable(_)) => lang.pick("无法读取", "unreadable"),
        Some(EvidenceState::Missing) | None => lang.pick("文件缺失", "missing"),
    };
    match lang {
        Lang::Zh => format!(
            "第{}项（{}）：{}（{why}）",
            a.number, a.outcome.item.id, a.cited
        ),
        Lang::En => format!(
            "Item {} ({}): {} ({why})",
            a.number, a.outcome.item.id, a.cited
        ),
    }
}

/// The 抄送 line of a notice's 版记, "抄送：濮阳县人民政府办公室，……。", when the campaign
/// names offices to copy to.
pub fn copy_to_line(report: &Report<'_>) -> Option<String> {
    let offices = &report.run.campaign.copy_to;
    if offices.is_empty() {
        return None;
    }
    Some(match report.lang {
        Lang::Zh => format!("抄送：{}。", offices.join("，")),
        Lang::En => format!("Copy to: {}.", offices.join(", ")),
    })
}

/// The 印发 line under the 抄送 line: who printed the notice, and on which day, when the
/// campaign names the office.
pub fn printed_line(report: &Report<'_>, notice: &Notice<'_, '_>) -> Option<(String, String)> {
    let issuer = report.run.campaign.issuer.as_ref()?;
    let day = notice_date(notice, report.lang);
    Some(match report.lang {
        Lang::Zh => (issuer.clone(), format!("{day}印发")),
        Lang::En => (issuer.clone(), format!("issued {day}")),
    })
}

// ── Follow-up: re-inspections, overdue items, waivers ──────────────────────────────

/// The follow-up statuses in the order reports count and list them.
pub const FOLLOW_UPS: [FollowUp; 8] = [
    FollowUp::Fixed,
    FollowUp::StillFailing,
    FollowUp::Overdue,
    FollowUp::Pending,
    FollowUp::New,
    FollowUp::Waived,
    FollowUp::ToRecord,
    FollowUp::Recorded,
];

/// Whether the report follows up at all: the campaign has re-inspections or waivers.
/// Without either, nothing has been followed up yet, and the reports stay as they were.
pub fn follows_up(report: &Report<'_>) -> bool {
    !report.rechecked.is_empty() || !report.waivers.is_empty()
}

/// The sites the report follows up: [`Report::follow_ups`], or none when the campaign has
/// neither re-inspections nor waivers.
pub fn follow_ups<'r, 'a>(report: &'r Report<'a>) -> Vec<SiteFollowUp<'r, 'a>> {
    if follows_up(report) {
        report.follow_ups()
    } else {
        Vec::new()
    }
}

/// Whether the summary has a follow-up section: the campaign follows up, and there is a
/// site to follow up or a waiver.
pub fn has_follow_up(report: &Report<'_>, follow_ups: &[SiteFollowUp<'_, '_>]) -> bool {
    follows_up(report) && (!follow_ups.is_empty() || !report.waivers.is_empty())
}

/// 整改复查情况, the summary's section.
pub fn follow_up_heading(lang: Lang) -> &'static str {
    lang.pick("整改复查情况", "Rectification follow-up")
}

/// 复查情况, a site's block.
pub fn site_follow_up_heading(lang: Lang) -> &'static str {
    lang.pick("复查情况", "Follow-up")
}

/// 逾期未整改项目, the county's overdue list.
pub fn overdue_heading(lang: Lang) -> &'static str {
    lang.pick("逾期整改项目", "Overdue rectifications")
}

/// 豁免, the waivers table.
pub fn waivers_heading(lang: Lang) -> &'static str {
    lang.pick("豁免", "Waivers")
}

/// Items per status, in [`FOLLOW_UPS`] order.
pub fn status_counts<'x, 'r: 'x, 'a: 'r>(
    items: impl IntoIterator<Item = &'x ItemFollowUp<'a>>,
) -> [usize; FOLLOW_UPS.len()] {
    let mut counts = [0; FOLLOW_UPS.len()];
    for item in items {
        if let Some(n) = FOLLOW_UPS.iter().position(|s| *s == item.status) {
            counts[n] += 1;
        }
    }
    counts
}

/// "截至2020年10月1日，须跟进的站点 11 个，已复查 6 个，现合格 5 个。"
pub fn follow_up_sites_line(report: &Report<'_>, follow_ups: &[SiteFollowUp<'_, '_>]) -> String {
    let lang = report.lang;
    let sites = follow_ups.len();
    let rechecked = follow_ups.iter().filter(|f| f.after.is_some()).count();
    let pass = follow_ups
        .iter()
        .filter(|f| f.verdict() == Verdict::Pass)
        .count();
    let day = long_date(report.as_of, lang);
    match lang {
        Lang::Zh => {
            format!("截至{day}，须跟进的站点 {sites} 个，已复查 {rechecked} 个，现合格 {pass} 个。")
        }
        Lang::En => format!(
            "As of {day}: {sites} sites to follow up, {rechecked} re-inspected, {pass} now pass."
        ),
    }
}

/// "各项目：已整改 3，仍不符合 1，逾期 6，待复查 0，新发现问题 1，豁免 1。"
pub fn status_counts_line(counts: &[usize; FOLLOW_UPS.len()], lang: Lang) -> String {
    let parts: Vec<String> = FOLLOW_UPS
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{} {n}", s.label(lang)))
        .collect();
    match lang {
        Lang::Zh => format!("各项目：{}。", parts.join("，")),
        Lang::En => format!("Items: {}.", parts.join(", ")),
    }
}

/// "不合格 → 合格": the verdict at inspection and now.
pub fn verdict_change(f: &SiteFollowUp<'_, '_>, lang: Lang) -> String {
    format!(
        "{} → {}",
        f.before.verdict.label(lang),
        f.verdict().label(lang)
    )
}

/// The days of the re-inspections, oldest first, or `none` when there was none.
pub fn rechecked_text(f: &SiteFollowUp<'_, '_>, lang: Lang, none: &str) -> String {
    if f.history.is_empty() {
        return none.to_owned();
    }
    let days: Vec<String> = f.history.iter().map(|d| long_date(*d, lang)).collect();
    days.join(lang.list_separator())
}

/// A followed-up item's status as a site page words it: the label, and the item's own
/// deadline when it is not the site's (found at a re-inspection, or after a lapse).
pub fn item_status(f: &SiteFollowUp<'_, '_>, item: &ItemFollowUp<'_>, lang: Lang) -> String {
    let label = item.status.label(lang);
    let Some(due) = item.due.filter(|d| Some(*d) != f.before.due) else {
        return label.to_owned();
    };
    if item.status == FollowUp::Fixed {
        return label.to_owned();
    }
    let day = long_date(due.value(), lang);
    match (item.found_on, lang) {
        (Some(found), Lang::Zh) => {
            format!("{label}（{}复查发现，期限 {day}）", long_date(found, lang))
        }
        (Some(found), Lang::En) => format!("{label} (found on {found}, due {day})"),
        (None, Lang::Zh) => format!("{label}（豁免到期后重新计算，期限 {day}）"),
        (None, Lang::En) => format!("{label} (counted again from the waiver's lapse, due {day})"),
    }
}

/// 未复查, for the overdue list.
pub fn not_rechecked(lang: Lang) -> &'static str {
    lang.pick("未复查", "not re-inspected")
}

/// What an outcome recorded, for the before/after columns: the observed value, 未记录
/// for an item not recorded, or empty.
pub fn follow_up_value(o: Option<&Outcome<'_>>, lang: Lang) -> String {
    let Some(o) = o else {
        return String::new();
    };
    let observed = o.observed(lang);
    if observed.is_empty() && o.status == Status::Unrecorded {
        lang.pick("（未记录）", "(not recorded)").to_owned()
    } else {
        observed
    }
}

/// The waiver of a followed-up item: the note of the waiver that applies, or, for a
/// waiver that has run out or is not yet in force, that it does not apply.
pub fn follow_up_waiver(
    report: &Report<'_>,
    site: &str,
    item: &ItemFollowUp<'_>,
    lang: Lang,
) -> Option<String> {
    if let Some(note) =
        crate::render::labels::waiver_note(item.after.as_ref().unwrap_or(&item.before), lang)
    {
        return Some(note);
    }
    let (w, state) = report
        .waiver_states()
        .into_iter()
        .find(|(w, _)| w.site == site && w.item == item.item.id)?;
    let head = match state {
        WaiverState::Expired => lang.pick("豁免已失效", "waiver expired"),
        WaiverState::NotYet => lang.pick("豁免未生效", "waiver not yet in force"),
        WaiverState::Active => lang.pick("豁免", "waived"),
        WaiverState::Unused => lang.pick("豁免不起作用", "waiver does nothing"),
    };
    Some(crate::render::labels::waiver_in_words(head, w, lang))
}

/// "复查日期", "结论（检查时 → 现在）": a followed-up site's facts, as (label, value).
pub fn site_follow_up_facts(f: &SiteFollowUp<'_, '_>, lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        (
            lang.pick("复查日期", "Re-inspected on"),
            rechecked_text(f, lang, not_rechecked(lang)),
        ),
        (
            lang.pick("结论（检查时 → 现在）", "Verdict (inspection → now)"),
            verdict_change(f, lang),
        ),
    ]
}

/// What a followed-up site with nothing to list says instead of a table.
pub fn no_follow_up_items(lang: Lang) -> &'static str {
    lang.pick("没有须跟进的项目。", "No item to follow up.")
}

/// What the overdue list says when it is empty.
pub fn no_overdue(lang: Lang) -> &'static str {
    lang.pick("没有逾期整改的项目。", "No rectification is overdue.")
}

/// What the waivers part says when there are none.
pub fn no_waivers(lang: Lang) -> &'static str {
    lang.pick("没有豁免。", "No waivers.")
}

/// One overdue item of the county's list.
pub struct OverdueRow<'r, 'a> {
    /// The site's follow-up.
    pub site: &'r SiteResult<'a>,
    /// The last re-inspection that recorded the item, if one did.
    pub rechecked_on: Option<Date>,
    /// The item.
    pub item: &'a Item,
    /// The item's deadline (the site's, or counted from a re-inspection or a lapse).
    pub due: Option<crate::audit::Deadline>,
}

/// Every overdue item, oldest due date first (then in report order).
pub fn overdue_rows<'r, 'a>(report: &'r Report<'a>) -> Vec<OverdueRow<'r, 'a>> {
    let mut rows: Vec<OverdueRow<'r, 'a>> = report
        .overdue()
        .into_iter()
        .flat_map(|(f, items)| {
            let site = f.before;
            items
                .into_iter()
                .filter_map(|n| f.items.get(n))
                .map(|i| OverdueRow {
                    site,
                    rechecked_on: i.rechecked_on,
                    item: i.item,
                    due: i.due,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    // A stable sort keeps report order among equal due dates.
    rows.sort_by_key(|r| r.due);
    rows
}

/// The overdue row's re-inspection day, or 未复查.
pub fn overdue_rechecked(row: &OverdueRow<'_, '_>, lang: Lang) -> String {
    row.rechecked_on
        .map_or_else(|| not_rechecked(lang).to_owned(), |d| long_date(d, lang))
}

/// One waiver as the waivers table shows it.
pub struct WaiverRow<'r> {
    /// The waiver.
    pub waiver: &'r Waiver,
    /// Where it stands on the report's day.
    pub state: WaiverState,
    /// The site, when the report has it.
    pub site: Option<&'r SiteResult<'r>>,
    /// The item, when the site's checklist has it.
    pub item: Option<&'r Item>,
}

/// Every waiver with its state, site and item, in the order of the waivers file.
pub fn waiver_rows<'r>(report: &'r Report<'_>) -> Vec<WaiverRow<'r>> {
    report
        .waiver_states()
        .into_iter()
        .map(|(waiver, state)| {
            let site = report.sites.iter().find(|s| s.record.id == waiver.site);
            let item = site.and_then(|s| s.checklist.item(&waiver.item));
            WaiverRow {
                waiver,
                state,
                site,
                item,
            }
        })
        .collect()
}

/// "3.1.1 乡镇便民服务中心净使用面积要在 60 m² 以上", or the item id when unknown.
pub fn waiver_item(row: &WaiverRow<'_>, lang: Lang) -> String {
    row.item.map_or_else(
        || row.waiver.item.clone(),
        |i| format!("{} {}", i.clause, i.label(lang)),
    )
}

/// One warning per expired waiver of an item that fails again because of it.
pub fn expired_waivers(report: &Report<'_>) -> Vec<String> {
    let lang = report.lang;
    waiver_rows(report)
        .into_iter()
        .filter(|row| row.state == WaiverState::Expired)
        .filter_map(|row| {
            let site = row.site?;
            let fails = site
                .findings
                .iter()
                .any(|o| o.item.id == row.waiver.item && o.status == Status::Fail);
            if !fails {
                return None;
            }
            let item = waiver_item(&row, lang);
            let expired = long_date(row.waiver.expires, lang);
            let as_of = long_date(report.as_of, lang);
            Some(match lang {
                Lang::Zh => format!(
                    "注意：{}（{}）“{item}”的豁免已于{expired}失效（按{as_of}计），该项重新按不符合计。",
                    site.record.name, site.record.id
                ),
                Lang::En => format!(
                    "Note: the waiver of “{item}” at {} ({}) expired on {expired} (as of {as_of}); the item counts as a failure again.",
                    site.record.name, site.record.id
                ),
            })
        })
        .collect()
}

/// One fact of a site page, as a report format shows it: plain text, or something each
/// format marks up its own way.
pub enum Fact<'x, 'a> {
    /// Text to show as it is (escaped by the format).
    Text(String),
    /// The site id (code-styled where the format can).
    Id(String),
    /// The inspection date, with a note when it fell outside the acceptance phase.
    Inspected { date: String, late: Option<String> },
    /// The verdict (emphasised).
    Verdict(Verdict),
    /// The place in the ranking, with the mark of a demonstration site ([`demo_mark`]).
    Rank {
        text: String,
        demonstration: Option<String>,
    },
    /// The rectification notice, linked.
    Notice(&'x Notice<'x, 'a>),
    /// The record file the site came from.
    Record(String),
}

/// The facts at the top of a site page, labelled, in the order every format lists them.
pub fn site_facts<'x, 'a>(
    report: &Report<'_>,
    site: &SiteResult<'_>,
    lookup: &Lookup<'x, 'a>,
) -> Vec<(&'static str, Fact<'x, 'a>)> {
    let lang = report.lang;
    let r = site.record;
    let mut facts = vec![
        (Column::Id.heading(lang), Fact::Id(r.id.clone())),
        (
            lang.pick("类型", "Kind"),
            Fact::Text(site.checklist.site_kind_label(lang).to_owned()),
        ),
        (
            lang.pick("乡镇", "Township"),
            Fact::Text(r.township.clone()),
        ),
    ];
    if let Some(village) = &r.village {
        facts.push((
            lang.pick("村（社区）", "Village"),
            Fact::Text(village.clone()),
        ));
    }
    facts.push((
        lang.pick("检查日期", "Inspected on"),
        Fact::Inspected {
            date: long_date(r.inspected_on, lang),
            late: late_note(report, site),
        },
    ));
    facts.push((
        lang.pick("检查人员", "Inspectors"),
        Fact::Text(r.inspectors.join(lang.list_separator())),
    ));
    facts.push((
        lang.pick("验收清单", "Checklist"),
        Fact::Text(format!("{} {}", site.checklist.id, site.checklist.version)),
    ));
    facts.push((Column::Verdict.heading(lang), Fact::Verdict(site.verdict)));
    facts.push((
        lang.pick("等级", "Grade"),
        Fact::Text(site.grade.map_or("—", |g| g.label(lang)).to_owned()),
    ));
    facts.push((
        lang.pick("得分", "Score"),
        Fact::Text(score_text(site, lang)),
    ));
    if let Some(place) = lookup.place(&r.id) {
        facts.push((
            lang.pick("名次", "Rank"),
            Fact::Rank {
                text: lookup.rank(&r.id).unwrap_or_default().to_owned(),
                demonstration: demo_mark(report, place),
            },
        ));
    }
    if let Some(due) = site.due {
        facts.push((
            lang.pick("整改期限", "Rectify by"),
            Fact::Text(due_text(report, due)),
        ));
    }
    for notice in lookup.notices_of(&r.id) {
        let label = match notice.cause {
            super::NoticeCause::Inspection => lang.pick("整改通知书", "Notice"),
            super::NoticeCause::Reinspection => {
                lang.pick("整改通知书（复查发现）", "Notice (found at re-inspection)")
            }
            super::NoticeCause::Lapse => {
                lang.pick("整改通知书（豁免到期）", "Notice (waiver lapsed)")
            }
        };
        facts.push((label, Fact::Notice(notice)));
    }
    facts.push((
        lang.pick("检查记录", "Record"),
        Fact::Record(report.shown_path(&r.origin)),
    ));
    facts
}
