//! Reading records: an xlsx sheet row by row, the rows of a wide sheet through the fast
//! path or in full, what a reader hands a command (`Incoming`), and every record of a
//! plan read into memory. Large CSV files go through [`super::stream`].

use std::fs;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use csv::StringRecord;

use crate::checklist::Checklist;
use crate::record::Record;
use crate::record::cells::Cells;
use crate::record::sheet::{self, FileFormat};
use crate::record::table::{self, QuickRead};

use super::{At, Inputs, Plan, SiteWork};

/// How many rows the reading thread of [`read_sheet`] hands over at a time.
const ROWS_PER_BATCH: usize = 256;

/// What [`read_sheet`] hands on for each data row: its site, or why the row cannot be
/// read, with its row number.
pub type SheetRows<'a> = dyn FnMut(Result<Incoming, anyhow::Error>, usize) -> Result<()> + 'a;

/// Reads every site of the sheet of records of an xlsx workbook (wide or long layout, told
/// by its header), handing each with its row (0 for the long layout) to `each`, or why a
/// row cannot be read. Rows are judged as they are read: the sheet is never held. CSV
/// files are read in chunks by [`Plan::for_each_part`], through the same `WideRows` and
/// [`long_records`].
///
/// The cells are read on a thread of their own while this one judges the rows read
/// before: inflating and parsing a sheet's XML costs about three times judging its rows.
/// `each` sees the rows in order, and an error of the workbook after the rows before it.
pub fn read_sheet<RS: std::io::Read + std::io::Seek + Send>(
    workbook: RS,
    sheet: Option<&str>,
    origin: &str,
    checklists: &[Checklist],
    fast: bool,
    each: &mut SheetRows<'_>,
) -> Result<usize> {
    /// What the rows read so far have made of the sheet.
    enum Layout {
        Header,
        Long(table::Long),
        Wide {
            wide: table::Wide,
            first: bool,
            quick: Box<QuickRead>,
        },
    }
    let mut layout = Layout::Header;
    let mut sites = 0;
    let mut row_of_sheet = |n: usize, row: &StringRecord| -> Result<()> {
        match &mut layout {
            Layout::Header if table::is_long(row) => {
                layout = Layout::Long(
                    table::Long::from_header(row).map_err(|e| anyhow!(e.located(origin)))?,
                );
            }
            Layout::Header => {
                layout = Layout::Wide {
                    wide: table::Wide::from_header(row, checklists)
                        .map_err(|e| anyhow!(e.located(origin)))?,
                    first: true,
                    quick: Box::new(QuickRead::new(origin)),
                };
            }
            Layout::Long(long) => long.push(row, n).map_err(|e| anyhow!(e.located(origin)))?,
            Layout::Wide { wide, first, quick } => {
                let rows = WideRows {
                    wide,
                    origin,
                    checklists,
                    fast,
                };
                match rows.site(row.as_byte_record(), n, std::mem::take(first), quick) {
                    Ok(Some(site)) => {
                        sites += 1;
                        each(Ok(site), n)?;
                    }
                    Ok(None) => {}
                    // A row that cannot be read: the caller's to keep or to stop at.
                    Err(e) => {
                        sites += 1;
                        each(Err(e), n)?;
                    }
                }
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| -> Result<()> {
        // Inside the scope, so that a panic here drops it and lets the reader stop.
        let (sender, rows) = std::sync::mpsc::sync_channel::<Vec<(usize, StringRecord)>>(4);
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(ROWS_PER_BATCH);
            let read = sheet::xlsx_rows(
                workbook,
                sheet,
                origin,
                sheet::Limits::WORKBOOK,
                &table::is_record_header,
                &mut |n, row| {
                    batch.push((n, row.clone()));
                    if batch.len() == ROWS_PER_BATCH {
                        let full =
                            std::mem::replace(&mut batch, Vec::with_capacity(ROWS_PER_BATCH));
                        // Only a judging that failed stops taking rows: its error is the one told.
                        sender
                            .send(full)
                            .map_err(|_| anyhow!("{origin}: rows no longer taken"))?;
                    }
                    Ok(())
                },
            );
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
            read
        });
        let mut judged = Ok(());
        'batches: for batch in &rows {
            for (n, row) in &batch {
                judged = row_of_sheet(*n, row);
                if judged.is_err() {
                    break 'batches;
                }
            }
        }
        drop(rows);
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        judged.and(read)
    })?;
    match layout {
        Layout::Header => bail!(crate::tr!(
            "{origin}：文件没有表头行",
            "{origin}: the file has no header row"
        )),
        Layout::Long(long) => {
            let records = long_records(long, origin, checklists)?;
            let sites = records.len();
            for record in records {
                each(Ok(Incoming::full(record)), 0)?;
            }
            Ok(sites)
        }
        Layout::Wide { .. } if sites == 0 => bail!(crate::tr!(
            "{origin}：表格只有表头，没有站点：请每个站点填一行",
            "{origin}: the sheet has a header but no sites: fill in one row per site"
        )),
        Layout::Wide { .. } => Ok(sites),
    }
}

