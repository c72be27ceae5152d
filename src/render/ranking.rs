//! The ranking of `yanshou rank` as a table, JSON or CSV. The JSON and the CSV are
//! documented in `docs/output/rank.md` (kept true by `tests/output_docs.rs`).

use crate::render::labels::Column;
use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Table};
use serde::Serialize;

use super::Label;
use crate::audit::UnreadRecord;
use crate::audit::rank::{Choice, ChoiceSetBy, Flag, Place, Ranking, Tie, TieBreak};
use crate::cli::Format;
use crate::lang::Lang;
use crate::points::Points;

/// Writes `ranking` in `format`; `kind` is how the demonstrated kind of site is called.
pub fn write(
    ranking: &Ranking,
    kind: &str,
    unread: &[UnreadRecord],
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table(ranking, kind, unread, lang, out),
        Format::Json => json(ranking, kind, unread, lang, out),
        Format::Csv => csv(ranking, kind, unread, lang, out),
    }
}

/// The tie at the last demonstration place, in words (ruling 13): which sites tie, which
/// were chosen, and by what rule.
pub fn tie_text(tie: &Tie, lang: Lang) -> String {
    let percent = Points::from_tenths(tie.percent_tenths);
    let n = tie.sites.len();
    let sites: Vec<String> = tie
        .sites
        .iter()
        .map(|t| match (t.chosen, lang) {
            (true, Lang::Zh) => format!("{}（{}，入选）", t.name, t.id),
            (false, Lang::Zh) => format!("{}（{}）", t.name, t.id),
            (true, Lang::En) => format!("{} ({}, chosen)", t.name, t.id),
            (false, Lang::En) => format!("{} ({})", t.name, t.id),
        })
        .collect();
    match (tie.broken_by, lang) {
        (TieBreak::ApplicableMaximum, Lang::Zh) => format!(
            "并列：{n} 个合格站点得分率同为 {percent}%，争最后一个示范点名额：{}；按适用满分较高者（记为不适用的项目较少）入选。",
            sites.join("、")
        ),
        (TieBreak::ApplicableMaximum, Lang::En) => format!(
            "Tie: {n} accepted sites share {percent}% for the last demonstration place: {}; the one with the larger applicable maximum (fewer items not applicable) was chosen.",
            sites.join(", ")
        ),
        (TieBreak::InspectedOn, Lang::Zh) => format!(
            "并列：{n} 个合格站点得分率同为 {percent}%，争最后一个示范点名额：{}；按活动规定（tie_break），检查日期较早者入选。",
            sites.join("、")
        ),
        (TieBreak::InspectedOn, Lang::En) => format!(
            "Tie: {n} accepted sites share {percent}% for the last demonstration place: {}; as the campaign's tie_break says, the one inspected earlier was chosen.",
            sites.join(", ")
        ),
        (TieBreak::AdvisoryMisses, Lang::Zh) => format!(
            "并列：{n} 个合格站点得分率同为 {percent}%，争最后一个示范点名额：{}；按建议项失分较少者入选。",
            sites.join("、")
        ),
        (TieBreak::SiteId, Lang::Zh) => format!(
            "并列：{n} 个合格站点得分率同为 {percent}%，建议项失分也相同，争最后一个示范点名额：{}；记录无法区分，暂按站点编号顺序入选，请县里裁定。",
            sites.join("、")
        ),
        (TieBreak::AdvisoryMisses, Lang::En) => format!(
            "Tie: {n} accepted sites share {percent}% for the last demonstration place: {}; the one with fewer advisory misses was chosen.",
            sites.join(", ")
        ),
        (TieBreak::SiteId, Lang::En) => format!(
            "Tie: {n} accepted sites share {percent}% and their advisory misses for the last demonstration place: {}; the records cannot tell them apart, so they were taken in site-id order: the county should decide.",
            sites.join(", ")
        ),
    }
}

/// How demonstration sites are chosen (ruling 15), in one sentence, for the reports
/// where they are listed; `kind` is how the demonstrated kind of site is called.
pub fn choice_rule(kind: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "示范点从验收检查中自身符合全部强制项的{kind}中按得分率评选（裁定 15）：按豁免合格、待补查或在检查验收阶段之后才检查的站点不参评；评选只看验收检查，不随评定日、豁免或复查改变，示范点复查不合格的予以标注，是否撤销由县里决定。"
        ),
        Lang::En => format!(
            "Demonstration sites are chosen by percentage among {kind} sites whose acceptance inspection met every mandatory item on their own (ruling 15): a site that passes only by a waiver, has no verdict yet or was inspected after the acceptance phase is not considered; the choice rests on the acceptance inspections alone and does not move with the judging day, waivers or re-inspections; a demonstration site that fails a later re-inspection is flagged, and whether it stays one is the county's decision."
        ),
    }
}

