//! The follow-up in `yanshou report`: the summary's overdue list and waivers table, the
//! site pages' 复查情况 block and the workbook's 复查 sheet agree with `yanshou recheck`,
//! waivers are judged on `--as-of`, and reports without re-inspections or waivers show
//! no follow-up at all.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::Scratch;
use serde_json::Value;

const EXAMPLE: &str = "examples/puyang-2020";
/// After wenliu's waiver ran out (it expires on 2020-09-30), while hubuzhai's applies.
const AS_OF: &str = "2020-10-01";

/// The example campaign without its later re-inspections (wenliu's fix of 09-25 under its
/// waiver, huzhuang's second re-inspection of 07-24): wenliu's waiver lapses on a hall
/// still too small, and huzhuang's broken window signs, found on 07-06, are never
/// re-inspected. One copy for the whole test run.
fn campaign() -> &'static str {
    static DIR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("report-followup-campaign-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        common::copy_dir(Path::new(EXAMPLE), &dir);
        for later in ["wenliu.toml", "huzhuang-2.toml"] {
            fs::remove_file(dir.join("rechecks").join(later)).unwrap();
        }
        dir.to_str().unwrap().to_owned()
    })
}
/// The day before wenliu's waiver runs out.
const BEFORE_EXPIRY: &str = "2020-09-29";

fn yanshou() -> Command {
    Command::cargo_bin("yanshou").unwrap()
}

