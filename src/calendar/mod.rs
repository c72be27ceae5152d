//! The working-day calendar of mainland China.
//!
//! Rectification deadlines are counted in working days (ruling 7 of docs/clauses.md):
//! Monday to Friday, less the public holidays, plus the weekend make-up working days
//! (调休上班) that the State Council's yearly holiday notice announces. Which days those
//! are is a political decision made once a year, so this module hard-codes none of
//! them: every holiday and make-up day of an *official* year comes from calendar data —
//! the compiled-in `calendars/cn.toml`, to which an office may add years from its own
//! file.
//!
//! A year after the first official one that has no notice yet is *provisional*: weekdays
//! less the statutory holidays the law fixes in advance, with no make-up days
//! ([`statutory`]). Every answer that rests on a provisional day says so
//! ([`Reckoned::provisional`]), so a deadline into next year is never a dead end and never
//! passed off as final. A year before the first official one, or after 2099, is an error
//! ([`CalendarError::YearNotCovered`]).
//!
//! This module is pure: no file I/O and no printing. Callers read files and pass the
//! text to [`Calendar::from_toml`].

mod error;
pub mod notice;
mod parse;
mod statutory;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::OnceLock;

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

/// Where a year's working days come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The State Council's notice for the year, as calendar data.
    Official,
    /// No notice yet: Monday to Friday less the statutory holidays, no make-up days. A
    /// date counted over such a year may move when the notice comes out.
    Provisional,
}

/// One year's holiday table: everything needed to print it, from the year's notice
/// (official) or from the statutory holidays alone (provisional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTable {
    year: i16,
    notice: String,
    holidays: Vec<Holiday>,
    workdays: Vec<MakeUpDay>,
    standing: Standing,
}

impl YearTable {
    /// The year the notice is for.
    pub fn year(&self) -> i16 {
        self.year
    }

    /// Whether the table is a notice's or provisional.
    pub fn standing(&self) -> Standing {
        self.standing
    }

    /// The notice the data comes from, e.g. "国办发明电〔2024〕12号（2024-11-12）"; for a
    /// provisional year, the law it rests on.
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

/// Provisional years counted over by an answer of the calendar: `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearSpan {
    first: i16,
    last: i16,
}

impl YearSpan {
    /// The span of one year.
    pub fn of(year: i16) -> YearSpan {
        YearSpan {
            first: year,
            last: year,
        }
    }

    /// The first provisional year.
    pub fn first(&self) -> i16 {
        self.first
    }

    /// The last provisional year (the same as `first` for one year).
    pub fn last(&self) -> i16 {
        self.last
    }

    /// The years as a list, in order.
    pub fn years(&self) -> impl Iterator<Item = i16> {
        self.first..=self.last
    }

    /// The smallest span holding both.
    pub fn join(self, other: YearSpan) -> YearSpan {
        YearSpan {
            first: self.first.min(other.first),
            last: self.last.max(other.last),
        }
    }

    /// [`YearSpan::join`] over optional spans.
    pub fn join_opt(a: Option<YearSpan>, b: Option<YearSpan>) -> Option<YearSpan> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.join(b)),
            (a, b) => a.or(b),
        }
    }
}

/// An answer of the calendar — a date or a count — with the provisional years it was
/// counted over, if any: such an answer may change when those years' notices come out.
/// Answers order by their value first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reckoned<T> {
    value: T,
    provisional: Option<YearSpan>,
}

impl<T: Copy> Reckoned<T> {
    /// An answer that rests on official years only.
    pub fn official(value: T) -> Reckoned<T> {
        Reckoned {
            value,
            provisional: None,
        }
    }

    /// The date or count.
    pub fn value(&self) -> T {
        self.value
    }

    /// The provisional years the answer was counted over; `None` when it is final.
    pub fn provisional(&self) -> Option<YearSpan> {
        self.provisional
    }

    /// Whether the answer may still move.
    pub fn is_provisional(&self) -> bool {
        self.provisional.is_some()
    }
}

/// A year computed from the statutory holidays, kept once computed.
#[derive(Debug, Clone)]
struct ProvisionalYear {
    table: YearTable,
    index: YearIndex,
}

