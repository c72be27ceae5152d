//! Values as people type them in spreadsheet cells and forms, and the canonical text written
//! back (docs/forms.md, "Values as people type them").
//!
//! A cell is read in three steps: blank cells are "not recorded", a not-applicable marker
//! (`不适用：reason`, `N/A`) is recognised whatever the item, and only then is the text read
//! as the item's kind expects. The result is a [`Raw`] that [`Kind::accept`] still checks,
//! so a cell and a TOML record holding the same value are judged by the same code: this
//! module decides what a text *says* (`２个` is 2), never whether that value is acceptable
//! (a negative area parses here and is refused by the kind with its own message).
//!
//! Full-width forms (`６０`, `Ｎ／Ａ`) come from Chinese input methods left in full-width
//! mode; they are folded to ASCII for numbers, dates and markers only. Member names and free
//! text are kept exactly as written, because they are compared with the checklist's own
//! spelling.

use jiff::Span;
use std::borrow::Cow;

use jiff::civil::Date;

use crate::checklist::kinds::{Kind, Raw, Value, format_number};

/// A spreadsheet cell read for one item.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing written (or only spaces): the item was not recorded.
    Empty,
    /// A value, still to be checked by the item's kind with [`Kind::accept`].
    Value(Raw),
    /// The item does not apply to the site. The reason is empty when the cell gave none;
    /// the long layout then takes it from its `note` column.
    NotApplicable(String),
}

/// Markers of a not-applicable cell, in half-width lower case. `n/a` comes before `na` only
/// for readability: neither is a prefix of the other.
const NOT_APPLICABLE: &[&str] = &["不适用", "n/a", "na"];

/// Whether `c` separates the members of a list cell: `、` `，` `,` `；` `;` `／` `/` and
/// line breaks. A `match`, which the compiler turns into a few comparisons, where an array
/// pattern would try all nine for every character of a cell.
fn is_list_separator(c: char) -> bool {
    matches!(c, '、' | '，' | ',' | '；' | ';' | '／' | '/' | '\n' | '\r')
}

/// Cells of an `includes` item that mean "none of the members found", in half-width lower
/// case (so `（无）` and `NONE` count too).
const NOTHING_FOUND: &[&str] = &["无", "(无)", "none", "-"];

/// Measure words a count may carry whatever its item's unit (`4名`, `2个`).
const MEASURE_WORDS: &[&str] = &["个", "名", "人", "台", "项"];

/// Ways of writing the same unit. An item in any one of a group accepts all of the group,
/// so `60平方米` is read for an item in m² but not for one in m.
const UNIT_GROUPS: &[&[&str]] = &[&["m²", "㎡", "m2", "平方米", "平米", "平方"], &["m", "米"]];

/// Longest part of a cell quoted in a message; a pasted paragraph would drown the point.
const QUOTE_LIMIT: usize = 40;

/// The accepted date forms, for messages.
fn date_forms() -> String {
    crate::tr!(
        "2020-06-02、2020/6/2、2020.6.2、2020年6月2日或 Excel 日期序号（如 43984）",
        "2020-06-02, 2020/6/2, 2020.6.2, 2020年6月2日 or an Excel serial number such as 43984"
    )
}

/// The first Excel serial (1900-01-01) and the last (9999-12-31).
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 1.0..=2_958_465.0;

/// Excel's serial 60 is 1900-02-29, a day that never was: Lotus 1-2-3 treated 1900 as a
/// leap year and Excel kept the mistake for compatibility. Serials after it are therefore
/// one day ahead of a plain count from 1899-12-31, and are counted from 1899-12-30.
const FICTITIOUS_LEAP_DAY: i64 = 60;

/// Day 0 for serials before the fictitious leap day.
const EPOCH_BEFORE_LEAP_DAY: Date = Date::constant(1899, 12, 31);

/// Day 0 for serials after it.
const EPOCH_AFTER_LEAP_DAY: Date = Date::constant(1899, 12, 30);

/// Parses a cell typed for an item of `kind`. Err is a message saying what was found and
/// what is accepted for this kind (the caller prefixes file, row, column and item).
pub fn parse_cell(kind: &Kind, text: &str) -> Result<Cell, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Cell::Empty);
    }
    if let Some(reason) = not_applicable(text) {
        return Ok(Cell::NotApplicable(reason.to_owned()));
    }
    // `不适用 租用旧楼` or `不适用，租用旧楼` means not applicable but lacks the colon; read
    // as a value it would be a puzzling "not a number" or, worse, a list holding 不适用.
    // Free text is taken as written: that is what a text item is for.
    if !matches!(kind, Kind::Text(_)) && misplaced_not_applicable(text) {
        let q = quote(text);
        return Err(crate::tr!(
            "{q} 以“不适用”开头，但理由前没有冒号：请写“不适用：理由”，或只写“不适用”",
            "{q} starts with 不适用 but has no colon before the reason: write 不适用：reason, or 不适用 alone"
        ));
    }
    let raw = match kind {
        Kind::Number(k) => parse_number(text, &k.unit)?,
        Kind::Count(k) => parse_count(text, &k.unit)?,
        Kind::Rule(k) => parse_count(text, &k.unit)?,
        Kind::YesNo(_) => match parse_yes_no(text) {
            Some(b) => Raw::Bool(b),
            None => {
                let q = quote(text);
                return Err(crate::tr!(
                    "{q} 不是“是/否”的回答：请写 是 或 否（也可写 有 无 √ × ✓ ✗ ✔ ✘ Y N yes no true false，不分大小写）",
                    "{q} is not a yes/no answer: write 是 or 否 (also accepted: 有 无 √ × ✓ ✗ ✔ ✘ Y N yes no true false, in any case)"
                ));
            }
        },
        Kind::Includes(_) => Raw::List(parse_list(text)),
        Kind::Text(_) => Raw::Text(text.to_owned()),
    };
    Ok(Cell::Value(raw))
}

/// A cell read in its canonical form ([`read_canonical`]).
#[derive(Debug, PartialEq)]
pub enum Canonical<'t> {
    /// A number, count or yes/no answer, as [`parse_cell`] and [`Kind::accept`] make it.
    Value(Value),
    /// An `includes` cell as written, for [`members_named`], without building the set.
    Members(&'t str),
    /// Text as written: judged where it lies rather than copied into a [`Value::Text`].
    Text(&'t str),
}

/// The value of a cell in exactly the form [`format_value`] (and so `convert` and the
/// forms) writes it, or `None` for anything else, which [`parse_cell`] then reads. The
/// fast path of large files reads cells this way; wherever it gives a value, [`parse_cell`]
/// and [`Kind::accept`] give the same (a property test over arbitrary checklist settings
/// holds them together).
pub fn read_canonical<'t>(kind: &Kind, text: &'t str) -> Option<Canonical<'t>> {
    let plain = |t: &str| !t.is_empty() && !padded(t);
    match kind {
        // Digits leave no room for white space at either end.
        Kind::Number(_) => {
            // Up to 15 digits every decimal is held exactly; longer ones go to the full
            // reading, which refuses what cannot be.
            let ok = text.bytes().next()?.is_ascii_digit()
                && text.len() <= 15
                && text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            ok.then(|| {
                text.parse::<f64>()
                    .ok()
                    .map(|n| Canonical::Value(Value::Number(n)))
            })?
        }
        Kind::Count(_) | Kind::Rule(_) => {
            let ok =
                !text.is_empty() && text.len() < 18 && text.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| {
                text.parse::<i64>()
                    .ok()
                    .map(|n| Canonical::Value(Value::Count(n)))
            })?
        }
        Kind::YesNo(_) => match text {
            "是" => Some(Canonical::Value(Value::Bool(true))),
            "否" => Some(Canonical::Value(Value::Bool(false))),
            _ => None,
        },
        Kind::Includes(_) => plain(text).then_some(Canonical::Members(text)),
        // Not applicable in any of its spellings (`Ｎ／Ａ：租用`) is for the full reader.
        Kind::Text(_) => (plain(text) && !is_not_applicable(text)).then_some(Canonical::Text(text)),
    }
}

/// The set an `includes` cell in canonical form records when each of its `、`-separated
/// pieces is one of `members`: put in `set`, in the order written and without duplicates,
/// as [`parse_cell`] and [`Kind::accept`] read it. `false` decides nothing: a piece that is
/// anything else (an alias, a misspelling, another separator) leaves the cell to the
/// general reading. Only for members that are each [`is_plain_member`]. The strings `set`
/// holds are refilled rather than dropped: the fast path keeps `set` from row to row.
pub fn members_named(members: &[String], text: &str, set: &mut Vec<String>) -> bool {
    let mut len = 0;
    for piece in text.split('、') {
        if !members.iter().any(|m| m == piece) {
            return false;
        }
        if set[..len].iter().any(|m| m == piece) {
            continue;
        }
        match set.get_mut(len) {
            Some(held) => {
                held.clear();
                held.push_str(piece);
            }
            None => set.push(piece.to_owned()),
        }
        len += 1;
    }
    set.truncate(len);
    true
}

