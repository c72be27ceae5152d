//! The working-day calendar of mainland China.
//!
//! Rectification deadlines are counted in working days (ruling 7 of CLAUSES.md):
//! Monday to Friday, less the public holidays, plus the weekend make-up working days
//! (调休上班) that the State Council's yearly holiday notice announces. Which days those
//! are is a political decision made once a year, so this module hard-codes none of
//! them: every holiday and make-up day comes from calendar data — the compiled-in
//! `calendars/cn.toml`, to which an office may add years from its own file.
//!
//! A year without data is an error ([`CalendarError::YearNotCovered`]), never an
//! ordinary Monday–Friday year: guessing would move legal deadlines silently.
//!
//! This module is pure: no file I/O and no printing. Callers read files and pass the
//! text to [`Calendar::from_toml`].

mod error;
mod parse;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};

pub use error::{CalendarError, Problem};

/// The compiled-in calendar data (mainland China, 2020–2026).
const BUILTIN_TOML: &str = include_str!("../../calendars/cn.toml");

/// A named, inclusive range of official days off, e.g. 春节 2020-01-24 … 2020-02-02.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    name: String,
    from: Date,
    to: Date,
}

impl Holiday {
    /// The holiday's name as the notice gives it, e.g. "春节" or "国庆节、中秋节".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// First day off (inclusive). May lie in the last week of the previous year for a
    /// New Year break (2023's began on 2022-12-31).
    pub fn from(&self) -> Date {
        self.from
    }

    /// Last day off (inclusive).
    pub fn to(&self) -> Date {
        self.to
    }

    /// Whether `date` is one of this holiday's days off.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// Number of days off in the range, weekends included, as notices count them
    /// ("共8天").
    pub fn days(&self) -> i32 {
        // Both ends are validated real dates with from <= to, so the difference is a
        // small non-negative day count.
        self.from.until(self.to).map_or(0, |s| s.get_days()) + 1
    }

    fn overlaps(&self, other: &Holiday) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

/// A weekend day made a working day (调休上班), with the holiday it makes up for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeUpDay {
    date: Date,
    serves: String,
}

impl MakeUpDay {
    /// The Saturday or Sunday that is a working day.
    pub fn date(&self) -> Date {
        self.date
    }

    /// Name of the holiday (of the same year's table) this day makes up for.
    pub fn serves(&self) -> &str {
        &self.serves
    }
}

/// One year's holiday notice: everything needed to print that year's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTable {
    year: i16,
    notice: String,
    holidays: Vec<Holiday>,
    workdays: Vec<MakeUpDay>,
}

impl YearTable {
    /// The year the notice is for.
    pub fn year(&self) -> i16 {
        self.year
    }

    /// The notice the data comes from, e.g. "国办发明电〔2024〕12号（2024-11-12）".
    pub fn notice(&self) -> &str {
        &self.notice
    }

    /// The holiday ranges, in the order the data lists them.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// The make-up working days, in the order the data lists them.
    pub fn workdays(&self) -> &[MakeUpDay] {
        &self.workdays
    }
}

/// Precomputed working-day counts for one year, so that every question is answered
/// by a lookup or a binary search instead of walking the days.
#[derive(Debug, Clone)]
struct YearIndex {
    first: Date,
    /// `cumulative[i]` = working days among the year's first `i` days; its length is
    /// the number of days in the year plus one. Day `i` (0-based) is a working day
    /// exactly when `cumulative[i + 1] > cumulative[i]`.
    cumulative: Vec<u32>,
}

impl YearIndex {
    fn total(&self) -> u32 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Working days from the year's start up to and including `date` (of this year).
    fn through(&self, date: Date) -> u32 {
        self.cumulative[ordinal(date)]
    }

    /// Working days from the year's start up to but excluding `date` (of this year).
    fn before(&self, date: Date) -> u32 {
        self.cumulative[ordinal(date) - 1]
    }

    /// The date of the day with 0-based index `i` in this year.
    fn date_at(&self, i: usize) -> Date {
        let day_of_year = i16::try_from(i + 1).expect("a day index within a year fits i16");
        self.first
            .with()
            .day_of_year(day_of_year)
            .build()
            .expect("a day index within a year is a valid date of that year")
    }
}

/// The 1-based day of the year as an index.
fn ordinal(date: Date) -> usize {
    usize::try_from(date.day_of_year()).expect("day of year is 1..=366")
}

/// A working-day calendar covering a set of years, each from its holiday notice.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i16, YearTable>,
    index: BTreeMap<i16, YearIndex>,
}