/// The data rows of a wide-layout sheet, read the same way whatever the file.
pub(crate) struct WideRows<'a> {
    /// The columns, from the header.
    pub wide: &'a table::Wide,
    /// The file, for messages and records.
    pub origin: &'a str,
    /// The checklists of the run.
    pub checklists: &'a [Checklist],
    /// Whether clean rows may skip their observations ([`ReadOptions::fast`]).
    pub fast: bool,
}

impl WideRows<'_> {
    /// The site of one data row on `line`: `None` for a blank row and for the optional row
    /// of Chinese titles (looked for only when `first`); a row the fast path can take read
    /// into `quick` (reused row after row, see `table::Wide::quick_read`); any other row
    /// read in full, every error located.
    pub fn site<'r>(
        &self,
        row: &impl Cells,
        line: usize,
        first: bool,
        quick: &'r mut QuickRead,
    ) -> Result<Option<Incoming<'r>>> {
        if first && self.wide.is_title_row(row) {
            return Ok(None);
        }
        // A row the fast path takes has a site id, so is not blank: only the others are
        // looked at for that.
        if self.fast && self.wide.quick_read(row, self.checklists, quick).is_some() {
            judgeable(quick.reading(), self.checklists, || {
                format!("{}:{line}", self.origin)
            })?;
            return Ok(Some(Incoming::quick(quick)));
        }
        if is_blank(row) {
            return Ok(None);
        }
        let text = row_text(row, line, self.origin)?;
        let full = self
            .wide
            .record(&text, line, self.origin, self.checklists)
            .map_err(|e| anyhow!(e.located(self.origin)))?;
        judgeable(&full, self.checklists, || format!("{}:{line}", self.origin))?;
        Ok(Some(Incoming::full(full)))
    }
}

/// Refuses `record`, read at `place`, when its checklist cannot judge it: a pattern that does
/// not compile with the site's fields put in ([`crate::audit::unjudgeable`]). Like a record
/// that cannot be read, it is reported and the others are judged. `place` is worded only
/// then: most rows of a large file are judgeable.
pub(crate) fn judgeable<'a>(
    site: impl Into<crate::record::Reading<'a>>,
    checklists: &[Checklist],
    place: impl FnOnce() -> String,
) -> Result<()> {
    let site = site.into();
    let Some(checklist) = checklists.iter().find(|c| c.site_kind == site.record.kind) else {
        return Ok(());
    };
    match crate::audit::unjudgeable(checklist, site) {
        Some(why) => {
            let why = crate::render::labels::unjudgeable(&why, crate::lang::messages());
            let place = place();
            bail!(crate::tr!("{place}：{why}", "{place}: {why}"))
        }
        None => Ok(()),
    }
}

/// Whether every cell of a row is empty or white space.
fn is_blank(row: &impl Cells) -> bool {
    (0..row.count()).all(|i| {
        row.bytes(i)
            .is_none_or(|cell| cell.iter().all(u8::is_ascii_whitespace))
            || row.text(i).is_some_and(|t| t.trim().is_empty())
    })
}

/// A row as text, or an error naming its line.
pub(super) fn row_text(row: &impl Cells, line: usize, origin: &str) -> Result<StringRecord> {
    row.to_strings().ok_or_else(|| {
        anyhow!(crate::tr!(
            "{origin}:{line}：这一行不是有效的 UTF-8 文本，而文件按 UTF-8 读取（多半是从 GBK 文件粘贴来的行，一个文件混用了两种编码）：请把整个文件另存为“CSV UTF-8”",
            "{origin}:{line}: the row is not valid UTF-8 text, in a file read as UTF-8 (most likely a row pasted from a GBK file, one file mixing two encodings): save the whole file as \"CSV UTF-8\""
        ))
    })
}

