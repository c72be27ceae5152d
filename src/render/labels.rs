//! The words for what the core decides: every status, verdict and follow-up in Chinese and
//! English, in one table, so that the core returns codes and the renderers word them.

use crate::audit::rank::{Choice, ChoiceSetBy, Ineligible, Place, Ranking};
use crate::audit::recheck::FollowUp;
use crate::audit::{Outcome, Status, Verdict};
use crate::checklist::kinds::{Expectation, PatternError, Undetermined, format_number};
use crate::checklist::{Kind, Severity, Value};
use crate::lang::Lang;
use crate::record::Entry;
use crate::record::waiver::Waiver;

/// What a code of the core is called in a language.
pub trait Label {
    /// The word or short phrase for `self` in `lang`.
    fn label(self, lang: Lang) -> &'static str;
}

/// A column that tables of sites and items share, named in one place: in Chinese, as a
/// document's heading in English ("Clause", for HTML, Markdown and Word), and as a sheet's
/// or the terminal's English column name ("clause", lower case like the CSV's codes, which
/// scripts read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// 条款.
    Clause,
    /// 项目: the item's title.
    Title,
    /// 项目编号.
    ItemId,
    /// 整改期限.
    Due,
    /// 要求: what the item expects.
    Requirement,
    /// 结论.
    Verdict,
    /// 得分.
    Score,
    /// 类别: mandatory or advisory.
    Severity,
    /// 佐证材料.
    Evidence,
    /// 站点编号.
    SiteId,
    /// 站点名称.
    SiteName,
    /// 编号.
    Id,
    /// 名称.
    Name,
    /// 序号.
    Number,
    /// 站点.
    Site,
    /// 复查日期.
    Reinspected,
    /// 状态.
    Status,
}

impl Column {
    /// The column's Chinese name, its English heading and its English column name.
    fn names(self) -> [&'static str; 3] {
        match self {
            Column::Clause => ["条款", "Clause", "clause"],
            Column::Title => ["项目", "Item", "title"],
            Column::ItemId => ["项目编号", "Id", "item"],
            Column::Due => ["整改期限", "Due", "due"],
            Column::Requirement => ["要求", "Requirement", "expected"],
            Column::Verdict => ["结论", "Verdict", "verdict"],
            Column::Score => ["得分", "Score", "score"],
            Column::Severity => ["类别", "Severity", "severity"],
            Column::Evidence => ["佐证材料", "Evidence", "evidence"],
            Column::SiteId => ["站点编号", "Site", "site"],
            Column::SiteName => ["站点名称", "Name", "name"],
            Column::Id => ["编号", "Id", "id"],
            Column::Name => ["名称", "Name", "name"],
            Column::Number => ["序号", "#", "#"],
            Column::Site => ["站点", "Site", "site"],
            Column::Reinspected => ["复查日期", "Re-inspected", "rechecked_on"],
            Column::Status => ["状态", "Status", "status"],
        }
    }

    /// The heading of a document's table (HTML, Markdown, Word).
    pub fn heading(self, lang: Lang) -> &'static str {
        let [zh, en, _] = self.names();
        lang.pick(zh, en)
    }

    /// The column's name in a sheet or the terminal.
    pub fn code(self, lang: Lang) -> &'static str {
        let [zh, _, en] = self.names();
        lang.pick(zh, en)
    }
}

impl Label for Status {
    /// 符合 / 不符合 / 未记录 / 不适用 / 豁免.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Pass => lang.pick("符合", "pass"),
            Status::Fail => lang.pick("不符合", "fail"),
            Status::Unrecorded => lang.pick("未记录", "unrecorded"),
            Status::NotApplicable => lang.pick("不适用", "not applicable"),
            Status::Waived => lang.pick("豁免", "waived"),
        }
    }
}

impl Label for Severity {
    /// 强制 / 建议, mandatory / advisory.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Mandatory => lang.pick("强制", "mandatory"),
            Severity::Advisory => lang.pick("建议", "advisory"),
        }
    }
}

impl Label for Verdict {
    /// 合格 / 不合格 / 待补查.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Pass => lang.pick("合格", "pass"),
            Verdict::Rectify => lang.pick("不合格", "rectify"),
            Verdict::Incomplete => lang.pick("待补查", "incomplete"),
        }
    }
}

