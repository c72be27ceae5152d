//! Excel workbooks in the wide layout: the blank form `yanshou template --format xlsx`
//! writes, and [`records_workbook`], which `convert` uses to write filled-in records.
//!
//! Both share one records sheet: row 1 the column keys, row 2 the titles (wrapped, bold),
//! panes frozen below the titles and right of the site name. The form adds what helps a
//! person fill it in Excel or WPS: dropdowns and number checks on 1,000 rows, a note on
//! every item's header cell, and a second sheet of instructions.
//!
//! Validations warn rather than refuse (except the site kind): every item also accepts
//! `不适用：原因` and values with units (`60㎡`), which a strict Excel check would block.
//! Document properties are fixed so the same checklist always gives the same bytes, and a
//! form can be checked into a repository or compared by hash.

use crate::render::Label;
use anyhow::{Context, Result, bail};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, IgnoreError, Note, Workbook, Worksheet,
};

use super::{
    EVIDENCE_SUFFIX, NOTE_SUFFIX, find_item, how_to_fill, kind_label, site_hint, truncate_chars,
    unit_of,
};
use crate::checklist::{Checklist, Item, Kind};
use crate::lang::Lang;

/// The first data row (0-based): rows 1 and 2 are the two header rows.
const FIRST_DATA_ROW: u32 = 2;
/// The last row (0-based) that gets validations: Excel rows 3 to 1002, a thousand sites.
const LAST_VALIDATED_ROW: u32 = 1001;
/// The empty rows a printed blank form has under its headers.
const PRINTED_BLANK_ROWS: u32 = 25;
/// The site columns formatted as text: what is typed there is never a number or a date.
const TEXT_COLUMNS: [&str; 5] = ["id", "name", "township", "village", "inspectors"];
/// Excel's limits on validation texts, in characters.
const TITLE_LIMIT: usize = 32;
const MESSAGE_LIMIT: usize = 255;

/// The name of the records sheet: `记录`, or `records` in English.
pub fn records_sheet_name(lang: Lang) -> &'static str {
    lang.pick("记录", "records")
}

/// The name of the instructions sheet of a form: `填写说明`, or `instructions`.
pub fn instructions_sheet_name(lang: Lang) -> &'static str {
    lang.pick("填写说明", "instructions")
}

/// A workbook in the wide layout holding `rows` of records.
///
/// `header` is the first row as the caller computed it (site columns, item ids, and any
/// `<item>#note` / `<item>#evidence` columns); the second row gets the titles of those
/// columns from `checklists`. Every non-empty cell of `rows` is written as a string, never
/// as a number or formula, so what was recorded comes back exactly as it went in; empty
/// cells are left blank. A row may be shorter than the header but not longer.
pub fn records_workbook(
    checklists: &[&Checklist],
    rows: &[Vec<String>],
    header: &[String],
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut sheet = records_sheet(checklists, header, lang)?;
    for (i, row) in rows.iter().enumerate() {
        if row.len() > header.len() {
            let (number, cells, columns) = (i + 1, row.len(), header.len());
            bail!(crate::tr!(
                "第 {number} 条记录有 {cells} 格，但表头只有 {columns} 列",
                "record row {number} has {cells} cells but the header has {columns} columns"
            ));
        }
        let r = data_row(i)?;
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            // Guarded as in a CSV: the readers take the guard off whatever the format, so
            // a text such as `'=x` survives the trip.
            let cell = crate::record::value::defuse(cell);
            sheet.write_string(r, col_num(c)?, cell).with_context(|| {
                let (number, column) = (i + 1, &header[c]);
                crate::tr!(
                    "写入第 {number} 条记录的 `{column}` 列",
                    "writing record row {number}, column `{column}`"
                )
            })?;
        }
    }
    if !rows.is_empty() && !header.is_empty() {
        // "60" stored as text is deliberate: keep Excel's green triangles away.
        let last_row = data_row(rows.len() - 1)?;
        let last_col = col_num(header.len() - 1)?;
        sheet.ignore_error_range(
            FIRST_DATA_ROW,
            0,
            last_row,
            last_col,
            IgnoreError::NumberStoredAsText,
        )?;
    }
    save(vec![sheet], None)
}

