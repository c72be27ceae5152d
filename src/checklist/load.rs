//! Reading a checklist from TOML: every key checked, every problem located, all of them
//! reported in one pass so a checklist author fixes a file once, not once per error.

use std::collections::BTreeMap;

use super::kinds::{KIND_NAMES, Kind};
use super::{Checklist, Clause, GradeBand, Item, NotApplicable, Severity};
use crate::points::Points;
use crate::source::{Fields, Problem, Problems, Source, nearest, type_name};

/// An ASCII identifier: lowercase letters, digits, `_` and `-`, dotted segments allowed.
pub(crate) fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

fn is_clause_number(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn parse(text: &str) -> Result<Checklist, Problems> {
    let source = Source::new(text);
    let doc = source.parse()?;
    let mut top = Fields::new(&source, doc.get_ref(), doc.span());
    let mut problems: Vec<Problem> = Vec::new();

    let id = top.required_string("id");
    if let Some(id) = &id
        && !is_identifier(id.get_ref())
    {
        top.report(
            id.span(),
            crate::tr!(
                "`id` 只能用小写英文字母、数字、`-`、`_` 和点，如 puyang-2020-township",
                "`id` must be lowercase ASCII letters, digits, `-`, `_` and dots, e.g. puyang-2020-township"
            ),
        );
    }
    let title = top.required_string("title");
    let title_en = top.string("title_en");
    let version = top.required_string("version");
    let site_kind = top.required_string("site_kind");
    if let Some(kind) = &site_kind
        && !is_identifier(kind.get_ref())
    {
        top.report(
            kind.span(),
            crate::tr!(
                "`site_kind` 应为英文单词，如 township 或 village",
                "`site_kind` must be an ASCII word such as township or village"
            ),
        );
    }
    let site_kind_name = top.required_string("site_kind_name");
    let site_kind_name_en = top.string("site_kind_name_en");
    let source_doc = top.required_string("source");
    let total_points = match top.number("total_points") {
        None => Some(Points::from_tenths(1000)),
        Some(t) => match Points::from_decimal(*t.get_ref()) {
            Some(p) if p > Points::ZERO => Some(p),
            _ => {
                top.report(
                    t.span(),
                    crate::tr!(
                        "`total_points` 应为正数，最多一位小数",
                        "`total_points` must be a positive number, in tenths at most"
                    ),
                );
                None
            }
        },
    };

    let clauses = read_clauses(&mut top, &mut problems);
    let grades = read_grades(&mut top, &mut problems);
    let mut written = Written::default();
    let items = read_items(&mut top, &mut problems, &clauses, &mut written);
    problems.extend(top.finish(&crate::tr!("清单", "the checklist")));

    if let (Some(items), Some(clauses)) = (&items, &clauses) {
        // The total is only meaningful once every item has been read.
        let total = if problems.is_empty() {
            total_points
        } else {
            None
        };
        cross_check(
            &source,
            &doc,
            items,
            clauses,
            &written,
            total,
            &mut problems,
        );
    }

    problems.sort_by_key(|p| (p.line, p.column));
    problems.dedup();
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    // Every `?` below is reached only when its part reported a problem, and problems were
    // returned above; the fallback keeps this total without a panic path.
    let missing = || {
        Problems(vec![source.problem(
            0..0,
            crate::tr!("清单不完整", "the checklist is incomplete"),
        )])
    };
    Ok(Checklist {
        id: id.ok_or_else(missing)?.into_inner(),
        title: title.ok_or_else(missing)?.into_inner(),
        title_en: title_en.map(|t| t.into_inner()),
        version: version.ok_or_else(missing)?.into_inner(),
        site_kind: site_kind.ok_or_else(missing)?.into_inner(),
        site_kind_name: site_kind_name.ok_or_else(missing)?.into_inner(),
        site_kind_name_en: site_kind_name_en.map(|t| t.into_inner()),
        source: source_doc.ok_or_else(missing)?.into_inner(),
        total_points: total_points.ok_or_else(missing)?,
        clauses: clauses.ok_or_else(missing)?,
        grades: grades.ok_or_else(missing)?,
        items: items.ok_or_else(missing)?,
    })
}

fn read_clauses(top: &mut Fields<'_, '_>, problems: &mut Vec<Problem>) -> Option<Vec<Clause>> {
    let source = top.source();
    let Some((table, span)) = top.table("clauses") else {
        let span = top.span();
        top.report(
            span,
            crate::tr!(
                "缺少 `[clauses]`：请列出本清单检查的条款，如 \"3.1.1\" = {{ title = \"办公场所\" }}",
                "missing `[clauses]`: list the clauses this checklist checks, e.g. \"3.1.1\" = {{ title = \"办公场所\" }}"
            ),
        );
        return None;
    };
    if table.is_empty() {
        top.report(
            span,
            crate::tr!(
                "`[clauses]` 是空的：请至少列出一个条款",
                "`[clauses]` is empty"
            ),
        );
        return None;
    }
    let mut clauses = Vec::new();
    for (key, value) in table.iter() {
        let number = key.get_ref().to_string();
        if !is_clause_number(&number) {
            problems.push(source.problem(
                key.span(),
                crate::tr!(
                    "“{number}”不是 3.1.1 这样的条款号",
                    "clause \"{number}\" is not a clause number like 3.1.1"
                ),
            ));
            continue;
        }
        let Some(inner) = value.get_ref().as_table() else {
            let found = type_name(value.get_ref());
            problems.push(source.problem(
                value.span(),
                crate::tr!(
                    "条款“{number}”应写成 {{ title = \"办公场所\" }} 这样的表，实为{found}",
                    "clause \"{number}\" must be a table like {{ title = \"办公场所\" }}, found {found}"
                ),
            ));
            continue;
        };
        let mut fields = Fields::new(source, inner, value.span());
        let title = fields.required_string("title");
        let title_en = fields.string("title_en");
        problems.extend(fields.finish(&crate::tr!("条款 {number}", "clause {number}")));
        if let Some(title) = title {
            clauses.push(Clause {
                number,
                title: title.into_inner(),
                title_en: title_en.map(|t| t.into_inner()),
            });
        }
    }
    // Document order: 3.1.2 before 3.1.10, which string order would not give.
    clauses.sort_by_key(|c| {
        c.number
            .split('.')
            .map(|n| n.parse::<u32>().unwrap_or(u32::MAX))
            .collect::<Vec<_>>()
    });
    Some(clauses)
}

fn read_grades(top: &mut Fields<'_, '_>, problems: &mut Vec<Problem>) -> Option<Vec<GradeBand>> {
    let source = top.source();
    let Some(value) = top.take("grades") else {
        let span = top.span();
        top.report(
            span,
            crate::tr!(
                "缺少 `[[grades]]`：请至少写一个 `min = 0` 的等级",
                "missing `[[grades]]`: give at least one grade band with `min = 0`"
            ),
        );
        return None;
    };
    let Some(array) = value.get_ref().as_array() else {
        top.report(
            value.span(),
            crate::tr!(
                "`grades` 应写成表数组 `[[grades]]`",
                "`grades` must be an array of tables `[[grades]]`"
            ),
        );
        return None;
    };
    let mut grades = Vec::new();
    let mut ok = true;
    for entry in array.iter() {
        let Some(table) = entry.get_ref().as_table() else {
            problems.push(source.problem(
                entry.span(),
                crate::tr!(
                    "每个等级都应是一个表（`[[grades]]`）",
                    "each grade must be a table"
                ),
            ));
            ok = false;
            continue;
        };
        let mut fields = Fields::new(source, table, entry.span());
        let name = fields.required_string("name");
        let name_en = fields.string("name_en");
        let min = fields.number("min");
        if min.is_none() && !table.contains_key("min") {
            fields.report(
                entry.span(),
                crate::tr!(
                    "缺少 `min`（该等级的最低得分率，百分数）",
                    "missing key `min` (lowest percentage for this grade)"
                ),
            );
        }
        let min = min.and_then(|m| match Points::from_decimal(*m.get_ref()) {
            Some(p) if p.tenths() <= 1000 => Some(p),
            _ => {
                fields.report(
                    m.span(),
                    crate::tr!(
                        "`min` 应为 0 到 100 的百分数",
                        "`min` must be a percentage from 0 to 100"
                    ),
                );
                None
            }
        });
        if let Some(min) = min
            && grades.iter().any(|g: &GradeBand| g.min == min)
        {
            fields.report(
                entry.span(),
                crate::tr!("两个等级的 `min` 都是 {min}%", "two grades start at {min}%"),
            );
        }
        problems.extend(fields.finish(&crate::tr!("等级", "a grade")));
        match (name, min) {
            (Some(name), Some(min)) => grades.push(GradeBand {
                name: name.into_inner(),
                name_en: name_en.map(|n| n.into_inner()),
                min,
            }),
            _ => ok = false,
        }
    }
    grades.sort_by_key(|g| std::cmp::Reverse(g.min));
    if ok && grades.last().is_none_or(|g| g.min != Points::ZERO) {
        problems.push(source.problem(
            value.span(),
            crate::tr!(
                "等级中须有一个 `min = 0`，使任何得分都能定级",
                "the grades must include one with `min = 0`, so every score has a grade"
            ),
        ));
    }
    Some(grades)
}

/// The ids and clauses written in the file, including those of items that could not be
/// read, so that one broken item does not also show up as a dangling reference or an
/// uncovered clause.
#[derive(Default)]
struct Written {
    ids: Vec<String>,
    clauses: Vec<String>,
}

fn read_items(
    top: &mut Fields<'_, '_>,
    problems: &mut Vec<Problem>,
    clauses: &Option<Vec<Clause>>,
    written: &mut Written,
) -> Option<Vec<Item>> {
    let source = top.source();
    let Some(value) = top.take("items") else {
        let span = top.span();
        top.report(
            span,
            crate::tr!(
                "缺少 `[[items]]`：清单至少要有一个项目",
                "missing `[[items]]`: a checklist needs at least one item"
            ),
        );
        return None;
    };
    let Some(array) = value.get_ref().as_array() else {
        top.report(
            value.span(),
            crate::tr!(
                "`items` 应写成表数组 `[[items]]`",
                "`items` must be an array of tables `[[items]]`"
            ),
        );
        return None;
    };
    let mut items = Vec::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for entry in array.iter() {
        let Some(table) = entry.get_ref().as_table() else {
            problems.push(source.problem(
                entry.span(),
                crate::tr!(
                    "每个项目都应是一个表（`[[items]]`）",
                    "each item must be a table"
                ),
            ));
            continue;
        };
        let mut fields = Fields::new(source, table, entry.span());
        let (line, _) = source.locate(entry.span().start);
        let id = fields.required_string("id");
        let context = match &id {
            Some(id) => {
                let id = id.get_ref();
                crate::tr!("项目 `{id}`", "item `{id}`")
            }
            None => crate::tr!("某个项目", "an item"),
        };
        if let Some(id) = &id {
            if !is_identifier(id.get_ref()) {
                let shown = id.get_ref();
                fields.report(
                    id.span(),
                    crate::tr!(
                        "项目编号“{shown}”应为以点连接的小写英文单词，如 site.floor_area",
                        "item id \"{shown}\" must be lowercase ASCII words joined by dots, e.g. site.floor_area"
                    ),
                );
            } else if let Some(previous) = first_line.get(id.get_ref()) {
                let shown = id.get_ref();
                fields.report(
                    id.span(),
                    crate::tr!(
                        "项目编号 `{shown}` 重复，第 {previous} 行已定义过",
                        "duplicate item id `{shown}`, first defined at line {previous}"
                    ),
                );
            } else {
                first_line.insert(id.get_ref().clone(), line);
            }
        }
        let clause = fields.required_string("clause");
        if let Some(id) = &id {
            written.ids.push(id.get_ref().clone());
        }
        if let Some(clause) = &clause {
            written.clauses.push(clause.get_ref().clone());
        }
        if let (Some(clause), Some(known)) = (&clause, clauses)
            && !known.iter().any(|c| &c.number == clause.get_ref())
        {
            let numbers: Vec<&str> = known.iter().map(|c| c.number.as_str()).collect();
            let hint = match nearest(clause.get_ref(), numbers.iter().copied()) {
                Some(near) => crate::tr!("（是不是“{near}”？）", " (did you mean \"{near}\"?)"),
                None => String::new(),
            };
            let shown = clause.get_ref();
            fields.report(
                clause.span(),
                crate::tr!(
                    "条款“{shown}”未列在 [clauses] 中{hint}",
                    "clause \"{shown}\" is not listed in [clauses]{hint}"
                ),
            );
        }
        let title = fields.required_string("title");
        let title_en = fields.string("title_en");
        let severity =
            fields
                .required_string("severity")
                .and_then(|s| match s.get_ref().as_str() {
                    "mandatory" => Some(Severity::Mandatory),
                    "advisory" => Some(Severity::Advisory),
                    other => {
                        fields.report(
                        s.span(),
                        crate::tr!(
                            "`severity` 应为“mandatory”（强制）或“advisory”（建议），实为“{other}”",
                            "severity \"{other}\" must be \"mandatory\" or \"advisory\""
                        ),
                    );
                        None
                    }
                });
        let points = match fields.number("points") {
            None => {
                if !table.contains_key("points") {
                    fields.report(
                        entry.span(),
                        crate::tr!("缺少 `points`", "missing key `points`"),
                    );
                }
                None
            }
            Some(p) => match Points::from_decimal(*p.get_ref()) {
                Some(points) => Some(points),
                None => {
                    fields.report(
                        p.span(),
                        crate::tr!(
                            "`points` 应为非负数，最多一位小数（如 2 或 0.5）",
                            "`points` must be a non-negative number in tenths at most (e.g. 2 or 0.5)"
                        ),
                    );
                    None
                }
            },
        };
        let help = fields.required_string("help");
        let help_en = fields.string("help_en");
        let may_not_apply = fields.boolean("may_not_apply");
        let because = fields.string("may_not_apply_because");
        let not_applicable = not_applicable_policy(
            &mut fields,
            severity,
            may_not_apply.as_ref(),
            because,
            entry.span(),
        );
        let kind_name = fields.required_string("kind");
        let kind = kind_name.as_ref().and_then(|name| {
            if KIND_NAMES.contains(&name.get_ref().as_str()) {
                Kind::parse(name.get_ref(), &mut fields)
            } else {
                let hint = nearest(name.get_ref(), KIND_NAMES.iter().copied())
                    .map(|n| crate::tr!("是不是“{n}”？", "did you mean \"{n}\"? "))
                    .unwrap_or_default();
                let (shown, kinds) = (name.get_ref(), KIND_NAMES.join(", "));
                fields.report(
                    name.span(),
                    crate::tr!(
                        "未知的项目类型“{shown}”：{hint}类型有 {kinds}",
                        "unknown kind \"{shown}\": {hint}kinds are {kinds}"
                    ),
                );
                None
            }
        });
        // Kind-specific keys of an unknown kind would all show as unknown: say it once.
        if kind.is_none()
            && kind_name
                .as_ref()
                .is_some_and(|n| !KIND_NAMES.contains(&n.get_ref().as_str()))
        {
            for key in [
                "min",
                "max",
                "unit",
                "members",
                "deduct_per_missing",
                "pattern",
                "example",
                "expect",
                "op",
                "factor",
                "of",
            ] {
                fields.take(key);
            }
        }
        problems.extend(fields.finish(&context));
        if let (
            Some(id),
            Some(clause),
            Some(title),
            Some(kind),
            Some(severity),
            Some(points),
            Some(help),
        ) = (id, clause, title, kind, severity, points, help)
        {
            items.push(Item {
                id: id.into_inner(),
                clause: clause.into_inner(),
                title: title.into_inner(),
                title_en: title_en.map(|t| t.into_inner()),
                kind,
                severity,
                not_applicable,
                points,
                help: help.into_inner(),
                help_en: help_en.map(|h| h.into_inner()),
                line,
            });
        }
    }
    if array.is_empty() {
        problems.push(source.problem(
            value.span(),
            crate::tr!(
                "清单至少要有一个项目",
                "a checklist needs at least one item"
            ),
        ));
    }
    Some(items)
}

/// Checks that span items: rule references, points total, every clause covered.
fn cross_check(
    source: &Source<'_>,
    doc: &toml::Spanned<toml::de::DeTable<'_>>,
    items: &[Item],
    clauses: &[Clause],
    written: &Written,
    total: Option<Points>,
    problems: &mut Vec<Problem>,
) {
    let at_line = |line: usize, message: String| Problem {
        line,
        column: 1,
        message,
    };
    for item in items {
        let Some(of) = item.kind.depends_on() else {
            continue;
        };
        match items.iter().find(|other| other.id == of) {
            None if written.ids.iter().any(|id| id == of) => {}
            None => {
                let hint = crate::source::nearest(of, written.ids.iter().map(String::as_str))
                    .map(|n| crate::tr!("（是不是 `{n}`？）", " (did you mean `{n}`?)"))
                    .unwrap_or_default();
                let id = &item.id;
                problems.push(at_line(
                    item.line,
                    crate::tr!(
                        "项目 `{id}`：`of` 指向的项目 `{of}` 不存在{hint}",
                        "item `{id}`: `of` names unknown item `{of}`{hint}"
                    ),
                ));
            }
            Some(other) if other.id == item.id => {
                let id = &item.id;
                problems.push(at_line(
                    item.line,
                    crate::tr!(
                        "项目 `{id}`：规则不能拿本项目与自己比较，`of` 应指向另一个项目",
                        "item `{id}`: a rule cannot compare an item with itself"
                    ),
                ))
            }
            Some(other) if !matches!(other.kind, Kind::Number(_) | Kind::Count(_)) => {
                let (id, kind) = (&item.id, other.kind.name());
                problems.push(at_line(
                    item.line,
                    crate::tr!(
                        "项目 `{id}`：`of` 应指向 number 或 count 类型的项目，而 `{of}` 是 {kind} 类型",
                        "item `{id}`: `of` must name a number or count item, `{of}` is {kind}"
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    for clause in clauses {
        if !written.clauses.contains(&clause.number) {
            let span = doc
                .get_ref()
                .get("clauses")
                .and_then(|c| c.get_ref().as_table())
                .and_then(|t| t.get_key_value(clause.number.as_str()))
                .map_or(0..0, |(k, _)| k.span());
            let number = &clause.number;
            problems.push(source.problem(
                span,
                crate::tr!(
                    "条款 {number} 已列出，但没有项目检查它",
                    "clause {number} is listed but no item checks it"
                ),
            ));
        }
    }
    if let Some(total) = total {
        let sum: Points = items.iter().map(|item| item.points).sum();
        if sum != total {
            let span = doc.get_ref().get("items").map_or(0..0, |v| v.span());
            problems.push(source.problem(
                span,
                crate::tr!(
                    "各项目分值合计 {sum} 分，不等于 {total} 分（`total_points`）",
                    "the items' points add up to {sum}, not {total} (`total_points`)"
                ),
            ));
        }
    }
}

/// The not-applicable policy of an item (ruling 10): `may_not_apply` defaults to true for an
/// advisory item and false for a mandatory one; a mandatory item that may not apply says
/// why in `may_not_apply_because`, which is meaningless without it.
fn not_applicable_policy(
    fields: &mut Fields<'_, '_>,
    severity: Option<Severity>,
    may_not_apply: Option<&toml::Spanned<bool>>,
    because: Option<toml::Spanned<String>>,
    span: std::ops::Range<usize>,
) -> NotApplicable {
    let allowed = match may_not_apply {
        Some(v) => *v.get_ref(),
        None => severity == Some(Severity::Advisory),
    };
    let because = because.filter(|b| {
        if b.get_ref().trim().is_empty() {
            fields.report(
                b.span(),
                crate::tr!(
                    "`may_not_apply_because` 不能为空",
                    "`may_not_apply_because` must not be empty"
                ),
            );
            return false;
        }
        true
    });
    if !allowed {
        if let Some(b) = &because {
            fields.report(
                b.span(),
                crate::tr!(
                    "`may_not_apply_because` 只用于可以不适用的项目：请同时写 `may_not_apply = true`，或删去这一行",
                    "`may_not_apply_because` is for items that may not apply: add `may_not_apply = true`, or remove it"
                ),
            );
        }
        return NotApplicable::Refused;
    }
    if severity == Some(Severity::Mandatory) && because.is_none() {
        let at = may_not_apply.map_or(span, toml::Spanned::span);
        fields.report(
            at,
            crate::tr!(
                "强制项目允许不适用时须写明理由：请加 `may_not_apply_because = \"…\"`（规则 10：标准本身不给豁免）",
                "a mandatory item that may not apply needs the reason: add `may_not_apply_because = \"…\"` (ruling 10: the standard grants no exemption)"
            ),
        );
    }
    NotApplicable::Allowed {
        because: because.map(toml::Spanned::into_inner),
    }
}
