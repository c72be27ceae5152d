//! Records back to files: TOML records, and rows of the wide and long layouts. Whatever is
//! written here reads back into the same record (the round trip is tested), so converting
//! between formats never loses a value, a note, a photo path or a reason.

use super::table::{EVIDENCE_SUFFIX, LONG_COLUMNS, NOTE_SUFFIX, SITE_COLUMNS};
use super::value::{format_not_applicable, format_value};
use super::{Entry, Observation, Record};
use crate::checklist::{Checklist, Value};

/// A TOML string, quoted and escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn strings(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|s| quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

fn toml_value(value: &Value) -> String {
    match value {
        // `{:?}` gives the shortest text that reads back as the same f64, with a `.0` on
        // whole numbers so TOML keeps it a float.
        Value::Number(n) => format!("{n:?}"),
        Value::Count(c) => c.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => quoted(t),
        Value::Set(members) => strings(members),
    }
}

/// An observation as its TOML record writes it (`59.5`, `{ value = "…", note = "…" }`): how
/// messages show one exactly.
pub fn observation_toml(obs: &Observation) -> String {
    let plain = obs.note.is_none() && obs.evidence.is_empty();
    let mut parts = Vec::new();
    match &obs.entry {
        Entry::Value(v) if plain => return toml_value(v),
        Entry::Value(v) => parts.push(format!("value = {}", toml_value(v))),
        Entry::NotApplicable(reason) => parts.push(format!("not_applicable = {}", quoted(reason))),
        Entry::Pending => {}
    }
    if let Some(note) = &obs.note {
        parts.push(format!("note = {}", quoted(note)));
    }
    if !obs.evidence.is_empty() {
        parts.push(format!("evidence = {}", strings(&obs.evidence)));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// A record as a TOML file, observations in checklist order.
pub fn to_toml(record: &Record, checklist: &Checklist) -> String {
    // The name also heads the file as a comment: with its line breaks and other control
    // characters turned into spaces, so a name can never end the comment early.
    let heading: String = record
        .name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = format!(
        "# {heading}\nid = {}\nname = {}\nkind = {}\ntownship = {}\n",
        quoted(&record.id),
        quoted(&record.name),
        quoted(&record.kind),
        quoted(&record.township)
    );
    if let Some(village) = &record.village {
        out.push_str(&format!("village = {}\n", quoted(village)));
    }
    out.push_str(&format!(
        "inspected_on = {}\ninspectors = {}\n\n[observations]\n",
        record.inspected_on,
        strings(&record.inspectors.names())
    ));
    for item in &checklist.items {
        if let Some(obs) = record.observations.get(&item.id) {
            out.push_str(&format!("{} = {}\n", item.id, observation_toml(obs)));
        }
    }
    out
}

/// The text of an observation's value cell.
fn value_cell(checklist: &Checklist, id: &str, obs: &Observation) -> String {
    match (&obs.entry, checklist.item(id)) {
        (Entry::Value(v), Some(item)) => format_value(&item.kind, v),
        (Entry::NotApplicable(reason), _) => format_not_applicable(reason),
        _ => String::new(),
    }
}

/// The header of a wide file holding `records`: site columns, then every item of the
/// checklists in order (an id shared by two checklists once), each followed by its note and
/// evidence columns when some record has a note or evidence for it.
pub fn wide_header(checklists: &[&Checklist], records: &[Record]) -> Vec<String> {
    let mut header: Vec<String> = SITE_COLUMNS.iter().map(|(f, _)| (*f).to_owned()).collect();
    for checklist in checklists {
        for item in &checklist.items {
            if header.contains(&item.id) {
                continue;
            }
            header.push(item.id.clone());
            let observations = records.iter().filter_map(|r| r.observations.get(&item.id));
            let (mut note, mut evidence) = (false, false);
            for obs in observations {
                note |= obs.note.is_some();
                evidence |= !obs.evidence.is_empty();
            }
            if note {
                header.push(format!("{}{NOTE_SUFFIX}", item.id));
            }
            if evidence {
                header.push(format!("{}{EVIDENCE_SUFFIX}", item.id));
            }
        }
    }
    header
}

/// One record as a row under `header`.
pub fn wide_row(header: &[String], record: &Record, checklist: &Checklist) -> Vec<String> {
    header
        .iter()
        .map(|column| {
            if let Some(field) = site_field(record, column) {
                return field;
            }
            if let Some(id) = column.strip_suffix(NOTE_SUFFIX) {
                return record
                    .observations
                    .get(id)
                    .and_then(|o| o.note.clone())
                    .unwrap_or_default();
            }
            if let Some(id) = column.strip_suffix(EVIDENCE_SUFFIX) {
                return record
                    .observations
                    .get(id)
                    .map(|o| evidence_cell(&o.evidence))
                    .unwrap_or_default();
            }
            record
                .observations
                .get(column)
                .map(|o| value_cell(checklist, column, o))
                .unwrap_or_default()
        })
        .collect()
}

fn site_field(record: &Record, column: &str) -> Option<String> {
    Some(match column {
        "id" => record.id.clone(),
        "name" => record.name.clone(),
        "kind" => record.kind.clone(),
        "township" => record.township.clone(),
        "village" => record.village.clone().unwrap_or_default(),
        "inspected_on" => record.inspected_on.to_string(),
        "inspectors" => record.inspectors.join("、"),
        _ => return None,
    })
}

/// Evidence paths in one cell, one per line. A lone path holding `;` ends with a line break,
/// so that it reads back as one path rather than as paths separated by `;`.
fn evidence_cell(paths: &[String]) -> String {
    let mut cell = paths.join("\n");
    if let [path] = paths
        && path.contains([';', '；'])
    {
        cell.push('\n');
    }
    cell
}

/// The header of the long layout.
pub fn long_header() -> Vec<String> {
    LONG_COLUMNS.iter().map(|c| (*c).to_owned()).collect()
}

/// One record as rows of the long layout: its site fields, then its observations.
pub fn long_rows(record: &Record, checklist: &Checklist) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (field, _) in SITE_COLUMNS.iter().filter(|(f, _)| *f != "id") {
        if let Some(value) = site_field(record, field)
            && !value.is_empty()
        {
            rows.push(vec![
                record.id.clone(),
                (*field).to_owned(),
                value,
                String::new(),
                String::new(),
            ]);
        }
    }
    for item in &checklist.items {
        let Some(obs) = record.observations.get(&item.id) else {
            continue;
        };
        let value = value_cell(checklist, &item.id, obs);
        let note = obs.note.clone().unwrap_or_default();
        rows.push(vec![
            record.id.clone(),
            item.id.clone(),
            value,
            note,
            evidence_cell(&obs.evidence),
        ]);
    }
    rows
}
