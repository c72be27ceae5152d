//! The standard as data: a [`Checklist`] of [`Item`]s, each naming the clause it checks.
//!
//! Checklists are TOML files (see `docs/checklists.md`); [`Checklist::from_toml`] reads and
//! validates one, collecting every located problem. Nothing here opens a file: callers hand
//! in the text, so the same code serves files, the checklists compiled into the binary and
//! tests.

pub mod builtin;
pub mod kinds;
mod load;
pub mod schema;

use std::fmt;

use serde::Serialize;

pub use kinds::{Kind, Value};

use crate::lang::Lang;
use crate::points::Points;
use crate::source::{Problem, Problems};

/// A checklist: everything an inspection of one kind of site is judged against.
#[derive(Clone, Debug)]
pub struct Checklist {
    /// Stable identifier, e.g. `puyang-2020-township`.
    pub id: String,
    /// Chinese title.
    pub title: String,
    /// Optional English title.
    pub title_en: Option<String>,
    /// Version of this checklist (not of the standard).
    pub version: String,
    /// The kind of site it applies to, e.g. `township` or `village`.
    pub site_kind: String,
    /// How the kind of site is called in Chinese ("乡镇便民服务中心").
    pub site_kind_name: String,
    /// How it is called in English, optional.
    pub site_kind_name_en: Option<String>,
    /// The document the checklist encodes.
    pub source: String,
    /// The points all items add up to.
    pub total_points: Points,
    /// The clauses of the source this checklist checks, in document order.
    pub clauses: Vec<Clause>,
    /// Grade bands, highest first.
    pub grades: Vec<GradeBand>,
    /// The items, in checklist order.
    pub items: Vec<Item>,
}

/// A clause of the source document, numbered as in `docs/clauses.md` (`3.1.1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// The number, e.g. `3.1.1`.
    pub number: String,
    /// Its heading in Chinese ("办公场所").
    pub title: String,
    /// Its heading in English, optional.
    pub title_en: Option<String>,
}

/// A grade band: sites whose percentage is at least `min` get this grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeBand {
    /// Chinese name ("优秀").
    pub name: String,
    /// English name, optional.
    pub name_en: Option<String>,
    /// Lowest percentage of the applicable maximum that earns the grade, inclusive.
    pub min: Points,
}

impl GradeBand {
    /// The band's name in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick_opt(&self.name, self.name_en.as_deref())
    }
}

/// Whether failing an item fails the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Required by the standard: a failure is a rectification item.
    Mandatory,
    /// Wished for (尽量, 还可): earns points, never fails a site (ruling 2).
    Advisory,
}

impl Severity {
    /// The ASCII word used in JSON, CSV and checklist files.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Mandatory => "mandatory",
            Severity::Advisory => "advisory",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether an inspector may record an item as not applicable (ruling 10): the checklist's
/// to allow, never the inspector's alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotApplicable {
    /// A not-applicable answer is not accepted: the item is judged as not met. Only a
    /// county waiver (`waivers.toml`) excuses a mandatory item.
    Refused,
    /// The item may not apply at a site, for the reason the checklist gives (required of a
    /// mandatory item; an advisory item may allow it without one).
    Allowed {
        /// Why the checklist lets this item not apply, as its authors wrote it.
        because: Option<String>,
    },
}

impl NotApplicable {
    /// Whether a not-applicable answer is accepted.
    pub fn allowed(&self) -> bool {
        matches!(self, NotApplicable::Allowed { .. })
    }
}

/// One requirement an inspector checks on site.
#[derive(Clone, Debug)]
pub struct Item {
    /// Stable ASCII id, dotted (`site.floor_area`).
    pub id: String,
    /// The clause it checks (`3.1.1`).
    pub clause: String,
    /// Chinese title quoting the standard.
    pub title: String,
    /// English title, optional.
    pub title_en: Option<String>,
    /// What is recorded and how it is judged.
    pub kind: Kind,
    /// Mandatory or advisory.
    pub severity: Severity,
    /// Whether the item may be recorded as not applicable (`may_not_apply`; by default
    /// advisory items may, mandatory ones may not).
    pub not_applicable: NotApplicable,
    /// Points the item is worth.
    pub points: Points,
    /// How to check it on site, in Chinese.
    pub help: String,
    /// How to check it on site, in English, optional.
    pub help_en: Option<String>,
    /// Line of the item in its checklist file, for messages.
    pub line: usize,
}

impl Item {
    /// The title in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick_opt(&self.title, self.title_en.as_deref())
    }

    /// The help text in `lang`.
    pub fn help_text(&self, lang: Lang) -> &str {
        lang.pick_opt(&self.help, self.help_en.as_deref())
    }
}

impl Checklist {
    /// Reads and validates a checklist from TOML text. Every problem found is returned,
    /// each with its line and column.
    pub fn from_toml(text: &str) -> Result<Checklist, Problems> {
        load::parse(text)
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.id == id)
    }

    /// The clause with this number.
    pub fn clause(&self, number: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.number == number)
    }

    /// The grade band for a percentage of the applicable maximum.
    pub fn grade_for(&self, percent_tenths: u32) -> Option<&GradeBand> {
        self.grades
            .iter()
            .find(|band| band.min.tenths() <= percent_tenths)
    }

    /// The checklist title in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick_opt(&self.title, self.title_en.as_deref())
    }

    /// The kind of site in `lang`.
    pub fn site_kind_label(&self, lang: Lang) -> &str {
        lang.pick_opt(&self.site_kind_name, self.site_kind_name_en.as_deref())
    }

    /// The id of the item near enough to `id` to be its likely misspelling, for "did you mean".
    pub fn nearest_item(&self, id: &str) -> Option<&str> {
        crate::source::nearest(id, self.items.iter().map(|i| i.id.as_str()))
    }

    /// What `checklist lint` finds beyond what loading refuses: a `text` pattern that
    /// compiles with the short trial fields of loading but not with the longest plausible
    /// ones ([`kinds::Text::lint`]). Loading does not refuse it, as the sites of a run may
    /// all have short names; the first long one would be an error.
    pub fn lint(&self) -> Vec<Problem> {
        self.items
            .iter()
            .filter_map(|item| match &item.kind {
                Kind::Text(text) => {
                    let message = text.lint(&item.id)?;
                    let (line, column) = text.pattern_at();
                    Some(Problem {
                        line,
                        column,
                        message,
                    })
                }
                _ => None,
            })
            .collect()
    }
}
