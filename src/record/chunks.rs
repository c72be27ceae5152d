//! Cutting CSV text into chunks of whole rows, so that rows can be parsed and judged on
//! several threads and their results put back in file order.
//!
//! Where a row ends cannot be known for sure without parsing everything before it: a line
//! break inside a quoted cell (Alt+Enter in Excel) does not end the row. The [`Chunker`]
//! guesses by counting quotes, which is right for every file Excel, WPS or a form tool
//! writes; [`ChunkRows`] then proves each guess while it parses the chunk, by ending every
//! chunk but the last with a sentinel that reads differently when the cut fell inside a
//! quoted cell. A chunk whose cut was wrong is joined to the next and parsed again, so a
//! bad guess costs time, never a row.

use std::io::{self, Read};

use csv::ByteRecord;

use super::cells::Spans;

/// Ends every chunk but the last: when the cut was at a row boundary it reads as one more
/// row (an unterminated quoted cell) starting after the data; when the cut fell inside a
/// quoted cell it closes that cell instead, inside a row that started in the data.
const SENTINEL: &[u8] = b"\"\n";

/// The most read at once.
const READ_STEP: usize = 1024 * 1024;

/// A run of whole rows (as far as the quotes tell) of a CSV text.
#[derive(Debug)]
pub struct Chunk {
    /// The rows, then [`SENTINEL`] unless this is the last chunk, then whatever the buffer
    /// held before (it is reused, see [`Chunker::recycle`]).
    bytes: Vec<u8>,
    /// How many of `bytes` are the file's.
    len: usize,
    /// The row (from 1) on which the chunk starts, as a spreadsheet numbers rows: the file's
    /// lines, less the line breaks inside quoted cells before it (a cell written with
    /// Alt+Enter is one row in Excel, and errors cite the row Excel shows).
    pub first_row: usize,
    /// Whether the chunk runs to the end of the file.
    pub last: bool,
    /// How many times the chunker had been told its quote count was wrong when it cut
    /// this chunk (see [`Chunker::recount`]).
    pub epoch: usize,
    /// Whether the chunker, counting quotes to cut, found none in this chunk (`false` when
    /// it did not count them): its rows are then read without looking for quotes again.
    quote_free: bool,
}

impl Chunk {
    fn new(data: Vec<u8>, first_row: usize, last: bool) -> Chunk {
        let len = data.len();
        Chunk::in_buffer(data, len, first_row, last)
    }

    /// The chunk of the first `len` bytes of `buffer`.
    fn in_buffer(mut buffer: Vec<u8>, len: usize, first_row: usize, last: bool) -> Chunk {
        if !last {
            match buffer.get_mut(len..len + SENTINEL.len()) {
                Some(room) => room.copy_from_slice(SENTINEL),
                None => {
                    buffer.truncate(len);
                    buffer.extend_from_slice(SENTINEL);
                }
            }
        }
        Chunk {
            bytes: buffer,
            len,
            first_row,
            last,
            epoch: 0,
            quote_free: false,
        }
    }

