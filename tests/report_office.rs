//! `yanshou report --format xlsx,docx` on the example campaign: the workbook read back with
//! calamine, the rectification notices read back from their `word/document.xml`, and the
//! promise that the same inputs give the same bytes.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::Scratch;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";
/// The day waivers are judged on: after wenliu's ran out, while hubuzhai's applies.
const AS_OF: &str = "2020-10-01";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// A fresh, empty folder under the system's temporary folder, unique to this test run.
fn temp_dir(name: &str) -> Scratch {
    Scratch::new("report-office", name)
}

/// Runs `report` on `input` into `out` as xlsx and docx, with `extra` arguments.
fn report(input: &Path, out: &Path, extra: &[&str]) {
    report_as(input, out, "xlsx,docx", extra);
}

/// Runs `report` on `input` into `out` in `formats`, with `extra` arguments.
fn report_as(input: &Path, out: &Path, formats: &str, extra: &[&str]) {
    let output = yanshou()
        .arg("report")
        .arg(input)
        // Waivers are judged on a fixed day, so the reports do not change with the calendar.
        .args(["--as-of", AS_OF])
        .arg("--out")
        .arg(out)
        .args(["--format", formats])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The example campaign's report, made once per test that asks.
fn example_report(name: &str) -> Scratch {
    let out = temp_dir(name);
    report(Path::new(EXAMPLE), &out, &[]);
    out
}

fn check_json() -> Value {
    let out = yanshou()
        .args(["check", EXAMPLE, "--format", "json", "--as-of", AS_OF])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sites(doc: &Value) -> &Vec<Value> {
    doc["sites"].as_array().unwrap()
}

fn site<'a>(doc: &'a Value, id: &str) -> &'a Value {
    sites(doc).iter().find(|s| s["id"] == id).unwrap()
}

fn rectification_findings(site: &Value) -> Vec<&Value> {
    site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rectify"] == true)
        .collect()
}

/// Every file under `dir` by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn workbook(dir: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = fs::read(dir.join("report.xlsx")).unwrap();
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// A cell as text: numbers as Rust prints them, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel counts days from 1899-12-30 (after its 1900 leap-year bug).
            let days = d.as_f64().floor() as i64;
            let date = jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(days))
                .unwrap();
            format!("date {date}")
        }
        other => format!("{other:?}"),
    }
}

fn rows(range: &calamine::Range<Data>) -> Vec<Vec<String>> {
    range
        .rows()
        .map(|row| {
            let mut cells: Vec<String> = row.iter().map(cell_text).collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}

/// A stored (uncompressed) entry of a zip archive, found through its central directory.
/// docx-rs stores every part uncompressed, so no inflater is needed.
fn stored_entry(zip: &[u8], wanted: &str) -> Option<Vec<u8>> {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let u32_at =
        |at: usize| u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]]) as usize;
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "no end of central directory");
    let mut at = u32_at(end + 16);
    for _ in 0..u16_at(end + 10) {
        assert_eq!(u32_at(at), 0x0201_4b50, "bad central directory entry");
        let method = u16_at(at + 10);
        let size = u32_at(at + 20);
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30);
        let comment = u16_at(at + 32);
        let local = u32_at(at + 42);
        let name = std::str::from_utf8(&zip[at + 46..at + 46 + name_len]).unwrap();
        if name == wanted {
            assert_eq!(
                method, 0,
                "{name} is compressed; this reader only reads stored entries"
            );
            let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            return Some(zip[data..data + size].to_vec());
        }
        at += 46 + name_len + extra + comment;
    }
    None
}

