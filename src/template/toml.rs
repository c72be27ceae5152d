//! The TOML form: a commented record to copy into a campaign's `sites/` folder.
//!
//! The site keys carry placeholder values; under `[observations]` every item is described
//! in comments (clause, title, requirement, how to check) and followed by a commented-out
//! example line in the record syntax of `record::toml`, so filling the form in means
//! removing a `#` and changing a value. Nothing under `[observations]` is active, because
//! an item left out is "not recorded" while a wrong example value would be a finding.

use crate::render::Label;
use std::fmt::Write as _;

use crate::checklist::kinds::format_number;
use crate::checklist::{Checklist, Item, Kind};
use crate::lang::Lang;

/// Where trailing comments of the site keys start, so they line up.
const COMMENT_COLUMN: usize = 28;

/// The commented TOML record for `checklist`, comments in `lang`.
///
/// It parses as a record once `id`, `name` and `township` are filled in (they must not be
/// empty); until then reading it names exactly those keys.
pub fn form(checklist: &Checklist, lang: Lang) -> String {
    let mut out = String::new();
    let zh = lang == Lang::Zh;
    comment(
        &mut out,
        &format!(
            "{} — {}",
            checklist.label(lang),
            lang.pick("检查记录", "inspection record")
        ),
    );
    comment(
        &mut out,
        &format!(
            "{} {} {} {}",
            lang.pick("清单", "checklist"),
            checklist.id,
            lang.pick("版本", "version"),
            checklist.version
        ),
    );
    comment(
        &mut out,
        lang.pick(
            "用法：复制为 sites/<编号>.toml，填好站点信息；在 [observations] 下删去行首的 # 并改成实际检查结果。",
            "Copy to sites/<id>.toml and fill in the site; under [observations] remove the # of a line and write what was found.",
        ),
    );
    out.push('\n');

    site_line(&mut out, "id = \"\"", checklist, "id", lang);
    site_line(&mut out, "name = \"\"", checklist, "name", lang);
    site_line(
        &mut out,
        &format!("kind = {}", quote(&checklist.site_kind)),
        checklist,
        "kind",
        lang,
    );
    site_line(&mut out, "township = \"\"", checklist, "township", lang);
    // Only village stations have a village; for others the key stays as a reminder.
    let village = if checklist.site_kind == "village" {
        "village = \"\""
    } else {
        "# village = \"\""
    };
    site_line(&mut out, village, checklist, "village", lang);
    // A TOML date is written bare; the other spellings forms accept are not TOML.
    padded(
        &mut out,
        "inspected_on = 2020-06-02",
        lang.pick(
            "检查日期，写成 2020-06-02，不加引号",
            "the inspection date, as 2020-06-02 without quotes",
        ),
    );
    let inspectors_hint = lang.pick(
        "检查人员，如 [\"张伟\", \"李娜\"]",
        "who inspected, e.g. [\"张伟\", \"李娜\"]",
    );
    padded(&mut out, "inspectors = []", inspectors_hint);
    out.push('\n');

    out.push_str("[observations]\n");
    if let Some(first) = checklist.items.first() {
        let key = toml_key(&first.id);
        comment(
            &mut out,
            lang.pick(
                "写法：项目编号 = 值。未检查的项目不写（即“未记录”）。",
                "Write: item id = value. Leave out what was not checked (not recorded).",
            ),
        );
        // Only an item the checklist lets not apply may be recorded so (ruling 10).
        if let Some(na) = checklist.items.iter().find(|i| i.not_applicable.allowed()) {
            comment(
                &mut out,
                lang.pick(
                    "清单允许不适用的项目（见各项说明），不适用时写原因：",
                    "An item the checklist lets not apply (see each item), with the reason:",
                ),
            );
            comment(
                &mut out,
                &format!(
                    "{} = {{ not_applicable = {} }}",
                    toml_key(&na.id),
                    quote(lang.pick("写明不适用的原因", "why it does not apply"))
                ),
            );
        }
        comment(
            &mut out,
            lang.pick("加备注和佐证材料：", "With a note and evidence:"),
        );
        comment(
            &mut out,
            &format!(
                "{key} = {{ value = {}, note = {}, evidence = [\"photos/{}.jpg\"] }}",
                example_value(first),
                quote(lang.pick("负责人在场确认", "confirmed with the person in charge")),
                first.id
            ),
        );
    }

    let mut clause = None;
    for item in &checklist.items {
        if clause != Some(item.clause.as_str()) {
            clause = Some(item.clause.as_str());
            let heading = checklist
                .clause(&item.clause)
                .map(|c| lang.pick_opt(&c.title, c.title_en.as_deref()))
                .unwrap_or_default();
            out.push('\n');
            comment(&mut out, &format!("── {} {heading} ──", item.clause));
        }
        out.push('\n');
        let separator = if zh { "：" } else { ": " };
        comment(
            &mut out,
            &format!("{}{separator}{}", item.id, item.label(lang)),
        );
        let requirement = super::requirement(item, lang);
        let severity = item.severity.label(lang);
        comment(
            &mut out,
            &match lang {
                Lang::Zh => format!("要求：{requirement}（{severity}，{} 分）", item.points),
                Lang::En => format!(
                    "Requirement: {requirement} ({severity}, {} points)",
                    item.points
                ),
            },
        );
        comment(
            &mut out,
            &format!(
                "{}{}",
                lang.pick("检查：", "How to check: "),
                item.help_text(lang)
            ),
        );
        if item.not_applicable.allowed() {
            comment(
                &mut out,
                lang.pick(
                    "本项可记为不适用（写明原因）。",
                    "This item may be recorded not applicable, with the reason.",
                ),
            );
        }
        comment(
            &mut out,
            &format!("{} = {}", toml_key(&item.id), example_value(item)),
        );
    }
    out
}

