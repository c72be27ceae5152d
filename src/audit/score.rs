//! From outcomes to a score and a verdict.
//!
//! The score is the sum of points earned. Items that do not apply leave the maximum, so a
//! site is not punished for what it cannot have; unrecorded items stay in the maximum and
//! earn nothing, so a gap in the record never raises a score. The grade is read from the
//! percentage of the applicable maximum.

use serde::Serialize;

use super::evaluate::{Outcome, Status};
use crate::checklist::{Checklist, Severity};
use crate::points::Points;

/// A site's score and how it is made up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    /// Points earned.
    pub earned: Points,
    /// The applicable maximum: all items' points less those not applicable.
    pub max: Points,
    /// Points of items not applicable, left out of the maximum.
    pub not_applicable: Points,
    /// Points of items not recorded, counted in the maximum but not earned.
    pub unrecorded: Points,
    /// `earned / max` as a percentage, in tenths (925 = 92.5 %); 0 when nothing applies.
    pub percent_tenths: u32,
}

impl Score {
    /// Adds up a site's outcomes: every item of `checklist` not among `findings` (the
    /// outcomes that did not pass) passed and earned its points.
    pub fn of(checklist: &Checklist, findings: &[Outcome<'_>]) -> Score {
        let all: Points = checklist.items.iter().map(|item| item.points).sum();
        let mut score = Score {
            earned: all,
            max: all,
            not_applicable: Points::ZERO,
            unrecorded: Points::ZERO,
            percent_tenths: 0,
        };
        for o in findings {
            let points = o.item.points;
            match o.status {
                Status::NotApplicable => {
                    score.not_applicable += points;
                    score.max = score.max - points;
                    score.earned = score.earned - points;
                }
                Status::Unrecorded => {
                    score.unrecorded += points;
                    score.earned = score.earned - points;
                }
                Status::Pass | Status::Fail | Status::Waived => {
                    score.earned = score.earned - (points - o.earned);
                }
            }
        }
        if score.max > Points::ZERO {
            let earned = u64::from(score.earned.tenths());
            let max = u64::from(score.max.tenths());
            // Rounded half up, in integers, so the same score always gives the same grade.
            let tenths = (earned * 1000 * 2 + max) / (max * 2);
            score.percent_tenths = u32::try_from(tenths).unwrap_or(1000);
        }
        score
    }

    /// The percentage as points-like tenths, for display ("92.5").
    pub fn percent(&self) -> Points {
        Points::from_tenths(self.percent_tenths)
    }
}

/// The acceptance verdict of a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 合格: every mandatory item passed (ruling 9).
    Pass,
    /// 不合格: a mandatory item failed; rectify within the campaign's working days.
    Rectify,
    /// 待补查: a mandatory item is unrecorded, so there is no verdict yet (ruling 8).
    Incomplete,
}

impl Verdict {
    /// Decides the verdict from a site's outcomes (passes decide nothing, so the findings
    /// are enough). Incomplete wins over rectify: a site with a gap in its record has no
    /// acceptance verdict, whatever else failed.
    pub fn of(findings: &[Outcome<'_>]) -> Verdict {
        let mandatory = findings
            .iter()
            .filter(|o| o.item.severity == Severity::Mandatory);
        let mut verdict = Verdict::Pass;
        for o in mandatory {
            match o.status {
                Status::Unrecorded => return Verdict::Incomplete,
                Status::Fail => verdict = Verdict::Rectify,
                // A waived item does not fail the site while its waiver applies.
                Status::Pass | Status::NotApplicable | Status::Waived => {}
            }
        }
        verdict
    }

    /// The ASCII word used in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Rectify => "rectify",
            Verdict::Incomplete => "incomplete",
        }
    }
}
