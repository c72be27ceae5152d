//! The provisional calendar of a year whose holiday notice is not out yet.
//!
//! The State Council publishes next year's arrangement (放假调休) between late October and
//! December, so every year has weeks in which a 20-working-day deadline reaches into a
//! year nobody has the notice of. What the law fixes in advance is the statutory holidays
//! themselves (《全国年节及纪念日放假办法》, as revised in 2024, article 2): 元旦 1 day,
//! 春节 4 days from 除夕, 清明节 1, 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3. Which weekend days
//! the notice will add to them, and which weekends it will make working days, nobody
//! knows; so a provisional year is Monday to Friday less exactly those days, with no
//! make-up working days.
//!
//! The lunar festivals and 清明 (a solar term) are computed by tyme4rs, the calendar
//! library of 6tail (ShouXing astronomical algorithms), not by a hand table.

use jiff::civil::Date;
use tyme4rs::tyme::Tyme;
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

use super::{Holiday, Standing, YearTable};

/// Where the days of a provisional year come from, shown where the notice of an official
/// year would be.
pub(super) const BASIS: &str = "暂定：《全国年节及纪念日放假办法》（2024年修订）规定的法定节假日，无调休（国务院尚未公布当年放假安排）";

/// The statutory holidays of `year` as a provisional year table, or `None` if the lunar
/// library cannot place a festival of that year (outside the years it computes).
pub(super) fn provisional_year(year: i16) -> Option<YearTable> {
    let y = isize::from(year);
    let spring = solar(LunarDay::new(y, 1, 1).ok()?.get_solar_day().next(-1))?;
    let qingming = solar(SolarTerm::new(y, "清明").ok()?.get_solar_day())?;
    let dragon_boat = solar(LunarDay::new(y, 5, 5).ok()?.get_solar_day())?;
    let mid_autumn = solar(LunarDay::new(y, 8, 15).ok()?.get_solar_day())?;
    let day = |m: i8, d: i8| Date::new(year, m, d).ok();
    let mut ranges = vec![
        ("元旦", day(1, 1)?, day(1, 1)?),
        (
            "春节",
            spring,
            spring.checked_add(jiff::Span::new().days(3)).ok()?,
        ),
        ("清明节", qingming, qingming),
        ("劳动节", day(5, 1)?, day(5, 2)?),
        ("端午节", dragon_boat, dragon_boat),
        ("中秋节", mid_autumn, mid_autumn),
        ("国庆节", day(10, 1)?, day(10, 3)?),
    ];
    // By first day, the longer range first, so a merged break is named 国庆节、中秋节.
    ranges.sort_by_key(|&(_, from, to)| (from, std::cmp::Reverse(to)));
    Some(YearTable {
        year,
        notice: BASIS.to_owned(),
        holidays: merge(ranges),
        workdays: Vec::new(),
        standing: Standing::Provisional,
    })
}

/// Festivals whose days overlap become one range named after both, in date order, as a
/// notice names a merged break ("国庆节、中秋节": 中秋 falls on 10-01 to 10-03 about one year
/// in eight).
fn merge(sorted: Vec<(&str, Date, Date)>) -> Vec<Holiday> {
    let mut merged: Vec<Holiday> = Vec::new();
    for (name, from, to) in sorted {
        if let Some(last) = merged.last_mut()
            && from <= last.to
        {
            last.name = format!("{}、{name}", last.name);
            last.to = last.to.max(to);
            continue;
        }
        merged.push(Holiday {
            name: name.to_owned(),
            from,
            to,
        });
    }
    merged
}