    /// The file's bytes in this chunk.
    pub fn data(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// What the parser reads: the data, and the sentinel unless this is the last chunk.
    fn parsed(&self) -> &[u8] {
        let sentinel = if self.last { 0 } else { SENTINEL.len() };
        &self.bytes[..self.len + sentinel]
    }

    /// This chunk followed by `next`: what to parse when this chunk's cut was wrong.
    pub fn joined(&self, next: &Chunk) -> Chunk {
        let mut data = Vec::with_capacity(self.len + next.parsed().len());
        data.extend_from_slice(self.data());
        data.extend_from_slice(next.data());
        Chunk {
            epoch: next.epoch,
            ..Chunk::new(data, self.first_row, next.last)
        }
    }

    /// The chunk without its first `at` bytes (a header already read), starting on `row`.
    pub fn rest(&self, at: usize, row: usize) -> Chunk {
        Chunk {
            epoch: self.epoch,
            ..Chunk::new(self.data()[at.min(self.len)..].to_vec(), row, self.last)
        }
    }

    /// Whether the chunk holds no file bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// How many times `byte` occurs in `bytes`.
fn count(bytes: &[u8], byte: u8) -> usize {
    memchr::memchr_iter(byte, bytes).count()
}

/// Counts the rows a CSV text takes in a spreadsheet as it is handed out chunk by chunk:
/// its line breaks, less those inside quoted cells. Quotes are told as the parser tells
/// them (a cell is quoted only if a quote opens it; `""` inside one is a quote), and the
/// count runs on across chunks, so it stays right when a cut fell inside a quoted cell.
#[derive(Debug, Default)]
struct RowCount {
    /// Whether the text so far ends inside a quoted cell.
    quoted: bool,
    /// Whether the text so far ends just after the quote that closed a cell, where a quote
    /// is the second of a `""` pair.
    just_closed: bool,
    /// Whether the text so far ends where a cell starts (the file's start, or after a comma
    /// or line break).
    at_cell_start: bool,
}

impl RowCount {
    fn new() -> RowCount {
        RowCount {
            at_cell_start: true,
            ..RowCount::default()
        }
    }

    /// The rows `bytes`, the next bytes of the text, take.
    fn rows(&mut self, bytes: &[u8], quote_free: bool) -> usize {
        let breaks = count(bytes, b'\n');
        if bytes.is_empty() || (quote_free && !self.quoted) {
            self.just_closed = false;
            self.at_cell_start = matches!(bytes.last(), Some(b',' | b'\n' | b'\r'));
            return breaks;
        }
        let mut inside = 0;
        let mut last = None;
        for at in memchr::memchr2_iter(b'"', b'\n', bytes) {
            // Just after the quote that closed a cell, a quote is the second of a `""`.
            let after_close = self.just_closed
                && match at.checked_sub(1) {
                    None => true,
                    Some(before) => last == Some(before),
                };
            let starts_cell = match at.checked_sub(1) {
                None => self.at_cell_start,
                Some(before) => matches!(bytes[before], b',' | b'\n' | b'\r'),
            };
            match bytes[at] {
                b'"' if self.quoted => {
                    self.quoted = false;
                    self.just_closed = true;
                }
                b'"' if after_close || starts_cell => {
                    self.quoted = true;
                    self.just_closed = false;
                }
                b'"' => self.just_closed = false,
                _ if self.quoted => inside += 1,
                _ => self.just_closed = false,
            }
            last = Some(at);
        }
        let end = bytes.len() - 1;
        self.just_closed = self.just_closed && last == Some(end);
        self.at_cell_start = matches!(bytes[end], b',' | b'\n' | b'\r');
        breaks - inside
    }
}

/// The line breaks inside the cells of `row`: what a row read by the parser takes in lines
/// beyond its one row.
pub fn breaks_inside(row: &ByteRecord) -> usize {
    row.iter().map(|cell| count(cell, b'\n')).sum()
}

/// Cuts a CSV text into [`Chunk`]s of about `size` bytes, each ending at a line break that
/// an even number of quotes precedes.
pub struct Chunker<R> {
    input: R,
    /// Bytes read but not yet handed out are `carry[..filled]`; the rest of `carry` is room
    /// to read into, already initialised.
    carry: Vec<u8>,
    filled: usize,
    /// Buffers of chunks handed back ([`Chunker::recycle`]), to read the next chunks into
    /// without allocating and zeroing a megabyte each time.
    spare: Vec<Vec<u8>>,
    /// Whether the quotes before `carry` leave it inside a quoted cell.
    quoted: bool,
    /// The row `carry` starts on (see [`Chunk::first_row`]).
    row: usize,
    rows: RowCount,
    size: usize,
    /// The longest row accepted, so a quote left open cannot swallow the whole file.
    max_row: usize,
    /// Whether the input has ended (`carry` may still hold its last bytes).
    done: bool,
    /// A read error, given once the whole rows read before it are handed out: errors come
    /// in the order of the file, whatever the chunk size.
    failed: Option<io::Error>,
    epoch: usize,
}

/// Spare buffers kept at most: as many as there are chunks in flight is plenty.
const MAX_SPARE: usize = 32;

impl<R: Read> Chunker<R> {
    /// A chunker of `input` into chunks of about `size` bytes; a row (or a quote left open)
    /// longer than `max_row` bytes is an error.
    pub fn new(input: R, size: usize, max_row: usize) -> Chunker<R> {
        Chunker {
            input,
            carry: Vec::new(),
            filled: 0,
            spare: Vec::new(),
            quoted: false,
            row: 1,
            rows: RowCount::new(),
            size: size.max(1),
            max_row,
            done: false,
            failed: None,
            epoch: 0,
        }
    }

    /// The next chunk; `None` after the last. An error is a read error, or
    /// [`io::ErrorKind::FileTooLarge`] for a row longer than the limit (its line in the
    /// message).
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if self.done && self.filled == 0 {
            return Ok(None);
        }
        let mut want = self.size;
        loop {
            self.fill(want);
            if self.failed.is_some() {
                return self.rows_before_the_error();
            }
            match self.cut() {
                Some((cut, quote_free)) if cut < self.filled || self.done => {
                    let rows = self.rows.rows(&self.carry[..cut], quote_free);
                    let buffer = self.take(cut);
                    let last = self.done && self.filled == 0;
                    // A cut is only made where the quotes before it are closed.
                    self.quoted = false;
                    let mut chunk = self.hand_out(buffer, cut, last, rows);
                    chunk.quote_free = quote_free;
                    return Ok(Some(chunk));
                }
                // A cut at the very end is only taken once the input is known to end there
                // or to go on, so that the chunk that ends the file is always marked last.
                Some(_) => want = self.filled + 1,
                None if self.done => {
                    if self.filled == 0 {
                        return Ok(None);
                    }
                    let len = self.filled;
                    let rows = self.rows.rows(&self.carry[..len], false);
                    let buffer = self.take(len);
                    self.quoted ^= count(&buffer[..len], b'"') % 2 == 1;
                    return Ok(Some(self.hand_out(buffer, len, true, rows)));
                }
                None if self.filled >= self.max_row => {
                    return Err(io::Error::new(
                        io::ErrorKind::FileTooLarge,
                        format!(
                            "{}: a row longer than {} MiB: is a quote (\") left open?",
                            self.row,
                            self.max_row / (1024 * 1024)
                        ),
                    ));
                }
                None => want = want.max(self.filled + 1) * 2,
            }
        }
    }

    /// After a read error: the whole rows read before it, then the error.
    fn rows_before_the_error(&mut self) -> io::Result<Option<Chunk>> {
        match self.cut() {
            Some((cut, quote_free)) => {
                let rows = self.rows.rows(&self.carry[..cut], quote_free);
                let buffer = self.take(cut);
                self.quoted = false;
                let mut chunk = self.hand_out(buffer, cut, false, rows);
                chunk.quote_free = quote_free;
                Ok(Some(chunk))
            }
            // Every whole row before the error is handed out: it is on the row `carry`
            // starts on.
            None => Err(super::sheet::on_row(
                self.failed
                    .take()
                    .unwrap_or_else(|| io::Error::other("read error")),
                self.row,
            )),
        }
    }

    /// Takes back a chunk done with, to read later chunks into its buffer.
    pub fn recycle(&mut self, chunk: Chunk) {
        // A buffer grown for a long row or a joined chunk is not kept.
        if self.spare.len() < MAX_SPARE && chunk.bytes.len() <= 4 * self.size.max(READ_STEP) {
            self.spare.push(chunk.bytes);
        }
    }

    /// The buffer holding the first `at` bytes read (and stale bytes after them); the
    /// rest move to a spare buffer that becomes `carry`.
    fn take(&mut self, at: usize) -> Vec<u8> {
        let rest = self.filled - at;
        let mut next = self.spare.pop().unwrap_or_default();
        if next.len() < rest {
            next.resize(rest, 0);
        }
        next[..rest].copy_from_slice(&self.carry[at..self.filled]);
        self.filled = rest;
        std::mem::replace(&mut self.carry, next)
    }

    /// Told that `chunk` was cut inside a quoted cell: a quote inside an unquoted cell
    /// (`12" screen`, which the parser keeps as text) has put the quote count off by one,
    /// so the count is turned round, once per such mistake, for the chunks still to cut.
    pub fn recount(&mut self, chunk: &Chunk) {
        if chunk.epoch == self.epoch {
            self.quoted = !self.quoted;
            self.epoch += 1;
        }
    }

    fn hand_out(&mut self, buffer: Vec<u8>, len: usize, last: bool, rows: usize) -> Chunk {
        let mut chunk = Chunk::in_buffer(buffer, len, self.row, last);
        chunk.epoch = self.epoch;
        self.row += rows;
        chunk
    }

    /// Reads until `carry` holds `want` bytes, the input ends or a read fails.
    fn fill(&mut self, want: usize) {
        while !self.done && self.failed.is_none() && self.filled < want {
            // Grown a step at a time, so a large `want` costs only the bytes there are.
            let (start, end) = (self.filled, want.min(self.filled + READ_STEP));
            if self.carry.len() < end {
                self.carry.resize(end, 0);
            }
            let n = loop {
                match self.input.read(&mut self.carry[start..end]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.failed = Some(e);
                        return;
                    }
                    Ok(n) => break n,
                }
            };
            self.filled = start + n;
            self.done = n == 0;
        }
    }

