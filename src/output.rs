//! Writing outputs safely: never over an input, never over an existing file without
//! `--force`, never over anything but a regular file (or a report folder yanshou wrote), and
//! never half-written — each file is written beside its destination and renamed into place,
//! a report folder is built beside its destination and moved into place whole, and what is
//! half-built when the run fails or is interrupted (Ctrl-C, SIGTERM) is removed.
//!
//! Standard output goes through [`stdout`], which notes a closed pipe, so that the binary
//! can end such a run quietly with 141 however the error was wrapped on its way up.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use anyhow::{Context, Result, bail};

/// The UTF-8 byte-order mark every CSV yanshou writes starts with (unless `--no-bom`):
/// without it, Excel and WPS on Chinese Windows read a UTF-8 CSV as GBK.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file that marks a folder as written by `yanshou report`: what `--force` may replace.
/// It lists the entries yanshou wrote at the top of the folder; a folder holding anything
/// else is someone's work and is never replaced.
pub const MARKER: &str = ".yanshou-report";

/// The exit code of a run interrupted by Ctrl-C or a termination signal (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Refuses `out` when it is one of `inputs` (or inside an input folder), is anything but a
/// regular file (a folder, a link, a named pipe, a device: never replaced, never written
/// through), or is a file and `force` is not given.
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
    let shown = out.display();
    match standing(out)? {
        Standing::Nothing => Ok(()),
        Standing::File if force => Ok(()),
        Standing::File => bail!(crate::tr!(
            "{shown}：已存在：请换一个名字，或加 --force 覆盖",
            "{shown}: already exists: choose another name, or add --force to replace it"
        )),
        Standing::Folder => bail!(crate::tr!(
            "{shown}：是文件夹：请给出文件名（yanshou 只替换普通文件）",
            "{shown}: is a folder: give a file name (yanshou replaces regular files only)"
        )),
        Standing::Link(to) => Err(link_refused(out, &to)),
        Standing::Special(zh, en) => Err(special_refused(out, zh, en)),
    }
}

/// Refuses `out` as the folder of a report unless it does not exist, is an empty folder,
/// or is a folder yanshou wrote ([`MARKER`]) and `force` is given; and refuses it if it is
/// or holds one of `inputs`.
pub fn check_folder_destination(out: &Path, inputs: &[PathBuf], force: bool) -> Result<()> {
    let target = absolute(out);
    let shown = out.display();
    for input in inputs {
        let real = absolute(input);
        if real == target {
            bail!(crate::tr!(
                "{shown}：这是本次运行的输入：请把输出写到别处",
                "{shown}: this is an input of the run: write the output somewhere else"
            ));
        }
        if real.starts_with(&target) {
            let input = input.display();
            bail!(crate::tr!(
                "{shown}：其中有本次运行的输入 {input}：请把报告写到别处",
                "{shown}: holds {input}, an input of the run: write the report somewhere else"
            ));
        }
    }
    match standing(out)? {
        Standing::Nothing => Ok(()),
        Standing::File => bail!(crate::tr!(
            "{shown}：是文件：报告写成一个文件夹，请给出文件夹名",
            "{shown}: is a file: a report is a folder: give a folder name"
        )),
        Standing::Link(to) => Err(link_refused(out, &to)),
        Standing::Special(zh, en) => Err(special_refused(out, zh, en)),
        Standing::Folder => {
            let entries = entries(out)?;
            if entries.is_empty() {
                return Ok(());
            }
            match foreign_entry(out, &entries)? {
                Some(why) => bail!(crate::tr!(
                    "{shown}：不是 yanshou 写的报告文件夹（{why}），即使加 --force 也不替换：请换一个 --out",
                    "{shown}: is not a report folder yanshou wrote ({why}): it is not replaced, even with --force: choose another --out"
                )),
                None if force => Ok(()),
                None => bail!(crate::tr!(
                    "{shown}：已存在：请换一个名字，或加 --force 整个替换这份报告",
                    "{shown}: already exists: choose another name, or add --force to replace that report whole"
                )),
            }
        }
    }
}

