//! Reading calendar data from TOML text.
//!
//! The document is walked through `toml::de::DeTable` rather than serde because every
//! key and value keeps its byte span there: an office that mistypes a date in its own
//! calendar file must be told the line and column, not just "invalid data".

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::{Date, Weekday};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{CalendarError, Holiday, MakeUpDay, Problem, Standing, YearTable};
use crate::source::Source;

/// Lowest and highest year accepted as a table name. The bounds only exist to catch
/// typos such as `[years.227]` or `[years.20027]`; every real notice fits.
pub(super) const MIN_YEAR: i16 = 2000;
pub(super) const MAX_YEAR: i16 = 2099;

/// How many days before New Year's Day a holiday range of the new year may begin. The
/// 2023 New Year break began on 2022-12-31; a week is enough for any New Year break
/// while still catching a December date filed under the wrong year.
const SPILL_DAYS: i8 = 7;

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Val<'i> = Spanned<DeValue<'i>>;

/// Parses and validates calendar TOML into year tables keyed by year.
pub(super) fn parse(src: &str) -> Result<BTreeMap<i16, YearTable>, CalendarError> {
    let cx = Cx {
        src: Source::new(src),
    };
    let doc = DeTable::parse(src).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        cx.err(
            at,
            Problem::Syntax {
                message: e.message().trim().to_owned(),
            },
        )
    })?;

    let mut years_val = None;
    for (key, val) in ordered(doc.get_ref()) {
        match key.get_ref().as_ref() {
            "years" => years_val = Some(val),
            _ => return Err(cx.unknown_key(key, "years")),
        }
    }
    let Some(years_val) = years_val else {
        return Err(cx.err(
            0,
            Problem::MissingKey {
                key: "years",
                place: "the calendar file (one [years.YYYY] table per year)".to_owned(),
            },
        ));
    };
    let DeValue::Table(years_table) = years_val.get_ref() else {
        return Err(cx.wrong_type(years_val, "years", "a table of [years.YYYY] tables"));
    };

    // Tables are validated in source order so the first error reported is the first
    // one the reader meets in the file.
    let mut parsed: Vec<ParsedYear> = Vec::new();
    for (key, val) in ordered(years_table) {
        parsed.push(cx.year_table(key, val)?);
    }

    // A New Year range that starts in December touches the previous year's table: it
    // must not swallow one of that table's make-up days.
    for later in &parsed {
        let Some(earlier) = parsed.iter().find(|p| p.table.year == later.table.year - 1) else {
            continue;
        };
        for w in &earlier.workdays {
            if let Some(h) = later.table.holidays.iter().find(|h| h.contains(w.day.date)) {
                return Err(cx.err(
                    w.date_span.start,
                    Problem::HolidayAndMakeUp {
                        date: w.day.date,
                        holiday: h.name.clone(),
                    },
                ));
            }
        }
    }

    Ok(parsed
        .into_iter()
        .map(|p| (p.table.year, p.table))
        .collect())
}

/// A year table with the spans still needed by checks that span tables.
struct ParsedYear {
    table: YearTable,
    workdays: Vec<SpannedMakeUp>,
}

/// A make-up day with the position of its date.
struct SpannedMakeUp {
    day: MakeUpDay,
    date_span: Range<usize>,
}

/// A holiday range with the positions of its values.
struct SpannedHoliday {
    holiday: Holiday,
    from_span: Range<usize>,
}

/// The source text, for turning byte offsets into line and column.
struct Cx<'s> {
    src: Source<'s>,
}

