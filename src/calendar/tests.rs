//! Tests of the working-day calendar.
//!
//! The built-in data is checked day by day against an encoding of
//! docs/holidays-2020-2026.md written out here independently of
//! `calendars/cn.toml`, so a typo in the data file fails a test.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday, date};
use proptest::prelude::*;

use super::*;

/// The md table's "official days off" and "make-up working days" columns, verbatim.
const MD_TABLE: &[(i16, &str, &str)] = &[
    (
        2020,
        "01-01; 01-24..02-02; 04-04..04-06; 05-01..05-05; 06-25..06-27; 10-01..10-08",
        "01-19, 04-26, 05-09, 06-28, 09-27, 10-10 (02-01 was cancelled as a working day by the extension)",
    ),
    (
        2021,
        "01-01..01-03; 02-11..02-17; 04-03..04-05; 05-01..05-05; 06-12..06-14; 09-19..09-21; 10-01..10-07",
        "02-07, 02-20, 04-25, 05-08, 09-18, 09-26, 10-09",
    ),
    (
        2022,
        "01-01..01-03; 01-31..02-06; 04-03..04-05; 04-30..05-04; 06-03..06-05; 09-10..09-12; 10-01..10-07",
        "01-29, 01-30, 04-02, 04-24, 05-07, 10-08, 10-09",
    ),
    (
        2023,
        "2022-12-31..01-02; 01-21..01-27; 04-05; 04-29..05-03; 06-22..06-24; 09-29..10-06",
        "01-28, 01-29, 04-23, 05-06, 06-25, 10-07, 10-08",
    ),
    (
        2024,
        "01-01; 02-10..02-17; 04-04..04-06; 05-01..05-05; 06-10; 09-15..09-17; 10-01..10-07",
        "02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12",
    ),
    (
        2025,
        "01-01; 01-28..02-04; 04-04..04-06; 05-01..05-05; 05-31..06-02; 10-01..10-08",
        "01-26, 02-08, 04-27, 09-28, 10-11",
    ),
    (
        2026,
        "01-01..01-03; 02-15..02-23; 04-04..04-06; 05-01..05-05; 06-19..06-21; 09-25..09-27; 10-01..10-07",
        "01-04, 02-14, 02-28, 05-09, 09-20, 10-10",
    ),
];

/// "MM-DD" in `year`, or a full "YYYY-MM-DD".
fn md_date(year: i16, s: &str) -> Date {
    let s = s.trim();
    let full = if s.len() == 10 {
        s.to_owned()
    } else {
        format!("{year}-{s}")
    };
    full.parse()
        .unwrap_or_else(|e| panic!("bad md date {s:?}: {e}"))
}

/// Independent oracle: (days off, make-up days) from the md table.
fn md_sets() -> (BTreeSet<Date>, BTreeSet<Date>) {
    let mut off = BTreeSet::new();
    let mut on = BTreeSet::new();
    for &(year, holidays, workdays) in MD_TABLE {
        for part in holidays.split(';') {
            let (a, b) = part.split_once("..").unwrap_or((part, part));
            let (from, to) = (md_date(year, a), md_date(year, b));
            let mut d = from;
            while d <= to {
                off.insert(d);
                d = d.tomorrow().expect("in range");
            }
        }
        let workdays = workdays.split('(').next().unwrap_or("");
        for part in workdays.split(',') {
            on.insert(md_date(year, part));
        }
    }
    (off, on)
}

fn md_working(off: &BTreeSet<Date>, on: &BTreeSet<Date>, d: Date) -> bool {
    on.contains(&d) || (!off.contains(&d) && !is_weekend(d.weekday()))
}

fn every_day(from: Date, to: Date) -> impl Iterator<Item = Date> {
    let mut next = Some(from);
    std::iter::from_fn(move || {
        let d = next.filter(|d| *d <= to)?;
        next = d.tomorrow().ok();
        Some(d)
    })
}

const FIRST: Date = date(2020, 1, 1);
const LAST: Date = date(2026, 12, 31);

// ---------------------------------------------------------------- built-in data

#[test]
fn builtin_loads_and_covers_2020_to_2026() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.official_years().collect::<Vec<_>>(),
        (2020..=2026).collect::<Vec<_>>()
    );
    assert!(cal.year(2019).is_none());
    assert_eq!(cal.standing(2027), Some(Standing::Provisional));
}

#[test]
fn every_day_2020_to_2026_matches_the_md_table() {
    let cal = Calendar::builtin();
    let (off, on) = md_sets();
    for d in every_day(FIRST, LAST) {
        let expected = md_working(&off, &on, d);
        assert_eq!(
            cal.is_working_day(d),
            Ok(expected),
            "{d} ({:?})",
            d.weekday()
        );
        let kind = cal.day_kind(d).expect("covered");
        assert_eq!(kind.is_working(), expected, "day_kind of {d}");
    }
}

