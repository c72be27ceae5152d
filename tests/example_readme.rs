//! The numbers the READMEs promise about the example campaign are the numbers the tool
//! gives: each command the README and examples/puyang-2020/README.md show is run as
//! written, and its counts and exit code compared with the text.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use assert_cmd::Command;

/// Runs `yanshou` with the arguments of a command line shown in a README
/// (`cargo run --release -- check …` or `check …`).
fn run(line: &str) -> (String, Option<i32>) {
    let args = line
        .trim()
        .trim_start_matches("cargo run --release -- ")
        .trim_start_matches("cargo run -- ")
        .split_whitespace()
        .take_while(|a| !a.starts_with('#'))
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args(&args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

/// "合格 13，不合格 8，待补查 3" as written after `共 N 个站点：` in a summary line.
fn counts(text: &str) -> Option<String> {
    let start = text.find("合格 ")?;
    let rest = &text[start..];
    let end = rest.find(['。', '|']).unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

fn last_line(output: &str) -> &str {
    output
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
}

#[test]
fn the_quick_start_gives_the_numbers_the_readme_states() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let quick = &readme[readme.find("## Quick start").unwrap()..];
    let command = quick
        .lines()
        .find(|l| l.starts_with("cargo run --release -- check examples/puyang-2020"))
        .expect("the quick start's command");
    assert!(
        command.contains("--as-of"),
        "the quick start names its judging day: {command}"
    );
    let stated = quick
        .lines()
        .find(|l| l.contains("共 24 个站点"))
        .and_then(counts)
        .expect("the README states the counts");
    let (output, code) = run(command);
    assert_eq!(counts(last_line(&output)), Some(stated), "{output}");
    assert_eq!(code, Some(1));
}

#[test]
fn every_dated_command_of_the_example_gives_its_row() {
    let readme = std::fs::read_to_string("examples/puyang-2020/README.md").unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| 20") && l.contains("`check "))
        .collect();
    assert!(rows.len() >= 5, "{rows:?}");
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (day, command, stated) = (cells[1], cells[2].trim_matches('`'), cells[3]);
        assert!(command.ends_with(&format!("--as-of {day}")), "{row}");
        let (output, code) = run(command);
        assert_eq!(
            counts(last_line(&output)).as_deref(),
            Some(stated),
            "{row}\n{output}"
        );
        assert_eq!(code, Some(1), "{row}");
    }
}

#[test]
fn every_dated_recheck_of_the_example_gives_its_row() {
    let readme = std::fs::read_to_string("examples/puyang-2020/README.md").unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| 20") && l.contains("`recheck "))
        .collect();
    assert!(rows.len() >= 4, "{rows:?}");
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (command, stated) = (cells[2].trim_matches('`'), cells[3]);
        assert!(
            command.contains(cells[1]),
            "{row}: the command is of its day"
        );
        let (output, code) = run(command);
        assert_eq!(last_line(&output), stated, "{row}\n{output}");
        assert_eq!(code, Some(1), "{row}");
    }
}

#[test]
fn every_site_has_the_verdict_the_example_table_gives_without_a_waiver() {
    let readme = std::fs::read_to_string("examples/puyang-2020/README.md").unwrap();
    let table = &readme[readme.find("## 各站点要点").unwrap()..];
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args([
            "check",
            "examples/puyang-2020",
            "--format",
            "json",
            // Every site inspected, and both waivers run out.
            "--as-of",
            "2030-12-31",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sites = doc["sites"].as_array().unwrap();
    let mut seen = 0;
    for row in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| 编号"))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (id, verdict) = (cells[1], cells[2]);
        let expected = match verdict.split('（').next().unwrap() {
            "合格" => "pass",
            "不合格" => "rectify",
            "待补查" => "incomplete",
            other => panic!("{row}: unknown verdict {other}"),
        };
        let site = sites
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert_eq!(site["verdict"], expected, "{row}");
        seen += 1;
    }
    assert_eq!(seen, sites.len(), "the table names every site");
}
