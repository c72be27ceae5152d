//! Intake: the same records through every format score the same, and bad cells are located.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;
use yanshou::checklist::Severity;
use yanshou::record::table::FORM_SITE_LABELS;

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> Scratch {
    Scratch::new("intake", name)
}

/// The sites and summary of `check --format json`, without the per-site record path (which
/// names the file and so differs between formats by design). The campaign block is left
/// out: a spreadsheet on its own is checked without the example's campaign settings.
fn results(args: &[&str]) -> Value {
    let out = yanshou()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    for site in doc["sites"].as_array_mut().unwrap() {
        site.as_object_mut().unwrap().remove("record");
    }
    serde_json::json!({ "sites": doc["sites"], "summary": doc["summary"] })
}

fn convert(inputs: &[&str], to: &str, out: &Path, extra: &[&str]) {
    common::output_with_code(
        yanshou()
            .arg("convert")
            .args(inputs)
            .args(["--to", to, "--out"])
            .arg(out)
            .args(extra),
        0,
    );
}

const EXAMPLE: &str = "examples/puyang-2020";
/// The example's records without its campaign (and so without its waivers): what a
/// spreadsheet of the same records must score like.
const EXAMPLE_SITES: &str = "examples/puyang-2020/sites";

#[test]
fn every_csv_flavour_scores_like_the_toml_records() {
    let dir = scratch("csv");
    let expected = results(&[EXAMPLE_SITES]);
    let bom = dir.join("bom.csv");
    convert(&[EXAMPLE], "csv", &bom, &[]);
    let bytes = fs::read(&bom).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "convert writes a BOM for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let plain = dir.join("plain.csv");
    fs::write(&plain, &text).unwrap();
    let gbk = dir.join("gbk.csv");
    let (encoded, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    fs::write(&gbk, &encoded).unwrap();
    let long = dir.join("long.csv");
    convert(&[EXAMPLE], "csv", &long, &["--layout", "long"]);
    for file in [&bom, &plain, &gbk, &long] {
        // Compared as text: a mismatch is then a short diff, not two whole documents.
        let got = results(&[file.to_str().unwrap()]);
        assert!(got == expected, "{} scores differently", file.display());
    }
}

/// The example's records as `convert` writes them, with every row as cells: the header
/// first. (The BOM is taken off; the callers put back what their exporter writes.)
fn example_rows(dir: &Path) -> Vec<Vec<String>> {
    let csv = dir.join("example.csv");
    convert(&[EXAMPLE], "csv", &csv, &[]);
    let bytes = fs::read(&csv).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<String>], separator: u8, bom: bool) {
    let mut out = csv::WriterBuilder::new()
        .delimiter(separator)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    for row in rows {
        out.write_record(row).unwrap();
    }
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(out.into_inner().unwrap());
    fs::write(path, bytes).unwrap();
}

#[test]
fn kobo_and_odk_central_exports_score_like_the_toml_records() {
    let dir = scratch("exports");
    let expected = results(&[EXAMPLE_SITES]);
    let rows = example_rows(&dir);
    // KoboToolbox's default CSV export: `;`, every cell quoted, a BOM; and the same with
    // tabs, as a spreadsheet's "text" export writes.
    let kobo = dir.join("kobo-semicolon.csv");
    write_rows(&kobo, &rows, b';', true);
    let tabs = dir.join("tabs.csv");
    write_rows(&tabs, &rows, b'\t', false);
    // ODK Central: groups joined with `-`, and its submission columns.
    const SITE: &[&str] = &[
        "id",
        "name",
        "kind",
        "township",
        "village",
        "inspected_on",
        "inspectors",
    ];
    const CENTRAL: &[&str] = &[
        "SubmissionDate",
        "meta-instanceID",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ];
    let central_rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let mut cells: Vec<String> = if n == 0 {
                row.iter()
                    .map(|h| match SITE.contains(&h.as_str()) {
                        true => h.clone(),
                        false => format!("survey-c3_1_1-{h}"),
                    })
                    .collect()
            } else {
                row.clone()
            };
            cells.extend(CENTRAL.iter().map(|c| match n {
                0 => (*c).to_owned(),
                _ => format!("{c}-{n}"),
            }));
            cells
        })
        .collect();
    let central = dir.join("central.csv");
    write_rows(&central, &central_rows, b',', false);
    for file in [&kobo, &tabs, &central] {
        let got = results(&[file.to_str().unwrap()]);
        assert!(got == expected, "{} scores differently", file.display());
    }
    // An export with the form's labels for headers (KoboToolbox's "labels" setting), each
    // under its group's label, reads as the same records.
    let checklists = common::puyang_checklists();
    let item = |id: &str| {
        checklists
            .iter()
            .find_map(|c| c.item(id))
            .unwrap_or_else(|| panic!("{id}"))
    };
    let label = |header: &str| -> String {
        if let Some((_, [zh, _])) = FORM_SITE_LABELS.iter().find(|(f, _)| *f == header) {
            return (*zh).to_owned();
        }
        if header == "kind" {
            return header.to_owned();
        }
        let (id, tail) = match header.split_once('#') {
            Some((id, "note")) => (id, "：备注"),
            Some((id, _)) => (id, "：照片（佐证材料）"),
            None => (header, ""),
        };
        let it = item(id);
        let must = match (tail, it.severity) {
            ("", Severity::Mandatory) => "（必查）",
            _ => "",
        };
        format!("{} 分组/{}{must}{tail}", it.clause, it.title)
    };
    let mut labelled = rows.clone();
    labelled[0] = rows[0].iter().map(|h| label(h)).collect();
    let labels_file = dir.join("labels.csv");
    write_rows(&labels_file, &labelled, b',', true);
    let got = results(&[labels_file.to_str().unwrap()]);
    assert!(got == expected, "a label-header export scores differently");
    // A label that says no item (an older form's 备注) says which setting gives names.
    let mut old = rows.clone();
    let note = old[0]
        .iter()
        .position(|h| h == "site.floor_area#note")
        .unwrap();
    old[0][note] = "3.1.1 办公场所/备注".to_owned();
    write_rows(&labels_file, &old, b';', true);
    let out = yanshou().arg("check").arg(&labels_file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("“备注”是一道题的标签") && stderr.contains("XML 值和表头"),
        "{stderr}"
    );
    // A bad cell in a `;` file is named by its row, as in any other CSV.
    let mut bad = rows.clone();
    let column = bad[0].iter().position(|h| h == "site.floor_area").unwrap();
    bad[3][column] = "大约六十".to_owned();
    let bad_file = dir.join("bad-semicolon.csv");
    write_rows(&bad_file, &bad, b';', true);
    let out = yanshou().arg("check").arg(&bad_file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-semicolon.csv:4"), "{stderr}");
}

