//! Reading one inspection record from TOML.
//!
//! ```toml
//! id = "chengguan"
//! name = "城关镇便民服务中心"
//! kind = "township"
//! township = "城关镇"
//! inspected_on = 2020-06-02
//! inspectors = ["张伟", "李娜"]
//!
//! [observations]
//! site.floor_area = 86.5
//! windows.departments = ["民政局", "人社局"]
//! org.trainees = { value = 3, note = "一人外出培训", evidence = ["photos/trainees.jpg"] }
//! site.open_hall = { not_applicable = "租用村委会旧楼，无法打通" }
//! ```
//!
//! Item ids are dotted, so TOML's dotted keys and sub-tables both work. The record is
//! checked against the checklist for its kind while it is read, so every unknown id and
//! every wrong type points at its line.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Entry, Observation, Record};
use crate::checklist::Checklist;
use crate::checklist::kinds::Raw;
use crate::source::{Fields, Problem, Problems, Source, integer_of, number_of, type_name};

/// Whether `id` is usable as a site id: ASCII letters, digits, `-` and `_`, so that it is
/// safe in file names and command lines.
pub fn is_site_id(id: &str) -> bool {
    // What `site_id_problem` checks, without building its message: every row of a large
    // file passes here.
    shaped(id) && id.len() <= 64 && !reserved(id)
}

/// The bytes a site id may hold: ASCII letters, digits, `-` and `_`.
const ID_BYTES: [bool; 256] = {
    let mut ok = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        ok[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    ok
};

/// Whether `id` starts with a letter or digit and holds only [`ID_BYTES`].
fn shaped(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.bytes().all(|b| ID_BYTES[usize::from(b)])
}

/// Whether `id` is a name Windows keeps for a device, in any case.
fn reserved(id: &str) -> bool {
    // Compared without lowering a copy.
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(id))
        || (id.len() == 4
            && (id.as_bytes()[..3].eq_ignore_ascii_case(b"com")
                || id.as_bytes()[..3].eq_ignore_ascii_case(b"lpt"))
            && id.as_bytes()[3].is_ascii_digit())
}

/// Names Windows keeps for devices: a file called `con.html` cannot be written there.
const RESERVED: &[&str] = &["con", "prn", "aux", "nul"];

/// What is wrong with a site id, if anything. Ids become file names of reports and
/// records, so they are ASCII letters, digits, `-` and `_`, start with a letter or digit,
/// are at most 64 characters, and are not names Windows reserves for devices.
pub fn site_id_problem(id: &str) -> Option<String> {
    if !shaped(id) {
        return Some(crate::tr!(
            "站点编号“{id}”只能用英文字母、数字、- 和 _（如 chengguan）",
            "site id \"{id}\" may use only ASCII letters, digits, - and _ (e.g. chengguan)"
        ));
    }
    if id.len() > 64 {
        return Some(crate::tr!(
            "站点编号“{id}”超过 64 个字符",
            "site id \"{id}\" is longer than 64 characters"
        ));
    }
    reserved(id).then(|| {
        crate::tr!(
            "站点编号“{id}”是 Windows 保留的设备名：请换一个编号",
            "site id \"{id}\" is a name Windows reserves for a device: choose another id"
        )
    })
}