    /// Just after the last line break of `carry` outside quotes, if any, and whether
    /// `carry` holds no quote at all.
    fn cut(&self) -> Option<(usize, bool)> {
        let bytes = &self.carry[..self.filled];
        // Quotes from the start of `carry` to the end, then walked back line by line.
        let quotes = count(bytes, b'"');
        let mut quoted = self.quoted ^ (quotes % 2 == 1);
        let mut end = bytes.len();
        while let Some(newline) = memchr::memrchr(b'\n', &bytes[..end]) {
            quoted ^= count(&bytes[newline..end], b'"') % 2 == 1;
            if !quoted {
                return Some((newline + 1, quotes == 0));
            }
            end = newline;
        }
        None
    }
}

/// The rows of one chunk, with the line each starts on, and whether the chunk's cut was
/// at a row boundary.
pub struct ChunkRows<'c> {
    reader: csv::Reader<&'c [u8]>,
    chunk: &'c Chunk,
    /// Just after the last byte of the data that is not a line break.
    content_end: usize,
    aligned: Option<bool>,
    /// Line breaks inside the cells of the rows read so far: lines, but not rows.
    inside: usize,
}

impl<'c> ChunkRows<'c> {
    /// Starts reading `chunk`.
    pub fn new(chunk: &'c Chunk) -> ChunkRows<'c> {
        let content_end = chunk
            .data()
            .iter()
            .rposition(|&b| b != b'\n' && b != b'\r')
            .map_or(0, |i| i + 1);
        ChunkRows {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(chunk.parsed().len().clamp(64, 64 * 1024))
                .from_reader(chunk.parsed()),
            chunk,
            content_end,
            aligned: None,
            inside: 0,
        }
    }

    /// Reads the next row into `row` and gives its line; `None` after the chunk's last row.
    pub fn next_row(&mut self, row: &mut ByteRecord) -> Option<usize> {
        if self.aligned.is_some() {
            return None;
        }
        // Reading a slice cannot fail: a flexible reader of bytes has no other errors.
        if !self.reader.read_byte_record(row).unwrap_or(false) {
            self.aligned = Some(self.chunk.last);
            return None;
        }
        let position = row.position().cloned().unwrap_or_else(csv::Position::new);
        let start = position.byte() as usize;
        if !self.chunk.last && start >= self.content_end {
            // The sentinel, read as a row of its own: the cut was right.
            self.aligned = Some(true);
            return None;
        }
        // The parser places a row where the previous one ended: before the `\n` of a
        // `\r\n` and before skipped blank lines, whose line breaks it has not counted yet.
        let parsed = self.chunk.parsed();
        let skipped = parsed[start.min(parsed.len())..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count();
        let row_number =
            self.chunk.first_row - 1 + position.line() as usize + skipped - self.inside;
        self.inside += breaks_inside(row);
        Some(row_number)
    }

    /// Whether the chunk ended between two rows, so its rows are the file's rows; reads
    /// what is left of the chunk if needed.
    pub fn aligned(&mut self) -> bool {
        let mut row = ByteRecord::new();
        while self.next_row(&mut row).is_some() {}
        self.aligned == Some(true)
    }

    /// Just after the row last read, in the chunk's bytes.
    pub fn offset(&self) -> usize {
        self.reader.position().byte() as usize
    }
}

/// Moves `at` past the line breaks before a row (`\r\n`, `\n`, a lone `\r`) and blank
/// lines, which the parser skips too, counting the lines passed in `line`.
fn skip_line_breaks(bytes: &[u8], at: &mut usize, line: &mut usize) {
    while let Some(&b) = bytes.get(*at) {
        match b {
            b'\n' => *line += 1,
            b'\r' => {}
            _ => break,
        }
        *at += 1;
    }
}

/// The rows of a chunk that holds no quote at all, cut at line breaks and commas without
/// the CSV parser: with no quote, a line break always ends a row and a comma always ends a
/// cell. Most large exports are like this, and reading them so costs a fraction of
/// parsing, and no UTF-8 check per cell. The rows, cells and lines are the parser's (a
/// property test compares them).
pub struct PlainRows<'c> {
    text: &'c str,
    at: usize,
    line: usize,
    /// Whether the chunk holds a carriage return: most hold none, and a row's end is then
    /// found by looking for one byte rather than two.
    returns: bool,
}

impl<'c> PlainRows<'c> {
    /// The plain reader of `chunk`; `None` if the chunk holds a quote or is not UTF-8 (the
    /// parser then reads it, and words any error).
    pub fn new(chunk: &'c Chunk) -> Option<PlainRows<'c>> {
        let data = chunk.data();
        if !chunk.quote_free && memchr::memchr(b'"', data).is_some() {
            return None;
        }
        Some(PlainRows {
            // Checked once for the chunk, and with SIMD: the standard library's check costs
            // several instructions per byte of Chinese text, as much as the rest of the row.
            text: simdutf8::basic::from_utf8(data).ok()?,
            at: 0,
            line: chunk.first_row,
            returns: memchr::memchr(b'\r', data).is_some(),
        })
    }

    /// The next row, with the line it starts on and where each of its cells ends (in
    /// `ends`, a buffer reused row after row). A chunk without quotes always ends between
    /// two rows, so there is no sentinel to read.
    pub fn next_row<'e>(
        &mut self,
        ends: &'e mut Vec<usize>,
    ) -> Option<(usize, &'c str, &'e [usize])> {
        let bytes = self.text.as_bytes();
        skip_line_breaks(bytes, &mut self.at, &mut self.line);
        if self.at >= bytes.len() {
            return None;
        }
        let start = self.at;
        let rest = &bytes[start..];
        let end = if self.returns {
            memchr::memchr2(b'\r', b'\n', rest)
        } else {
            memchr::memchr(b'\n', rest)
        };
        let end = end.map_or(bytes.len(), |i| start + i);
        self.at = end;
        // Cut next to ASCII bytes (or at the ends), so on character boundaries.
        let row = &self.text[start..end];
        let cells = cell_ends(row.as_bytes(), ends);
        Some((self.line, row, &ends[..cells]))
    }
}

/// The rows of a chunk whose every quote encloses a whole cell, as KoboToolbox and Excel
/// write them (`"a","b, c","say ""hi"""`), cut without the CSV parser: cells are handed to
/// the readers as slices of the chunk (a cell holding a doubled quote is copied once,
/// without it), and the chunk is checked as UTF-8 once instead of cell by cell. A quote
/// anywhere else (`12" screen`, `"a"b`, a quote left open at the end of the file) is where
/// the parser's rules are subtle: the reader then says [`Irregular`] and the chunk goes to
/// [`ChunkRows`]. The rows, cells, lines and whether the cut fell inside a quoted cell are
/// the parser's (a property test compares them).
pub struct QuotedRows<'c> {
    text: &'c str,
    at: usize,
    line: usize,
    last: bool,
    aligned: Option<bool>,
}

