//! Nothing lost, nothing changed (issue #21): every column and every record is read once,
//! the same way, by every reader and command, or refused with a located error.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

const SITE: &str = "id,name,kind,township,inspected_on,inspectors";
const ROW: &str = "chengguan,城关镇便民服务中心,township,城关镇,2020-06-02,张伟";

/// Runs `args` in `dir`, returning the exit code and standard error.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = yanshou()
        .current_dir(dir)
        .args(args)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

/// `check` and `convert` both refuse `file`, and the error says `expected`.
fn refused_everywhere(dir: &Path, file: &str, expected: &str) {
    let (code, stderr) = run(dir, &["check", file]);
    assert_eq!(code, Some(2), "check: {stderr}");
    assert!(stderr.contains(expected), "check: {stderr}");
    assert!(stderr.contains(file), "check names the file: {stderr}");
    let (code, stderr) = run(dir, &["convert", file, "--to", "toml", "--out", "out"]);
    assert_eq!(code, Some(2), "convert: {stderr}");
    assert!(stderr.contains(expected), "convert: {stderr}");
    assert!(!dir.join("out").exists(), "convert wrote nothing");
}

/// A one-sheet workbook of `rows`.
fn xlsx(path: &Path, rows: &[&str]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.split(',').enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

// ---------------------------------------------------------------- 1. one header resolution

#[test]
fn two_columns_for_one_item_are_refused_by_every_reader() {
    let dir = Scratch::new("nothing-lost", "two-columns");
    let header = format!("{SITE},site.floor_area,grp/site.floor_area");
    let row = format!("{ROW},50,80");
    fs::write(dir.join("two.csv"), format!("{header}\n{row}\n")).unwrap();
    refused_everywhere(
        &dir,
        "two.csv",
        "column \"grp/site.floor_area\" holds the same as column 7 (G) \"site.floor_area\"",
    );
    xlsx(&dir.join("two.xlsx"), &[&header, &row]);
    refused_everywhere(&dir, "two.xlsx", "holds the same as column 7 (G)");
    // Two notes for one item: which one is the note?
    let header = format!("{SITE},site.floor_area,site.floor_area#note,g/site.floor_area#note");
    fs::write(
        dir.join("notes.csv"),
        format!("{header}\n{ROW},80,first,second\n"),
    )
    .unwrap();
    refused_everywhere(&dir, "notes.csv", "holds the same as column 8 (H)");
    // And a site field given twice.
    fs::write(
        dir.join("fields.csv"),
        format!("{SITE},grp/township\n{ROW},梨园乡\n"),
    )
    .unwrap();
    refused_everywhere(&dir, "fields.csv", "holds the same as column 4 (D)");
}

#[test]
fn a_value_under_an_empty_header_is_an_error_and_empty_columns_are_not() {
    let dir = Scratch::new("nothing-lost", "unnamed");
    // Excel often saves a few empty columns after the last one: harmless while empty.
    fs::write(
        dir.join("trailing.csv"),
        format!("{SITE},site.floor_area,,\n{ROW},80,,\n"),
    )
    .unwrap();
    let (code, stderr) = run(&dir, &["check", "trailing.csv"]);
    assert_ne!(code, Some(2), "{stderr}");
    // The same file with a value in one of them: the value is an observation of nothing.
    fs::write(
        dir.join("value.csv"),
        format!("{SITE},site.floor_area,,\n{ROW},80,,58\n"),
    )
    .unwrap();
    refused_everywhere(
        &dir,
        "value.csv",
        "this column has no header but holds \"58\"",
    );
    let (_, stderr) = run(&dir, &["check", "value.csv"]);
    assert!(stderr.contains("value.csv:2:9"), "row and column: {stderr}");
    // The long layout too.
    fs::write(
        dir.join("long.csv"),
        "site_id,item,value,\nchengguan,site.floor_area,80,58\n",
    )
    .unwrap();
    refused_everywhere(
        &dir,
        "long.csv",
        "this column has no header but holds \"58\"",
    );
}

#[test]
fn a_multiple_choice_exported_only_per_choice_is_refused_naming_the_export_setting() {
    let dir = Scratch::new("nothing-lost", "per-choice");
    fs::write(
        dir.join("choices.csv"),
        format!("{SITE},c3/windows.departments/民政局,c3/windows.departments/人社局\n{ROW},1,0\n"),
    )
    .unwrap();
    refused_everywhere(
        &dir,
        "choices.csv",
        "is one choice of the multiple choice `windows.departments`",
    );
    let (_, stderr) = run(&dir, &["check", "choices.csv"]);
    assert!(stderr.contains("single column"), "{stderr}");
    // Beside the answer's own column, the per-choice columns repeat it: read the answer.
    fs::write(
        dir.join("both.csv"),
        format!(
            "{SITE},c3/windows.departments,c3/windows.departments/民政局\n{ROW},民政局 人社局,1\n"
        ),
    )
    .unwrap();
    let (code, stderr) = run(&dir, &["check", "both.csv"]);
    assert_ne!(code, Some(2), "{stderr}");
}

#[test]
fn the_long_layout_refuses_a_column_or_a_site_field_given_twice() {
    let dir = Scratch::new("nothing-lost", "long-twice");
    fs::write(
        dir.join("cols.csv"),
        "site_id,item,value,value\nchengguan,site.floor_area,50,80\n",
    )
    .unwrap();
    refused_everywhere(&dir, "cols.csv", "column \"value\" appears twice");
    fs::write(
        dir.join("rows.csv"),
        "site_id,item,value\n\
         chengguan,name,城关镇便民服务中心\n\
         chengguan,kind,township\n\
         chengguan,township,城关镇\n\
         chengguan,inspected_on,2020-06-02\n\
         chengguan,inspectors,张伟\n\
         chengguan,township,梨园乡\n",
    )
    .unwrap();
    refused_everywhere(
        &dir,
        "rows.csv",
        "`township` of site \"chengguan\" is given twice (first in row 4)",
    );
}

// ---------------------------------------------------------------- 2. every record read or refused

#[test]
fn a_workbook_with_two_sheets_of_records_is_refused_unless_one_is_named() {
    let dir = Scratch::new("nothing-lost", "two-sheets");
    // One sheet per township, as an office collects them, and a sheet of notes.
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("说明", vec!["每个乡镇一个工作表".to_owned()]),
        ("城关镇", vec![SITE.to_owned(), ROW.to_owned()]),
        (
            "鲁河镇",
            vec![SITE.to_owned(), ROW.replace("chengguan", "luhe")],
        ),
    ] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save(dir.join("county.xlsx")).unwrap();
    // Today the first sheet (the notes) is read, and the two townships are never seen.
    let (code, stderr) = run(&dir, &["check", "county.xlsx", "--format", "json"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("several sheets of records (城关镇、鲁河镇)") && stderr.contains("--sheet"),
        "{stderr}"
    );
    let out = yanshou()
        .current_dir(&*dir)
        .args([
            "check",
            "county.xlsx",
            "--sheet",
            "鲁河镇",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["luhe"]);
}

/// A copy of the example campaign in `dir/c`, for tests that change its folders.
fn example_copy(dir: &Path) -> std::path::PathBuf {
    let to = dir.join("c");
    common::copy_dir(Path::new("examples/puyang-2020"), &to);
    to
}

/// The site ids `check` judged, in its order.
fn judged(dir: &Path) -> Vec<String> {
    let out = yanshou()
        .current_dir(dir)
        .args(["check", "c", "--as-of", "2020-06-30", "--format", "json"])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The record files `check` read, in the order its provenance lists them.
fn read_order(dir: &Path) -> Vec<String> {
    let out = yanshou()
        .current_dir(dir)
        .args(["check", "c", "--as-of", "2020-06-30", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["provenance"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["path"].as_str())
        .filter(|p| p.starts_with("c/sites/"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn records_in_subfolders_are_read_in_path_order() {
    let dir = Scratch::new("nothing-lost", "subfolders");
    let c = example_copy(&dir);
    let flat = judged(&dir);
    // The village stations moved into a folder of their own, and one township deeper still.
    fs::create_dir_all(c.join("sites/村/梨园")).unwrap();
    for id in [
        "chengguan-dongguan",
        "qingzu-xixinzhuang",
        "hubuzhai-nanjie",
    ] {
        fs::rename(
            c.join(format!("sites/{id}.toml")),
            c.join(format!("sites/村/{id}.toml")),
        )
        .unwrap();
    }
    fs::rename(
        c.join("sites/liyuan-beijie.toml"),
        c.join("sites/村/梨园/liyuan-beijie.toml"),
    )
    .unwrap();
    let nested = judged(&dir);
    assert_eq!(
        nested, flat,
        "every record is still read, and judged the same"
    );
    // The files are read in the order of their paths, name by name (the sites are then
    // listed by kind and id, whatever the files).
    let read = read_order(&dir);
    let mut by_path: Vec<std::path::PathBuf> = read.iter().map(std::path::PathBuf::from).collect();
    by_path.sort();
    assert_eq!(
        read,
        by_path
            .iter()
            .map(|p| p.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(read.last().unwrap(), "c/sites/村/梨园/liyuan-beijie.toml");
    assert_eq!(read[read.len() - 2], "c/sites/村/qingzu-xixinzhuang.toml");
    // The same twice: the order is the paths', not the file system's.
    assert_eq!(judged(&dir), nested);
    assert_eq!(read_order(&dir), read);
}

#[cfg(unix)]
#[test]
fn a_dangling_link_and_an_excel_lock_file_are_errors_and_an_xls_is_said() {
    let dir = Scratch::new("nothing-lost", "links");
    let c = example_copy(&dir);
    std::os::unix::fs::symlink("../../elsewhere/gone.toml", c.join("sites/gone.toml")).unwrap();
    let (code, stderr) = run(&dir, &["check", "c", "--as-of", "2020-06-30"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "c/sites/gone.toml: the link points to ../../elsewhere/gone.toml, which does not exist"
        ),
        "{stderr}"
    );
    fs::remove_file(c.join("sites/gone.toml")).unwrap();
    // A link to a real record is read.
    fs::rename(c.join("sites/zian.toml"), dir.join("zian.toml")).unwrap();
    std::os::unix::fs::symlink("../../zian.toml", c.join("sites/zian.toml")).unwrap();
    assert!(judged(&dir).contains(&"zian".to_owned()));
    fs::write(c.join("sites/~$乡镇检查表.xlsx"), b"\x0bowner-file").unwrap();
    let (code, stderr) = run(&dir, &["check", "c", "--as-of", "2020-06-30"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the lock file Excel/WPS leaves"),
        "{stderr}"
    );
    fs::remove_file(c.join("sites/~$乡镇检查表.xlsx")).unwrap();
    fs::write(c.join("sites/old.xls"), b"\xd0\xcf\x11\xe0").unwrap();
    let (code, stderr) = run(&dir, &["check", "c", "--as-of", "2020-06-30"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("warning: c/sites/old.xls: yanshou does not read this kind of spreadsheet"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------- 3. convert is lossless or refuses

/// Texts that have tripped readers: separators, quotes, formula starts, NBSP, line breaks,
/// not-applicable look-alikes, the "nothing found" marker, and nothing at all.
fn nasty_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces = prop::sample::select(vec![
        "、",
        ",",
        ";",
        "；",
        "/",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "'",
        "''",
        "=",
        "-",
        "+",
        "@",
        "\"",
        " ",
        "\u{a0}",
        "不适用",
        "不适用：",
        "N/A: ",
        "NA",
        "无",
        "a",
        "城关",
        "：",
        "#",
        "\\",
        "民政局",
        "}",
        "",
    ]);
    prop::collection::vec(pieces, 0..6).prop_map(|p| p.concat())
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn strings(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|s| quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A township record whose texts are `texts`, in TOML.
fn nasty_record(
    t: &[String],
    inspectors: &[String],
    members: &[String],
    paths: &[String],
) -> String {
    format!(
        "id = \"chengguan\"\nname = {}\nkind = \"township\"\ntownship = {}\n\
         inspected_on = 2020-06-02\ninspectors = {}\n\n[observations]\n\
         site.floor_area = 60.0\n\
         sign.name = {{ value = {}, note = {}, evidence = {} }}\n\
         disclosure.board_colours = {}\n\
         windows.departments = {}\n\
         amenities.optional = {{ not_applicable = {} }}\n\
         service.leader = {{ note = {} }}\n",
        quoted(&format!("城关{}", t[0])),
        quoted(&format!("城关镇{}", t[1])),
        strings(inspectors),
        quoted(&t[2]),
        quoted(&t[3]),
        strings(paths),
        quoted(&t[4]),
        strings(members),
        quoted(&format!("理由{}", t[5])),
        quoted(&format!("备注{}", t[6])),
    )
}

/// `convert` of `from` into `to`: the exit code and standard error.
fn convert(dir: &Path, from: &str, to: &str, extra: &[&str], out: &str) -> (Option<i32>, String) {
    let out = yanshou()
        .current_dir(dir)
        .args([
            "convert", from, "--to", to, "--out", out, "--force", "--lang", "en",
        ])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 40,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Every record the TOML reader accepts converts to every format and back into the
    /// same record, or convert refuses, naming the value and writing nothing.
    #[test]
    fn every_record_converts_and_back_unchanged_or_is_refused(
        texts in proptest::collection::vec(nasty_text(), 7),
        inspectors in proptest::collection::vec(nasty_text(), 1..3),
        members in proptest::collection::vec(nasty_text(), 0..3),
        paths in proptest::collection::vec(nasty_text(), 0..3),
    ) {
        let dir = Scratch::new("nothing-lost", "round-trip");
        let mut members = members;
        members.push("人社局".to_owned());
        fs::write(dir.join("a.toml"), nasty_record(&texts, &inspectors, &members, &paths)).unwrap();
        let (code, _) = convert(&dir, "a.toml", "toml", &[], "n");
        // Only what a reader accepts must survive.
        proptest::prop_assume!(code == Some(0));
        let normal = fs::read_to_string(dir.join("n/chengguan.toml")).unwrap();
        for (to, extra, file) in [
            ("csv", &[][..], "o.csv"),
            ("csv", &["--layout", "long"][..], "o-long.csv"),
            ("xlsx", &[][..], "o.xlsx"),
        ] {
            let (code, stderr) = convert(&dir, "a.toml", to, extra, file);
            if code == Some(2) {
                proptest::prop_assert!(stderr.contains("cannot be written as"), "{}", stderr);
                proptest::prop_assert!(!dir.join(file).exists());
                continue;
            }
            proptest::prop_assert_eq!(code, Some(0), "{}", stderr);
            let back = format!("back-{file}");
            let (code, stderr) = convert(&dir, file, "toml", &[], &back);
            proptest::prop_assert_eq!(code, Some(0), "{}", stderr);
            let again = fs::read_to_string(dir.join(&back).join("chengguan.toml")).unwrap();
            proptest::prop_assert_eq!(&again, &normal, "{} {:?}", file, extra);
        }
    }
}

/// What `check` says of the one site of `file`: every field but the record's path.
fn verdict(dir: &Path, file: &str) -> serde_json::Value {
    let out = yanshou()
        .current_dir(dir)
        .args(["check", file, "--format", "json", "--as-of", "2020-06-30"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut site = json["sites"][0].clone();
    assert!(site["score"].is_number(), "{file}: {json}");
    site.as_object_mut().unwrap().remove("record");
    site
}

/// The cases the issue found: each is judged the same from TOML and from every format it
/// converts to, or convert refuses it.
#[test]
fn the_texts_that_changed_verdicts_in_conversion_no_longer_do() {
    let dir = Scratch::new("nothing-lost", "issue-cases");
    let texts: Vec<String> = ["", "", "N/A: 旧牌已拆除", "", " ", "a", "b"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let record = nasty_record(
        &texts,
        &["张伟;李娜".to_owned()],
        &["民政局/人社局".to_owned()],
        &["照片/a;b.jpg".to_owned()],
    );
    fs::write(dir.join("a.toml"), record).unwrap();
    let from_toml = verdict(&dir, "a.toml");
    for (to, extra, file) in [
        ("csv", &[][..], "o.csv"),
        ("csv", &["--layout", "long"][..], "o-long.csv"),
        ("xlsx", &[][..], "o.xlsx"),
        ("toml", &[][..], "o"),
    ] {
        let (code, stderr) = convert(&dir, "a.toml", to, extra, file);
        assert_eq!(code, Some(0), "{to}: {stderr}");
        assert_eq!(verdict(&dir, file), from_toml, "{file}");
    }
    // A CSV `不适用` with no reason is refused, not written as a TOML answer TOML refuses.
    let csv = format!("{SITE},site.open_hall\n{ROW},不适用\n");
    fs::write(dir.join("na.csv"), csv).unwrap();
    refused_everywhere(&dir, "na.csv", "不适用");
    // An inspector list of blanks is refused by TOML as by CSV.
    let blank = nasty_record(&texts, &["  ".to_owned()], &[], &[]);
    fs::write(dir.join("blank.toml"), blank).unwrap();
    refused_everywhere(&dir, "blank.toml", "inspectors");
}

// ---------------------------------------------------------------- 7. locations people can use

#[test]
fn the_first_error_in_the_file_is_the_one_given_whatever_the_chunk_size() {
    // Found by fuzzing: a GBK file with an unknown column in its header and bytes that are
    // not GBK on line 6. Read in one chunk, the decoder's error came first and the rows
    // before it were lost; read in small chunks, the header's error did.
    let checklists = common::puyang_checklists();
    let (header, _, _) = encoding_rs::GB18030.encode("蕊豢id,name\n");
    let mut bytes = header.into_owned();
    bytes.extend_from_slice("chengguan,a\n".repeat(4).as_bytes());
    bytes.extend_from_slice(b"\xFF\xFF,b\n");
    for chunk in [7, 97, 1 << 20] {
        for fast in [false, true] {
            let err = yanshou::inputs::read_csv_bytes(&bytes, "f.csv", &checklists, fast, chunk)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("f.csv:1:1: 蕊豢id (A1): unknown column"),
                "{chunk}: {err}"
            );
        }
    }
    // With a good header, the bad bytes are the error, on their row (a cell with a line
    // break before them makes the row number differ from the line number).
    let mut bytes = format!("{SITE}\n").into_bytes();
    let row = format!("{ROW}\n");
    let (rows, _, _) = encoding_rs::GB18030.encode(&row);
    for _ in 0..4 {
        bytes.extend_from_slice(&rows);
    }
    let good = bytes.clone();
    bytes.extend_from_slice(b"\xFF\xFF,b\n");
    for chunk in [7, 97, 1 << 20] {
        let err = yanshou::inputs::read_csv_bytes(&bytes, "f.csv", &checklists, false, chunk)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.csv:6: bytes near offset"),
            "{chunk}: {err}"
        );
    }
    let row = format!("{}\n", ROW.replace("张伟", "\"张伟\n李娜\""));
    let (broken, _, _) = encoding_rs::GB18030.encode(&row);
    let mut bytes = good;
    bytes.extend_from_slice(&broken);
    bytes.extend_from_slice(b"\xFF\xFF,b\n");
    for chunk in [7, 97, 1 << 20] {
        let err = yanshou::inputs::read_csv_bytes(&bytes, "f.csv", &checklists, false, chunk)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.csv:7: bytes near offset"),
            "row 7 on line 8, {chunk}: {err}"
        );
    }
}

#[test]
fn a_gbk_row_in_a_utf8_file_is_blamed_on_that_row() {
    let dir = Scratch::new("nothing-lost", "gbk-row");
    let (gbk, _, _) =
        encoding_rs::GBK.encode("b2,城关镇便民服务中心,township,城关镇,2020-06-02,李娜\n");
    let mut bytes = format!("{SITE}\n{ROW}\n").into_bytes();
    bytes.extend_from_slice(ROW.replace("chengguan", "b1").as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&gbk);
    fs::write(dir.join("mix.csv"), bytes).unwrap();
    let (code, stderr) = run(&dir, &["check", "mix.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("mix.csv:4:"), "{stderr}");
    assert!(stderr.contains("two encodings"), "{stderr}");
}

#[test]
fn a_guess_is_offered_only_when_it_is_close() {
    let dir = Scratch::new("nothing-lost", "did-you-mean");
    fs::write(
        dir.join("near.csv"),
        format!("{SITE},site.flor_area\n{ROW},60\n"),
    )
    .unwrap();
    let (code, stderr) = run(&dir, &["check", "near.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("did you mean `site.floor_area`"),
        "{stderr}"
    );
    fs::write(dir.join("far.csv"), format!("{SITE},remarks\n{ROW},60\n")).unwrap();
    let (code, stderr) = run(&dir, &["check", "far.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown column \"remarks\""), "{stderr}");
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn the_only_row_of_a_sheet_failing_is_its_error_not_no_sites() {
    let dir = Scratch::new("nothing-lost", "one-bad-row");
    fs::write(
        dir.join("one.csv"),
        format!("{SITE},site.floor_area\n{ROW},abc\n"),
    )
    .unwrap();
    let (code, stderr) = run(&dir, &["check", "one.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("one.csv:2:7"), "{stderr}");
    assert!(!stderr.contains("no sites"), "{stderr}");
}

// ---------------------------------------------------------------- 8. values and dates held exactly

#[test]
fn a_decimal_rounding_to_the_bound_is_refused_not_passed() {
    let dir = Scratch::new("nothing-lost", "decimal");
    let long = "59.99999999999999999";
    fs::write(
        dir.join("a.csv"),
        format!("{SITE},site.floor_area\n{ROW},{long}\n"),
    )
    .unwrap();
    let (code, stderr) = run(&dir, &["check", "a.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("a.csv:2:7") && stderr.contains("judged exactly"),
        "{stderr}"
    );
    let texts: Vec<String> = (0..7).map(|_| String::new()).collect();
    let record = nasty_record(&texts, &["张伟".to_owned()], &[], &[]).replace(
        "site.floor_area = 60.0",
        &format!("site.floor_area = {long}"),
    );
    fs::write(dir.join("a.toml"), record).unwrap();
    let (code, stderr) = run(&dir, &["check", "a.toml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("a.toml:9:19") && stderr.contains("judged exactly"),
        "{stderr}"
    );
}

#[test]
fn an_inspection_date_no_calendar_holds_is_refused_and_a_later_one_said() {
    let dir = Scratch::new("nothing-lost", "dates");
    for (file, date) in [("old.csv", "0001-06-02"), ("far.csv", "2209-06-02")] {
        let row = ROW.replace("2020-06-02", date);
        fs::write(dir.join(file), format!("{SITE}\n{row}\n")).unwrap();
        let (code, stderr) = run(&dir, &["check", file]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(&format!("{file}:2:5")), "{stderr}");
        assert!(stderr.contains("between 2000 and 2099"), "{stderr}");
    }
    let row = ROW.replace("2020-06-02", "2099-06-02");
    fs::write(dir.join("later.csv"), format!("{SITE}\n{row}\n")).unwrap();
    let (code, stderr) = run(&dir, &["check", "later.csv", "--as-of", "2020/6/30"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("after the judging day 2020-06-30: not counted"),
        "{stderr}"
    );
}

#[test]
fn as_of_takes_the_date_forms_of_records() {
    let dir = Scratch::new("nothing-lost", "as-of");
    fs::write(dir.join("a.csv"), format!("{SITE}\n{ROW}\n")).unwrap();
    let judged = |as_of: &str| {
        let out = yanshou()
            .current_dir(&dir)
            .args(["check", "a.csv", "--format", "json", "--as-of", as_of])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json["summary"].clone())
    };
    let iso = judged("2020-06-30");
    assert_eq!(iso.1["sites"], 1, "{iso:?}");
    assert_eq!(judged("2020/6/30"), iso);
    assert_eq!(judged("2020-6-30"), iso);
    assert_eq!(judged("2020年6月30日"), iso);
    // The day before the inspection: it is not counted, whatever the form.
    assert_eq!(judged("2020/6/1").1["sites"], 0);
}

#[test]
fn generating_no_sites_is_refused() {
    let dir = Scratch::new("nothing-lost", "generate-0");
    let (code, stderr) = run(&dir, &["generate", "--sites", "0", "--out", "g.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--sites"), "{stderr}");
    assert!(!dir.join("g.csv").exists());
}

#[test]
fn a_row_with_line_breaks_in_its_cells_is_one_row_in_every_error() {
    let dir = Scratch::new("nothing-lost", "multi-line");
    // Two cells holding line breaks (Alt+Enter in Excel), then a bad area on the fourth
    // row as a spreadsheet shows it, the seventh line of the file.
    let text = format!(
        "{SITE},\"site.floor_area\"\n{ROW},60\n\
         b2,\"B\n\nC\",township,城关镇,2020-06-02,\"张伟\n李娜\",60\n\
         b3,B3,township,城关镇,2020-06-02,张伟,-5\n"
    );
    fs::write(dir.join("ml.csv"), &text).unwrap();
    for chunk in ["1048576", "16", "7"] {
        let out = yanshou()
            .current_dir(&dir)
            .env("YANSHOU_CHUNK_BYTES", chunk)
            .args(["check", "ml.csv", "--lang", "en"])
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("ml.csv:4:7: site.floor_area (G4)"),
            "{chunk}: {stderr}"
        );
    }
    // The long layout counts rows the same way.
    let long = "site_id,item,value,note,evidence\n\
                a,name,\"城关镇\n便民服务中心\",,\na,kind,township,,\n\
                a,township,城关镇,,\na,inspected_on,2020-06-02,,\na,inspectors,张伟,,\n\
                a,site.floor_area,abc,,\n";
    fs::write(dir.join("long.csv"), long).unwrap();
    let (code, stderr) = run(&dir, &["check", "long.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("long.csv:7:3") && stderr.contains("(C7)"),
        "{stderr}"
    );
}
