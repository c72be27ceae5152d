//! Item by item: what each observation earns and loses.

use serde::Serialize;

use super::score::{Score, Verdict};
use crate::checklist::kinds::{Facts, Judgement, Undetermined};
use crate::checklist::{Checklist, GradeBand, Item, Severity, Value};
use crate::points::Points;
use crate::record::waiver::Waiver;
use crate::record::{Entry, Glance, ItemRead, Observation, Reading, Record};

/// What happened to one item at one site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Requirement met.
    Pass,
    /// Requirement not met (fully or in part: see the points lost).
    Fail,
    /// Not recorded, or not judgeable from what was recorded (ruling 8).
    Unrecorded,
    /// Does not apply to this site, with a recorded reason; out of the maximum.
    NotApplicable,
    /// Failed, but the county has waived it until a date: its points are lost, yet it does
    /// not fail the site. Neither a pass nor not applicable.
    Waived,
}

impl Status {
    /// The ASCII word used in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unrecorded => "unrecorded",
            Status::NotApplicable => "not_applicable",
            Status::Waived => "waived",
        }
    }
}

/// The outcome of one item.
#[derive(Clone, Debug)]
pub struct Outcome<'a> {
    /// The item judged.
    pub item: &'a Item,
    /// The record it was judged from: the site's fields and other items' values, which
    /// say what the item expects at this site.
    pub record: &'a Record,
    /// What happened.
    pub status: Status,
    /// Points earned.
    pub earned: Points,
    /// Points lost: what fixing or recording the item would add to the score.
    pub lost: Points,
    /// Members missing from an `includes` item.
    pub missing: Vec<String>,
    /// The recorded value, if any.
    pub value: Option<&'a Value>,
    /// The whole observation (note, evidence, N/A reason), if any.
    pub observation: Option<&'a Observation>,
    /// For a rule, the value of the item it compares against, as read at the site: what
    /// the rule expects is worded from it.
    pub compared: Option<&'a Value>,
    /// Why a recorded item could still not be judged.
    pub undetermined: Option<Undetermined>,
    /// The waiver that applies to this failed item, when it is waived.
    pub waiver: Option<&'a Waiver>,
    /// The record marks the item not applicable, which its checklist does not allow
    /// (ruling 10): the item is judged as not met.
    pub not_applicable_refused: bool,
    /// Answers of a failed `includes` item that name no member (nor an alias of one), each
    /// with the missing member it is closest to, if any (ruling 11).
    pub unrecognised: Vec<(String, Option<String>)>,
}

impl Outcome<'_> {
    /// Whether this outcome is a rectification item: a failed mandatory requirement.
    pub fn needs_rectification(&self) -> bool {
        self.status == Status::Fail && self.item.severity == Severity::Mandatory
    }

    /// Whether a mandatory requirement failed, waived or not: what a waiver is granted for
    /// and what a follow-up follows.
    pub fn failed_mandatory(&self) -> bool {
        self.needs_rectification() || self.status == Status::Waived
    }

    /// The inspector's note, if any.
    pub fn note(&self) -> Option<&str> {
        self.observation.and_then(|o| o.note.as_deref())
    }

    /// Evidence paths, if any.
    pub fn evidence(&self) -> &[String] {
        self.observation.map_or(&[], |o| o.evidence.as_slice())
    }
}

/// Everything decided about one site.
#[derive(Clone, Debug)]
pub struct SiteResult<'a> {
    /// The record judged.
    pub record: &'a Record,
    /// The checklist it was judged against.
    pub checklist: &'a Checklist,
    /// The outcomes of the items that did not pass, in checklist order: what `check`
    /// lists and what scores, verdicts and follow-ups are made of. Every other item
    /// passed; [`SiteResult::outcomes`] gives all of them, for reports that show each.
    pub findings: Vec<Outcome<'a>>,
    /// The score and how it was made up.
    pub score: Score,
    /// The grade band of the score, for sites that passed.
    pub grade: Option<&'a GradeBand>,
    /// The acceptance verdict.
    pub verdict: Verdict,
    /// The rectification deadline, for sites not accepted, once a calendar has dated it.
    pub due: Option<super::Deadline>,
}

impl<'a> SiteResult<'a> {
    /// One outcome per checklist item, in checklist order: the findings, and a pass for
    /// every other item (with its value, where the reader kept it).
    pub fn outcomes(&self) -> Vec<Outcome<'a>> {
        let mut findings = self.findings.iter().peekable();
        self.checklist
            .items
            .iter()
            .map(
                |item| match findings.next_if(|o| std::ptr::eq(o.item, item)) {
                    Some(finding) => finding.clone(),
                    None => Outcome::passed(item, self.record),
                },
            )
            .collect()
    }

    /// The outcome of the item `id`, if the checklist has it.
    pub fn outcome(&self, id: &str) -> Option<Outcome<'a>> {
        match self.findings.iter().find(|o| o.item.id == id) {
            Some(finding) => Some(finding.clone()),
            None => Some(Outcome::passed(self.checklist.item(id)?, self.record)),
        }
    }

    /// Advisory items that lost points, for ranking ties.
    pub fn advisory_misses(&self) -> usize {
        self.findings
            .iter()
            .filter(|o| o.item.severity == Severity::Advisory && o.lost > Points::ZERO)
            .count()
    }
}