impl Label for FollowUp {
    /// 已整改 / 仍不符合 / 逾期 / 待复查 / 新发现问题 / 豁免 / 待补查 / 已补查.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            FollowUp::Fixed => lang.pick("已整改", "fixed"),
            FollowUp::StillFailing => lang.pick("仍不符合", "still failing"),
            FollowUp::Overdue => lang.pick("逾期", "overdue"),
            FollowUp::Pending => lang.pick("待复查", "pending"),
            FollowUp::New => lang.pick("新发现问题", "new failure"),
            FollowUp::Waived => lang.pick("豁免", "waived"),
            FollowUp::ToRecord => lang.pick("待补查", "to record"),
            FollowUp::Recorded => lang.pick("已补查", "recorded"),
        }
    }
}

/// The waiver of a waived item in words: why, who approved it and until when; `None` for
/// an item no waiver covers.
pub fn waiver_note(outcome: &Outcome<'_>, lang: Lang) -> Option<String> {
    let head = lang.pick("豁免", "waived");
    Some(waiver_in_words(head, outcome.waiver?, lang))
}

/// A waiver in words after `head` (豁免, 豁免已失效 …): why, who approved it and until when.
pub fn waiver_in_words(head: &str, w: &Waiver, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{head}：{}（{} 于 {} 批准，{} 起失效）",
            w.reason, w.approved_by, w.approved_on, w.expires
        ),
        Lang::En => format!(
            "{head}: {} (approved by {} on {}, expires {})",
            w.reason, w.approved_by, w.approved_on, w.expires
        ),
    }
}

/// An outcome in words: what was found, what the item expects at the site, and why it
/// could not be judged. The core keeps values and codes; these are the sentences.
pub trait Wording {
    /// The recorded value as a reader sees it, or empty.
    fn observed(&self, lang: Lang) -> String;
    /// What the item expects at this site ("≥ 60 m²", "柳屯镇便民服务中心").
    fn expected(&self, lang: Lang) -> String;
    /// Why a recorded item could still not be judged, if it could not.
    fn undetermined(&self, lang: Lang) -> Option<String>;
}

impl Wording for Outcome<'_> {
    fn observed(&self, lang: Lang) -> String {
        match (self.value, self.observation.map(|o| &o.entry)) {
            (Some(v), _) if !self.unrecognised.is_empty() => {
                format!(
                    "{}{}",
                    value(&self.item.kind, v, lang),
                    unrecognised_note(self, lang)
                )
            }
            (Some(v), _) => value(&self.item.kind, v, lang),
            (None, Some(Entry::NotApplicable(reason))) if self.not_applicable_refused => match lang
            {
                Lang::Zh => format!(
                    "不适用：{reason}（不认可：本项不得记为不适用，只能由县里批准豁免，记入 waivers.toml）"
                ),
                Lang::En => format!(
                    "not applicable: {reason} (not accepted: an inspector may not mark this item not applicable; only a county waiver in waivers.toml excuses it)"
                ),
            },
            (None, Some(Entry::NotApplicable(reason))) => {
                format!("{}{reason}", lang.pick("不适用：", "not applicable: "))
            }
            _ => String::new(),
        }
    }

    fn expected(&self, lang: Lang) -> String {
        /// The site's fields, and the value the rule compares against.
        struct AtSite<'o>(&'o Outcome<'o>);
        impl crate::checklist::kinds::Facts for AtSite<'_> {
            fn site_field(&self, field: &str) -> Option<&str> {
                self.0.record.field(field)
            }
            fn value_of(&self, item: &str) -> Option<&crate::checklist::Value> {
                match self.0.item.kind.depends_on() {
                    Some(of) if of == item => self.0.compared,
                    _ => self.0.record.value(item),
                }
            }
        }
        expectation(&self.item.kind.expectation(Some(&AtSite(self))), lang)
    }

    fn undetermined(&self, lang: Lang) -> Option<String> {
        self.undetermined
            .as_ref()
            .map(|why| undetermined(why, lang))
    }
}

