//! The command line: every subcommand, flag and value, with clap's derive.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::lang::Lang;

/// yanshou（验收）: 乡镇便民服务中心、村便民服务站建设标准验收工具。
///
/// Compliance audits of township convenience service centres and village stations against
/// a building standard kept as data (checklists/*.toml).
#[derive(Debug, Parser)]
#[command(name = "yanshou", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 every site accepted; 1 some site not accepted (rectify or incomplete); 2 bad input or usage."
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score inspection records and give each site its verdict and findings.
    #[command(
        after_help = "Examples:\n  yanshou check examples/puyang-2020\n  yanshou check examples/puyang-2020 --format json\n  yanshou check site.toml --lang en"
    )]
    Check(CheckArgs),
    /// Lint or show a checklist.
    #[command(subcommand)]
    Checklist(ChecklistCommand),
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Record files (.toml) or campaign folders (holding campaign.toml and sites/).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of tables and texts.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// `checklist` subcommands.
#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Check a checklist file for problems (exit 2 if any).
    #[command(
        after_help = "Example:\n  yanshou checklist lint checklists/puyang-2020/township.toml"
    )]
    Lint {
        /// The checklist file, or builtin:NAME.
        file: String,
    },
    /// Print a checklist as a table an inspector can take on site.
    #[command(
        after_help = "Examples:\n  yanshou checklist show checklists/puyang-2020/township.toml\n  yanshou checklist show builtin:puyang-2020/village --lang en"
    )]
    Show {
        /// The checklist file, or builtin:NAME.
        file: String,
        /// Language of the table.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people (default).
    Table,
    /// JSON for scripts (see docs/json.md).
    Json,
    /// CSV, one row per finding, for spreadsheets and scripts.
    Csv,
}
