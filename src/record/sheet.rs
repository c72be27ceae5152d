//! Spreadsheet files: CSV text in UTF-8 (with or without BOM) or GB18030/GBK, decoded to
//! UTF-8 for [`super::chunks`] to cut into rows, and the sheets of xlsx workbooks, whose rows
//! come one at a time as [`StringRecord`]s, each handed on as soon as it is read.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use calamine::{DataRef, Reader, Xlsx};
use csv::StringRecord;
use encoding_rs::{DecoderResult, GB18030};

use super::cells::Cells;
use super::value::date_from_excel_serial;

/// How much of a CSV file is looked at to tell UTF-8 from GB18030.
const SNIFF: usize = 64 * 1024;

/// The longest cell read, in bytes: a note is a few hundred; anything near this is not an
/// inspection record, and would only make every later step slow.
pub const MAX_CELL: usize = 64 * 1024;
/// The most columns a sheet may have: a checklist has dozens of items.
pub const MAX_COLUMNS: usize = 10_000;

/// The text encoding a CSV file was found to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" saves.
    Utf8Bom,
    /// GB18030 (a superset of GBK), as Excel and WPS save "CSV" on Chinese Windows.
    Gb18030,
}

/// Tells the encoding from the first bytes of a file: a BOM says UTF-8; bytes that are valid
/// UTF-8 (but for a character cut at the end of the sample) are UTF-8; anything else is
/// taken as GB18030, whose decoder then refuses bytes that are not GB18030 either.
pub fn sniff(head: &[u8]) -> Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8Bom;
    }
    match std::str::from_utf8(head) {
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        // Chinese text that is valid UTF-8 before the first byte that is not: a UTF-8 file
        // with a row pasted from a GBK one, whose error then names that row. (GBK text is
        // not valid UTF-8 for two characters running.)
        Err(e)
            if head[..e.valid_up_to()]
                .iter()
                .filter(|b| **b >= 0x80)
                .count()
                >= 6 =>
        {
            Encoding::Utf8
        }
        Err(_) => Encoding::Gb18030,
    }
}

/// The UTF-8 of every two-byte GBK character, at `lead * 256 + trail`: its bytes in the
/// low three bytes and their number in the high one (0 where the pair is not a character,
/// so for every lead byte below 0x81). Filled from `encoding_rs` itself, pair by pair, so
/// it cannot disagree with it; looking a character up costs a few instructions where the
/// decoder's state machine and compressed tables cost about seventy, as much as judging
/// the row it is in. Every pair of bytes has an entry, so a lookup needs no bounds check.
type GbkPairs = [u32; 1 << 16];

fn gbk_pairs() -> &'static GbkPairs {
    static PAIRS: std::sync::OnceLock<Box<GbkPairs>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs: Box<GbkPairs> = vec![0u32; 1 << 16]
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("a slice of 65,536 entries"));
        for lead in 0x81u8..=0xFE {
            for trail in 0x40u8..=0xFE {
                let mut decoder = GB18030.new_decoder_without_bom_handling();
                let mut out = [0u8; 8];
                let (result, read, written) =
                    decoder.decode_to_utf8_without_replacement(&[lead, trail], &mut out, true);
                if result == DecoderResult::InputEmpty && read == 2 && (1..=3).contains(&written) {
                    let mut entry = [0u8; 4];
                    entry[..written].copy_from_slice(&out[..written]);
                    entry[3] = written as u8;
                    pairs[usize::from(u16::from_be_bytes([lead, trail]))] =
                        u32::from_le_bytes(entry);
                }
            }
        }
        pairs
    })
}

/// Decodes the start of `input` that is ASCII and two-byte GBK characters into `out`, as
/// far as both go; gives the bytes read and written. Stops before anything else (a
/// four-byte GB18030 character, `0x80`, bytes that are not GB18030, a character cut at the
/// end of `input`), which the decoder then reads, one character at a time.
fn decode_gbk_pairs(pairs: &GbkPairs, input: &[u8], out: &mut [u8]) -> (usize, usize) {
    let (mut read, mut written) = (0, 0);
    loop {
        // A block of input whose every character fits in `out` without looking: a byte
        // makes at most 1.5 bytes of UTF-8, so twice its length is room for four bytes
        // written at once (a character and the count after it) until its last byte.
        let block = (input.len() - read).min((out.len() - written) / 2);
        if block < 16 {
            break;
        }
        let end = read + block - 1;
        while read < end {
            let b = input[read];
            if b < 0x80 {
                // ASCII comes in runs (ids, dates, numbers): eight bytes at once.
                if let (Some(word), Some(room)) =
                    (input.get(read..read + 8), out.get_mut(written..written + 8))
                    && word.iter().all(u8::is_ascii)
                {
                    room.copy_from_slice(word);
                    read += 8;
                    written += 8;
                } else {
                    out[written] = b;
                    read += 1;
                    written += 1;
                }
                continue;
            }
            let entry = gbk_pair(pairs, b, input[read + 1]);
            let len = (entry >> 24) as usize;
            if len == 0 {
                return (read, written);
            }
            out[written..written + 4].copy_from_slice(&entry.to_le_bytes());
            read += 2;
            written += len;
        }
    }
    // The last bytes, checking room for each character.
    while let Some(&b) = input.get(read) {
        if b < 0x80 {
            let Some(slot) = out.get_mut(written) else {
                break;
            };
            *slot = b;
            read += 1;
            written += 1;
            continue;
        }
        let Some(&trail) = input.get(read + 1) else {
            break;
        };
        let entry = gbk_pair(pairs, b, trail);
        let len = (entry >> 24) as usize;
        let Some(room) = out.get_mut(written..written + 3) else {
            break;
        };
        if len == 0 {
            break;
        }
        room.copy_from_slice(&entry.to_le_bytes()[..3]);
        read += 2;
        written += len;
    }
    (read, written)
}

/// The entry of [`gbk_pairs`] for the bytes `lead`, `trail`: the character's UTF-8 in its
/// low bytes (little-endian) and its length in the high one, zero where the pair is not a
/// two-byte character.
fn gbk_pair(pairs: &GbkPairs, lead: u8, trail: u8) -> u32 {
    pairs[usize::from(lead) << 8 | usize::from(trail)]
}

/// The bytes of the GB18030 character that `input` starts with (at most what it holds):
/// four when its second byte is a digit, two for any other lead byte, else one.
fn gb18030_char_len(input: &[u8]) -> usize {
    let len = match input {
        [0x81..=0xFE, 0x30..=0x39, ..] => 4,
        [0x81..=0xFE, ..] => 2,
        _ => 1,
    };
    len.min(input.len())
}

/// A reader that turns GB18030 bytes into UTF-8, failing on bytes that are not GB18030.
/// ASCII and two-byte characters (all of GBK, so nearly every file) are looked up in
/// [`gbk_pairs`]; anything else is handed to `encoding_rs` one character at a time, so its
/// state is always clean when the lookup takes over again, and an error says what it said
/// when it read everything (the same offset, the same line).
struct Gb18030ToUtf8<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    pairs: &'static GbkPairs,
    input: Vec<u8>,
    start: usize,
    end: usize,
    done: bool,
    consumed: u64,
    /// Lines already emitted, so an undecodable byte can be placed on its line.
    lines: usize,
    /// Decoded text not yet handed out (when the caller's buffer was too small for it).
    pending: Vec<u8>,
    /// The decoder has seen the end of the input and must not be called again.
    finished: bool,
    /// An error met after text already handed out, for the next read.
    failed: Option<io::Error>,
}