/// The canonical cell text of a value, such that [`parse_cell`] of it gives a [`Raw`] that
/// [`Kind::accept`] turns back into exactly `value`.
///
/// Numbers are written without their unit and counts without a measure word, so a column
/// reads the same whoever wrote it. Every value a reader gives has a cell text that reads
/// back: an empty or not-applicable-looking text (`""`, `N/A`) is read as unrecorded or not
/// applicable in a TOML string too, and a TOML member holding a list separator (`A/B`) is
/// split as a cell's would be.
///
/// The kind is not consulted today, because every value carries its own shape; it is part
/// of the signature so that a kind whose canonical text depends on its settings can be
/// added without changing every caller.
pub fn format_value(_kind: &Kind, value: &Value) -> String {
    match value {
        // Display of f64 is the shortest text that parses back to the same number and never
        // uses an exponent, which parse_cell refuses; format_number rounds to 6 places.
        Value::Number(n) => format!("{n}"),
        Value::Count(c) => c.to_string(),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Text(t) => t.clone(),
        Value::Set(members) => format_list(members),
    }
}

/// "不适用：reason", or "不适用" alone when the reason is empty.
pub fn format_not_applicable(reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        "不适用".to_owned()
    } else {
        format!("不适用：{reason}")
    }
}

/// A typed text — a cell of any sheet, or a string in a TOML record — as the entry it
/// records: `None` when empty, else a value of `kind` or not applicable. Every reader goes
/// through here, so one text means one thing whatever the file (`60㎡`, `是`, `２个`,
/// `民政局、人社局`, `不适用：…`).
pub fn entry_of(kind: &Kind, text: &str) -> Result<Option<crate::record::Entry>, String> {
    use crate::record::Entry;
    match parse_cell(kind, text)? {
        Cell::Empty => Ok(None),
        Cell::NotApplicable(reason) => Ok(Some(Entry::NotApplicable(reason))),
        Cell::Value(raw) => kind.accept(raw).map(|v| Some(Entry::Value(v))),
    }
}

/// The error for `不适用` without a reason, in a cell or a TOML string: every reader asks
/// for the reason, as the TOML `not_applicable` key does.
pub fn no_reason_given() -> String {
    crate::tr!(
        "`不适用` 需写明理由：请写作“不适用：理由”",
        "`不适用` needs a reason: write it as \"不适用：reason\""
    )
}

/// Reads a date: `2020-06-02`, `2020/6/2`, `2020.6.2`, `2020年6月2日` (spaces allowed
/// around the parts, `号` for `日`, which may also be left out), full-width digits, and
/// Excel serial numbers (`43984`, also `43984.0`; see [`date_from_excel_serial`]).
/// Impossible dates (`2020-02-30`) are errors naming the date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if let Some(date) = iso_date(text) {
        return Ok(date);
    }
    let half = to_half_width(text);
    let q = quote(text);
    if half.is_empty() {
        let forms = date_forms();
        return Err(crate::tr!(
            "没有填日期：请写 {forms}",
            "no date given: write e.g. {forms}"
        ));
    }
    if let Some((whole, fraction)) = serial_text(&half) {
        if fraction.bytes().any(|b| b != b'0') {
            return Err(crate::tr!(
                "{q} 不是日期：Excel 日期序号须为整天（小数部分是时刻），如 43984 即 2020-06-02",
                "{q} is not a date: an Excel serial number must be a whole day (a fraction is a time of day), e.g. 43984 for 2020-06-02"
            ));
        }
        // Digits always parse; too many of them give infinity, which is out of range.
        let serial = whole.parse::<f64>().unwrap_or(f64::INFINITY);
        return serial_date(serial)
            .map_err(|why| crate::tr!("{q} 不是日期：{why}", "{q} is not a date: {why}"));
    }
    let Some(parts) = date_parts(&half) else {
        if half.contains(':') {
            return Err(crate::tr!(
                "{q} 带有时刻：只写日期，如 2020-06-02",
                "{q} has a time of day: write the date alone, e.g. 2020-06-02"
            ));
        }
        let forms = date_forms();
        return Err(crate::tr!(
            "{q} 不是日期：请写 {forms}",
            "{q} is not a date: write e.g. {forms}"
        ));
    };
    civil_date(parts).map_err(|why| crate::tr!("{q} 不是日期：{why}", "{q} is not a date: {why}"))
}

/// The years an inspection may be dated in: those a working-day calendar can hold (2000 to
/// 2099), so that a typed `0001` or `2209` is caught at reading instead of passing a site
/// no deadline could ever be reckoned for.
pub const INSPECTION_YEARS: std::ops::RangeInclusive<i16> = 2000..=2099;

/// `date` as an inspection date, or why it cannot be one ([`INSPECTION_YEARS`]).
pub fn inspection_date(date: Date) -> Result<Date, String> {
    if INSPECTION_YEARS.contains(&date.year()) {
        return Ok(date);
    }
    let (first, last) = (INSPECTION_YEARS.start(), INSPECTION_YEARS.end());
    Err(crate::tr!(
        "检查日期 {date} 不在 {first} 至 {last} 年之间（工作日历的范围）：请核对日期",
        "the inspection date {date} is not between {first} and {last} (the working-day calendar's range): check the date"
    ))
}

/// A canonical `YYYY-MM-DD` date, read without allocating: the form every export writes.
pub fn iso_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i16> {
        b[range].iter().try_fold(0i16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The date of an Excel serial number in the 1900 date system, for xlsx readers that get a
/// number cell: 1 is 1900-01-01, 43984 is 2020-06-02, 2958465 is 9999-12-31. Serial 60,
/// Excel's fictitious 1900-02-29, is an error, as are fractions (times of day) and serials
/// outside 1..=2958465.
pub fn date_from_excel_serial(serial: f64) -> Result<Date, String> {
    serial_date(serial).map_err(|why| {
        format!(
            "Excel serial number {} is not a date: {why}",
            show_serial(serial)
        )
    })
}

/// The bytes a list separator may start with: ASCII separators, and the lead bytes of
/// `、` (E3) and of `，` `；` `／` (EF).
const MAY_SEPARATE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let starts = [b',', b';', b'/', b'\n', b'\r', 0xe3, 0xef];
    while i < starts.len() {
        table[starts[i] as usize] = true;
        i += 1;
    }
    table
};

/// The pieces of a list cell between separators ([`is_list_separator`]), untrimmed, to
/// `each`: what `text.split(is_list_separator)` gives, found by bytes rather than by
/// decoding every character (list cells of a large file are many).
fn for_each_piece<'t>(text: &'t str, mut each: impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let (mut start, mut at) = (0, 0);
    while let Some(skip) = bytes[at..]
        .iter()
        .position(|&b| MAY_SEPARATE[usize::from(b)])
    {
        at += skip;
        // The UTF-8 of `、` is E3 80 81; of `，` `；` `／`, EF BC 8C / 9B / 8F.
        let width = match bytes[at] {
            b',' | b';' | b'/' | b'\n' | b'\r' => 1,
            0xe3 if bytes[at + 1..].starts_with(&[0x80, 0x81]) => 3,
            0xef if matches!(bytes.get(at + 1..at + 3), Some([0xbc, 0x8c | 0x9b | 0x8f])) => 3,
            _ => 0,
        };
        if width > 0 {
            // Cut next to whole characters, so on character boundaries.
            each(&text[start..at]);
            at += width;
            start = at;
        } else {
            at += 1;
        }
    }
    each(&text[start..]);
}

/// Whether `text` starts or ends with white space (`text.trim() != text`), looking at its
/// end characters only. Most cells start and end with a printable ASCII character or a
/// Chinese one (a lead byte E4–E9: U+4000–U+9FFF, where Unicode has no white space), which
/// the bytes tell without decoding; anything else is decoded.
pub fn padded(text: &str) -> bool {
    let bytes = text.as_bytes();
    let chinese = |lead: u8| (0xe4..=0xe9).contains(&lead);
    let plain_start = match bytes {
        [] => return false,
        [first, ..] => first.is_ascii_graphic() || chinese(*first),
    };
    let plain_end = match bytes {
        [.., last] if last.is_ascii_graphic() => true,
        // A three-byte character ends the text exactly when its lead byte is third last.
        [.., lead, _, _] => chinese(*lead),
        _ => false,
    };
    if plain_start && plain_end {
        return false;
    }
    let space = |c: char| c.is_whitespace();
    text.chars().next().is_some_and(space) || text.chars().next_back().is_some_and(space)
}

/// `text.trim()`, without decoding the ends when [`padded`] can tell there is nothing to
/// trim.
pub fn trim(text: &str) -> &str {
    if padded(text) { text.trim() } else { text }
}

