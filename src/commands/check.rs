//! `yanshou check`: judge every record, date every rectification, and write the results as
//! the records come, so a spreadsheet of any size is checked in constant memory.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use super::Outcome;
use crate::audit::{self, Run, Totals};
use crate::calendar::{Calendar, YearSpan};
use crate::cli::{CheckArgs, Format};
use crate::inputs::evidence::Finder;
use crate::inputs::{self, At, Incoming, Plan, ReadOptions, SiteWork};
use crate::lang::Lang;
use crate::render::{self, Renderer};

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let plan = super::plan(&args.paths)?;
    let loaded = inputs::load_calendar(
        Some(&plan.campaign),
        plan.campaign_dir.as_deref(),
        &args.calendar,
    )?;
    let calendar = &loaded.calendar;
    let campaign = &plan.campaign;
    // What the verdicts were made from: hashed only where it is written (JSON, a
    // manifest), so a large CSV is not read twice for a table.
    let wants_digests = args.format == Format::Json || args.manifest.is_some();
    let digests = if wants_digests {
        inputs::digests(&plan, &args.calendar)?
    } else {
        Vec::new()
    };
    if let Some(path) = &args.manifest {
        crate::output::check_destination(path, &args.paths, args.force)?;
    }
    let run = Run {
        campaign,
        checklists: &plan.checklists,
        phases: audit::phase_spans(campaign, calendar)?,
        inputs: digests,
    };
    let as_of = super::as_of(args.as_of.as_deref(), plan.campaign.judged_on)?;
    let totals = match args.format {
        Format::Table => check_with(render::Table::new, &plan, &run, calendar, args, as_of)?,
        Format::Json => check_with(render::Json::new, &plan, &run, calendar, args, as_of)?,
        Format::Csv => check_with(render::Csv::new, &plan, &run, calendar, args, as_of)?,
    };
    if let Some(path) = &args.manifest {
        // Written once the records are read: it lists the evidence they cite.
        let folder = path.parent().unwrap_or(std::path::Path::new(""));
        let manifest =
            inputs::manifest::manifest(&plan, &run.inputs, &totals.evidence, folder, as_of)?;
        crate::output::write_atomic(path, &manifest.to_bytes()?)?;
    }
    let phases = run.phases.iter().map(|p| p.working_days.provisional());
    super::warn_provisional(
        phases.fold(totals.provisional, YearSpan::join_opt),
        calendar,
        args.lang,
    );
    Ok(if !totals.unread.is_empty() {
        Outcome::InputsUnread
    } else if totals.all_accepted() {
        Outcome::AllAccepted
    } else {
        Outcome::NotAllAccepted
    })
}

/// Judges every site and writes it in the format `new` makes: one renderer writes the
/// sites into parts on the worker threads, another puts the parts in place.
fn check_with<R: Renderer>(
    new: fn(Lang) -> R,
    plan: &Plan,
    run: &Run<'_>,
    calendar: &Calendar,
    args: &CheckArgs,
    as_of: jiff::civil::Date,
) -> Result<Totals> {
    let mut out = BufWriter::with_capacity(256 * 1024, crate::output::stdout());
    let mut joiner = new(args.lang);
    super::start_csv(&mut out, args.format, args.no_bom)?;
    joiner.begin(run, &mut out)?;
    let work = Checking {
        plan,
        run,
        calendar,
        lang: args.lang,
        as_of,
        renderer: new(args.lang),
        written: AtomicUsize::new(0),
        finder: Finder::of(plan),
    };
    let mut totals = Totals::default();
    let mut waived_sites: HashSet<String> = HashSet::new();
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: true,
        repeated_ids: false,
    };
    plan.for_each_part(&options, &work, |part| {
        // Warnings go to stderr in file order, before the sites they follow are flushed.
        io::stderr().lock().write_all(&part.notices)?;
        for unread in &part.totals.unread {
            writeln!(io::stderr().lock(), "yanshou: {}", unread.message)?;
        }
        totals.merge(part.totals);
        waived_sites.extend(part.waived);
        work.written
            .fetch_max(R::written(&part.rendered), Ordering::Relaxed);
        joiner.join(part.rendered, &mut out)?;
        Ok(())
    })?;
    plan.check_waiver_sites(&waived_sites)?;
    joiner.finish(run, &totals, &mut out)?;
    out.flush()?;
    Ok(totals)
}

