//! `yanshou generate`: synthetic inspection data in the wide CSV layout, written as it is
//! made, so any number of sites takes constant memory.

use std::io::Write;

use anyhow::{Result, bail};

use super::Outcome;
use crate::checklist::Checklist;
use crate::cli::GenerateArgs;
use crate::inputs;
use crate::output;
use crate::record::write::wide_header;
use crate::synth::{Rng, site_row};

/// Runs `generate`.
pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    let township = inputs::load_checklist("builtin:puyang-2020/township")?;
    let village = inputs::load_checklist("builtin:puyang-2020/village")?;
    let checklists: Vec<&Checklist> = match args.kind.as_str() {
        "township" => vec![&township],
        "village" => vec![&village],
        "mixed" => vec![&township, &village],
        other => bail!(crate::tr!(
            "未知的 --kind “{other}”：请用 township、village 或 mixed",
            "unknown --kind \"{other}\": use township, village or mixed"
        )),
    };
    output::check_destination(&args.out, &[], args.force)?;
    let header = wide_header(&checklists, &[]);
    // Written beside the destination and renamed at the end, like every other output;
    // removed if the run fails or is interrupted.
    let mut out = output::PartialFile::create(&args.out)?;
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(&mut out);
    writer.write_record(&header)?;
    let mut rng = Rng::new(args.seed);
    for index in 0..args.sites {
        let checklist = if checklists.len() > 1 && index % 26 != 0 {
            checklists[1]
        } else {
            checklists[0]
        };
        writer.write_record(site_row(&mut rng, index, checklist, &header))?;
    }
    writer.flush()?;
    drop(writer);
    // Synced: a file of 600,000 sites is a long run to repeat after a crash.
    out.sync_all()?;
    out.commit()?;
    Ok(Outcome::AllAccepted)
}
