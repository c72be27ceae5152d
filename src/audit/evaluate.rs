//! Item by item: what each observation earns and loses.

use serde::Serialize;

use super::score::{Score, Verdict};
use crate::checklist::kinds::{Facts, Judgement};
use crate::checklist::{Checklist, GradeBand, Item, Severity, Value};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::waiver::Waiver;
use crate::record::{Entry, Observation, Record};

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
    /// What the item expects at this site ("≥ 60 m²", "柳屯镇便民服务中心").
    pub expected: String,
    /// Why a recorded item could still not be judged.
    pub undetermined: Option<String>,
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
    /// The recorded value as a reader sees it, or empty.
    pub fn observed(&self, lang: Lang) -> String {
        match (self.value, self.observation.map(|o| &o.entry)) {
            (Some(v), _) if !self.unrecognised.is_empty() => {
                format!(
                    "{}{}",
                    self.item.kind.show(v, lang),
                    self.unrecognised_note(lang)
                )
            }
            (Some(v), _) => self.item.kind.show(v, lang),
            (None, Some(Entry::NotApplicable(reason))) if self.not_applicable_refused => match lang
            {
                Lang::Zh => format!(
                    "不适用：{reason}（不认可：本项不得记为不适用，只能由县里批准豁免，记入 waivers.toml）"
                ),
                Lang::En => format!(
                    "not applicable: {reason} (not accepted: an inspector may not mark this item not applicable; only a county waiver in waivers.toml excuses it)"
                ),
            },
            (None, Some(Entry::NotApplicable(reason))) => {
                format!("{}{reason}", lang.pick("不适用：", "not applicable: "))
            }
            _ => String::new(),
        }
    }

    /// The answers that name no member, as a failed item shows them: one close to a
    /// missing member is a likely misspelling ("未识别：“人设局”（是不是“人社局”？）"); any
    /// other is something else the site has, allowed and not counted (等 closes nothing,
    /// ruling 3: "另有（清单未列）：税务局").
    fn unrecognised_note(&self, lang: Lang) -> String {
        let mut near = Vec::new();
        let mut other = Vec::new();
        for (answer, member) in &self.unrecognised {
            match (member, lang) {
                (Some(m), Lang::Zh) => near.push(format!("“{answer}”（是不是“{m}”？）")),
                (Some(m), Lang::En) => near.push(format!("\"{answer}\" (did you mean \"{m}\"?)")),
                (None, _) => other.push(answer.as_str()),
            }
        }
        let mut note = String::new();
        if !near.is_empty() {
            note.push_str(&match lang {
                Lang::Zh => format!("（未识别，不计入：{}）", near.join("、")),
                Lang::En => format!(" (not recognised, not counted: {})", near.join(", ")),
            });
        }
        if !other.is_empty() {
            note.push_str(&match lang {
                Lang::Zh => format!("（另有，清单未列：{}）", other.join("、")),
                Lang::En => format!(" (also present, not on the list: {})", other.join(", ")),
            });
        }
        note
    }

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

/// The outcomes of a site: its own, or shared with every site that passed at a glance
/// ([`AllPassed`]). Read as a slice; [`Outcomes::to_mut`] makes them the site's own.
#[derive(Clone, Debug)]
pub enum Outcomes<'a> {
    /// Outcomes judged for this site.
    Own(Vec<Outcome<'a>>),
    /// Outcomes shared with other sites.
    Shared(&'a [Outcome<'a>]),
}

impl<'a> Outcomes<'a> {
    /// The outcomes, copied first if they were shared (a waiver is about to change one).
    pub fn to_mut(&mut self) -> &mut Vec<Outcome<'a>> {
        if let Outcomes::Shared(shared) = *self {
            *self = Outcomes::Own(shared.to_vec());
        }
        match self {
            Outcomes::Own(own) => own,
            Outcomes::Shared(_) => unreachable!("made the site's own just above"),
        }
    }
}

impl<'a> std::ops::Deref for Outcomes<'a> {
    type Target = [Outcome<'a>];
    fn deref(&self) -> &[Outcome<'a>] {
        match self {
            Outcomes::Own(own) => own,
            Outcomes::Shared(shared) => shared,
        }
    }
}

impl<'s, 'a> IntoIterator for &'s Outcomes<'a> {
    type Item = &'s Outcome<'a>;
    type IntoIter = std::slice::Iter<'s, Outcome<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Everything decided about one site.
#[derive(Clone, Debug)]
pub struct SiteResult<'a> {
    /// The record judged.
    pub record: &'a Record,
    /// The checklist it was judged against.
    pub checklist: &'a Checklist,
    /// One outcome per checklist item, in checklist order; shared by every site that
    /// passed at a glance ([`AllPassed`]), copied only if a waiver changes one.
    pub outcomes: Outcomes<'a>,
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
    /// The outcomes worth reporting: everything that did not simply pass.
    pub fn findings(&self) -> impl Iterator<Item = &Outcome<'a>> {
        self.outcomes.iter().filter(|o| o.status != Status::Pass)
    }

