//! One file per subcommand. Each reads its inputs, calls the core and hands the result to
//! a renderer; none of them judges anything itself.

mod check;
mod checklist;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// How a command ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the command succeeded and every site it judged (if any) was accepted.
    AllAccepted,
    /// Exit 1: some site is not accepted (rectify or incomplete).
    NotAllAccepted,
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Checklist(cmd) => checklist::run(&cmd),
    }
}
