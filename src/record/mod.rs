//! Inspection records: what an inspector saw at one site, and the readers that turn files
//! into them. A [`Record`] is already checked against its checklist: every observation
//! names a known item and has the type that item's kind expects.

pub mod campaign;
pub mod cells;
pub mod chunks;
pub mod sheet;
pub mod table;
pub mod toml;
pub mod value;
pub mod waiver;
pub mod write;

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::checklist::Value;

/// What a fast reading of a wide row keeps of an item whose cell is written in the form
/// `convert` and the forms write ([`value::read_canonical`]), in place of an observation: a
/// row whose cells are all canonical is judged without building one.
#[derive(Clone, Debug, PartialEq)]
pub enum Glance {
    /// The value, as [`value::parse_cell`] and the kind's reading would give it.
    Value(Value),
    /// An `includes` cell naming every member: what a set of all members would be.
    EveryMember,
}

/// A site as a reader hands it to the evaluator: its record, and for a row of a wide file
/// read the fast way, the items it only glanced at, in checklist order (`None` for an item
/// read into the record as an observation, or not recorded). A record read in full has no
/// glances.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'r> {
    /// The site's fields and its observations.
    pub record: &'r Record,
    /// One per checklist item, or none at all.
    pub glances: &'r [Option<Glance>],
}

impl<'r> Reading<'r> {
    /// What was read of the `index`th item of the record's checklist, `item`: its glance,
    /// else its observation.
    pub fn of(&self, index: usize, item: &str) -> ItemRead<'r> {
        match self.glances.get(index) {
            Some(Some(glance)) => ItemRead::Glance(glance),
            _ => ItemRead::Observed(self.record.observations.get(item)),
        }
    }
}

impl<'r> From<&'r Record> for Reading<'r> {
    fn from(record: &'r Record) -> Reading<'r> {
        Reading {
            record,
            glances: &[],
        }
    }
}

/// What a [`Reading`] holds of one item.
#[derive(Clone, Copy, Debug)]
pub enum ItemRead<'r> {
    /// A glance at a canonical cell.
    Glance(&'r Glance),
    /// The observation, if the item was recorded.
    Observed(Option<&'r Observation>),
}

/// One site's inspection.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Where the record came from (a file path), for messages and reports.
    pub origin: String,
    /// Stable site id, unique in a campaign (`chengguan`).
    pub id: String,
    /// The site's name ("城关镇便民服务中心").
    pub name: String,
    /// The kind of site; selects the checklist (`township`, `village`).
    pub kind: String,
    /// The township the site is in, or is ("城关镇").
    pub township: String,
    /// The village, for village stations.
    pub village: Option<String>,
    /// The day of the inspection.
    pub inspected_on: Date,
    /// Who inspected.
    pub inspectors: Inspectors,
    /// What was recorded, by item id. An item absent here was not recorded.
    pub observations: BTreeMap<String, Observation>,
}

impl Record {
    /// A record with empty fields, to be filled row after row by the fast path of large
    /// files.
    pub fn blank(origin: &str) -> Record {
        Record {
            origin: origin.to_owned(),
            id: String::new(),
            name: String::new(),
            kind: String::new(),
            township: String::new(),
            village: None,
            inspected_on: Date::default(),
            inspectors: Inspectors::default(),
            observations: BTreeMap::new(),
        }
    }
}

/// Who inspected. A spreadsheet row gives the names in one cell (`张伟、李娜`), which is kept
/// as written and split only when the names are read: checking or ranking a file of many
/// sites never reads them, and splitting every row's cell cost a twentieth of the work.
#[derive(Clone, Debug)]
pub enum Inspectors {
    /// One name per entry, as a TOML record lists them.
    List(Vec<String>),
    /// A cell of names, split as [`value::split_list`] splits a list cell.
    Cell(String),
}

