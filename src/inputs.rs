//! Finding and reading the files a command works on: a campaign folder, its checklists,
//! its site records, or loose record files. This is the only module besides the command
//! files that touches the file system, and every error it returns names the file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::calendar::{Calendar, CalendarError};
use crate::checklist::{Checklist, builtin};
use crate::record::Record;
use crate::record::campaign::{Campaign, ChecklistSource};
use crate::record::cells::Cells;
use crate::record::sheet::{self, FileFormat};
use crate::record::table::{self, QuickRead};
use crate::record::waiver::{self, Waiver};
use csv::StringRecord;

pub mod evidence;
pub mod manifest;
mod rechecks;
mod stream;
mod waivers;

pub use rechecks::{Recheck, read_rechecks, rechecked};
pub use stream::{At, Judged, SiteWork, judge_csv_bytes, read_csv_bytes};

/// The name of the settings file that makes a folder a campaign.
pub const CAMPAIGN_FILE: &str = "campaign.toml";
/// The folder of a campaign holding one record per site.
pub const SITES_DIR: &str = "sites";
/// The folder of a campaign holding re-inspection records.
pub const RECHECKS_DIR: &str = "rechecks";
/// The file of a campaign holding its waivers.
pub const WAIVERS_FILE: &str = "waivers.toml";

/// Everything a command needs: the campaign's settings, its checklists and the records.
#[derive(Debug)]
pub struct Inputs {
    /// The campaign, or the stand-alone defaults when only records were given.
    pub campaign: Campaign,
    /// The campaign folder, if one was given.
    pub campaign_dir: Option<PathBuf>,
    /// One checklist per site kind, in campaign order.
    pub checklists: Vec<Checklist>,
    /// The records in the order [`Plan::for_each_record`] gives them.
    pub records: Vec<Record>,
    /// The records that could not be read, in the same order: the others are all here.
    pub unread: Vec<crate::audit::UnreadRecord>,
}

impl Inputs {
    /// Every record read, or an error listing every one that could not be: for commands
    /// that must not work from part of the input (`convert` writes all or nothing).
    pub fn complete(self) -> Result<Inputs> {
        if self.unread.is_empty() {
            return Ok(self);
        }
        let lines: Vec<&str> = self.unread.iter().map(|u| u.message.as_str()).collect();
        bail!(lines.join("\n"))
    }
}

impl Inputs {
    /// The checklist for a kind of site.
    pub fn checklist_for(&self, kind: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.site_kind == kind)
    }

    /// The checklist that judges `record` ([`checklist_of`]).
    pub fn checklist_of(&self, record: &Record) -> Result<&Checklist> {
        checklist_of(&self.checklists, record)
    }
}

/// The checklist that judges `record`. Every reader refuses a record of a kind the run
/// has no checklist for, naming the kinds it has; so this fails only for a record made
/// some other way, and says so in one place.
pub fn checklist_of<'c>(checklists: &'c [Checklist], record: &Record) -> Result<&'c Checklist> {
    checklists
        .iter()
        .find(|c| c.site_kind == record.kind)
        .ok_or_else(|| {
            anyhow!(
                "{}: no checklist for site kind \"{}\"",
                record.origin,
                record.kind
            )
        })
}

/// The largest TOML file read (records, checklists, campaigns, calendars, waivers): a
/// record is a few kilobytes; a file this large is not one, and is refused unread.
pub const MAX_TEXT_FILE: u64 = 8 * 1024 * 1024;

