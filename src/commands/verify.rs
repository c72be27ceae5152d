//! `yanshou verify REPORT_DIR`: reads the report's `manifest.json` again, hashes every
//! input and evidence file it lists, and says which changed or went missing since the
//! report was made: how a supervisor handed a report and its campaign folder knows that no
//! record or photo was swapped afterwards.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::Outcome;
use crate::checklist::builtin;
use crate::cli::VerifyArgs;
use crate::inputs::{self, evidence};
use crate::render::{Manifest, ManifestFile, SCHEMA_VERSION};

/// What became of one file the manifest lists.
enum Found {
    Unchanged,
    Changed { sha256: String, size: u64 },
    Missing,
    Unreadable(String),
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let file = if args.report.is_dir() {
        args.report.join(super::report::MANIFEST)
    } else {
        args.report.clone()
    };
    let shown = file.display();
    if !file.is_file() {
        bail!(crate::tr!(
            "{shown}：没有清单文件：请给出 yanshou report 写的报告文件夹（其中有 manifest.json），或 check --manifest 写的文件",
            "{shown}: no manifest: give a report folder yanshou report wrote (it holds manifest.json), or a file check --manifest wrote"
        ));
    }
    let text = inputs::read_text(&file)?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        anyhow!(crate::tr!(
            "{shown}:{line}:{column}：清单文件无法读取（{e}）：它已被改动或损坏，无法据此核对",
            "{shown}:{line}:{column}: not a manifest yanshou can read ({e}): it was edited or damaged, nothing can be verified against it"
        ))
    })?;
    if manifest.schema_version != SCHEMA_VERSION {
        let found = manifest.schema_version;
        bail!(crate::tr!(
            "{shown}：清单格式版本为 {found}，本程序读取版本 {SCHEMA_VERSION}：请用写出它的 yanshou 版本核对",
            "{shown}: manifest schema_version {found}, this yanshou reads {SCHEMA_VERSION}: verify with the yanshou that wrote it"
        ));
    }
    let folder = file.parent().unwrap_or(Path::new(""));
    let base = base_folder(args.campaign.as_deref(), folder, &manifest)?;
    let mut out = crate::output::stdout();
    let based = base.display();
    writeln!(
        out,
        "{}",
        crate::tr!("核对文件夹：{based}", "verifying against: {based}")
    )?;
    let (mut unchanged, mut changed, mut missing) = (0, 0, 0);
    for listed in manifest.inputs.iter().chain(&manifest.evidence) {
        let path = &listed.path;
        match found(&base, listed) {
            Found::Unchanged => unchanged += 1,
            Found::Changed { sha256, size } => {
                changed += 1;
                let (was, was_size) = (&listed.sha256, listed.size);
                writeln!(
                    out,
                    "{}",
                    crate::tr!(
                        "已改动：{path}（SHA-256 原为 {was}，现为 {sha256}；大小 {was_size} → {size} 字节）",
                        "changed: {path} (SHA-256 was {was}, now {sha256}; size {was_size} -> {size} bytes)"
                    )
                )?;
            }
            Found::Missing => {
                missing += 1;
                writeln!(
                    out,
                    "{}",
                    crate::tr!(
                        "缺失：{path}（已移走、改名或删除）",
                        "missing: {path} (moved, renamed or deleted)"
                    )
                )?;
            }
            Found::Unreadable(why) => {
                missing += 1;
                writeln!(
                    out,
                    "{}",
                    crate::tr!("无法读取：{path}（{why}）", "cannot read: {path} ({why})")
                )?;
            }
        }
    }
    // The report's own copies of the photos carry their digest in their names.
    if args.report.is_dir() {
        for (copy, problem) in photo_copies(&args.report)? {
            changed += 1;
            writeln!(
                out,
                "{}",
                match problem {
                    None => crate::tr!(
                        "已改动：报告中的照片副本 {copy} 与其名称中的 SHA-256 不符",
                        "changed: the report's copy of a photo {copy} does not match the SHA-256 its name begins"
                    ),
                    Some(why) => crate::tr!(
                        "无法读取：报告中的照片副本 {copy}（{why}）",
                        "cannot read: the report's copy of a photo {copy} ({why})"
                    ),
                }
            )?;
        }
    }
    let total = unchanged + changed + missing;
    writeln!(
        out,
        "{}",
        if changed + missing == 0 {
            crate::tr!(
                "共核对 {total} 个文件，全部未改动。",
                "{total} files verified, all unchanged."
            )
        } else {
            crate::tr!(
                "共核对 {total} 个文件：改动 {changed}，缺失或无法读取 {missing}，未改动 {unchanged}。",
                "{total} files verified: {changed} changed, {missing} missing or unreadable, {unchanged} unchanged."
            )
        }
    )?;
    Ok(if changed + missing == 0 {
        Outcome::AllAccepted
    } else {
        Outcome::NotAllAccepted
    })
}