impl Calendar {
    /// The compiled-in calendar of mainland China (2020–2026, `calendars/cn.toml`).
    ///
    /// # Panics
    ///
    /// Never in a released build: the data is compiled in and a test loads it, so a
    /// broken file fails the test suite rather than a user's audit.
    pub fn builtin() -> Calendar {
        Calendar::from_toml(BUILTIN_TOML)
            .expect("the built-in calendars/cn.toml is valid (checked by the test suite)")
    }

    /// Reads calendar data in the format of `calendars/cn.toml` (see docs/calendar.md).
    ///
    /// # Errors
    ///
    /// [`CalendarError::Invalid`], with the 1-based line and column of the offending
    /// value (or key): malformed TOML, unknown or missing keys, values of the wrong type, a year key that is not
    /// a year, a make-up day on a weekday, a date both holiday and make-up day, a
    /// holiday whose `from` is after its `to`, a date filed under the wrong year (a
    /// holiday range may start in the last week of the previous year, as 2023's New
    /// Year break did), overlapping holidays, a repeated make-up day, or a make-up
    /// day serving a holiday its table does not name.
    pub fn from_toml(src: &str) -> Result<Calendar, CalendarError> {
        let years = parse::parse(src)?;
        Ok(Calendar::from_years(years))
    }

    /// Adds `other`'s years to this calendar; a year present in both is replaced by
    /// `other`'s table (so an office's file can correct or extend the built-in data).
    ///
    /// # Errors
    ///
    /// [`CalendarError::MergeConflict`], leaving `self` unchanged, when the result would make a date both a
    /// holiday and a make-up day across neighbouring years (a December start of one
    /// year's New Year break against the previous year's make-up day).
    pub fn merge(&mut self, other: Calendar) -> Result<(), CalendarError> {
        let mut years = self.years.clone();
        years.extend(other.years);
        if let Some((date, holiday, holiday_year)) = cross_year_conflict(&years) {
            return Err(CalendarError::MergeConflict {
                date,
                holiday,
                holiday_year,
            });
        }
        *self = Calendar::from_years(years);
        Ok(())
    }

