//! `yanshou check`: judge every record, date every rectification, print the results.

use std::io::{self, BufWriter, Write};

use anyhow::Result;

use super::Outcome;
use crate::audit::{self, Audit};
use crate::cli::CheckArgs;
use crate::inputs;
use crate::lang::Lang;
use crate::render;

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let inputs = inputs::gather(&args.paths)?;
    let loaded = inputs::load_calendar(Some(&inputs), &args.calendar)?;
    let mut sites = Vec::with_capacity(inputs.records.len());
    for record in &inputs.records {
        // gather() has already refused records whose kind has no checklist.
        if let Some(checklist) = inputs.checklist_for(&record.kind) {
            sites.push(audit::evaluate(checklist, record, args.lang));
        }
    }
    let campaign = &inputs.campaign;
    audit::date_rectifications(
        &mut sites,
        &loaded.calendar,
        campaign.rectification_working_days,
    )?;
    let phases = audit::phase_spans(campaign, &loaded.calendar)?;
    let late = audit::late_inspections(&sites, campaign);
    let audit = Audit {
        campaign,
        checklists: &inputs.checklists,
        sites,
        phases,
        late,
    };

    // Warnings go to stderr so that stdout stays one clean document.
    let mut stderr = io::stderr().lock();
    for late in &audit.late {
        let Some(phase) = audit.phases.iter().find(|p| p.key == "acceptance") else {
            break;
        };
        let _ = match args.lang {
            Lang::Zh => writeln!(
                stderr,
                "注意：{}：检查日期 {} 不在检查验收阶段（{} 至 {}）内",
                late.origin, late.inspected_on, phase.start, phase.end
            ),
            Lang::En => writeln!(
                stderr,
                "warning: {}: inspected on {}, outside the acceptance phase ({} to {})",
                late.origin, late.inspected_on, phase.start, phase.end
            ),
        };
    }

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