/// Why a recorded value could not be judged, with what to do.
pub fn undetermined(why: &Undetermined, lang: Lang) -> String {
    match (why, lang) {
        (Undetermined::OtherUnrecorded { of }, Lang::Zh) => format!("依赖的 {of} 未记录，无法判定"),
        (Undetermined::OtherUnrecorded { of }, Lang::En) => {
            format!("cannot be judged until {of} is recorded")
        }
        (
            Undetermined::FieldUnfit {
                field,
                value,
                description,
            },
            Lang::Zh,
        ) => {
            format!("记录的 {field}“{value}”不是{description}：请改正检查记录后再判定")
        }
        (
            Undetermined::FieldUnfit {
                field,
                value,
                description,
            },
            Lang::En,
        ) => format!(
            "the record's {field} \"{value}\" is not {description}: correct the record to judge this item"
        ),
        (Undetermined::NameLacksField { field, value, name }, Lang::Zh) => format!(
            "记录的名称“{name}”中没有其 {field}“{value}”：请核对检查记录的 {field} 与 name 后再判定"
        ),
        (Undetermined::NameLacksField { field, value, name }, Lang::En) => format!(
            "the record's name \"{name}\" does not contain its {field} \"{value}\": check the record's {field} and name to judge this item"
        ),
        (Undetermined::Pattern(error), Lang::Zh) => format!(
            "清单的 pattern 代入 {} 后无法编译：{}：请改写清单里的 pattern 后再判定",
            pattern_fields(error, lang),
            error.error
        ),
        (Undetermined::Pattern(error), Lang::En) => format!(
            "the checklist's pattern does not compile with {} put in: {}: revise the pattern to judge this item",
            pattern_fields(error, lang),
            error.error
        ),
    }
}

/// The fields a pattern was filled in with, as `{township} = “城关镇”` (`"` in English).
pub fn pattern_fields(error: &PatternError, lang: Lang) -> String {
    let parts: Vec<String> = error
        .values
        .iter()
        .map(|(field, value)| match lang {
            Lang::Zh => format!("{{{field}}} = “{value}”"),
            Lang::En => format!("{{{field}}} = \"{value}\""),
        })
        .collect();
    parts.join(lang.pick("，", ", "))
}

/// Why a site cannot be judged ([`crate::audit::unjudgeable`]), with the fix.
pub fn unjudgeable(why: &crate::audit::Unjudgeable<'_>, lang: Lang) -> String {
    let (site, checklist, item) = (why.site, why.checklist, why.item);
    let (values, error) = (pattern_fields(&why.error, lang), &why.error.error);
    match lang {
        Lang::Zh => format!(
            "站点 `{site}`：清单 {checklist} 的项目 `{item}` 的 `pattern` 代入 {values} 后无法编译：{error}；代入的名称已按字面转义，请在清单里简化该 pattern（如减少重复次数），再用 yanshou checklist lint 检查"
        ),
        Lang::En => format!(
            "site `{site}`: the `pattern` of item `{item}` in checklist {checklist} does not compile with {values} put in: {error}; the name is put in literally (escaped): simplify the pattern in the checklist (fewer repetitions, say) and check it with yanshou checklist lint"
        ),
    }
}

/// The answers that name no member, as a failed item shows them: one close to a
/// missing member is a likely misspelling ("未识别：“人设局”（是不是“人社局”？）"); any
/// other is something else the site has, allowed and not counted (等 closes nothing,
/// ruling 3: "另有（清单未列）：税务局").
fn unrecognised_note(outcome: &Outcome<'_>, lang: Lang) -> String {
    let mut near = Vec::new();
    let mut other = Vec::new();
    for (answer, member) in &outcome.unrecognised {
        match (member, lang) {
            (Some(m), Lang::Zh) => near.push(format!("“{answer}”（是不是“{m}”？）")),
            (Some(m), Lang::En) => near.push(format!("\"{answer}\" (did you mean \"{m}\"?)")),
            (None, _) => other.push(answer.as_str()),
        }
    }
    let mut note = String::new();
    if !near.is_empty() {
        note.push_str(&match lang {
            Lang::Zh => format!("（未识别，不计入：{}）", near.join("、")),
            Lang::En => format!(" (not recognised, not counted: {})", near.join(", ")),
        });
    }
    if !other.is_empty() {
        note.push_str(&match lang {
            Lang::Zh => format!("（另有，清单未列：{}）", other.join("、")),
            Lang::En => format!(" (also present, not on the list: {})", other.join(", ")),
        });
    }
    note
}