/// Splits a list cell at `、` `，` `,` `；` `;` `／` `/` and line breaks (`\r\n` too), trims
/// each member and drops empty ones. Order and duplicates are kept: the kind removes
/// duplicates, and a reader may want to warn about them.
pub fn split_list(text: &str) -> Vec<String> {
    let mut members = Vec::new();
    for_each_piece(text, |piece| {
        let member = trim(piece);
        if !member.is_empty() {
            members.push(member.to_owned());
        }
    });
    members
}

/// Reads a yes/no answer: 是 有 √ ✓ ✔ Y yes true for yes, 否 无 × ✗ ✘ N no false for no,
/// in any case (so Excel's TRUE and FALSE too), trimmed, full-width letters allowed.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    // The usual answers first, without converting anything.
    match text.trim() {
        "是" | "有" | "√" => return Some(true),
        "否" | "无" | "×" => return Some(false),
        _ => {}
    }
    let answer = to_half_width(text.trim()).to_ascii_lowercase();
    match answer.as_str() {
        "是" | "有" | "√" | "✓" | "✔" | "y" | "yes" | "true" => Some(true),
        "否" | "无" | "×" | "✗" | "✘" | "n" | "no" | "false" => Some(false),
        _ => None,
    }
}

/// Turns full-width ASCII (U+FF01..U+FF5E: `６０`, `Ｎ／Ａ`, `．`, `，`, `：`) and the
/// ideographic space into ASCII. For numbers, dates and markers only: never for free text
/// or member names, which must keep the checklist's spelling.
pub fn to_half_width(text: &str) -> Cow<'_, str> {
    // Most cells have nothing to convert: no allocation for them.
    if text.chars().all(|c| half_width(c) == c) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(half_width).collect())
    }
}

fn half_width(c: char) -> char {
    match c {
        // The block mirrors ASCII 0x21..=0x7E at a fixed offset.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// `text` in quotes for a message, shortened when long. Line breaks and other control
/// characters are shown escaped (`\n`) so a multi-line cell does not break the message;
/// everything else, ideographic spaces included, is shown as typed.
fn quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_LIMIT {
            quoted.push('…');
            break;
        }
        if c.is_control() {
            quoted.extend(c.escape_default());
        } else {
            quoted.push(c);
        }
    }
    quoted.push('"');
    quoted
}

/// The rest of `text` after `marker`, comparing in half-width and ignoring ASCII case so
/// that `Ｎ／Ａ` and `n/a` are the marker too. The rest is returned as written.
fn after_marker<'t>(text: &'t str, marker: &str) -> Option<&'t str> {
    let mut end = 0;
    let mut chars = text.chars();
    for m in marker.chars() {
        let c = chars.next()?;
        if half_width(c).to_ascii_lowercase() != m {
            return None;
        }
        end += c.len_utf8();
    }
    Some(&text[end..])
}

/// The reason of a not-applicable cell (empty when it gives none), or `None` when the cell
/// is not one.
fn not_applicable(text: &str) -> Option<&str> {
    NOT_APPLICABLE.iter().find_map(|marker| {
        let rest = after_marker(text, marker)?.trim_start();
        if rest.is_empty() {
            Some("")
        } else {
            rest.strip_prefix(['：', ':']).map(str::trim)
        }
    })
}

/// Whether `text` starts with 不适用 and goes on with something other than list separators
/// (which [`format_value`] may append to a lone member named 不适用).
fn misplaced_not_applicable(text: &str) -> bool {
    after_marker(text, NOT_APPLICABLE[0]).is_some_and(|rest| {
        !rest
            .trim_matches(|c: char| c.is_whitespace() || is_list_separator(c))
            .is_empty()
    })
}

/// Whether a cell reads as not applicable (`不适用`, `N/A`, `NA`, with or without a reason,
/// full-width letters too), as [`parse_cell`] reads it.
pub fn is_not_applicable(text: &str) -> bool {
    not_applicable(text.trim()).is_some()
}

/// Whether a member of an `includes` checklist item reads back as itself wherever it
/// stands in a `、`-separated cell: no list separator, no white space, not a "nothing found"
/// or not-applicable marker, not starting with 不适用. Only such members may be matched by
/// comparing text on the fast path of large files; any other sends the row to the full
/// reader, which splits and checks the cell as [`parse_cell`] does.
pub fn is_plain_member(member: &str) -> bool {
    !member.is_empty()
        && !member.contains(|c: char| is_list_separator(c) || c.is_whitespace())
        && parse_list(member) == [member]
        && not_applicable(member).is_none()
        && after_marker(member, NOT_APPLICABLE[0]).is_none()
}

/// Members of an `includes` cell.
fn parse_list(text: &str) -> Vec<String> {
    // The "nothing found" markers are a few characters long; a long cell is a list.
    if text.len() <= 4 * 4 && text.chars().count() <= 4 {
        let marker = to_half_width(text).to_ascii_lowercase();
        if NOTHING_FOUND.contains(&marker.as_str()) {
            return Vec::new();
        }
    }
    // KoboToolbox exports a multiple choice as its choice names separated by spaces.
    if !text.contains(is_list_separator) && text.contains(char::is_whitespace) {
        return text.split_whitespace().map(str::to_owned).collect();
    }
    split_list(text)
}

/// The cell text of an `includes` set.
fn format_list(members: &[String]) -> String {
    if members.is_empty() {
        return NOTHING_FOUND[0].to_owned();
    }
    let mut text = members.join("、");
    // A lone member that reads as something else (无, NA, 不适用, or a name with spaces,
    // which a Kobo export would split) gets a trailing separator: the cell is then a list,
    // and split_list drops the empty piece after it.
    if let [member] = members
        && (parse_list(member) != [member.as_str()] || not_applicable(member).is_some())
    {
        text.push('、');
    }
    // A list whose first member starts like not applicable (`不适用、人社局`) would be read
    // as that, or refused: a leading separator keeps it a list.
    if not_applicable(&text).is_some() || misplaced_not_applicable(&text) {
        text.insert(0, '、');
    }
    text
}

/// Why a text is not a number, beyond "it is not".
#[derive(Clone, Copy, Debug, PartialEq)]
enum Flaw {
    /// No digits where the number should start.
    NotANumber,
    /// Commas that do not group thousands (`1,23`, `60,5`).
    BadCommas,
    /// Scientific notation (`1e400`).
    Exponent,
    /// `NaN`, `inf`.
    NotFinite,
    /// More than a 64-bit number holds.
    TooLarge,
    /// More digits than a judgement can hold exactly ([`held_exactly`]).
    TooPrecise,
}

impl Flaw {
    /// The explanation added to "… is not a number", if any.
    fn reason(self) -> Option<&'static str> {
        let lang = crate::lang::messages();
        match self {
            Flaw::NotANumber => None,
            Flaw::BadCommas => Some(lang.pick(
                "逗号只能用作千位分隔，如 1,234.5",
                "commas may only group thousands, as in 1,234.5",
            )),
            Flaw::Exponent => Some(lang.pick(
                "不接受科学计数法（1e3），请写出完整数字",
                "scientific notation (1e3) is not accepted, write the number in full",
            )),
            Flaw::NotFinite => {
                Some(lang.pick("不接受 NaN 和无穷大", "NaN and infinity are not accepted"))
            }
            Flaw::TooLarge => Some(lang.pick("数字太大", "it is too large")),
            Flaw::TooPrecise => Some(lang.pick(
                "位数太多，无法按所写的数值精确判定，请按实测精度填写",
                "it has more digits than can be judged exactly as written, so write it to the precision measured",
            )),
        }
    }
}

/// A decimal numeral at the start of a half-width text.
struct Numeral<'t> {
    negative: bool,
    /// Digits before the point, commas removed; empty for `.5`.
    whole: String,
    /// Digits after the point, if there is a point.
    fraction: Option<&'t str>,
    /// What follows the number, trimmed: a unit or measure word, or nothing.
    rest: &'t str,
}

impl Numeral<'_> {
    fn value(&self) -> Result<f64, Flaw> {
        let sign = if self.negative { "-" } else { "" };
        let fraction = self.fraction.unwrap_or("");
        let text = format!("{sign}{}.{fraction}", self.whole);
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && held_exactly(&self.whole, fraction, 0, n) => Ok(n),
            Ok(n) if n.is_finite() => Err(Flaw::TooPrecise),
            _ => Err(Flaw::TooLarge),
        }
    }

    /// A whole number as [`Raw::Integer`]; with a point, [`Raw::Float`] for the kind to
    /// judge (`2.0` is 2, `2.5` is refused by a count and kept by a rule).
    fn count(&self) -> Result<Raw, Flaw> {
        if self.fraction.is_some() {
            return self.value().map(Raw::Float);
        }
        let n = self.whole.parse::<i64>().map_err(|_| Flaw::TooLarge)?;
        Ok(Raw::Integer(if self.negative { -n } else { n }))
    }
}