/// Bytes that are neither UTF-8 nor GB18030, with the line they are on.
#[derive(Debug, thiserror::Error)]
#[error("{}", undecodable(*.offset))]
pub(crate) struct Undecodable {
    line: usize,
    offset: u64,
}

/// `err` with an undecodable-bytes error placed on spreadsheet row `row` (the decoder
/// counts lines, and a cell may hold line breaks); any other error as it is.
pub(crate) fn on_row(err: io::Error, row: usize) -> io::Error {
    match err.get_ref().and_then(|e| e.downcast_ref::<Undecodable>()) {
        Some(bad) => io::Error::new(
            io::ErrorKind::InvalidData,
            Undecodable {
                line: row,
                offset: bad.offset,
            },
        ),
        None => err,
    }
}

fn undecodable(offset: u64) -> String {
    crate::tr!(
        "第 {offset} 字节附近既不是 UTF-8 也不是 GBK/GB18030 文本",
        "bytes near offset {offset} are neither UTF-8 nor GBK/GB18030 text"
    )
}

impl<R: Read> Gb18030ToUtf8<R> {
    fn new(inner: R) -> Self {
        Gb18030ToUtf8 {
            inner,
            decoder: GB18030.new_decoder_without_bom_handling(),
            pairs: gbk_pairs(),
            input: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            done: false,
            consumed: 0,
            lines: 0,
            pending: Vec::new(),
            finished: false,
            failed: None,
        }
    }

    /// Decodes into `out` (at least a few bytes long), returning how many bytes it wrote;
    /// 0 only at the end of the input.
    fn decode_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.finished {
                return self.failed.take().map_or(Ok(0), Err);
            }
            // Room for a whole character, unless the input ends first.
            if self.end - self.start < 4 && !self.done {
                self.input.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                let n = self.inner.read(&mut self.input[self.end..])?;
                self.end += n;
                self.done = n == 0;
                continue;
            }
            let input = &self.input[self.start..self.end];
            let (read, written) = decode_gbk_pairs(self.pairs, input, out);
            if read > 0 {
                self.start += read;
                self.consumed += read as u64;
                self.lines += memchr::memchr_iter(b'\n', &out[..written]).count();
                return Ok(written);
            }
            let one = &input[..gb18030_char_len(input)];
            let last = self.done && one.len() == input.len();
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(one, out, last);
            self.start += read;
            self.consumed += read as u64;
            self.lines += memchr::memchr_iter(b'\n', &out[..written]).count();
            match result {
                DecoderResult::Malformed(_, _) => {
                    // Nothing after a malformed sequence is trusted; the text before it is
                    // handed out first, so that the rows before it are read (and their
                    // errors come first, as in the file).
                    self.finished = true;
                    let error = io::Error::new(
                        io::ErrorKind::InvalidData,
                        Undecodable {
                            line: self.lines + 1,
                            offset: self.consumed,
                        },
                    );
                    if written > 0 {
                        self.failed = Some(error);
                        return Ok(written);
                    }
                    return Err(error);
                }
                DecoderResult::InputEmpty if last => {
                    // A decoder told `last` may not be used again.
                    self.finished = true;
                    return Ok(written);
                }
                DecoderResult::OutputFull | DecoderResult::InputEmpty if written > 0 => {
                    return Ok(written);
                }
                _ => {}
            }
        }
    }
}

impl<R: Read> Read for Gb18030ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // A decoder needs a few bytes of room for one character: a small buffer is served
        // from a scratch one, keeping what does not fit for the next call.
        if self.pending.is_empty() && out.len() < 16 {
            let mut scratch = [0u8; 16];
            let n = self.decode_into(&mut scratch)?;
            self.pending.extend_from_slice(&scratch[..n]);
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(out.len());
            out[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Ok(n);
        }
        self.decode_into(out)
    }
}

/// Opens a CSV file as UTF-8 text (decoding GB18030), with the encoding found.
pub fn open_csv_text(
    path: &Path,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<(Box<dyn Read>, Encoding)> {
    let mut file = File::open(path).with_context(|| cannot_open(path))?;
    let mut head = Vec::with_capacity(SNIFF);
    (&mut file)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .with_context(|| {
            let shown = path.display();
            crate::tr!("{shown}：无法读取", "{shown}: cannot read")
        })?;
    let rest: Box<dyn Read> = match progress {
        Some(bar) => {
            bar.inc(head.len() as u64);
            Box::new(bar.wrap_read(file))
        }
        None => Box::new(file),
    };
    csv_text(head, rest, &path.display().to_string())
}

/// UTF-8 text from a CSV's first bytes (at most [`SNIFF`]) and the rest, decoded as
/// sniffed, with the encoding found.
pub fn csv_text(
    head: Vec<u8>,
    rest: Box<dyn Read>,
    label: &str,
) -> Result<(Box<dyn Read>, Encoding)> {
    if head.contains(&0) {
        bail!(crate::tr!(
            "{label}：文件含 NUL 字节，不是文本 CSV（Excel 的“Unicode 文本”是 UTF-16）：请另存为“CSV UTF-8”或 CSV",
            "{label}: the file holds NUL bytes, so it is not a text CSV (Excel's \"Unicode text\" is UTF-16): save it as \"CSV UTF-8\" or CSV"
        ));
    }
    let encoding = sniff(&head);
    let separator = separator(&head);
    let raw = BufReader::with_capacity(256 * 1024, Cursor::new(head).chain(rest));
    let text: Box<dyn Read> = match encoding {
        Encoding::Gb18030 => Box::new(Gb18030ToUtf8::new(raw)),
        Encoding::Utf8 | Encoding::Utf8Bom => Box::new(raw),
    };
    let text = match separator {
        b',' => text,
        other => Box::new(Reseparated::new(text, other)),
    };
    Ok((text, encoding))
}

/// The cell separator of a CSV, told from its header row: `,`, or `;` as KoboToolbox's
/// default export, Excel in European locales and WPS write it, or a tab. Whichever comes
/// most often outside quotes in the first line wins, `,` on a tie: a header has a dozen
/// columns at least, so a separator inside a name cannot outnumber the real one. The
/// bytes are the same in GB18030 (its second bytes start above `;`).
pub fn separator(head: &[u8]) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    match counts {
        [c, s, t] if s > c && s >= t => b';',
        [c, _, t] if t > c => b'\t',
        _ => b',',
    }
}

/// CSV text separated by `;` or tabs, handed on as the same cells separated by commas:
/// every reader after it knows one separator. Byte for byte but for the separators, so
/// every row keeps its line and every message names the line it did: quoted cells pass
/// as they are, and an unquoted cell holding a comma (`1,5`, `民政局,人社局`) or a quote is
/// quoted.
struct Reseparated {
    text: Box<dyn Read>,
    separator: u8,
    /// Read from `text`, not yet looked at.
    input: Vec<u8>,
    /// Ready to hand out, and how much of it has been.
    out: Vec<u8>,
    sent: usize,
    /// The unquoted cell being read, held until its end says whether it needs quotes.
    cell: Vec<u8>,
    state: Cell,
    /// Whether a byte other than a leading byte-order mark has been taken.
    started: bool,
    /// How many bytes of a leading byte-order mark have been taken.
    bom: usize,
    done: bool,
}

/// Where [`Reseparated`] is in a row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Before a cell's first byte.
    Start,
    /// Inside an unquoted cell.
    Plain,
    /// Inside a quoted cell.
    Quoted,
    /// Just after a quote inside a quoted cell: a second quote is an escaped one.
    QuoteInQuoted,
}