/// A working-day calendar: official years from their holiday notices, and provisional
/// years after the first official one for every year without a notice.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i16, YearTable>,
    index: BTreeMap<i16, YearIndex>,
    /// One slot per year of `MIN_YEAR..=MAX_YEAR`, filled the first time a count reaches
    /// a provisional year (a year's lunar festivals take a few dozen microseconds to
    /// compute; most runs never need one).
    provisional: Box<[OnceLock<Option<ProvisionalYear>>]>,
}

impl Calendar {
    /// The compiled-in calendar of mainland China (2020–2026 official, `calendars/cn.toml`).
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
    /// `other`'s table (so an office's file can correct or extend the built-in data). A
    /// year that was provisional becomes official.
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
    pub fn official_years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    /// The last day of the last official year: from the day after, deadlines are
    /// provisional.
    pub fn last_official_day(&self) -> Option<Date> {
        let year = *self.years.keys().next_back()?;
        Date::new(year, 12, 31).ok()
    }

    /// Whether `year` is official, provisional, or (`None`) outside the calendar: before
    /// the first official year or after 2099.
    pub fn standing(&self, year: i16) -> Option<Standing> {
        if self.years.contains_key(&year) {
            Some(Standing::Official)
        } else if self.may_be_provisional(year) {
            Some(Standing::Provisional)
        } else {
            None
        }
    }

    /// The table of one year: the notice's, or the provisional one computed from the
    /// statutory holidays. `None` outside the calendar.
    pub fn year(&self, year: i16) -> Option<&YearTable> {
        self.year_data(year).ok().map(|(table, _)| table)
    }

    /// Whether `date` is a working day (provisionally so in a provisional year).
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if the date's year is outside the
    /// calendar.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let (_, idx) = self.year_data(date.year())?;
        Ok(idx.through(date) > idx.before(date))
    }

    /// What kind of day `date` is, with the holiday it belongs to or serves — enough
    /// to explain a deadline ("2020-06-28, Sunday, make-up working day for 端午节").
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if the date's year is outside the
    /// calendar.
    pub fn day_kind(&self, date: Date) -> Result<DayKind<'_>, CalendarError> {
        let year = date.year();
        let (table, _) = self.year_data(year)?;
        if let Some(w) = table.workdays.iter().find(|w| w.date == date) {
            return Ok(DayKind::MakeUp(w));
        }
        // A holiday of `date` lives in its own year's table, or in the next year's
        // official table for a New Year break that starts in December.
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
    /// working day when `n >= 1`; `n == 0` returns `start` itself. The answer is
    /// provisional when a day counted lies in a provisional year.
    ///
    /// # Errors
    ///
    /// Fails with [`CalendarError::YearNotCovered`] if `start`'s year, or any year
    /// the count runs into, is outside the calendar.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Reckoned<Date>, CalendarError> {
        let mut year = start.year();
        let (_, idx) = self.year_data(year)?;
        if n == 0 {
            return Ok(Reckoned::official(start));
        }
        // `base` is the cumulative count just after the day counting starts from;
        // the answer is the first day at which the count reaches base + remaining.
        let mut base = idx.through(start);
        let mut remaining = n;
        let mut provisional = None;
        // Whether any day of the year is counted over: all but the start year's, which
        // holds none when the start is its last day.
        let mut counts_days = ordinal(start) < idx.cumulative.len() - 1;
        loop {
            let (table, idx) = self.year_data(year)?;
            if counts_days && table.standing == Standing::Provisional {
                provisional = YearSpan::join_opt(provisional, Some(YearSpan::of(year)));
            }
            let available = idx.total() - base;
            if remaining <= available {
                let target = base + remaining;
                // The first prefix reaching the target ends exactly on that working day.
                let k = idx.cumulative.partition_point(|&c| c < target);
                return Ok(Reckoned {
                    value: idx.date_at(k - 1),
                    provisional,
                });
            }
            remaining -= available;
            base = 0;
            counts_days = true;
            year = year
                .checked_add(1)
                .ok_or(CalendarError::YearNotCovered { year })?;
        }
    }

    /// The number of working days from `from` to `to`, both inclusive; provisional when
    /// the range holds a day of a provisional year.
    ///
    /// An empty range (`from > to`) has no working days and gives 0; both dates must
    /// still lie in the calendar.
    ///
    /// # Errors
    ///
    /// For `from <= to`, every year from `from`'s to `to`'s must lie in the calendar,
    /// else [`CalendarError::YearNotCovered`] names the first one outside it.
    pub fn working_days_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Reckoned<u32>, CalendarError> {
        if from > to {
            self.year_data(from.year())?;
            self.year_data(to.year())?;
            return Ok(Reckoned::official(0));
        }
        let mut count = 0;
        let mut provisional = None;
        for year in from.year()..=to.year() {
            let (table, idx) = self.year_data(year)?;
            if table.standing == Standing::Provisional {
                provisional = YearSpan::join_opt(provisional, Some(YearSpan::of(year)));
            }
            let first = if year == from.year() {
                idx.before(from)
            } else {
                0
            };
            let last = if year == to.year() {
                idx.through(to)
            } else {
                idx.total()
            };
            count += last - first;
        }
        Ok(Reckoned {
            value: count,
            provisional,
        })
    }

    /// A year with no notice after the first official year, up to 2099.
    fn may_be_provisional(&self, year: i16) -> bool {
        self.years
            .keys()
            .next()
            .is_some_and(|&first| year > first && year <= parse::MAX_YEAR)
            && !self.years.contains_key(&year)
    }

    /// A year's table and index, official or (computed the first time) provisional.
    fn year_data(&self, year: i16) -> Result<(&YearTable, &YearIndex), CalendarError> {
        if let (Some(table), Some(idx)) = (self.years.get(&year), self.index.get(&year)) {
            return Ok((table, idx));
        }
        let not_covered = CalendarError::YearNotCovered { year };
        if !self.may_be_provisional(year) {
            return Err(not_covered);
        }
        let slot = usize::try_from(year - parse::MIN_YEAR)
            .ok()
            .and_then(|i| self.provisional.get(i))
            .ok_or(not_covered.clone())?;
        let computed = slot.get_or_init(|| {
            let table = statutory::provisional_year(year)?;
            // A New Year break of the next official year may start in December.
            let next = self.years.get(&(year + 1));
            let index = index_year(year, std::iter::once(&table).chain(next));
            Some(ProvisionalYear { table, index })
        });
        computed
            .as_ref()
            .map(|p| (&p.table, &p.index))
            .ok_or(not_covered)
    }

    /// Builds the per-year indexes from validated tables.
    fn from_years(years: BTreeMap<i16, YearTable>) -> Calendar {
        let index = years
            .keys()
            .map(|&year| {
                // A holiday range starting in December lives in the next year's table.
                let own = years.get(&year).into_iter();
                let next = years.get(&(year + 1));
                (year, index_year(year, own.chain(next)))
            })
            .collect();
        let slots = usize::try_from(parse::MAX_YEAR - parse::MIN_YEAR + 1).unwrap_or(0);
        Calendar {
            years,
            index,
            provisional: (0..slots).map(|_| OnceLock::new()).collect(),
        }
    }
}