/// Reads a file as UTF-8 text, with a clear message for the usual mistakes.
pub fn read_text(path: &Path) -> Result<String> {
    if let Ok(meta) = fs::metadata(path)
        && meta.len() > MAX_TEXT_FILE
    {
        let (path, size, max) = (
            path.display(),
            meta.len() / (1024 * 1024),
            MAX_TEXT_FILE / (1024 * 1024),
        );
        bail!(crate::tr!(
            "{path}：{size} MiB，超过 TOML 文件的上限（{max} MiB）：请确认文件是否选对",
            "{path}: {size} MiB is too large for a TOML file (at most {max} MiB): is this the right file?"
        ));
    }
    let shown = path.display();
    let bytes = fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            anyhow!(crate::tr!("{shown}：文件不存在", "{shown}: no such file"))
        }
        _ => anyhow!(crate::tr!(
            "{shown}：无法读取：{e}",
            "{shown}: cannot read: {e}"
        )),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow!(crate::tr!(
            "{shown}：不是 UTF-8 文本（第 {at} 字节处无效）：请把文件另存为 UTF-8",
            "{shown}: not UTF-8 text (invalid byte at offset {at}): save the file as UTF-8"
        ))
    })?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        bail!(crate::tr!(
            "{shown}：文件是空的",
            "{shown}: the file is empty"
        ));
    }
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// Reads a checklist from a file, or from the binary for `builtin:NAME`.
pub fn load_checklist(spec: &str) -> Result<Checklist> {
    if let Some(name) = spec.strip_prefix("builtin:") {
        let text = builtin::text(name).ok_or_else(|| {
            let known: Vec<&str> = builtin::CHECKLISTS.iter().map(|(n, _)| *n).collect();
            let known = known.join(", ");
            anyhow!(crate::tr!(
                "没有内置清单“{name}”：内置清单有 {known}",
                "no built-in checklist \"{name}\": built-in ones are {known}"
            ))
        })?;
        return Checklist::from_toml(text).map_err(|p| anyhow!(p.with_path(spec)));
    }
    let path = Path::new(spec);
    let text = read_text(path)?;
    Checklist::from_toml(&text).map_err(|p| anyhow!(p.with_path(&path.display().to_string())))
}

/// What a command will read: the campaign, its checklists and the record files, found but
/// not yet read, so that records can be streamed.
#[derive(Debug)]
pub struct Plan {
    /// The campaign, or the stand-alone defaults when only records were given.
    pub campaign: Campaign,
    /// The campaign folder, if one was given.
    pub campaign_dir: Option<PathBuf>,
    /// One checklist per site kind, in campaign order.
    pub checklists: Vec<Checklist>,
    /// The record files, with their formats.
    pub files: Vec<(PathBuf, FileFormat)>,
    /// The campaign's waivers (`waivers.toml`), items checked against the checklists.
    pub waivers: Vec<Waiver>,
    /// Where the waivers came from, for messages.
    pub waivers_file: Option<PathBuf>,
    /// Re-inspection record files (`rechecks/`), with their formats.
    pub rechecks: Vec<(PathBuf, FileFormat)>,
    /// Files in the folders given that are not read though they might look like records,
    /// each said in one line, for the command to warn of.
    pub skipped: Vec<String>,
}