impl Reseparated {
    fn new(text: Box<dyn Read>, separator: u8) -> Reseparated {
        Reseparated {
            text,
            separator,
            input: vec![0; 64 * 1024],
            out: Vec::new(),
            sent: 0,
            cell: Vec::new(),
            state: Cell::Start,
            started: false,
            bom: 0,
            done: false,
        }
    }

    /// Ends the unquoted cell held, quoting it if it needs quotes among commas.
    fn end_cell(&mut self) {
        if self.cell.iter().any(|&b| b == b',' || b == b'"') {
            self.out.push(b'"');
            for &b in &self.cell {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(&self.cell);
        }
        self.cell.clear();
    }

    fn take(&mut self, b: u8) {
        // A byte-order mark stays before the first cell, as the readers after expect it.
        if !self.started && self.bom < 3 && b == [0xEF, 0xBB, 0xBF][self.bom] {
            self.bom += 1;
            self.out.push(b);
            return;
        }
        self.started = true;
        match self.state {
            Cell::Quoted => {
                self.out.push(b);
                if b == b'"' {
                    self.state = Cell::QuoteInQuoted;
                }
            }
            Cell::QuoteInQuoted if b == b'"' => {
                self.out.push(b);
                self.state = Cell::Quoted;
            }
            Cell::Start if b == b'"' => {
                self.out.push(b);
                self.state = Cell::Quoted;
            }
            // The end of a cell (quoted or not), of a row, or more of an unquoted cell.
            Cell::Start | Cell::Plain | Cell::QuoteInQuoted => {
                let unquoted = self.state != Cell::QuoteInQuoted;
                if b == self.separator || b == b'\n' || b == b'\r' {
                    if unquoted {
                        self.end_cell();
                    }
                    self.out.push(if b == self.separator { b',' } else { b });
                    self.state = Cell::Start;
                } else if unquoted {
                    self.cell.push(b);
                    self.state = Cell::Plain;
                } else {
                    // `"a"b`: taken as the csv reader takes it, after the quoted part.
                    self.out.push(b);
                }
            }
        }
    }
}

impl Read for Reseparated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.sent == self.out.len() && !self.done {
            self.out.clear();
            self.sent = 0;
            let n = self.text.read(&mut self.input)?;
            if n == 0 {
                self.end_cell();
                self.done = true;
            }
            for i in 0..n {
                let b = self.input[i];
                self.take(b);
            }
        }
        let pending = &self.out[self.sent..];
        let n = pending.len().min(buf.len());
        buf[..n].copy_from_slice(&pending[..n]);
        self.sent += n;
        Ok(n)
    }
}

/// What an xlsx workbook may inflate to. A zip entry may inflate a thousand times over (a
/// 1.2 MB file to 1.2 GB), and what calamine reads it holds: the shared strings whole, and
/// each text or tag of a sheet whole. So every XML part is inflated once, counting, before
/// calamine opens the workbook; within [`Limits::WORKBOOK`] no workbook takes more than
/// about 150 MiB to read, and a real one a few MiB (`bench/xlsx-memory.sh`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// What one XML part may inflate to (a sheet is read as it inflates: this bounds time).
    pub part: u64,
    /// What the shared-strings part may inflate to: calamine holds every shared string.
    pub shared_strings: u64,
    /// What all XML parts together may inflate to.
    pub total: u64,
    /// The longest text or tag in any XML part (a cell holds at most [`MAX_CELL`] bytes).
    pub run: usize,
    /// The most entries: a workbook of records has about ten.
    pub entries: usize,
}

impl Limits {
    /// The limits every workbook is read within (docs/guarantees.md).
    pub const WORKBOOK: Limits = Limits {
        part: 256 << 20,
        shared_strings: 32 << 20,
        total: 1 << 30,
        run: 1 << 20,
        entries: 10_000,
    };
}

/// Why a workbook is refused before it is read.
fn too_large(label: &str, part: &str, limit: u64) -> anyhow::Error {
    let mib = limit >> 20;
    anyhow!(crate::tr!(
        "{label}：工作簿的“{part}”解压后超过 {mib} MiB，超出上限（docs/guarantees.md）：这不是一份检查记录表；记录很多时请另存为 CSV",
        "{label}: the workbook's \"{part}\" inflates to more than {mib} MiB, past the limit (docs/guarantees.md): this is not a sheet of records; save very many records as CSV"
    ))
}

/// What inflating a workbook's XML parts found: whether any sheet holds formulas.
struct Inflated {
    formulas: bool,
}

/// Inflates every XML part of the workbook in `reader` once, refusing it when a part, a
/// text or a tag is larger than the limits above, or the parts together are. Reads in
/// fixed pieces: what it holds does not grow with the file.
fn measure_workbook<RS: Read + std::io::Seek>(
    reader: &mut RS,
    label: &str,
    limits: Limits,
) -> Result<Inflated> {
    let not_a_workbook = |e: &dyn std::fmt::Display| {
        anyhow!(crate::tr!(
            "{label}：无法读取的 xlsx 工作簿：{e}",
            "{label}: not a readable xlsx workbook: {e}"
        ))
    };
    let mut zip = zip::ZipArchive::new(&mut *reader).map_err(|e| not_a_workbook(&e))?;
    if zip.len() > limits.entries {
        let (n, most) = (zip.len(), limits.entries);
        bail!(crate::tr!(
            "{label}：工作簿里有 {n} 个部件，超过上限 {most}：这不是一份检查记录表",
            "{label}: the workbook has {n} parts, more than the {most} allowed: this is not a sheet of records"
        ));
    }
    let mut total = 0u64;
    let mut formulas = false;
    let mut piece = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| not_a_workbook(&e))?;
        let name = entry.name().to_owned();
        let lower = name.to_ascii_lowercase();
        // calamine reads only XML parts (and their relationships); pictures and the
        // like it never inflates.
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let limit = if lower.ends_with("sharedstrings.xml") {
            limits.shared_strings
        } else {
            limits.part
        };
        if entry.size() > limit {
            return Err(too_large(label, &name, limit));
        }
        let sheet = lower.starts_with("xl/worksheets/");
        let mut scan = XmlScan::default();
        let mut size = 0u64;
        loop {
            let n = match entry.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(not_a_workbook(&e)),
            };
            size += n as u64;
            if size > limit {
                return Err(too_large(label, &name, limit));
            }
            if total + size > limits.total {
                return Err(too_large(label, "*", limits.total));
            }
            if scan.feed(&piece[..n], sheet, limits.run) {
                let run = limits.run;
                bail!(crate::tr!(
                    "{label}：工作簿的“{name}”里有一段文字或标记长于 {run} 字节，超出上限：这不是一份检查记录表",
                    "{label}: the workbook's \"{name}\" holds a text or tag longer than {run} bytes, past the limit: this is not a sheet of records"
                ));
            }
        }
        total += size;
        formulas |= scan.formula;
    }
    drop(zip);
    reader
        .seek(io::SeekFrom::Start(0))
        .map_err(|e| not_a_workbook(&e))?;
    Ok(Inflated { formulas })
}

/// A byte scan of XML: the longest run between `<` and `>`, and whether a formula tag
/// (`<f`, or `<x:f` with a prefix) appears. Both are found by looking at few bytes: a run
/// by searching each stretch of `most` bytes backwards for its last `<` or `>`, a formula
/// tag from the `f`s, which a sheet of answers hardly holds.
#[derive(Default)]
struct XmlScan {
    /// Bytes since the last `<` or `>`.
    run: usize,
    /// The last bytes fed, so that a tag cut between two pieces is still seen.
    tail: Vec<u8>,
    formula: bool,
}

