//! The report as a self-contained folder of HTML pages that print on A4: `html/index.html`
//! (the campaign summary), `html/sites/<id>.html` (every item of one site, the score
//! explained), `html/notices/<id>.html` (a rectification notice, 整改通知书, in the form
//! county offices send) and `html/notices/all.html` (every notice, one per printed page).
//!
//! Every page carries the same inline stylesheet and no script; nothing refers to anything
//! outside the folder, so the folder can be mailed, copied to a USB stick or opened
//! offline. Every piece of text that came from a record, a checklist or the campaign passes
//! through [`escape`] and nothing else builds markup from it.
//!
//! The plain-text wording shared with the Markdown renderer (score explanations, the notice
//! paragraph, …) lives in `wording`, so both formats say the same thing.

use crate::render::labels::Column;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Attached, ClauseStat, Notice, Report, WaiverState, long_date, sections, wording};
use crate::audit::recheck::SiteFollowUp;
use crate::audit::{Outcome, SiteResult, Status, Verdict};
use crate::lang::Lang;
use crate::render::Label;
use crate::render::Wording;

/// The stylesheet every page carries inline: readable on screen, A4 on paper.
const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "WenQuanYi Micro Hei", "SimSun", sans-serif;
  font-size: 10.5pt; line-height: 1.55; color: #111; background: #fff;
  max-width: 200mm; margin: 0 auto; padding: 12px 16px 32px;
}
h1 { font-size: 17pt; margin: 0.4em 0 0.2em; }
h2 { font-size: 13pt; margin: 1.4em 0 0.5em; padding-bottom: 2px; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 1.1em 0 0.3em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: 0.4em 0; }
a { color: #0645ad; }
code, .path, .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: 0.85em; }
.path { word-break: break-all; }
.photos { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.photos img { display: block; max-width: 100%; max-height: 40mm; width: auto; height: auto; border: 1px solid #999; }
.hash { white-space: nowrap; font-size: 7.5pt; }
.sub { color: #444; margin-top: 0; }
.muted { color: #666; }
.nav { font-size: 9pt; margin-bottom: 6px; }
.nav a { margin-right: 1em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.9em; }
th, td { border: 1px solid #999; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #eef0f3; font-weight: bold; }
thead { display: table-header-group; }
tr, img, svg { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap, .nowrap { white-space: nowrap; }
table.facts { width: auto; min-width: 60%; }
table.facts th { width: 8em; white-space: nowrap; }
table.sections { width: auto; min-width: 60%; }
table.sections td, table.sections th { padding: 1px 8px; }
table.items { font-size: 9pt; table-layout: fixed; }
table.items th:nth-child(1) { width: 24%; }
table.items th:nth-child(2) { width: 19%; }
table.items th:nth-child(3) { width: 25%; }
table.items th:nth-child(4) { width: 10%; }
table.items th:nth-child(5) { width: 7%; }
table.items th:nth-child(6) { width: 8%; }
table.items th:nth-child(7) { width: 7%; }
table.items td { overflow-wrap: anywhere; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.note { white-space: pre-line; }
tr.fail td { background: #fdf1f1; }
tr.rectify td { background: #fbe3e3; }
tr.unrecorded td { background: #fdf6e0; }
tr.not-applicable td { color: #555; background: #f4f4f4; }
tr.waived td, tr.followup-waived td { background: #eef3fa; }
tr.followup-overdue td, tr.followup-still_failing td, tr.followup-new td, tr.expired td { background: #fbe3e3; }
tr.followup-pending td, tr.followup-to_record td { background: #fdf6e0; }
table.follow-ups, table.overdue, table.waivers, table.follow-up { font-size: 9pt; }
table.follow-ups td:first-child, table.overdue td:first-child, table.waivers td:first-child { white-space: nowrap; }
table.follow-ups th.num { white-space: normal; width: 2.4em; min-width: 2.4em; }
code { overflow-wrap: normal; word-break: keep-all; }
.state-expired { color: #a61b1b; font-weight: bold; }
.state-active { color: #1d6b2b; }
.state-not-yet { color: #8a5a00; }
.verdict-pass { color: #1d6b2b; font-weight: bold; }
.verdict-rectify { color: #a61b1b; font-weight: bold; }
.verdict-incomplete { color: #8a5a00; font-weight: bold; }
.demo { color: #8a5a00; white-space: nowrap; }
.warning { border-left: 4px solid #d9a400; background: #fff8e1; padding: 4px 8px; }
ul.explain { margin: 0.3em 0 0.8em; padding-left: 1.4em; break-inside: avoid; page-break-inside: avoid; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 0.3em 0 1em; }
svg.chart text { font-size: 12px; fill: #111; }
svg.chart .track { fill: #e8e8e8; }
svg.chart .bar { fill: #b83232; }
/* Notices in the format of GB/T 9704-2012: A4, text block 156 × 225 mm from 37 mm top and
   28 mm left, 22 lines of 28 characters of 3号 仿宋 (16 pt) on a 28.9 pt pitch, the title
   in 2号 小标宋 (22 pt), page numbers "— 1 —" in 4号 宋体 7 mm under the text block. */
@font-face { font-family: "Notice Title"; src: local("FZXiaoBiaoSong-B05S"), local("方正小标宋简体"), local("FZXBSJW--GB1-0"), local("SimHei"), local("黑体"), local("Noto Serif CJK SC Bold"), local("NotoSerifCJKsc-Bold"), local("Source Han Serif SC Bold"); }
.notice {
  page: notice;
  font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif;
  font-size: 16pt; line-height: 28.9pt; color: #000;
}
.notice p { margin: 0; }
.notice h1 {
  font-family: "Notice Title", "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", "黑体",
    "Noto Serif CJK SC", serif;
  font-weight: normal; text-align: center; font-size: 22pt; line-height: 28.9pt; margin: 0;
}
.notice .number { text-align: center; margin: 0 0 28.9pt; }
.notice .body { text-indent: 2em; text-align: justify; }
.notice table { font-size: 12pt; line-height: 1.5; margin: 14.45pt 0; }
.notice th, .notice td { border-color: #000; }
.notice th { text-align: center; white-space: nowrap; background: none; }
.notice td.num { text-align: center; }
.notice table.problems th:nth-child(1) { width: 3.2em; }
.notice table.problems th:nth-child(2) { width: 4.6em; }
.notice table.problems th:nth-child(3) { width: 30%; }
.notice table.problems th:nth-child(4) { width: 26%; }
.notice table.sign { width: auto; margin: 28.9pt 0 0; border: none; font-size: 16pt; line-height: 28.9pt; break-inside: avoid; page-break-inside: avoid; }
.notice table.sign td { border: none; padding: 0 0.3em 0 0; white-space: nowrap; }
/* Room for the seal over the signing office and the date (7.3.5.1). */
.notice .closing { break-inside: avoid; page-break-inside: avoid; }
.notice .issuer { margin-top: 86.7pt; }
.notice .issuer p { text-align: right; white-space: nowrap; }
.notice .issuer .date { padding-right: 4em; }
.notice .record { margin-top: 57.8pt; border-top: 1px solid #000; border-bottom: 1px solid #000; font-size: 14pt; line-height: 28.9pt; break-inside: avoid; page-break-inside: avoid; }
.notice .record p { padding: 0 1em; }
.notice .record p + p { border-top: 0.5px solid #000; display: flex; justify-content: space-between; }
.notice + .notice { break-before: page; page-break-before: always; }
/* The attachment 附件：问题照片 (7.3.6, 8): announced a line under the text, on a page of its
   own after the date, 附件 in 3号黑体 at the top left and the title centred under it. */
.notice .attachment-line { margin-top: 28.9pt; }
.notice .attachment { break-before: page; page-break-before: always; }
.notice .attachment-label { font-family: "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
.notice h2.attachment-title { font-family: "Notice Title", "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", "黑体", "Noto Serif CJK SC", serif; font-weight: normal; text-align: center; font-size: 22pt; line-height: 28.9pt; margin: 0 0 28.9pt; padding: 0; border: none; }
.notice figure { margin: 0 0 14.45pt; text-align: center; break-inside: avoid; page-break-inside: avoid; }
.notice figure img { display: block; margin: 0 auto; border: 1px solid #999; }
.notice figcaption, .notice .unprinted { font-size: 12pt; line-height: 1.5; }
@page notice { size: A4; margin: 37mm 26mm 35mm 28mm; }
@page notice:right { @bottom-right { content: "— " counter(page) " —"; font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 14pt; vertical-align: top; padding-top: 7mm; padding-right: 1em; } }
@page notice:left { @bottom-left { content: "— " counter(page) " —"; font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 14pt; vertical-align: top; padding-top: 7mm; padding-left: 1em; } }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .nav, .screen { display: none; }
  a { color: inherit; text-decoration: none; }
  th, tr.fail td, tr.rectify td, tr.unrecorded td, tr.not-applicable td, tr.waived td,
  tr.followup-waived td, tr.followup-overdue td, tr.followup-still_failing td,
  tr.followup-new td, tr.followup-pending td, tr.followup-to_record td, tr.expired td, svg.chart {
    -webkit-print-color-adjust: exact; print-color-adjust: exact;
  }
  .notice { margin: 0; }
}
"#;

/// Forbids scripts, plugins and every outside load: even text that escaped [`escape`]
/// could not run or fetch anything.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// The files of this format, as (path relative to the output folder, bytes).
pub fn render(report: &Report<'_>) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let notices = report.notices();
    let follow_ups = wording::follow_ups(report);
    let lookup = wording::Lookup::new(report, &notices, &follow_ups);
    let all = all_notices_file(&notices);
    let mut files = Vec::with_capacity(report.sites.len() + notices.len() + 2);
    files.push((
        PathBuf::from("html/index.html"),
        index(report, &lookup, all).into_bytes(),
    ));
    for site in &report.sites {
        files.push((
            PathBuf::from(format!("html/sites/{}.html", site.record.id)),
            site_page(report, site, &lookup).into_bytes(),
        ));
    }
    for notice in &notices {
        let body = notice_section(report, notice);
        let title = format!(
            "{} {}",
            title_of_notice(report.lang),
            notice.site.record.name
        );
        files.push((
            PathBuf::from(format!("html/notices/{}.html", notice.file)),
            page(
                report.lang,
                &title,
                &nav(report.lang, Some(notice.site)),
                &body,
            )
            .into_bytes(),
        ));
    }
    if !notices.is_empty() {
        let body: String = notices.iter().map(|n| notice_section(report, n)).collect();
        let title = match report.lang {
            Lang::Zh => format!("{}：全部整改通知书", report.title()),
            Lang::En => format!("{}: all rectification notices", report.title()),
        };
        files.push((
            PathBuf::from(format!("html/notices/{all}")),
            page(report.lang, &title, &nav(report.lang, None), &body).into_bytes(),
        ));
    }
    Ok(files)
}

/// Escapes text for HTML content and quoted attribute values. The only way record,
/// checklist and campaign text reaches a page.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The file holding every notice: `all.html`, unless a site with a notice is itself called
/// `all` (ids may be), in which case a name no site id can have (ids start with a letter or
/// digit).
fn all_notices_file(notices: &[Notice<'_, '_>]) -> &'static str {
    if notices.iter().any(|n| n.file.eq_ignore_ascii_case("all")) {
        "_all.html"
    } else {
        "all.html"
    }
}

fn html_lang(lang: Lang) -> &'static str {
    lang.pick("zh-CN", "en")
}

/// A whole page: `title` is plain text, `nav` and `body` are markup.
fn page(lang: Lang, title: &str, nav: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{nav}{body}</body>\n</html>\n",
        html_lang(lang),
        escape(CSP),
        escape(title),
    )
}

/// Links back to the summary (and to a site's page from its notice), hidden on paper.
fn nav(lang: Lang, site: Option<&SiteResult<'_>>) -> String {
    let mut links = format!(
        "<a href=\"../index.html\">{}</a>",
        lang.pick("← 返回汇总", "← Summary")
    );
    if let Some(site) = site {
        links.push_str(&format!(
            "<a href=\"../sites/{}.html\">{}{}</a>",
            escape(&site.record.id),
            lang.pick("站点检查结果：", "Site results: "),
            escape(&site.record.name)
        ));
    }
    format!("<nav class=\"nav\">{links}</nav>\n")
}

fn title_of_notice(lang: Lang) -> &'static str {
    lang.pick("整改通知书", "Rectification notice")
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "verdict-pass",
        Verdict::Rectify => "verdict-rectify",
        Verdict::Incomplete => "verdict-incomplete",
    }
}

fn verdict_html(verdict: Verdict, lang: Lang) -> String {
    format!(
        "<span class=\"{}\">{}</span>",
        verdict_class(verdict),
        escape(verdict.label(lang))
    )
}

fn demo_mark(mark: Option<String>) -> String {
    mark.map(|mark| format!(" <span class=\"demo\">{}</span>", escape(&mark)))
        .unwrap_or_default()
}

/// A two-column table of labelled facts; values are markup.
fn facts(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table class=\"facts\">\n");
    for (label, value) in rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{value}</td></tr>\n",
            escape(label)
        ));
    }
    out.push_str("</table>\n");
    out
}

/// A table header row; `num` marks right-aligned columns.
fn thead(columns: &[(&str, bool)]) -> String {
    let cells: String = columns
        .iter()
        .map(|(label, num)| {
            if *num {
                format!("<th scope=\"col\" class=\"num\">{}</th>", escape(label))
            } else {
                format!("<th scope=\"col\">{}</th>", escape(label))
            }
        })
        .collect();
    format!("<thead><tr>{cells}</tr></thead>\n")
}

fn site_link(site_id: &str, name: &str, prefix: &str) -> String {
    format!(
        "<a href=\"{prefix}sites/{}.html\">{}</a>",
        escape(site_id),
        escape(name)
    )
}

fn notice_link(notice: &Notice<'_, '_>, prefix: &str) -> String {
    format!(
        "<a href=\"{prefix}notices/{}.html\">{}</a>",
        escape(&notice.file),
        escape(&notice.number)
    )
}

// ── The summary page ────────────────────────────────────────────────────────────────

fn index(report: &Report<'_>, lookup: &wording::Lookup<'_, '_>, all: &str) -> String {
    let lang = report.lang;
    let notices = lookup.notices;
    let run = report.run;
    let campaign = run.campaign;
    let by_id: BTreeMap<&str, &SiteResult<'_>> = report
        .sites
        .iter()
        .map(|s| (s.record.id.as_str(), s))
        .collect();
    let mut body = format!("<h1>{}</h1>\n", escape(&report.title()));
    if let Some(warning) = wording::partial_campaign(report) {
        body.push_str(&format!(
            "<p class=\"warning\"><strong>{}</strong></p>\n",
            escape(&warning)
        ));
    }

    // The campaign.
    let mut rows: Vec<(&str, String)> = Vec::new();
    if !campaign.name.is_empty() {
        rows.push((
            lang.pick("检查验收活动", "Campaign"),
            escape(&campaign.name),
        ));
    }
    if let Some(county) = &campaign.county {
        rows.push((lang.pick("组织县", "County"), escape(county)));
    }
    let checklists: Vec<String> = run
        .checklists
        .iter()
        .map(|c| escape(&wording::checklist_line(c, lang)))
        .collect();
    rows.push((
        lang.pick("验收清单", "Checklists"),
        checklists.join("<br>\n"),
    ));
    if !run.phases.is_empty() {
        let phases: Vec<String> = run
            .phases
            .iter()
            .map(|p| escape(&wording::phase_line(p, lang)))
            .collect();
        rows.push((lang.pick("实施阶段", "Phases"), phases.join("<br>\n")));
    }
    rows.push((
        lang.pick("评定日", "Judged on"),
        escape(&wording::judging_day(report)),
    ));
    rows.push((
        lang.pick("整改期限", "Rectification"),
        escape(&wording::rectification_rule(report)),
    ));
    rows.push((
        lang.pick("示范点", "Demonstration"),
        escape(&wording::demonstration_rule(report)),
    ));
    body.push_str(&facts(&rows));

    // Verdicts.
    body.push_str(&format!(
        "<h2>{}</h2>\n<p>{}</p>\n",
        escape(lang.pick("验收结论", "Verdicts")),
        escape(&wording::verdict_counts(report))
    ));
    for line in wording::late_inspections(report)
        .into_iter()
        .chain(wording::expired_waivers(report))
    {
        body.push_str(&format!("<p class=\"warning\">{}</p>\n", escape(&line)));
    }

    // The ranking, kind by kind: a village station is not ranked among township centres.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("站点得分排名", "Sites by score"))
    ));
    let kinds = report.ranked_by_kind();
    for kind in &kinds {
        if kinds.len() > 1 {
            body.push_str(&format!("<h3>{}</h3>\n", escape(&kind.label)));
        }
        body.push_str("<table class=\"sites\">\n");
        body.push_str(&thead(&wording::ranking_columns(lang)));
        body.push_str("<tbody>\n");
        for &(rank, place) in &kind.places {
            let entry = &place.entry;
            let site = by_id.get(entry.id());
            let (grade, due) = wording::grade_and_due(site.copied(), lang);
            let demo = demo_mark(wording::demo_mark(report, place));
            body.push_str(&format!(
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}{demo}</td>\
                 <td class=\"num\">{}/{}</td><td class=\"num\">{}%</td><td class=\"nowrap\">{}</td>\
                 <td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td></tr>\n",
                rank,
                site_link(entry.id(), entry.id(), ""),
                escape(entry.name()),
                entry.score,
                entry.max_score,
                crate::points::Points::from_tenths(entry.percent_tenths),
                escape(grade),
                verdict_html(entry.verdict, lang),
                escape(&due),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }

    // Demonstration sites.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("标准化建设示范点", "Demonstration sites"))
    ));
    body.push_str(&format!(
        "<p>{}</p>\n",
        escape(&wording::choice_rule(report))
    ));
    let demos: Vec<_> = report.ranking.demonstration().collect();
    if demos.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            escape(lang.pick("没有站点符合示范点条件。", "No site is eligible."))
        ));
    } else {
        body.push_str("<ol>\n");
        for place in &demos {
            let flag = report
                .ranking
                .flag(place)
                .map(|f| {
                    let text = crate::render::ranking::flag_text(f, lang);
                    format!(" <span class=\"warning\">{}</span>", escape(&text))
                })
                .unwrap_or_default();
            body.push_str(&format!(
                "<li>{}（<code>{}</code>）{}{flag}</li>\n",
                site_link(place.entry.id(), place.entry.name(), ""),
                escape(place.entry.id()),
                escape(&wording::place_score(place, lang)),
            ));
        }
        body.push_str("</ol>\n");
    }
    for line in wording::choice_warnings(report) {
        body.push_str(&format!("<p class=\"warning\">{}</p>\n", escape(&line)));
    }
    if let Some(tie) = report.ranking.tie() {
        body.push_str(&format!(
            "<p class=\"warning\">{}</p>\n",
            escape(&crate::render::ranking::tie_text(&tie, lang))
        ));
    }
    if let Some(shortfall) = crate::render::labels::shortfall(&report.ranking, lang) {
        body.push_str(&format!(
            "<p class=\"warning\">{}</p>\n",
            escape(&shortfall)
        ));
    }

    // Most failed requirements.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("不合格最多的强制要求", "Requirements failed most often"))
    ));
    let most = report.most_failed(10);
    if most.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            escape(lang.pick("没有不合格的强制项。", "No mandatory requirement failed."))
        ));
    } else {
        body.push_str("<table>\n");
        body.push_str(&thead(&[
            (Column::Clause.heading(lang), false),
            (Column::Requirement.heading(lang), false),
            (lang.pick("不合格站点", "Sites failing"), true),
        ]));
        body.push_str("<tbody>\n");
        for stat in &most {
            body.push_str(&format!(
                "<tr><td class=\"nowrap\">{}</td><td>{}<br><code class=\"muted\">{}</code></td>\
                 <td class=\"num\">{}/{}</td></tr>\n",
                escape(&stat.clause),
                escape(&stat.title),
                escape(&stat.item),
                stat.failed,
                stat.sites
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }

    // Failure rate per clause.
    body.push_str(&format!(
        "<section class=\"keep\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n",
        escape(lang.pick("各条款不合格率", "Failure rate per clause")),
        escape(lang.pick(
            "有至少一项强制项不合格的站点所占比例。",
            "Share of sites with at least one failed mandatory item under the clause."
        ))
    ));
    let rates = report.clause_rates();
    let labels = label_width(&rates);
    for (n, checklist) in run.checklists.iter().enumerate() {
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
        body.push_str(&format!("<h3>{}</h3>\n", escape(&caption)));
        body.push_str(&bar_chart(&stats, labels, &caption, n + 1, lang));
    }
    body.push_str("</section>\n");

    // Deadlines.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("整改期限一览", "Rectification deadlines"))
    ));
    let mut dated: Vec<&SiteResult<'_>> = report.sites.iter().filter(|s| s.due.is_some()).collect();
    dated.sort_by(|a, b| {
        a.due
            .cmp(&b.due)
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    if dated.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            escape(lang.pick(
                "所有站点验收合格，无须整改。",
                "Every site passed: nothing to rectify."
            ))
        ));
    } else {
        body.push_str("<table>\n");
        body.push_str(&thead(&[
            (Column::Site.heading(lang), false),
            (Column::Verdict.heading(lang), false),
            (lang.pick("检查日期", "Inspected"), false),
            (Column::Due.heading(lang), false),
            (lang.pick("整改项", "Items"), true),
            (lang.pick("整改通知书", "Notice"), false),
        ]));
        body.push_str("<tbody>\n");
        for site in dated {
            let notice = lookup.notice(&site.record.id);
            let count = notice.map_or(0, |n| n.problems.len());
            let link = notice.map_or_else(|| "—".to_owned(), |n| notice_link(n, ""));
            body.push_str(&format!(
                "<tr><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td>\
                 <td class=\"num\">{count}</td><td class=\"nowrap\">{link}</td></tr>\n",
                site_link(&site.record.id, &site.record.name, ""),
                verdict_html(site.verdict, lang),
                escape(&long_date(site.record.inspected_on, lang)),
                escape(&site.due.map(|d| wording::due_short(d, lang)).unwrap_or_default()),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
        if let Some(note) = wording::provisional_footnote(report) {
            body.push_str(&format!("<p class=\"muted\">{}</p>\n", escape(&note)));
        }
        if report
            .sites
            .iter()
            .any(|s| s.verdict == Verdict::Incomplete)
        {
            body.push_str(&format!(
                "<p class=\"muted\">{}</p>\n",
                escape(lang.pick(
                    "待补查站点须补查未记录的强制项（见各站点页），不计整改期限；其中有不合格强制项的，按整改通知书在期限内整改。",
                    "Incomplete sites must have their unrecorded mandatory items recorded (see each site page), with no rectification deadline; any failed mandatory item is rectified by its deadline, as its notice says."
                ))
            ));
        }
    }
    if !notices.is_empty() {
        body.push_str(&format!(
            "<p class=\"screen\"><a href=\"notices/{}\">{}</a></p>\n",
            escape(all),
            escape(&match lang {
                Lang::Zh => format!("打印全部 {} 份整改通知书", notices.len()),
                Lang::En => format!("Print all {} rectification notices", notices.len()),
            })
        ));
    }

    if wording::has_follow_up(report, lookup.follow_ups) {
        body.push_str(&follow_up_section(report, lookup));
    }

    // Basis and data.
    body.push_str(&format!(
        "<h2>{}</h2>\n<table>\n",
        escape(lang.pick("依据与数据", "Basis and data"))
    ));
    body.push_str(&thead(&[
        (lang.pick("验收清单", "Checklist"), false),
        (lang.pick("版本", "Version"), false),
        (lang.pick("依据", "Source"), false),
    ]));
    body.push_str("<tbody>\n");
    for c in run.checklists {
        body.push_str(&format!(
            "<tr><td><code>{}</code><br>{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>\n",
            escape(&c.id),
            escape(c.label(lang)),
            escape(&c.version),
            escape(&c.source)
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    body.push_str(&format!(
        "<p>{}</p>\n<table class=\"inputs\">\n",
        escape(lang.pick(
            "本报告由以下输入文件生成，可用 SHA-256 校验文件未被改动：",
            "This report was made from these input files; their SHA-256 digests show they are unaltered:"
        ))
    ));
    body.push_str(&thead(&[
        (lang.pick("文件", "File"), false),
        (lang.pick("字节", "Bytes"), true),
        ("SHA-256", false),
    ]));
    body.push_str("<tbody>\n");
    for input in &report.inputs {
        body.push_str(&format!(
            "<tr><td class=\"path\">{}</td><td class=\"num\">{}</td><td class=\"hash\">{}</td></tr>\n",
            escape(&report.shown_path(&input.path)),
            input.size,
            escape(&input.sha256)
        ));
    }
    body.push_str("</tbody>\n</table>\n");

    page(lang, &report.title(), "", &body)
}

/// The summary's follow-up: counts per status, the sites followed up, the county's
/// overdue list and the waivers.
fn follow_up_section(report: &Report<'_>, lookup: &wording::Lookup<'_, '_>) -> String {
    let lang = report.lang;
    let follow_ups = lookup.follow_ups;
    let mut body = format!("<h2>{}</h2>\n", escape(wording::follow_up_heading(lang)));
    if !follow_ups.is_empty() {
        let counts = wording::status_counts(follow_ups.iter().flat_map(|f| &f.items));
        body.push_str(&format!(
            "<p>{}</p>\n<p>{}</p>\n<table class=\"follow-ups\">\n",
            escape(&wording::follow_up_sites_line(report, follow_ups)),
            escape(&wording::status_counts_line(&counts, lang)),
        ));
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
        body.push_str(&thead(&columns));
        body.push_str("<tbody>\n");
        for f in follow_ups {
            let r = f.before.record;
            let counts: String = wording::status_counts(&f.items)
                .iter()
                .map(|n| match n {
                    0 => "<td class=\"num muted\">0</td>".to_owned(),
                    n => format!("<td class=\"num\">{n}</td>"),
                })
                .collect();
            body.push_str(&format!(
                "<tr data-site=\"{}\"><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td>\
                 <td class=\"nowrap\">{}</td>{counts}</tr>\n",
                escape(&r.id),
                site_link(&r.id, &r.name, ""),
                escape(&f.before.due.map_or_else(|| "—".to_owned(), |d| wording::due_short(d, lang))),
                // One re-inspection day a line, so that the site's name keeps its line.
                escape(&wording::rechecked_text(f, lang, "—")).replace(lang.list_separator(), "<br>"),
                escape(&wording::verdict_change(f, lang)),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }

    body.push_str(&format!(
        "<h3>{}</h3>\n",
        escape(wording::overdue_heading(lang))
    ));
    let overdue = wording::overdue_rows(report);
    if overdue.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", escape(wording::no_overdue(lang))));
    } else {
        body.push_str("<table class=\"overdue\">\n");
        body.push_str(&thead(&[
            (Column::Site.heading(lang), false),
            (Column::Clause.heading(lang), false),
            (Column::Title.heading(lang), false),
            (Column::Due.heading(lang), false),
            (Column::Reinspected.heading(lang), false),
        ]));
        body.push_str("<tbody>\n");
        for row in &overdue {
            let r = row.site.record;
            body.push_str(&format!(
                "<tr data-site=\"{}\" data-item=\"{}\"><td>{}</td><td class=\"nowrap\">{}</td>\
                 <td>{}<br><code class=\"muted\">{}</code></td><td class=\"nowrap\">{}</td>\
                 <td class=\"nowrap\">{}</td></tr>\n",
                escape(&r.id),
                escape(&row.item.id),
                site_link(&r.id, &r.name, ""),
                escape(&row.item.clause),
                escape(row.item.label(lang)),
                escape(&row.item.id),
                escape(
                    &row.due
                        .map_or_else(|| "—".to_owned(), |d| wording::due_short(d, lang))
                ),
                escape(&wording::overdue_rechecked(row, lang)),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }

    body.push_str(&format!(
        "<h3>{}</h3>\n",
        escape(wording::waivers_heading(lang))
    ));
    let waivers = wording::waiver_rows(report);
    if waivers.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", escape(wording::no_waivers(lang))));
    } else {
        body.push_str("<table class=\"waivers\">\n");
        body.push_str(&thead(&[
            (Column::Site.heading(lang), false),
            (Column::Title.heading(lang), false),
            (lang.pick("理由", "Reason"), false),
            (lang.pick("批准人", "Approved by"), false),
            (lang.pick("批准日期", "Approved on"), false),
            (lang.pick("失效日期", "Expires"), false),
            (lang.pick("状态", "State"), false),
        ]));
        body.push_str("<tbody>\n");
        for row in &waivers {
            let w = row.waiver;
            let site = row.site.map_or_else(
                || format!("<code>{}</code>", escape(&w.site)),
                |s| site_link(&s.record.id, &s.record.name, ""),
            );
            let (class, state_class) = match row.state {
                WaiverState::Expired => (" class=\"expired\"", "state-expired"),
                WaiverState::Active => ("", "state-active"),
                WaiverState::NotYet => ("", "state-not-yet"),
                WaiverState::Unused => (" class=\"unused\"", "state-unused"),
            };
            let mark = if row.state == WaiverState::Expired {
                "⚠ "
            } else {
                ""
            };
            body.push_str(&format!(
                "<tr{class} data-site=\"{}\" data-item=\"{}\"><td>{site}</td>\
                 <td>{}<br><code class=\"muted\">{}</code></td><td>{}</td><td>{}</td>\
                 <td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td>\
                 <td class=\"nowrap state\"><span class=\"{state_class}\">{mark}{}</span></td></tr>\n",
                escape(&w.site),
                escape(&w.item),
                escape(&wording::waiver_item(row, lang)),
                escape(&w.item),
                escape(&w.reason),
                escape(&w.approved_by),
                escape(&long_date(w.approved_on, lang)),
                escape(&long_date(w.expires, lang)),
                escape(row.state.label(lang)),
            ));
        }
        body.push_str("</tbody>\n</table>\n");
    }
    body
}

/// An inline SVG bar chart of failure rates, one bar per clause. Coordinates are whole
/// pixels computed from integers, so the same data always gives the same picture.
fn bar_label(stat: &ClauseStat) -> String {
    format!("{} {}", stat.clause, stat.title)
}

/// Room for the longest label, estimated at 12px text: full-width characters 12px, others
/// 7px. Computed over every chart of a page so that their bars line up.
fn label_width(stats: &[ClauseStat]) -> usize {
    stats
        .iter()
        .map(|s| {
            bar_label(s)
                .chars()
                .map(|c| if c.is_ascii() { 7 } else { 12 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
        .max(80)
        + 12
}

fn bar_chart(
    stats: &[&ClauseStat],
    label_width: usize,
    caption: &str,
    number: usize,
    lang: Lang,
) -> String {
    const ROW: usize = 22;
    const BAR: usize = 320;
    const VALUE: usize = 130;
    const TOP: usize = 4;
    let labels: Vec<String> = stats.iter().map(|s| bar_label(s)).collect();
    let width = label_width + BAR + VALUE;
    let height = TOP * 2 + ROW * stats.len();
    let id = format!("chart-{number}");
    let title = match lang {
        Lang::Zh => format!("各条款不合格率：{caption}"),
        Lang::En => format!("Failure rate per clause: {caption}"),
    };
    let mut out = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\">\n<title id=\"{id}\">{}</title>\n",
        escape(&title)
    );
    for (i, (stat, label)) in stats.iter().zip(&labels).enumerate() {
        let y = TOP + i * ROW;
        let permille = stat.permille().min(1000) as usize;
        let bar = (permille * BAR + 500) / 1000;
        let value = format!(
            "{}/{} · {}",
            stat.failed,
            stat.sites,
            wording::permille_percent(stat.permille())
        );
        out.push_str(&format!(
            "<g><title>{}: {}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"track\" x=\"{label_width}\" y=\"{}\" width=\"{BAR}\" height=\"14\"/>\
             <rect class=\"bar\" x=\"{label_width}\" y=\"{}\" width=\"{bar}\" height=\"14\"/>\
             <text x=\"{}\" y=\"{}\">{}</text></g>\n",
            escape(label),
            escape(&value),
            label_width - 8,
            y + 15,
            escape(label),
            y + 4,
            y + 4,
            label_width + BAR + 6,
            y + 15,
            escape(&value),
        ));
    }
    out.push_str("</svg>\n");
    out
}

// ── A site's page ───────────────────────────────────────────────────────────────────

fn site_page(
    report: &Report<'_>,
    site: &SiteResult<'_>,
    lookup: &wording::Lookup<'_, '_>,
) -> String {
    let lang = report.lang;
    let r = site.record;
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        escape(&r.name),
        escape(&wording::site_subtitle(site, lang))
    );
    let rows: Vec<(&str, String)> = wording::site_facts(report, site, lookup)
        .into_iter()
        .map(|(label, fact)| {
            let html = match fact {
                wording::Fact::Text(text) => escape(&text),
                wording::Fact::Id(id) => format!("<code>{}</code>", escape(&id)),
                wording::Fact::Inspected { date, late } => match late {
                    Some(late) => format!(
                        "{} <span class=\"warning\">{}</span>",
                        escape(&date),
                        escape(&late)
                    ),
                    None => escape(&date),
                },
                wording::Fact::Verdict(verdict) => verdict_html(verdict, lang),
                wording::Fact::Rank {
                    text,
                    demonstration,
                } => escape(&text) + &demo_mark(demonstration),
                wording::Fact::Notice(notice) => notice_link(notice, "../"),
                wording::Fact::Record(path) => {
                    format!("<span class=\"path\">{}</span>", escape(&path))
                }
            };
            (label, html)
        })
        .collect();
    body.push_str(&facts(&rows));

    if let Some(f) = lookup.follow_up(&r.id) {
        body.push_str(&site_follow_up(report, f));
    }

    // The score explained.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("得分说明", "How the score is made up"))
    ));
    body.push_str("<ul class=\"explain\">\n");
    for line in wording::explanation(site, lang) {
        body.push_str(&format!("<li>{}</li>\n", escape(&line)));
    }
    body.push_str("</ul>\n");
    body.push_str("<table class=\"sections\">\n");
    body.push_str(&thead(&[
        (Column::Clause.heading(lang), false),
        (lang.pick("内容", "Heading"), false),
        (lang.pick("得分", "Earned"), true),
        (lang.pick("适用满分", "Applicable"), true),
    ]));
    body.push_str("<tbody>\n");
    for s in sections(site, lang) {
        body.push_str(&format!(
            "<tr><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&s.clause),
            escape(&s.title),
            s.earned,
            s.max
        ));
    }
    body.push_str(&format!(
        "<tr><th colspan=\"2\" scope=\"row\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr>\n</tbody>\n</table>\n",
        escape(lang.pick("合计", "Total")),
        site.score.earned,
        site.score.max
    ));

    // Every item.
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        escape(lang.pick("逐项检查结果", "Every item"))
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
        body.push_str(&format!(
            "<h3>{}</h3>\n<table class=\"items\">\n",
            escape(format!("{clause} {heading}").trim())
        ));
        body.push_str(&thead(&[
            (Column::Title.heading(lang), false),
            (Column::Requirement.heading(lang), false),
            (lang.pick("检查情况", "Observed"), false),
            (lang.pick("结果", "Result"), false),
            (lang.pick("类别", "Severity"), false),
            (lang.pick("得分", "Earned"), true),
            (lang.pick("失分", "Lost"), true),
        ]));
        body.push_str("<tbody>\n");
        for o in &outcomes[start..end] {
            let photos = photos(report, &r.id, &r.origin, o);
            body.push_str(&item_row(o, lang, &photos));
        }
        body.push_str("</tbody>\n</table>\n");
        start = end;
    }

    page(
        lang,
        &match lang {
            Lang::Zh => format!("{}（{}）", r.name, r.id),
            Lang::En => format!("{} ({})", r.name, r.id),
        },
        &nav(lang, None),
        &body,
    )
}

/// A followed-up site's block: when it was re-inspected, its verdict then and now, and
/// what became of every item.
fn site_follow_up(report: &Report<'_>, f: &SiteFollowUp<'_, '_>) -> String {
    let lang = report.lang;
    let rows: Vec<(&str, String)> = wording::site_follow_up_facts(f, lang)
        .into_iter()
        .map(|(label, value)| (label, escape(&value)))
        .collect();
    let mut body = format!(
        "<h2>{}</h2>\n{}",
        escape(wording::site_follow_up_heading(lang)),
        facts(&rows)
    );
    if f.items.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>\n",
            escape(wording::no_follow_up_items(lang))
        ));
        return body;
    }
    let waivers: Vec<Option<String>> = f
        .items
        .iter()
        .map(|item| wording::follow_up_waiver(report, &f.before.record.id, item, lang))
        .collect();
    // The waiver column only when an item has one.
    let with_waivers = waivers.iter().any(Option::is_some);
    let mut columns = vec![
        (Column::Clause.heading(lang), false),
        (Column::Title.heading(lang), false),
        (lang.pick("状态", "Status"), false),
        (lang.pick("检查时", "At inspection"), false),
        (lang.pick("复查时", "At re-inspection"), false),
    ];
    if with_waivers {
        columns.push((lang.pick("豁免", "Waiver"), false));
    }
    body.push_str("<table class=\"follow-up\">\n");
    body.push_str(&thead(&columns));
    body.push_str("<tbody>\n");
    let cell = |text: String| {
        if text.is_empty() {
            "<td>—</td>".to_owned()
        } else {
            format!("<td><span class=\"note\">{}</span></td>", escape(&text))
        }
    };
    for (item, waiver) in f.items.iter().zip(waivers) {
        // What the re-inspection found, with the photos it took (the fixed sign).
        let after_cell = match (item.after.as_ref(), f.after) {
            (Some(o), Some(after)) => {
                let photos = photos(report, &after.record.id, &after.record.origin, o);
                let cell = cell(wording::follow_up_value(Some(o), lang));
                match cell.strip_suffix("</td>") {
                    Some(open) if !photos.is_empty() => format!("{open}{photos}</td>"),
                    _ => cell,
                }
            }
            _ => cell(wording::follow_up_value(item.after.as_ref(), lang)),
        };
        let waiver = if with_waivers {
            cell(waiver.unwrap_or_default())
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<tr class=\"followup-{}\" data-item=\"{}\"><td class=\"nowrap\">{}</td>\
             <td>{}<br><code class=\"muted\">{}</code></td><td class=\"nowrap\">{}</td>\
             {}{}{waiver}</tr>\n",
            item.status.code(),
            escape(&item.item.id),
            escape(&item.item.clause),
            escape(item.item.label(lang)),
            escape(&item.item.id),
            escape(&wording::item_status(f, item, lang)),
            cell(wording::follow_up_value(Some(&item.before), lang)),
            after_cell,
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    body
}

/// The status, with 须整改 on a line of its own for rectification items.
fn result_html(o: &Outcome<'_>, lang: Lang) -> String {
    let status = escape(o.status.label(lang));
    if o.needs_rectification() {
        format!(
            "{status}<br><strong>{}</strong>",
            escape(lang.pick("须整改", "rectify"))
        )
    } else {
        status
    }
}

fn row_class(o: &Outcome<'_>) -> &'static str {
    match o.status {
        Status::Pass => "pass",
        Status::Fail if o.needs_rectification() => "fail rectify",
        Status::Fail => "fail",
        Status::Unrecorded => "unrecorded",
        Status::NotApplicable => "not-applicable",
        Status::Waived => "waived",
    }
}

/// The photos `o` cites, as `<img>` tags of the copies in the report folder
/// (`photos/<sha256 prefix>.<ext>`, beside `sites/`), each once and linked to the copy at
/// full size; empty when it cites none that was found. A path is looked up among the
/// evidence of `site`'s records for the item, `record`'s own first.
fn photos(report: &Report<'_>, site: &str, record: &str, o: &Outcome<'_>) -> String {
    let mut names: Vec<(String, &str)> = Vec::new();
    for cited in o.evidence() {
        let mut found = report.evidence_for(site, &o.item.id, cited);
        found.sort_by_key(|e| e.record != record);
        if let Some(name) = found.first().and_then(|e| e.photo_name())
            && !names.iter().any(|(n, _)| *n == name)
        {
            names.push((name, cited));
        }
    }
    if names.is_empty() {
        return String::new();
    }
    let figures: Vec<String> = names
        .iter()
        .map(|(name, cited)| photo_link(name, cited, ""))
        .collect();
    format!("<div class=\"photos\">{}</div>", figures.join(""))
}

/// The `<img>` of a photo's copy `name` (`photos/…`, beside the page's folder), linked to
/// the copy at full size, `cited` as its text, with `attributes` added to the image.
fn photo_link(name: &str, cited: &str, attributes: &str) -> String {
    let (name, cited) = (escape(name), escape(cited));
    format!(
        "<a href=\"../{name}\"><img src=\"../{name}\" alt=\"{cited}\" title=\"{cited}\"{attributes}></a>"
    )
}

/// A notice's attachment (附件：问题照片): every photo its items cite, printed as large as
/// 156 × 100 mm allows with its proportions kept, as in the Word notice, with a caption;
/// the evidence that is not a photo listed by name.
fn attachment(attached: &[Attached<'_, '_>], lang: Lang) -> String {
    let mut out = format!(
        "<div class=\"attachment\">\n<p class=\"attachment-label\">{}</p>\n\
         <h2 class=\"attachment-title\">{}</h2>\n",
        escape(wording::attachment_label(lang)),
        escape(wording::attachment_title(lang)),
    );
    let mut figure = 0;
    for a in attached {
        let Some(photo) = &a.photo else { continue };
        figure += 1;
        let (w, h) = super::image::fit(photo.pixels.0, photo.pixels.1, 1560, 1000);
        let size = format!(
            " style=\"width: {}.{}mm; height: {}.{}mm\"",
            w / 10,
            w % 10,
            h / 10,
            h % 10
        );
        out.push_str(&format!(
            "<figure>{}<figcaption>{}</figcaption></figure>\n",
            photo_link(photo.name, a.cited, &size),
            escape(&wording::photo_caption(figure, a, lang)),
        ));
    }
    let rest: Vec<&Attached<'_, '_>> = attached.iter().filter(|a| a.photo.is_none()).collect();
    if !rest.is_empty() {
        let line = |text: &str| format!("<p class=\"unprinted\">{}</p>\n", escape(text));
        out.push_str(&line(wording::unprinted_heading(lang)));
        for a in rest {
            out.push_str(&line(&wording::unprinted_line(a, lang)));
        }
    }
    out.push_str("</div>\n");
    out
}

/// One item of a site's page, whatever its outcome, with its `photos` under what was found.
fn item_row(o: &Outcome<'_>, lang: Lang, photos: &str) -> String {
    let mut observed: Vec<String> = wording::finding_lines(o, lang)
        .iter()
        .map(|l| format!("<span class=\"note\">{}</span>", escape(l)))
        .collect();
    if !o.evidence().is_empty() {
        let paths: Vec<String> = o
            .evidence()
            .iter()
            .map(|p| format!("<span class=\"path\">{}</span>", escape(p)))
            .collect();
        observed.push(format!(
            "{}{}",
            escape(lang.pick("佐证：", "evidence: ")),
            paths.join(escape(lang.list_separator()).as_str())
        ));
    }
    let observed = if observed.is_empty() {
        "—".to_owned()
    } else {
        observed.join("<br>")
    } + photos;
    let (earned, lost) = match o.status {
        Status::NotApplicable => ("—".to_owned(), "—".to_owned()),
        _ => (
            format!("{}/{}", o.earned, o.item.points),
            o.lost.to_string(),
        ),
    };
    format!(
        "<tr class=\"{}\" data-item=\"{}\"><td class=\"item\">{}<br><code class=\"muted\">{}</code></td>\
         <td class=\"expected\">{}</td><td>{observed}</td><td>{}</td><td class=\"nowrap\">{}</td>\
         <td class=\"num\">{earned}</td><td class=\"num\">{lost}</td></tr>\n",
        row_class(o),
        escape(&o.item.id),
        escape(o.item.label(lang)),
        escape(&o.item.id),
        escape(&o.expected(lang)),
        result_html(o, lang),
        escape(o.item.severity.label(lang)),
    )
}

// ── Notices ─────────────────────────────────────────────────────────────────────────

/// One notice, as a `<section>` a page or the all-notices file holds.
fn notice_section(report: &Report<'_>, notice: &Notice<'_, '_>) -> String {
    let lang = report.lang;
    let site = notice.site;
    let mut out = format!(
        "<section class=\"notice\" id=\"notice-{}\">\n<h1>{}</h1>\n<p class=\"number\">{}</p>\n\
         <p class=\"to\">{}</p>\n<p class=\"body\">{}</p>\n",
        escape(&site.record.id),
        escape(title_of_notice(lang)),
        escape(&notice.number),
        escape(&wording::addressee(site, lang)),
        escape(&wording::notice_paragraph(report, notice)),
    );
    out.push_str("<table class=\"problems\">\n");
    out.push_str(&thead(&[
        (lang.pick("序号", "No."), true),
        (Column::Clause.heading(lang), false),
        (Column::Requirement.heading(lang), false),
        (lang.pick("检查发现", "Found"), false),
        (lang.pick("整改要求", "Required"), false),
    ]));
    out.push_str("<tbody>\n");
    for (i, o) in notice.problems.iter().enumerate() {
        let found: Vec<String> = wording::notice_finding_lines(o, notice.issued_on, lang)
            .iter()
            .map(|l| format!("<span class=\"note\">{}</span>", escape(l)))
            .collect();
        out.push_str(&format!(
            "<tr class=\"problem\" data-item=\"{}\"><td class=\"num\">{}</td><td class=\"nowrap\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&o.item.id),
            i + 1,
            escape(&o.item.clause),
            escape(o.item.label(lang)),
            if found.is_empty() { "—".to_owned() } else { found.join("<br>") },
            escape(&super::required_fix(o, lang)),
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    // The last line of the text (特此通知。), the signature lines, the office and the date
    // stay on one page: the seal never stands on a page without text (GB/T 9704 7.3.5.4).
    let closing = wording::notice_closing(report, notice);
    for (i, line) in closing.iter().enumerate() {
        if i + 1 == closing.len() {
            out.push_str("<div class=\"closing\">\n");
        }
        out.push_str(&format!("<p class=\"body\">{}</p>\n", escape(line)));
    }
    // The attachment announced a line under the text, two characters in (GB/T 9704 7.3.4).
    let attached = report.attached(notice);
    if wording::has_attachment(&attached) {
        out.push_str(&format!(
            "<p class=\"body attachment-line\">{}</p>\n",
            escape(&wording::attachment_line(lang))
        ));
    }
    // Short enough that the longest label, its line and the date fit on the 156 mm line.
    let blank = "____________";
    let issuer = wording::notice_issuer(report);
    let date = wording::notice_date(notice, lang);
    out.push_str(&format!(
        "<table class=\"sign\">\n<tr><td>{}</td><td>{blank}</td><td>{}</td><td>{blank}</td></tr>\n\
         <tr><td>{}</td><td>{blank}</td><td>{}</td><td>{blank}</td></tr>\n</table>\n\
         <div class=\"issuer\">\n<p class=\"office\" style=\"padding-right: {:.2}em\">{}</p>\n\
         <p class=\"date\">{}</p>\n</div>\n</div>\n",
        escape(lang.pick("检查组签字：", "Inspection team: ")),
        escape(lang.pick("日期：", "Date: ")),
        escape(lang.pick("被检查单位负责人签字：", "Head of the inspected site: ")),
        escape(lang.pick("日期：", "Date: ")),
        wording::issuer_indent(&issuer, &date),
        escape(&issuer),
        escape(&date),
    ));
    if wording::has_attachment(&attached) {
        out.push_str(&attachment(&attached, lang));
    }
    if let Some(line) = wording::copy_to_line(report) {
        out.push_str(&format!(
            "<div class=\"record\">\n<p class=\"copy-to\">{}</p>\n",
            escape(&line)
        ));
        if let Some((office, day)) = wording::printed_line(report, notice) {
            out.push_str(&format!(
                "<p class=\"printed\"><span>{}</span><span>{}</span></p>\n",
                escape(&office),
                escape(&day)
            ));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("城关镇便民服务中心"), "城关镇便民服务中心");
    }

    #[test]
    fn percentages_from_per_mille() {
        assert_eq!(wording::permille_percent(125), "12.5%");
        assert_eq!(wording::permille_percent(1000), "100.0%");
        assert_eq!(wording::permille_percent(0), "0.0%");
    }
}
