//! `yanshou template`: a blank form for a kind of site, made from its checklist.
//!
//! Wiring only: pick the checklist (`--checklist`, else the campaign's for the kind, else
//! the built-in one), hand it to the writer of `--format` in `crate::template`, and put
//! the result on standard output or into `--out`, never replacing a file without
//! `--force` and never leaving half a file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::Outcome;
use crate::checklist::Checklist;
use crate::cli::{TemplateArgs, TemplateFormat};
use crate::inputs;
use crate::output;
use crate::record::campaign::{Campaign, ChecklistSource};
use crate::template;

/// Runs `template`.
pub fn run(args: &TemplateArgs) -> Result<Outcome> {
    // Refuse what cannot be written before doing any work.
    match (&args.out, args.format) {
        (None, TemplateFormat::Xlsx) => bail!(crate::tr!(
            "--format xlsx 写的是 Excel 工作簿，不是文本：请用 --out 文件名，如 --out form.xlsx",
            "--format xlsx writes an Excel workbook, not text: give --out FILE, e.g. --out form.xlsx"
        )),
        (None, TemplateFormat::Xlsform) => {
            let kind = &args.kind;
            bail!(crate::tr!(
                "--format xlsform 写的是 Excel 工作簿，不是文本：请用 --out 文件名，如 --out {kind}-xlsform.xlsx",
                "--format xlsform writes an Excel workbook, not text: give --out FILE, e.g. --out {kind}-xlsform.xlsx"
            ))
        }
        (Some(out), _) => check_out(out, &inputs_of(args), args.force)?,
        (None, _) => {}
    }
    let checklist = choose_checklist(args)?;
    let bytes = match args.format {
        TemplateFormat::Csv => template::csv::form(&checklist, args.lang)?,
        TemplateFormat::Xlsx => template::xlsx::form(&checklist, args.lang)?,
        TemplateFormat::Toml => template::toml::form(&checklist, args.lang).into_bytes(),
        TemplateFormat::Xlsform => template::xlsform::form(&checklist, args.lang)?,
    };
    match &args.out {
        Some(path) => output::write_atomic(path, &bytes)?,
        None => {
            let mut out = crate::output::stdout();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(Outcome::AllAccepted)
}

/// The files the run reads, which `--out` must not replace: a checklist file and the
/// campaign folder.
fn inputs_of(args: &TemplateArgs) -> Vec<PathBuf> {
    let checklist = args
        .checklist
        .as_deref()
        .filter(|spec| !spec.starts_with("builtin:"))
        .map(PathBuf::from);
    checklist.into_iter().chain(args.campaign.clone()).collect()
}

/// The checklist the form is made from, checked to be for `--kind`.
fn choose_checklist(args: &TemplateArgs) -> Result<Checklist> {
    let kind = args.kind.trim();
    let (label, checklist) = match (&args.checklist, &args.campaign) {
        (Some(spec), _) => (spec.clone(), inputs::load_checklist(spec)?),
        (None, campaign_dir) => {
            let campaign = match campaign_dir {
                Some(dir) => read_campaign(dir)?,
                None => Campaign::standalone(),
            };
            let Some((_, source)) = campaign.checklists.iter().find(|(k, _)| k == kind) else {
                let known: Vec<&str> = campaign
                    .checklists
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect();
                let known = if known.is_empty() {
                    crate::tr!("无", "none")
                } else {
                    known.join(", ")
                };
                match campaign_dir {
                    Some(dir) => {
                        let dir = dir.display();
                        bail!(crate::tr!(
                            "活动 {dir} 中没有站点类型“{kind}”的清单：它的站点类型有 {known}",
                            "no checklist for site kind \"{kind}\" in campaign {dir}: its kinds are {known}"
                        ))
                    }
                    None => bail!(crate::tr!(
                        "没有站点类型“{kind}”的内置清单：站点类型有 {known}（或用 --checklist 文件）",
                        "no built-in checklist for site kind \"{kind}\": the kinds are {known} (or give --checklist FILE)"
                    )),
                }
            };
            let spec = match source {
                ChecklistSource::Builtin(name) => format!("builtin:{name}"),
                ChecklistSource::Path(rel) => campaign_dir
                    .as_ref()
                    .map_or_else(|| PathBuf::from(rel), |dir| dir.join(rel))
                    .display()
                    .to_string(),
            };
            let checklist = inputs::load_checklist(&spec)?;
            (spec, checklist)
        }
    };
    if checklist.site_kind != kind {
        let own = &checklist.site_kind;
        bail!(crate::tr!(
            "{label}：这份清单用于站点类型“{own}”，不是“{kind}”",
            "{label}: this checklist is for site kind \"{own}\", not \"{kind}\""
        ));
    }
    Ok(checklist)
}

fn read_campaign(dir: &Path) -> Result<Campaign> {
    let settings = dir.join(inputs::CAMPAIGN_FILE);
    if !settings.is_file() {
        let (dir, file) = (dir.display(), inputs::CAMPAIGN_FILE);
        bail!(crate::tr!(
            "{dir}：不是检查活动文件夹（没有 {file}）",
            "{dir}: not a campaign folder (no {file})"
        ));
    }
    let text = inputs::read_text(&settings)?;
    Campaign::from_toml(&text).map_err(|p| anyhow!(p.with_path(&settings.display().to_string())))
}

/// Checks before any work that `out` can be written: its folder exists, it is not a
/// folder itself, it is none of `inputs`, and it does not exist unless `--force` says to
/// replace it.
fn check_out(out: &Path, inputs: &[PathBuf], force: bool) -> Result<()> {
    if out.is_dir() {
        let out = out.display();
        bail!(crate::tr!(
            "{out}：是文件夹：请给出文件名",
            "{out}: is a folder: give a file name"
        ));
    }
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let dir = dir.display();
        bail!(crate::tr!("{dir}：文件夹不存在", "{dir}: no such folder"));
    }
    output::check_destination(out, inputs, force)
}