/// What `check` does with each site, on whichever thread reads it.
struct Checking<'a, R: Renderer> {
    plan: &'a Plan,
    run: &'a Run<'a>,
    calendar: &'a Calendar,
    lang: Lang,
    as_of: jiff::civil::Date,
    /// Writes each site into its part.
    renderer: R,
    /// The most output a part has held: room for the next parts, so that they do not grow
    /// a megabyte by copying.
    written: AtomicUsize,
    /// Finds and hashes the evidence files each record cites.
    finder: Finder,
}

/// The results of a run of sites: their output, counts and warnings.
struct Part<P> {
    rendered: P,
    totals: Totals,
    notices: Vec<u8>,
    waived: HashSet<String>,
}

impl<R: Renderer> Checking<'_, R> {
    /// The day and terms every site of the run is judged on.
    fn day(&self) -> super::JudgingDay<'_> {
        super::JudgingDay {
            as_of: self.as_of,
            calendar: Some(self.calendar),
            lang: self.lang,
        }
    }
}

impl<R: Renderer> SiteWork for Checking<'_, R> {
    type Part = Part<R::Part>;

    fn part(&self) -> Self::Part {
        Part {
            rendered: self.renderer.part(self.written.load(Ordering::Relaxed)),
            totals: Totals::default(),
            notices: Vec::new(),
            waived: HashSet::new(),
        }
    }

    fn site(&self, incoming: Incoming<'_>, at: At, part: &mut Self::Part) -> Result<()> {
        let (plan, run, lang) = (self.plan, self.run, self.lang);
        // Ruling 16: an inspection after the judging day has not happened yet on it.
        if super::after_judging_day(incoming.record(), self.as_of, lang, &mut part.notices) {
            let r = incoming.record();
            // Known to the run, so its waivers name a site of the run.
            part.waived.insert(r.id.clone());
            part.totals.after_judging_day.push(audit::LateInspection {
                site: r.id.clone(),
                origin: r.origin.clone(),
                inspected_on: r.inspected_on,
            });
            return Ok(());
        }
        // A record citing a file outside the campaign is refused like one that cannot be
        // read; a missing photo is only said.
        match self.finder.record(incoming.record()) {
            Ok(files) => {
                for warning in files
                    .iter()
                    .filter_map(|f| render::evidence_warning(f, lang))
                {
                    writeln!(part.notices, "{warning}")?;
                }
                part.totals.evidence.extend(files);
            }
            Err(error) => {
                // Read, so known to the run: its waivers name a site of the run.
                part.waived.insert(incoming.record().id.clone());
                part.totals
                    .unread
                    .push(super::unread_record(plan, &error, at));
                return Ok(());
            }
        }
        let (waived, notices) = (&mut part.waived, &mut part.notices);
        let (site, expired) =
            super::judge_site(plan, incoming.reading(), &self.day(), waived, notices)?;
        for expired in expired {
            part.totals
                .expired
                .push((expired.waiver.clone(), expired.origin));
        }
        let late_before = part.totals.late.len();
        part.totals.add(&site, run);
        if part.totals.late.len() > late_before {
            super::warn_late(&mut part.notices, run, &site, lang);
        }
        self.renderer.site(run, &site, &mut part.rendered)?;
        Ok(())
    }

    /// One bad record never hides the others: it is kept, said on stderr and in the
    /// output, and the run goes on (exit 2 at the end).
    fn unread(&self, error: anyhow::Error, at: At, part: &mut Self::Part) -> Result<()> {
        part.totals
            .unread
            .push(super::unread_record(self.plan, &error, at));
        Ok(())
    }
}
