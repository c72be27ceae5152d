//! Blank inspection forms made from a checklist, in the formats inspectors actually use:
//! a CSV header ([`csv`]), an Excel workbook with dropdowns and instructions ([`xlsx`]), a
//! commented TOML record to copy ([`toml`]) and an XLSForm for KoboToolbox / ODK
//! ([`xlsform`]).
//!
//! Every writer is pure: it takes a [`Checklist`] and a [`Lang`] and returns bytes or text;
//! choosing the checklist and writing the file is `commands/template.rs`'s job. The wide
//! layout (site columns, then one column per item id, then an optional row of Chinese
//! titles) is the one in `docs/forms.md`, which the record readers accept; this module
//! holds the parts of it every writer shares, so a form and a reader cannot drift apart
//! column by column.
//!
//! What this module is not: a reader. Filled-in forms come back through `record`.

pub mod csv;
pub mod toml;
pub mod xlsform;
pub mod xlsx;

use crate::checklist::{Checklist, Item, Kind};
use crate::lang::Lang;
use crate::render::labels::Column;

pub use xlsx::records_workbook;

// The layout's columns are the readers' own, so a form and a reader cannot drift apart.
pub use crate::record::table::{EVIDENCE_SUFFIX, NOTE_SUFFIX, SITE_COLUMNS};

/// The header row of a blank form: the site columns, then every item id in checklist
/// order.
pub fn header(checklist: &Checklist) -> Vec<String> {
    SITE_COLUMNS
        .iter()
        .map(|(key, _)| (*key).to_owned())
        .chain(checklist.items.iter().map(|item| item.id.clone()))
        .collect()
}

/// The row of titles under `header`: Chinese titles for the site columns (so readers can
/// recognise and skip the row by its `编号`), item titles in `lang`, `备注` / `佐证材料` for
/// note and evidence columns, and an empty cell for a column no checklist knows.
pub fn titles(checklists: &[&Checklist], header: &[String], lang: Lang) -> Vec<String> {
    header
        .iter()
        .map(|column| title(checklists, column, lang))
        .collect()
}

fn title(checklists: &[&Checklist], column: &str, lang: Lang) -> String {
    if let Some((_, zh)) = SITE_COLUMNS.iter().find(|(key, _)| *key == column) {
        return (*zh).to_owned();
    }
    if column.ends_with(NOTE_SUFFIX) {
        return lang.pick("备注", "note").to_owned();
    }
    if column.ends_with(EVIDENCE_SUFFIX) {
        return Column::Evidence.code(lang).to_owned();
    }
    find_item(checklists, column)
        .map(|item| item.label(lang).to_owned())
        .unwrap_or_default()
}

/// The item with this id in the first checklist that has it.
pub(crate) fn find_item<'c>(checklists: &[&'c Checklist], id: &str) -> Option<&'c Item> {
    checklists.iter().find_map(|c| c.item(id))
}

/// The site fields a text pattern may name (`{township}`), as in `checklist::kinds::text`.
pub(crate) const PLACEHOLDERS: [&str; 4] = ["township", "village", "name", "id"];

/// An item's requirement as a blank form prints it: a site field the pattern names
/// (`{township}便民服务中心`) is said in words (`本乡镇名称 + 便民服务中心`), since a blank form
/// has no site yet to fill it in with. The XLSForm, which has one, fills it in instead.
pub(crate) fn requirement(item: &Item, lang: Lang) -> String {
    let text = crate::render::labels::expectation(&item.kind.expectation(None), lang);
    let word = |field: &str| match (field, lang) {
        ("township", Lang::Zh) => "本乡镇名称",
        ("township", Lang::En) => "the township's name",
        ("village", Lang::Zh) => "本村名称",
        ("village", Lang::En) => "the village's name",
        ("name", Lang::Zh) => "本站点名称",
        ("name", Lang::En) => "the site's name",
        (_, Lang::Zh) => "站点编号",
        (_, Lang::En) => "the site id",
    };
    let mut parts: Vec<String> = Vec::new();
    let mut rest = text.as_str();
    while let Some((at, field)) = PLACEHOLDERS
        .iter()
        .filter_map(|f| rest.find(&format!("{{{f}}}")).map(|at| (at, *f)))
        .min()
    {
        parts.push(rest[..at].trim().to_owned());
        parts.push(word(field).to_owned());
        rest = &rest[at + field.len() + 2..];
    }
    if parts.is_empty() {
        return text;
    }
    parts.push(rest.trim().to_owned());
    parts.retain(|p| !p.is_empty());
    parts.join(" + ")
}

