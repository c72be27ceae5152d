//! The `yanshou` binary: parse arguments, run the command, print any error once, and map
//! the outcome to an exit code scripts can trust (0 all accepted, 1 some not, 2 bad input,
//! 141 standard output closed before the end, 130 interrupted).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use yanshou::cli::Cli;
use yanshou::commands::{self, Outcome};

fn main() -> ExitCode {
    // A panic is a bug in yanshou, never the user's fault: one line that says so, instead
    // of a backtrace. The process then exits with Rust's panic code, 101.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "{}",
            yanshou::tr!(
                "yanshou：内部错误（{what}{place}）：这是 yanshou 的缺陷，不是您文件的问题；请连同所运行的命令一起报告",
                "yanshou: internal error ({what}{place}): this is a bug in yanshou, not in your files; please report it with the command you ran"
            )
        );
    }));
    // Lets the test suite check the hook above without planting a bug to trigger it.
    if std::env::var_os("YANSHOU_TEST_PANIC").is_some() {
        panic!("deliberate panic for the test suite");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let printed = err.print();
            if printed.is_err_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
                return ExitCode::from(CLOSED_PIPE);
            }
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    yanshou::lang::set_messages(cli.lang());
    let outcome = commands::run(cli);
    // `yanshou check … | head` is normal use, not an error: nothing to say. But the run did
    // not finish, so it claims no verdict: 141, as if SIGPIPE had ended it (the shell's
    // convention), whatever the error was wrapped in on its way here.
    let closed = yanshou::output::stdout_closed();
    if closed || outcome.as_ref().is_err_and(is_broken_pipe) {
        return ExitCode::from(CLOSED_PIPE);
    }
    match outcome {
        Ok(Outcome::AllAccepted) => ExitCode::SUCCESS,
        Ok(Outcome::NotAllAccepted) => ExitCode::from(1),
        Ok(Outcome::InputsUnread) => ExitCode::from(2),
        Err(err) => {
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "yanshou: {}", commands::one_line(&err));
            ExitCode::from(2)
        }
    }
}

/// The exit code of a run whose output was closed before it finished: 128 + SIGPIPE.
const CLOSED_PIPE: u8 = 141;

/// Whether `err` is a write to a closed pipe: stdout (also noted by
/// [`yanshou::output::stdout_closed`]) or stderr.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