/// How many bytes of one piece [`XmlScan`] keeps for the next: more than a tag name.
const SCAN_TAIL: usize = 32;

impl XmlScan {
    /// Scans the next bytes of a part; `true` when a run is longer than `most`. Tag names
    /// are looked at only in sheets, where formulas are.
    fn feed(&mut self, bytes: &[u8], sheet: bool, most: usize) -> bool {
        let mut start = 0;
        while start < bytes.len() {
            // The run may go on for `room` more bytes: a stretch one longer must hold a
            // delimiter, and its last one is where the next stretch starts.
            let room = most.saturating_sub(self.run);
            let end = bytes.len().min(start + room + 1);
            match memchr::memrchr2(b'<', b'>', &bytes[start..end]) {
                Some(at) => {
                    self.run = 0;
                    start += at + 1;
                    if end == bytes.len() {
                        self.run = end - start;
                        break;
                    }
                }
                None if end - start > room => return true,
                None => {
                    self.run += end - start;
                    break;
                }
            }
        }
        if sheet && !self.formula {
            let mut joined = std::mem::take(&mut self.tail);
            joined.extend_from_slice(&bytes[..bytes.len().min(SCAN_TAIL)]);
            self.formula = holds_formula_tag(&joined) || holds_formula_tag(bytes);
            self.tail = if bytes.len() >= SCAN_TAIL {
                bytes[bytes.len() - SCAN_TAIL..].to_vec()
            } else {
                joined[joined.len().saturating_sub(SCAN_TAIL)..].to_vec()
            };
        }
        self.run > most
    }
}

/// Whether `xml` holds the start of a tag whose local name is `f` (`<f>`, `<f/>`,
/// `<f t="shared">`, `<x:f>`), the byte after it included.
fn holds_formula_tag(xml: &[u8]) -> bool {
    memchr::memchr_iter(b'f', xml).any(|at| {
        let ends_name = xml
            .get(at + 1)
            .is_some_and(|b| matches!(b, b'<' | b'>' | b'/') || b.is_ascii_whitespace());
        let before = &xml[..at];
        ends_name
            && match before.last() {
                Some(b'<') => true,
                // A prefix: the name runs back to its `<`.
                Some(b':') => before
                    .iter()
                    .rposition(|b| matches!(b, b'<' | b'>' | b'/') || b.is_ascii_whitespace())
                    .is_some_and(|open| xml[open] == b'<' && at - open <= 16),
                _ => false,
            }
    })
}

/// Opens a file for reading, buffered, with an error naming it.
pub fn open_file(path: &Path) -> Result<BufReader<File>> {
    Ok(BufReader::new(
        File::open(path).with_context(|| cannot_open(path))?,
    ))
}

/// Reads one sheet of a workbook from `reader`, handing each row with its 1-based number to
/// `each` as soon as it is read; blank rows are not handed on. The sheet is `sheet`, or
/// else the one sheet whose first row `is_records` takes for a header of records (the
/// first sheet when none is); a workbook with several such sheets is refused, naming
/// them, so that no sheet of records goes unread. Cells are read one at a time, never as a
/// grid, so a stray cell at XFD1048576 costs nothing; rows and cells past the limits are
/// refused, and so is a formula whose result was never saved.
pub fn xlsx_rows<RS: Read + std::io::Seek>(
    mut reader: RS,
    sheet: Option<&str>,
    label: &str,
    limits: Limits,
    is_records: &dyn Fn(&StringRecord) -> bool,
    each: &mut dyn FnMut(usize, &StringRecord) -> Result<()>,
) -> Result<()> {
    let inflated = measure_workbook(&mut reader, label, limits)?;
    let mut workbook: Xlsx<RS> = Xlsx::new(reader).map_err(|e| {
        anyhow!(crate::tr!(
            "{label}：无法读取的 xlsx 工作簿：{e}",
            "{label}: not a readable xlsx workbook: {e}"
        ))
    })?;
    let name = sheet_of_records(&mut workbook, sheet, label, is_records)?;
    let unreadable = |e: &dyn std::fmt::Display| {
        anyhow!(crate::tr!(
            "{label}：无法读取工作表“{name}”：{e}",
            "{label}: cannot read sheet \"{name}\": {e}"
        ))
    };
    // Which cells hold formulas, one bit per cell in the order both passes meet them
    // (calamine reads a cell's value and its formula in separate passes).
    let mut formula_bits: Vec<u64> = Vec::new();
    if inflated.formulas {
        let mut cells = workbook
            .worksheet_cells_reader(&name)
            .map_err(|e| unreadable(&e))?;
        let mut n = 0usize;
        while let Some(cell) = cells.next_formula().map_err(|e| unreadable(&e))? {
            if n % 64 == 0 {
                formula_bits.push(0);
            }
            if !cell.get_value().is_empty() {
                formula_bits[n / 64] |= 1 << (n % 64);
            }
            n += 1;
        }
    }
    let is_formula = |n: usize| {
        formula_bits
            .get(n / 64)
            .is_some_and(|w| w >> (n % 64) & 1 == 1)
    };
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    let mut row = RowBuilder::default();
    let mut text = String::new();
    let mut n = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        let at = || format!("{label}:{}:{}", r + 1, c + 1);
        let value = cell.get_value();
        if *value == DataRef::Empty && is_formula(n) {
            let cell = format!("{}{}", super::table::column_letters(c as usize + 1), r + 1);
            let at = at();
            bail!(crate::tr!(
                "{at}：单元格 {cell} 是公式，文件里却没有保存它的计算结果（多半由程序生成、未在 Excel 里打开过）：请用 Excel 或 WPS 打开并保存一次，或把公式换成数值",
                "{at}: cell {cell} holds a formula whose result was never saved in the file (most likely written by a program and never opened in Excel): open and save it once in Excel or WPS, or replace the formula by its value"
            ));
        }
        n += 1;
        cell_text(value, &mut text).map_err(|e| anyhow!("{}: {e}", at()))?;
        if text.is_empty() {
            continue;
        }
        if c as usize >= MAX_COLUMNS {
            let (row, col) = (r + 1, c + 1);
            bail!(crate::tr!(
                "{label}:{row}:{col}：单元格超出第 {MAX_COLUMNS} 列：表单的列数远少于此",
                "{label}:{row}:{col}: a cell beyond column {MAX_COLUMNS}: a form has far fewer columns"
            ));
        }
        if let Some(line) = row.add(r, c, &text, label)? {
            each(line, &row.record)?;
        }
    }
    if let Some(line) = row.finish(label)? {
        each(line, &row.record)?;
    }
    Ok(())
}

