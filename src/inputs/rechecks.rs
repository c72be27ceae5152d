//! Re-inspection records: read from the campaign's `rechecks/` (and `--followup` paths),
//! several per site if need be, and laid over the inspection records they follow, each over
//! the ones before it.

use std::fs;

use anyhow::{Result, bail};

use super::{Plan, ReadOptions, record_files_in};
use crate::record::Record;
use crate::record::sheet;

/// The re-inspection records: the campaign's `rechecks/` and any `--followup` paths; what
/// those folders hold and is not read is added to `skipped`.
pub fn read_rechecks(
    plan: &Plan,
    followup: &[std::path::PathBuf],
    skipped: &mut Vec<String>,
    inspections: &[Record],
) -> Result<Vec<Record>> {
    let mut files = plan.rechecks.clone();
    for path in followup {
        let found = if path.is_dir() {
            record_files_in(path, skipped)?
        } else {
            vec![path.clone()]
        };
        for file in found {
            let format = sheet::detect(&file)?;
            files.push((file, format));
        }
    }
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let recheck_plan = Plan {
        files,
        ..plan.clone_settings()
    };
    let options = ReadOptions {
        repeated_ids: true,
        ..ReadOptions::default()
    };
    let read = recheck_plan.read_all(&options)?;
    if !read.unread.is_empty() {
        // A re-inspection recorded as another kind of site fails on the other kind's
        // items; the kind is what is wrong, so that is what is said.
        let lines: Vec<String> = read
            .unread
            .iter()
            .map(|u| other_kind(u, inspections).unwrap_or_else(|| u.message.clone()))
            .collect();
        bail!(lines.join("\n"));
    }
    Ok(read.records)
}

/// The kind-mismatch error for a re-inspection record that could not be read, if its
/// `id` names an inspected site of another `kind` than it says.
fn other_kind(unread: &crate::audit::UnreadRecord, inspections: &[Record]) -> Option<String> {
    if unread.row != 0 {
        return None;
    }
    let text = fs::read_to_string(&unread.origin).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let (id, says) = (table.get("id")?.as_str()?, table.get("kind")?.as_str()?);
    let original = inspections.iter().find(|r| r.id == id)?;
    let was = &original.kind;
    let origin = &unread.origin;
    (was != says).then(|| {
        crate::tr!(
            "{origin}：站点 `{id}` 的类型是 {was}，复查记录却写作 {says}",
            "{origin}: site `{id}` is a {was} but the re-inspection says {says}"
        )
    })
}

/// One re-inspection of a site, ready to judge: the inspection record with this
/// re-inspection and every earlier one of the site laid over it.
#[derive(Clone, Debug)]
pub struct Recheck {
    /// The merged record, dated and signed by this re-inspection.
    pub record: Record,
    /// The items this re-inspection recorded: a value or a not-applicable answer. A note
    /// or evidence alone records nothing: the item was not re-inspected.
    pub looked_at: std::collections::BTreeSet<String>,
}

/// Every site's re-inspections, by site id then day: each the inspection's observations
/// with its own and every earlier re-inspection's laid over them. A site may be
/// re-inspected several times, on different days. A re-inspection of an unknown site, of a
/// site of another kind, dated before the inspection, or on the day of another
/// re-inspection of the site is an error.
pub fn rechecked(records: &[Record], rechecks: &[Record]) -> Result<Vec<Recheck>> {
    let mut ordered: Vec<&Record> = rechecks.iter().collect();
    ordered.sort_by(|a, b| (&a.id, a.inspected_on).cmp(&(&b.id, b.inspected_on)));
    let mut merged: Vec<Recheck> = Vec::with_capacity(rechecks.len());
    for (n, recheck) in ordered.iter().enumerate() {
        let Some(original) = records.iter().find(|r| r.id == recheck.id) else {
            let hint = crate::source::did_you_mean(crate::source::nearest(
                &recheck.id,
                records.iter().map(|r| r.id.as_str()),
            ));
            let (origin, id) = (&recheck.origin, &recheck.id);
            bail!(crate::tr!(
                "{origin}：复查了不存在的站点 `{id}`{hint}",
                "{origin}: re-inspection of unknown site `{id}`{hint}"
            ));
        };
        let (origin, id) = (&recheck.origin, &recheck.id);
        if recheck.kind != original.kind {
            let (was, says) = (&original.kind, &recheck.kind);
            bail!(crate::tr!(
                "{origin}：站点 `{id}` 的类型是 {was}，复查记录却写作 {says}",
                "{origin}: site `{id}` is a {was} but the re-inspection says {says}"
            ));
        }
        if recheck.inspected_on < original.inspected_on {
            let (on, first) = (recheck.inspected_on, original.inspected_on);
            bail!(crate::tr!(
                "{origin}：复查日期 {on} 早于检查日期 {first}",
                "{origin}: re-inspected on {on}, before the inspection on {first}"
            ));
        }
        let earlier = n
            .checked_sub(1)
            .and_then(|m| merged.get(m))
            .filter(|m| m.record.id == recheck.id);
        if let Some(earlier) = earlier
            && earlier.record.inspected_on == recheck.inspected_on
        {
            let (other, on) = (&earlier.record.origin, recheck.inspected_on);
            bail!(crate::tr!(
                "{origin}：站点 `{id}` 在 {on} 已有一份复查记录（{other}）：同一天的复查请记在一份记录里",
                "{origin}: site `{id}` already has a re-inspection on {on} ({other}): record one day's re-inspection in one record"
            ));
        }
        let base = earlier.map_or(original, |e| &e.record);
        let looked_at = recheck
            .observations
            .iter()
            .filter(|(_, o)| !matches!(o.entry, crate::record::Entry::Pending))
            .map(|(id, _)| id.clone())
            .collect();
        merged.push(Recheck {
            record: base.rechecked(recheck),
            looked_at,
        });
    }
    Ok(merged)
}
