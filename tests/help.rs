//! Every subcommand's --help shows at least one example, and the generated man page and
//! completions mention every subcommand.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use assert_cmd::Command;
use clap::CommandFactory;
use yanshou::cli::Cli;

/// Every leaf subcommand, as its argument path (`["checklist", "lint"]`).
fn leaves() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let subs: Vec<&clap::Command> = cmd
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push(path);
            return;
        }
        for sub in subs {
            let mut p = path.clone();
            p.push(sub.get_name().to_owned());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn every_subcommand_help_has_an_example() {
    let leaves = leaves();
    assert!(leaves.len() >= 12, "{leaves:?}");
    for path in leaves {
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{path:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains("Example"),
            "`yanshou {} --help` shows no example",
            path.join(" ")
        );
        assert!(
            help.contains(&format!("yanshou {}", path.join(" "))),
            "{path:?}: the example does not run the command"
        );
    }
}

#[test]
fn man_page_and_completions_cover_every_command() {
    let man = Command::cargo_bin("yanshou")
        .unwrap()
        .arg("man")
        .output()
        .unwrap();
    assert!(man.status.success());
    let man = String::from_utf8(man.stdout).unwrap();
    let completions = Command::cargo_bin("yanshou")
        .unwrap()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let completions = String::from_utf8(completions.stdout).unwrap();
    for path in leaves() {
        assert!(man.contains(&path[0]), "man page lacks {}", path[0]);
        assert!(
            completions.contains(path.last().unwrap()),
            "completions lack {path:?}"
        );
    }
}
