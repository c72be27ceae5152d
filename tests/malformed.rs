//! Malformed input: every case exits 2 within seconds, with located one-line messages that
//! name the file, and never panics.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::Scratch;

const PASS: &str = include_str!("fixtures/records/pass.toml");
const CHECKLIST: &str = include_str!("../checklists/puyang-2020/village.toml");
const HEADER: &str = "id,name,kind,township,inspected_on,inspectors,site.floor_area\n";
const ROW: &str = "chengguan,城关镇便民服务中心,township,城关镇,2020-06-02,张伟,60\n";

/// The 1-based line of the first line of `text` that holds `needle`: line numbers of the
/// built-in checklist move when its comments do.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"))
}

fn scratch(name: &str) -> Scratch {
    Scratch::new("malformed", name)
}

/// A small deterministic byte generator for garbage files.
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A minimal zip file with one stored entry, to make fake workbooks.
fn zip_with(name: &str, content: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let crc = crc32(content);
    let (n, c) = (name.len() as u16, content.len() as u32);
    let mut out = Vec::new();
    out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&c.to_le_bytes());
    out.extend_from_slice(&c.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(content);
    let central = out.len() as u32;
    out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&c.to_le_bytes());
    out.extend_from_slice(&c.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&[0u8; 12]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    let size = out.len() as u32 - central;
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Runs yanshou with `args` in `dir` and checks the failure is a clean, located exit 2.
fn fails(dir: &Path, args: &[&str], file: &str, expected: &str) {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{args:?}: {stderr}"
    );
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("yanshou: "), "{args:?}: {stderr}");
    assert!(
        first.contains(file),
        "{args:?}: the message does not name {file}: {stderr}"
    );
    assert!(
        stderr.contains(expected),
        "{args:?}: expected {expected:?} in: {stderr}"
    );
    for line in stderr.lines() {
        assert!(line.len() < 2000, "{args:?}: an overlong line");
    }
}

/// `fails` with the same arguments in the default language: the same clean, located exit 2,
/// its message in Chinese.
fn fails_in_chinese(dir: &Path, args: &[&str], file: &str) {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("yanshou: ") && first.contains(file),
        "{args:?}: {stderr}"
    );
    let message = first.split_once(file).map_or(first, |(_, rest)| rest);
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{args:?}: not in Chinese: {stderr}"
    );
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

fn record(edit: &dyn Fn(&str) -> String) -> String {
    edit(PASS)
}

