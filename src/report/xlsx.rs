//! The campaign workbook, `report.xlsx`: a summary sheet (汇总), a sheet listing every
//! finding for filtering and sorting (问题清单), a sheet of every evidence file the records
//! cite (佐证材料, when they cite any: each photo linked to its copy under `html/photos/`),
//! a sheet of every followed-up item (复查, when there is any), and one sheet per site
//! named by its id.
//!
//! Everything a person typed — names, notes, observed values, paths — goes in as a string
//! cell and never as a formula, so a site called `=HYPERLINK(…)` stays text. Scores,
//! points and counts are numbers; percentages are fractions with a percent format; dates
//! are Excel dates shown as yyyy-mm-dd, so a column sorts and filters as dates. Rows of
//! wrapped text get a height that shows all of it, since neither Excel nor WPS measures
//! rows when it opens a file. Document properties are fixed, so the same inputs give the
//! same bytes.
//!
//! What this module is not: the model. Counts, rates and notices come from [`Report`].

use crate::render::labels::Column;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use jiff::civil::Date;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet};

use super::{Report, WaiverState, sections, wording};
use crate::audit::Deadline;
use crate::audit::rank::Place;
use crate::audit::recheck::SiteFollowUp;
use crate::audit::{Outcome, SiteResult, Verdict};
use crate::lang::Lang;
use crate::points::Points;
use crate::render::Label;
use crate::render::Wording;
use crate::template::xlsx::{display_width, save};

/// The workbook's file name in the output folder.
pub const FILE: &str = "report.xlsx";

/// Excel's limit on a sheet name, in UTF-16 code units.
const SHEET_NAME_LIMIT: usize = 31;

/// The height of one line of 11-point Chinese text, in points, and the most lines a row is
/// given: a Chinese font's line (Noto Sans CJK's is 1.45 em, 16 pt) is taller than the
/// 15 pt Excel gives Calibri, and LibreOffice drew it over the cell's lower border.
const LINE_HEIGHT: f64 = 17.0;
const MAX_LINES: usize = 20;

/// The name of the summary sheet: `汇总`, or `Summary` in English.
pub fn summary_sheet_name(lang: Lang) -> &'static str {
    lang.pick("汇总", "Summary")
}

/// The name of the findings sheet: `问题清单`, or `Findings` in English.
pub fn findings_sheet_name(lang: Lang) -> &'static str {
    lang.pick("问题清单", "Findings")
}

/// The name of the follow-up sheet: `复查`, or `Follow-up` in English.
pub fn follow_up_sheet_name(lang: Lang) -> &'static str {
    lang.pick("复查", "Follow-up")
}

/// The columns of the follow-up sheet, in `lang`.
pub fn follow_up_header(lang: Lang) -> [&'static str; 13] {
    [
        Column::SiteId.code(lang),
        Column::SiteName.code(lang),
        Column::Due.code(lang),
        lang.pick("复查日期", "rechecked_on"),
        lang.pick("当前结论", "verdict"),
        Column::ItemId.code(lang),
        Column::Clause.code(lang),
        Column::Title.code(lang),
        lang.pick("状态代码", "status"),
        lang.pick("状态", "status_label"),
        lang.pick("检查时", "before"),
        lang.pick("复查时", "after"),
        lang.pick("豁免", "waiver"),
    ]
}

/// The columns of the findings sheet, in `lang`.
pub fn findings_header(lang: Lang) -> [&'static str; 17] {
    [
        Column::SiteId.code(lang),
        Column::SiteName.code(lang),
        lang.pick("验收结论", "verdict"),
        Column::Due.code(lang),
        Column::Clause.code(lang),
        Column::ItemId.code(lang),
        Column::Title.code(lang),
        lang.pick("结果", "status"),
        lang.pick("实际", "observed"),
        Column::Requirement.code(lang),
        lang.pick("缺项", "missing"),
        Column::Severity.code(lang),
        lang.pick("分值", "points"),
        lang.pick("失分", "lost"),
        lang.pick("须整改", "rectify"),
        lang.pick("备注", "note"),
        Column::Evidence.code(lang),
    ]
}

/// The files of this format: `report.xlsx`.
pub fn render(report: &Report<'_>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let styles = Styles::new();
    let lang = report.lang;
    let mut names = SheetNames::default();

    let follow_ups = wording::follow_ups(report);
    let mut summary = Sheet::new(names.claim(summary_sheet_name(lang)), &styles)?;
    summary_sheet(&mut summary, report, &follow_ups)
        .with_context(|| crate::tr!("写入汇总表", "writing the summary sheet"))?;
    let mut findings = Sheet::new(names.claim(findings_sheet_name(lang)), &styles)?;
    // Named before the site sheets, so that a site called 佐证材料 never takes the name.
    let evidence_name = names.claim(evidence_sheet_name(lang));
    let links = EvidenceLinks::new(report, evidence_name.clone());
    findings_sheet(&mut findings, report, &links)
        .with_context(|| crate::tr!("写入问题清单表", "writing the findings sheet"))?;
    let mut sheets = vec![summary.finish()?, findings.finish()?];
    if !report.evidence.is_empty() {
        let mut sheet = Sheet::new(evidence_name, &styles)?;
        evidence_sheet(&mut sheet, report, &links)
            .with_context(|| crate::tr!("写入佐证材料表", "writing the evidence sheet"))?;
        sheets.push(sheet.finish()?);
    }
    if !follow_ups.is_empty() {
        let mut sheet = Sheet::new(names.claim(follow_up_sheet_name(lang)), &styles)?;
        follow_up_sheet(&mut sheet, report, &follow_ups)
            .with_context(|| crate::tr!("写入复查表", "writing the follow-up sheet"))?;
        sheets.push(sheet.finish()?);
    }

    let places: HashMap<&str, &Place> =
        report.ranking.places().map(|p| (p.entry.id(), p)).collect();
    let notices = report.notices();
    for site in &report.sites {
        let id = site.record.id.as_str();
        let mut sheet = Sheet::new(names.claim(id), &styles)?;
        let facts = SiteFacts {
            place: places.get(id).copied(),
            notice: notices
                .iter()
                .find(|n| n.site.record.id == id)
                .map(|n| n.number.as_str()),
            follow_up: follow_ups.iter().find(|f| f.before.record.id == id),
            links: &links,
        };
        site_sheet(&mut sheet, report, site, &facts).with_context(|| {
            crate::tr!("写入站点 {id} 的工作表", "writing the sheet of site {id}")
        })?;
        sheets.push(sheet.finish()?);
    }
    let title = report.title();
    let bytes = save(sheets, Some(title.as_str()).filter(|t| !t.is_empty()))?;
    Ok(vec![(PathBuf::from(FILE), bytes)])
}

/// How a cell looks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// The sheet's title: bold and large.
    Title,
    /// A section heading.
    Heading,
    /// The label of a fact, bold.
    Label,
    /// The value of a fact, left-aligned, not wrapped.
    Value,
    /// A fact's date.
    ValueDate,
    /// A fact's percentage.
    ValuePercent,
    /// A table's column title: bold, shaded, wrapped.
    Head,
    /// Text in a table: wrapped.
    Text,
    /// Short text in a table, centred.
    Centre,
    /// A number in a table.
    Number,
    /// A fraction in a table, shown as a percentage.
    Percent,
    /// A date in a table.
    Date,
    /// Short text in a table that needs attention: bold, red, centred.
    Alert,
    /// A link in a table: wrapped, blue and underlined.
    Link,
}