#[test]
fn year_tables_match_the_md_table_exactly() {
    // Not just the working/non-working outcome: each holiday range and make-up day
    // must be listed as in the md (a range swallowed by a weekend would pass the
    // day-by-day test while still being a typo).
    let cal = Calendar::builtin();
    for &(year, holidays, workdays) in MD_TABLE {
        let t = cal.year(year).expect("covered");
        assert_eq!(t.year(), year);
        let data: Vec<(Date, Date)> = t.holidays().iter().map(|h| (h.from(), h.to())).collect();
        let md: Vec<(Date, Date)> = holidays
            .split(';')
            .map(|p| {
                let (a, b) = p.split_once("..").unwrap_or((p, p));
                (md_date(year, a), md_date(year, b))
            })
            .collect();
        assert_eq!(data, md, "holidays of {year}");
        let data: Vec<Date> = t.workdays().iter().map(MakeUpDay::date).collect();
        let md: Vec<Date> = workdays
            .split('(')
            .next()
            .unwrap_or("")
            .split(',')
            .map(|p| md_date(year, p))
            .collect();
        assert_eq!(data, md, "make-up days of {year}");
    }
}

#[test]
fn notices_are_named() {
    let cal = Calendar::builtin();
    let expected = [
        (2020, "国办发明电〔2019〕16号"),
        (2020, "国办发明电〔2020〕1号"),
        (2021, "2020-11-25"),
        (2022, "国办发明电〔2021〕11号"),
        (2023, "国办发明电〔2022〕16号"),
        (2024, "国办发明电〔2023〕7号"),
        (2025, "国办发明电〔2024〕12号"),
        (2026, "2025-11-04"),
    ];
    for (year, part) in expected {
        let notice = cal.year(year).expect("covered").notice();
        assert!(notice.contains(part), "{year}: {notice}");
    }
}

#[test]
fn holiday_names_are_the_official_festivals() {
    let allowed = [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
        "国庆节、中秋节",
        "中秋节、国庆节",
    ];
    let cal = Calendar::builtin();
    for year in cal.official_years() {
        let t = cal.year(year).expect("covered");
        for h in t.holidays() {
            assert!(allowed.contains(&h.name()), "{year}: {}", h.name());
        }
        // Every festival appears once a year, merged or not.
        for festival in [
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节",
            "国庆节",
        ] {
            let n = t
                .holidays()
                .iter()
                .filter(|h| h.name().contains(festival))
                .count();
            assert_eq!(n, 1, "{year} {festival}");
        }
    }
}

#[test]
fn spring_festival_2020_extension() {
    let cal = Calendar::builtin();
    let t = cal.year(2020).expect("covered");
    let spring = t
        .holidays()
        .iter()
        .find(|h| h.name() == "春节")
        .expect("春节");
    assert_eq!(
        (spring.from(), spring.to()),
        (date(2020, 1, 24), date(2020, 2, 2))
    );
    assert_eq!(spring.days(), 10);
    // 02-01 was announced as a make-up day and then cancelled by the extension.
    assert!(t.workdays().iter().all(|w| w.date() != date(2020, 2, 1)));
    assert_eq!(cal.is_working_day(date(2020, 2, 1)), Ok(false));
    assert_eq!(cal.is_working_day(date(2020, 2, 3)), Ok(true));
    assert!(matches!(
        cal.day_kind(date(2020, 2, 1)),
        Ok(DayKind::Holiday(h)) if h.name() == "春节"
    ));
}

#[test]
fn new_year_2023_starts_in_2022() {
    let cal = Calendar::builtin();
    let t = cal.year(2023).expect("covered");
    assert_eq!(t.holidays()[0].from(), date(2022, 12, 31));
    assert_eq!(t.holidays()[0].days(), 3);
    assert_eq!(cal.is_working_day(date(2022, 12, 31)), Ok(false));
    assert!(matches!(
        cal.day_kind(date(2022, 12, 31)),
        Ok(DayKind::Holiday(h)) if h.name() == "元旦"
    ));
    assert!(matches!(
        cal.day_kind(date(2020, 6, 28)),
        Ok(DayKind::MakeUp(w)) if w.serves() == "端午节"
    ));
    assert_eq!(cal.day_kind(date(2020, 6, 29)), Ok(DayKind::Weekday));
    assert_eq!(cal.day_kind(date(2020, 7, 4)), Ok(DayKind::Weekend));
}

#[test]
fn data_invariants_make_up_days_are_weekends_never_holidays() {
    let cal = Calendar::builtin();
    let all_holidays: Vec<&Holiday> = cal
        .official_years()
        .filter_map(|y| cal.year(y))
        .flat_map(YearTable::holidays)
        .collect();
    for year in cal.official_years() {
        let t = cal.year(year).expect("covered");
        for w in t.workdays() {
            assert!(is_weekend(w.date().weekday()), "{}", w.date());
            assert!(
                all_holidays.iter().all(|h| !h.contains(w.date())),
                "{}",
                w.date()
            );
            assert!(t.holidays().iter().any(|h| h.name() == w.serves()));
        }
    }
}

