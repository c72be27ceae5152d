//! CSV for spreadsheets and scripts: one row per finding, with the site's columns repeated
//! so a filter in Excel keeps every row meaningful. A site with no findings still gets one
//! row, with the finding columns empty, so no site disappears from the sheet. The header is
//! ASCII and stable; verdicts and statuses are the ASCII words of the JSON.

use std::io::{self, Write};

use super::Renderer;
use crate::audit::Audit;
use crate::lang::Lang;

/// The CSV renderer.
pub struct Csv;

/// The header row.
pub const HEADER: &[&str] = &[
    "site_id",
    "site_name",
    "kind",
    "township",
    "inspected_on",
    "score",
    "max_score",
    "grade",
    "verdict",
    "due",
    "item",
    "clause",
    "title",
    "status",
    "observed",
    "expected",
    "severity",
    "points",
    "points_lost",
    "note",
    "evidence",
];

impl Renderer for Csv {
    fn render(&self, audit: &Audit<'_>, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        for site in &audit.sites {
            let r = site.record;
            let due = site.due.map(|d| d.to_string()).unwrap_or_default();
            let site_cols = [
                r.id.clone(),
                r.name.clone(),
                r.kind.clone(),
                r.township.clone(),
                r.inspected_on.to_string(),
                site.score.earned.to_string(),
                site.score.max.to_string(),
                site.grade
                    .map(|g| g.label(lang).to_owned())
                    .unwrap_or_default(),
                site.verdict.code().to_owned(),
                due,
            ];
            let mut any = false;
            for o in site.findings() {
                any = true;
                let finding = [
                    o.item.id.clone(),
                    o.item.clause.clone(),
                    o.item.label(lang).to_owned(),
                    o.status.code().to_owned(),
                    o.observed(lang),
                    o.expected.clone(),
                    o.item.severity.label(Lang::En).to_owned(),
                    o.item.points.to_string(),
                    o.lost.to_string(),
                    o.note().unwrap_or_default().to_owned(),
                    o.evidence().join("; "),
                ];
                writer.write_record(site_cols.iter().chain(finding.iter()))?;
            }
            if !any {
                let empty = [""; 11];
                writer.write_record(site_cols.iter().map(String::as_str).chain(empty))?;
            }
        }
        writer.flush()?;
        Ok(())
    }
}
