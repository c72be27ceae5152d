//! CSV for spreadsheets and scripts: one row per finding, with the site's columns repeated
//! so a filter in Excel keeps every row meaningful. A site with no findings still gets one
//! row, with the finding columns empty, so no site disappears from the sheet. The header is
//! ASCII and stable; verdicts and statuses are the ASCII words of the JSON.

use std::io::{self, Write};

use super::{Renderer, date_digits, defuse, push_date};
use crate::audit::{Deadline, Outcome, Run, SiteResult, Totals, Verdict};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::value::starts_like_formula;
use crate::render::{Label, Wording};

/// The CSV renderer. Rows are gathered at the end of the part's output with their cells
/// guarded against formulas but not yet quoted, and turned into CSV where they lie a few
/// hundred at a time ([`to_csv`]): as the `csv` crate's writer would write them (a test
/// compares the two), without its work per cell, and without copying them once more.
pub struct Csv {
    lang: Lang,
}

/// The rows of a run of sites, with the buffers reused from site to site.
pub struct CsvPart {
    /// The rows: CSV, but for the last ones still gathered (see `gathered_from`).
    bytes: Vec<u8>,
    /// Reused for the date and due date of each site.
    texts: [String; 2],
    /// Reused for the score and maximum of each site.
    digits: [Vec<u8>; 2],
    /// The score and maximum `digits` hold: most rows repeat the row before.
    points: Option<(Points, Points)>,
    /// Where the rows not yet turned into CSV start in the output: each cell ended by
    /// [`CELL_END`], the last by [`ROW_END`].
    gathered_from: Option<usize>,
    /// The end of a row without findings, from the score on, and what it was written for:
    /// most rows end as the row before.
    tail: Vec<u8>,
    tail_of: Option<Tail>,
    /// The words of the items found so far that are the same at every site.
    items: Vec<ItemWords>,
    /// Reused for the points lost of each finding.
    lost: Vec<u8>,
}

/// The cells of a finding that depend on its item only, worded once per part: most
/// findings of a large file are of a few items. Kept by checklist and item id, as two
/// checklists may give one id different settings.
struct ItemWords {
    checklist: String,
    item: String,
    /// What the item expects, if the same at every site.
    expected: Option<String>,
    points: String,
}

impl ItemWords {
    /// The words of `finding`'s item at a site of `checklist`, worded at its first finding.
    fn of<'w>(
        items: &'w mut Vec<ItemWords>,
        checklist: &str,
        finding: &Outcome<'_>,
        lang: Lang,
    ) -> &'w ItemWords {
        let item = finding.item;
        let known = items
            .iter()
            .position(|w| w.item == item.id && w.checklist == checklist);
        let at = known.unwrap_or_else(|| {
            items.push(ItemWords {
                checklist: checklist.to_owned(),
                item: item.id.clone(),
                expected: item
                    .kind
                    .expects_the_same_everywhere()
                    .then(|| finding.expected(lang)),
                points: item.points.to_string(),
            });
            items.len() - 1
        });
        &items[at]
    }
}

/// What the end of a row without findings says: score, maximum, grade label, verdict and
/// due date.
type Tail = (Points, Points, Option<String>, Verdict, Option<Deadline>);

/// Ends a cell of rows gathered ([`Csv::gathered_from`]): a byte that UTF-8 text never
/// holds, so a run of rows can always be taken apart again.
const CELL_END: u8 = 0xff;
/// Ends a row of rows gathered, for the same reason.
const ROW_END: u8 = 0xfe;
/// How many bytes of rows are gathered before they are turned into CSV: few enough to
/// stay in the cache.
const GATHERED_BYTES: usize = 16 * 1024;

/// Appends one row of `cells` (UTF-8), each guarded against formulas, to `rows`.
fn push_row<'c>(rows: &mut Vec<u8>, cells: impl IntoIterator<Item = &'c [u8]>) {
    push_cells(rows, cells);
    rows.push(ROW_END);
}

