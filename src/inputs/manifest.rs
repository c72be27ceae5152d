//! Making a run's [`Manifest`]: the paths of its inputs and evidence made relative to the
//! campaign folder, and the campaign folder relative to where the manifest is written.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Plan;
use super::evidence::{Finder, relative};
use crate::audit::{EvidenceFile, InputDigest};
use crate::render::{Manifest, ManifestChecklist, ManifestFile, SCHEMA_VERSION};

/// The manifest of a run of `plan` over `inputs` citing `evidence`, judged on `judged_on`,
/// to be written into the folder `at` (which need not exist yet). Evidence files that were not found are left
/// out (they were warned of); a file cited twice is listed once.
pub fn manifest(
    plan: &Plan,
    inputs: &[InputDigest],
    evidence: &[EvidenceFile],
    at: &Path,
    judged_on: jiff::civil::Date,
) -> Result<Manifest> {
    let root = plan
        .campaign_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let real_root = real(&root)?;
    let file = |path: &Path, sha256: &str, size: u64| -> Result<ManifestFile> {
        Ok(ManifestFile {
            path: relative(&real_root, &real(path)?),
            sha256: sha256.to_owned(),
            size,
        })
    };
    let mut listed = Vec::new();
    for input in inputs {
        listed.push(if input.path.starts_with("builtin:") {
            ManifestFile {
                path: input.path.clone(),
                sha256: input.sha256.clone(),
                size: input.size,
            }
        } else {
            file(Path::new(&input.path), &input.sha256, input.size)?
        });
    }
    let finder = Finder::of(plan);
    let mut cited: Vec<ManifestFile> = Vec::new();
    for e in evidence {
        if let Some((sha256, size)) = e.digest() {
            let entry = file(&finder.opened(e), sha256, size)?;
            if !cited.iter().any(|c| c.path == entry.path) {
                cited.push(entry);
            }
        }
    }
    Ok(Manifest {
        schema_version: SCHEMA_VERSION,
        yanshou_version: env!("CARGO_PKG_VERSION").to_owned(),
        base: relative(&real(at)?, &real_root),
        judged_on: judged_on.to_string(),
        checklists: plan
            .checklists
            .iter()
            .map(|c| ManifestChecklist {
                site_kind: c.site_kind.clone(),
                id: c.id.clone(),
                version: c.version.clone(),
            })
            .collect(),
        inputs: listed,
        evidence: cited,
    })
}

/// `path` absolute with links followed; for a path that does not exist yet, its nearest
/// existing folder's real path with the rest added.
pub fn real(path: &Path) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return real(Path::new("."));
    }
    if let Ok(real) = std::fs::canonicalize(path) {
        return Ok(real);
    }
    let absolute = std::path::absolute(path).with_context(|| path.display().to_string())?;
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) if parent != absolute => Ok(real(parent)?.join(name)),
        _ => Ok(absolute),
    }
}