impl Style {
    fn wraps(self) -> bool {
        matches!(self, Style::Head | Style::Text | Style::Link)
    }
}

/// The cell formats every sheet uses.
struct Styles {
    title: Format,
    heading: Format,
    label: Format,
    value: Format,
    value_date: Format,
    value_percent: Format,
    head: Format,
    text: Format,
    centre: Format,
    number: Format,
    percent: Format,
    date: Format,
    alert: Format,
    link: Format,
}

/// The font of every cell: 等线 (DengXian), the Chinese Office default, with the GB2312
/// character set, so that Excel and WPS set Chinese text in it and LibreOffice, without
/// it, substitutes a Chinese font by that character set rather than setting the text in
/// Calibri and borrowing Chinese glyphs that overflow the row.
const FONT: &str = "等线";
/// The GB2312 character set of a font record (`<charset val="134"/>`).
const FONT_CHARSET: u8 = 134;

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_charset(FONT_CHARSET);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        let value = base
            .clone()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::Top);
        Styles {
            title: base.clone().set_bold().set_font_size(16),
            heading: base.clone().set_bold().set_font_size(12),
            label: base.set_bold(),
            value_date: value.clone().set_num_format("yyyy-mm-dd"),
            value_percent: value.clone().set_num_format("0.0%"),
            value,
            head: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: cell.clone().set_text_wrap(),
            link: cell
                .clone()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            centre: cell.clone().set_align(FormatAlign::Center),
            number: cell.clone(),
            percent: cell.clone().set_num_format("0.0%"),
            alert: cell
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0xA61B1B))
                .set_align(FormatAlign::Center),
            date: cell.set_num_format("yyyy-mm-dd"),
        }
    }

    fn get(&self, style: Style) -> &Format {
        match style {
            Style::Title => &self.title,
            Style::Heading => &self.heading,
            Style::Label => &self.label,
            Style::Value => &self.value,
            Style::ValueDate => &self.value_date,
            Style::ValuePercent => &self.value_percent,
            Style::Head => &self.head,
            Style::Text => &self.text,
            Style::Centre => &self.centre,
            Style::Number => &self.number,
            Style::Percent => &self.percent,
            Style::Date => &self.date,
            Style::Alert => &self.alert,
            Style::Link => &self.link,
        }
    }
}

/// A worksheet being written: it knows its column widths, so that it can give each row of
/// wrapped text the height that text needs.
struct Sheet<'s> {
    sheet: Worksheet,
    styles: &'s Styles,
    widths: Vec<f64>,
    /// Lines of the tallest wrapped cell, by row.
    lines: BTreeMap<u32, usize>,
}

impl<'s> Sheet<'s> {
    fn new(name: String, styles: &'s Styles) -> Result<Sheet<'s>> {
        let mut sheet = Worksheet::new();
        sheet.set_name(name)?;
        sheet.set_default_row_height(LINE_HEIGHT + 2.0);
        sheet.set_paper_size(9); // A4
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        Ok(Sheet {
            sheet,
            styles,
            widths: Vec::new(),
            lines: BTreeMap::new(),
        })
    }

    fn set_widths(&mut self, widths: &[f64]) -> Result<()> {
        for (c, width) in widths.iter().enumerate() {
            self.sheet.set_column_width(col(c)?, *width)?;
        }
        self.widths = widths.to_vec();
        Ok(())
    }

    /// A string cell (a blank one with the format when empty): never a formula.
    fn text(&mut self, row: u32, col: u16, value: &str, style: Style) -> Result<()> {
        let format = self.styles.get(style);
        if value.is_empty() {
            self.sheet.write_blank(row, col, format)?;
            return Ok(());
        }
        self.sheet
            .write_string_with_format(row, col, value, format)?;
        if style.wraps() {
            let width = self.widths.get(usize::from(col)).copied().unwrap_or(8.43);
            let lines = wrapped_lines(value, width);
            let tallest = self.lines.entry(row).or_insert(1);
            *tallest = (*tallest).max(lines);
        }
        Ok(())
    }

    /// A cell of `text` linking to `target`: a file relative to the workbook's folder
    /// (`html/photos/…`) or, starting with `#`, a cell of the workbook (`#'佐证材料'!A5`).
    fn link(&mut self, row: u32, col: u16, target: &str, text: &str) -> Result<()> {
        let url = match target.strip_prefix('#') {
            Some(cell) => format!("internal:{cell}"),
            None => format!("file:///{target}"),
        };
        let url = rust_xlsxwriter::Url::new(url).set_text(text);
        self.sheet
            .write_url_with_format(row, col, url, self.styles.get(Style::Link))?;
        let width = self.widths.get(usize::from(col)).copied().unwrap_or(8.43);
        let tallest = self.lines.entry(row).or_insert(1);
        *tallest = (*tallest).max(wrapped_lines(text, width));
        Ok(())
    }

    /// The evidence cell of item `o` of site `site`: the paths as the record writes them,
    /// linked to the photo's copy in the report folder when the item cites one photo, or
    /// to the item's first row on the evidence sheet when it cites several files.
    fn evidence(
        &mut self,
        (row, col): (u32, u16),
        site: &str,
        o: &Outcome<'_>,
        links: &EvidenceLinks,
    ) -> Result<()> {
        let text = o.evidence().join("\n");
        match links.target(site, &o.item.id, o.evidence().len()) {
            Some(target) => self.link(row, col, &target, &text),
            None => self.text(row, col, &text, Style::Text),
        }
    }

    /// A string cell merged over the columns `first..=last` of one row.
    fn merged_text(
        &mut self,
        row: u32,
        first: u16,
        last: u16,
        value: &str,
        style: Style,
    ) -> Result<()> {
        let format = self.styles.get(style);
        self.sheet
            .merge_range(row, first, row, last, value, format)?;
        if style.wraps() {
            let width: f64 = (first..=last)
                .map(|c| self.widths.get(usize::from(c)).copied().unwrap_or(8.43))
                .sum();
            let lines = wrapped_lines(value, width);
            let tallest = self.lines.entry(row).or_insert(1);
            *tallest = (*tallest).max(lines);
        }
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, value: f64, style: Style) -> Result<()> {
        self.sheet
            .write_number_with_format(row, col, value, self.styles.get(style))?;
        Ok(())
    }

    fn points(&mut self, row: u32, col: u16, value: Points, style: Style) -> Result<()> {
        self.number(row, col, value.as_f64(), style)
    }

    fn count(&mut self, row: u32, col: u16, value: usize, style: Style) -> Result<()> {
        // Counts of sites and items stay far below 2^53, where f64 is exact.
        self.number(row, col, value as f64, style)
    }

    /// A fraction in per mille, shown with a percent format.
    fn permille(&mut self, row: u32, col: u16, value: u32, style: Style) -> Result<()> {
        self.number(row, col, f64::from(value) / 1000.0, style)
    }

    /// A deadline as an Excel date; a provisional one carries a note (shown on hover in
    /// Excel, WPS and LibreOffice) saying which year's notice it waits for.
    fn due(&mut self, row: u32, col: u16, value: Option<Deadline>, lang: Lang) -> Result<()> {
        self.date(row, col, value.map(|d| d.value()), Style::Date)?;
        if let Some(span) = value.and_then(|d| d.provisional()) {
            let note = rust_xlsxwriter::Note::new(crate::render::provisional_caveat(span, lang))
                .add_author_prefix(false);
            self.sheet.insert_note(row, col, &note)?;
        }
        Ok(())
    }

    /// An Excel date, or a blank cell with the format.
    fn date(&mut self, row: u32, col: u16, value: Option<Date>, style: Style) -> Result<()> {
        let format = self.styles.get(style);
        match value {
            Some(d) => {
                let excel = excel_date(d)?;
                self.sheet
                    .write_date_with_format(row, col, &excel, format)?;
            }
            None => {
                self.sheet.write_blank(row, col, format)?;
            }
        }
        Ok(())
    }

    /// A row of column titles.
    fn header(&mut self, row: u32, titles: &[&str]) -> Result<()> {
        for (c, title) in titles.iter().enumerate() {
            self.text(row, col(c)?, title, Style::Head)?;
        }
        Ok(())
    }

    /// The worksheet, its rows as tall as their wrapped text.
    fn finish(mut self) -> Result<Worksheet> {
        for (row, lines) in self.lines {
            if lines > 1 {
                let lines = lines.min(MAX_LINES) as f64;
                self.sheet.set_row_height(row, LINE_HEIGHT * lines + 2.0)?;
            }
        }
        Ok(self.sheet)
    }
}

fn excel_date(d: Date) -> Result<ExcelDateTime> {
    let year =
        u16::try_from(d.year()).with_context(|| crate::tr!("年份超出范围", "year out of range"))?;
    let month = u8::try_from(d.month())
        .with_context(|| crate::tr!("月份超出范围", "month out of range"))?;
    let day = u8::try_from(d.day())
        .with_context(|| crate::tr!("日期的“日”超出范围", "day out of range"))?;
    ExcelDateTime::from_ymd(year, month, day)
        .with_context(|| crate::tr!("{d} 无法写成 Excel 日期", "{d} cannot be an Excel date"))
}

/// Lines `text` takes wrapped in a column `width` characters wide.
fn wrapped_lines(text: &str, width: f64) -> usize {
    // Excel's width counts digits of the default font; a little goes to the cell padding.
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let w = display_width(line) as f64;
            (w / usable).ceil().max(1.0) as usize
        })
        .sum()
}

