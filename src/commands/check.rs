//! `yanshou check`: judge every record and print the results.

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::Outcome;
use crate::audit::{self, Audit};
use crate::cli::CheckArgs;
use crate::inputs;
use crate::render;

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let inputs = inputs::gather(&args.paths)?;
    let mut sites = Vec::with_capacity(inputs.records.len());
    for record in &inputs.records {
        // gather() has already refused records whose kind has no checklist.
        if let Some(checklist) = inputs.checklist_for(&record.kind) {
            sites.push(audit::evaluate(checklist, record, args.lang));
        }
    }
    let audit = Audit {
        campaign: &inputs.campaign,
        checklists: &inputs.checklists,
        sites,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    render::renderer(args.format).render(&audit, args.lang, &mut out)?;
    out.flush()?;
    Ok(if audit.all_accepted() {
        Outcome::AllAccepted
    } else {
        Outcome::NotAllAccepted
    })
}
