//! `yanshou rank`: every site ranked, the demonstration sites named. Records are read one
//! at a time and only a small entry per site is kept. The demonstration sites are chosen on
//! the acceptance inspections (ruling 15); the campaign's re-inspections of them are read
//! afterwards, only to flag one that failed.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::Outcome;
use crate::audit::rank::{self, Choice, Entrants, Entry};
use crate::cli::RankArgs;
use crate::inputs::{self, At, Incoming, Plan, ReadOptions, SiteWork};
use crate::lang::Lang;
use crate::render;

/// Runs `rank`.
pub fn run(args: &RankArgs) -> Result<Outcome> {
    let plan = super::plan(&args.inputs)?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: true,
        repeated_ids: false,
    };
    // Judged as `check` judges, waivers included, so both agree on who passed.
    let work = Ranking {
        plan: &plan,
        lang: args.lang,
        as_of: super::as_of(args.as_of.as_deref(), plan.campaign.judged_on)?,
    };
    let mut entrants = Entrants::ordered(&plan.campaign.tie_break);
    let mut waived = HashSet::new();
    let mut unread = Vec::new();
    let mut last_inspection = None;
    plan.for_each_part(&options, &work, |part| {
        io::stderr().lock().write_all(&part.notices)?;
        for u in &part.unread {
            writeln!(io::stderr().lock(), "yanshou: {}", u.message)?;
        }
        unread.extend(part.unread);
        entrants.append(part.entrants);
        waived.extend(part.waived);
        last_inspection = last_inspection.max(part.last_inspection);
        Ok(())
    })?;
    plan.check_waiver_sites(&waived)?;
    let wanted = args
        .top
        .unwrap_or(plan.campaign.demonstration_sites as usize);
    let kind = plan.campaign.demonstrated_kind().to_owned();
    let choice = Choice::of(&plan.campaign, last_inspection, work.as_of);
    let mut ranking = rank::Ranking::chosen(entrants, wanted, &kind, choice);
    flag_rechecks(&plan, args, work.as_of, &mut ranking)?;
    let kind_label = plan
        .checklist_for(&kind)
        .map_or(kind.clone(), |c| c.site_kind_label(args.lang).to_owned());

    let mut out = BufWriter::new(crate::output::stdout());
    super::start_csv(&mut out, args.format, args.no_bom)?;
    render::ranking::write(
        &ranking,
        &kind_label,
        &unread,
        args.format,
        args.lang,
        &mut out,
    )?;
    out.flush()?;
    let shortfall = crate::render::labels::shortfall(&ranking, args.lang);
    // The process ends here: a ranking of many sites is left to the operating system to
    // reclaim rather than freed string by string (one per site, allocated on the reading
    // threads, which glibc frees slowly from another thread).
    std::mem::forget(ranking);
    let shortfall_given = shortfall.is_some();
    if let Some(shortfall) = shortfall {
        let _ = writeln!(
            io::stderr(),
            "{}{shortfall}",
            args.lang.pick("注意：", "warning: ")
        );
    }
    Ok(if !unread.is_empty() {
        Outcome::InputsUnread
    } else if shortfall_given {
        Outcome::NotAllAccepted
    } else {
        Outcome::AllAccepted
    })
}

/// What `rank` keeps of each site, on whichever thread reads it.
struct Ranking<'a> {
    plan: &'a Plan,
    lang: Lang,
    as_of: jiff::civil::Date,
}

/// The sites (not ranked yet) of a run of sites, with their warnings.
struct Part {
    entrants: Entrants,
    notices: Vec<u8>,
    waived: HashSet<String>,
    unread: Vec<crate::audit::UnreadRecord>,
    /// The latest inspection read, those after the judging day too (for [`Choice::of`]).
    last_inspection: Option<jiff::civil::Date>,
}

/// Flags the demonstration sites of `ranking` that did not pass a re-inspection dated by
/// `as_of` (ruling 15), judged as `recheck` judges them. Only their re-inspections count;
/// when there are any, the sites' records are read in full once more, to lay the
/// re-inspections over.
fn flag_rechecks(
    plan: &Plan,
    args: &RankArgs,
    as_of: jiff::civil::Date,
    ranking: &mut rank::Ranking,
) -> Result<()> {
    if plan.rechecks.is_empty() || ranking.demonstration().next().is_none() {
        return Ok(());
    }
    let mut skipped = Vec::new();
    let mut rechecks = inputs::read_rechecks(plan, &[], &mut skipped, &[])?;
    super::warn_skipped(&skipped);
    rechecks.retain(|r| ranking.demonstration().any(|p| p.entry.id() == r.id));
    super::drop_after_judging_day(&mut rechecks, as_of, args.lang, &mut HashSet::new());
    if rechecks.is_empty() {
        return Ok(());
    }
    let mut records = Vec::new();
    let full = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: false,
        fast: false,
        repeated_ids: false,
    };
    // What could not be read was said, and left out, the first time.
    let _unread = plan.for_each_record(&full, |record| {
        if rechecks.iter().any(|r| r.id == record.id) {
            records.push(record);
        }
        Ok(())
    })?;
    let merged = inputs::rechecked(&records, &rechecks)?;
    // The sites as inspected, for the waivers their re-inspections may use.
    let mut befores = Vec::with_capacity(records.len());
    for record in &records {
        if let Some(checklist) = plan.checklist_for(&record.kind) {
            let mut site = crate::audit::evaluate(checklist, record);
            let _ = crate::audit::apply_waivers(&mut site, &plan.waivers, as_of);
            befores.push(site);
        }
    }
    for r in super::judge_rechecks(plan, &befores, &merged, as_of)? {
        ranking.rechecked(&r.site.record.id, r.day(), r.site.verdict);
    }
    Ok(())
}

impl SiteWork for Ranking<'_> {
    type Part = Part;

    fn part(&self) -> Part {
        Part {
            entrants: Entrants::ordered(&self.plan.campaign.tie_break),
            notices: Vec::new(),
            waived: HashSet::new(),
            unread: Vec::new(),
            last_inspection: None,
        }
    }

    fn site(&self, incoming: Incoming<'_>, _: At, part: &mut Part) -> Result<()> {
        let inspected_on = incoming.record().inspected_on;
        part.last_inspection = part.last_inspection.max(Some(inspected_on));
        // Ruling 16, as check has it.
        if super::after_judging_day(incoming.record(), self.as_of, self.lang, &mut part.notices) {
            part.waived.insert(incoming.record().id.clone());
            return Ok(());
        }
        // A ranking shows no deadline: the site is not dated.
        let day = super::JudgingDay {
            as_of: self.as_of,
            calendar: None,
            lang: self.lang,
        };
        let (waived, notices) = (&mut part.waived, &mut part.notices);
        let (site, _) = super::judge_site(self.plan, incoming.reading(), &day, waived, notices)?;
        part.entrants.push(Entry::of(&site));
        Ok(())
    }

    /// A record that cannot be read is left out of the ranking, and said (exit 2).
    fn unread(&self, error: anyhow::Error, at: At, part: &mut Part) -> Result<()> {
        part.unread
            .push(super::unread_record(self.plan, &error, at));
        Ok(())
    }
}
