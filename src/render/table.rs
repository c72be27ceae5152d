//! Tables for people at a terminal or on paper: a summary of every site, then the
//! findings of each site that has any, with the score explained.

use crate::render::labels::Column;
use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table as Grid};

use super::Label;
use super::Renderer;
use crate::audit::{Run, SiteResult, Totals};
use crate::checklist::{Checklist, NotApplicable};
use crate::lang::Lang;
use crate::points::Points;
use crate::render::Wording;

/// Width tables wrap to: a landscape A4 page. Fixed rather than the terminal's, so a run
/// gives the same bytes in a terminal, in a pipe and in a test.
const WIDTH: u16 = 140;

/// A table in the house style, wrapped to the page width.
pub fn grid(header: Vec<&str>) -> Grid {
    let mut grid = Grid::new();
    grid.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header);
    grid
}

fn right(grid: &mut Grid, columns: &[usize]) {
    for &i in columns {
        if let Some(column) = grid.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn score_text(earned: Points, max: Points) -> String {
    format!("{earned}/{max}")
}

/// One row of the summary table.
fn summary_row(site: &SiteResult<'_>, lang: Lang) -> Vec<String> {
    let r = site.record;
    let rectify = site
        .findings
        .iter()
        .filter(|o| o.needs_rectification())
        .count();
    vec![
        r.id.clone(),
        r.name.clone(),
        site.checklist.site_kind_label(lang).to_owned(),
        r.inspected_on.to_string(),
        score_text(site.score.earned, site.score.max),
        site.grade.map_or("—", |g| g.label(lang)).to_owned(),
        site.verdict.label(lang).to_owned(),
        if rectify == 0 {
            String::new()
        } else {
            rectify.to_string()
        },
        site.due
            .map(|d| match d.provisional() {
                None => d.value().to_string(),
                Some(_) => format!("{}{}", d.value(), lang.pick("（暂定）", " (provisional)")),
            })
            .unwrap_or_default(),
    ]
}

fn summary(rows: &[Vec<String>], lang: Lang) -> Grid {
    // The deadline column only when some site has a deadline.
    let has_due = rows.iter().any(|r| r.last().is_some_and(|d| !d.is_empty()));
    let mut header = vec![
        Column::Id.code(lang),
        Column::Name.code(lang),
        lang.pick("类型", "kind"),
        lang.pick("检查日期", "inspected"),
        Column::Score.code(lang),
        lang.pick("等级", "grade"),
        Column::Verdict.code(lang),
        lang.pick("整改项", "to fix"),
    ];
    if has_due {
        header.push(Column::Due.code(lang));
    }
    let mut grid = grid(header);
    for row in rows {
        let shown = if has_due { row.len() } else { row.len() - 1 };
        grid.add_row(row[..shown].iter().map(Cell::new).collect::<Vec<_>>());
    }
    right(&mut grid, &[4, 7]);
    grid
}

fn findings(site: &SiteResult<'_>, lang: Lang) -> Grid {
    let mut grid = grid(vec![
        Column::Clause.code(lang),
        lang.pick("项目", "item"),
        Column::Requirement.code(lang),
        lang.pick("实际", "observed"),
        lang.pick("结果", "result"),
        Column::Severity.code(lang),
        lang.pick("失分", "lost"),
    ]);
    for o in &site.findings {
        let mut observed = o.observed(lang);
        if !o.missing.is_empty() {
            let missing = o.missing.join(lang.list_separator());
            observed = match lang {
                Lang::Zh => format!("{observed}\n缺：{missing}"),
                Lang::En => format!("{observed}\nmissing: {missing}"),
            };
        }
        if let Some(reason) = o.undetermined(lang) {
            observed = format!("{observed}\n{reason}").trim().to_owned();
        }
        if let Some(note) = o.note() {
            observed = format!("{observed}\n{}{note}", lang.pick("备注：", "note: "))
                .trim()
                .to_owned();
        }
        if let Some(waiver) = super::labels::waiver_note(o, lang) {
            observed = format!("{observed}\n{waiver}");
        }
        let result = if o.needs_rectification() {
            format!(
                "{}（{}）",
                o.status.label(lang),
                lang.pick("须整改", "rectify")
            )
        } else {
            o.status.label(lang).to_owned()
        };
        grid.add_row(vec![
            Cell::new(&o.item.clause),
            Cell::new(format!("{}\n{}", o.item.label(lang), o.item.id)),
            Cell::new(o.expected(lang)),
            Cell::new(observed),
            Cell::new(result),
            Cell::new(o.item.severity.label(lang)),
            Cell::new(o.lost.to_string()),
        ]);
    }
    right(&mut grid, &[6]);
    grid
}

/// How the score was made up, in one line.
fn explanation(site: &SiteResult<'_>, lang: Lang) -> String {
    super::score_explanation(site, lang).join(lang.pick("；", "; "))
}

/// The campaign's phases with their working days, in one line.
fn phases_line(run: &Run<'_>, lang: Lang) -> Option<String> {
    if run.phases.is_empty() {
        return None;
    }
    let parts: Vec<String> = run
        .phases
        .iter()
        .map(|p| {
            let name = match p.key.as_str() {
                "organisation" => lang.pick("组织实施阶段", "organisation phase"),
                "acceptance" => lang.pick("检查验收阶段", "acceptance phase"),
                other => other,
            };
            match lang {
                Lang::Zh => format!(
                    "{name} {} 至 {}（{} 个工作日{}）",
                    p.start,
                    p.end,
                    p.working_days.value(),
                    p.working_days
                        .provisional()
                        .map(|span| format!("，{}", super::provisional_caveat(span, lang)))
                        .unwrap_or_default()
                ),
                Lang::En => format!(
                    "{name} {} to {} ({} working days{})",
                    p.start,
                    p.end,
                    p.working_days.value(),
                    p.working_days
                        .provisional()
                        .map(|span| format!(", {}", super::provisional_caveat(span, lang)))
                        .unwrap_or_default()
                ),
            }
        })
        .collect();
    Some(parts.join(lang.pick("；", "; ")))
}

/// The table renderer: collects rows as sites arrive and prints at the end, since a
/// table's column widths depend on every row.
pub struct Table {
    lang: Lang,
    rows: Vec<Vec<String>>,
    blocks: Vec<String>,
}

/// The rows and finding blocks of a run of sites.
#[derive(Default)]
pub struct TablePart {
    rows: Vec<Vec<String>>,
    blocks: Vec<String>,
}

impl Table {
    /// A table renderer speaking `lang`.
    pub fn new(lang: Lang) -> Table {
        Table {
            lang,
            rows: Vec::new(),
            blocks: Vec::new(),
        }
    }
}

/// One site's findings with its heading and score explanation.
fn block(site: &SiteResult<'_>, lang: Lang) -> String {
    let r = site.record;
    let mut text = format!(
        "{} {}（{}）— {}\n",
        lang.pick("■", "#"),
        r.name,
        r.id,
        site.verdict.label(lang)
    );
    if let Some(due) = site.due {
        text.push_str(&format!(
            "{}{}\n",
            lang.pick("整改期限：", "rectify by: "),
            super::deadline_text(due, &due.value().to_string(), lang)
        ));
    }
    text.push_str(&format!(
        "{}\n{}\n",
        findings(site, lang),
        explanation(site, lang)
    ));
    text
}

impl Renderer for Table {
    type Part = TablePart;

    fn begin(&mut self, _run: &Run<'_>, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn part(&self, _bytes: usize) -> TablePart {
        TablePart::default()
    }

    fn site(&self, _run: &Run<'_>, site: &SiteResult<'_>, part: &mut TablePart) -> io::Result<()> {
        part.rows.push(summary_row(site, self.lang));
        if !site.findings.is_empty() {
            part.blocks.push(block(site, self.lang));
        }
        Ok(())
    }

    fn join(&mut self, part: TablePart, _out: &mut dyn Write) -> io::Result<()> {
        self.rows.extend(part.rows);
        self.blocks.extend(part.blocks);
        Ok(())
    }

    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let lang = self.lang;
        let c = run.campaign;
        if !c.name.is_empty() {
            writeln!(out, "{}", c.name)?;
        }
        for checklist in run.checklists {
            writeln!(
                out,
                "{}{} {} ({})",
                lang.pick("清单：", "checklist: "),
                checklist.id,
                checklist.version,
                checklist.label(lang)
            )?;
        }
        if let Some(line) = phases_line(run, lang) {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "{}", summary(&self.rows, lang))?;
        if let Some(span) = totals.provisional {
            match lang {
                Lang::Zh => writeln!(
                    out,
                    "注：标“暂定”的整改期限按法定节假日计、不计调休，{}。",
                    super::pending_notice(span, lang)
                )?,
                Lang::En => writeln!(
                    out,
                    "Note: deadlines marked provisional count the statutory holidays without make-up days, {}.",
                    super::pending_notice(span, lang)
                )?,
            }
        }
        for block in &self.blocks {
            writeln!(out)?;
            write!(out, "{block}")?;
        }
        writeln!(out)?;
        if !totals.unread.is_empty() {
            let n = totals.unread.len();
            writeln!(
                out,
                "{}",
                match lang {
                    Lang::Zh => format!("未能读取的记录 {n} 份（未计入本表，改正后重新检查）："),
                    Lang::En => format!(
                        "{n} records could not be read (not in this table; correct them and check again):"
                    ),
                }
            )?;
            for u in &totals.unread {
                writeln!(out, "  {}", u.message.replace('\n', "\n  "))?;
            }
            writeln!(out)?;
        }
        let (pass, rectify, incomplete) = (totals.pass, totals.rectify, totals.incomplete);
        match lang {
            Lang::Zh => writeln!(
                out,
                "共 {} 个站点：合格 {pass}，不合格 {rectify}，待补查 {incomplete}。",
                totals.sites
            ),
            Lang::En => writeln!(
                out,
                "{} sites: {pass} pass, {rectify} rectify, {incomplete} incomplete.",
                totals.sites
            ),
        }
    }
}

/// Whether an item may be recorded as not applicable, as the checklist table shows it.
fn not_applicable_policy(policy: &NotApplicable, lang: Lang) -> String {
    match policy {
        NotApplicable::Refused => lang
            .pick("不得（须县里豁免）", "no (county waiver only)")
            .to_owned(),
        NotApplicable::Allowed { because: None } => lang.pick("可", "yes").to_owned(),
        NotApplicable::Allowed {
            because: Some(reason),
        } => match lang {
            Lang::Zh => format!("可：{reason}"),
            Lang::En => format!("yes: {reason}"),
        },
    }
}

/// A checklist as a table an inspector can print and take on site.
pub fn checklist_table(checklist: &Checklist, lang: Lang) -> String {
    let mut grid = grid(vec![
        Column::Clause.code(lang),
        Column::Id.code(lang),
        lang.pick("项目", "item"),
        lang.pick("类型", "kind"),
        Column::Requirement.code(lang),
        Column::Severity.code(lang),
        lang.pick("分值", "points"),
        lang.pick("可否不适用", "may not apply"),
        lang.pick("检查方法", "how to check"),
    ]);
    for item in &checklist.items {
        grid.add_row(vec![
            Cell::new(&item.clause),
            Cell::new(&item.id),
            Cell::new(item.label(lang)),
            Cell::new(item.kind.name()),
            Cell::new(super::labels::expectation(
                &item.kind.expectation(None),
                lang,
            )),
            Cell::new(item.severity.label(lang)),
            Cell::new(item.points.to_string()),
            Cell::new(not_applicable_policy(&item.not_applicable, lang)),
            Cell::new(item.help_text(lang)),
        ]);
    }
    right(&mut grid, &[6]);
    let bands: Vec<String> = checklist
        .grades
        .iter()
        .map(|g| format!("{} ≥ {}%", g.label(lang), g.min))
        .collect();
    format!(
        "{} ({} {})\n{}{}\n{}\n{}{} · {}{}\n",
        checklist.label(lang),
        checklist.id,
        checklist.version,
        lang.pick("依据：", "source: "),
        checklist.source,
        grid,
        lang.pick("满分 ", "total "),
        checklist.total_points,
        lang.pick("等级：", "grades: "),
        bands.join(lang.pick("，", ", "))
    )
}
