//! The project stands on its own: its pages and checklists cite files a user of the project
//! has (no `../shared/spec`, no `CLAUSES.md`), every relative link of the README and docs/
//! leads to a file, and docs/campaign.md names every key `campaign.toml` takes.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (relative to the repository) whose name ends in one of `exts`.
fn files(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, exts, out);
            } else if exts.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo().join(dir), exts, &mut out);
    out
}

fn pages() -> Vec<PathBuf> {
    let mut pages = files("docs", &[".md"]);
    pages.extend(files("examples", &[".md"]));
    pages.push(repo().join("README.md"));
    pages
}

#[test]
fn nothing_cites_files_outside_the_project() {
    let mut cited = Vec::new();
    let mut all = pages();
    all.extend(files("checklists", &[".toml"]));
    all.extend(files("src", &[".rs"]));
    for file in all {
        let text = fs::read_to_string(&file).unwrap();
        for needle in ["shared/spec", "CLAUSES.md", "../shared"] {
            if text.contains(needle) {
                cited.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(cited.is_empty(), "{cited:#?}");
    // And what is cited instead is there.
    for path in [
        "docs/clauses.md",
        "docs/standard/puyang-county-2020-10.txt",
        "docs/holidays-2020-2026.md",
    ] {
        assert!(repo().join(path).is_file(), "{path}");
    }
}

#[test]
fn every_relative_link_of_the_pages_leads_to_a_file() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        // Markdown links `](target)`, without their #anchor.
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or_default().trim();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !dir.join(target).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_campaign_page_names_every_key_of_campaign_toml() {
    // The parser names the keys it knows when it meets one it does not.
    let dir = common::Scratch::new("docs", "campaign-keys");
    fs::create_dir_all(dir.join("c/sites")).unwrap();
    fs::write(
        dir.join("c/campaign.toml"),
        "name = \"x\"\nzzz_unknown = 1\n",
    )
    .unwrap();
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(&*dir)
        .args(["check", "c", "--lang", "en"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let known = stderr
        .split_once("known keys: ")
        .map(|(_, rest)| rest.trim_end().trim_end_matches(')'))
        .unwrap_or_else(|| panic!("no list of known keys in: {stderr}"));
    let keys: Vec<&str> = known.split(", ").collect();
    assert!(
        keys.len() >= 9 && keys.contains(&"notice_prefix"),
        "{keys:?}"
    );
    let page = fs::read_to_string(repo().join("docs/campaign.md")).unwrap();
    let missing: Vec<&&str> = keys
        .iter()
        .filter(|k| !page.contains(&format!("`{k}`")) && !page.contains(&format!("`[{k}]`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/campaign.md does not name {missing:?}"
    );
}

#[test]
fn check_help_says_it_reads_spreadsheets_and_folders() {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .args(["help", "check"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for word in ["CSV", "xlsx", "campaign folders", ".toml"] {
        assert!(help.contains(word), "{word}: {help}");
    }
}