// ---------------------------------------------------------------- fixed points

#[test]
fn fixed_points() {
    let cal = Calendar::builtin();
    let cases = [
        (date(2020, 6, 18), date(2020, 7, 17)),
        // Ruling 7's example: lands on Sunday 2020-06-28, a make-up working day.
        (date(2020, 5, 28), date(2020, 6, 28)),
        (date(2020, 9, 20), date(2020, 10, 22)),
        (date(2025, 12, 20), date(2026, 1, 19)),
        (date(2026, 2, 10), date(2026, 3, 16)),
    ];
    for (start, due) in cases {
        assert_eq!(cal.add_working_days(start, 20), fin(due), "{start} + 20");
    }
    assert_eq!(
        cal.working_days_between(date(2020, 5, 28), date(2020, 6, 18)),
        fin(16)
    );
}

#[test]
fn zero_days_and_empty_ranges() {
    let cal = Calendar::builtin();
    // n = 0 is the start itself, even on a holiday.
    assert_eq!(
        cal.add_working_days(date(2020, 10, 1), 0),
        fin(date(2020, 10, 1))
    );
    assert_eq!(
        cal.working_days_between(date(2020, 6, 18), date(2020, 5, 28)),
        fin(0)
    );
    assert_eq!(
        cal.working_days_between(date(2020, 10, 1), date(2020, 10, 8)),
        fin(0)
    );
    assert_eq!(
        cal.working_days_between(date(2020, 6, 28), date(2020, 6, 28)),
        fin(1)
    );
    // The counting starts the day after the start, whatever the start is: from a
    // Saturday, a Friday and a holiday.
    assert_eq!(
        cal.add_working_days(date(2020, 7, 4), 1),
        fin(date(2020, 7, 6))
    );
    assert_eq!(
        cal.add_working_days(date(2020, 7, 3), 1),
        fin(date(2020, 7, 6))
    );
    assert_eq!(
        cal.add_working_days(date(2020, 10, 1), 1),
        fin(date(2020, 10, 9))
    );
}

#[test]
fn whole_years_count() {
    let cal = Calendar::builtin();
    let (off, on) = md_sets();
    let mut total = 0;
    for year in 2020..=2026 {
        let (a, b) = (date(year, 1, 1), date(year, 12, 31));
        let expected = every_day(a, b)
            .filter(|d| md_working(&off, &on, *d))
            .count();
        let got = cal.working_days_between(a, b).expect("covered").value();
        assert_eq!(got as usize, expected, "{year}");
        total += got;
    }
    assert_eq!(cal.working_days_between(FIRST, LAST), fin(total));
}

/// Every (start, n) for n up to 60 across all seven years, against a day-by-day walk
/// over the md oracle; a count that runs off the end into 2027 is provisional.
#[test]
fn every_start_and_count_up_to_60_matches_a_day_by_day_walk() {
    const MAX_N: u32 = 60;
    let cal = Calendar::builtin();
    let (off, on) = md_sets();
    for start in every_day(FIRST, LAST) {
        assert_eq!(cal.add_working_days(start, 0), fin(start));
        let mut d = start;
        let mut n = 0;
        while n < MAX_N {
            d = d.tomorrow().expect("in range");
            if d > LAST {
                // The walk left the official years: every further count is provisional.
                for m in (n + 1)..=MAX_N {
                    let got = cal.add_working_days(start, m).expect("provisional");
                    assert_eq!(got.provisional(), Some(YearSpan::of(2027)), "{start} + {m}");
                    assert_eq!(got.value().year(), 2027, "{start} + {m}");
                }
                break;
            }
            if md_working(&off, &on, d) {
                n += 1;
                assert_eq!(cal.add_working_days(start, n), fin(d), "{start} + {n}");
            }
        }
    }
}

fn fin<T: Copy>(value: T) -> Result<Reckoned<T>, CalendarError> {
    Ok(Reckoned::official(value))
}

// ---------------------------------------------------------------- provisional years

