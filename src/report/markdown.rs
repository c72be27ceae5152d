//! The report as Markdown, for wikis, mail and version control: `md/summary.md`,
//! `md/sites/<id>.md` and `md/notices/<id>.md`, with the same content and wording as the
//! HTML pages (the bar chart becomes a table with a bar of █).
//!
//! Text from records, checklists and the campaign passes through [`md_escape`], which
//! keeps it from making tables, links, emphasis or raw HTML.

use crate::render::labels::Column;
use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;

use super::wording;
use super::{ClauseStat, Notice, Report, WaiverState, long_date, required_fix, sections};
use crate::audit::recheck::{FollowUp, SiteFollowUp};
use crate::audit::{Outcome, SiteResult, Status, Verdict};
use crate::lang::Lang;
use crate::points::Points;
use crate::render::Label;
use crate::render::Wording;

/// Characters in a full bar: one per 5 %.
const BAR_WIDTH: u32 = 20;

/// The files of this format, as (path relative to the output folder, bytes).
pub fn render(report: &Report<'_>) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let notices = report.notices();
    let follow_ups = wording::follow_ups(report);
    let lookup = wording::Lookup::new(report, &notices, &follow_ups);
    let mut files = Vec::with_capacity(report.sites.len() + notices.len() + 1);
    files.push((
        PathBuf::from("md/summary.md"),
        summary(report, &lookup).into_bytes(),
    ));
    for site in &report.sites {
        files.push((
            PathBuf::from(format!("md/sites/{}.md", site.record.id)),
            site_page(report, site, &lookup).into_bytes(),
        ));
    }
    for notice in &notices {
        files.push((
            PathBuf::from(format!("md/notices/{}.md", notice.file)),
            notice_page(report, notice).into_bytes(),
        ));
    }
    Ok(files)
}

/// Escapes text so that Markdown shows it as it is: no table cells split by `|`, no
/// emphasis, links, code or headings, and no raw HTML (`<` and `>` become entities). Line
/// breaks become spaces, since every use is a table cell or a one-line paragraph.
pub fn md_escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // An underscore inside a word can neither open nor close emphasis.
            '_' => {
                let inside = i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if !inside {
                    out.push('\\');
                }
                out.push('_');
            }
            c => out.push(c),
        }
    }
    escape_line_start(out)
}

/// Escapes what would start a heading, list or rule at the beginning of a line (after
/// any indentation).
fn escape_line_start(text: String) -> String {
    let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
    let (lead, rest) = text.split_at(indent);
    match rest.chars().next() {
        Some('#' | '+' | '-' | '=') => format!("{lead}\\{rest}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            // "1. " starts a list, "3.1.1" and "59.5" do not.
            let bytes = rest.as_bytes();
            let marker = matches!(bytes.get(digits), Some(b'.' | b')'))
                && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t'));
            if marker {
                format!("{lead}{}\\{}", &rest[..digits], &rest[digits..])
            } else {
                text
            }
        }
        _ => text,
    }
}