/// Whether the decimal `whole.fraction` × 10^`exponent` (sign aside) is the shortest
/// decimal of `n`: then it is held exactly as written, and, monotonic rounding being what it
/// is, it compares with a bound as the written decimal does. `59.99999999999999999` is not
/// (it is read as 60, and would pass `≥ 60`); `0.30000000000000004`, what a spreadsheet cell
/// holding 0.1 + 0.2 gives, is.
pub fn held_exactly(whole: &str, fraction: &str, exponent: i64, n: f64) -> bool {
    // No finite `f64` has a shortest decimal this far from the point.
    if exponent.unsigned_abs() > 400 {
        return false;
    }
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    let point = whole.len() as i64 + exponent;
    // The digits around the point, padded with zeros where the exponent moves it past them.
    let (int, frac) = if point <= 0 {
        (
            String::new(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        (a.to_owned(), b.to_owned())
    };
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let written = match (int.is_empty(), frac.is_empty()) {
        (true, true) => "0".to_owned(),
        (true, false) => format!("0.{frac}"),
        (false, true) => int.to_owned(),
        (false, false) => format!("{int}.{frac}"),
    };
    // `Display` of an `f64` is its shortest round-trip decimal, never in scientific notation.
    written == format!("{}", n.abs())
}

/// Reads the number at the start of `half` (already half-width and trimmed).
fn scan_numeral(half: &str) -> Result<Numeral<'_>, Flaw> {
    let word = half.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if matches!(word.as_str(), "nan" | "inf" | "infinity") {
        return Err(Flaw::NotFinite);
    }
    // U+2212 is the minus sign of typeset text and some spreadsheets' exports.
    let (negative, body) = match half.strip_prefix(['-', '−']) {
        Some(body) => (true, body),
        None => (false, half),
    };
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(body.len());
    let (digits, rest) = body.split_at(end);
    if !digits.bytes().any(|b| b.is_ascii_digit()) {
        return Err(Flaw::NotANumber);
    }
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if let Some(fraction) = fraction {
        if fraction.contains('.') {
            return Err(Flaw::NotANumber);
        }
        if fraction.contains(',') {
            return Err(Flaw::BadCommas);
        }
    }
    let whole = ungroup(whole).ok_or(Flaw::BadCommas)?;
    let mut after = rest.chars();
    if matches!(after.next(), Some('e' | 'E')) {
        let exponent = after.as_str().trim_start_matches(['+', '-']);
        if exponent.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(Flaw::Exponent);
        }
    }
    Ok(Numeral {
        negative,
        whole,
        fraction,
        rest: rest.trim(),
    })
}

