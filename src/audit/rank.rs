//! Ranking sites and choosing demonstration sites (clause 4.2, rulings 9 and 15): only
//! sites of the kind the campaign demonstrates (the county picks two 便民服务中心, township
//! centres) whose acceptance inspection passed every mandatory item on its own are
//! eligible — not a site that passes only by a waiver, not one without a verdict, not one
//! inspected after the acceptance phase ([`Choice`]). Sites are ordered by percentage of
//! their applicable maximum, then by the larger maximum, then by fewer advisory misses,
//! then by id, so the order is fully determined by the records. The choice rests on the
//! acceptance inspections alone: a re-inspection never changes it, but a demonstration
//! site that fails one is flagged ([`Ranking::rechecked`]).

use jiff::civil::Date;
use serde::Serialize;

use super::{SiteResult, Status, Verdict};
use crate::checklist::Severity;
use crate::points::Points;
use crate::record::campaign::Campaign;

/// What ranking needs of a site: small, so that ranking any number of sites stays cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Id, name and kind end to end: one allocation per site rather than three, as a
    /// ranking holds every site of the input.
    text: String,
    /// Where the name and the kind start in `text` (u32: a place is kept small).
    name_at: u32,
    kind_at: u32,
    /// The day the site was inspected, for a campaign that breaks ties by it.
    pub inspected_on: jiff::civil::Date,
    /// Points earned.
    pub score: Points,
    /// Applicable maximum.
    pub max_score: Points,
    /// Percentage of the maximum, in tenths.
    pub percent_tenths: u32,
    /// The verdict.
    pub verdict: Verdict,
    /// Advisory items that lost points.
    pub advisory_misses: usize,
    /// Whether a waiver excuses a failed mandatory item: the site passes (if it does) by
    /// the waiver, not on its own, so is no demonstration site (ruling 15).
    pub by_waiver: bool,
}

impl Entry {
    /// The entry of a judged site.
    pub fn of(site: &SiteResult<'_>) -> Entry {
        let r = site.record;
        Entry {
            score: site.score.earned,
            max_score: site.score.max,
            percent_tenths: site.score.percent_tenths,
            verdict: site.verdict,
            advisory_misses: site.advisory_misses(),
            by_waiver: site
                .findings
                .iter()
                .any(|o| o.status == Status::Waived && o.item.severity == Severity::Mandatory),
            inspected_on: r.inspected_on,
            ..Entry::named(&r.id, &r.name, &r.kind)
        }
    }

    /// An entry of a site with nothing but its id, name and kind (no points, verdict
    /// incomplete), to fill in.
    pub fn named(id: &str, name: &str, kind: &str) -> Entry {
        let mut text = String::with_capacity(id.len() + name.len() + kind.len());
        text.push_str(id);
        text.push_str(name);
        text.push_str(kind);
        // Ids and names are cut to sensible lengths by the readers (cells of 64 KiB).
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Entry {
            text,
            name_at: at(id.len()),
            kind_at: at(id.len() + name.len()),
            inspected_on: jiff::civil::Date::MIN,
            score: Points::ZERO,
            max_score: Points::ZERO,
            percent_tenths: 0,
            verdict: Verdict::Incomplete,
            advisory_misses: 0,
            by_waiver: false,
        }
    }

    /// Site id.
    pub fn id(&self) -> &str {
        &self.text[..self.name_at as usize]
    }

    /// Site name.
    pub fn name(&self) -> &str {
        &self.text[self.name_at as usize..self.kind_at as usize]
    }

    /// Kind of site.
    pub fn kind(&self) -> &str {
        &self.text[self.kind_at as usize..]
    }
}

/// A site's [`sort_key`] and where it was read.
type Key = (u64, u64, usize);

