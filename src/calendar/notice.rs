//! Reading the State Council's holiday notice as published, so that adding a year is one
//! command and not a transcription by hand.
//!
//! The yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) has kept one form since
//! 2008: numbered items, one per festival,
//!
//! ```text
//! 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
//! ```
//!
//! — the days off (a date, or a range whose end may leave out the year and month it
//! shares with the start), a day count, then the weekend days made working days. The
//! rare amending notice (国办发明电〔2020〕1号) extends one festival's break:
//! `延长2020年春节假期至2月2日（…）`. Everything the text states twice is checked
//! against itself: a weekday in brackets must be the date's weekday, `共N天` must be the
//! range's length. Text copied from a web page with ASCII punctuation, indented with
//! full-width spaces or wrapped mid-item reads the same.
//!
//! Pure: text in, year tables out.

use jiff::civil::{Date, Weekday};
use regex_lite::Regex;

use super::{Holiday, MakeUpDay, Standing, YearTable};

/// A notice that could not be read, with the 1-based line of the text it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct NoticeError {
    /// 1-based line of the notice's text (0 when the problem is the whole text).
    pub line: usize,
    /// What is wrong there, and what the notice should say.
    pub problem: String,
}

/// What one notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A yearly notice: the year's whole table.
    Year(YearTable),
    /// An amending notice extending one festival's break of a year.
    Extension {
        /// The year amended.
        year: i16,
        /// The festival whose break is extended, e.g. 春节.
        holiday: String,
        /// The new last day off.
        to: Date,
        /// How the notice is cited in the table, e.g.
        /// "国办发明电〔2020〕1号（2020-01-26，春节假期延长至2月2日）".
        reference: String,
    },
}

/// Reads one notice's text.
///
/// # Errors
///
/// [`NoticeError`] with the line: no title naming the year, an item whose days off or
/// make-up days cannot be read, a weekday or day count that contradicts its dates, or
/// no item at all.
pub fn parse(text: &str) -> Result<Notice, NoticeError> {
    let lines = paragraphs(text);
    let whole: String = lines.iter().map(|(_, l)| l.as_str()).collect();
    let reference = |date_note: &str| {
        let number = document_number(&whole);
        let signed = signed_on(&lines);
        cite(number.as_deref(), signed, date_note)
    };
    let re = Patterns::new();
    if let Some(c) = re.extension.captures(&whole) {
        let year = number_in(&c, 1).and_then(|y| i16::try_from(y).ok());
        let Some(year) = year else {
            return Err(at(
                0,
                &crate::tr!(
                    "延长假期的年份无法识别",
                    "the year of the extended break is not a year"
                ),
            ));
        };
        let holiday = c[2].to_owned();
        let line = lines
            .iter()
            .find(|(_, l)| l.contains("延长") && l.contains("假期至"))
            .map_or(0, |(n, _)| *n);
        let to = re.date(&c[3], year, None, line)?;
        let note = format!("{holiday}假期延长至{}月{}日", to.month(), to.day());
        return Ok(Notice::Extension {
            year,
            holiday,
            to,
            reference: reference(&note),
        });
    }
    let Some(c) = re.title.captures(&whole) else {
        return Err(at(
            0,
            &crate::tr!(
                "没有“国务院办公厅关于YYYY年部分节假日安排的通知”（或“关于延长YYYY年春节假期的通知”）这样的标题：请从标题起复制通知全文",
                "no title 国务院办公厅关于YYYY年部分节假日安排的通知 (or 关于延长YYYY年春节假期的通知): copy the notice from its title on"
            ),
        ));
    };
    let Some(year) = number_in(&c, 1).and_then(|y| i16::try_from(y).ok()) else {
        return Err(at(
            0,
            &crate::tr!("标题中的年份无法识别", "the title's year is not a year"),
        ));
    };
    let mut holidays: Vec<Holiday> = Vec::new();
    let mut workdays: Vec<MakeUpDay> = Vec::new();
    for (line, text) in &lines {
        let Some(item) = re.item.captures(text) else {
            continue;
        };
        let name = item[1].to_owned();
        let body = &item[2];
        // Items that are not a festival's dates (none in a yearly notice so far) have
        // no 放假 in their first sentence.
        let mut sentences = body.split('。').filter(|s| !s.is_empty());
        let Some(first) = sentences.next().filter(|s| s.contains("放假")) else {
            continue;
        };
        let holiday = re.holiday(first, &name, year, *line)?;
        holidays.push(holiday);
        for sentence in sentences {
            if let Some(days) = sentence.strip_suffix("上班") {
                for day in outside_brackets(days, '、') {
                    let date = re.date(day, year, None, *line)?;
                    workdays.push(MakeUpDay {
                        date,
                        serves: name.clone(),
                    });
                }
            }
        }
    }
    if holidays.is_empty() {
        return Err(at(
            0,
            &crate::tr!(
                "没有找到节日条目（一、元旦：1月1日放假，共1天。…）：请照原文复制通知的各条",
                "no festival item (一、元旦：1月1日放假，共1天。…) found: copy the notice's numbered items as published"
            ),
        ));
    }
    Ok(Notice::Year(YearTable {
        year,
        notice: reference(""),
        holidays,
        workdays,
        standing: Standing::Official,
    }))
}