/// The blank xlsx form for `checklist`: the records sheet of [`records_workbook`] with no
/// rows, plus dropdowns, number and date checks, a note on each item's header cell, and
/// the instructions sheet.
pub fn form(checklist: &Checklist, lang: Lang) -> Result<Vec<u8>> {
    let header = super::header(checklist);
    let mut sheet = records_sheet(&[checklist], &header, lang)?;
    annotate(&mut sheet, checklist, &header, lang)?;
    // A printed blank form has ruled rows to write on.
    sheet.set_print_area(
        0,
        0,
        FIRST_DATA_ROW + PRINTED_BLANK_ROWS - 1,
        col_num(header.len().saturating_sub(1))?,
    )?;
    sheet.set_print_gridlines(true);
    let instructions = instructions_sheet(checklist, lang)?;
    save(vec![sheet, instructions], Some(checklist.label(lang)))
}

/// Packs sheets into a workbook whose document properties are fixed (created
/// 2020-01-01T00:00:00Z, author yanshou): the library would otherwise stamp the current
/// time and two runs would differ. Shared with the XLSForm writer and the report workbook.
pub(crate) fn save(sheets: Vec<Worksheet>, title: Option<&str>) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2020, 1, 1)?.and_hms(0, 0, 0)?;
    let mut properties = DocProperties::new()
        .set_author("yanshou")
        .set_creation_datetime(&created);
    if let Some(title) = title {
        properties = properties.set_title(title);
    }
    workbook.set_properties(&properties);
    for sheet in sheets {
        workbook.push_worksheet(sheet);
    }
    Ok(workbook.save_to_buffer()?)
}

/// The records sheet with its two header rows, widths and frozen panes, and no data.
fn records_sheet(checklists: &[&Checklist], header: &[String], lang: Lang) -> Result<Worksheet> {
    let mut sheet = Worksheet::new();
    sheet.set_name(records_sheet_name(lang))?;
    let key_format = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    let title_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    // Excel's built-in format 49, "@": text.
    let text_format = Format::new().set_num_format_index(49);
    let titles = super::titles(checklists, header, lang);
    let mut lines = 1;
    let mut widths = Vec::with_capacity(header.len());
    for (i, (key, title)) in header.iter().zip(&titles).enumerate() {
        let col = col_num(i)?;
        sheet.write_string_with_format(0, col, key, &key_format)?;
        sheet.write_string_with_format(1, col, title, &title_format)?;
        let width = column_width(checklists, key, title);
        widths.push(width);
        sheet.set_column_width(col, width as f64)?;
        lines = lines.max(display_width(title).div_ceil(width.saturating_sub(1).max(1)));
        if key == "inspected_on" {
            // Dates typed into the form show as 2020-06-02 whatever the locale.
            sheet.set_column_format(col, &date_format)?;
        } else if TEXT_COLUMNS.contains(&key.as_str()) {
            // Text, so that an id such as 001 or a long name is kept as typed.
            sheet.set_column_format(col, &text_format)?;
        }
    }
    // Tall enough for the longest title, but never so tall the data scrolls away.
    let lines = lines.clamp(1, 6) as f64;
    sheet.set_row_height(1, 15.0 * lines + 3.0)?;
    let after_name = header.iter().position(|h| h == "name").map_or(0, |p| p + 1);
    sheet.set_freeze_panes(FIRST_DATA_ROW, col_num(after_name)?)?;
    // Printed: landscape, both header rows and the site's id and name on every page, and
    // as few pages across as keep the text legible.
    let repeated: usize = widths[..after_name].iter().sum();
    let rest: usize = widths[after_name..].iter().sum();
    print_setup(&mut sheet, FIRST_DATA_ROW, pages_across(repeated, rest))?;
    if after_name > 0 {
        sheet.set_repeat_columns(0, col_num(after_name - 1)?)?;
    }
    Ok(sheet)
}

/// Column widths (in characters) a landscape A4 page holds at about 85 %: more columns
/// on a page than this print too small to read.
const PAGE_WIDTH: usize = 170;

/// How many pages across a sheet prints on, so that its columns other than the
/// `repeated` ones, printed again on every page, fit at about 85 %. Fitting a form of
/// forty items to one page wide would print it at a sixth of its size.
fn pages_across(repeated: usize, rest: usize) -> u16 {
    let room = PAGE_WIDTH.saturating_sub(repeated).max(PAGE_WIDTH / 2);
    u16::try_from(rest.div_ceil(room).max(1)).unwrap_or(u16::MAX)
}