    /// Advisory items that lost points, for ranking ties.
    pub fn advisory_misses(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.item.severity == Severity::Advisory && o.lost > Points::ZERO)
            .count()
    }
}

struct RecordFacts<'a>(&'a Record);

impl Facts for RecordFacts<'_> {
    fn site_field(&self, field: &str) -> Option<&str> {
        self.0.field(field)
    }
    fn value_of(&self, item: &str) -> Option<&Value> {
        self.0.value(item)
    }
}

/// Why `record` cannot be judged against `checklist`, as a message naming the checklist,
/// the item and the site: a `text` item it recorded a value for whose pattern does not
/// compile with the site's fields put in. Readers refuse such a record as they refuse one
/// they cannot read; [`evaluate`] would leave the item undetermined, saying the same.
pub fn unjudgeable(checklist: &Checklist, record: &Record) -> Option<String> {
    let facts = RecordFacts(record);
    checklist.items.iter().find_map(|item| {
        let crate::checklist::Kind::Text(text) = &item.kind else {
            return None;
        };
        let observation = record.observations.get(&item.id)?;
        if !matches!(observation.entry, Entry::Value(Value::Text(_))) {
            return None;
        }
        let error = text.pattern_error(&facts)?;
        Some(error.message(&checklist.id, &item.id, &record.id))
    })
}

/// Judges `record` against `checklist`. `lang` is the language of the texts the outcomes
/// carry (expected values, reasons).
pub fn evaluate<'a>(checklist: &'a Checklist, record: &'a Record, lang: Lang) -> SiteResult<'a> {
    evaluate_with(checklist, record, lang, Detail::Full)
}

/// How much text an evaluation prepares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every outcome's `expected`, for reports that show every item.
    Full,
    /// `expected` only for outcomes that did not pass: what `check` shows, at a fraction of
    /// the cost over a large file.
    Findings,
    /// No `expected` at all: `rank` needs only scores and verdicts.
    Scores,
}

/// [`evaluate`], preparing the text of `detail`.
pub fn evaluate_with<'a>(
    checklist: &'a Checklist,
    record: &'a Record,
    lang: Lang,
    detail: Detail,
) -> SiteResult<'a> {
    judge_site(checklist, record, lang, detail, |_| false)
}

/// The result of a row read by the fast path ([`crate::record::table::QuickRead`]): an
/// item that passed at a glance (`passed[i]`) passes without its value; every other item
/// is judged from `record` as [`evaluate_with`] judges it with `detail`.
/// A site whose every item passed takes its outcomes from the one of `all_passed` (the
/// shared passes of the run's checklists) made for `checklist`, if any.
pub fn evaluate_quick<'a>(
    checklist: &'a Checklist,
    record: &'a Record,
    passed: &[bool],
    lang: Lang,
    detail: Detail,
    all_passed: &'a [AllPassed<'a>],
) -> SiteResult<'a> {
    if passed.iter().all(|&p| p)
        && let Some(all) = all_passed
            .iter()
            .find(|all| std::ptr::eq(all.checklist, checklist))
    {
        return all.result(record);
    }
    judge_site(checklist, record, lang, detail, |i| {
        passed.get(i).copied().unwrap_or(false)
    })
}

fn judge_site<'a>(
    checklist: &'a Checklist,
    record: &'a Record,
    lang: Lang,
    detail: Detail,
    passed: impl Fn(usize) -> bool,
) -> SiteResult<'a> {
    let facts = RecordFacts(record);
    let outcomes: Vec<Outcome<'a>> = checklist
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if passed(i) {
                return Outcome::passed(item);
            }
            let mut outcome = judge_item(item, record, &facts, lang);
            let wanted = match detail {
                Detail::Full => true,
                Detail::Findings => outcome.status != Status::Pass,
                Detail::Scores => false,
            };
            if wanted {
                outcome.expected = item.kind.expected(Some(&facts), lang);
            }
            outcome
        })
        .collect();
    let score = Score::of(&outcomes);
    let verdict = Verdict::of(&outcomes);
    SiteResult {
        record,
        checklist,
        outcomes: Outcomes::Own(outcomes),
        grade: grade_of(checklist, verdict, score),
        score,
        verdict,
        due: None,
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

/// The outcomes of a site whose every item passed at a glance, which are the same for
/// every such site of a checklist: made once per run and shared by those sites' results,
/// instead of forty outcomes made and dropped for each row of a large file.
#[derive(Debug)]
pub struct AllPassed<'a> {
    checklist: &'a Checklist,
    outcomes: Vec<Outcome<'a>>,
    score: Score,
    verdict: Verdict,
}