/// Refuses `out` as a folder to write files into, one by one (`convert --to toml`): one of
/// `inputs`, a file, a link, a named pipe or a device. A folder that exists is filled; each
/// file in it is checked by [`check_destination`].
pub fn check_folder_to_fill(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let target = absolute(out);
    let shown = out.display();
    if inputs.iter().any(|input| absolute(input) == target) {
        bail!(crate::tr!(
            "{shown}：这是本次运行的输入：请把输出写到别处",
            "{shown}: this is an input of the run: write the output somewhere else"
        ));
    }
    match standing(out)? {
        Standing::Nothing | Standing::Folder => Ok(()),
        Standing::File => bail!(crate::tr!(
            "{shown}：是文件：这里写的是文件夹，每个站点一份记录",
            "{shown}: is a file: this writes a folder, one record per site"
        )),
        Standing::Link(to) => Err(link_refused(out, &to)),
        Standing::Special(zh, en) => Err(special_refused(out, zh, en)),
    }
}

/// What stands at a destination.
enum Standing {
    Nothing,
    File,
    Folder,
    /// A symbolic link, and what it points to.
    Link(PathBuf),
    /// A named pipe, a device or a socket, in both languages.
    Special(&'static str, &'static str),
}

/// What stands at `path`, the link itself where it is one.
fn standing(path: &Path) -> Result<Standing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Standing::Nothing),
        Err(e) => {
            let path = path.display();
            return Err(e).context(crate::tr!("{path}：无法读取", "{path}: cannot read"));
        }
    };
    let kind = meta.file_type();
    Ok(if kind.is_symlink() {
        Standing::Link(fs::read_link(path).unwrap_or_default())
    } else if kind.is_file() {
        Standing::File
    } else if kind.is_dir() {
        Standing::Folder
    } else {
        special(&kind)
    })
}

#[cfg(unix)]
fn special(kind: &fs::FileType) -> Standing {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        Standing::Special("命名管道（FIFO）", "named pipe (FIFO)")
    } else if kind.is_socket() {
        Standing::Special("套接字", "socket")
    } else {
        Standing::Special("设备文件", "device")
    }
}

#[cfg(not(unix))]
fn special(_: &fs::FileType) -> Standing {
    Standing::Special("特殊文件", "special file")
}

/// A link is neither replaced (the user made it to point somewhere) nor written through (it
/// may point anywhere, `/dev/stdout` included): the user names the real path.
fn link_refused(out: &Path, to: &Path) -> anyhow::Error {
    let (out, to) = (out.display(), to.display());
    anyhow::anyhow!(crate::tr!(
        "{out}：是符号链接（指向 {to}）：yanshou 既不替换链接，也不写到链接所指之处：请直接给出要写的路径",
        "{out}: is a symbolic link (to {to}): yanshou neither replaces a link nor writes through it: give the real path"
    ))
}

/// A pipe or a device is not a file yanshou could rename into place; writing through it
/// would lose the all-or-nothing write. Outputs that can go to standard output do so when
/// `--out` is left out.
fn special_refused(out: &Path, zh: &str, en: &str) -> anyhow::Error {
    let out = out.display();
    anyhow::anyhow!(crate::tr!(
        "{out}：是{zh}，不是普通文件：yanshou 只写普通文件：请给出文件路径（能写到标准输出的命令，不加 --out 即可）",
        "{out}: is a {en}, not a regular file: yanshou writes regular files only: give a file path (a command that can write to standard output does so without --out)"
    ))
}

/// The names in folder `dir`, sorted.
fn entries(dir: &Path) -> Result<Vec<String>> {
    let read = || -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(dir)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    };
    read().with_context(|| {
        let dir = dir.display();
        crate::tr!("{dir}：无法读取", "{dir}: cannot read")
    })
}

