//! CSV for spreadsheets and scripts: one row per finding, with the site's columns repeated
//! so a filter in Excel keeps every row meaningful. A site with no findings still gets one
//! row, with the finding columns empty, so no site disappears from the sheet. The header is
//! ASCII and stable; verdicts and statuses are the ASCII words of the JSON.

use std::any::Any;
use std::io::{self, Write};

use super::{Renderer, date_digits, defuse, push_date};
use crate::audit::{Run, SiteResult, Totals};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::value::starts_like_formula;

/// The CSV renderer. Rows are written cell by cell into one reused line, as the `csv`
/// crate's writer would write them (a unit test compares the two), without its buffering
/// between the renderer and the output.
pub struct Csv {
    lang: Lang,
    /// Reused for the date and due date of each site.
    texts: [String; 2],
    /// Reused for the score and maximum of each site.
    digits: [Vec<u8>; 2],
    /// The score and maximum `texts` hold: most rows repeat the row before.
    points: Option<(Points, Points)>,
    /// Reused for each row.
    line: Vec<u8>,
}

/// Appends one row of `cells` (UTF-8) and its line break to `line`.
fn put_row<'c>(line: &mut Vec<u8>, cells: impl IntoIterator<Item = &'c [u8]> + Clone) {
    put_cells(line, cells);
    line.push(b'\n');
}

/// Appends `cells`, separated by commas, to `line`, each as [`put_cell`] writes it. Almost
/// no cell needs quoting or a guard, so the cells are first written as they are and the
/// whole run checked at once: no quote or line break, and no comma but the separators.
/// Only a run that fails the check is written again cell by cell.
fn put_cells<'c>(line: &mut Vec<u8>, cells: impl IntoIterator<Item = &'c [u8]> + Clone) {
    let start = line.len();
    let (mut separators, mut guard) = (0, false);
    for (i, cell) in cells.clone().into_iter().enumerate() {
        if i > 0 {
            line.push(b',');
            separators += 1;
        }
        guard |= starts_like_formula(cell);
        line.extend_from_slice(cell);
    }
    let written = &line[start..];
    if !guard
        && memchr::memchr3(b'"', b'\r', b'\n', written).is_none()
        && memchr::memchr_iter(b',', written).count() == separators
    {
        return;
    }
    line.truncate(start);
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        put_cell(line, &String::from_utf8_lossy(cell));
    }
}

/// Writes one cell as the CSV writer does: guarded against formulas, and quoted (quotes
/// doubled) only when it holds a comma, a quote or a line break.
fn put_cell(line: &mut Vec<u8>, text: &str) {
    let text = defuse(text);
    let bytes = text.as_bytes();
    // Without an early exit, so the compiler can compare many bytes at once.
    if bytes.iter().fold(false, |found, &b| {
        found | matches!(b, b',' | b'"' | b'\r' | b'\n')
    }) {
        line.push(b'"');
        for &b in bytes {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(bytes);
    }
}

/// The site's columns of the CSV (the rest describe a finding).
const SITE_COLUMNS: usize = 10;
/// What follows the site's columns on the row of a site without findings: the finding
/// columns, empty, and the line break.
const NO_FINDING: &[u8] = b",,,,,,,,,,,,\n";
const _: () = assert!(NO_FINDING.len() == HEADER.len() - SITE_COLUMNS + 1);

impl Csv {
    /// A CSV renderer speaking `lang` in titles and texts.
    pub fn new(lang: Lang) -> Csv {
        Csv {
            lang,
            texts: Default::default(),
            digits: Default::default(),
            points: None,
            line: Vec::new(),
        }
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
    "due",
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
    fn begin(&mut self, _run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        self.line.clear();
        put_row(&mut self.line, HEADER.iter().map(|h| h.as_bytes()));
        out.write_all(&self.line)
    }

    fn site(
        &mut self,
        _run: &Run<'_>,
        site: &SiteResult<'_>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let lang = self.lang;
        let r = site.record;
        // The site's own columns, formatted once into reused buffers: a file of many sites
        // spends its time here.
        let [date, due] = &mut self.texts;
        let [score, max] = &mut self.digits;
        let digits = date_digits(r.inspected_on);
        if digits.is_none() {
            date.clear();
            push_date(date, r.inspected_on);
        }
        let points = (site.score.earned, site.score.max);
        if self.points != Some(points) {
            score.clear();
            max.clear();
            points.0.push_digits(score);
            points.1.push_digits(max);
            self.points = Some(points);
        }
        due.clear();
        if let Some(d) = site.due {
            push_date(due, d);
        }
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
            due.as_bytes(),
        ];
        let line = &mut self.line;
        line.clear();
        if site.findings().next().is_none() {
            // Most sites of a large file: one row, the finding columns empty.
            put_cells(line, site_cols);
            line.extend_from_slice(NO_FINDING);
            return out.write_all(line);
        }
        for o in site.findings() {
            let observed = o.observed(lang);
            let points = o.item.points.to_string();
            let lost = o.lost.to_string();
            let evidence = o.evidence().join("; ");
            let waiver = o.waiver_note(lang).unwrap_or_default();
            let finding_cols = [
                o.item.id.as_str(),
                o.item.clause.as_str(),
                o.item.label(lang),
                o.status.code(),
                observed.as_str(),
                o.expected.as_str(),
                o.item.severity.label(Lang::En),
                points.as_str(),
                lost.as_str(),
                o.note().unwrap_or_default(),
                evidence.as_str(),
                waiver.as_str(),
            ];
            put_row(
                line,
                site_cols.into_iter().chain(finding_cols.map(str::as_bytes)),
            );
        }
        out.write_all(line)
    }

    fn finish(&mut self, _run: &Run<'_>, _totals: &Totals, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn part(&self) -> Box<dyn Renderer> {
        Box::new(Csv::new(self.lang))
    }

    fn join(
        &mut self,
        _part: Box<dyn Renderer>,
        written: &[u8],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(written)
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of `cells` written one [`put_cell`] at a time.
    fn cell_by_cell(cells: &[&str]) -> Vec<u8> {
        let mut line = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            put_cell(&mut line, cell);
        }
        line.push(b'\n');
        line
    }

    proptest::proptest! {
        /// Rows written at once are the cells written one by one, whatever they hold.
        #[test]
        fn rows_are_their_cells_written_one_by_one(
            cells in proptest::collection::vec("[a,\"\r\n=+@\t -城关镇1]{0,6}", 0..8),
        ) {
            let mut at_once = Vec::new();
            put_row(&mut at_once, cells.iter().map(String::as_bytes));
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(at_once, cell_by_cell(&cells));
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
        let mut by_writer = csv::Writer::from_writer(Vec::new());
        for cell in cells {
            by_writer.write_field(defuse(cell).as_ref()).unwrap();
        }
        by_writer.write_record(None::<&[u8]>).unwrap();
        let expected = by_writer.into_inner().unwrap();
        let line = cell_by_cell(&cells);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}