/// What kind of answer an item takes, in a word (数值, 是否 …), for instructions.
pub(crate) fn kind_label(kind: &Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Number(_) => lang.pick("数值", "number"),
        Kind::Count(_) => lang.pick("整数", "count"),
        Kind::Rule(_) => lang.pick("整数（比较）", "count (rule)"),
        Kind::YesNo(_) => lang.pick("是否", "yes / no"),
        Kind::Includes(_) => lang.pick("多项", "list"),
        Kind::Text(_) => lang.pick("文字", "text"),
    }
}

/// How to fill an item's cell, following the accepted values of `docs/forms.md`, ending
/// with the two answers every item takes: `不适用：原因`, and nothing at all.
pub(crate) fn how_to_fill(item: &Item, lang: Lang) -> String {
    let specific = match (&item.kind, lang) {
        (Kind::Number(n), Lang::Zh) => format!(
            "填数字（单位 {unit}），如 60 或 59.5；可带单位，如 60{unit}；全角数字也可。",
            unit = n.unit
        ),
        (Kind::Number(n), Lang::En) => format!(
            "A number in {unit}, e.g. 60 or 59.5; the unit may follow, e.g. 60{unit}.",
            unit = n.unit
        ),
        (Kind::Count(_) | Kind::Rule(_), Lang::Zh) => {
            let unit = unit_of(&item.kind);
            format!("填整数，如 2；可带量词，如 2{unit}。")
        }
        (Kind::Count(_) | Kind::Rule(_), Lang::En) => {
            let unit = unit_of(&item.kind);
            format!("A whole number, e.g. 2; a measure word may follow, e.g. 2{unit}.")
        }
        (Kind::YesNo(_), Lang::Zh) => "填 是 或 否（也认 有/无、√/×、Y/N）。".to_owned(),
        (Kind::YesNo(_), Lang::En) => "是 or 否 (also yes/no, Y/N, √/×).".to_owned(),
        (Kind::Includes(i), Lang::Zh) => format!(
            "逐项填写实际有的，多个用、分隔，如：{}；一项都没有填 无。",
            sample_members(i.members(), "、")
        ),
        (Kind::Includes(i), Lang::En) => format!(
            "List what was found, separated by 、 or commas, e.g. {}; 无 if none.",
            sample_members(i.members(), "、")
        ),
        (Kind::Text(_), Lang::Zh) => "照实填写看到的文字。".to_owned(),
        (Kind::Text(_), Lang::En) => "The text as seen on site.".to_owned(),
    };
    format!(
        "{specific}{}{}",
        lang.pick("", " "),
        not_applicable_and_empty(item, lang)
    )
}

/// The two answers besides a value: `不适用：原因` where the checklist allows it (ruling 10;
/// elsewhere the form says it is not accepted), and nothing at all.
pub(crate) fn not_applicable_and_empty(item: &Item, lang: Lang) -> &'static str {
    match (item.not_applicable.allowed(), lang) {
        (true, Lang::Zh) => "不适用填 不适用：原因；留空表示未记录。",
        (true, Lang::En) => "Not applicable: 不适用：reason. Empty: not recorded.",
        (false, Lang::Zh) => "本项不能填不适用（只有县里的豁免能免除）；留空表示未记录。",
        (false, Lang::En) => {
            "This item cannot be not applicable (only a county waiver excuses it). Empty: not recorded."
        }
    }
}