/// Puts `keys` in score order (best first) by counting, which keeps the order of sites of
/// equal score, and gives where each score's run starts (and the end). Percentages run
/// from 0 to 1000 tenths, so counting takes one pass; `None`, with `keys` untouched, when
/// the scores are too spread to count (they then need a plain sort).
fn by_score(keys: &mut Vec<Key>) -> Option<Vec<usize>> {
    // The packed key holds the percentage in its top 16 bits ([`sort_key`]).
    let rank_of = |key: &Key| key.0 >> 48;
    let best = keys.iter().map(rank_of).min()?;
    let spread = keys.iter().map(|k| rank_of(k) - best).max().unwrap_or(0);
    if spread > 100_000 {
        return None;
    }
    let bucket = |key: &Key| (rank_of(key) - best) as usize;
    let mut bounds = vec![0usize; spread as usize + 2];
    for key in keys.iter() {
        bounds[bucket(key) + 1] += 1;
    }
    for i in 1..bounds.len() {
        bounds[i] += bounds[i - 1];
    }
    let mut next = bounds.clone();
    let mut sorted = vec![(0, 0, 0); keys.len()];
    for &key in keys.iter() {
        let at = &mut next[bucket(&key)];
        sorted[*at] = key;
        *at += 1;
    }
    *keys = sorted;
    Some(bounds)
}

/// The first eight bytes of an id as a number that orders as the bytes do (a shorter id is
/// padded with zeros, which sort first; equal numbers leave the order to the whole id).
fn id_prefix(id: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = id.len().min(8);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// Why a site cannot be a demonstration site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    /// A mandatory item failed.
    NotAccepted,
    /// A mandatory item is unrecorded.
    NoVerdict,
    /// The campaign demonstrates another kind of site.
    OtherKind,
    /// The site passes only because a waiver excuses a failed mandatory item: a waiver
    /// lets a site pass, it does not make it a model (ruling 15).
    ByWaiver,
    /// Inspected after the acceptance phase, when the choice was made ([`Choice`]).
    AfterAcceptance,
}

/// What the choice of demonstration sites rests on (ruling 15): the acceptance
/// inspections dated on or before [`Choice::inspected_by`]. From that day on the choice is
/// the same whatever the judging day; before it, some inspections that will count have not
/// happened yet, and the choice is provisional.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The last day whose inspections count: the end of the acceptance phase, or, for a
    /// campaign that dates no phases, the day of the last inspection.
    pub inspected_by: Date,
    /// What set that day.
    pub set_by: ChoiceSetBy,
    /// The judging day (`--as-of`).
    pub as_of: Date,
}

/// What sets [`Choice::inspected_by`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceSetBy {
    /// The campaign's acceptance phase (`[phases] acceptance` in campaign.toml) ends then.
    AcceptancePhase,
    /// The campaign dates no acceptance phase: the last inspection of its records.
    LastInspection,
}

impl Choice {
    /// The choice of `campaign`, judged on `as_of`: its acceptance phase's end, else
    /// `last_inspection` (the latest inspection date of the records, those dated after
    /// `as_of` included); `None` with neither (no phase and no record).
    pub fn of(campaign: &Campaign, last_inspection: Option<Date>, as_of: Date) -> Option<Choice> {
        let (inspected_by, set_by) = match campaign.phase("acceptance") {
            Some(phase) => (phase.end, ChoiceSetBy::AcceptancePhase),
            None => (last_inspection?, ChoiceSetBy::LastInspection),
        };
        Some(Choice {
            inspected_by,
            set_by,
            as_of,
        })
    }

    /// Whether inspections that will count may still come: the judging day is before
    /// [`Choice::inspected_by`].
    pub fn provisional(&self) -> bool {
        self.as_of < self.inspected_by
    }
}

/// A re-inspection of a demonstration site that it did not pass (ruling 15): the site
/// stays chosen, and the choice says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The day of the re-inspection.
    pub rechecked_on: Date,
    /// The verdict after it, as of the judging day.
    pub verdict: Verdict,
}

/// Eligible sites sharing the percentage of the last demonstration place, not all chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tie {
    /// The shared percentage, in tenths.
    pub percent_tenths: u32,
    /// The tied sites, in ranking order, chosen or not.
    pub sites: Vec<TiedSite>,
    /// What ordered them.
    pub broken_by: TieBreak,
}