/// A record is what its items' judgements need to know about the site.
impl Facts for Record {
    fn site_field(&self, field: &str) -> Option<&str> {
        self.field(field)
    }
    fn value_of(&self, item: &str) -> Option<&Value> {
        self.value(item)
    }
}

/// Why a site cannot be judged against its checklist: a `text` item it recorded a value
/// for whose pattern does not compile with the site's fields put in. Readers refuse such a
/// record as they refuse one they cannot read; [`evaluate`] would leave the item
/// undetermined, saying the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unjudgeable<'a> {
    /// The checklist's id.
    pub checklist: &'a str,
    /// The item whose pattern does not compile.
    pub item: &'a str,
    /// The site's id.
    pub site: &'a str,
    /// The fields put in and the regex library's error.
    pub error: crate::checklist::kinds::PatternError,
}

/// Why `site` cannot be judged against `checklist` ([`Unjudgeable`]), if it cannot.
pub fn unjudgeable<'a>(
    checklist: &'a Checklist,
    site: impl Into<Reading<'a>>,
) -> Option<Unjudgeable<'a>> {
    let site = site.into();
    checklist.items.iter().enumerate().find_map(|(i, item)| {
        let crate::checklist::Kind::Text(text) = &item.kind else {
            return None;
        };
        let recorded_text = match site.of(i, &item.id) {
            ItemRead::Glance(glance) => matches!(glance, Glance::Value(Value::Text(_))),
            ItemRead::Observed(observation) => {
                matches!(observation?.entry, Entry::Value(Value::Text(_)))
            }
        };
        if !recorded_text {
            return None;
        }
        Some(Unjudgeable {
            checklist: &checklist.id,
            item: &item.id,
            site: &site.record.id,
            error: text.pattern_error(site.record)?,
        })
    })
}

/// Judges a site against `checklist`: every item's outcome, the score and the verdict.
/// `site` is a record, or a [`Reading`] of a row read the fast way; either is judged
/// item by item by the same rules. The result is data; the renderers word it.
pub fn evaluate<'a>(checklist: &'a Checklist, site: impl Into<Reading<'a>>) -> SiteResult<'a> {
    let site = site.into();
    let facts = SiteFacts {
        site,
        items: &checklist.items,
    };
    let findings: Vec<Outcome<'a>> = checklist
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| judge_item(item, site.of(i, &item.id), &facts))
        .collect();
    let score = Score::of(checklist, &findings);
    let verdict = Verdict::of(&findings);
    SiteResult {
        record: site.record,
        checklist,
        findings,
        grade: grade_of(checklist, verdict, score),
        score,
        verdict,
        due: None,
    }
}

/// What an item's judgement may look at: the site's fields, and the other items' values,
/// glanced at or observed.
struct SiteFacts<'a> {
    site: Reading<'a>,
    items: &'a [Item],
}

impl<'a> SiteFacts<'a> {
    /// The value of the item `item`, glanced at or observed.
    fn value(&self, item: &str) -> Option<&'a Value> {
        if self.site.glances.is_empty() {
            return self.site.record.value(item);
        }
        let index = self.items.iter().position(|it| it.id == item)?;
        match self.site.of(index, item) {
            ItemRead::Glance(Glance::Value(value)) => Some(value),
            ItemRead::Glance(Glance::EveryMember) => None,
            ItemRead::Observed(observation) => match &observation?.entry {
                Entry::Value(value) => Some(value),
                _ => None,
            },
        }
    }
}

impl Facts for SiteFacts<'_> {
    fn site_field(&self, field: &str) -> Option<&str> {
        self.site.record.field(field)
    }
    fn value_of(&self, item: &str) -> Option<&Value> {
        self.value(item)
    }
}

/// The grade band of a site's score. A site not accepted is not graded: "优秀" beside
/// "不合格" would read as a contradiction.
fn grade_of(checklist: &Checklist, verdict: Verdict, score: Score) -> Option<&GradeBand> {
    match verdict {
        Verdict::Pass => checklist.grade_for(score.percent_tenths),
        Verdict::Rectify | Verdict::Incomplete => None,
    }
}

