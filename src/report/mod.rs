//! Reports for office staff: a campaign summary, a page per site and a rectification
//! notice (整改通知书) per failing site, in several formats.
//!
//! [`Report`] is the pure model every format renders: what the counts are, which
//! requirements failed most, how each clause fared, what each notice lists. The format
//! modules only lay it out; each returns the files it makes as `(relative path, bytes)` and
//! the `report` command writes them. Nothing here reads a file or the clock: the same
//! inputs give byte-identical reports.

pub mod docx;
pub mod html;
pub mod image;
pub mod markdown;
mod wording;
pub mod xlsx;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::audit::rank::Ranking;
use crate::audit::recheck::{FollowUp, Reinspection, SiteFollowUp, follow_ups};
use crate::audit::{Outcome, Run, SiteResult, Status, Verdict};
use crate::checklist::Severity;
use crate::lang::Lang;
use crate::points::Points;
use crate::record::waiver::Waiver;

pub use crate::inputs::InputDigest;
pub use wording::required_fix;

/// Everything a report shows.
pub struct Report<'a> {
    /// The campaign, its checklists and phases.
    pub run: &'a Run<'a>,
    /// Every site, in the order the records were read.
    pub sites: Vec<SiteResult<'a>>,
    /// The ranking and demonstration sites.
    pub ranking: Ranking,
    /// The input files with their digests.
    pub inputs: Vec<InputDigest>,
    /// The language of the report.
    pub lang: Lang,
    /// The day deadlines and waivers are judged on.
    pub as_of: Date,
    /// The campaign's waivers.
    pub waivers: &'a [Waiver],
    /// Every re-inspection (the inspection record with it and the earlier ones laid
    /// over), judged like `sites`; empty when there were no re-inspections.
    pub rechecked: Vec<Reinspection<'a>>,
    /// The deadlines counted from re-inspections and waiver lapses.
    pub dues: crate::audit::Dues,
    /// Records that could not be read: the report is of the others, and its first page
    /// says so.
    pub unread: &'a [crate::audit::UnreadRecord],
    /// The evidence files the records and re-inspections cite, found or not.
    pub evidence: Vec<crate::audit::EvidenceFile>,
    /// The campaign folder, when the report is of one: files in it are shown relative to
    /// it ([`Report::shown_path`]).
    pub campaign_dir: Option<std::path::PathBuf>,
    /// The bytes of the photos among them, by the name of their copy in the report folder
    /// ([`crate::audit::EvidenceFile::photo_name`]): for the Word notices, which embed
    /// them, and the HTML notices, which size them. Empty when no format shows photos.
    pub photos: BTreeMap<String, Vec<u8>>,
}

/// One evidence file a notice's item cites, for the notice's attachment (附件：问题照片).
pub struct Attached<'r, 'a> {
    /// The item, as the notice lists it.
    pub outcome: &'r Outcome<'a>,
    /// Its number in the notice's table of problems, from 1.
    pub number: usize,
    /// The path as the record writes it.
    pub cited: &'r str,
    /// What was found there, when the report knows the file.
    pub file: Option<&'r crate::audit::EvidenceFile>,
    /// The photo: its copy's name, its bytes and what their header says, when it is a PNG
    /// or JPEG file the report holds.
    pub photo: Option<Photo<'r>>,
}

/// A photo a notice prints.
pub struct Photo<'r> {
    /// The name of its copy in the report folder (`photos/<sha256 prefix>.<ext>`).
    pub name: &'r str,
    /// Its bytes.
    pub bytes: &'r [u8],
    /// PNG or JPEG.
    pub kind: image::Kind,
    /// Width and height in pixels.
    pub pixels: (u32, u32),
}

impl<'a> Report<'a> {
    /// The evidence files the records of site `site` cite as `cited` for `item`.
    pub fn evidence_for(
        &self,
        site: &str,
        item: &str,
        cited: &str,
    ) -> Vec<&crate::audit::EvidenceFile> {
        self.evidence
            .iter()
            .filter(|e| e.site == site && e.item == item && e.cited == cited)
            .collect()
    }

