//! One data row's cells, whichever reader produced them: a [`ByteRecord`] from the CSV
//! parser or an xlsx sheet, a [`Line`] cut straight out of a chunk of CSV text that holds
//! no quotes (most large exports), or the [`Spans`] of a chunk whose quotes all enclose
//! whole cells (KoboToolbox's exports): neither needs a copy or a UTF-8 check per cell.

use std::ops::Range;

use csv::{ByteRecord, StringRecord};

/// The cells of one row, as the row readers look at them.
pub trait Cells {
    /// How many cells the row has.
    fn count(&self) -> usize;
    /// The bytes of cell `i`; `None` past the row's end.
    fn bytes(&self, i: usize) -> Option<&[u8]>;
    /// Cell `i` as text: `""` past the row's end, `None` if it is not UTF-8.
    fn text(&self, i: usize) -> Option<&str>;
    /// Whether every cell in `columns` is empty (cells past the row's end are).
    fn all_empty(&self, columns: Range<usize>) -> bool;
    /// The bytes of all cells together.
    fn byte_len(&self) -> usize;
    /// The row as text, for the full reader; `None` if a cell is not UTF-8.
    fn to_strings(&self) -> Option<StringRecord>;
}

impl Cells for ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn bytes(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }

    fn text(&self, i: usize) -> Option<&str> {
        std::str::from_utf8(self.get(i).unwrap_or(b"")).ok()
    }

    fn all_empty(&self, columns: Range<usize>) -> bool {
        // A record keeps its cells end to end: one comparison for the whole run.
        let end = columns.end.min(self.len());
        if columns.start >= end {
            return true;
        }
        match (self.range(columns.start), self.range(end - 1)) {
            (Some(first), Some(last)) => first.start == last.end,
            _ => true,
        }
    }

    fn byte_len(&self) -> usize {
        self.as_slice().len()
    }

    fn to_strings(&self) -> Option<StringRecord> {
        StringRecord::from_byte_record(self.clone()).ok()
    }
}

/// A row of a CSV text without quotes: the line itself and where each cell ends in it
/// (cells are separated by one comma each).
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> Line<'a> {
    /// The row `text` whose cells end at `ends` (the last at `text.len()`).
    pub fn new(text: &'a str, ends: &'a [usize]) -> Line<'a> {
        Line { text, ends }
    }

    fn span(&self, i: usize) -> Option<Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        };
        Some(start..end)
    }
}

impl Cells for Line<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn bytes(&self, i: usize) -> Option<&[u8]> {
        self.text.as_bytes().get(self.span(i)?)
    }

    fn text(&self, i: usize) -> Option<&str> {
        match self.span(i) {
            // Cells are cut at commas, so always on character boundaries.
            Some(span) => self.text.get(span),
            None => Some(""),
        }
    }

    fn all_empty(&self, columns: Range<usize>) -> bool {
        let end = columns.end.min(self.ends.len());
        if columns.start >= end {
            return true;
        }
        match (self.span(columns.start), self.span(end - 1)) {
            // Nothing but the commas between them.
            (Some(first), Some(last)) => last.end - first.start == end - 1 - columns.start,
            _ => true,
        }
    }

    fn byte_len(&self) -> usize {
        self.text.len() + 1 - self.ends.len()
    }

    fn to_strings(&self) -> Option<StringRecord> {
        let mut record = StringRecord::with_capacity(self.text.len(), self.ends.len());
        for i in 0..self.ends.len() {
            record.push_field(self.text(i)?);
        }
        Some(record)
    }
}

/// A row whose cells lie anywhere in a text: the cells of a quoted CSV row, each between
/// its quotes (see [`super::chunks::QuotedRows`]).
#[derive(Clone, Copy, Debug)]
pub struct Spans<'a> {
    text: &'a str,
    spans: &'a [(usize, usize)],
    /// The bytes of all cells, added up while they were found.
    len: usize,
}

impl<'a> Spans<'a> {
    /// The row whose cell `i` is `text[spans[i].0..spans[i].1]`, `len` bytes in all; every
    /// span must start and end next to ASCII bytes (or at the text's ends).
    pub fn new(text: &'a str, spans: &'a [(usize, usize)], len: usize) -> Spans<'a> {
        Spans { text, spans, len }
    }
}

