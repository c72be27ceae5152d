//! Checklist patterns never fail silently (issue #21 point 4): a `text` item's pattern that
//! does not compile with a site's fields put in is a located error naming the item and the
//! site, exit 2; `checklist lint` tries the longest plausible fields.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

const TOWNSHIP: &str = include_str!("../checklists/puyang-2020/township.toml");
const BUILTIN_SIGN: &str = "pattern = \"^{township}便民服务中心$\"";
/// Fine with 城关镇 put in, too large to compile with a township of 40 characters.
const HEAVY_SIGN: &str = "pattern = \"^(?:{township}){1000}{10}$\"";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A township 40 characters long: no county has one, but nothing forbids it.
fn long_township() -> String {
    format!("{}镇", "城".repeat(39))
}

/// A campaign judged by the built-in township checklist with `sign` for its sign pattern,
/// with two short-named sites in a CSV file and a long-named one in the CSV file and in a
/// TOML record.
fn campaign(name: &str, sign: &str) -> Scratch {
    let dir = Scratch::new("patterns", name);
    assert!(TOWNSHIP.contains(BUILTIN_SIGN));
    write(&dir, "township.toml", &TOWNSHIP.replace(BUILTIN_SIGN, sign));
    write(
        &dir,
        "campaign.toml",
        "name = \"x\"\n[checklists]\ntownship = \"township.toml\"\n",
    );
    let long = long_township();
    write(
        &dir,
        "sites/sites.csv",
        &format!(
            "id,name,kind,township,inspected_on,inspectors,sign.name\n\
             chengguan,城关镇便民服务中心,township,城关镇,2020-06-02,张伟,城关镇便民服务中心\n\
             liutun,柳屯镇便民服务中心,township,柳屯镇,2020-06-02,张伟,柳屯镇便民服务中心\n\
             long,{long}便民服务中心,township,{long},2020-06-02,张伟,{long}便民服务中心\n"
        ),
    );
    write(
        &dir,
        "sites/long.toml",
        &format!(
            "id = \"long-toml\"\nname = \"{long}便民服务中心\"\nkind = \"township\"\ntownship = \"{long}\"\ninspected_on = 2020-06-02\ninspectors = [\"张伟\"]\n[observations]\nsign.name = \"{long}便民服务中心\"\n"
        ),
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = yanshou().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_pattern_that_does_not_compile_for_a_site_is_a_located_error() {
    let dir = campaign("check", HEAVY_SIGN);
    let long = long_township();
    let sites_csv = Path::new("sites").join("sites.csv").display().to_string();
    let long_toml = Path::new("sites").join("long.toml").display().to_string();
    for command in [&["check", "."][..], &["rank", "."][..]] {
        let (code, stdout, stderr) = run(&dir, &[command, &["--lang", "en"]].concat());
        assert_eq!(code, Some(2), "{command:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for (place, site) in [
            (format!("{sites_csv}:4"), "long"),
            (long_toml.clone(), "long-toml"),
        ] {
            let line = stderr
                .lines()
                .find(|l| l.contains(&place) && l.contains(&format!("site `{site}`")))
                .unwrap_or_else(|| panic!("{command:?}: no error for {place}: {stderr}"));
            for part in ["sign.name", "puyang-2020-township", &long, "size limit"] {
                assert!(line.contains(part), "{command:?}: {part:?} not in {line}");
            }
        }
        // The other sites are judged as ever.
        assert!(stdout.contains("chengguan"), "{command:?}: {stdout}");
    }
    let (code, _, stderr) = run(&dir, &["check", "."]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("项目 `sign.name` 的 `pattern`") && stderr.contains("无法编译"),
        "{stderr}"
    );
}

#[test]
fn the_same_sites_with_a_pattern_that_compiles_are_judged() {
    let dir = campaign(
        "fine",
        "pattern = \"^{township}(便民服务中心|便民服务站)$\"",
    );
    let (code, stdout, stderr) = run(&dir, &["check", ".", "--lang", "en", "--format", "csv"]);
    // Not accepted (the records hold little), but every site is judged: no error.
    assert_eq!(code, Some(1), "{stderr}");
    for site in ["chengguan", "liutun", "long", "long-toml"] {
        assert!(stdout.contains(&format!("\n{site},")), "{site}: {stdout}");
    }
    let (code, _, stderr) = run(&dir, &["checklist", "lint", "township.toml"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn lint_tries_the_longest_plausible_township() {
    let dir = campaign("lint", HEAVY_SIGN);
    let at = TOWNSHIP
        .lines()
        .position(|l| l == BUILTIN_SIGN)
        .map(|i| i + 1)
        .unwrap();
    for (lang, words) in [("en", "64 characters"), ("zh", "64 个字")] {
        let (code, stdout, stderr) = run(
            &dir,
            &["checklist", "lint", "township.toml", "--lang", lang],
        );
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("yanshou: township.toml:{at}:11:")),
            "{stderr}"
        );
        assert!(
            first.contains(words) && first.contains("size limit"),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(&dir, &["checklist", "lint", "builtin:puyang-2020/township"]);
    assert_eq!(code, Some(0), "{stderr}");
}