    /// The evidence a notice's items cite, item by item in the notice's order and each
    /// path once per item: what its attachment shows (the photos) and lists (the rest).
    pub fn attached<'r>(&'r self, notice: &'r Notice<'r, 'a>) -> Vec<Attached<'r, 'a>> {
        let site = &notice.site.record;
        let mut out: Vec<Attached<'r, 'a>> = Vec::new();
        for (i, o) in notice.problems.iter().enumerate() {
            for cited in o.evidence() {
                if out
                    .iter()
                    .any(|a| a.number == i + 1 && a.cited == cited.as_str())
                {
                    continue;
                }
                let mut found = self.evidence_for(&site.id, &o.item.id, cited);
                found.sort_by_key(|e| e.record != site.origin);
                let file = found.first().copied();
                let photo = file.and_then(|f| {
                    let (name, bytes) = self.photos.get_key_value(&f.photo_name()?)?;
                    let (kind, w, h) = image::pixel_size(bytes)?;
                    Some(Photo {
                        name,
                        bytes,
                        kind,
                        pixels: (w, h),
                    })
                });
                out.push(Attached {
                    outcome: o,
                    number: i + 1,
                    cited,
                    file,
                    photo,
                });
            }
        }
        out
    }
}

/// Where a waiver stands on the report's day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaiverState {
    /// Not yet in force (approved after the day judged).
    NotYet,
    /// In force.
    Active,
    /// Run out: the item counts as a failure again.
    Expired,
    /// Of an item that did not fail at inspection: it postpones nothing (and never hides a
    /// later failure).
    Unused,
}

/// How often one requirement failed across sites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemStat {
    /// Id of the checklist the item belongs to.
    pub checklist: String,
    /// Item id.
    pub item: String,
    /// Clause.
    pub clause: String,
    /// Title in the report's language.
    pub title: String,
    /// Sites where it failed.
    pub failed: usize,
    /// Sites judged against its checklist.
    pub sites: usize,
}

/// How one clause fared across sites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseStat {
    /// Id of the checklist the clause belongs to.
    pub checklist: String,
    /// Clause number.
    pub clause: String,
    /// Clause heading in the report's language.
    pub title: String,
    /// Sites with at least one failed mandatory item under the clause.
    pub failed: usize,
    /// Sites judged against the checklist.
    pub sites: usize,
}

impl WaiverState {
    /// 生效 / 已失效 / 未生效, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            WaiverState::NotYet => lang.pick("未生效", "not yet in force"),
            WaiverState::Active => lang.pick("生效中", "in force"),
            WaiverState::Expired => lang.pick("已失效", "expired"),
            WaiverState::Unused => lang.pick(
                "不起作用：检查时该项未不合格",
                "does nothing: the item did not fail",
            ),
        }
    }
}

impl ClauseStat {
    /// The failure rate in per mille, rounded half up, for bars and percentages.
    pub fn permille(&self) -> u32 {
        if self.sites == 0 {
            return 0;
        }
        let (f, s) = (self.failed as u64, self.sites as u64);
        u32::try_from((f * 2000 + s) / (s * 2)).unwrap_or(1000)
    }
}

/// Points of one site under one clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionScore {
    /// Clause number.
    pub clause: String,
    /// Clause heading.
    pub title: String,
    /// Points earned.
    pub earned: Points,
    /// Points applicable.
    pub max: Points,
}

/// Why a rectification notice was issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoticeCause {
    /// The acceptance inspection found mandatory items failing.
    Inspection,
    /// A re-inspection found failing what had passed (ruling 9).
    Reinspection,
    /// A county waiver lapsed with its item still failing.
    Lapse,
}

/// A rectification notice (整改通知书) for one site: a document issued on one day, which
/// nothing dated later changes — not a waiver approved after it, not the day a report is
/// made.
pub struct Notice<'r, 'a> {
    /// The notice number (发文字号), e.g. 濮政服验〔2020〕3号: the notices of a year numbered in the
    /// order of their day of issue, then site id, so that a number once given never moves.
    pub number: String,
    /// The site as inspected (its name, township and checklist).
    pub site: &'r SiteResult<'a>,
    /// The items to rectify, in checklist order, as found on the day of issue.
    pub problems: Vec<&'r Outcome<'a>>,
    /// Why it was issued.
    pub cause: NoticeCause,
    /// The day of issue: the inspection, the re-inspection, or the waiver's lapse.
    pub issued_on: Date,
    /// The inspectors of that inspection or re-inspection (none for a lapse).
    pub inspectors: String,
    /// The deadline it sets: 20 working days from the day of issue.
    pub due: Option<crate::audit::Deadline>,
    /// Its file name without extension: the site id, with the day for a later notice.
    pub file: String,
}

