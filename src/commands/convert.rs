//! `yanshou convert`: records from any readable format into TOML files, one CSV or one
//! workbook. Every value, note, photo path and reason survives the trip.

use std::collections::HashMap;
use std::fs;

use anyhow::{Context, Result, bail};

use super::Outcome;
use crate::checklist::Checklist;
use crate::cli::{ConvertArgs, ConvertFormat, Layout};
use crate::inputs::{self, Plan, ReadOptions};
use crate::lang::Lang;
use crate::output;
use crate::record::Record;
use crate::record::write;

/// Runs `convert`.
pub fn run(args: &ConvertArgs) -> Result<Outcome> {
    let plan = super::plan(&args.inputs)?;
    let options = ReadOptions {
        sheet: args.sheet.as_deref(),
        progress: true,
        fast: false,
        repeated_ids: false,
    };
    // Converting part of the records would lose the rest: all of them, or nothing.
    let settings = plan.clone_settings();
    let inputs = plan.read_all(&options)?.complete()?;
    match args.to {
        ConvertFormat::Toml => {
            // A folder of records: refuse to mix into an input folder or over existing files.
            output::check_folder_to_fill(&args.out, &args.inputs)?;
            fs::create_dir_all(&args.out).with_context(|| {
                let out = args.out.display();
                crate::tr!("{out}：无法创建文件夹", "{out}: cannot create folder")
            })?;
            // Every destination is checked before the first is written: all or nothing.
            let mut files = Vec::with_capacity(inputs.records.len());
            for record in &inputs.records {
                let path = args.out.join(format!("{}.toml", record.id));
                output::check_destination(&path, &args.inputs, args.force)?;
                files.push((path, write::to_toml(record, inputs.checklist_of(record)?)));
            }
            let written: Vec<(String, &[u8])> = files
                .iter()
                .map(|(path, text)| {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    (name.into_owned(), text.as_bytes())
                })
                .collect();
            reads_back(&settings, &inputs.records, &written, "TOML")?;
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
            // The rows are in `bytes` now: not held while the file is read back.
            drop(rows);
            reads_back(
                &settings,
                &inputs.records,
                &[("records.csv".into(), &bytes)],
                "CSV",
            )?;
            output::write_atomic(&args.out, &bytes)?;
        }
        ConvertFormat::Xlsx => {
            output::check_destination(&args.out, &args.inputs, args.force)?;
            let (header, rows) = table(&inputs, args.layout)?;
            let checklists: Vec<&Checklist> = inputs.checklists.iter().collect();
            let bytes =
                crate::template::xlsx::records_workbook(&checklists, &rows, &header, Lang::Zh)?;
            drop(rows);
            reads_back(
                &settings,
                &inputs.records,
                &[("records.xlsx".into(), &bytes)],
                "xlsx",
            )?;
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
        let checklist = inputs.checklist_of(record)?;
        match layout {
            Layout::Wide => rows.push(write::wide_row(&header, record, checklist)),
            Layout::Long => rows.extend(write::long_rows(record, checklist)),
        }
    }
    Ok((header, rows))
}

/// Reads what convert is about to write with the same readers as every command, and refuses
/// (writing nothing) unless every record reads back as it was read: a value the format
/// cannot hold is named rather than changed in silence. The files are read from a private
/// temporary folder, removed afterwards.
fn reads_back(
    settings: &Plan,
    records: &[Record],
    files: &[(String, &[u8])],
    format: &str,
) -> Result<()> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("yanshou-convert-{}-{n}", std::process::id()));
    // The written record of each id, so that each record read back is compared as it is
    // read (a search per record would be quadratic in a county's hundred thousand sites,
    // and holding every record read back would double the memory). Ids are unique on
    // both sides: the readers refuse a repeated one.
    let by_id: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, record)| (record.id.as_str(), i))
        .collect();
    // For each written record, `None` until it comes back, then how it differs, if it does.
    type Difference = Option<(String, String, String)>;
    let mut came_back: Vec<Option<Difference>> = vec![None; records.len()];
    let mut read = 0usize;
    let result = (|| -> Result<()> {
        fs::create_dir_all(&dir)?;
        let mut paths = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let path = dir.join(name);
            fs::write(&path, bytes)?;
            let format = crate::record::sheet::detect(&path)?;
            paths.push((path, format));
        }
        let plan = Plan {
            files: paths,
            ..settings.clone_settings()
        };
        let unread = plan.for_each_record(&ReadOptions::default(), |again| {
            read += 1;
            if let Some(&i) = by_id.get(again.id.as_str()) {
                came_back[i] = Some(difference(&records[i], &again));
            }
            Ok(())
        })?;
        inputs::all_read(&unread)
    })();
    let _ = fs::remove_dir_all(&dir);
    result.map_err(|e| {
        let e = super::one_line(&e);
        anyhow::anyhow!(crate::tr!(
            "写成 {format} 后读不回来，未写出任何文件（{e}）：这是 yanshou 的缺陷，请报告",
            "the {format} written does not read back, so nothing was written ({e}): this is a bug in yanshou, please report it"
        ))
    })?;
    for (record, again) in records.iter().zip(came_back) {
        let difference = match again {
            None => Some(("id".to_owned(), format!("{:?}", record.id), String::new())),
            Some(difference) => difference,
        };
        if let Some((what, was, now)) = difference {
            let (origin, id) = (&record.origin, &record.id);
            bail!(crate::tr!(
                "{origin}：站点“{id}”的 {what} 无法写成 {format} 而不改变：原为 {was}，读回为 {now}；未写出任何文件：请改用 TOML，或修改这个值",
                "{origin}: {what} of site \"{id}\" cannot be written as {format} unchanged: it is {was}, and would read back as {now}; nothing was written: convert to TOML, or change the value"
            ));
        }
    }
    if read != records.len() {
        let (wrote, read) = (records.len(), read);
        bail!(crate::tr!(
            "写成 {format} 的 {wrote} 个站点读回为 {read} 个：未写出任何文件",
            "the {wrote} sites written as {format} read back as {read}: nothing was written"
        ));
    }
    Ok(())
}

