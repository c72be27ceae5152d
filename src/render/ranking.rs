//! The ranking of `yanshou rank` as a table, JSON or CSV. The JSON and the CSV are
//! documented in `docs/output/rank.md` (kept true by `tests/output_docs.rs`).

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Table};
use serde::Serialize;

use crate::audit::rank::Ranking;
use crate::cli::Format;
use crate::lang::Lang;
use crate::points::Points;

/// Writes `ranking` in `format`; `kind` is how the demonstrated kind of site is called.
pub fn write(
    ranking: &Ranking,
    kind: &str,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table(ranking, kind, lang, out),
        Format::Json => json(ranking, kind, lang, out),
        Format::Csv => csv(ranking, kind, lang, out),
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

fn table(ranking: &Ranking, kind: &str, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
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
    }
}

#[derive(Serialize)]
struct RankDoc<'a> {
    schema_version: u32,
    demonstration: Vec<&'a str>,
    wanted: usize,
    demonstrated_kind: &'a str,
    shortfall: Option<String>,
    ranking: Vec<RankRow<'a>>,
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

fn json(ranking: &Ranking, kind: &str, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let doc = RankDoc {
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

fn csv(ranking: &Ranking, kind: &str, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
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
    writer.flush()?;
    Ok(())
}
