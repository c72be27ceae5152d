//! `yanshou deadline`: when a rectification is due, or how many working days lie between
//! two dates.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::{Outcome, parse_date, weekday_name};
use crate::calendar::DayKind;
use crate::cli::{DeadlineArgs, TextFormat};
use crate::inputs;
use crate::lang::Lang;
use crate::record::campaign::Campaign;
use crate::render;

/// `deadline DATE --format json`: keys in this order, ISO dates (docs/output/deadline.md).
#[derive(Serialize)]
struct Due<'a> {
    /// [`render::SCHEMA_VERSION`], first as in every JSON document.
    schema_version: u32,
    start: String,
    working_days: u32,
    due: String,
    due_provisional: bool,
    /// Where the calendar data came from: `builtin:cn`, then any files merged in.
    calendar: &'a [String],
}

/// `deadline --between A B --format json` (docs/output/deadline.md).
#[derive(Serialize)]
struct Between<'a> {
    /// [`render::SCHEMA_VERSION`].
    schema_version: u32,
    from: String,
    to: String,
    working_days: u32,
    working_days_provisional: bool,
    calendar: &'a [String],
}

/// Runs `deadline`.
pub fn run(args: &DeadlineArgs) -> Result<Outcome> {
    let campaign = match &args.campaign {
        Some(dir) => Some(read_campaign(dir)?),
        None => None,
    };
    let loaded = inputs::load_calendar(
        campaign.as_ref().map(|(_, c)| c),
        campaign.as_ref().map(|(d, _)| d.as_path()),
        &args.calendar,
    )?;
    let calendar = &loaded.calendar;
    let mut out = crate::output::stdout();

    if let Some(between) = &args.between {
        let (from, to) = (parse_date(&between[0])?, parse_date(&between[1])?);
        let counted = calendar.working_days_between(from, to)?;
        let days = counted.value();
        match args.format {
            TextFormat::Json => {
                let answer = Between {
                    schema_version: render::SCHEMA_VERSION,
                    from: from.to_string(),
                    to: to.to_string(),
                    working_days: days,
                    working_days_provisional: counted.is_provisional(),
                    calendar: &loaded.sources,
                };
                writeln!(out, "{}", serde_json::to_string(&answer)?)?
            }
            TextFormat::Text => {
                let caveat = counted
                    .provisional()
                    .map(|span| {
                        let caveat = render::provisional_caveat(span, args.lang);
                        args.lang.pick("（", " (").to_owned() + &caveat + args.lang.pick("）", ")")
                    })
                    .unwrap_or_default();
                match args.lang {
                    Lang::Zh => {
                        writeln!(out, "{from} 至 {to}（含首尾）共 {days} 个工作日{caveat}")?
                    }
                    Lang::En => writeln!(
                        out,
                        "{days} working days from {from} to {to}, both inclusive{caveat}"
                    )?,
                }
            }
        }
        super::warn_provisional(counted.provisional(), calendar, args.lang);
        return Ok(Outcome::AllAccepted);
    }

    let Some(date) = &args.date else {
        anyhow::bail!(crate::tr!(
            "请给出起始日期 DATE，或用 --between A B 计算两日之间的工作日",
            "give a start DATE, or --between A B"
        ));
    };
    let start = parse_date(date)?;
    let n = args
        .working_days
        .or(campaign.as_ref().map(|(_, c)| c.rectification_working_days))
        .unwrap_or(20);
    let reckoned = calendar.add_working_days(start, n)?;
    let due = reckoned.value();
    match args.format {
        TextFormat::Json => {
            let answer = Due {
                schema_version: render::SCHEMA_VERSION,
                start: start.to_string(),
                working_days: n,
                due: due.to_string(),
                due_provisional: reckoned.is_provisional(),
                calendar: &loaded.sources,
            };
            writeln!(out, "{}", serde_json::to_string(&answer)?)?
        }
        TextFormat::Text => {
            let kind = match calendar.day_kind(due)? {
                DayKind::MakeUp(m) => match args.lang {
                    Lang::Zh => format!("，{}调休上班", m.serves()),
                    Lang::En => format!(", a make-up working day for {}", m.serves()),
                },
                _ => String::new(),
            };
            let weekday = weekday_name(due, args.lang);
            let caveat = reckoned
                .provisional()
                .map(|span| {
                    args.lang.pick("，", "; ").to_owned()
                        + &render::provisional_caveat(span, args.lang)
                })
                .unwrap_or_default();
            match args.lang {
                Lang::Zh => writeln!(
                    out,
                    "{start} 后第 {n} 个工作日：{due}（{weekday}{kind}{caveat}）"
                )?,
                Lang::En => writeln!(
                    out,
                    "{n} working days after {start}: {due} ({weekday}{kind}{caveat})"
                )?,
            }
        }
    }
    super::warn_provisional(reckoned.provisional(), calendar, args.lang);
    Ok(Outcome::AllAccepted)
}

fn read_campaign(dir: &std::path::Path) -> Result<(PathBuf, Campaign)> {
    let settings = dir.join(inputs::CAMPAIGN_FILE);
    if !settings.is_file() {
        let (dir, file) = (dir.display(), inputs::CAMPAIGN_FILE);
        anyhow::bail!(crate::tr!(
            "{dir}：不是检查活动文件夹（没有 {file}）",
            "{dir}: not a campaign folder (no {file})"
        ));
    }
    let text = inputs::read_text(&settings)?;
    let campaign = Campaign::from_toml(&text)
        .map_err(|p| anyhow::anyhow!(p.with_path(&settings.display().to_string())))?;
    Ok((dir.to_path_buf(), campaign))
}
