//! `yanshou recheck`: what became of every rectification item after the deadline.

use std::io::{self, BufWriter, Write};

use anyhow::{Result, bail};

use super::Outcome;
use crate::audit::Verdict;
use crate::audit::recheck::follow_ups;
use crate::cli::RecheckArgs;
use crate::inputs::{self, Plan, RECHECKS_DIR, ReadOptions};
use crate::render;

/// Runs `recheck`.
pub fn run(args: &RecheckArgs) -> Result<Outcome> {
    let plan = super::plan(std::slice::from_ref(&args.campaign))?;
    if plan.campaign_dir.is_none() {
        let given = args.campaign.display();
        bail!(crate::tr!(
            "{given}：recheck 需要检查活动文件夹（含 campaign.toml、sites/ 和 {RECHECKS_DIR}/）",
            "{given}: recheck needs a campaign folder (with campaign.toml, sites/ and {RECHECKS_DIR}/)"
        ));
    }
    let as_of = super::as_of(args.as_of.as_deref(), plan.campaign.judged_on)?;
    let loaded = inputs::load_calendar(
        Some(&plan.campaign),
        plan.campaign_dir.as_deref(),
        &args.calendar,
    )?;
    let mut inputs = Plan {
        files: plan.files.clone(),
        ..plan.clone_settings()
    }
    .read_all(&ReadOptions::default())?;
    let mut skipped = Vec::new();
    let mut rechecks = inputs::read_rechecks(&plan, &args.followup, &mut skipped, &inputs.records)?;
    super::warn_skipped(&skipped);
    super::warn_rechecks(&rechecks, &inputs.records, &loaded.calendar, args.lang);
    let mut seen = std::collections::HashSet::new();
    // Ruling 16: what is dated after the judging day had not happened on it.
    super::drop_after_judging_day(&mut inputs.records, as_of, args.lang, &mut seen);
    super::drop_after_judging_day(&mut rechecks, as_of, args.lang, &mut Default::default());
    for u in &inputs.unread {
        writeln!(io::stderr().lock(), "yanshou: {}", u.message)?;
    }
    let merged = inputs::rechecked(&inputs.records, &rechecks)?;

    let befores = super::judge_sites(
        &plan,
        &inputs.records,
        as_of,
        args.lang,
        &loaded.calendar,
        &mut seen,
    )?;
    let provisional = befores
        .iter()
        .map(|s| s.due.and_then(|d| d.provisional()))
        .fold(None, crate::calendar::YearSpan::join_opt);
    super::warn_provisional(provisional, &loaded.calendar, args.lang);
    let afters = super::judge_rechecks(&plan, &befores, &merged, as_of)?;
    let dues = super::follow_up_dues(&plan, &inputs.records, &merged, &loaded.calendar)?;
    let followed = follow_ups(&befores, &afters, &plan.waivers, as_of, &dues);

    let mut out = BufWriter::new(crate::output::stdout());
    super::start_csv(&mut out, args.format, args.no_bom)?;
    render::follow_up::write(
        &followed,
        &inputs.unread,
        as_of,
        args.format,
        args.lang,
        &mut out,
    )?;
    out.flush()?;
    Ok(if !inputs.unread.is_empty() {
        Outcome::InputsUnread
    } else if followed.iter().all(|f| f.verdict() == Verdict::Pass) {
        Outcome::AllAccepted
    } else {
        Outcome::NotAllAccepted
    })
}