/// The sites of a long-layout sheet, once all its rows are in.
pub(super) fn long_records(
    long: table::Long,
    origin: &str,
    checklists: &[Checklist],
) -> Result<Vec<Record>> {
    let records = long
        .finish(origin, checklists)
        .map_err(|e| anyhow!(e.located(origin)))?;
    for record in &records {
        judgeable(record, checklists, || origin.to_owned())?;
    }
    if records.is_empty() {
        bail!(crate::tr!(
            "{origin}：表格只有表头，没有检查项",
            "{origin}: the sheet has a header but no observations"
        ));
    }
    Ok(records)
}

/// Options for reading records.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions<'a> {
    /// The sheet of xlsx workbooks to read (default: the first).
    pub sheet: Option<&'a str>,
    /// Show a progress bar on stderr for large spreadsheets.
    pub progress: bool,
    /// Let rows whose cells are canonical skip their observations (the fast path, see
    /// `table::Wide::quick_read`): for commands that judge, not for those that need records.
    pub fast: bool,
    /// Let one site id come more than once: a site re-inspected several times.
    pub repeated_ids: bool,
}

/// A record as it arrives from the readers. What form it came in (whole, or a row the fast
/// path read into buffers it fills again for the next row) is the readers' detail: a
/// command asks for the record, or for the reading the evaluator judges.
#[derive(Debug)]
pub struct Incoming<'r>(Arrival<'r>);

#[derive(Debug)]
enum Arrival<'r> {
    /// Everything the inspector recorded.
    Full(Record),
    /// A spreadsheet row read by the fast path: the site fields, the items it glanced at
    /// and the observations of the others.
    Quick(&'r QuickRead),
}

impl<'r> Incoming<'r> {
    /// A record read whole.
    pub(super) fn full(record: Record) -> Incoming<'r> {
        Incoming(Arrival::Full(record))
    }

    /// A row the fast path read.
    pub(super) fn quick(read: &'r QuickRead) -> Incoming<'r> {
        Incoming(Arrival::Quick(read))
    }

    /// The record, whatever its form: its site fields always, its observations as
    /// [`Incoming::into_record`] says.
    pub fn record(&self) -> &Record {
        match &self.0 {
            Arrival::Full(r) => r,
            Arrival::Quick(q) => &q.record,
        }
    }

    /// The site as the evaluator judges it ([`crate::audit::evaluate`]), whatever the path
    /// that read it.
    pub fn reading(&self) -> crate::record::Reading<'_> {
        match &self.0 {
            Arrival::Full(r) => r.into(),
            Arrival::Quick(q) => q.reading(),
        }
    }

    /// The record; whole only for readers that asked for full records (`fast: false`): the
    /// fast path's record holds just the observations of items whose cells were not
    /// canonical.
    pub fn into_record(self) -> Record {
        match self.0 {
            Arrival::Full(r) => r,
            Arrival::Quick(q) => q.record.clone(),
        }
    }
}

/// CSV files larger than this get a progress bar when stderr is a terminal.
const PROGRESS_BYTES: u64 = 8 * 1024 * 1024;

impl Plan {
    /// Reads every record in full and hands it to `each`, one at a time, in the order of
    /// [`Plan::for_each_part`]; gives the records that could not be read (every other one
    /// is read).
    pub fn for_each_record(
        &self,
        options: &ReadOptions<'_>,
        mut each: impl FnMut(Record) -> Result<()>,
    ) -> Result<Vec<crate::audit::UnreadRecord>> {
        struct Collect<'p>(&'p Plan);
        type Records = (Vec<Record>, Vec<crate::audit::UnreadRecord>);
        impl SiteWork for Collect<'_> {
            type Part = Records;
            fn part(&self) -> Records {
                (Vec::new(), Vec::new())
            }
            fn site(&self, site: Incoming<'_>, _: At, part: &mut Records) -> Result<()> {
                part.0.push(site.into_record());
                Ok(())
            }
            fn unread(&self, error: anyhow::Error, at: At, part: &mut Records) -> Result<()> {
                part.1.push(crate::audit::UnreadRecord {
                    origin: self
                        .0
                        .files
                        .get(at.file)
                        .map(|(p, _)| p.display().to_string())
                        .unwrap_or_default(),
                    row: at.row,
                    message: crate::commands::one_line(&error),
                });
                Ok(())
            }
        }
        let full = ReadOptions {
            fast: false,
            ..options.clone()
        };
        let mut unread = Vec::new();
        self.for_each_part(&full, &Collect(self), |(records, bad)| {
            unread.extend(bad);
            records.into_iter().try_for_each(&mut each)
        })?;
        Ok(unread)
    }

    /// Reads every record into memory, for commands that need them all at once.
    pub fn read_all(self, options: &ReadOptions<'_>) -> Result<Inputs> {
        let mut records = Vec::new();
        let unread = self.for_each_record(options, |r| {
            records.push(r);
            Ok(())
        })?;
        Ok(Inputs {
            campaign: self.campaign,
            campaign_dir: self.campaign_dir,
            checklists: self.checklists,
            records,
            unread,
        })
    }
}

