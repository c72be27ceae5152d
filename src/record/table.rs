//! Records from rows and columns: the wide layout (one row per site, one column per item)
//! and the long layout (one row per observation), whatever file the rows came from. The
//! layouts are described in `docs/forms.md`; cells are read by [`super::value`].

use std::collections::BTreeMap;

use csv::StringRecord;

use super::value::{self, Cell};
use super::{Entry, Observation, Record};
use crate::checklist::Checklist;
use crate::source::closest;

/// The site columns, in the order forms put them, with their Chinese titles.
pub const SITE_COLUMNS: &[(&str, &str)] = &[
    ("id", "编号"),
    ("name", "名称"),
    ("kind", "类型"),
    ("township", "乡镇"),
    ("village", "村"),
    ("inspected_on", "检查日期"),
    ("inspectors", "检查人员"),
];

/// Suffix of a column holding an item's note.
pub const NOTE_SUFFIX: &str = "#note";
/// Suffix of a column holding an item's evidence paths.
pub const EVIDENCE_SUFFIX: &str = "#evidence";

/// The columns of the long layout.
pub const LONG_COLUMNS: &[&str] = &["site_id", "item", "value", "note", "evidence"];

/// A problem in one cell (or row, when `column` is `None`), located for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// 1-based row of the file.
    pub row: usize,
    /// 1-based column, if the problem is in one cell.
    pub column: Option<usize>,
    /// The column's header (an item id, a site field), if known.
    pub header: Option<String>,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl CellError {
    /// `path:row:col: header (A1): message`, the one-line form every reader error takes.
    pub fn located(&self, path: &str) -> String {
        match (self.column, &self.header) {
            (Some(col), Some(header)) => format!(
                "{path}:{}:{col}: {header} ({}{}): {}",
                self.row,
                column_letters(col),
                self.row,
                self.message
            ),
            (Some(col), None) => format!("{path}:{}:{col}: {}", self.row, self.message),
            _ => format!("{path}:{}: {}", self.row, self.message),
        }
    }
}

/// Spreadsheet column letters of a 1-based column: 1 → A, 27 → AA.
pub fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Which layout a header row is.
pub fn is_long(header: &StringRecord) -> bool {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    ["site_id", "item", "value"]
        .iter()
        .all(|c| names.contains(c))
        && names
            .iter()
            .all(|n| LONG_COLUMNS.contains(n) || n.is_empty())
}

