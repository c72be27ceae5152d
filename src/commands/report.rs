//! `yanshou report`: the campaign summary, site pages and rectification notices, in the
//! formats asked for, written into one folder.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use super::Outcome;
use crate::audit::rank::{Choice, Entrants, Entry, Ranking};
use crate::audit::{self, Run};
use crate::audit::{EvidenceFile, InputDigest};
use crate::cli::{ReportArgs, ReportFormat};
use crate::inputs::evidence::{self, Finder};
use crate::inputs::{self, ReadOptions};
use crate::output;
use crate::report::{self, Report};

/// Runs `report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    // Before the long work of reading and rendering; checked again when the report is
    // moved into place.
    output::check_folder_destination(&args.out, &args.inputs, args.force)?;
    // Ctrl-C while the report is read and rendered says that nothing was written, too.
    let _announced = output::announce(&args.out);
    let plan = super::plan(&args.inputs)?;
    let digests = inputs::digests(&plan, &args.calendar)?;
    let loaded = inputs::load_calendar(
        Some(&plan.campaign),
        plan.campaign_dir.as_deref(),
        &args.calendar,
    )?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: false,
        repeated_ids: false,
    };
    let settings = plan.clone_settings();
    let mut inputs = plan.read_all(&options)?;
    for unread in &inputs.unread {
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!("yanshou: {}\n", unread.message),
        );
    }
    let campaign = &inputs.campaign;
    let run = Run {
        campaign,
        checklists: &inputs.checklists,
        phases: audit::phase_spans(campaign, &loaded.calendar)?,
        // The report lists its inputs itself, from `digests` (made before reading).
        inputs: Vec::new(),
    };
    let as_of = super::as_of(args.as_of.as_deref(), settings.campaign.judged_on)?;
    let mut waived = std::collections::HashSet::new();
    let last_inspection = inputs.records.iter().map(|r| r.inspected_on).max();
    super::drop_after_judging_day(&mut inputs.records, as_of, args.lang, &mut waived);
    let sites = super::judge_sites(
        &settings,
        &inputs.records,
        as_of,
        args.lang,
        &loaded.calendar,
        &mut waived,
    )?;
    // The same warnings as `check`: a site inspected outside the acceptance phase.
    if let Some(phase) = run.acceptance() {
        let stderr = &mut std::io::stderr().lock();
        for site in sites.iter().filter(|s| crate::audit::is_late(s, phase)) {
            super::warn_late(stderr, &run, site, args.lang);
        }
    }
    let provisional = sites
        .iter()
        .map(|s| s.due.and_then(|d| d.provisional()))
        .chain(run.phases.iter().map(|p| p.working_days.provisional()))
        .fold(None, crate::calendar::YearSpan::join_opt);
    super::warn_provisional(provisional, &loaded.calendar, args.lang);
    let mut rechecks = inputs::read_rechecks(&settings, &[], &mut Vec::new(), &inputs.records)?;
    super::warn_rechecks(&rechecks, &inputs.records, &loaded.calendar, args.lang);
    super::drop_after_judging_day(&mut rechecks, as_of, args.lang, &mut Default::default());
    let (evidence, listed) = evidence_of(&settings, &inputs.records, &rechecks, args.lang)?;
    let manifest = inputs::manifest::manifest(&settings, &digests, &evidence, &args.out, as_of)?;
    let merged = inputs::rechecked(&inputs.records, &rechecks)?;
    let rechecked = super::judge_rechecks(&settings, &sites, &merged, as_of)?;
    let dues = super::follow_up_dues(&settings, &inputs.records, &merged, &loaded.calendar)?;
    // Chosen as `rank` chooses (ruling 15): on the acceptance inspections, flagged by the
    // re-inspections.
    let mut entrants = Entrants::ordered(&campaign.tie_break);
    for site in &sites {
        entrants.push(Entry::of(site));
    }
    let choice = Choice::of(campaign, last_inspection, as_of);
    let mut ranking = Ranking::chosen(
        entrants,
        campaign.demonstration_sites as usize,
        campaign.demonstrated_kind(),
        choice,
    );
    for r in &rechecked {
        ranking.rechecked(&r.site.record.id, r.day(), r.site.verdict);
    }
    let report = Report {
        run: &run,
        sites,
        ranking,
        inputs: digests.into_iter().chain(listed).collect(),
        lang: args.lang,
        as_of,
        waivers: &settings.waivers,
        rechecked,
        dues,
        unread: &inputs.unread,
        photos: if args.format.iter().any(|f| !matches!(f, ReportFormat::Md)) {
            photo_copies(&Finder::of(&settings), &evidence)?
        } else {
            Default::default()
        },
        evidence,
        campaign_dir: settings.campaign_dir.clone(),
    };

    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![(PathBuf::from(MANIFEST), manifest.to_bytes()?)];
    let mut formats = args.format.clone();
    formats.dedup();
    // The photos the HTML pages show and the workbook links to, once, under html/.
    if formats
        .iter()
        .any(|f| matches!(f, ReportFormat::Html | ReportFormat::Xlsx))
    {
        let copies = report.photos.iter();
        files.extend(copies.map(|(name, bytes)| (Path::new("html").join(name), bytes.clone())));
    }
    for format in formats {
        files.extend(match format {
            ReportFormat::Html => report::html::render(&report)?,
            ReportFormat::Md => report::markdown::render(&report)?,
            ReportFormat::Xlsx => report::xlsx::render(&report)?,
            ReportFormat::Docx => report::docx::render(&report)?,
        });
    }
    for (relative, _) in &files {
        safe_relative(relative)?;
    }
    // Built beside --out and moved into place whole: a run that fails or is interrupted
    // halfway leaves no index linking pages that were never written.
    write_folder(&args.out, &args.inputs, args.force, &files).map_err(|err| {
        let (why, out) = (super::one_line(&err), args.out.display());
        anyhow!(crate::tr!(
            "{why}：{out} 未写入任何内容",
            "{why}: nothing was written to {out}"
        ))
    })?;
    // Written, and said on the first page; but the run had bad input.
    Ok(if report.unread.is_empty() {
        Outcome::AllAccepted
    } else {
        Outcome::InputsUnread
    })
}

