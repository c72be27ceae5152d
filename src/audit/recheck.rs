//! Following up rectifications: after the deadline the county re-inspects each site that
//! had to rectify, and every rectification item is either fixed, still failing, overdue,
//! waived or still pending; anything that fails at re-inspection but did not before is a
//! new failure. Pure: the original and re-inspected results and the day are handed in.

use jiff::civil::Date;
use serde::Serialize;

use std::collections::BTreeSet;

use super::{Dues, Outcome, SiteResult, Status, Verdict};
use crate::checklist::Item;
use crate::record::waiver::Waiver;

/// What became of one item after the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// Re-inspected on or before the due date and now passes.
    Fixed,
    /// Re-inspected on or before the due date and still fails.
    StillFailing,
    /// Re-inspected after the due date, or not re-inspected and the due date has passed.
    Overdue,
    /// Not re-inspected yet, and the due date has not passed.
    Pending,
    /// Passed (or was not judged) at inspection, found failing at a re-inspection, and
    /// not yet due (ruling 9: it is a rectification item from that day).
    New,
    /// Covered by a waiver that applies on the day judged.
    Waived,
    /// A mandatory item not recorded at inspection (待补查) and not recorded since: the
    /// site is told to record it, not given a deadline (ruling 14).
    ToRecord,
    /// A mandatory item not recorded at inspection, recorded at a re-inspection (补查) and
    /// found passing. (Found failing, it is a rectification item: `New`, then on.)
    Recorded,
}

impl FollowUp {
    /// The ASCII word used in JSON and CSV.
    pub fn code(self) -> &'static str {
        match self {
            FollowUp::Fixed => "fixed",
            FollowUp::StillFailing => "still_failing",
            FollowUp::Overdue => "overdue",
            FollowUp::Pending => "pending",
            FollowUp::New => "new",
            FollowUp::Waived => "waived",
            FollowUp::ToRecord => "to_record",
            FollowUp::Recorded => "recorded",
        }
    }
}

/// One item followed up.
#[derive(Clone, Debug)]
pub struct ItemFollowUp<'a> {
    /// The item.
    pub item: &'a Item,
    /// What became of it.
    pub status: FollowUp,
    /// Its outcome at inspection.
    pub before: Outcome<'a>,
    /// Its outcome at the last re-inspection that recorded it, if one did.
    pub after: Option<Outcome<'a>>,
    /// The last re-inspection that recorded it (a note alone records nothing).
    pub rechecked_on: Option<Date>,
    /// The re-inspection where it was found failing, for an item that passed (or was not
    /// recorded) at inspection: ruling 9 makes it a rectification item from that day.
    pub found_on: Option<Date>,
    /// The deadline in force for it: the inspection's; for an item found at a
    /// re-inspection, 20 working days from that day; for an item whose waiver has lapsed,
    /// 20 working days from the lapse. `None` while a waiver covers it.
    pub due: Option<super::Deadline>,
}

/// One re-inspection of a site, judged: the inspection record with this re-inspection and
/// every earlier one laid over it, and the items this one recorded anew.
#[derive(Clone, Debug)]
pub struct Reinspection<'a> {
    /// The site as it stood after this re-inspection (waivers applied as of the day judged).
    pub site: SiteResult<'a>,
    /// The items this re-inspection recorded: a value or a not-applicable answer.
    pub looked_at: &'a BTreeSet<String>,
}

impl Reinspection<'_> {
    /// The day of the re-inspection.
    pub fn day(&self) -> Date {
        self.site.record.inspected_on
    }
}

/// One site followed up.
#[derive(Clone, Debug)]
pub struct SiteFollowUp<'r, 'a> {
    /// The site as inspected.
    pub before: &'r SiteResult<'a>,
    /// The site as it stands after its last re-inspection, if it was re-inspected.
    pub after: Option<&'r SiteResult<'a>>,
    /// The days of every re-inspection, oldest first (on or before the day judged).
    pub history: Vec<Date>,
    /// The items followed up, in checklist order.
    pub items: Vec<ItemFollowUp<'a>>,
}

impl SiteFollowUp<'_, '_> {
    /// The day of the last re-inspection.
    pub fn rechecked_on(&self) -> Option<Date> {
        self.history.last().copied()
    }

