//! `yanshou template`: a blank form for a kind of site, made from its checklist.
//!
//! Wiring only: pick the checklist (`--checklist`, else the campaign's for the kind, else
//! the built-in one), hand it to the writer of `--format` in `crate::template`, and put
//! the result on standard output or into `--out`, never replacing a file without
//! `--force` and never leaving half a file behind.

use std::io::{self, Write};
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
        (None, TemplateFormat::Xlsx) => bail!(
            "--format xlsx writes an Excel workbook, not text: give --out FILE, e.g. --out form.xlsx"
        ),
        (None, TemplateFormat::Xlsform) => bail!(
            "--format xlsform writes an Excel workbook, not text: give --out FILE, e.g. --out {}-xlsform.xlsx",
            args.kind
        ),
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
            let mut out = io::stdout().lock();
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
                    "none".to_owned()
                } else {
                    known.join(", ")
                };
                match campaign_dir {
                    Some(dir) => bail!(
                        "no checklist for site kind \"{kind}\" in campaign {}: its kinds are {known}",
                        dir.display()
                    ),
                    None => bail!(
                        "no built-in checklist for site kind \"{kind}\": the kinds are {known} (or give --checklist FILE)"
                    ),
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
        bail!(
            "{label}: this checklist is for site kind \"{}\", not \"{kind}\"",
            checklist.site_kind
        );
    }
    Ok(checklist)
}

fn read_campaign(dir: &Path) -> Result<Campaign> {
    let settings = dir.join(inputs::CAMPAIGN_FILE);
    if !settings.is_file() {
        bail!(
            "{}: not a campaign folder (no {})",
            dir.display(),
            inputs::CAMPAIGN_FILE
        );
    }
    let text = inputs::read_text(&settings)?;
    Campaign::from_toml(&text).map_err(|p| anyhow!(p.with_path(&settings.display().to_string())))
}

/// Checks before any work that `out` can be written: its folder exists, it is not a
/// folder itself, it is none of `inputs`, and it does not exist unless `--force` says to
/// replace it.
fn check_out(out: &Path, inputs: &[PathBuf], force: bool) -> Result<()> {
    if out.is_dir() {
        bail!("{}: is a folder: give a file name", out.display());
    }
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!("{}: no such folder", dir.display());
    }
    output::check_destination(out, inputs, force)
}