#[test]
fn a_year_after_the_official_ones_is_provisional() {
    let cal = Calendar::builtin();
    assert_eq!(cal.standing(2026), Some(Standing::Official));
    assert_eq!(cal.standing(2027), Some(Standing::Provisional));
    assert_eq!(cal.standing(2099), Some(Standing::Provisional));
    assert_eq!(cal.standing(2100), None);
    assert_eq!(cal.standing(2019), None);
    assert_eq!(cal.last_official_day(), Some(date(2026, 12, 31)));
    // 2026-12-04 + 20: Dec 7–11, 14–18, 21–25, 28–31 (19), 2027-01-01 is 元旦 (provisional:
    // one day, no make-up), so the 20th is Monday 2027-01-04.
    let due = cal
        .add_working_days(date(2026, 12, 4), 20)
        .expect("provisional");
    assert_eq!(due.value(), date(2027, 1, 4));
    assert_eq!(due.provisional(), Some(YearSpan::of(2027)));
    // A count that stays in 2026 is final, even from the last days before the new year.
    assert_eq!(
        cal.add_working_days(date(2026, 12, 3), 20),
        fin(date(2026, 12, 31))
    );
    // Counting from the last day of 2026 counts only 2027 days.
    let from_eve = cal
        .add_working_days(date(2026, 12, 31), 1)
        .expect("provisional");
    assert_eq!(from_eve.value(), date(2027, 1, 4));
    assert!(from_eve.is_provisional());
    // 2027's statutory Spring Festival is 除夕 02-05 to 初三 02-08.
    assert_eq!(cal.is_working_day(date(2027, 2, 5)), Ok(false));
    assert_eq!(cal.is_working_day(date(2027, 2, 8)), Ok(false));
    assert_eq!(cal.is_working_day(date(2027, 2, 9)), Ok(true));
    assert!(
        matches!(cal.day_kind(date(2027, 2, 8)), Ok(DayKind::Holiday(h)) if h.name() == "春节")
    );
    let between = cal
        .working_days_between(date(2026, 12, 1), date(2027, 1, 5))
        .expect("provisional");
    assert_eq!(between.value(), 25);
    assert!(between.is_provisional());
    assert_eq!(
        cal.year(2027).map(YearTable::standing),
        Some(Standing::Provisional)
    );
    // A count over two provisional years names both.
    let long = cal
        .add_working_days(date(2027, 12, 1), 40)
        .expect("provisional");
    assert_eq!(
        long.provisional(),
        Some(YearSpan {
            first: 2027,
            last: 2028
        })
    );
}

#[test]
fn years_outside_the_calendar_are_errors_never_guesses() {
    let cal = Calendar::builtin();
    assert_eq!(
        cal.is_working_day(date(2019, 12, 31)),
        Err(CalendarError::YearNotCovered { year: 2019 })
    );
    assert_eq!(
        cal.add_working_days(date(2019, 12, 31), 0),
        Err(CalendarError::YearNotCovered { year: 2019 })
    );
    // A huge count stops at the end of the calendar instead of looping.
    assert_eq!(
        cal.add_working_days(date(2020, 1, 1), u32::MAX),
        Err(CalendarError::YearNotCovered { year: 2100 })
    );
    // An empty calendar covers nothing, not even provisionally.
    assert_eq!(
        Calendar::default().is_working_day(date(2024, 5, 6)),
        Err(CalendarError::YearNotCovered { year: 2024 })
    );

    let message = CalendarError::YearNotCovered { year: 2019 }.to_string();
    assert!(message.contains("2019"), "{message}");
    assert!(message.contains("docs/calendar.md"), "{message}");
}

#[test]
fn an_official_year_makes_the_same_count_final() {
    let mut cal = Calendar::builtin();
    let before = cal
        .add_working_days(date(2026, 12, 20), 20)
        .expect("provisional");
    assert!(before.is_provisional());
    cal.merge(Calendar::from_toml(FAKE_2027).expect("valid"))
        .expect("no conflict");
    let after = cal
        .add_working_days(date(2026, 12, 20), 20)
        .expect("official");
    assert!(!after.is_provisional());
    assert_eq!(cal.standing(2027), Some(Standing::Official));
    assert_eq!(cal.standing(2028), Some(Standing::Provisional));
}

/// Every built-in year, read back from the official notice's text as published
/// (tests/fixtures/calendar/notices), is the year of `calendars/cn.toml`, notice cited
/// and all.
#[test]
fn importing_each_notice_gives_the_built_in_year() {
    let cal = Calendar::builtin();
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/calendar/notices"
    );
    let read = |name: &str| {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("fixture");
        notice::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for year in 2020..=2026 {
        let notice::Notice::Year(mut table) = read(&format!("{year}.txt")) else {
            panic!("{year}.txt is a yearly notice");
        };
        if year == 2020 {
            let notice::Notice::Extension {
                year: amended,
                holiday,
                to,
                reference,
            } = read("2020-amendment.txt")
            else {
                panic!("the amendment is an extension");
            };
            assert_eq!(amended, 2020);
            notice::extend(&mut table, &holiday, to, &reference).expect("春节 to extend");
        }
        assert_eq!(Some(&table), cal.year(year), "{year}");
        // And back through the calendar file it writes.
        let written = Calendar::from_toml(&notice::to_toml(std::slice::from_ref(&table)))
            .expect("the file written loads");
        assert_eq!(written.year(year), cal.year(year), "{year} as written");
    }
}

/// Invented for the tests; NOT the real 2027 notice (none existed when written).
const FAKE_2027: &str = r#"[years.2027]
notice = "测试用，非真实通知"
holidays = [
  { name = "元旦", from = 2027-01-01, to = 2027-01-03 },
  { name = "春节", from = 2027-02-06, to = 2027-02-12 },
]
workdays = [
  { date = 2027-01-09, for = "元旦" },
]
"#;

