//! Failures leave nothing that looks finished (#21 point 6): a report interrupted or failing
//! halfway leaves no folder, `--force` replaces only a regular file or a folder yanshou
//! wrote, and a closed pipe ends every command quietly with 141, never "all accepted".
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};

use common::{Scratch, files_under};

/// The exit code of a run whose standard output was closed before it finished.
const CLOSED_PIPE: i32 = 141;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yanshou(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yanshou"));
    command.current_dir(dir).args(args);
    command
}

/// Held while this file's tests start a process. A process being started holds a copy of
/// every open file of the tests until it has started, the reading end of another test's
/// pipe too; so a test that closes a pipe to see its command fail to write holds this
/// lock until its command ends, so that no copy of that pipe can be read from meanwhile.
static SPAWNING: Mutex<()> = Mutex::new(());

fn spawning() -> MutexGuard<'static, ()> {
    SPAWNING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn spawn(command: &mut Command) -> Child {
    let _spawning = spawning();
    command.spawn().unwrap()
}

fn status(command: &mut Command) -> ExitStatus {
    spawn(command).wait().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    spawn(
        yanshou(dir, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .wait_with_output()
    .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The lines of stderr that are not warnings: what must be empty on a closed pipe.
fn not_warnings(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with("注意：") && !l.starts_with("warning: "))
        .collect()
}

/// Runs `args` with a standard output whose reading end is closed before the command
/// starts, so its first write fails, however little it writes and however slow this test
/// is to close a pipe: the pipe is the standard input of a yanshou that never reads it and
/// has ended.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let _spawning = spawning();
    let mut reader = Command::new(env!("CARGO_BIN_EXE_yanshou"))
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let writer = reader.stdin.take().unwrap();
    assert!(reader.wait().unwrap().success());
    yanshou(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs `args`, reads one line of its output and closes the pipe, like `| head -1`. The
/// output must be larger than a pipe holds, so that the command is still writing.
fn reading_one_line(dir: &Path, args: &[&str]) -> (String, Output) {
    let mut child = spawn(
        yanshou(dir, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    let mut line = String::new();
    {
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut line).unwrap();
    }
    (line, child.wait_with_output().unwrap())
}

#[test]
fn every_command_stops_quietly_when_its_output_is_closed() {
    let pass = "tests/fixtures/records/pass.toml";
    let notice = "tests/fixtures/calendar/notices/2026.txt";
    let cases: &[&[&str]] = &[
        &["check", pass],
        &["check", pass, "--format", "json"],
        &["check", pass, "--format", "csv"],
        &["check", "examples/puyang-2020", "--as-of", "2020-06-30"],
        &["rank", pass],
        &["rank", pass, "--format", "json"],
        &["rank", pass, "--format", "csv"],
        &["rank", "examples/puyang-2020", "--as-of", "2020-06-30"],
        &["recheck", "examples/puyang-2020", "--as-of", "2020-07-31"],
        &[
            "recheck",
            "examples/puyang-2020",
            "--as-of",
            "2020-07-31",
            "--format",
            "json",
        ],
        &[
            "recheck",
            "examples/puyang-2020",
            "--as-of",
            "2020-07-31",
            "--format",
            "csv",
        ],
        &["calendar", "2020"],
        &["calendar", "import", notice],
        &["deadline", "2020-05-28"],
        &["deadline", "2020-05-28", "--format", "json"],
        &["checklist", "show", "builtin:puyang-2020/village"],
        &["checklist", "schema"],
        &["template", "--kind", "township", "--format", "csv"],
        &["template", "--kind", "township", "--format", "toml"],
        &["man"],
        &["completions", "bash"],
        &["--help"],
        &["check", "--help"],
        &["--version"],
    ];
    for args in cases {
        let out = with_closed_stdout(repo(), args);
        let text = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(CLOSED_PIPE),
            "yanshou {}: {text}",
            args.join(" ")
        );
        assert!(
            not_warnings(&text).is_empty(),
            "yanshou {} said more than its warnings: {text}",
            args.join(" ")
        );
    }
}

#[test]
fn head_of_a_long_output_ends_the_run_quietly() {
    let dir = Scratch::new("failures", "head");
    let made = run(
        &dir,
        &[
            "generate", "--sites", "1000", "--seed", "1", "--out", "g.csv",
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let cases: &[&[&str]] = &[
        &["check", "g.csv"],
        &["check", "g.csv", "--format", "json"],
        &["check", "g.csv", "--format", "csv"],
        &["rank", "g.csv", "--format", "csv"],
    ];
    for args in cases {
        let (line, out) = reading_one_line(&dir, args);
        assert!(!line.is_empty(), "yanshou {} wrote nothing", args.join(" "));
        assert_eq!(
            out.status.code(),
            Some(CLOSED_PIPE),
            "yanshou {}: {}",
            args.join(" "),
            stderr(&out)
        );
        assert_eq!(stderr(&out), "", "yanshou {}", args.join(" "));
    }
}

/// The entries of `dir` a failed or interrupted run may have left: temporary files and
/// folders.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.contains("yanshou-") || n.ends_with(".partial"))
        .collect()
}

fn pass_toml() -> String {
    repo()
        .join("tests/fixtures/records/pass.toml")
        .display()
        .to_string()
}

/// `yanshou report pass.toml --out out` in `dir`, with `extra` arguments.
fn report(dir: &Path, extra: &[&str]) -> Output {
    let pass = pass_toml();
    let mut args = vec!["report", pass.as_str(), "--out", "out", "--lang", "en"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn a_report_that_fails_halfway_leaves_nothing() {
    let dir = Scratch::new("failures", "report-fails");
    let pass = pass_toml();
    let out = spawn(
        yanshou(
            &dir,
            &[
                "report", &pass, "--out", "out", "--format", "html,md", "--lang", "en",
            ],
        )
        .env("YANSHOU_TEST_REPORT_HALFWAY", "fail")
        .stdout(Stdio::null())
        .stderr(Stdio::piped()),
    )
    .wait_with_output()
    .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert!(!dir.join("out").exists(), "a half report was left");
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
}

#[cfg(unix)]
fn interrupted_report(signal: &str) {
    use std::time::{Duration, Instant};
    let dir = Scratch::new("failures", &format!("report-{signal}"));
    let pass = pass_toml();
    let mut child = spawn(
        yanshou(
            &dir,
            &[
                "report", &pass, "--out", "out", "--format", "html,md", "--lang", "en",
            ],
        )
        .env("YANSHOU_TEST_REPORT_HALFWAY", "stall")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped()),
    );
    // The report is under way once its temporary folder beside `out` holds a file.
    let started = Instant::now();
    let staging = loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the report ended ({status}) before it could be interrupted");
        }
        let staged = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(".out.yanshou-tmp-") && !files_under(p).is_empty()
            });
        if let Some(staging) = staged {
            break staging;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("no temporary folder beside out after two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!dir.join("out").exists(), "out appeared before the end");
    let sent = status(Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]));
    assert!(sent.success());
    let waited = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if waited.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("SIG{signal} did not end the report");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert!(!staging.exists(), "the temporary folder was left");
    assert!(!dir.join("out").exists());
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
}

#[cfg(unix)]
#[test]
fn an_interrupted_report_leaves_nothing() {
    interrupted_report("INT");
}

#[cfg(unix)]
#[test]
fn a_terminated_report_leaves_nothing() {
    interrupted_report("TERM");
}

#[test]
fn a_report_is_built_beside_out_and_moved_into_place() {
    let dir = Scratch::new("failures", "report-moved");
    let out = report(&dir, &["--format", "html,md,xlsx,docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("out/html/index.html").is_file());
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    let names: Vec<String> = files_under(&dir.join("out"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // An empty folder made for the report is no one's work: it is filled without --force.
    let empty = Scratch::new("failures", "report-empty");
    fs::create_dir(empty.join("out")).unwrap();
    let out = report(&empty, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(empty.join("out/html/index.html").is_file());
}

#[test]
fn force_replaces_a_report_folder_whole() {
    let dir = Scratch::new("failures", "report-force");
    let first = report(&dir, &["--format", "html,md"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // A page of a site no longer in the campaign must not survive the new report.
    let stale = dir.join("out/html/sites/gone.html");
    fs::write(&stale, "old").unwrap();
    let again = report(&dir, &["--format", "html"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert!(stale.exists(), "refused, yet changed");
    let forced = report(&dir, &["--format", "html", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(dir.join("out/html/index.html").is_file());
    assert!(!stale.exists(), "the old report's pages were kept");
    assert!(
        !dir.join("out/md").exists(),
        "the old report's formats were kept"
    );
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
}

#[test]
fn force_never_replaces_a_folder_yanshou_did_not_write() {
    let dir = Scratch::new("failures", "report-foreign");
    fs::create_dir(dir.join("out")).unwrap();
    fs::write(dir.join("out/notes.txt"), "mine").unwrap();
    let out = report(&dir, &["--force"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("out"), "{text}");
    assert_eq!(
        fs::read_to_string(dir.join("out/notes.txt")).unwrap(),
        "mine"
    );
    assert!(
        !dir.join("out/html").exists(),
        "written into a folder not its own"
    );
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

    // A report folder someone added a file of their own to is not yanshou's alone.
    let mixed = Scratch::new("failures", "report-mixed");
    let first = report(&mixed, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    fs::write(mixed.join("out/minutes.docx"), "mine").unwrap();
    let out = report(&mixed, &["--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(mixed.join("out/minutes.docx").exists());

    // Nor a regular file.
    let file = Scratch::new("failures", "report-file");
    fs::write(file.join("out"), "mine").unwrap();
    let out = report(&file, &["--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(file.join("out")).unwrap(), "mine");
}

/// What a special file at a destination is, to check it is still that after the run.
#[cfg(unix)]
#[derive(Debug, PartialEq)]
enum Kind {
    Link(PathBuf),
    Fifo,
    Device,
    Folder,
}

#[cfg(unix)]
fn kind_of(path: &Path) -> Option<Kind> {
    use std::os::unix::fs::FileTypeExt;
    let meta = fs::symlink_metadata(path).ok()?;
    let t = meta.file_type();
    Some(if t.is_symlink() {
        Kind::Link(fs::read_link(path).unwrap())
    } else if t.is_fifo() {
        Kind::Fifo
    } else if t.is_char_device() || t.is_block_device() {
        Kind::Device
    } else if t.is_dir() {
        Kind::Folder
    } else {
        return None;
    })
}

#[cfg(unix)]
#[test]
fn force_replaces_only_regular_files() {
    let dir = Scratch::new("failures", "special");
    fs::write(dir.join("target.csv"), "keep").unwrap();
    std::os::unix::fs::symlink("target.csv", dir.join("link")).unwrap();
    std::os::unix::fs::symlink("/dev/null", dir.join("null-link")).unwrap();
    assert!(status(Command::new("mkfifo").arg(dir.join("fifo"))).success());
    fs::create_dir(dir.join("folder")).unwrap();
    fs::write(dir.join("folder/inside"), "keep").unwrap();
    let mut specials = vec!["link", "null-link", "fifo", "folder"];
    // A device node of our own (the null device's numbers), so that nothing in /dev is
    // ever at risk: needs root, as CI is.
    let device = status(
        Command::new("mknod")
            .arg(dir.join("device"))
            .args(["c", "1", "3"])
            .stderr(Stdio::null()),
    )
    .success();
    if device {
        specials.push("device");
    } else {
        eprintln!("mknod failed (not root?): the device case is not tested");
    }
    let pass = pass_toml();
    let notice = repo()
        .join("tests/fixtures/calendar/notices/2026.txt")
        .display()
        .to_string();
    for special in specials {
        let before = kind_of(&dir.join(special)).unwrap();
        let commands: Vec<Vec<&str>> = vec![
            vec!["generate", "--sites", "1", "--out", special],
            vec!["convert", &pass, "--to", "csv", "--out", special],
            vec!["convert", &pass, "--to", "xlsx", "--out", special],
            vec![
                "template", "--kind", "township", "--format", "csv", "--out", special,
            ],
            vec!["calendar", "import", &notice, "--out", special],
            vec!["check", &pass, "--manifest", special],
            vec!["report", &pass, "--out", special],
            vec!["convert", &pass, "--to", "toml", "--out", special],
        ];
        for mut args in commands {
            let folder_out = args[0] == "report" || args.contains(&"toml");
            if folder_out && special == "folder" {
                continue; // a folder where a folder is written: the tests below
            }
            args.extend(["--force", "--lang", "en"]);
            let out = run(&dir, &args);
            let text = stderr(&out);
            let shown = args.join(" ");
            assert_eq!(out.status.code(), Some(2), "yanshou {shown}: {text}");
            let errors: Vec<&str> = not_warnings(&text);
            assert_eq!(errors.len(), 1, "yanshou {shown}: {text}");
            assert!(
                errors[0].starts_with(&format!("yanshou: {special}")),
                "yanshou {shown}: the error does not name the path first: {text}"
            );
            assert!(
                !errors[0].contains("--force"),
                "yanshou {shown}: --force would not help: {text}"
            );
            assert_eq!(
                kind_of(&dir.join(special)).as_ref(),
                Some(&before),
                "yanshou {shown} replaced {special}"
            );
            assert_eq!(fs::read_to_string(dir.join("target.csv")).unwrap(), "keep");
            assert_eq!(
                fs::read_to_string(dir.join("folder/inside")).unwrap(),
                "keep"
            );
            assert!(
                leftovers(&dir).is_empty(),
                "yanshou {shown}: {:?}",
                leftovers(&dir)
            );
        }
    }
}

#[test]
fn folders_are_still_made_and_filled() {
    let dir = Scratch::new("failures", "folders");
    let pass = pass_toml();
    // The folders --out is in are made, as they always were.
    let out = run(&dir, &["report", &pass, "--out", "a/b/out", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("a/b/out/html/index.html").is_file());
    assert!(leftovers(&dir.join("a/b")).is_empty());
    // convert --to toml fills a folder that exists, file by file.
    fs::create_dir(dir.join("records")).unwrap();
    fs::write(dir.join("records/mine.txt"), "mine").unwrap();
    let out = run(
        &dir,
        &[
            "convert", &pass, "--to", "toml", "--out", "records", "--lang", "en",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("records/fixture-pass.toml").is_file());
    assert_eq!(
        fs::read_to_string(dir.join("records/mine.txt")).unwrap(),
        "mine"
    );
}