/// Sheet names as Excel takes them: at most 31 characters, none of `[]:*?/\`, not starting
/// or ending with an apostrophe, unique ignoring case.
#[derive(Default)]
struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    /// A valid name for `wanted` not taken yet, which it then takes: cleaned, cut to fit,
    /// and given a `~2`, `~3` … suffix if a sheet already has it.
    fn claim(&mut self, wanted: &str) -> String {
        let cleaned: String = wanted
            .chars()
            .map(|c| {
                if "[]:*?/\\".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let cleaned = cleaned.trim_matches('\'');
        let base = if cleaned.is_empty() { "_" } else { cleaned };
        let mut n = 1;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("~{n}")
            };
            let stem = cut_utf16(base, SHEET_NAME_LIMIT - suffix.len()).trim_end_matches('\'');
            let name = format!("{stem}{suffix}");
            let key = name.to_lowercase();
            // "History" is reserved by Excel for change tracking.
            if !name.is_empty() && key != "history" && self.taken.insert(key) {
                return name;
            }
            n += 1;
        }
    }
}

/// The longest prefix of `text` that fits in `limit` UTF-16 code units.
fn cut_utf16(text: &str, limit: usize) -> &str {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > limit {
            return &text[..i];
        }
    }
    text
}

fn col(i: usize) -> Result<u16> {
    u16::try_from(i).with_context(|| {
        crate::tr!(
            "列太多，一张工作表放不下",
            "too many columns for one worksheet"
        )
    })
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        lang.pick("是", "yes")
    } else {
        lang.pick("否", "no")
    }
}

/// The inspector's note, with the waiver's note under it for a waived item.
fn note(o: &Outcome<'_>, lang: Lang) -> String {
    let note = o.note().unwrap_or("");
    match crate::render::labels::waiver_note(o, lang) {
        Some(waiver) if note.is_empty() => waiver,
        Some(waiver) => format!("{note}\n{waiver}"),
        None => note.to_owned(),
    }
}

/// What was recorded, with the reason when it could not be judged.
fn observed(o: &Outcome<'_>, lang: Lang) -> String {
    let shown = o.observed(lang);
    match o.undetermined(lang) {
        Some(reason) if shown.is_empty() => reason,
        Some(reason) => format!("{shown}\n{reason}"),
        None => shown,
    }
}

/// The kind of site a checklist judges, in `lang`, or its id if the run does not have it.
fn kind_of(report: &Report<'_>, checklist: &str) -> String {
    report
        .run
        .checklists
        .iter()
        .find(|c| c.id == checklist)
        .map_or(checklist, |c| c.site_kind_label(report.lang))
        .to_owned()
}

fn phase_name(key: &str, lang: Lang) -> &str {
    match key {
        "organisation" => lang.pick("组织实施阶段", "organisation phase"),
        "acceptance" => lang.pick("检查验收阶段", "acceptance phase"),
        other => other,
    }
}

