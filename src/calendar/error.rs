//! Errors of the working-day calendar.
//!
//! Two families: a question the calendar cannot answer (a year it has no notice for),
//! and calendar data that is wrong. Data errors carry the 1-based line and column of
//! the offending value so an office editing its own calendar file can find the typo.

use jiff::civil::{Date, Weekday};

/// Everything that can go wrong when loading or asking the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalendarError {
    /// A date, or a count of working days, reached a year outside the calendar: before
    /// its first official year, or after 2099. Never answered by guessing: the calendar
    /// counts provisionally only forward from official data.
    YearNotCovered {
        /// The year that is missing.
        year: i16,
    },

    /// The calendar data is wrong at a known place in its TOML text.
    Invalid {
        /// 1-based line of the offending value (or key).
        line: usize,
        /// 1-based column, counted in characters (not bytes), of the offending value.
        column: usize,
        /// What is wrong there.
        problem: Problem,
    },

    /// Merging two calendars would make one date both a holiday (from one year's
    /// table) and a make-up working day (from the neighbouring year's table). This can
    /// only happen around New Year, where a holiday range may begin in December.
    MergeConflict {
        /// The date both claimed.
        date: Date,
        /// Name of the holiday range that contains the date.
        holiday: String,
        /// Year of the table that holds that holiday range.
        holiday_year: i16,
    },
}

/// What is wrong with calendar data at a given line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The text is not TOML at all.
    Syntax {
        /// The TOML parser's own explanation.
        message: String,
    },

    /// A key the format does not know; most often a misspelling, which would
    /// otherwise silently drop data.
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys that are allowed at this place.
        allowed: &'static str,
    },

    /// A required key is absent.
    MissingKey {
        /// The key that is required.
        key: &'static str,
        /// Where it was expected, e.g. "the 2027 table".
        place: String,
    },

    /// A value has the wrong TOML type.
    WrongType {
        /// The key (or a description of the array element) whose value is wrong.
        key: String,
        /// What was expected, in words.
        expected: &'static str,
    },

    /// A string that must say something is empty.
    Empty {
        /// The key whose value is empty.
        key: &'static str,
    },

    /// A table under `[years]` is not named by a plausible year.
    InvalidYearKey {
        /// The key as written.
        key: String,
    },

    /// A TOML date that is not a valid calendar date, or a datetime where a plain date
    /// is required.
    InvalidDate {
        /// The key holding the value.
        key: &'static str,
        /// Why the value is not accepted.
        reason: String,
    },

    /// A make-up working day on a Monday–Friday: those are working days anyway, so the
    /// entry is surely a typo.
    MakeUpNotWeekend {
        /// The listed date.
        date: Date,
        /// Its actual weekday.
        weekday: Weekday,
    },

    /// A date listed as a make-up working day that also lies inside a holiday range.
    HolidayAndMakeUp {
        /// The contradictory date.
        date: Date,
        /// The holiday range that contains it.
        holiday: String,
    },

    /// A holiday range whose `from` is after its `to`.
    FromAfterTo {
        /// The range's first day as written.
        from: Date,
        /// The range's last day as written.
        to: Date,
    },

    /// A date filed under the wrong year's table; the one exception is a holiday range
    /// that starts in the last week of the previous year and ends in the table's year.
    DateOutsideYear {
        /// The misplaced date.
        date: Date,
        /// The table's year.
        year: i16,
    },

    /// Two holiday ranges of the same table share a day.
    HolidaysOverlap {
        /// A shared day.
        date: Date,
        /// The earlier-listed range.
        first: String,
        /// The later-listed range.
        second: String,
    },

    /// The same make-up working day is listed twice.
    DuplicateMakeUp {
        /// The repeated date.
        date: Date,
    },

    /// A make-up day's `for` names no holiday of its table.
    UnknownHoliday {
        /// The name given in `for`.
        name: String,
        /// The table's year.
        year: i16,
    },
}