/// Reads a record, checking it against the checklist of its kind among `checklists`.
/// `origin` names the file in the record.
pub fn read(text: &str, origin: &str, checklists: &[Checklist]) -> Result<Record, Problems> {
    let source = Source::new(text);
    let doc = source.parse()?;
    let mut fields = Fields::new(&source, doc.get_ref(), doc.span());
    let mut problems: Vec<Problem> = Vec::new();

    let id = fields.required_string("id");
    if let Some(id) = &id
        && !id.get_ref().is_empty()
        && let Some(problem) = site_id_problem(id.get_ref().trim())
    {
        fields.report(id.span(), problem);
    }
    let name = fields.required_string("name");
    let kind = fields.required_string("kind");
    let township = fields.required_string("township");
    let village = fields.string("village");
    let inspected_on = fields.date("inspected_on").and_then(|date| {
        match crate::record::value::inspection_date(*date.get_ref()) {
            Ok(_) => Some(date),
            Err(why) => {
                fields.report(date.span(), why);
                None
            }
        }
    });
    if inspected_on.is_none() && !doc.get_ref().contains_key("inspected_on") {
        fields.report(
            doc.span(),
            crate::tr!(
                "缺少 `inspected_on`（检查日期，如 2020-06-02）",
                "missing key `inspected_on` (the inspection date, e.g. 2020-06-02)"
            ),
        );
    }
    let inspectors_span = doc.get_ref().get("inspectors").map(|v| v.span());
    let inspectors = fields.strings("inspectors").unwrap_or_default();
    let nobody = inspectors
        .iter()
        .all(|i| crate::record::value::split_list(i.get_ref()).is_empty());
    if let Some(span) = inspectors_span.filter(|_| nobody) {
        // Present but naming nobody, as an empty cell would.
        fields.report(
            span,
            crate::tr!(
                "`inspectors` 是空的：请填写检查人员",
                "`inspectors` is empty: name who inspected"
            ),
        );
    }
    if inspectors.iter().all(|i| i.get_ref().trim().is_empty())
        && !doc.get_ref().contains_key("inspectors")
    {
        fields.report(
            doc.span(),
            crate::tr!(
                "缺少 `inspectors`（检查人员，如 [\"张伟\", \"李娜\"]）",
                "missing key `inspectors` (who inspected, e.g. [\"张伟\", \"李娜\"])"
            ),
        );
    }

    let checklist = kind.as_ref().and_then(|k| {
        let found = checklists
            .iter()
            .find(|c| c.site_kind == k.get_ref().trim());
        if found.is_none() && !k.get_ref().is_empty() {
            fields.report(k.span(), super::no_checklist(k.get_ref(), checklists));
        }
        found
    });

    let mut observations = BTreeMap::new();
    match fields.table("observations") {
        Some((table, _)) => {
            if let Some(checklist) = checklist {
                let mut walker = Walker {
                    source: &source,
                    checklist,
                    problems: &mut problems,
                    out: &mut observations,
                };
                walker.walk("", table);
            }
        }
        None => {
            if !doc.get_ref().contains_key("observations") {
                fields.report(
                    doc.span(),
                    crate::tr!(
                        "缺少 `[observations]`：请按项目编号记录检查所见",
                        "missing `[observations]`: record what was found, keyed by item id"
                    ),
                );
            }
        }
    }
    problems.extend(fields.finish(&crate::tr!("检查记录", "the record")));
    problems.sort_by_key(|p| (p.line, p.column));
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let incomplete = || {
        Problems(vec![source.problem(
            0..0,
            crate::tr!("检查记录不完整", "the record is incomplete"),
        )])
    };
    Ok(Record {
        origin: origin.to_owned(),
        // Trimmed as a cell is: a space typed before a name is not part of it.
        id: trimmed(id.ok_or_else(incomplete)?),
        name: trimmed(name.ok_or_else(incomplete)?),
        kind: trimmed(kind.ok_or_else(incomplete)?),
        township: trimmed(township.ok_or_else(incomplete)?),
        village: village.map(trimmed).filter(|v| !v.is_empty()),
        inspected_on: inspected_on.ok_or_else(incomplete)?.into_inner(),
        // Each name as a cell of names is read: `"张伟、李娜"` is two inspectors anywhere.
        inspectors: inspectors
            .iter()
            .flat_map(|i| crate::record::value::split_list(i.get_ref()))
            .collect::<Vec<_>>()
            .into(),
        observations,
    })
}

struct Walker<'a, 's> {
    source: &'a Source<'s>,
    checklist: &'a Checklist,
    problems: &'a mut Vec<Problem>,
    out: &'a mut BTreeMap<String, Observation>,
}

impl<'a, 's> Walker<'a, 's> {
    fn report(&mut self, span: std::ops::Range<usize>, message: String) {
        self.problems.push(self.source.problem(span, message));
    }

