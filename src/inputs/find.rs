//! Finding a command's inputs: the campaign folder and its settings, its checklists, its
//! record files and re-inspections (walked, with what is skipped said), the calendar, and
//! the digests of every input file. Nothing here reads a record.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::calendar::{Calendar, CalendarError};
use crate::checklist::{Checklist, builtin};
use crate::record::campaign::{Campaign, ChecklistSource};
use crate::record::sheet;
use crate::record::waiver;

use super::{Inputs, Plan, ReadOptions, evidence, waivers};

/// The name of the settings file that makes a folder a campaign.
pub const CAMPAIGN_FILE: &str = "campaign.toml";
/// The folder of a campaign holding one record per site.
pub const SITES_DIR: &str = "sites";
/// The folder of a campaign holding re-inspection records.
pub const RECHECKS_DIR: &str = "rechecks";
/// The file of a campaign holding its waivers.
pub const WAIVERS_FILE: &str = "waivers.toml";

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
pub(super) fn record_files_in(dir: &Path, skipped: &mut Vec<String>) -> Result<Vec<PathBuf>> {
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