/// A link target: site ids are plain ASCII already; anything else is percent-encoded.
fn md_url(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn link(text: &str, target: &str) -> String {
    format!("[{}]({})", md_escape(text), md_url(target))
}

/// A table: a header with alignment (`true` right-aligns) and rows of ready-escaped cells.
fn table(columns: &[(&str, bool)], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = columns.iter().map(|(l, _)| md_escape(l)).collect();
    let rule: Vec<&str> = columns
        .iter()
        .map(|(_, right)| if *right { "---:" } else { "---" })
        .collect();
    let mut out = format!("| {} |\n|{}|\n", header.join(" | "), rule.join("|"));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out.push('\n');
    out
}

fn demo_mark(mark: Option<String>) -> String {
    mark.map(|mark| format!(" {}", md_escape(&mark)))
        .unwrap_or_default()
}

// ── The summary ─────────────────────────────────────────────────────────────────────

fn summary(report: &Report<'_>, lookup: &wording::Lookup<'_, '_>) -> String {
    let lang = report.lang;
    let run = report.run;
    let campaign = run.campaign;
    let by_id: BTreeMap<&str, &SiteResult<'_>> = report
        .sites
        .iter()
        .map(|s| (s.record.id.as_str(), s))
        .collect();
    let mut out = format!("# {}\n\n", md_escape(&report.title()));
    if let Some(warning) = wording::partial_campaign(report) {
        out.push_str(&format!("**{}**\n\n", md_escape(&warning)));
    }
    let sep = lang.pick("：", ": ");
    if !campaign.name.is_empty() {
        out.push_str(&format!(
            "- {}{sep}{}\n",
            lang.pick("检查验收活动", "Campaign"),
            md_escape(&campaign.name)
        ));
    }
    if let Some(county) = &campaign.county {
        out.push_str(&format!(
            "- {}{sep}{}\n",
            lang.pick("组织县", "County"),
            md_escape(county)
        ));
    }
    out.push_str(&format!("- {}{sep}\n", lang.pick("验收清单", "Checklists")));
    for c in run.checklists {
        out.push_str(&format!(
            "  - {}\n",
            md_escape(&wording::checklist_line(c, lang))
        ));
    }
    if !run.phases.is_empty() {
        out.push_str(&format!("- {}{sep}\n", lang.pick("实施阶段", "Phases")));
        for p in &run.phases {
            out.push_str(&format!(
                "  - {}\n",
                md_escape(&wording::phase_line(p, lang))
            ));
        }
    }
    out.push_str(&format!(
        "- {}{sep}{}\n",
        lang.pick("评定日", "Judged on"),
        md_escape(&wording::judging_day(report)),
    ));
    out.push_str(&format!(
        "- {}{sep}{}\n- {}{sep}{}\n\n",
        lang.pick("整改期限", "Rectification"),
        md_escape(&wording::rectification_rule(report)),
        lang.pick("示范点", "Demonstration"),
        md_escape(&wording::demonstration_rule(report)),
    ));

    out.push_str(&format!(
        "## {}\n\n{}\n\n",
        lang.pick("验收结论", "Verdicts"),
        md_escape(&wording::verdict_counts(report))
    ));
    for line in wording::late_inspections(report)
        .into_iter()
        .chain(wording::expired_waivers(report))
    {
        out.push_str(&format!("> {}\n\n", md_escape(&line)));
    }

    // Kind by kind: a village station is not ranked among township centres.
    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("站点得分排名", "Sites by score")
    ));
    let kinds = report.ranked_by_kind();
    for kind in &kinds {
        if kinds.len() > 1 {
            out.push_str(&format!("### {}\n\n", md_escape(&kind.label)));
        }
        let rows: Vec<Vec<String>> = kind
            .places
            .iter()
            .map(|&(rank, place)| {
                let e = &place.entry;
                let site = by_id.get(e.id());
                let (grade, due) = wording::grade_and_due(site.copied(), lang);
                let name = md_escape(e.name()) + &demo_mark(wording::demo_mark(report, place));
                vec![
                    rank.to_string(),
                    link(e.id(), &format!("sites/{}.md", e.id())),
                    name,
                    format!("{}/{}", e.score, e.max_score),
                    format!("{}%", Points::from_tenths(e.percent_tenths)),
                    md_escape(grade),
                    md_escape(e.verdict.label(lang)),
                    md_escape(&due),
                ]
            })
            .collect();
        out.push_str(&table(&wording::ranking_columns(lang), &rows));
    }

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("标准化建设示范点", "Demonstration sites")
    ));
    out.push_str(&format!("{}\n\n", md_escape(&wording::choice_rule(report))));
    let demos: Vec<_> = report.ranking.demonstration().collect();
    if demos.is_empty() {
        out.push_str(lang.pick("没有站点符合示范点条件。\n\n", "No site is eligible.\n\n"));
    } else {
        for (i, place) in demos.iter().enumerate() {
            let flag = report
                .ranking
                .flag(place)
                .map(|f| {
                    let text = crate::render::ranking::flag_text(f, lang);
                    format!("{}**{}**", lang.pick("，", ", "), md_escape(&text))
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "{}. {}（{}）{}{flag}\n",
                i + 1,
                link(
                    place.entry.name(),
                    &format!("sites/{}.md", place.entry.id())
                ),
                md_escape(place.entry.id()),
                md_escape(&wording::place_score(place, lang)),
            ));
        }
        out.push('\n');
    }
    for line in wording::choice_warnings(report) {
        out.push_str(&format!("> {}\n\n", md_escape(&line)));
    }
    if let Some(tie) = report.ranking.tie() {
        out.push_str(&format!(
            "> {}\n\n",
            md_escape(&crate::render::ranking::tie_text(&tie, lang))
        ));
    }
    if let Some(shortfall) = crate::render::labels::shortfall(&report.ranking, lang) {
        out.push_str(&format!("> {}\n\n", md_escape(&shortfall)));
    }

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("不合格最多的强制要求", "Requirements failed most often")
    ));
    let most = report.most_failed(10);
    if most.is_empty() {
        out.push_str(lang.pick(
            "没有不合格的强制项。\n\n",
            "No mandatory requirement failed.\n\n",
        ));
    } else {
        let rows: Vec<Vec<String>> = most
            .iter()
            .map(|s| {
                vec![
                    md_escape(&s.clause),
                    md_escape(&s.title),
                    md_escape(&s.item),
                    format!("{}/{}", s.failed, s.sites),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                (Column::Clause.heading(lang), false),
                (Column::Requirement.heading(lang), false),
                (lang.pick("项目编号", "Item"), false),
                (lang.pick("不合格站点", "Sites failing"), true),
            ],
            &rows,
        ));
    }

    out.push_str(&format!(
        "## {}\n\n{}\n\n",
        lang.pick("各条款不合格率", "Failure rate per clause"),
        lang.pick(
            "有至少一项强制项不合格的站点所占比例，每个 █ 代表 5%。",
            "Share of sites with at least one failed mandatory item under the clause; each █ is 5%."
        )
    ));
    let rates = report.clause_rates();
    for checklist in run.checklists {
        let stats: Vec<&ClauseStat> = rates
            .iter()
            .filter(|s| s.checklist == checklist.id)
            .collect();
        let Some(first) = stats.first() else {
            continue;
        };
        let caption = match lang {
            Lang::Zh => format!("{}（{} 个站点）", checklist.label(lang), first.sites),
            Lang::En => format!("{} ({} sites)", checklist.label(lang), first.sites),
        };
        out.push_str(&format!("### {}\n\n", md_escape(&caption)));
        let rows: Vec<Vec<String>> = stats
            .iter()
            .map(|s| {
                vec![
                    md_escape(&format!("{} {}", s.clause, s.title)),
                    format!("{}/{}", s.failed, s.sites),
                    wording::permille_percent(s.permille()),
                    bar(s.permille()),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                (Column::Clause.heading(lang), false),
                (lang.pick("不合格站点", "Sites failing"), true),
                (lang.pick("不合格率", "Rate"), true),
                ("", false),
            ],
            &rows,
        ));
    }

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("整改期限一览", "Rectification deadlines")
    ));
    let mut dated: Vec<&SiteResult<'_>> = report.sites.iter().filter(|s| s.due.is_some()).collect();
    dated.sort_by(|a, b| {
        a.due
            .cmp(&b.due)
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    if dated.is_empty() {
        out.push_str(lang.pick(
            "所有站点验收合格，无须整改。\n\n",
            "Every site passed: nothing to rectify.\n\n",
        ));
    } else {
        let rows: Vec<Vec<String>> = dated
            .iter()
            .map(|site| {
                let notice = lookup.notice(&site.record.id);
                vec![
                    link(&site.record.name, &format!("sites/{}.md", site.record.id)),
                    md_escape(site.verdict.label(lang)),
                    md_escape(&long_date(site.record.inspected_on, lang)),
                    md_escape(
                        &site
                            .due
                            .map(|d| wording::due_short(d, lang))
                            .unwrap_or_default(),
                    ),
                    notice.map_or(0, |n| n.problems.len()).to_string(),
                    notice.map_or_else(
                        || "—".to_owned(),
                        |n| link(&n.number, &format!("notices/{}.md", n.file)),
                    ),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                (Column::Site.heading(lang), false),
                (Column::Verdict.heading(lang), false),
                (lang.pick("检查日期", "Inspected"), false),
                (Column::Due.heading(lang), false),
                (lang.pick("整改项", "Items"), true),
                (lang.pick("整改通知书", "Notice"), false),
            ],
            &rows,
        ));
        if let Some(note) = wording::provisional_footnote(report) {
            out.push_str(&format!("{}\n\n", md_escape(&note)));
        }
        if report
            .sites
            .iter()
            .any(|s| s.verdict == Verdict::Incomplete)
        {
            out.push_str(lang.pick(
                "待补查站点须补查未记录的强制项（见各站点页），不计整改期限；其中有不合格强制项的，按整改通知书在期限内整改。\n\n",
                "Incomplete sites must have their unrecorded mandatory items recorded (see each site page), with no rectification deadline; any failed mandatory item is rectified by its deadline, as its notice says.\n\n",
            ));
        }
    }

    if wording::has_follow_up(report, lookup.follow_ups) {
        out.push_str(&follow_up_section(report, lookup));
    }

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("依据与数据", "Basis and data")
    ));
    let rows: Vec<Vec<String>> = run
        .checklists
        .iter()
        .map(|c| {
            vec![
                md_escape(&c.id),
                md_escape(c.label(lang)),
                md_escape(&c.version),
                md_escape(&c.source),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            (lang.pick("验收清单", "Checklist"), false),
            (lang.pick("名称", "Title"), false),
            (lang.pick("版本", "Version"), false),
            (lang.pick("依据", "Source"), false),
        ],
        &rows,
    ));
    out.push_str(lang.pick(
        "本报告由以下输入文件生成，可用 SHA-256 校验文件未被改动：\n\n",
        "This report was made from these input files; their SHA-256 digests show they are unaltered:\n\n",
    ));
    let rows: Vec<Vec<String>> = report
        .inputs
        .iter()
        .map(|i| {
            vec![
                md_escape(&report.shown_path(&i.path)),
                i.size.to_string(),
                md_escape(&i.sha256),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            (lang.pick("文件", "File"), false),
            (lang.pick("字节", "Bytes"), true),
            ("SHA-256", false),
        ],
        &rows,
    ));
    trim_end(out)
}