/// Why a place cannot be a demonstration site, in words; `None` when it can.
/// `demonstrated` names the kind of site the campaign demonstrates.
pub fn ineligible(
    ranking: &Ranking,
    place: &Place,
    lang: Lang,
    demonstrated: &str,
) -> Option<String> {
    let by = ranking
        .choice()
        .map(|c| c.inspected_by.to_string())
        .unwrap_or_default();
    Some(match (place.ineligible?, lang) {
        (Ineligible::ByWaiver, Lang::Zh) => "按豁免合格，不能作为示范点".to_owned(),
        (Ineligible::ByWaiver, Lang::En) => {
            "passes only by a waiver: not a model of the standard".to_owned()
        }
        (Ineligible::AfterAcceptance, Lang::Zh) => {
            format!("检查日期晚于检查验收阶段（至 {by}），不参加示范点评选")
        }
        (Ineligible::AfterAcceptance, Lang::En) => format!(
            "inspected after the acceptance phase (which ended {by}): not considered for demonstration"
        ),
        (Ineligible::NotAccepted, Lang::Zh) => "验收不合格，须先整改".to_owned(),
        (Ineligible::NotAccepted, Lang::En) => "not accepted: must rectify first".to_owned(),
        (Ineligible::NoVerdict, Lang::Zh) => "有强制项未记录，尚无验收结论".to_owned(),
        (Ineligible::NoVerdict, Lang::En) => {
            "a mandatory item is unrecorded: no verdict yet".to_owned()
        }
        (Ineligible::OtherKind, Lang::Zh) => format!("示范点只在{demonstrated}中评选"),
        (Ineligible::OtherKind, Lang::En) => {
            format!("demonstration sites are chosen among {demonstrated} sites only")
        }
    })
}

/// Why the choice of demonstration sites is provisional, in words; `None` when it is final.
pub fn provisional_choice(choice: &Choice, lang: Lang) -> Option<String> {
    let by = choice.inspected_by;
    choice.provisional().then(|| match (choice.set_by, lang) {
        (ChoiceSetBy::AcceptancePhase, Lang::Zh) => {
            format!("验收阶段尚未结束（至 {by}），示范点为暂定")
        }
        (ChoiceSetBy::AcceptancePhase, Lang::En) => format!(
            "the acceptance phase has not ended (it ends {by}): the demonstration sites are provisional"
        ),
        (ChoiceSetBy::LastInspection, Lang::Zh) => {
            format!("检查尚未全部完成（最后一次检查在 {by}），示范点为暂定")
        }
        (ChoiceSetBy::LastInspection, Lang::En) => format!(
            "not every site has been inspected yet (the last inspection is on {by}): the demonstration sites are provisional"
        ),
    })
}

/// Says plainly when fewer sites are eligible than demonstration sites are wanted.
pub fn shortfall(ranking: &Ranking, lang: Lang) -> Option<String> {
    let (eligible, wanted) = (ranking.eligible(), ranking.wanted);
    (eligible < wanted).then(|| match lang {
        Lang::Zh => format!(
            "只有 {eligible} 个站点符合示范点条件（验收检查自身合格），少于要评选的 {wanted} 个"
        ),
        Lang::En => format!(
            "only {eligible} sites are eligible (accepted on their own at acceptance), fewer than the {wanted} demonstration sites wanted"
        ),
    })
}

/// 是 / 否, yes / no.
pub fn yes_no(answer: bool, lang: Lang) -> &'static str {
    match answer {
        true => lang.pick("是", "yes"),
        false => lang.pick("否", "no"),
    }
}

