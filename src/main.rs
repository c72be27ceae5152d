//! The `yanshou` binary: parse arguments, run the command, print any error once, and map
//! the outcome to an exit code scripts can trust (0 all accepted, 1 some not, 2 bad input).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use yanshou::cli::Cli;
use yanshou::commands::{self, Outcome};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with success, usage errors to stderr.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match commands::run(cli) {
        Ok(Outcome::AllAccepted) => ExitCode::SUCCESS,
        Ok(Outcome::NotAllAccepted) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                // `yanshou check … | head` is normal use, not an error.
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "yanshou: {}", chain(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, outermost first, skipping causes whose text the
/// outer message already carries.
fn chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
