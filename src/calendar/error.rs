//! Errors of the working-day calendar.
//!
//! Two families: a question the calendar cannot answer (a year it has no notice for),
//! and calendar data that is wrong. Data errors carry the 1-based line and column of
//! the offending value so an office editing its own calendar file can find the typo.

use jiff::civil::{Date, Weekday};

/// Everything that can go wrong when loading or asking the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A date, or a count of working days, reached a year outside the calendar: before
    /// its first official year, or after 2099. Never answered by guessing: the calendar
    /// counts provisionally only forward from official data.
    #[error(
        "the working-day calendar has no data for {year}: it runs from its first official \
         year (2020 built in) to 2099; check the date, or add that year's State Council \
         holiday notice with --calendar FILE (see docs/calendar.md)"
    )]
    YearNotCovered {
        /// The year that is missing.
        year: i16,
    },

    /// The calendar data is wrong at a known place in its TOML text.
    #[error("line {line}, column {column}: {problem}")]
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
    #[error(
        "the calendars disagree about {date}: the {holiday_year} table puts it in the \
         holiday {holiday}, but the {date_year} table makes it a make-up working day",
        date_year = .date.year()
    )]
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The text is not TOML at all.
    #[error("not valid TOML: {message}")]
    Syntax {
        /// The TOML parser's own explanation.
        message: String,
    },

    /// A key the format does not know; most often a misspelling, which would
    /// otherwise silently drop data.
    #[error("unknown key `{key}`; allowed here: {allowed}")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys that are allowed at this place.
        allowed: &'static str,
    },

    /// A required key is absent.
    #[error("missing `{key}` in {place}")]
    MissingKey {
        /// The key that is required.
        key: &'static str,
        /// Where it was expected, e.g. "the 2027 table".
        place: String,
    },

    /// A value has the wrong TOML type.
    #[error("`{key}` must be {expected}")]
    WrongType {
        /// The key (or a description of the array element) whose value is wrong.
        key: String,
        /// What was expected, in words.
        expected: &'static str,
    },

    /// A string that must say something is empty.
    #[error("`{key}` must not be empty")]
    Empty {
        /// The key whose value is empty.
        key: &'static str,
    },

    /// A table under `[years]` is not named by a plausible year.
    #[error(
        "`{key}` is not a year: tables under [years] are named by a four-digit year \
         from 2000 to 2099, e.g. [years.2027]"
    )]
    InvalidYearKey {
        /// The key as written.
        key: String,
    },

    /// A TOML date that is not a valid calendar date, or a datetime where a plain date
    /// is required.
    #[error("`{key}` must be a plain date like 2027-01-01: {reason}")]
    InvalidDate {
        /// The key holding the value.
        key: &'static str,
        /// Why the value is not accepted.
        reason: String,
    },

    /// A make-up working day on a Monday–Friday: those are working days anyway, so the
    /// entry is surely a typo.
    #[error(
        "make-up working day {date} is a {weekday:?}, but make-up days (调休上班) always \
         fall on a Saturday or Sunday"
    )]
    MakeUpNotWeekend {
        /// The listed date.
        date: Date,
        /// Its actual weekday.
        weekday: Weekday,
    },

    /// A date listed as a make-up working day that also lies inside a holiday range.
    #[error("{date} is listed as a make-up working day but also lies in the holiday {holiday}")]
    HolidayAndMakeUp {
        /// The contradictory date.
        date: Date,
        /// The holiday range that contains it.
        holiday: String,
    },

    /// A holiday range whose `from` is after its `to`.
    #[error("holiday range starts on {from}, after it ends on {to}")]
    FromAfterTo {
        /// The range's first day as written.
        from: Date,
        /// The range's last day as written.
        to: Date,
    },

    /// A date filed under the wrong year's table; the one exception is a holiday range
    /// that starts in the last week of the previous year and ends in the table's year.
    #[error(
        "{date} does not belong in the {year} table (only a holiday range may start in the \
         last week of {prev} and run into {year})",
        prev = .year - 1
    )]
    DateOutsideYear {
        /// The misplaced date.
        date: Date,
        /// The table's year.
        year: i16,
    },

    /// Two holiday ranges of the same table share a day.
    #[error("{date} lies in two holiday ranges, {first} and {second}")]
    HolidaysOverlap {
        /// A shared day.
        date: Date,
        /// The earlier-listed range.
        first: String,
        /// The later-listed range.
        second: String,
    },

    /// The same make-up working day is listed twice.
    #[error("make-up working day {date} is listed twice")]
    DuplicateMakeUp {
        /// The repeated date.
        date: Date,
    },

    /// A make-up day's `for` names no holiday of its table.
    #[error("make-up day serves `{name}`, but the {year} table has no holiday of that name")]
    UnknownHoliday {
        /// The name given in `for`.
        name: String,
        /// The table's year.
        year: i16,
    },
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
