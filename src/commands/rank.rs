//! `yanshou rank`: every site ranked, the demonstration sites named. Records are read one
//! at a time and only a small entry per site is kept.

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::Outcome;
use crate::audit::rank::{Entry, Ranking};
use crate::cli::RankArgs;
use crate::inputs::{self, ReadOptions};
use crate::render;

/// Runs `rank`.
pub fn run(args: &RankArgs) -> Result<Outcome> {
    let plan = inputs::plan(&args.inputs)?;
    let mut entries = Vec::new();
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: true,
    };
    // Judged as `check` judges, waivers included, so both agree on who passed.
    let as_of = super::as_of(args.as_of.as_deref())?;
    let mut waived = std::collections::HashSet::new();
    plan.for_each_incoming(&options, |incoming| {
        let mut site = super::judge_incoming(&plan, &incoming, args.lang)?;
        for expired in plan.waive(&mut site, as_of, &mut waived)? {
            super::check::warn_expired(&expired, as_of, args.lang);
        }
        entries.push(Entry::of(&site));
        Ok(())
    })?;
    plan.check_waiver_sites(&waived)?;
    let wanted = args
        .top
        .unwrap_or(plan.campaign.demonstration_sites as usize);
    let kind = plan.campaign.demonstrated_kind().to_owned();
    let ranking = Ranking::new(entries, wanted, &kind);
    let kind_label = plan
        .checklist_for(&kind)
        .map_or(kind.clone(), |c| c.site_kind_label(args.lang).to_owned());

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    render::ranking::write(&ranking, &kind_label, args.format, args.lang, &mut out)?;
    out.flush()?;
    if let Some(shortfall) = ranking.shortfall(args.lang) {
        let _ = writeln!(
            io::stderr(),
            "{}{shortfall}",
            args.lang.pick("注意：", "warning: ")
        );
        return Ok(Outcome::NotAllAccepted);
    }
    Ok(Outcome::AllAccepted)
}