impl Cx<'_> {
    /// An `Invalid` error located at a byte offset of the source.
    fn err(&self, offset: usize, problem: Problem) -> CalendarError {
        let (line, column) = self.src.locate(offset);
        CalendarError::Invalid {
            line,
            column,
            problem,
        }
    }

    fn unknown_key(&self, key: &Key<'_>, allowed: &'static str) -> CalendarError {
        self.err(
            key.span().start,
            Problem::UnknownKey {
                key: key.get_ref().to_string(),
                allowed,
            },
        )
    }

    fn wrong_type(&self, val: &Val<'_>, key: &str, expected: &'static str) -> CalendarError {
        self.err(
            val.span().start,
            Problem::WrongType {
                key: key.to_owned(),
                expected,
            },
        )
    }

    fn missing(&self, at: usize, key: &'static str, place: String) -> CalendarError {
        self.err(at, Problem::MissingKey { key, place })
    }

    /// Parses one `[years.YYYY]` table and runs every check local to it.
    fn year_table(&self, key: &Key<'_>, val: &Val<'_>) -> Result<ParsedYear, CalendarError> {
        let year = parse_year_key(key.get_ref()).ok_or_else(|| {
            self.err(
                key.span().start,
                Problem::InvalidYearKey {
                    key: key.get_ref().to_string(),
                },
            )
        })?;
        let DeValue::Table(table) = val.get_ref() else {
            return Err(self.wrong_type(val, key.get_ref(), "a table"));
        };

        let (mut notice, mut holidays_val, mut workdays_val) = (None, None, None);
        for (k, v) in ordered(table) {
            match k.get_ref().as_ref() {
                "notice" => notice = Some(v),
                "holidays" => holidays_val = Some(v),
                "workdays" => workdays_val = Some(v),
                _ => return Err(self.unknown_key(k, "notice, holidays, workdays")),
            }
        }
        // A table opened by a `[years.YYYY]` header has no span of its own worth
        // pointing at, so a missing key is reported at the year key.
        let place = || format!("the {year} table");
        let at = key.span().start;
        let notice = notice.ok_or_else(|| self.missing(at, "notice", place()))?;
        let holidays_val = holidays_val.ok_or_else(|| self.missing(at, "holidays", place()))?;
        let workdays_val = workdays_val.ok_or_else(|| self.missing(at, "workdays", place()))?;

        let notice = self.non_empty_string(notice, "notice")?;

        let mut holidays: Vec<SpannedHoliday> = Vec::new();
        for item in self.array(holidays_val, "holidays")? {
            let h = self.holiday(item, year)?;
            // Pairwise is fine: a year has about seven ranges.
            if let Some(prev) = holidays.iter().find(|p| p.holiday.overlaps(&h.holiday)) {
                return Err(self.err(
                    h.from_span.start,
                    Problem::HolidaysOverlap {
                        date: prev.holiday.from.max(h.holiday.from),
                        first: prev.holiday.name.clone(),
                        second: h.holiday.name.clone(),
                    },
                ));
            }
            holidays.push(h);
        }
        let holidays: Vec<Holiday> = holidays.into_iter().map(|h| h.holiday).collect();

        let mut workdays: Vec<SpannedMakeUp> = Vec::new();
        for item in self.array(workdays_val, "workdays")? {
            let w = self.make_up(item, year, &holidays)?;
            if workdays.iter().any(|p| p.day.date == w.day.date) {
                return Err(self.err(
                    w.date_span.start,
                    Problem::DuplicateMakeUp { date: w.day.date },
                ));
            }
            workdays.push(w);
        }

        Ok(ParsedYear {
            table: YearTable {
                year,
                notice,
                holidays,
                workdays: workdays.iter().map(|w| w.day.clone()).collect(),
                standing: Standing::Official,
            },
            workdays,
        })
    }

    /// One `{ name, from, to }` entry of `holidays`.
    fn holiday(&self, item: &Val<'_>, year: i16) -> Result<SpannedHoliday, CalendarError> {
        let DeValue::Table(t) = item.get_ref() else {
            return Err(self.wrong_type(
                item,
                "holidays",
                "an array of { name = \"…\", from = YYYY-MM-DD, to = YYYY-MM-DD } tables",
            ));
        };
        let (mut name, mut from, mut to) = (None, None, None);
        for (k, v) in ordered(t) {
            match k.get_ref().as_ref() {
                "name" => name = Some(v),
                "from" => from = Some(v),
                "to" => to = Some(v),
                _ => return Err(self.unknown_key(k, "name, from, to")),
            }
        }
        let at = item.span().start;
        let place = || format!("a holiday of the {year} table");
        let name = name.ok_or_else(|| self.missing(at, "name", place()))?;
        let from_val = from.ok_or_else(|| self.missing(at, "from", place()))?;
        let to_val = to.ok_or_else(|| self.missing(at, "to", place()))?;

        let name = self.non_empty_string(name, "name")?;
        let from = self.date(from_val, "from")?;
        let to = self.date(to_val, "to")?;

        if to.year() != year {
            return Err(self.err(
                to_val.span().start,
                Problem::DateOutsideYear { date: to, year },
            ));
        }
        if from.year() != year && !starts_in_last_week_before(from, year) {
            return Err(self.err(
                from_val.span().start,
                Problem::DateOutsideYear { date: from, year },
            ));
        }
        if from > to {
            return Err(self.err(from_val.span().start, Problem::FromAfterTo { from, to }));
        }
        Ok(SpannedHoliday {
            holiday: Holiday { name, from, to },
            from_span: from_val.span(),
        })
    }

    /// One `{ date, for }` entry of `workdays`.
    fn make_up(
        &self,
        item: &Val<'_>,
        year: i16,
        holidays: &[Holiday],
    ) -> Result<SpannedMakeUp, CalendarError> {
        let DeValue::Table(t) = item.get_ref() else {
            return Err(self.wrong_type(
                item,
                "workdays",
                "an array of { date = YYYY-MM-DD, for = \"…\" } tables",
            ));
        };
        let (mut date, mut serves) = (None, None);
        for (k, v) in ordered(t) {
            match k.get_ref().as_ref() {
                "date" => date = Some(v),
                "for" => serves = Some(v),
                _ => return Err(self.unknown_key(k, "date, for")),
            }
        }
        let at = item.span().start;
        let place = || format!("a make-up working day of the {year} table");
        let date_val = date.ok_or_else(|| self.missing(at, "date", place()))?;
        let serves_val = serves.ok_or_else(|| self.missing(at, "for", place()))?;

        let date = self.date(date_val, "date")?;
        let serves = self.non_empty_string(serves_val, "for")?;
        let date_at = date_val.span().start;

        if date.year() != year {
            return Err(self.err(date_at, Problem::DateOutsideYear { date, year }));
        }
        let weekday = date.weekday();
        if !matches!(weekday, Weekday::Saturday | Weekday::Sunday) {
            return Err(self.err(date_at, Problem::MakeUpNotWeekend { date, weekday }));
        }
        if let Some(h) = holidays.iter().find(|h| h.contains(date)) {
            return Err(self.err(
                date_at,
                Problem::HolidayAndMakeUp {
                    date,
                    holiday: h.name.clone(),
                },
            ));
        }
        // The holiday a make-up day serves is printed next to it; a name matching no
        // range of the same notice is a typo, or a day filed under the wrong year.
        if !holidays.iter().any(|h| h.name == serves) {
            return Err(self.err(
                serves_val.span().start,
                Problem::UnknownHoliday { name: serves, year },
            ));
        }
        Ok(SpannedMakeUp {
            day: MakeUpDay { date, serves },
            date_span: date_val.span(),
        })
    }

    fn array<'a, 'i>(
        &self,
        val: &'a Val<'i>,
        key: &'static str,
    ) -> Result<&'a [Val<'i>], CalendarError> {
        match val.get_ref() {
            DeValue::Array(a) => Ok(a),
            _ => Err(self.wrong_type(val, key, "an array of inline tables")),
        }
    }

    fn non_empty_string(&self, val: &Val<'_>, key: &'static str) -> Result<String, CalendarError> {
        match val.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                Err(self.err(val.span().start, Problem::Empty { key }))
            }
            DeValue::String(s) => Ok(s.trim().to_owned()),
            _ => Err(self.wrong_type(val, key, "a string")),
        }
    }

    /// A TOML local date (`2027-01-01`, unquoted) as a civil date.
    fn date(&self, val: &Val<'_>, key: &'static str) -> Result<Date, CalendarError> {
        let at = val.span().start;
        let invalid = |reason: String| self.err(at, Problem::InvalidDate { key, reason });
        let DeValue::Datetime(dt) = val.get_ref() else {
            let hint = if matches!(val.get_ref(), DeValue::String(_)) {
                "write the date without quotes"
            } else {
                "found a value of another type"
            };
            return Err(invalid(hint.to_owned()));
        };
        let (Some(d), None, None) = (dt.date, dt.time, dt.offset) else {
            return Err(invalid("a time of day or offset is not allowed".to_owned()));
        };
        let y = i16::try_from(d.year).map_err(|_| invalid("year out of range".to_owned()))?;
        // TOML's month and day are at most two digits, so they fit an i8.
        let m = i8::try_from(d.month).map_err(|_| invalid("month out of range".to_owned()))?;
        let day = i8::try_from(d.day).map_err(|_| invalid("day out of range".to_owned()))?;
        Date::new(y, m, day).map_err(|e| invalid(e.to_string()))
    }
}

/// Entries of a TOML table in the order they appear in the source; the parsed map is
/// ordered by key, which would make "the first error" depend on spelling.
fn ordered<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Val<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// A table name as a year: exactly four ASCII digits within the accepted range.
fn parse_year_key(key: &str) -> Option<i16> {
    if key.len() != 4 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<i16>()
        .ok()
        .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
}

/// Whether `from` lies in the last week of the year before `year` — where the one
/// legitimate kind of cross-year date, a New Year break starting early, begins.
fn starts_in_last_week_before(from: Date, year: i16) -> bool {
    from.year() == year - 1 && from.month() == 12 && from.day() > 31 - SPILL_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_keys() {
        assert_eq!(parse_year_key("2027"), Some(2027));
        for bad in ["227", "20027", "+202", "1999", "2100", "abcd", "２０２７"] {
            assert_eq!(parse_year_key(bad), None, "{bad}");
        }
    }
}
