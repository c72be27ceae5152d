//! Rectification notices (整改通知书) as Word documents, in the form county offices send
//! them: `docx/<site id>.docx` for each notice and `docx/all.docx` with every notice, each
//! starting on a new page, to print in one go.
//!
//! The layout is that of GB/T 9704-2012 (党政机关公文格式): A4 with the text block 156 ×
//! 225 mm set 37 mm from the top and 28 mm from the left; 22 lines of 28 characters of 3号
//! 仿宋 on a document grid of 28.95 pt; the title in 2号 小标宋; the document number
//! (发文字号) under it; the signing office centred over the date of issue, with room for
//! the seal above them; the 抄送 lines of the 版记 when the campaign names offices to copy
//! to; page numbers "— 1 —" in 4号 宋体, right on odd pages and left on even ones. Every
//! paragraph has a named style and every run names its fonts, so that Word, WPS and
//! LibreOffice show it as written, each substituting a font of the same kind (the font
//! table describes each Chinese font and names the one to use instead) when the exact one
//! is not installed, and staff can edit it before stamping. The text is the HTML notice's,
//! from the same `wording` functions.
//!
//! The bytes are fixed by the report alone: document properties carry 2020-01-01T00:00:00Z
//! and the author yanshou, paragraph ids are numbered here rather than by the library's
//! per-thread counter, and the zip entries' timestamps are set to the same date.

use crate::render::labels::Column;
use std::collections::HashSet;
use std::io::Cursor;
use std::path::PathBuf;

use anyhow::{Context, Result};
use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, Footer, LineSpacing, LineSpacingType,
    PageMargin, PageNum, PageNumType, Paragraph, Pic, Run, RunFonts, SpecialIndentType, Style,
    StyleType, Tab, TabValueType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::{Attached, Notice, Report, image, wording};
use crate::lang::Lang;

/// The folder the notices go in, inside the output folder.
pub const FOLDER: &str = "docx";

/// The file holding every notice.
pub const ALL_FILE: &str = "all.docx";

/// When every document says it was made and last changed.
const FIXED_TIME: &str = "2020-01-01T00:00:00Z";