impl<'a> AllPassed<'a> {
    /// The shared passes of `checklist`.
    pub fn new(checklist: &'a Checklist) -> AllPassed<'a> {
        let outcomes: Vec<Outcome<'a>> = checklist.items.iter().map(Outcome::passed).collect();
        AllPassed {
            checklist,
            score: Score::of(&outcomes),
            verdict: Verdict::of(&outcomes),
            outcomes,
        }
    }

    /// The result of `record`, a site of this checklist whose every item passed.
    fn result<'s>(&'s self, record: &'s Record) -> SiteResult<'s> {
        SiteResult {
            record,
            checklist: self.checklist,
            outcomes: Outcomes::Shared(&self.outcomes),
            score: self.score,
            grade: grade_of(self.checklist, self.verdict, self.score),
            verdict: self.verdict,
            due: None,
        }
    }
}

impl<'a> Outcome<'a> {
    /// A pass known without its value (the fast path of large files).
    fn passed(item: &'a Item) -> Outcome<'a> {
        Outcome {
            item,
            status: Status::Pass,
            earned: item.points,
            lost: Points::ZERO,
            missing: Vec::new(),
            value: None,
            observation: None,
            expected: String::new(),
            undetermined: None,
            waiver: None,
            not_applicable_refused: false,
            unrecognised: Vec::new(),
        }
    }
}

fn judge_item<'a>(
    item: &'a Item,
    record: &'a Record,
    facts: &RecordFacts<'a>,
    lang: Lang,
) -> Outcome<'a> {
    let observation = record.observations.get(&item.id);
    let mut outcome = Outcome {
        item,
        status: Status::Unrecorded,
        earned: Points::ZERO,
        lost: item.points,
        missing: Vec::new(),
        value: None,
        observation,
        expected: String::new(),
        undetermined: None,
        waiver: None,
        not_applicable_refused: false,
        unrecognised: Vec::new(),
    };
    match observation.map(|o| &o.entry) {
        None | Some(Entry::Pending) => {}
        Some(Entry::NotApplicable(_)) if item.not_applicable.allowed() => {
            outcome.status = Status::NotApplicable;
            outcome.lost = Points::ZERO;
        }
        // An exemption the checklist does not grant is no exemption: the requirement is
        // not met, and only the county's waiver can excuse it.
        Some(Entry::NotApplicable(_)) => {
            outcome.status = Status::Fail;
            outcome.not_applicable_refused = true;
        }
        Some(Entry::Value(value)) => {
            outcome.value = Some(value);
            match item.kind.judge(value, facts, lang) {
                Judgement::Pass => {
                    outcome.status = Status::Pass;
                    outcome.earned = item.points;
                    outcome.lost = Points::ZERO;
                }
                Judgement::Fail { deduction, missing } => {
                    // 扣完为止: a deduction never takes more than the item is worth.
                    let lost = deduction.map_or(item.points, |d| d.min(item.points));
                    outcome.status = Status::Fail;
                    outcome.lost = lost;
                    outcome.earned = item.points - lost;
                    outcome.missing = missing;
                    if let (crate::checklist::Kind::Includes(inc), Value::Set(found)) =
                        (&item.kind, value)
                    {
                        outcome.unrecognised = inc.unrecognised(found);
                    }
                }
                Judgement::Undetermined { reason } => outcome.undetermined = Some(reason),
            }
        }
    }
    outcome
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
        let Some(i) = site.outcomes.iter().position(|o| o.item.id == waiver.item) else {
            continue;
        };
        if site.outcomes[i].status != Status::Fail {
            continue;
        }
        if waiver.applies_on(as_of) {
            // Shared outcomes (a site that passed everything) have no failure to waive.
            let outcome = &mut site.outcomes.to_mut()[i];
            outcome.status = Status::Waived;
            outcome.waiver = Some(waiver);
        } else if waiver.expired_by(as_of) {
            expired.push(ExpiredWaiver {
                waiver,
                origin: site.record.origin.clone(),
            });
        }
    }
    site.score = Score::of(&site.outcomes);
    site.verdict = Verdict::of(&site.outcomes);
    site.grade = grade_of(site.checklist, site.verdict, site.score);
    expired
}