fn document_xml(path: &Path) -> String {
    let zip = fs::read(path).unwrap();
    String::from_utf8(stored_entry(&zip, "word/document.xml").unwrap()).unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of every paragraph of a WordprocessingML fragment, in order: tabs as `\t`,
/// line breaks as `\n`.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut in_text, mut in_properties) = (false, false);
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        if in_text {
            current.push_str(&unescape(&rest[..open]));
        }
        let close = open + rest[open..].find('>').unwrap();
        let tag = &rest[open + 1..close];
        let name = tag.split([' ', '/']).find(|s| !s.is_empty()).unwrap_or("");
        let closing = tag.starts_with('/');
        let empty = tag.ends_with('/');
        match (name, closing) {
            ("w:p", false) if !empty => current.clear(),
            ("w:p", true) => out.push(std::mem::take(&mut current)),
            ("w:pPr", _) => in_properties = !closing && !empty,
            ("w:t", _) => in_text = !closing && !empty,
            ("w:tab", false) if !in_properties => current.push('\t'),
            ("w:br", false) => current.push('\n'),
            _ => {}
        }
        rest = &rest[close + 1..];
    }
    out
}

/// The rows of the first table of a document, each cell's paragraphs joined by newlines.
fn first_table(xml: &str) -> Vec<Vec<String>> {
    let start = xml.find("<w:tbl>").unwrap();
    let end = start + xml[start..].find("</w:tbl>").unwrap();
    xml[start..end]
        .split("<w:tr>")
        .skip(1)
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| paragraphs(cell).join("\n"))
                .collect()
        })
        .collect()
}