impl std::error::Error for CalendarError {}
impl std::error::Error for Problem {}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            CalendarError::YearNotCovered { year } => crate::tr!(
                "工作日日历没有 {year} 年的数据：日历从第一个正式年份（内置为 2020 年）算到 2099 年；请检查日期，或用 --calendar 文件加入该年的国务院放假通知（见 docs/calendar.md）",
                "the working-day calendar has no data for {year}: it runs from its first official year (2020 built in) to 2099; check the date, or add that year's State Council holiday notice with --calendar FILE (see docs/calendar.md)"
            ),
            CalendarError::Invalid {
                line,
                column,
                problem,
            } => crate::tr!(
                "第 {line} 行第 {column} 列：{problem}",
                "line {line}, column {column}: {problem}"
            ),
            CalendarError::MergeConflict {
                date,
                holiday,
                holiday_year,
            } => {
                let date_year = date.year();
                crate::tr!(
                    "日历对 {date} 说法不一：{holiday_year} 年的表把它列入假期{holiday}，{date_year} 年的表却把它列为调休上班日",
                    "the calendars disagree about {date}: the {holiday_year} table puts it in the holiday {holiday}, but the {date_year} table makes it a make-up working day"
                )
            }
        };
        f.write_str(&text)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Problem::Syntax { message } => {
                crate::tr!("TOML 格式错误：{message}", "not valid TOML: {message}")
            }
            Problem::UnknownKey { key, allowed } => crate::tr!(
                "未知的键 `{key}`；这里可用：{allowed}",
                "unknown key `{key}`; allowed here: {allowed}"
            ),
            Problem::MissingKey { key, place } => {
                crate::tr!("{place}缺少 `{key}`", "missing `{key}` in {place}")
            }
            Problem::WrongType { key, expected } => {
                crate::tr!("`{key}` 应为 {expected}", "`{key}` must be {expected}")
            }
            Problem::Empty { key } => crate::tr!("`{key}` 不能为空", "`{key}` must not be empty"),
            Problem::InvalidYearKey { key } => crate::tr!(
                "`{key}` 不是年份：[years] 下的表以 2000 到 2099 的四位年份命名，如 [years.2027]",
                "`{key}` is not a year: tables under [years] are named by a four-digit year from 2000 to 2099, e.g. [years.2027]"
            ),
            Problem::InvalidDate { key, reason } => crate::tr!(
                "`{key}` 应为 2027-01-01 这样的日期：{reason}",
                "`{key}` must be a plain date like 2027-01-01: {reason}"
            ),
            Problem::MakeUpNotWeekend { date, weekday } => {
                let day = weekday_zh(*weekday);
                crate::tr!(
                    "调休上班日 {date} 是{day}，但调休上班日总是周六或周日",
                    "make-up working day {date} is a {weekday:?}, but make-up days (调休上班) always fall on a Saturday or Sunday"
                )
            }
            Problem::HolidayAndMakeUp { date, holiday } => crate::tr!(
                "{date} 列为调休上班日，却又在假期{holiday}之内",
                "{date} is listed as a make-up working day but also lies in the holiday {holiday}"
            ),
            Problem::FromAfterTo { from, to } => crate::tr!(
                "假期从 {from} 开始，却在 {to} 结束（开始晚于结束）",
                "holiday range starts on {from}, after it ends on {to}"
            ),
            Problem::DateOutsideYear { date, year } => {
                let prev = year - 1;
                crate::tr!(
                    "{date} 不应写在 {year} 年的表中（只有假期可以从 {prev} 年最后一周开始、延续到 {year} 年）",
                    "{date} does not belong in the {year} table (only a holiday range may start in the last week of {prev} and run into {year})"
                )
            }
            Problem::HolidaysOverlap {
                date,
                first,
                second,
            } => crate::tr!(
                "{date} 同时在两个假期 {first} 和 {second} 之中",
                "{date} lies in two holiday ranges, {first} and {second}"
            ),
            Problem::DuplicateMakeUp { date } => crate::tr!(
                "调休上班日 {date} 列了两次",
                "make-up working day {date} is listed twice"
            ),
            Problem::UnknownHoliday { name, year } => crate::tr!(
                "调休日对应 `{name}`，但 {year} 年的表中没有这个假期",
                "make-up day serves `{name}`, but the {year} table has no holiday of that name"
            ),
        };
        f.write_str(&text)
    }
}

/// 星期一 … 星期日, for messages.
pub(super) fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

impl CalendarError {
    /// Line and column (1-based) of the offending value, for errors that have one.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            CalendarError::Invalid { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }

    /// The data problem, for errors about calendar data.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            CalendarError::Invalid { problem, .. } => Some(problem),
            _ => None,
        }
    }
}
