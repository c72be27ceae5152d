//! `yanshou convert`: records from any readable format into TOML files, one CSV or one
//! workbook. Every value, note, photo path and reason survives the trip.

use std::fs;

use anyhow::{Context, Result, bail};

use super::Outcome;
use crate::checklist::Checklist;
use crate::cli::{ConvertArgs, ConvertFormat, Layout};
use crate::inputs::{self, ReadOptions};
use crate::lang::Lang;
use crate::output;
use crate::record::write;

/// Runs `convert`.
pub fn run(args: &ConvertArgs) -> Result<Outcome> {
    let plan = super::plan(&args.inputs)?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: false,
    };
    // Converting part of the records would lose the rest: all of them, or nothing.
    let inputs = plan.read_all(&options)?.complete()?;
    let checklist_of = |kind: &str| -> Result<&Checklist> {
        inputs
            .checklist_for(kind)
            .with_context(|| format!("no checklist for site kind \"{kind}\""))
    };
    match args.to {
        ConvertFormat::Toml => {
            // A folder of records: refuse to mix into an input folder or over existing files.
            output::check_destination(&args.out, &args.inputs, true)?;
            if args.out.is_file() {
                let out = args.out.display();
                bail!(crate::tr!(
                    "{out}：是文件：--to toml 把每个站点写成文件夹里的一份记录",
                    "{out}: is a file: --to toml writes one record per site into a folder"
                ));
            }
            fs::create_dir_all(&args.out).with_context(|| {
                let out = args.out.display();
                crate::tr!("{out}：无法创建文件夹", "{out}: cannot create folder")
            })?;
            // Every destination is checked before the first is written: all or nothing.
            let mut files = Vec::with_capacity(inputs.records.len());
            for record in &inputs.records {
                let path = args.out.join(format!("{}.toml", record.id));
                output::check_destination(&path, &args.inputs, args.force)?;
                files.push((path, write::to_toml(record, checklist_of(&record.kind)?)));
            }
            for (path, text) in files {
                output::write_atomic(&path, text.as_bytes())?;
            }
        }
        ConvertFormat::Csv => {
            output::check_destination(&args.out, &args.inputs, args.force)?;
            let (header, rows) = table(&inputs, args.layout)?;
            // A byte-order mark so that Excel on Chinese Windows reads the file as UTF-8.
            let mut bytes = "\u{feff}".as_bytes().to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut bytes);
                writer.write_record(&header)?;
                // Spreadsheet-safe: formulas in user text are written as text, and the
                // readers take the guard off again.
                for row in &rows {
                    writer
                        .write_record(row.iter().map(|f| crate::render::defuse(f).into_owned()))?;
                }
                writer.flush()?;
            }
            output::write_atomic(&args.out, &bytes)?;
        }
        ConvertFormat::Xlsx => {
            output::check_destination(&args.out, &args.inputs, args.force)?;
            let (header, rows) = table(&inputs, args.layout)?;
            let checklists: Vec<&Checklist> = inputs.checklists.iter().collect();
            let bytes =
                crate::template::xlsx::records_workbook(&checklists, &rows, &header, Lang::Zh)?;
            output::write_atomic(&args.out, &bytes)?;
        }
    }
    Ok(Outcome::AllAccepted)
}

/// The records as a header and rows of the chosen layout.
fn table(inputs: &inputs::Inputs, layout: Layout) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut rows = Vec::with_capacity(inputs.records.len());
    let header = match layout {
        Layout::Wide => {
            let checklists: Vec<&Checklist> = inputs.checklists.iter().collect();
            write::wide_header(&checklists, &inputs.records)
        }
        Layout::Long => write::long_header(),
    };
    for record in &inputs.records {
        let checklist = inputs
            .checklist_for(&record.kind)
            .with_context(|| format!("no checklist for site kind \"{}\"", record.kind))?;
        match layout {
            Layout::Wide => rows.push(write::wide_row(&header, record, checklist)),
            Layout::Long => rows.extend(write::long_rows(record, checklist)),
        }
    }
    Ok((header, rows))
}
