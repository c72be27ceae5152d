//! The XLSForm: the checklist as a form for KoboToolbox and ODK Central, whose exports
//! `convert` reads back (it drops group prefixes and metadata columns).
//!
//! Sheets `survey`, `choices` and `settings`, as pyxform expects. The site fields come
//! first, then one group per clause holding that clause's items, named by item id; each
//! item is followed by its note (`<item>_note`) and its photo (`<item>_photo`, an `image`
//! question), which the readers take as the item's note and evidence. Only an item the
//! checklist lets not apply (ruling 10) offers a 不适用 choice, whose reason goes in the
//! note (then required). The
//! form never encodes a requirement as a constraint: an inspector must be able to record
//! a failing 59.5 m², so constraints only refuse nonsense (negative numbers, bad site ids)
//! and the requirement goes into the hint. Nor are items required: an item that could not
//! be checked is left empty, which is what "not recorded" means; mandatory items say
//! （必查） in their label instead.
//!
//! Labels, hints and constraint messages are written in `--lang` and, when the checklist
//! has them, in the other language too, so one form serves both.

use std::collections::HashSet;

use anyhow::{Result, bail};
use rust_xlsxwriter::Worksheet;

use super::PLACEHOLDERS;
use super::xlsx::{col_num, save};
use crate::checklist::{Checklist, Item, Kind, Severity};
use crate::lang::Lang;
use crate::record::table::{
    FORM_MANDATORY_LABEL, FORM_NOTE_LABEL, FORM_NOTE_SUFFIX, FORM_PHOTO_LABEL, FORM_PHOTO_SUFFIX,
    FORM_SITE_LABELS,
};

/// The list of choices of every yes/no item that may not be recorded not applicable.
pub const YES_NO_LIST: &str = "yes_no";
/// The list of choices of a yes/no item the checklist lets not apply: yes, no, 不适用.
pub const YES_NO_NA_LIST: &str = "yes_no_na";
/// The name of the not-applicable choice: what the export writes in the item's column,
/// which the readers take as 不适用 with its reason in the item's note.
pub const NOT_APPLICABLE: &str = "不适用";

/// The constraint on the site id: what `record::toml::is_site_id` accepts.
pub const SITE_ID_CONSTRAINT: &str = "regex(., '^[A-Za-z0-9][A-Za-z0-9_-]*$')";

/// The language as XLSForm columns name it: `中文 (zh)`, `English (en)`.
pub fn language_name(lang: Lang) -> &'static str {
    lang.pick("中文 (zh)", "English (en)")
}

/// The form id of a checklist: its id and version with everything but letters, digits
/// and `_` turned into `_` (`puyang_2020_township_2020_10_1`).
pub fn form_id(checklist: &Checklist) -> String {
    format!(
        "{}_{}",
        sanitize(&checklist.id),
        sanitize(&checklist.version)
    )
}

/// The survey name of the group of a clause: `c3_1_1` for 3.1.1.
pub fn group_name(clause: &str) -> String {
    format!("c{}", sanitize(clause))
}