/// The places of one kind of site, best first, each with its rank among its kind.
pub struct KindRanking<'r> {
    /// The kind's name in the report's language (乡镇便民服务中心).
    pub label: String,
    /// The kind's code (`township`).
    pub kind: String,
    /// Rank among the kind, and the place.
    pub places: Vec<(usize, &'r crate::audit::rank::Place)>,
}

impl<'a> Report<'a> {
    /// The ranking kind by kind ([`Ranking::by_kind`]), in the campaign's order of
    /// checklists, each kind with its name in the report's language.
    pub fn ranked_by_kind(&self) -> Vec<KindRanking<'_>> {
        let checklists = self.run.checklists;
        self.ranking
            .by_kind(checklists.iter().map(|c| c.site_kind.as_str()))
            .into_iter()
            .map(|(kind, places)| KindRanking {
                label: checklists
                    .iter()
                    .find(|c| c.site_kind == kind)
                    .map_or_else(|| kind.clone(), |c| c.site_kind_label(self.lang).to_owned()),
                kind,
                places,
            })
            .collect()
    }

    /// A file of the run as the report shows it: relative to the campaign folder when it
    /// lies in it (`sites/liutun.toml`), so that a report reads the same whether the
    /// campaign was given as `examples/puyang-2020` or as an absolute path; else as given.
    pub fn shown_path(&self, path: &str) -> String {
        self.campaign_dir
            .as_deref()
            .and_then(|dir| std::path::Path::new(path).strip_prefix(dir).ok())
            .filter(|rest| !rest.as_os_str().is_empty())
            .map_or_else(
                || path.to_owned(),
                |rest| rest.to_string_lossy().replace('\\', "/"),
            )
    }

    /// Sites per verdict: (pass, rectify, incomplete).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |v: Verdict| self.sites.iter().filter(|s| s.verdict == v).count();
        (
            count(Verdict::Pass),
            count(Verdict::Rectify),
            count(Verdict::Incomplete),
        )
    }

    /// Whether a site is a demonstration site.
    pub fn is_demonstration(&self, id: &str) -> bool {
        self.ranking.demonstration().any(|p| p.entry.id() == id)
    }

    /// The mandatory requirements failed most often, most first (ties in checklist order),
    /// at most `limit`.
    pub fn most_failed(&self, limit: usize) -> Vec<ItemStat> {
        let mut stats = Vec::new();
        for checklist in self.run.checklists {
            let judged: Vec<&SiteResult<'_>> = self
                .sites
                .iter()
                .filter(|s| s.checklist.id == checklist.id)
                .collect();
            for item in checklist
                .items
                .iter()
                .filter(|i| i.severity == Severity::Mandatory)
            {
                let failed = judged
                    .iter()
                    .filter(|s| {
                        s.findings
                            .iter()
                            .any(|o| o.item.id == item.id && o.status == Status::Fail)
                    })
                    .count();
                if failed > 0 {
                    stats.push(ItemStat {
                        checklist: checklist.id.clone(),
                        item: item.id.clone(),
                        clause: item.clause.clone(),
                        title: item.label(self.lang).to_owned(),
                        failed,
                        sites: judged.len(),
                    });
                }
            }
        }
        // A stable sort keeps checklist order among equal counts.
        stats.sort_by_key(|s| std::cmp::Reverse(s.failed));
        stats.truncate(limit);
        stats
    }

    /// Every clause of every checklist in use with its failure rate, in document order.
    pub fn clause_rates(&self) -> Vec<ClauseStat> {
        let mut stats = Vec::new();
        for checklist in self.run.checklists {
            let judged: Vec<&SiteResult<'_>> = self
                .sites
                .iter()
                .filter(|s| s.checklist.id == checklist.id)
                .collect();
            if judged.is_empty() {
                continue;
            }
            for clause in &checklist.clauses {
                let failed = judged
                    .iter()
                    .filter(|s| {
                        s.findings
                            .iter()
                            .any(|o| o.item.clause == clause.number && o.needs_rectification())
                    })
                    .count();
                stats.push(ClauseStat {
                    checklist: checklist.id.clone(),
                    clause: clause.number.clone(),
                    title: self
                        .lang
                        .pick_opt(&clause.title, clause.title_en.as_deref())
                        .to_owned(),
                    failed,
                    sites: judged.len(),
                });
            }
        }
        stats
    }

    /// The rectification notices issued on or before the report's day: one for each site
    /// whose inspection found a mandatory item failing (not waived on that day), one for
    /// each re-inspection that found failing what had passed, and one for each waiver that
    /// lapsed with its item still failing. Each says what was found on its day of issue,
    /// and is numbered per year by day of issue, then site id (docs/followup.md).
    pub fn notices(&self) -> Vec<Notice<'_, 'a>> {
        let prefix = self
            .run
            .campaign
            .notice_prefix
            .as_deref()
            .unwrap_or("验收整改");
        let mut notices = Vec::new();
        for site in &self.sites {
            let id = &site.record.id;
            // A waiver counts only for an item that failed at inspection: it never hides a
            // failure of an item that passed then (docs/followup.md).
            let failed_at_inspection = |item: &str| {
                site.findings
                    .iter()
                    .any(|o| o.item.id == item && o.failed_mandatory())
            };
            let waived_on = |item: &str, day: Date| {
                failed_at_inspection(item)
                    && self
                        .waivers
                        .iter()
                        .any(|w| w.site == *id && w.item == item && w.applies_on(day))
            };
            let mut notice = |cause, issued_on: Date, inspectors: String, problems: Vec<_>| {
                if problems.is_empty() {
                    return;
                }
                let file = match cause {
                    NoticeCause::Inspection => id.clone(),
                    _ => format!("{id}-{issued_on}"),
                };
                notices.push(Notice {
                    number: String::new(),
                    site,
                    problems,
                    cause,
                    issued_on,
                    inspectors,
                    due: self.dues.after(issued_on),
                    file,
                });
            };
            let on = site.record.inspected_on;
            notice(
                NoticeCause::Inspection,
                on,
                site.record.inspectors.join(self.lang.list_separator()),
                site.findings
                    .iter()
                    .filter(|o| o.failed_mandatory() && !waived_on(&o.item.id, on))
                    .collect(),
            );
            let own: Vec<&Reinspection<'a>> = self
                .rechecked
                .iter()
                .filter(|r| r.site.record.id == *id)
                .collect();
            let mut previous = site;
            for r in &own {
                let day = r.day();
                let failed_then = |item: &str| {
                    previous
                        .findings
                        .iter()
                        .any(|then| then.item.id == item && then.failed_mandatory())
                };
                let problems = r
                    .site
                    .findings
                    .iter()
                    .filter(|now| {
                        r.looked_at.contains(&now.item.id)
                            && now.failed_mandatory()
                            && !failed_then(&now.item.id)
                            && !waived_on(&now.item.id, day)
                    })
                    .collect();
                let inspectors = r.site.record.inspectors.join(self.lang.list_separator());
                notice(NoticeCause::Reinspection, day, inspectors, problems);
                previous = &r.site;
            }
            // A lapse: the item as it stood on the lapse day, if it still failed.
            let mut lapses: BTreeMap<Date, Vec<&Outcome<'a>>> = BTreeMap::new();
            for w in self
                .waivers
                .iter()
                .filter(|w| w.site == *id && w.expired_by(self.as_of))
            {
                let state = own
                    .iter()
                    .rev()
                    .find(|r| r.day() <= w.expires && r.looked_at.contains(&w.item))
                    .map_or(site, |r| &r.site);
                if let Some(o) = state.findings.iter().find(|o| o.item.id == w.item)
                    && o.failed_mandatory()
                {
                    lapses.entry(w.expires).or_default().push(o);
                }
            }
            for (day, problems) in lapses {
                notice(NoticeCause::Lapse, day, String::new(), problems);
            }
        }
        notices.sort_by(|a, b| {
            (a.issued_on, &a.site.record.id, a.cause).cmp(&(
                b.issued_on,
                &b.site.record.id,
                b.cause,
            ))
        });
        let mut year = None;
        let mut n = 0;
        for notice in &mut notices {
            if year != Some(notice.issued_on.year()) {
                year = Some(notice.issued_on.year());
                n = 0;
            }
            n += 1;
            // GB/T 9704-2012 7.2.4: the serial number has no leading zeros (1, not 001).
            notice.number = format!("{prefix}〔{}〕{n}号", notice.issued_on.year());
        }
        notices
    }

    /// Every site to follow up (it had rectification items or waived items, or was
    /// re-inspected), with what became of each item, in report order.
    pub fn follow_ups(&self) -> Vec<SiteFollowUp<'_, 'a>> {
        follow_ups(
            &self.sites,
            &self.rechecked,
            self.waivers,
            self.as_of,
            &self.dues,
        )
    }

    /// Every overdue item, for the county's list: the site's follow-up and the item.
    pub fn overdue(&self) -> Vec<(SiteFollowUp<'_, 'a>, Vec<usize>)> {
        self.follow_ups()
            .into_iter()
            .filter_map(|f| {
                let items: Vec<usize> = f
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.status == FollowUp::Overdue)
                    .map(|(n, _)| n)
                    .collect();
                (!items.is_empty()).then_some((f, items))
            })
            .collect()
    }

    /// Where each waiver stands on the report's day.
    pub fn waiver_states(&self) -> Vec<(&'a Waiver, WaiverState)> {
        self.waivers
            .iter()
            .map(|w| {
                let failed = self.sites.iter().any(|s| {
                    s.record.id == w.site
                        && s.findings
                            .iter()
                            .any(|o| o.item.id == w.item && o.failed_mandatory())
                });
                let state = if !failed && w.approved_on <= self.as_of {
                    WaiverState::Unused
                } else if w.applies_on(self.as_of) {
                    WaiverState::Active
                } else if w.expired_by(self.as_of) {
                    WaiverState::Expired
                } else {
                    WaiverState::NotYet
                };
                (w, state)
            })
            .collect()
    }

    /// The campaign's title for headings: its name, else the first checklist's title.
    pub fn title(&self) -> String {
        let name = &self.run.campaign.name;
        if !name.is_empty() {
            return name.clone();
        }
        self.run
            .checklists
            .first()
            .map(|c| c.label(self.lang).to_owned())
            .unwrap_or_default()
    }
}