/// Appends `cells` (UTF-8), each guarded against formulas, to `rows`: a row's first
/// cells, the rest of it to follow.
fn push_cells<'c>(rows: &mut Vec<u8>, cells: impl IntoIterator<Item = &'c [u8]>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            rows.push(CELL_END);
        }
        // Only a cell starting with a formula character or a `'` can need the guard.
        if starts_like_formula(cell) || cell.first() == Some(&b'\'') {
            rows.extend_from_slice(defuse(&String::from_utf8_lossy(cell)).as_bytes());
        } else {
            rows.extend_from_slice(cell);
        }
    }
}

/// Turns the rows gathered in `out` from `from` on into CSV, where they lie. Almost no
/// cell needs quoting, so the whole run is searched at once for a comma, a quote or a line
/// break; if there is none the separators are simply turned into commas and line breaks,
/// else every cell is written again as [`quote_cell`] writes it.
fn to_csv(out: &mut Vec<u8>, from: usize) {
    let rows = &mut out[from..];
    if memchr::memchr3(b',', b'"', b'\n', rows).is_none() && memchr::memchr(b'\r', rows).is_none() {
        for b in rows.iter_mut() {
            *b = match *b {
                CELL_END => b',',
                ROW_END => b'\n',
                b => b,
            };
        }
    } else {
        let gathered = out.split_off(from);
        let rows = gathered.strip_suffix(&[ROW_END]).unwrap_or_default();
        for row in rows.split(|&b| b == ROW_END) {
            for (i, cell) in row.split(|&b| b == CELL_END).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                quote_cell(out, cell);
            }
            out.push(b'\n');
        }
    }
}

/// Writes one cell as the CSV writer does: quoted (quotes doubled) only when it holds a
/// comma, a quote or a line break.
fn quote_cell(csv: &mut Vec<u8>, bytes: &[u8]) {
    // Without an early exit, so the compiler can compare many bytes at once.
    if bytes.iter().fold(false, |found, &b| {
        found | matches!(b, b',' | b'"' | b'\r' | b'\n')
    }) {
        csv.push(b'"');
        for &b in bytes {
            if b == b'"' {
                csv.push(b'"');
            }
            csv.push(b);
        }
        csv.push(b'"');
    } else {
        csv.extend_from_slice(bytes);
    }
}

/// The site's columns of the CSV (the rest describe a finding).
const SITE_COLUMNS: usize = 12;
/// The column of the inspection date: the last of a site's own columns that are not its
/// result.
const DATE: usize = 4;
const _: () = assert!(matches!(HEADER[DATE].as_bytes(), b"inspected_on"));
/// The columns an unreadable record's row fills.
const VERDICT: usize = 8;
const VERDICT_LABEL: usize = 9;
const NOTE: usize = 21;
const _: () = assert!(matches!(HEADER[VERDICT].as_bytes(), b"verdict"));
const _: () = assert!(matches!(HEADER[VERDICT_LABEL].as_bytes(), b"verdict_label"));
const _: () = assert!(matches!(HEADER[NOTE].as_bytes(), b"note"));
/// What follows the site's columns on the row of a site without findings: the finding
/// columns, empty, and the row's end.
const NO_FINDING: [u8; HEADER.len() - SITE_COLUMNS + 1] = {
    let mut ends = [CELL_END; HEADER.len() - SITE_COLUMNS + 1];
    ends[HEADER.len() - SITE_COLUMNS] = ROW_END;
    ends
};

impl Csv {
    /// A CSV renderer speaking `lang` in titles and texts.
    pub fn new(lang: Lang) -> Csv {
        Csv { lang }
    }
}

/// The header row.
pub const HEADER: &[&str] = &[
    "site_id",
    "site_name",
    "kind",
    "township",
    "inspected_on",
    "score",
    "max_score",
    "grade",
    "verdict",
    "verdict_label",
    "due",
    "due_provisional",
    "item",
    "clause",
    "title",
    "status",
    "observed",
    "expected",
    "severity",
    "points",
    "points_lost",
    "note",
    "evidence",
    "waiver",
];