    fn walk(&mut self, prefix: &str, table: &'a DeTable<'s>) {
        for (key, value) in table.iter() {
            let id = format!("{prefix}{}", key.get_ref());
            if self.checklist.item(&id).is_some() {
                let observation = match value.get_ref() {
                    DeValue::Table(detail) => self.detailed(&id, detail, value.span()),
                    plain => self
                        .accept(&id, plain, value.span())
                        .flatten()
                        .map(|entry| Observation {
                            entry,
                            note: None,
                            evidence: Vec::new(),
                        }),
                };
                if let Some(observation) = observation {
                    self.out.insert(id, observation);
                }
            } else if let (DeValue::Table(inner), true) = (value.get_ref(), self.is_prefix(&id)) {
                self.walk(&format!("{id}."), inner);
            } else {
                let hint = crate::source::did_you_mean(self.checklist.nearest_item(&id));
                let list = &self.checklist.id;
                self.report(
                    key.span(),
                    crate::tr!(
                        "清单 {list} 中没有项目 `{id}`{hint}",
                        "unknown item `{id}` for checklist {list}{hint}"
                    ),
                );
            }
        }
    }

    fn is_prefix(&self, id: &str) -> bool {
        let prefix = format!("{id}.");
        self.checklist
            .items
            .iter()
            .any(|i| i.id.starts_with(&prefix))
    }

    /// One value of the record as the entry it records. A TOML string is read as a
    /// spreadsheet cell is (`"60㎡"`, `"是"`, `"民政局、人社局"`, `"不适用：…"`): the same text
    /// means the same in every format. A TOML number, boolean or list keeps its type.
    /// `Ok(None)` for an empty string: not recorded, as an empty cell.
    fn accept(
        &mut self,
        id: &str,
        value: &DeValue<'s>,
        span: std::ops::Range<usize>,
    ) -> Option<Option<Entry>> {
        let item = self.checklist.item(id)?;
        let read = match value {
            DeValue::String(text) => match crate::record::value::entry_of(&item.kind, text) {
                Ok(Some(Entry::NotApplicable(reason))) if reason.is_empty() => {
                    Err(crate::record::value::no_reason_given())
                }
                other => other,
            },
            other => match raw_of(other) {
                Ok(raw) => item.kind.accept(raw).map(|v| Some(Entry::Value(v))),
                Err(found) => {
                    let expected = item.kind.value_hint();
                    self.report(
                        span,
                        crate::tr!(
                            "`{id}`：应为{expected}，实为{found}",
                            "`{id}`: expected {expected}, found {found}"
                        ),
                    );
                    return None;
                }
            },
        };
        match read {
            Ok(entry) => Some(entry),
            Err(message) => {
                self.report(span, crate::tr!("`{id}`：{message}", "`{id}`: {message}"));
                None
            }
        }
    }

    fn detailed(
        &mut self,
        id: &str,
        table: &'a DeTable<'s>,
        span: std::ops::Range<usize>,
    ) -> Option<Observation> {
        let mut fields = Fields::new(self.source, table, span.clone());
        let value = fields.take("value");
        // Trimmed, and a blank note is none, as in a cell.
        let note = fields
            .string("note")
            .map(|n| n.get_ref().trim().to_owned())
            .filter(|n| !n.is_empty());
        let evidence = match fields.take("evidence") {
            None => Vec::new(),
            Some(e) => match e.get_ref() {
                // Each path as a cell's would be read: trimmed, one per line.
                DeValue::String(s) => crate::record::table::split_lines(s),
                DeValue::Array(items) => {
                    let mut out = Vec::new();
                    for element in items.iter() {
                        match element.get_ref().as_str() {
                            Some(s) => out.extend(crate::record::table::split_lines(s)),
                            None => fields.report(
                                element.span(),
                                crate::tr!(
                                    "`{id}`：evidence 应为文件路径（字符串）",
                                    "`{id}`: evidence must be file paths (strings)"
                                ),
                            ),
                        }
                    }
                    out
                }
                other => {
                    fields.report(e.span(), {
                        let found = type_name(other);
                        crate::tr!(
                            "`{id}`：evidence 应为一个路径或路径列表，实为{found}",
                            "`{id}`: evidence must be a path or a list of paths, found {found}"
                        )
                    });
                    Vec::new()
                }
            },
        };
        let not_applicable = fields.string("not_applicable");
        let entry = match (value, not_applicable) {
            (Some(_), Some(na)) => {
                fields.report(
                    na.span(),
                    crate::tr!(
                        "`{id}`：`value` 和 `not_applicable` 只能写一个",
                        "`{id}`: give either `value` or `not_applicable`, not both"
                    ),
                );
                None
            }
            // An empty value with a note or evidence is pending, like the note alone.
            (Some(v), None) => self
                .accept(id, v.get_ref(), v.span())
                .map(|entry| entry.unwrap_or(Entry::Pending)),
            (None, Some(na)) if na.get_ref().trim().is_empty() => {
                fields.report(
                    na.span(),
                    crate::tr!(
                        "`{id}`：`not_applicable` 需写明理由",
                        "`{id}`: `not_applicable` needs a reason"
                    ),
                );
                None
            }
            (None, Some(na)) => Some(Entry::NotApplicable(na.get_ref().trim().to_owned())),
            (None, None) if note.is_some() || !evidence.is_empty() => Some(Entry::Pending),
            (None, None) => {
                fields.report(
                    span,
                    crate::tr!(
                        "`{id}`：请写 `value`，或写 `not_applicable` 并注明理由",
                        "`{id}`: give `value`, or `not_applicable` with a reason"
                    ),
                );
                None
            }
        };
        let problems = fields.finish(&crate::tr!(
            "`{id}`（可用的键：value、note、evidence、not_applicable）",
            "`{id}` (keys: value, note, evidence, not_applicable)"
        ));
        let ok = problems.is_empty();
        self.problems.extend(problems);
        let entry = entry?;
        ok.then_some(Observation {
            entry,
            note,
            evidence,
        })
    }
}