    /// The years this calendar has a notice for, in ascending order.
    pub fn covered_years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    /// The table of one year, if covered.
    pub fn year(&self, year: i16) -> Option<&YearTable> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if the date's year is not covered.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let idx = self.index_for(date.year())?;
        Ok(idx.through(date) > idx.before(date))
    }

    /// What kind of day `date` is, with the holiday it belongs to or serves — enough
    /// to explain a deadline ("2020-06-28, Sunday, make-up working day for 端午节").
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if the date's year is not covered.
    pub fn day_kind(&self, date: Date) -> Result<DayKind<'_>, CalendarError> {
        let year = date.year();
        let table = self.table_for(year)?;
        if let Some(w) = table.workdays.iter().find(|w| w.date == date) {
            return Ok(DayKind::MakeUp(w));
        }
        // A holiday of `date` lives in its own year's table, or in the next year's
        // table for a New Year break that starts in December.
        let next = year.checked_add(1).and_then(|y| self.years.get(&y));
        let holiday = table
            .holidays
            .iter()
            .chain(next.into_iter().flat_map(|t| t.holidays.iter()))
            .find(|h| h.contains(date));
        Ok(match (holiday, is_weekend(date.weekday())) {
            (Some(h), _) => DayKind::Holiday(h),
            (None, true) => DayKind::Weekend,
            (None, false) => DayKind::Weekday,
        })
    }

    /// The date `n` working days after `start`. Counting begins on the day after
    /// `start`, whatever kind of day `start` is (ruling 7), so the result is always a
    /// working day when `n >= 1`; `n == 0` returns `start` itself.
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if `start`'s year, or any year
    /// the count runs into, is not covered.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        let mut year = start.year();
        let idx = self.index_for(year)?;
        if n == 0 {
            return Ok(start);
        }
        // `base` is the cumulative count just after the day counting starts from;
        // the answer is the first day at which the count reaches base + remaining.
        let mut base = idx.through(start);
        let mut remaining = n;
        loop {
            let idx = self.index_for(year)?;
            let available = idx.total() - base;
            if remaining <= available {
                let target = base + remaining;
                // The first prefix reaching the target ends exactly on that working day.
                let k = idx.cumulative.partition_point(|&c| c < target);
                return Ok(idx.date_at(k - 1));
            }
            remaining -= available;
            base = 0;
            year = year
                .checked_add(1)
                .ok_or(CalendarError::YearNotCovered { year })?;
        }
    }

    /// The number of working days from `from` to `to`, both inclusive.
    ///
    /// An empty range (`from > to`) has no working days and gives 0; both dates must
    /// still lie in covered years.
    ///
    /// # Errors
    ///
    /// For `from <= to`, every year from `from`'s to `to`'s must be covered, else [`CalendarError::YearNotCovered`] names the first
    /// missing one.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        if from > to {
            self.index_for(from.year())?;
            self.index_for(to.year())?;
            return Ok(0);
        }
        let first = self.index_for(from.year())?;
        if from.year() == to.year() {
            return Ok(first.through(to) - first.before(from));
        }
        let mut count = first.total() - first.before(from);
        for year in (from.year() + 1)..to.year() {
            count += self.index_for(year)?.total();
        }
        count += self.index_for(to.year())?.through(to);
        Ok(count)
    }

    fn table_for(&self, year: i16) -> Result<&YearTable, CalendarError> {
        self.years
            .get(&year)
            .ok_or(CalendarError::YearNotCovered { year })
    }

    fn index_for(&self, year: i16) -> Result<&YearIndex, CalendarError> {
        self.index
            .get(&year)
            .ok_or(CalendarError::YearNotCovered { year })
    }

    /// Builds the per-year indexes from validated tables.
    fn from_years(years: BTreeMap<i16, YearTable>) -> Calendar {
        let mut working: BTreeMap<i16, (Date, Vec<bool>)> = BTreeMap::new();
        for &year in years.keys() {
            // Year keys are validated to 2000..=2099, so January 1st always exists.
            let first = Date::new(year, 1, 1).expect("validated year has a January 1st");
            let days = usize::try_from(first.days_in_year()).expect("365 or 366");
            // Monday = 0, so days 0..5 of each week are Monday–Friday.
            let first_weekday = usize::try_from(first.weekday().to_monday_zero_offset())
                .expect("weekday offset is 0..=6");
            let flags = (0..days).map(|i| (first_weekday + i) % 7 < 5).collect();
            working.insert(year, (first, flags));
        }
        let mut set = |date: Date, value: bool| {
            if let Some((_, flags)) = working.get_mut(&date.year()) {
                flags[ordinal(date) - 1] = value;
            }
        };
        // Holidays first, then make-up days; validation guarantees they never share a
        // date, so the order only matters for robustness. A holiday range starting in
        // December marks the previous year's index, if that year is covered.
        for table in years.values() {
            for h in &table.holidays {
                let mut d = h.from;
                while d <= h.to {
                    set(d, false);
                    match d.tomorrow() {
                        Ok(next) => d = next,
                        Err(_) => break,
                    }
                }
            }
        }
        for table in years.values() {
            for w in &table.workdays {
                set(w.date, true);
            }
        }
        let index = working
            .into_iter()
            .map(|(year, (first, flags))| {
                let mut cumulative = Vec::with_capacity(flags.len() + 1);
                let mut count = 0u32;
                cumulative.push(0);
                for f in flags {
                    count += u32::from(f);
                    cumulative.push(count);
                }
                (year, YearIndex { first, cumulative })
            })
            .collect();
        Calendar { years, index }
    }
}

/// What kind of day a date is, according to the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    /// Monday–Friday, not a holiday: a working day.
    Weekday,
    /// Saturday or Sunday, neither holiday nor make-up day: not a working day.
    Weekend,
    /// A day off of the given holiday range: not a working day.
    Holiday(&'a Holiday),
    /// A weekend day made a working day for the given holiday: a working day.
    MakeUp(&'a MakeUpDay),
}

impl DayKind<'_> {
    /// Whether this kind of day is a working day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Weekday | DayKind::MakeUp(_))
    }
}

fn is_weekend(w: Weekday) -> bool {
    matches!(w, Weekday::Saturday | Weekday::Sunday)
}

/// A make-up day of one year that falls inside a holiday of the next year's table
/// (only possible for a New Year break starting in December), if any.
fn cross_year_conflict(years: &BTreeMap<i16, YearTable>) -> Option<(Date, String, i16)> {
    for (&year, later) in years {
        let Some(earlier) = years.get(&(year - 1)) else {
            continue;
        };
        for w in &earlier.workdays {
            if let Some(h) = later.holidays.iter().find(|h| h.contains(w.date)) {
                return Some((w.date, h.name.clone(), year));
            }
        }
    }
    None
}
