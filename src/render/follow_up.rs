//! The follow-up of `yanshou recheck` as a table, JSON or CSV. The JSON and the CSV are
//! documented in `docs/output/recheck.md` (kept true by `tests/output_docs.rs`).

use crate::render::labels::Column;
use std::io::{self, Write};

use comfy_table::Cell;
use jiff::civil::Date;
use serde::Serialize;

use super::Label;
use crate::audit::UnreadRecord;
use crate::audit::recheck::{FollowUp, SiteFollowUp};
use crate::cli::Format;
use crate::lang::Lang;

/// Writes the followed-up sites in `format`, as they stand on `as_of`.
pub fn write(
    followed: &[SiteFollowUp<'_, '_>],
    unread: &[UnreadRecord],
    as_of: Date,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => {
            table(followed, as_of, lang, out)?;
            for u in unread {
                writeln!(
                    out,
                    "{}{}",
                    lang.pick("未能读取（未计入）：", "not read (not counted): "),
                    u.message
                )?;
            }
            Ok(())
        }
        Format::Json => json(followed, unread, as_of, lang, out),
        Format::Csv => csv(followed, unread, lang, out),
    }
}

/// An outcome's value as shown in before/after columns.
fn shown(o: Option<&crate::audit::Outcome<'_>>, lang: Lang) -> Option<String> {
    let o = o?;
    let text = super::Wording::observed(o, lang);
    (!text.is_empty()).then_some(text)
}

fn table(
    followed: &[SiteFollowUp<'_, '_>],
    as_of: Date,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{}{as_of}",
        lang.pick("复查情况，截至 ", "follow-up as of ")
    )?;
    let mut grid = crate::render::grid(vec![
        Column::Id.code(lang),
        Column::Name.code(lang),
        Column::Due.code(lang),
        lang.pick("复查日期", "rechecked"),
        Column::Clause.code(lang),
        lang.pick("项目", "item"),
        Column::Status.code(lang),
        lang.pick("检查时", "before"),
        lang.pick("复查时", "after"),
        lang.pick("复查结论", "verdict now"),
    ]);
    let due_text = |due: Option<crate::audit::Deadline>| {
        due.map(|d| match d.provisional() {
            None => d.value().to_string(),
            Some(_) => format!("{}{}", d.value(), lang.pick("（暂定）", " (provisional)")),
        })
        .unwrap_or_default()
    };
    let days = |days: &[Date]| {
        if days.is_empty() {
            "—".to_owned()
        } else {
            let days: Vec<String> = days.iter().map(Date::to_string).collect();
            days.join("\n")
        }
    };
    for f in followed {
        let r = f.before.record;
        if f.items.is_empty() {
            let (due, rechecked) = (due_text(f.before.due), days(&f.history));
            grid.add_row(vec![
                Cell::new(&r.id),
                Cell::new(&r.name),
                Cell::new(&due),
                Cell::new(&rechecked),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(f.verdict().label(lang)),
            ]);
        }
        for item in &f.items {
            let mut after = shown(item.after.as_ref(), lang).unwrap_or_default();
            if let Some(w) =
                super::labels::waiver_note(item.after.as_ref().unwrap_or(&item.before), lang)
            {
                after = format!("{after}\n{w}").trim().to_owned();
            }
            let due = due_text(item.due);
            let rechecked = days(item.rechecked_on.as_slice());
            grid.add_row(vec![
                Cell::new(&r.id),
                Cell::new(&r.name),
                Cell::new(&due),
                Cell::new(&rechecked),
                Cell::new(&item.item.clause),
                Cell::new(format!("{}\n{}", item.item.label(lang), item.item.id)),
                Cell::new(item.status.label(lang)),
                Cell::new(shown(Some(&item.before), lang).unwrap_or_default()),
                Cell::new(after),
                Cell::new(f.verdict().label(lang)),
            ]);
        }
    }
    writeln!(out, "{grid}")?;
    let provisional = followed
        .iter()
        .flat_map(|f| f.items.iter().map(|i| i.due).chain([f.before.due]))
        .filter_map(|due| due.and_then(|d| d.provisional()))
        .reduce(crate::calendar::YearSpan::join);
    if let Some(span) = provisional {
        writeln!(
            out,
            "{}{}{}",
            lang.pick(
                "注：标“暂定”的整改期限按法定节假日计、不计调休，",
                "Note: deadlines marked provisional count the statutory holidays without make-up days, "
            ),
            super::pending_notice(span, lang),
            lang.pick("。", ".")
        )?;
    }
    let count = |s: FollowUp| {
        followed
            .iter()
            .flat_map(|f| &f.items)
            .filter(|i| i.status == s)
            .count()
    };
    let statuses = [
        FollowUp::Fixed,
        FollowUp::StillFailing,
        FollowUp::Overdue,
        FollowUp::Pending,
        FollowUp::New,
        FollowUp::Waived,
        FollowUp::ToRecord,
        FollowUp::Recorded,
    ];
    let parts: Vec<String> = statuses
        .iter()
        .map(|s| format!("{} {}", s.label(lang), count(*s)))
        .collect();
    writeln!(out, "{}", parts.join(lang.pick("，", ", ")))
}

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    as_of: String,
    sites: Vec<SiteJson<'a>>,
    errors: Vec<super::json::ErrorJson<'a>>,
}