/// A site key with its placeholder and a trailing comment saying how to fill it.
fn site_line(out: &mut String, line: &str, checklist: &Checklist, key: &str, lang: Lang) {
    let hint = super::site_hint(key, checklist, lang).unwrap_or_default();
    padded(out, line, &hint);
}

fn padded(out: &mut String, line: &str, hint: &str) {
    let pad = COMMENT_COLUMN.saturating_sub(line.chars().count()).max(1);
    let _ = writeln!(out, "{line}{:pad$}# {hint}", "");
}

/// Comment lines: every line of `text` after `# `, so a help text with line breaks cannot
/// leak out of the comment.
fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "# {line}");
    }
}

/// A value of the item's kind that the record reader accepts, in TOML syntax: the bound
/// of a number or count, the expected answer of a yes/no, every member of an includes.
fn example_value(item: &Item) -> String {
    match &item.kind {
        Kind::Number(n) => {
            let x = n.min.or(n.max).unwrap_or(0.0).max(0.0);
            let text = format_number(x);
            // A decimal point shows that decimals are welcome (59.5).
            if text.contains('.') {
                text
            } else {
                format!("{text}.0")
            }
        }
        Kind::Count(c) => c.min.or(c.max).unwrap_or(0).max(0).to_string(),
        Kind::Rule(r) => {
            // One of the other item at the rule's factor: e.g. 2 trainees for 1 window.
            let n = r.factor.ceil();
            if n.is_finite() && (0.0..1e9).contains(&n) {
                format!("{}", n as i64)
            } else {
                "0".to_owned()
            }
        }
        Kind::YesNo(y) => y.expect.to_string(),
        Kind::Includes(i) => {
            let members: Vec<String> = i.members().iter().map(|m| quote(m)).collect();
            format!("[{}]", members.join(", "))
        }
        Kind::Text(t) => {
            let shown = t.example.as_deref().unwrap_or(&t.pattern);
            // Stand-ins for the site's own fields, like the examples of docs/forms.md.
            let filled = shown
                .replace("{township}", "城关镇")
                .replace("{village}", "东关村")
                .replace("{name}", "城关镇便民服务中心")
                .replace("{id}", "chengguan");
            quote(&filled)
        }
    }
}