/// The same moment for zip entries, in MS-DOS form: date (year − 1980, month, day) and time.
const DOS_DATE: u16 = ((2020 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// A4 in twentieths of a point (twips).
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704-2012 5.2.1: top 37 mm, left 28 mm, a text block of 156 × 225 mm, which leaves
/// 26 mm on the right and 35 mm at the bottom (1 mm = 56.69 twips).
pub const MARGIN_TOP: i32 = 2098;
/// The bottom margin: 35 mm.
pub const MARGIN_BOTTOM: i32 = 1984;
/// The left margin: 28 mm.
pub const MARGIN_LEFT: i32 = 1587;
/// The right margin: 26 mm.
pub const MARGIN_RIGHT: i32 = 1474;
/// The width text runs in: 156 mm.
const TEXT_WIDTH: usize = (PAGE_WIDTH as usize) - (MARGIN_LEFT as usize) - (MARGIN_RIGHT as usize);
/// From the page's foot to the page number's line: the number stands 7 mm under the text
/// block (5.2.4), and its line of 4号 is about 6 mm high.
const FOOTER: i32 = 1247;

/// The line pitch of the body: 225 mm over 22 lines, 28.95 pt, as the document's line
/// grid and as an exact line height.
const LINE: i32 = 579;
/// Characters of the body are set a quarter point closer (in twips), so that 28 of them
/// fill the 156 mm line (15.75 pt each). A character grid (`linesAndChars`) would do the
/// same in Word, but LibreOffice spreads the characters of such a grid a third apart.
const TIGHTEN: i32 = -5;
/// One character of the body, in twips, for indents.
const CHAR: i32 = 315;

/// Font sizes in half points: 2号 for the title, 3号 for the text, 4号 for page numbers
/// and the 版记, 小四 in the table of problems.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const RECORD_SIZE: usize = 28;
const TABLE_SIZE: usize = 24;

/// Chinese fonts by the names Word and WPS list them under, with a Latin font beside:
/// 仿宋_GB2312 for the text, 方正小标宋简体 for the title, 宋体 for page numbers. The
/// font table names what to use when one is missing ([`CHINESE_FONTS`]).
pub const BODY_FONT: &str = "仿宋_GB2312";
/// The title's font.
pub const TITLE_FONT: &str = "方正小标宋简体";
const NUMBER_FONT: &str = "宋体";
/// The font of the word 附件 heading an attachment (3号黑体, GB/T 9704 8).
const LABEL_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

/// The box a photo of the attachment fits, in tenths of a millimetre: the 156 mm text
/// width and 100 mm high, so that two photos and their captions share a page.
const PHOTO_BOX: (u32, u32) = (1560, 1000);
/// English Metric Units in a tenth of a millimetre.
const EMU_PER_TENTH_MM: u32 = 3600;

/// Widths of the problem table's columns: 序号, 条款, 要求, 检查发现, 整改要求; they add
/// up to the text width.
const COLUMNS: [usize; 5] = [680, 960, 2455, 2450, 2300];

/// A line to sign or date on.
const BLANK: &str = "____________";
/// Where the date of a signature line starts, in twips from the margin: after the longest
/// label (被检查单位负责人签字：) and its line.
const DATE_TAB: usize = 5600;

/// Paragraph styles, by id: every paragraph names one, so that the document's structure
/// shows in Word's style pane and a clerk can restyle all notices at once.
mod styles {
    pub const TITLE: &str = "Title";
    pub const NUMBER: &str = "DocumentNumber";
    pub const ADDRESSEE: &str = "Salutation";
    pub const BODY: &str = "BodyText";
    pub const SIGN: &str = "SignatureLine";
    pub const ISSUER: &str = "Signature";
    pub const TABLE: &str = "TableText";
    pub const TABLE_HEADING: &str = "TableHeading";
    pub const RECORD: &str = "CopyTo";
    pub const ATTACHMENT: &str = "AttachmentLabel";
    pub const FIGURE: &str = "Figure";
    pub const CAPTION: &str = "Caption";
    pub const FOOTER: &str = "Footer";
}

/// The files of this format: one document per notice and one with all of them.
pub fn render(report: &Report<'_>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let notices = report.notices();
    let mut files = Vec::with_capacity(notices.len() + 1);
    let mut names = FileNames::default();
    names.claim("all");
    for notice in &notices {
        let title = format!(
            "{} {} {}",
            report.lang.pick("整改通知书", "Rectification notice"),
            notice.site.record.name,
            notice.number
        );
        let mut doc = Writer::new(report.lang, title);
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
    let title = match report.lang {
        Lang::Zh => format!("{}：全部整改通知书", report.title()),
        Lang::En => format!("{}: all rectification notices", report.title()),
    };
    let mut all = Writer::new(report.lang, title);
    if notices.is_empty() {
        all.none(report);
    }
    for (i, notice) in notices.iter().enumerate() {
        all.notice(report, notice, i > 0);
        if i + 1 < notices.len() {
            all.end_section();
        }
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
    /// The document's title property (File › Properties › Title).
    title: String,
    /// The next paragraph id: set here, so that ids never depend on what else the thread
    /// built before.
    next_id: u32,
    /// The next picture's number, for its relationship id: set here for the same reason.
    next_pic: u32,
}

impl Writer {
    fn new(lang: Lang, title: String) -> Writer {
        let mut docx = Docx::new()
            .page_size(PAGE_WIDTH, PAGE_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(851)
                    .footer(FOOTER),
            )
            .default_fonts(fonts(BODY_FONT))
            .default_size(BODY_SIZE)
            .page_num_type(PageNumType::new().start(1))
            .footer(page_number(AlignmentType::Right, "7FFFFFFE"))
            .even_footer(page_number(AlignmentType::Left, "7FFFFFFF"))
            .created_at(FIXED_TIME)
            .updated_at(FIXED_TIME);
        for style in paragraph_styles() {
            docx = docx.add_style(style);
        }
        docx.document = std::mem::take(&mut docx.document).doc_grid(
            DocGrid::new()
                .grid_type(DocGridType::Lines)
                .line_pitch(LINE as usize),
        );
        Writer {
            lang,
            docx,
            title,
            next_id: 1,
            next_pic: 1,
        }
    }

    /// A new empty paragraph of a style, with the next id.
    fn paragraph(&mut self, style: &str) -> Paragraph {
        let id = format!("{:08X}", self.next_id);
        self.next_id += 1;
        Paragraph::new().id(id).style(style)
    }

    fn push(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    /// A paragraph of body text in a style.
    fn text(&mut self, style: &str, text: &str) -> Paragraph {
        let p = self.paragraph(style);
        add_text(p, text, BODY_FONT, BODY_SIZE, false)
    }

    /// Appends one notice; `new_page` starts it on a new page.
    fn notice(&mut self, report: &Report<'_>, notice: &Notice<'_, '_>, new_page: bool) {
        let lang = self.lang;
        let site = notice.site;

        let title = self.paragraph(styles::TITLE).page_break_before(new_page);
        let title = add_text(
            title,
            lang.pick("整改通知书", "Rectification notice"),
            TITLE_FONT,
            TITLE_SIZE,
            false,
        );
        self.push(title);
        let number = self.text(styles::NUMBER, &notice.number);
        self.push(number);
        let addressee = self.text(styles::ADDRESSEE, &wording::addressee(site, lang));
        self.push(addressee);
        let opening = self.text(styles::BODY, &wording::notice_paragraph(report, notice));
        self.push(opening);

        let table = self.problems(notice);
        self.docx = std::mem::take(&mut self.docx).add_table(table);

        // The last line of the text (特此通知。), the signature lines, the office and the
        // date stay on one page: the seal never stands on a page without text (GB/T 9704
        // 7.3.5.4).
        let closing = wording::notice_closing(report, notice);
        for (i, line) in closing.iter().enumerate() {
            let p = self
                .text(styles::BODY, line)
                .keep_next(i + 1 == closing.len());
            self.push(p);
        }
        // The attachment announced a line under the text, two characters in (GB/T 9704
        // 7.3.4).
        let attached = report.attached(notice);
        let attachment = wording::has_attachment(&attached);
        if attachment {
            let gap = self.paragraph(styles::BODY).keep_next(true);
            self.push(gap);
            let line = self
                .text(styles::BODY, &wording::attachment_line(lang))
                .keep_next(true);
            self.push(line);
        }

        let signatures = [
            lang.pick("检查组签字：", "Inspection team: "),
            lang.pick("被检查单位负责人签字：", "Head of the inspected site: "),
        ];
        for (i, label) in signatures.into_iter().enumerate() {
            let line = format!("{label}{BLANK}\t{}{BLANK}", lang.pick("日期：", "Date: "));
            let mut p = self
                .text(styles::SIGN, &line)
                .keep_next(true)
                .add_tab(Tab::new().val(TabValueType::Left).pos(DATE_TAB));
            if i == 0 {
                p = p.line_spacing(spacing(LINE as u32, 0));
            }
            self.push(p);
        }

        // The signing office centred over the date, the date four characters from the
        // right margin, and three lines above them for the seal (GB/T 9704 7.3.5.1).
        let issuer = wording::notice_issuer(report);
        let date = wording::notice_date(notice, lang);
        let indent = (wording::issuer_indent(&issuer, &date) * f64::from(CHAR)).round() as i32;
        let office = self
            .text(styles::ISSUER, &issuer)
            .keep_next(true)
            .indent(None, None, Some(indent), None)
            .line_spacing(spacing(3 * LINE as u32, 0));
        self.push(office);
        let date = self
            .text(styles::ISSUER, &date)
            .indent(None, None, Some(4 * CHAR), None);
        self.push(date);

        if attachment {
            self.attachment(&attached);
        }
        if let Some(record) = self.record(report, notice) {
            let gap = self.paragraph(styles::BODY);
            self.push(gap);
            self.docx = std::mem::take(&mut self.docx).add_table(record);
        }
    }

    /// The attachment 附件：问题照片 on a page of its own after the date (GB/T 9704 7.3.6 and 8):
    /// 附件 in 3号黑体 at the top left, the title centred on the second line, then each photo
    /// fitted to the text width and 100 mm high with its caption, and the evidence that is
    /// not a photo listed by name.
    fn attachment(&mut self, attached: &[Attached<'_, '_>]) {
        let lang = self.lang;
        let label = self
            .paragraph(styles::ATTACHMENT)
            .page_break_before(true)
            .keep_next(true);
        let label = add_text(
            label,
            wording::attachment_label(lang),
            LABEL_FONT,
            BODY_SIZE,
            false,
        );
        self.push(label);
        let title = self
            .paragraph(styles::TITLE)
            .keep_next(true)
            .line_spacing(spacing(0, LINE as u32));
        let title = add_text(
            title,
            wording::attachment_title(lang),
            TITLE_FONT,
            TITLE_SIZE,
            false,
        );
        self.push(title);
        let mut figure = 0;
        for a in attached {
            let Some(photo) = &a.photo else { continue };
            figure += 1;
            let (w, h) = image::fit(photo.pixels.0, photo.pixels.1, PHOTO_BOX.0, PHOTO_BOX.1);
            let id = format!("rIdImage{}", self.next_pic);
            self.next_pic += 1;
            let pic =
                Pic::new_with_dimensions(photo.bytes.to_vec(), photo.pixels.0, photo.pixels.1)
                    .id(id)
                    .size(w * EMU_PER_TENTH_MM, h * EMU_PER_TENTH_MM);
            let p = self
                .paragraph(styles::FIGURE)
                .keep_next(true)
                .add_run(Run::new().add_image(pic));
            self.push(p);
            let caption = self.paragraph(styles::CAPTION);
            let caption = add_text(
                caption,
                &wording::photo_caption(figure, a, lang),
                BODY_FONT,
                TABLE_SIZE,
                false,
            );
            self.push(caption);
        }
        let rest: Vec<&Attached<'_, '_>> = attached.iter().filter(|a| a.photo.is_none()).collect();
        if !rest.is_empty() {
            let heading = self.text(styles::BODY, wording::unprinted_heading(lang));
            self.push(heading.keep_next(true));
            for a in rest {
                let p = self.text(styles::BODY, &wording::unprinted_line(a, lang));
                self.push(p);
            }
        }
    }

    /// Ends the section of a notice in the document of all notices, so that the next one
    /// is numbered from page 1 again: a paragraph of a point's height holding the page
    /// settings (the footers are the document's).
    fn end_section(&mut self) {
        let section = self
            .docx
            .document
            .section_property
            .clone()
            .page_num_type(PageNumType::new().start(1));
        let p = self
            .paragraph(styles::BODY)
            .line_spacing(
                LineSpacing::new()
                    .line(20)
                    .line_rule(LineSpacingType::Exact),
            )
            .size(2)
            .section_property(section);
        self.push(p);
    }

    /// The 版记 (GB/T 9704 7.4): the 抄送 line and the 印发 line between a thick rule above,
    /// a thin one between and a thick one below, when the campaign names offices to copy to.
    fn record(&mut self, report: &Report<'_>, notice: &Notice<'_, '_>) -> Option<Table> {
        let copy_to = wording::copy_to_line(report)?;
        let inset = RECORD_SIZE as i32 * 10;
        let line = |w: &mut Writer, text: &str| {
            let p = w
                .paragraph(styles::RECORD)
                .indent(Some(inset), None, Some(inset), None);
            add_text(p, text, BODY_FONT, RECORD_SIZE, false)
        };
        let mut rows = vec![TableRow::new(vec![cell(
            vec![line(self, &copy_to)],
            TEXT_WIDTH,
        )])];
        if let Some((office, day)) = wording::printed_line(report, notice) {
            let p = line(self, &format!("{office}\t{day}")).add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos(TEXT_WIDTH - inset as usize),
            );
            rows.push(TableRow::new(vec![cell(vec![p], TEXT_WIDTH)]));
        }
        let thick = |position| TableBorder::new(position).size(8).color("000000");
        let borders = TableBorders::with_empty()
            .set(thick(TableBorderPosition::Top))
            .set(thick(TableBorderPosition::Bottom))
            .set(
                TableBorder::new(TableBorderPosition::InsideH)
                    .size(4)
                    .color("000000"),
            );
        Some(
            Table::new(rows)
                .set_grid(vec![TEXT_WIDTH])
                .width(TEXT_WIDTH, WidthType::Dxa)
                .layout(TableLayoutType::Fixed)
                .set_borders(borders)
                .margins(TableCellMargins::new().margin(0, 0, 0, 0)),
        )
    }

    /// The table of problems: exactly the notice's items, numbered, its heading row
    /// repeated on every page the table runs over.
    fn problems(&mut self, notice: &Notice<'_, '_>) -> Table {
        let lang = self.lang;
        let titles = [
            lang.pick("序号", "No."),
            Column::Clause.heading(lang),
            Column::Requirement.heading(lang),
            lang.pick("检查发现", "Found"),
            lang.pick("整改要求", "Required"),
        ];
        let head: Vec<TableCell> = titles
            .iter()
            .zip(COLUMNS)
            .map(|(title, width)| {
                let p = self.cell_paragraph(styles::TABLE_HEADING, title, true);
                cell(vec![p], width).vertical_align(VAlignType::Center)
            })
            .collect();
        let mut rows = vec![TableRow::new(head).cant_split()];
        for (i, o) in notice.problems.iter().enumerate() {
            let number = self
                .cell_paragraph(styles::TABLE, &(i + 1).to_string(), false)
                .align(AlignmentType::Center);
            let clause = self
                .cell_paragraph(styles::TABLE, &o.item.clause, false)
                .align(AlignmentType::Center);
            let requirement = self.cell_paragraph(styles::TABLE, o.item.label(lang), false);
            let mut finding: Vec<Paragraph> =
                wording::notice_finding_lines(o, notice.issued_on, lang)
                    .iter()
                    .map(|line| self.cell_paragraph(styles::TABLE, line, false))
                    .collect();
            if finding.is_empty() {
                finding.push(self.cell_paragraph(styles::TABLE, "—", false));
            }
            let fix = self.cell_paragraph(styles::TABLE, &wording::required_fix(o, lang), false);
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
    fn cell_paragraph(&mut self, style: &str, text: &str, bold: bool) -> Paragraph {
        let p = self.paragraph(style);
        add_text(p, text, BODY_FONT, TABLE_SIZE, bold)
    }

    /// The whole of a document when no site needs a notice.
    fn none(&mut self, report: &Report<'_>) {
        let lang = self.lang;
        let title = self.paragraph(styles::TITLE);
        let title = add_text(
            title,
            lang.pick("整改通知书", "Rectification notices"),
            TITLE_FONT,
            TITLE_SIZE,
            false,
        );
        self.push(title);
        let text = match lang {
            Lang::Zh => format!("{}：没有需要整改的站点。", report.title()),
            Lang::En => format!("{}: no site needs rectification.", report.title()),
        };
        let p = self.text(styles::BODY, text.trim_start_matches(['：', ':']));
        self.push(p);
    }

    /// The packed document, with fixed properties and entry times.
    fn finish(self) -> Result<Vec<u8>> {
        let mut xml = self.docx.build();
        xml.doc_props.core = fix_core(&xml.doc_props.core, &self.title);
        xml.styles = patch(&xml.styles, "</w:rPr></w:rPrDefault>", LANGUAGE, true);
        xml.settings = patch(&xml.settings, "</w:compat>", THEME_LANGUAGE, false);
        xml.font_table = patch(&xml.font_table, "</w:fonts>", CHINESE_FONTS, true);
        xml.document = number_drawings(&repeat_heading_rows(&xml.document));
        // The library names every picture `.png`; a JPEG keeps its bytes and gets its name.
        let mut renames = Vec::new();
        for (id, bytes) in &xml.media {
            if image::pixel_size(bytes).is_some_and(|(kind, ..)| kind == image::Kind::Jpeg) {
                let (png, jpg) = (format!("media/{id}.png"), format!("media/{id}.jpg"));
                xml.document_rels = String::from_utf8_lossy(&xml.document_rels)
                    .replace(&format!("\"{png}\""), &format!("\"{jpg}\""))
                    .into_bytes();
                renames.push((format!("word/{png}"), format!("word/{jpg}")));
            }
        }
        if !renames.is_empty() {
            xml.content_type = patch(&xml.content_type, "</Types>", JPG_TYPE, true);
        }
        let mut out = Cursor::new(Vec::new());
        xml.pack(&mut out)
            .with_context(|| crate::tr!("打包文档", "packing the document"))?;
        let mut bytes = out.into_inner();
        fix_zip(&mut bytes, &renames).with_context(|| {
            crate::tr!(
                "修正文档中 zip 条目的时间",
                "fixing the document's zip entry times"
            )
        })?;
        Ok(bytes)
    }
}

/// The footer of odd (`Right`) or even (`Left`) pages: "— 1 —", one character in from the
/// margin (GB/T 9704 7.5). Its paragraph id is fixed, above those of the body.
fn page_number(side: AlignmentType, id: &str) -> Footer {
    let inset = Some(RECORD_SIZE as i32 * 10);
    let (left, right) = match side {
        AlignmentType::Left => (inset, None),
        _ => (None, inset),
    };
    let dash = |text: &str| {
        Run::new()
            .fonts(fonts(NUMBER_FONT).hint("eastAsia"))
            .size(RECORD_SIZE)
            .add_text(text)
    };
    let p = Paragraph::new()
        .id(id)
        .style(styles::FOOTER)
        .align(side)
        .indent(left, None, right, None)
        .add_run(dash("— "))
        .add_page_num(PageNum::new())
        .add_run(dash(" —"));
    Footer::new().add_paragraph(p)
}

/// The named paragraph styles every notice uses.
fn paragraph_styles() -> Vec<Style> {
    let style = |id: &str, name: &str, font: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .fonts(fonts(font))
            .size(size)
            .snap_to_grid(true)
            .line_spacing(spacing(0, 0))
    };
    vec![
        // Off the grid, or LibreOffice gives the 22 pt title two lines of the grid.
        style(styles::TITLE, "Title", TITLE_FONT, TITLE_SIZE)
            .snap_to_grid(false)
            .align(AlignmentType::Center)
            .next(styles::NUMBER),
        style(styles::NUMBER, "Document Number", BODY_FONT, BODY_SIZE)
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, LINE as u32)),
        style(styles::ADDRESSEE, "Salutation", BODY_FONT, BODY_SIZE),
        style(styles::BODY, "Body Text", BODY_FONT, BODY_SIZE)
            .align(AlignmentType::Both)
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(2 * CHAR)),
                None,
                None,
            ),
        style(styles::SIGN, "Signature Line", BODY_FONT, BODY_SIZE),
        style(styles::ISSUER, "Signature", BODY_FONT, BODY_SIZE).align(AlignmentType::Right),
        style(styles::TABLE, "Table Text", BODY_FONT, TABLE_SIZE)
            .snap_to_grid(false)
            .line_spacing(
                LineSpacing::new()
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            ),
        style(
            styles::TABLE_HEADING,
            "Table Heading",
            BODY_FONT,
            TABLE_SIZE,
        )
        .snap_to_grid(false)
        .bold()
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line(240)
                .line_rule(LineSpacingType::Auto),
        ),
        style(styles::RECORD, "Copy To", BODY_FONT, RECORD_SIZE),
        style(
            styles::ATTACHMENT,
            "Attachment Label",
            LABEL_FONT,
            BODY_SIZE,
        ),
        // Off the grid and on lines as high as the picture, or the exact line height of the
        // body would crop it.
        style(styles::FIGURE, "Figure", BODY_FONT, BODY_SIZE)
            .snap_to_grid(false)
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .before(LINE as u32 / 2)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            ),
        style(styles::CAPTION, "Caption", BODY_FONT, TABLE_SIZE)
            .snap_to_grid(false)
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .before(60)
                    .after(LINE as u32 / 2)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            ),
        style(styles::FOOTER, "footer", NUMBER_FONT, RECORD_SIZE).snap_to_grid(false),
    ]
}

