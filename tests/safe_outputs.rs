//! Outputs never harm: a site named like a formula, a script or a path stays inert text in
//! CSV, xlsx and HTML, and no file is written outside the output folder.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;

const PASS: &str = include_str!("fixtures/records/pass.toml");
const NAMES: &[&str] = &[
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "<script>alert(1)</script>",
    "../../x",
    "+1+1",
    "@SUM(A1:A9)",
    "-2+3",
    "line one\nid = \"injected\"",
];

fn scratch(name: &str) -> Scratch {
    Scratch::new("safe", name)
}

/// One failing record per hostile name, in `dir/sites`.
fn hostile_sites(dir: &Path) -> PathBuf {
    let sites = dir.join("sites");
    fs::create_dir_all(&sites).unwrap();
    for (i, name) in NAMES.iter().enumerate() {
        let toml_name = toml::Value::String((*name).to_owned()).to_string();
        let text = PASS
            .replace("id = \"fixture-pass\"", &format!("id = \"site{i}\""))
            .replace(
                "name = \"城关镇便民服务中心\"",
                &format!("name = {toml_name}"),
            )
            .replace(
                "site.floor_area = 86.5",
                &format!("site.floor_area = {{ value = 50, note = {toml_name} }}"),
            );
        fs::write(sites.join(format!("site{i}.toml")), text).unwrap();
    }
    sites
}

fn run(args: &[&str], dir: &Path) -> std::process::Output {
    Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn csv_outputs_show_formulas_as_text() {
    let dir = scratch("csv");
    hostile_sites(&dir);
    let check = run(&["check", "sites", "--format", "csv"], &dir);
    assert_eq!(check.status.code(), Some(1));
    let rank = run(&["rank", "sites", "--format", "csv"], &dir);
    let convert = run(
        &["convert", "sites", "--to", "csv", "--out", "all.csv"],
        &dir,
    );
    assert_eq!(
        convert.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    let converted = fs::read(dir.join("all.csv")).unwrap();
    for bytes in [check.stdout, rank.stdout, converted] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let first = cell.bytes().next();
                let risky = matches!(first, Some(b'=' | b'+' | b'@' | b'\t' | b'\r'))
                    || (first == Some(b'-') && cell.parse::<f64>().is_err());
                assert!(!risky, "a cell Excel would run as a formula: {cell:?}");
            }
        }
    }
    // and the guard comes off again: converting back gives the names unchanged
    let back = run(
        &["convert", "all.csv", "--to", "toml", "--out", "back"],
        &dir,
    );
    assert_eq!(
        back.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    for (i, name) in NAMES.iter().enumerate() {
        let text = fs::read_to_string(dir.join(format!("back/site{i}.toml"))).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(doc["name"].as_str(), Some(*name), "{text}");
    }
}

#[test]
fn html_and_file_names_stay_inside_and_inert() {
    // One level down in the scratch folder, so that a name escaping upwards would land in
    // a folder of this test's own, not in the shared temporary folder.
    let scratch = scratch("html");
    let dir = scratch.join("run");
    fs::create_dir_all(&dir).unwrap();
    hostile_sites(&dir);
    let out = run(
        &[
            "report",
            "sites",
            "--out",
            "out",
            "--format",
            "html,md,xlsx,docx",
        ],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = common::files_under(&dir.join("out"));
    // nothing left the output folder, and no file is named after a site's name
    assert!(!dir.join("x").exists() && !dir.parent().unwrap().join("x").exists());
    for file in &files {
        assert!(file.starts_with(dir.join("out")), "{}", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(!name.contains("..") && !name.contains('<'), "{name}");
    }
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let html = fs::read_to_string(file).unwrap();
        assert!(!html.contains("<script>"), "{}", file.display());
        assert!(!html.contains("href=\"http://evil"), "{}", file.display());
    }
    let index = fs::read_to_string(dir.join("out/html/index.html")).unwrap();
    assert!(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}