#[test]
fn the_same_inputs_give_byte_identical_files() {
    let first = example_report("same-1");
    // Far enough apart that anything taken from the clock, even zip's two-second times,
    // would differ.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let second = example_report("same-2");
    let (a, b) = (files(&first), files(&second));
    assert!(a.contains_key(Path::new("report.xlsx")));
    assert!(a.contains_key(Path::new("docx/all.docx")));
    assert!(a.contains_key(Path::new("docx/wenliu.docx")));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between two runs",
            path.display()
        );
    }
    // No clock in the documents: the fixed date is there, the year of the run is not.
    let core = String::from_utf8(
        stored_entry(&a[Path::new("docx/wenliu.docx")], "docProps/core.xml").unwrap(),
    )
    .unwrap();
    assert!(
        core.contains(">2020-01-01T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(
        core.contains(">2020-01-01T00:00:00Z</dcterms:modified>"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>yanshou</dc:creator>"), "{core}");
    fs::remove_dir_all(first).ok();
    fs::remove_dir_all(second).ok();
}

#[test]
fn the_workbook_has_a_summary_a_finding_per_row_and_a_sheet_per_site() {
    let out = example_report("workbook");
    let doc = check_json();
    let mut book = workbook(&out);
    let names = book.sheet_names();
    assert_eq!(names[0], "汇总");
    assert_eq!(names[1], "问题清单");
    // Its records cite evidence: a sheet listing every file.
    assert_eq!(names[2], "佐证材料");
    // The campaign has re-inspections and waivers: a sheet of what became of them.
    assert_eq!(names[3], "复查");
    let mut site_sheets: Vec<&str> = names[4..].iter().map(String::as_str).collect();
    let mut ids: Vec<&str> = sites(&doc)
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    site_sheets.sort_unstable();
    ids.sort_unstable();
    assert_eq!(site_sheets, ids, "one sheet per site, named by its id");

    let findings = rows(&book.worksheet_range("问题清单").unwrap());
    assert_eq!(
        findings[0],
        [
            "站点编号",
            "站点名称",
            "验收结论",
            "整改期限",
            "条款",
            "项目编号",
            "项目",
            "结果",
            "实际",
            "要求",
            "缺项",
            "类别",
            "分值",
            "失分",
            "须整改",
            "备注",
            "佐证材料"
        ]
    );
    let expected: usize = sites(&doc)
        .iter()
        .map(|s| s["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        findings.len() - 1,
        expected,
        "one row per finding of `check`"
    );
    // The same findings, site by site and item by item.
    let mut from_sheet: Vec<(String, String)> = findings[1..]
        .iter()
        .map(|r| (r[0].clone(), r[5].clone()))
        .collect();
    let mut from_check: Vec<(String, String)> = sites(&doc)
        .iter()
        .flat_map(|s| {
            s["findings"].as_array().unwrap().iter().map(|f| {
                (
                    s["id"].as_str().unwrap().to_owned(),
                    f["item"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    from_sheet.sort();
    from_check.sort();
    assert_eq!(from_sheet, from_check);
    let wenliu_area = findings[1..]
        .iter()
        .find(|r| r[0] == "wenliu" && r[5] == "site.floor_area")
        .unwrap();
    assert_eq!(wenliu_area[3], "date 2020-06-30");
    assert_eq!(wenliu_area[13], "8", "points lost as a number");
    assert_eq!(wenliu_area[14], "是");

    // A site sheet: its facts, then every item of its checklist.
    let wenliu = rows(&book.worksheet_range("wenliu").unwrap());
    assert_eq!(wenliu[0], ["文留镇便民服务中心"]);
    let fact = |label: &str| {
        wenliu
            .iter()
            .find(|r| r.first().is_some_and(|c| c == label))
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert_eq!(fact("检查日期"), "date 2020-06-01");
    assert_eq!(fact("得分"), "90.5");
    assert_eq!(fact("验收结论"), "不合格");
    assert_eq!(fact("整改期限"), "date 2020-06-30");
    assert_eq!(fact("整改通知书"), "濮政服验〔2020〕1号");
    let head = wenliu
        .iter()
        .position(|r| r.len() > 5 && r[0] == "条款" && r[2] == "项目编号" && r[5] == "结果")
        .unwrap();
    let items: Vec<&str> = wenliu[head + 1..].iter().map(|r| r[2].as_str()).collect();
    let checklist = fs::read_to_string("checklists/puyang-2020/township.toml").unwrap();
    assert_eq!(
        items.len(),
        checklist.matches("[[items]]").count(),
        "every item of the township checklist"
    );
    for finding in site(&doc, "wenliu")["findings"].as_array().unwrap() {
        assert!(
            items.contains(&finding["item"].as_str().unwrap()),
            "{finding}"
        );
    }
    fs::remove_dir_all(out).ok();
}

#[test]
fn summary_sheet_snapshot() {
    let out = example_report("summary");
    let mut book = workbook(&out);
    let summary = rows(&book.worksheet_range("汇总").unwrap());
    let mut lines = Vec::new();
    for row in &summary {
        let digest = |c: &String| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit());
        // A digest, and the size before it: editing an example file changes neither line.
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if digest(c) {
                    "<sha256>".to_owned()
                } else if row.get(i + 1).is_some_and(digest) && c.parse::<u64>().is_ok() {
                    "<size>".to_owned()
                } else {
                    c.clone()
                }
            })
            .collect();
        lines.push(cells.join(" | "));
    }
    let digests = summary.iter().flatten().filter(|c| c.len() == 64).count();
    assert!(digests >= 27, "every input has its SHA-256: {digests}");
    insta::assert_snapshot!("summary_sheet", lines.join("\n"));
    fs::remove_dir_all(out).ok();
}

#[test]
fn a_site_name_that_looks_like_a_formula_stays_text() {
    let dir = temp_dir("formula");
    // It names its township, as a record's name must (else the sign cannot be judged).
    let name = r#"=HYPERLINK("http://x","城关镇")"#;
    let record = fs::read_to_string("tests/fixtures/records/pass.toml").unwrap();
    assert!(record.contains("name = \"城关镇便民服务中心\""));
    // A failing floor area, so that the site has findings and a notice too.
    let record = record
        .replace("name = \"城关镇便民服务中心\"", &format!("name = '{name}'"))
        .replace("site.floor_area = 86.5", "site.floor_area = 59");
    let input = dir.join("formula.toml");
    fs::write(&input, record).unwrap();
    let out = dir.join("out");
    report(&input, &out, &[]);

    let mut book = workbook(&out);
    let names = book.sheet_names();
    assert_eq!(names, ["汇总", "问题清单", "fixture-pass"]);
    for sheet in &names {
        let range = book.worksheet_range(sheet).unwrap();
        let cells: Vec<&Data> = range
            .cells()
            .map(|(_, _, c)| c)
            .filter(|c| matches!(c, Data::String(s) if s.contains("HYPERLINK")))
            .collect();
        assert!(!cells.is_empty(), "the name is on sheet {sheet}");
        for cell in cells {
            assert_eq!(cell, &Data::String(name.to_owned()), "on sheet {sheet}");
        }
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "no formula on sheet {sheet}"
        );
    }
    let notice = paragraphs(&document_xml(&out.join("docx/fixture-pass.docx")));
    assert!(notice.contains(&format!("{name}：")), "{notice:?}");
    fs::remove_dir_all(dir).ok();
}

#[test]
fn the_notice_of_wenliu_lists_exactly_its_rectification_items() {
    let out = example_report("wenliu");
    let doc = check_json();
    let wenliu = site(&doc, "wenliu");

    // The deadline as `yanshou deadline` counts it, written the Chinese way.
    let deadline = yanshou()
        .args(["deadline", wenliu["inspected_on"].as_str().unwrap()])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let deadline: Value = serde_json::from_slice(&deadline.stdout).unwrap();
    assert_eq!(deadline["due"], "2020-06-30");
    assert_eq!(wenliu["due"], deadline["due"]);

    let xml = document_xml(&out.join("docx/wenliu.docx"));
    let text = paragraphs(&xml);
    assert_eq!(text[0], "整改通知书");
    let number = &text[1];
    // The example campaign's `notice_prefix`; wenliu's notice is the year's first.
    assert_eq!(number, "濮政服验〔2020〕1号");
    assert_eq!(text[2], "文留镇便民服务中心：");
    let opening = &text[3];
    assert!(
        opening.starts_with("2020年6月1日，检查组（王建国、李秀兰）"),
        "{opening}"
    );
    assert!(opening.contains("验收结论为不合格"), "{opening}");
    assert!(
        opening.contains("请于2020年6月30日前（20个工作日内）完成整改"),
        "{opening}"
    );

    let table = first_table(&xml);
    assert_eq!(table[0], ["序号", "条款", "要求", "检查发现", "整改要求"]);
    let problems = &table[1..];
    let expected = rectification_findings(wenliu);
    assert_eq!(problems.len(), expected.len(), "{problems:?}");
    for (i, (row, finding)) in problems.iter().zip(&expected).enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], finding["clause"].as_str().unwrap());
        assert_eq!(row[2], finding["title"].as_str().unwrap());
    }
    assert_eq!(problems[0][3], "59.5 m²\n备注：含走廊面积约 6 m²，已扣除");
    assert_eq!(problems[0][4], "整改至符合要求：≥ 60 m²");

    // After the table, the closing the HTML notice has, the signature lines, the issuing
    // office over the date of issue and the 版记, all from campaign.toml.
    let after: Vec<&str> = text[4..].iter().map(String::as_str).collect();
    let at = |wanted: &str| {
        after
            .iter()
            .position(|p| *p == wanted)
            .unwrap_or_else(|| panic!("no paragraph {wanted:?} in {after:#?}"))
    };
    let closing =
        at("整改完成后，请将整改情况书面报县行政服务中心，并附整改后的照片等佐证材料，申请复查。");
    assert_eq!(at("特此通知。"), closing + 1);
    let office = at("濮阳县人民政府政务服务中心");
    assert_eq!(
        at("2020年6月1日"),
        office + 1,
        "the date of issue under the office"
    );
    assert!(closing < office);
    assert!(after[office - 1].starts_with("被检查单位负责人签字："));
    assert!(after.contains(&"抄送：濮阳县人民政府办公室，各乡镇人民政府（办事处）。"));
    assert!(after.contains(&"濮阳县人民政府政务服务中心\t2020年6月1日印发"));

    // The same notice, with the same number, in the document of all notices.
    let all = paragraphs(&document_xml(&out.join("docx/all.docx")));
    assert!(all.contains(number));

    insta::assert_snapshot!("wenliu_notice", text.join("\n"));
    fs::remove_dir_all(out).ok();
}

#[test]
fn every_failing_site_has_a_notice_and_all_docx_starts_each_on_a_new_page() {
    let out = example_report("notices");
    let doc = check_json();
    let failing: Vec<&str> = sites(&doc)
        .iter()
        .filter(|s| !rectification_findings(s).is_empty())
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(failing.len() >= 8, "{failing:?}");
    let mut written: Vec<String> = fs::read_dir(out.join("docx"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut wanted: Vec<String> = failing.iter().map(|id| format!("{id}.docx")).collect();
    wanted.push("all.docx".to_owned());
    // Notices are the documents of their day: hubuzhai's was issued on 06-02, before its
    // waiver (06-08) let it pass; huzhuang's re-inspection of 07-06 found a new failure.
    wanted.push("hubuzhai.docx".to_owned());
    wanted.push("huzhuang-2020-07-06.docx".to_owned());
    wanted.sort();
    assert_eq!(written, wanted);
    let notices = written.len() - 1;

    let xml = document_xml(&out.join("docx/all.docx"));
    let text = paragraphs(&xml);
    let titles = text.iter().filter(|p| *p == "整改通知书").count();
    assert_eq!(titles, notices);
    // … and so does each attachment of photos (附件, its first paragraph).
    let attachments = text.iter().filter(|p| *p == "附件").count();
    assert!(attachments >= 5, "{attachments} attachments");
    assert_eq!(
        xml.matches("<w:pageBreakBefore />").count(),
        notices - 1 + attachments,
        "every notice but the first starts a new page"
    );
    // Each notice is a section of its own, numbered from page 1.
    assert_eq!(
        xml.matches(r#"<w:pgNumType w:start="1" />"#).count(),
        notices,
        "every notice's pages are numbered from 1"
    );
    // Numbered by day of issue, without gaps.
    let numbers: Vec<&String> = text
        .iter()
        .filter(|p| p.starts_with("濮政服验〔"))
        .collect();
    assert_eq!(numbers.len(), notices);
    for (i, number) in numbers.iter().enumerate() {
        assert_eq!(**number, format!("濮政服验〔2020〕{}号", i + 1));
    }
    // Each notice of a site repeats its own problems: as many rows as rectification items.
    for id in failing {
        let table = first_table(&document_xml(&out.join(format!("docx/{id}.docx"))));
        assert_eq!(
            table.len() - 1,
            rectification_findings(site(&doc, id)).len(),
            "{id}"
        );
    }
    fs::remove_dir_all(out).ok();
}

#[test]
fn english_reports_use_english_sheet_names_and_notice_texts() {
    let out = temp_dir("english");
    report(Path::new(EXAMPLE), &out, &["--lang", "en"]);
    let mut book = workbook(&out);
    let names = book.sheet_names();
    assert_eq!(&names[..2], ["Summary", "Findings"]);
    let findings = rows(&book.worksheet_range("Findings").unwrap());
    assert_eq!(findings[0][0], "site");
    let text = paragraphs(&document_xml(&out.join("docx/wenliu.docx")));
    assert_eq!(text[0], "Rectification notice");
    assert!(
        text[3].starts_with("On 2020-06-01, the inspection team"),
        "{}",
        text[3]
    );
    assert!(
        text[3].contains("by 2020-06-30 (within 20 working days)"),
        "{}",
        text[3]
    );
    fs::remove_dir_all(out).ok();
}

// ── Notices in the official document format (GB/T 9704-2012) ───────────────────────

/// An entry of a zip archive (docx or xlsx), as text.
fn zip_part(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(fs::read(path).unwrap())).unwrap();
    let mut entry = archive.by_name(name).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
    text
}

/// Text without its markup, entities decoded: `<br>` as a newline.
fn html_text(fragment: &str) -> String {
    let fragment = fragment.replace("<br>", "\n");
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out.replace("&#39;", "'"))
}

/// The cells of every row of an HTML table's markup.
fn html_rows(table: &str) -> Vec<Vec<String>> {
    table
        .split("<tr")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(open) = rest.find("<t") {
                let after = &rest[open + 2..];
                if !(after.starts_with('d') || after.starts_with('h')) {
                    rest = after;
                    continue;
                }
                let tag = &after[..1];
                let body = &after[after.find('>').unwrap() + 1..];
                let end = body.find(&format!("</t{tag}>")).unwrap();
                cells.push(html_text(&body[..end]));
                rest = &body[end..];
            }
            cells
        })
        .collect()
}

/// What an HTML notice page says, in the docx's terms: its paragraphs in order (a signature
/// row as one line, the date after a tab; the 印发 line's two parts split by a tab), and the
/// rows of its table of problems.
fn html_notice(page: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let start = page.find("<section class=\"notice\"").unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    let section = page[start..end].replace("</span><span>", "\t");
    let (head, rest) = section.split_once("<table class=\"problems\">").unwrap();
    let (problems, tail) = rest.split_once("</table>").unwrap();
    let (closing, rest) = tail.split_once("<table class=\"sign\">").unwrap();
    let (sign, end) = rest.split_once("</table>").unwrap();
    let blocks = |markup: &str| -> Vec<String> {
        markup
            .split(['\n'])
            .filter(|l| {
                ["<h1", "<h2", "<p", "<figure"]
                    .iter()
                    .any(|t| l.starts_with(t))
            })
            .map(html_text)
            .collect()
    };
    let mut text = blocks(head);
    text.extend(blocks(closing));
    for row in html_rows(sign) {
        text.push(format!("{}{}\t{}{}", row[0], row[1], row[2], row[3]));
    }
    text.extend(blocks(end));
    (text, html_rows(problems))
}

/// What a docx notice says: its non-empty paragraphs outside the table of problems, and
/// that table's rows.
fn docx_notice(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let xml = document_xml(path);
    let start = xml.find("<w:tbl>").unwrap();
    let end = start + xml[start..].find("</w:tbl>").unwrap() + "</w:tbl>".len();
    let outside = format!("{}{}", &xml[..start], &xml[end..]);
    let text = paragraphs(&outside)
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    (text, first_table(&xml))
}

#[test]
fn every_word_notice_says_what_its_html_notice_says() {
    for lang in ["zh", "en"] {
        let out = temp_dir(&format!("same-text-{lang}"));
        report_as(Path::new(EXAMPLE), &out, "html,docx", &["--lang", lang]);
        let mut compared = 0;
        for entry in fs::read_dir(out.join("html/notices")).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if stem == "all" {
                continue;
            }
            let (html, html_table) = html_notice(&fs::read_to_string(&path).unwrap());
            let (docx, docx_table) = docx_notice(&out.join(format!("docx/{stem}.docx")));
            assert_eq!(docx, html, "{lang} {stem}: the paragraphs");
            // The closing paragraph the Word notices used to lack.
            let closing = if lang == "zh" {
                "特此通知。"
            } else {
                "When the work is done"
            };
            assert!(
                docx.iter().any(|p| p.starts_with(closing)),
                "{lang} {stem}: {docx:#?}"
            );
            assert_eq!(
                docx_table, html_table,
                "{lang} {stem}: the table of problems"
            );
            for p in &docx {
                for doubled in ["：：", "::", ": :", "：:", ":："] {
                    assert!(!p.contains(doubled), "{lang} {stem}: {p}");
                }
            }
            compared += 1;
        }
        assert!(compared >= 10, "{lang}: {compared} notices");
        fs::remove_dir_all(out).ok();
    }
}

#[test]
fn yes_no_findings_are_worded_in_every_notice() {
    let out = temp_dir("yes-no");
    report_as(Path::new(EXAMPLE), &out, "html,md,docx", &[]);
    // 户部寨镇南街村: no full-time agent (代办员), recorded 否.
    let (_, table) = docx_notice(&out.join("docx/hubuzhai-nanjie.docx"));
    assert_eq!(table[1][2], "村级便民服务站设立专职“代办员”");
    assert_eq!(
        table[1][3],
        "检查时未做到（记录为“否”）\n备注：由村会计王保国兼任，非专职"
    );
    assert_eq!(table[1][4], "按要求落实：村级便民服务站设立专职“代办员”");
    // 白堽乡: the screen marked not applicable, which the checklist refuses.
    let (_, table) = docx_notice(&out.join("docx/baigang.docx"));
    assert_eq!(table[1][4], "按要求落实：设有电子公告屏提供信息公开服务");
    let md = fs::read_to_string(out.join("md/notices/hubuzhai-nanjie.md")).unwrap();
    assert!(md.contains("| 检查时未做到（记录为“否”）；备注："), "{md}");
    for (path, bytes) in files(&out) {
        let notice = path.to_string_lossy().contains("notices")
            && path
                .extension()
                .is_some_and(|e| e == "html" || e == "md" || e == "docx");
        if !notice && path.extension().is_none_or(|e| e != "docx") {
            continue;
        }
        let text = if path.extension().is_some_and(|e| e == "docx") {
            document_xml(&out.join(&path))
        } else {
            String::from_utf8(bytes).unwrap()
        };
        for bare in ["符合要求：是", "符合要求：否", ">否<", "| 否；", "| 否 |"] {
            assert!(!text.contains(bare), "{}: {bare}", path.display());
        }
    }
    fs::remove_dir_all(out).ok();
}

#[test]
fn a_word_notice_has_the_page_fonts_styles_and_properties_of_an_official_document() {
    let out = example_report("gbt9704");
    let path = out.join("docx/wenliu.docx");
    let xml = document_xml(&path);
    // A4; top 37 mm, right 26 mm, bottom 35 mm, left 28 mm, in twips.
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" "#),
        "{xml}"
    );
    assert!(xml.contains(r#"<w:docGrid w:type="lines" w:linePitch="579" />"#));
    // Every paragraph has a style; the title is 2号 小标宋, the text 3号 仿宋.
    let paragraphs = xml.matches("<w:p ").count();
    assert_eq!(xml.matches("<w:pStyle ").count(), paragraphs);
    let title = &xml[..xml.find("</w:p>").unwrap()];
    assert!(title.contains(r#"<w:pStyle w:val="Title" />"#), "{title}");
    assert!(title.contains(r#"<w:sz w:val="44" />"#), "{title}");
    assert!(title.contains(r#"w:eastAsia="方正小标宋简体""#), "{title}");
    let body = xml
        .split(r#"<w:pStyle w:val="BodyText" />"#)
        .nth(1)
        .unwrap();
    assert!(body[..400].contains(r#"<w:sz w:val="32" />"#), "{body}");
    assert!(
        body[..400].contains(r#"w:eastAsia="仿宋_GB2312""#),
        "{body}"
    );
    // The heading row of the table of problems repeats on every page.
    let table = &xml[xml.find("<w:tbl>").unwrap()..];
    let first_row = &table[..table.find("</w:tr>").unwrap()];
    assert!(first_row.contains("<w:tblHeader />"), "{first_row}");
    assert_eq!(
        table[..table.find("</w:tbl>").unwrap()]
            .matches("<w:tblHeader />")
            .count(),
        1
    );
    // The fonts and their substitutes, the page number field, the title property.
    let fonts = zip_part(&path, "word/fontTable.xml");
    assert!(fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋" />"#));
    assert!(
        fonts.contains(
            r#"<w:font w:name="方正小标宋简体"><w:altName w:val="FZXiaoBiaoSong-B05S" />"#
        )
    );
    let footer = zip_part(&path, "word/footer1.xml");
    assert!(
        footer.contains("<w:instrText>PAGE</w:instrText>"),
        "{footer}"
    );
    assert!(
        footer.contains(">— </w:t>") && footer.contains("> —</w:t>"),
        "{footer}"
    );
    let core = zip_part(&path, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>整改通知书 文留镇便民服务中心 濮政服验〔2020〕1号</dc:title>"),
        "{core}"
    );
    fs::remove_dir_all(out).ok();
}

#[test]
fn the_printed_html_notice_is_a4_with_the_margins_and_fonts_of_an_official_document() {
    let out = temp_dir("html-notice");
    report_as(Path::new(EXAMPLE), &out, "html", &[]);
    let page = fs::read_to_string(out.join("html/notices/wenliu.html")).unwrap();
    assert!(page.contains("@page notice { size: A4; margin: 37mm 26mm 35mm 28mm; }"));
    assert!(page.contains(".notice {\n  page: notice;\n"));
    assert!(page.contains(r#"content: "— " counter(page) " —";"#));
    let notice = &page[page.find(".notice {").unwrap()..];
    let notice = &notice[..notice.find('}').unwrap()];
    for wanted in [
        "\"FangSong_GB2312\"",
        "\"FangSong\"",
        "\"STFangsong\"",
        "\"Noto Serif CJK SC\"",
        "font-size: 16pt",
        "line-height: 28.9pt",
    ] {
        assert!(notice.contains(wanted), "{wanted} in {notice}");
    }
    assert!(page.contains("local(\"FZXiaoBiaoSong-B05S\"), local(\"方正小标宋简体\")"));
    assert!(page.contains("font-weight: normal; text-align: center; font-size: 22pt;"));
    // The office over the date of issue, the 版记 with the campaign's 抄送.
    assert!(page.contains(">濮阳县人民政府政务服务中心</p>\n<p class=\"date\">2020年6月1日</p>"));
    assert!(page.contains(
        "<p class=\"copy-to\">抄送：濮阳县人民政府办公室，各乡镇人民政府（办事处）。</p>"
    ));
    fs::remove_dir_all(out).ok();
}

#[test]
fn without_issuer_or_copy_to_a_notice_leaves_the_office_to_be_written_in() {
    let dir = common::example_campaign("report-office", "no-issuer");
    let campaign = dir.join("campaign.toml");
    let text: String = fs::read_to_string(&campaign)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("issuer") && !l.starts_with("copy_to"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&campaign, text).unwrap();
    let out = dir.join("out");
    report_as(&dir, &out, "html,docx", &[]);
    let (docx, _) = docx_notice(&out.join("docx/wenliu.docx"));
    assert!(docx.contains(&"签发单位（盖章）".to_owned()), "{docx:?}");
    assert!(docx.contains(&"2020年6月1日".to_owned()), "{docx:?}");
    assert!(!docx.iter().any(|p| p.starts_with("抄送")), "{docx:?}");
    let page = fs::read_to_string(out.join("html/notices/wenliu.html")).unwrap();
    assert!(!page.contains("class=\"record\""));
    assert!(page.contains(">签发单位（盖章）</p>"));
}

#[test]
fn the_workbook_sets_its_text_in_a_chinese_font_with_room_for_it() {
    let out = example_report("xlsx-font");
    let styles = zip_part(&out.join("report.xlsx"), "xl/styles.xml");
    let fonts = &styles[styles.find("<fonts").unwrap()..styles.find("</fonts>").unwrap()];
    let named: Vec<&str> = fonts
        .split("<name val=\"")
        .skip(1)
        .map(|f| &f[..f.find('"').unwrap()])
        .collect();
    // The first font is the workbook's default, which no written cell uses.
    assert!(named.len() > 2, "{fonts}");
    assert!(named[1..].iter().all(|n| *n == "等线"), "{named:?}");
    assert_eq!(
        fonts.matches("<charset val=\"134\"/>").count(),
        named.len() - 1,
        "{fonts}"
    );
    // Rows tall enough for a line of Chinese (LibreOffice drew it over the lower border):
    // 19 pt, which Excel keeps in whole pixels.
    let sheet = zip_part(&out.join("report.xlsx"), "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<sheetFormatPr defaultRowHeight="18.75" customHeight="1""#),
        "{sheet}"
    );
    fs::remove_dir_all(out).ok();
}

#[test]
fn a_notice_says_what_was_known_on_its_day_not_a_waiver_approved_after() {
    // hubuzhai's notice was issued at its inspection on 06-02; its waiver, approved on
    // 06-08, lets it pass on the report's day, which the notice cannot know.
    let out = temp_dir("notice-day");
    report_as(Path::new(EXAMPLE), &out, "html,docx", &[]);
    let (text, table) = docx_notice(&out.join("docx/hubuzhai.docx"));
    assert!(text[3].contains("验收结论为不合格"), "{}", text[3]);
    assert_eq!(table.len(), 2, "{table:?}");
    assert!(!table[1][3].contains("豁免"), "{}", table[1][3]);
    let page = fs::read_to_string(out.join("html/notices/hubuzhai.html")).unwrap();
    let (html, _) = html_notice(&page);
    assert_eq!(html[3], text[3]);
    fs::remove_dir_all(out).ok();
}
