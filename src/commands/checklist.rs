//! `yanshou checklist lint|show`: check a checklist file, or print it for the field.

use std::io::{self, Write};

use anyhow::Result;

use super::Outcome;
use crate::cli::ChecklistCommand;
use crate::inputs;
use crate::render;

/// Runs a `checklist` subcommand.
pub fn run(cmd: &ChecklistCommand) -> Result<Outcome> {
    let mut out = io::stdout().lock();
    match cmd {
        ChecklistCommand::Lint { file, .. } => {
            // Loading validates everything; problems come back as one located line each.
            let checklist = inputs::load_checklist(file)?;
            let mandatory = checklist
                .items
                .iter()
                .filter(|i| i.severity == crate::checklist::Severity::Mandatory)
                .count();
            writeln!(
                out,
                "{file}: ok — {} {}, {} items ({mandatory} mandatory), {} clauses, {} points",
                checklist.id,
                checklist.version,
                checklist.items.len(),
                checklist.clauses.len(),
                checklist.total_points
            )?;
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