#[test]
fn malformed_records() {
    let dir = scratch("records");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.toml", Vec::new(), "the file is empty"),
        ("blank.toml", b"\n\n   \n".to_vec(), "the file is empty"),
        (
            "comments.toml",
            b"# nothing but a comment\n".to_vec(),
            "missing key `id`",
        ),
        ("garbage.toml", garbage(4096, 1), "not UTF-8 text"),
        (
            "nul.toml",
            PASS.replace("name = \"", "name = \"\0").into_bytes(),
            "invalid TOML",
        ),
        (
            "latin1.toml",
            b"id = \"x\"\nname = \"caf\xe9\"\n".to_vec(),
            "not UTF-8 text",
        ),
        (
            "unclosed-table.toml",
            PASS.replace("[observations]", "[observations").into_bytes(),
            "unclosed table",
        ),
        (
            "unclosed-string.toml",
            PASS.replace("\"城关镇\"", "\"城关镇").into_bytes(),
            "invalid TOML",
        ),
        (
            "deep-arrays.toml",
            format!("a = {}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            "recursion",
        ),
        (
            "deep-tables.toml",
            format!("a = {}1{}", "{b = ".repeat(5000), "}".repeat(5000)).into_bytes(),
            "recursion",
        ),
        (
            "huge-float.toml",
            record(&|s| s.replace("= 86.5", "= 1e400")).into_bytes(),
            "finite",
        ),
        (
            "nan.toml",
            record(&|s| s.replace("= 86.5", "= nan")).into_bytes(),
            "finite",
        ),
        (
            "infinity.toml",
            record(&|s| s.replace("= 86.5", "= -inf")).into_bytes(),
            "finite",
        ),
        (
            "huge-int.toml",
            record(&|s| {
                s.replace(
                    "windows.comprehensive = 2",
                    "windows.comprehensive = 99999999999999999999",
                )
            })
            .into_bytes(),
            "too large",
        ),
        (
            "negative.toml",
            record(&|s| s.replace("= 86.5", "= -86.5")).into_bytes(),
            "cannot be negative",
        ),
        (
            "feb-30.toml",
            record(&|s| s.replace("2020-06-02", "2020-02-30")).into_bytes(),
            "invalid date",
        ),
        (
            "month-13.toml",
            record(&|s| s.replace("2020-06-02", "2020-13-02")).into_bytes(),
            "invalid",
        ),
        (
            "datetime.toml",
            record(&|s| s.replace("2020-06-02", "2020-06-02T10:00:00")).into_bytes(),
            "leave out the time",
        ),
        (
            "unknown-kind.toml",
            record(&|s| s.replace("kind = \"township\"", "kind = \"city\"")).into_bytes(),
            "no checklist for site kind \"city\"",
        ),
        (
            "kind-mismatch.toml",
            record(&|s| s.replace("kind = \"township\"", "kind = \"village\"")).into_bytes(),
            "unknown item",
        ),
        (
            "unknown-item.toml",
            record(&|s| s.replace("site.open_hall", "site.open_hal")).into_bytes(),
            "did you mean `site.open_hall`",
        ),
        (
            "wrong-type.toml",
            record(&|s| s.replace("site.open_hall = true", "site.open_hall = \"maybe\""))
                .into_bytes(),
            "is not a yes/no answer",
        ),
        (
            "list-of-numbers.toml",
            record(&|s| s.replace("[\"办事区\", \"等候区\", \"自助区\"]", "[1, 2]")).into_bytes(),
            "expected a list of texts",
        ),
        (
            "device-id.toml",
            record(&|s| s.replace("id = \"fixture-pass\"", "id = \"con\"")).into_bytes(),
            "reserves for a device",
        ),
        (
            "slash-id.toml",
            record(&|s| s.replace("id = \"fixture-pass\"", "id = \"../x\"")).into_bytes(),
            "may use only ASCII",
        ),
        (
            "control-in-key.toml",
            record(&|s| s.replace("inspectors =", "insp\u{7}ectors =")).into_bytes(),
            "invalid TOML",
        ),
        (
            "huge.toml",
            {
                let mut big = PASS.to_owned().into_bytes();
                big.resize(9 * 1024 * 1024, b'\n');
                big
            },
            "too large for a TOML file",
        ),
    ];
    for (name, bytes, expected) in &cases {
        write(&dir, name, bytes);
        fails(&dir, &["check", name, "--lang", "en"], name, expected);
        fails_in_chinese(&dir, &["check", name], name);
    }
    // duplicate ids across files, ignoring case
    write(&dir, "dup/a.toml", PASS);
    write(
        &dir,
        "dup/b.toml",
        PASS.replace("fixture-pass", "Fixture-Pass"),
    );
    fails(
        &dir,
        &["check", "dup", "--lang", "en"],
        "b.toml",
        "already used by",
    );
    fails(&dir, &["check", "dup"], "b.toml", "已被");
    assert!(cases.len() >= 25);
}

