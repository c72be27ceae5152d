//! Judging a record against its checklist: pure functions from ([`Checklist`], [`Record`])
//! to a [`SiteResult`] — the outcome of every item, the score, the grade and the verdict.
//! No file is read and nothing is printed here; renderers turn results into text.
//!
//! [`Checklist`]: crate::checklist::Checklist
//! [`Record`]: crate::record::Record

mod deadline;
mod evaluate;
pub mod rank;
pub mod recheck;
mod score;

pub use deadline::{DatingError, Deadline, Dues, PhaseSpan, date_site, is_late, phase_spans};
pub use evaluate::{
    ExpiredWaiver, Outcome, SiteResult, Status, Unjudgeable, apply_waivers, evaluate, unjudgeable,
};
pub use score::{Score, Verdict};

use jiff::civil::Date;

use crate::calendar::YearSpan;
use crate::checklist::Checklist;
use crate::record::campaign::Campaign;

/// An input file and the SHA-256 of its bytes: what a verdict was made from, for the
/// outputs that prove it (reports, `check --format json`, `--manifest`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InputDigest {
    /// The path as given (or `builtin:NAME` for a checklist compiled in).
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's size in bytes.
    pub size: u64,
}

/// One evidence file a record cites for an item (`evidence = ["photos/hall-01.png"]`), as
/// the readers found it: resolved, and hashed when it could be read. A missing file is a
/// warning, never a failure of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFile {
    /// The site's id.
    pub site: String,
    /// The checklist item the evidence is for.
    pub item: String,
    /// The record file that cites it, as in [`crate::record::Record::origin`].
    pub record: String,
    /// The path as the record writes it.
    pub cited: String,
    /// The file: relative to the campaign folder (with `/`), or, for records checked
    /// without one, as it was opened.
    pub path: String,
    /// What was found there.
    pub state: EvidenceState,
}

/// What was found at an evidence path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceState {
    /// Read and hashed.
    Found {
        /// Lowercase hex SHA-256 of its bytes.
        sha256: String,
        /// Its size in bytes.
        size: u64,
    },
    /// No file there.
    Missing,
    /// There, but it could not be read (the reason, from the system).
    Unreadable(String),
}

impl EvidenceFile {
    /// The file's SHA-256 and size, when it was read.
    pub fn digest(&self) -> Option<(&str, u64)> {
        match &self.state {
            EvidenceState::Found { sha256, size } => Some((sha256, *size)),
            _ => None,
        }
    }

    /// Whether the file is a photo a page can show: a PNG, JPEG, GIF or WebP file that was
    /// read.
    pub fn is_photo(&self) -> bool {
        self.digest().is_some() && self.extension().is_some()
    }

    /// The photo's file extension, lowercase, if the file is of a kind a page can show.
    fn extension(&self) -> Option<String> {
        let ext = self.path.rsplit_once('.')?.1.to_ascii_lowercase();
        matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp").then_some(ext)
    }

    /// Where a report folder keeps its copy of the photo: a name made from its content
    /// (`photos/<first 16 hex digits of its SHA-256>.<ext>`), so that the same photo cited
    /// twice is copied once and a re-run writes the same names.
    pub fn photo_name(&self) -> Option<String> {
        let (sha256, _) = self.digest()?;
        let ext = self.extension()?;
        Some(format!("photos/{}.{ext}", &sha256[..sha256.len().min(16)]))
    }
}

/// What every site of one run is judged in: the campaign, its checklists and its phases.
#[derive(Clone, Debug)]
pub struct Run<'a> {
    /// The campaign's settings.
    pub campaign: &'a Campaign,
    /// The checklists used, one per site kind.
    pub checklists: &'a [Checklist],
    /// The campaign's phases with their working days.
    pub phases: Vec<PhaseSpan>,
    /// The inputs with their digests, where the output carries them (empty otherwise: a
    /// large CSV is not read twice for a table).
    pub inputs: Vec<InputDigest>,
}

impl Run<'_> {
    /// The acceptance phase, if the campaign dates one.
    pub fn acceptance(&self) -> Option<&PhaseSpan> {
        self.phases.iter().find(|p| p.key == "acceptance")
    }
}

/// An inspection dated outside the acceptance phase: worth a warning, not a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateInspection {
    /// The site's id.
    pub site: String,
    /// Where the record came from.
    pub origin: String,
    /// When it was inspected.
    pub inspected_on: Date,
}

/// What a run found over all its sites, kept small so that a run over any number of sites
/// holds only this and the site being judged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sites judged.
    pub sites: usize,
    /// Sites that passed.
    pub pass: usize,
    /// Sites to rectify.
    pub rectify: usize,
    /// Sites without a verdict yet.
    pub incomplete: usize,
    /// Sites inspected outside the acceptance phase.
    pub late: Vec<LateInspection>,
    /// Records dated after the judging day, left out (ruling 16): what has not happened
    /// yet on that day is not known on it.
    pub after_judging_day: Vec<LateInspection>,
    /// Waivers that had run out on the day judged, each with the record it concerns.
    pub expired: Vec<(crate::record::waiver::Waiver, String)>,
    /// The provisional years any deadline of these sites was counted over.
    pub provisional: Option<YearSpan>,
    /// Records that could not be read: the others are judged, and the run says which.
    pub unread: Vec<UnreadRecord>,
    /// The evidence files the judged records cite, in record and item order.
    pub evidence: Vec<EvidenceFile>,
}

/// A record (a file, or a row of a sheet) that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadRecord {
    /// The file.
    pub origin: String,
    /// The row of a sheet, 0 for a whole file.
    pub row: usize,
    /// What is wrong, located, in one line: what the reader said.
    pub message: String,
}

impl Totals {
    /// Counts one site.
    pub fn add(&mut self, site: &SiteResult<'_>, run: &Run<'_>) {
        self.sites += 1;
        match site.verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Rectify => self.rectify += 1,
            Verdict::Incomplete => self.incomplete += 1,
        }
        self.provisional =
            YearSpan::join_opt(self.provisional, site.due.and_then(|d| d.provisional()));
        if let Some(phase) = run.acceptance()
            && is_late(site, phase)
        {
            self.late.push(LateInspection {
                site: site.record.id.clone(),
                origin: site.record.origin.clone(),
                inspected_on: site.record.inspected_on,
            });
        }
    }

    /// Adds the totals of a later run of sites (judged apart, on another thread).
    pub fn merge(&mut self, later: Totals) {
        self.sites += later.sites;
        self.pass += later.pass;
        self.rectify += later.rectify;
        self.incomplete += later.incomplete;
        self.late.extend(later.late);
        self.after_judging_day.extend(later.after_judging_day);
        self.expired.extend(later.expired);
        self.provisional = YearSpan::join_opt(self.provisional, later.provisional);
        self.unread.extend(later.unread);
        self.evidence.extend(later.evidence);
    }

    /// How many sites got `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        match verdict {
            Verdict::Pass => self.pass,
            Verdict::Rectify => self.rectify,
            Verdict::Incomplete => self.incomplete,
        }
    }

    /// Whether every site passed.
    pub fn all_accepted(&self) -> bool {
        self.pass == self.sites
    }
}

#[cfg(test)]
mod tests;