/// How to fill a site column, for input messages, hints and instructions; `None` for a
/// column that is not a site column.
pub(crate) fn site_hint(key: &str, checklist: &Checklist, lang: Lang) -> Option<String> {
    let text = match (key, lang) {
        ("id", Lang::Zh) => {
            "站点编号，只用字母、数字、- 和 _，如 chengguan；每个站点不同。".to_owned()
        }
        ("id", Lang::En) => {
            "Site id: ASCII letters, digits, - and _, e.g. chengguan; one per site.".to_owned()
        }
        ("name", Lang::Zh) => "站点全称，如 城关镇便民服务中心。".to_owned(),
        ("name", Lang::En) => "The site's full name, e.g. 城关镇便民服务中心.".to_owned(),
        ("kind", Lang::Zh) => format!(
            "填 {}（{}），不要改。",
            checklist.site_kind, checklist.site_kind_name
        ),
        ("kind", Lang::En) => format!(
            "{} ({}); leave as it is.",
            checklist.site_kind,
            checklist.site_kind_label(Lang::En)
        ),
        ("township", Lang::Zh) => "所在乡镇，如 城关镇。".to_owned(),
        ("township", Lang::En) => "The township, e.g. 城关镇.".to_owned(),
        ("village", Lang::Zh) => "村便民服务站填所在村；乡镇中心留空。".to_owned(),
        ("village", Lang::En) => {
            "The village, for village stations; empty for township centres.".to_owned()
        }
        ("inspected_on", Lang::Zh) => {
            "检查日期，如 2020-06-02；2020/6/2、2020年6月2日 也可。".to_owned()
        }
        ("inspected_on", Lang::En) => {
            "The inspection date, e.g. 2020-06-02 (2020/6/2 and 2020年6月2日 work too).".to_owned()
        }
        ("inspectors", Lang::Zh) => "检查人员姓名，多个用、分隔，如 张伟、李娜。".to_owned(),
        ("inspectors", Lang::En) => {
            "Inspectors' names, separated by 、, e.g. 张伟、李娜.".to_owned()
        }
        _ => return None,
    };
    Some(text)
}

/// The first two members, enough to show the separator without copying the whole list.
pub(crate) fn sample_members(members: &[String], separator: &str) -> String {
    members
        .iter()
        .take(2)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(separator)
}

/// The unit of a numeric kind ("m²", "个"), empty when it has none.
pub(crate) fn unit_of(kind: &Kind) -> &str {
    match kind {
        Kind::Number(n) => &n.unit,
        Kind::Count(c) => &c.unit,
        Kind::Rule(r) => &r.unit,
        _ => "",
    }
}

/// `s` cut to at most `max` characters, ending in `…` when cut: Excel refuses validation
/// titles and messages over its limits rather than shortening them.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::builtin;

    fn township() -> Checklist {
        let text = builtin::text("puyang-2020/township").expect("built in");
        Checklist::from_toml(text).expect("valid")
    }

    #[test]
    fn header_is_site_columns_then_item_ids() {
        let c = township();
        let header = header(&c);
        assert_eq!(
            &header[..7],
            [
                "id",
                "name",
                "kind",
                "township",
                "village",
                "inspected_on",
                "inspectors"
            ]
        );
        let ids: Vec<&str> = c.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(&header[7..], ids.as_slice());
    }

    #[test]
    fn titles_cover_site_item_note_and_unknown_columns() {
        let c = township();
        let header: Vec<String> = [
            "id",
            "site.floor_area",
            "site.floor_area#note",
            "x#evidence",
            "zzz",
        ]
        .map(str::to_owned)
        .to_vec();
        let zh = titles(&[&c], &header, Lang::Zh);
        assert_eq!(
            zh,
            [
                "编号",
                "乡镇便民服务中心净使用面积要在 60 m² 以上",
                "备注",
                "佐证材料",
                ""
            ]
        );
        let en = titles(&[&c], &header, Lang::En);
        assert_eq!(en[0], "编号", "the marker of the title row stays Chinese");
        assert_eq!(en[1], "Net usable floor area of 60 m² or more");
    }

    #[test]
    fn how_to_fill_names_not_applicable_where_allowed_and_empty() {
        let c = township();
        for item in &c.items {
            let text = how_to_fill(item, Lang::Zh);
            assert_eq!(
                text.contains("不适用：原因"),
                item.not_applicable.allowed(),
                "{text}"
            );
            assert!(text.contains("留空表示未记录"), "{text}");
        }
        let area = c.item("site.floor_area").expect("item");
        assert!(how_to_fill(area, Lang::Zh).contains("本项不能填不适用"));
        let departments = c.item("windows.departments").expect("item");
        assert!(how_to_fill(departments, Lang::Zh).contains("民政局、人社局"));
    }

    #[test]
    fn requirements_say_placeholders_in_words() {
        let c = township();
        let sign = c.item("sign.name").expect("item");
        assert_eq!(requirement(sign, Lang::Zh), "本乡镇名称 + 便民服务中心");
        assert_eq!(
            requirement(sign, Lang::En),
            "the township's name + 便民服务中心"
        );
        let area = c.item("site.floor_area").expect("item");
        assert_eq!(requirement(area, Lang::Zh), "≥ 60 m²");
    }

    #[test]
    fn truncation_respects_the_limit() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
        assert_eq!(truncate_chars("一二三四", 3).chars().count(), 3);
    }
}
