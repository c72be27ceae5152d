//! Evidence files: the photos and scans a record cites for an item
//! (`evidence = ["photos/hall-01.png"]`), found and hashed so that a report can list them,
//! show the photos and prove afterwards that none was swapped.
//!
//! A path is relative to the campaign's `evidence_dir` when `campaign.toml` names one, and
//! to the record's own file otherwise (`\` is read as `/`, as Windows writes it). A file
//! that is missing or cannot be read is a warning: the site is judged on what the
//! inspector recorded, never failed for a photo. A path that leads outside the campaign
//! folder (`../x.png`, an absolute path elsewhere, a link out) is an error: an audit handed
//! over with its campaign folder must not rest on files that are not in it. (Records
//! checked without a campaign folder have none to keep to.)

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

use crate::audit::{EvidenceFile, EvidenceState};
use crate::record::Record;

use super::Plan;

/// Where a run's evidence paths lead: the folder they may not leave and the folder they
/// are relative to.
#[derive(Clone, Debug)]
pub struct Finder {
    /// The campaign folder, if the run has one.
    campaign: Option<PathBuf>,
    /// The campaign's `evidence_dir`, as written.
    evidence_dir: Option<String>,
}

impl Finder {
    /// The finder of `plan`'s campaign.
    pub fn of(plan: &Plan) -> Finder {
        Finder {
            campaign: plan.campaign_dir.clone(),
            evidence_dir: plan.campaign.evidence_dir.clone(),
        }
    }

    /// Every evidence file `record` cites, item by item in the record's order, each found
    /// and hashed (or said missing or unreadable); an error naming the record, the item and
    /// the path when a path leads outside the campaign folder (records checked without one
    /// have none to keep to).
    pub fn record(&self, record: &Record) -> Result<Vec<EvidenceFile>> {
        let mut files = Vec::new();
        // Most records of a large sheet cite nothing: nothing to allocate for them.
        if record.observations.values().all(|o| o.evidence.is_empty()) {
            return Ok(files);
        }
        let record_dir = match Path::new(&record.origin).parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        for (item, observation) in &record.observations {
            for cited in &observation.evidence {
                let base = match (&self.campaign, &self.evidence_dir) {
                    (Some(dir), Some(sub)) => dir.join(sub),
                    _ => record_dir.clone(),
                };
                let opened = lexical(&base.join(cited.replace('\\', "/")));
                let path = match &self.campaign {
                    Some(root) => match inside(root, &opened) {
                        Some(inside) => inside,
                        None => {
                            let (origin, root) = (&record.origin, root.display());
                            bail!(crate::tr!(
                                "{origin}：检查项 {item} 的佐证文件 {cited} 在活动文件夹 {root} 之外：验收只能引用活动文件夹里的文件，请把文件复制进活动文件夹（如 photos/）并改写路径",
                                "{origin}: item {item}: evidence file {cited} is outside the campaign folder {root}: an audit may only cite files inside it; copy the file into the campaign folder (e.g. photos/) and change the path"
                            ));
                        }
                    },
                    // Records checked without a campaign have no folder to keep to.
                    None => slashed(&opened),
                };
                let state = match hash_file(&opened) {
                    Ok((sha256, size)) => EvidenceState::Found { sha256, size },
                    Err(e) if e.kind() == io::ErrorKind::NotFound => EvidenceState::Missing,
                    Err(e) => EvidenceState::Unreadable(e.to_string()),
                };
                files.push(EvidenceFile {
                    site: record.id.clone(),
                    item: item.clone(),
                    record: record.origin.clone(),
                    cited: cited.clone(),
                    path,
                    state,
                });
            }
        }
        Ok(files)
    }

    /// Where an evidence file of the manifest or the report lies, as it can be opened.
    pub fn opened(&self, file: &EvidenceFile) -> PathBuf {
        match &self.campaign {
            Some(dir) => dir.join(&file.path),
            None => PathBuf::from(&file.path),
        }
    }
}

/// The lowercase hex SHA-256 and the size of a file, read a block at a time.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    let mut file = fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::other(crate::tr!("这是文件夹", "a folder")));
    }
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&block[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `path` with `.` dropped and each `..` taking off the folder before it, without asking
/// the file system; a `..` with nothing before it is kept.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // Above the root is the root.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root`, with `/`, if it lies inside `root` both as written and once
/// links are followed (where it exists); `None` if it leads out.
fn inside(root: &Path, path: &Path) -> Option<String> {
    let absolute = |p: &Path| std::path::absolute(p).ok().map(|p| lexical(&p));
    let (root_abs, path_abs) = (absolute(root)?, absolute(path)?);
    let rest = path_abs.strip_prefix(&root_abs).ok()?;
    if let (Ok(real_root), Ok(real)) = (fs::canonicalize(root), fs::canonicalize(path))
        && !real.starts_with(&real_root)
    {
        return None;
    }
    Some(slashed(rest))
}

/// A path with `/` between its parts, whatever the system (an absolute one starts with
/// `/`).
pub fn slashed(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::RootDir => String::new(),
            c => c.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/")
}

/// `to` relative to the folder `from` (both absolute, links followed): `..` for each of
/// `from`'s folders past what they share, then the rest of `to`; `.` when they are the same.
pub fn relative(from: &Path, to: &Path) -> String {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if shared == 0 {
        return to.iter().collect::<PathBuf>().display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - shared];
    parts.extend(
        to[shared..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_climb_only_what_they_name() {
        assert_eq!(lexical(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(lexical(Path::new("a/../../x")), PathBuf::from("../x"));
        assert_eq!(lexical(Path::new("/a/b/../../..")), PathBuf::from("/"));
    }

    #[test]
    fn slashed_paths() {
        assert_eq!(slashed(Path::new("/tmp/a/b.png")), "/tmp/a/b.png");
        assert_eq!(slashed(Path::new("a/b.png")), "a/b.png");
    }

    #[test]
    fn paths_inside_and_outside_the_campaign() {
        let root = Path::new("/nowhere/campaign");
        assert_eq!(
            inside(root, Path::new("/nowhere/campaign/photos/a.png")).as_deref(),
            Some("photos/a.png")
        );
        assert_eq!(
            inside(root, &lexical(Path::new("/nowhere/campaign/../x.png"))),
            None
        );
        assert_eq!(inside(root, Path::new("/etc/passwd")), None);
        assert_eq!(inside(root, Path::new("/nowhere/campaign-2/a.png")), None);
    }

    #[test]
    fn relative_paths_between_folders() {
        let p = Path::new;
        assert_eq!(relative(p("/a/b/out"), p("/a/c")), "../../c");
        assert_eq!(relative(p("/a/c"), p("/a/c")), ".");
        assert_eq!(relative(p("/a"), p("/a/c/d.toml")), "c/d.toml");
    }
}