#[derive(Clone, Debug, PartialEq)]
enum Column {
    Site(&'static str),
    Item(String),
    Note(String),
    Evidence(String),
    Ignored,
}

/// The columns of a wide-layout file, read from its header.
#[derive(Debug)]
pub struct Wide {
    columns: Vec<(Column, String)>,
}

/// Columns that mobile collection tools add and that carry no observation.
fn is_metadata(name: &str) -> bool {
    name.is_empty()
        || name.starts_with('_')
        || name.starts_with("meta/")
        || matches!(
            name,
            "start"
                | "end"
                | "today"
                | "deviceid"
                | "username"
                | "phonenumber"
                | "simserial"
                | "subscriberid"
                | "audit"
                | "instanceID"
        )
}

fn item_exists(checklists: &[Checklist], id: &str) -> bool {
    checklists.iter().any(|c| c.item(id).is_some())
}

impl Wide {
    /// Reads a header row. Unknown columns are errors naming the nearest item id.
    pub fn from_header(header: &StringRecord, checklists: &[Checklist]) -> Result<Wide, CellError> {
        let mut columns = Vec::with_capacity(header.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}').to_owned();
            let error = |message: String| CellError {
                row: 1,
                column: Some(i + 1),
                header: Some(name.clone()),
                message,
            };
            let column = classify(&name, checklists).map_err(error)?;
            if column != Column::Ignored {
                if let Some(first) = seen.insert(name.clone(), i + 1) {
                    return Err(error(format!(
                        "column \"{name}\" appears twice (first in column {first})"
                    )));
                }
            }
            columns.push((column, name));
        }
        for (field, _) in SITE_COLUMNS {
            let optional = *field == "village";
            if !optional && !columns.iter().any(|(c, _)| *c == Column::Site(field)) {
                return Err(CellError {
                    row: 1,
                    column: None,
                    header: None,
                    message: format!(
                        "no `{field}` column: a wide form needs the columns {}",
                        SITE_COLUMNS
                            .iter()
                            .filter(|(f, _)| *f != "village")
                            .map(|(f, _)| *f)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        Ok(Wide { columns })
    }

    /// The column names as read, for converters that copy a layout.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(_, n)| n.as_str())
    }

    /// Whether `row` is the optional second header row of Chinese titles.
    pub fn is_title_row(&self, row: &StringRecord) -> bool {
        self.columns.iter().zip(row.iter()).any(|((c, _), cell)| {
            *c == Column::Site("id") && matches!(cell.trim(), "编号" | "站点编号")
        })
    }

    /// Reads one site from a data row.
    pub fn record(
        &self,
        row: &StringRecord,
        row_number: usize,
        origin: &str,
        checklists: &[Checklist],
    ) -> Result<Record, CellError> {
        if row.len() > self.columns.len()
            && row
                .iter()
                .skip(self.columns.len())
                .any(|c| !c.trim().is_empty())
        {
            return Err(CellError {
                row: row_number,
                column: None,
                header: None,
                message: format!(
                    "the row has {} cells but the header only {} columns",
                    row.len(),
                    self.columns.len()
                ),
            });
        }
        let cell = |field: &str| -> (usize, &str) {
            self.columns
                .iter()
                .position(|(c, _)| matches!(c, Column::Site(f) if *f == field))
                .map_or((0, ""), |i| (i + 1, row.get(i).unwrap_or("").trim()))
        };
        let mut site = SiteFields::default();
        for (field, _) in SITE_COLUMNS {
            let (col, text) = cell(field);
            site.set(field, text, row_number, col)?;
        }
        let kind = site.kind.clone();
        let checklist = checklists
            .iter()
            .find(|c| c.site_kind == kind)
            .ok_or_else(|| {
                let (col, _) = cell("kind");
                CellError {
                    row: row_number,
                    column: Some(col),
                    header: Some("kind".to_owned()),
                    message: format!(
                        "no checklist for site kind \"{kind}\": this run has checklists for {}",
                        kinds(checklists)
                    ),
                }
            })?;
        let mut observations: BTreeMap<String, Observation> = BTreeMap::new();
        let mut notes: Vec<(String, String)> = Vec::new();
        let mut evidence: Vec<(String, Vec<String>)> = Vec::new();
        for (i, (column, name)) in self.columns.iter().enumerate() {
            let text = row.get(i).unwrap_or("");
            if text.trim().is_empty() {
                continue;
            }
            let at = |message: String| CellError {
                row: row_number,
                column: Some(i + 1),
                header: Some(name.clone()),
                message,
            };
            match column {
                Column::Item(id) => {
                    let Some(item) = checklist.item(id) else {
                        return Err(at(format!(
                            "item `{id}` is not in checklist {} for site kind \"{kind}\"",
                            checklist.id
                        )));
                    };
                    let entry = entry_of(item, text).map_err(at)?;
                    if let Some(entry) = entry {
                        observations.insert(
                            id.clone(),
                            Observation {
                                entry,
                                note: None,
                                evidence: Vec::new(),
                            },
                        );
                    }
                }
                Column::Note(id) => notes.push((id.clone(), text.trim().to_owned())),
                Column::Evidence(id) => evidence.push((id.clone(), split_paths(text))),
                Column::Site(_) | Column::Ignored => {}
            }
        }
        attach(&mut observations, checklist, notes, evidence).map_err(|(id, message)| {
            CellError {
                row: row_number,
                column: None,
                header: Some(id),
                message,
            }
        })?;
        Ok(site.into_record(origin, observations))
    }
}

fn kinds(checklists: &[Checklist]) -> String {
    checklists
        .iter()
        .map(|c| c.site_kind.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn classify(name: &str, checklists: &[Checklist]) -> Result<Column, String> {
    if let Some((field, _)) = SITE_COLUMNS.iter().find(|(f, _)| *f == name) {
        return Ok(Column::Site(field));
    }
    if is_metadata(name) {
        return Ok(Column::Ignored);
    }
    // `group/item` from mobile forms; `group/item/choice` columns repeat a multiple choice.
    let segments: Vec<&str> = name.split('/').collect();
    let last = segments.last().copied().unwrap_or(name);
    if let Some((field, _)) = SITE_COLUMNS.iter().find(|(f, _)| *f == last) {
        return Ok(Column::Site(field));
    }
    for (suffix, make) in [
        (NOTE_SUFFIX, Column::Note as fn(String) -> Column),
        (EVIDENCE_SUFFIX, Column::Evidence as fn(String) -> Column),
    ] {
        if let Some(id) = last.strip_suffix(suffix) {
            if item_exists(checklists, id) {
                return Ok(make(id.to_owned()));
            }
            return Err(unknown(id, checklists));
        }
    }
    if item_exists(checklists, last) {
        return Ok(Column::Item(last.to_owned()));
    }
    if segments.len() >= 2 && item_exists(checklists, segments[segments.len() - 2]) {
        return Ok(Column::Ignored);
    }
    Err(unknown(last, checklists))
}

fn unknown(id: &str, checklists: &[Checklist]) -> String {
    let ids = checklists
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.id.as_str()));
    let site = SITE_COLUMNS.iter().map(|(f, _)| *f);
    let hint = closest(id, ids.chain(site))
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    format!(
        "unknown column \"{id}\": not a site column nor an item of {}{hint}",
        {
            checklists
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    )
}

/// An item's cell as an entry: `None` when empty, else a value or not applicable.
fn entry_of(item: &crate::checklist::Item, text: &str) -> Result<Option<Entry>, String> {
    match value::parse_cell(&item.kind, text)? {
        Cell::Empty => Ok(None),
        Cell::NotApplicable(reason) => Ok(Some(Entry::NotApplicable(reason))),
        Cell::Value(raw) => item.kind.accept(raw).map(|v| Some(Entry::Value(v))),
    }
}

/// Evidence paths: one per line or separated by `;`.
fn split_paths(text: &str) -> Vec<String> {
    text.split(['\n', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Puts notes and evidence on their items; an item with only a note or evidence is
/// recorded as pending, like `{ note = "…" }` in TOML.
fn attach(
    observations: &mut BTreeMap<String, Observation>,
    checklist: &Checklist,
    notes: Vec<(String, String)>,
    evidence: Vec<(String, Vec<String>)>,
) -> Result<(), (String, String)> {
    for (id, note) in notes {
        if checklist.item(&id).is_none() {
            return Err((
                id.clone(),
                format!("item `{id}` is not in checklist {}", checklist.id),
            ));
        }
        let obs = observations.entry(id).or_insert_with(pending);
        obs.note = Some(note);
    }
    for (id, paths) in evidence {
        if checklist.item(&id).is_none() {
            return Err((
                id.clone(),
                format!("item `{id}` is not in checklist {}", checklist.id),
            ));
        }
        observations
            .entry(id)
            .or_insert_with(pending)
            .evidence
            .extend(paths);
    }
    Ok(())
}

fn pending() -> Observation {
    Observation {
        entry: Entry::Pending,
        note: None,
        evidence: Vec::new(),
    }
}

/// The site fields of a row, checked as they are set.
#[derive(Default)]
struct SiteFields {
    id: String,
    name: String,
    kind: String,
    township: String,
    village: Option<String>,
    inspected_on: Option<jiff::civil::Date>,
    inspectors: Vec<String>,
}

impl SiteFields {
    fn set(&mut self, field: &str, text: &str, row: usize, col: usize) -> Result<(), CellError> {
        let error = |message: String| CellError {
            row,
            column: (col > 0).then_some(col),
            header: Some(field.to_owned()),
            message,
        };
        let required = |what: &str| error(format!("`{field}` is empty: give {what}"));
        match field {
            "id" => {
                if text.is_empty() {
                    return Err(required("the site id, e.g. chengguan"));
                }
                if !super::toml::is_site_id(text) {
                    return Err(error(format!(
                        "site id \"{text}\" may use only ASCII letters, digits, - and _ (e.g. chengguan)"
                    )));
                }
                self.id = text.to_owned();
            }
            "name" if text.is_empty() => return Err(required("the site's name")),
            "name" => self.name = text.to_owned(),
            "kind" if text.is_empty() => return Err(required("the kind of site, e.g. township")),
            "kind" => self.kind = text.to_owned(),
            "township" if text.is_empty() => return Err(required("the township")),
            "township" => self.township = text.to_owned(),
            "village" => self.village = (!text.is_empty()).then(|| text.to_owned()),
            "inspected_on" if text.is_empty() => {
                return Err(required("the inspection date, e.g. 2020-06-02"));
            }
            "inspected_on" => self.inspected_on = Some(value::parse_date(text).map_err(error)?),
            "inspectors" if text.is_empty() => return Err(required("who inspected")),
            "inspectors" => self.inspectors = value::split_list(text),
            _ => {}
        }
        Ok(())
    }

    fn into_record(self, origin: &str, observations: BTreeMap<String, Observation>) -> Record {
        Record {
            origin: origin.to_owned(),
            id: self.id,
            name: self.name,
            kind: self.kind,
            township: self.township,
            village: self.village,
            inspected_on: self.inspected_on.unwrap_or_default(),
            inspectors: self.inspectors,
            observations,
        }
    }
}

/// Collects the long layout: rows of one site may be anywhere in the file, so sites are
/// completed only at the end.
#[derive(Debug)]
pub struct Long {
    columns: BTreeMap<&'static str, usize>,
    sites: BTreeMap<String, LongSite>,
    order: Vec<String>,
}

#[derive(Debug, Default)]
struct LongSite {
    first_row: usize,
    fields: Vec<(String, String, usize)>,
    items: Vec<(String, String, String, String, usize)>,
}

impl Long {
    /// Reads a long-layout header.
    pub fn from_header(header: &StringRecord) -> Long {
        let mut columns = BTreeMap::new();
        for (i, name) in header.iter().enumerate() {
            if let Some(c) = LONG_COLUMNS.iter().find(|c| **c == name.trim()) {
                columns.insert(*c, i);
            }
        }
        Long {
            columns,
            sites: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    fn get<'r>(&self, row: &'r StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|&i| row.get(i))
            .map_or("", str::trim)
    }

    /// Takes one row.
    pub fn push(&mut self, row: &StringRecord, row_number: usize) -> Result<(), CellError> {
        let site = self.get(row, "site_id").to_owned();
        let item = self.get(row, "item").to_owned();
        if site.is_empty() && item.is_empty() {
            return Ok(());
        }
        let col = |c: &str| self.columns.get(c).map(|i| i + 1);
        if site.is_empty() {
            return Err(CellError {
                row: row_number,
                column: col("site_id"),
                header: Some("site_id".into()),
                message: "`site_id` is empty".into(),
            });
        }
        if item.is_empty() {
            return Err(CellError {
                row: row_number,
                column: col("item"),
                header: Some("item".into()),
                message: "`item` is empty: give an item id or a site field".into(),
            });
        }
        let value = self.get(row, "value").to_owned();
        let note = self.get(row, "note").to_owned();
        let evidence = self.get(row, "evidence").to_owned();
        if !self.sites.contains_key(&site) {
            self.order.push(site.clone());
        }
        let entry = self.sites.entry(site).or_insert_with(|| LongSite {
            first_row: row_number,
            ..LongSite::default()
        });
        if SITE_COLUMNS.iter().any(|(f, _)| *f == item) && item != "id" {
            entry.fields.push((item, value, row_number));
        } else {
            entry.items.push((item, value, note, evidence, row_number));
        }
        Ok(())
    }

    /// The sites collected, in the order their first row appeared.
    pub fn finish(
        mut self,
        origin: &str,
        checklists: &[Checklist],
    ) -> Result<Vec<Record>, CellError> {
        let value_col = self.columns.get("value").map(|i| i + 1);
        let item_col = self.columns.get("item").map(|i| i + 1);
        let mut records = Vec::with_capacity(self.order.len());
        for id in std::mem::take(&mut self.order) {
            let Some(site) = self.sites.remove(&id) else {
                continue;
            };
            let mut fields = SiteFields::default();
            fields.set(
                "id",
                &id,
                site.first_row,
                self.columns.get("site_id").map_or(0, |i| i + 1),
            )?;
            for (field, _) in SITE_COLUMNS
                .iter()
                .filter(|(f, _)| *f != "id" && *f != "village")
            {
                let found = site.fields.iter().rev().find(|(f, _, _)| f == field);
                let (text, row) = found.map_or(("", site.first_row), |(_, v, r)| (v.as_str(), *r));
                if found.is_none() {
                    return Err(CellError {
                        row: site.first_row,
                        column: None,
                        header: Some(field.to_string()),
                        message: format!(
                            "site \"{id}\" has no `{field}` row: add a row `{id},{field},…`"
                        ),
                    });
                }
                fields.set(field, text, row, value_col.unwrap_or(0))?;
            }
            if let Some((_, v, r)) = site.fields.iter().rev().find(|(f, _, _)| f == "village") {
                fields.set("village", v, *r, value_col.unwrap_or(0))?;
            }
            let kind = fields.kind.clone();
            let checklist = checklists
                .iter()
                .find(|c| c.site_kind == kind)
                .ok_or_else(|| CellError {
                    row: site.first_row,
                    column: value_col,
                    header: Some("kind".into()),
                    message: format!(
                        "no checklist for site kind \"{kind}\": this run has checklists for {}",
                        kinds(checklists)
                    ),
                })?;
            let mut observations = BTreeMap::new();
            for (item_id, value, note, evidence, row) in site.items {
                let Some(item) = checklist.item(&item_id) else {
                    let hint = checklist
                        .nearest_item(&item_id)
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    return Err(CellError {
                        row,
                        column: item_col,
                        header: Some("item".into()),
                        message: format!(
                            "unknown item `{item_id}` for checklist {}{hint}",
                            checklist.id
                        ),
                    });
                };
                let at = |message: String| CellError {
                    row,
                    column: value_col,
                    header: Some(item_id.clone()),
                    message,
                };
                let entry = match entry_of(item, &value).map_err(at)? {
                    // The long layout keeps the reason of 不适用 in the note column.
                    Some(Entry::NotApplicable(reason)) if reason.is_empty() => {
                        if note.is_empty() {
                            return Err(at(
                                "`不适用` needs a reason: put it in the note column".into()
                            ));
                        }
                        Some(Entry::NotApplicable(note.clone()))
                    }
                    other => other,
                };
                let na_note = matches!(&entry, Some(Entry::NotApplicable(r)) if *r == note);
                let obs = Observation {
                    entry: entry.unwrap_or(Entry::Pending),
                    note: (!note.is_empty() && !na_note).then(|| note.clone()),
                    evidence: split_paths(&evidence),
                };
                if obs.entry == Entry::Pending && obs.note.is_none() && obs.evidence.is_empty() {
                    continue;
                }
                if observations.insert(item_id.clone(), obs).is_some() {
                    return Err(at(format!(
                        "item `{item_id}` of site \"{id}\" is given twice"
                    )));
                }
            }
            records.push(fields.into_record(origin, observations));
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheets() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(53), "BA");
    }
}