/// A site of a [`Tie`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TiedSite {
    /// Site id.
    pub id: String,
    /// Site name.
    pub name: String,
    /// Whether it was chosen.
    pub chosen: bool,
    /// Its advisory items that lost points.
    pub advisory_misses: usize,
}

/// The rule that chose among tied sites: the ranking's order after the percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// The larger applicable maximum: fewer items recorded not applicable.
    ApplicableMaximum,
    /// Fewer advisory items that lost points.
    AdvisoryMisses,
    /// The earlier inspection.
    InspectedOn,
    /// Nothing in the records told them apart: their site ids, in order. A county that
    /// wants another rule decides and records it.
    SiteId,
}

impl TieBreak {
    /// The criteria a campaign may order (`tie_break` in campaign.toml), by their names.
    pub const CONFIGURABLE: &[(&str, TieBreak)] = &[
        ("advisory_misses", TieBreak::AdvisoryMisses),
        ("inspected_on", TieBreak::InspectedOn),
    ];

    /// The order when the campaign sets none: fewer advisory misses, then the site id.
    pub const DEFAULT_ORDER: &[TieBreak] = &[TieBreak::AdvisoryMisses];

    /// A configurable criterion by its name.
    pub fn named(name: &str) -> Option<TieBreak> {
        TieBreak::CONFIGURABLE
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }
}

/// One place in the ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// 1-based rank; sites that tie on every criterion still get distinct ranks, by id.
    pub rank: usize,
    /// The site.
    pub entry: Entry,
    /// Why it is not eligible, if it is not.
    pub ineligible: Option<Ineligible>,
    /// Whether it was chosen as a demonstration site.
    pub demonstration: bool,
}

/// Sites gathered for a ranking as they are read, each with its sort key worked out at
/// once, on the reading thread and while the entry is at hand, so that ranking a country's
/// sites does not walk them all again to find their keys.
#[derive(Debug)]
pub struct Entrants {
    places: Vec<Place>,
    /// For each place, in order: [`sort_key`] and the place's index.
    keys: Vec<Key>,
    /// The tie-break criteria after the percentage and the maximum.
    order: Vec<TieBreak>,
}

impl Default for Entrants {
    fn default() -> Entrants {
        Entrants::ordered(TieBreak::DEFAULT_ORDER)
    }
}

impl Entrants {
    /// No sites yet, to be ranked with the tie-break criteria `order` (at most two are used).
    pub fn ordered(order: &[TieBreak]) -> Entrants {
        Entrants {
            places: Vec::new(),
            keys: Vec::new(),
            order: order.iter().copied().take(2).collect(),
        }
    }

    /// Adds a site, after those gathered so far.
    pub fn push(&mut self, entry: Entry) {
        let (score, id) = sort_key(&entry, &self.order);
        self.keys.push((score, id, self.places.len()));
        self.places.push(Place {
            rank: 0,
            entry,
            ineligible: None,
            demonstration: false,
        });
    }

    /// Adds the sites of `more`, after those gathered so far.
    pub fn append(&mut self, more: Entrants) {
        let base = self.places.len();
        self.keys.extend(
            more.keys
                .into_iter()
                .map(|(score, id, i)| (score, id, base + i)),
        );
        self.places.extend(more.places);
    }
}

impl FromIterator<Entry> for Entrants {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Entrants {
        let mut entrants = Entrants::default();
        for entry in entries {
            entrants.push(entry);
        }
        entrants
    }
}

/// What sites are sorted by before their whole ids: the percentage, then the larger
/// applicable maximum, then the campaign's tie-break criteria (at most two), packed in one
/// number, 16 bits each; then the id's first eight bytes, so that most comparisons touch
/// no string (most sites tie on score).
///
/// The maximum comes second so that an item recorded not applicable never lifts a site
/// above one that has the item: the same misses weigh more on a smaller maximum, and at a
/// percentage rounded to the same tenth the site with more to show ranks first.
fn sort_key(e: &Entry, order: &[TieBreak]) -> (u64, u64) {
    let percent = 0xffff - u64::from(e.percent_tenths).min(0xffff);
    let max = 0xffff - u64::from(e.max_score.tenths()).min(0xffff);
    let mut key = percent << 48 | max << 32;
    for (i, criterion) in order.iter().take(2).enumerate() {
        key |= criterion_key(e, *criterion) << (16 - 16 * i);
    }
    (key, id_prefix(e.id()))
}

