//! The HTML and Markdown reports of `yanshou report`: snapshots of the example campaign's
//! summary, one site page and one notice; byte-identical reruns; escaping of hostile record
//! text; notices that list exactly the rectification items; no outside URL in any page.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";
/// The day waivers are judged on: after wenliu's ran out, while hubuzhai's applies.
const AS_OF: &str = "2020-10-01";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// Runs `yanshou report INPUT --out OUT --format html,md` plus `extra` in a scratch folder,
/// and returns the folder with OUT.
fn report(input: &Path, name: &str, extra: &[&str]) -> (Scratch, PathBuf) {
    let scratch = Scratch::new("report-text", name);
    let out = scratch.0.join("out");
    let assert = yanshou()
        .arg("report")
        .arg(input)
        // Waivers are judged on a fixed day, so the reports do not change with the calendar.
        .args(["--as-of", AS_OF])
        .arg("--out")
        .arg(&out)
        .args(["--format", "html,md"])
        .args(extra)
        .assert();
    let output = assert.get_output();
    assert!(
        output.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (scratch, out)
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn with_extension<'a>(
    all: &'a BTreeMap<PathBuf, Vec<u8>>,
    ext: &'a str,
) -> impl Iterator<Item = (&'a PathBuf, String)> + 'a {
    all.iter()
        .filter(move |(p, _)| p.extension().is_some_and(|e| e == ext))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
}

#[test]
fn example_pages_match_their_snapshots() {
    let (_scratch, out) = report(Path::new(EXAMPLE), "snapshots", &[]);
    insta::assert_snapshot!(
        "summary_html",
        without_digests(&read(out.join("html/index.html")))
    );
    insta::assert_snapshot!("site_wenliu_html", read(out.join("html/sites/wenliu.html")));
    insta::assert_snapshot!(
        "notice_wenliu_html",
        read(out.join("html/notices/wenliu.html"))
    );
    insta::assert_snapshot!(
        "summary_md",
        without_digests(&read(out.join("md/summary.md")))
    );
    insta::assert_snapshot!("site_wenliu_md", read(out.join("md/sites/wenliu.md")));
    insta::assert_snapshot!("notice_wenliu_md", read(out.join("md/notices/wenliu.md")));
}

#[test]
fn two_runs_write_identical_folders() {
    let (_one, first) = report(Path::new(EXAMPLE), "rerun-1", &[]);
    let (_two, second) = report(Path::new(EXAMPLE), "rerun-2", &[]);
    let (first, second) = (files(&first), files(&second));
    assert!(first.len() > 40, "only {} files", first.len());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(
            bytes == &second[path],
            "{} differs between runs",
            path.display()
        );
    }
}

const NAME: &str = r#"<script>alert(1)</script> & "城关""#;
const NOTE: &str = "</td><img src=x onerror=alert(1)>";
const EVIDENCE: &str = "../../x|y.jpg";

/// A one-site record whose name, note and evidence path are hostile, from the passing
/// fixture with a floor area too small, so that it also gets a notice.
fn hostile_record(dir: &Path) -> PathBuf {
    let base = read("tests/fixtures/records/pass.toml");
    let toml_string = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let text = base
        .replacen("id = \"fixture-pass\"", "id = \"hostile\"", 1)
        .replacen(
            "name = \"城关镇便民服务中心\"",
            &format!("name = {}", toml_string(NAME)),
            1,
        )
        .replacen(
            "site.floor_area = 86.5",
            &format!(
                "site.floor_area = {{ value = 50, note = {}, evidence = [{}] }}",
                toml_string(NOTE),
                toml_string(EVIDENCE)
            ),
            1,
        );
    assert!(
        text.contains("hostile") && text.contains("onerror"),
        "fixture changed"
    );
    let path = dir.join("hostile.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn record_text_is_escaped_in_html_and_markdown() {
    let input = Scratch::new("report-text", "hostile-input");
    let record = hostile_record(&input.0);
    let (_scratch, out) = report(&record, "hostile", &[]);
    let all = files(&out);
    assert!(all.contains_key(Path::new("html/notices/hostile.html")));
    assert!(all.contains_key(Path::new("md/notices/hostile.md")));

    for (path, text) in with_extension(&all, "html") {
        let shown = path.display();
        assert!(!text.contains("<script"), "{shown}: raw <script>");
        assert!(!text.contains("<img"), "{shown}: raw <img>");
        assert!(!text.contains("alert(1)</"), "{shown}: raw closing tag");
    }
    let escaped_name = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;城关&quot;";
    let escaped_note = "&lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;";
    let site = read(out.join("html/sites/hostile.html"));
    assert!(site.contains(escaped_name));
    assert!(site.contains(escaped_note));
    assert!(site.contains(EVIDENCE), "evidence path shown as text");
    let notice = read(out.join("html/notices/hostile.html"));
    assert!(
        notice.contains(&format!("{escaped_name}：")),
        "addressee line"
    );
    assert!(notice.contains(escaped_note));
    assert!(read(out.join("html/index.html")).contains(escaped_name));

    for (path, text) in with_extension(&all, "md") {
        let shown = path.display();
        assert!(!text.contains("<script"), "{shown}: raw <script>");
        assert!(!text.contains("<img"), "{shown}: raw <img>");
        assert!(!text.contains("</td>"), "{shown}: raw </td>");
    }
    let site = read(out.join("md/sites/hostile.md"));
    let row = site
        .lines()
        .find(|l| l.contains("site.floor"))
        .expect("a row for the floor area");
    assert!(row.contains(r"../../x\|y.jpg"), "unescaped | in {row}");
    assert!(
        row.contains("&lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{row}"
    );
    // Every row of that table still has exactly the header's cell count.
    let cells = |line: &str| line.replace(r"\|", "").matches('|').count();
    assert_eq!(
        cells(row),
        cells(site.lines().find(|l| l.starts_with("| 项目")).unwrap())
    );
    assert!(
        read(out.join("md/summary.md")).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp;")
    );
}

/// The rectification items of every site, as `yanshou check --format json` gives them.
fn rectification_items() -> BTreeMap<String, Vec<(String, String, String)>> {
    let out = yanshou()
        .args(["check", EXAMPLE, "--format", "json", "--as-of", AS_OF])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut items = BTreeMap::new();
    for site in doc["sites"].as_array().unwrap() {
        let rectify: Vec<(String, String, String)> = site["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rectify"] == true)
            .map(|f| {
                let text = |k: &str| f[k].as_str().unwrap().to_owned();
                (text("item"), text("clause"), text("title"))
            })
            .collect();
        if !rectify.is_empty() {
            items.insert(site["id"].as_str().unwrap().to_owned(), rectify);
        }
    }
    items
}

/// The `data-item` attributes of the problem rows of an HTML notice, in order.
fn html_problem_rows(html: &str) -> Vec<String> {
    html.split("<tr class=\"problem\" data-item=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[test]
fn notices_list_exactly_the_failed_mandatory_items() {
    let expected = rectification_items();
    assert!(expected.len() >= 5, "the example has failing sites");
    let (_scratch, out) = report(Path::new(EXAMPLE), "notices", &[]);
    let all = files(&out);
    let notice_ids = |dir: &str| -> Vec<String> {
        let mut ids: Vec<String> = all
            .keys()
            .filter(|p| p.starts_with(dir))
            .filter_map(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| s != "all")
            .collect();
        ids.sort();
        ids
    };
    // One inspection notice per failing site, and the notices of later days: hubuzhai's,
    // issued on 06-02 before its waiver (06-08) let it pass, and the one of huzhuang's
    // re-inspection of 07-06, which found a new failure.
    let mut ids: Vec<String> = expected.keys().cloned().collect();
    ids.extend(["hubuzhai".to_owned(), "huzhuang-2020-07-06".to_owned()]);
    ids.sort();
    assert_eq!(
        notice_ids("html/notices"),
        ids,
        "one HTML notice per failing site"
    );
    assert_eq!(
        notice_ids("md/notices"),
        ids,
        "one Markdown notice per failing site"
    );

    let mut every_row = 0;
    for (id, items) in &expected {
        let html = read(out.join(format!("html/notices/{id}.html")));
        let item_ids: Vec<&String> = items.iter().map(|(item, _, _)| item).collect();
        let rows = html_problem_rows(&html);
        assert_eq!(rows.iter().collect::<Vec<_>>(), item_ids, "{id}: HTML rows");
        for n in 1..=items.len() {
            assert!(
                html.contains(&format!("<td class=\"num\">{n}</td>")),
                "{id}: row number {n}"
            );
        }
        every_row += rows.len();

        let md = read(out.join(format!("md/notices/{id}.md")));
        let md_rows: Vec<(String, String, String)> = md
            .lines()
            .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                (
                    cells[0].to_owned(),
                    cells[1].to_owned(),
                    cells[2].to_owned(),
                )
            })
            .collect();
        let md_expected: Vec<(String, String, String)> = items
            .iter()
            .enumerate()
            .map(|(i, (_, clause, title))| ((i + 1).to_string(), clause.clone(), title.clone()))
            .collect();
        assert_eq!(md_rows, md_expected, "{id}: Markdown rows");
    }

    for later in ["hubuzhai", "huzhuang-2020-07-06"] {
        let html = read(out.join(format!("html/notices/{later}.html")));
        every_row += html_problem_rows(&html).len();
    }
    // all.html holds every notice, in order, one per printed page.
    let combined = read(out.join("html/notices/all.html"));
    assert_eq!(html_problem_rows(&combined).len(), every_row);
    assert_eq!(
        combined.matches("<section class=\"notice\"").count(),
        ids.len()
    );
    assert!(combined.contains(".notice + .notice { break-before: page;"));
}

/// The values of `attr="…"` attributes in a page.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn pages_refer_to_nothing_outside_the_folder() {
    let (_scratch, out) = report(Path::new(EXAMPLE), "offline", &[]);
    let all = files(&out);
    let pages: Vec<(&PathBuf, String)> = with_extension(&all, "html").collect();
    assert!(pages.len() > 30);
    for (path, html) in &pages {
        let shown = path.display();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
            "{shown}"
        );
        assert!(html.contains("<meta charset=\"utf-8\">"), "{shown}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{shown}: URL"
        );
        assert!(!html.contains("url("), "{shown}: CSS url()");
        assert!(!html.contains("<script"), "{shown}: script");
        assert!(!html.contains("@import"), "{shown}: @import");
        for attr in ["href", "src", "action", "xlink:href"] {
            for value in attribute_values(html, attr) {
                assert!(
                    !value.starts_with('/') && !value.contains(':'),
                    "{shown}: {attr}=\"{value}\" leaves the folder"
                );
                if attr == "href" {
                    let target = path
                        .parent()
                        .unwrap()
                        .join(value.split('#').next().unwrap());
                    let normal = normalise(&target);
                    assert!(all.contains_key(&normal), "{shown}: broken link {value}");
                }
            }
        }
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn english_reports_use_english_labels_and_iso_dates() {
    let (_scratch, out) = report(Path::new(EXAMPLE), "english", &["--lang", "en"]);
    let index = read(out.join("html/index.html"));
    assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(index.contains("Sites by score"));
    let notice = read(out.join("html/notices/wenliu.html"));
    assert!(notice.contains("Rectification notice"));
    assert!(notice.contains("by 2020-06-30 (within 20 working days)"));
    assert!(!notice.contains("整改通知书") && !notice.contains("2020年"));
    let md = read(out.join("md/notices/wenliu.md"));
    assert!(md.starts_with("# Rectification notice\n"));
    assert!(!md.contains("2020年"));
}

/// The text with every 64-hex-digit SHA-256 replaced by `<sha256>`, so that editing an
/// example file does not change a snapshot; that every input has a digest is checked by
/// counting them.
fn without_digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut digests = 0;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
            continue;
        }
        if run.len() == 64 {
            out.push_str("<sha256>");
            digests += 1;
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    assert!(
        digests >= 24,
        "every input should carry a digest, found {digests}"
    );
    without_sizes(&out)
}

/// The size written just before each `<sha256>` (HTML `<td class="num">2042</td><td
/// class="hash">`, Markdown `| 2042 | `) replaced by `<size>`, for the same reason.
fn without_sizes(text: &str) -> String {
    let pieces: Vec<&str> = text.split("<sha256>").collect();
    let mut out = String::with_capacity(text.len());
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            out.push_str(piece);
            break;
        }
        let sep = ["</td><td class=\"hash\">", " | "]
            .into_iter()
            .find(|sep| piece.ends_with(sep));
        let before = sep.map_or(*piece, |sep| &piece[..piece.len() - sep.len()]);
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        match sep {
            Some(sep) if digits > 0 => {
                out.push_str(&before[..before.len() - digits]);
                out.push_str("<size>");
                out.push_str(sep);
            }
            _ => out.push_str(piece),
        }
        out.push_str("<sha256>");
    }
    out
}

