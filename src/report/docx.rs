//! Rectification notices (整改通知书) as Word documents, in the form county offices send
//! them: `docx/<site id>.docx` for each notice and `docx/all.docx` with every notice, each
//! starting on a new page, to print in one go.
//!
//! A notice is plain paragraphs and one bordered table, with fonts named on every run (宋体
//! for the body, 黑体 for the title) so that Word and WPS show it as written and staff can
//! edit it before stamping. The page is A4 with the margins of GB/T 9704 (党政机关公文格式).
//!
//! The bytes are fixed by the report alone: document properties carry 2020-01-01T00:00:00Z
//! and the author yanshou, paragraph ids are numbered here rather than by the library's
//! per-thread counter, and the zip entries' timestamps are set to the same date.

use std::collections::HashSet;
use std::io::Cursor;
use std::path::PathBuf;

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run,
    RunFonts, Shading, SpecialIndentType, Tab, TabValueType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

use super::{Notice, Report, long_date, required_fix, wording};
use crate::audit::Outcome;
use crate::lang::Lang;
use crate::render::Label;
use crate::render::Wording;

/// The folder the notices go in, inside the output folder.
pub const FOLDER: &str = "docx";

/// The file holding every notice.
pub const ALL_FILE: &str = "all.docx";

/// When every document says it was made and last changed.
const FIXED_TIME: &str = "2020-01-01T00:00:00Z";