/// Finds the campaign, checklists and record files behind the paths given.
pub fn plan(paths: &[PathBuf]) -> Result<Plan> {
    let mut campaign: Option<(PathBuf, Campaign)> = None;
    let mut record_files: Vec<PathBuf> = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let shown = path.display();
        let meta = fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => anyhow!(crate::tr!(
                "{shown}：文件或文件夹不存在",
                "{shown}: no such file or folder"
            )),
            _ => anyhow!(crate::tr!(
                "{shown}：无法打开：{e}",
                "{shown}: cannot open: {e}"
            )),
        })?;
        if meta.is_dir() {
            let settings = path.join(CAMPAIGN_FILE);
            if settings.is_file() {
                if let Some((first, _)) = &campaign {
                    let first = first.display();
                    bail!(crate::tr!(
                        "{shown}：又一个检查活动文件夹（前一个是 {first}）：一次只处理一个活动",
                        "{shown}: a second campaign folder (the first is {first}): check one campaign at a time"
                    ));
                }
                let text = read_text(&settings)?;
                let parsed = Campaign::from_toml(&text)
                    .map_err(|p| anyhow!(p.with_path(&settings.display().to_string())))?;
                let sites = path.join(SITES_DIR);
                if !sites.is_dir() {
                    let sites = sites.display();
                    bail!(crate::tr!(
                        "{shown}：活动文件夹里没有 {SITES_DIR}/ 文件夹：请把每个站点的检查记录放在 {sites}",
                        "{shown}: campaign folder has no {SITES_DIR}/ folder: put one record per site in {sites}"
                    ));
                }
                record_files.extend(record_files_in(&sites, &mut skipped)?);
                campaign = Some((path.clone(), parsed));
            } else {
                let found = record_files_in(path, &mut skipped)?;
                if found.is_empty() {
                    bail!(crate::tr!(
                        "{shown}：这个文件夹里既没有 {CAMPAIGN_FILE}，也没有检查记录（.toml、.csv、.xlsx）",
                        "{shown}: no {CAMPAIGN_FILE} and no record files (.toml, .csv, .xlsx) in this folder"
                    ));
                }
                record_files.extend(found);
            }
        } else {
            record_files.push(path.clone());
        }
    }
    let (campaign_dir, campaign) = match campaign {
        Some((dir, c)) => (Some(dir), c),
        None => (None, Campaign::standalone()),
    };
    let checklists = load_checklists(&campaign, campaign_dir.as_deref())?;
    let mut files = Vec::with_capacity(record_files.len());
    for file in record_files {
        let format = sheet::detect(&file)?;
        files.push((file, format));
    }
    if files.is_empty() {
        let place = campaign_dir
            .as_ref()
            .map(|d| d.join(SITES_DIR).display().to_string())
            .unwrap_or_else(|| crate::tr!("所给路径", "the paths given"));
        bail!(crate::tr!(
            "{place} 中没有检查记录",
            "no inspection records in {place}"
        ));
    }
    let (waivers, waivers_file) = match &campaign_dir {
        Some(dir) if dir.join(WAIVERS_FILE).is_file() => {
            let path = dir.join(WAIVERS_FILE);
            let text = read_text(&path)?;
            let label = path.display().to_string();
            let waivers = waiver::read(&text).map_err(|p| anyhow!(p.with_path(&label)))?;
            waivers::check_waiver_items(&waivers, &checklists, &label)?;
            (waivers, Some(path))
        }
        _ => (Vec::new(), None),
    };
    let mut rechecks = Vec::new();
    if let Some(dir) = &campaign_dir {
        let folder = dir.join(RECHECKS_DIR);
        if folder.is_dir() {
            for file in record_files_in(&folder, &mut skipped)? {
                let format = sheet::detect(&file)?;
                rechecks.push((file, format));
            }
        }
    }
    Ok(Plan {
        campaign,
        campaign_dir,
        checklists,
        files,
        waivers,
        waivers_file,
        rechecks,
        skipped,
    })
}

/// What [`read_sheet`] hands on for each data row: its site, or why the row cannot be
/// read, with its row number.
pub type SheetRows<'a> = dyn FnMut(Result<Incoming, anyhow::Error>, usize) -> Result<()> + 'a;