impl Renderer for Csv {
    type Part = CsvPart;

    fn part(&self, bytes: usize) -> CsvPart {
        CsvPart {
            bytes: Vec::with_capacity(bytes),
            texts: Default::default(),
            digits: Default::default(),
            points: None,
            gathered_from: None,
            tail: Vec::new(),
            tail_of: None,
            items: Vec::new(),
            lost: Vec::new(),
        }
    }

    fn written(part: &CsvPart) -> usize {
        part.bytes.len()
    }

    fn begin(&mut self, _run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut header = Vec::new();
        push_row(&mut header, HEADER.iter().map(|h| h.as_bytes()));
        to_csv(&mut header, 0);
        out.write_all(&header)
    }

    fn site(&self, _run: &Run<'_>, site: &SiteResult<'_>, part: &mut CsvPart) -> io::Result<()> {
        let lang = self.lang;
        let r = site.record;
        // The site's own columns, formatted once into reused buffers: a file of many sites
        // spends its time here.
        let [date, due] = &mut part.texts;
        let [score, max] = &mut part.digits;
        let digits = date_digits(r.inspected_on);
        if digits.is_none() {
            date.clear();
            push_date(date, r.inspected_on);
        }
        let points = (site.score.earned, site.score.max);
        if part.points != Some(points) {
            score.clear();
            max.clear();
            points.0.push_digits(score);
            points.1.push_digits(max);
            part.points = Some(points);
        }
        due.clear();
        if let Some(d) = site.due {
            push_date(due, d.value());
        }
        // Empty without a deadline; else whether the deadline may still move.
        let due_provisional: &[u8] = match site.due {
            None => b"",
            Some(d) if d.is_provisional() => b"true",
            Some(_) => b"false",
        };
        let site_cols: [&[u8]; SITE_COLUMNS] = [
            r.id.as_bytes(),
            r.name.as_bytes(),
            r.kind.as_bytes(),
            r.township.as_bytes(),
            digits.as_ref().map_or(date.as_bytes(), |d| d.as_slice()),
            score.as_slice(),
            max.as_slice(),
            site.grade.map_or("", |g| g.label(lang)).as_bytes(),
            site.verdict.code().as_bytes(),
            site.verdict.label(lang).as_bytes(),
            due.as_bytes(),
            due_provisional,
        ];
        let out = &mut part.bytes;
        let from = *part.gathered_from.get_or_insert(out.len());
        if site.findings.is_empty() {
            // Most sites of a large file: one row, the finding columns empty.
            let grade = site.grade.map(|g| g.label(lang));
            let same = part
                .tail_of
                .as_ref()
                .is_some_and(|(earned, max, label, verdict, due)| {
                    (*earned, *max, *verdict, *due) == (points.0, points.1, site.verdict, site.due)
                        && label.as_deref() == grade
                });
            if !same {
                part.tail.clear();
                push_cells(&mut part.tail, site_cols[DATE + 1..].iter().copied());
                part.tail.extend_from_slice(&NO_FINDING);
                part.tail_of = Some((
                    points.0,
                    points.1,
                    grade.map(str::to_owned),
                    site.verdict,
                    site.due,
                ));
            }
            push_cells(out, site_cols[..=DATE].iter().copied());
            out.push(CELL_END);
            out.extend_from_slice(&part.tail);
        } else {
            for o in &site.findings {
                let words = ItemWords::of(&mut part.items, &site.checklist.id, o, lang);
                let observed = o.observed(lang);
                let at_site;
                let expected = match &words.expected {
                    Some(expected) => expected,
                    None => {
                        at_site = o.expected(lang);
                        &at_site
                    }
                };
                let lost = &mut part.lost;
                lost.clear();
                o.lost.push_digits(lost);
                let evidence = o.evidence().join("; ");
                let waiver = super::labels::waiver_note(o, lang).unwrap_or_default();
                let finding_cols = [
                    o.item.id.as_str(),
                    o.item.clause.as_str(),
                    o.item.label(lang),
                    o.status.code(),
                    observed.as_str(),
                    expected.as_str(),
                    o.item.severity.code(),
                    words.points.as_str(),
                ];
                let other_cols = [
                    o.note().unwrap_or_default(),
                    evidence.as_str(),
                    waiver.as_str(),
                ];
                push_row(
                    out,
                    site_cols
                        .into_iter()
                        .chain(finding_cols.map(str::as_bytes))
                        .chain([lost.as_slice()])
                        .chain(other_cols.map(str::as_bytes)),
                );
            }
        }
        if out.len() - from >= GATHERED_BYTES {
            to_csv(out, from);
            part.gathered_from = None;
        }
        Ok(())
    }