/// A site's points clause by clause, in document order.
pub fn sections(site: &SiteResult<'_>, lang: Lang) -> Vec<SectionScore> {
    site.checklist
        .clauses
        .iter()
        .map(|clause| {
            let all = site.outcomes();
            let outcomes = all.iter().filter(|o| o.item.clause == clause.number);
            let (mut earned, mut max) = (Points::ZERO, Points::ZERO);
            for o in outcomes {
                if o.status != Status::NotApplicable {
                    earned += o.earned;
                    max += o.item.points;
                }
            }
            SectionScore {
                clause: clause.number.clone(),
                title: lang
                    .pick_opt(&clause.title, clause.title_en.as_deref())
                    .to_owned(),
                earned,
                max,
            }
        })
        .collect()
}

/// A date as Chinese documents write it (2020年6月18日), or ISO in English.
pub fn long_date(date: Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Lang::En => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates_have_no_leading_zeros() {
        let d = jiff::civil::date(2020, 6, 8);
        assert_eq!(long_date(d, Lang::Zh), "2020年6月8日");
        assert_eq!(long_date(d, Lang::En), "2020-06-08");
    }

    #[test]
    fn clause_rates_round_half_up() {
        let stat = ClauseStat {
            checklist: String::new(),
            clause: String::new(),
            title: String::new(),
            failed: 1,
            sites: 8,
        };
        assert_eq!(stat.permille(), 125);
        let third = ClauseStat {
            failed: 1,
            sites: 3,
            ..stat
        };
        assert_eq!(third.permille(), 333);
    }
}
