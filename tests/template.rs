//! `yanshou template`: blank forms from the real binary, read back the way a user's tools
//! would (a CSV parser, calamine for workbooks, `yanshou check` for TOML).
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::Scratch;
use yanshou::checklist::{Checklist, builtin};

mod common;

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

fn checklist(name: &str) -> Checklist {
    Checklist::from_toml(builtin::text(name).unwrap()).unwrap()
}

/// A fresh scratch folder for the test `name`.
fn scratch(name: &str) -> Scratch {
    Scratch::new("template", name)
}

/// The rows of a CSV form printed on stdout, after its byte-order mark.
fn csv_rows(stdout: &[u8]) -> Vec<Vec<String>> {
    let body = stdout
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the CSV starts with a UTF-8 BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn csv_form(kind: &str, lang: &str) -> Vec<Vec<String>> {
    let out = yanshou()
        .args([
            "template", "--kind", kind, "--format", "csv", "--lang", lang,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    csv_rows(&out.stdout)
}

fn cells(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| match range.get((row, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect()
}

fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(fs::read(path).unwrap())).unwrap()
}

fn stderr_of(args: &[&str]) -> (Option<i32>, String) {
    let out = yanshou().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn csv_header_is_site_columns_then_item_ids_in_order() {
    for (kind, name) in [
        ("township", "puyang-2020/township"),
        ("village", "puyang-2020/village"),
    ] {
        let rows = csv_form(kind, "zh");
        assert_eq!(rows.len(), 2, "a header and a row of titles, nothing else");
        let c = checklist(name);
        let ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            &rows[0][..7],
            [
                "id",
                "name",
                "kind",
                "township",
                "village",
                "inspected_on",
                "inspectors"
            ]
        );
        assert_eq!(&rows[0][7..], ids.as_slice());
        assert_eq!(
            &rows[1][..7],
            ["编号", "名称", "类型", "乡镇", "村", "检查日期", "检查人员"]
        );
        let titles: Vec<&str> = c.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(&rows[1][7..], titles.as_slice());
    }
}

#[test]
fn csv_titles_follow_lang() {
    let rows = csv_form("township", "en");
    let c = checklist("puyang-2020/township");
    assert_eq!(rows[1][0], "编号", "the title row keeps its Chinese marker");
    assert_eq!(rows[1][7], c.items[0].title_en.clone().unwrap());
}

#[test]
fn xlsx_form_has_the_csv_header_and_is_reproducible() {
    let dir = scratch("xlsx");
    let file = dir.join("form.xlsx");
    let file_arg = file.to_str().unwrap();
    yanshou()
        .args([
            "template", "--kind", "township", "--format", "xlsx", "--out", file_arg,
        ])
        .assert()
        .success()
        .stdout("");
    let mut book = open(&file);
    assert_eq!(book.sheet_names(), ["记录", "填写说明"]);
    let records = book.worksheet_range("记录").unwrap();
    let csv = csv_form("township", "zh");
    assert_eq!(cells(&records, 0), csv[0]);
    assert_eq!(cells(&records, 1), csv[1]);
    assert_eq!(records.height(), 2);

    let first = fs::read(&file).unwrap();
    yanshou()
        .args([
            "template", "--kind", "township", "--format", "xlsx", "--out", file_arg, "--force",
        ])
        .assert()
        .success();
    assert_eq!(first, fs::read(&file).unwrap(), "two runs, same bytes");

    // No temporary file is left next to the form.
    let left: Vec<_> = fs::read_dir(&dir.0).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn xlsx_in_english_names_its_sheets_in_english() {
    let dir = scratch("xlsx-en");
    let file = dir.join("form.xlsx");
    yanshou()
        .args([
            "template", "--kind", "village", "--format", "xlsx", "--lang", "en",
        ])
        .arg("--out")
        .arg(&file)
        .assert()
        .success();
    assert_eq!(open(&file).sheet_names(), ["records", "instructions"]);
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = scratch("overwrite");
    let file = dir.join("form.csv");
    fs::write(&file, "precious").unwrap();
    let file_arg = file.to_str().unwrap();
    let (code, stderr) = stderr_of(&[
        "template", "--kind", "township", "--format", "csv", "--out", file_arg,
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(file_arg), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "precious");

    yanshou()
        .args([
            "template", "--kind", "township", "--format", "csv", "--out", file_arg, "--force",
        ])
        .assert()
        .success();
    let rows = csv_rows(&fs::read(&file).unwrap());
    assert_eq!(rows[0][0], "id");
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let (code, stderr) = stderr_of(&["template", "--kind", "county", "--format", "csv"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("“county”"), "{stderr}");
    assert!(stderr.contains("township, village"), "{stderr}");
}

#[test]
fn workbooks_need_out() {
    for format in ["xlsx", "xlsform"] {
        let (code, stderr) = stderr_of(&["template", "--kind", "township", "--format", format]);
        assert_eq!(code, Some(2));
        assert!(stderr.contains("--out 文件名"), "{stderr}");
    }
}

#[test]
fn a_missing_folder_is_named() {
    let dir = scratch("missing");
    let file = dir.join("no/such/form.csv");
    let (code, stderr) = stderr_of(&[
        "template",
        "--kind",
        "township",
        "--format",
        "csv",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("文件夹不存在"), "{stderr}");
}

#[test]
fn checklist_option_takes_a_file_or_builtin_and_must_match_the_kind() {
    let out = yanshou()
        .args([
            "template",
            "--kind",
            "village",
            "--format",
            "csv",
            "--checklist",
            "checklists/puyang-2020/village.toml",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(csv_rows(&out.stdout)[0][7], "agent.dedicated");

    let (code, stderr) = stderr_of(&[
        "template",
        "--kind",
        "township",
        "--format",
        "csv",
        "--checklist",
        "builtin:puyang-2020/village",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("用于站点类型“village”，不是“township”"),
        "{stderr}"
    );
}

#[test]
fn campaign_checklists_are_found_relative_to_the_campaign() {
    let dir = scratch("campaign");
    fs::create_dir_all(dir.join("lists")).unwrap();
    fs::copy(
        "checklists/puyang-2020/village.toml",
        dir.join("lists/village.toml"),
    )
    .unwrap();
    fs::write(
        dir.join("campaign.toml"),
        "name = \"测试\"\n[checklists]\nvillage = \"lists/village.toml\"\n",
    )
    .unwrap();
    let campaign = dir.0.to_str().unwrap();
    let out = yanshou()
        .args([
            "template",
            "--kind",
            "village",
            "--format",
            "csv",
            "--campaign",
            campaign,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        csv_rows(&out.stdout)[0][7..],
        ["agent.dedicated", "agent.services"]
    );

    let (code, stderr) = stderr_of(&[
        "template",
        "--kind",
        "township",
        "--format",
        "csv",
        "--campaign",
        campaign,
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("它的站点类型有 village"), "{stderr}");
}

#[test]
fn toml_form_filled_in_is_a_record_check_reads() {
    let out = yanshou()
        .args(["template", "--kind", "township", "--format", "toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let form = String::from_utf8(out.stdout).unwrap();
    let filled = form
        .replace("id = \"\"", "id = \"chengguan\"")
        .replace("name = \"\"", "name = \"城关镇便民服务中心\"")
        .replace("township = \"\"", "township = \"城关镇\"")
        .replace("# site.floor_area = 60.0", "site.floor_area = 59.5")
        .replace("inspectors = []", "inspectors = [\"张伟\"]");
    let dir = scratch("toml");
    let file = dir.join("chengguan.toml");
    fs::write(&file, filled).unwrap();
    let out = yanshou()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    // Read and judged: not accepted (59.5 m² fails, the rest is unrecorded), not bad input.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(json.contains("\"chengguan\""), "{json}");
}

#[test]
fn xlsform_has_its_three_sheets_and_every_item() {
    let dir = scratch("xlsform");
    let file = dir.join("township-xlsform.xlsx");
    yanshou()
        .args([
            "template", "--kind", "township", "--format", "xlsform", "--out",
        ])
        .arg(&file)
        .assert()
        .success();
    let mut book = open(&file);
    assert_eq!(book.sheet_names(), ["survey", "choices", "settings"]);
    let survey = book.worksheet_range("survey").unwrap();
    let header = cells(&survey, 0);
    assert_eq!(&header[..3], ["type", "name", "label::中文 (zh)"]);
    let names: Vec<String> = (1..survey.height())
        .map(|r| cells(&survey, r)[1].clone())
        .collect();
    for item in &checklist("puyang-2020/township").items {
        assert_eq!(
            names.iter().filter(|n| **n == item.id).count(),
            1,
            "{}",
            item.id
        );
    }
    let settings = book.worksheet_range("settings").unwrap();
    assert_eq!(
        cells(&settings, 0),
        ["form_title", "form_id", "version", "default_language"]
    );
    assert_eq!(cells(&settings, 1)[1], "puyang_2020_township_2020_10_1");
}

#[test]
fn never_writes_over_its_own_checklist() {
    let dir = scratch("own-checklist");
    let file = dir.join("village.toml");
    fs::copy("checklists/puyang-2020/village.toml", &file).unwrap();
    let before = fs::read(&file).unwrap();
    let file_arg = file.to_str().unwrap();
    let (code, stderr) = stderr_of(&[
        "template",
        "--kind",
        "village",
        "--format",
        "toml",
        "--checklist",
        file_arg,
        "--out",
        file_arg,
        "--force",
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("这是本次运行的输入"), "{stderr}");
    assert_eq!(fs::read(&file).unwrap(), before);
}

/// The text of one part of a workbook (a zip), e.g. `xl/worksheets/sheet1.xml`.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn template_to(dir: &Scratch, kind: &str, format: &str, file: &str) -> PathBuf {
    let path = dir.join(file);
    yanshou()
        .args(["template", "--kind", kind, "--format", format, "--out"])
        .arg(&path)
        .assert()
        .success();
    path
}

#[test]
fn xlsform_passes_pyxform_where_it_is_installed() {
    let probe = std::process::Command::new("xls2xform")
        .arg("--help")
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: xls2xform (pip install pyxform) is not installed");
        return;
    }
    let dir = scratch("pyxform");
    for (kind, lang) in [("township", "zh"), ("village", "zh"), ("township", "en")] {
        let form = dir.join(format!("{kind}-{lang}.xlsx"));
        yanshou()
            .args([
                "template", "--kind", kind, "--format", "xlsform", "--lang", lang,
            ])
            .arg("--out")
            .arg(&form)
            .assert()
            .success();
        let xml = dir.join(format!("{kind}-{lang}.xml"));
        // --json: pyxform says "code": 100 for a form that converts with no warning at
        // all (it runs ODK Validate too when its jar is installed).
        let out = std::process::Command::new("xls2xform")
            .arg("--json")
            .arg(&form)
            .arg(&xml)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("\"code\": 100"), "{kind} {lang}: {said}");
        let xform = fs::read_to_string(&xml).unwrap();
        assert!(
            xform.contains("site.floor_area_photo\" mediatype=\"image/*\"")
                || xform.contains("agent.dedicated_photo\" mediatype=\"image/*\""),
            "no photo question in {kind}"
        );
    }
}

#[test]
fn an_export_of_the_xlsform_scores_with_its_photos_notes_and_not_applicable_answers() {
    // KoboToolbox's `;` export of the form: photo file names, the photo's URL column,
    // 不适用 chosen with the reason in the note question.
    let out = common::output_with_code(
        yanshou().args([
            "check",
            "tests/fixtures/exports/kobo-photos.csv",
            "--format",
            "json",
            "--as-of",
            "2020-06-30",
        ]),
        1,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let evidence = &json["evidence"][0];
    assert_eq!(evidence["item"], "site.floor_area");
    assert_eq!(evidence["cited"], "1591081234567.png");
    assert_eq!(evidence["state"], "found", "{evidence}");
    assert_eq!(json["evidence"].as_array().unwrap().len(), 1);
    let site = &json["sites"][0];
    assert_eq!(site["id"], "liutun");
    let finding = |item: &str| {
        site["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == item)
            .unwrap()
            .clone()
    };
    let area = finding("site.floor_area");
    assert_eq!(area["status"], "fail");
    assert_eq!(area["note"], "含走廊");
    assert_eq!(area["evidence"], serde_json::json!(["1591081234567.png"]));
    for (item, reason) in [
        ("site.open_hall", "租用旧楼，承重墙不能拆"),
        ("amenities.optional", "大厅面积不足，未另设"),
    ] {
        let f = finding(item);
        assert_eq!(f["status"], "not_applicable", "{f}");
        assert_eq!(f["reason"], reason);
    }
    // 不适用 with no reason anywhere is still refused, naming where the reason goes.
    let dir = scratch("bare-na");
    let text = fs::read_to_string("tests/fixtures/exports/kobo-photos.csv").unwrap();
    let file = dir.join("export.csv");
    fs::write(&file, text.replace("\"租用旧楼，承重墙不能拆\"", "\"\"")).unwrap();
    let (code, stderr) = stderr_of(&["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("site.open_hall#note"), "{stderr}");
}

#[test]
fn blank_forms_say_in_words_what_a_placeholder_stands_for() {
    let out = yanshou()
        .args(["template", "--kind", "township", "--format", "toml"])
        .output()
        .unwrap();
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(!toml.contains("{township}"), "{toml}");
    assert!(
        toml.contains("# 要求：本乡镇名称 + 便民服务中心（强制"),
        "{toml}"
    );

    let dir = scratch("placeholders");
    let xlsx = template_to(&dir, "township", "xlsx", "form.xlsx");
    for name in [
        "xl/sharedStrings.xml",
        "xl/comments1.xml",
        "xl/worksheets/sheet1.xml",
    ] {
        let text = part(&xlsx, name);
        assert!(!text.contains("{township}"), "{name} prints {{township}}");
    }
    assert!(part(&xlsx, "xl/sharedStrings.xml").contains("本乡镇名称 + 便民服务中心"));
    assert!(part(&xlsx, "xl/comments1.xml").contains("要求：本乡镇名称 + 便民服务中心"));
}

#[test]
fn the_xlsx_form_prints_landscape_with_its_headers_on_every_page() {
    let dir = scratch("print");
    let xlsx = template_to(&dir, "township", "xlsx", "form.xlsx");
    let records = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(records.contains("orientation=\"landscape\""), "{records}");
    assert!(records.contains("paperSize=\"9\""));
    assert!(records.contains("fitToHeight=\"0\""));
    assert!(records.contains("<fitToPage/>") || records.contains("fitToPage=\"1\""));
    assert!(
        records.contains("gridLines=\"1\""),
        "a blank form prints ruled rows"
    );
    let workbook = part(&xlsx, "xl/workbook.xml");
    // Both header rows, and the site's id and name, repeated on every page.
    assert!(workbook.contains("记录!$A:$B,记录!$1:$2"), "{workbook}");
    assert!(workbook.contains("填写说明!$1:$1"), "{workbook}");
    let instructions = part(&xlsx, "xl/worksheets/sheet2.xml");
    assert!(instructions.contains("orientation=\"landscape\""));
}

#[test]
fn the_xlsx_form_keeps_ids_as_text_and_takes_several_members_in_one_cell() {
    let dir = scratch("cells");
    let xlsx = template_to(&dir, "township", "xlsx", "form.xlsx");
    let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
    let styles = part(&xlsx, "xl/styles.xml");
    // The id and name columns (A, B) carry a style whose number format is text (49, "@").
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    for col in ["1", "2"] {
        let tag = sheet
            .split("<col ")
            .find(|c| c.starts_with(&format!("min=\"{col}\" max=\"{col}\"")))
            .unwrap_or_else(|| panic!("no <col> for column {col}: {sheet}"));
        let style: usize = tag
            .split("style=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("column {col} has no style: {tag}"));
        assert!(
            xfs[style].contains("numFmtId=\"49\""),
            "column {col}: {}",
            xfs[style]
        );
    }
    // The kind is chosen by its Chinese name; a multi-member item has no single-pick list.
    let validations: Vec<&str> = sheet.split("<dataValidation ").skip(1).collect();
    let on = |col: &str| {
        validations
            .iter()
            .find(|v| v.contains(&format!("sqref=\"{col}3:{col}1002\"")))
            .copied()
            .unwrap_or_else(|| panic!("no validation on {col}"))
    };
    let kind = on("C");
    assert!(
        kind.contains("<formula1>\"乡镇便民服务中心\"</formula1>"),
        "{kind}"
    );
    let header = cells(&open(&xlsx).worksheet_range("记录").unwrap(), 0);
    let departments = header
        .iter()
        .position(|h| h == "windows.departments")
        .unwrap();
    let letter = |i: usize| {
        let mut n = i + 1;
        let mut s = String::new();
        while n > 0 {
            s.insert(0, char::from(b'A' + u8::try_from((n - 1) % 26).unwrap()));
            n = (n - 1) / 26;
        }
        s
    };
    let members = on(&letter(departments));
    assert!(!members.contains("type=\"list\""), "{members}");
    assert!(members.contains("用顿号、分隔"), "{members}");

    // A form filled in as the dropdown fills it reads back as a township record.
    let range = open(&xlsx).worksheet_range("记录").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let filled = book.add_worksheet();
    for row in 0..2 {
        for (c, text) in cells(&range, row).iter().enumerate() {
            filled
                .write_string(u32::try_from(row).unwrap(), u16::try_from(c).unwrap(), text)
                .unwrap();
        }
    }
    let column = |key: &str| u16::try_from(header.iter().position(|h| h == key).unwrap()).unwrap();
    for (key, value) in [
        ("id", "liutun"),
        ("name", "柳屯镇便民服务中心"),
        ("kind", "乡镇便民服务中心"),
        ("township", "柳屯镇"),
        ("inspected_on", "2020-06-02"),
        ("inspectors", "张伟、李娜"),
        ("windows.departments", "民政局、人社局"),
    ] {
        filled.write_string(2, column(key), value).unwrap();
    }
    let file = dir.join("filled.xlsx");
    book.save(&file).unwrap();
    let out = common::output_with_code(
        yanshou()
            .args(["check", "--format", "json", "--as-of", "2020-06-30"])
            .arg(&file),
        1,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let site = &json["sites"][0];
    assert_eq!(site["kind"], "township", "{site}");
    let departments = site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == "windows.departments")
        .unwrap();
    assert_eq!(
        departments["observed"],
        serde_json::json!(["民政局", "人社局"])
    );
}