/// Why `dir` is not a folder yanshou wrote, by its [`MARKER`]: no marker, or the first
/// entry the marker does not list.
fn foreign_entry(dir: &Path, entries: &[String]) -> Result<Option<String>> {
    let marker = dir.join(MARKER);
    let listed = match fs::symlink_metadata(&marker) {
        Ok(meta) if meta.is_file() => fs::read_to_string(&marker).unwrap_or_default(),
        _ => {
            return Ok(Some(crate::tr!(
                "没有 {MARKER} 文件",
                "it has no {MARKER} file"
            )));
        }
    };
    let ours: Vec<&str> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    Ok(entries
        .iter()
        .find(|e| e.as_str() != MARKER && !ours.contains(&e.as_str()))
        .map(|entry| {
            crate::tr!(
                "其中的 {entry} 不是 yanshou 写的",
                "it holds {entry}, which yanshou did not write"
            )
        }))
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

/// The folder `path` is in and its name, for a temporary name beside it.
fn beside(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match path.file_name() {
        Some(name) => (dir, name.to_string_lossy().into_owned()),
        // `.` or `..`: name it by what it resolves to.
        None => {
            let real = absolute(path);
            let name = real.file_name().map(|n| n.to_string_lossy().into_owned());
            let dir = real.parent().map(Path::to_path_buf).unwrap_or(dir);
            (dir, name.unwrap_or_else(|| "output".to_owned()))
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = PartialFile::create(path)?;
    file.write_all(bytes).with_context(|| file.cannot_write())?;
    file.commit()
}

/// A file written beside its destination and renamed into place by [`PartialFile::commit`];
/// removed if dropped before (an error) or if the run is interrupted.
pub struct PartialFile {
    temp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<fs::File>>,
}

impl PartialFile {
    /// Starts writing `dest`.
    pub fn create(dest: &Path) -> Result<PartialFile> {
        let (dir, name) = beside(dest);
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut pending = pending(Some(Pending::new(&temp, dest)));
        let file = fs::File::create(&temp).with_context(|| {
            let temp = temp.display();
            crate::tr!("{temp}：无法创建", "{temp}: cannot create")
        });
        let file = match file {
            Ok(file) => file,
            Err(e) => {
                pending.retain(|p| p.temp != temp);
                return Err(e);
            }
        };
        drop(pending);
        Ok(PartialFile {
            temp,
            dest: dest.to_path_buf(),
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn cannot_write(&self) -> String {
        let temp = self.temp.display();
        crate::tr!("{temp}：无法写入", "{temp}: cannot write")
    }

    /// Writes what is buffered and waits for the disk: for a file so large that its loss
    /// in a crash after the run would cost a long run again.
    pub fn sync_all(&mut self) -> Result<()> {
        let cannot = self.cannot_write();
        let file = self.file.as_mut().context(cannot.clone())?;
        file.flush()
            .and_then(|()| file.get_ref().sync_all())
            .context(cannot)
    }

    /// Renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let cannot = self.cannot_write();
        let file = self.file.take().context(cannot.clone())?;
        // No fsync by default: the rename already means an interrupted run leaves the old
        // file or the new one, and a report of a thousand pages would wait on disks.
        file.into_inner()
            .map_err(|e| e.into_error())
            .context(cannot)?;
        let mut pending = pending(None);
        fs::rename(&self.temp, &self.dest).with_context(|| {
            let dest = self.dest.display();
            crate::tr!("{dest}：无法写入", "{dest}: cannot write")
        })?;
        pending.retain(|p| p.temp != self.temp);
        // Renamed: nothing for `drop` to remove.
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Write for PartialFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("written after commit")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if self.temp.as_os_str().is_empty() {
            return;
        }
        drop(self.file.take());
        let mut pending = pending(None);
        let _ = fs::remove_file(&self.temp);
        pending.retain(|p| p.temp != self.temp);
    }
}

/// A folder built beside its destination (`.NAME.yanshou-tmp-PID`) and moved into place
/// whole by [`StagedFolder::commit`]; removed if dropped before (an error) or if the run is
/// interrupted. The destination is checked by [`check_folder_destination`] when the folder
/// is made and again, under the lock an interrupt takes, when it is moved into place.
pub struct StagedFolder {
    temp: PathBuf,
    dest: PathBuf,
    inputs: Vec<PathBuf>,
    force: bool,
    /// The top-level entries written, for the [`MARKER`].
    top: Vec<String>,
}

impl StagedFolder {
    /// Starts building the folder `dest`, checked against `inputs` and `force`.
    pub fn create(dest: &Path, inputs: &[PathBuf], force: bool) -> Result<StagedFolder> {
        check_folder_destination(dest, inputs, force)?;
        let (dir, name) = beside(dest);
        // `--out reports/2020/june` makes the folders it is in, as it always did.
        fs::create_dir_all(&dir).with_context(|| {
            let dir = dir.display();
            crate::tr!("{dir}：无法创建文件夹", "{dir}: cannot create folder")
        })?;
        let temp = dir.join(format!(".{name}.yanshou-tmp-{}", std::process::id()));
        let mut pending = pending(Some(Pending::new(&temp, dest)));
        // Left by an earlier run of the same process id that was killed outright.
        let _ = fs::remove_dir_all(&temp);
        if let Err(e) = fs::create_dir(&temp) {
            pending.retain(|p| p.temp != temp);
            let temp = temp.display();
            return Err(e).context(crate::tr!(
                "{temp}：无法创建文件夹",
                "{temp}: cannot create folder"
            ));
        }
        drop(pending);
        Ok(StagedFolder {
            temp,
            dest: dest.to_path_buf(),
            inputs: inputs.to_vec(),
            force,
            top: Vec::new(),
        })
    }

    /// Writes `bytes` to `relative` (a path of plain names) inside the folder.
    pub fn write(&mut self, relative: &Path, bytes: &[u8]) -> Result<()> {
        // Under the lock an interrupt takes: it never removes the folder halfway through a
        // file, nor does a file re-create a folder it removed.
        let _pending = pending(None);
        let path = self.temp.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| {
                let dir = dir.display();
                crate::tr!("{dir}：无法创建文件夹", "{dir}: cannot create folder")
            })?;
        }
        fs::write(&path, bytes).with_context(|| {
            let path = path.display();
            crate::tr!("{path}：无法写入", "{path}: cannot write")
        })?;
        if let Some(std::path::Component::Normal(first)) = relative.components().next() {
            let first = first.to_string_lossy().into_owned();
            if !self.top.contains(&first) {
                self.top.push(first);
            }
        }
        Ok(())
    }

    /// Marks the folder as yanshou's and moves it into place, replacing what
    /// [`check_folder_destination`] allows: the old folder is moved aside first and
    /// removed once the new one is in place, or moved back if it cannot be.
    pub fn commit(mut self) -> Result<()> {
        let mut listed = String::from(
            "# Written by `yanshou report`: `--force` replaces this folder whole, only while it\n# holds nothing but these entries. Delete this file to keep yanshou from replacing it.\n",
        );
        self.top.sort();
        for entry in &self.top {
            listed.push_str(entry);
            listed.push('\n');
        }
        let marker = self.temp.join(MARKER);
        let mut pending = pending(None);
        fs::write(&marker, listed).with_context(|| {
            let marker = marker.display();
            crate::tr!("{marker}：无法写入", "{marker}: cannot write")
        })?;
        check_folder_destination(&self.dest, &self.inputs, self.force)?;
        let cannot = || {
            let dest = self.dest.display();
            crate::tr!("{dest}：无法写入", "{dest}: cannot write")
        };
        let old = match standing(&self.dest)? {
            Standing::Nothing => None,
            _ => {
                let (dir, name) = beside(&self.dest);
                let old = dir.join(format!(".{name}.yanshou-old-{}", std::process::id()));
                let _ = fs::remove_dir_all(&old);
                fs::rename(&self.dest, &old).with_context(cannot)?;
                Some(old)
            }
        };
        if let Err(e) = fs::rename(&self.temp, &self.dest) {
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.dest);
            }
            return Err(e).with_context(cannot);
        }
        // In place: an interrupt from now on has nothing to take back.
        pending.retain(|p| p.temp != self.temp && !p.announces(&self.dest));
        self.temp = PathBuf::new();
        if let Some(old) = old {
            if let Err(e) = fs::remove_dir_all(&old) {
                let old = old.display();
                let _ = writeln!(
                    io::stderr(),
                    "{}",
                    crate::tr!(
                        "注意：{old}：旧报告无法删除（{e}），请手动删除",
                        "warning: {old}: the old report could not be removed ({e}): remove it by hand"
                    )
                );
            }
        }
        Ok(())
    }
}

impl Drop for StagedFolder {
    fn drop(&mut self) {
        if self.temp.as_os_str().is_empty() {
            return;
        }
        let mut pending = pending(None);
        let _ = fs::remove_dir_all(&self.temp);
        pending.retain(|p| p.temp != self.temp);
    }
}

/// Until dropped, an interrupt says that nothing was written to `dest`, if it was not yet:
/// for a command that reads and renders a long time before it writes (`report`).
pub struct Announced(PathBuf);

/// Announces that `dest` is to be written; see [`Announced`].
pub fn announce(dest: &Path) -> Announced {
    let _pending = pending(Some(Pending::new(Path::new(""), dest)));
    Announced(dest.to_path_buf())
}

impl Drop for Announced {
    fn drop(&mut self) {
        pending(None).retain(|p| !p.announces(&self.0));
    }
}

/// A temporary file or folder being written (none for an [`Announced`] output), and the
/// destination it stands for.
struct Pending {
    temp: PathBuf,
    dest: PathBuf,
}

impl Pending {
    fn new(temp: &Path, dest: &Path) -> Pending {
        Pending {
            temp: temp.to_path_buf(),
            dest: dest.to_path_buf(),
        }
    }

    /// Whether this is the announcement of `dest`.
    fn announces(&self, dest: &Path) -> bool {
        self.temp.as_os_str().is_empty() && self.dest == dest
    }
}

/// What is being written. Its lock is held by every step that creates, fills or renames a
/// temporary, and by the interrupt handler until the process ends: so an interrupt waits
/// for the step under way and no step runs after it.
static PENDING: Mutex<Vec<Pending>> = Mutex::new(Vec::new());

/// The lock of [`PENDING`], with `add` registered (and the interrupt handler installed
/// on the first registration).
fn pending(add: Option<Pending>) -> MutexGuard<'static, Vec<Pending>> {
    static HANDLER: Once = Once::new();
    if add.is_some() {
        // Commands that write no file keep the default: Ctrl-C ends them at once.
        HANDLER.call_once(|| {
            // Without a handler (another one is set, which yanshou never does) an
            // interrupt still ends the run; only its temporaries would be left.
            let _ = ctrlc::set_handler(interrupted);
        });
    }
    let mut guard = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    guard.extend(add);
    guard
}