/// The same moment for zip entries, in MS-DOS form: date (year − 1980, month, day) and time.
const DOS_DATE: u16 = ((2020 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
/// The width text runs in.
const TEXT_WIDTH: usize = (PAGE_WIDTH as usize) - (MARGIN_LEFT as usize) - (MARGIN_RIGHT as usize);

/// Font sizes in half points: 二号 for the title, 四号 for the text, 五号 in the table.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 28;
const TABLE_SIZE: usize = 21;

/// Chinese fonts by the names Word and WPS list them under, with a Latin font beside.
const BODY_FONT: &str = "宋体";
const TITLE_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

/// Widths of the problem table's columns: 序号, 条款, 要求, 检查发现, 整改要求.
const COLUMNS: [usize; 5] = [700, 900, 2300, 2644, 2300];

/// The files of this format: one document per notice and one with all of them.
pub fn render(report: &Report<'_>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let notices = report.notices();
    let mut files = Vec::with_capacity(notices.len() + 1);
    let mut names = FileNames::default();
    names.claim("all");
    for notice in &notices {
        let mut doc = Writer::new(report.lang);
        doc.notice(report, notice, false);
        let id = &notice.file;
        let bytes = doc.finish().with_context(|| {
            crate::tr!(
                "生成站点 {id} 的整改通知书",
                "writing the rectification notice of site {id}"
            )
        })?;
        let name = format!("{}.docx", names.claim(id));
        files.push((PathBuf::from(FOLDER).join(name), bytes));
    }
    let mut all = Writer::new(report.lang);
    if notices.is_empty() {
        all.none(report);
    }
    for (i, notice) in notices.iter().enumerate() {
        all.notice(report, notice, i > 0);
    }
    let bytes = all.finish().with_context(|| {
        crate::tr!(
            "生成全部整改通知书的合订文档",
            "writing the document of all notices"
        )
    })?;
    files.push((PathBuf::from(FOLDER).join(ALL_FILE), bytes));
    Ok(files)
}

/// File stems from site ids: only ASCII letters, digits, `-` and `_`, unique ignoring case
/// (Windows and macOS folders ignore it), with a `~2` suffix on a clash.
#[derive(Default)]
struct FileNames {
    taken: HashSet<String>,
}

impl FileNames {
    fn claim(&mut self, id: &str) -> String {
        let cleaned: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if cleaned.is_empty() {
            "_".to_owned()
        } else {
            cleaned
        };
        let mut n = 1;
        loop {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}~{n}")
            };
            if self.taken.insert(name.to_ascii_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

/// Builds one document paragraph by paragraph.
struct Writer {
    lang: Lang,
    docx: Docx,
    /// The next paragraph id: set here, so that ids never depend on what else the thread
    /// built before.
    next_id: u32,
}

impl Writer {
    fn new(lang: Lang) -> Writer {
        let docx = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(851)
                    .footer(992),
            )
            .default_fonts(fonts(BODY_FONT))
            .default_size(BODY_SIZE)
            .created_at(FIXED_TIME)
            .updated_at(FIXED_TIME);
        Writer {
            lang,
            docx,
            next_id: 1,
        }
    }

    /// A new empty paragraph with the next id.
    fn paragraph(&mut self) -> Paragraph {
        let id = format!("{:08X}", self.next_id);
        self.next_id += 1;
        Paragraph::new().id(id)
    }

    fn push(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    /// A paragraph of body text at the body size.
    fn body(&mut self, text: &str) -> Paragraph {
        let p = self.paragraph().line_spacing(spacing(0, 0, 360));
        add_text(p, text, BODY_FONT, BODY_SIZE, false)
    }

    /// Appends one notice; `new_page` starts it on a new page.
    fn notice(&mut self, report: &Report<'_>, notice: &Notice<'_, '_>, new_page: bool) {
        let lang = self.lang;
        let site = notice.site;
        let r = site.record;

        let title = self
            .paragraph()
            .align(AlignmentType::Center)
            .page_break_before(new_page)
            .line_spacing(spacing(0, 240, 0));
        let title = add_text(
            title,
            lang.pick("整改通知书", "Rectification notice"),
            TITLE_FONT,
            TITLE_SIZE,
            true,
        );
        self.push(title);

        let number = self
            .body(&notice.number)
            .align(AlignmentType::Right)
            .line_spacing(spacing(0, 240, 360));
        self.push(number);

        let addressee = self.body(&format!("{}{}", r.name, lang.pick("：", ":")));
        self.push(addressee);

        let text = opening(report, notice, lang);
        let opening = self
            .body(&text)
            .align(AlignmentType::Both)
            // Two characters of the body size: 2 × 14 pt.
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(2 * 280)),
                None,
                None,
            );
        self.push(opening);

        let table = self.problems(notice);
        self.docx = std::mem::take(&mut self.docx).add_table(table);

        let rule = 5200;
        let signatures = [
            lang.pick("检查组签字：", "Inspection team:"),
            lang.pick("被检查单位负责人签字：", "Head of the inspected unit:"),
        ];
        for (i, label) in signatures.into_iter().enumerate() {
            let line = format!(
                "{label}__________\t{}__________",
                lang.pick("日期：", "Date: ")
            );
            let before = if i == 0 { 600 } else { 240 };
            let p = self
                .body(&line)
                .add_tab(Tab::new().val(TabValueType::Left).pos(rule))
                .line_spacing(spacing(before, 0, 360));
            self.push(p);
        }

        let issuer = self
            .body(lang.pick("签发单位（盖章）", "Issued by (seal)"))
            .align(AlignmentType::Right)
            .line_spacing(spacing(720, 0, 360));
        self.push(issuer);
        let date = self
            .body(&long_date(notice.issued_on, lang))
            .align(AlignmentType::Right);
        self.push(date);
    }

    /// The table of problems: exactly the notice's items, numbered.
    fn problems(&mut self, notice: &Notice<'_, '_>) -> Table {
        let lang = self.lang;
        let titles = [
            lang.pick("序号", "No."),
            lang.pick("条款", "Clause"),
            lang.pick("要求", "Requirement"),
            lang.pick("检查发现", "Finding"),
            lang.pick("整改要求", "Required action"),
        ];
        let head: Vec<TableCell> = titles
            .iter()
            .zip(COLUMNS)
            .map(|(title, width)| {
                let p = self
                    .cell_paragraph(title, true)
                    .align(AlignmentType::Center);
                TableCell::new()
                    .add_paragraph(p)
                    .width(width, WidthType::Dxa)
                    .vertical_align(VAlignType::Center)
                    .shading(Shading::new().fill("D9D9D9"))
            })
            .collect();
        let mut rows = vec![TableRow::new(head).cant_split()];
        for (i, o) in notice.problems.iter().enumerate() {
            let number = self
                .cell_paragraph(&(i + 1).to_string(), false)
                .align(AlignmentType::Center);
            let clause = self
                .cell_paragraph(&o.item.clause, false)
                .align(AlignmentType::Center);
            let requirement = self.cell_paragraph(o.item.label(lang), false);
            let finding: Vec<Paragraph> = finding_lines(o, lang)
                .iter()
                .map(|line| self.cell_paragraph(line, false))
                .collect();
            let fix = self.cell_paragraph(&required_fix(o, lang), false);
            let cells = vec![
                cell(vec![number], COLUMNS[0]).vertical_align(VAlignType::Center),
                cell(vec![clause], COLUMNS[1]).vertical_align(VAlignType::Center),
                cell(vec![requirement], COLUMNS[2]),
                cell(finding, COLUMNS[3]),
                cell(vec![fix], COLUMNS[4]),
            ];
            rows.push(TableRow::new(cells).cant_split());
        }
        let border = |position| TableBorder::new(position).size(4).color("000000");
        let borders = TableBorders::new()
            .set(border(TableBorderPosition::Top))
            .set(border(TableBorderPosition::Bottom))
            .set(border(TableBorderPosition::Left))
            .set(border(TableBorderPosition::Right))
            .set(border(TableBorderPosition::InsideH))
            .set(border(TableBorderPosition::InsideV));
        Table::new(rows)
            .set_grid(COLUMNS.to_vec())
            .width(TEXT_WIDTH, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
            .margins(TableCellMargins::new().margin(57, 85, 57, 85))
    }

    /// A paragraph in a table cell.
    fn cell_paragraph(&mut self, text: &str, bold: bool) -> Paragraph {
        let p = self.paragraph().line_spacing(spacing(0, 0, 240));
        add_text(p, text, BODY_FONT, TABLE_SIZE, bold)
    }

    /// The whole of a document when no site needs a notice.
    fn none(&mut self, report: &Report<'_>) {
        let lang = self.lang;
        let title = self.paragraph().align(AlignmentType::Center);
        let title = add_text(
            title,
            lang.pick("整改通知书", "Rectification notices"),
            TITLE_FONT,
            TITLE_SIZE,
            true,
        );
        self.push(title);
        let text = match lang {
            Lang::Zh => format!("{}：没有需要整改的站点。", report.title()),
            Lang::En => format!("{}: no site needs rectification.", report.title()),
        };
        let p = self.body(text.trim_start_matches(['：', ':']));
        self.push(p);
    }

    /// The packed document, with fixed properties and entry times.
    fn finish(self) -> Result<Vec<u8>> {
        let mut xml = self.docx.build();
        xml.doc_props.core = fix_core(&xml.doc_props.core);
        xml.styles = patch(&xml.styles, "</w:rPr></w:rPrDefault>", LANGUAGE, true);
        xml.settings = patch(&xml.settings, "</w:compat>", THEME_LANGUAGE, false);
        xml.font_table = patch(&xml.font_table, "</w:fonts>", CHINESE_FONTS, true);
        let mut out = Cursor::new(Vec::new());
        xml.pack(&mut out)
            .with_context(|| crate::tr!("打包文档", "packing the document"))?;
        let mut bytes = out.into_inner();
        fix_zip_times(&mut bytes).with_context(|| {
            crate::tr!(
                "修正文档中 zip 条目的时间",
                "fixing the document's zip entry times"
            )
        })?;
        Ok(bytes)
    }
}

/// The opening paragraph: when and by whom the site was inspected, against what, the
/// verdict, and by when to rectify.
fn opening(report: &Report<'_>, notice: &Notice<'_, '_>, lang: Lang) -> String {
    if let Some(text) = wording::later_notice_opening(report, notice) {
        return text;
    }
    let site = notice.site;
    let checklist = site.checklist;
    let days = report.run.campaign.rectification_working_days;
    let verdict = site.verdict.label(lang);
    let inspected = long_date(notice.issued_on, lang);
    let inspectors = notice.inspectors.clone();
    match lang {
        Lang::Zh => {
            let team = if inspectors.is_empty() {
                "检查组".to_owned()
            } else {
                format!("检查组（{inspectors}）")
            };
            // The source usually names its document in 《》 already, with its number after.
            let basis = if checklist.source.contains('《') {
                checklist.source.clone()
            } else if checklist.source.is_empty() {
                format!("《{}》", checklist.title)
            } else {
                format!("《{}》", checklist.source)
            };
            // A village station is a 便民服务站, not a 中心.
            let centre = if checklist.site_kind_name.ends_with('站') {
                "便民服务站"
            } else {
                "便民服务中心"
            };
            let by = wording::notice_deadline(notice.due, days, lang);
            format!(
                "{inspected}，{team}对你单位{centre}建设情况进行了检查验收，依据{basis}，\
                 存在以下问题，验收结论为{verdict}。{by}完成整改，整改完成后向县行政服务中心\
                 申请复查验收。"
            )
        }
        Lang::En => {
            let team = if inspectors.is_empty() {
                "the inspection team".to_owned()
            } else {
                format!("the inspection team ({inspectors})")
            };
            let basis = if checklist.source.is_empty() {
                checklist.label(lang).to_owned()
            } else {
                checklist.source.clone()
            };
            let by = wording::notice_deadline(notice.due, days, lang);
            format!(
                "On {inspected} {team} inspected the convenience service centre of your unit \
                 against {basis}. The problems below were found, and the verdict is: {verdict}. \
                 Please rectify them {by}, then apply to the county administrative service \
                 centre for re-inspection."
            )
        }
    }
}

/// What the inspectors found, line by line: the value observed, what is missing, the note.
fn finding_lines(o: &Outcome<'_>, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    let observed = o.observed(lang);
    if !observed.is_empty() {
        lines.push(observed);
    }
    if !o.missing.is_empty() {
        lines.push(format!(
            "{}{}",
            lang.pick("缺：", "missing: "),
            o.missing.join(lang.list_separator())
        ));
    }
    if let Some(note) = o.note() {
        lines.push(format!("{}{note}", lang.pick("备注：", "note: ")));
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
}

/// Latin and Chinese fonts for a run.
fn fonts(chinese: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .east_asia(chinese)
        .cs(LATIN_FONT)
}

/// Spacing before and after (in twentieths of a point) and the line height (240 = single;
/// 0 leaves it as it is).
fn spacing(before: u32, after: u32, line: i32) -> LineSpacing {
    let s = LineSpacing::new().before(before).after(after);
    if line > 0 {
        s.line(line).line_rule(LineSpacingType::Auto)
    } else {
        s
    }
}

/// Adds `text` as runs in the given font, a line break for each newline. Characters XML
/// cannot carry are dropped.
fn add_text(mut p: Paragraph, text: &str, font: &str, size: usize, bold: bool) -> Paragraph {
    for (i, line) in text.split('\n').enumerate() {
        let clean: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        let mut run = Run::new().fonts(fonts(font)).size(size);
        if bold {
            run = run.bold();
        }
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        for (j, part) in clean.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !part.is_empty() {
                run = run.add_text(part);
            }
        }
        p = p.add_run(run);
    }
    p
}

/// The language of the text, so that a program without the named fonts falls back on
/// Simplified Chinese glyphs rather than Japanese ones.
const LANGUAGE: &str = r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" />"#;
const THEME_LANGUAGE: &str = r#"<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN" />"#;

/// The Chinese fonts as Word describes them, so that a Word without them substitutes a
/// font of the same kind (a serif 宋体, a sans 黑体).
const CHINESE_FONTS: &str = concat!(
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun" />"#,
    r#"<w:panose1 w:val="02010600030101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="auto" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei" />"#,
    r#"<w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
);

/// Inserts `insert` before (or after) the first `marker` in a part the library built.
/// The parts are the library's own fixed output, so the marker is always there; the
/// tests check that the insertions happened.
fn patch(part: &[u8], marker: &str, insert: &str, before: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(part);
    let replacement = if before {
        format!("{insert}{marker}")
    } else {
        format!("{marker}{insert}")
    };
    text.replacen(marker, &replacement, 1).into_bytes()
}

/// Names yanshou as the author in `docProps/core.xml`: the library writes "unknown" and
/// has no setting for it.
fn fix_core(core: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(core);
    text.replace(
        "<dc:creator>unknown</dc:creator>",
        "<dc:creator>yanshou</dc:creator>",
    )
    .replace(
        "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
        "<cp:lastModifiedBy>yanshou</cp:lastModifiedBy>",
    )
    .into_bytes()
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn set_u16(bytes: &mut [u8], at: usize, value: u16) -> Option<()> {
    bytes
        .get_mut(at..at + 2)?
        .copy_from_slice(&value.to_le_bytes());
    Some(())
}

/// Sets the modification time of every entry of a zip archive, in its local header and its
/// central directory record, to 2020-01-01 00:00. The zip library stamps the current time
/// when built with its `time` feature, which another crate in the build may switch on.
fn fix_zip_times(zip: &mut [u8]) -> Result<()> {
    fix_times(zip)
        .with_context(|| crate::tr!("不是预期的 zip 压缩包", "not a zip archive as expected"))
}

fn fix_times(zip: &mut [u8]) -> Option<()> {
    const END: u32 = 0x0605_4b50;
    const CENTRAL: u32 = 0x0201_4b50;
    const LOCAL: u32 = 0x0403_4b50;
    // The end of central directory record, without a comment: the last 22 bytes.
    let end = zip.len().checked_sub(22)?;
    if u32_at(zip, end)? != END {
        return None;
    }
    let entries = usize::from(u16_at(zip, end + 10)?);
    let mut at = usize::try_from(u32_at(zip, end + 16)?).ok()?;
    for _ in 0..entries {
        if u32_at(zip, at)? != CENTRAL {
            return None;
        }
        set_u16(zip, at + 12, DOS_TIME)?;
        set_u16(zip, at + 14, DOS_DATE)?;
        let local = usize::try_from(u32_at(zip, at + 42)?).ok()?;
        if u32_at(zip, local)? != LOCAL {
            return None;
        }
        set_u16(zip, local + 10, DOS_TIME)?;
        set_u16(zip, local + 12, DOS_DATE)?;
        let name = usize::from(u16_at(zip, at + 28)?);
        let extra = usize::from(u16_at(zip, at + 30)?);
        let comment = usize::from(u16_at(zip, at + 32)?);
        at += 46 + name + extra + comment;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = Writer::new(Lang::Zh);
        let p = w.body("甲\n乙\t丙");
        w.push(p);
        w.finish().unwrap()
    }

    /// (name, time, date) of every central directory entry.
    fn entries(zip: &[u8]) -> Vec<(String, u16, u16)> {
        let end = zip.len() - 22;
        let n = usize::from(u16_at(zip, end + 10).unwrap());
        let mut at = usize::try_from(u32_at(zip, end + 16).unwrap()).unwrap();
        let mut out = Vec::new();
        for _ in 0..n {
            let name_len = usize::from(u16_at(zip, at + 28).unwrap());
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            out.push((
                name,
                u16_at(zip, at + 12).unwrap(),
                u16_at(zip, at + 14).unwrap(),
            ));
            let extra = usize::from(u16_at(zip, at + 30).unwrap());
            let comment = usize::from(u16_at(zip, at + 32).unwrap());
            at += 46 + name_len + extra + comment;
        }
        out
    }

    #[test]
    fn every_entry_is_dated_2020_01_01() {
        let zip = sample();
        let entries = entries(&zip);
        assert!(entries.iter().any(|(name, ..)| name == "word/document.xml"));
        for (name, time, date) in entries {
            assert_eq!((time, date), (DOS_TIME, DOS_DATE), "{name}");
        }
    }

    #[test]
    fn properties_name_yanshou_and_a_fixed_time() {
        let zip = sample();
        let text = String::from_utf8_lossy(&zip);
        assert!(text.contains("<dc:creator>yanshou</dc:creator>"));
        assert!(text.contains("<cp:lastModifiedBy>yanshou</cp:lastModifiedBy>"));
        assert!(text.contains(">2020-01-01T00:00:00Z</dcterms:created>"));
        assert!(text.contains(">2020-01-01T00:00:00Z</dcterms:modified>"));
        assert!(!text.contains("unknown"));
    }

    #[test]
    fn text_is_marked_simplified_chinese_and_fonts_are_described() {
        let zip = sample();
        let text = String::from_utf8_lossy(&zip);
        assert!(text.contains(&format!("{LANGUAGE}</w:rPr></w:rPrDefault>")));
        assert!(text.contains(&format!("</w:compat>{THEME_LANGUAGE}")));
        assert!(text.contains(&format!("{CHINESE_FONTS}</w:fonts>")));
    }

    #[test]
    fn the_same_document_gives_the_same_bytes_whatever_was_built_before() {
        let first = sample();
        // Paragraphs made in between move the library's own paragraph id counter.
        for _ in 0..5 {
            let _ = Paragraph::new();
        }
        assert_eq!(first, sample());
    }

    #[test]
    fn file_names_are_unique_ignoring_case() {
        let mut names = FileNames::default();
        assert_eq!(names.claim("all"), "all");
        assert_eq!(names.claim("ALL"), "ALL~2");
        assert_eq!(names.claim("wenliu"), "wenliu");
        assert_eq!(names.claim("a/b.c"), "a_b_c");
        assert_eq!(names.claim(""), "_");
    }

    #[test]
    fn newlines_become_breaks_and_control_characters_go() {
        let p = add_text(Paragraph::new(), "a\nb\u{1}c", BODY_FONT, BODY_SIZE, false);
        assert_eq!(p.raw_text(), "a\nbc");
        assert_eq!(p.children().len(), 2);
    }
}