/// Reads every site of the sheet of records of an xlsx workbook (wide or long layout, told
/// by its header), handing each with its row (0 for the long layout) to `each`, or why a
/// row cannot be read. Rows are judged as they are read: the sheet is never held. CSV
/// files are read in chunks by [`Plan::for_each_part`], through the same [`WideRows`] and
/// [`long_records`].
pub fn read_sheet<RS: std::io::Read + std::io::Seek>(
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
    sheet::xlsx_rows(
        workbook,
        sheet,
        origin,
        sheet::Limits::WORKBOOK,
        &table::is_record_header,
        &mut row_of_sheet,
    )?;
    match layout {
        Layout::Header => bail!(crate::tr!(
            "{origin}：文件没有表头行",
            "{origin}: the file has no header row"
        )),
        Layout::Long(long) => {
            let records = long_records(long, origin, checklists)?;
            let sites = records.len();
            for record in records {
                each(Ok(Incoming::Full(record)), 0)?;
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
pub struct WideRows<'a> {
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
            judgeable(
                quick.reading(),
                self.checklists,
                &format!("{}:{line}", self.origin),
            )?;
            return Ok(Some(Incoming::Quick(quick)));
        }
        if is_blank(row) {
            return Ok(None);
        }
        let text = row_text(row, line, self.origin)?;
        let full = self
            .wide
            .record(&text, line, self.origin, self.checklists)
            .map_err(|e| anyhow!(e.located(self.origin)))?;
        judgeable(&full, self.checklists, &format!("{}:{line}", self.origin))?;
        Ok(Some(Incoming::Full(full)))
    }
}

/// Refuses `record`, read at `place`, when its checklist cannot judge it: a pattern that does
/// not compile with the site's fields put in ([`crate::audit::unjudgeable`]). Like a record
/// that cannot be read, it is reported and the others are judged.
pub(crate) fn judgeable<'a>(
    site: impl Into<crate::record::Reading<'a>>,
    checklists: &[Checklist],
    place: &str,
) -> Result<()> {
    let site = site.into();
    let Some(checklist) = checklists.iter().find(|c| c.site_kind == site.record.kind) else {
        return Ok(());
    };
    match crate::audit::unjudgeable(checklist, site) {
        Some(why) => {
            let why = crate::render::labels::unjudgeable(&why, crate::lang::messages());
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
fn row_text(row: &impl Cells, line: usize, origin: &str) -> Result<StringRecord> {
    row.to_strings().ok_or_else(|| {
        anyhow!(crate::tr!(
            "{origin}:{line}：这一行不是有效的 UTF-8 文本，而文件按 UTF-8 读取（多半是从 GBK 文件粘贴来的行，一个文件混用了两种编码）：请把整个文件另存为“CSV UTF-8”",
            "{origin}:{line}: the row is not valid UTF-8 text, in a file read as UTF-8 (most likely a row pasted from a GBK file, one file mixing two encodings): save the whole file as \"CSV UTF-8\""
        ))
    })
}

/// The sites of a long-layout sheet, once all its rows are in.
fn long_records(long: table::Long, origin: &str, checklists: &[Checklist]) -> Result<Vec<Record>> {
    let records = long
        .finish(origin, checklists)
        .map_err(|e| anyhow!(e.located(origin)))?;
    for record in &records {
        judgeable(record, checklists, origin)?;
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
    /// Let rows that pass cleanly skip their observations (see [`Plan::for_each_incoming`]).
    pub fast: bool,
    /// Let one site id come more than once: a site re-inspected several times.
    pub repeated_ids: bool,
}

/// A record as it arrives from the readers.
#[derive(Debug)]
pub enum Incoming<'r> {
    /// Everything the inspector recorded.
    Full(Record),
    /// A spreadsheet row read by the fast path: the site fields, the items it glanced at
    /// and the observations of the others, in buffers the reader fills again for the next
    /// row.
    Quick(&'r QuickRead),
}

impl Incoming<'_> {
    /// The record, whatever its form: its site fields always, its observations as
    /// [`Incoming::into_record`] says.
    pub fn record(&self) -> &Record {
        match self {
            Incoming::Full(r) => r,
            Incoming::Quick(q) => &q.record,
        }
    }

    /// The site as the evaluator judges it ([`crate::audit::evaluate`]), whatever the path
    /// that read it.
    pub fn reading(&self) -> crate::record::Reading<'_> {
        match self {
            Incoming::Full(r) => r.into(),
            Incoming::Quick(q) => q.reading(),
        }
    }

    /// The record; whole only for readers that asked for full records (`fast: false`): the
    /// fast path's record holds just the observations of items whose cells were not
    /// canonical.
    pub fn into_record(self) -> Record {
        match self {
            Incoming::Full(r) => r,
            Incoming::Quick(q) => q.record.clone(),
        }
    }
}

/// CSV files larger than this get a progress bar when stderr is a terminal.
const PROGRESS_BYTES: u64 = 8 * 1024 * 1024;

impl Plan {
    /// The checklist for a kind of site.
    pub fn checklist_for(&self, kind: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.site_kind == kind)
    }

    /// The checklist that judges `record` ([`checklist_of`]).
    pub fn checklist_of(&self, record: &Record) -> Result<&Checklist> {
        checklist_of(&self.checklists, record)
    }

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

    /// The settings of this plan (campaign, checklists, waivers, re-inspection files)
    /// without its record files, for work after the records have been read.
    pub fn clone_settings(&self) -> Plan {
        Plan {
            campaign: self.campaign.clone(),
            campaign_dir: self.campaign_dir.clone(),
            checklists: self.checklists.clone(),
            files: Vec::new(),
            waivers: self.waivers.clone(),
            waivers_file: self.waivers_file.clone(),
            rechecks: self.rechecks.clone(),
            skipped: Vec::new(),
        }
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

fn progress_bar(file: &Path, format: FileFormat, wanted: bool) -> Option<indicatif::ProgressBar> {
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

/// Gathers inputs from the paths given on the command line, every record read.
pub fn gather(paths: &[PathBuf]) -> Result<Inputs> {
    plan(paths)?.read_all(&ReadOptions::default())?.complete()
}

fn load_checklists(campaign: &Campaign, dir: Option<&Path>) -> Result<Vec<Checklist>> {
    let mut out: Vec<Checklist> = Vec::new();
    for (kind, source) in &campaign.checklists {
        let (label, checklist) = match source {
            ChecklistSource::Builtin(name) => {
                let spec = format!("builtin:{name}");
                (spec.clone(), load_checklist(&spec)?)
            }
            ChecklistSource::Path(rel) => {
                let path = dir.map_or_else(|| PathBuf::from(rel), |d| d.join(rel));
                let label = path.display().to_string();
                (label.clone(), load_checklist(&label)?)
            }
        };
        if checklist.site_kind != *kind {
            let own = &checklist.site_kind;
            bail!(crate::tr!(
                "{label}：这份清单用于站点类型“{own}”，活动却把它用于“{kind}”",
                "{label}: checklist is for site kind \"{own}\" but the campaign uses it for \"{kind}\""
            ));
        }
        out.push(checklist);
    }
    Ok(out)
}

/// The record files (`.toml`, `.csv`, `.xlsx`) in `dir` and its subfolders (a county may
/// keep one folder per township), sorted by path so every run reads them in the same order.
/// Hidden files are read like any other. A link that points nowhere and an Excel lock file
/// are errors: the first was meant to be a record, the second means a workbook is open,
/// perhaps with unsaved changes. A spreadsheet yanshou does not read (`.xls`, `.xlsm`…)
/// is said in `skipped`; other files (photos, scans, documents) lie there unread.
fn record_files_in(dir: &Path, skipped: &mut Vec<String>) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut visited = Vec::new();
    walk(dir, 0, &mut visited, &mut files, skipped)?;
    files.sort();
    Ok(files)
}

/// How deep [`record_files_in`] goes: deeper is a link loop or a mistake.
const MAX_DEPTH: usize = 8;

fn walk(
    dir: &Path,
    depth: usize,
    visited: &mut Vec<PathBuf>,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
) -> Result<()> {
    let shown = dir.display();
    // A folder linked into itself would be read for ever.
    if let Ok(real) = fs::canonicalize(dir) {
        if visited.contains(&real) {
            bail!(crate::tr!(
                "{shown}：文件夹链接回到了自己的上级：请删去这个链接",
                "{shown}: the folder links back to a folder above it: remove the link"
            ));
        }
        visited.push(real);
    }
    if depth > MAX_DEPTH {
        bail!(crate::tr!(
            "{shown}：文件夹嵌套超过 {MAX_DEPTH} 层：请把检查记录放得浅一些",
            "{shown}: folders nested more than {MAX_DEPTH} deep: keep the records nearer the top"
        ));
    }
    let cannot_list = || crate::tr!("{shown}：无法列出文件夹", "{shown}: cannot list folder");
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).with_context(cannot_list)? {
        entries.push(entry.with_context(cannot_list)?.path());
    }
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = path.display();
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(_) if fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) => {
                let target = fs::read_link(&path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                bail!(crate::tr!(
                    "{shown}：链接指向不存在的 {target}：请改正或删去这个链接",
                    "{shown}: the link points to {target}, which does not exist: fix or remove the link"
                ));
            }
            Err(e) => bail!(crate::tr!(
                "{shown}：无法打开：{e}",
                "{shown}: cannot open: {e}"
            )),
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let record = matches!(extension.as_str(), "toml" | "csv" | "xlsx");
        if meta.is_dir() {
            walk(&path, depth + 1, visited, files, skipped)?;
        } else if name.starts_with("~$") && record {
            // Not a record, and a sign that a workbook beside it is open, perhaps with
            // unsaved changes. (Excel shortens long names in it, so the workbook is not named.)
            bail!(crate::tr!(
                "{shown}：这是 Excel/WPS 打开工作簿时留下的锁文件：请保存并关闭这个文件夹里打开着的工作簿后再运行（关闭后锁文件自动消失）",
                "{shown}: the lock file Excel/WPS leaves while a workbook is open: save and close the open workbook of this folder, then run again (the lock file then goes away)"
            ));
        } else if record && meta.is_file() {
            files.push(path);
        } else if record {
            bail!(crate::tr!(
                "{shown}：不是普通文件（是管道或设备？）：请放入检查记录文件",
                "{shown}: not a regular file (a pipe or a device?): put a record file there"
            ));
        } else if matches!(extension.as_str(), "xls" | "xlsm" | "xlsb" | "ods" | "et") {
            skipped.push(crate::tr!(
                "{shown}：yanshou 不读这种表格，未读取：请另存为 .xlsx 或 .csv",
                "{shown}: yanshou does not read this kind of spreadsheet, not read: save it as .xlsx or .csv"
            ));
        }
    }
    Ok(())
}

/// The working-day calendar of a run and where its data came from.
#[derive(Debug)]
pub struct LoadedCalendar {
    /// The merged calendar.
    pub calendar: Calendar,
    /// `builtin:cn`, then every file merged in, in order.
    pub sources: Vec<String>,
}

/// The built-in calendar, extended by the campaign's `calendar` file (relative to its
/// folder) and then by each `--calendar` file, later ones replacing earlier years.
pub fn load_calendar(
    campaign: Option<&Campaign>,
    campaign_dir: Option<&Path>,
    extra: &[PathBuf],
) -> Result<LoadedCalendar> {
    let mut calendar = Calendar::builtin();
    let mut sources = vec!["builtin:cn".to_owned()];
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(rel) = campaign.and_then(|c| c.calendar.as_ref()) {
        files.push(campaign_dir.map_or_else(|| PathBuf::from(rel), |d| d.join(rel)));
    }
    files.extend(extra.iter().cloned());
    for file in files {
        let label = file.display().to_string();
        let text = read_text(&file)?;
        let more = Calendar::from_toml(&text).map_err(|e| anyhow!(located(&label, &e)))?;
        calendar.merge(more).map_err(|e| anyhow!("{label}: {e}"))?;
        sources.push(label);
    }
    Ok(LoadedCalendar { calendar, sources })
}

/// `file:line:col: message` for calendar data errors, like every other file error.
fn located(label: &str, err: &CalendarError) -> String {
    match (err.location(), err.problem()) {
        (Some((line, column)), Some(problem)) => format!("{label}:{line}:{column}: {problem}"),
        _ => format!("{label}: {err}"),
    }
}

pub use crate::audit::InputDigest;

/// SHA-256 of every input of `plan`: campaign settings, checklist and calendar files
/// (`calendars` are the `--calendar` files), waivers, records and re-inspections, in
/// that order. Files are hashed as they are read, a block at a time.
pub fn digests(plan: &Plan, calendars: &[PathBuf]) -> Result<Vec<InputDigest>> {
    use sha2::{Digest, Sha256};
    let mut paths: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &plan.campaign_dir {
        paths.push(dir.join(CAMPAIGN_FILE));
        if let Some(cal) = &plan.campaign.calendar {
            paths.push(dir.join(cal));
        }
    }
    let mut digests = Vec::new();
    for (_, source) in &plan.campaign.checklists {
        match source {
            ChecklistSource::Builtin(name) => {
                let text = builtin::text(name).unwrap_or_default();
                digests.push(InputDigest {
                    path: format!("builtin:{name}"),
                    sha256: evidence::hex(&Sha256::digest(text.as_bytes())),
                    size: text.len() as u64,
                });
            }
            ChecklistSource::Path(rel) => paths.push(
                plan.campaign_dir
                    .as_ref()
                    .map_or_else(|| PathBuf::from(rel), |d| d.join(rel)),
            ),
        }
    }
    paths.extend(calendars.iter().cloned());
    paths.extend(plan.waivers_file.iter().cloned());
    paths.extend(plan.files.iter().map(|(p, _)| p.clone()));
    paths.extend(plan.rechecks.iter().map(|(p, _)| p.clone()));
    for path in paths {
        let (sha256, size) = evidence::hash_file(&path).with_context(|| {
            let shown = path.display();
            crate::tr!("{shown}：无法读取", "{shown}: cannot read")
        })?;
        digests.push(InputDigest {
            path: path.display().to_string(),
            sha256,
            size,
        });
    }
    Ok(digests)
}
