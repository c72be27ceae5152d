//! Turning results into text: for `check`, one renderer per format behind one trait; for
//! `rank` and `recheck`, [`ranking`] and [`follow_up`]. Renderers format
//! what the audit decided; they never judge anything themselves.
//!
//! Sites arrive one at a time, so that a run over a file of any size can write its results
//! as it goes: JSON and CSV stream, the table (for people, and small by nature) collects its
//! rows and prints them at the end.

mod csv;
mod explain;
pub mod follow_up;
mod json;
pub mod labels;
pub mod ranking;
mod table;

use std::io::{self, Write};

use crate::audit::{Run, SiteResult, Totals};
use crate::calendar::YearSpan;
use crate::lang::Lang;

pub use explain::score_explanation;
pub use labels::{Label, Wording};
pub use table::{checklist_table, grid};
// Cells are guarded against formulas where cell texts are defined, beside the readers
// that take the guard off again.
pub use crate::record::value::{defuse, undefuse};

/// The version of the shape of every JSON document yanshou writes (`check`, `rank`,
/// `recheck` and `deadline` with `--format json`), written as its first key,
/// `schema_version`, so that scripts can pin it. Fields are only ever added within a
/// version; a key renamed or removed, or a value whose type changes, raises it. The shapes
/// are documented in docs/output/.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the results of a run in one format. Sites are judged in parts, on worker
/// threads for large files: each part is the renderer's own typed [`Renderer::Part`],
/// which [`Renderer::site`] writes into and [`Renderer::join`] puts in place, in order.
/// The renderer knows nothing of threads, and a part of one format is never taken for
/// another's.
pub trait Renderer: Send + Sync {
    /// What a run of sites leaves for [`Renderer::join`]: the bytes written, and whatever
    /// else the format collects.
    type Part: Send;
    /// Writes what comes before the first site.
    fn begin(&mut self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()>;
    /// An empty part, with room for about `bytes` of output.
    fn part(&self, bytes: usize) -> Self::Part;
    /// How many bytes of output `part` holds, for the room of the next parts (none for a
    /// format that collects rather than writes).
    fn written(_part: &Self::Part) -> usize {
        0
    }
    /// Writes (or collects) one site into `part`.
    fn site(&self, run: &Run<'_>, site: &SiteResult<'_>, part: &mut Self::Part) -> io::Result<()>;
    /// Takes in a part, in order.
    fn join(&mut self, part: Self::Part, out: &mut dyn Write) -> io::Result<()>;
    /// Writes what comes after the last site.
    fn finish(&mut self, run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()>;
}

/// What a run was made from, written as `manifest.json` with every report and by
/// `check --manifest`, and read back by `verify`: the tool's version, the checklists, and
/// every input and evidence file with its SHA-256 and size. Paths are relative to `base`
/// (the campaign folder), itself relative to the manifest's folder, so that a report
/// folder handed over with its campaign still finds its files; the same inputs give the
/// same bytes. Documented in docs/output/manifest.md.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The version of yanshou that wrote it.
    pub yanshou_version: String,
    /// The folder the paths below are relative to: the campaign folder, or the working
    /// folder for records checked without one; relative to the manifest's folder (`/`).
    pub base: String,
    /// The day the run judged on (`--as-of`, else the day it ran): what a waiver, a
    /// deadline and a re-inspection are judged by, so a rerun on another day may differ.
    /// Empty in a manifest written before it was recorded (fields are only added within a
    /// schema version, so such a manifest still verifies).
    #[serde(default)]
    pub judged_on: String,
    /// The checklists, one per site kind.
    pub checklists: Vec<ManifestChecklist>,
    /// Every input: `builtin:NAME` for a checklist compiled in, files relative to `base`.
    pub inputs: Vec<ManifestFile>,
    /// Every evidence file the records cite that was found, once each, relative to `base`.
    pub evidence: Vec<ManifestFile>,
}

/// A checklist of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManifestChecklist {
    /// The kind of site it judges.
    pub site_kind: String,
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
}

/// A file of a [`Manifest`] and its digest.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    /// Where it is, relative to [`Manifest::base`] (or `builtin:NAME`).
    pub path: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

impl Manifest {
    /// The manifest as it is written: pretty JSON, keys in the order above, a final newline.
    pub fn to_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let mut text = serde_json::to_vec_pretty(self)?;
        text.push(b'\n');
        Ok(text)
    }
}