/// The summary's follow-up: counts per status, the sites followed up, the county's
/// overdue list and the waivers.
fn follow_up_section(report: &Report<'_>, lookup: &wording::Lookup<'_, '_>) -> String {
    let lang = report.lang;
    let follow_ups = lookup.follow_ups;
    let dash = || "—".to_owned();
    let mut out = format!("## {}\n\n", md_escape(wording::follow_up_heading(lang)));
    if !follow_ups.is_empty() {
        let counts = wording::status_counts(follow_ups.iter().flat_map(|f| &f.items));
        out.push_str(&format!(
            "{}\n\n{}\n\n",
            md_escape(&wording::follow_up_sites_line(report, follow_ups)),
            md_escape(&wording::status_counts_line(&counts, lang)),
        ));
        let rows: Vec<Vec<String>> = follow_ups
            .iter()
            .map(|f| {
                let r = f.before.record;
                let mut row = vec![
                    link(&r.name, &format!("sites/{}.md", r.id)),
                    md_escape(
                        &f.before
                            .due
                            .map_or_else(dash, |d| wording::due_short(d, lang)),
                    ),
                    md_escape(&wording::rechecked_text(f, lang, "—")),
                    md_escape(&wording::verdict_change(f, lang)),
                ];
                row.extend(
                    wording::status_counts(&f.items)
                        .iter()
                        .map(ToString::to_string),
                );
                row
            })
            .collect();
        let mut columns: Vec<(&str, bool)> = vec![
            (Column::Site.heading(lang), false),
            (Column::Due.heading(lang), false),
            (Column::Reinspected.heading(lang), false),
            (
                lang.pick("结论（检查时 → 现在）", "Verdict (inspection → now)"),
                false,
            ),
        ];
        columns.extend(wording::FOLLOW_UPS.iter().map(|s| (s.label(lang), true)));
        out.push_str(&table(&columns, &rows));
    }

    out.push_str(&format!(
        "### {}\n\n",
        md_escape(wording::overdue_heading(lang))
    ));
    let overdue = wording::overdue_rows(report);
    if overdue.is_empty() {
        out.push_str(&format!("{}\n\n", md_escape(wording::no_overdue(lang))));
    } else {
        let rows: Vec<Vec<String>> = overdue
            .iter()
            .map(|row| {
                let r = row.site.record;
                vec![
                    link(&r.name, &format!("sites/{}.md", r.id)),
                    md_escape(&row.item.clause),
                    md_escape(row.item.label(lang)),
                    md_escape(&row.item.id),
                    md_escape(&row.due.map_or_else(dash, |d| wording::due_short(d, lang))),
                    md_escape(&wording::overdue_rechecked(row, lang)),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                (Column::Site.heading(lang), false),
                (Column::Clause.heading(lang), false),
                (Column::Title.heading(lang), false),
                (Column::ItemId.heading(lang), false),
                (Column::Due.heading(lang), false),
                (Column::Reinspected.heading(lang), false),
            ],
            &rows,
        ));
    }

    out.push_str(&format!(
        "### {}\n\n",
        md_escape(wording::waivers_heading(lang))
    ));
    let waivers = wording::waiver_rows(report);
    if waivers.is_empty() {
        out.push_str(&format!("{}\n\n", md_escape(wording::no_waivers(lang))));
    } else {
        let rows: Vec<Vec<String>> = waivers
            .iter()
            .map(|row| {
                let w = row.waiver;
                let state = md_escape(row.state.label(lang));
                vec![
                    row.site.map_or_else(
                        || md_escape(&w.site),
                        |s| link(&s.record.name, &format!("sites/{}.md", s.record.id)),
                    ),
                    md_escape(&wording::waiver_item(row, lang)),
                    md_escape(&w.item),
                    md_escape(&w.reason),
                    md_escape(&w.approved_by),
                    md_escape(&long_date(w.approved_on, lang)),
                    md_escape(&long_date(w.expires, lang)),
                    if row.state == WaiverState::Expired {
                        format!("**⚠ {state}**")
                    } else {
                        state
                    },
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                (Column::Site.heading(lang), false),
                (Column::Title.heading(lang), false),
                (Column::ItemId.heading(lang), false),
                (lang.pick("理由", "Reason"), false),
                (lang.pick("批准人", "Approved by"), false),
                (lang.pick("批准日期", "Approved on"), false),
                (lang.pick("失效日期", "Expires"), false),
                (lang.pick("状态", "State"), false),
            ],
            &rows,
        ));
    }
    out
}