impl<'a> Outcome<'a> {
    /// The pass of `item` at the site of `record`, with its value if the record holds it
    /// (the fast path of large files keeps no value of an item that passed at a glance).
    fn passed(item: &'a Item, record: &'a Record) -> Outcome<'a> {
        let observation = record.observations.get(&item.id);
        Outcome {
            item,
            record,
            status: Status::Pass,
            earned: item.points,
            lost: Points::ZERO,
            missing: Vec::new(),
            value: observation.and_then(|o| match &o.entry {
                Entry::Value(v) => Some(v),
                _ => None,
            }),
            observation,
            compared: item.kind.depends_on().and_then(|of| record.value(of)),
            undetermined: None,
            waiver: None,
            not_applicable_refused: false,
            unrecognised: Vec::new(),
        }
    }
}

/// The outcome of `item` at the site, `None` when it passed: a finding otherwise. The
/// item is judged before anything is built: most items of most sites pass.
fn judge_item<'a>(
    item: &'a Item,
    read: ItemRead<'a>,
    facts: &SiteFacts<'a>,
) -> Option<Outcome<'a>> {
    let (observation, value) = match read {
        // An includes cell naming every member misses none.
        ItemRead::Glance(Glance::EveryMember) => return None,
        ItemRead::Glance(Glance::Value(value)) => (None, Some(value)),
        ItemRead::Observed(observation) => match observation.map(|o| &o.entry) {
            Some(Entry::Value(value)) => (observation, Some(value)),
            _ => (observation, None),
        },
    };
    let judgement = value.map(|value| item.kind.judge(value, facts));
    if let Some(Judgement::Pass) = judgement {
        return None;
    }
    let mut outcome = Outcome {
        item,
        record: facts.site.record,
        status: Status::Unrecorded,
        earned: Points::ZERO,
        lost: item.points,
        missing: Vec::new(),
        value,
        observation,
        compared: item.kind.depends_on().and_then(|of| facts.value(of)),
        undetermined: None,
        waiver: None,
        not_applicable_refused: false,
        unrecognised: Vec::new(),
    };
    match judgement {
        Some(Judgement::Pass) => {}
        Some(Judgement::Fail { deduction, missing }) => {
            // 扣完为止: a deduction never takes more than the item is worth.
            let lost = deduction.map_or(item.points, |d| d.min(item.points));
            outcome.status = Status::Fail;
            outcome.lost = lost;
            outcome.earned = item.points - lost;
            outcome.missing = missing;
            if let (crate::checklist::Kind::Includes(inc), Some(Value::Set(found))) =
                (&item.kind, value)
            {
                outcome.unrecognised = inc.unrecognised(found);
            }
        }
        Some(Judgement::Undetermined(why)) => outcome.undetermined = Some(why),
        None => match observation.map(|o| &o.entry) {
            Some(Entry::NotApplicable(_)) if item.not_applicable.allowed() => {
                outcome.status = Status::NotApplicable;
                outcome.lost = Points::ZERO;
            }
            // An exemption the checklist does not grant is no exemption: the requirement
            // is not met, and only the county's waiver can excuse it.
            Some(Entry::NotApplicable(_)) => {
                outcome.status = Status::Fail;
                outcome.not_applicable_refused = true;
            }
            None | Some(Entry::Pending | Entry::Value(_)) => {}
        },
    }
    Some(outcome)
}

/// A waiver that no longer applies to a failed item: the item counts as a failure again,
/// and the user is told which waiver ran out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredWaiver<'a> {
    /// The waiver.
    pub waiver: &'a Waiver,
    /// The record the item belongs to.
    pub origin: String,
}

/// Applies the waivers of this site as they stand on `as_of`: a failed item with a waiver
/// that applies becomes [`Status::Waived`] and stops failing the site; one whose waiver has
/// expired stays a failure and is returned so that it can be reported. The score and
/// verdict are worked out again.
pub fn apply_waivers<'a>(
    site: &mut SiteResult<'a>,
    waivers: impl IntoIterator<Item = &'a Waiver>,
    as_of: jiff::civil::Date,
) -> Vec<ExpiredWaiver<'a>> {
    let mut expired = Vec::new();
    let id = site.record.id.clone();
    for waiver in waivers.into_iter().filter(|w| w.site == id) {
        let Some(outcome) = site.findings.iter_mut().find(|o| o.item.id == waiver.item) else {
            continue;
        };
        if outcome.status != Status::Fail {
            continue;
        }
        if waiver.applies_on(as_of) {
            outcome.status = Status::Waived;
            outcome.waiver = Some(waiver);
        } else if waiver.expired_by(as_of) {
            expired.push(ExpiredWaiver {
                waiver,
                origin: site.record.origin.clone(),
            });
        }
    }
    site.score = Score::of(site.checklist, &site.findings);
    site.verdict = Verdict::of(&site.findings);
    site.grade = grade_of(site.checklist, site.verdict, site.score);
    expired
}
