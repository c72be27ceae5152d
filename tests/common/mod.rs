//! What the integration tests share.

use std::ffi::OsStr;
use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty folder under the system's temporary folder, unique to this test run and
/// `name`; removed when the test passes, kept for a look when it fails.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A scratch folder named after the test file (`group`) and the test (`name`).
    pub fn new(group: &str, name: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("yanshou-{group}-{name}-{}-{n}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

/// So that a scratch folder is an argument of a command as it is.
impl AsRef<OsStr> for Scratch {
    fn as_ref(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Every file under `dir`, at any depth, sorted.
#[allow(dead_code)] // not every test file walks folders
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The bundled Puyang 2020 checklists, as the library loads them.
#[allow(dead_code)] // not every test file uses every helper
pub fn puyang_checklists() -> Vec<yanshou::checklist::Checklist> {
    ["township", "village"]
        .iter()
        .map(|kind| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("checklists/puyang-2020")
                .join(format!("{kind}.toml"));
            yanshou::checklist::Checklist::from_toml(&fs::read_to_string(path).unwrap()).unwrap()
        })
        .collect()
}

/// Copies the folder `from` into `to`, at any depth.
#[allow(dead_code)] // not every test file copies folders
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of the example campaign in a scratch folder, to build a dated scenario on.
#[allow(dead_code)] // not every test file builds scenarios
pub fn example_campaign(group: &str, name: &str) -> Scratch {
    let dir = Scratch::new(group, name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/puyang-2020"),
        &dir,
    );
    dir
}

/// The output of `command` (a run of yanshou), which must exit with `code`: otherwise the
/// test fails with the run's stderr as its message.
#[allow(dead_code)] // not every test file checks exit codes this way
pub fn output_with_code(command: &mut assert_cmd::Command, code: i32) -> std::process::Output {
    let out = command.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// stdout, stderr and exit code of yanshou run with `args` (in `dir`, if given) with
/// `threads` workers and chunks of `chunk` bytes.
#[allow(dead_code)] // not every test file cuts files into chunks
pub fn run_chunked(
    dir: Option<&Path>,
    args: &[&str],
    threads: usize,
    chunk: usize,
) -> (Vec<u8>, String, Option<i32>) {
    let mut command = assert_cmd::Command::cargo_bin("yanshou").unwrap();
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let out = command
        .args(args)
        .env("YANSHOU_THREADS", threads.to_string())
        .env("YANSHOU_CHUNK_BYTES", chunk.to_string())
        .output()
        .unwrap();
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}