/// A followed-up site's block: when it was re-inspected, its verdict then and now, and
/// what became of every item.
fn site_follow_up(report: &Report<'_>, f: &SiteFollowUp<'_, '_>) -> String {
    let lang = report.lang;
    let sep = lang.pick("：", ": ");
    let mut out = format!(
        "## {}\n\n",
        md_escape(wording::site_follow_up_heading(lang))
    );
    for (label, value) in wording::site_follow_up_facts(f, lang) {
        out.push_str(&format!(
            "- {}{sep}{}\n",
            md_escape(label),
            md_escape(&value)
        ));
    }
    out.push('\n');
    if f.items.is_empty() {
        out.push_str(&format!(
            "{}\n\n",
            md_escape(wording::no_follow_up_items(lang))
        ));
        return out;
    }
    let cell = |text: String| {
        if text.is_empty() {
            "—".to_owned()
        } else {
            md_escape(&text)
        }
    };
    let waivers: Vec<Option<String>> = f
        .items
        .iter()
        .map(|item| wording::follow_up_waiver(report, &f.before.record.id, item, lang))
        .collect();
    // The waiver column only when an item has one.
    let with_waivers = waivers.iter().any(Option::is_some);
    let rows: Vec<Vec<String>> = f
        .items
        .iter()
        .zip(waivers)
        .map(|(item, waiver)| {
            let status = md_escape(&wording::item_status(f, item, lang));
            let mut row = vec![
                md_escape(&item.item.clause),
                md_escape(item.item.label(lang)),
                md_escape(&item.item.id),
                match item.status {
                    FollowUp::Fixed | FollowUp::Waived | FollowUp::Recorded => status,
                    _ => format!("**{status}**"),
                },
                cell(wording::follow_up_value(Some(&item.before), lang)),
                cell(wording::follow_up_value(item.after.as_ref(), lang)),
            ];
            if with_waivers {
                row.push(cell(waiver.unwrap_or_default()));
            }
            row
        })
        .collect();
    let mut columns = vec![
        (Column::Clause.heading(lang), false),
        (Column::Title.heading(lang), false),
        (Column::ItemId.heading(lang), false),
        (lang.pick("状态", "Status"), false),
        (lang.pick("检查时", "At inspection"), false),
        (lang.pick("复查时", "At re-inspection"), false),
    ];
    if with_waivers {
        columns.push((lang.pick("豁免", "Waiver"), false));
    }
    out.push_str(&table(&columns, &rows));
    out
}