/// A report reads the same whether the campaign was named by a relative or an absolute
/// path: every file of the run is shown relative to the campaign folder (#19 point 6).
#[test]
fn a_report_does_not_depend_on_how_the_campaign_was_named() {
    let relative = Path::new("examples/puyang-2020");
    let absolute = fs::canonicalize(relative).unwrap();
    let (_a, by_relative) = report(relative, "relative-path", &[]);
    let (_b, by_absolute) = report(&absolute, "absolute-path", &[]);
    let (one, other) = (files(&by_relative), files(&by_absolute));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        other.keys().collect::<Vec<_>>()
    );
    let root = absolute.to_string_lossy().into_owned();
    for (path, bytes) in &one {
        // The manifest records where the campaign folder was, relative to the report.
        if path == Path::new("manifest.json") {
            continue;
        }
        assert!(bytes == &other[path], "{} differs", path.display());
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(&root), "{}: names {root}", path.display());
        assert!(
            !text.contains("examples/puyang-2020/sites"),
            "{}: a record named from outside its campaign",
            path.display()
        );
    }
    let site = read(by_relative.join("html/sites/liutun.html"));
    assert!(site.contains("sites/liutun.toml"), "{site}");
}

/// The day a report judges on is on its first page and in its manifest, and a campaign
/// may set it: then a report made on any day is the same (#19 point 6).
#[test]
fn the_judging_day_is_shown_recorded_and_may_be_the_campaigns() {
    let (_s, out) = report(Path::new(EXAMPLE), "judging-day", &[]);
    let summary = read(out.join("html/index.html"));
    assert!(
        summary.contains("评定日") && summary.contains("2020年10月1日"),
        "{summary}"
    );
    let md = read(out.join("md/summary.md"));
    assert!(md.contains("- 评定日：2020年10月1日"), "{md}");
    let manifest: Value = serde_json::from_str(&read(out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["judged_on"], "2020-10-01");

    // A campaign that names its judging day is judged on it without --as-of, and
    // --as-of still wins.
    let campaign = common::example_campaign("report-text", "judged-on");
    let toml = campaign.join("campaign.toml");
    let text = read(&toml);
    fs::write(&toml, format!("judged_on = {AS_OF}\n{text}")).unwrap();
    let summary_of = |extra: &[&str]| {
        let out = campaign.join(format!("out{}", extra.len()));
        common::output_with_code(
            yanshou()
                .arg("report")
                .arg(&*campaign)
                .arg("--out")
                .arg(&out)
                .args(["--format", "md"])
                .args(extra),
            0,
        );
        read(out.join("md/summary.md"))
    };
    let by_campaign = summary_of(&[]);
    assert!(
        by_campaign.contains("- 评定日：2020年10月1日"),
        "{by_campaign}"
    );
    // The same report as with --as-of, but for the digest of the campaign file changed.
    let judged = |text: &str| {
        text.split("本报告由以下输入文件生成")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(judged(&by_campaign), judged(&md), "as with --as-of {AS_OF}");
    let given = summary_of(&["--as-of", "2020-06-30"]);
    assert!(given.contains("- 评定日：2020年6月30日"), "{given}");
}

/// `report` says on stderr every warning `check` says of the same campaign on the same day
/// (it used to leave out the site inspected outside the acceptance phase).
#[test]
fn a_report_warns_as_check_does() {
    for day in ["2020-06-30", AS_OF] {
        let stderr = |args: &[&str]| {
            let out = yanshou().args(args).output().unwrap();
            String::from_utf8(out.stderr).unwrap()
        };
        let checked = stderr(&["check", EXAMPLE, "--as-of", day]);
        let scratch = Scratch::new("report-text", &format!("warns-{day}"));
        let out = scratch.0.join("out");
        let reported = stderr(&[
            "report",
            EXAMPLE,
            "--as-of",
            day,
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(checked.contains("不在检查验收阶段"), "{checked}");
        for line in checked.lines() {
            assert!(
                reported.contains(line),
                "{day}: report does not say\n{line}\n{reported}"
            );
        }
    }
}

/// The summary ranks each kind of site on its own (#19 point 7): village stations are not
/// ranked among township centres, and a site page gives the rank among its own kind.
#[test]
fn each_kind_of_site_is_ranked_on_its_own() {
    let (_s, out) = report(Path::new(EXAMPLE), "ranked-by-kind", &[]);
    let md = read(out.join("md/summary.md"));
    let section = |heading: &str| -> Vec<String> {
        let start = md
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading}:\n{md}"));
        md[start..]
            .lines()
            .skip_while(|l| !l.starts_with("|---"))
            .skip(1)
            .take_while(|l| l.starts_with('|'))
            .map(str::to_owned)
            .collect()
    };
    let townships = section("### 乡镇便民服务中心");
    let villages = section("### 村便民服务站");
    assert_eq!((townships.len(), villages.len()), (20, 4));
    for (rows, kind) in [(&townships, "便民服务中心"), (&villages, "便民服务站")] {
        for (n, row) in rows.iter().enumerate() {
            assert!(row.starts_with(&format!("| {} |", n + 1)), "{row}");
            assert!(row.contains(kind), "{row}");
        }
    }
    let page = read(out.join("md/sites/chengguan-dongguan.md"));
    assert!(page.contains("第 1 名（共 4 个村便民服务站）"), "{page}");
}
