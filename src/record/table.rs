//! Records from rows and columns: the wide layout (one row per site, one column per item)
//! and the long layout (one row per observation), whatever file the rows came from. The
//! layouts are described in `docs/forms.md`; cells are read by [`super::value`].

use std::collections::BTreeMap;
use std::ops::Range;

use csv::StringRecord;

use super::cells::Cells;
use super::value::{self, Canonical, padded};
use super::{Entry, Glance, Observation, Reading, Record};
use crate::checklist::{Checklist, Kind, Value};

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
/// Suffix of the XLSForm's note question of an item (`site.floor_area_note`): a field name
/// cannot hold `#`, so an export's `<item>_note` column is read as `<item>#note`.
pub const FORM_NOTE_SUFFIX: &str = "_note";
/// Suffix of the XLSForm's photo question of an item (`site.floor_area_photo`): an export's
/// `<item>_photo` column holds the photo's file name and is read as `<item>#evidence`.
pub const FORM_PHOTO_SUFFIX: &str = "_photo";
/// What the XLSForm's note question of an item is labelled after the item's title
/// (`乡镇便民服务中心净使用面积要在 60 m² 以上：备注`), in Chinese and English: unique, so
/// that an export with labels for headers still says whose note a column is.
pub const FORM_NOTE_LABEL: [&str; 2] = ["：备注", ": note"];
/// What the XLSForm's photo question of an item is labelled after the item's title.
pub const FORM_PHOTO_LABEL: [&str; 2] = ["：照片", ": photo"];
/// What the XLSForm adds to a mandatory item's label.
pub const FORM_MANDATORY_LABEL: [&str; 2] = ["（必查）", " (must check)"];
/// The XLSForm's labels of the site questions, in Chinese and English, by field.
pub const FORM_SITE_LABELS: &[(&str, [&str; 2])] = &[
    ("id", ["编号", "Site id"]),
    ("name", ["名称", "Name"]),
    ("township", ["乡镇", "Township"]),
    ("village", ["村", "Village"]),
    ("inspected_on", ["检查日期", "Inspection date"]),
    ("inspectors", ["检查人员", "Inspectors"]),
];

/// What KoboToolbox adds to a photo column's name for the column of the photo's web
/// address (`site.floor_area_photo_URL`): ignored, the file name is the evidence.
const MEDIA_URL_SUFFIX: &str = "_URL";

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
            (Some(col), Some(header)) => {
                let (row, letters, message) = (self.row, column_letters(col), &self.message);
                crate::tr!(
                    "{path}:{row}:{col}：{header}（{letters}{row}）：{message}",
                    "{path}:{row}:{col}: {header} ({letters}{row}): {message}"
                )
            }
            (Some(col), None) => {
                let (row, message) = (self.row, &self.message);
                crate::tr!(
                    "{path}:{row}:{col}：{message}",
                    "{path}:{row}:{col}: {message}"
                )
            }
            _ => {
                let (row, message) = (self.row, &self.message);
                crate::tr!("{path}:{row}：{message}", "{path}:{row}: {message}")
            }
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

/// Whether `header` is the first row of a sheet of records, in either layout: it has the
/// long layout's columns, or a site-id column (`id`, or `group/id` from a form). A sheet
/// of instructions or totals has neither.
pub fn is_record_header(header: &StringRecord) -> bool {
    is_long(header)
        || header.iter().any(|name| {
            let name = name.trim().trim_start_matches('\u{feff}');
            name.rsplit('/').next() == Some("id")
        })
}

#[derive(Clone, Debug, PartialEq)]
enum Column {
    Site(&'static str),
    Item(String),
    Note(String),
    Evidence(String),
    /// `group/item/choice`: one choice of a multiple choice, which form tools may export
    /// beside the item's own column. The item's column holds the answer; alone, these
    /// columns are refused (see [`Wide::from_header`]).
    Choice(String),
    /// Export metadata (`_uuid`, `start`, `meta/instanceID`…): carries no observation.
    Ignored,
    /// A column without a header: a value under it is an error, never skipped.
    Unnamed,
}

impl Column {
    /// What the column holds, for telling two columns that hold the same thing apart from
    /// two that merely share a spelling: `site.floor_area` and `grp/site.floor_area` are
    /// one item. `None` for columns that hold nothing of their own.
    fn holds(&self) -> Option<String> {
        match self {
            Column::Site(field) => Some(format!("site:{field}")),
            Column::Item(id) => Some(id.clone()),
            Column::Note(id) => Some(format!("{id}{NOTE_SUFFIX}")),
            Column::Evidence(id) => Some(format!("{id}{EVIDENCE_SUFFIX}")),
            Column::Choice(_) | Column::Ignored | Column::Unnamed => None,
        }
    }
}

/// The columns of a wide-layout file, read from its header.
#[derive(Debug)]
pub struct Wide {
    columns: Vec<(Column, String)>,
    /// The column of each site field, in [`SITE_COLUMNS`] order, worked out once.
    site_columns: Vec<Option<usize>>,
    /// For each checklist of the run, the index of the item each column holds, so a row is
    /// read without searching items by name.
    items: Vec<Vec<Option<usize>>>,
    /// For each checklist, what the fast path looks at.
    plans: Vec<CleanPlan>,
}

/// The columns the fast path reads for one checklist, worked out from the header.
#[derive(Debug)]
struct CleanPlan {
    /// The column of each item, in checklist order (`None`: no column, so never clean).
    item_columns: Vec<Option<usize>>,
    /// Columns that must be empty for a clean row: notes, evidence, other kinds' items, in
    /// runs of neighbouring columns (a village row's township items are one run).
    must_be_empty: Vec<Range<usize>>,
    /// For each `includes` item whose members the fast path may match (each
    /// [`value::is_plain_member`]), its members joined by `、` in checklist order: the cell
    /// as `convert` and forms write it, matched in one comparison.
    in_order: Vec<Option<String>>,
}

/// A row read by the fast path ([`Wide::quick_read`]), its buffers reused row after row.
#[derive(Debug)]
pub(crate) struct QuickRead {
    /// The site fields, and the observations of the items whose cells are not canonical.
    pub record: Record,
    /// For each item of the row's checklist, in order, its cell when canonical.
    pub glances: Vec<Option<Glance>>,
}

impl QuickRead {
    /// An empty read, for rows of files from `origin`.
    pub fn new(origin: &str) -> QuickRead {
        QuickRead {
            record: Record::blank(origin),
            glances: Vec::new(),
        }
    }

    /// The row as the evaluator takes it.
    pub fn reading(&self) -> Reading<'_> {
        Reading {
            record: &self.record,
            glances: &self.glances,
        }
    }
}