#[test]
fn toml_to_csv_to_toml_gives_the_same_records() {
    let dir = scratch("roundtrip");
    let csv = dir.join("all.csv");
    convert(&[EXAMPLE], "csv", &csv, &[]);
    let back = dir.join("sites");
    convert(&[csv.to_str().unwrap()], "toml", &back, &[]);
    assert!(
        results(&[back.to_str().unwrap()]) == results(&[EXAMPLE_SITES]),
        "the round trip changed a score"
    );
    // the notes, photos and reasons came through
    let wenliu = fs::read_to_string(back.join("wenliu.toml")).unwrap();
    assert!(
        wenliu.contains("evidence = [\"photos/wenliu/hall-01.png\"]"),
        "{wenliu}"
    );
    let xuzhen = fs::read_to_string(back.join("xuzhen.toml")).unwrap();
    assert!(xuzhen.contains("not_applicable = "), "{xuzhen}");
}

#[test]
fn a_wrong_cell_names_file_row_column_and_item() {
    let dir = scratch("wrong-cell");
    let csv = dir.join("all.csv");
    convert(&[EXAMPLE], "csv", &csv, &[]);
    let text = fs::read_to_string(&csv).unwrap();
    // row 3 of the file is the second site; break its floor area
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].trim_start_matches('\u{feff}').split(',').collect();
    let col = header.iter().position(|h| *h == "site.floor_area").unwrap();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[col] = "六十平".to_owned();
    lines[2] = cells.join(",");
    fs::write(&csv, lines.join("\n")).unwrap();
    // The evidence the rows cite, beside the file as they cite it: only the error is said.
    for folder in ["photos", "docs"] {
        common::copy_dir(&Path::new(EXAMPLE).join(folder), &dir.join(folder));
    }
    let out = yanshou().arg("check").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected = format!("{}:3:{}：site.floor_area（", csv.display(), col + 1);
    assert!(
        stderr.starts_with(&format!("yanshou: {expected}")),
        "{stderr}"
    );
    assert!(stderr.contains("六十平"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn undecodable_bytes_are_an_error_naming_the_row() {
    let dir = scratch("bytes");
    let csv = dir.join("broken.csv");
    // (A header it would refuse is the first error: errors come in the file's order.)
    let (gbk, _, _) = encoding_rs::GB18030.encode(
        "id,name,kind,township,inspected_on,inspectors\nchengguan,城关镇便民服务中心,township,城关镇,2020-06-02,张伟\n",
    );
    let mut bytes = gbk.into_owned();
    bytes.extend_from_slice(b"x,\xFF\xFE\n");
    fs::write(&csv, bytes).unwrap();
    let out = yanshou().arg("check").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("broken.csv:3"), "{stderr}");
    assert!(stderr.contains("既不是 UTF-8 也不是 GBK"), "{stderr}");
}

#[test]
fn unknown_columns_suggest_the_nearest_item() {
    let dir = scratch("unknown-column");
    let csv = dir.join("x.csv");
    fs::write(
        &csv,
        "id,name,kind,township,inspected_on,inspectors,site.floor_aera\nchengguan,城关镇便民服务中心,township,城关镇,2020-06-02,张伟,60\n",
    )
    .unwrap();
    let out = yanshou().arg("check").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(":1:7：site.floor_aera（G1）：不认识的列"),
        "{stderr}"
    );
    assert!(stderr.contains("是不是 `site.floor_area`？"), "{stderr}");
}