#[test]
fn merge_adds_a_year() {
    let mut cal = Calendar::builtin();
    let extra = Calendar::from_toml(FAKE_2027).expect("valid");
    cal.merge(extra).expect("no conflict");
    assert_eq!(
        cal.official_years().collect::<Vec<_>>(),
        (2020..=2027).collect::<Vec<_>>()
    );
    // Dec 21–25 and 28–31 (9), 2027-01-04..08 (14), make-up Saturday 01-09 (15),
    // 01-11..15 (20).
    assert_eq!(
        cal.add_working_days(date(2026, 12, 20), 20),
        fin(date(2027, 1, 15))
    );
    assert_eq!(cal.is_working_day(date(2027, 1, 9)), Ok(true));
    assert_eq!(cal.is_working_day(date(2027, 2, 8)), Ok(false));
    assert_eq!(
        cal.add_working_days(date(2027, 12, 31), 1)
            .map(|r| r.provisional()),
        Ok(Some(YearSpan::of(2028)))
    );
    // The built-in years are untouched.
    assert_eq!(
        cal.add_working_days(date(2020, 5, 28), 20),
        fin(date(2020, 6, 28))
    );
}

#[test]
fn merge_replaces_a_year() {
    let mut cal = Calendar::builtin();
    // A (fictional) correction of 2026 that keeps only New Year.
    let fix = Calendar::from_toml(
        r#"[years.2026]
notice = "更正"
holidays = [ { name = "元旦", from = 2026-01-01, to = 2026-01-03 } ]
workdays = []
"#,
    )
    .expect("valid");
    cal.merge(fix).expect("no conflict");
    assert_eq!(cal.year(2026).map(YearTable::notice), Some("更正"));
    assert_eq!(cal.is_working_day(date(2026, 10, 1)), Ok(true));
    assert_eq!(cal.is_working_day(date(2026, 1, 4)), Ok(false));
    assert_eq!(cal.is_working_day(date(2025, 10, 1)), Ok(false));
}

#[test]
fn merge_spill_marks_previous_year_and_conflicts_are_refused() {
    // 2027's (fictional) New Year break starts on Saturday 2026-12-26.
    let spill = Calendar::from_toml(
        r#"[years.2027]
notice = "测试"
holidays = [ { name = "元旦", from = 2026-12-26, to = 2027-01-03 } ]
workdays = []
"#,
    )
    .expect("valid");
    let mut cal = Calendar::builtin();
    cal.merge(spill.clone()).expect("no conflict");
    assert_eq!(cal.is_working_day(date(2026, 12, 28)), Ok(false));
    assert_eq!(cal.is_working_day(date(2026, 12, 25)), Ok(true));

    let with_make_up = Calendar::from_toml(
        r#"[years.2026]
notice = "测试"
holidays = [ { name = "国庆节", from = 2026-10-01, to = 2026-10-07 } ]
workdays = [ { date = 2026-12-26, for = "国庆节" } ]
"#,
    )
    .expect("valid on its own");
    let mut cal = with_make_up.clone();
    let before = cal.official_years().collect::<Vec<_>>();
    let err = cal.merge(spill).expect_err("conflict");
    assert_eq!(
        err,
        CalendarError::MergeConflict {
            date: date(2026, 12, 26),
            holiday: "元旦".to_owned(),
            holiday_year: 2027,
        }
    );
    assert!(err.to_string().contains("2026-12-26"), "{err}");
    // Refused merges leave the calendar as it was.
    assert_eq!(cal.official_years().collect::<Vec<_>>(), before);
    assert_eq!(cal.is_working_day(date(2026, 12, 26)), Ok(true));
}

// ---------------------------------------------------------------- validation