/// Consecutive numbers gathered into runs: `[1, 2, 3, 7]` into `[1..4, 7..8]`.
fn runs(numbers: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for n in numbers {
        match runs.last_mut() {
            Some(run) if run.end == n => run.end = n + 1,
            _ => runs.push(n..n + 1),
        }
    }
    runs
}

/// Columns that mobile collection tools add and that carry no observation.
fn is_metadata(name: &str) -> bool {
    name.starts_with('_')
        || name.starts_with("meta/")
        || name.starts_with("meta-")
        // ODK Central's submission columns.
        || matches!(
            name,
            "SubmissionDate"
                | "KEY"
                | "SubmitterID"
                | "SubmitterName"
                | "AttachmentsPresent"
                | "AttachmentsExpected"
                | "Status"
                | "ReviewState"
                | "DeviceID"
                | "Edits"
                | "FormVersion"
        )
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

/// The site kind a `kind` cell names: the kind itself (`township`), or the name a
/// checklist gives it (`乡镇便民服务中心`, `township centre`), as the xlsx form's dropdown
/// writes it. Anything else is returned as it is, for the caller to refuse.
pub fn kind_code<'a>(text: &'a str, checklists: &'a [Checklist]) -> &'a str {
    checklists
        .iter()
        .find(|c| {
            c.site_kind == text
                || c.site_kind_name == text
                || c.site_kind_name_en
                    .as_deref()
                    .is_some_and(|en| en.eq_ignore_ascii_case(text))
        })
        .map_or(text, |c| c.site_kind.as_str())
}

fn item_exists(checklists: &[Checklist], id: &str) -> bool {
    checklists.iter().any(|c| c.item(id).is_some())
}

impl Wide {
    /// Reads a header row. Unknown columns are errors naming the nearest item id.
    pub fn from_header(header: &StringRecord, checklists: &[Checklist]) -> Result<Wide, CellError> {
        let mut columns = Vec::with_capacity(header.len());
        // Every header is resolved here, once, for every reader and command: two columns
        // that hold the same thing would let the reader's order decide the answer.
        let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}').to_owned();
            let error = |message: String| CellError {
                row: 1,
                column: Some(i + 1),
                header: Some(name.clone()),
                message,
            };
            let column = classify(&name, checklists).map_err(error)?;
            if let Some(holds) = column.holds() {
                if let Some((first, first_name)) = seen.insert(holds, (i + 1, name.clone())) {
                    let letters = column_letters(first);
                    return Err(error(if *first_name == name {
                        crate::tr!(
                            "列“{name}”出现了两次（第一次在第 {first} 列，{letters} 列）：请删去一列",
                            "column \"{name}\" appears twice (first in column {first}, {letters}): delete one"
                        )
                    } else {
                        crate::tr!(
                            "列“{name}”与第 {first} 列（{letters} 列）“{first_name}”是同一项：请删去一列",
                            "column \"{name}\" holds the same as column {first} ({letters}) \"{first_name}\": delete one"
                        )
                    }));
                }
            }
            columns.push((column, name));
        }
        // A multiple choice exported only as one column per choice (1/0): reading it would
        // need the export's choice names; leaving it unrecorded would fail the site in
        // silence. The form tools can export the answer as one column.
        for (i, (column, name)) in columns.iter().enumerate() {
            if let Column::Choice(id) = column
                && !columns.iter().any(|(c, _)| *c == Column::Item(id.clone()))
            {
                return Err(CellError {
                    row: 1,
                    column: Some(i + 1),
                    header: Some(name.clone()),
                    message: crate::tr!(
                        "“{name}”是多选题 `{id}` 按选项拆开的列，而表中没有 `{id}` 本身的列：请导出时把多选题放在一列（KoboToolbox：导出设置“多选题”选“单列”；ODK Central：不勾选“拆分多选题”）",
                        "\"{name}\" is one choice of the multiple choice `{id}`, and the sheet has no column `{id}` itself: export multiple choices as one column (KoboToolbox: export setting \"select_multiple: single column\"; ODK Central: leave \"split select multiple\" unticked)"
                    ),
                });
            }
        }
        for (field, _) in SITE_COLUMNS {
            let optional = *field == "village";
            if !optional && !columns.iter().any(|(c, _)| *c == Column::Site(field)) {
                return Err(CellError {
                    row: 1,
                    column: None,
                    header: None,
                    message: {
                        let needed = SITE_COLUMNS
                            .iter()
                            .filter(|(f, _)| *f != "village")
                            .map(|(f, _)| *f)
                            .collect::<Vec<_>>()
                            .join(", ");
                        crate::tr!(
                            "没有 `{field}` 列：每站一行的表格须有这些列：{needed}",
                            "no `{field}` column: a wide form needs the columns {needed}"
                        )
                    },
                });
            }
        }
        let site_columns = SITE_COLUMNS
            .iter()
            .map(|(field, _)| {
                columns
                    .iter()
                    .position(|(c, _)| matches!(c, Column::Site(f) if f == field))
            })
            .collect();
        let items = checklists
            .iter()
            .map(|checklist| {
                columns
                    .iter()
                    .map(|(c, _)| match c {
                        Column::Item(id) => checklist.items.iter().position(|i| &i.id == id),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let plans = checklists
            .iter()
            .zip(&items)
            .map(
                |(checklist, item_of): (&Checklist, &Vec<Option<usize>>)| CleanPlan {
                    item_columns: (0..checklist.items.len())
                        .map(|item| item_of.iter().position(|&i| i == Some(item)))
                        .collect(),
                    in_order: checklist
                        .items
                        .iter()
                        .map(|item| match &item.kind {
                            Kind::Includes(inc)
                                if inc.members().iter().all(|m| value::is_plain_member(m)) =>
                            {
                                Some(inc.members().join("、"))
                            }
                            _ => None,
                        })
                        .collect(),
                    must_be_empty: runs(
                        columns
                            .iter()
                            .enumerate()
                            .filter(|(i, (c, _))| {
                                !matches!(c, Column::Site(_) | Column::Ignored | Column::Choice(_))
                                    && item_of[*i].is_none()
                            })
                            .map(|(i, _)| i),
                    ),
                },
            )
            .collect();
        Ok(Wide {
            columns,
            site_columns,
            items,
            plans,
        })
    }

    /// The column names as read, for converters that copy a layout.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(_, n)| n.as_str())
    }

    /// Whether `row` is the optional second header row of Chinese titles.
    pub fn is_title_row(&self, row: &impl Cells) -> bool {
        self.site_columns[0]
            .and_then(|i| row.text(i))
            .is_some_and(|cell| matches!(cell.trim(), "编号" | "站点编号"))
    }

    /// The fast path of large files. A row whose site fields are in order and whose only
    /// filled columns are its checklist's items is read into `quick` (reusing its buffers),
    /// and its checklist's index returned: every item whose cell is in the canonical form
    /// `convert` and forms write is kept as a [`Glance`], without an observation; every
    /// other item (empty, not applicable, unusual) is read by the full reader's own cell
    /// reading into `quick.record`. Nothing is judged here: the evaluator judges glances
    /// and observations alike. Anything else (a note, a bad site field, bytes that are not
    /// UTF-8, a cell the full reader refuses) gives `None`, and the row goes through
    /// [`Wide::record`], which reads it fully and words every error.
    pub(crate) fn quick_read(
        &self,
        row: &impl Cells,
        checklists: &[Checklist],
        quick: &mut QuickRead,
    ) -> Option<usize> {
        let text = |column: usize| row.text(column);
        let cell = |field: usize| match self.site_columns[field] {
            Some(column) => text(column).map(value::undefuse),
            None => Some(""),
        };
        let (id, name, kind, township, village, date, inspectors) = (
            cell(0)?,
            cell(1)?,
            cell(2)?,
            cell(3)?,
            cell(4)?,
            cell(5)?,
            cell(6)?,
        );
        if !super::toml::is_site_id(id)
            || [name, kind, township, inspectors]
                .iter()
                .any(|t| t.is_empty() || padded(t))
            || padded(village)
        {
            return None;
        }
        let inspected_on = value::iso_date(date).filter(|d| value::inspection_date(*d).is_ok())?;
        let n = checklists.iter().position(|c| c.site_kind == kind)?;
        let checklist = &checklists[n];
        let plan = &self.plans[n];
        if !row.all_empty(self.columns.len()..row.count()) {
            return None;
        }
        // Notes, evidence and other kinds' items send the row down the full path.
        if !plan
            .must_be_empty
            .iter()
            .all(|columns| row.all_empty(columns.clone()))
        {
            return None;
        }
        let record = &mut quick.record;
        if !record.observations.is_empty() {
            record.observations.clear();
        }
        quick.glances.resize(checklist.items.len(), None);
        for (((item, column), in_order), glance) in checklist
            .items
            .iter()
            .zip(&plan.item_columns)
            .zip(&plan.in_order)
            .zip(&mut quick.glances)
        {
            let cell = match column {
                Some(column) => value::undefuse(text(*column)?),
                None => "",
            };
            match value::read_canonical(&item.kind, cell) {
                Some(Canonical::Value(v)) => *glance = Some(Glance::Value(v)),
                // The text's buffer is kept from row to row.
                Some(Canonical::Text(text)) => match glance {
                    Some(Glance::Value(Value::Text(held))) => {
                        held.clear();
                        held.push_str(text);
                    }
                    _ => *glance = Some(Glance::Value(Value::Text(text.to_owned()))),
                },
                // Every member, in checklist order (as `convert` and the forms write them).
                Some(Canonical::Members(text)) if in_order.as_deref() == Some(text) => {
                    *glance = Some(Glance::EveryMember);
                }
                // Members only, in another order or some missing: the set, its buffers
                // kept from row to row.
                Some(Canonical::Members(text))
                    if in_order.is_some() && members_read(&item.kind, text, glance) => {}
                // Anything else is read as the full reader reads it.
                _ => {
                    *glance = None;
                    if let Some(observation) = observation_of(item, cell).ok()? {
                        record.observations.insert(item.id.clone(), observation);
                    }
                }
            }
        }
        // Filled in place: a file of many sites reuses the same buffers for every row.
        let refill = |target: &mut String, text: &str| {
            target.clear();
            target.push_str(text);
        };
        refill(&mut record.id, id);
        refill(&mut record.name, name);
        refill(&mut record.kind, kind);
        refill(&mut record.township, township);
        match (&mut record.village, village.is_empty()) {
            (_, true) => record.village = None,
            (Some(v), false) => refill(v, village),
            (None, false) => record.village = Some(village.to_owned()),
        }
        record.inspected_on = inspected_on;
        record.inspectors.set_cell(inspectors);
        Some(n)
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
                message: {
                    let (cells, columns) = (row.len(), self.columns.len());
                    crate::tr!(
                        "这一行有 {cells} 个单元格，而表头只有 {columns} 列",
                        "the row has {cells} cells but the header only {columns} columns"
                    )
                },
            });
        }
        let cell = |field: usize| -> (usize, &str) {
            self.site_columns[field].map_or((0, ""), |i| {
                (i + 1, value::undefuse(row.get(i).unwrap_or("")).trim())
            })
        };
        let mut site = SiteFields::default();
        for (n, (field, _)) in SITE_COLUMNS.iter().enumerate() {
            let (col, text) = cell(n);
            site.set(field, text, row_number, col)?;
        }
        site.kind = kind_code(&site.kind, checklists).to_owned();
        let kind = site.kind.clone();
        let position = checklists.iter().position(|c| c.site_kind == kind);
        let (checklist, item_of) = position
            .map(|n| (&checklists[n], &self.items[n]))
            .ok_or_else(|| {
                let (col, _) = cell(2);
                CellError {
                    row: row_number,
                    column: Some(col),
                    header: Some("kind".to_owned()),
                    message: super::no_checklist(&kind, checklists),
                }
            })?;
        let mut observations: BTreeMap<String, Observation> = BTreeMap::new();
        let mut notes: Vec<(String, String)> = Vec::new();
        let mut evidence: Vec<(String, Vec<String>)> = Vec::new();
        let mut bare: Vec<(String, usize)> = Vec::new();
        for (i, (column, name)) in self.columns.iter().enumerate() {
            let text = value::undefuse(row.get(i).unwrap_or(""));
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
                    let Some(item) = item_of[i].map(|n| &checklist.items[n]) else {
                        let list = &checklist.id;
                        return Err(at(crate::tr!(
                            "站点类型“{kind}”的清单 {list} 中没有项目 `{id}`",
                            "item `{id}` is not in checklist {list} for site kind \"{kind}\""
                        )));
                    };
                    if bare_not_applicable(item, text) {
                        // Its reason is in the item's note column, as an XLSForm's
                        // not-applicable choice and its note question export it.
                        bare.push((id.clone(), i));
                        continue;
                    }
                    if let Some(observation) = observation_of(item, text).map_err(at)? {
                        observations.insert(id.clone(), observation);
                    }
                }
                Column::Note(id) => notes.push((id.clone(), text.trim().to_owned())),
                Column::Evidence(id) => evidence.push((id.clone(), split_paths(text))),
                Column::Unnamed => {
                    let shown = text.trim();
                    return Err(at(crate::tr!(
                        "这一列没有列名，却填了“{shown}”：请在第一行写上它的列名（项目编号），或删去这个值",
                        "this column has no header but holds \"{shown}\": write its name (an item id) in the first row, or delete the value"
                    )));
                }
                Column::Site(_) | Column::Ignored | Column::Choice(_) => {}
            }
        }
        for (id, i) in bare {
            let Some(n) = notes.iter().position(|(note_of, _)| *note_of == id) else {
                return Err(CellError {
                    row: row_number,
                    column: Some(i + 1),
                    header: Some(self.columns[i].1.clone()),
                    message: crate::tr!(
                        "`不适用` 需写明理由：请写作“不适用：理由”，或把理由写在 {id}{NOTE_SUFFIX} 列",
                        "`不适用` needs a reason: write it as \"不适用：reason\", or put the reason in the {id}{NOTE_SUFFIX} column"
                    ),
                });
            };
            let (_, reason) = notes.remove(n);
            let observation = Observation {
                entry: Entry::NotApplicable(reason),
                note: None,
                evidence: Vec::new(),
            };
            observations.insert(id, observation);
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

/// Reads an `includes` cell naming members only into `glance`, as a set, reusing the set
/// it holds; `false` for a cell naming anything else, which the full reading then reads.
fn members_read(kind: &Kind, text: &str, glance: &mut Option<Glance>) -> bool {
    let Kind::Includes(inc) = kind else {
        return false;
    };
    if let Some(Glance::Value(Value::Set(held))) = glance {
        return value::members_named(inc.members(), text, held);
    }
    let mut set = Vec::new();
    let read = value::members_named(inc.members(), text, &mut set);
    if read {
        *glance = Some(Glance::Value(Value::Set(set)));
    }
    read
}

fn classify(name: &str, checklists: &[Checklist]) -> Result<Column, String> {
    if let Some((field, _)) = SITE_COLUMNS.iter().find(|(f, _)| *f == name) {
        return Ok(Column::Site(field));
    }
    if name.is_empty() {
        return Ok(Column::Unnamed);
    }
    if is_metadata(name) {
        return Ok(Column::Ignored);
    }
    // `group/item` from KoboToolbox, `group-item` from ODK Central; `group/item/choice`
    // columns repeat a multiple choice.
    let known = |segment: &str| {
        SITE_COLUMNS.iter().any(|(f, _)| *f == segment)
            || item_exists(checklists, segment)
            || [NOTE_SUFFIX, EVIDENCE_SUFFIX].iter().any(|suffix| {
                segment
                    .strip_suffix(suffix)
                    .is_some_and(|id| item_exists(checklists, id))
            })
            || form_column(segment, checklists).is_some()
    };
    let segments: Vec<&str> = name.split('/').map(|s| without_groups(s, known)).collect();
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
    if let Some(column) = form_column(last, checklists) {
        return Ok(column);
    }
    if let Some(column) = labelled_column(last, checklists) {
        return Ok(column);
    }
    if segments.len() >= 2 && item_exists(checklists, segments[segments.len() - 2]) {
        return Ok(Column::Choice(segments[segments.len() - 2].to_owned()));
    }
    Err(unknown(last, checklists))
}

/// The columns of the XLSForm's per-item questions, as its exports name them: the note
/// (`<item>_note`), the photo (`<item>_photo`) and KoboToolbox's web address of the photo
/// (`<item>_photo_URL`, ignored). `None` for anything else, and for an item id that itself
/// ends in one of these, which `classify` has found first.
fn form_column(segment: &str, checklists: &[Checklist]) -> Option<Column> {
    let item = |id: &str| item_exists(checklists, id).then(|| id.to_owned());
    if let Some(id) = segment.strip_suffix(FORM_NOTE_SUFFIX).and_then(item) {
        return Some(Column::Note(id));
    }
    if let Some(id) = segment.strip_suffix(FORM_PHOTO_SUFFIX).and_then(item) {
        return Some(Column::Evidence(id));
    }
    segment
        .strip_suffix(MEDIA_URL_SUFFIX)
        .and_then(|s| s.strip_suffix(FORM_PHOTO_SUFFIX))
        .and_then(item)
        .map(|_| Column::Ignored)
}

/// A column headed by the XLSForm's label of its question rather than its name, as an
/// export "with labels" writes it (its group's label before `/` already taken off): a site
/// question, an item (`…（必查）` for a mandatory one), an item's note (`…：备注…`) or its
/// photo (`…：照片…`, and KoboToolbox's `…_URL` of the photo, ignored).
fn labelled_column(label: &str, checklists: &[Checklist]) -> Option<Column> {
    if let Some((field, _)) = FORM_SITE_LABELS.iter().find(|(_, l)| l.contains(&label)) {
        return SITE_COLUMNS
            .iter()
            .find(|(f, _)| f == field)
            .map(|(f, _)| Column::Site(f));
    }
    let items = || checklists.iter().flat_map(|c| &c.items);
    let titled = |title: &str| {
        items()
            .find(|i| i.title == title || i.title_en.as_deref() == Some(title))
            .map(|i| i.id.clone())
    };
    let bare = FORM_MANDATORY_LABEL
        .iter()
        .find_map(|suffix| label.strip_suffix(suffix))
        .unwrap_or(label);
    if let Some(id) = titled(bare) {
        return Some(Column::Item(id));
    }
    for (marks, make) in [
        (FORM_NOTE_LABEL, Column::Note as fn(String) -> Column),
        (FORM_PHOTO_LABEL, Column::Evidence as fn(String) -> Column),
    ] {
        for mark in marks {
            if let Some((title, rest)) = label.split_once(mark)
                && let Some(id) = titled(title)
            {
                return Some(if rest.ends_with(MEDIA_URL_SUFFIX) {
                    Column::Ignored
                } else {
                    make(id)
                });
            }
        }
    }
    None
}

/// A column name's segment without the groups ODK Central joins to it with `-`
/// (`c3_1_1-site.floor_area`, nested `a-b-site.floor_area`): the longest tail after a `-`
/// that is `known`, or the segment as it is. An item id holding `-` itself is found first,
/// whole.
fn without_groups(segment: &str, known: impl Fn(&str) -> bool) -> &str {
    if known(segment) {
        return segment;
    }
    segment
        .match_indices('-')
        .map(|(i, _)| &segment[i + 1..])
        .find(|tail| known(tail))
        .unwrap_or(segment)
}

fn unknown(id: &str, checklists: &[Checklist]) -> String {
    // A label that names no question alone, as an export "with labels" of a form from an
    // older yanshou writes its note and photo questions: say which setting gives names.
    if matches!(
        id,
        "备注" | "Note" | "照片（佐证材料）" | "Photo (evidence)"
    ) || id.starts_with("备注（")
    {
        return crate::tr!(
            "列“{id}”是一道题的标签，说不出是哪一项的：请用本版 yanshou template --format xlsform 生成的表单（每道题的标签带项目名称），或从 KoboToolbox 导出时选“XML 值和表头”（XML values and headers）",
            "column \"{id}\" is the label of a question and does not say whose: use a form made by this yanshou's template --format xlsform (every label names its item), or export from KoboToolbox with \"XML values and headers\""
        );
    }
    let ids = checklists
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.id.as_str()));
    let site = SITE_COLUMNS.iter().map(|(f, _)| *f);
    let hint = crate::source::did_you_mean(crate::source::nearest(id, ids.chain(site)));
    let lists = checklists
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    crate::tr!(
        "不认识的列“{id}”：既不是站点信息列，也不是 {lists} 的项目{hint}",
        "unknown column \"{id}\": not a site column nor an item of {lists}{hint}"
    )
}