/// The summary sheet: the campaign, its checklists, verdict counts, the ranking, the
/// demonstration sites, the requirements failed most, failure rates per clause and the
/// inputs with their digests.
fn summary_sheet(
    sheet: &mut Sheet<'_>,
    report: &Report<'_>,
    follow_ups: &[SiteFollowUp<'_, '_>],
) -> Result<()> {
    let lang = report.lang;
    let run = report.run;
    let campaign = run.campaign;
    sheet.set_widths(&[
        6.0, 24.0, 30.0, 18.0, 11.0, 11.0, 8.0, 9.0, 8.0, 8.0, 11.0, 8.0,
    ])?;
    let mut row: u32 = 0;
    sheet.text(row, 0, &report.title(), Style::Title)?;
    sheet.sheet.set_row_height(row, 24.0)?;
    row += 1;
    if let Some(warning) = wording::partial_campaign(report) {
        sheet.text(row, 0, &warning, Style::Text)?;
    }
    row += 1;

    // Facts: the label from column A runs on over the empty B, the value stands in C.
    let mut facts: Vec<(&str, String)> = Vec::new();
    if !campaign.name.is_empty() {
        facts.push((lang.pick("检查验收活动", "Campaign"), campaign.name.clone()));
    }
    if let Some(county) = &campaign.county {
        facts.push((lang.pick("县", "County"), county.clone()));
    }
    for phase in &run.phases {
        let value = match lang {
            Lang::Zh => format!(
                "{} 至 {}（{} 个工作日{}）",
                phase.start,
                phase.end,
                phase.working_days.value(),
                if phase.working_days.is_provisional() {
                    "，暂定"
                } else {
                    ""
                }
            ),
            Lang::En => format!(
                "{} to {} ({} working days{})",
                phase.start,
                phase.end,
                phase.working_days.value(),
                if phase.working_days.is_provisional() {
                    ", provisional"
                } else {
                    ""
                }
            ),
        };
        facts.push((phase_name(&phase.key, lang), value));
    }
    facts.push((
        lang.pick("评定日", "Judged on"),
        wording::judging_day(report),
    ));
    let days = campaign.rectification_working_days;
    facts.push((
        lang.pick("整改时限", "Rectification"),
        match lang {
            Lang::Zh => format!("{days} 个工作日"),
            Lang::En => format!("{days} working days"),
        },
    ));
    for (label, value) in facts {
        sheet.text(row, 0, label, Style::Label)?;
        sheet.text(row, 2, &value, Style::Value)?;
        row += 1;
    }

    row += 1;
    sheet.text(row, 0, lang.pick("验收清单", "Checklists"), Style::Heading)?;
    row += 1;
    sheet.header(
        row,
        &[
            Column::Number.heading(lang),
            lang.pick("清单编号", "id"),
            lang.pick("标题", "title"),
            lang.pick("站点类型", "site kind"),
            lang.pick("版本", "version"),
        ],
    )?;
    row += 1;
    for (i, checklist) in run.checklists.iter().enumerate() {
        sheet.count(row, 0, i + 1, Style::Number)?;
        sheet.text(row, 1, &checklist.id, Style::Text)?;
        sheet.text(row, 2, checklist.label(lang), Style::Text)?;
        sheet.text(row, 3, checklist.site_kind_label(lang), Style::Text)?;
        sheet.text(row, 4, &checklist.version, Style::Text)?;
        row += 1;
    }

    row += 1;
    sheet.text(row, 0, lang.pick("验收结论", "Verdicts"), Style::Heading)?;
    row += 1;
    sheet.header(
        row,
        &[
            Column::Number.heading(lang),
            Column::Verdict.code(lang),
            lang.pick("站点数", "sites"),
        ],
    )?;
    row += 1;
    let (pass, rectify, incomplete) = report.counts();
    let verdicts = [
        (Verdict::Pass.label(lang), pass),
        (Verdict::Rectify.label(lang), rectify),
        (Verdict::Incomplete.label(lang), incomplete),
        (lang.pick("合计", "total"), report.sites.len()),
    ];
    for (i, (label, n)) in verdicts.into_iter().enumerate() {
        sheet.count(row, 0, i + 1, Style::Number)?;
        sheet.text(row, 1, label, Style::Text)?;
        sheet.count(row, 2, n, Style::Number)?;
        row += 1;
    }

    row += 1;
    sheet.text(row, 0, lang.pick("排名", "Ranking"), Style::Heading)?;
    row += 1;
    sheet.header(
        row,
        &[
            lang.pick("排名", "rank"),
            Column::Id.code(lang),
            Column::Name.code(lang),
            lang.pick("类型", "kind"),
            lang.pick("检查日期", "inspected"),
            Column::Score.code(lang),
            lang.pick("满分", "max"),
            lang.pick("得分率", "percent"),
            lang.pick("等级", "grade"),
            Column::Verdict.code(lang),
            Column::Due.code(lang),
            lang.pick("示范点", "demo"),
        ],
    )?;
    row += 1;
    let by_id: HashMap<&str, &SiteResult<'_>> = report
        .sites
        .iter()
        .map(|site| (site.record.id.as_str(), site))
        .collect();
    // Kind by kind, each ranked on its own: a village station is not ranked among
    // township centres.
    let kinds = report.ranked_by_kind();
    for (rank, place) in kinds.iter().flat_map(|kind| kind.places.iter().copied()) {
        let e = &place.entry;
        let site = by_id.get(e.id());
        sheet.count(row, 0, rank, Style::Number)?;
        sheet.text(row, 1, e.id(), Style::Text)?;
        sheet.text(row, 2, e.name(), Style::Text)?;
        let kind = site.map_or(e.kind(), |site| site.checklist.site_kind_label(lang));
        sheet.text(row, 3, kind, Style::Text)?;
        sheet.date(
            row,
            4,
            site.map(|site| site.record.inspected_on),
            Style::Date,
        )?;
        sheet.points(row, 5, e.score, Style::Number)?;
        sheet.points(row, 6, e.max_score, Style::Number)?;
        sheet.permille(row, 7, e.percent_tenths, Style::Percent)?;
        let grade = site
            .and_then(|site| site.grade)
            .map_or("", |g| g.label(lang));
        sheet.text(row, 8, grade, Style::Text)?;
        sheet.text(row, 9, e.verdict.label(lang), Style::Text)?;
        sheet.due(row, 10, site.and_then(|site| site.due), lang)?;
        let star = match report.ranking.flag(place) {
            Some(flag) => format!("★ {}", crate::render::ranking::flag_text(flag, lang)),
            None if place.demonstration => "★".to_owned(),
            None => String::new(),
        };
        sheet.text(row, 11, &star, Style::Centre)?;
        row += 1;
    }

    row += 1;
    sheet.text(
        row,
        0,
        lang.pick("示范点", "Demonstration sites"),
        Style::Heading,
    )?;
    row += 1;
    sheet.text(row, 0, &wording::choice_rule(report), Style::Value)?;
    row += 1;
    let chosen: Vec<&Place> = report.ranking.demonstration().collect();
    if !chosen.is_empty() {
        sheet.header(
            row,
            &[
                lang.pick("排名", "rank"),
                Column::Id.code(lang),
                Column::Name.code(lang),
                Column::Score.code(lang),
                lang.pick("得分率", "percent"),
            ],
        )?;
        row += 1;
        for place in chosen {
            sheet.count(row, 0, place.rank, Style::Number)?;
            sheet.text(row, 1, place.entry.id(), Style::Text)?;
            sheet.text(row, 2, place.entry.name(), Style::Text)?;
            sheet.points(row, 3, place.entry.score, Style::Number)?;
            sheet.permille(row, 4, place.entry.percent_tenths, Style::Percent)?;
            if let Some(flag) = report.ranking.flag(place) {
                let text = crate::render::ranking::flag_text(flag, lang);
                sheet.text(row, 5, &text, Style::Text)?;
            }
            row += 1;
        }
    }
    for line in wording::choice_warnings(report) {
        sheet.text(row, 0, &line, Style::Value)?;
        row += 1;
    }
    if let Some(shortfall) = crate::render::labels::shortfall(&report.ranking, lang) {
        sheet.text(row, 0, &shortfall, Style::Value)?;
        row += 1;
    } else if report.ranking.wanted == 0 {
        let none = lang.pick("本次不评选示范点。", "No demonstration sites are chosen.");
        sheet.text(row, 0, none, Style::Value)?;
        row += 1;
    }

    row += 1;
    sheet.text(
        row,
        0,
        lang.pick(
            "不符合最多的强制性要求",
            "Mandatory requirements failed most often",
        ),
        Style::Heading,
    )?;
    row += 1;
    let most = report.most_failed(10);
    if most.is_empty() {
        sheet.text(row, 0, lang.pick("无。", "None."), Style::Value)?;
        row += 1;
    } else {
        sheet.header(
            row,
            &[
                Column::Number.heading(lang),
                Column::ItemId.code(lang),
                lang.pick("要求", "requirement"),
                lang.pick("站点类型", "site kind"),
                Column::Clause.code(lang),
                lang.pick("不符合站点数", "sites failed"),
                lang.pick("检查站点数", "sites judged"),
            ],
        )?;
        row += 1;
        for (i, stat) in most.iter().enumerate() {
            sheet.count(row, 0, i + 1, Style::Number)?;
            sheet.text(row, 1, &stat.item, Style::Text)?;
            sheet.text(row, 2, &stat.title, Style::Text)?;
            sheet.text(row, 3, &kind_of(report, &stat.checklist), Style::Text)?;
            sheet.text(row, 4, &stat.clause, Style::Text)?;
            sheet.count(row, 5, stat.failed, Style::Number)?;
            sheet.count(row, 6, stat.sites, Style::Number)?;
            row += 1;
        }
    }

    row += 1;
    sheet.text(
        row,
        0,
        lang.pick("各条款不符合率", "Failure rate per clause"),
        Style::Heading,
    )?;
    row += 1;
    sheet.header(
        row,
        &[
            Column::Number.heading(lang),
            Column::Clause.code(lang),
            lang.pick("标题", "title"),
            lang.pick("站点类型", "site kind"),
            lang.pick("不符合站点数", "sites failed"),
            lang.pick("检查站点数", "sites judged"),
            lang.pick("不符合率", "rate"),
        ],
    )?;
    row += 1;
    for (i, stat) in report.clause_rates().iter().enumerate() {
        sheet.count(row, 0, i + 1, Style::Number)?;
        sheet.text(row, 1, &stat.clause, Style::Text)?;
        sheet.text(row, 2, &stat.title, Style::Text)?;
        sheet.text(row, 3, &kind_of(report, &stat.checklist), Style::Text)?;
        sheet.count(row, 4, stat.failed, Style::Number)?;
        sheet.count(row, 5, stat.sites, Style::Number)?;
        sheet.permille(row, 6, stat.permille(), Style::Percent)?;
        row += 1;
    }

    if wording::has_follow_up(report, follow_ups) {
        row = summary_follow_up(sheet, report, follow_ups, row + 1)?;
    }

    row += 1;
    sheet.text(row, 0, lang.pick("输入文件", "Inputs"), Style::Heading)?;
    row += 1;
    sheet.text(row, 0, Column::Number.heading(lang), Style::Head)?;
    sheet.merged_text(row, 1, 2, lang.pick("文件", "file"), Style::Head)?;
    sheet.text(row, 3, lang.pick("字节", "bytes"), Style::Head)?;
    sheet.text(row, 4, "SHA-256", Style::Head)?;
    row += 1;
    for (i, input) in report.inputs.iter().enumerate() {
        sheet.count(row, 0, i + 1, Style::Number)?;
        sheet.merged_text(row, 1, 2, &report.shown_path(&input.path), Style::Text)?;
        sheet.count(
            row,
            3,
            usize::try_from(input.size).unwrap_or(usize::MAX),
            Style::Number,
        )?;
        // Not wrapped: the digest runs on over the empty cells to its right.
        sheet.text(row, 4, &input.sha256, Style::Value)?;
        row += 1;
    }
    Ok(())
}