/// A recorded value as a reader should see it: 59.5 m², 否, 民政局、人社局.
pub fn value(kind: &Kind, value: &Value, lang: Lang) -> String {
    let quantity = |unit: &str| {
        let number = match value {
            Value::Number(n) => format_number(*n),
            Value::Count(c) => c.to_string(),
            other => return format!("{other:?}"),
        };
        match unit {
            "" => number,
            unit => format!("{number} {unit}"),
        }
    };
    match (kind, value) {
        (Kind::Number(k), _) => quantity(&k.unit),
        (Kind::Count(k), _) => quantity(&k.unit),
        (Kind::Rule(k), _) => quantity(&k.unit),
        (_, Value::Bool(b)) => yes_no(*b, lang).to_owned(),
        (_, Value::Set(members)) if members.is_empty() => lang.pick("（无）", "(none)").to_owned(),
        (_, Value::Set(members)) => members.join(lang.list_separator()),
        (_, Value::Text(t)) => t.clone(),
        (_, Value::Number(n)) => format_number(*n),
        (_, Value::Count(c)) => c.to_string(),
    }
}

/// What an item expects, in words: ≥ 60 m², 是, 包含 民政局、人社局（每缺一项扣 1 分）,
/// ≥ 4 名（综合窗口 2 × 2）.
pub fn expectation(expected: &Expectation<'_>, lang: Lang) -> String {
    let unit = |unit: &str| match unit {
        "" => String::new(),
        unit => format!(" {unit}"),
    };
    match expected {
        Expectation::Range { min, max, unit: u } => {
            let u = unit(u);
            match (min, max) {
                (Some(lo), Some(hi)) if lo == hi => format!("= {lo}{u}"),
                (Some(lo), Some(hi)) => format!("{lo}{}{hi}{u}", lang.pick(" 至 ", "–")),
                (Some(lo), None) => format!("≥ {lo}{u}"),
                (None, Some(hi)) => format!("≤ {hi}{u}"),
                (None, None) => lang.pick("任意", "any").to_owned(),
            }
        }
        Expectation::Answer(answer) => yes_no(*answer, lang).to_owned(),
        Expectation::Members {
            members,
            deduct_per_missing,
        } => {
            let list = members.join(lang.list_separator());
            match (deduct_per_missing, lang) {
                (None, Lang::Zh) => format!("包含 {list}"),
                (None, Lang::En) => format!("includes {list}"),
                (Some(d), Lang::Zh) => format!("包含 {list}（每缺一项扣 {d} 分）"),
                (Some(d), Lang::En) => format!("includes {list} ({d} off per missing)"),
            }
        }
        Expectation::Text(text) => text.clone(),
        Expectation::Compared {
            symbol,
            factor,
            of,
            of_name: [zh, en],
            other,
            unit: u,
        } => {
            let u = unit(u);
            let times = |n: f64| format_number(factor * n);
            let factor = format_number(*factor);
            let name = match lang {
                Lang::Zh => *zh,
                Lang::En => en.or(*zh),
            }
            .unwrap_or(of);
            match (other, lang) {
                (Some(n), Lang::Zh) => format!(
                    "{symbol} {}{u}（{name} {} × {factor}）",
                    times(*n),
                    format_number(*n)
                ),
                (Some(n), Lang::En) => format!(
                    "{symbol} {}{u} ({factor} × {name} {})",
                    times(*n),
                    format_number(*n)
                ),
                (None, Lang::Zh) => format!("{symbol} {name} × {factor}"),
                (None, Lang::En) => format!("{symbol} {factor} × {name}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::campaign::{Campaign, Phase};
    use jiff::civil::date;

    fn phased() -> Campaign {
        let mut c = Campaign::standalone();
        c.phases.push(Phase {
            key: "acceptance".to_owned(),
            start: date(2020, 5, 28),
            end: date(2020, 6, 18),
        });
        c
    }

    #[test]
    fn the_choice_is_worded_with_its_day() {
        let before = Choice::of(&phased(), None, date(2020, 6, 17)).unwrap();
        assert_eq!(
            provisional_choice(&before, Lang::Zh).unwrap(),
            "验收阶段尚未结束（至 2020-06-18），示范点为暂定"
        );
        let on = Choice::of(&phased(), None, date(2020, 6, 18)).unwrap();
        assert!(provisional_choice(&on, Lang::En).is_none());
    }

    #[test]
    fn codes_have_words_in_both_languages() {
        for v in [Verdict::Pass, Verdict::Rectify, Verdict::Incomplete] {
            assert_ne!(v.label(Lang::Zh), v.label(Lang::En));
        }
        assert_eq!(FollowUp::ToRecord.label(Lang::Zh), "待补查");
        assert_eq!(Status::Waived.label(Lang::En), "waived");
    }
}
