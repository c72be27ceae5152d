//! Dates of a campaign: the rectification deadline of every site not accepted (clause
//! 4.2, counted in working days by ruling 7) and inspections dated outside the acceptance
//! phase (clause 4). Pure: the calendar is handed in.

use jiff::civil::Date;

use super::{SiteResult, Verdict};
use crate::calendar::{Calendar, CalendarError};
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
    /// Working days from start to end, both inclusive.
    pub working_days: u32,
}

/// An inspection dated outside the acceptance phase: worth a warning, not a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateInspection {
    /// The site's id.
    pub site: String,
    /// The record file.
    pub origin: String,
    /// When it was inspected.
    pub inspected_on: Date,
}

/// A rectification that could not be dated: the calendar does not reach its deadline.
#[derive(Debug, thiserror::Error)]
#[error(
    "{origin}: cannot date the rectification of site \"{site}\" ({inspected_on} + {working_days} working days): {source}"
)]
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

/// Gives every site not accepted its deadline: `working_days` after the inspection day.
pub fn date_rectifications(
    sites: &mut [SiteResult<'_>],
    calendar: &Calendar,
    working_days: u32,
) -> Result<(), Box<DatingError>> {
    for site in sites.iter_mut() {
        if site.verdict == Verdict::Pass {
            site.due = None;
            continue;
        }
        let inspected_on = site.record.inspected_on;
        site.due = Some(
            calendar
                .add_working_days(inspected_on, working_days)
                .map_err(|source| {
                    Box::new(DatingError {
                        origin: site.record.origin.clone(),
                        site: site.record.id.clone(),
                        inspected_on,
                        working_days,
                        source,
                    })
                })?,
        );
    }
    Ok(())
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

/// Sites inspected outside the acceptance phase, if the campaign dates one.
pub fn late_inspections(sites: &[SiteResult<'_>], campaign: &Campaign) -> Vec<LateInspection> {
    let Some(phase) = campaign.phase("acceptance") else {
        return Vec::new();
    };
    sites
        .iter()
        .filter(|s| s.record.inspected_on < phase.start || s.record.inspected_on > phase.end)
        .map(|s| LateInspection {
            site: s.record.id.clone(),
            origin: s.record.origin.clone(),
            inspected_on: s.record.inspected_on,
        })
        .collect()
}
