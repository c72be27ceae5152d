//! One file per subcommand. Each reads its inputs, calls the core and hands the result to
//! a renderer; none of them judges anything itself.

mod calendar;
mod check;
mod checklist;
mod convert;
mod deadline;
mod generate;
mod rank;
mod recheck;
mod report;
mod template;
mod verify;

use std::collections::HashSet;
use std::io::Write;

use anyhow::Result;

use crate::audit::{self, ExpiredWaiver, SiteResult};
use crate::cli::{Cli, Command};
use crate::inputs::Plan;
use crate::lang::Lang;
use crate::render::Label;

/// How a command ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the command succeeded and every site it judged (if any) was accepted.
    AllAccepted,
    /// Exit 1: some site is not accepted (rectify or incomplete).
    NotAllAccepted,
    /// Exit 2: some input could not be read; what could be read was judged and written,
    /// and every error was reported on stderr and in the output.
    InputsUnread,
}

/// An error and its causes on one line, outermost first, skipping causes whose text the
/// outer message already carries: how every error is shown.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Checklist(cmd) => checklist::run(&cmd),
        Command::Deadline(args) => deadline::run(&args),
        Command::Calendar(args) => calendar::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Rank(args) => rank::run(&args),
        Command::Recheck(args) => recheck::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Into memory first: clap_complete panics on a write error, a closed pipe too.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "yanshou", &mut script);
            crate::output::stdout().write_all(&script)?;
            Ok(Outcome::AllAccepted)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut crate::output::stdout())?;
            Ok(Outcome::AllAccepted)
        }
        Command::Convert(args) => convert::run(&args),
    }
}

/// Starts a CSV on standard output as every CSV of yanshou starts: with the UTF-8
/// byte-order mark that Excel and WPS on Chinese Windows need to read it as UTF-8 (without,
/// they read it as GBK and show 鍏崄…), unless the user asked for none (`--no-bom`).
fn start_csv(out: &mut dyn Write, format: crate::cli::Format, no_bom: bool) -> Result<()> {
    if format == crate::cli::Format::Csv && !no_bom {
        out.write_all(crate::output::BOM)?;
    }
    Ok(())
}

/// Parses a date given on the command line in any form a record takes (`2020-06-02`,
/// `2020/6/2`, `2020年6月2日` …), with the fix in the message.
fn parse_date(text: &str) -> Result<jiff::civil::Date> {
    crate::record::value::parse_date(text).map_err(|why| anyhow::anyhow!(why))
}

/// 星期一 … 星期日, or Monday … Sunday.
fn weekday_name(date: jiff::civil::Date, lang: crate::lang::Lang) -> &'static str {
    use jiff::civil::Weekday::*;
    let (zh, en) = match date.weekday() {
        Monday => ("星期一", "Monday"),
        Tuesday => ("星期二", "Tuesday"),
        Wednesday => ("星期三", "Wednesday"),
        Thursday => ("星期四", "Thursday"),
        Friday => ("星期五", "Friday"),
        Saturday => ("星期六", "Saturday"),
        Sunday => ("星期日", "Sunday"),
    };
    lang.pick(zh, en)
}

/// Finds the inputs behind `paths` ([`crate::inputs::plan`]) and warns on stderr of what
/// their folders hold and is not read.
fn plan(paths: &[std::path::PathBuf]) -> anyhow::Result<crate::inputs::Plan> {
    let plan = crate::inputs::plan(paths)?;
    warn_skipped(&plan.skipped);
    Ok(plan)
}

/// One warning line per file left out of a folder.
fn warn_skipped(skipped: &[String]) {
    let mut stderr = std::io::stderr().lock();
    for line in skipped {
        let _ = writeln!(stderr, "{}{line}", crate::tr!("注意：", "warning: "));
    }
}