/// Landscape A4, `across` pages wide and as many down as it takes, the first
/// `header_rows` rows printed on every page and page numbers in the footer.
fn print_setup(sheet: &mut Worksheet, header_rows: u32, across: u16) -> Result<()> {
    const A4: u8 = 9;
    sheet.set_paper_size(A4);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(across, 0);
    sheet.set_repeat_rows(0, header_rows.saturating_sub(1))?;
    sheet.set_footer("&C&P / &N");
    Ok(())
}

/// A width in characters that fits the column's values and wraps its title to about four
/// lines, within reason.
fn column_width(checklists: &[&Checklist], key: &str, title: &str) -> usize {
    let base = match key {
        "id" => 14,
        "name" => 26,
        "kind" => 10,
        "township" | "village" => 12,
        "inspected_on" => 13,
        "inspectors" => 18,
        k if k.ends_with(NOTE_SUFFIX) => 24,
        k if k.ends_with(EVIDENCE_SUFFIX) => 28,
        k => match find_item(checklists, k).map(|item| &item.kind) {
            Some(Kind::Includes(_)) => 30,
            Some(Kind::Text(_)) => 26,
            Some(Kind::Number(_)) => 14,
            Some(_) => 12,
            None => 14,
        },
    };
    let for_title = (display_width(title).div_ceil(4) + 2).min(40);
    let for_key = (key.chars().count() + 2).min(40);
    base.max(for_title).max(for_key)
}

/// Columns a text takes in a spreadsheet cell: CJK and full-width characters count two.
pub(crate) fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}' => 2,
            _ => 1,
        })
        .sum()
}

/// Validations on the data rows and notes on the item header cells of a blank form.
fn annotate(
    sheet: &mut Worksheet,
    checklist: &Checklist,
    header: &[String],
    lang: Lang,
) -> Result<()> {
    for (i, key) in header.iter().enumerate() {
        let col = col_num(i)?;
        let validation = match checklist.item(key) {
            Some(item) => {
                sheet.insert_note(0, col, &item_note(item, lang))?;
                item_validation(item, lang).with_context(|| {
                    crate::tr!("项目 `{key}` 的数据验证", "data validation of item `{key}`")
                })?
            }
            None => match site_validation(key, checklist, lang).with_context(|| {
                crate::tr!("`{key}` 列的数据验证", "data validation of column `{key}`")
            })? {
                Some(validation) => validation,
                None => continue,
            },
        };
        sheet.add_data_validation(FIRST_DATA_ROW, col, LAST_VALIDATED_ROW, col, &validation)?;
    }
    Ok(())
}

/// The note on an item's header cell: title, requirement, and how to check it.
fn item_note(item: &Item, lang: Lang) -> Note {
    let text = match lang {
        Lang::Zh => format!(
            "{}（{}）\n要求：{}（{}，{} 分）\n检查：{}",
            item.label(lang),
            item.clause,
            super::requirement(item, lang),
            item.severity.label(lang),
            item.points,
            item.help_text(lang)
        ),
        Lang::En => format!(
            "{} ({})\nRequirement: {} ({}, {} points)\nHow to check: {}",
            item.label(lang),
            item.clause,
            super::requirement(item, lang),
            item.severity.label(lang),
            item.points,
            item.help_text(lang)
        ),
    };
    Note::new(text)
        .set_author("yanshou")
        .add_author_prefix(false)
        .set_width(360)
        .set_height(200)
}