#[test]
fn mobile_exports_with_groups_metadata_and_typed_values_are_read() {
    let dir = scratch("kobo");
    let csv = dir.join("kobo.csv");
    // group prefixes, metadata columns, per-choice columns, values typed the way people do
    fs::write(
        &csv,
        "start,end,id,name,kind,township,inspected_on,inspectors,c3_1_1/site.floor_area,c3_1_1/site.open_hall,c3_1_3/windows.departments,c3_1_3/windows.departments/民政局,c3_1_3/windows.comprehensive,_id,_uuid,meta/instanceID\n\
         2020-06-02T09:00,2020-06-02T10:00,chengguan,城关镇便民服务中心,township,城关镇,2020年6月2日,张伟、李娜,６０㎡,√,民政局 人社局 医保局 公安局 市场监管局,1,２个,17,abc,uuid:1\n",
    )
    .unwrap();
    let doc = results(&[csv.to_str().unwrap()]);
    let site = &doc["sites"][0];
    assert_eq!(site["inspected_on"], "2020-06-02");
    assert_eq!(site["verdict"], "incomplete", "most items are unrecorded");
    let findings = site["findings"].as_array().unwrap();
    for item in [
        "site.floor_area",
        "site.open_hall",
        "windows.departments",
        "windows.comprehensive",
    ] {
        assert!(
            findings.iter().all(|f| f["item"] != item),
            "{item} should pass"
        );
    }
}

#[test]
fn convert_never_writes_over_its_input_or_an_existing_file() {
    let dir = scratch("overwrite");
    let csv = dir.join("all.csv");
    convert(&[EXAMPLE], "csv", &csv, &[]);
    let before = fs::read(&csv).unwrap();
    let out = yanshou()
        .args(["convert"])
        .arg(&csv)
        .args(["--to", "csv", "--force", "--out"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("这是本次运行的输入"));
    let again = yanshou()
        .args(["convert", EXAMPLE, "--to", "csv", "--out"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(fs::read(&csv).unwrap(), before);
}

#[test]
fn an_xlsx_workbook_scores_like_the_toml_records() {
    let dir = scratch("xlsx");
    let book = dir.join("all.xlsx");
    convert(&[EXAMPLE], "xlsx", &book, &[]);
    let got = results(&[book.to_str().unwrap()]);
    assert!(
        got == results(&[EXAMPLE_SITES]),
        "the workbook scores differently"
    );
    // and back to TOML
    let back = dir.join("sites");
    convert(&[book.to_str().unwrap()], "toml", &back, &[]);
    assert!(results(&[back.to_str().unwrap()]) == results(&[EXAMPLE_SITES]));
}

#[test]
fn native_excel_cells_are_read_as_people_meant_them() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = scratch("native");
    let path = dir.join("typed.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "id",
        "name",
        "kind",
        "township",
        "inspected_on",
        "inspectors",
        "site.floor_area",
        "site.open_hall",
        "windows.comprehensive",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = ExcelDateTime::from_ymd(2020, 6, 2).unwrap();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    sheet.write_string(1, 0, "chengguan").unwrap();
    sheet.write_string(1, 1, "城关镇便民服务中心").unwrap();
    sheet.write_string(1, 2, "township").unwrap();
    sheet.write_string(1, 3, "城关镇").unwrap();
    sheet
        .write_datetime_with_format(1, 4, &date, &date_format)
        .unwrap();
    sheet.write_string(1, 5, "张伟").unwrap();
    sheet.write_number(1, 6, 59.5).unwrap();
    sheet.write_boolean(1, 7, true).unwrap();
    sheet.write_number(1, 8, 2.0).unwrap();
    book.save(&path).unwrap();
    let doc = results(&[path.to_str().unwrap()]);
    let site = &doc["sites"][0];
    assert_eq!(site["inspected_on"], "2020-06-02");
    let area = site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == "site.floor_area")
        .unwrap();
    assert_eq!(area["observed"], 59.5);
    assert_eq!(area["status"], "fail");
    let findings = site["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["item"] != "site.open_hall"));
    assert!(
        findings
            .iter()
            .all(|f| f["item"] != "windows.comprehensive")
    );
}

#[test]
fn a_blank_form_is_not_a_campaign_without_sites() {
    let dir = scratch("blank");
    let form = dir.join("form.csv");
    let out = yanshou()
        .args(["template", "--kind", "township", "--format", "csv", "--out"])
        .arg(&form)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = yanshou().arg("check").arg(&form).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("表格只有表头，没有站点"));
}