/// Says on stderr, once a run, which years a provisional date or count rests on and how
/// to make it final: the dates themselves carry the caveat wherever they are shown.
fn warn_provisional(
    span: Option<crate::calendar::YearSpan>,
    calendar: &crate::calendar::Calendar,
    lang: Lang,
) {
    let Some(span) = span else {
        return;
    };
    let years: Vec<String> = span.years().map(|y| y.to_string()).collect();
    let last = calendar
        .last_official_day()
        .map(|d| d.year().to_string())
        .unwrap_or_default();
    let _ = match lang {
        Lang::Zh => writeln!(
            std::io::stderr(),
            "注意：{} 年的放假安排国务院尚未公布（日历正式数据至 {last} 年），涉及该年的截止日期按法定节假日暂定，不计调休；公布后用 yanshou calendar import 导入通知，再次运行即为正式日期",
            years.join("、")
        ),
        Lang::En => writeln!(
            std::io::stderr(),
            "warning: the State Council has not published the {} holiday arrangement (official calendar data ends with {last}): dates counted over it are provisional, from the statutory holidays without make-up days; import the notice with `yanshou calendar import` when it is out and run again for final dates",
            years.join(" and ")
        ),
    };
}

/// The day a command judges waivers and deadlines on: `--as-of`, else the campaign's
/// `judged_on`, else today's local date.
fn as_of(given: Option<&str>, campaign: Option<jiff::civil::Date>) -> Result<jiff::civil::Date> {
    match (given, campaign) {
        (Some(text), _) => parse_date(text),
        (None, Some(day)) => Ok(day),
        (None, None) => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// The day and terms a run judges sites on: waivers as they stand on `as_of`, deadlines
/// counted on `calendar` (none for a command that shows no deadline), warnings in `lang`.
struct JudgingDay<'a> {
    as_of: jiff::civil::Date,
    calendar: Option<&'a crate::calendar::Calendar>,
    lang: Lang,
}

/// Judges one site as every command does: evaluated ([`audit::evaluate`], whichever path
/// read it), its waivers applied as they stand on the judging day (each lapsed one said in
/// `notices`, the site's id put in `waived`), its deadline dated. Gives the waivers that
/// had run out, for the commands that list them.
fn judge_site<'a>(
    plan: &'a Plan,
    site: crate::record::Reading<'a>,
    day: &JudgingDay<'_>,
    waived: &mut HashSet<String>,
    notices: &mut dyn Write,
) -> Result<(SiteResult<'a>, Vec<ExpiredWaiver<'a>>)> {
    let checklist = plan.checklist_of(site.record)?;
    let mut site = audit::evaluate(checklist, site);
    let expired = waive_and_warn(plan, &mut site, day.as_of, day.lang, waived, notices)?;
    if let Some(calendar) = day.calendar {
        audit::date_site(
            &mut site,
            calendar,
            plan.campaign.rectification_working_days,
        )?;
    }
    Ok((site, expired))
}

/// The warning for a site inspected outside the acceptance phase, as every command that
/// judges inspections says it: on stderr, so that stdout stays one clean document.
fn warn_late(
    stderr: &mut dyn Write,
    run: &audit::Run<'_>,
    site: &audit::SiteResult<'_>,
    lang: Lang,
) {
    let Some(phase) = run.acceptance() else {
        return;
    };
    let r = site.record;
    let _ = match lang {
        Lang::Zh => writeln!(
            stderr,
            "注意：{}：检查日期 {} 不在检查验收阶段（{} 至 {}）内",
            r.origin, r.inspected_on, phase.start, phase.end
        ),
        Lang::En => writeln!(
            stderr,
            "warning: {}: inspected on {}, outside the acceptance phase ({} to {})",
            r.origin, r.inspected_on, phase.start, phase.end
        ),
    };
}

/// Whether `record` is dated after the judging day, and so left out (ruling 16: a result
/// as of a day uses only what is dated on or before it); if so, a warning says it.
fn after_judging_day(
    record: &crate::record::Record,
    as_of: jiff::civil::Date,
    lang: Lang,
    notices: &mut dyn Write,
) -> bool {
    if record.inspected_on <= as_of {
        return false;
    }
    let (origin, on) = (&record.origin, record.inspected_on);
    let _ = match lang {
        Lang::Zh => writeln!(
            notices,
            "注意：{origin}：检查日期 {on} 晚于评定日 {as_of}，未计入（评定日之后的记录当日尚未发生）"
        ),
        Lang::En => writeln!(
            notices,
            "warning: {origin}: inspected on {on}, after the judging day {as_of}: not counted (what is dated later had not happened on that day)"
        ),
    };
    true
}