/// The validation of an item's column. Only the site kind refuses a wrong value; items
/// warn, because `不适用：原因` and `60㎡` are valid answers Excel cannot check.
fn item_validation(item: &Item, lang: Lang) -> Result<DataValidation> {
    let requirement = match lang {
        Lang::Zh => format!(
            "要求：{}（{}）",
            super::requirement(item, lang),
            item.severity.label(lang)
        ),
        Lang::En => format!(
            "Requirement: {} ({})",
            super::requirement(item, lang),
            item.severity.label(lang)
        ),
    };
    let not_applicable = super::not_applicable_and_empty(item, lang);
    let unit = unit_of(&item.kind);
    let with_unit = |zh: &str, en: &str| match (lang, unit.is_empty()) {
        (Lang::Zh, true) => zh.to_owned(),
        (Lang::Zh, false) => format!("{zh}（{unit}）"),
        (Lang::En, true) => en.to_owned(),
        (Lang::En, false) => format!("{en} ({unit})"),
    };
    let mut message = format!("{requirement}\n{}", how_to_fill(item, lang));
    let (validation, title, error) = match &item.kind {
        Kind::Number(_) => (
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            with_unit("数值", "Number"),
            Some(format!(
                "{}{not_applicable}",
                with_unit("应为不小于 0 的数字", "Expected a number of at least 0")
                    + lang.pick("。", ". ")
            )),
        ),
        Kind::Count(_) | Kind::Rule(_) => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            with_unit("整数", "Whole number"),
            Some(format!(
                "{}{not_applicable}",
                lang.pick(
                    "应为不小于 0 的整数。",
                    "Expected a whole number of at least 0. "
                )
            )),
        ),
        Kind::YesNo(_) => (
            DataValidation::new().allow_list_strings(&["是", "否"])?,
            lang.pick("是 / 否", "Yes / no").to_owned(),
            Some(format!(
                "{}{not_applicable}",
                lang.pick("应填 是 或 否。", "Expected 是 or 否. ")
            )),
        ),
        Kind::Includes(includes) => {
            // One cell holds every member found, so no dropdown: Excel's list picks one
            // value and would warn on `民政局、人社局`, a valid answer.
            message = format!(
                "{}{}\n{requirement}\n{not_applicable}",
                lang.pick(
                    "一格填全部实有的项，用顿号、分隔（也认 ，；/ 和换行），如：",
                    "All that were found in one cell, separated by 、 (or , ; / or new lines), e.g. "
                ),
                super::sample_members(includes.members(), "、"),
            );
            (
                DataValidation::new().allow_any_value(),
                lang.pick("可填多项，用、分隔", "Several, separated by 、")
                    .to_owned(),
                None,
            )
        }
        Kind::Text(_) => (
            DataValidation::new().allow_any_value(),
            lang.pick("文字", "Text").to_owned(),
            None,
        ),
    };
    let mut validation = validation
        .set_input_title(truncate_chars(&title, TITLE_LIMIT))?
        .set_input_message(truncate_chars(&message, MESSAGE_LIMIT))?;
    if let Some(error) = error {
        if !matches!(item.kind, Kind::Includes(_)) {
            validation = validation.set_error_style(DataValidationErrorStyle::Warning);
        }
        validation = validation
            .set_error_title(truncate_chars(
                lang.pick("请核对", "Please check"),
                TITLE_LIMIT,
            ))?
            .set_error_message(truncate_chars(&error, MESSAGE_LIMIT))?;
    }
    Ok(validation)
}

/// How to fill a site column of the xlsx form: as everywhere, but the kind is chosen by
/// its name from the dropdown.
fn form_site_hint(key: &str, checklist: &Checklist, lang: Lang) -> Option<String> {
    if key != "kind" {
        return site_hint(key, checklist, lang);
    }
    let label = checklist.site_kind_label(lang);
    Some(match lang {
        Lang::Zh => format!("从下拉列表选 {label}，不要改。"),
        Lang::En => format!("Choose {label} from the list; leave as it is."),
    })
}

/// The validation of a site column, or `None` for a column that is not one.
fn site_validation(key: &str, checklist: &Checklist, lang: Lang) -> Result<Option<DataValidation>> {
    let Some(hint) = form_site_hint(key, checklist, lang) else {
        return Ok(None);
    };
    let validation = match key {
        // The name people know (乡镇便民服务中心); the readers take it for the kind.
        "kind" => DataValidation::new()
            .allow_list_strings(&[checklist.site_kind_label(lang)])?
            .set_error_title(lang.pick("类型", "Kind"))?
            .set_error_message(truncate_chars(&hint, MESSAGE_LIMIT))?,
        "inspected_on" => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(2000, 1, 1)?,
                ExcelDateTime::from_ymd(2099, 12, 31)?,
            ))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title(lang.pick("请核对", "Please check"))?
            .set_error_message(lang.pick(
                "应为日期，如 2020-06-02。",
                "Expected a date, e.g. 2020-06-02.",
            ))?,
        _ => DataValidation::new().allow_any_value(),
    };
    let title = super::SITE_COLUMNS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, zh)| *zh);
    Ok(Some(
        validation
            .set_input_title(truncate_chars(title, TITLE_LIMIT))?
            .set_input_message(truncate_chars(&hint, MESSAGE_LIMIT))?,
    ))
}