/// `yanshou report INPUT --as-of AS_OF --format html,md,xlsx,docx` into a scratch folder.
fn report(input: &str, as_of: &str, name: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new("report-followup", name);
    let out = scratch.0.join("out");
    let output = yanshou()
        .args([
            "report",
            input,
            "--as-of",
            as_of,
            "--format",
            "html,md,xlsx,docx",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
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

/// `yanshou recheck CAMPAIGN --format json --as-of DAY` of [`campaign`].
fn recheck(as_of: &str) -> Value {
    let out = yanshou()
        .args(["recheck", campaign(), "--format", "json", "--as-of", as_of])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "not every site passes: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (site, item, status) of every followed-up item of a recheck document, in its order.
fn recheck_items(doc: &Value) -> Vec<(String, String, String)> {
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            s["items"].as_array().unwrap().iter().map(move |i| {
                (
                    id.clone(),
                    i["item"].as_str().unwrap().to_owned(),
                    i["status"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

/// The part of `html` from `<table class="CLASS">` to its `</table>`.
fn html_table<'h>(html: &'h str, class: &str) -> Option<&'h str> {
    let start = html.find(&format!("<table class=\"{class}\">"))?;
    let end = start + html[start..].find("</table>").unwrap();
    Some(&html[start..end])
}

/// The body rows of an HTML table, as (data-site, data-item, the row's markup).
fn html_rows(table: &str) -> Vec<(String, String, String)> {
    table
        .split("<tr")
        .skip(1)
        .filter(|row| row.contains(" data-site=\""))
        .map(|row| {
            let attr = |name: &str| {
                let needle = format!(" {name}=\"");
                let at = row.find(&needle).unwrap() + needle.len();
                row[at..at + row[at..].find('"').unwrap()].to_owned()
            };
            (attr("data-site"), attr("data-item"), row.to_owned())
        })
        .collect()
}

/// The rows of a Markdown table that follows `heading`, each split into its cells.
fn md_rows(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

fn workbook(dir: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = fs::read(dir.join("report.xlsx")).unwrap();
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

#[test]
fn the_overdue_list_names_exactly_what_recheck_calls_overdue() {
    let doc = recheck(AS_OF);
    let overdue: BTreeSet<(String, String)> = recheck_items(&doc)
        .into_iter()
        .filter(|(_, _, status)| status == "overdue")
        .map(|(site, item, _)| (site, item))
        .collect();
    assert!(
        overdue.len() >= 4,
        "the example has overdue items: {overdue:?}"
    );
    // Found at the re-inspection of 07-06, due 08-03, never re-inspected again.
    assert!(overdue.contains(&("huzhuang".to_owned(), "windows.signs".to_owned())));
    // wenliu's waiver lapsed on 09-30: due 20 working days later, not yet overdue.
    assert!(!overdue.iter().any(|(s, _)| s == "wenliu"));

    let (_scratch, out) = report(campaign(), AS_OF, "overdue");
    let index = read(out.join("html/index.html"));
    let rows = html_rows(html_table(&index, "overdue").expect("an overdue table"));
    let listed: BTreeSet<(String, String)> = rows
        .iter()
        .map(|(s, i, _)| (s.clone(), i.clone()))
        .collect();
    assert_eq!(listed.len(), rows.len(), "no item listed twice");
    assert_eq!(listed, overdue, "HTML overdue list");
    // Re-inspected late shows the day; never re-inspected says so.
    let luhe = rows.iter().find(|(s, _, _)| s == "luhe").unwrap();
    assert!(luhe.2.contains("2020年7月10日"), "{}", luhe.2);
    let baigang = rows.iter().find(|(s, _, _)| s == "baigang").unwrap();
    assert!(baigang.2.contains("未复查"), "{}", baigang.2);
    assert!(
        baigang.2.contains("2020年7月13日"),
        "due date: {}",
        baigang.2
    );
    // An item found at re-inspection shows its own due date.
    let signs = rows
        .iter()
        .find(|(s, i, _)| s == "huzhuang" && i == "windows.signs")
        .unwrap();
    assert!(signs.2.contains("2020年8月3日"), "due date: {}", signs.2);

    // The Markdown summary lists the same items (the id is the fourth column).
    let md = read(out.join("md/summary.md"));
    let md_listed: BTreeSet<(String, String)> = md_rows(&md, "### 逾期整改项目")
        .into_iter()
        .map(|cells| {
            let site = cells[0].split("(sites/").nth(1).unwrap();
            (site.trim_end_matches(".md)").to_owned(), cells[3].clone())
        })
        .collect();
    assert_eq!(md_listed, overdue, "Markdown overdue list");
}

#[test]
fn the_summary_counts_and_lists_every_followed_up_site() {
    let doc = recheck(AS_OF);
    let items = recheck_items(&doc);
    let (_scratch, out) = report(campaign(), AS_OF, "summary");
    let index = read(out.join("html/index.html"));
    assert!(index.contains("<h2>整改复查情况</h2>"));
    let table = html_table(&index, "follow-ups").expect("a table of followed-up sites");
    let sites: Vec<String> = table
        .split(" data-site=\"")
        .skip(1)
        .map(|r| r[..r.find('"').unwrap()].to_owned())
        .collect();
    let expected: Vec<String> = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sites, expected, "the sites of `recheck`, in its order");
    // The counts per status, as of the report's day written the Chinese way.
    let count = |status: &str| items.iter().filter(|(_, _, s)| s == status).count();
    let line = format!(
        "各项目：已整改 {}，仍不符合 {}，逾期 {}，待复查 {}，新发现问题 {}，豁免 {}，待补查 {}，已补查 {}。",
        count("fixed"),
        count("still_failing"),
        count("overdue"),
        count("pending"),
        count("new"),
        count("waived"),
        count("to_record"),
        count("recorded"),
    );
    assert!(index.contains(&line), "{line}");
    // Every site with something to rectify, waived or to record.
    assert!(index.contains("截至2020年10月1日，须跟进的站点 13 个"));
    let md = read(out.join("md/summary.md"));
    assert!(md.contains("## 整改复查情况"));
    assert!(md.contains(&line));
}

#[test]
fn the_waivers_table_marks_wenliu_expired_and_hubuzhai_in_force() {
    let (_scratch, out) = report(campaign(), AS_OF, "waivers");
    let index = read(out.join("html/index.html"));
    let rows = html_rows(html_table(&index, "waivers").expect("a waivers table"));
    assert_eq!(rows.len(), 2, "one row per waiver");
    let row = |site: &str| &rows.iter().find(|(s, _, _)| s == site).unwrap().2;
    let wenliu = row("wenliu");
    assert!(wenliu.starts_with(" class=\"expired\""), "{wenliu}");
    assert!(wenliu.contains("已失效"), "{wenliu}");
    assert!(wenliu.contains("site.floor_area"));
    assert!(wenliu.contains("租用原粮站办公楼"), "the reason");
    assert!(
        wenliu.contains("县政务服务和大数据管理局 王建军"),
        "who approved it"
    );
    assert!(wenliu.contains("2020年6月10日") && wenliu.contains("2020年9月30日"));
    let hubuzhai = row("hubuzhai");
    assert!(hubuzhai.contains("生效中"), "{hubuzhai}");
    assert!(!hubuzhai.contains("expired"), "{hubuzhai}");
    // The expired waiver is among the summary's warnings.
    assert!(
        index.lines().any(|l| l.starts_with("<p class=\"warning\">")
            && l.contains("（wenliu）")
            && l.contains("已于2020年9月30日失效")),
        "a warning about wenliu's waiver"
    );

    let md = read(out.join("md/summary.md"));
    let md_rows = md_rows(&md, "### 豁免");
    let state = |item: &str| {
        md_rows
            .iter()
            .find(|r| r[2] == item)
            .map(|r| r.last().unwrap().clone())
            .unwrap()
    };
    assert_eq!(state("site.floor_area"), "**⚠ 已失效**");
    assert_eq!(state("windows.comprehensive"), "生效中");
    assert!(md.contains("> 注意：文留镇便民服务中心（wenliu）"));

    // The workbook's summary marks it too.
    let mut book = workbook(&out);
    let summary = book.worksheet_range("汇总").unwrap();
    let states: Vec<(String, String)> = summary
        .rows()
        .filter(|r| r.len() > 6 && r[3] == Data::String("site.floor_area".to_owned()))
        .map(|r| (r[1].to_string(), r[6].to_string()))
        .collect();
    assert!(
        states.contains(&("wenliu".to_owned(), "已失效".to_owned())),
        "{states:?}"
    );
}

#[test]
fn the_follow_up_sheet_has_a_row_per_followed_up_item_of_recheck() {
    let doc = recheck(AS_OF);
    let (_scratch, out) = report(campaign(), AS_OF, "sheet");
    let mut book = workbook(&out);
    let names = book.sheet_names();
    assert_eq!(&names[..4], ["汇总", "问题清单", "佐证材料", "复查"]);
    let range = book.worksheet_range("复查").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        header,
        [
            "站点编号",
            "站点名称",
            "整改期限",
            "复查日期",
            "当前结论",
            "项目编号",
            "条款",
            "项目",
            "状态代码",
            "状态",
            "检查时",
            "复查时",
            "豁免"
        ]
    );
    let from_sheet: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[5].to_string(), r[8].to_string()))
        .filter(|(site, item, _)| {
            // qucun was re-inspected with nothing left to follow: its row has no item.
            assert!(!item.is_empty() || site == "qucun", "{site}");
            !item.is_empty()
        })
        .collect();
    assert!(
        rows.iter()
            .any(|r| r[0] == Data::String("qucun".to_owned()))
    );
    assert_eq!(
        from_sheet,
        recheck_items(&doc),
        "the same items and statuses"
    );

    // Dates are dates, what people wrote is text.
    let row = |site: &str, item: &str| {
        rows.iter()
            .find(|r| {
                r[0] == Data::String(site.to_owned()) && r[5] == Data::String(item.to_owned())
            })
            .unwrap()
    };
    let huzhuang = row("huzhuang", "windows.signs");
    assert!(
        matches!(huzhuang[2], Data::DateTime(_)),
        "{:?}",
        huzhuang[2]
    );
    assert!(
        matches!(huzhuang[3], Data::DateTime(_)),
        "{:?}",
        huzhuang[3]
    );
    assert_eq!(huzhuang[9], Data::String("逾期".to_owned()));
    assert_eq!(huzhuang[10], Data::String("是".to_owned()));
    assert_eq!(huzhuang[11], Data::String("否".to_owned()));
    let hubuzhai = row("hubuzhai", "windows.comprehensive");
    assert_eq!(hubuzhai[8], Data::String("waived".to_owned()));
    assert!(
        matches!(&hubuzhai[12], Data::String(s) if s.starts_with("豁免：不动产登记业务进驻")),
        "{:?}",
        hubuzhai[12]
    );
    let wenliu = row("wenliu", "site.floor_area");
    assert_eq!(wenliu[3], Data::Empty, "never re-inspected");
    assert_eq!(wenliu[10], Data::String("59.5 m²".to_owned()));
    assert!(
        matches!(&wenliu[12], Data::String(s) if s.starts_with("豁免已失效：")),
        "{:?}",
        wenliu[12]
    );
    let formulas = book.worksheet_formula("复查").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()), "no formula");
}

#[test]
fn site_pages_show_what_became_of_each_item() {
    let (_scratch, out) = report(campaign(), AS_OF, "sites");
    let huzhuang = read(out.join("html/sites/huzhuang.html"));
    assert!(huzhuang.contains("<h2>复查情况</h2>"));
    assert!(huzhuang.contains("2020年7月6日"), "re-inspected on");
    assert!(huzhuang.contains("不合格 → 不合格"));
    assert!(huzhuang.contains("<tr class=\"followup-fixed\" data-item=\"windows.departments\">"));
    assert!(huzhuang.contains("<tr class=\"followup-overdue\" data-item=\"windows.signs\">"));
    let md = read(out.join("md/sites/huzhuang.md"));
    let rows = md_rows(&md, "## 复查情况");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][2], "windows.signs");
    assert_eq!(
        rows[1][3..6],
        [
            "**逾期（2020年7月6日复查发现，期限 2020年8月3日）**",
            "是",
            "否"
        ]
    );

    // A waived item: in the block with its waiver, and in the item table with its note.
    let hubuzhai = read(out.join("html/sites/hubuzhai.html"));
    assert!(
        hubuzhai.contains("<tr class=\"followup-waived\" data-item=\"windows.comprehensive\">")
    );
    let item_row = hubuzhai
        .lines()
        .find(|l| l.starts_with("<tr class=\"waived\" data-item=\"windows.comprehensive\""))
        .expect("the waived item in the item table");
    assert!(item_row.contains("豁免：不动产登记业务进驻"), "{item_row}");
    assert!(item_row.contains("2030-12-31 起失效"), "{item_row}");

    // wenliu's waiver ran out: due again, and the block says the waiver no longer applies.
    let wenliu = read(out.join("md/sites/wenliu.md"));
    let rows = md_rows(&wenliu, "## 复查情况");
    assert_eq!(rows.len(), 1);
    // Due again 20 working days from the lapse: pending, with its own deadline.
    assert_eq!(
        rows[0][3],
        "**待复查（豁免到期后重新计算，期限 2020年11月4日）**"
    );
    assert!(rows[0][6].starts_with("豁免已失效："), "{:?}", rows[0]);
    assert!(wenliu.contains("- 复查日期：未复查"));

    // 待补查 at inspection, its missing records in at the re-inspection (补查).
    let qucun = read(out.join("html/sites/qucun.html"));
    assert!(qucun.contains("待补查 → 合格"));
    assert!(qucun.contains("<tr class=\"followup-recorded\" data-item=\"funding.budget\">"));
    // A site that passed without a waiver has no block.
    let chengguan = read(out.join("html/sites/chengguan.html"));
    assert!(!chengguan.contains("复查情况"));
    let mut book = workbook(&out);
    let sheet = book.worksheet_range("huzhuang").unwrap();
    assert!(
        sheet
            .rows()
            .any(|r| r.first() == Some(&Data::String("复查情况".to_owned())))
    );
}

#[test]
fn notices_are_the_documents_of_their_day_whatever_the_waivers_later() {
    // A notice is issued on its day and stands: wenliu's (06-01) and hubuzhai's (06-02)
    // were issued before their waivers (06-10, 06-08) were approved.
    for day in [BEFORE_EXPIRY, AS_OF] {
        let (_dir, out) = report(campaign(), day, "notices-issued");
        for id in ["wenliu", "hubuzhai"] {
            assert!(out.join(format!("docx/{id}.docx")).exists(), "{day} {id}");
            assert!(
                out.join(format!("html/notices/{id}.html")).exists(),
                "{day} {id}"
            );
        }
    }
    // On 2020-10-01 wenliu's waiver has lapsed on a hall still too small: a notice of the
    // lapse, due 20 working days after it; hubuzhai's waiver applies: nothing new.
    let (_after, out) = report(campaign(), AS_OF, "notices-after");
    let lapse = read(out.join("md/notices/wenliu-2020-09-30.md"));
    assert!(lapse.contains("请于2020年11月4日前"), "{lapse}");
    assert!(out.join("docx/wenliu-2020-09-30.docx").exists());
    assert!(!out.join("html/notices/hubuzhai-2030-12-31.html").exists());

    // The day before wenliu's waiver runs out, both apply: no notice of a lapse.
    let (_before, out) = report(campaign(), BEFORE_EXPIRY, "notices-before");
    assert!(!out.join("md/notices/wenliu-2020-09-30.md").exists());
    let index = read(out.join("html/index.html"));
    let rows = html_rows(html_table(&index, "waivers").unwrap());
    let wenliu = &rows.iter().find(|(s, _, _)| s == "wenliu").unwrap().2;
    assert!(wenliu.contains("生效中"), "{wenliu}");
    assert!(!wenliu.contains("expired"), "{wenliu}");
    assert!(!index.contains("失效（按"), "no expired-waiver warning");
    // wenliu's item is waived, so it is not overdue.
    let overdue = html_table(&index, "overdue")
        .map(html_rows)
        .unwrap_or_default();
    assert!(overdue.iter().all(|(s, _, _)| s != "wenliu"), "{overdue:?}");
    let doc = recheck(BEFORE_EXPIRY);
    let wenliu_status: Vec<String> = recheck_items(&doc)
        .into_iter()
        .filter(|(s, _, _)| s == "wenliu")
        .map(|(_, _, status)| status)
        .collect();
    assert_eq!(wenliu_status, ["waived"]);
}

#[test]
fn loose_records_have_no_follow_up() {
    let (_scratch, out) = report("examples/puyang-2020/sites", AS_OF, "loose");
    let index = read(out.join("html/index.html"));
    assert!(index.contains("站点得分排名"), "a summary was written");
    for text in [&index, &read(out.join("md/summary.md"))] {
        // The rule of demonstration sites (ruling 15) and the judging day's line speak of
        // waivers in every report.
        let text: String = text
            .lines()
            .filter(|l| !l.contains("裁定 15") && !l.contains("评定日"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!text.contains("整改复查情况"));
        assert!(!text.contains("逾期整改项目"));
        assert!(!text.contains("豁免"));
    }
    for entry in fs::read_dir(out.join("html/sites")).unwrap() {
        let path = entry.unwrap().path();
        assert!(!read(&path).contains("复查情况"), "{}", path.display());
    }
    let book = workbook(&out);
    assert!(!book.sheet_names().iter().any(|n| n == "复查"));
}

/// A copy of the example campaign in `dir`, with `waivers.toml` replaced by `waivers`.
fn campaign_with_waivers(dir: &Path, waivers: &str) -> PathBuf {
    let campaign = dir.join("campaign");
    for sub in ["sites", "rechecks"] {
        fs::create_dir_all(campaign.join(sub)).unwrap();
        for entry in fs::read_dir(format!("{EXAMPLE}/{sub}")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), campaign.join(sub).join(entry.file_name())).unwrap();
        }
    }
    fs::copy(
        format!("{EXAMPLE}/campaign.toml"),
        campaign.join("campaign.toml"),
    )
    .unwrap();
    fs::write(campaign.join("waivers.toml"), waivers).unwrap();
    campaign
}