    /// A record that could not be read is a row of its own at the end: its file in
    /// `site_id`'s place is unknown, so `verdict` is `error` and `note` holds the message.
    fn finish(&mut self, _run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let mut rows = Vec::new();
        for u in &totals.unread {
            let mut cells = vec![String::new(); HEADER.len()];
            cells[VERDICT] = "error".to_owned();
            cells[VERDICT_LABEL] = self.lang.pick("无法读取", "unreadable").to_owned();
            cells[NOTE] = u.message.clone();
            push_row(&mut rows, cells.iter().map(String::as_bytes));
        }
        to_csv(&mut rows, 0);
        out.write_all(&rows)
    }

    fn join(&mut self, part: CsvPart, out: &mut dyn Write) -> io::Result<()> {
        // The part's last rows, still gathered, are turned into CSV here.
        let written = part.bytes;
        let Some(from) = part.gathered_from.filter(|&from| from <= written.len()) else {
            return out.write_all(&written);
        };
        out.write_all(&written[..from])?;
        let mut last = written[from..].to_vec();
        to_csv(&mut last, 0);
        out.write_all(&last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV of `rows` as the `csv` crate's writer writes the guarded cells.
    fn by_writer(rows: &[Vec<String>]) -> String {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            writer
                .write_record(row.iter().map(|cell| defuse(cell).into_owned()))
                .unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    /// The CSV of `rows` gathered and written as the renderer does it.
    fn gathered(rows: &[Vec<String>]) -> String {
        // After some CSV already there, which must be left as it is.
        let mut out = b"x,\"y\"\n".to_vec();
        let from = out.len();
        for row in rows {
            push_row(&mut out, row.iter().map(String::as_bytes));
        }
        to_csv(&mut out, from);
        let out = String::from_utf8(out).unwrap();
        out.strip_prefix("x,\"y\"\n").unwrap().to_owned()
    }

    proptest::proptest! {
        /// Rows are written as the CSV writer writes them, whatever their cells hold:
        /// plain runs by the quick way, runs with a cell to quote cell by cell.
        #[test]
        fn rows_are_written_as_the_csv_writer_writes_them(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n=+@\t -城关镇1]{0,6}", 2..8),
                0..6,
            ),
        ) {
            proptest::prop_assert_eq!(gathered(&rows), by_writer(&rows));
        }
    }

    #[test]
    fn cells_are_written_as_the_csv_writer_writes_them() {
        let cells = [
            "plain",
            "",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\rhere",
            "=1+1",
            "-3",
            "城关镇便民服务中心",
            " spaced ",
            "\"",
        ];
        let quoted: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        let plain = vec!["城关镇".to_owned(), "=SUM(A1)".to_owned(), "8.5".to_owned()];
        for rows in [
            vec![quoted.clone()],
            vec![plain.clone(), quoted],
            vec![plain],
        ] {
            assert_eq!(gathered(&rows), by_writer(&rows));
        }
    }
}