/// The digits of `1,234,567` without its commas; `None` unless every group after the first
/// has exactly three digits and the first one to three, so that `60,5` (a decimal comma)
/// is not silently read as 605.
fn ungroup(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        return Some(whole.to_owned());
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Whether `found` (written after a number) is the unit `unit`, or another way of writing
/// it. Comparison is in half-width ignoring ASCII case, so `M2` and `ｍ２` are m2.
fn same_unit(found: &str, unit: &str) -> bool {
    let unit = unit.trim();
    if unit.is_empty() {
        return false;
    }
    let same = |a: &str, b: &str| to_half_width(a).eq_ignore_ascii_case(&to_half_width(b));
    same(found, unit)
        || UNIT_GROUPS.iter().any(|group| {
            group.iter().any(|u| same(u, unit)) && group.iter().any(|u| same(u, found))
        })
}

/// Whether `unit` is one of the ways of writing square metres.
fn is_area(unit: &str) -> bool {
    same_unit(unit, UNIT_GROUPS[0][0])
}

/// Example cells of a number item, for messages.
fn number_examples(unit: &str) -> String {
    let unit = unit.trim();
    if is_area(unit) {
        crate::tr!("62.5、60㎡ 或 60平方米", "62.5, 60㎡ or 60平方米")
    } else if unit.is_empty() {
        crate::tr!("62.5 或 60", "62.5 or 60")
    } else {
        crate::tr!("62.5 或 60 {unit}", "62.5 or 60 {unit}")
    }
}

/// A `number` cell: a decimal with optional thousands commas and optional unit.
fn parse_number(text: &str, unit: &str) -> Result<Raw, String> {
    let half = to_half_width(text);
    let q = quote(text);
    let examples = number_examples(unit);
    let not_a_number = |flaw: Flaw| match flaw.reason() {
        Some(reason) => crate::tr!(
            "{q} 不是以 {unit} 计的数字：{reason}；请写如 {examples}",
            "{q} is not a number in {unit}: {reason}; write e.g. {examples}"
        ),
        None => crate::tr!(
            "{q} 不是以 {unit} 计的数字：请写如 {examples}",
            "{q} is not a number in {unit}: write e.g. {examples}"
        ),
    };
    let numeral = scan_numeral(&half).map_err(not_a_number)?;
    let n = numeral.value().map_err(not_a_number)?;
    if !numeral.rest.is_empty() && !same_unit(numeral.rest, unit) {
        let after = quote(numeral.rest);
        return Err(crate::tr!(
            "{q} 的数字后面是 {after}，不是本项的单位（{unit}）：请写如 {examples}",
            "{q} has {after} after the number, which is not this item's unit ({unit}): write e.g. {examples}"
        ));
    }
    Ok(Raw::Float(n))
}

/// A `count` or `rule` cell: a whole number (or a decimal for the kind to judge), in
/// figures or Chinese numerals, with an optional measure word or the item's unit.
fn parse_count(text: &str, unit: &str) -> Result<Raw, String> {
    let half = to_half_width(text);
    let q = quote(text);
    let unit = unit.trim();
    let word = if unit.is_empty() { "个" } else { unit };
    let of_unit = if unit.is_empty() {
        String::new()
    } else {
        crate::tr!("（以 {unit} 计）", " of {unit}")
    };
    let examples = crate::tr!(
        "2、２{word}、4{word} 或 两{word}",
        "2, ２{word}, 4{word} or 两{word}"
    );
    let (raw, rest) = match scan_numeral(&half) {
        Ok(numeral) => match numeral.count() {
            Ok(raw) => (raw, numeral.rest),
            Err(flaw) => return Err(not_a_count(&q, &of_unit, flaw, &examples)),
        },
        Err(Flaw::NotANumber) => match chinese_numeral(&half) {
            Some((n, rest)) => (Raw::Integer(n), rest),
            None => return Err(not_a_count(&q, &of_unit, Flaw::NotANumber, &examples)),
        },
        Err(flaw) => return Err(not_a_count(&q, &of_unit, flaw, &examples)),
    };
    let measure_word = |w: &str| MEASURE_WORDS.contains(&w) || same_unit(w, unit);
    if !rest.is_empty() && !measure_word(rest) {
        let mut words: Vec<&str> = MEASURE_WORDS.to_vec();
        if !unit.is_empty() && !MEASURE_WORDS.contains(&unit) {
            words.push(unit);
        }
        let item_unit = if unit.is_empty() {
            crate::tr!("本项没有单位", "this item has no unit")
        } else {
            crate::tr!("本项以 {unit} 计", "this item counts in {unit}")
        };
        let (after, words) = (quote(rest), words.join(" "));
        return Err(crate::tr!(
            "{q} 的数字后面是 {after}，不是量词（{item_unit}）：请写整数，后面可跟 {words}",
            "{q} has {after} after the number, which is not a measure word ({item_unit}): write a whole number, optionally followed by {words}"
        ));
    }
    Ok(raw)
}

fn not_a_count(q: &str, of_unit: &str, flaw: Flaw, examples: &str) -> String {
    match flaw.reason() {
        Some(reason) => crate::tr!(
            "{q} 不是整数{of_unit}：{reason}；请写如 {examples}",
            "{q} is not a whole number{of_unit}: {reason}; write e.g. {examples}"
        ),
        None => crate::tr!(
            "{q} 不是整数{of_unit}：请写如 {examples}",
            "{q} is not a whole number{of_unit}: write e.g. {examples}"
        ),
    }
}

/// A number from 0 to 99 in Chinese numerals at the start of `half` (`两`, `十二`,
/// `九十九`), with what follows it, trimmed. 两 stands only alone: `两十` is not written.
fn chinese_numeral(half: &str) -> Option<(i64, &str)> {
    let digit = |c: char| match c {
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let end = half
        .find(|c: char| !"零〇一二两三四五六七八九十".contains(c))
        .unwrap_or(half.len());
    let (numeral, rest) = half.split_at(end);
    let chars: Vec<char> = numeral.chars().collect();
    let n = match chars.as_slice() {
        ['零' | '〇'] => 0,
        ['两'] => 2,
        ['十'] => 10,
        [d] => digit(*d)?,
        ['十', u] => 10 + digit(*u)?,
        [t, '十'] => 10 * digit(*t)?,
        [t, '十', u] => 10 * digit(*t)? + digit(*u)?,
        _ => return None,
    };
    Some((n, rest.trim()))
}

/// The whole and fraction digits of a text that is only a number (`43984`, `43984.0`), as
/// an Excel serial would be written.
fn serial_text(half: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = half.split_once('.').unwrap_or((half, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!whole.is_empty() && digits(whole) && digits(fraction)).then_some((whole, fraction))
}

/// The date of a serial, or why there is none (completing "… is not a date: ").
fn serial_date(serial: f64) -> Result<Date, String> {
    if !serial.is_finite() || !SERIAL_RANGE.contains(&serial) {
        return Err(crate::tr!(
            "Excel 日期序号从 1（1900-01-01）到 2958465（9999-12-31）；请写如 2020-06-02",
            "Excel serial numbers run from 1 (1900-01-01) to 2958465 (9999-12-31); write e.g. 2020-06-02"
        ));
    }
    if serial.fract() != 0.0 {
        return Err(crate::tr!(
            "Excel 日期序号须为整天（小数部分是时刻），如 43984 即 2020-06-02",
            "an Excel serial number must be a whole day (a fraction is a time of day), e.g. 43984 for 2020-06-02"
        ));
    }
    // In range and whole, so the conversion is exact.
    let days = serial as i64;
    let epoch = match days.cmp(&FICTITIOUS_LEAP_DAY) {
        std::cmp::Ordering::Less => EPOCH_BEFORE_LEAP_DAY,
        std::cmp::Ordering::Equal => {
            return Err(crate::tr!(
                "Excel 日期序号 60 是 1900-02-29，Excel 计了这一天，但它并不存在；请直接写日期",
                "Excel's serial 60 is 1900-02-29, a day Excel counts but that never existed; write the date itself"
            ));
        }
        std::cmp::Ordering::Greater => EPOCH_AFTER_LEAP_DAY,
    };
    // A span of days, not a duration: a duration is counted in seconds through civil
    // datetimes, whose range stops short of 9999-12-31.
    Span::new()
        .try_days(days)
        .and_then(|span| epoch.checked_add(span))
        .map_err(|e| e.to_string())
}

fn show_serial(serial: f64) -> String {
    if serial.is_finite() && serial.abs() < 1e15 {
        format_number(serial)
    } else {
        format!("{serial:e}")
    }
}

/// Year, month and day of a written date, as digit strings; `None` unless the text is one
/// of the accepted forms.
fn date_parts(half: &str) -> Option<(&str, &str, &str)> {
    fn digits<'t>(rest: &mut &'t str) -> &'t str {
        let text = rest.trim_start();
        let end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (found, after) = text.split_at(end);
        *rest = after;
        found
    }
    fn separator(rest: &mut &str) -> Option<char> {
        let text = rest.trim_start();
        let c = text.chars().next()?;
        *rest = &text[c.len_utf8()..];
        Some(c)
    }
    let mut rest = half;
    let year = digits(&mut rest);
    let first = separator(&mut rest)?;
    let month = digits(&mut rest);
    let second = separator(&mut rest)?;
    let day = digits(&mut rest);
    let tail = rest.trim();
    // One separator used twice, or 年 and 月 with 日 (or 号) at the end or left out.
    let form = matches!(
        (first, second, tail),
        ('-', '-', "") | ('/', '/', "") | ('.', '.', "") | ('年', '月', "" | "日" | "号")
    );
    let sizes = year.len() == 4 && (1..=2).contains(&month.len()) && (1..=2).contains(&day.len());
    (form && sizes).then_some((year, month, day))
}

/// The date of checked digit strings, or why there is none.
fn civil_date((year, month, day): (&str, &str, &str)) -> Result<Date, String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let bad = || crate::tr!("数字无法识别", "its digits are unreadable");
    let y: i16 = year.parse().map_err(|_| bad())?;
    let m: i8 = month.parse().map_err(|_| bad())?;
    let d: i8 = day.parse().map_err(|_| bad())?;
    let Some(name) = usize::try_from(m - 1).ok().and_then(|i| MONTHS.get(i)) else {
        return Err(crate::tr!("没有 {m} 月", "there is no month {m}"));
    };
    let first = Date::new(y, m, 1).map_err(|e| e.to_string())?;
    let days = first.days_in_month();
    if d < 1 || d > days {
        return Err(crate::tr!(
            "没有 {year}-{m:02}-{d:02} 这一天（{year} 年 {m} 月只有 {days} 天）",
            "there is no {year}-{m:02}-{d:02} ({name} {year} has {days} days)"
        ));
    }
    Date::new(y, m, d).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;
    use crate::checklist::kinds::testing::kind;
    use crate::record::Entry;

    fn area() -> Kind {
        kind("kind = \"number\"\nmin = 60\nunit = \"m²\"\n").unwrap()
    }
    fn length() -> Kind {
        kind("kind = \"number\"\nmin = 1\nunit = \"m\"\n").unwrap()
    }
    fn windows() -> Kind {
        kind("kind = \"count\"\nmin = 1\nmax = 2\nunit = \"个\"\n").unwrap()
    }
    fn plain_count() -> Kind {
        kind("kind = \"count\"\nmin = 1\n").unwrap()
    }
    fn trainees() -> Kind {
        kind("kind = \"rule\"\nop = \">=\"\nfactor = 2\nof = \"windows.comprehensive\"\nunit = \"名\"\n")
            .unwrap()
    }
    fn screen() -> Kind {
        kind("kind = \"yes_no\"\n").unwrap()
    }
    fn departments() -> Kind {
        kind("kind = \"includes\"\nmembers = [\"民政局\", \"人社局\", \"医保局\"]\n").unwrap()
    }
    fn sign() -> Kind {
        kind("kind = \"text\"\npattern = \"^{township}便民服务中心$\"\n").unwrap()
    }
    fn all_kinds() -> Vec<Kind> {
        vec![
            area(),
            windows(),
            trainees(),
            screen(),
            departments(),
            sign(),
        ]
    }

    fn raw(kind: &Kind, text: &str) -> Raw {
        match parse_cell(kind, text) {
            Ok(Cell::Value(raw)) => raw,
            other => panic!("{text:?} gave {other:?}"),
        }
    }
    fn error(kind: &Kind, text: &str) -> String {
        match parse_cell(kind, text) {
            Err(message) => message,
            other => panic!("{text:?} should be refused, gave {other:?}"),
        }
    }
    fn list(members: &[&str]) -> Raw {
        Raw::List(members.iter().map(|m| m.to_string()).collect())
    }

    #[test]
    fn blank_cells_are_empty_for_every_kind() {
        for k in all_kinds() {
            for blank in ["", " ", "\t", "\u{3000}", " \r\n "] {
                assert_eq!(parse_cell(&k, blank), Ok(Cell::Empty), "{blank:?}");
            }
        }
    }

    #[test]
    fn list_separators_are_the_listed_ones() {
        for c in ['、', '，', ',', '；', ';', '／', '/', '\n', '\r'] {
            assert!(is_list_separator(c), "{c:?}");
        }
        for c in ['a', ' ', '\t', '。', '：', ':', '|', '中'] {
            assert!(!is_list_separator(c), "{c:?}");
        }
    }

    #[test]
    fn not_applicable_forms_for_every_kind() {
        let cases = [
            ("不适用", ""),
            ("不适用：租用旧楼", "租用旧楼"),
            ("不适用:租用旧楼", "租用旧楼"),
            ("  不适用 ： 租用旧楼  ", "租用旧楼"),
            ("N/A", ""),
            ("NA", ""),
            ("n/a", ""),
            ("na", ""),
            ("Ｎ／Ａ", ""),
            ("N/A: rented building", "rented building"),
            ("NA：租用旧楼", "租用旧楼"),
            ("不适用：", ""),
        ];
        for k in all_kinds() {
            for (text, reason) in cases {
                assert_eq!(
                    parse_cell(&k, text),
                    Ok(Cell::NotApplicable(reason.to_owned())),
                    "{} {text:?}",
                    k.name()
                );
            }
        }
    }

    #[test]
    fn not_applicable_without_colon_is_explained() {
        for k in [area(), windows(), screen(), departments()] {
            let err = error(&k, "不适用 租用旧楼");
            assert!(err.contains("不适用：reason"), "{err}");
            let err = error(&k, "不适用，租用旧楼");
            assert!(err.contains("no colon"), "{err}");
        }
        // free text is taken as written
        assert_eq!(
            raw(&sign(), "不适用的牌子"),
            Raw::Text("不适用的牌子".into())
        );
        // words that merely start like a marker are values
        assert_eq!(raw(&sign(), "NAME"), Raw::Text("NAME".into()));
        assert_eq!(raw(&departments(), "NASA"), list(&["NASA"]));
    }

    #[test]
    fn numbers_as_in_the_forms_table() {
        let k = area();
        let cases = [
            ("60", 60.0),
            ("59.5", 59.5),
            ("６０", 60.0),
            ("５９．５", 59.5),
            ("60㎡", 60.0),
            ("60 m²", 60.0),
            ("60m2", 60.0),
            ("60M2", 60.0),
            ("60 M²", 60.0),
            ("60平方米", 60.0),
            ("60平米", 60.0),
            ("60平方", 60.0),
            ("６０ｍ２", 60.0),
            (" 62.5 ", 62.5),
            ("1,234.5", 1234.5),
            ("1,234,567", 1_234_567.0),
            ("0.5", 0.5),
            (".5", 0.5),
            ("60.", 60.0),
            ("-3", -3.0),
            ("−3", -3.0),
        ];
        for (text, n) in cases {
            assert_eq!(raw(&k, text), Raw::Float(n), "{text:?}");
        }
        // the item's own unit, and its other spellings
        let k = length();
        assert_eq!(raw(&k, "2.5m"), Raw::Float(2.5));
        assert_eq!(raw(&k, "2.5 米"), Raw::Float(2.5));
    }

    #[test]
    fn a_decimal_is_judged_as_written_or_refused() {
        let k = area();
        // Read as 60 by rounding, it would pass `≥ 60`.
        let err = error(&k, "59.99999999999999999");
        assert!(err.contains("judged exactly as written"), "{err}");
        assert!(error(&k, "60.00000000000000001").contains("exactly"));
        // Zeros add no digits; what a spreadsheet's 0.1 + 0.2 holds is read as it is.
        assert_eq!(raw(&k, "60.000000000000000000"), Raw::Float(60.0));
        assert_eq!(raw(&k, "0060.50"), Raw::Float(60.5));
        assert_eq!(raw(&k, "0.30000000000000004"), Raw::Float(0.1 + 0.2));
        assert!(held_exactly("6", "", 1, 60.0));
        assert!(held_exactly("", "5", -2, 0.005));
        assert!(!held_exactly("5999999999999999999", "", -17, 60.0));
        assert!(!held_exactly("1", "", -9999, 0.0));
    }

    #[test]
    fn negative_numbers_are_left_to_the_kind() {
        let k = area();
        let err = k.accept(raw(&k, "-3")).unwrap_err();
        assert!(err.contains("cannot be negative"), "{err}");
    }

    #[test]
    fn bad_numbers_say_what_is_accepted() {
        let k = area();
        let err = error(&k, "sixty");
        assert_eq!(
            err,
            "\"sixty\" is not a number in m²: write e.g. 62.5, 60㎡ or 60平方米"
        );
        let err = error(&k, "60 m");
        assert!(err.contains("\"m\"") && err.contains("(m²)"), "{err}");
        assert!(err.contains("62.5, 60㎡ or 60平方米"), "{err}");
        let err = error(&k, "60左右");
        assert!(err.contains("\"左右\""), "{err}");
        for (text, says) in [
            ("1e400", "scientific notation"),
            ("6E+1", "scientific notation"),
            ("NaN", "NaN and infinity"),
            ("inf", "NaN and infinity"),
            ("-Infinity", "NaN and infinity"),
            ("1,23", "thousands"),
            ("60,5", "thousands"),
            ("1234,567", "thousands"),
            ("1.5,5", "thousands"),
            ("1.2.3", "write e.g."),
            ("约60", "write e.g."),
            ("-", "write e.g."),
        ] {
            let err = error(&k, text);
            assert!(err.contains(says), "{text:?}: {err}");
            assert!(err.contains("write e.g. 62.5"), "{text:?}: {err}");
        }
        let huge = format!("1{}", "0".repeat(400));
        let err = error(&k, &huge);
        assert!(err.contains("too large") && err.contains('…'), "{err}");
        // area spellings are not lengths
        let err = error(&length(), "60㎡");
        assert!(err.contains("\"㎡\"") && err.contains("(m)"), "{err}");
        assert!(err.contains("62.5 or 60 m"), "{err}");
    }

    #[test]
    fn counts_as_in_the_forms_table() {
        let k = plain_count();
        let cases = [
            ("2", Raw::Integer(2)),
            ("２个", Raw::Integer(2)),
            ("4名", Raw::Integer(4)),
            ("4人", Raw::Integer(4)),
            ("3 台", Raw::Integer(3)),
            ("5项", Raw::Integer(5)),
            ("1,000", Raw::Integer(1000)),
            ("0", Raw::Integer(0)),
            ("-1", Raw::Integer(-1)),
            ("2.5", Raw::Float(2.5)),
            ("2.0", Raw::Float(2.0)),
            ("两个", Raw::Integer(2)),
            ("两", Raw::Integer(2)),
            ("零", Raw::Integer(0)),
            ("一", Raw::Integer(1)),
            ("十", Raw::Integer(10)),
            ("十二", Raw::Integer(12)),
            ("二十", Raw::Integer(20)),
            ("二十三名", Raw::Integer(23)),
            ("九十九", Raw::Integer(99)),
        ];
        for (text, expected) in cases {
            assert_eq!(raw(&k, text), expected, "{text:?}");
        }
        // the item's own unit
        let k = kind("kind = \"count\"\nmin = 1\nunit = \"处\"\n").unwrap();
        assert_eq!(raw(&k, "3处"), Raw::Integer(3));
        assert_eq!(raw(&k, "三处"), Raw::Integer(3));
        assert_eq!(raw(&trainees(), "4名"), Raw::Integer(4));
        assert_eq!(raw(&trainees(), "4.5"), Raw::Float(4.5));
    }

    #[test]
    fn counts_are_judged_by_the_kind() {
        let k = windows();
        assert_eq!(k.accept(raw(&k, "2.0")), Ok(Value::Count(2)));
        let err = k.accept(raw(&k, "2.5")).unwrap_err();
        assert!(err.contains("whole number"), "{err}");
        let err = k.accept(raw(&k, "-1")).unwrap_err();
        assert!(err.contains("cannot be negative"), "{err}");
    }

    #[test]
    fn bad_counts_say_what_is_accepted() {
        let k = windows();
        let err = error(&k, "three");
        assert_eq!(
            err,
            "\"three\" is not a whole number of 个: write e.g. 2, ２个, 4个 or 两个"
        );
        let err = error(&trainees(), "3平米");
        assert!(
            err.contains("\"平米\"") && err.contains("counts in 名"),
            "{err}"
        );
        assert!(err.contains("个 名 人 台 项"), "{err}");
        let err = error(&plain_count(), "3 m²");
        assert!(err.contains("has no unit"), "{err}");
        for text in ["两十", "十十", "百", "1e3", "99999999999999999999"] {
            let err = error(&plain_count(), text);
            assert!(err.contains("write e.g. 2"), "{text:?}: {err}");
        }
    }

    #[test]
    fn yes_no_words() {
        let k = screen();
        for yes in [
            "是",
            "有",
            "√",
            "✓",
            "✔",
            "Y",
            "y",
            "yes",
            "YES",
            "Yes",
            "true",
            "TRUE",
            "ｙｅｓ",
        ] {
            assert_eq!(raw(&k, yes), Raw::Bool(true), "{yes:?}");
            assert_eq!(parse_yes_no(yes), Some(true));
        }
        for no in [
            "否", "无", "×", "✗", "✘", "N", "n", "no", "NO", "false", "FALSE", " 否 ",
        ] {
            assert_eq!(raw(&k, no), Raw::Bool(false), "{no:?}");
            assert_eq!(parse_yes_no(no), Some(false));
        }
        assert_eq!(parse_yes_no("maybe"), None);
        let err = error(&k, "maybe");
        assert!(
            err.contains("\"maybe\"") && err.contains("是 or 否"),
            "{err}"
        );
        assert!(err.contains("true false"), "{err}");
    }

    #[test]
    fn lists_split_at_every_separator() {
        let k = departments();
        for text in [
            "民政局、人社局",
            "民政局，人社局",
            "民政局,人社局",
            "民政局；人社局",
            "民政局;人社局",
            "民政局／人社局",
            "民政局/人社局",
            "民政局\n人社局",
            "民政局\r\n人社局",
            " 民政局 、 人社局 、",
            // KoboToolbox's select_multiple
            "民政局 人社局",
            "民政局\u{3000}人社局",
        ] {
            assert_eq!(raw(&k, text), list(&["民政局", "人社局"]), "{text:?}");
        }
        assert_eq!(raw(&k, "民政局"), list(&["民政局"]));
        // names with spaces survive when there is a real separator
        assert_eq!(
            raw(&k, "Civil Affairs, Human Resources"),
            list(&["Civil Affairs", "Human Resources"])
        );
        for none in ["无", "（无）", "(无)", "none", "None", "-", "－"] {
            assert_eq!(raw(&k, none), list(&[]), "{none:?}");
        }
        // names are not folded to half-width
        assert_eq!(raw(&k, "ＡＢ局、无"), list(&["ＡＢ局", "无"]));
    }

    #[test]
    fn split_list_keeps_order_and_duplicates() {
        assert_eq!(
            split_list("b、a\r\n\r\nb；；"),
            vec!["b".to_owned(), "a".to_owned(), "b".to_owned()]
        );
        assert!(split_list(" 、 ,").is_empty());
    }

    #[test]
    fn text_is_taken_as_written() {
        let k = sign();
        assert_eq!(
            raw(&k, "  柳屯镇便民服务中心 "),
            Raw::Text("柳屯镇便民服务中心".into())
        );
        assert_eq!(raw(&k, "６０、无"), Raw::Text("６０、无".into()));
    }

    #[test]
    fn dates_in_every_form() {
        let june = date(2020, 6, 2);
        for text in [
            "2020-06-02",
            "2020-6-2",
            "2020/6/2",
            "2020/06/02",
            "2020.6.2",
            "2020年6月2日",
            "2020 年 6 月 2 日",
            "2020年06月02日",
            "2020年6月2号",
            "2020年6月2",
            "２０２０/６/２",
            "２０２０年６月２日",
            "２０２０－０６－０２",
            " 2020-06-02 ",
            "43984",
            "43984.0",
            "43984.000",
            "４３９８４",
        ] {
            assert_eq!(parse_date(text), Ok(june), "{text:?}");
        }
    }

    #[test]
    fn bad_dates_are_named() {
        let err = parse_date("2020-02-30").unwrap_err();
        assert_eq!(
            err,
            "\"2020-02-30\" is not a date: there is no 2020-02-30 (February 2020 has 29 days)"
        );
        let err = parse_date("2021年2月29日").unwrap_err();
        assert!(
            err.contains("2021-02-29") && err.contains("28 days"),
            "{err}"
        );
        let err = parse_date("2020-13-01").unwrap_err();
        assert!(err.contains("no month 13"), "{err}");
        let err = parse_date("2020-06-00").unwrap_err();
        assert!(err.contains("2020-06-00"), "{err}");
        for text in [
            "June 2",
            "2020-6/2",
            "20-6-2",
            "2020年6月2日上午",
            "",
            "2020/6",
        ] {
            let err = parse_date(text).unwrap_err();
            assert!(err.contains("2020年6月2日"), "{text:?}: {err}");
        }
        let err = parse_date("2020/6/2 0:00").unwrap_err();
        assert!(err.contains("time of day"), "{err}");
        let err = parse_date("43984.5").unwrap_err();
        assert!(err.contains("whole day"), "{err}");
        for text in ["0", "2958466", "20200602", "99999999999999999999999"] {
            let err = parse_date(text).unwrap_err();
            assert!(err.contains("1 (1900-01-01) to 2958465"), "{text:?}: {err}");
        }
    }

    #[test]
    fn excel_serials_count_the_fictitious_leap_day() {
        let serial = |n: f64| date_from_excel_serial(n);
        assert_eq!(serial(43984.0), Ok(date(2020, 6, 2)));
        assert_eq!(serial(1.0), Ok(date(1900, 1, 1)));
        assert_eq!(serial(59.0), Ok(date(1900, 2, 28)));
        assert_eq!(serial(61.0), Ok(date(1900, 3, 1)));
        assert_eq!(serial(25569.0), Ok(date(1970, 1, 1)));
        assert_eq!(serial(2_958_465.0), Ok(date(9999, 12, 31)));
        // 1900-02-29 does not exist: refused rather than moved to a neighbour
        let err = serial(60.0).unwrap_err();
        assert!(err.contains("1900-02-29"), "{err}");
        assert!(parse_date("60").unwrap_err().contains("1900-02-29"));
        let err = serial(43984.25).unwrap_err();
        assert!(
            err.contains("43984.25") && err.contains("whole day"),
            "{err}"
        );
        for bad in [0.0, -1.0, 2_958_466.0, f64::NAN, f64::INFINITY, 1e300] {
            let err = serial(bad).unwrap_err();
            assert!(err.contains("2958465"), "{bad}: {err}");
        }
    }

    #[test]
    fn messages_quote_cells_readably() {
        assert_eq!(quote("60\u{3000}m"), "\"60\u{3000}m\"");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
        let long = "民".repeat(50);
        assert_eq!(quote(&long), format!("\"{}…\"", "民".repeat(40)));
        assert_eq!(quote(&"民".repeat(40)), format!("\"{}\"", "民".repeat(40)));
    }

    #[test]
    fn half_width_folds_only_the_full_width_block() {
        assert_eq!(
            to_half_width("６０．５ｍ２，Ｎ／Ａ：ｙｅｓ～！\u{3000}"),
            "60.5m2,N/A:yes~! "
        );
        assert_eq!(to_half_width("民政局、。㎡"), "民政局、。㎡");
    }

    #[test]
    fn not_applicable_text_round_trips() {
        for reason in ["租用村委会旧楼，无法打通", "", "  x  ", "a:b：c"] {
            let cell = parse_cell(&area(), &format_not_applicable(reason));
            assert_eq!(cell, Ok(Cell::NotApplicable(reason.trim().to_owned())));
        }
        assert_eq!(format_not_applicable("租用旧楼"), "不适用：租用旧楼");
        assert_eq!(format_not_applicable(""), "不适用");
    }

    /// format_value → parse_cell → accept gives the value back.
    fn round_trip(kind: &Kind, value: &Value) -> Result<Value, String> {
        let text = format_value(kind, value);
        match parse_cell(kind, &text)? {
            Cell::Value(raw) => kind.accept(raw),
            other => Err(format!("{text:?} read back as {other:?}")),
        }
    }

    fn set(members: &[&str]) -> Value {
        Value::Set(members.iter().map(|m| m.to_string()).collect())
    }

    /// Checklist settings of every kind, drawn at random: bounds, units, expectations and
    /// members, plain ones and ones the canonical read must leave alone.
    fn any_kind() -> impl Strategy<Value = Kind> {
        const MEMBERS: &[&str] = &[
            "民政局",
            "人社局",
            "医保局",
            "无",
            "不适用",
            "不适用局",
            "A/B",
            "税 务",
            "Ｎ／Ａ",
            "是",
            "na",
            "（无）",
            "、",
            "60",
        ];
        let number = (0u32..100, prop::option::of(100u32..200), any::<bool>()).prop_map(
            |(min, max, unit)| {
                let max = max.map(|m| format!("max = {m}\n")).unwrap_or_default();
                let unit = if unit { "unit = \"m²\"\n" } else { "" };
                format!("kind = \"number\"\nmin = {min}\n{max}{unit}")
            },
        );
        let count = (0i64..5, 5i64..9)
            .prop_map(|(min, max)| format!("kind = \"count\"\nmin = {min}\nmax = {max}\n"));
        let yes_no = any::<bool>().prop_map(|e| format!("kind = \"yes_no\"\nexpect = {e}\n"));
        let includes = prop::sample::subsequence(MEMBERS, 1..6).prop_map(|members| {
            let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
            format!("kind = \"includes\"\nmembers = [{}]\n", members.join(", "))
        });
        let text = Just("kind = \"text\"\npattern = \"^.+$\"\n".to_owned());
        let rule = (1u32..4)
            .prop_map(|f| format!("kind = \"rule\"\nop = \">=\"\nof = \"x\"\nfactor = {f}\n"));
        prop_oneof![number, count, yes_no, includes, text, rule]
            .prop_filter_map("settings a checklist refuses", |toml| kind(&toml).ok())
    }

    /// Cell texts near the canonical forms: pieces a spreadsheet, a form or a hand writes.
    fn near_canonical() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "60",
            "59.5",
            "0",
            "007",
            "1.",
            ".5",
            "0.5.5",
            "123456789012345",
            "1234567890123456789",
            "是",
            "否",
            "民政局",
            "人社局",
            "医保局",
            "无",
            "不适用",
            "N/A",
            "、",
            "，",
            ",",
            " ",
            "\u{3000}",
            "：",
            "-1",
            "1e3",
            "１２",
            "'",
            "=1",
            "√",
            "A/B",
            "税 务",
            "Ｎ／Ａ",
            "na",
            "（无）",
            "\n",
        ];
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_owned),
            prop::collection::vec(prop::sample::select(PIECES), 2..5).prop_map(|p| p.concat()),
            // Lists of members, some repeated or left out, as an inspector ticks them.
            prop::collection::vec(prop::sample::select(&PIECES[11..14]), 1..5)
                .prop_map(|p| p.join("、")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// Wherever the fast path's canonical read gives a value, the general reading gives
        /// the same; where it lets an `includes` item pass, the general reading passes it.
        #[test]
        fn the_canonical_read_agrees_with_the_general_one(
            kind in any_kind(),
            text in near_canonical(),
        ) {
            use crate::checklist::kinds::testing::NoFacts;
            let Some(canonical) = read_canonical(&kind, &text) else {
                return Ok(());
            };
            let general = parse_cell(&kind, &text).and_then(|cell| match cell {
                Cell::Value(raw) => kind.accept(raw),
                other => Err(format!("{other:?}")),
            });
            match canonical {
                Canonical::Value(v) => prop_assert_eq!(general, Ok(v), "{:?}", text),
                Canonical::Text(t) => {
                    prop_assert_eq!(general, Ok(Value::Text(t.to_owned())), "{:?}", text)
                }
                Canonical::Members(t) => {
                    let Kind::Includes(inc) = &kind else {
                        return Err(TestCaseError::fail("members of a kind that has none"));
                    };
                    if !inc.members().iter().all(|m| is_plain_member(m)) {
                        return Ok(());
                    }
                    // A set held from an earlier row is refilled to exactly this one; the
                    // members in order, which the fast path passes at a glance, pass.
                    let mut set = vec!["医保局".to_owned(); 3];
                    if members_named(inc.members(), t, &mut set) {
                        prop_assert_eq!(&general, &Ok(Value::Set(set)), "{:?}", text);
                    }
                    if t == inc.members().join("、") {
                        let value = general.map_err(TestCaseError::fail)?;
                        prop_assert_eq!(
                            kind.judge(&value, &NoFacts),
                            crate::checklist::kinds::Judgement::Pass,
                            "{:?}",
                            text
                        );
                    }
                }
            }
        }
    }

    proptest! {
        /// A canonical list naming members only is read by the fast path into the set the
        /// general reading gives, duplicates dropped, whatever set it held from the row
        /// before; a list naming anything else is left to the general reading.
        #[test]
        fn a_list_of_members_reads_as_the_general_reading(
            members in prop::sample::subsequence(&["民政局", "人社局", "医保局", "是", "60"][..], 1..5),
            picks in prop::collection::vec(0usize..6, 1..6),
            held in prop::collection::vec("[a-z]{0,3}", 0..4),
        ) {
            let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
            let kind = kind(&format!("kind = \"includes\"\nmembers = [{}]\n", quoted.join(", ")))
                .map_err(|e| TestCaseError::fail(e.join("; ")))?;
            let Kind::Includes(inc) = &kind else {
                return Err(TestCaseError::fail("not an includes item"));
            };
            let pieces: Vec<&str> = picks
                .iter()
                .map(|&i| members.get(i).copied().unwrap_or("公安局"))
                .collect();
            let text = pieces.join("、");
            let mut set = held;
            let read = members_named(inc.members(), &text, &mut set);
            prop_assert_eq!(read, pieces.iter().all(|p| members.contains(p)), "{:?}", text);
            if read {
                prop_assert_eq!(entry_of(&kind, &text), Ok(Some(Entry::Value(Value::Set(set)))));
            }
        }
    }

    #[test]
    fn canonical_texts() {
        assert_eq!(format_value(&area(), &Value::Number(59.5)), "59.5");
        assert_eq!(format_value(&area(), &Value::Number(60.0)), "60");
        assert_eq!(
            format_value(&area(), &Value::Number(0.1234567)),
            "0.1234567"
        );
        assert_eq!(format_value(&windows(), &Value::Count(2)), "2");
        assert_eq!(format_value(&screen(), &Value::Bool(true)), "是");
        assert_eq!(format_value(&screen(), &Value::Bool(false)), "否");
        assert_eq!(
            format_value(&departments(), &set(&["民政局", "人社局"])),
            "民政局、人社局"
        );
        assert_eq!(format_value(&departments(), &set(&[])), "无");
        assert_eq!(format_value(&departments(), &set(&["无"])), "无、");
        assert_eq!(
            format_value(&sign(), &Value::Text("柳屯镇便民服务中心".into())),
            "柳屯镇便民服务中心"
        );
    }

    #[test]
    fn every_kind_round_trips() {
        let cases: Vec<(Kind, Vec<Value>)> = vec![
            (
                area(),
                [0.0, 59.5, 60.0, 0.1, 1234567.125, 1e-7, 1e20, 0.1 + 0.2]
                    .map(Value::Number)
                    .to_vec(),
            ),
            (
                windows(),
                vec![Value::Count(0), Value::Count(2), Value::Count(1_000_000)],
            ),
            (
                trainees(),
                vec![Value::Count(4), Value::Number(2.5), Value::Number(0.75)],
            ),
            (screen(), vec![Value::Bool(true), Value::Bool(false)]),
            (
                departments(),
                vec![
                    set(&["民政局", "人社局", "医保局"]),
                    set(&["民政局"]),
                    set(&[]),
                    set(&["无"]),
                    set(&["none"]),
                    set(&["-"]),
                    set(&["NA"]),
                    set(&["不适用"]),
                    set(&["Civil Affairs"]),
                    set(&["Civil Affairs", "Human Resources"]),
                    set(&["ＡＢ局"]),
                ],
            ),
            (
                sign(),
                vec![
                    Value::Text("柳屯镇便民服务中心".into()),
                    Value::Text("是".into()),
                    Value::Text("60".into()),
                    Value::Text("民政局、人社局".into()),
                    Value::Text("不适用的牌子".into()),
                ],
            ),
        ];
        for (k, values) in cases {
            for v in values {
                assert_eq!(round_trip(&k, &v), Ok(v.clone()), "{} {v:?}", k.name());
            }
        }
    }

    fn finite_non_negative() -> impl Strategy<Value = f64> {
        use proptest::num::f64::{NORMAL, POSITIVE, SUBNORMAL, ZERO};
        POSITIVE | NORMAL | SUBNORMAL | ZERO
    }

    proptest! {
        #[test]
        fn numbers_round_trip(n in finite_non_negative()) {
            prop_assert_eq!(round_trip(&area(), &Value::Number(n)), Ok(Value::Number(n)));
        }

        #[test]
        // Separators among characters that share their first bytes (`。` E3 80 82, `（`
        // EF BC 88, `ｂ` EF BD 82), line breaks and spaces.
        fn pieces_are_the_split_at_separators(text in "[、，,；;／/\r\n 。（）＋ｂ民政局a]{0,24}") {
            let by_chars: Vec<&str> = text.split(is_list_separator).collect();
            let mut pieces = Vec::new();
            for_each_piece(&text, |piece| pieces.push(piece));
            prop_assert_eq!(pieces, by_chars);
        }

        #[test]
        fn counts_round_trip(n in 0i64..=i64::MAX) {
            prop_assert_eq!(round_trip(&windows(), &Value::Count(n)), Ok(Value::Count(n)));
        }

        #[test]
        fn member_lists_round_trip(members in prop::collection::vec("[民政人社医保局A-Za-z无 ]{1,8}", 0..5)) {
            let k = departments();
            // what the kind makes of the members is what must come back
            let v = k.accept(Raw::List(members)).unwrap();
            prop_assert_eq!(round_trip(&k, &v), Ok(v.clone()));
        }

        #[test]
        fn dates_round_trip_through_serials(days in 61i64..=2_958_465) {
            let d = date_from_excel_serial(days as f64).unwrap();
            prop_assert_eq!(parse_date(&d.to_string()), Ok(d));
            prop_assert_eq!(parse_date(&days.to_string()), Ok(d));
        }
    }
}