/// The instructions sheet: one row per site column, then one per item, saying what is
/// asked, how to check it and how to fill it in.
fn instructions_sheet(checklist: &Checklist, lang: Lang) -> Result<Worksheet> {
    let mut sheet = Worksheet::new();
    sheet.set_name(instructions_sheet_name(lang))?;
    let columns: [(&str, &str, f64); 9] = [
        ("编号", "id", 24.0),
        ("条款", "clause", 8.0),
        ("标题", "title", 40.0),
        ("类型", "kind", 10.0),
        ("要求", "requirement", 28.0),
        ("性质", "severity", 9.0),
        ("分值", "points", 7.0),
        ("检查方法", "how to check", 48.0),
        ("填写方法", "how to fill", 48.0),
    ];
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, (zh, en, width)) in columns.iter().enumerate() {
        let col = col_num(c)?;
        sheet.write_string_with_format(0, col, lang.pick(zh, en), &head)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    print_setup(&mut sheet, 1, 1)?;

    let mut row: u32 = 1;
    for (key, zh) in super::SITE_COLUMNS {
        let hint = form_site_hint(key, checklist, lang).unwrap_or_default();
        let title = match lang {
            Lang::Zh => (*zh).to_owned(),
            Lang::En => format!("{zh} (site)"),
        };
        let cells = [*key, "", &title, lang.pick("站点信息", "site"), "", ""];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, col_num(c)?, *text, &body)?;
        }
        sheet.write_string_with_format(row, 8, &hint, &body)?;
        row += 1;
    }
    for item in &checklist.items {
        let cells = [
            item.id.as_str(),
            item.clause.as_str(),
            item.label(lang),
            kind_label(&item.kind, lang),
            &super::requirement(item, lang),
            item.severity.label(lang),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, col_num(c)?, *text, &body)?;
        }
        sheet.write_number_with_format(row, 6, item.points.as_f64(), &body)?;
        sheet.write_string_with_format(row, 7, item.help_text(lang), &body)?;
        sheet.write_string_with_format(row, 8, how_to_fill(item, lang), &body)?;
        row += 1;
    }
    Ok(sheet)
}

/// The 0-based sheet row of the `i`th record.
fn data_row(i: usize) -> Result<u32> {
    u32::try_from(i)
        .ok()
        .and_then(|i| i.checked_add(FIRST_DATA_ROW))
        .with_context(|| {
            crate::tr!(
                "记录太多，一张工作表放不下",
                "too many records for one worksheet"
            )
        })
}

