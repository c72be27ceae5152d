//! `yanshou checklist lint|show`: check a checklist file, or print it for the field.

use std::io::Write;

use anyhow::Result;

use super::Outcome;
use crate::cli::ChecklistCommand;
use crate::inputs;
use crate::lang::Lang;
use crate::render;

/// Runs a `checklist` subcommand.
pub fn run(cmd: &ChecklistCommand) -> Result<Outcome> {
    let mut out = crate::output::stdout();
    match cmd {
        ChecklistCommand::Lint { file, lang } => {
            // Loading validates everything; problems come back as one located line each.
            let checklist = inputs::load_checklist(file)?;
            // Then what loading lets pass but some site might not: patterns with the
            // longest plausible names put in.
            let problems = checklist.lint();
            if !problems.is_empty() {
                anyhow::bail!(crate::source::Problems(problems).with_path(file));
            }
            let mandatory = checklist
                .items
                .iter()
                .filter(|i| i.severity == crate::checklist::Severity::Mandatory)
                .count();
            let may_not_apply: Vec<&str> = checklist
                .items
                .iter()
                .filter(|i| i.not_applicable.allowed())
                .map(|i| i.id.as_str())
                .collect();
            let (id, version, items, clauses, points) = (
                &checklist.id,
                &checklist.version,
                checklist.items.len(),
                checklist.clauses.len(),
                checklist.total_points,
            );
            let listed = if may_not_apply.is_empty() {
                lang.pick("无", "none").to_owned()
            } else {
                may_not_apply.join(", ")
            };
            match lang {
                Lang::Zh => writeln!(
                    out,
                    "{file}：无误 — {id} {version}，{items} 个项目（强制 {mandatory} 个），{clauses} 个条款，{points} 分\n可记为不适用的项目：{listed}"
                )?,
                Lang::En => writeln!(
                    out,
                    "{file}: ok — {id} {version}, {items} items ({mandatory} mandatory), {clauses} clauses, {points} points\nmay be recorded not applicable: {listed}"
                )?,
            }
        }
        ChecklistCommand::Schema { .. } => {
            let schema = crate::checklist::schema::json_schema();
            writeln!(out, "{}", serde_json::to_string_pretty(&schema)?)?;
        }
        ChecklistCommand::Show { file, lang } => {
            let checklist = inputs::load_checklist(file)?;
            write!(out, "{}", render::checklist_table(&checklist, *lang))?;
        }
    }
    Ok(Outcome::AllAccepted)
}
