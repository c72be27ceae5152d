//! `yanshou check`: judge every record, date every rectification, and write the results as
//! the records come, so a spreadsheet of any size is checked in constant memory.

use std::io::{self, BufWriter, Write};

use anyhow::{Result, anyhow};

use super::Outcome;
use crate::audit::{self, Run, Totals};
use crate::cli::CheckArgs;
use crate::inputs::{self, ReadOptions};
use crate::lang::Lang;
use crate::render;

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let plan = inputs::plan(&args.paths)?;
    let loaded = inputs::load_calendar(
        Some(&plan.campaign),
        plan.campaign_dir.as_deref(),
        &args.calendar,
    )?;
    let calendar = &loaded.calendar;
    let campaign = &plan.campaign;
    let run = Run {
        campaign,
        checklists: &plan.checklists,
        phases: audit::phase_spans(campaign, calendar)?,
    };
    let lang = args.lang;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let mut renderer = render::renderer(args.format, lang);
    renderer.begin(&run, &mut out)?;
    let mut totals = Totals::default();
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
    };
    plan.for_each_record(&options, |record| {
        let checklist = plan.checklist_for(&record.kind).ok_or_else(|| {
            anyhow!(
                "{}: no checklist for site kind \"{}\"",
                record.origin,
                record.kind
            )
        })?;
        let mut site = audit::evaluate(checklist, &record, lang);
        audit::date_site(&mut site, calendar, campaign.rectification_working_days)?;
        let late_before = totals.late.len();
        totals.add(&site, &run);
        if totals.late.len() > late_before {
            warn_late(&run, &site, lang);
        }
        renderer.site(&run, &site, &mut out)?;
        Ok(())
    })?;
    renderer.finish(&run, &totals, &mut out)?;
    out.flush()?;
    Ok(if totals.all_accepted() {
        Outcome::AllAccepted
    } else {
        Outcome::NotAllAccepted
    })
}

/// A warning on stderr, so that stdout stays one clean document.
fn warn_late(run: &Run<'_>, site: &audit::SiteResult<'_>, lang: Lang) {
    let Some(phase) = run.acceptance() else {
        return;
    };
    let r = site.record;
    let mut stderr = io::stderr().lock();
    let _ = match lang {
        Lang::Zh => writeln!(
            stderr,
            "注意：{}：检查日期 {} 不在检查验收阶段（{} 至 {}）内",
            r.origin, r.inspected_on, phase.start, phase.end
        ),
        Lang::En => writeln!(
            stderr,
            "warning: {}: inspected on {}, outside the acceptance phase ({} to {})",
            r.origin, r.inspected_on, phase.start, phase.end
        ),
    };
}