/// "示范点复查不合格（2020-07-06）": a demonstration site's flag.
pub fn flag_text(flag: Flag, lang: Lang) -> String {
    let on = flag.rechecked_on;
    match lang {
        Lang::Zh => format!("示范点复查不合格（{on}）"),
        Lang::En => format!("demonstration site failed its re-inspection ({on})"),
    }
}

/// A flagged demonstration site in a sentence: which, when, and that the choice stands
/// until the county decides.
pub fn flag_note(place: &Place, flag: Flag, lang: Lang) -> String {
    let (name, id) = (place.entry.name(), place.entry.id());
    let verdict = flag.verdict.label(lang);
    let on = flag.rechecked_on;
    match lang {
        Lang::Zh => format!(
            "注意：{name}（{id}）示范点复查不合格（{on}），复查后结论为{verdict}；示范点按验收检查评定，不自动撤换，是否撤销由县里决定。"
        ),
        Lang::En => format!(
            "Note: {name} ({id}), a demonstration site, failed its re-inspection ({on}) (verdict after it: {verdict}). Demonstration sites rest on the acceptance inspections and are not replaced automatically; whether it stays one is the county's decision."
        ),
    }
}

/// Rows the table shows at most.
const TABLE_ROWS: usize = 200;

/// The table's note for a place: why it is not eligible, or a demonstration site's flag.
fn note(ranking: &Ranking, place: &Place, kind: &str, lang: Lang) -> String {
    match ranking.flag(place) {
        Some(flag) => flag_text(flag, lang),
        None => super::labels::ineligible(ranking, place, lang, kind).unwrap_or_default(),
    }
}

fn table(
    ranking: &Ranking,
    kind: &str,
    unread: &[UnreadRecord],
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut grid = Table::new();
    grid.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        lang.pick("名次", "rank"),
        Column::Id.code(lang),
        Column::Name.code(lang),
        Column::Score.code(lang),
        lang.pick("得分率", "percent"),
        Column::Verdict.code(lang),
        lang.pick("示范点", "demonstration"),
        lang.pick("说明", "note"),
    ]);
    // A table is for people: past a screenful of sites, JSON and CSV carry the rest.
    for place in ranking.places().take(TABLE_ROWS) {
        let e = &place.entry;
        grid.add_row(vec![
            Cell::new(place.rank),
            Cell::new(e.id()),
            Cell::new(e.name()),
            Cell::new(format!("{}/{}", e.score, e.max_score)),
            Cell::new(format!("{}%", Points::from_tenths(e.percent_tenths))),
            Cell::new(e.verdict.label(lang)),
            Cell::new(if place.demonstration {
                lang.pick("★ 示范点", "★ yes")
            } else {
                ""
            }),
            Cell::new(note(ranking, place, kind, lang)),
        ]);
    }
    for i in [0, 3, 4] {
        if let Some(c) = grid.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{grid}")?;
    let more = ranking.places().len().saturating_sub(TABLE_ROWS);
    if more > 0 {
        match lang {
            Lang::Zh => writeln!(
                out,
                "……另有 {more} 个站点未列出，完整排名请用 --format csv 或 json"
            )?,
            Lang::En => writeln!(
                out,
                "… {more} more sites not shown: use --format csv or json for the full ranking"
            )?,
        }
    }
    let chosen: Vec<String> = ranking
        .demonstration()
        .map(|p| format!("{}（{}）", p.entry.name(), p.entry.id()))
        .collect();
    match lang {
        Lang::Zh => writeln!(
            out,
            "示范点（{kind}，{} 个）：{}",
            ranking.wanted,
            if chosen.is_empty() {
                "无".to_owned()
            } else {
                chosen.join("、")
            }
        ),
        Lang::En => writeln!(
            out,
            "demonstration sites ({kind}, {} wanted): {}",
            ranking.wanted,
            if chosen.is_empty() {
                "none".to_owned()
            } else {
                chosen.join(", ")
            }
        ),
    }?;
    if let Some(text) = ranking
        .choice()
        .and_then(|c| super::labels::provisional_choice(&c, lang))
    {
        writeln!(out, "{}{text}", lang.pick("注意：", "Note: "))?;
    }
    for (place, flag) in ranking.flagged() {
        writeln!(out, "{}", flag_note(place, flag, lang))?;
    }
    if let Some(tie) = ranking.tie() {
        writeln!(out, "{}", tie_text(&tie, lang))?;
    }
    for u in unread {
        writeln!(
            out,
            "{}{}",
            lang.pick("未能读取（未参加排名）：", "not read (not ranked): "),
            u.message
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct RankDoc<'a> {
    schema_version: u32,
    demonstration: Vec<&'a str>,
    wanted: usize,
    demonstrated_kind: &'a str,
    shortfall: Option<String>,
    tie: Option<TieJson<'a>>,
    choice: Option<ChoiceJson>,
    flagged: Vec<&'a str>,
    ranking: Vec<RankRow<'a>>,
    errors: Vec<super::json::ErrorJson<'a>>,
}

/// What the choice of demonstration sites rests on.
#[derive(Serialize)]
struct ChoiceJson {
    inspected_by: String,
    set_by: ChoiceSetBy,
    provisional: bool,
    text: Option<String>,
}

impl ChoiceJson {
    fn of(choice: Choice, lang: Lang) -> ChoiceJson {
        ChoiceJson {
            inspected_by: choice.inspected_by.to_string(),
            set_by: choice.set_by,
            provisional: choice.provisional(),
            text: super::labels::provisional_choice(&choice, lang),
        }
    }
}

/// The tie at the last demonstration place.
#[derive(Serialize)]
struct TieJson<'a> {
    percent: Points,
    broken_by: TieBreak,
    text: String,
    sites: Vec<TiedJson<'a>>,
}

#[derive(Serialize)]
struct TiedJson<'a> {
    id: &'a str,
    name: &'a str,
    chosen: bool,
    advisory_misses: usize,
}