/// The sheet to read: the one named, else the one sheet of records (see [`xlsx_rows`]).
fn sheet_of_records<RS: Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
    sheet: Option<&str>,
    label: &str,
    is_records: &dyn Fn(&StringRecord) -> bool,
) -> Result<String> {
    let names = workbook.sheet_names();
    if let Some(wanted) = sheet {
        return names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                let names = names.join(", ");
                anyhow!(crate::tr!(
                    "{label}：没有工作表“{wanted}”：工作表有 {names}",
                    "{label}: no sheet \"{wanted}\": the sheets are {names}"
                ))
            });
    }
    let Some(first) = names.first().cloned() else {
        bail!(crate::tr!(
            "{label}：工作簿里没有工作表",
            "{label}: the workbook has no sheets"
        ));
    };
    let mut of_records = Vec::new();
    for name in &names {
        // A sheet calamine cannot read as cells (a chart sheet) holds no records.
        let Ok(mut cells) = workbook.worksheet_cells_reader(name) else {
            continue;
        };
        let mut row = RowBuilder::default();
        let mut text = String::new();
        let mut header = None;
        while let Ok(Some(cell)) = cells.next_cell() {
            let (r, c) = cell.get_position();
            if cell_text(cell.get_value(), &mut text).is_err()
                || text.is_empty()
                || c as usize >= MAX_COLUMNS
            {
                continue;
            }
            match row.add(r, c, &text, label) {
                Ok(None) => {}
                Ok(Some(_)) => {
                    header = Some(row.record.clone());
                    break;
                }
                Err(_) => break,
            }
        }
        if header.is_none() && matches!(row.finish(label), Ok(Some(_))) {
            header = Some(row.record.clone());
        }
        if header.is_some_and(|h| is_records(&h)) {
            of_records.push(name.clone());
        }
    }
    match of_records.as_slice() {
        [] => Ok(first),
        [one] => Ok(one.clone()),
        [first, second, ..] => {
            let all = of_records.join("、");
            let (a, b) = (first.clone(), second.clone());
            bail!(crate::tr!(
                "{label}：工作簿有几个检查记录工作表（{all}），只读其中一个会漏掉别的：请用 --sheet 指定一个（如 --sheet {a}），或把每个工作表另存为一个文件",
                "{label}: the workbook has several sheets of records ({all}); reading one would leave the others unread: name one with --sheet (e.g. --sheet {a}), or save each sheet as its own file (and {b} …)"
            ));
        }
    }
}

/// The cells of the row being read, handed on as a row when the next row begins. Its
/// buffers are kept from row to row: a sheet of many rows allocates for none of them.
#[derive(Default)]
struct RowBuilder {
    row: Option<u32>,
    /// The texts of the row's filled cells, one after the other.
    text: String,
    /// Each filled cell's column and where its text lies in `text`.
    cells: Vec<(u32, usize, usize)>,
    /// The last row finished.
    record: StringRecord,
}

impl RowBuilder {
    /// Adds a filled cell. When it begins a new row, the previous one is finished first:
    /// its line is returned, and its cells are in `record`. Rows must come in order, as
    /// every spreadsheet program writes them.
    fn add(&mut self, r: u32, c: u32, text: &str, label: &str) -> Result<Option<usize>> {
        let done = match self.row {
            Some(current) if r < current => {
                let (row, before) = (r + 1, current + 1);
                bail!(crate::tr!(
                    "{label}:{row}：工作表的第 {row} 行写在第 {before} 行之后，行不按顺序：请用 Excel 或 WPS 打开并保存一次",
                    "{label}:{row}: the sheet holds row {row} after row {before}, out of order: open and save it once in Excel or WPS"
                ));
            }
            Some(current) if r > current => self.finish(label)?,
            _ => None,
        };
        self.row = Some(r);
        let start = self.text.len();
        self.text.push_str(text);
        self.cells.push((c, start, self.text.len()));
        Ok(done)
    }

    /// Finishes the row read so far into `record`, with empty fields for its empty cells;
    /// returns its line, or `None` when no cell was added since the last one.
    fn finish(&mut self, label: &str) -> Result<Option<usize>> {
        let Some(r) = self.row.take() else {
            return Ok(None);
        };
        let mut cells = std::mem::take(&mut self.cells);
        cells.sort_by_key(|(c, _, _)| *c);
        if let Some(pair) = cells.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            let cell = format!(
                "{}{}",
                super::table::column_letters(pair[0].0 as usize + 1),
                r + 1
            );
            let (row, col) = (r + 1, pair[0].0 + 1);
            self.text.clear();
            bail!(crate::tr!(
                "{label}:{row}:{col}：单元格 {cell} 在文件里写了两次，不知道哪个是答案：请用 Excel 或 WPS 打开并保存一次",
                "{label}:{row}:{col}: cell {cell} is written twice in the file, so which is the answer is unknown: open and save it once in Excel or WPS"
            ));
        }
        self.record.clear();
        let mut next = 0u32;
        for &(c, start, end) in &cells {
            while next < c {
                self.record.push_field("");
                next += 1;
            }
            self.record.push_field(&self.text[start..end]);
            next += 1;
        }
        self.text.clear();
        cells.clear();
        self.cells = cells;
        let line = r as usize + 1;
        check_row_limits(self.record.as_byte_record(), line, label)?;
        Ok(Some(line))
    }
}

/// A cell as the text a person would have typed (60 not 60.0, dates as ISO dates), in
/// `out`, which it replaces.
fn cell_text(cell: &DataRef<'_>, out: &mut String) -> Result<(), String> {
    use std::fmt::Write as _;
    out.clear();
    match cell {
        DataRef::Empty => {}
        DataRef::String(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => out.push_str(&crate::checklist::kinds::format_number(*f)),
        DataRef::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        DataRef::DateTime(dt) => {
            let _ = write!(out, "{}", date_from_excel_serial(dt.as_f64().floor())?);
        }
        DataRef::DateTimeIso(s) => out.push_str(s.get(..10).unwrap_or(s)),
        DataRef::Error(e) => {
            return Err(crate::tr!(
                "单元格是表格错误值 {e:?}",
                "the cell holds the spreadsheet error {e:?}"
            ));
        }
    }
    Ok(())
}

/// Refuses a row (of any sheet, on `line` of `origin`) with more columns or a longer cell
/// than a form can have.
pub fn check_row_limits(row: &impl Cells, line: usize, origin: &str) -> Result<()> {
    if row.count() > MAX_COLUMNS {
        let n = row.count();
        bail!(crate::tr!(
            "{origin}:{line}：这一行有 {n} 列，超过表单最多的 {MAX_COLUMNS} 列",
            "{origin}:{line}: the row has {n} columns, more than the {MAX_COLUMNS} a form can have"
        ));
    }
    // No cell can be longer than the whole row: most rows are looked at no further.
    if row.byte_len() <= MAX_CELL {
        return Ok(());
    }
    let long = (0..row.count())
        .find_map(|i| Some((i, row.bytes(i)?.len())).filter(|(_, n)| *n > MAX_CELL));
    if let Some((i, len)) = long {
        let col = i + 1;
        bail!(crate::tr!(
            "{origin}:{line}:{col}：单元格有 {len} 字节，超过上限 {MAX_CELL}：请确认文件是否选对",
            "{origin}:{line}:{col}: a cell of {len} bytes, longer than the {MAX_CELL} a cell may hold: is this the right file?"
        ));
    }
    Ok(())
}

/// Takes the byte-order mark off the first cell of a header row.
pub fn strip_bom(row: &mut StringRecord) {
    if let Some(first) = row.get(0)
        && let Some(rest) = first.strip_prefix('\u{feff}')
    {
        let mut fixed = StringRecord::new();
        fixed.push_field(rest);
        for field in row.iter().skip(1) {
            fixed.push_field(field);
        }
        *row = fixed;
    }
}

/// A read error of CSV text, worded for the user: bytes the encoding cannot decode (with
/// their line), a row too long (its line first in the message), or the system's error.
pub fn read_error(err: io::Error, encoding: Encoding, path: &Path) -> anyhow::Error {
    if err.kind() == io::ErrorKind::FileTooLarge {
        return anyhow!("{}:{err}", path.display());
    }
    csv_error(csv::Error::from(err), 1, encoding, path)
}

fn csv_error(err: csv::Error, row: usize, encoding: Encoding, path: &Path) -> anyhow::Error {
    let path = path.display();
    match err.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => {
            let row = pos.as_ref().map_or(row, |p| p.line() as usize);
            anyhow!(crate::tr!(
                "{path}:{row}：这一行不是有效的 UTF-8 文本，而文件按 UTF-8 读取（多半是从 GBK 文件粘贴来的行，一个文件混用了两种编码）：请把整个文件另存为“CSV UTF-8”",
                "{path}:{row}: the row is not valid UTF-8 text, in a file read as UTF-8 (most likely a row pasted from a GBK file, one file mixing two encodings): save the whole file as \"CSV UTF-8\""
            ))
        }
        csv::ErrorKind::Io(e) if e.kind() == io::ErrorKind::InvalidData => {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<Undecodable>())
            {
                Some(bad) => {
                    let line = bad.line;
                    anyhow!(crate::tr!(
                        "{path}:{line}：{bad}：请另存为 UTF-8 或 GBK 编码的 CSV",
                        "{path}:{line}: {bad}: save the file as UTF-8 or GBK CSV"
                    ))
                }
                None => {
                    let encoding = match encoding {
                        Encoding::Gb18030 => "GBK/GB18030",
                        _ => "UTF-8",
                    };
                    anyhow!(crate::tr!(
                        "{path}:{row}：文本不是有效的 {encoding}：请另存为 UTF-8 或 GBK 编码的 CSV",
                        "{path}:{row}: the text is not valid {encoding}: save the file as UTF-8 or GBK CSV"
                    ))
                }
            }
        }
        _ => anyhow!(crate::tr!(
            "{path}:{row}：无法读取 CSV：{err}",
            "{path}:{row}: cannot read the CSV: {err}"
        )),
    }
}