#[test]
fn malformed_spreadsheets() {
    let dir = scratch("sheets");
    let wide_cols: String = (0..100_000).map(|i| format!("c{i},")).collect();
    let text = format!("{HEADER}{ROW}");
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let mut gbk_broken = gbk.to_vec();
    gbk_broken.extend_from_slice(b"x,\xff\xfe,township\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "no header row"),
        ("header-only.csv", HEADER.into(), "no sites"),
        (
            "garbage.csv",
            garbage(4096, 2).into_iter().map(|b| b.max(1)).collect(),
            "neither UTF-8 nor GBK",
        ),
        ("garbage-with-nul.csv", garbage(4096, 4), "NUL bytes"),
        (
            "utf16.csv",
            format!("{HEADER}{ROW}")
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            "NUL bytes",
        ),
        (
            "nul.csv",
            format!("{HEADER}{ROW}")
                .replace("城关镇便民", "城关镇\0便民")
                .into_bytes(),
            "NUL bytes",
        ),
        ("gbk-broken.csv", gbk_broken, "neither UTF-8 nor GBK"),
        (
            "ragged.csv",
            format!("{HEADER}{}", ROW.replace("60\n", "60,61,62\n")).into_bytes(),
            "the row has 9 cells",
        ),
        (
            "short-row.csv",
            format!("{HEADER}chengguan,城关镇便民服务中心\n").into_bytes(),
            "is empty",
        ),
        (
            "unterminated-quote.csv",
            format!("{HEADER}chengguan,\"城关镇便民服务中心,township,城关镇,2020-06-02,张伟,60\n")
                .into_bytes(),
            "is empty",
        ),
        (
            "long-line.csv",
            format!(
                "{HEADER}chengguan,{},township,城关镇,2020-06-02,张伟,60\n",
                "x".repeat(20_000_000)
            )
            .into_bytes(),
            "longer than the 65536",
        ),
        (
            "many-columns.csv",
            format!("{wide_cols}\n").into_bytes(),
            "more than the 10000",
        ),
        (
            "unknown-column.csv",
            HEADER.replace("site.floor_area", "site.floor").into_bytes(),
            "did you mean `site.floor_area`",
        ),
        (
            "missing-column.csv",
            HEADER.replace("inspectors,", "").into_bytes(),
            "no `inspectors` column",
        ),
        (
            "duplicate-column.csv",
            HEADER.replace("\n", ",site.floor_area\n").into_bytes(),
            "appears twice",
        ),
        (
            "bad-value.csv",
            format!("{HEADER}{}", ROW.replace(",60\n", ",六十平\n")).into_bytes(),
            "site.floor_area (G2)",
        ),
        (
            "bad-date.csv",
            format!("{HEADER}{}", ROW.replace("2020-06-02", "2020-02-30")).into_bytes(),
            "inspected_on (E2)",
        ),
        (
            "exponent.csv",
            format!("{HEADER}{}", ROW.replace(",60\n", ",1e400\n")).into_bytes(),
            "site.floor_area",
        ),
        (
            "dup-rows.csv",
            format!("{HEADER}{ROW}{ROW}").into_bytes(),
            "already used by",
        ),
        (
            "fake.xlsx",
            b"this is not a workbook".to_vec(),
            "not a zip file",
        ),
        (
            "truncated.xlsx",
            zip_with("xl/workbook.xml", b"<workbook/>")[..40].to_vec(),
            "not a readable xlsx workbook",
        ),
        (
            "not-a-book.xlsx",
            zip_with("hello.txt", b"hi"),
            "not a readable xlsx workbook",
        ),
        (
            "old.xls",
            garbage(512, 3),
            "old .xls workbooks are not read",
        ),
        ("notes.txt.odd", b"x".to_vec(), "unknown kind of file"),
    ];
    for (name, bytes, expected) in &cases {
        write(&dir, name, bytes);
        fails(&dir, &["check", name, "--lang", "en"], name, expected);
        fails_in_chinese(&dir, &["check", name], name);
    }
    assert!(cases.len() >= 20);
}

