//! The campaign's waivers checked against the records and applied to judged sites.

use std::collections::HashSet;

use anyhow::{Result, bail};

use super::Plan;
use crate::checklist::Checklist;
use crate::record::Record;
use crate::record::waiver::Waiver;

impl Plan {
    /// Applies this campaign's waivers to a judged site as they stand on `as_of`, after
    /// checking that they name items of its checklist; the site's id is added to `seen`
    /// (for [`Plan::check_waiver_sites`] at the end). Returns the waivers that had run out,
    /// for the caller to report.
    pub fn waive<'a>(
        &'a self,
        site: &mut crate::audit::SiteResult<'a>,
        as_of: jiff::civil::Date,
        seen: &mut HashSet<String>,
    ) -> Result<Vec<crate::audit::ExpiredWaiver<'a>>> {
        if !self.waivers.iter().any(|w| w.site == site.record.id) {
            return Ok(Vec::new());
        }
        self.check_waivers_of(site.record)?;
        seen.insert(site.record.id.clone());
        Ok(crate::audit::apply_waivers(site, &self.waivers, as_of))
    }

    /// Checks the waivers of `record`'s site name items of its checklist.
    pub fn check_waivers_of(&self, record: &Record) -> Result<()> {
        let checklist = self.checklist_for(&record.kind);
        for w in self.waivers.iter().filter(|w| w.site == record.id) {
            let item = checklist.and_then(|c| c.item(&w.item));
            let (label, line, id, site, kind) =
                (self.waivers_label(), w.line, &w.item, &w.site, &record.kind);
            match item {
                None => bail!(crate::tr!(
                    "{label}:{line}：站点 `{site}`（{kind}）的清单里没有项目 `{id}`",
                    "{label}:{line}: item `{id}` is not in the checklist for site `{site}` ({kind})"
                )),
                // Only a mandatory item fails a site: there is nothing to postpone.
                Some(item) if item.severity != crate::checklist::Severity::Mandatory => {
                    bail!(crate::tr!(
                        "{label}:{line}：`{id}` 是建议项，不会使站点不合格，无需也不能豁免：请删去这条豁免",
                        "{label}:{line}: `{id}` is advisory: it never fails a site, so it cannot be waived: delete this waiver"
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Checks, once every record has been seen, that each waiver names a site of the run.
    /// `seen` holds the ids of the waived sites that were read.
    pub fn check_waiver_sites(&self, seen: &HashSet<String>) -> Result<()> {
        for w in &self.waivers {
            if !seen.contains(&w.site) {
                let (label, line, site) = (self.waivers_label(), w.line, &w.site);
                bail!(crate::tr!(
                    "{label}:{line}：豁免了不存在的站点 `{site}`：没有哪份记录的编号是它",
                    "{label}:{line}: waiver for unknown site `{site}`: no record has this id"
                ));
            }
        }
        Ok(())
    }

    /// The waivers file, for messages.
    pub fn waivers_label(&self) -> String {
        self.waivers_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }
}

/// Every waived item must be an item of some checklist of the run.
pub(super) fn check_waiver_items(
    waivers: &[Waiver],
    checklists: &[Checklist],
    label: &str,
) -> Result<()> {
    for w in waivers {
        if checklists.iter().all(|c| c.item(&w.item).is_none()) {
            let ids = checklists
                .iter()
                .flat_map(|c| c.items.iter().map(|i| i.id.as_str()));
            let hint = crate::source::did_you_mean(crate::source::nearest(&w.item, ids));
            let (line, item) = (w.line, &w.item);
            bail!(crate::tr!(
                "{label}:{line}：豁免了不存在的项目 `{item}`{hint}",
                "{label}:{line}: waiver for unknown item `{item}`{hint}"
            ));
        }
    }
    Ok(())
}