    /// The site's verdict now: the last re-inspection's if there was one, else the
    /// inspection's.
    pub fn verdict(&self) -> Verdict {
        self.after.map_or(self.before.verdict, |a| a.verdict)
    }
}

/// Follows up every site of a campaign ([`follow_up`]): each with its own re-inspections
/// out of `rechecks` (all on or before `as_of`, in any order of sites, oldest first for
/// each). Sites with nothing to follow up and no re-inspection are left out.
pub fn follow_ups<'r, 'a>(
    befores: &'r [SiteResult<'a>],
    rechecks: &'r [Reinspection<'a>],
    waivers: &[Waiver],
    as_of: Date,
    dues: &Dues,
) -> Vec<SiteFollowUp<'r, 'a>> {
    befores
        .iter()
        .map(|before| {
            let own: Vec<&Reinspection<'a>> = rechecks
                .iter()
                .filter(|r| r.site.record.id == before.record.id)
                .collect();
            follow_up(before, &own, waivers, as_of, dues)
        })
        .filter(|f| !f.items.is_empty() || !f.history.is_empty())
        .collect()
}

fn passing(o: &Outcome<'_>) -> bool {
    matches!(o.status, Status::Pass | Status::NotApplicable)
}

/// Follows up one site as known on `as_of`: `before` is its inspection (waivers applied
/// as of `as_of`, dated), `rechecks` its re-inspections on or before `as_of`, oldest
/// first; `waivers` the campaign's; `dues` the deadlines counted from each re-inspection
/// and each waiver's lapse (docs/followup.md states the rules).
pub fn follow_up<'r, 'a>(
    before: &'r SiteResult<'a>,
    rechecks: &[&'r Reinspection<'a>],
    waivers: &[Waiver],
    as_of: Date,
    dues: &Dues,
) -> SiteFollowUp<'r, 'a> {
    let mut items = Vec::new();
    let rechecked: Vec<(&Reinspection<'a>, Vec<Outcome<'a>>)> =
        rechecks.iter().map(|r| (*r, r.site.outcomes())).collect();
    for (i, old) in before.outcomes().into_iter().enumerate() {
        let id = &old.item.id;
        // What each re-inspection that looked at the item again found.
        let observed: Vec<(Date, &Outcome<'a>)> = rechecked
            .iter()
            .filter(|(r, _)| r.looked_at.contains(id))
            .filter_map(|(r, outcomes)| Some((r.day(), outcomes.get(i)?)))
            .collect();
        // A waiver is granted for a failure found at inspection: one for an item that did
        // not fail then postpones nothing, and never hides a later failure.
        let waiver = waivers
            .iter()
            .find(|w| w.site == before.record.id && w.item == *id && w.approved_on <= as_of)
            .filter(|_| old.failed_mandatory());
        let waived_on = |day: Date| waiver.is_some_and(|w| w.applies_on(day));
        let last = observed.last().copied();
        let (status, found_on, due) = if old.failed_mandatory() {
            let due = if waived_on(as_of) {
                None
            } else {
                match waiver {
                    // A waiver postpones the rectification; when it lapses with the item
                    // still failing, the 20 working days run from the lapse.
                    Some(w) if w.expired_by(as_of) => dues.after(w.expires),
                    _ => before.due,
                }
            };
            let in_time = |day: Date| due.is_none_or(|d| day <= d.value());
            let status = match last {
                // A fix made while a waiver covered the item stays a fix when it lapses.
                Some((day, now)) if passing(now) => {
                    if waived_on(day) || in_time(day) {
                        FollowUp::Fixed
                    } else {
                        FollowUp::Overdue
                    }
                }
                _ if waived_on(as_of) => FollowUp::Waived,
                Some((day, _)) if in_time(day) => FollowUp::StillFailing,
                Some(_) => FollowUp::Overdue,
                None if in_time(as_of) => FollowUp::Pending,
                None => FollowUp::Overdue,
            };
            (status, None, due)
        } else {
            // Ruling 9: a failure found at a re-inspection is a rectification item, due 20
            // working days from that re-inspection; fixed and broken again, it starts over.
            let mut found: Option<(Date, Option<super::Deadline>)> = None;
            let mut fixed_on: Option<Date> = None;
            for &(day, now) in &observed {
                if now.failed_mandatory() {
                    if found.is_none() || fixed_on.is_some() {
                        found = Some((day, dues.after(day)));
                        fixed_on = None;
                    }
                } else if passing(now) && found.is_some() {
                    fixed_on.get_or_insert(day);
                }
            }
            match found {
                // Ruling 14: an item not recorded is told to be recorded, with no deadline.
                None if old.status == Status::Unrecorded
                    && old.item.severity == crate::checklist::Severity::Mandatory =>
                {
                    let status = if observed.iter().any(|(_, now)| passing(now)) {
                        FollowUp::Recorded
                    } else {
                        FollowUp::ToRecord
                    };
                    (status, None, None)
                }
                None => continue,
                Some((found_on, due)) => {
                    let in_time = |day: Date| due.is_none_or(|d| day <= d.value());
                    let last_day = last.map_or(found_on, |(day, _)| day);
                    let status = match fixed_on {
                        Some(day) if waived_on(day) || in_time(day) => FollowUp::Fixed,
                        Some(_) => FollowUp::Overdue,
                        None if waived_on(as_of) => FollowUp::Waived,
                        None if last_day == found_on && in_time(as_of) => FollowUp::New,
                        None if last_day != found_on && in_time(last_day) => FollowUp::StillFailing,
                        None => FollowUp::Overdue,
                    };
                    let due = if waived_on(as_of) { None } else { due };
                    (status, Some(found_on), due)
                }
            }
        };
        items.push(ItemFollowUp {
            item: old.item,
            status,
            after: last.map(|(_, o)| o.clone()),
            rechecked_on: last.map(|(day, _)| day),
            found_on,
            due,
            before: old,
        });
    }
    SiteFollowUp {
        before,
        after: rechecks.last().map(|r| &r.site),
        history: rechecks.iter().map(|r| r.day()).collect(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::evaluate;
    use crate::checklist::Checklist;
    use crate::record::Record;

    const CHECKLIST: &str = r#"
id = "mini"
title = "小清单"
version = "1"
site_kind = "township"
site_kind_name = "乡镇便民服务中心"
source = "测试"
total_points = 10
[clauses]
"3.1.1" = { title = "办公场所" }
[[grades]]
name = "合格"
min = 0
[[items]]
id = "a"
clause = "3.1.1"
title = "甲"
kind = "yes_no"
severity = "mandatory"
points = 5
help = "看"
[[items]]
id = "b"
clause = "3.1.1"
title = "乙"
kind = "yes_no"
severity = "mandatory"
points = 5
help = "看"
"#;

    fn record(c: &Checklist, day: &str, obs: &str) -> Record {
        let text = format!(
            "id = \"s\"\nname = \"n\"\nkind = \"township\"\ntownship = \"t\"\ninspected_on = {day}\ninspectors = [\"x\"]\n[observations]\n{obs}"
        );
        crate::record::toml::read(&text, "test", std::slice::from_ref(c)).unwrap()
    }

    fn statuses<'f>(f: &'f SiteFollowUp<'_, '_>) -> Vec<(&'f str, FollowUp)> {
        f.items
            .iter()
            .map(|i| (i.item.id.as_str(), i.status))
            .collect()
    }

    fn due(site: &mut SiteResult<'_>) {
        site.due = Some(crate::calendar::Reckoned::official(jiff::civil::date(
            2020, 6, 30,
        )));
    }

    /// Every item of the mini checklist, as a re-inspection that recorded them all.
    fn all() -> &'static BTreeSet<String> {
        static ALL: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| ["a", "b"].map(str::to_owned).into())
    }

    /// A deadline of 2020-07-20 from any re-inspection day or lapse the tests use.
    fn dues() -> Dues {
        let calendar = crate::calendar::Calendar::builtin();
        Dues::new(
            &calendar,
            20,
            ["2020-06-20", "2020-06-30", "2020-07-01", "2020-09-30"].map(|d| d.parse().unwrap()),
        )
        .unwrap()
    }

    fn again<'a>(c: &'a Checklist, r: &'a Record) -> Reinspection<'a> {
        Reinspection {
            site: evaluate(c, r),
            looked_at: all(),
        }
    }

    fn day(text: &str) -> jiff::civil::Date {
        text.parse().unwrap()
    }

    #[test]
    fn fixed_on_the_due_date_itself_is_on_time() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = true\n");
        let second = record(&c, "2020-06-30", "a = true\nb = true\n");
        let mut before = evaluate(&c, &first);
        due(&mut before);
        let after = again(&c, &second);
        let f = follow_up(&before, &[&after], &[], day("2020-08-01"), &dues());
        assert_eq!(statuses(&f), [("a", FollowUp::Fixed)]);
        assert_eq!(f.verdict(), Verdict::Pass);
    }

    #[test]
    fn a_day_late_is_overdue_and_still_failing_is_reported() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = false\n");
        let late = record(&c, "2020-07-01", "a = true\nb = false\n");
        let mut before = evaluate(&c, &first);
        due(&mut before);
        let after = again(&c, &late);
        let f = follow_up(&before, &[&after], &[], day("2020-08-01"), &dues());
        assert_eq!(
            statuses(&f),
            [("a", FollowUp::Overdue), ("b", FollowUp::Overdue)]
        );
        let on_time = record(&c, "2020-06-29", "a = true\nb = false\n");
        let after = again(&c, &on_time);
        let f = follow_up(&before, &[&after], &[], day("2020-08-01"), &dues());
        assert_eq!(
            statuses(&f),
            [("a", FollowUp::Fixed), ("b", FollowUp::StillFailing)]
        );
        assert_eq!(f.verdict(), Verdict::Rectify);
    }

    #[test]
    fn without_a_recheck_the_due_date_decides_pending_or_overdue() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = true\n");
        let mut before = evaluate(&c, &first);
        due(&mut before);
        let on_due = follow_up(&before, &[], &[], day("2020-06-30"), &dues());
        assert_eq!(statuses(&on_due), [("a", FollowUp::Pending)]);
        let day_after = follow_up(&before, &[], &[], day("2020-07-01"), &dues());
        assert_eq!(statuses(&day_after), [("a", FollowUp::Overdue)]);
        assert_eq!(day_after.verdict(), Verdict::Rectify);
    }

    #[test]
    fn a_failure_found_at_recheck_is_due_20_working_days_from_it() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = true\n");
        let second = record(&c, "2020-06-20", "a = true\nb = false\n");
        let mut before = evaluate(&c, &first);
        due(&mut before);
        let after = again(&c, &second);
        let dues = dues();
        let found_due = dues.after(day("2020-06-20")).unwrap();
        // Not yet due: new, with its own deadline.
        let f = follow_up(&before, &[&after], &[], found_due.value(), &dues);
        assert_eq!(statuses(&f), [("a", FollowUp::Fixed), ("b", FollowUp::New)]);
        assert_eq!(f.items[1].due, Some(found_due));
        assert_eq!(f.items[1].found_on, Some(day("2020-06-20")));
        // Past it with no fix: overdue, like any rectification item.
        let later = found_due.value().tomorrow().unwrap();
        let f = follow_up(&before, &[&after], &[], later, &dues);
        assert_eq!(statuses(&f)[1], ("b", FollowUp::Overdue));
        // Fixed at a second re-inspection in time.
        let third = record(&c, "2020-07-01", "b = true\n");
        let mut merged = second.clone();
        merged.inspected_on = third.inspected_on;
        merged
            .observations
            .insert("b".into(), third.observations.get("b").unwrap().clone());
        let only_b: BTreeSet<String> = ["b".to_owned()].into();
        let third = Reinspection {
            site: evaluate(&c, &merged),
            looked_at: &only_b,
        };
        let f = follow_up(&before, &[&after, &third], &[], later, &dues);
        assert_eq!(
            statuses(&f),
            [("a", FollowUp::Fixed), ("b", FollowUp::Fixed)]
        );
        assert_eq!(f.history, [day("2020-06-20"), day("2020-07-01")]);
        // a was last looked at on 06-20, b on 07-01.
        assert_eq!(f.items[0].rechecked_on, Some(day("2020-06-20")));
        assert_eq!(f.items[1].rechecked_on, Some(day("2020-07-01")));
    }
}