/// The file of a report folder that lists what the report was made from, for `verify`.
pub const MANIFEST: &str = "manifest.json";

/// The evidence files the records and re-inspections cite, each missing one warned of on
/// stderr; and those found, once each, as the report's list of inputs shows them. A path
/// leading outside the campaign refuses the report: nothing is written.
fn evidence_of(
    plan: &inputs::Plan,
    records: &[crate::record::Record],
    rechecks: &[crate::record::Record],
    lang: crate::lang::Lang,
) -> Result<(Vec<EvidenceFile>, Vec<InputDigest>)> {
    let finder = Finder::of(plan);
    let (mut evidence, mut refused) = (Vec::new(), Vec::new());
    for record in records.iter().chain(rechecks) {
        match finder.record(record) {
            Ok(files) => evidence.extend(files),
            Err(error) => refused.push(super::one_line(&error)),
        }
    }
    if !refused.is_empty() {
        return Err(anyhow!(refused.join("\n")));
    }
    let mut listed: Vec<InputDigest> = Vec::new();
    for file in &evidence {
        if let Some(warning) = crate::render::evidence_warning(file, lang) {
            let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("{warning}\n"));
        }
        if let Some((sha256, size)) = file.digest() {
            let path = finder.opened(file).display().to_string();
            if !listed.iter().any(|l| l.path == path) {
                listed.push(InputDigest {
                    path,
                    sha256: sha256.to_owned(),
                    size,
                });
            }
        }
    }
    Ok((evidence, listed))
}

/// The photos the reports show, embed and link, by their content-addressed names
/// (copied under `html/`): each read again and checked against the digest the manifest lists.
fn photo_copies(
    finder: &Finder,
    evidence: &[EvidenceFile],
) -> Result<std::collections::BTreeMap<String, Vec<u8>>> {
    use sha2::{Digest, Sha256};
    let mut copies = std::collections::BTreeMap::new();
    for file in evidence {
        let (Some(name), Some((sha256, _))) = (file.photo_name(), file.digest()) else {
            continue;
        };
        if copies.contains_key(&name) {
            continue;
        }
        let from = finder.opened(file);
        let shown = from.display();
        let bytes = std::fs::read(&from).map_err(|e| {
            anyhow!(crate::tr!(
                "{shown}：无法读取：{e}",
                "{shown}: cannot read: {e}"
            ))
        })?;
        if evidence::hex(&Sha256::digest(&bytes)) != sha256 {
            return Err(anyhow!(crate::tr!(
                "{shown}：文件在生成报告期间被改动：请再运行一次",
                "{shown}: the file changed while the report was made: run again"
            )));
        }
        copies.insert(name, bytes);
    }
    Ok(copies)
}

/// Writes `files` into a folder built beside `out`, then moves it into place.
fn write_folder(
    out: &Path,
    inputs: &[PathBuf],
    force: bool,
    files: &[(PathBuf, Vec<u8>)],
) -> Result<()> {
    let mut folder = output::StagedFolder::create(out, inputs, force)?;
    for (i, (relative, bytes)) in files.iter().enumerate() {
        folder.write(relative, bytes)?;
        if i == 0 {
            halfway_for_tests()?;
        }
    }
    folder.commit()
}

/// Lets `tests/failures.rs` stop a report halfway without racing it: with
/// `YANSHOU_TEST_REPORT_HALFWAY=fail` the report fails after its first file, with `stall`
/// it waits there for a signal.
fn halfway_for_tests() -> Result<()> {
    match std::env::var("YANSHOU_TEST_REPORT_HALFWAY").as_deref() {
        Ok("fail") => Err(anyhow!("deliberate failure halfway, for the test suite")),
        Ok("stall") => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        _ => Ok(()),
    }
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
