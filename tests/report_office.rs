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
    let output = yanshou()
        .arg("report")
        .arg(input)
        // Waivers are judged on a fixed day, so the reports do not change with the calendar.
        .args(["--as-of", AS_OF])
        .arg("--out")
        .arg(out)
        .args(["--format", "xlsx,docx"])
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
    // The campaign has re-inspections and waivers: a sheet of what became of them.
    assert_eq!(names[2], "复查");
    let mut site_sheets: Vec<&str> = names[3..].iter().map(String::as_str).collect();
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
    assert!(fact("整改通知书").starts_with("验收整改〔2020〕"));
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
    assert!(
        number.starts_with("验收整改〔2020〕") && number.ends_with('号'),
        "{number}"
    );
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
    assert_eq!(
        xml.matches("<w:pageBreakBefore />").count(),
        notices - 1,
        "every notice but the first starts a new page"
    );
    // Numbered by day of issue, without gaps.
    let numbers: Vec<&String> = text
        .iter()
        .filter(|p| p.starts_with("验收整改〔"))
        .collect();
    for (i, number) in numbers.iter().enumerate() {
        assert!(number.ends_with(&format!("{:03}号", i + 1)), "{number}");
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
        text[3].starts_with("On 2020-06-01 the inspection team"),
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