/// 1-based line and column of the only occurrence of `needle` in `src`.
fn pos_of(src: &str, needle: &str) -> (usize, usize) {
    assert_eq!(src.matches(needle).count(), 1, "{needle:?} must occur once");
    let at = src.find(needle).unwrap_or(0);
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Replaces the only occurrence of `old` in `FAKE_2027` and parses the result, expecting
/// an error at the start of `at` (which must occur once in the edited text).
fn expect_error(old: &str, new: &str, at: &str) -> Problem {
    assert_eq!(FAKE_2027.matches(old).count(), 1, "{old:?} must occur once");
    let src = FAKE_2027.replacen(old, new, 1);
    expect_error_in(&src, at)
}

fn expect_error_in(src: &str, at: &str) -> Problem {
    let err = Calendar::from_toml(src).expect_err("invalid");
    let (line, column) = pos_of(src, at);
    assert_eq!(
        err.location(),
        Some((line, column)),
        "{err} — expected at {at:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("line {line}, column {column}: ")),
        "{message}"
    );
    err.problem().cloned().expect("a data problem")
}

#[test]
fn fake_2027_is_valid() {
    assert!(Calendar::from_toml(FAKE_2027).is_ok());
}

#[test]
fn malformed_toml() {
    let p = expect_error("notice = \"测试用，非真实通知\"", "notice = 测试", "测试");
    assert!(matches!(p, Problem::Syntax { .. }), "{p:?}");
    let p = expect_error("to = 2027-02-12 }", "to = 2027-02-30 }", "2027-02-30");
    assert!(
        matches!(p, Problem::Syntax { .. } | Problem::InvalidDate { .. }),
        "{p:?}"
    );
}

#[test]
fn unknown_keys() {
    let p = expect_error("notice =", "notise =", "notise");
    assert!(
        matches!(p, Problem::UnknownKey { ref key, .. } if key == "notise"),
        "{p:?}"
    );
    let p = expect_error("{ name = \"元旦\"", "{ nmae = \"元旦\"", "nmae");
    assert!(
        matches!(p, Problem::UnknownKey { ref key, .. } if key == "nmae"),
        "{p:?}"
    );
    let p = expect_error("for = \"元旦\"", "serves = \"元旦\"", "serves");
    assert!(matches!(p, Problem::UnknownKey { .. }), "{p:?}");
    let src = format!("title = \"x\"\n{FAKE_2027}");
    let p = expect_error_in(&src, "title");
    assert!(matches!(p, Problem::UnknownKey { .. }), "{p:?}");
}

#[test]
fn make_up_day_not_on_a_weekend() {
    // 2027-01-11 is a Monday.
    let p = expect_error("2027-01-09", "2027-01-11", "2027-01-11");
    assert_eq!(
        p,
        Problem::MakeUpNotWeekend {
            date: date(2027, 1, 11),
            weekday: Weekday::Monday
        }
    );
}

#[test]
fn date_both_holiday_and_make_up() {
    // Saturday 2027-01-02 lies in the 元旦 range.
    let p = expect_error("2027-01-09", "2027-01-02", "2027-01-02");
    assert_eq!(
        p,
        Problem::HolidayAndMakeUp {
            date: date(2027, 1, 2),
            holiday: "元旦".to_owned()
        }
    );
}

#[test]
fn holiday_from_after_to() {
    let p = expect_error("from = 2027-02-06", "from = 2027-02-13", "2027-02-13");
    assert_eq!(
        p,
        Problem::FromAfterTo {
            from: date(2027, 2, 13),
            to: date(2027, 2, 12)
        }
    );
}

#[test]
fn dates_outside_their_year() {
    let p = expect_error("to = 2027-02-12", "to = 2028-02-12", "2028-02-12");
    assert!(
        matches!(p, Problem::DateOutsideYear { year: 2027, .. }),
        "{p:?}"
    );
    // Only the last week of December may start a holiday range.
    let p = expect_error("from = 2027-01-01", "from = 2026-12-01", "2026-12-01");
    assert!(
        matches!(p, Problem::DateOutsideYear { year: 2027, .. }),
        "{p:?}"
    );
    // A make-up day never may, even a Saturday in the last week.
    let p = expect_error("2027-01-09", "2026-12-26", "2026-12-26");
    assert!(
        matches!(p, Problem::DateOutsideYear { year: 2027, .. }),
        "{p:?}"
    );
    // A range entirely in the previous year is caught at its end.
    let p = expect_error(
        "from = 2027-01-01, to = 2027-01-03",
        "from = 2026-12-26, to = 2026-12-28",
        "2026-12-28",
    );
    assert!(matches!(p, Problem::DateOutsideYear { .. }), "{p:?}");
    // The legitimate New Year spill is accepted.
    let ok = FAKE_2027.replacen("from = 2027-01-01", "from = 2026-12-31", 1);
    assert!(Calendar::from_toml(&ok).is_ok());
}

#[test]
fn invalid_year_keys() {
    for bad in ["207", "20270", "year2027", "1999", "2100"] {
        let p = expect_error("[years.2027]", &format!("[years.{bad}]"), bad);
        assert!(matches!(p, Problem::InvalidYearKey { .. }), "{bad}: {p:?}");
    }
}

#[test]
fn missing_keys_wrong_types_and_empty_strings() {
    let p = expect_error("notice = \"测试用，非真实通知\"\n", "", "2027]");
    assert!(
        matches!(p, Problem::MissingKey { key: "notice", .. }),
        "{p:?}"
    );
    let p = expect_error(", to = 2027-01-03", "", "{ name = \"元旦\"");
    assert!(matches!(p, Problem::MissingKey { key: "to", .. }), "{p:?}");
    let p = expect_error(
        "from = 2027-01-01",
        "from = \"2027-01-01\"",
        "\"2027-01-01\"",
    );
    assert!(
        matches!(p, Problem::InvalidDate { key: "from", .. }),
        "{p:?}"
    );
    let p = expect_error("2027-01-09", "2027-01-09T08:00:00", "2027-01-09T");
    assert!(
        matches!(p, Problem::InvalidDate { key: "date", .. }),
        "{p:?}"
    );
    let p = expect_error("notice = \"测试用，非真实通知\"", "notice = 7", "7\n");
    assert!(matches!(p, Problem::WrongType { .. }), "{p:?}");
    let p = expect_error("notice = \"测试用，非真实通知\"", "notice = \" \"", "\" \"");
    assert_eq!(p, Problem::Empty { key: "notice" });
    let p = Calendar::from_toml("").expect_err("empty file");
    assert!(
        matches!(p.problem(), Some(Problem::MissingKey { key: "years", .. })),
        "{p:?}"
    );
}

#[test]
fn overlaps_duplicates_and_unknown_holiday_names() {
    let p = expect_error("from = 2027-02-06", "from = 2027-01-03", "2027-01-03,");
    assert!(
        matches!(p, Problem::HolidaysOverlap { date: d, .. } if d == date(2027, 1, 3)),
        "{p:?}"
    );
    let p = expect_error(
        "  { date = 2027-01-09, for = \"元旦\" },\n",
        "  { date = 2027-01-09, for = \"元旦\" },\n  { date = 2027-01-09, for = \"春节\" },\n",
        "2027-01-09, for = \"春节\"",
    );
    assert_eq!(
        p,
        Problem::DuplicateMakeUp {
            date: date(2027, 1, 9)
        }
    );
    let p = expect_error("for = \"元旦\"", "for = \"元宵节\"", "\"元宵节\"");
    assert!(
        matches!(p, Problem::UnknownHoliday { year: 2027, .. }),
        "{p:?}"
    );
}

#[test]
fn cross_year_conflict_in_one_file() {
    let src = r#"[years.2026]
notice = "测试"
holidays = [ { name = "国庆节", from = 2026-10-01, to = 2026-10-07 } ]
workdays = [ { date = 2026-12-26, for = "国庆节" } ]

[years.2027]
notice = "测试"
holidays = [ { name = "元旦", from = 2026-12-26, to = 2027-01-03 } ]
workdays = []
"#;
    let p = expect_error_in(src, "2026-12-26, for");
    assert_eq!(
        p,
        Problem::HolidayAndMakeUp {
            date: date(2026, 12, 26),
            holiday: "元旦".to_owned()
        }
    );
}

#[test]
fn errors_on_later_lines_report_those_lines() {
    // The builtin data with a weekday make-up day far down the file.
    let bad = BUILTIN_TOML.replacen("{ date = 2026-10-10", "{ date = 2026-10-12", 1);
    let err = Calendar::from_toml(&bad).expect_err("invalid");
    assert_eq!(err.location(), Some(pos_of(&bad, "2026-10-12")));
}

// ---------------------------------------------------------------- properties

fn any_covered_date() -> impl Strategy<Value = Date> {
    let days = FIRST.until(LAST).map_or(0, |s| s.get_days());
    (0..=days).prop_map(|i| {
        FIRST
            .checked_add(jiff::Span::new().days(i))
            .expect("in range")
    })
}

proptest! {
    #[test]
    fn due_dates_are_working_days_and_count_back(start in any_covered_date(), n in 0u32..=80) {
        let cal = Calendar::builtin();
        let reckoned = cal.add_working_days(start, n).expect("provisional years follow 2026");
        let due = reckoned.value();
        // Provisional exactly when the count reaches past the official years.
        prop_assert_eq!(reckoned.is_provisional(), due.year() > 2026);
        if n == 0 {
            prop_assert_eq!(due, start);
        } else {
            prop_assert!(due > start);
            prop_assert_eq!(cal.is_working_day(due), Ok(true));
            let next = start.tomorrow().expect("in range");
            prop_assert_eq!(cal.working_days_between(next, due).map(|r| r.value()), Ok(n));
            // No working day is skipped: the day before has one fewer.
            let before = due.yesterday().expect("in range");
            prop_assert_eq!(cal.working_days_between(next, before).map(|r| r.value()), Ok(n - 1));
        }
    }

    #[test]
    fn counts_compose(start in any_covered_date(), a in 1u32..=40, b in 1u32..=40) {
        let cal = Calendar::builtin();
        let total = cal.add_working_days(start, a + b).expect("in the calendar");
        let mid = cal.add_working_days(start, a).expect("earlier than total");
        prop_assert_eq!(
            cal.add_working_days(mid.value(), b).map(|r| r.value()),
            Ok(total.value())
        );
    }

    #[test]
    fn make_up_days_are_weekends_and_never_holidays(d in any_covered_date()) {
        let cal = Calendar::builtin();
        let mut make_up = false;
        let mut holiday = false;
        for year in cal.official_years() {
            let t = cal.year(year).expect("covered");
            make_up |= t.workdays().iter().any(|w| w.date() == d);
            holiday |= t.holidays().iter().any(|h| h.contains(d));
        }
        prop_assert!(!(make_up && holiday), "{} is both", d);
        if make_up {
            prop_assert!(is_weekend(d.weekday()));
            prop_assert_eq!(cal.is_working_day(d), Ok(true));
        }
        if holiday {
            prop_assert_eq!(cal.is_working_day(d), Ok(false));
        }
    }

    /// Random calendar files: whatever validation accepts has weekend make-up days
    /// that lie in no holiday, and a weekday make-up day is always refused.
    #[test]
    fn validation_upholds_the_invariants(
        ranges in prop::collection::vec((1i16..=360, 0i16..=9), 1..6),
        make_ups in prop::collection::vec(1i16..=365, 0..6),
    ) {
        let day = |doy: i16| date(2030, 1, 1).with().day_of_year(doy).build().expect("2030 day");
        let mut src = String::from("[years.2030]\nnotice = \"随机\"\nholidays = [\n");
        for (i, (start, len)) in ranges.iter().enumerate() {
            let from = day(*start);
            let to = day((*start + *len).min(365));
            src.push_str(&format!("  {{ name = \"h{i}\", from = {from}, to = {to} }},\n"));
        }
        src.push_str("]\nworkdays = [\n");
        for doy in &make_ups {
            src.push_str(&format!("  {{ date = {}, for = \"h0\" }},\n", day(*doy)));
        }
        src.push_str("]\n");
        let any_weekday_make_up = make_ups.iter().any(|d| !is_weekend(day(*d).weekday()));
        match Calendar::from_toml(&src) {
            Ok(cal) => {
                prop_assert!(!any_weekday_make_up);
                let t = cal.year(2030).expect("covered");
                for w in t.workdays() {
                    prop_assert!(is_weekend(w.date().weekday()));
                    prop_assert!(t.holidays().iter().all(|h| !h.contains(w.date())));
                    prop_assert_eq!(cal.is_working_day(w.date()), Ok(true));
                }
                for h in t.holidays() {
                    prop_assert_eq!(cal.working_days_between(h.from(), h.to()), fin(0));
                }
            }
            Err(e) => prop_assert!(e.location().is_some(), "{}", e),
        }
    }
}

/// The differences, in calendar days, between the official deadline of `n` working days
/// and the provisional one (statutory holidays only, no make-up days), official minus
/// provisional, over every start day of 2020–2026 whose official deadline the data
/// reaches, as if no year had a notice.
fn whole_years_provisional(n: u32) -> BTreeMap<i32, usize> {
    let official = Calendar::builtin();
    let years: BTreeMap<i16, YearTable> = (2020..=2026)
        .map(|y| (y, statutory::provisional_year(y).expect("computed")))
        .collect();
    let provisional = Calendar::from_years(years);
    let mut histogram = BTreeMap::new();
    for start in every_day(date(2020, 1, 1), date(2026, 12, 31)) {
        let (Ok(o), Ok(p)) = (
            official.add_working_days(start, n),
            provisional.add_working_days(start, n),
        ) else {
            continue;
        };
        if o.value().year() > 2026 || p.value().year() > 2026 {
            continue;
        }
        let diff = p.value().until(o.value()).expect("days").get_days();
        *histogram.entry(diff).or_insert(0) += 1;
    }
    histogram
}

/// The same, as it really happens: the official data ends with year Y, a deadline from a
/// start day of Y runs into Y + 1 provisionally, and the notice of Y + 1 then comes out.
/// Over every start day of 2020–2025 whose deadline is provisional.
fn year_end_provisional(n: u32) -> BTreeMap<i32, usize> {
    let official = Calendar::builtin();
    let mut histogram = BTreeMap::new();
    for last in 2020..=2025 {
        let known: BTreeMap<i16, YearTable> = (2020..=last)
            .filter_map(|y| official.year(y).map(|t| (y, t.clone())))
            .collect();
        let partial = Calendar::from_years(known);
        for start in every_day(date(last, 1, 1), date(last, 12, 31)) {
            let p = partial.add_working_days(start, n).expect("provisional");
            if !p.is_provisional() {
                continue;
            }
            let o = official.add_working_days(start, n).expect("official");
            let diff = p.value().until(o.value()).expect("days").get_days();
            *histogram.entry(diff).or_insert(0) += 1;
        }
    }
    histogram
}

/// The numbers docs/calendar.md and the notices' caveat quote; a change to the statutory
/// rules or the data that moves them fails here, so the wording cannot drift.
#[test]
fn provisional_deadlines_measured_against_the_official_years() {
    let whole = whole_years_provisional(20);
    let year_end = year_end_provisional(20);
    eprintln!("whole years: {whole:?}\nyear end: {year_end:?}");
    let total: usize = whole.values().sum();
    let same = whole.get(&0).copied().unwrap_or(0);
    assert_eq!(total, 2529);
    assert_eq!(same, 1709);
    assert_eq!(whole.keys().next(), Some(&-8));
    assert_eq!(whole.keys().next_back(), Some(&8));
    let total: usize = year_end.values().sum();
    let same = year_end.get(&0).copied().unwrap_or(0);
    assert_eq!((same, total), (106, 165));
    assert_eq!(year_end.keys().next(), Some(&-7));
    assert_eq!(year_end.keys().next_back(), Some(&8));
}