/// A bar of █, one per 5 %, rounded half up; empty for 0.
fn bar(permille: u32) -> String {
    let blocks = (permille.min(1000) * BAR_WIDTH + 500) / 1000;
    "█".repeat(blocks as usize)
}

/// Ends a file with exactly one newline.
fn trim_end(mut text: String) -> String {
    let len = text.trim_end().len();
    text.truncate(len);
    text.push('\n');
    text
}

// ── A site's page ───────────────────────────────────────────────────────────────────

fn site_page(
    report: &Report<'_>,
    site: &SiteResult<'_>,
    lookup: &wording::Lookup<'_, '_>,
) -> String {
    let lang = report.lang;
    let r = site.record;
    let sep = lang.pick("：", ": ");
    let mut out = format!(
        "[{}](../summary.md)\n\n# {}\n\n{}\n\n",
        lang.pick("← 返回汇总", "← Summary"),
        md_escape(&r.name),
        md_escape(&wording::site_subtitle(site, lang))
    );
    for (label, fact) in wording::site_facts(report, site, lookup) {
        let value = match fact {
            wording::Fact::Text(text) | wording::Fact::Id(text) | wording::Fact::Record(text) => {
                md_escape(&text)
            }
            wording::Fact::Inspected { date, late } => match late {
                Some(late) => format!(
                    "{}{}{}{}",
                    md_escape(&date),
                    lang.pick("（", " ("),
                    md_escape(&late),
                    lang.pick("）", ")")
                ),
                None => md_escape(&date),
            },
            wording::Fact::Verdict(verdict) => format!("**{}**", md_escape(verdict.label(lang))),
            wording::Fact::Rank {
                text,
                demonstration,
            } => md_escape(&text) + &demo_mark(demonstration),
            wording::Fact::Notice(notice) => {
                link(&notice.number, &format!("../notices/{}.md", notice.file))
            }
        };
        out.push_str(&format!("- {label}{sep}{value}\n"));
    }
    out.push('\n');

    if let Some(f) = lookup.follow_up(&r.id) {
        out.push_str(&site_follow_up(report, f));
    }

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("得分说明", "How the score is made up")
    ));
    for line in wording::explanation(site, lang) {
        out.push_str(&format!("- {}\n", md_escape(&line)));
    }
    out.push('\n');
    let mut rows: Vec<Vec<String>> = sections(site, lang)
        .into_iter()
        .map(|s| {
            vec![
                md_escape(&s.clause),
                md_escape(&s.title),
                s.earned.to_string(),
                s.max.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        format!("**{}**", lang.pick("合计", "Total")),
        String::new(),
        format!("**{}**", site.score.earned),
        format!("**{}**", site.score.max),
    ]);
    out.push_str(&table(
        &[
            (Column::Clause.heading(lang), false),
            (lang.pick("内容", "Heading"), false),
            (lang.pick("得分", "Earned"), true),
            (lang.pick("适用满分", "Applicable"), true),
        ],
        &rows,
    ));

    out.push_str(&format!(
        "## {}\n\n",
        lang.pick("逐项检查结果", "Every item")
    ));
    let mut start = 0;
    let outcomes = site.outcomes();
    while start < outcomes.len() {
        let clause = &outcomes[start].item.clause;
        let end = outcomes[start..]
            .iter()
            .position(|o| &o.item.clause != clause)
            .map_or(outcomes.len(), |n| start + n);
        let heading = site
            .checklist
            .clause(clause)
            .map(|c| lang.pick_opt(&c.title, c.title_en.as_deref()))
            .unwrap_or_default();
        out.push_str(&format!(
            "### {}\n\n",
            md_escape(format!("{clause} {heading}").trim())
        ));
        let rows: Vec<Vec<String>> = outcomes[start..end]
            .iter()
            .map(|o| item_row(o, lang))
            .collect();
        out.push_str(&table(
            &[
                (Column::Title.heading(lang), false),
                (Column::Id.heading(lang), false),
                (Column::Requirement.heading(lang), false),
                (lang.pick("检查情况", "Observed"), false),
                (lang.pick("结果", "Result"), false),
                (lang.pick("类别", "Severity"), false),
                (lang.pick("得分", "Earned"), true),
                (lang.pick("失分", "Lost"), true),
            ],
            &rows,
        ));
        start = end;
    }
    trim_end(out)
}