#[test]
fn malformed_settings_and_usage() {
    let dir = scratch("settings");
    write(
        &dir,
        "broken.toml",
        CHECKLIST.replace("min = 90", "min = 190"),
    );
    fails(
        &dir,
        &["checklist", "lint", "broken.toml"],
        "broken.toml",
        "`min` 应为 0 到 100 的百分数",
    );
    fails(
        &dir,
        &["checklist", "lint", "broken.toml", "--lang", "en"],
        "broken.toml",
        "percentage from 0 to 100",
    );
    write(
        &dir,
        "c1/campaign.toml",
        "name = \"x\"\n[checklists]\ntownship = \"missing.toml\"\n",
    );
    write(&dir, "c1/sites/a.toml", PASS);
    fails(
        &dir,
        &["check", "c1", "--lang", "en"],
        "missing.toml",
        "no such file",
    );
    write(&dir, "c2/campaign.toml", "name = \"x\"\n");
    fails(
        &dir,
        &["check", "c2", "--lang", "en"],
        "c2",
        "no sites/ folder",
    );
    write(&dir, "c3/campaign.toml", "name = [\n");
    write(&dir, "c3/sites/a.toml", PASS);
    fails(
        &dir,
        &["check", "c3", "--lang", "en"],
        "campaign.toml",
        "invalid TOML",
    );
    write(&dir, "c4/campaign.toml", "name = \"x\"\n");
    write(&dir, "c4/sites/a.toml", PASS);
    write(
        &dir,
        "c4/waivers.toml",
        "[[waivers]]\nsite = \"nowhere\"\nitem = \"site.floor_area\"\nreason = \"r\"\napproved_by = \"p\"\napproved_on = 2020-06-01\nexpires = 2020-07-01\n",
    );
    fails(
        &dir,
        &["check", "c4", "--lang", "en"],
        "waivers.toml",
        "unknown site `nowhere`",
    );
    write(
        &dir,
        "cal.toml",
        "[years.2027]\nnotice = \"x\"\nholidays = [ { name = \"a\", from = 2027-01-05, to = 2027-01-01 } ]\nworkdays = []\n",
    );
    fails(
        &dir,
        &[
            "deadline",
            "2026-12-20",
            "--calendar",
            "cal.toml",
            "--lang",
            "en",
        ],
        "cal.toml",
        "cal.toml:3",
    );
    fails(
        &dir,
        &["deadline", "2101-01-01", "--lang", "en"],
        "2101",
        "no data for 2101",
    );
    fails(
        &dir,
        &["deadline", "yesterday", "--lang", "en"],
        "yesterday",
        "is not a date",
    );
    write(&dir, "same.csv", format!("{HEADER}{ROW}"));
    fails(
        &dir,
        &[
            "convert", "same.csv", "--to", "csv", "--out", "same.csv", "--force", "--lang", "en",
        ],
        "same.csv",
        "is an input of the run",
    );
    fails(
        &dir,
        &["check", "nowhere.toml"],
        "nowhere.toml",
        "文件或文件夹不存在",
    );
}

