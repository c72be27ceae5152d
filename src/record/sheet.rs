//! Spreadsheet files: CSV text in UTF-8 (with or without BOM) or GB18030/GBK, decoded to
//! UTF-8 for [`super::chunks`] to cut into rows, and the sheets of xlsx workbooks, whose rows
//! come one at a time as [`StringRecord`]s (a sheet is read whole, as calamine does).

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use calamine::{Data, Reader, Xlsx};
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

/// A reader that turns GB18030 bytes into UTF-8, failing on bytes that are not GB18030.
struct Gb18030ToUtf8<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
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
}

/// Bytes that are neither UTF-8 nor GB18030, with the line they are on.
#[derive(Debug, thiserror::Error)]
#[error("{}", undecodable(*.offset))]
struct Undecodable {
    line: usize,
    offset: u64,
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
            input: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            done: false,
            consumed: 0,
            lines: 0,
            pending: Vec::new(),
            finished: false,
        }
    }

    /// Decodes into `out` (at least a few bytes long), returning how many bytes it wrote;
    /// 0 only at the end of the input.
    fn decode_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.done {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.done = self.end == 0;
            }
            let last = self.done;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                out,
                last,
            );
            self.start += read;
            self.consumed += read as u64;
            self.lines += out[..written].iter().filter(|&&b| b == b'\n').count();
            match result {
                DecoderResult::Malformed(_, _) => {
                    // Nothing after a malformed sequence is trusted.
                    self.finished = true;
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Undecodable {
                            line: self.lines + 1,
                            offset: self.consumed,
                        },
                    ));
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

/// The used range of one xlsx sheet (CSV files are read in chunks, by [`super::chunks`]).
pub struct Sheet {
    /// Rows already converted to text, with their 1-based row numbers.
    rows: std::vec::IntoIter<(usize, StringRecord)>,
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
    let raw = BufReader::with_capacity(256 * 1024, Cursor::new(head).chain(rest));
    let text: Box<dyn Read> = match encoding {
        Encoding::Gb18030 => Box::new(Gb18030ToUtf8::new(raw)),
        Encoding::Utf8 | Encoding::Utf8Bom => Box::new(raw),
    };
    Ok((text, encoding))
}

/// The most cells an xlsx sheet may hold: every cell is held in memory.
pub const MAX_XLSX_CELLS: usize = 5_000_000;

/// Opens one sheet of an xlsx workbook: `sheet`, or the first.
pub fn open_xlsx(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    let file = File::open(path).with_context(|| cannot_open(path))?;
    xlsx_sheet(
        std::io::BufReader::new(file),
        sheet,
        &path.display().to_string(),
    )
}

/// One sheet of a workbook read from `reader`. Cells are read one at a time, never as a
/// dense grid, so a stray cell at XFD1048576 costs nothing; rows, columns and cells past
/// the limits are refused.
pub fn xlsx_sheet<RS: Read + std::io::Seek>(
    reader: RS,
    sheet: Option<&str>,
    label: &str,
) -> Result<Sheet> {
    let mut workbook: Xlsx<RS> = Xlsx::new(reader).map_err(|e| {
        anyhow!(crate::tr!(
            "{label}：无法读取的 xlsx 工作簿：{e}",
            "{label}: not a readable xlsx workbook: {e}"
        ))
    })?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                let names = names.join(", ");
                anyhow!(crate::tr!(
                    "{label}：没有工作表“{wanted}”：工作表有 {names}",
                    "{label}: no sheet \"{wanted}\": the sheets are {names}"
                ))
            })?,
        None => names.first().cloned().ok_or_else(|| {
            anyhow!(crate::tr!(
                "{label}：工作簿里没有工作表",
                "{label}: the workbook has no sheets"
            ))
        })?,
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        anyhow!(crate::tr!(
            "{label}：无法读取工作表“{name}”：{e}",
            "{label}: cannot read sheet \"{name}\": {e}"
        ))
    };
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| unreadable(&e))?;
    let mut grid: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()))
            .map_err(|e| anyhow!("{label}:{}:{}: {e}", r + 1, c + 1))?;
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
        count += 1;
        if count > MAX_XLSX_CELLS {
            bail!(crate::tr!(
                "{label}：填写的单元格超过 {MAX_XLSX_CELLS} 个：这么大的表请另存为 CSV（边读边查）",
                "{label}: more than {MAX_XLSX_CELLS} filled cells: save a sheet this large as CSV, which is read as it goes"
            ));
        }
        grid.entry(r).or_default().push((c, text));
    }
    let rows: Vec<(usize, StringRecord)> = grid
        .into_iter()
        .map(|(r, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
            let mut record = StringRecord::new();
            let mut next = 0usize;
            for (c, text) in cells {
                while next < c as usize {
                    record.push_field("");
                    next += 1;
                }
                record.push_field(&text);
                next += 1;
            }
            debug_assert_eq!(next, width);
            (r as usize + 1, record)
        })
        .collect();
    Ok(Sheet {
        rows: rows.into_iter(),
    })
}

/// A cell as the text a person would have typed: 60 not 60.0, dates as ISO dates.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => crate::checklist::kinds::format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => date_from_excel_serial(dt.as_f64().floor())?.to_string(),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            return Err(crate::tr!(
                "单元格是表格错误值 {e:?}",
                "the cell holds the spreadsheet error {e:?}"
            ));
        }
    })
}

impl Sheet {
    /// Reads the next row into `row`; `Ok(None)` at the end, else its 1-based row number.
    /// Rows with too many columns or too long a cell are refused.
    pub fn next_row(&mut self, row: &mut StringRecord, path: &Path) -> Result<Option<usize>> {
        let Some((n, next)) = self.rows.next() else {
            return Ok(None);
        };
        *row = next;
        check_row_limits(row.as_byte_record(), n, &path.display().to_string())?;
        Ok(Some(n))
    }
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

    #[test]
    fn undecodable_bytes_are_an_error() {
        let mut reader = Gb18030ToUtf8::new(Cursor::new(b"ok,\xFF\xFF\xFF".to_vec()));
        let mut out = Vec::new();
        let err = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