/// The summary's follow-up from `row` on: counts per status, the sites followed up, the
/// county's overdue list and the waivers. Returns the row after it.
fn summary_follow_up(
    sheet: &mut Sheet<'_>,
    report: &Report<'_>,
    follow_ups: &[SiteFollowUp<'_, '_>],
    mut row: u32,
) -> Result<u32> {
    let lang = report.lang;
    sheet.text(row, 0, wording::follow_up_heading(lang), Style::Heading)?;
    row += 1;
    if !follow_ups.is_empty() {
        sheet.text(
            row,
            0,
            &wording::follow_up_sites_line(report, follow_ups),
            Style::Value,
        )?;
        row += 1;
        sheet.header(
            row,
            &[
                Column::Number.heading(lang),
                Column::Status.code(lang),
                lang.pick("项目数", "items"),
            ],
        )?;
        row += 1;
        let counts = wording::status_counts(follow_ups.iter().flat_map(|f| &f.items));
        for (i, (status, n)) in wording::FOLLOW_UPS.iter().zip(counts).enumerate() {
            sheet.count(row, 0, i + 1, Style::Number)?;
            sheet.text(row, 1, status.label(lang), Style::Text)?;
            sheet.count(row, 2, n, Style::Number)?;
            row += 1;
        }
        row += 1;
        let mut titles = vec![
            Column::Number.heading(lang),
            Column::Id.code(lang),
            Column::Name.code(lang),
            lang.pick("结论（检查时 → 现在）", "verdict (inspection → now)"),
            Column::Due.code(lang),
            lang.pick("复查日期", "re-inspected"),
        ];
        titles.extend(wording::FOLLOW_UPS.iter().map(|s| s.label(lang)));
        sheet.header(row, &titles)?;
        row += 1;
        for (i, f) in follow_ups.iter().enumerate() {
            let r = f.before.record;
            sheet.count(row, 0, i + 1, Style::Number)?;
            sheet.text(row, 1, &r.id, Style::Text)?;
            sheet.text(row, 2, &r.name, Style::Text)?;
            sheet.text(row, 3, &wording::verdict_change(f, lang), Style::Text)?;
            sheet.due(row, 4, f.before.due, lang)?;
            match f.rechecked_on() {
                Some(day) => sheet.date(row, 5, Some(day), Style::Date)?,
                None => sheet.text(row, 5, "—", Style::Centre)?,
            }
            for (c, n) in wording::status_counts(&f.items).into_iter().enumerate() {
                sheet.count(row, col(6 + c)?, n, Style::Number)?;
            }
            row += 1;
        }
    }

    row += 1;
    sheet.text(row, 0, wording::overdue_heading(lang), Style::Heading)?;
    row += 1;
    let overdue = wording::overdue_rows(report);
    if overdue.is_empty() {
        sheet.text(row, 0, wording::no_overdue(lang), Style::Value)?;
        row += 1;
    } else {
        sheet.header(
            row,
            &[
                Column::Number.heading(lang),
                Column::Id.code(lang),
                Column::Name.code(lang),
                Column::Clause.code(lang),
                Column::Due.code(lang),
                lang.pick("复查日期", "re-inspected"),
            ],
        )?;
        sheet.merged_text(row, 6, 11, lang.pick("项目", "item"), Style::Head)?;
        row += 1;
        for (i, o) in overdue.iter().enumerate() {
            let r = o.site.record;
            sheet.count(row, 0, i + 1, Style::Number)?;
            sheet.text(row, 1, &r.id, Style::Text)?;
            sheet.text(row, 2, &r.name, Style::Text)?;
            sheet.text(row, 3, &o.item.clause, Style::Text)?;
            sheet.due(row, 4, o.due, lang)?;
            match o.rechecked_on {
                Some(day) => sheet.date(row, 5, Some(day), Style::Date)?,
                None => sheet.text(row, 5, wording::not_rechecked(lang), Style::Centre)?,
            }
            let item = format!("{}\n{}", o.item.label(lang), o.item.id);
            sheet.merged_text(row, 6, 11, &item, Style::Text)?;
            row += 1;
        }
    }

    row += 1;
    sheet.text(row, 0, wording::waivers_heading(lang), Style::Heading)?;
    row += 1;
    let waivers = wording::waiver_rows(report);
    if waivers.is_empty() {
        sheet.text(row, 0, wording::no_waivers(lang), Style::Value)?;
        row += 1;
    } else {
        sheet.header(
            row,
            &[
                Column::Number.heading(lang),
                Column::Id.code(lang),
                Column::Name.code(lang),
                Column::ItemId.code(lang),
                lang.pick("批准日期", "approved on"),
                lang.pick("失效日期", "expires"),
                lang.pick("状态", "state"),
            ],
        )?;
        sheet.merged_text(row, 7, 9, lang.pick("理由", "reason"), Style::Head)?;
        sheet.merged_text(row, 10, 11, lang.pick("批准人", "approved by"), Style::Head)?;
        row += 1;
        for (i, w) in waivers.iter().enumerate() {
            let waiver = w.waiver;
            sheet.count(row, 0, i + 1, Style::Number)?;
            sheet.text(row, 1, &waiver.site, Style::Text)?;
            let name = w.site.map_or("", |s| s.record.name.as_str());
            sheet.text(row, 2, name, Style::Text)?;
            sheet.text(row, 3, &waiver.item, Style::Text)?;
            sheet.date(row, 4, Some(waiver.approved_on), Style::Date)?;
            sheet.date(row, 5, Some(waiver.expires), Style::Date)?;
            let state = match w.state {
                WaiverState::Expired | WaiverState::Unused => Style::Alert,
                WaiverState::Active | WaiverState::NotYet => Style::Centre,
            };
            sheet.text(row, 6, w.state.label(lang), state)?;
            sheet.merged_text(row, 7, 9, &waiver.reason, Style::Text)?;
            sheet.merged_text(row, 10, 11, &waiver.approved_by, Style::Text)?;
            row += 1;
        }
    }
    for line in wording::expired_waivers(report) {
        sheet.text(row, 0, &line, Style::Value)?;
        row += 1;
    }
    Ok(row)
}

