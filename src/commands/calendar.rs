//! `yanshou calendar`: which years the working-day calendar knows and how (official or
//! provisional); a year's holidays and make-up working days, so an office can compare
//! them with the notice; and `calendar import`, a notice's text turned into a calendar
//! file.

use std::io::{self, Write};

use anyhow::{Result, anyhow};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Table};

use super::{Outcome, weekday_name};
use crate::calendar::notice::{self, Notice};
use crate::calendar::{Calendar, CalendarError, Standing, YearTable};
use crate::cli::{CalendarArgs, CalendarCommand, CalendarImportArgs};
use crate::inputs;
use crate::lang::Lang;
use crate::output;

/// How close to the end of the official data a warning is given: the State Council
/// publishes next year's notice between late October and December.
const WARN_DAYS: i32 = 60;

/// Runs `calendar`.
pub fn run(args: &CalendarArgs) -> Result<Outcome> {
    if let Some(CalendarCommand::Import(import)) = &args.action {
        return run_import(import);
    }
    let loaded = inputs::load_calendar(None, None, &args.calendar)?;
    let as_of = super::as_of(args.as_of.as_deref(), None)?;
    match args.year {
        Some(year) => print_year(&loaded.calendar, &loaded.sources, year, args.lang)?,
        None => {
            print_years(&loaded.calendar, &loaded.sources, as_of, args.lang)?;
            warn_near_end(&loaded.calendar, as_of, args.lang);
        }
    }
    Ok(Outcome::AllAccepted)
}

/// Every official year with its notice, then what comes after.
fn print_years(
    calendar: &Calendar,
    sources: &[String],
    as_of: jiff::civil::Date,
    lang: Lang,
) -> Result<()> {
    let mut years = Table::new();
    years.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        lang.pick("年份", "year"),
        lang.pick("状态", "standing"),
        lang.pick("依据", "notice"),
    ]);
    for year in calendar.official_years() {
        if let Some(table) = calendar.year(year) {
            years.add_row(vec![
                Cell::new(year),
                Cell::new(lang.pick("正式", "official")),
                Cell::new(table.notice()),
            ]);
        }
    }
    let mut out = crate::output::stdout();
    writeln!(out, "{years}")?;
    let last = calendar.last_official_day().ok_or_else(|| {
        anyhow!(crate::tr!(
            "日历没有正式年份",
            "the calendar has no official year"
        ))
    })?;
    let next = last.year() + 1;
    match lang {
        Lang::Zh => writeln!(
            out,
            "正式数据至 {last}。{next} 年起为暂定：周一至周五，除去《全国年节及纪念日放假办法》规定的法定节假日，不计调休；涉及暂定年份的截止日期均注明“暂定”。\n按 {as_of} 计。数据来源：{}",
            sources.join("，")
        )?,
        Lang::En => writeln!(
            out,
            "Official data up to {last}. From {next} on, provisional: Monday to Friday less the statutory holidays, no make-up days; every deadline counted over a provisional year says so.\nAs of {as_of}. Data: {}",
            sources.join(", ")
        )?,
    }
    Ok(())
}

/// One year's table, official or provisional.
fn print_year(calendar: &Calendar, sources: &[String], year: i16, lang: Lang) -> Result<()> {
    let table = calendar
        .year(year)
        .ok_or_else(|| anyhow!(CalendarError::YearNotCovered { year }))?;
    let mut holidays = Table::new();
    holidays.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        lang.pick("假日", "holiday"),
        lang.pick("放假", "from"),
        lang.pick("至", "to"),
        lang.pick("天数", "days"),
    ]);
    for h in table.holidays() {
        holidays.add_row(vec![
            Cell::new(h.name()),
            Cell::new(format!("{} {}", h.from(), weekday_name(h.from(), lang))),
            Cell::new(format!("{} {}", h.to(), weekday_name(h.to(), lang))),
            Cell::new(h.days()),
        ]);
    }
    let mut workdays = Table::new();
    workdays.load_style(UTF8_FULL_CONDENSED).set_header(vec![
        lang.pick("调休上班日", "make-up working day"),
        lang.pick("星期", "weekday"),
        lang.pick("对应假日", "for"),
    ]);
    for w in table.workdays() {
        workdays.add_row(vec![
            Cell::new(w.date()),
            Cell::new(weekday_name(w.date(), lang)),
            Cell::new(w.serves()),
        ]);
    }
    let first = jiff::civil::Date::new(year, 1, 1)?;
    let last = jiff::civil::Date::new(year, 12, 31)?;
    let total = calendar.working_days_between(first, last)?.value();
    let provisional = table.standing() == Standing::Provisional;

    let mut out = crate::output::stdout();
    let title = match (provisional, lang) {
        (false, _) => lang.pick("年法定节假日与调休", "holidays and make-up working days"),
        (true, Lang::Zh) => "年法定节假日（暂定：国务院尚未公布当年放假安排，不计调休）",
        (true, Lang::En) => {
            "statutory holidays (provisional: the State Council has not published the year's arrangement; no make-up days)"
        }
    };
    writeln!(out, "{year} {title}")?;
    writeln!(out, "{}{}", lang.pick("依据：", "notice: "), table.notice())?;
    writeln!(out, "{holidays}")?;
    if !provisional {
        writeln!(out, "{workdays}")?;
    }
    match lang {
        Lang::Zh => writeln!(
            out,
            "全年工作日 {total} 天{}。数据来源：{}",
            if provisional { "（暂定）" } else { "" },
            sources.join("，")
        )?,
        Lang::En => writeln!(
            out,
            "{total} working days in the year{}. Data: {}",
            if provisional { " (provisional)" } else { "" },
            sources.join(", ")
        )?,
    }
    Ok(())
}