/// A quote where a cell neither starts nor ends: the chunk is the parser's to read.
#[derive(Debug, PartialEq, Eq)]
pub struct Irregular;

/// Where one row's cells are, reused row after row: spans into the chunk, or into
/// `unquoted` for a row with a doubled quote.
#[derive(Debug, Default)]
pub struct RowSpans {
    spans: Vec<(usize, usize)>,
    unquoted: String,
}

impl<'c> QuotedRows<'c> {
    /// The reader of `chunk`; `None` if it is not UTF-8 (the parser then reads it, and
    /// words the error on its row).
    pub fn new(chunk: &'c Chunk) -> Option<QuotedRows<'c>> {
        Some(QuotedRows {
            text: simdutf8::basic::from_utf8(chunk.data()).ok()?,
            at: 0,
            line: chunk.first_row,
            last: chunk.last,
            aligned: None,
        })
    }

    /// Whether the chunk ended between two rows (known once [`QuotedRows::next_row`] has
    /// given `Ok(None)`): `false` when its cut fell inside a quoted cell.
    pub fn aligned(&self) -> bool {
        self.aligned == Some(true)
    }

    /// The next row and the line it starts on; `Ok(None)` after the last (or at a quoted
    /// cell the chunk's end leaves open, so the cut was wrong); [`Irregular`] at a quote
    /// the parser might read otherwise.
    pub fn next_row<'b>(
        &mut self,
        buffer: &'b mut RowSpans,
    ) -> Result<Option<(usize, Spans<'b>)>, Irregular>
    where
        'c: 'b,
    {
        if self.aligned.is_some() {
            return Ok(None);
        }
        let bytes = self.text.as_bytes();
        skip_line_breaks(bytes, &mut self.at, &mut self.line);
        if self.at >= bytes.len() {
            self.aligned = Some(true);
            return Ok(None);
        }
        buffer.spans.clear();
        let (mut at, mut doubled, mut len) = (self.at, false, 0);
        loop {
            let (start, end);
            if bytes.get(at) == Some(&b'"') {
                start = at + 1;
                let mut from = start;
                loop {
                    let Some(quote) = memchr::memchr(b'"', &bytes[from..]).map(|i| from + i) else {
                        // Open to the chunk's end: the cut fell inside this cell. At the
                        // file's end the parser's reading of the open cell is the one.
                        if self.last {
                            return Err(Irregular);
                        }
                        self.aligned = Some(false);
                        return Ok(None);
                    };
                    if bytes.get(quote + 1) == Some(&b'"') {
                        doubled = true;
                        from = quote + 2;
                        continue;
                    }
                    end = quote;
                    at = quote + 1;
                    break;
                }
            } else {
                start = at;
                let stop = bytes[at..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                    .map_or(bytes.len(), |i| at + i);
                end = stop;
                at = stop;
            }
            buffer.spans.push((start, end));
            len += end - start;
            match bytes.get(at) {
                Some(b',') => at += 1,
                Some(b'\n' | b'\r') | None => break,
                // A quote inside an unquoted cell, or text after a closing quote.
                Some(_) => return Err(Irregular),
            }
        }
        self.at = at;
        let line = self.line;
        if !doubled {
            return Ok(Some((line, Spans::new(self.text, &buffer.spans, len))));
        }
        // Cells holding `""` are written out once with one quote each.
        buffer.unquoted.clear();
        for span in &mut buffer.spans {
            let cell = &self.text[span.0..span.1];
            let from = buffer.unquoted.len();
            let mut rest = cell;
            while let Some(i) = rest.find("\"\"") {
                buffer.unquoted.push_str(&rest[..=i]);
                rest = &rest[i + 2..];
            }
            buffer.unquoted.push_str(rest);
            *span = (from, buffer.unquoted.len());
        }
        let len = buffer.unquoted.len();
        Ok(Some((
            line,
            Spans::new(&buffer.unquoted, &buffer.spans, len),
        )))
    }
}

/// Where each cell of `row` ends (at each comma, and at the row's end), into the start of
/// `ends`; gives how many cells there are. `ends` is only ever grown, never cleared, so a
/// row costs no more than the writes of its commas. Commas come every few
/// bytes, so rather than a search restarted at each one, eight bytes at a time are compared
/// in one word: a byte of `x` is zero where the row has a comma, and the high bit of each
/// byte of `hits` says exactly which (no carry crosses bytes, unlike the shorter zero-byte
/// trick).
fn cell_ends(row: &[u8], ends: &mut Vec<usize>) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
    // Room for a comma at every byte, and the end.
    if ends.len() <= row.len() {
        ends.resize(row.len() + 1, 0);
    }
    let mut n = 0;
    let mut words = row.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ COMMAS;
        if x == 0 {
            // Eight commas, so empty cells: a row that fills only some of a long header's
            // columns (a village's row in a mixed export) has long runs of them.
            let at = |i: usize| base + i;
            ends[n..n + 8].copy_from_slice(&[
                at(0),
                at(1),
                at(2),
                at(3),
                at(4),
                at(5),
                at(6),
                at(7),
            ]);
            n += 8;
            base += 8;
            continue;
        }
        let mut hits = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while hits != 0 {
            ends[n] = base + hits.trailing_zeros() as usize / 8;
            n += 1;
            hits &= hits - 1;
        }
        base += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == b',' {
            ends[n] = base + i;
            n += 1;
        }
    }
    ends[n] = row.len();
    n + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of `text` with its line, read through chunks of `size` bytes, joining
    /// chunks whose cut was wrong, as the readers do.
    fn rows_by_chunks(text: &[u8], size: usize) -> Vec<(usize, Vec<Vec<u8>>)> {
        let mut chunker = Chunker::new(text, size, 1 << 20);
        let mut out = Vec::new();
        let mut pending: Option<Chunk> = None;
        while let Some(next) = chunker.next_chunk().unwrap() {
            let chunk = match pending.take() {
                Some(previous) => previous.joined(&next),
                None => next,
            };
            let mut rows = ChunkRows::new(&chunk);
            let mut row = ByteRecord::new();
            let mut got = Vec::new();
            while let Some(line) = rows.next_row(&mut row) {
                got.push((line, row.iter().map(<[u8]>::to_vec).collect()));
            }
            if rows.aligned() {
                out.extend(got);
                chunker.recycle(chunk);
            } else {
                chunker.recount(&chunk);
                pending = Some(chunk);
            }
        }
        assert!(pending.is_none(), "the last chunk is always taken");
        out
    }

