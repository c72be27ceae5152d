//! Evidence files as real inputs (#18): found relative to the campaign's `evidence_dir` or
//! the record, warned of when missing without changing a verdict, refused when they lead
//! outside the campaign, hashed into `check --format json` and each report's
//! `manifest.json`, shown on the HTML site pages, and checked again by `verify`.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{Scratch, copy_dir};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder holding a copy of the example campaign as `c/`.
fn work(name: &str) -> Scratch {
    let dir = Scratch::new("evidence", name);
    copy_dir(&repo().join("examples/puyang-2020"), &dir.join("c"));
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn check_json(dir: &Path) -> (Run, Value) {
    let r = run(
        dir,
        &["check", "c", "--as-of", "2020-06-30", "--format", "json"],
    );
    let doc = serde_json::from_str(&r.stdout).unwrap();
    (r, doc)
}

/// Every site's id, verdict and score, which evidence must never move.
fn verdicts(doc: &Value) -> Vec<(String, String, String)> {
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].to_string(),
                s["verdict"].to_string(),
                s["score"].to_string(),
            )
        })
        .collect()
}

fn report(dir: &Path, out: &str) -> Run {
    run(
        dir,
        &[
            "report",
            "c",
            "--as-of",
            "2020-12-31",
            "--format",
            "html,md",
            "--out",
            out,
        ],
    )
}

