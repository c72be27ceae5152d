//! Judging a record against its checklist: pure functions from ([`Checklist`], [`Record`])
//! to a [`SiteResult`] — the outcome of every item, the score, the grade and the verdict.
//! No file is read and nothing is printed here; renderers turn results into text.
//!
//! [`Checklist`]: crate::checklist::Checklist
//! [`Record`]: crate::record::Record

mod deadline;
mod evaluate;
mod score;

pub use deadline::{
    DatingError, LateInspection, PhaseSpan, date_rectifications, late_inspections, phase_spans,
};
pub use evaluate::{Outcome, SiteResult, Status, evaluate};
pub use score::{Score, Verdict};

use crate::checklist::Checklist;
use crate::record::campaign::Campaign;

/// The results of one run over a campaign: every site judged.
#[derive(Clone, Debug)]
pub struct Audit<'a> {
    /// The campaign's settings.
    pub campaign: &'a Campaign,
    /// The checklists used, one per site kind.
    pub checklists: &'a [Checklist],
    /// One result per site, in input order.
    pub sites: Vec<SiteResult<'a>>,
    /// The campaign's phases with their working days.
    pub phases: Vec<PhaseSpan>,
    /// Sites inspected outside the acceptance phase.
    pub late: Vec<LateInspection>,
}

impl Audit<'_> {
    /// How many sites got `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.sites.iter().filter(|s| s.verdict == verdict).count()
    }

    /// Whether every site passed.
    pub fn all_accepted(&self) -> bool {
        self.sites.iter().all(|s| s.verdict == Verdict::Pass)
    }
}

#[cfg(test)]
mod tests;