/// The follow-up sheet: one row per followed-up item of every site, in report order.
fn follow_up_sheet(
    sheet: &mut Sheet<'_>,
    report: &Report<'_>,
    follow_ups: &[SiteFollowUp<'_, '_>],
) -> Result<()> {
    let lang = report.lang;
    let titles = follow_up_header(lang);
    sheet.set_widths(&[
        14.0, 24.0, 11.0, 11.0, 9.0, 22.0, 7.0, 36.0, 13.0, 10.0, 26.0, 26.0, 40.0,
    ])?;
    sheet.header(0, &titles)?;
    let mut row: u32 = 1;
    let next = |row: u32| {
        row.checked_add(1).with_context(|| {
            crate::tr!(
                "复查项太多，一张工作表放不下",
                "too many follow-ups for one worksheet"
            )
        })
    };
    for f in follow_ups {
        let r = f.before.record;
        // A site re-inspected with nothing left to follow (待补查 → 合格) has its row.
        if f.items.is_empty() {
            sheet.text(row, 0, &r.id, Style::Text)?;
            sheet.text(row, 1, &r.name, Style::Text)?;
            sheet.due(row, 2, f.before.due, lang)?;
            sheet.date(row, 3, f.rechecked_on(), Style::Date)?;
            sheet.text(row, 4, f.verdict().label(lang), Style::Text)?;
            row = next(row)?;
        }
        for item in &f.items {
            sheet.text(row, 0, &r.id, Style::Text)?;
            sheet.text(row, 1, &r.name, Style::Text)?;
            sheet.due(row, 2, item.due, lang)?;
            sheet.date(row, 3, item.rechecked_on, Style::Date)?;
            sheet.text(row, 4, f.verdict().label(lang), Style::Text)?;
            sheet.text(row, 5, &item.item.id, Style::Text)?;
            sheet.text(row, 6, &item.item.clause, Style::Text)?;
            sheet.text(row, 7, item.item.label(lang), Style::Text)?;
            sheet.text(row, 8, item.status.code(), Style::Text)?;
            sheet.text(row, 9, item.status.label(lang), Style::Text)?;
            let before = wording::follow_up_value(Some(&item.before), lang);
            sheet.text(row, 10, &before, Style::Text)?;
            let after = wording::follow_up_value(item.after.as_ref(), lang);
            sheet.text(row, 11, &after, Style::Text)?;
            let waiver = wording::follow_up_waiver(report, &r.id, item, lang);
            sheet.text(row, 12, waiver.as_deref().unwrap_or(""), Style::Text)?;
            row = next(row)?;
        }
    }
    let ws = &mut sheet.sheet;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), col(titles.len() - 1)?)?;
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The name of the evidence sheet: `佐证材料`, or `Evidence` in English.
pub fn evidence_sheet_name(lang: Lang) -> &'static str {
    lang.pick("佐证材料", "Evidence")
}

/// The column titles of the evidence sheet.
pub fn evidence_header(lang: Lang) -> [&'static str; 7] {
    [
        Column::SiteId.code(lang),
        Column::SiteName.code(lang),
        Column::ItemId.code(lang),
        Column::Evidence.code(lang),
        lang.pick("状态", "state"),
        lang.pick("大小（字节）", "size (bytes)"),
        "SHA-256",
    ]
}

/// Where the evidence cells link: each photo's copy in the report folder, relative to the
/// workbook (`html/photos/<sha256 prefix>.<ext>`, the copies the HTML pages show, written
/// with the workbook), and the first row of each item on the evidence sheet. The copies
/// travel with the report folder and are the bytes the manifest lists, which a link into
/// the campaign folder would be neither.
struct EvidenceLinks {
    /// (site, item) → the copies of its photos.
    photos: BTreeMap<(String, String), Vec<String>>,
    /// (site, item) → its first row on the evidence sheet, from 0.
    rows: BTreeMap<(String, String), u32>,
    /// The evidence sheet's name.
    sheet: String,
}

impl EvidenceLinks {
    fn new(report: &Report<'_>, sheet: String) -> EvidenceLinks {
        let (mut photos, mut rows) = (BTreeMap::new(), BTreeMap::new());
        for (i, file) in report.evidence.iter().enumerate() {
            let key = (file.site.clone(), file.item.clone());
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            rows.entry(key.clone()).or_insert(row);
            if let Some(name) = file.photo_name().filter(|n| report.photos.contains_key(n)) {
                let copies: &mut Vec<String> = photos.entry(key).or_default();
                let copy = format!("html/{name}");
                if !copies.contains(&copy) {
                    copies.push(copy);
                }
            }
        }
        EvidenceLinks {
            photos,
            rows,
            sheet,
        }
    }

    /// The copy of a photo, a file relative to the workbook's folder.
    fn copy(&self, file: &crate::audit::EvidenceFile) -> Option<String> {
        let key = (file.site.clone(), file.item.clone());
        let name = format!("html/{}", file.photo_name()?);
        self.photos.get(&key)?.contains(&name).then_some(name)
    }

    /// What the evidence cell of `item` of `site`, citing `cited` files, links to.
    fn target(&self, site: &str, item: &str, cited: usize) -> Option<String> {
        let key = (site.to_owned(), item.to_owned());
        match self.photos.get(&key) {
            Some(copies) if cited == 1 && copies.len() == 1 => Some(copies[0].clone()),
            _ if cited > 1 => {
                let row = self.rows.get(&key)?;
                let sheet = self.sheet.replace('\'', "''");
                Some(format!("#'{sheet}'!A{}", row + 1))
            }
            _ => None,
        }
    }
}