/// The first field or item in which two readings of a site differ: its name, and both
/// values as Rust shows them (quotes and escapes make spaces and line breaks visible).
fn difference(a: &Record, b: &Record) -> Option<(String, String, String)> {
    let show = |v: &dyn std::fmt::Debug| format!("{v:?}");
    let fields: [(&str, String, String); 7] = [
        ("id", show(&a.id), show(&b.id)),
        ("name", show(&a.name), show(&b.name)),
        ("kind", show(&a.kind), show(&b.kind)),
        ("township", show(&a.township), show(&b.township)),
        ("village", show(&a.village), show(&b.village)),
        ("inspected_on", show(&a.inspected_on), show(&b.inspected_on)),
        (
            "inspectors",
            show(&a.inspectors.names()),
            show(&b.inspectors.names()),
        ),
    ];
    if let Some((field, was, now)) = fields.into_iter().find(|(_, x, y)| x != y) {
        return Some((format!("`{field}`"), was, now));
    }
    let items = a.observations.keys().chain(b.observations.keys());
    for item in items {
        let (x, y) = (a.observations.get(item), b.observations.get(item));
        if x != y {
            let shown = |o: Option<&crate::record::Observation>| {
                o.map_or_else(
                    || crate::tr!("（未记录）", "(not recorded)"),
                    write::observation_toml,
                )
            };
            return Some((format!("`{item}`"), shown(x), shown(y)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The example campaign's settings, records, and each record as the TOML file convert
    /// would write.
    fn example() -> (Plan, Vec<Record>, Vec<(String, String)>) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/puyang-2020");
        let plan = crate::inputs::plan(&[dir]).unwrap();
        let settings = plan.clone_settings();
        let inputs = plan.read_all(&ReadOptions::default()).unwrap();
        let files = inputs
            .records
            .iter()
            .map(|r| {
                let text = write::to_toml(r, inputs.checklist_of(r).unwrap());
                (format!("{}.toml", r.id), text)
            })
            .collect();
        (settings, inputs.records, files)
    }

    fn reads_back_as(
        settings: &Plan,
        records: &[Record],
        files: &[(String, String)],
    ) -> Result<()> {
        let files: Vec<(String, &[u8])> = files
            .iter()
            .map(|(name, text)| (name.clone(), text.as_bytes()))
            .collect();
        reads_back(settings, records, &files, "TOML")
    }

    #[test]
    fn what_reads_back_otherwise_or_not_at_all_is_named() {
        let (settings, records, files) = example();
        assert!(records.len() > 3);
        reads_back_as(&settings, &records, &files).unwrap();

        // A name that comes back changed: the site and both values are named.
        let (id, name) = (&records[2].id, &records[2].name);
        let mut changed = files.clone();
        changed[2].1 = changed[2].1.replace(
            &format!("name = \"{name}\""),
            &format!("name = \"{name}改\""),
        );
        assert_ne!(changed[2].1, files[2].1);
        let err = reads_back_as(&settings, &records, &changed)
            .unwrap_err()
            .to_string();
        assert!(err.contains(id.as_str()), "{err}");
        assert!(err.contains(&format!("{name:?}")), "{err}");
        assert!(err.contains(&format!("{:?}", format!("{name}改"))), "{err}");

        // A site that does not come back at all is named by its id.
        let mut missing = files.clone();
        missing.remove(1);
        let err = reads_back_as(&settings, &records, &missing)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("{:?}", records[1].id)), "{err}");
    }
}