/// A tie-break criterion as 16 bits, smaller first.
fn criterion_key(e: &Entry, criterion: TieBreak) -> u64 {
    match criterion {
        TieBreak::AdvisoryMisses => {
            u64::try_from(e.advisory_misses).map_or(0xffff, |m| m.min(0xffff))
        }
        // Days from 2000-01-01: earlier first, for 179 years.
        TieBreak::InspectedOn => {
            let epoch = jiff::civil::date(2000, 1, 1);
            epoch.until(e.inspected_on).map_or(0, |span| {
                u64::try_from(span.get_days()).unwrap_or(0).min(0xffff)
            })
        }
        TieBreak::ApplicableMaximum | TieBreak::SiteId => 0,
    }
}

/// The ranking of a campaign. Two rankings are equal when they rank the same places in
/// the same order, whatever order the sites were read in.
#[derive(Clone, Debug)]
pub struct Ranking {
    /// Every site, in the order read: a national ranking is not moved into ranking order
    /// (80 bytes a site), [`Ranking::places`] reads it in that order.
    sites: Vec<Place>,
    /// Indexes into `sites`, best first.
    order: Vec<usize>,
    /// How many sites are eligible, counted as they are ranked.
    eligible: usize,
    /// The demonstration sites, best first, as indexes into `sites`.
    chosen: Vec<usize>,
    /// How many demonstration sites were asked for.
    pub wanted: usize,
    /// The kind of site demonstrated.
    pub kind: String,
    /// The tie-break criteria after the percentage and the maximum.
    tie_order: Vec<TieBreak>,
    /// What the choice rests on; `None` when every site's inspection counts.
    choice: Option<Choice>,
    /// The latest re-inspection of each demonstration site that had one, as the index of
    /// the site in `sites`, its day and the verdict after it.
    rechecks: Vec<(usize, Flag)>,
}

impl PartialEq for Ranking {
    fn eq(&self, other: &Ranking) -> bool {
        self.wanted == other.wanted && self.kind == other.kind && self.places().eq(other.places())
    }
}

impl Eq for Ranking {}

impl Ranking {
    /// Ranks `entries`, choosing up to `wanted` demonstration sites of kind `kind`.
    pub fn new(entries: Vec<Entry>, wanted: usize, kind: &str) -> Ranking {
        Ranking::of(entries.into_iter().collect(), wanted, kind)
    }

    /// [`Ranking::new`] with the tie-break criteria `order` (the campaign's `tie_break`).
    pub fn ordered(entries: Vec<Entry>, wanted: usize, kind: &str, order: &[TieBreak]) -> Ranking {
        let mut entrants = Entrants::ordered(order);
        for entry in entries {
            entrants.push(entry);
        }
        Ranking::of(entrants, wanted, kind)
    }

    /// [`Ranking::new`] of sites gathered as they were read: `rank` collects them without
    /// a vector of entries besides.
    pub fn of(entrants: Entrants, wanted: usize, kind: &str) -> Ranking {
        Ranking::chosen(entrants, wanted, kind, None)
    }