/// Every evidence file a record cites, one a row, with its state and digest; a photo
/// linked to its copy in the report folder.
fn evidence_sheet(sheet: &mut Sheet<'_>, report: &Report<'_>, links: &EvidenceLinks) -> Result<()> {
    use crate::audit::EvidenceState;
    let lang = report.lang;
    let titles = evidence_header(lang);
    sheet.set_widths(&[14.0, 24.0, 22.0, 40.0, 12.0, 12.0, 66.0])?;
    sheet.header(0, &titles)?;
    let mut row: u32 = 1;
    for file in &report.evidence {
        let name = report
            .sites
            .iter()
            .find(|s| s.record.id == file.site)
            .map_or("", |s| s.record.name.as_str());
        sheet.text(row, 0, &file.site, Style::Text)?;
        sheet.text(row, 1, name, Style::Text)?;
        sheet.text(row, 2, &file.item, Style::Text)?;
        match links.copy(file) {
            Some(copy) => sheet.link(row, 3, &copy, &file.path)?,
            None => sheet.text(row, 3, &file.path, Style::Text)?,
        }
        let state = match &file.state {
            EvidenceState::Found { .. } => lang.pick("已找到", "found"),
            EvidenceState::Missing => lang.pick("缺失", "missing"),
            EvidenceState::Unreadable(_) => lang.pick("无法读取", "unreadable"),
        };
        sheet.text(row, 4, state, Style::Centre)?;
        if let Some((sha256, size)) = file.digest() {
            sheet.number(row, 5, size as f64, Style::Number)?;
            sheet.text(row, 6, sha256, Style::Text)?;
        }
        row = row.saturating_add(1);
    }
    let ws = &mut sheet.sheet;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The findings sheet: one row per finding (every outcome that did not pass) of every
/// site, in the order the records were read.
fn findings_sheet(sheet: &mut Sheet<'_>, report: &Report<'_>, links: &EvidenceLinks) -> Result<()> {
    let lang = report.lang;
    let titles = findings_header(lang);
    sheet.set_widths(&[
        14.0, 24.0, 9.0, 11.0, 7.0, 22.0, 36.0, 8.0, 26.0, 26.0, 20.0, 6.0, 6.0, 6.0, 7.0, 24.0,
        28.0,
    ])?;
    sheet.header(0, &titles)?;
    let sep = lang.list_separator();
    let mut row: u32 = 1;
    for site in &report.sites {
        for o in &site.findings {
            sheet.text(row, 0, &site.record.id, Style::Text)?;
            sheet.text(row, 1, &site.record.name, Style::Text)?;
            sheet.text(row, 2, site.verdict.label(lang), Style::Text)?;
            sheet.due(row, 3, site.due, lang)?;
            sheet.text(row, 4, &o.item.clause, Style::Text)?;
            sheet.text(row, 5, &o.item.id, Style::Text)?;
            sheet.text(row, 6, o.item.label(lang), Style::Text)?;
            sheet.text(row, 7, o.status.label(lang), Style::Text)?;
            sheet.text(row, 8, &observed(o, lang), Style::Text)?;
            sheet.text(row, 9, &o.expected(lang), Style::Text)?;
            sheet.text(row, 10, &o.missing.join(sep), Style::Text)?;
            sheet.text(row, 11, o.item.severity.label(lang), Style::Text)?;
            sheet.points(row, 12, o.item.points, Style::Number)?;
            sheet.points(row, 13, o.lost, Style::Number)?;
            let rectify = yes_no(o.needs_rectification(), lang);
            sheet.text(row, 14, rectify, Style::Centre)?;
            sheet.text(row, 15, &note(o, lang), Style::Text)?;
            sheet.evidence((row, 16), &site.record.id, o, links)?;
            row = row.checked_add(1).with_context(|| {
                crate::tr!(
                    "问题太多，一张工作表放不下",
                    "too many findings for one worksheet"
                )
            })?;
        }
    }
    let ws = &mut sheet.sheet;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row - 1, col(titles.len() - 1)?)?;
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// What a site sheet shows that the site result itself does not hold.
struct SiteFacts<'r> {
    place: Option<&'r Place>,
    notice: Option<&'r str>,
    follow_up: Option<&'r SiteFollowUp<'r, 'r>>,
    links: &'r EvidenceLinks,
}

/// The value of one header fact of a site sheet.
enum Fact {
    Text(String),
    Date(Date),
    Points(Points),
    Count(usize),
    Permille(u32),
}

/// A site's sheet: its header facts, its points clause by clause, and every item.
fn site_sheet(
    sheet: &mut Sheet<'_>,
    report: &Report<'_>,
    site: &SiteResult<'_>,
    facts: &SiteFacts<'_>,
) -> Result<()> {
    let lang = report.lang;
    let r = site.record;
    sheet.set_widths(&[
        14.0, 36.0, 22.0, 6.0, 6.0, 8.0, 26.0, 26.0, 20.0, 6.0, 6.0, 7.0, 24.0, 28.0,
    ])?;
    let mut row: u32 = 0;
    sheet.text(row, 0, &r.name, Style::Title)?;
    sheet.sheet.set_row_height(row, 24.0)?;
    row += 2;

    let sep = lang.list_separator();
    let score = &site.score;
    let mut rows: Vec<(&str, Fact)> = vec![
        (Column::Id.heading(lang), Fact::Text(r.id.clone())),
        (lang.pick("名称", "Name"), Fact::Text(r.name.clone())),
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
        rows.push((lang.pick("村", "Village"), Fact::Text(village.clone())));
    }
    rows.extend([
        (
            lang.pick("检查日期", "Inspected"),
            Fact::Date(r.inspected_on),
        ),
        (
            lang.pick("检查人员", "Inspectors"),
            Fact::Text(r.inspectors.join(sep)),
        ),
        (
            lang.pick("记录文件", "Record"),
            Fact::Text(report.shown_path(&r.origin)),
        ),
        (
            lang.pick("验收清单", "Checklist"),
            Fact::Text(format!("{} {}", site.checklist.id, site.checklist.version)),
        ),
        (lang.pick("得分", "Score"), Fact::Points(score.earned)),
        (lang.pick("满分", "Maximum"), Fact::Points(score.max)),
        (
            lang.pick("得分率", "Percent"),
            Fact::Permille(score.percent_tenths),
        ),
        (
            lang.pick("不适用分值", "Not applicable points"),
            Fact::Points(score.not_applicable),
        ),
        (
            lang.pick("未记录分值", "Unrecorded points"),
            Fact::Points(score.unrecorded),
        ),
        (
            lang.pick("等级", "Grade"),
            Fact::Text(site.grade.map_or("", |g| g.label(lang)).to_owned()),
        ),
        (
            lang.pick("验收结论", "Verdict"),
            Fact::Text(site.verdict.label(lang).to_owned()),
        ),
    ]);
    if let Some(due) = site.due {
        rows.push((Column::Due.heading(lang), Fact::Date(due.value())));
        if let Some(span) = due.provisional() {
            rows.push((
                lang.pick("期限说明", "Due date"),
                Fact::Text(crate::render::provisional_caveat(span, lang)),
            ));
        }
    }
    if let Some(place) = facts.place {
        rows.push((lang.pick("排名", "Rank"), Fact::Count(place.rank)));
        if let Some(mark) = wording::demo_mark(report, place) {
            rows.push((lang.pick("示范点", "Demonstration site"), Fact::Text(mark)));
        }
    }
    if let Some(number) = facts.notice {
        rows.push((
            lang.pick("整改通知书", "Rectification notice"),
            Fact::Text(number.to_owned()),
        ));
    }
    for (label, value) in rows {
        sheet.text(row, 0, label, Style::Label)?;
        match value {
            Fact::Text(value) => sheet.text(row, 1, &value, Style::Value)?,
            Fact::Date(value) => sheet.date(row, 1, Some(value), Style::ValueDate)?,
            Fact::Points(value) => sheet.points(row, 1, value, Style::Value)?,
            Fact::Count(value) => sheet.count(row, 1, value, Style::Value)?,
            Fact::Permille(value) => sheet.permille(row, 1, value, Style::ValuePercent)?,
        }
        row += 1;
    }

    if let Some(f) = facts.follow_up {
        row = site_follow_up(sheet, report, f, row + 1)?;
    }

    row += 1;
    sheet.text(
        row,
        0,
        lang.pick("分项得分", "Points by clause"),
        Style::Heading,
    )?;
    row += 1;
    sheet.header(
        row,
        &[
            Column::Clause.code(lang),
            lang.pick("标题", "title"),
            lang.pick("得分", "earned"),
            lang.pick("满分", "max"),
        ],
    )?;
    row += 1;
    for section in sections(site, lang) {
        sheet.text(row, 0, &section.clause, Style::Text)?;
        sheet.text(row, 1, &section.title, Style::Text)?;
        sheet.points(row, 2, section.earned, Style::Number)?;
        sheet.points(row, 3, section.max, Style::Number)?;
        row += 1;
    }

    row += 1;
    sheet.text(row, 0, lang.pick("检查项目", "Items"), Style::Heading)?;
    row += 1;
    sheet.header(
        row,
        &[
            Column::Clause.code(lang),
            Column::Title.code(lang),
            Column::ItemId.code(lang),
            Column::Severity.code(lang),
            lang.pick("分值", "points"),
            lang.pick("结果", "result"),
            lang.pick("实际", "observed"),
            Column::Requirement.code(lang),
            lang.pick("缺项", "missing"),
            lang.pick("得分", "earned"),
            lang.pick("失分", "lost"),
            lang.pick("须整改", "rectify"),
            lang.pick("备注", "note"),
            Column::Evidence.code(lang),
        ],
    )?;
    row += 1;
    for o in &site.outcomes() {
        sheet.text(row, 0, &o.item.clause, Style::Text)?;
        sheet.text(row, 1, o.item.label(lang), Style::Text)?;
        sheet.text(row, 2, &o.item.id, Style::Text)?;
        sheet.text(row, 3, o.item.severity.label(lang), Style::Text)?;
        sheet.points(row, 4, o.item.points, Style::Number)?;
        sheet.text(row, 5, o.status.label(lang), Style::Text)?;
        sheet.text(row, 6, &observed(o, lang), Style::Text)?;
        sheet.text(row, 7, &o.expected(lang), Style::Text)?;
        sheet.text(row, 8, &o.missing.join(sep), Style::Text)?;
        sheet.points(row, 9, o.earned, Style::Number)?;
        sheet.points(row, 10, o.lost, Style::Number)?;
        let rectify = yes_no(o.needs_rectification(), lang);
        sheet.text(row, 11, rectify, Style::Centre)?;
        sheet.text(row, 12, &note(o, lang), Style::Text)?;
        sheet.evidence((row, 13), &site.record.id, o, facts.links)?;
        row += 1;
    }
    Ok(())
}