pub(super) fn progress_bar(
    file: &Path,
    format: FileFormat,
    wanted: bool,
) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !wanted || format != FileFormat::Csv || !std::io::stderr().is_terminal() {
        return None;
    }
    let size = fs::metadata(file).ok()?.len();
    if size < PROGRESS_BYTES {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} {eta}")
    {
        bar.set_style(style);
    }
    bar.set_message(file.display().to_string());
    Some(bar)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::checklist::builtin;
    use crate::lang::Lang;

    /// A workbook of `n` village rows, ids `v0000` on, with `cell` as the name of row `odd`.
    fn villages(n: usize, odd: Option<(usize, &str)>) -> (Vec<Checklist>, Vec<u8>) {
        let village = Checklist::from_toml(builtin::text("puyang-2020/village").unwrap()).unwrap();
        let header = crate::template::header(&village);
        let rows: Vec<Vec<String>> = (0..n)
            .map(|i| {
                let name = match odd {
                    Some((at, cell)) if at == i => cell.to_owned(),
                    _ => format!("村{i}"),
                };
                let cell = |key: &str| match key {
                    "id" => format!("v{i:04}"),
                    "name" => name.clone(),
                    "kind" => "village".into(),
                    "township" => "城关镇".into(),
                    "inspectors" => "张三".into(),
                    "inspected_on" => "2020-06-02".into(),
                    _ => String::new(),
                };
                header.iter().map(|key| cell(key)).collect()
            })
            .collect();
        let bytes =
            crate::template::xlsx::records_workbook(&[&village], &rows, &header, Lang::Zh).unwrap();
        (vec![village], bytes)
    }

    /// The ids and rows `read_sheet` hands on, until `stop_at` sites when given.
    fn read(
        checklists: &[Checklist],
        bytes: Vec<u8>,
        stop_at: Option<usize>,
    ) -> (Vec<(String, usize)>, Result<usize>) {
        let mut seen = Vec::new();
        let read = read_sheet(
            Cursor::new(bytes),
            None,
            "book.xlsx",
            checklists,
            true,
            &mut |site, row| {
                seen.push((site?.record().id.clone(), row));
                if stop_at == Some(seen.len()) {
                    bail!("stopped at {row}");
                }
                Ok(())
            },
        );
        (seen, read)
    }

    #[test]
    fn the_rows_read_on_their_own_thread_come_in_order() {
        let (checklists, bytes) = villages(1500, None);
        let (seen, read) = read(&checklists, bytes, None);
        assert_eq!(read.unwrap(), 1500);
        let expected: Vec<(String, usize)> =
            (0..1500).map(|i| (format!("v{i:04}"), i + 3)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_judging_that_stops_stops_the_reading_with_its_own_error() {
        // Far more rows than the reading thread may have handed over unjudged.
        let (checklists, bytes) = villages(5000, None);
        let (seen, read) = read(&checklists, bytes, Some(10));
        assert_eq!(seen.len(), 10);
        assert_eq!(read.unwrap_err().to_string(), "stopped at 12");
    }

    #[test]
    fn an_error_of_the_workbook_comes_after_the_rows_before_it() {
        // A cell longer than any answer, on the 700th site's row (row 702 of the sheet).
        let long = "编".repeat(30_000);
        let (checklists, bytes) = villages(1000, Some((699, &long)));
        let (seen, read) = read(&checklists, bytes, None);
        assert_eq!(seen.len(), 699);
        assert_eq!(seen.last().map(|(_, row)| *row), Some(701));
        let err = read.unwrap_err().to_string();
        assert!(err.contains("book.xlsx:702"), "{err}");
    }
}