/// A CSV cell that Excel and WPS will show as text, never run as a formula: text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (the OWASP advice
/// against CSV injection). Plain numbers (`-3`, `+5`) are left alone. So does text that
/// [`undefuse`] would change (`'=x`, `''`): the readers take one `'` off again, so every
/// exported text reads back unchanged.
pub fn defuse(text: &str) -> Cow<'_, str> {
    let formula = starts_like_formula(text) && text.parse::<f64>().is_err();
    if formula || undefuse(text).len() != text.len() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Undoes [`defuse`] on a cell read from a spreadsheet: one leading `'` comes off when a
/// formula character or another `'` follows it.
pub fn undefuse(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) || rest.starts_with('\'') => rest,
        _ => text,
    }
}

/// Whether a cell starts as a spreadsheet formula would (`=`, `+`, `-`, `@`, a tab or a
/// carriage return): only such a cell may need [`defuse`].
pub fn starts_like_formula(text: impl AsRef<[u8]>) -> bool {
    matches!(
        text.as_ref().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

#[cfg(test)]
mod defuse_tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(
            defuse("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(defuse("+1+1"), "'+1+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("\tcmd"), "'\tcmd");
        assert_eq!(defuse("-3"), "-3");
        assert_eq!(defuse("59.5"), "59.5");
        assert_eq!(defuse("城关镇"), "城关镇");
        for text in [
            "=1+1", "-x", "plain", "-3", "'quoted", "'=x", "''", "'-3", "'",
        ] {
            assert_eq!(undefuse(&defuse(text)), text);
        }
    }
}
