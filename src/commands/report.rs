//! `yanshou report`: the campaign summary, site pages and rectification notices, in the
//! formats asked for, written into one folder.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use sha2::{Digest, Sha256};

use super::Outcome;
use crate::audit::rank::{Entry, Ranking};
use crate::audit::{self, Run};
use crate::checklist::builtin;
use crate::cli::{ReportArgs, ReportFormat};
use crate::inputs::{self, CAMPAIGN_FILE, ReadOptions};
use crate::output;
use crate::record::campaign::ChecklistSource;
use crate::report::{self, InputDigest, Report};

/// Runs `report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    let plan = inputs::plan(&args.inputs)?;
    let digests = digests(&plan, &args.calendar)?;
    let loaded = inputs::load_calendar(
        Some(&plan.campaign),
        plan.campaign_dir.as_deref(),
        &args.calendar,
    )?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: false,
    };
    let settings = plan.clone_settings();
    let inputs = plan.read_all(&options)?;
    let campaign = &inputs.campaign;
    let run = Run {
        campaign,
        checklists: &inputs.checklists,
        phases: audit::phase_spans(campaign, &loaded.calendar)?,
    };
    let as_of = super::as_of(args.as_of.as_deref())?;
    let mut waived = std::collections::HashSet::new();
    let mut sites = Vec::with_capacity(inputs.records.len());
    for record in &inputs.records {
        let checklist = inputs.checklist_for(&record.kind).ok_or_else(|| {
            anyhow!(
                "{}: no checklist for site kind \"{}\"",
                record.origin,
                record.kind
            )
        })?;
        let mut site = audit::evaluate(checklist, record, args.lang);
        let stderr = &mut std::io::stderr().lock();
        super::waive_and_warn(&settings, &mut site, as_of, args.lang, &mut waived, stderr)?;
        audit::date_site(
            &mut site,
            &loaded.calendar,
            campaign.rectification_working_days,
        )?;
        sites.push(site);
    }
    settings.check_waiver_sites(&waived)?;
    let provisional = sites
        .iter()
        .map(|s| s.due.and_then(|d| d.provisional()))
        .chain(run.phases.iter().map(|p| p.working_days.provisional()))
        .fold(None, crate::calendar::YearSpan::join_opt);
    super::warn_provisional(provisional, &loaded.calendar, args.lang);
    let rechecks = inputs::read_rechecks(&settings, &[])?;
    let merged = inputs::rechecked(&inputs.records, &rechecks)?;
    let mut rechecked = Vec::with_capacity(merged.len());
    for record in &merged {
        let checklist = inputs.checklist_for(&record.kind).ok_or_else(|| {
            anyhow!(
                "{}: no checklist for site kind \"{}\"",
                record.origin,
                record.kind
            )
        })?;
        let mut site = audit::evaluate(checklist, record, args.lang);
        // Expired waivers were reported with the inspections.
        let _ = audit::apply_waivers(&mut site, &settings.waivers, as_of);
        rechecked.push(site);
    }
    let ranking = Ranking::new(
        sites.iter().map(Entry::of).collect(),
        campaign.demonstration_sites as usize,
        campaign.demonstrated_kind(),
    );
    let report = Report {
        run: &run,
        sites,
        ranking,
        inputs: digests,
        lang: args.lang,
        as_of,
        waivers: &settings.waivers,
        rechecked,
    };

    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut formats = args.format.clone();
    formats.dedup();
    for format in formats {
        files.extend(match format {
            ReportFormat::Html => report::html::render(&report)?,
            ReportFormat::Md => report::markdown::render(&report)?,
            ReportFormat::Xlsx => report::xlsx::render(&report)?,
            ReportFormat::Docx => report::docx::render(&report)?,
        });
    }
    // Every destination is checked before the first file is written.
    let mut targets = Vec::with_capacity(files.len());
    for (relative, bytes) in files {
        let path = args.out.join(safe_relative(&relative)?);
        output::check_destination(&path, &args.inputs, args.force)?;
        targets.push((path, bytes));
    }
    for (path, bytes) in &targets {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| {
                let dir = dir.display();
                crate::tr!("{dir}：无法创建文件夹", "{dir}: cannot create folder")
            })?;
        }
        output::write_atomic(path, bytes)?;
    }
    Ok(Outcome::AllAccepted)
}

/// A renderer's relative path, refused if it could leave the output folder.
fn safe_relative(path: &Path) -> Result<&Path> {
    use std::path::Component;
    if path.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(path)
    } else {
        let path = path.display();
        Err(anyhow!(crate::tr!(
            "拒绝写到输出文件夹之外：{path}",
            "refusing to write {path} outside the output folder"
        )))
    }
}

/// SHA-256 of every input: campaign settings, checklist and calendar files, records.
fn digests(plan: &inputs::Plan, calendars: &[PathBuf]) -> Result<Vec<InputDigest>> {
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
                    sha256: hex(&Sha256::digest(text.as_bytes())),
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
        let bytes = fs::read(&path).with_context(|| {
            let path = path.display();
            crate::tr!("{path}：无法读取", "{path}: cannot read")
        })?;
        digests.push(InputDigest {
            path: path.display().to_string(),
            sha256: hex(&Sha256::digest(&bytes)),
        });
    }
    Ok(digests)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