    /// [`Ranking::of`], choosing as `choice` says: a site inspected after its
    /// [`Choice::inspected_by`] is not eligible. Without a choice every inspection counts.
    pub fn chosen(
        entrants: Entrants,
        wanted: usize,
        kind: &str,
        choice: Option<Choice>,
    ) -> Ranking {
        let Entrants {
            places: mut sites,
            mut keys,
            order: tie_order,
        } = entrants;
        // Sorted as small keys rather than whole entries ([`sort_key`]), then by whole id.
        // Ids are unique (ignoring case, checked when reading), so no two entries tie and
        // an unstable sort gives the one order.
        let order = |a: &Key, b: &Key| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| sites[a.2].entry.id().cmp(sites[b.2].entry.id()))
        };
        match by_score(&mut keys) {
            // Each score's sites sorted on their own: they usually come in id order
            // already, which the sort confirms in one pass.
            Some(bounds) => {
                for score in bounds.windows(2) {
                    keys[score[0]..score[1]].sort_unstable_by(order);
                }
            }
            None => keys.sort_unstable_by(order),
        }
        let order: Vec<usize> = keys.into_iter().map(|(_, _, i)| i).collect();
        let (mut chosen, mut eligible) = (Vec::new(), 0);
        // Most sites keep their file order within a score, so `sites` is walked almost in
        // sequence.
        for (i, &site) in order.iter().enumerate() {
            let place = &mut sites[site];
            let entry = &place.entry;
            let late = choice.is_some_and(|c| entry.inspected_on > c.inspected_by);
            let ineligible = match entry.verdict {
                Verdict::Rectify => Some(Ineligible::NotAccepted),
                Verdict::Incomplete => Some(Ineligible::NoVerdict),
                Verdict::Pass if entry.kind() != kind => Some(Ineligible::OtherKind),
                Verdict::Pass if entry.by_waiver => Some(Ineligible::ByWaiver),
                Verdict::Pass if late => Some(Ineligible::AfterAcceptance),
                Verdict::Pass => None,
            };
            if ineligible.is_none() {
                eligible += 1;
            }
            let demonstration = ineligible.is_none() && chosen.len() < wanted;
            if demonstration {
                chosen.push(site);
            }
            place.rank = i + 1;
            place.ineligible = ineligible;
            place.demonstration = demonstration;
        }
        Ranking {
            sites,
            order,
            eligible,
            chosen,
            wanted,
            kind: kind.to_owned(),
            tie_order,
            choice,
            rechecks: Vec::new(),
        }
    }

    /// What the choice rests on, if the ranking was made with one.
    pub fn choice(&self) -> Option<Choice> {
        self.choice
    }

    /// Notes that site `id` was re-inspected on `on`, with `verdict` after it (as of the
    /// judging day). The choice does not change (ruling 15): a demonstration site whose
    /// latest re-inspection it did not pass is flagged ([`Ranking::flag`]); any other
    /// site's re-inspection is no concern of the choice.
    pub fn rechecked(&mut self, id: &str, on: Date, verdict: Verdict) {
        let Some(&site) = self
            .chosen
            .iter()
            .find(|&&i| self.sites[i].entry.id() == id)
        else {
            return;
        };
        let flag = Flag {
            rechecked_on: on,
            verdict,
        };
        match self.rechecks.iter_mut().find(|(i, _)| *i == site) {
            Some((_, known)) if known.rechecked_on <= on => *known = flag,
            Some(_) => {}
            None => self.rechecks.push((site, flag)),
        }
    }

    /// The flag of a demonstration site that did not pass its latest re-inspection.
    pub fn flag(&self, place: &Place) -> Option<Flag> {
        if !place.demonstration {
            return None;
        }
        self.rechecks
            .iter()
            .find(|(i, _)| self.sites[*i].entry.id() == place.entry.id())
            .map(|(_, flag)| *flag)
            .filter(|flag| flag.verdict != Verdict::Pass)
    }

    /// The flagged demonstration sites, best first, with their flags.
    pub fn flagged(&self) -> impl Iterator<Item = (&Place, Flag)> {
        self.demonstration()
            .filter_map(|p| Some((p, self.flag(p)?)))
    }

    /// Every site, best first.
    pub fn places(&self) -> impl ExactSizeIterator<Item = &Place> + Clone {
        self.order.iter().map(|&i| &self.sites[i])
    }

    /// The places kind by kind, each kind ranked on its own (a village station is not
    /// ranked among township centres): the kinds in the order of `kinds`, then any other
    /// kind in the order met; each place with its rank among its kind, best first. Kinds
    /// without a place are left out.
    pub fn by_kind<'k>(
        &self,
        kinds: impl IntoIterator<Item = &'k str>,
    ) -> Vec<(String, Vec<(usize, &Place)>)> {
        let mut groups: Vec<(String, Vec<(usize, &Place)>)> = kinds
            .into_iter()
            .map(|k| (k.to_owned(), Vec::new()))
            .collect();
        for place in self.places() {
            let kind = place.entry.kind();
            let n = match groups.iter().position(|(k, _)| k == kind) {
                Some(n) => n,
                None => {
                    groups.push((kind.to_owned(), Vec::new()));
                    groups.len() - 1
                }
            };
            let places = &mut groups[n].1;
            places.push((places.len() + 1, place));
        }
        groups.retain(|(_, places)| !places.is_empty());
        groups
    }

    /// The demonstration sites, best first.
    pub fn demonstration(&self) -> impl Iterator<Item = &Place> {
        self.chosen.iter().map(|&i| &self.sites[i])
    }

    /// How many sites were eligible.
    pub fn eligible(&self) -> usize {
        self.eligible
    }

    /// The tie at the last demonstration place, if eligible sites share its percentage
    /// but not all of them were chosen (ruling 13): the sites tied, and what chose among
    /// them. `None` when the choice is clear.
    pub fn tie(&self) -> Option<Tie> {
        let last = self.demonstration().last()?;
        let percent = last.entry.percent_tenths;
        let eligible_at = |p: &&Place| p.ineligible.is_none() && p.entry.percent_tenths == percent;
        // Places are in order, so the tied ones are together: walk from the first of them.
        let tied: Vec<&Place> = self
            .places()
            .skip_while(|p| p.entry.percent_tenths > percent)
            .take_while(|p| p.entry.percent_tenths == percent)
            .filter(eligible_at)
            .collect();
        let first_left = tied.iter().find(|p| !p.demonstration)?;
        let broken_by = if last.entry.max_score > first_left.entry.max_score {
            TieBreak::ApplicableMaximum
        } else {
            self.tie_order
                .iter()
                .copied()
                .find(|c| criterion_key(&last.entry, *c) < criterion_key(&first_left.entry, *c))
                .unwrap_or(TieBreak::SiteId)
        };
        Some(Tie {
            percent_tenths: percent,
            sites: tied
                .iter()
                .map(|p| TiedSite {
                    id: p.entry.id().to_owned(),
                    name: p.entry.name().to_owned(),
                    chosen: p.demonstration,
                    advisory_misses: p.entry.advisory_misses,
                })
                .collect(),
            broken_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, kind: &str, percent: u32, verdict: Verdict, misses: usize) -> Entry {
        Entry {
            score: Points::from_tenths(percent),
            max_score: Points::from_tenths(1000),
            percent_tenths: percent,
            verdict,
            advisory_misses: misses,
            ..Entry::named(id, id, kind)
        }
    }

    fn ids(r: &Ranking) -> Vec<&str> {
        r.places().map(|p| p.entry.id()).collect()
    }

    #[test]
    fn orders_by_score_then_advisory_misses_then_id() {
        let r = Ranking::new(
            vec![
                entry("c", "township", 975, Verdict::Pass, 2),
                entry("b", "township", 975, Verdict::Pass, 1),
                entry("a", "township", 975, Verdict::Pass, 2),
                entry("d", "township", 990, Verdict::Pass, 3),
            ],
            2,
            "township",
        );
        assert_eq!(ids(&r), ["d", "b", "a", "c"]);
        assert_eq!(r.places().map(|p| p.rank).collect::<Vec<_>>(), [1, 2, 3, 4]);
        let demo: Vec<&str> = r.demonstration().map(|p| p.entry.id()).collect();
        assert_eq!(demo, ["d", "b"]);
    }

    #[test]
    fn each_kind_is_ranked_on_its_own_in_the_order_given() {
        let r = Ranking::new(
            vec![
                entry("v1", "village", 990, Verdict::Pass, 0),
                entry("t1", "township", 950, Verdict::Pass, 0),
                entry("s1", "school", 999, Verdict::Pass, 0),
                entry("v2", "village", 1000, Verdict::Pass, 0),
                entry("t2", "township", 980, Verdict::Pass, 0),
            ],
            2,
            "township",
        );
        let shown =
            |groups: Vec<(String, Vec<(usize, &Place)>)>| -> Vec<(String, Vec<(usize, String)>)> {
                groups
                    .into_iter()
                    .map(|(kind, places)| {
                        let places = places
                            .into_iter()
                            .map(|(n, p)| (n, p.entry.id().to_owned()));
                        (kind, places.collect())
                    })
                    .collect()
            };
        let pair = |n: usize, id: &str| (n, id.to_owned());
        // The kinds asked for first, in that order (one without sites left out), then
        // any other in the order met; each place numbered within its kind, best first.
        assert_eq!(
            shown(r.by_kind(["township", "hall", "village"])),
            [
                ("township".to_owned(), vec![pair(1, "t2"), pair(2, "t1")]),
                ("village".to_owned(), vec![pair(1, "v2"), pair(2, "v1")]),
                ("school".to_owned(), vec![pair(1, "s1")]),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_order_is_score_then_misses_then_the_whole_id(
            sites in proptest::collection::btree_map("[ab0-]{0,11}", (proptest::prop_oneof![995u32..=1000, 0u32..=1000], 0usize..3), 0..60),
            seed in 0u64..1000,
        ) {
            let mut entries: Vec<Entry> = sites
                .iter()
                .map(|(id, &(percent, misses))| entry(id, "township", percent, Verdict::Pass, misses))
                .collect();
            // In any order: files are not sorted by id.
            let mut rng = crate::synth::Rng::new(seed);
            for i in (1..entries.len()).rev() {
                entries.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut expected = entries.clone();
            expected.sort_by(|a, b| {
                b.percent_tenths
                    .cmp(&a.percent_tenths)
                    .then(a.advisory_misses.cmp(&b.advisory_misses))
                    .then_with(|| a.id().cmp(b.id()))
            });
            let ranked = Ranking::new(entries, 2, "township");
            let got: Vec<&Entry> = ranked.places().map(|p| &p.entry).collect();
            proptest::prop_assert_eq!(got, expected.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn only_accepted_sites_of_the_demonstrated_kind_are_eligible() {
        let r = Ranking::new(
            vec![
                entry("failing", "township", 999, Verdict::Rectify, 0),
                entry("village", "village", 1000, Verdict::Pass, 0),
                entry("gap", "township", 998, Verdict::Incomplete, 0),
                entry("ok", "township", 900, Verdict::Pass, 0),
            ],
            2,
            "township",
        );
        assert_eq!(ids(&r), ["village", "failing", "gap", "ok"]);
        let reasons: Vec<Option<Ineligible>> = r.places().map(|p| p.ineligible).collect();
        assert_eq!(
            reasons,
            [
                Some(Ineligible::OtherKind),
                Some(Ineligible::NotAccepted),
                Some(Ineligible::NoVerdict),
                None
            ]
        );
        let demo: Vec<&str> = r.demonstration().map(|p| p.entry.id()).collect();
        assert_eq!(demo, ["ok"]);
        assert!(r.eligible() < r.wanted, "fewer eligible than wanted");
    }

    fn chosen_ids(r: &Ranking) -> Vec<&str> {
        r.demonstration().map(|p| p.entry.id()).collect()
    }

    fn campaign_ending(end: Option<Date>) -> Campaign {
        let mut c = Campaign::standalone();
        if let Some(end) = end {
            c.phases.push(crate::record::campaign::Phase {
                key: "acceptance".to_owned(),
                start: jiff::civil::date(2020, 5, 28),
                end,
            });
        }
        c
    }

    #[test]
    fn a_site_passing_by_a_waiver_or_inspected_late_is_not_eligible() {
        let end = jiff::civil::date(2020, 6, 18);
        let mut waived = entry("waived", "township", 1000, Verdict::Pass, 0);
        waived.by_waiver = true;
        let mut late = entry("late", "township", 999, Verdict::Pass, 0);
        late.inspected_on = jiff::civil::date(2020, 6, 22);
        let mut on_time = entry("ok", "township", 900, Verdict::Pass, 0);
        on_time.inspected_on = end;
        let choice = Choice::of(&campaign_ending(Some(end)), None, end);
        let entries: Entrants = vec![waived, late, on_time].into_iter().collect();
        let r = Ranking::chosen(entries, 2, "township", choice);
        let reasons: Vec<Option<Ineligible>> = r.places().map(|p| p.ineligible).collect();
        assert_eq!(
            reasons,
            [
                Some(Ineligible::ByWaiver),
                Some(Ineligible::AfterAcceptance),
                None
            ]
        );
        assert_eq!(chosen_ids(&r), ["ok"]);
        assert_eq!(
            r.choice().map(|c| c.inspected_by),
            Some(jiff::civil::date(2020, 6, 18))
        );
        // Without a choice every inspection counts, as before.
        let entries: Entrants = r.places().map(|p| p.entry.clone()).collect();
        let all = Ranking::of(entries, 2, "township");
        assert_eq!(chosen_ids(&all), ["late", "ok"]);
    }

    #[test]
    fn the_choice_is_provisional_before_it_is_fixed() {
        let end = jiff::civil::date(2020, 6, 18);
        let phased = campaign_ending(Some(end));
        let before = Choice::of(&phased, None, jiff::civil::date(2020, 6, 17)).unwrap();
        assert!(before.provisional());
        assert_eq!(before.set_by, ChoiceSetBy::AcceptancePhase);
        let on = Choice::of(&phased, None, end).unwrap();
        assert!(!on.provisional());
        // No phases: the last inspection sets the day; nothing at all, no choice.
        let loose = campaign_ending(None);
        let last = Some(jiff::civil::date(2020, 6, 22));
        let c = Choice::of(&loose, last, end).unwrap();
        assert_eq!(
            (c.set_by, c.inspected_by, c.provisional()),
            (
                ChoiceSetBy::LastInspection,
                jiff::civil::date(2020, 6, 22),
                true
            )
        );
        assert_eq!(Choice::of(&loose, None, end), None);
    }

    #[test]
    fn a_failed_re_inspection_flags_a_demonstration_site_and_changes_nothing_else() {
        let sites = vec![
            entry("a", "township", 990, Verdict::Pass, 0),
            entry("b", "township", 980, Verdict::Pass, 0),
            entry("c", "township", 970, Verdict::Pass, 0),
        ];
        let mut r = Ranking::new(sites, 2, "township");
        let (july_6, july_20) = (
            jiff::civil::date(2020, 7, 6),
            jiff::civil::date(2020, 7, 20),
        );
        r.rechecked("a", july_6, Verdict::Rectify);
        r.rechecked("b", july_6, Verdict::Pass);
        r.rechecked("c", july_6, Verdict::Rectify);
        assert_eq!(chosen_ids(&r), ["a", "b"], "kept, not replaced");
        let flags: Vec<(&str, Date)> = r
            .flagged()
            .map(|(p, f)| (p.entry.id(), f.rechecked_on))
            .collect();
        assert_eq!(flags, [("a", july_6)], "c is no demonstration site");
        // The latest re-inspection counts.
        r.rechecked("a", july_20, Verdict::Pass);
        assert_eq!(r.flagged().count(), 0);
        r.rechecked("a", july_6, Verdict::Rectify);
        assert_eq!(
            r.flagged().count(),
            0,
            "an earlier one does not undo a later"
        );
    }

    #[test]
    fn a_place_is_small() {
        // A national ranking holds every site: each byte here is half a megabyte.
        assert!(
            std::mem::size_of::<Place>() <= 80,
            "{}",
            std::mem::size_of::<Place>()
        );
    }

    #[test]
    fn input_order_does_not_matter() {
        let sites = vec![
            entry("x", "township", 950, Verdict::Pass, 1),
            entry("y", "township", 950, Verdict::Pass, 1),
            entry("z", "township", 960, Verdict::Pass, 4),
        ];
        let mut reversed = sites.clone();
        reversed.reverse();
        assert_eq!(
            Ranking::new(sites, 2, "township"),
            Ranking::new(reversed, 2, "township")
        );
    }
}