/// The working-day index of `year` from the tables whose days may fall in it: its own,
/// and the next year's for a New Year break that starts in December.
fn index_year<'t>(year: i16, tables: impl Iterator<Item = &'t YearTable> + Clone) -> YearIndex {
    // Years are validated to 2000..=2099, so January 1st always exists.
    let first = Date::new(year, 1, 1).expect("validated year has a January 1st");
    let days = usize::try_from(first.days_in_year()).expect("365 or 366");
    // Monday = 0, so days 0..5 of each week are Monday–Friday.
    let first_weekday =
        usize::try_from(first.weekday().to_monday_zero_offset()).expect("weekday offset is 0..=6");
    let mut flags: Vec<bool> = (0..days).map(|i| (first_weekday + i) % 7 < 5).collect();
    let mut set = |date: Date, value: bool| {
        if date.year() == year {
            flags[ordinal(date) - 1] = value;
        }
    };
    // Holidays first, then make-up days; validation guarantees they never share a
    // date, so the order only matters for robustness.
    for h in tables.clone().flat_map(|t| t.holidays.iter()) {
        let mut d = h.from;
        while d <= h.to {
            set(d, false);
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
    }
    for w in tables.flat_map(|t| t.workdays.iter()) {
        set(w.date, true);
    }
    let mut cumulative = Vec::with_capacity(flags.len() + 1);
    let mut count = 0u32;
    cumulative.push(0);
    for f in flags {
        count += u32::from(f);
        cumulative.push(count);
    }
    YearIndex { first, cumulative }
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
