//! Writing output files safely: never over an input, never over an existing file without
//! `--force`, and never half-written — each file is written beside its destination and
//! renamed into place, so an interrupted run leaves the old file or the new one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Refuses `out` when it is one of `inputs` (or inside an input folder), or exists and
/// `force` is not given.
pub fn check_destination(out: &Path, inputs: &[PathBuf], force: bool) -> Result<()> {
    let target = absolute(out);
    for input in inputs {
        let input = absolute(input);
        if target == input || (input.is_dir() && target.starts_with(&input) && target.is_file()) {
            let out = out.display();
            bail!(crate::tr!(
                "{out}：这是本次运行的输入：请把输出写到别处",
                "{out}: this is an input of the run: write the output somewhere else"
            ));
        }
    }
    if out.exists() && !force {
        let out = out.display();
        bail!(crate::tr!(
            "{out}：已存在：请换一个名字，或加 --force 覆盖",
            "{out}: already exists: choose another name, or add --force to replace it"
        ));
    }
    Ok(())
}

/// The path made absolute and, where it exists, resolved, so that two spellings of one
/// file compare equal.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let base = std::env::current_dir().unwrap_or_default();
    let joined = base.join(path);
    // An output that does not exist yet: resolve its folder, keep its name.
    match (
        joined.parent().and_then(|p| fs::canonicalize(p).ok()),
        joined.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => joined,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = fs::File::create(&temp).with_context(|| {
            let temp = temp.display();
            crate::tr!("{temp}：无法创建", "{temp}: cannot create")
        })?;
        // No fsync: the rename already means an interrupted run leaves the old file or the
        // new one, and a report of a thousand pages would spend its time waiting on disks.
        file.write_all(bytes).with_context(|| {
            let temp = temp.display();
            crate::tr!("{temp}：无法写入", "{temp}: cannot write")
        })?;
        fs::rename(&temp, path).with_context(|| {
            let path = path.display();
            crate::tr!("{path}：无法写入", "{path}: cannot write")
        })
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("yanshou-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_inputs_and_existing_files() {
        let dir = scratch("refuse");
        let input = dir.join("in.csv");
        fs::write(&input, "x").unwrap();
        assert!(check_destination(&input, std::slice::from_ref(&input), true).is_err());
        let other = dir.join("out.csv");
        assert!(check_destination(&other, std::slice::from_ref(&input), false).is_ok());
        fs::write(&other, "old").unwrap();
        let err = check_destination(&other, std::slice::from_ref(&input), false).unwrap_err();
        assert!(err.to_string().contains("--force"));
        assert!(check_destination(&other, &[input], true).is_ok());
        // Kept for a look only when an assertion above fails.
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_through_a_rename() {
        let dir = scratch("write");
        let out = dir.join("report.csv");
        write_atomic(&out, b"new").unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"new");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
