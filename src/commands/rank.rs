//! `yanshou rank`: every site ranked, the demonstration sites named. Records are read one
//! at a time and only a small entry per site is kept.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::Outcome;
use crate::audit::rank::{self, Entrants, Entry};
use crate::audit::{AllPassed, Detail};
use crate::cli::RankArgs;
use crate::inputs::{At, Incoming, Plan, ReadOptions, SiteWork};
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
        as_of: super::as_of(args.as_of.as_deref())?,
        all_passed: super::all_passed(&plan),
    };
    let mut entrants = Entrants::ordered(&plan.campaign.tie_break);
    let mut waived = HashSet::new();
    let mut unread = Vec::new();
    plan.for_each_part(&options, &work, |part| {
        io::stderr().lock().write_all(&part.notices)?;
        for u in &part.unread {
            writeln!(io::stderr().lock(), "yanshou: {}", u.message)?;
        }
        unread.extend(part.unread);
        entrants.append(part.entrants);
        waived.extend(part.waived);
        Ok(())
    })?;
    plan.check_waiver_sites(&waived)?;
    let wanted = args
        .top
        .unwrap_or(plan.campaign.demonstration_sites as usize);
    let kind = plan.campaign.demonstrated_kind().to_owned();
    let ranking = rank::Ranking::of(entrants, wanted, &kind);
    let kind_label = plan
        .checklist_for(&kind)
        .map_or(kind.clone(), |c| c.site_kind_label(args.lang).to_owned());

    let mut out = BufWriter::new(crate::output::stdout());
    render::ranking::write(
        &ranking,
        &kind_label,
        &unread,
        args.format,
        args.lang,
        &mut out,
    )?;
    out.flush()?;
    let shortfall = ranking.shortfall(args.lang);
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
    all_passed: Vec<AllPassed<'a>>,
}

/// The sites (not ranked yet) of a run of sites, with their warnings.
struct Part {
    entrants: Entrants,
    notices: Vec<u8>,
    waived: HashSet<String>,
    unread: Vec<crate::audit::UnreadRecord>,
}

impl SiteWork for Ranking<'_> {
    type Part = Part;

    fn part(&self) -> Part {
        Part {
            entrants: Entrants::ordered(&self.plan.campaign.tie_break),
            notices: Vec::new(),
            waived: HashSet::new(),
            unread: Vec::new(),
        }
    }

    fn site(&self, incoming: Incoming<'_>, _: At, part: &mut Part) -> Result<()> {
        // Ruling 16, as check has it.
        if super::after_judging_day(incoming.record(), self.as_of, self.lang, &mut part.notices) {
            part.waived.insert(incoming.record().id.clone());
            return Ok(());
        }
        // Ranking reads scores and verdicts only: no finding is worded.
        let (plan, lang) = (self.plan, self.lang);
        let mut site =
            super::judge_incoming(plan, &incoming, lang, Detail::Scores, &self.all_passed)?;
        let (waived, notices) = (&mut part.waived, &mut part.notices);
        super::waive_and_warn(self.plan, &mut site, self.as_of, self.lang, waived, notices)?;
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