/// Marks every table row whose cells are headings as a heading row (`w:tblHeader`), which
/// Word, WPS and LibreOffice repeat at the top of each page a table runs over; the library
/// has no setting for it.
fn repeat_heading_rows(document: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(document);
    let heading = format!("w:val=\"{}\"", styles::TABLE_HEADING);
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest: &str = &text;
    while let Some(start) = rest.find("<w:tr>") {
        let end = rest[start..]
            .find("</w:tr>")
            .map_or(rest.len(), |e| start + e);
        let row = &rest[start..end];
        out.push_str(&rest[..start]);
        if row.contains(&heading) {
            out.push_str(&row.replacen("<w:trPr>", "<w:trPr><w:tblHeader />", 1));
        } else {
            out.push_str(row);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.into_bytes()
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

/// Spacing before and after, in twips, on the exact line pitch of the body.
fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before)
        .after(after)
        .line(LINE)
        .line_rule(LineSpacingType::Exact)
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
        if size == BODY_SIZE {
            run = run.character_spacing(TIGHTEN);
        }
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

/// The Chinese fonts as Word describes them, each with the font to use in its place
/// (`altName`) and its kind, so that a Word or WPS without 仿宋_GB2312 sets the text in
/// 仿宋 (FangSong, on every Chinese Windows), one without 方正小标宋简体 substitutes
/// FZXiaoBiaoSong-B05S or a font of its class, and LibreOffice picks a Simplified Chinese
/// serif by the language of the text.
pub const CHINESE_FONTS: &str = concat!(
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋" />"#,
    r#"<w:panose1 w:val="02010609030101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="仿宋"><w:altName w:val="FangSong" />"#,
    r#"<w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="FZXiaoBiaoSong-B05S" />"#,
    r#"<w:panose1 w:val="02000000000000000000" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei" />"#,
    r#"<w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun" />"#,
    r#"<w:panose1 w:val="02010600030101010101" /><w:charset w:val="86" />"#,
    r#"<w:family w:val="auto" /><w:pitch w:val="variable" /></w:font>"#,
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

/// Names yanshou as the author in `docProps/core.xml` (the library writes "unknown" and
/// has no setting for it) and gives the document its title.
fn fix_core(core: &[u8], title: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(core);
    let title = format!(
        "<dc:title>{}</dc:title></cp:coreProperties>",
        super::html::escape(title)
    );
    text.replace(
        "<dc:creator>unknown</dc:creator>",
        "<dc:creator>yanshou</dc:creator>",
    )
    .replace(
        "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
        "<cp:lastModifiedBy>yanshou</cp:lastModifiedBy>",
    )
    .replacen("</cp:coreProperties>", &title, 1)
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

/// The content type of `.jpg` parts, which the library does not declare.
const JPG_TYPE: &str = r#"<Default Extension="jpg" ContentType="image/jpeg" />"#;

/// Numbers the pictures of a document 1, 2, … (`wp:docPr`): the library gives every one
/// the id 1, and ids of drawing objects must differ for Word to open the file unrepaired.
fn number_drawings(document: &[u8]) -> Vec<u8> {
    const DRAWING: &str = r#"<wp:docPr id="1" name="Figure" />"#;
    let text = String::from_utf8_lossy(document);
    let mut parts = text.split(DRAWING);
    let mut out = parts.next().unwrap_or_default().to_owned();
    for (n, part) in parts.enumerate() {
        out.push_str(&format!(
            r#"<wp:docPr id="{}" name="Picture {}" />"#,
            n + 1,
            n + 1
        ));
        out.push_str(part);
    }
    out.into_bytes()
}

/// Sets the modification time of every entry of a zip archive, in its local header and its
/// central directory record, to 2020-01-01 00:00, and gives the entries of `renames` their
/// new names of the same length. The zip library stamps the current time when built with
/// its `time` feature, which another crate in the build may switch on.
fn fix_zip(zip: &mut [u8], renames: &[(String, String)]) -> Result<()> {
    fix_entries(zip, renames)
        .with_context(|| crate::tr!("不是预期的 zip 压缩包", "not a zip archive as expected"))
}

fn fix_entries(zip: &mut [u8], renames: &[(String, String)]) -> Option<()> {
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
        let current = zip.get(at + 46..at + 46 + name)?.to_vec();
        if let Some((_, to)) = renames.iter().find(|(from, _)| from.as_bytes() == current)
            && to.len() == name
            && usize::from(u16_at(zip, local + 26)?) == name
        {
            zip.get_mut(at + 46..at + 46 + name)?
                .copy_from_slice(to.as_bytes());
            zip.get_mut(local + 30..local + 30 + name)?
                .copy_from_slice(to.as_bytes());
        }
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
        let mut w = Writer::new(Lang::Zh, "标题".to_owned());
        let p = w.text(styles::BODY, "甲\n乙\t丙");
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
    fn the_page_is_a4_with_the_margins_and_line_grid_of_gbt_9704() {
        let text = String::from_utf8_lossy(&sample()).into_owned();
        assert!(text.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#), "A4");
        assert!(
            text.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" "#),
            "37 mm top, 26 mm right, 35 mm bottom, 28 mm left"
        );
        // 156 × 225 mm of text: 8845 × 12756 twips, 22 lines of 579.
        assert_eq!(TEXT_WIDTH, 8845);
        assert_eq!((PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM) / LINE, 22);
        assert!(
            TEXT_WIDTH as i32 / (16 * 20 + TIGHTEN) >= 28,
            "28 characters a line"
        );
        assert_eq!(COLUMNS.iter().sum::<usize>(), TEXT_WIDTH);
        assert!(text.contains(r#"<w:docGrid w:type="lines" w:linePitch="579" />"#));
        assert!(text.contains(r#"w:line="579" w:lineRule="exact""#));
    }

    #[test]
    fn body_and_title_fonts_are_named_with_their_substitutes() {
        let text = String::from_utf8_lossy(&sample()).into_owned();
        // 3号 仿宋 for the body, 2号 小标宋 for the title, 4号 宋体 for page numbers.
        assert!(text.contains(r#"w:eastAsia="仿宋_GB2312""#));
        assert!(text.contains(r#"<w:sz w:val="32" />"#));
        let title = text.split("w:styleId=\"Title\"").nth(1).unwrap();
        let title = &title[..title.find("</w:style>").unwrap()];
        assert!(title.contains(r#"w:eastAsia="方正小标宋简体""#), "{title}");
        assert!(title.contains(r#"<w:sz w:val="44" />"#), "{title}");
        assert!(text.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋" />"#));
        assert!(text.contains(r#"<w:altName w:val="FZXiaoBiaoSong-B05S" />"#));
    }

    #[test]
    fn pages_are_numbered_dash_number_dash_right_on_odd_and_left_on_even_pages() {
        let text = String::from_utf8_lossy(&sample()).into_owned();
        assert!(text.contains(r#"<w:footerReference w:type="default""#));
        assert!(text.contains(r#"<w:footerReference w:type="even""#));
        assert!(text.contains("<w:evenAndOddHeaders />"));
        assert_eq!(text.matches("<w:instrText>PAGE</w:instrText>").count(), 2);
        assert_eq!(text.matches(">— </w:t>").count(), 2);
        assert_eq!(text.matches("> —</w:t>").count(), 2);
        assert!(text.contains(r#"<w:jc w:val="right" /><w:ind w:left="0" w:right="280" />"#));
    }

    #[test]
    fn every_paragraph_has_a_style_and_heading_rows_repeat() {
        let xml = br#"<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc><w:p><w:pPr><w:pStyle w:val="TableHeading" /></w:pPr></w:p></w:tc></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc><w:p><w:pPr><w:pStyle w:val="TableText" /></w:pPr></w:p></w:tc></w:tr></w:tbl>"#;
        let out = String::from_utf8(repeat_heading_rows(xml)).unwrap();
        assert_eq!(out.matches("<w:tblHeader />").count(), 1, "{out}");
        assert!(out.starts_with("<w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit />"));
        let text = String::from_utf8_lossy(&sample()).into_owned();
        for style in [
            styles::TITLE,
            styles::BODY,
            styles::TABLE_HEADING,
            styles::ISSUER,
        ] {
            assert!(
                text.contains(&format!(r#"w:styleId="{style}""#)),
                "style {style} is defined"
            );
        }
        assert!(text.contains("<dc:title>标题</dc:title>"));
    }

    #[test]
    fn a_jpeg_keeps_its_bytes_under_a_jpg_name_and_pictures_get_distinct_ids() {
        // SOI and a baseline frame of 32 × 16 pixels, then EOI.
        let jpeg = vec![
            0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 32, 1, 1, 0x11, 0, 0xFF, 0xD9,
        ];
        let mut w = Writer::new(Lang::Zh, "图".to_owned());
        for n in 1..=2 {
            let pic = Pic::new_with_dimensions(jpeg.clone(), 32, 16).id(format!("rIdImage{n}"));
            let p = w
                .paragraph(styles::FIGURE)
                .add_run(Run::new().add_image(pic));
            w.push(p);
        }
        let zip = w.finish().unwrap();
        let names: Vec<String> = entries(&zip).into_iter().map(|(n, ..)| n).collect();
        assert!(
            names.contains(&"word/media/rIdImage1.jpg".to_owned()),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n.ends_with(".png")), "{names:?}");
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut archive.by_name("word/media/rIdImage1.jpg").unwrap(),
            &mut bytes,
        )
        .unwrap();
        assert_eq!(bytes, jpeg);
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
            text
        };

        assert!(read("[Content_Types].xml").contains(JPG_TYPE));
        assert!(read("word/_rels/document.xml.rels").contains("\"media/rIdImage1.jpg\""));
        let document = read("word/document.xml");
        assert!(document.contains(r#"<wp:docPr id="1" name="Picture 1" />"#));
        assert!(document.contains(r#"<wp:docPr id="2" name="Picture 2" />"#));
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