/// "… cannot open" for a file that would not open.
fn cannot_open(path: &Path) -> String {
    let shown = path.display();
    crate::tr!("{shown}：无法打开", "{shown}: cannot open")
}

/// What a file holds, by its first bytes and then its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// A TOML record.
    Toml,
    /// A CSV table.
    Csv,
    /// An xlsx workbook.
    Xlsx,
}

/// Tells the format of an input file: a zip (xlsx) by its magic bytes whatever its name,
/// else by extension. An unknown extension is an error naming the ones accepted.
pub fn detect(path: &Path) -> Result<FileFormat> {
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .with_context(|| cannot_open(path))?;
    let shown = path.display();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if n == 4 && magic == *b"PK\x03\x04" {
        return match ext.as_str() {
            "xlsx" | "xlsm" | "" => Ok(FileFormat::Xlsx),
            "xls" | "ods" => bail!(crate::tr!(
                "{shown}：只读取 .xlsx 工作簿：请另存为 .xlsx",
                "{shown}: only .xlsx workbooks are read: save it as .xlsx"
            )),
            _ => Ok(FileFormat::Xlsx),
        };
    }
    match ext.as_str() {
        "toml" => Ok(FileFormat::Toml),
        "csv" | "txt" => Ok(FileFormat::Csv),
        "xlsx" | "xlsm" => bail!(crate::tr!(
            "{shown}：不是 xlsx 工作簿（不是 zip 文件）：是否另存为了 .xlsx？",
            "{shown}: not an xlsx workbook (it is not a zip file): was it saved as .xlsx?"
        )),
        "xls" => bail!(crate::tr!(
            "{shown}：不读取旧的 .xls 工作簿：请另存为 .xlsx 或 CSV",
            "{shown}: old .xls workbooks are not read: save it as .xlsx or CSV"
        )),
        _ => bail!(crate::tr!(
            "{shown}：不认识的文件类型：检查记录应为 .toml、.csv 或 .xlsx",
            "{shown}: unknown kind of file: records are .toml, .csv or .xlsx"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    #[test]
    fn the_separator_is_told_from_the_header_row() {
        assert_eq!(separator(b"id,name,kind\n1;2;3;4\n"), b',');
        assert_eq!(separator(b"\xEF\xBB\xBF\"id\";\"name\";\"kind\"\n"), b';');
        assert_eq!(separator(b"id\tname\tkind"), b'\t');
        // Quoted separators do not count; a tie is a comma.
        assert_eq!(separator(b"\"a;b;c\",x,y\n"), b',');
        assert_eq!(separator(b"a;b,c\n"), b',');
        assert_eq!(separator(b""), b',');
    }

    #[test]
    fn a_semicolon_file_reads_as_the_same_rows_on_the_same_lines() {
        let text = "a;b\n\n\"x\ny\";\"z,1\"\r\nc;\"d\"\"e\"\n\n\nf;g";
        let mut out = String::new();
        Reseparated::new(Box::new(Cursor::new(text.as_bytes().to_vec())), b';')
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a,b\n\n\"x\ny\",\"z,1\"\r\nc,\"d\"\"e\"\n\n\nf,g");
        // An unquoted cell with a comma or a quote gets quotes.
        let mut out = String::new();
        Reseparated::new(Box::new(Cursor::new(b"1,5\t12\" x\tok\n".to_vec())), b'\t')
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "\"1,5\",\"12\"\" x\",ok\n");
        // A byte-order mark stays before the first, quoted, cell.
        let mut out = String::new();
        let bom = "\u{feff}\"id\";\"name\"\n";
        Reseparated::new(Box::new(Cursor::new(bom.as_bytes().to_vec())), b';')
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "\u{feff}\"id\",\"name\"\n");
    }
    use std::io::Write;

    /// A workbook of `sheets` (name, the XML inside `<sheetData>`), with inline strings, as
    /// programs that write xlsx without a shared-strings part make it.
    fn workbook(sheets: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, text: &str| {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        };
        let overrides: String = (1..=sheets.len())
            .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
            .collect();
        put(
            "[Content_Types].xml",
            &format!(
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
            ),
        );
        put(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        let entries: String = sheets
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                format!(
                    r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                    i + 1,
                    i + 1
                )
            })
            .collect();
        put(
            "xl/workbook.xml",
            &format!(
                r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>"#
            ),
        );
        let rels: String = (1..=sheets.len())
            .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
            .collect();
        put(
            "xl/_rels/workbook.xml.rels",
            &format!(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
            ),
        );
        for (i, (_, data)) in sheets.iter().enumerate() {
            put(
                &format!("xl/worksheets/sheet{}.xml", i + 1),
                &format!(
                    r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
                ),
            );
        }
        zip.finish().unwrap().into_inner()
    }

    /// An inline-string cell.
    fn text(at: &str, value: &str) -> String {
        format!(r#"<c r="{at}" t="inlineStr"><is><t>{value}</t></is></c>"#)
    }

    /// A header row `id, site.floor_area` and the rows given.
    fn records(rows: &str) -> String {
        format!(
            r#"<row r="1">{}{}</row>{rows}"#,
            text("A1", "id"),
            text("B1", "site.floor_area")
        )
    }

    fn is_records(row: &StringRecord) -> bool {
        row.get(0) == Some("id")
    }

    /// The rows read from `bytes`, or the error, within `limits`.
    fn rows_within(
        bytes: Vec<u8>,
        sheet: Option<&str>,
        limits: Limits,
    ) -> Result<Vec<(usize, Vec<String>)>, String> {
        let mut rows = Vec::new();
        xlsx_rows(
            Cursor::new(bytes),
            sheet,
            "t.xlsx",
            limits,
            &is_records,
            &mut |n, row| {
                rows.push((n, row.iter().map(str::to_owned).collect()));
                Ok(())
            },
        )
        .map_err(|e| format!("{e:#}"))?;
        Ok(rows)
    }

    fn rows(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Vec<(usize, Vec<String>)>, String> {
        rows_within(bytes, sheet, Limits::WORKBOOK)
    }

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (n, cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn a_formula_is_read_as_its_saved_result_and_one_without_a_result_is_named() {
        let saved = records(&format!(
            r#"<row r="2">{}<c r="B2"><f>40+20</f><v>60</v></c></row>"#,
            text("A2", "x")
        ));
        assert_eq!(
            rows(workbook(&[("记录", &saved)]), None).unwrap(),
            [row(1, &["id", "site.floor_area"]), row(2, &["x", "60"])]
        );
        // calamine reads a formula without <v> as an empty cell: the answer would be
        // "unrecorded" with no word.
        for formula in [
            r#"<c r="B3"><f>40+20</f></c>"#,
            r#"<c r="B3"><x:f>40+20</x:f></c>"#,
        ] {
            let unsaved = records(&format!(
                r#"<row r="2">{}<c r="B2"><f>1</f><v>1</v></c></row><row r="3">{}{formula}</row>"#,
                text("A2", "x"),
                text("A3", "y")
            ));
            let err = rows(workbook(&[("记录", &unsaved)]), None).unwrap_err();
            assert!(err.starts_with("t.xlsx:3:2: "), "{err}");
            assert!(
                err.contains("cell B3 holds a formula whose result was never saved"),
                "{err}"
            );
            assert!(err.contains("open and save it once"), "{err}");
        }
    }

    #[test]
    fn several_sheets_of_records_are_refused_unless_one_is_named() {
        let a = records(&format!(r#"<row r="2">{}</row>"#, text("A2", "a")));
        let b = records(&format!(r#"<row r="2">{}</row>"#, text("A2", "b")));
        let notes = format!(r#"<row r="1">{}</row>"#, text("A1", "填写说明"));
        let book = workbook(&[("鲁河镇", &a), ("说明", &notes), ("海通乡", &b)]);
        let err = rows(book.clone(), None).unwrap_err();
        assert!(
            err.contains("several sheets of records (鲁河镇、海通乡)"),
            "{err}"
        );
        assert!(err.contains("--sheet"), "{err}");
        assert_eq!(
            rows(book.clone(), Some("海通乡")).unwrap()[1],
            row(2, &["b"])
        );
        // The one sheet of records is read wherever it is; a sheet of notes is not records.
        let book = workbook(&[("说明", &notes), ("海通乡", &b)]);
        assert_eq!(rows(book, None).unwrap()[1], row(2, &["b"]));
        // No sheet of records: the first is read, and its header gives the error.
        let book = workbook(&[("说明", &notes)]);
        assert_eq!(rows(book, None).unwrap(), [row(1, &["填写说明"])]);
    }

    #[test]
    fn rows_out_of_order_and_cells_written_twice_are_refused() {
        let backwards = records(&format!(
            r#"<row r="3">{}</row><row r="2">{}</row>"#,
            text("A3", "c"),
            text("A2", "b")
        ));
        let err = rows(workbook(&[("记录", &backwards)]), None).unwrap_err();
        assert!(err.starts_with("t.xlsx:2: "), "{err}");
        let twice = records(&format!(
            r#"<row r="2">{}{}{}</row>"#,
            text("A2", "b"),
            text("B2", "50"),
            text("B2", "80")
        ));
        let err = rows(workbook(&[("记录", &twice)]), None).unwrap_err();
        assert!(err.contains("cell B2 is written twice"), "{err}");
        // Cells of a row in any order, and gaps, are as the sheet shows them.
        let shuffled = records(&format!(
            r#"<row r="4">{}{}</row>"#,
            text("C4", "c"),
            text("A4", "a")
        ));
        assert_eq!(
            rows(workbook(&[("记录", &shuffled)]), None).unwrap()[1],
            row(4, &["a", "", "c"])
        );
    }

    /// `bytes` with the zip headers' uncompressed size of `part` set to `size`.
    fn lie_about(mut bytes: Vec<u8>, part: &str, size: u32) -> Vec<u8> {
        let mut at = 0;
        while let Some(found) = memchr::memmem::find(&bytes[at..], b"PK\x01\x02") {
            at += found;
            let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
            let name_len = u16_at(at + 28);
            if &bytes[at + 46..at + 46 + name_len] == part.as_bytes() {
                let local = u32::from_le_bytes(bytes[at + 42..at + 46].try_into().unwrap());
                bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
                let local = local as usize;
                bytes[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
            }
            at += 4;
        }
        bytes
    }

    #[test]
    fn a_workbook_inflating_past_the_limits_is_refused_whatever_its_headers_say() {
        let small = Limits {
            part: 4096,
            shared_strings: 1024,
            total: 16 * 1024,
            run: 512,
            entries: 10,
        };
        let filler: String = "<row/>".repeat(1000);
        let big = records(&filler);
        let book = workbook(&[("记录", &big)]);
        for book in [
            book.clone(),
            lie_about(book, "xl/worksheets/sheet1.xml", 100),
        ] {
            let err = rows_within(book, None, small).unwrap_err();
            assert!(
                err.contains("\"xl/worksheets/sheet1.xml\" inflates to more than"),
                "{err}"
            );
        }
        let spaces = records(&" ".repeat(600));
        let err = rows_within(workbook(&[("记录", &spaces)]), None, small).unwrap_err();
        assert!(err.contains("longer than 512 bytes"), "{err}");
        let many: Vec<(String, String)> = (0..12).map(|i| (format!("s{i}"), records(""))).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let err = rows_within(workbook(&many), Some("s0"), small).unwrap_err();
        assert!(err.contains("more than the 10 allowed"), "{err}");
        // Within the limits, the same workbook reads.
        assert_eq!(rows(workbook(&[("记录", &big)]), None).unwrap().len(), 1);
    }

    #[test]
    fn the_scan_finds_formula_tags_and_long_runs_across_pieces() {
        for (xml, formula) in [
            (&b"<c r=\"A1\"><f>1</f><v>1</v></c>"[..], true),
            (b"<c><x:f t=\"shared\"/></c>", true),
            (b"<c><v>1</v></c><fill/><font>f</font>", false),
        ] {
            for piece in [1, 2, 3, 64] {
                let mut scan = XmlScan::default();
                for bytes in xml.chunks(piece) {
                    assert!(!scan.feed(bytes, true, 64));
                }
                assert_eq!(
                    scan.formula,
                    formula,
                    "{piece}: {}",
                    String::from_utf8_lossy(xml)
                );
            }
        }
        let mut scan = XmlScan::default();
        let long = [b'a'; 100];
        assert!(!scan.feed(&long[..60], true, 64));
        assert!(scan.feed(&long[60..], true, 64));
    }

    /// The plain reading [`XmlScan`] must agree with: every byte looked at, tag names read
    /// whole after each `<`.
    fn scanned_plainly(xml: &[u8], most: usize) -> (bool, bool) {
        let mut run = 0;
        let mut too_long = false;
        for &b in xml {
            if b == b'<' || b == b'>' {
                run = 0;
            } else {
                run += 1;
                too_long |= run > most;
            }
        }
        let formula = xml.iter().enumerate().any(|(at, &b)| {
            if b != b'<' {
                return false;
            }
            let name: Vec<u8> = xml[at + 1..]
                .iter()
                .take_while(|b| !(b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'<')))
                .copied()
                .collect();
            let ended = xml.len() > at + 1 + name.len();
            ended && name.len() <= 16 && name.rsplit(|b| *b == b':').next() == Some(b"f")
        });
        (too_long, formula)
    }

    proptest::proptest! {
        /// Tags, prefixed tags, texts holding `f`, `:` and spaces, in any pieces: the scan
        /// finds the same formula tags and the same too-long runs as the plain reading.
        #[test]
        fn the_scan_is_the_plain_reading_in_any_pieces(
            words in proptest::collection::vec(proptest::prop_oneof![
                proptest::prelude::Just(&b"<f>"[..]),
                proptest::prelude::Just(&b"<f/>"[..]),
                proptest::prelude::Just(&b"<f t=\"s\">"[..]),
                proptest::prelude::Just(&b"<x:f>"[..]),
                proptest::prelude::Just(&b"</f>"[..]),
                proptest::prelude::Just(&b"<font>"[..]),
                proptest::prelude::Just(&b"<formula1>"[..]),
                proptest::prelude::Just(&b"<c r=\"A1\">"[..]),
                proptest::prelude::Just(&b"a:f b"[..]),
                proptest::prelude::Just(&b"if"[..]),
                proptest::prelude::Just(&b"f"[..]),
                proptest::prelude::Just(&b":"[..]),
                proptest::prelude::Just(&b"<"[..]),
                proptest::prelude::Just(&b">"[..]),
                proptest::prelude::Just(&b" "[..]),
                proptest::prelude::Just(&b"/"[..]),
                proptest::prelude::Just(&b"<averyveryverylongprefix:f>"[..]),
                proptest::prelude::Just(&b"0123456789"[..]),
            ], 0..40),
            piece in 1usize..50,
            most in 1usize..40,
        ) {
            let xml = words.concat();
            let mut scan = XmlScan::default();
            let mut too_long = false;
            for bytes in xml.chunks(piece) {
                too_long |= scan.feed(bytes, true, most);
            }
            let (plain_too_long, plain_formula) = scanned_plainly(&xml, most);
            proptest::prop_assert_eq!(too_long, plain_too_long);
            if !too_long {
                proptest::prop_assert_eq!(scan.formula, plain_formula, "{}", String::from_utf8_lossy(&xml));
            }
        }
    }

    #[test]
    fn sniffing_tells_utf8_from_gbk() {
        assert_eq!(sniff("编号,名称".as_bytes()), Encoding::Utf8);
        assert_eq!(sniff(b"\xEF\xBB\xBFid,name"), Encoding::Utf8Bom);
        let (gbk, _, _) = GB18030.encode("编号,名称");
        assert_eq!(sniff(&gbk), Encoding::Gb18030);
        // a character cut at the end of the sample is still UTF-8
        let text = "名称".as_bytes();
        assert_eq!(sniff(&text[..text.len() - 1]), Encoding::Utf8);
    }

    #[test]
    fn gb18030_is_decoded_in_small_reads() {
        let source = "编号,名称\nchengguan,城关镇便民服务中心\n".repeat(200);
        let (gbk, _, _) = GB18030.encode(&source);
        let mut reader = Gb18030ToUtf8::new(Cursor::new(gbk.into_owned()));
        let mut out = Vec::new();
        let mut buf = [0u8; 13];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), source);
    }

    #[test]
    fn reading_after_the_end_returns_nothing_and_one_byte_reads_lose_nothing() {
        // Found by fuzzing: a second read after the end used a finished decoder.
        let source = "编号,名称\nchengguan,城关镇\n";
        let (gbk, _, _) = GB18030.encode(source);
        let mut reader = Gb18030ToUtf8::new(Cursor::new(gbk.into_owned()));
        let mut out = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            match reader.read(&mut byte).unwrap() {
                0 => break,
                n => out.extend_from_slice(&byte[..n]),
            }
        }
        assert_eq!(String::from_utf8(out).unwrap(), source);
        assert_eq!(reader.read(&mut [0u8; 64]).unwrap(), 0);
        assert_eq!(reader.read(&mut [0u8; 64]).unwrap(), 0);
    }

    /// All of `bytes` read through [`Gb18030ToUtf8`] in reads of `step` bytes: the text,
    /// and the error's offset and line if there is one.
    fn decoded_in_steps(bytes: &[u8], step: usize) -> (Vec<u8>, Option<(u64, usize)>) {
        let mut reader = Gb18030ToUtf8::new(Cursor::new(bytes.to_vec()));
        let (mut out, mut buf) = (Vec::new(), vec![0u8; step]);
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => {
                    let bad = e.get_ref().and_then(|e| e.downcast_ref::<Undecodable>());
                    let bad = bad.expect("an undecodable-bytes error");
                    return (out, Some((bad.offset, bad.line)));
                }
            }
        }
    }

    /// What `encoding_rs` alone makes of `bytes`, in one call: the text before the first
    /// malformed sequence, and the error's offset and line.
    fn decoded_whole(bytes: &[u8]) -> (Vec<u8>, Option<(u64, usize)>) {
        let mut decoder = GB18030.new_decoder_without_bom_handling();
        let mut out = vec![0u8; bytes.len() * 4 + 16];
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
        out.truncate(written);
        let lines = out.iter().filter(|&&b| b == b'\n').count();
        match result {
            DecoderResult::Malformed(_, _) => (out, Some((read as u64, lines + 1))),
            _ => (out, None),
        }
    }

    #[test]
    fn every_two_byte_character_is_the_decoders() {
        let mut all = Vec::new();
        for lead in 0x81u8..=0xFE {
            for trail in 0x40u8..=0xFE {
                let pair = [lead, trail];
                let (text, error) = decoded_whole(&pair);
                if error.is_none() {
                    all.extend_from_slice(&pair);
                    all.push(b',');
                }
                assert_eq!(decoded_in_steps(&pair, 64), (text, error), "{pair:02x?}");
            }
        }
        assert!(
            all.len() > 3 * 20_000,
            "GBK has over twenty thousand characters"
        );
        for step in [16, 17, 4096, 100_000] {
            assert_eq!(
                decoded_in_steps(&all, step),
                decoded_whole(&all),
                "reads of {step}"
            );
        }
    }

    proptest::proptest! {
        /// ASCII, two- and four-byte characters, `0x80` and bytes that are not GB18030, in
        /// any order and read in any steps: the same text as the decoder alone, and an
        /// error at the same offset on the same line.
        #[test]
        fn gb18030_is_the_decoders_in_any_reads(
            pieces in proptest::collection::vec(proptest::prop_oneof![
                4 => "[a-c,\n\"]{1,4}".prop_map(String::into_bytes),
                4 => (0x81u8..=0xFE, 0x40u8..=0xFE).prop_map(|(a, b)| vec![a, b]),
                1 => (0x81u8..=0x84, 0x30u8..=0x39, 0x81u8..=0xFE, 0x30u8..=0x39)
                    .prop_map(|(a, b, c, d)| vec![a, b, c, d]),
                1 => proptest::collection::vec(proptest::num::u8::ANY, 1..3),
            ], 0..200),
            step in 1usize..40,
        ) {
            let bytes = pieces.concat();
            proptest::prop_assert_eq!(decoded_in_steps(&bytes, step), decoded_whole(&bytes));
        }
    }

    #[test]
    fn undecodable_bytes_are_an_error() {
        let mut reader = Gb18030ToUtf8::new(Cursor::new(b"ok,\xFF\xFF\xFF".to_vec()));
        let mut out = Vec::new();
        let err = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