/// What was found for an item in one cell: on a site page with its evidence paths, on a
/// notice (issued on `notice_day`) as the notice words it.
fn found_cell(o: &Outcome<'_>, lang: Lang, notice_day: Option<Date>) -> String {
    let with_evidence = notice_day.is_none();
    let lines = match notice_day {
        Some(day) => wording::notice_finding_lines(o, day, lang),
        None => wording::finding_lines(o, lang),
    };
    let mut parts: Vec<String> = lines.iter().map(|l| md_escape(l)).collect();
    if with_evidence && !o.evidence().is_empty() {
        parts.push(format!(
            "{}{}",
            lang.pick("佐证：", "evidence: "),
            md_escape(&o.evidence().join(lang.list_separator()))
        ));
    }
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(lang.pick("；", "; "))
    }
}

fn item_row(o: &Outcome<'_>, lang: Lang) -> Vec<String> {
    let (earned, lost) = match o.status {
        Status::NotApplicable => ("—".to_owned(), "—".to_owned()),
        _ => (
            format!("{}/{}", o.earned, o.item.points),
            o.lost.to_string(),
        ),
    };
    let result = md_escape(&wording::result_label(o, lang));
    vec![
        md_escape(o.item.label(lang)),
        md_escape(&o.item.id),
        md_escape(&o.expected(lang)),
        found_cell(o, lang, None),
        if o.status == Status::Pass {
            result
        } else {
            format!("**{result}**")
        },
        md_escape(o.item.severity.label(lang)),
        earned,
        lost,
    ]
}