/// The warning for an evidence file that was not found or not read, located by its record
/// and item, as stderr says it; `None` for one that was read.
pub fn evidence_warning(file: &crate::audit::EvidenceFile, lang: Lang) -> Option<String> {
    let (record, problem) = (&file.record, evidence_problem(file, lang)?);
    Some(match lang {
        Lang::Zh => format!("注意：{record}：{problem}"),
        Lang::En => format!("warning: {record}: {problem}"),
    })
}

/// What is wrong with an evidence file that was not found or not read, naming the item.
pub fn evidence_problem(file: &crate::audit::EvidenceFile, lang: Lang) -> Option<String> {
    let (item, cited, path) = (&file.item, &file.cited, &file.path);
    match &file.state {
        crate::audit::EvidenceState::Found { .. } => None,
        crate::audit::EvidenceState::Missing => Some(match lang {
            Lang::Zh => {
                format!("检查项 {item} 的佐证文件 {cited} 不存在（{path}）：不影响判定，未列入报告")
            }
            Lang::En => format!(
                "item {item}: evidence file {cited} not found ({path}): the verdict is unchanged, the file is not listed"
            ),
        }),
        crate::audit::EvidenceState::Unreadable(why) => Some(match lang {
            Lang::Zh => format!(
                "检查项 {item} 的佐证文件 {cited} 无法读取（{why}）：不影响判定，未列入报告"
            ),
            Lang::En => format!(
                "item {item}: evidence file {cited} cannot be read ({why}): the verdict is unchanged, the file is not listed"
            ),
        }),
    }
}

/// What a provisional deadline or count says beside it, everywhere it appears: which
/// years' holiday notices it waits for ("暂定，待国务院公布 2027 年放假安排后确认").
/// docs/calendar.md measures how far such a date has fallen from the official one.
pub fn provisional_caveat(span: YearSpan, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("暂定，{}", pending_notice(span, lang)),
        Lang::En => format!("provisional {}", pending_notice(span, lang)),
    }
}

/// "待国务院公布 2027 年放假安排后确认": what a provisional date waits for.
pub fn pending_notice(span: YearSpan, lang: Lang) -> String {
    let years: Vec<String> = span.years().map(|y| y.to_string()).collect();
    match lang {
        Lang::Zh => format!("待国务院公布 {} 年放假安排后确认", years.join("、")),
        Lang::En => format!(
            "until the State Council publishes the {} holiday arrangement",
            years.join(" and ")
        ),
    }
}

/// A deadline as a table, a page or a notice shows it: the date, and the caveat in
/// brackets when it is provisional (`2027-01-05（暂定，待国务院公布 2027 年放假安排后确认）`).
pub fn deadline_text(due: crate::audit::Deadline, date: &str, lang: Lang) -> String {
    match due.provisional() {
        None => date.to_owned(),
        Some(span) => match lang {
            Lang::Zh => format!("{date}（{}）", provisional_caveat(span, lang)),
            Lang::En => format!("{date} ({})", provisional_caveat(span, lang)),
        },
    }
}

/// A date's digits as its `Display` writes them (`2020-05-30`), for the years 0–9999 a
/// record can hold (`None` for others), without the formatting machinery: a file of many
/// sites writes one per row.
pub(crate) fn date_digits(date: jiff::civil::Date) -> Option<[u8; 10]> {
    let year = u16::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
    let (month, day) = (
        u16::from(date.month().unsigned_abs()),
        u16::from(date.day().unsigned_abs()),
    );
    let digit = |n: u16| b'0' + (n % 10) as u8;
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Writes a date as its `Display` does (`2020-05-30`), by [`date_digits`] when it can.
pub(crate) fn push_date(text: &mut String, date: jiff::civil::Date) {
    use std::fmt::Write as _;
    match date_digits(date) {
        Some(digits) => text.extend(digits.map(char::from)),
        None => {
            let _ = write!(text, "{date}");
        }
    }
}

pub use csv::Csv;
pub use json::Json;
pub use table::Table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_displayed() {
        use jiff::civil::date;
        for d in [
            date(2020, 5, 30),
            date(2026, 12, 1),
            date(1, 1, 1),
            date(999, 10, 9),
            date(9999, 12, 31),
            date(-1, 3, 4),
            date(0, 2, 29),
        ] {
            let mut text = String::new();
            push_date(&mut text, d);
            assert_eq!(text, d.to_string());
        }
        // Every digit in every place.
        for year in (0..=9999).step_by(7).chain([10, 100, 1000, 2000]) {
            for month in 1..=12 {
                for day in [1, 9, 10, 19, 20, 28] {
                    let d = date(year, month, day);
                    let mut text = String::from("x");
                    push_date(&mut text, d);
                    assert_eq!(text, format!("x{d}"));
                }
            }
        }
    }
}