#[test]
fn waiver_text_is_escaped_in_html_and_markdown() {
    let scratch = Scratch::new("report-followup", "hostile-waiver");
    let reason = "<script>alert(1)</script> | *急* [x](http://x)";
    let approver = "</td><img src=x onerror=alert(1)>";
    let waivers = format!(
        "[[waivers]]\nsite = \"wenliu\"\nitem = \"site.floor_area\"\nreason = '{reason}'\n\
         approved_by = '{approver}'\napproved_on = 2020-06-10\nexpires = 2030-01-01\n"
    );
    let campaign = campaign_with_waivers(&scratch.0, &waivers);
    let (_out_dir, out) = report(campaign.to_str().unwrap(), AS_OF, "hostile-waiver-out");

    for page in ["html/index.html", "html/sites/wenliu.html"] {
        let html = read(out.join(page));
        assert!(!html.contains("<script"), "{page}: raw <script>");
        assert!(!html.contains("<img"), "{page}: raw <img>");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; | *急*"),
            "{page}: the reason, escaped"
        );
        assert!(html.contains("&lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;"));
    }
    let md = read(out.join("md/summary.md"));
    assert!(!md.contains("<script") && !md.contains("<img"));
    let rows = md_rows(&md, "### 豁免");
    assert_eq!(rows.len(), 1);
    let cells = |line: &str| line.replace(r"\|", "").matches('|').count();
    let line = md
        .lines()
        .find(|l| l.contains("onerror"))
        .expect("the waiver's row");
    assert_eq!(cells(line), 9, "eight cells: {line}");
    assert!(line.contains(r"\| \*急\* \[x\](http://x)"), "{line}");
    assert_eq!(rows[0].last().unwrap(), "生效中");
    // In force, so wenliu's item is waived; its notice of 06-01, issued before the waiver
    // of 06-10, stands as issued.
    assert!(out.join("docx/wenliu.docx").exists());
    let site = read(out.join("md/sites/wenliu.md"));
    assert!(site.contains("| 豁免 |"), "the waiver column");
    assert!(!site.contains("<script"));
}