/// The choice list of an includes item: its id with dots as underscores.
pub fn list_name(item_id: &str) -> String {
    item_id.replace('.', "_")
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A text in both languages; the English one may be a fallback to the Chinese.
#[derive(Clone, Debug, Default)]
struct Both {
    zh: String,
    en: String,
}

impl Both {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Both {
        Both {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// One row of the survey sheet.
#[derive(Debug, Default)]
struct Question {
    kind: String,
    name: String,
    label: Both,
    hint: Both,
    /// `yes`, an XPath condition, or empty.
    required: String,
    constraint: String,
    constraint_message: Both,
    calculation: String,
    appearance: String,
    parameters: String,
}

/// One row of the choices sheet.
struct Choice {
    list: String,
    name: String,
    label: Both,
}

/// The XLSForm workbook for `checklist`, with `lang` as its default language.
pub fn form(checklist: &Checklist, lang: Lang) -> Result<Vec<u8>> {
    let (questions, choices) = build(checklist)?;
    // English texts are optional in checklists: a second language column only when every
    // item has its own English title, else it would be half Chinese.
    let other = match lang {
        Lang::Zh if checklist.items.iter().all(|i| i.title_en.is_some()) => Some(Lang::En),
        Lang::En => Some(Lang::Zh),
        Lang::Zh => None,
    };
    let languages: Vec<Lang> = std::iter::once(lang).chain(other).collect();
    let survey = survey_sheet(&questions, &languages)?;
    let choices = choices_sheet(&choices, &languages)?;
    let settings = settings_sheet(checklist, lang)?;
    save(vec![survey, choices, settings], Some(checklist.label(lang)))
}

/// The questions and choices of the form, in both languages.
fn build(checklist: &Checklist) -> Result<(Vec<Question>, Vec<Choice>)> {
    let mut questions = site_questions(checklist);
    let mut choices = vec![
        Choice {
            list: YES_NO_LIST.to_owned(),
            name: "yes".to_owned(),
            label: Both::new("是", "Yes"),
        },
        Choice {
            list: YES_NO_LIST.to_owned(),
            name: "no".to_owned(),
            label: Both::new("否", "No"),
        },
    ];
    let na_choice = |list: &str| Choice {
        list: list.to_owned(),
        name: NOT_APPLICABLE.to_owned(),
        label: Both::new(NOT_APPLICABLE, "Not applicable"),
    };
    if checklist
        .items
        .iter()
        .any(|i| matches!(i.kind, Kind::YesNo(_)) && i.not_applicable.allowed())
    {
        let yes_no: Vec<Choice> = choices
            .iter()
            .map(|c| Choice {
                list: YES_NO_NA_LIST.to_owned(),
                name: c.name.clone(),
                label: c.label.clone(),
            })
            .collect();
        choices.extend(yes_no);
        choices.push(na_choice(YES_NO_NA_LIST));
    }
    let mut lists: HashSet<String> =
        HashSet::from([YES_NO_LIST.to_owned(), YES_NO_NA_LIST.to_owned()]);
    let fields: Vec<String> = questions.iter().map(|q| q.name.clone()).collect();

    // Clauses in the order the items first name them, each with all of its items.
    let mut clauses: Vec<&str> = Vec::new();
    for item in &checklist.items {
        if !clauses.contains(&item.clause.as_str()) {
            clauses.push(&item.clause);
        }
    }
    for clause in clauses {
        let heading = checklist.clause(clause);
        let zh = heading.map_or("", |c| c.title.as_str());
        let en = heading.map_or("", |c| c.title_en.as_deref().unwrap_or(&c.title));
        questions.push(Question {
            kind: "begin_group".to_owned(),
            name: group_name(clause),
            label: Both::new(
                format!("{clause} {zh}").trim_end().to_owned(),
                format!("{clause} {en}").trim_end().to_owned(),
            ),
            appearance: "field-list".to_owned(),
            ..Question::default()
        });
        for item in checklist.items.iter().filter(|i| i.clause == clause) {
            let list = match &item.kind {
                Kind::Includes(includes) => {
                    let list = unique(list_name(&item.id), &mut lists);
                    let mut names: HashSet<String> = HashSet::new();
                    for member in includes.members() {
                        // Choice names of a multiple choice may not hold spaces.
                        let name = member.split_whitespace().collect::<Vec<_>>().join("_");
                        choices.push(Choice {
                            list: list.clone(),
                            name: unique(name, &mut names),
                            label: Both::new(member.as_str(), member.as_str()),
                        });
                    }
                    if item.not_applicable.allowed() {
                        choices.push(na_choice(&list));
                    }
                    Some(list)
                }
                _ => None,
            };
            questions.push(item_question(item, list, &fields));
            questions.extend(note_and_photo(item));
        }
        questions.push(Question {
            kind: "end_group".to_owned(),
            ..Question::default()
        });
    }

    let mut names: HashSet<&str> = HashSet::new();
    for q in &questions {
        if q.name.is_empty() {
            continue;
        }
        let name = &q.name;
        if !is_xml_name(name) {
            bail!(crate::tr!(
                "`{name}` 不能作 XLSForm 的字段名：须以字母或 _ 开头，其后只用字母、数字、_、- 和 .",
                "`{name}` cannot be a field name in an XLSForm: start with a letter or _, then use letters, digits, _, - and ."
            ));
        }
        if !names.insert(name) {
            bail!(crate::tr!(
                "`{name}` 在表单中出现了两次（项目编号与站点字段或条款分组同名）：请在清单中给该项目改名",
                "`{name}` is used twice in the form (an item id the same as a site field or a clause group): rename the item in the checklist"
            ));
        }
    }
    Ok((questions, choices))
}

/// `name`, or `name_2`, `name_3` … if taken.
fn unique(name: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Whether `name` is an XML name XLSForm accepts for a field.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn site_questions(checklist: &Checklist) -> Vec<Question> {
    let hint = |key: &str| {
        Both::new(
            super::site_hint(key, checklist, Lang::Zh).unwrap_or_default(),
            super::site_hint(key, checklist, Lang::En).unwrap_or_default(),
        )
    };
    // Labelled as the readers know them, for an export with labels for headers.
    let text = |name: &str, required: bool| Question {
        kind: "text".to_owned(),
        name: name.to_owned(),
        label: FORM_SITE_LABELS
            .iter()
            .find(|(field, _)| *field == name)
            .map_or_else(Both::default, |(_, [zh, en])| Both::new(*zh, *en)),
        hint: hint(name),
        required: if required { "yes" } else { "" }.to_owned(),
        ..Question::default()
    };
    let mut questions = vec![
        Question {
            constraint: SITE_ID_CONSTRAINT.to_owned(),
            constraint_message: Both::new(
                "只能用字母、数字、- 和 _，且以字母或数字开头",
                "Use ASCII letters, digits, - and _, starting with a letter or digit",
            ),
            ..text("id", true)
        },
        text("name", true),
        Question {
            kind: "calculate".to_owned(),
            name: "kind".to_owned(),
            calculation: xpath_string(&checklist.site_kind),
            ..Question::default()
        },
        text("township", true),
    ];
    if checklist.site_kind == "village" {
        questions.push(text("village", true));
    }
    // A date widget needs no hint on how to write dates.
    questions.push(Question {
        kind: "date".to_owned(),
        hint: Both::default(),
        ..text("inspected_on", true)
    });
    questions.push(text("inspectors", false));
    questions
}

/// An XPath string literal; XPath 1.0 has no escapes, so pick the quote not in the text.
fn xpath_string(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// The constraint of a number an item lets not apply: a number field cannot hold 不适用,
/// so the item is a text field taking a number (the unit may follow) or 不适用.
fn number_or_not_applicable(whole: bool) -> String {
    let number = if whole {
        "[0-9０-９]+"
    } else {
        "[0-9０-９]+([.．][0-9０-９]+)?"
    };
    format!("regex(., '^({number}[^0-9０-９]*|{NOT_APPLICABLE})$')")
}

fn item_question(item: &Item, list: Option<String>, fields: &[String]) -> Question {
    let na = item.not_applicable.allowed();
    let (kind, constraint) = match (&item.kind, list) {
        (Kind::Number(_), _) if na => ("text".to_owned(), number_or_not_applicable(false)),
        (Kind::Count(_) | Kind::Rule(_), _) if na => {
            ("text".to_owned(), number_or_not_applicable(true))
        }
        (Kind::Number(_), _) => ("decimal".to_owned(), ". >= 0".to_owned()),
        (Kind::Count(_) | Kind::Rule(_), _) => ("integer".to_owned(), ". >= 0".to_owned()),
        (Kind::YesNo(_), _) if na => (format!("select_one {YES_NO_NA_LIST}"), String::new()),
        (Kind::YesNo(_), _) => (format!("select_one {YES_NO_LIST}"), String::new()),
        // 不适用 is an answer on its own, never one member among others.
        (Kind::Includes(_), Some(list)) if na => (
            format!("select_multiple {list}"),
            format!("not(selected(., '{NOT_APPLICABLE}')) or count-selected(.) = 1"),
        ),
        (Kind::Includes(_), Some(list)) => (format!("select_multiple {list}"), String::new()),
        (Kind::Includes(_), None) | (Kind::Text(_), _) => ("text".to_owned(), String::new()),
    };
    let mandatory = item.severity == Severity::Mandatory;
    let label = |lang: Lang| {
        let title = item.label(lang);
        match (mandatory, lang) {
            (true, Lang::Zh) => format!("{title}{}", FORM_MANDATORY_LABEL[0]),
            (true, Lang::En) => format!("{title}{}", FORM_MANDATORY_LABEL[1]),
            (false, _) => title.to_owned(),
        }
    };
    let hint = |lang: Lang| {
        // `{township}` in a text requirement becomes `${township}`, so the form shows the
        // township the inspector entered above.
        let mut requirement =
            crate::render::labels::expectation(&item.kind.expectation(None), lang);
        for field in PLACEHOLDERS {
            if fields.iter().any(|f| f == field) {
                requirement =
                    requirement.replace(&format!("{{{field}}}"), &format!("${{{field}}}"));
            }
        }
        let na_hint = match (na, lang) {
            (false, _) => "",
            (true, Lang::Zh) => "本项可填“不适用”，理由写在下面的备注里。",
            (true, Lang::En) => {
                " This item may be 不适用 (not applicable): give the reason in the note below."
            }
        };
        match lang {
            Lang::Zh => format!("要求：{requirement}。{}{na_hint}", item.help_text(lang)),
            Lang::En => format!(
                "Requirement: {requirement}. {}{na_hint}",
                item.help_text(lang)
            ),
        }
    };
    let constraint_message = match (&item.kind, na) {
        _ if constraint.is_empty() => Both::default(),
        (Kind::Includes(_), _) => Both::new(
            "选了“不适用”就不能再选其他项",
            "不适用 (not applicable) cannot be chosen with other answers",
        ),
        (_, true) => Both::new(
            "填数字（可带单位），或 不适用",
            "A number (the unit may follow), or 不适用",
        ),
        (_, false) => Both::new("不能为负数", "Cannot be negative"),
    };
    Question {
        kind,
        name: item.id.clone(),
        label: Both::new(label(Lang::Zh), label(Lang::En)),
        hint: Both::new(hint(Lang::Zh), hint(Lang::En)),
        constraint,
        constraint_message,
        ..Question::default()
    }
}

/// The note and photo questions that follow an item: what the readers take as its note
/// and its evidence. The note is required once 不适用 is chosen, since it is the reason.
fn note_and_photo(item: &Item) -> [Question; 2] {
    let na = item.not_applicable.allowed();
    let id = &item.id;
    let required = match (&item.kind, na) {
        (_, false) => String::new(),
        (Kind::Includes(_), true) => format!("selected(${{{id}}}, '{NOT_APPLICABLE}')"),
        (_, true) => format!("${{{id}}} = '{NOT_APPLICABLE}'"),
    };
    // Labelled after the item's title, so that an export with labels for headers still
    // says whose note and photo a column holds.
    let (zh, en) = (item.label(Lang::Zh), item.label(Lang::En));
    let [note_zh, note_en] = FORM_NOTE_LABEL;
    let [photo_zh, photo_en] = FORM_PHOTO_LABEL;
    let note = Question {
        kind: "text".to_owned(),
        name: format!("{id}{FORM_NOTE_SUFFIX}"),
        label: if na {
            Both::new(
                format!("{zh}{note_zh}（选“不适用”时写明理由）"),
                format!("{en}{note_en} (the reason, if not applicable)"),
            )
        } else {
            Both::new(format!("{zh}{note_zh}"), format!("{en}{note_en}"))
        },
        required,
        ..Question::default()
    };
    let photo = Question {
        kind: "image".to_owned(),
        name: format!("{id}{FORM_PHOTO_SUFFIX}"),
        label: Both::new(
            format!("{zh}{photo_zh}（佐证材料）"),
            format!("{en}{photo_en} (evidence)"),
        ),
        // A photo of a sign or a board stays legible at 1600 pixels and sends quickly.
        parameters: "max-pixels=1600".to_owned(),
        ..Question::default()
    };
    [note, photo]
}

/// Writes `rows` of cells under `header`; empty cells are left blank.
fn table(name: &str, header: &[String], rows: &[Vec<String>]) -> Result<Worksheet> {
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    for (c, title) in header.iter().enumerate() {
        sheet.write_string(0, col_num(c)?, title)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1)?;
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r, col_num(c)?, cell)?;
            }
        }
    }
    Ok(sheet)
}

fn survey_sheet(questions: &[Question], languages: &[Lang]) -> Result<Worksheet> {
    let translated = |column: &str| -> Vec<String> {
        languages
            .iter()
            .map(|l| format!("{column}::{}", language_name(*l)))
            .collect()
    };
    let mut header = vec!["type".to_owned(), "name".to_owned()];
    header.extend(translated("label"));
    header.extend(translated("hint"));
    header.extend(["required".to_owned(), "constraint".to_owned()]);
    header.extend(translated("constraint_message"));
    header.extend(["calculation", "appearance", "parameters"].map(str::to_owned));
    let rows: Vec<Vec<String>> = questions
        .iter()
        .map(|q| {
            let mut row = vec![q.kind.clone(), q.name.clone()];
            row.extend(languages.iter().map(|l| q.label.get(*l).to_owned()));
            row.extend(languages.iter().map(|l| q.hint.get(*l).to_owned()));
            row.push(q.required.clone());
            row.push(q.constraint.clone());
            row.extend(
                languages
                    .iter()
                    .map(|l| q.constraint_message.get(*l).to_owned()),
            );
            row.push(q.calculation.clone());
            row.push(q.appearance.clone());
            row.push(q.parameters.clone());
            row
        })
        .collect();
    let mut sheet = table("survey", &header, &rows)?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 26)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

fn choices_sheet(choices: &[Choice], languages: &[Lang]) -> Result<Worksheet> {
    let mut header = vec!["list_name".to_owned(), "name".to_owned()];
    header.extend(
        languages
            .iter()
            .map(|l| format!("label::{}", language_name(*l))),
    );
    let rows: Vec<Vec<String>> = choices
        .iter()
        .map(|c| {
            let mut row = vec![c.list.clone(), c.name.clone()];
            row.extend(languages.iter().map(|l| c.label.get(*l).to_owned()));
            row
        })
        .collect();
    let mut sheet = table("choices", &header, &rows)?;
    sheet.set_column_width(0, 26)?;
    sheet.set_column_width(1, 20)?;
    Ok(sheet)
}

fn settings_sheet(checklist: &Checklist, lang: Lang) -> Result<Worksheet> {
    let header = ["form_title", "form_id", "version", "default_language"].map(str::to_owned);
    let row = vec![
        checklist.label(lang).to_owned(),
        form_id(checklist),
        checklist.version.clone(),
        language_name(lang).to_owned(),
    ];
    table("settings", &header, &[row])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::checklist::builtin;

    fn checklist(name: &str) -> Checklist {
        Checklist::from_toml(builtin::text(name).unwrap()).unwrap()
    }

    /// A sheet as rows of column → cell maps, by the header row.
    fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<HashMap<String, String>> {
        let range = book.worksheet_range(name).unwrap();
        let cell = |r: usize, c: usize| match range.get((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let header: Vec<String> = (0..range.width()).map(|c| cell(0, c)).collect();
        (1..range.height())
            .map(|r| {
                header
                    .iter()
                    .enumerate()
                    .map(|(c, h)| (h.clone(), cell(r, c)))
                    .collect()
            })
            .collect()
    }

    fn open(c: &Checklist, lang: Lang) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(form(c, lang).unwrap())).unwrap()
    }

    #[test]
    fn every_item_appears_once_with_its_type() {
        for name in builtin::DEFAULTS {
            let c = checklist(name);
            let mut book = open(&c, Lang::Zh);
            assert_eq!(book.sheet_names(), ["survey", "choices", "settings"]);
            let survey = sheet(&mut book, "survey");
            for item in &c.items {
                let rows: Vec<_> = survey.iter().filter(|r| r["name"] == item.id).collect();
                assert_eq!(rows.len(), 1, "{}", item.id);
                let na = item.not_applicable.allowed();
                let expected = match &item.kind {
                    Kind::Number(_) | Kind::Count(_) | Kind::Rule(_) if na => "text".to_owned(),
                    Kind::Number(_) => "decimal".to_owned(),
                    Kind::Count(_) | Kind::Rule(_) => "integer".to_owned(),
                    Kind::YesNo(_) if na => "select_one yes_no_na".to_owned(),
                    Kind::YesNo(_) => "select_one yes_no".to_owned(),
                    Kind::Includes(_) => format!("select_multiple {}", list_name(&item.id)),
                    Kind::Text(_) => "text".to_owned(),
                };
                assert_eq!(rows[0]["type"], expected, "{}", item.id);
                assert_eq!(rows[0]["required"], "", "items are never required");
                let position = survey.iter().position(|r| r["name"] == item.id).unwrap();
                let (note, photo) = (&survey[position + 1], &survey[position + 2]);
                assert_eq!(note["name"], format!("{}_note", item.id));
                assert_eq!(note["type"], "text");
                assert_eq!(photo["name"], format!("{}_photo", item.id));
                assert_eq!(photo["type"], "image");
            }
            let names: Vec<&str> = survey
                .iter()
                .map(|r| r["name"].as_str())
                .filter(|n| !n.is_empty())
                .collect();
            let unique: HashSet<&str> = names.iter().copied().collect();
            assert_eq!(names.len(), unique.len(), "{names:?}");
        }
    }

    #[test]
    fn every_select_list_has_choices() {
        let c = checklist("puyang-2020/township");
        let mut book = open(&c, Lang::Zh);
        let survey = sheet(&mut book, "survey");
        let choices = sheet(&mut book, "choices");
        for row in &survey {
            let Some((_, list)) = row["type"].split_once(' ') else {
                continue;
            };
            let names: Vec<&str> = choices
                .iter()
                .filter(|c| c["list_name"] == list)
                .map(|c| c["name"].as_str())
                .collect();
            assert!(!names.is_empty(), "no choices for {list}");
            assert!(names.iter().all(|n| !n.contains(' ')), "{names:?}");
        }
        let departments: Vec<&str> = choices
            .iter()
            .filter(|c| c["list_name"] == "windows_departments")
            .map(|c| c["name"].as_str())
            .collect();
        assert_eq!(
            departments,
            ["民政局", "人社局", "医保局", "公安局", "市场监管局"]
        );
        let yes_no: Vec<(&str, &str)> = choices
            .iter()
            .filter(|c| c["list_name"] == "yes_no")
            .map(|c| (c["name"].as_str(), c["label::中文 (zh)"].as_str()))
            .collect();
        assert_eq!(yes_no, [("yes", "是"), ("no", "否")]);
    }

    #[test]
    fn requirements_go_to_hints_not_constraints() {
        let c = checklist("puyang-2020/township");
        let mut book = open(&c, Lang::Zh);
        let survey = sheet(&mut book, "survey");
        let row = |name: &str| survey.iter().find(|r| r["name"] == name).unwrap().clone();
        let area = row("site.floor_area");
        assert_eq!(area["constraint"], ". >= 0");
        assert!(
            area["hint::中文 (zh)"].starts_with("要求：≥ 60 m²。用卷尺"),
            "{}",
            area["hint::中文 (zh)"]
        );
        assert!(area["label::中文 (zh)"].ends_with("（必查）"));
        assert_eq!(
            area["label::English (en)"],
            "Net usable floor area of 60 m² or more (must check)"
        );
        assert!(!row("site.open_hall")["label::中文 (zh)"].contains("必查"));
        assert!(row("sign.name")["hint::中文 (zh)"].contains("${township}便民服务中心"));
        let id = row("id");
        assert_eq!(id["required"], "yes");
        assert_eq!(id["constraint"], SITE_ID_CONSTRAINT);
        let kind = row("kind");
        assert_eq!(
            (kind["type"].as_str(), kind["calculation"].as_str()),
            ("calculate", "'township'")
        );
        assert!(survey.iter().all(|r| r["name"] != "village"));
        let group = row("c3_1_1");
        assert_eq!(group["type"], "begin_group");
        assert_eq!(group["label::中文 (zh)"], "3.1.1 办公场所");
        let begins = survey.iter().filter(|r| r["type"] == "begin_group").count();
        let ends = survey.iter().filter(|r| r["type"] == "end_group").count();
        assert_eq!((begins, ends), (c.clauses.len(), c.clauses.len()));
    }

    #[test]
    fn settings_and_languages() {
        let c = checklist("puyang-2020/village");
        let mut book = open(&c, Lang::En);
        let settings = sheet(&mut book, "settings");
        assert_eq!(settings[0]["form_id"], "puyang_2020_village_2020_10_1");
        assert_eq!(settings[0]["version"], "2020.10-1");
        assert_eq!(settings[0]["default_language"], "English (en)");
        let survey = sheet(&mut book, "survey");
        assert!(survey[0].contains_key("label::English (en)"));
        assert!(survey[0].contains_key("label::中文 (zh)"));
        assert!(survey.iter().any(|r| r["name"] == "village"));
    }

    #[test]
    fn not_applicable_is_offered_only_where_the_checklist_allows_it() {
        let c = checklist("puyang-2020/township");
        let mut book = open(&c, Lang::Zh);
        let survey = sheet(&mut book, "survey");
        let choices = sheet(&mut book, "choices");
        let row = |name: &str| survey.iter().find(|r| r["name"] == name).unwrap().clone();
        let has_na = |list: &str| {
            choices
                .iter()
                .any(|c| c["list_name"] == list && c["name"] == NOT_APPLICABLE)
        };
        // Advisory, may not apply (ruling 10): 不适用 is a choice, its reason the note.
        assert_eq!(row("site.open_hall")["type"], "select_one yes_no_na");
        assert!(has_na(YES_NO_NA_LIST) && !has_na(YES_NO_LIST));
        assert_eq!(
            row("site.open_hall_note")["required"],
            "${site.open_hall} = '不适用'"
        );
        let optional = row("amenities.optional");
        assert!(has_na("amenities_optional"));
        assert!(optional["constraint"].contains("count-selected(.) = 1"));
        assert_eq!(
            row("amenities.optional_note")["required"],
            "selected(${amenities.optional}, '不适用')"
        );
        // Mandatory: no such choice, and the note is optional.
        assert_eq!(row("site.notice_screen")["type"], "select_one yes_no");
        assert!(!has_na("windows_departments"));
        assert_eq!(row("site.floor_area")["type"], "decimal");
        assert_eq!(row("site.floor_area_note")["required"], "");
        assert!(!row("site.floor_area")["hint::中文 (zh)"].contains("不适用"));
    }

    #[test]
    fn a_number_that_may_not_apply_is_text_taking_a_number_or_not_applicable() {
        let text = builtin::text("puyang-2020/township").unwrap().replacen(
            "kind = \"number\"",
            "may_not_apply = true\nmay_not_apply_because = \"测试\"\nkind = \"number\"",
            1,
        );
        let c = Checklist::from_toml(&text).unwrap();
        assert!(c.item("site.floor_area").unwrap().not_applicable.allowed());
        let mut book = open(&c, Lang::Zh);
        let survey = sheet(&mut book, "survey");
        let area = survey
            .iter()
            .find(|r| r["name"] == "site.floor_area")
            .unwrap();
        assert_eq!(area["type"], "text");
        assert!(
            area["constraint"].contains("|不适用)$"),
            "{}",
            area["constraint"]
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(is_xml_name("site.floor_area"));
        assert!(is_xml_name("c3_1_1"));
        assert!(!is_xml_name("3d.area"));
        assert!(!is_xml_name("a b"));
        let mut taken = HashSet::new();
        assert_eq!(unique("x".into(), &mut taken), "x");
        assert_eq!(unique("x".into(), &mut taken), "x_2");
    }
}