/// The warning of the weeks before the official data runs out, when next year's notice
/// is due.
fn warn_near_end(calendar: &Calendar, as_of: jiff::civil::Date, lang: Lang) {
    let Some(last) = calendar.last_official_day() else {
        return;
    };
    let Ok(left) = as_of.until(last).map(|span| span.get_days()) else {
        return;
    };
    if left > WARN_DAYS {
        return;
    }
    let next = last.year() + 1;
    let _ = match (left >= 0, lang) {
        (true, Lang::Zh) => writeln!(
            io::stderr(),
            "注意：日历正式数据至 {last} 止（按 {as_of} 计还有 {left} 天）；国务院公布 {next} 年放假安排后，用 yanshou calendar import 通知.txt --out calendar-{next}.toml 导入，并以 --calendar 或 campaign.toml 的 calendar 键使用"
        ),
        (true, Lang::En) => writeln!(
            io::stderr(),
            "warning: the official calendar data ends on {last} ({left} days after {as_of}); when the State Council publishes the {next} arrangement, import it with `yanshou calendar import notice.txt --out calendar-{next}.toml` and use it with --calendar or the campaign's `calendar` key"
        ),
        (false, Lang::Zh) => writeln!(
            io::stderr(),
            "注意：日历正式数据已于 {last} 止（按 {as_of} 计），之后的截止日期均为暂定；请导入 {next} 年及以后的放假通知（yanshou calendar import）"
        ),
        (false, Lang::En) => writeln!(
            io::stderr(),
            "warning: the official calendar data ended on {last} (as of {as_of}); deadlines after it are provisional: import the {next} notice and later ones (`yanshou calendar import`)"
        ),
    };
}

/// `calendar import`: the notices' year tables as one calendar file.
fn run_import(args: &CalendarImportArgs) -> Result<Outcome> {
    let mut tables: Vec<YearTable> = Vec::new();
    let mut extensions = Vec::new();
    for path in &args.notices {
        let label = path.display().to_string();
        let text = inputs::read_text(path)?;
        match notice::parse(&text).map_err(|e| anyhow!(located(&label, &e)))? {
            Notice::Year(table) => {
                if tables.iter().any(|t| t.year() == table.year()) {
                    let year = table.year();
                    anyhow::bail!(crate::tr!(
                        "{label}：又一份 {year} 年的通知：每年的通知只给一次",
                        "{label}: a second notice for {year}: give each year's notice once"
                    ));
                }
                tables.push(table);
            }
            Notice::Extension {
                year,
                holiday,
                to,
                reference,
            } => extensions.push((label, year, holiday, to, reference)),
        }
    }
    // Amendments after the notices they amend, whatever the order of the files.
    for (label, year, holiday, to, reference) in extensions {
        let table = tables.iter_mut().find(|t| t.year() == year).ok_or_else(|| {
            anyhow!(crate::tr!(
                "{label}：修改的是 {year} 年的{holiday}假期，但没有给出 {year} 年的通知：请同时给出那份通知的文件",
                "{label}: amends {year}'s {holiday} break, but no {year} notice was given: name that notice's file first"
            ))
        })?;
        notice::extend(table, &holiday, to, &reference).map_err(|e| anyhow!("{label}: {e}"))?;
    }
    tables.sort_by_key(YearTable::year);
    let toml = notice::to_toml(&tables);
    // The result must load as a calendar file, with the same checks as any other.
    Calendar::from_toml(&toml).map_err(|e| {
        anyhow!(crate::tr!(
            "这些通知给出的日历自相矛盾：{e}：请与发布的原文核对",
            "the notices give an inconsistent calendar: {e}: check them against the published text"
        ))
    })?;
    match &args.out {
        Some(path) => {
            output::check_destination(path, &args.notices, args.force)?;
            output::write_atomic(path, toml.as_bytes())?;
            for t in &tables {
                let _ = match args.lang {
                    Lang::Zh => writeln!(
                        io::stderr(),
                        "已写入 {}：{} 年，{} 个假日，{} 个调休上班日；请与通知原文核对后使用（--calendar {}）",
                        path.display(),
                        t.year(),
                        t.holidays().len(),
                        t.workdays().len(),
                        path.display()
                    ),
                    Lang::En => writeln!(
                        io::stderr(),
                        "wrote {}: {}, {} holidays, {} make-up working days; check it against the notice, then use it with --calendar {}",
                        path.display(),
                        t.year(),
                        t.holidays().len(),
                        t.workdays().len(),
                        path.display()
                    ),
                };
            }
        }
        None => crate::output::stdout().write_all(toml.as_bytes())?,
    }
    Ok(Outcome::AllAccepted)
}

/// `file:line: problem`, or `file: problem` for the whole text.
fn located(label: &str, err: &notice::NoticeError) -> String {
    let problem = &err.problem;
    match err.line {
        0 => crate::tr!("{label}：{problem}", "{label}: {problem}"),
        line => crate::tr!("{label}:{line}：{problem}", "{label}:{line}: {problem}"),
    }
}