impl Cells for Spans<'_> {
    fn count(&self) -> usize {
        self.spans.len()
    }

    fn bytes(&self, i: usize) -> Option<&[u8]> {
        let &(start, end) = self.spans.get(i)?;
        self.text.as_bytes().get(start..end)
    }

    fn text(&self, i: usize) -> Option<&str> {
        match self.spans.get(i) {
            Some(&(start, end)) => self.text.get(start..end),
            None => Some(""),
        }
    }

    fn all_empty(&self, columns: Range<usize>) -> bool {
        let end = columns.end.min(self.spans.len());
        self.spans
            .get(columns.start..end)
            .is_none_or(|cells| cells.iter().all(|(start, end)| start == end))
    }

    fn byte_len(&self) -> usize {
        self.len
    }

    fn to_strings(&self) -> Option<StringRecord> {
        let mut record = StringRecord::with_capacity(self.len, self.spans.len());
        for i in 0..self.spans.len() {
            record.push_field(self.text(i)?);
        }
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line and its cell ends, as the chunk reader cuts them.
    fn line(text: &str) -> (String, Vec<usize>) {
        let mut ends: Vec<usize> = text.match_indices(',').map(|(i, _)| i).collect();
        ends.push(text.len());
        (text.to_owned(), ends)
    }

    #[test]
    fn a_line_reads_as_the_record_of_the_same_cells() {
        for text in ["a,,b,中文,,", "", "one", ",,,", "x,,,y,,,z"] {
            let (text, ends) = line(text);
            let line = Line::new(&text, &ends);
            let record = ByteRecord::from(text.split(',').collect::<Vec<_>>());
            assert_reads_as(&line, &record, &text);
        }
    }

    /// `row` gives what `record` gives, cell by cell and for every range of cells.
    fn assert_reads_as(row: &impl Cells, record: &ByteRecord, what: &str) {
        assert_eq!(row.count(), record.count(), "{what}");
        assert_eq!(row.byte_len(), record.byte_len(), "{what}");
        assert_eq!(row.to_strings(), record.to_strings(), "{what}");
        for i in 0..=record.len() + 1 {
            assert_eq!(row.bytes(i), record.bytes(i), "{what} cell {i}");
            assert_eq!(row.text(i), record.text(i), "{what} cell {i}");
            for j in 0..=record.len() + 2 {
                assert_eq!(
                    row.all_empty(i..j),
                    record.all_empty(i..j),
                    "{what} cells {i}..{j}"
                );
            }
        }
    }

    #[test]
    fn spans_read_as_the_record_of_the_same_cells() {
        for cells in [
            vec!["a", "", "b", "中文", "", ""],
            vec![],
            vec![""],
            vec!["one"],
            vec!["", "", ""],
            vec!["x,y", "", "say \"hi\"", "two\nlines"],
        ] {
            // Each cell between quotes, as a quoted row lays them out.
            let (mut text, mut spans) = (String::new(), Vec::new());
            for cell in &cells {
                text.push_str("\",\"");
                spans.push((text.len(), text.len() + cell.len()));
                text.push_str(cell);
            }
            let len = cells.iter().map(|c| c.len()).sum();
            let row = Spans::new(&text, &spans, len);
            let record = ByteRecord::from(cells.clone());
            assert_reads_as(&row, &record, &format!("{cells:?}"));
        }
    }

    #[test]
    fn runs_of_empty_cells_are_told_apart_from_filled_ones() {
        let row = ByteRecord::from(vec!["a", "", "", "b", "", ""]);
        assert!(row.all_empty(1..3));
        assert!(!row.all_empty(1..4));
        assert!(!row.all_empty(0..1));
        assert!(row.all_empty(4..6));
        assert!(row.all_empty(4..20), "cells past the row's end are empty");
        assert!(row.all_empty(9..20));
        assert!(row.all_empty(2..2));
        assert!(!row.all_empty(3..9));
    }

    #[test]
    fn cells_that_are_not_utf8_have_no_text() {
        let row = ByteRecord::from(vec![&b"ok"[..], &b"\xff"[..]]);
        assert_eq!(row.text(0), Some("ok"));
        assert_eq!(row.text(1), None);
        assert_eq!(row.text(5), Some(""));
        assert!(row.to_strings().is_none());
    }
}