#[derive(Serialize)]
struct SiteJson<'a> {
    id: &'a str,
    name: &'a str,
    /// As in `check` and `rank`: a site is its id, name and kind in every document.
    kind: &'a str,
    inspected_on: String,
    due: Option<String>,
    due_provisional: bool,
    rechecked_on: Option<String>,
    /// Every re-inspection's day, oldest first; `rechecked_on` is the last.
    rechecks: Vec<String>,
    verdict_before: &'static str,
    verdict: &'static str,
    items: Vec<ItemJson<'a>>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    item: &'a str,
    clause: &'a str,
    title: &'a str,
    status: &'static str,
    before: Option<String>,
    after: Option<String>,
    /// The same object as `check`'s findings carry; the waiver in words is the table's.
    waiver: Option<super::json::WaiverJson<'a>>,
    /// The item's own deadline: the site's, or counted from a re-inspection or a lapse.
    due: Option<String>,
    due_provisional: bool,
    /// The last re-inspection that recorded the item.
    rechecked_on: Option<String>,
    /// The re-inspection that found it failing, for an item that passed at inspection.
    found_on: Option<String>,
}

fn json(
    followed: &[SiteFollowUp<'_, '_>],
    unread: &[UnreadRecord],
    as_of: Date,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = Doc {
        schema_version: super::SCHEMA_VERSION,
        as_of: as_of.to_string(),
        sites: followed
            .iter()
            .map(|f| SiteJson {
                id: &f.before.record.id,
                name: &f.before.record.name,
                kind: &f.before.record.kind,
                inspected_on: f.before.record.inspected_on.to_string(),
                due: f.before.due.map(|d| d.value().to_string()),
                due_provisional: f.before.due.is_some_and(|d| d.is_provisional()),
                rechecked_on: f.rechecked_on().map(|d| d.to_string()),
                rechecks: f.history.iter().map(Date::to_string).collect(),
                verdict_before: f.before.verdict.code(),
                verdict: f.verdict().code(),
                items: f
                    .items
                    .iter()
                    .map(|i| ItemJson {
                        item: &i.item.id,
                        clause: &i.item.clause,
                        title: i.item.label(lang),
                        status: i.status.code(),
                        before: shown(Some(&i.before), lang),
                        after: shown(i.after.as_ref(), lang),
                        waiver: i
                            .after
                            .as_ref()
                            .unwrap_or(&i.before)
                            .waiver
                            .map(super::json::WaiverJson::of),
                        due: i.due.map(|d| d.value().to_string()),
                        due_provisional: i.due.is_some_and(|d| d.is_provisional()),
                        rechecked_on: i.rechecked_on.map(|d| d.to_string()),
                        found_on: i.found_on.map(|d| d.to_string()),
                    })
                    .collect(),
            })
            .collect(),
        errors: unread.iter().map(super::json::ErrorJson::of).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn csv(
    followed: &[SiteFollowUp<'_, '_>],
    unread: &[UnreadRecord],
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record([
        "site_id",
        "site_name",
        "due",
        "due_provisional",
        "rechecked_on",
        "verdict",
        "item",
        "clause",
        "status",
        "before",
        "after",
        "waiver",
        "found_on",
    ])?;
    let due_fields = |due: Option<crate::audit::Deadline>| {
        let text = due.map(|d| d.value().to_string()).unwrap_or_default();
        let provisional = match due {
            None => "",
            Some(d) if d.is_provisional() => "true",
            Some(_) => "false",
        };
        (text, provisional)
    };
    for f in followed {
        let r = f.before.record;
        // A site re-inspected with nothing left to follow (待补查 → 合格): its row still.
        if f.items.is_empty() {
            let (due, due_provisional) = due_fields(f.before.due);
            let rechecked = f.rechecked_on().map(|d| d.to_string()).unwrap_or_default();
            let mut row = vec![String::new(); 13];
            row[0] = crate::render::defuse(&r.id).into_owned();
            row[1] = crate::render::defuse(&r.name).into_owned();
            row[2] = due;
            row[3] = due_provisional.to_owned();
            row[4] = rechecked;
            row[5] = f.verdict().code().to_owned();
            writer.write_record(&row)?;
        }
        for i in &f.items {
            let (due, due_provisional) = due_fields(i.due);
            let rechecked = i.rechecked_on.map(|d| d.to_string()).unwrap_or_default();
            let found = i.found_on.map(|d| d.to_string()).unwrap_or_default();
            let before = shown(Some(&i.before), lang).unwrap_or_default();
            let after = shown(i.after.as_ref(), lang).unwrap_or_default();
            let waiver = super::labels::waiver_note(i.after.as_ref().unwrap_or(&i.before), lang)
                .unwrap_or_default();
            let fields = [
                r.id.as_str(),
                r.name.as_str(),
                due.as_str(),
                due_provisional,
                rechecked.as_str(),
                f.verdict().code(),
                i.item.id.as_str(),
                i.item.clause.as_str(),
                i.status.code(),
                before.as_str(),
                after.as_str(),
                waiver.as_str(),
                found.as_str(),
            ];
            writer.write_record(fields.map(|f| crate::render::defuse(f).into_owned()))?;
        }
    }
    // A record that could not be read: a row of its own at the end, `verdict` and `status`
    // `error`, the message in `before`.
    for u in unread {
        let mut row = vec![String::new(); 13];
        row[5] = "error".to_owned();
        row[8] = "error".to_owned();
        row[9] = crate::render::defuse(&u.message).into_owned();
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