/// A followed-up site's block from `row` on: the re-inspection's day, the verdict then
/// and now, and every item followed up. Returns the row after it.
fn site_follow_up(
    sheet: &mut Sheet<'_>,
    report: &Report<'_>,
    f: &SiteFollowUp<'_, '_>,
    mut row: u32,
) -> Result<u32> {
    let lang = report.lang;
    sheet.text(
        row,
        0,
        wording::site_follow_up_heading(lang),
        Style::Heading,
    )?;
    row += 1;
    sheet.text(row, 0, Column::Reinspected.heading(lang), Style::Label)?;
    match f.rechecked_on() {
        Some(day) => sheet.date(row, 1, Some(day), Style::ValueDate)?,
        None => sheet.text(row, 1, wording::not_rechecked(lang), Style::Value)?,
    }
    row += 1;
    for (label, verdict) in [
        (
            lang.pick("检查时结论", "Verdict at inspection"),
            f.before.verdict,
        ),
        (lang.pick("当前结论", "Verdict now"), f.verdict()),
    ] {
        sheet.text(row, 0, label, Style::Label)?;
        sheet.text(row, 1, verdict.label(lang), Style::Value)?;
        row += 1;
    }
    if f.items.is_empty() {
        sheet.text(row, 0, wording::no_follow_up_items(lang), Style::Value)?;
        return Ok(row + 1);
    }
    // Laid over the item table's columns: the values under 实际 and 要求.
    sheet.header(
        row,
        &[
            Column::Clause.code(lang),
            Column::Title.code(lang),
            Column::ItemId.code(lang),
        ],
    )?;
    sheet.merged_text(row, 3, 5, Column::Status.code(lang), Style::Head)?;
    sheet.text(row, 6, lang.pick("检查时", "before"), Style::Head)?;
    sheet.text(row, 7, lang.pick("复查时", "after"), Style::Head)?;
    sheet.merged_text(row, 8, 12, lang.pick("豁免", "waiver"), Style::Head)?;
    row += 1;
    for item in &f.items {
        sheet.text(row, 0, &item.item.clause, Style::Text)?;
        sheet.text(row, 1, item.item.label(lang), Style::Text)?;
        sheet.text(row, 2, &item.item.id, Style::Text)?;
        sheet.merged_text(row, 3, 5, &wording::item_status(f, item, lang), Style::Text)?;
        let before = wording::follow_up_value(Some(&item.before), lang);
        sheet.text(row, 6, &before, Style::Text)?;
        let after = wording::follow_up_value(item.after.as_ref(), lang);
        sheet.text(row, 7, &after, Style::Text)?;
        let waiver = wording::follow_up_waiver(report, &f.before.record.id, item, lang);
        sheet.merged_text(row, 8, 12, waiver.as_deref().unwrap_or(""), Style::Text)?;
        row += 1;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique_ignoring_case() {
        let mut names = SheetNames::default();
        assert_eq!(names.claim("汇总"), "汇总");
        assert_eq!(names.claim("wenliu"), "wenliu");
        assert_eq!(names.claim("WENLIU"), "WENLIU~2");
        assert_eq!(names.claim("a/b[c]:d*e?f\\g"), "a_b_c__d_e_f_g");
        assert_eq!(names.claim("'quoted'"), "quoted");
        assert_eq!(names.claim("history"), "history~2");
        let long = "x".repeat(40);
        assert_eq!(names.claim(&long), "x".repeat(31));
        assert_eq!(names.claim(&long), format!("{}~2", "x".repeat(29)));
        let cjk = "长".repeat(40);
        assert_eq!(names.claim(&cjk).chars().count(), 31);
        assert_eq!(names.claim("''"), "_");
        for name in names.taken {
            let mut sheet = Worksheet::new();
            assert!(sheet.set_name(&name).is_ok(), "{name}");
        }
    }

    #[test]
    fn utf16_cut_never_splits_a_character() {
        assert_eq!(cut_utf16("ab😀c", 3), "ab");
        assert_eq!(cut_utf16("ab😀c", 4), "ab😀");
        assert_eq!(cut_utf16("abc", 31), "abc");
    }

    #[test]
    fn wrapped_text_counts_wide_characters_twice_and_every_line() {
        assert_eq!(wrapped_lines("abc", 10.0), 1);
        assert_eq!(wrapped_lines("一二三四五", 6.0), 2);
        assert_eq!(wrapped_lines("a\nb\n", 10.0), 3);
        assert_eq!(wrapped_lines("", 10.0), 1);
    }
}