/// A site field as a cell's is read: trimmed.
fn trimmed(field: Spanned<String>) -> String {
    let field = field.into_inner();
    match crate::record::value::trim(&field) {
        t if t.len() == field.len() => field,
        t => t.to_owned(),
    }
}

/// A TOML value as a raw observation. `Err` describes a value no kind accepts.
fn raw_of(value: &DeValue<'_>) -> Result<Raw, String> {
    match value {
        DeValue::String(s) => Ok(Raw::Text(s.to_string())),
        DeValue::Boolean(b) => Ok(Raw::Bool(*b)),
        DeValue::Integer(_) => integer_of(value)
            .map(Raw::Integer)
            .ok_or_else(|| "a whole number too large to use".to_owned()),
        DeValue::Float(float) => {
            let n = number_of(value).ok_or_else(|| "an unreadable number".to_owned())?;
            // Held to the digits written, as a cell's number is.
            let written = float.as_str().replace('_', "");
            let (mantissa, exponent) = match written.split_once(['e', 'E']) {
                Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
                None => (written.as_str(), 0),
            };
            let mantissa = mantissa.trim_start_matches(['+', '-']);
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            if !n.is_finite() || crate::record::value::held_exactly(whole, fraction, exponent, n) {
                Ok(Raw::Float(n))
            } else {
                Err(crate::tr!(
                    "数字 {written}，位数太多，无法按所写的数值精确判定（请按实测精度填写，如 59.99）",
                    "the number {written}, with more digits than can be judged exactly as written (write it to the precision measured, e.g. 59.99)"
                ))
            }
        }
        // Each member as a cell's members are read: `"民政局、人社局"` is two members
        // whichever file holds it.
        DeValue::Array(items) => {
            let mut members = Vec::with_capacity(items.len());
            for e in items.iter() {
                let text = e
                    .get_ref()
                    .as_str()
                    .ok_or_else(|| format!("a list holding {}", type_name(e.get_ref())))?;
                members.extend(crate::record::value::split_list(text));
            }
            Ok(Raw::List(members))
        }
        other => Err(type_name(other).to_owned()),
    }
}

#[cfg(test)]
mod site_id_tests {
    use super::*;

    #[test]
    fn site_ids_are_short_ascii_names_windows_can_save() {
        for ok in [
            "chengguan",
            "s0000001",
            "a-b_c",
            "COM10",
            "lpt",
            "console",
            "9",
        ] {
            assert!(is_site_id(ok), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in [
            "", "-a", "_a", "a b", "城关", "con", "NUL", "Com1", "lpt9", &long,
        ] {
            assert!(!is_site_id(bad), "{bad}");
            assert!(site_id_problem(bad).is_some(), "{bad}");
        }
        assert!(is_site_id(&"a".repeat(64)));
    }

    proptest::proptest! {
        /// The quick check and the worded one never disagree.
        #[test]
        fn the_quick_check_agrees_with_the_worded_one(
            id in "(con|COM|lpt|aux|[a-zA-Z0-9]|-|_| |城|é|\\.){0,6}",
        ) {
            proptest::prop_assert_eq!(is_site_id(&id), site_id_problem(&id).is_none());
        }
    }
}