/// An item's cell as an entry: `None` when empty, else a value or not applicable.
fn entry_of(item: &crate::checklist::Item, text: &str) -> Result<Option<Entry>, String> {
    value::entry_of(&item.kind, text)
}

/// Whether an item's cell is `不适用` with no reason after it, which the wide layout takes
/// from the item's note column.
fn bare_not_applicable(item: &crate::checklist::Item, text: &str) -> bool {
    matches!(entry_of(item, text), Ok(Some(Entry::NotApplicable(reason))) if reason.is_empty())
}

/// An item's cell of the wide layout as an observation, `None` when empty: how both the
/// full reader and the fast path read it.
fn observation_of(
    item: &crate::checklist::Item,
    text: &str,
) -> Result<Option<Observation>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let entry = entry_of(item, text)?;
    if matches!(&entry, Some(Entry::NotApplicable(reason)) if reason.is_empty()) {
        return Err(value::no_reason_given());
    }
    Ok(entry.map(|entry| Observation {
        entry,
        note: None,
        evidence: Vec::new(),
    }))
}

/// Evidence paths: one per line; in a cell on one line, separated by `;` or `；`. (So a
/// path holding a `;` is written on a line of its own, see [`super::write`].)
pub fn split_paths(text: &str) -> Vec<String> {
    if text.contains(['\n', '\r']) {
        return split_lines(text);
    }
    text.split([';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The lines of `text`, trimmed, blank ones dropped: evidence paths given one per line.
pub fn split_lines(text: &str) -> Vec<String> {
    text.split(['\n', '\r'])
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
            return Err((id.clone(), {
                let list = &checklist.id;
                crate::tr!(
                    "清单 {list} 中没有项目 `{id}`",
                    "item `{id}` is not in checklist {list}"
                )
            }));
        }
        let obs = observations.entry(id).or_insert_with(pending);
        obs.note = Some(note);
    }
    for (id, paths) in evidence {
        if checklist.item(&id).is_none() {
            return Err((id.clone(), {
                let list = &checklist.id;
                crate::tr!(
                    "清单 {list} 中没有项目 `{id}`",
                    "item `{id}` is not in checklist {list}"
                )
            }));
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
        let required = |zh: &str, en: &str| {
            error(crate::tr!(
                "`{field}` 是空的：请填写{zh}",
                "`{field}` is empty: give {en}"
            ))
        };
        match field {
            "id" => {
                if text.is_empty() {
                    return Err(required(
                        "站点编号，如 chengguan",
                        "the site id, e.g. chengguan",
                    ));
                }
                if let Some(problem) = super::toml::site_id_problem(text) {
                    return Err(error(problem));
                }
                self.id = text.to_owned();
            }
            "name" if text.is_empty() => return Err(required("站点名称", "the site's name")),
            "name" => self.name = text.to_owned(),
            "kind" if text.is_empty() => {
                return Err(required(
                    "站点类型，如 township",
                    "the kind of site, e.g. township",
                ));
            }
            "kind" => self.kind = text.to_owned(),
            "township" if text.is_empty() => return Err(required("乡镇", "the township")),
            "township" => self.township = text.to_owned(),
            "village" => self.village = (!text.is_empty()).then(|| text.to_owned()),
            "inspected_on" if text.is_empty() => {
                return Err(required(
                    "检查日期，如 2020-06-02",
                    "the inspection date, e.g. 2020-06-02",
                ));
            }
            "inspected_on" => {
                let date = value::parse_date(text).and_then(value::inspection_date);
                self.inspected_on = Some(date.map_err(error)?);
            }
            "inspectors" if text.is_empty() => return Err(required("检查人员", "who inspected")),
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
            inspectors: self.inspectors.into(),
            observations,
        }
    }
}

/// Collects the long layout: rows of one site may be anywhere in the file, so sites are
/// completed only at the end.
#[derive(Debug)]
pub struct Long {
    columns: BTreeMap<&'static str, usize>,
    /// Columns without a header: a value under one is an error.
    unnamed: Vec<usize>,
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
    /// Reads a long-layout header ([`is_long`] has told it is one).
    pub fn from_header(header: &StringRecord) -> Result<Long, CellError> {
        let mut columns = BTreeMap::new();
        let mut unnamed = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            match LONG_COLUMNS.iter().find(|c| **c == name) {
                Some(c) => {
                    if let Some(first) = columns.insert(*c, i) {
                        let (first, letters) = (first + 1, column_letters(first + 1));
                        return Err(CellError {
                            row: 1,
                            column: Some(i + 1),
                            header: Some(name.to_owned()),
                            message: crate::tr!(
                                "列“{name}”出现了两次（第一次在第 {first} 列，{letters} 列）：请删去一列",
                                "column \"{name}\" appears twice (first in column {first}, {letters}): delete one"
                            ),
                        });
                    }
                }
                None => unnamed.push(i),
            }
        }
        Ok(Long {
            columns,
            unnamed,
            sites: BTreeMap::new(),
            order: Vec::new(),
        })
    }

    fn get<'r>(&self, row: &'r StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|&i| row.get(i))
            .map_or("", |c| value::undefuse(c).trim())
    }

    /// Takes one row.
    pub fn push(&mut self, row: &StringRecord, row_number: usize) -> Result<(), CellError> {
        for &i in &self.unnamed {
            let shown = row.get(i).map_or("", str::trim);
            if !shown.is_empty() {
                return Err(CellError {
                    row: row_number,
                    column: Some(i + 1),
                    header: None,
                    message: crate::tr!(
                        "这一列没有列名，却填了“{shown}”：请在第一行写上它的列名，或删去这个值",
                        "this column has no header but holds \"{shown}\": write its name in the first row, or delete the value"
                    ),
                });
            }
        }
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
                message: crate::tr!("`site_id` 是空的", "`site_id` is empty"),
            });
        }
        if item.is_empty() {
            return Err(CellError {
                row: row_number,
                column: col("item"),
                header: Some("item".into()),
                message: crate::tr!(
                    "`item` 是空的：请填写项目编号或站点信息字段",
                    "`item` is empty: give an item id or a site field"
                ),
            });
        }
        let value = self.get(row, "value").to_owned();
        let note = self.get(row, "note").to_owned();
        // Not trimmed: a line break tells how the paths are separated (see split_paths).
        let evidence = self
            .columns
            .get("evidence")
            .and_then(|&i| row.get(i))
            .map_or("", value::undefuse)
            .to_owned();
        if !self.sites.contains_key(&site) {
            self.order.push(site.clone());
        }
        let entry = self.sites.entry(site.clone()).or_insert_with(|| LongSite {
            first_row: row_number,
            ..LongSite::default()
        });
        if SITE_COLUMNS.iter().any(|(f, _)| *f == item) && item != "id" {
            if let Some((_, _, first)) = entry.fields.iter().find(|(f, _, _)| *f == item) {
                let (first, col) = (*first, self.columns.get("item").map(|i| i + 1));
                return Err(CellError {
                    row: row_number,
                    column: col,
                    header: Some("item".into()),
                    message: crate::tr!(
                        "站点“{site}”的 `{item}` 填了两次（第一次在第 {first} 行）：请删去一行",
                        "`{item}` of site \"{site}\" is given twice (first in row {first}): delete one row"
                    ),
                });
            }
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
                        message: crate::tr!(
                            "站点“{id}”没有 `{field}` 行：请加一行 `{id},{field},…`",
                            "site \"{id}\" has no `{field}` row: add a row `{id},{field},…`"
                        ),
                    });
                }
                fields.set(field, text, row, value_col.unwrap_or(0))?;
            }
            if let Some((_, v, r)) = site.fields.iter().rev().find(|(f, _, _)| f == "village") {
                fields.set("village", v, *r, value_col.unwrap_or(0))?;
            }
            fields.kind = kind_code(&fields.kind, checklists).to_owned();
            let kind = fields.kind.clone();
            let checklist = checklists
                .iter()
                .find(|c| c.site_kind == kind)
                .ok_or_else(|| CellError {
                    row: site.first_row,
                    column: value_col,
                    header: Some("kind".into()),
                    message: super::no_checklist(&kind, checklists),
                })?;
            let mut observations = BTreeMap::new();
            for (item_id, value, note, evidence, row) in site.items {
                let Some(item) = checklist.item(&item_id) else {
                    let hint = crate::source::did_you_mean(checklist.nearest_item(&item_id));
                    let list = &checklist.id;
                    return Err(CellError {
                        row,
                        column: item_col,
                        header: Some("item".into()),
                        message: crate::tr!(
                            "清单 {list} 中没有项目 `{item_id}`{hint}",
                            "unknown item `{item_id}` for checklist {list}{hint}"
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
                            return Err(at(crate::tr!(
                                "`不适用` 需写明理由：请写在 note 列",
                                "`不适用` needs a reason: put it in the note column"
                            )));
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
                    return Err(at(crate::tr!(
                        "站点“{id}”的项目 `{item_id}` 填了两次",
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

    #[test]
    fn padded_is_trim_changing_the_text() {
        for text in [
            "",
            "a",
            " a",
            "a ",
            "城关镇",
            "城关镇\u{3000}",
            "\u{3000}城关镇",
            "\u{a0}x",
            "x\t",
            "\u{2028}",
            "中 文",
            "\u{feff}x",
            "\u{85}",
            "\u{3001}",
        ] {
            assert_eq!(padded(text), text.trim() != text, "{text:?}");
        }
        // Every character of the Basic Multilingual Plane and some beyond, alone and
        // beside ASCII and Chinese text on either side.
        for c in (0..=0x1_0000u32)
            .chain([0x2_0000, 0x10_ffff])
            .filter_map(char::from_u32)
        {
            for text in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}a"),
                format!("城{c}"),
                format!("{c}城"),
            ] {
                assert_eq!(padded(&text), text.trim() != text, "U+{:04X}", c as u32);
                assert_eq!(value::trim(&text), text.trim());
            }
        }
    }

    #[test]
    fn neighbouring_columns_are_gathered_into_runs() {
        assert_eq!(runs([1, 2, 3, 7, 9, 10]), vec![1..4, 7..8, 9..11]);
        assert_eq!(runs([]), Vec::<Range<usize>>::new());
    }
}

#[cfg(test)]
mod fast_path {
    //! The fast path may only ever say "passes" where the full path says so too.
    use super::*;
    use crate::audit::{SiteResult, Status, Verdict, evaluate};
    use crate::checklist::builtin;
    use crate::lang::Lang;
    use crate::record::write::wide_header;
    use crate::render::Wording;
    use crate::synth::{Rng, site_row};

    /// Cell texts that look almost canonical, to throw at the fast path.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "不适用",
        "不适用：租用",
        "N/A",
        "na",
        "Ｎ／Ａ",
        " 是",
        "是 ",
        "√",
        "否",
        "60㎡",
        "６０",
        "59.99",
        "60",
        "1.5",
        "0",
        "3",
        "无",
        "（无）",
        "民政局 人社局 医保局 公安局 市场监管局",
        "民政局、人社局、医保局、公安局、市场监管局、",
        "民政局,人社局,医保局,公安局,市场监管局",
        "、民政局、人社局、医保局、公安局、市场监管局",
        "咨询服务、预约服务、代办服务、上门服务",
        "咨询服务、预约服务、代办服务",
        "白底黑字",
        " 白底黑字",
        "2020-06-02",
        "-1",
        "1e3",
    ];

    /// What `check` and `rank` show of a site must not depend on the path that read it:
    /// the score, verdict and grade, every outcome's status and points, and everything of
    /// an outcome that did not pass.
    fn assert_judged_alike(quick: &SiteResult<'_>, full: &SiteResult<'_>, row: &StringRecord) {
        assert_eq!(quick.score, full.score, "{row:?}");
        assert_eq!(quick.verdict, full.verdict, "{row:?}");
        assert_eq!(
            quick.grade.map(|g| g.label(Lang::Zh)),
            full.grade.map(|g| g.label(Lang::Zh))
        );
        assert_eq!(quick.findings.len(), full.findings.len(), "{row:?}");
        for (q, f) in quick.findings.iter().zip(&full.findings) {
            let id = &f.item.id;
            assert_eq!(q.item.id, f.item.id);
            assert_eq!(q.status, f.status, "{id} {row:?}");
            assert_eq!((q.earned, q.lost), (f.earned, f.lost), "{id} {row:?}");
            assert_eq!(q.missing, f.missing, "{id} {row:?}");
            assert_eq!(q.value, f.value, "{id} {row:?}");
            assert_eq!(q.compared, f.compared, "{id} {row:?}");
            // A glanced item keeps no observation: the full reader's holds its value alone.
            match (q.observation, q.value) {
                (Some(_), _) | (None, None) => {
                    assert_eq!(q.observation, f.observation, "{id} {row:?}")
                }
                (None, Some(_)) => {
                    let f = f.observation.expect("the full reader observed it");
                    assert!(f.note.is_none() && f.evidence.is_empty(), "{id} {row:?}");
                    assert!(matches!(&f.entry, Entry::Value(v) if Some(v) == q.value));
                }
            }
            assert_eq!(q.expected(Lang::Zh), f.expected(Lang::Zh), "{id} {row:?}");
            assert_eq!(q.undetermined, f.undetermined, "{id} {row:?}");
        }
    }

    /// Whether item `i` passed without being read into an observation.
    fn passed_at_a_glance(quick: &QuickRead, checklist: &Checklist, i: usize) -> bool {
        quick.glances.get(i).is_some_and(Option::is_some)
            && !evaluate(checklist, quick.reading())
                .findings
                .iter()
                .any(|o| std::ptr::eq(o.item, &checklist.items[i]))
    }

    #[test]
    fn the_fast_path_judges_every_row_it_takes_as_the_full_reader_does() {
        let checklists: Vec<Checklist> = builtin::DEFAULTS
            .iter()
            .map(|n| Checklist::from_toml(builtin::text(n).unwrap()).unwrap())
            .collect();
        let refs: Vec<&Checklist> = checklists.iter().collect();
        let header_cells = wide_header(&refs, &[]);
        let header = StringRecord::from(header_cells.clone());
        let wide = Wide::from_header(&header, &checklists).unwrap();
        let mut rng = Rng::new(11);
        let (mut taken, mut clean, mut total, mut clean_townships) = (0, 0, 0, 0);
        let mut quick = QuickRead::new("test");
        for index in 0..3000u64 {
            // two villages for every township, as in a county
            let checklist = &checklists[usize::from(index % 3 != 0)];
            let mut cells = site_row(&mut rng, index, checklist, &header_cells);
            // The generator always leaves out some advisory members, so no township row would
            // be clean: in half of them, every member is listed.
            if rng.chance(500) {
                for item in &checklist.items {
                    if let Kind::Includes(inc) = &item.kind
                        && let Some(column) = header_cells.iter().position(|h| *h == item.id)
                        && !cells[column].is_empty()
                    {
                        cells[column] = inc.members().join("、");
                    }
                }
            }
            // half the rows get one or two cells replaced by something tricky
            let mutated = rng.chance(500);
            if mutated {
                for _ in 0..=rng.below(2) {
                    let column = rng.below(cells.len() as u64) as usize;
                    cells[column] = TRICKY[rng.below(TRICKY.len() as u64) as usize].to_owned();
                }
            }
            let row = StringRecord::from(cells);
            total += 1;
            let full = wide.record(&row, 2, "test", &checklists);
            match wide.quick_read(row.as_byte_record(), &checklists, &mut quick) {
                Some(n) => {
                    taken += 1;
                    let full = full.unwrap_or_else(|e| panic!("fast path took a bad row: {e:?}"));
                    let judged = evaluate(&checklists[n], &full);
                    let fast = &quick.record;
                    let read = evaluate(&checklists[n], quick.reading());
                    assert_judged_alike(&read, &judged, &row);
                    if quick.glances.iter().all(Option::is_some) && read.findings.is_empty() {
                        clean += 1;
                        clean_townships += usize::from(checklists[n].site_kind == "township");
                        assert_eq!(judged.verdict, Verdict::Pass, "{row:?}");
                        assert!(fast.observations.is_empty());
                    }
                    // What was glanced at is not also read.
                    assert_eq!(quick.glances.len(), checklists[n].items.len());
                    for (item, glance) in checklists[n].items.iter().zip(&quick.glances) {
                        if glance.is_some() {
                            assert!(!fast.observations.contains_key(&item.id), "{row:?}");
                        }
                    }
                    assert_eq!(fast.id, full.id);
                    assert_eq!(fast.name, full.name);
                    assert_eq!(fast.kind, full.kind);
                    assert_eq!(fast.township, full.township);
                    assert_eq!(fast.village, full.village);
                    assert_eq!(fast.inspected_on, full.inspected_on);
                    assert_eq!(fast.inspectors, full.inspectors);
                }
                None => {
                    // Not taking the fast path is always allowed; but a row the generator
                    // wrote, whatever it holds, should take it, or the path is useless.
                    assert!(mutated, "a generated row missed the fast path: {row:?}");
                }
            }
        }
        assert!(clean > total / 3, "only {clean} of {total} rows were clean");
        assert!(
            taken - clean > total / 10,
            "only {} of {total} rows were read in part",
            taken - clean
        );
        assert!(
            clean_townships > 50,
            "only {clean_townships} township rows were clean"
        );
    }

    #[test]
    fn a_rule_is_judged_with_the_item_it_compares_against() {
        // windows.departments must outnumber windows.comprehensive: whether the rule is
        // glanced at or read in full, it is judged, and what it expects worded, with the
        // count it compares against, itself glanced at.
        let township = builtin_checklist("township");
        let rule = township
            .items
            .iter()
            .position(|i| i.kind.depends_on().is_some())
            .expect("the township checklist has a rule");
        let of = township.items[rule].kind.depends_on().unwrap().to_owned();
        let (wide, column, mut cells) = clean_row(&township, rule, "不适用：没有窗口");
        let checklists = [township];
        let (mut quick, mut read_in_part) = (QuickRead::new("test"), 0);
        for cell in ["不适用：没有窗口", "0", "", "1.5", "一个"] {
            cells[column] = cell.to_owned();
            let row = StringRecord::from(cells.clone());
            let Some(n) = wide.quick_read(row.as_byte_record(), &checklists, &mut quick) else {
                continue;
            };
            read_in_part += 1;
            assert!(!passed_at_a_glance(&quick, &checklists[n], rule), "{cell}");
            let of = checklists[n].items.iter().position(|i| i.id == of).unwrap();
            assert!(
                matches!(quick.glances[of], Some(Glance::Value(_))),
                "{cell}"
            );
            let full = wide.record(&row, 2, "test", &checklists).unwrap();
            let judged = evaluate(&checklists[n], &full);
            let read = evaluate(&checklists[n], quick.reading());
            assert_judged_alike(&read, &judged, &row);
            assert!(read.findings[0].compared.is_some(), "{cell}");
        }
        assert!(
            read_in_part >= 3,
            "only {read_in_part} rows took the fast path"
        );
    }

    /// A built-in checklist, by site kind.
    fn builtin_checklist(kind: &str) -> Checklist {
        builtin::DEFAULTS
            .iter()
            .map(|n| Checklist::from_toml(builtin::text(n).unwrap()).unwrap())
            .find(|c| c.site_kind == kind)
            .unwrap()
    }

    /// The wide layout of `checklist`, the column of its item `item`, and a generated row
    /// (every `includes` item listing all its members) that takes the fast path with `cell`
    /// in that column and every other item passing at a glance: whatever else a test
    /// changes in the row, the rest of it is clean.
    fn clean_row(checklist: &Checklist, item: usize, cell: &str) -> (Wide, usize, Vec<String>) {
        let checklists = std::slice::from_ref(checklist);
        let header_cells = wide_header(&[checklist], &[]);
        let wide =
            Wide::from_header(&StringRecord::from(header_cells.clone()), checklists).unwrap();
        let column_of = |id: &str| header_cells.iter().position(|h| *h == id);
        let column = column_of(&checklist.items[item].id).unwrap();
        let mut rng = Rng::new(3);
        let mut quick = QuickRead::new("test");
        let cells = (0..200)
            .map(|i| {
                let mut cells = site_row(&mut rng, i, checklist, &header_cells);
                for other in &checklist.items {
                    if let (Kind::Includes(inc), Some(c)) = (&other.kind, column_of(&other.id)) {
                        cells[c] = inc.members().join("、");
                    }
                }
                cells[column] = cell.to_owned();
                cells
            })
            .find(|cells| {
                let row = StringRecord::from(cells.clone());
                wide.quick_read(row.as_byte_record(), checklists, &mut quick)
                    .is_some()
                    && (0..checklist.items.len())
                        .all(|i| i == item || passed_at_a_glance(&quick, checklist, i))
            })
            .expect("a clean generated row");
        (wide, column, cells)
    }

    #[test]
    fn members_that_do_not_read_back_are_read_in_full() {
        let village = builtin_checklist("village");
        let list = village
            .items
            .iter()
            .position(|i| matches!(i.kind, Kind::Includes(_)))
            .unwrap();
        let Kind::Includes(inc) = &village.items[list].kind else {
            unreachable!()
        };
        let (_, column, base) = clean_row(&village, list, &inc.members().join("、"));
        let mut quick = QuickRead::new("test");
        for member in [
            "打印/复印一体机",
            "服务宗旨、承诺",
            "轮椅 两台",
            "无",
            "不适用设备",
            "n/a",
        ] {
            let mut checklists = vec![village.clone()];
            if let Kind::Includes(inc) = &mut checklists[0].items[list].kind {
                let members = vec![member.to_owned(), "饮水机".to_owned()];
                *inc = crate::checklist::kinds::Includes::new(members, inc.deduct_per_missing());
            }
            // The header is the built-in one: only the members changed.
            let header = StringRecord::from(wide_header(&[&checklists[0]], &[]));
            let wide = Wide::from_header(&header, &checklists).unwrap();
            for cell in [format!("{member}、饮水机"), format!("饮水机、{member}")] {
                let mut cells = base.clone();
                cells[column] = cell.clone();
                let row = StringRecord::from(cells);
                let taken = wide.quick_read(row.as_byte_record(), &checklists, &mut quick);
                // Neither passed at a glance nor glanced at as a set of members.
                let glanced = matches!(quick.glances.get(list), Some(Some(_)));
                assert!(taken.is_none() || !glanced, "{cell}");
            }
        }
        assert!(value::is_plain_member("饮水机"));
        assert!(!value::is_plain_member("N/A"));
    }

    #[test]
    fn not_applicable_text_never_passes_at_a_glance() {
        // A village station with one more item, a text any text passes: only the full
        // reader may tell not applicable from a value.
        let mut village = builtin_checklist("village");
        let mut extra = village.items[0].clone();
        extra.id = "agent.motto".to_owned();
        extra.kind =
            crate::checklist::kinds::testing::kind("kind = \"text\"\npattern = \".\"\n").unwrap();
        village.items.push(extra);
        let text = village.items.len() - 1;
        let (wide, column, base) = clean_row(&village, text, "随便写");
        let checklists = [village];
        let (mut passed, mut quick) = (0, QuickRead::new("test"));
        // Without a reason, not applicable is refused by the full reader, so never passes.
        for cell in ["Ｎ／Ａ", "NA", "不适用"] {
            let mut cells = base.clone();
            cells[column] = cell.to_owned();
            let row = StringRecord::from(cells);
            assert!(wide.record(&row, 2, "test", &checklists).is_err(), "{cell}");
            let quick_passed = wide
                .quick_read(row.as_byte_record(), &checklists, &mut quick)
                .is_some_and(|_| passed_at_a_glance(&quick, &checklists[0], text));
            assert!(!quick_passed, "{cell}");
        }
        for cell in [
            "Ｎ／Ａ：租用旧楼",
            "N/A：租用旧楼",
            "na: rented",
            "不适用：租用",
            "NA：租用",
            "随便写",
        ] {
            let mut cells = base.clone();
            cells[column] = cell.to_owned();
            let row = StringRecord::from(cells);
            let full = wide.record(&row, 2, "test", &checklists).unwrap();
            let judged = evaluate(&checklists[0], &full);
            wide.quick_read(row.as_byte_record(), &checklists, &mut quick)
                .expect("the row takes the fast path");
            if passed_at_a_glance(&quick, &checklists[0], text) {
                passed += 1;
                assert_eq!(judged.outcomes()[text].status, Status::Pass, "{cell}");
            }
            let read = evaluate(&checklists[0], quick.reading());
            assert_judged_alike(&read, &judged, &row);
        }
        assert_eq!(passed, 1, "only the plain text passes at a glance");
    }
}