/// An item id as a TOML key: bare dotted keys when every part allows it (as in the record
/// examples), else one quoted key, which the reader takes as the whole id.
fn toml_key(id: &str) -> String {
    let bare = id.split('.').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if bare { id.to_owned() } else { quote(id) }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::builtin;
    use crate::record::Entry;
    use crate::record::toml::read;

    fn builtins() -> Vec<Checklist> {
        builtin::DEFAULTS
            .iter()
            .map(|name| Checklist::from_toml(builtin::text(name).unwrap()).unwrap())
            .collect()
    }

    fn filled(form: &str) -> String {
        form.replace("id = \"\"", "id = \"chengguan\"")
            .replace("name = \"\"", "name = \"城关镇便民服务中心\"")
            .replace("township = \"\"", "township = \"城关镇\"")
            .replace("inspectors = []", "inspectors = [\"张伟\"]")
    }

    #[test]
    fn the_form_reads_once_the_site_is_filled_in() {
        let checklists = builtins();
        for c in &checklists {
            for lang in [Lang::Zh, Lang::En] {
                let text = form(c, lang);
                let record = read(&filled(&text), "form.toml", &checklists)
                    .unwrap_or_else(|p| panic!("{}:\n{p}\n{text}", c.id));
                assert_eq!(record.kind, c.site_kind);
                assert!(record.observations.is_empty(), "examples stay commented");
                // Unfilled, the reader names what is missing.
                let err = read(&text, "form.toml", &checklists)
                    .unwrap_err()
                    .to_string();
                assert!(err.contains("`id` must not be empty"), "{err}");
            }
        }
    }

    #[test]
    fn every_example_line_is_a_valid_observation() {
        let checklists = builtins();
        for c in &checklists {
            let text = form(c, Lang::Zh);
            let mut uncommented = String::new();
            for line in filled(&text).lines() {
                let example = line.strip_prefix("# ").filter(|rest| {
                    c.items
                        .iter()
                        .any(|i| rest.starts_with(&format!("{} = ", toml_key(&i.id))))
                        && !rest.contains("not_applicable")
                        && !rest.contains("note =")
                });
                uncommented.push_str(example.unwrap_or(line));
                uncommented.push('\n');
            }
            let record = read(&uncommented, "form.toml", &checklists)
                .unwrap_or_else(|p| panic!("{p}\n{uncommented}"));
            assert_eq!(record.observations.len(), c.items.len(), "{uncommented}");
            let area = record.observations.get("site.floor_area");
            if let Some(area) = area {
                assert_eq!(
                    area.entry,
                    Entry::Value(crate::checklist::Value::Number(60.0))
                );
            }
        }
    }

    #[test]
    fn the_not_applicable_and_note_examples_read() {
        let checklists = builtins();
        let c = &checklists[0];
        let text = filled(&form(c, Lang::Zh));
        for marker in ["not_applicable", "note ="] {
            let uncommented: String = text
                .lines()
                .map(|line| match line.strip_prefix("# ") {
                    Some(rest) if rest.contains(marker) => format!("{rest}\n"),
                    _ => format!("{line}\n"),
                })
                .collect();
            let record = read(&uncommented, "form.toml", &checklists)
                .unwrap_or_else(|p| panic!("{p}\n{uncommented}"));
            match marker {
                "not_applicable" => {
                    let na = c.items.iter().find(|i| i.not_applicable.allowed()).unwrap();
                    assert!(na.severity == crate::checklist::Severity::Advisory);
                    let entry = &record.observations[&na.id].entry;
                    assert!(matches!(entry, Entry::NotApplicable(_)));
                }
                _ => {
                    let first = &record.observations[&c.items[0].id];
                    assert!(first.note.is_some() && first.evidence.len() == 1);
                }
            }
        }
    }

    #[test]
    fn keys_and_strings_are_quoted_when_needed() {
        assert_eq!(toml_key("site.floor_area"), "site.floor_area");
        assert_eq!(toml_key("site.面积"), "\"site.面积\"");
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn items_are_described_in_comments() {
        let c = &builtins()[0];
        let text = form(c, Lang::Zh);
        assert!(text.contains("# site.floor_area：乡镇便民服务中心净使用面积要在 60 m² 以上\n"));
        assert!(text.contains("# 要求：≥ 60 m²（强制，8 分）\n"));
        assert!(text.contains("# site.floor_area = 60.0\n"));
        assert!(text.contains("# site.open_hall = true\n"));
        assert!(text.contains("# windows.departments = [\"民政局\", \"人社局\", \"医保局\", \"公安局\", \"市场监管局\"]\n"));
        assert!(text.contains("# sign.name = \"城关镇便民服务中心\"\n"));
        assert!(text.contains("# org.trainees = 2\n"));
        assert!(text.contains("# ── 3.1.1 办公场所 ──\n"));
        assert_eq!(text.matches("not_applicable").count(), 1);
        assert!(
            text.contains("# site.open_hall = { not_applicable = "),
            "{text}"
        );
    }
}
