//! Following up rectifications: after the deadline the county re-inspects each site that
//! had to rectify, and every rectification item is either fixed, still failing, overdue,
//! waived or still pending; anything that fails at re-inspection but did not before is a
//! new failure. Pure: the original and re-inspected results and the day are handed in.

use jiff::civil::Date;
use serde::Serialize;

use super::{Outcome, SiteResult, Status, Verdict};
use crate::checklist::{Item, Severity};
use crate::lang::Lang;

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
    /// Passed (or was not judged) at inspection but fails at re-inspection.
    New,
    /// Covered by a waiver that applies on the day judged.
    Waived,
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
        }
    }

    /// 已整改 / 仍不符合 / 逾期 / 待复查 / 新发现 / 豁免.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FollowUp::Fixed => lang.pick("已整改", "fixed"),
            FollowUp::StillFailing => lang.pick("仍不符合", "still failing"),
            FollowUp::Overdue => lang.pick("逾期", "overdue"),
            FollowUp::Pending => lang.pick("待复查", "pending"),
            FollowUp::New => lang.pick("新发现问题", "new failure"),
            FollowUp::Waived => lang.pick("豁免", "waived"),
        }
    }
}

/// One item followed up.
#[derive(Clone, Debug)]
pub struct ItemFollowUp<'r, 'a> {
    /// The item.
    pub item: &'a Item,
    /// What became of it.
    pub status: FollowUp,
    /// Its outcome at inspection.
    pub before: &'r Outcome<'a>,
    /// Its outcome at re-inspection, if there was one.
    pub after: Option<&'r Outcome<'a>>,
}

/// One site followed up.
#[derive(Clone, Debug)]
pub struct SiteFollowUp<'r, 'a> {
    /// The site as inspected.
    pub before: &'r SiteResult<'a>,
    /// The site as re-inspected (the inspection record with the re-inspection's
    /// observations laid over it), if it was.
    pub after: Option<&'r SiteResult<'a>>,
    /// The items followed up, in checklist order.
    pub items: Vec<ItemFollowUp<'r, 'a>>,
}

impl SiteFollowUp<'_, '_> {
    /// The day of the re-inspection.
    pub fn rechecked_on(&self) -> Option<Date> {
        self.after.map(|a| a.record.inspected_on)
    }

    /// The site's verdict now: the re-inspection's if there was one, else the inspection's.
    pub fn verdict(&self) -> Verdict {
        self.after.map_or(self.before.verdict, |a| a.verdict)
    }
}

/// Whether an item is one the site had to do something about at inspection.
fn followed(o: &Outcome<'_>) -> bool {
    o.needs_rectification() || o.status == Status::Waived
}

/// Follows up one site: `before` is its inspection, `after` its re-inspection (if any),
/// both with waivers applied as of `as_of`; the deadline is `before.due`.
pub fn follow_up<'r, 'a>(
    before: &'r SiteResult<'a>,
    after: Option<&'r SiteResult<'a>>,
    as_of: Date,
) -> SiteFollowUp<'r, 'a> {
    let due = before.due;
    let on_time = |day: Date| due.is_none_or(|d| day <= d.value());
    let mut items = Vec::new();
    for (i, old) in before.outcomes.iter().enumerate() {
        let new = after.and_then(|a| a.outcomes.get(i));
        let status = if followed(old) {
            let now = new.unwrap_or(old);
            if now.status == Status::Waived {
                FollowUp::Waived
            } else if let Some(a) = after {
                let day = a.record.inspected_on;
                match (
                    now.status == Status::Pass || now.status == Status::NotApplicable,
                    on_time(day),
                ) {
                    (true, true) => FollowUp::Fixed,
                    (false, true) => FollowUp::StillFailing,
                    (_, false) => FollowUp::Overdue,
                }
            } else if on_time(as_of) {
                FollowUp::Pending
            } else {
                FollowUp::Overdue
            }
        } else if let Some(now) = new
            && now.status == Status::Fail
            && now.item.severity == Severity::Mandatory
        {
            FollowUp::New
        } else {
            continue;
        };
        items.push(ItemFollowUp {
            item: old.item,
            status,
            before: old,
            after: new,
        });
    }
    SiteFollowUp {
        before,
        after,
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

    #[test]
    fn fixed_on_the_due_date_itself_is_on_time() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = true\n");
        let again = record(&c, "2020-06-30", "a = true\nb = true\n");
        let mut before = evaluate(&c, &first, Lang::Zh);
        due(&mut before);
        let after = evaluate(&c, &again, Lang::Zh);
        let f = follow_up(&before, Some(&after), jiff::civil::date(2020, 8, 1));
        assert_eq!(statuses(&f), [("a", FollowUp::Fixed)]);
        assert_eq!(f.verdict(), Verdict::Pass);
    }

    #[test]
    fn a_day_late_is_overdue_and_still_failing_is_reported() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = false\n");
        let late = record(&c, "2020-07-01", "a = true\nb = false\n");
        let mut before = evaluate(&c, &first, Lang::Zh);
        due(&mut before);
        let after = evaluate(&c, &late, Lang::Zh);
        let f = follow_up(&before, Some(&after), jiff::civil::date(2020, 8, 1));
        assert_eq!(
            statuses(&f),
            [("a", FollowUp::Overdue), ("b", FollowUp::Overdue)]
        );
        let on_time = record(&c, "2020-06-29", "a = true\nb = false\n");
        let after = evaluate(&c, &on_time, Lang::Zh);
        let f = follow_up(&before, Some(&after), jiff::civil::date(2020, 8, 1));
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
        let mut before = evaluate(&c, &first, Lang::Zh);
        due(&mut before);
        let on_due = follow_up(&before, None, jiff::civil::date(2020, 6, 30));
        assert_eq!(statuses(&on_due), [("a", FollowUp::Pending)]);
        let day_after = follow_up(&before, None, jiff::civil::date(2020, 7, 1));
        assert_eq!(statuses(&day_after), [("a", FollowUp::Overdue)]);
        assert_eq!(day_after.verdict(), Verdict::Rectify);
    }

    #[test]
    fn a_failure_found_only_at_recheck_is_new() {
        let c = Checklist::from_toml(CHECKLIST).unwrap();
        let first = record(&c, "2020-06-01", "a = false\nb = true\n");
        let again = record(&c, "2020-06-20", "a = true\nb = false\n");
        let mut before = evaluate(&c, &first, Lang::Zh);
        due(&mut before);
        let after = evaluate(&c, &again, Lang::Zh);
        let f = follow_up(&before, Some(&after), jiff::civil::date(2020, 8, 1));
        assert_eq!(statuses(&f), [("a", FollowUp::Fixed), ("b", FollowUp::New)]);
    }
}