/// Applies an extension to the year it amends: the festival's break ends later, a
/// make-up day now inside it is cancelled (as 2020-02-01 was), and the amending notice
/// is cited after the first.
///
/// # Errors
///
/// A message when the table has no festival of that name.
pub fn extend(
    table: &mut YearTable,
    holiday: &str,
    to: Date,
    reference: &str,
) -> Result<(), String> {
    let Some(h) = table.holidays.iter_mut().find(|h| h.name == holiday) else {
        let year = table.year;
        return Err(crate::tr!(
            "{year} 年的通知中没有可延长的{holiday}",
            "the {year} notice has no festival {holiday} to extend"
        ));
    };
    h.to = to;
    let range = h.clone();
    table.workdays.retain(|w| !range.contains(w.date));
    table.notice = format!("{}；{reference}", table.notice);
    Ok(())
}

/// A year table as a calendar file, in the layout of `calendars/cn.toml`.
pub fn to_toml(tables: &[YearTable]) -> String {
    let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut out = String::from(
        "# Written by `yanshou calendar import` from the State Council's holiday notice.\n# Check it against the notice before use (docs/calendar.md).\n",
    );
    for table in tables {
        out.push_str(&format!(
            "\n[years.{}]\nnotice = {}\nholidays = [\n",
            table.year,
            quote(&table.notice)
        ));
        for h in &table.holidays {
            out.push_str(&format!(
                "  {{ name = {}, from = {}, to = {} }},\n",
                quote(&h.name),
                h.from,
                h.to
            ));
        }
        out.push_str("]\nworkdays = [");
        for w in &table.workdays {
            out.push_str(&format!(
                "\n  {{ date = {}, for = {} }},",
                w.date,
                quote(&w.serves)
            ));
        }
        if !table.workdays.is_empty() {
            out.push('\n');
        }
        out.push_str("]\n");
    }
    out
}

/// The notice's lines, trimmed, with ASCII punctuation made full-width as the notice
/// prints it, and a line that does not end a sentence joined to the next (a page copied
/// with its lines wrapped). Each keeps the number of the line it starts on.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                ':' => '：',
                ',' => '，',
                '[' => '〔',
                ']' => '〕',
                c => c,
            })
            .collect();
        if line.is_empty() {
            open = false;
            continue;
        }
        let starts_item = line
            .chars()
            .next()
            .is_some_and(|c| "一二三四五六七八九十".contains(c))
            && line.contains('、');
        match out.last_mut() {
            Some((_, last)) if open && !starts_item => last.push_str(&line),
            _ => out.push((i + 1, line.clone())),
        }
        // A title, a number, a salutation, a signature or a date ends its own line.
        open = !(line.ends_with('。')
            || line.ends_with('：')
            || line.ends_with("通知")
            || line.ends_with('号')
            || line.ends_with('日')
            || line.ends_with("国务院办公厅"));
    }
    out
}

/// 国办发明电〔2024〕12号, if the text gives it.
fn document_number(whole: &str) -> Option<String> {
    let re = Regex::new(r"国办发明电〔\d{4}〕\d+号").ok()?;
    re.find(whole).map(|m| m.as_str().to_owned())
}