/// Leaves out the records dated after the judging day (ruling 16), each said on stderr;
/// their sites stay known to the run (`seen`), so their waivers are not "unknown sites".
/// Gives how many were left out.
fn drop_after_judging_day(
    records: &mut Vec<crate::record::Record>,
    as_of: jiff::civil::Date,
    lang: Lang,
    seen: &mut HashSet<String>,
) -> usize {
    let before = records.len();
    let stderr = &mut std::io::stderr().lock();
    records.retain(|r| {
        if after_judging_day(r, as_of, lang, stderr) {
            seen.insert(r.id.clone());
            false
        } else {
            true
        }
    });
    before - records.len()
}

/// A record that could not be read, as every command keeps it.
fn unread_record(plan: &Plan, error: &anyhow::Error, at: crate::inputs::At) -> audit::UnreadRecord {
    audit::UnreadRecord {
        origin: plan
            .files
            .get(at.file)
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_default(),
        row: at.row,
        message: one_line(error),
    }
}

/// Applies the campaign's waivers to a judged site as they stand on `as_of`, the way every
/// command does: the site's id goes into `waived` (for [`Plan::check_waiver_sites`]), a
/// warning for each waiver that had run out into `notices`. Returns those waivers.
fn waive_and_warn<'a>(
    plan: &'a Plan,
    site: &mut SiteResult<'a>,
    as_of: jiff::civil::Date,
    lang: Lang,
    waived: &mut HashSet<String>,
    notices: &mut dyn Write,
) -> Result<Vec<ExpiredWaiver<'a>>> {
    let expired = plan.waive(site, as_of, waived)?;
    for waiver in &expired {
        warn_expired(notices, waiver, as_of, lang);
    }
    // A waiver of an item that did not fail postpones nothing; it is said, never counted
    // (and never hides a later failure: see `judge_rechecks`).
    for w in plan
        .waivers
        .iter()
        .filter(|w| w.site == site.record.id && w.approved_on <= as_of)
    {
        if let Some(o) = site.outcome(&w.item)
            && !o.failed_mandatory()
        {
            let label = plan.waivers_label();
            let (line, item, state) = (w.line, &w.item, o.status.label(lang));
            let _ = match lang {
                Lang::Zh => writeln!(
                    notices,
                    "注意：{label}:{line}：站点 {} 检查时 {item} 为“{state}”，没有可豁免的不合格，这条豁免不起作用",
                    w.site
                ),
                Lang::En => writeln!(
                    notices,
                    "warning: {label}:{line}: at site {}, {item} was \"{state}\" at inspection: there is no failure to waive, so the waiver does nothing",
                    w.site
                ),
            };
        }
    }
    Ok(expired)
}

/// Judges every inspection record as every command does — evaluated, its waivers applied
/// as they stand on `as_of` (a lapsed one said on stderr), its deadline dated — and then
/// checks that every waiver names a site of the run (`seen`: sites already known, such as
/// those whose records are dated after the judging day).
fn judge_sites<'a>(
    plan: &'a Plan,
    records: &'a [crate::record::Record],
    as_of: jiff::civil::Date,
    lang: Lang,
    calendar: &crate::calendar::Calendar,
    seen: &mut HashSet<String>,
) -> Result<Vec<SiteResult<'a>>> {
    let mut sites = Vec::with_capacity(records.len());
    let stderr = &mut std::io::stderr().lock();
    let day = JudgingDay {
        as_of,
        calendar: Some(calendar),
        lang,
    };
    for record in records {
        let (site, _) = judge_site(plan, record.into(), &day, seen, stderr)?;
        sites.push(site);
    }
    plan.check_waiver_sites(seen)?;
    Ok(sites)
}

/// Every re-inspection judged as `check` judges, with the waivers as they stand on
/// `as_of` (a waiver that ran out was said with the inspections) — but only those granted
/// for a failure found at inspection (`befores`): a waiver never hides a failure of an item
/// that passed then.
fn judge_rechecks<'a>(
    plan: &'a Plan,
    befores: &[SiteResult<'_>],
    rechecks: &'a [crate::inputs::Recheck],
    as_of: jiff::civil::Date,
) -> Result<Vec<audit::recheck::Reinspection<'a>>> {
    let mut judged = Vec::with_capacity(rechecks.len());
    for recheck in rechecks {
        let record = &recheck.record;
        let checklist = plan.checklist_of(record)?;
        let mut site = audit::evaluate(checklist, record);
        let granted = plan.waivers.iter().filter(|w| {
            befores.iter().any(|b| {
                b.record.id == w.site
                    && b.findings
                        .iter()
                        .any(|o| o.item.id == w.item && o.failed_mandatory())
            })
        });
        let _ = audit::apply_waivers(&mut site, granted, as_of);
        judged.push(audit::recheck::Reinspection {
            site,
            looked_at: &recheck.looked_at,
        });
    }
    Ok(judged)
}