/// A column index as the library takes it; Excel has 16,384 columns.
pub(super) fn col_num(i: usize) -> Result<u16> {
    u16::try_from(i).with_context(|| {
        crate::tr!(
            "列太多，一张工作表放不下",
            "too many columns for one worksheet"
        )
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::checklist::builtin;

    fn checklist(name: &str) -> Checklist {
        Checklist::from_toml(builtin::text(name).unwrap()).unwrap()
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap()
    }

    fn row_strings(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
        (0..range.width())
            .map(|c| match range.get((row, c)) {
                Some(Data::String(s)) => s.clone(),
                Some(Data::Empty) | None => String::new(),
                Some(other) => other.to_string(),
            })
            .collect()
    }

    #[test]
    fn form_has_both_sheets_and_the_wide_header() {
        for lang in [Lang::Zh, Lang::En] {
            let c = checklist("puyang-2020/township");
            let mut book = open(form(&c, lang).unwrap());
            assert_eq!(
                book.sheet_names(),
                [records_sheet_name(lang), instructions_sheet_name(lang)]
            );
            let records = book.worksheet_range(records_sheet_name(lang)).unwrap();
            assert_eq!(records.height(), 2, "a blank form has no data rows");
            assert_eq!(row_strings(&records, 0), super::super::header(&c));
            assert_eq!(
                row_strings(&records, 1),
                super::super::titles(&[&c], &super::super::header(&c), lang)
            );
            let instructions = book.worksheet_range(instructions_sheet_name(lang)).unwrap();
            let ids: Vec<String> = (1..instructions.height())
                .map(|r| row_strings(&instructions, r)[0].clone())
                .collect();
            for item in &c.items {
                assert_eq!(
                    ids.iter().filter(|id| **id == item.id).count(),
                    1,
                    "{}",
                    item.id
                );
            }
        }
    }

    #[test]
    fn instructions_say_requirement_severity_and_how_to_fill() {
        let c = checklist("puyang-2020/township");
        let mut book = open(form(&c, Lang::Zh).unwrap());
        let sheet = book.worksheet_range("填写说明").unwrap();
        let row = (0..sheet.height())
            .map(|r| row_strings(&sheet, r))
            .find(|r| r[0] == "site.floor_area")
            .unwrap();
        assert_eq!(row[1], "3.1.1");
        assert_eq!(row[4], "≥ 60 m²");
        assert_eq!(row[5], "强制");
        assert_eq!(row[6], "8");
        assert!(row[7].starts_with("用卷尺"), "{}", row[7]);
        assert!(row[8].contains("本项不能填不适用"), "{}", row[8]);
    }

    #[test]
    fn the_same_checklist_gives_the_same_bytes() {
        let c = checklist("puyang-2020/township");
        assert_eq!(form(&c, Lang::Zh).unwrap(), form(&c, Lang::Zh).unwrap());
        let header = super::super::header(&c);
        let rows = vec![vec!["a".to_owned(); header.len()]];
        assert_eq!(
            records_workbook(&[&c], &rows, &header, Lang::Zh).unwrap(),
            records_workbook(&[&c], &rows, &header, Lang::Zh).unwrap()
        );
    }

    #[test]
    fn records_are_written_as_strings_exactly() {
        let township = checklist("puyang-2020/township");
        let village = checklist("puyang-2020/village");
        let header: Vec<String> = [
            "id",
            "name",
            "kind",
            "inspected_on",
            "site.floor_area",
            "site.floor_area#note",
            "agent.dedicated",
        ]
        .map(str::to_owned)
        .to_vec();
        let rows = vec![
            [
                "liutun",
                "柳屯镇便民服务中心",
                "township",
                "2020-06-02",
                "59.5",
                "含走廊",
                "",
            ]
            .map(str::to_owned)
            .to_vec(),
            vec!["x1".to_owned(), "=1+1".to_owned(), "village".to_owned()],
        ];
        let bytes = records_workbook(&[&township, &village], &rows, &header, Lang::Zh).unwrap();
        let mut book = open(bytes);
        assert_eq!(book.sheet_names(), ["记录"]);
        let sheet = book.worksheet_range("记录").unwrap();
        assert_eq!(row_strings(&sheet, 0), header);
        assert_eq!(
            row_strings(&sheet, 1),
            [
                "编号",
                "名称",
                "类型",
                "检查日期",
                "乡镇便民服务中心净使用面积要在 60 m² 以上",
                "备注",
                "村级便民服务站设立专职“代办员”"
            ]
        );
        assert_eq!(sheet.get((2, 4)), Some(&Data::String("59.5".into())));
        assert_eq!(sheet.get((2, 3)), Some(&Data::String("2020-06-02".into())));
        // Text that looks like a formula is guarded as in a CSV; the readers take the `'` off.
        assert_eq!(sheet.get((3, 1)), Some(&Data::String("'=1+1".into())));
        assert_eq!(row_strings(&sheet, 3)[3], "");
    }

    #[test]
    fn a_row_longer_than_the_header_is_refused() {
        let c = checklist("puyang-2020/village");
        let header = vec!["id".to_owned()];
        let rows = vec![vec!["a".to_owned(), "b".to_owned()]];
        let err = records_workbook(&[&c], &rows, &header, Lang::Zh).unwrap_err();
        assert!(err.to_string().contains("row 1 has 2 cells"), "{err}");
    }

    #[test]
    fn widths_fit_titles_within_reason() {
        assert_eq!(display_width("ab一"), 4);
        let c = checklist("puyang-2020/township");
        let long = c.item("disclosure.guide").unwrap();
        let width = column_width(&[&c], &long.id, long.label(Lang::Zh));
        let title_width = display_width(long.label(Lang::Zh));
        assert!(title_width > 100, "{title_width}");
        assert!(title_width.div_ceil(width - 1) <= 4, "{width}");
        assert_eq!(column_width(&[&c], "id", "编号"), 14);
    }
}