#[derive(Serialize)]
struct RankRow<'a> {
    rank: usize,
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    score: Points,
    max_score: Points,
    percent: Points,
    advisory_misses: usize,
    verdict: &'static str,
    eligible: bool,
    demonstration: bool,
    reason: Option<String>,
    flagged_at_recheck: Option<String>,
}

fn json(
    ranking: &Ranking,
    kind: &str,
    unread: &[UnreadRecord],
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let tie = ranking.tie();
    let doc = RankDoc {
        tie: tie.as_ref().map(|t| TieJson {
            percent: Points::from_tenths(t.percent_tenths),
            broken_by: t.broken_by,
            text: tie_text(t, lang),
            sites: t
                .sites
                .iter()
                .map(|s| TiedJson {
                    id: &s.id,
                    name: &s.name,
                    chosen: s.chosen,
                    advisory_misses: s.advisory_misses,
                })
                .collect(),
        }),
        errors: unread.iter().map(super::json::ErrorJson::of).collect(),
        schema_version: super::SCHEMA_VERSION,
        demonstration: ranking.demonstration().map(|p| p.entry.id()).collect(),
        wanted: ranking.wanted,
        demonstrated_kind: &ranking.kind,
        shortfall: super::labels::shortfall(ranking, lang),
        choice: ranking.choice().map(|c| ChoiceJson::of(c, lang)),
        flagged: ranking.flagged().map(|(p, _)| p.entry.id()).collect(),
        ranking: ranking
            .places()
            .map(|p| RankRow {
                rank: p.rank,
                id: p.entry.id(),
                name: p.entry.name(),
                kind: p.entry.kind(),
                score: p.entry.score,
                max_score: p.entry.max_score,
                percent: Points::from_tenths(p.entry.percent_tenths),
                advisory_misses: p.entry.advisory_misses,
                verdict: p.entry.verdict.code(),
                eligible: p.ineligible.is_none(),
                demonstration: p.demonstration,
                reason: super::labels::ineligible(ranking, p, lang, kind),
                flagged_at_recheck: ranking.flag(p).map(|f| f.rechecked_on.to_string()),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn csv(
    ranking: &Ranking,
    kind: &str,
    unread: &[UnreadRecord],
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record([
        "rank",
        "id",
        "name",
        "kind",
        "score",
        "max_score",
        "percent",
        "advisory_misses",
        "verdict",
        "eligible",
        "demonstration",
        "reason",
        "flagged_at_recheck",
    ])?;
    for p in ranking.places() {
        let e = &p.entry;
        writer.write_record(
            [
                p.rank.to_string(),
                e.id().to_owned(),
                e.name().to_owned(),
                e.kind().to_owned(),
                e.score.to_string(),
                e.max_score.to_string(),
                Points::from_tenths(e.percent_tenths).to_string(),
                e.advisory_misses.to_string(),
                e.verdict.code().to_owned(),
                p.ineligible.is_none().to_string(),
                p.demonstration.to_string(),
                super::labels::ineligible(ranking, p, lang, kind).unwrap_or_default(),
                ranking
                    .flag(p)
                    .map(|f| f.rechecked_on.to_string())
                    .unwrap_or_default(),
            ]
            .map(|f| crate::render::defuse(&f).into_owned()),
        )?;
    }
    // A record that could not be read: a row of its own at the end, `verdict` `error`,
    // the message in `reason`.
    for u in unread {
        let mut row = vec![String::new(); 13];
        row[8] = "error".to_owned();
        row[11] = crate::render::defuse(&u.message).into_owned();
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