/// On Ctrl-C or SIGTERM: removes every temporary, says what was not written, and ends the
/// process with [`INTERRUPTED`], holding the lock so that no other write starts.
fn interrupted() {
    let pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    let mut stderr = io::stderr().lock();
    if pending.is_empty() {
        let _ = writeln!(
            stderr,
            "{}",
            crate::tr!("yanshou：已中断", "yanshou: interrupted")
        );
    }
    let mut said: Vec<&Path> = Vec::new();
    for p in pending.iter() {
        if p.temp.is_dir() {
            let _ = fs::remove_dir_all(&p.temp);
        } else if !p.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&p.temp);
        }
        if said.contains(&p.dest.as_path()) {
            continue;
        }
        said.push(&p.dest);
        let dest = p.dest.display();
        let _ = writeln!(
            stderr,
            "{}",
            crate::tr!(
                "yanshou：已中断：{dest} 未写入任何内容",
                "yanshou: interrupted: nothing was written to {dest}"
            )
        );
    }
    std::process::exit(i32::from(INTERRUPTED));
}

/// Whether standard output was found closed (a broken pipe): the run did not finish.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output, noting a closed pipe for [`stdout_closed`].
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

/// Whether a write to [`stdout`] found the pipe closed (`yanshou check … | head`).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Standard output, locked; see [`stdout`].
pub struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    fn noted<T>(result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            if e.kind() == io::ErrorKind::BrokenPipe {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
            }
        }
        result
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Stdout::noted(self.0.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        Stdout::noted(self.0.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        Stdout::noted(self.0.flush())
    }
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
