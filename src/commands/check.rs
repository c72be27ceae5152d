//! `yanshou check`: judge every record, date every rectification, and write the results as
//! the records come, so a spreadsheet of any size is checked in constant memory.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use anyhow::Result;

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
    let as_of = super::as_of(args.as_of.as_deref())?;
    let mut waived_sites: HashSet<String> = HashSet::new();
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: true,
    };
    plan.for_each_incoming(&options, |incoming| {
        let mut site = super::judge_incoming(&plan, &incoming, lang)?;
        for expired in plan.waive(&mut site, as_of, &mut waived_sites)? {
            warn_expired(&expired, as_of, lang);
            totals
                .expired
                .push((expired.waiver.clone(), expired.origin));
        }
        audit::date_site(&mut site, calendar, campaign.rectification_working_days)?;
        let late_before = totals.late.len();
        totals.add(&site, &run);
        if totals.late.len() > late_before {
            warn_late(&run, &site, lang);
        }
        renderer.site(&run, &site, &mut out)?;
        Ok(())
    })?;
    plan.check_waiver_sites(&waived_sites)?;
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

/// A waiver that ran out: the item counts again, and the user is told which waiver.
pub(super) fn warn_expired(
    expired: &audit::ExpiredWaiver<'_>,
    as_of: jiff::civil::Date,
    lang: Lang,
) {
    let w = expired.waiver;
    let mut stderr = io::stderr().lock();
    let _ = match lang {
        Lang::Zh => writeln!(
            stderr,
            "注意：{}：{} 的豁免（{} 于 {} 批准）已于 {} 到期（按 {as_of} 计），该项重新按不符合计",
            expired.origin, w.item, w.approved_by, w.approved_on, w.expires
        ),
        Lang::En => writeln!(
            stderr,
            "warning: {}: the waiver of {} (approved by {} on {}) expired on {} (as of {as_of}): the item counts as a failure again",
            expired.origin, w.item, w.approved_by, w.approved_on, w.expires
        ),
    };
}