// ── Notices ─────────────────────────────────────────────────────────────────────────

fn notice_page(report: &Report<'_>, notice: &Notice<'_, '_>) -> String {
    let lang = report.lang;
    let site = notice.site;
    let mut out = format!(
        "# {}\n\n{}\n\n{}\n\n{}\n\n",
        lang.pick("整改通知书", "Rectification notice"),
        md_escape(&notice.number),
        md_escape(&wording::addressee(site, lang)),
        md_escape(&wording::notice_paragraph(report, notice)),
    );
    let rows: Vec<Vec<String>> = notice
        .problems
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![
                (i + 1).to_string(),
                md_escape(&o.item.clause),
                md_escape(o.item.label(lang)),
                found_cell(o, lang, Some(notice.issued_on)),
                md_escape(&required_fix(o, lang)),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            (lang.pick("序号", "No."), true),
            (Column::Clause.heading(lang), false),
            (Column::Requirement.heading(lang), false),
            (lang.pick("检查发现", "Found"), false),
            (lang.pick("整改要求", "Required"), false),
        ],
        &rows,
    ));
    for line in wording::notice_closing(report, notice) {
        out.push_str(&format!("{}\n\n", md_escape(&line)));
    }
    let blank = "________________";
    let short = "____________";
    out.push_str(&format!(
        "{}{blank}　　{}{short}\n\n{}{blank}　　{}{short}\n\n{}\n\n{}\n",
        lang.pick("检查组签字：", "Inspection team: "),
        lang.pick("日期：", "Date: "),
        lang.pick("被检查单位负责人签字：", "Head of the inspected site: "),
        lang.pick("日期：", "Date: "),
        md_escape(&wording::notice_issuer(report)),
        md_escape(&wording::notice_date(notice, lang)),
    ));
    if let Some(line) = wording::copy_to_line(report) {
        out.push_str(&format!("\n---\n\n{}\n", md_escape(&line)));
        if let Some((office, day)) = wording::printed_line(report, notice) {
            out.push_str(&format!(
                "\n{}　　{}\n",
                md_escape(&office),
                md_escape(&day)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_and_markup_are_escaped() {
        assert_eq!(md_escape("../../x|y.jpg"), "../../x\\|y.jpg");
        assert_eq!(
            md_escape("<script>alert(1)</script> & *b*"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\*b\\*"
        );
        assert_eq!(md_escape("[a](http://x)"), "\\[a\\](http://x)");
        assert_eq!(md_escape("site.floor_area"), "site.floor_area");
        assert_eq!(md_escape("_x_"), "\\_x\\_");
        assert_eq!(md_escape("a\nb"), "a b");
    }

    #[test]
    fn line_starts_cannot_open_blocks() {
        assert_eq!(md_escape("# x"), "\\# x");
        assert_eq!(md_escape("  - x"), "  \\- x");
        assert_eq!(md_escape("- x"), "\\- x");
        assert_eq!(md_escape("2020. x"), "2020\\. x");
        assert_eq!(md_escape("1)"), "1\\)");
        assert_eq!(md_escape("3.1.1"), "3.1.1");
        assert_eq!(md_escape("59.5 m²"), "59.5 m²");
        assert_eq!(md_escape("2020年"), "2020年");
    }

    #[test]
    fn bars_round_half_up_in_twentieths() {
        assert_eq!(bar(0), "");
        assert_eq!(bar(50), "█");
        assert_eq!(bar(25), "█");
        assert_eq!(bar(24), "");
        assert_eq!(bar(1000).chars().count(), 20);
    }
}