#[test]
fn malformed_checklists() {
    let dir = scratch("checklists");
    let clauses = "[clauses]\n\"3.4.5\" = { title = \"村级便民服务站设立专职代办员\", title_en = \"Village dedicated agent\" }\n";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "no-clauses.toml",
            CHECKLIST.replace(clauses, ""),
            "缺少 `[clauses]`：请列出本清单检查的条款",
        ),
        (
            "unlisted-clause.toml",
            CHECKLIST.replacen("clause = \"3.4.5\"", "clause = \"3.4.6\"", 1),
            "条款“3.4.6”未列在 [clauses] 中（是不是“3.4.5”？）",
        ),
        (
            "bad-item-id.toml",
            CHECKLIST.replace("id = \"agent.dedicated\"", "id = \"Agent.Dedicated\""),
            "项目编号“Agent.Dedicated”应为以点连接的小写英文单词",
        ),
        (
            "duplicate-item-id.toml",
            CHECKLIST.replace("id = \"agent.services\"", "id = \"agent.dedicated\""),
            &*Box::leak(
                format!(
                    "项目编号 `agent.dedicated` 重复，第 {} 行已定义过",
                    line_of(CHECKLIST, "[[items]]")
                )
                .into_boxed_str(),
            ),
        ),
        (
            "unknown-kind.toml",
            CHECKLIST.replace("kind = \"yes_no\"", "kind = \"yesno\""),
            "未知的项目类型“yesno”：是不是“yes_no”？",
        ),
        (
            "bad-severity.toml",
            CHECKLIST.replacen("severity = \"mandatory\"", "severity = \"must\"", 1),
            "`severity` 应为“mandatory”（强制）或“advisory”（建议），实为“must”",
        ),
        (
            "duplicate-member.toml",
            CHECKLIST.replace("\"上门服务\"]", "\"上门服务\", \"咨询服务\"]"),
            "“咨询服务”在 `members` 中列了两次",
        ),
        (
            "zero-deduction.toml",
            CHECKLIST.replace("deduct_per_missing = 12.5", "deduct_per_missing = 0"),
            "`deduct_per_missing` 应为正的分值",
        ),
        (
            "points-total.toml",
            CHECKLIST.replacen("points = 50", "points = 40", 1),
            "各项目分值合计 90 分，不等于 100 分（`total_points`）",
        ),
    ];
    for (name, text, expected) in &cases {
        write(&dir, name, text);
        fails(&dir, &["checklist", "lint", name], name, expected);
    }
    // The same problems in English.
    let english = [
        (
            "duplicate-member.toml",
            "member \"咨询服务\" is listed twice",
        ),
        (
            "points-total.toml",
            "the items' points add up to 90, not 100 (`total_points`)",
        ),
        (
            "unknown-kind.toml",
            "unknown kind \"yesno\": did you mean \"yes_no\"?",
        ),
    ];
    for (name, expected) in english {
        fails(
            &dir,
            &["checklist", "lint", name, "--lang", "en"],
            name,
            expected,
        );
    }
}

/// `checklist lint` words its problems in Chinese unless `--lang en` asks for English.
#[test]
fn checklist_lint_follows_lang() {
    let dir = scratch("lint-lang");
    let bad = CHECKLIST
        .replace("min = 90", "min = 190")
        .replace("\"上门服务\"]", "\"上门服务\", \"咨询服务\"]");
    write(&dir, "bad.toml", &bad);
    let lint = |args: &[&str]| {
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .current_dir(&dir)
            .args(args)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {stderr}");
        assert!(lines[0].starts_with("yanshou: bad.toml:"), "{stderr}");
        assert!(lines[1].starts_with("bad.toml:"), "{stderr}");
        stderr
    };
    let zh = lint(&["checklist", "lint", "bad.toml"]);
    let at = format!(":{}:7:", line_of(&bad, "min = 190"));
    assert!(
        zh.contains(&format!("{at} `min` 应为 0 到 100 的百分数")),
        "{zh}"
    );
    assert!(zh.contains("“咨询服务”在 `members` 中列了两次"), "{zh}");
    assert!(
        !zh.contains("percentage") && !zh.contains("listed twice"),
        "{zh}"
    );
    let en = lint(&["checklist", "lint", "bad.toml", "--lang", "en"]);
    assert!(
        en.contains(&format!("{at} `min` must be a percentage from 0 to 100")),
        "{en}"
    );
    assert!(en.contains("member \"咨询服务\" is listed twice"), "{en}");
    assert!(!en.contains("百分数") && !en.contains("列了两次"), "{en}");
}

/// Inputs the fuzzers found crashing, kept so the bugs stay fixed.
#[test]
fn fuzz_crashers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut found = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        found += 1;
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .current_dir(&dir)
            .args(["check", &name])
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("internal error") && !stderr.contains("panicked"),
            "{name}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    }
    assert!(found >= 1);
}

#[test]
fn a_panic_is_one_line_that_says_it_is_a_bug() {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .env("YANSHOU_TEST_PANIC", "1")
        .arg("--version")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("yanshou: internal error"), "{stderr}");
    assert!(stderr.contains("this is a bug in yanshou"), "{stderr}");
}