/// The deadlines the follow-up counts from days other than an inspection's due date: each
/// inspection (a notice's day), each re-inspection and each waiver's lapse.
fn follow_up_dues(
    plan: &Plan,
    inspections: &[crate::record::Record],
    rechecks: &[crate::inputs::Recheck],
    calendar: &crate::calendar::Calendar,
) -> Result<audit::Dues> {
    let days = rechecks
        .iter()
        .map(|r| r.record.inspected_on)
        .chain(inspections.iter().map(|r| r.inspected_on))
        .chain(plan.waivers.iter().map(|w| w.expires));
    audit::Dues::new(calendar, plan.campaign.rectification_working_days, days).map_err(|e| {
        anyhow::anyhow!(crate::tr!(
            "无法确定复查后的整改期限：{e}",
            "cannot date the rectifications counted from re-inspections and waiver lapses: {e}"
        ))
    })
}

/// Says on stderr what looks wrong in a re-inspection, as an inspection's date is checked:
/// a day that is not a working day, a year or more after the inspection, or a township
/// other than the inspection's (a record filed under the wrong id).
fn warn_rechecks(
    rechecks: &[crate::record::Record],
    inspections: &[crate::record::Record],
    calendar: &crate::calendar::Calendar,
    lang: Lang,
) {
    let stderr = &mut std::io::stderr().lock();
    let mut say = |zh: String, en: String| {
        let _ = match lang {
            Lang::Zh => writeln!(stderr, "注意：{zh}"),
            Lang::En => writeln!(stderr, "warning: {en}"),
        };
    };
    for r in rechecks {
        let Some(first) = inspections.iter().find(|i| i.id == r.id) else {
            continue;
        };
        let (origin, on, was, id) = (&r.origin, r.inspected_on, first.inspected_on, &r.id);
        if calendar.is_working_day(on).is_ok_and(|working| !working) {
            say(
                format!("{origin}：复查日期 {on} 不是工作日：请核对日期"),
                format!(
                    "{origin}: re-inspected on {on}, which is not a working day: check the date"
                ),
            );
        }
        if was
            .checked_add(jiff::Span::new().years(1))
            .is_ok_and(|a_year_on| on >= a_year_on)
        {
            say(
                format!("{origin}：复查日期 {on} 在检查日期 {was} 一年以后：请核对年份"),
                format!(
                    "{origin}: re-inspected on {on}, a year or more after the inspection on {was}: check the year"
                ),
            );
        }
        if r.township != first.township {
            let (says, then) = (&r.township, &first.township);
            say(
                format!(
                    "{origin}：复查记录的乡镇是“{says}”，站点 {id} 检查时是“{then}”：请核对站点编号"
                ),
                format!(
                    "{origin}: the re-inspection says township \"{says}\", but site {id} was inspected as \"{then}\": check the site id"
                ),
            );
        }
    }
}

/// A waiver that ran out: the item counts again, and the user is told which waiver.
fn warn_expired(
    stderr: &mut dyn Write,
    expired: &ExpiredWaiver<'_>,
    as_of: jiff::civil::Date,
    lang: Lang,
) {
    let w = expired.waiver;
    let _ = match lang {
        Lang::Zh => writeln!(
            stderr,
            "注意：{}：{} 的豁免（{} 于 {} 批准）已于 {} 到期（按 {as_of} 计），该项重新按不符合计",
            expired.origin, w.item, w.approved_by, w.approved_on, w.expires
        ),
        Lang::En => writeln!(
            stderr,
            "warning: {}: the waiver of {} (approved by {} on {}) expired on {} (as of {as_of}): the item counts as a failure again",
            expired.origin, w.item, w.approved_by, w.approved_on, w.expires
        ),
    };
}