#[test]
fn every_evidence_path_of_the_example_exists() {
    let dir = work("example");
    let (r, doc) = check_json(&dir);
    assert_eq!(r.code, Some(1));
    assert!(!r.stderr.contains("佐证"), "{}", r.stderr);
    let evidence = doc["evidence"].as_array().unwrap();
    assert!(evidence.len() >= 10, "{evidence:?}");
    for e in evidence {
        assert_eq!(e["state"], "found", "{e}");
        let path = dir.join("c").join(e["path"].as_str().unwrap());
        assert_eq!(e["size"], fs::metadata(&path).unwrap().len(), "{e}");
    }
    // The re-inspections' evidence too: a report judged on a day after all of them.
    let r = report(&dir, "out");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("佐证"), "{}", r.stderr);
    let manifest: Value =
        serde_json::from_slice(&fs::read(dir.join("out/manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&"photos/liutun/sign-02.png"), "{listed:?}");
    assert!(listed.contains(&"docs/luhe/trainees-2.pdf"), "{listed:?}");
    // The photos are real PNG files, a few KB each, and the ones the script makes.
    for path in listed.iter().filter(|p| p.ends_with(".png")) {
        let bytes = fs::read(dir.join("c").join(path)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path}");
        assert!((1000..50_000).contains(&bytes.len()), "{path}");
    }
    if let Ok(out) = std::process::Command::new("python3")
        .arg(repo().join("scripts/make-example-evidence.py"))
        .arg("--check")
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn missing_evidence_is_warned_of_where_it_is_cited_and_changes_no_verdict() {
    let dir = work("missing");
    let (before, doc_before) = check_json(&dir);
    fs::remove_file(dir.join("c/photos/liutun/sign-01.png")).unwrap();
    // A folder where a photo should be: there, but not readable as a file.
    fs::remove_file(dir.join("c/photos/zian/sign-01.png")).unwrap();
    fs::create_dir(dir.join("c/photos/zian/sign-01.png")).unwrap();
    let (after, doc_after) = check_json(&dir);
    assert_eq!(after.code, before.code);
    assert_eq!(verdicts(&doc_after), verdicts(&doc_before));
    assert_eq!(doc_after["summary"], doc_before["summary"]);
    let warned: Vec<&str> = after
        .stderr
        .lines()
        .filter(|l| l.contains("佐证"))
        .collect();
    assert_eq!(warned.len(), 2, "{}", after.stderr);
    assert!(
        warned[0].contains("c/sites/liutun.toml")
            && warned[0].contains("sign.name")
            && warned[0].contains("photos/liutun/sign-01.png")
            && warned[0].contains("不存在"),
        "{}",
        warned[0]
    );
    assert!(
        warned[1].contains("c/sites/zian.toml") && warned[1].contains("无法读取"),
        "{}",
        warned[1]
    );
    let states: Vec<(&str, &str)> = doc_after["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] != "found")
        .map(|e| (e["site"].as_str().unwrap(), e["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [("liutun", "missing"), ("zian", "unreadable")]);
    let warnings = doc_after["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["site"] == "liutun"
            && w["message"]
                .as_str()
                .unwrap()
                .starts_with("item sign.name: evidence file photos/liutun/sign-01.png not found")),
        "{warnings:?}"
    );
    // A report is still written, and lists neither file.
    let r = report(&dir, "out");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let manifest = fs::read_to_string(dir.join("out/manifest.json")).unwrap();
    assert!(!manifest.contains("photos/liutun/sign-01.png"));
    assert!(manifest.contains("photos/liutun/sign-02.png"));
}

#[test]
fn evidence_is_relative_to_the_record_without_evidence_dir() {
    let dir = work("relative");
    let settings = fs::read_to_string(dir.join("c/campaign.toml")).unwrap();
    let without = settings.replace("evidence_dir = \".\"\n", "");
    assert_ne!(without, settings);
    fs::write(dir.join("c/campaign.toml"), without).unwrap();
    let (r, doc) = check_json(&dir);
    // Now sites/photos/… is looked for, and is not there.
    assert!(
        r.stderr.contains("c/sites/liutun.toml") && r.stderr.contains("sites/photos/liutun"),
        "{}",
        r.stderr
    );
    fs::rename(dir.join("c/photos"), dir.join("c/sites/photos")).unwrap();
    fs::rename(dir.join("c/docs"), dir.join("c/sites/docs")).unwrap();
    let (r, after) = check_json(&dir);
    assert!(!r.stderr.contains("佐证"), "{}", r.stderr);
    assert_eq!(verdicts(&after), verdicts(&doc));
    assert!(
        after["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "sites/photos/liutun/sign-01.png" && e["state"] == "found")
    );
}

#[test]
fn a_path_leading_outside_the_campaign_is_refused() {
    let dir = work("escape");
    fs::write(dir.join("outside.png"), b"not in the campaign").unwrap();
    let record = dir.join("c/sites/liutun.toml");
    let text = fs::read_to_string(&record).unwrap();
    let absolute = dir.join("outside.png").display().to_string();
    for path in ["../outside.png", "photos/../../outside.png", &absolute] {
        fs::write(
            &record,
            text.replace("photos/liutun/sign-01.png", &path.replace('\\', "\\\\")),
        )
        .unwrap();
        let (r, doc) = check_json(&dir);
        assert_eq!(r.code, Some(2), "{path}");
        let said = r
            .stderr
            .lines()
            .find(|l| l.contains("liutun.toml"))
            .unwrap_or_default();
        assert!(
            said.contains("sign.name") && said.contains("活动文件夹") && said.contains(path),
            "{path}: {}",
            r.stderr
        );
        // The record is refused as one that cannot be read; the others are judged.
        assert_eq!(doc["sites"].as_array().unwrap().len(), 23);
        assert!(
            doc["errors"][0]["record"]
                .as_str()
                .unwrap()
                .ends_with("liutun.toml")
        );
        // A report writes nothing.
        let r = report(&dir, "out");
        assert_eq!(r.code, Some(2), "{path}");
        assert!(r.stderr.contains("liutun.toml"), "{}", r.stderr);
        assert!(!dir.join("out").exists());
    }
    // A refused record with a waiver: the waiver still names a site of the run.
    fs::write(&record, &text).unwrap();
    let wenliu = dir.join("c/sites/wenliu.toml");
    let waived = fs::read_to_string(&wenliu).unwrap();
    fs::write(
        &wenliu,
        waived.replace("photos/wenliu/hall-01.png", "../outside.png"),
    )
    .unwrap();
    let (r, doc) = check_json(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(doc["sites"].as_array().unwrap().len(), 23, "{}", r.stderr);
    fs::write(&wenliu, waived).unwrap();
    // A link inside the campaign that leads out of it, too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("outside.png"), dir.join("c/photos/link.png")).unwrap();
        fs::write(&record, text.replace("liutun/sign-01.png", "link.png")).unwrap();
        let (r, _) = check_json(&dir);
        assert_eq!(r.code, Some(2));
        assert!(r.stderr.contains("photos/link.png"), "{}", r.stderr);
    }
}

#[test]
fn verify_names_what_changed_or_moved_since_the_report() {
    let dir = work("verify");
    assert_eq!(report(&dir, "out").code, Some(0));
    let r = run(&dir, &["verify", "out"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("全部未改动"), "{}", r.stdout);
    // One photo edited, one scan moved, one record edited.
    let photo = dir.join("c/photos/liutun/sign-01.png");
    let mut bytes = fs::read(&photo).unwrap();
    bytes[100] ^= 1;
    fs::write(&photo, bytes).unwrap();
    fs::create_dir(dir.join("c/elsewhere")).unwrap();
    fs::rename(
        dir.join("c/docs/luhe/trainees.pdf"),
        dir.join("c/elsewhere/trainees.pdf"),
    )
    .unwrap();
    let record = dir.join("c/sites/zian.toml");
    let text = fs::read_to_string(&record).unwrap();
    fs::write(&record, text + "\n").unwrap();
    let r = run(&dir, &["verify", "out", "--lang", "en"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    let problems: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("changed") || l.starts_with("missing"))
        .collect();
    assert_eq!(problems.len(), 3, "{}", r.stdout);
    assert!(
        problems
            .iter()
            .any(|l| l.starts_with("changed: sites/zian.toml"))
    );
    assert!(
        problems
            .iter()
            .any(|l| l.starts_with("changed: photos/liutun/sign-01.png"))
    );
    assert!(problems.contains(&"missing: docs/luhe/trainees.pdf (moved, renamed or deleted)"));
    assert!(r.stdout.contains("1 missing or unreadable"), "{}", r.stdout);
    // In Chinese by default.
    let r = run(&dir, &["verify", "out"]);
    assert!(
        r.stdout.contains("缺失：docs/luhe/trainees.pdf"),
        "{}",
        r.stdout
    );
    // A photo swapped in the report folder itself is named too.
    let mut copies: Vec<_> = fs::read_dir(dir.join("out/html/photos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    copies.sort();
    fs::copy(&copies[0], &copies[1]).unwrap();
    let r = run(&dir, &["verify", "out", "--lang", "en"]);
    let name = copies[1]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        r.stdout.contains(&format!(
            "changed: the report's copy of a photo html/photos/{name}"
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_finds_the_campaign_handed_over_beside_the_report() {
    let dir = work("handed");
    assert_eq!(report(&dir, "out").code, Some(0));
    // The supervisor gets the report and the campaign folder side by side, elsewhere.
    let handed = dir.join("to-supervisor");
    copy_dir(&dir.join("out"), &handed.join("report"));
    copy_dir(&dir.join("c"), &handed.join("c"));
    fs::remove_dir_all(dir.join("c")).unwrap();
    let r = run(&handed, &["verify", "report"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    // Or under another name, given outright.
    fs::rename(handed.join("c"), handed.join("puyang")).unwrap();
    let r = run(&handed, &["verify", "report"]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.contains("--campaign"), "{}", r.stderr);
    let r = run(&handed, &["verify", "report", "--campaign", "puyang"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_bad_or_missing_manifest_is_exit_2() {
    let dir = work("bad-manifest");
    let r = run(&dir, &["verify", "c"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("manifest.json"), "{}", r.stderr);
    assert_eq!(report(&dir, "out").code, Some(0));
    let manifest = dir.join("out/manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, &text[..text.len() / 2]).unwrap();
    let r = run(&dir, &["verify", "out", "--lang", "en"]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("out/manifest.json:") && r.stderr.contains("not a manifest"),
        "{}",
        r.stderr
    );
    fs::write(
        &manifest,
        text.replace("\"schema_version\": 1", "\"schema_version\": 99"),
    )
    .unwrap();
    let r = run(&dir, &["verify", "out", "--lang", "en"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("schema_version 99"), "{}", r.stderr);
}

#[test]
fn the_manifest_is_the_same_bytes_on_every_run() {
    let dir = work("deterministic");
    assert_eq!(report(&dir, "one").code, Some(0));
    assert_eq!(report(&dir, "two").code, Some(0));
    let one = fs::read(dir.join("one/manifest.json")).unwrap();
    assert_eq!(one, fs::read(dir.join("two/manifest.json")).unwrap());
    for file in common::files_under(&dir.join("one")) {
        let relative = file.strip_prefix(dir.join("one")).unwrap();
        assert_eq!(
            fs::read(&file).unwrap(),
            fs::read(dir.join("two").join(relative)).unwrap(),
            "{}",
            relative.display()
        );
    }
    let manifest: Value = serde_json::from_slice(&one).unwrap();
    let keys: Vec<&String> = manifest.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "base",
            "checklists",
            "evidence",
            "inputs",
            "judged_on",
            "schema_version",
            "yanshou_version"
        ]
    );
    let text = String::from_utf8(one).unwrap();
    assert!(
        text.starts_with("{\n  \"schema_version\": 1,\n  \"yanshou_version\""),
        "{text}"
    );
    assert_eq!(manifest["base"], "../c");
    assert_eq!(manifest["inputs"][2]["path"], "campaign.toml");
    assert!(
        !text.contains(&dir.display().to_string()),
        "no absolute path"
    );
    // `check --manifest` writes the same lists for the same run of inputs.
    let r = run(
        &dir,
        &[
            "check",
            "c",
            "--as-of",
            "2020-06-30",
            "--format",
            "csv",
            "--manifest",
            "one/check.json",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let from_check: Value =
        serde_json::from_slice(&fs::read(dir.join("one/check.json")).unwrap()).unwrap();
    assert_eq!(from_check["base"], "../c");
    assert_eq!(from_check["inputs"], manifest["inputs"]);
    assert!(!from_check["evidence"].as_array().unwrap().is_empty());
    // And `verify` reads it as it reads a report's.
    let r = run(&dir, &["verify", "one/check.json"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

#[test]
fn the_site_pages_show_the_photos_copied_under_their_digest() {
    let dir = work("photos");
    assert_eq!(report(&dir, "out").code, Some(0));
    let photo = fs::read(dir.join("c/photos/liutun/sign-01.png")).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&photo)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("photos/{}.png", &sha[..16]);
    assert_eq!(fs::read(dir.join("out/html").join(&name)).unwrap(), photo);
    let page = fs::read_to_string(dir.join("out/html/sites/liutun.html")).unwrap();
    let row = page
        .lines()
        .find(|l| l.contains("data-item=\"sign.name\"") && l.contains("<td class=\"item\">"))
        .unwrap();
    assert!(
        row.contains(&format!(
            "<img src=\"../{name}\" alt=\"photos/liutun/sign-01.png\""
        )),
        "{row}"
    );
    // The re-inspection's photo of the new sign, beside what it found.
    let fixed = page
        .lines()
        .find(|l| l.contains("data-item=\"sign.name\"") && l.contains("followup-fixed"))
        .unwrap();
    assert!(
        fixed.contains("alt=\"photos/liutun/sign-02.png\""),
        "{fixed}"
    );
    // A page may load its own folder's images, nothing from outside.
    assert!(page.contains("img-src &#39;self&#39; data:;"), "{page}");
    // One copy per photo the records and re-inspections cite (ten and one), and every
    // image a page names is in the folder.
    let photos: Vec<_> = fs::read_dir(dir.join("out/html/photos")).unwrap().collect();
    assert_eq!(photos.len(), 11, "{photos:?}");
    for page in common::files_under(&dir.join("out/html/sites")) {
        let text = fs::read_to_string(&page).unwrap();
        for src in text.split("<img src=\"../").skip(1) {
            let name = &src[..src.find('"').unwrap()];
            assert!(dir.join("out/html").join(name).is_file(), "{name}");
        }
    }
    // The report's list of inputs names the evidence with its digest.
    let index = fs::read_to_string(dir.join("out/html/index.html")).unwrap();
    assert!(
        index.contains(&sha),
        "the summary lists the photo's SHA-256"
    );
    let summary = fs::read_to_string(dir.join("out/md/summary.md")).unwrap();
    assert!(summary.contains(&sha), "so does the Markdown summary");
}