/// The folder the manifest's paths are relative to: `--campaign`; else its `base` from the
/// manifest's folder; else, for a report handed over beside its campaign folder (or with
/// it inside), a folder of the same name beside or inside the report folder.
fn base_folder(given: Option<&Path>, folder: &Path, manifest: &Manifest) -> Result<PathBuf> {
    if let Some(dir) = given {
        if !dir.is_dir() {
            let dir = dir.display();
            bail!(crate::tr!("{dir}：文件夹不存在", "{dir}: no such folder"));
        }
        return Ok(dir.to_path_buf());
    }
    let recorded = folder.join(&manifest.base);
    let mut candidates = vec![recorded.clone()];
    if let Some(name) = Path::new(&manifest.base).file_name() {
        let beside = folder.parent().map(|p| p.join(name));
        candidates.extend(beside);
        candidates.push(folder.join(name));
    }
    let first_file = manifest
        .inputs
        .iter()
        .find(|f| !f.path.starts_with("builtin:"));
    for candidate in candidates {
        let holds = first_file.is_none_or(|f| candidate.join(&f.path).is_file());
        if candidate.is_dir() && holds {
            return Ok(candidate);
        }
    }
    let (base, recorded) = (&manifest.base, recorded.display());
    bail!(crate::tr!(
        "找不到清单所记的文件夹 {base}（即 {recorded}）：请用 --campaign 指出检查活动文件夹",
        "cannot find the folder the manifest names, {base} ({recorded}): give the campaign folder with --campaign"
    ))
}

/// What is at a listed file's place now.
fn found(base: &Path, listed: &ManifestFile) -> Found {
    let now = match listed.path.strip_prefix("builtin:") {
        Some(name) => match builtin::text(name) {
            Some(text) => {
                use sha2::{Digest, Sha256};
                Ok((
                    evidence::hex(&Sha256::digest(text.as_bytes())),
                    text.len() as u64,
                ))
            }
            None => return Found::Missing,
        },
        None => evidence::hash_file(&base.join(&listed.path)),
    };
    match now {
        Ok((sha256, size)) if sha256 == listed.sha256 && size == listed.size => Found::Unchanged,
        Ok((sha256, size)) => Found::Changed { sha256, size },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Found::Missing,
        Err(e) => Found::Unreadable(e.to_string()),
    }
}

/// The photo copies of a report folder (`html/photos/<sha256 prefix>.<ext>`) whose bytes do
/// not begin the digest their names give, each with why it could not be read, if so.
fn photo_copies(report: &Path) -> Result<Vec<(String, Option<String>)>> {
    let folder = report.join("html").join("photos");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut wrong = Vec::new();
    for path in paths {
        let shown = format!(
            "html/photos/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match evidence::hash_file(&path) {
            Ok((sha256, _)) if !stem.is_empty() && sha256.starts_with(&stem) => {}
            Ok(_) => wrong.push((shown, None)),
            Err(e) => wrong.push((shown, Some(e.to_string()))),
        }
    }
    Ok(wrong)
}