impl Inspectors {
    /// The names, in order.
    pub fn names(&self) -> Cow<'_, [String]> {
        match self {
            Inspectors::List(names) => Cow::Borrowed(names),
            Inspectors::Cell(text) => Cow::Owned(value::split_list(text)),
        }
    }

    /// The names joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.names().join(separator)
    }

    /// Holds the cell `text`, reusing this value's buffer: the fast path of large files
    /// reads every row into the same record.
    pub fn set_cell(&mut self, text: &str) {
        match self {
            Inspectors::Cell(cell) => {
                cell.clear();
                cell.push_str(text);
            }
            Inspectors::List(_) => *self = Inspectors::Cell(text.to_owned()),
        }
    }
}

impl Default for Inspectors {
    fn default() -> Inspectors {
        Inspectors::List(Vec::new())
    }
}

/// The same names, however they were given.
impl PartialEq for Inspectors {
    fn eq(&self, other: &Inspectors) -> bool {
        self.names() == other.names()
    }
}

impl From<Vec<String>> for Inspectors {
    fn from(names: Vec<String>) -> Inspectors {
        Inspectors::List(names)
    }
}

/// What was recorded for one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The value, or why the item does not apply.
    pub entry: Entry,
    /// The inspector's note.
    pub note: Option<String>,
    /// Photo or document paths.
    pub evidence: Vec<String>,
}

/// The substance of an observation.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A value of the item's kind.
    Value(Value),
    /// The item does not apply to this site, with the reason.
    NotApplicable(String),
    /// Nothing recorded yet, but a note or evidence was ("负责人不在，未能查阅").
    Pending,
}

impl Record {
    /// A site field by name, for text patterns: `id`, `name`, `township`, `village`.
    pub fn field(&self, field: &str) -> Option<&str> {
        match field {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            "township" => Some(&self.township),
            "village" => self.village.as_deref(),
            _ => None,
        }
    }

    /// The site as re-inspected: this record with `recheck`'s observations laid over it.
    /// Items the re-inspection did not record keep what the inspection found; the date,
    /// inspectors and origin are the re-inspection's.
    pub fn rechecked(&self, recheck: &Record) -> Record {
        let mut merged = self.clone();
        merged.origin = recheck.origin.clone();
        merged.inspected_on = recheck.inspected_on;
        merged.inspectors = recheck.inspectors.clone();
        for (id, observation) in &recheck.observations {
            // A note without a value re-inspects nothing: the answer stands, the note is
            // the re-inspection's.
            if observation.entry == Entry::Pending
                && let Some(kept) = merged.observations.get_mut(id)
            {
                kept.note = observation.note.clone();
                kept.evidence.extend(observation.evidence.iter().cloned());
                continue;
            }
            merged.observations.insert(id.clone(), observation.clone());
        }
        merged
    }

    /// The recorded value of an item, if it has one.
    pub fn value(&self, item: &str) -> Option<&Value> {
        match &self.observations.get(item)?.entry {
            Entry::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Why a record of site kind `kind` cannot be read: no checklist of the run judges it.
/// Every reader says it in these words, naming the kinds the run has.
pub fn no_checklist(kind: &str, checklists: &[crate::checklist::Checklist]) -> String {
    let known = checklists
        .iter()
        .map(|c| c.site_kind.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    crate::tr!(
        "没有站点类型“{kind}”的清单：本次运行的清单适用于 {known}",
        "no checklist for site kind \"{kind}\": this run has checklists for {known}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_inspectors_reads_as_the_list_it_holds() {
        let mut cell = Inspectors::default();
        cell.set_cell(" 张伟、李娜，王芳 ");
        let names = ["张伟", "李娜", "王芳"].map(str::to_owned).to_vec();
        assert_eq!(cell.names().as_ref(), names.as_slice());
        assert_eq!(cell, Inspectors::from(names));
        assert_eq!(cell.join("; "), "张伟; 李娜; 王芳");
        // The buffer is reused for the next row, and nothing of the last row is left.
        cell.set_cell("赵强");
        assert_eq!(cell.names().as_ref(), ["赵强".to_owned()]);
        assert_ne!(
            cell,
            Inspectors::from(vec!["赵强".to_owned(), "王芳".to_owned()])
        );
    }
}