/// The date under the signature: the last line that is only a date.
fn signed_on(lines: &[(usize, String)]) -> Option<Date> {
    let re = Regex::new(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$").ok()?;
    lines.iter().rev().find_map(|(_, l)| {
        let c = re.captures(l)?;
        let (y, m, d) = (number_in(&c, 1)?, number_in(&c, 2)?, number_in(&c, 3)?);
        Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
    })
}

/// How a table cites its notice: "国办发明电〔2024〕12号（2024-11-12）".
fn cite(number: Option<&str>, signed: Option<Date>, note: &str) -> String {
    let number = number.unwrap_or("国务院办公厅关于部分节假日安排的通知");
    let inner: Vec<String> = signed
        .map(|d| d.to_string())
        .into_iter()
        .chain((!note.is_empty()).then(|| note.to_owned()))
        .collect();
    if inner.is_empty() {
        number.to_owned()
    } else {
        format!("{number}（{}）", inner.join("，"))
    }
}

fn number_in(c: &regex_lite::Captures<'_>, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

fn at(line: usize, problem: &str) -> NoticeError {
    NoticeError {
        line,
        problem: problem.to_owned(),
    }
}

/// The patterns of a notice, compiled once per notice.
struct Patterns {
    title: Regex,
    extension: Regex,
    item: Regex,
    /// One date: `2022年12月31日`, `1月28日（农历除夕、周二）`, `23日（…）`.
    date: Regex,
    count: Regex,
}

impl Patterns {
    fn new() -> Patterns {
        let compile = |p: &str| Regex::new(p).expect("the notice patterns are valid");
        Patterns {
            title: compile(r"关于(\d{4})年部分节假日安排的通知"),
            extension: compile(r"延长(\d{4})年([^假]+)假期至(\d{1,2}月\d{1,2}日(?:（[^）]*）)?)"),
            item: compile(r"^[一二三四五六七八九十]+、([^：]+)：(.+)$"),
            date: compile(r"^(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^）]*)）)?$"),
            count: compile(r"(?:共|放假)(\d+)天"),
        }
    }

    /// The days off of one item's first sentence: `D放假…` or `D至D放假…`, checked
    /// against its `共N天`.
    fn holiday(
        &self,
        sentence: &str,
        name: &str,
        year: i16,
        line: usize,
    ) -> Result<Holiday, NoticeError> {
        let (dates, rest) = sentence.split_once("放假").unwrap_or((sentence, ""));
        let (from_text, to_text) = match dates.split_once('至') {
            Some((a, b)) => (a, Some(b)),
            None => (dates, None),
        };
        let from = self.date(from_text, year, None, line)?;
        let to = match to_text {
            Some(t) => self.date(t, year, Some(from), line)?,
            None => from,
        };
        if to < from {
            return Err(at(
                line,
                &crate::tr!(
                    "{name}：假期的结束（{to}）早于开始（{from}）",
                    "{name}: the break ends ({to}) before it starts ({from})"
                ),
            ));
        }
        let holiday = Holiday {
            name: name.to_owned(),
            from,
            to,
        };
        let count = self
            .count
            .captures(&format!("放假{rest}"))
            .and_then(|c| number_in(&c, 1));
        if let Some(n) = count
            && i64::from(n) != i64::from(holiday.days())
        {
            return Err(at(line, &{
                let days = holiday.days();
                crate::tr!(
                    "{name}：{from} 至 {to} 是 {days} 天，通知却写共 {n} 天：请核对日期",
                    "{name}: {from} to {to} is {days} days, but the notice says {n}: check the dates"
                )
            }));
        }
        Ok(holiday)
    }

    /// One date of the notice. The year is the notice's unless written; a range's end
    /// (`after` its start) takes the start's month when it leaves it out. A weekday in
    /// brackets must be the date's.
    fn date(
        &self,
        text: &str,
        year: i16,
        after: Option<Date>,
        line: usize,
    ) -> Result<Date, NoticeError> {
        let unreadable = || {
            at(
                line,
                &crate::tr!(
                    "无法识别日期“{text}”：通知里的日期写作 1月28日（周二） 或 2022年12月31日",
                    "cannot read the date \"{text}\": a notice writes dates as 1月28日（周二） or 2022年12月31日"
                ),
            )
        };
        let c = self.date.captures(text).ok_or_else(unreadable)?;
        let y = match number_in(&c, 1) {
            Some(y) => i16::try_from(y).map_err(|_| unreadable())?,
            None => after.map_or(year, |a| a.year()),
        };
        let m = match number_in(&c, 2) {
            Some(m) => i8::try_from(m).map_err(|_| unreadable())?,
            None => after.map(|a| a.month()).ok_or_else(unreadable)?,
        };
        let d = number_in(&c, 3)
            .and_then(|d| i8::try_from(d).ok())
            .ok_or_else(unreadable)?;
        let date = Date::new(y, m, d).map_err(|_| {
            at(
                line,
                &crate::tr!(
                    "“{text}”不是 {y} 年的日期",
                    "\"{text}\" is not a date of {y}"
                ),
            )
        })?;
        if let Some(note) = c.get(4)
            && let Some(named) = weekday_in(note.as_str())
            && named != date.weekday()
        {
            return Err(at(line, &{
                let actual = date.weekday();
                let (actual_zh, named_zh) = (
                    super::error::weekday_zh(actual),
                    super::error::weekday_zh(named),
                );
                crate::tr!(
                    "“{text}”：{date} 是{actual_zh}，不是通知所写的{named_zh}：请核对日期",
                    "\"{text}\": {date} is a {actual:?}, not the {named:?} the notice names: check the date"
                )
            }));
        }
        Ok(date)
    }
}

/// `text` split at `sep` where it is not inside brackets (`（农历除夕、周二）` holds one).
fn outside_brackets(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '（' => depth += 1,
            '）' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The weekday a bracket names: `周二`, `星期日`, `农历除夕、周二`.
fn weekday_in(note: &str) -> Option<Weekday> {
    let after = note
        .split_once("星期")
        .or_else(|| note.split_once('周'))
        .map(|(_, rest)| rest)?;
    Some(match after.chars().next()? {
        '一' => Weekday::Monday,
        '二' => Weekday::Tuesday,
        '三' => Weekday::Wednesday,
        '四' => Weekday::Thursday,
        '五' => Weekday::Friday,
        '六' => Weekday::Saturday,
        '日' | '天' => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const NOTICE: &str = "国务院办公厅关于2026年部分节假日安排的通知\n国办发明电〔2025〕7号\n一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。\n二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。\n国务院办公厅\n2025年11月4日\n";

    fn year(text: &str) -> YearTable {
        match parse(text) {
            Ok(Notice::Year(t)) => t,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn items_ranges_and_make_up_days() {
        let t = year(NOTICE);
        assert_eq!(t.year, 2026);
        assert_eq!(t.notice, "国办发明电〔2025〕7号（2025-11-04）");
        assert_eq!(t.holidays[1].from, date(2026, 2, 15));
        assert_eq!(t.holidays[1].to, date(2026, 2, 23));
        let days: Vec<_> = t
            .workdays
            .iter()
            .map(|w| (w.date, w.serves.as_str()))
            .collect();
        assert_eq!(
            days,
            vec![
                (date(2026, 1, 4), "元旦"),
                (date(2026, 2, 14), "春节"),
                (date(2026, 2, 28), "春节")
            ]
        );
    }

    #[test]
    fn ascii_punctuation_indents_and_wrapped_lines_read_the_same() {
        let messy = NOTICE
            .replace('（', "(")
            .replace('）', ")")
            .replace('：', ":")
            .replace("至23日", "至\n23日")
            .replace("一、", "\u{3000}\u{3000}一、");
        assert_eq!(year(&messy), year(NOTICE));
    }

    #[test]
    fn a_wrong_weekday_or_count_is_refused_with_its_line() {
        let err = parse(&NOTICE.replace("1月4日（周日）", "1月4日（周六）")).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.problem.contains("Sunday"), "{err}");
        let err = parse(&NOTICE.replace("共9天", "共8天")).unwrap_err();
        assert_eq!(err.line, 4, "{err}");
        assert!(err.problem.contains("9 days"), "{err}");
    }

    #[test]
    fn text_that_is_not_a_notice_is_refused() {
        assert_eq!(parse("hello").unwrap_err().line, 0);
        let err = parse("国务院办公厅关于2027年部分节假日安排的通知\n正文略。\n").unwrap_err();
        assert!(err.problem.contains("no festival item"), "{err}");
    }

    #[test]
    fn an_extension_cancels_the_make_up_days_it_covers() {
        let mut t = year(
            "国务院办公厅关于2020年部分节假日安排的通知\n二、春节：1月24日至30日放假调休，共7天。1月19日（星期日）、2月1日（星期六）上班。\n",
        );
        let Ok(Notice::Extension {
            year,
            holiday,
            to,
            reference,
        }) = parse(
            "国务院办公厅关于延长2020年春节假期的通知\n国办发明电〔2020〕1号\n一、延长2020年春节假期至2月2日（农历正月初九，星期日），2月3日（星期一）起正常上班。\n国务院办公厅\n2020年1月26日\n",
        )
        else {
            panic!("an extension")
        };
        assert_eq!(
            (year, holiday.as_str(), to),
            (2020, "春节", date(2020, 2, 2))
        );
        extend(&mut t, &holiday, to, &reference).unwrap();
        assert_eq!(t.holidays[0].to, date(2020, 2, 2));
        assert_eq!(t.workdays.len(), 1);
        assert!(
            t.notice
                .ends_with("；国办发明电〔2020〕1号（2020-01-26，春节假期延长至2月2日）")
        );
        assert!(extend(&mut t, "端午节", to, "x").is_err());
    }
}