    /// Every row of `text` with its line as one reader of the whole text sees them.
    fn rows_whole(text: &[u8]) -> Vec<(usize, Vec<Vec<u8>>)> {
        let chunk = Chunk::new(text.to_vec(), 1, true);
        let mut rows = ChunkRows::new(&chunk);
        let mut row = ByteRecord::new();
        let mut out = Vec::new();
        while let Some(line) = rows.next_row(&mut row) {
            out.push((line, row.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn lines_count_crlf_blank_lines_and_quoted_breaks() {
        let text = b"h1,h2\r\na,b\r\n\r\n\"x\ny\",z\r\nlast,1";
        let lines: Vec<usize> = rows_whole(text).iter().map(|(l, _)| *l).collect();
        // The quoted line break is inside row 4, as a spreadsheet shows it.
        assert_eq!(lines, [1, 2, 4, 5]);
    }

    #[test]
    fn any_chunk_size_gives_the_same_rows_and_lines() {
        let text: &[u8] = b"id,note\n1,\"two\nlines\"\n2,\"a \"\"quoted\"\" word\"\n\n3,12\" screen\n4,\"x\n\"\"\ny\"\r\n5,end\n";
        let whole = rows_whole(text);
        assert_eq!(whole.len(), 6);
        for size in 1..text.len() + 2 {
            assert_eq!(rows_by_chunks(text, size), whole, "chunks of {size} bytes");
        }
    }

    #[test]
    fn a_literal_quote_misleads_the_guess_and_the_rows_survive() {
        // `12" screen` is a literal quote (not at the start of a cell), so the quote count
        // is off by one from there on, and the quoted line break after it is cut.
        let text: &[u8] = b"a,12\" screen\nb,\"one\ntwo\"\nc,3\nd,4\n";
        let whole = rows_whole(text);
        assert_eq!(whole.len(), 4);
        for size in 1..text.len() + 2 {
            assert_eq!(rows_by_chunks(text, size), whole, "chunks of {size} bytes");
        }
    }

    #[test]
    fn after_a_literal_quote_the_count_is_put_right() {
        // One literal quote, then many quoted line breaks: without recounting every cut
        // would fall inside a quoted cell and the whole file would be joined into one chunk.
        let mut text = b"a,12\" screen\n".to_vec();
        for i in 0..200 {
            text.extend_from_slice(format!("r{i},\"x\ny\"\n").as_bytes());
        }
        let mut chunker = Chunker::new(text.as_slice(), 64, 1 << 20);
        let (mut chunks, mut joins) = (0, 0);
        let mut pending: Option<Chunk> = None;
        while let Some(next) = chunker.next_chunk().unwrap() {
            chunks += 1;
            let chunk = match pending.take() {
                Some(previous) => previous.joined(&next),
                None => next,
            };
            if !ChunkRows::new(&chunk).aligned() {
                joins += 1;
                chunker.recount(&chunk);
                pending = Some(chunk);
            }
        }
        assert!(chunks > 20, "{chunks} chunks");
        assert!(joins <= 2, "{joins} joins");
        assert_eq!(rows_by_chunks(&text, 64), rows_whole(&text));
    }

    #[test]
    fn an_open_quote_is_refused_past_the_row_limit() {
        let mut text = b"a,\"open\n".to_vec();
        text.extend(std::iter::repeat_n(b"x,y\n".as_slice(), 100).flatten());
        let mut chunker = Chunker::new(text.as_slice(), 16, 64);
        let err = loop {
            match chunker.next_chunk() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the open quote should be refused"),
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().starts_with("1: a row longer than"));
    }

    proptest::proptest! {
        #[test]
        fn chunks_never_change_rows(
            cells in proptest::collection::vec("[a-c\"\\n\\r,]{0,6}", 0..40),
            size in 1usize..64,
        ) {
            let text = cells.concat();
            proptest::prop_assert_eq!(rows_by_chunks(text.as_bytes(), size), rows_whole(text.as_bytes()));
        }

        #[test]
        fn plain_rows_are_the_parsers_rows(
            cells in proptest::collection::vec("[a-c中 \n\r,]{0,6}", 0..40),
            first_row in 1usize..5,
        ) {
            let text = cells.concat();
            let chunk = Chunk::new(text.as_bytes().to_vec(), first_row, true);
            let mut parsed = Vec::new();
            let (mut rows, mut row) = (ChunkRows::new(&chunk), ByteRecord::new());
            while let Some(line) = rows.next_row(&mut row) {
                parsed.push((line, row.iter().map(<[u8]>::to_vec).collect::<Vec<_>>()));
            }
            let mut plain = Vec::new();
            let (mut rows, mut ends) = (PlainRows::new(&chunk).expect("no quotes"), Vec::new());
            while let Some((line, text, ends)) = rows.next_row(&mut ends) {
                let mut start = 0;
                let mut cells = Vec::new();
                for &end in ends {
                    cells.push(text.as_bytes()[start..end].to_vec());
                    start = end + 1;
                }
                plain.push((line, cells));
            }
            proptest::prop_assert_eq!(plain, parsed);
        }
    }

    /// A row as the tests compare them: its line and its cells.
    type Row = (usize, Vec<Vec<u8>>);

    /// What the parser reads of `chunk`: its rows and whether its cut was right.
    fn parsed_rows(chunk: &Chunk) -> (Vec<Row>, bool) {
        let (mut rows, mut row) = (ChunkRows::new(chunk), ByteRecord::new());
        let mut out = Vec::new();
        while let Some(line) = rows.next_row(&mut row) {
            out.push((line, row.iter().map(<[u8]>::to_vec).collect()));
        }
        (out, rows.aligned())
    }

    /// What [`QuotedRows`] reads of `chunk`, or `None` where it leaves it to the parser.
    fn quoted_rows(chunk: &Chunk) -> Option<(Vec<Row>, bool)> {
        use crate::record::cells::Cells;
        let mut rows = QuotedRows::new(chunk)?;
        let mut buffer = RowSpans::default();
        let mut out = Vec::new();
        while let Some((line, cells)) = rows.next_row(&mut buffer).ok()? {
            let cells = (0..cells.count())
                .map(|i| cells.bytes(i).map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()?;
            out.push((line, cells));
        }
        Some((out, rows.aligned()))
    }

    /// A CSV text of rows whose quoted cells hold commas, line breaks and doubled quotes,
    /// some cells unquoted, with CRLF and blank lines: what the quoted reader must take.
    fn regular_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let cell = prop_oneof![
            "[a-c中 ]{0,4}",
            "[a-c中 ,\"\n\r]{0,5}".prop_map(|c| format!("\"{}\"", c.replace('"', "\"\""))),
        ];
        let row = proptest::collection::vec(cell, 1..5).prop_map(|cells| cells.join(","));
        let end = prop_oneof!["\n", "\r\n", "\n\n", "\r"];
        proptest::collection::vec((row, end), 0..12)
            .prop_map(|rows| rows.into_iter().map(|(r, e)| r + &e).collect())
    }

    #[test]
    fn quoted_rows_take_kobo_cells_with_commas_breaks_and_doubled_quotes() {
        let text = "\"id\",\"note\"\r\n\"1\",\"a, \"\"b\"\"\nc\"\r\n\r\n2,\"\"\n\"3\",\n";
        let chunk = Chunk::new(text.as_bytes().to_vec(), 1, true);
        let (rows, aligned) = quoted_rows(&chunk).expect("a regular text");
        assert!(aligned);
        assert_eq!(
            rows,
            [
                (1, vec![b"id".to_vec(), b"note".to_vec()]),
                (2, vec![b"1".to_vec(), b"a, \"b\"\nc".to_vec()]),
                (4, vec![b"2".to_vec(), b"".to_vec()]),
                (5, vec![b"3".to_vec(), b"".to_vec()]),
            ]
        );
        assert_eq!(Some(parsed_rows(&chunk)), quoted_rows(&chunk));
    }

    #[test]
    fn quotes_the_parser_reads_its_own_way_are_left_to_it() {
        for text in ["a,12\" screen\n", "\"a\"b,c\n", "x,\"open\n"] {
            let chunk = Chunk::new(text.as_bytes().to_vec(), 1, true);
            assert_eq!(quoted_rows(&chunk), None, "{text:?}");
        }
        // Not the file's end: the cut fell inside the open cell.
        let chunk = Chunk::new(b"x,\"open\n".to_vec(), 1, false);
        assert_eq!(quoted_rows(&chunk), Some((vec![], false)));
        assert!(!parsed_rows(&chunk).1);
        assert!(QuotedRows::new(&Chunk::new(b"\"\xff\"\n".to_vec(), 1, true)).is_none());
    }

    proptest::proptest! {
        /// Wherever the quoted reader takes a chunk, it reads what the parser reads: rows,
        /// cells, lines, and for a chunk that is not the file's last, whether the cut fell
        /// between rows.
        #[test]
        fn quoted_rows_are_the_parsers_rows(
            text in proptest::prop_oneof![
                regular_text(),
                proptest::strategy::Strategy::prop_map(
                    proptest::collection::vec("[a-c中\"\n\r,]{0,6}", 0..40),
                    |c| c.concat(),
                ),
            ],
            first_row in 1usize..5,
            last: bool,
        ) {
            let mut text = text.into_bytes();
            // The chunker cuts only after a line break.
            if !last && text.last() != Some(&b'\n') {
                text.push(b'\n');
            }
            let chunk = Chunk::new(text, first_row, last);
            if let Some(quoted) = quoted_rows(&chunk) {
                let (rows, aligned) = parsed_rows(&chunk);
                if !last {
                    proptest::prop_assert_eq!(quoted.1, aligned);
                }
                // The rows of a chunk cut inside a cell are dropped, whoever read them.
                if last || aligned {
                    proptest::prop_assert_eq!(&quoted.0, &rows);
                }
            }
        }

        /// Regular text is never left to the parser, whole or cut into chunks.
        #[test]
        fn regular_text_is_read_by_the_quoted_reader(text in regular_text(), size in 1usize..64) {
            let whole = Chunk::new(text.as_bytes().to_vec(), 1, true);
            proptest::prop_assert_eq!(quoted_rows(&whole), Some(parsed_rows(&whole)));
            let mut chunker = Chunker::new(text.as_bytes(), size, 1 << 20);
            let mut pending: Option<Chunk> = None;
            let mut rows = Vec::new();
            while let Some(next) = chunker.next_chunk().unwrap() {
                let chunk = match pending.take() {
                    Some(previous) => previous.joined(&next),
                    None => next,
                };
                let read = quoted_rows(&chunk);
                proptest::prop_assert!(read.is_some());
                let (got, aligned) = read.unwrap_or_default();
                if aligned || chunk.last {
                    rows.extend(got);
                } else {
                    chunker.recount(&chunk);
                    pending = Some(chunk);
                }
            }
            proptest::prop_assert_eq!(rows, parsed_rows(&whole).0);
        }
    }

    /// The commas [`cell_ends`] finds in `row`, into `buffer` as it stands; the last end
    /// must be the row's.
    fn found(row: &[u8], buffer: &mut Vec<usize>) -> Vec<usize> {
        let n = cell_ends(row, buffer);
        assert_eq!(buffer[n - 1], row.len());
        buffer[..n - 1].to_vec()
    }

    proptest::proptest! {
        /// Every comma is found, however they cluster (runs of empty cells above all), and
        /// nothing is left of the row before in the reused buffer.
        #[test]
        fn commas_are_every_comma(
            rows in proptest::collection::vec("(,|,,,,,,,,,|x|中|-){0,60}", 1..4),
        ) {
            let mut buffer = vec![usize::MAX; 7];
            for row in rows {
                let expected: Vec<usize> = row.bytes().enumerate().filter(|&(_, b)| b == b',').map(|(i, _)| i).collect();
                proptest::prop_assert_eq!(found(row.as_bytes(), &mut buffer), expected);
            }
        }
    }

    #[test]
    fn commas_are_found_across_blocks() {
        // Bytes next to a comma's value (`+`, `-`) and high bytes, which a carry between
        // bytes would mistake for commas.
        let row: Vec<u8> = (0..300u32)
            .map(|i| match i % 7 {
                0 => b',',
                1 => b'-',
                2 => b'+',
                3 => 0xac,
                4 => 0x2c ^ 0x80,
                _ if i == 63 || i == 64 || i == 299 => b',',
                _ => b'x',
            })
            .collect();
        let mut buffer = Vec::new();
        let expected: Vec<usize> = (0..row.len()).filter(|&i| row[i] == b',').collect();
        assert_eq!(found(&row, &mut buffer), expected);
        assert_eq!(found(&[b','; 64], &mut buffer), (0..64).collect::<Vec<_>>());
        assert_eq!(found(b"", &mut buffer), Vec::<usize>::new());
    }

    #[test]
    fn only_chunks_cut_without_any_quote_skip_the_search_for_one() {
        // Small chunks: the quote is in the second row only.
        let text = b"a,b\nc,\"d\"\ne,f\ng,h\n".as_slice();
        let mut chunker = Chunker::new(text, 4, 1 << 20);
        let mut seen = Vec::new();
        while let Some(chunk) = chunker.next_chunk().unwrap() {
            let has_quote = chunk.data().contains(&b'"');
            assert!(!(chunk.quote_free && has_quote), "{:?}", chunk.data());
            assert_eq!(PlainRows::new(&chunk).is_none(), has_quote);
            seen.push(chunk.quote_free);
            chunker.recycle(chunk);
        }
        assert_eq!(seen.first(), Some(&true), "{seen:?}");
    }

    #[test]
    fn chunks_with_quotes_or_bad_bytes_go_to_the_parser() {
        assert!(PlainRows::new(&Chunk::new(b"a,b\n".to_vec(), 1, false)).is_some());
        assert!(PlainRows::new(&Chunk::new(b"a,\"b\"\n".to_vec(), 1, false)).is_none());
        assert!(PlainRows::new(&Chunk::new(b"a,\xff\n".to_vec(), 1, false)).is_none());
    }
}
