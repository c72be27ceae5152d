//! The ranking of `yanshou rank` as a table, JSON or CSV. The JSON and the CSV are
//! documented in `docs/output/rank.md` (kept true by `tests/output_docs.rs`).

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Table};
use serde::Serialize;

use crate::audit::UnreadRecord;
use crate::audit::rank::{Ranking, Tie, TieBreak};
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

/// Rows the table shows at most.
const TABLE_ROWS: usize = 200;

fn reason(place: &crate::audit::rank::Place, kind: &str, lang: Lang) -> String {
    place
        .ineligible
        .map(|i| i.text(lang, kind))
        .unwrap_or_default()
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
        lang.pick("编号", "id"),
        lang.pick("名称", "name"),
        lang.pick("得分", "score"),
        lang.pick("得分率", "percent"),
        lang.pick("结论", "verdict"),
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
            Cell::new(reason(place, kind, lang)),
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
    ranking: Vec<RankRow<'a>>,
    errors: Vec<super::json::ErrorJson<'a>>,
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
        shortfall: ranking.shortfall(lang),
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
                reason: p.ineligible.map(|i| i.text(lang, kind)),
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
                reason(p, kind, lang),
            ]
            .map(|f| crate::render::defuse(&f).into_owned()),
        )?;
    }
    // A record that could not be read: a row of its own at the end, `verdict` `error`,
    // the message in `reason`.
    for u in unread {
        let mut row = vec![String::new(); 12];
        row[8] = "error".to_owned();
        row[11] = crate::render::defuse(&u.message).into_owned();
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
