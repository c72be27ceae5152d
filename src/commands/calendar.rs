//! `yanshou calendar YEAR`: a year's official holidays and make-up working days, as the
//! calendar data has them, so an office can compare them with the notice.

use std::io::{self, Write};

use anyhow::{Result, anyhow};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Table};

use super::{Outcome, weekday_name};
use crate::calendar::CalendarError;
use crate::cli::CalendarArgs;
use crate::inputs;
use crate::lang::Lang;

/// Runs `calendar`.
pub fn run(args: &CalendarArgs) -> Result<Outcome> {
    let loaded = inputs::load_calendar(None, None, &args.calendar)?;
    let calendar = &loaded.calendar;
    let lang = args.lang;
    let table = calendar
        .year(args.year)
        .ok_or_else(|| anyhow!(CalendarError::YearNotCovered { year: args.year }))?;

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
    let first = jiff::civil::Date::new(args.year, 1, 1)?;
    let last = jiff::civil::Date::new(args.year, 12, 31)?;
    let total = calendar.working_days_between(first, last)?;

    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} {}",
        args.year,
        lang.pick("年法定节假日与调休", "holidays and make-up working days")
    )?;
    writeln!(out, "{}{}", lang.pick("依据：", "notice: "), table.notice())?;
    writeln!(out, "{holidays}")?;
    writeln!(out, "{workdays}")?;
    match lang {
        Lang::Zh => writeln!(
            out,
            "全年工作日 {total} 天。数据来源：{}",
            loaded.sources.join("，")
        )?,
        Lang::En => writeln!(
            out,
            "{total} working days in the year. Data: {}",
            loaded.sources.join(", ")
        )?,
    }
    Ok(Outcome::AllAccepted)
}
