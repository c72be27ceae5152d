//! Dates of a campaign: the rectification deadline of every site not accepted (clause
//! 4.2, counted in working days by ruling 7) and inspections dated outside the acceptance
//! phase (clause 4). Pure: the calendar is handed in.

use jiff::civil::Date;

use super::{SiteResult, Verdict};
use crate::calendar::{Calendar, CalendarError, Reckoned};

/// A rectification deadline: the date, and whether it rests on a provisional year of
/// the calendar (a year whose holiday notice is not out yet).
pub type Deadline = Reckoned<Date>;
use crate::record::campaign::Campaign;

/// A phase of the campaign with its number of working days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseSpan {
    /// `organisation` or `acceptance`.
    pub key: String,
    /// First day, inclusive.
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
    /// Working days from start to end, both inclusive (provisional if the phase reaches
    /// a year whose holiday notice is not out).
    pub working_days: Reckoned<u32>,
}

/// A rectification that could not be dated: the calendar does not reach its deadline.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub struct DatingError {
    /// The record file.
    pub origin: String,
    /// The site's id.
    pub site: String,
    /// The inspection date.
    pub inspected_on: Date,
    /// The working days counted.
    pub working_days: u32,
    /// What the calendar said.
    pub source: CalendarError,
}

impl DatingError {
    fn message(&self) -> String {
        let DatingError {
            origin,
            site,
            inspected_on,
            working_days,
            source,
        } = self;
        crate::tr!(
            "{origin}：无法确定站点“{site}”的整改期限（{inspected_on} 后 {working_days} 个工作日）：{source}",
            "{origin}: cannot date the rectification of site \"{site}\" ({inspected_on} + {working_days} working days): {source}"
        )
    }
}

/// Gives a site with something to fix its deadline: `working_days` after the inspection
/// day. The working days run for failed mandatory items (clause 4.2, ruling 14): a site
/// that is only incomplete (待补查) is told what to record, not given a deadline.
pub fn date_site(
    site: &mut SiteResult<'_>,
    calendar: &Calendar,
    working_days: u32,
) -> Result<(), Box<DatingError>> {
    if site.verdict == Verdict::Pass || !site.findings.iter().any(|o| o.needs_rectification()) {
        site.due = None;
        return Ok(());
    }
    let inspected_on = site.record.inspected_on;
    let due = calendar
        .add_working_days(inspected_on, working_days)
        .map_err(|source| {
            Box::new(DatingError {
                origin: site.record.origin.clone(),
                site: site.record.id.clone(),
                inspected_on,
                working_days,
                source,
            })
        })?;
    site.due = Some(due);
    Ok(())
}

/// The deadlines a follow-up counts from days other than the inspection: each
/// re-inspection (a failure found there, ruling 9) and each waiver's lapse, counted when
/// the inputs are read so that judging stays pure.
#[derive(Clone, Debug, Default)]
pub struct Dues {
    after: std::collections::BTreeMap<Date, Deadline>,
}

impl Dues {
    /// The deadline `working_days` after each of `days`.
    pub fn new(
        calendar: &Calendar,
        working_days: u32,
        days: impl IntoIterator<Item = Date>,
    ) -> Result<Dues, CalendarError> {
        let mut after = std::collections::BTreeMap::new();
        for day in days {
            if let std::collections::btree_map::Entry::Vacant(e) = after.entry(day) {
                e.insert(calendar.add_working_days(day, working_days)?);
            }
        }
        Ok(Dues { after })
    }

    /// The deadline counted from `day`, if it was one of the days given.
    pub fn after(&self, day: Date) -> Option<Deadline> {
        self.after.get(&day).copied()
    }
}

/// The campaign's phases with their working days.
pub fn phase_spans(
    campaign: &Campaign,
    calendar: &Calendar,
) -> Result<Vec<PhaseSpan>, CalendarError> {
    campaign
        .phases
        .iter()
        .map(|p| {
            Ok(PhaseSpan {
                key: p.key.clone(),
                start: p.start,
                end: p.end,
                working_days: calendar.working_days_between(p.start, p.end)?,
            })
        })
        .collect()
}

/// Whether a site was inspected outside the acceptance phase.
pub fn is_late(site: &SiteResult<'_>, acceptance: &PhaseSpan) -> bool {
    let day = site.record.inspected_on;
    day < acceptance.start || day > acceptance.end
}