fn solar(day: SolarDay) -> Option<Date> {
    let year = i16::try_from(day.get_year()).ok()?;
    let month = i8::try_from(day.get_month()).ok()?;
    let d = i8::try_from(day.get_day()).ok()?;
    Date::new(year, month, d).ok()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn days(year: i16) -> Vec<(String, Date, Date)> {
        provisional_year(year)
            .expect("a year the lunar library computes")
            .holidays
            .into_iter()
            .map(|h| (h.name, h.from, h.to))
            .collect()
    }

    #[test]
    fn the_festivals_of_2020_to_2026_fall_inside_the_official_breaks() {
        // Dates from the official notices: every statutory day lies in the break the
        // notice gave it (the notices only ever add weekend days around them).
        let expected: &[(i16, [Date; 4])] = &[
            // 除夕, 清明, 端午, 中秋
            (
                2021,
                [
                    date(2021, 2, 11),
                    date(2021, 4, 4),
                    date(2021, 6, 14),
                    date(2021, 9, 21),
                ],
            ),
            (
                2022,
                [
                    date(2022, 1, 31),
                    date(2022, 4, 5),
                    date(2022, 6, 3),
                    date(2022, 9, 10),
                ],
            ),
            (
                2023,
                [
                    date(2023, 1, 21),
                    date(2023, 4, 5),
                    date(2023, 6, 22),
                    date(2023, 9, 29),
                ],
            ),
            (
                2024,
                [
                    date(2024, 2, 9),
                    date(2024, 4, 4),
                    date(2024, 6, 10),
                    date(2024, 9, 17),
                ],
            ),
            (
                2025,
                [
                    date(2025, 1, 28),
                    date(2025, 4, 4),
                    date(2025, 5, 31),
                    date(2025, 10, 6),
                ],
            ),
            (
                2026,
                [
                    date(2026, 2, 16),
                    date(2026, 4, 5),
                    date(2026, 6, 19),
                    date(2026, 9, 25),
                ],
            ),
        ];
        for (year, [eve, qingming, dragon, autumn]) in expected {
            let got = days(*year);
            let find = |name: &str| {
                got.iter()
                    .find(|(n, ..)| n == name)
                    .map(|&(_, f, t)| (f, t))
                    .unwrap_or_else(|| panic!("{year} has no {name}: {got:?}"))
            };
            assert_eq!(
                find("春节"),
                (*eve, eve.checked_add(jiff::Span::new().days(3)).unwrap())
            );
            assert_eq!(find("清明节"), (*qingming, *qingming), "{year}");
            assert_eq!(find("端午节"), (*dragon, *dragon), "{year}");
            assert_eq!(find("中秋节"), (*autumn, *autumn), "{year}");
            assert_eq!(find("元旦"), (date(*year, 1, 1), date(*year, 1, 1)));
            assert_eq!(find("劳动节"), (date(*year, 5, 1), date(*year, 5, 2)));
            assert_eq!(find("国庆节"), (date(*year, 10, 1), date(*year, 10, 3)));
        }
    }

    #[test]
    fn mid_autumn_on_national_day_is_one_break() {
        // 2020: 中秋 fell on 10-01, as it will in 2031 (10-01) and 2028 (10-03).
        assert_eq!(
            days(2020).last(),
            Some(&(
                "国庆节、中秋节".to_owned(),
                date(2020, 10, 1),
                date(2020, 10, 3)
            ))
        );
        assert!(days(2028).iter().any(|(n, ..)| n == "国庆节、中秋节"));
    }

    #[test]
    fn the_years_2027_and_2028() {
        assert_eq!(
            days(2027),
            vec![
                ("元旦".to_owned(), date(2027, 1, 1), date(2027, 1, 1)),
                ("春节".to_owned(), date(2027, 2, 5), date(2027, 2, 8)),
                ("清明节".to_owned(), date(2027, 4, 5), date(2027, 4, 5)),
                ("劳动节".to_owned(), date(2027, 5, 1), date(2027, 5, 2)),
                ("端午节".to_owned(), date(2027, 6, 9), date(2027, 6, 9)),
                ("中秋节".to_owned(), date(2027, 9, 15), date(2027, 9, 15)),
                ("国庆节".to_owned(), date(2027, 10, 1), date(2027, 10, 3)),
            ]
        );
    }

    #[test]
    fn every_year_to_2099_has_thirteen_days_in_order() {
        for year in 2020..=2099 {
            let table = provisional_year(year).expect("computed");
            let total: i32 = table.holidays.iter().map(Holiday::days).sum();
            // 13 statutory days; fewer only when 中秋 falls inside 国庆's three.
            assert!((12..=13).contains(&total), "{year}: {total}");
            assert!(
                table.holidays.windows(2).all(|w| w[0].to < w[1].from),
                "{year}"
            );
            assert!(table.holidays.iter().all(|h| h.to.year() == year));
        }
    }
}
