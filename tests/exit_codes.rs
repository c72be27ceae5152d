//! Every row of the README's table of exit codes, tested: each command, each code it can
//! give, from a case that must give it. The table and each command's `--help` say the
//! same thing, word for word.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

fn code(dir: &Path, args: &[&str]) -> Option<i32> {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    out.status.code()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Asserts `yanshou args` exits with `expected`, run from the repository.
fn exits(expected: i32, args: &[&str]) {
    assert_eq!(
        code(repo(), args),
        Some(expected),
        "yanshou {}",
        args.join(" ")
    );
}

#[test]
fn check() {
    exits(0, &["check", "tests/fixtures/records/pass.toml"]);
    exits(
        1,
        &["check", "examples/puyang-2020", "--as-of", "2020-06-30"],
    );
    exits(2, &["check", "tests/fixtures/no-such-file.toml"]);
    exits(2, &["check", "tests/fixtures/bad/negative-area.toml"]);
}

/// A campaign of one site that failed its floor area and was re-inspected fixed in time.
fn fixed_campaign(dir: &Path) {
    let pass = fs::read_to_string(repo().join("tests/fixtures/records/pass.toml")).unwrap();
    let failed = pass.replace("site.floor_area = 86.5", "site.floor_area = 50");
    assert_ne!(failed, pass, "the fixture records a floor area of 86.5");
    fs::create_dir_all(dir.join("sites")).unwrap();
    fs::create_dir_all(dir.join("rechecks")).unwrap();
    fs::write(dir.join("campaign.toml"), "name = \"复查\"\n").unwrap();
    fs::write(dir.join("sites/a.toml"), failed).unwrap();
    fs::write(
        dir.join("rechecks/a.toml"),
        "id = \"fixture-pass\"\nname = \"城关镇便民服务中心\"\nkind = \"township\"\ntownship = \"城关镇\"\ninspected_on = 2020-06-20\ninspectors = [\"张伟\"]\n\n[observations]\nsite.floor_area = 72\n",
    )
    .unwrap();
}

#[test]
fn recheck() {
    let dir = Scratch::new("exit_codes", "recheck");
    fixed_campaign(&dir.join("c"));
    assert_eq!(
        code(&dir, &["recheck", "c", "--as-of", "2020-07-31"]),
        Some(0)
    );
    exits(
        1,
        &["recheck", "examples/puyang-2020", "--as-of", "2020-07-31"],
    );
    exits(2, &["recheck", "tests/fixtures/records/pass.toml"]);
}

#[test]
fn rank() {
    exits(
        0,
        &["rank", "examples/puyang-2020", "--as-of", "2020-06-30"],
    );
    exits(1, &["rank", "tests/fixtures/campaign-2027/sites/late.toml"]);
    exits(2, &["rank", "tests/fixtures/no-such-file.toml"]);
}

#[test]
fn report() {
    let dir = Scratch::new("exit_codes", "report");
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let args = [
        "report",
        "examples/puyang-2020",
        "--format",
        "md",
        "--out",
        out,
    ];
    // A campaign with failing sites: the notices are written, and that is success.
    exits(0, &args);
    // The same again would overwrite the reports.
    exits(2, &args);
}

#[test]
fn verify() {
    let dir = Scratch::new("exit_codes", "verify");
    common::copy_dir(&repo().join("examples/puyang-2020"), &dir.join("c"));
    assert_eq!(
        code(&dir, &["report", "c", "--format", "md", "--out", "out"]),
        Some(0)
    );
    assert_eq!(code(&dir, &["verify", "out"]), Some(0));
    fs::write(dir.join("c/photos/zian/sign-01.png"), "another photo").unwrap();
    assert_eq!(code(&dir, &["verify", "out"]), Some(1));
    fs::write(dir.join("out/manifest.json"), "{}").unwrap();
    assert_eq!(code(&dir, &["verify", "out"]), Some(2));
    assert_eq!(code(&dir, &["verify", "c"]), Some(2));
}

#[test]
fn deadline() {
    exits(0, &["deadline", "2020-05-28"]);
    exits(0, &["deadline", "2026-12-20"]);
    exits(2, &["deadline", "2019-12-20"]);
    exits(2, &["deadline", "2020-02-30"]);
}

#[test]
fn calendar() {
    exits(0, &["calendar", "2020"]);
    exits(
        0,
        &[
            "calendar",
            "import",
            "tests/fixtures/calendar/notices/2026.txt",
        ],
    );
    exits(2, &["calendar", "2019"]);
    exits(2, &["calendar", "import", "README.md"]);
}

#[test]
fn template() {
    let dir = Scratch::new("exit_codes", "template");
    let args = [
        "template", "--kind", "township", "--format", "csv", "--out", "form.csv",
    ];
    assert_eq!(code(&dir, &args), Some(0));
    assert_eq!(code(&dir, &args), Some(2));
    exits(2, &["template", "--kind", "nowhere", "--format", "csv"]);
}

#[test]
fn convert() {
    let dir = Scratch::new("exit_codes", "convert");
    let out = dir.join("all.csv");
    let out = out.to_str().unwrap();
    let args = [
        "convert",
        "examples/puyang-2020",
        "--to",
        "csv",
        "--out",
        out,
    ];
    exits(0, &args);
    exits(2, &args);
}

#[test]
fn generate() {
    let dir = Scratch::new("exit_codes", "generate");
    let args = ["generate", "--sites", "3", "--seed", "1", "--out", "g.csv"];
    assert_eq!(code(&dir, &args), Some(0));
    assert_eq!(code(&dir, &args), Some(2));
}

#[test]
fn checklist() {
    exits(0, &["checklist", "lint", "builtin:puyang-2020/township"]);
    exits(
        0,
        &["checklist", "show", "checklists/puyang-2020/village.toml"],
    );
    exits(0, &["checklist", "schema"]);
    exits(
        2,
        &["checklist", "lint", "tests/fixtures/no-such-checklist.toml"],
    );
}

#[test]
fn an_internal_error_is_101() {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .env("YANSHOU_TEST_PANIC", "1")
        .arg("calendar")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
}

/// The README's table, row by row, is what each command's `--help` says.
#[test]
fn the_readme_table_is_each_commands_help() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let table = &readme[readme.find("## Exit codes").unwrap()..];
    let table = &table[..table[3..].find("\n## ").map_or(table.len(), |i| i + 3)];
    let rows: Vec<(&str, &str)> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` | "))
        .map(|(cmd, rest)| (cmd, rest.trim_end_matches(" |")))
        .collect();
    let tested = [
        "check",
        "recheck",
        "rank",
        "report",
        "verify",
        "deadline",
        "calendar",
        "template",
        "convert",
        "generate",
        "checklist",
    ];
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), tested);
    for (cmd, codes) in rows {
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .args(["help", cmd])
            .output()
            .unwrap();
        // clap wraps the help to the terminal's width: compare the words.
        let help = String::from_utf8(out.stdout).unwrap();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains(&format!("Exit codes: {codes}.")),
            "`yanshou help {cmd}` does not say: Exit codes: {codes}.\n{help}"
        );
    }
}
