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
    after_help = "Exit codes: 0 success (check: every site accepted); 1 a result scripts must notice (check: some site not accepted; each command's --help says its own rule); 2 bad input or usage, one located line on stderr; 101 a bug in yanshou; 130 interrupted (Ctrl-C, SIGTERM: what was being written is removed); 141 standard output closed before the end (`| head`)."
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The language the command was asked to speak (`--lang`), for its error messages.
    pub fn lang(&self) -> Lang {
        match &self.command {
            Command::Check(a) => a.lang,
            Command::Checklist(
                ChecklistCommand::Lint { lang, .. }
                | ChecklistCommand::Schema { lang }
                | ChecklistCommand::Show { lang, .. },
            ) => *lang,
            Command::Deadline(a) => a.lang,
            Command::Recheck(a) => a.lang,
            Command::Rank(a) => a.lang,
            Command::Report(a) => a.lang,
            Command::Verify(a) => a.lang,
            Command::Template(a) => a.lang,
            Command::Convert(a) => a.lang,
            Command::Generate(a) => a.lang,
            Command::Calendar(a) => match &a.action {
                Some(CalendarCommand::Import(i)) => i.lang,
                None => a.lang,
            },
            Command::Completions { .. } | Command::Man => Lang::Zh,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score inspection records and give each site its verdict and findings.
    #[command(
        after_help = "Reads TOML records, CSV and xlsx sheets (one row per site or per observation) and campaign folders.\nExit codes: 0 every site accepted; 1 some site not accepted (rectify or incomplete); 2 bad input or usage (a record that cannot be read is listed in the output and the others are judged).\nExamples:\n  yanshou check examples/puyang-2020 --as-of 2020-06-30\n  yanshou check examples/puyang-2020 --format json\n  yanshou check inspections.xlsx --sheet 乡镇\n  yanshou check site.toml --lang en"
    )]
    Check(CheckArgs),
    /// Lint or show a checklist.
    #[command(
        subcommand,
        after_help = "Exit codes: 0 the checklist is valid (lint) or printed (show, schema); 2 any problem, each with its line."
    )]
    Checklist(ChecklistCommand),
    /// Count working days: a rectification deadline, or the working days between two dates.
    #[command(
        after_help = "Counting starts the day after DATE (ruling 7 of docs/clauses.md). A count into a year whose holiday notice\nis not out is provisional and says so (docs/calendar.md).\nExit codes: 0 answered (a provisional answer too: it says so); 2 bad date, a date outside the calendar, or a bad calendar file.\nExamples:\n  yanshou deadline 2020-05-28\n  yanshou deadline 2020-06-18 --working-days 20 --format json\n  yanshou deadline --between 2020-05-28 2020-06-18\n  yanshou deadline 2027-01-05 --calendar calendar-2027.toml"
    )]
    Deadline(DeadlineArgs),
    /// Follow up rectifications: what was fixed, what still fails, what is overdue.
    #[command(
        after_help = "Re-inspection records are kept in the campaign's rechecks/ folder (or given with --followup),\none file per re-inspection (a site may have several), waivers in its waivers.toml.\nCSV: one row per followed-up item (fixed, still failing, overdue, pending, new, waived, to record or recorded) of each followed-up site;\na site re-inspected with nothing left to follow up has one row with the item columns empty. JSON and CSV are documented in docs/output/recheck.md.\nExit codes: 0 every followed-up site now passes; 1 some do not (still failing, overdue, new failure or incomplete); 2 bad input or usage.\nExamples:\n  yanshou recheck examples/puyang-2020\n  yanshou recheck examples/puyang-2020 --as-of 2020-07-15 --format json"
    )]
    Recheck(RecheckArgs),
    /// Rank sites and name the demonstration sites (clause 4.2).
    #[command(
        after_help = "Demonstration sites (ruling 15): only sites of the kind the campaign demonstrates that meet every mandatory item on their own at their acceptance inspection are eligible; a site that passes only by a waiver, has no verdict yet (待补查) or was inspected after the acceptance phase is not, and the note says why. The choice rests on the acceptance inspections alone: from the end of the acceptance phase (campaign.toml [phases] acceptance.end; without phases, the last inspection) it does not move with --as-of, waivers or re-inspections, and before that day it is marked provisional. A demonstration site that fails a later re-inspection (rechecks/, dated by --as-of) is flagged (flagged_at_recheck), neither kept silently nor replaced.\nSites rank by percentage of their applicable maximum, then the larger maximum (an item not applicable never lifts a site), then fewer\nadvisory misses (or the campaign's tie_break order), then site id; a tie at the last demonstration place is stated with the rule that broke it.\nCSV: one row per site, best first (every site, whatever --top). JSON and CSV are documented in docs/output/rank.md.\nExit codes: 0 every demonstration site chosen; 1 fewer eligible sites than demonstration sites wanted; 2 bad input or usage (the sites that could be read are still ranked).\nExamples:\n  yanshou rank examples/puyang-2020\n  yanshou rank examples/puyang-2020 --format json\n  yanshou rank all.csv --top 5 --format csv"
    )]
    Rank(RankArgs),
    /// Write the campaign summary, a page per site and rectification notices.
    #[command(
        after_help = "Exit codes: 0 reports written, whatever the verdicts (failing sites get notices); 2 bad input, usage, or an output that exists without --force (a report of the records that could be read is written and says so on its first page).\nExamples:\n  yanshou report examples/puyang-2020 --out out\n  yanshou report examples/puyang-2020 --out out --format html,docx,xlsx,md\n  yanshou report examples/puyang-2020 --out out-en --lang en"
    )]
    Report(ReportArgs),
    /// Check that the files a report was made from are unchanged: its manifest.json.
    #[command(
        after_help = "Re-hashes every input and evidence file the report's manifest.json lists, relative to the campaign folder it records
(found from the report folder; a folder of the same name beside or inside the report folder; or --campaign), and names
each file changed, missing or unreadable. A file moved elsewhere is missing at its place. The manifest is documented in docs/output/manifest.md.
Exit codes: 0 every file unchanged; 1 some file changed, missing or unreadable; 2 no manifest, a manifest that cannot be read, or no campaign folder.
Examples:
  yanshou verify out
  yanshou verify out --campaign examples/puyang-2020 --lang en
  yanshou verify run.json"
    )]
    Verify(VerifyArgs),
    /// Write a blank inspection form for a kind of site, made from its checklist.
    #[command(
        after_help = "Exit codes: 0 form written; 2 bad input, usage, or an output that exists without --force.\nExamples:\n  yanshou template --kind township --format xlsx --out form.xlsx\n  yanshou template --kind village --format csv > village.csv\n  yanshou template --kind township --format toml > site.toml\n  yanshou template --kind township --format xlsform --out township-xlsform.xlsx"
    )]
    Template(TemplateArgs),
    /// Convert or merge records between TOML, CSV and xlsx without loss.
    #[command(
        after_help = "A campaign folder converts its records only: waivers.toml, rechecks/ and campaign.toml stay where they are.\nExit codes: 0 records converted; 2 bad input (every record that cannot be read is listed, and nothing is written), usage, an output that is an input, or exists without --force.\nExamples:\n  yanshou convert examples/puyang-2020 --to csv --out all.csv\n  yanshou convert all.csv --to toml --out sites/\n  yanshou convert a.xlsx b.csv --to xlsx --out merged.xlsx"
    )]
    Convert(ConvertArgs),
    /// Write deterministic synthetic inspection data (wide CSV) for demos and benchmarks.
    #[command(
        after_help = "Exit codes: 0 data written; 2 bad usage or an output that exists without --force.\nExamples:\n  yanshou generate --sites 1000 --seed 1 --out demo.csv\n  yanshou generate --sites 600000 --seed 42 --kind mixed --out big.csv"
    )]
    Generate(GenerateArgs),
    /// Print shell completions for bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Example:\n  yanshou completions bash > ~/.local/share/bash-completion/completions/yanshou"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Example:\n  yanshou man > yanshou.1 && man ./yanshou.1")]
    Man,
    /// Which years the working-day calendar knows; a year's holidays and make-up working
    /// days; or a State Council holiday notice turned into a calendar file.
    #[command(
        after_help = "Examples:\n  yanshou calendar\n  yanshou calendar 2020\n  yanshou calendar 2027 --calendar calendar-2027.toml\n  yanshou calendar import notice-2027.txt --out calendar-2027.toml\n\nA year after the last official one (2026 built in) is provisional: weekdays less the\nstatutory holidays, no make-up days. Every date counted over it says so, until its\nnotice is imported. See docs/calendar.md.\nExit codes: 0 printed or imported; 2 a year outside the calendar, an unreadable notice, or an output that exists without --force."
    )]
    Calendar(CalendarArgs),
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Record files (.toml, .csv, .xlsx) or campaign folders (holding campaign.toml and sites/).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    ///
    /// CSV: one row per finding (a site without findings still has one row). JSON and CSV
    /// are documented in docs/output/check.md.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With `--format csv`: leave out the byte-order mark every CSV of yanshou starts with
    /// (Excel and WPS on Chinese Windows need it to read UTF-8), for a script that cannot
    /// skip it.
    #[arg(long)]
    pub no_bom: bool,
    /// Language of tables and texts.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Extra working-day calendar file(s), adding or replacing years (see docs/calendar.md).
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
    /// The sheet to read from xlsx inputs (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The day waivers are judged on: a waiver stops applying on its expiry date
    /// (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Also write a manifest of the run to FILE (JSON: yanshou's version, each checklist's
    /// id and version, every input and evidence file with its SHA-256 and size, paths
    /// relative to the campaign folder), whatever the --format; `yanshou verify FILE`
    /// checks it later (docs/output/manifest.md). Never over an existing file without --force.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Replace an existing --manifest file (a regular file only: a link, a pipe or a device
    /// is refused).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many sites (at least 1: a file of no sites is a header every reader refuses).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub sites: u64,
    /// The seed: the same seed gives the same file.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The CSV file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Which kind of sites: township, village, or mixed (1 township per 25 villages,
    /// roughly the national proportion).
    #[arg(long, value_name = "KIND", default_value = "township")]
    pub kind: String,
    /// Replace FILE if it exists (a regular file only: a link, a pipe or a device is
    /// refused).
    #[arg(long)]
    pub force: bool,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// Arguments of `recheck`.
#[derive(Debug, clap::Args)]
pub struct RecheckArgs {
    /// The campaign folder.
    #[arg(value_name = "CAMPAIGN")]
    pub campaign: PathBuf,
    /// Re-inspection record files or folders, besides the campaign's rechecks/.
    #[arg(long, value_name = "PATH")]
    pub followup: Vec<PathBuf>,
    /// The day to judge deadlines and waivers on (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    ///
    /// CSV: one row per followed-up item of each followed-up site. JSON and CSV are
    /// documented in docs/output/recheck.md.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With `--format csv`: leave out the byte-order mark every CSV of yanshou starts with
    /// (Excel and WPS on Chinese Windows need it to read UTF-8), for a script that cannot
    /// skip it.
    #[arg(long)]
    pub no_bom: bool,
    /// Language of tables and texts.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Extra working-day calendar file(s).
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
}

/// Arguments of `rank`.
#[derive(Debug, clap::Args)]
pub struct RankArgs {
    /// Record files or campaign folders.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// How many demonstration sites to choose; default: the campaign's (2).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Output format.
    ///
    /// CSV: one row per site, best first. JSON and CSV are documented in
    /// docs/output/rank.md.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// With `--format csv`: leave out the byte-order mark every CSV of yanshou starts with
    /// (Excel and WPS on Chinese Windows need it to read UTF-8), for a script that cannot
    /// skip it.
    #[arg(long)]
    pub no_bom: bool,
    /// Language of tables and reasons.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// The sheet to read from xlsx inputs (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The judging day: inspections, re-inspections and waivers dated after it are not
    /// counted, and waivers are judged on it (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Record files or campaign folders.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The folder to write. It is built beside, in `.DIR.yanshou-tmp-PID`, and moved into
    /// place once complete: a run that fails or is interrupted leaves no part of it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html")]
    pub format: Vec<ReportFormat>,
    /// Language of the documents.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Extra working-day calendar file(s).
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
    /// The sheet to read from xlsx inputs (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Replace --out whole if it is a report folder yanshou wrote (it holds `.yanshou-report`
    /// and nothing that file does not list); any other folder is refused.
    #[arg(long)]
    pub force: bool,
    /// The day waivers and deadlines are judged on (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// A report folder (holding manifest.json), or a manifest file check --manifest wrote.
    #[arg(value_name = "REPORT_DIR")]
    pub report: PathBuf,
    /// The campaign folder, when it is not where the manifest says.
    #[arg(long, value_name = "DIR")]
    pub campaign: Option<PathBuf>,
    /// Language of the messages.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// Formats of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A self-contained folder of HTML pages that print on A4.
    Html,
    /// Markdown.
    Md,
    /// One Excel workbook.
    Xlsx,
    /// Word documents of the rectification notices.
    Docx,
}

/// Arguments of `template`.
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// The kind of site the form is for, e.g. township or village.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// The form's format.
    #[arg(long, value_enum)]
    pub format: TemplateFormat,
    /// Where to write it; csv and toml go to standard output without it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Take the checklist from this campaign folder instead of the built-in ones.
    #[arg(long, value_name = "DIR", conflicts_with = "checklist")]
    pub campaign: Option<PathBuf>,
    /// Take the checklist from this file (or builtin:NAME).
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<String>,
    /// Language of titles and help.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Replace FILE if it exists (a regular file only: a link, a pipe or a device is
    /// refused).
    #[arg(long)]
    pub force: bool,
}

/// Formats of `template`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// A CSV header of item ids and a row of Chinese titles.
    Csv,
    /// An Excel workbook with dropdowns, validation and instructions.
    Xlsx,
    /// A commented TOML record to copy.
    Toml,
    /// An XLSForm for KoboToolbox and ODK Central.
    Xlsform,
}

/// Arguments of `convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Record files (TOML, CSV, xlsx) or campaign folders.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The format to write.
    #[arg(long, value_enum)]
    pub to: ConvertFormat,
    /// Where to write: a folder for toml (one file per site), a file for csv and xlsx.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// CSV layout: one row per site (wide) or one row per observation (long).
    #[arg(long, value_enum, default_value_t = Layout::Wide)]
    pub layout: Layout,
    /// The sheet to read from xlsx inputs (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Replace output files that exist (regular files only: a link, a pipe or a device is
    /// refused).
    #[arg(long)]
    pub force: bool,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// Formats `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// One TOML record per site, in a folder.
    Toml,
    /// One CSV file.
    Csv,
    /// One Excel workbook.
    Xlsx,
}

/// Table layouts of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// One row per site, one column per item.
    Wide,
    /// One row per observation: site_id, item, value, note.
    Long,
}

/// Arguments of `deadline`.
#[derive(Debug, clap::Args)]
pub struct DeadlineArgs {
    /// The start date (the inspection date), e.g. 2020-05-28.
    #[arg(
        value_name = "DATE",
        required_unless_present = "between",
        conflicts_with = "between"
    )]
    pub date: Option<String>,
    /// Working days to count; default: the campaign's (`--campaign`), else 20.
    #[arg(long, short = 'n', value_name = "N")]
    pub working_days: Option<u32>,
    /// Count the working days from A to B, both inclusive, instead.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub between: Option<Vec<String>>,
    /// A campaign folder whose working days and calendar to use.
    #[arg(long, value_name = "DIR")]
    pub campaign: Option<PathBuf>,
    /// Extra working-day calendar file(s).
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
    /// Output format.
    ///
    /// The JSON (one line) is documented in docs/output/deadline.md.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    /// Language of the text output.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// Arguments of `calendar`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CalendarArgs {
    /// `import`: a notice's text to a calendar file.
    #[command(subcommand)]
    pub action: Option<CalendarCommand>,
    /// The year to print, e.g. 2020; without it, which years are official and which
    /// provisional.
    pub year: Option<i16>,
    /// Extra working-day calendar file(s).
    #[arg(long, value_name = "FILE")]
    pub calendar: Vec<PathBuf>,
    /// The day to judge from (default: today): without YEAR, a warning when it is within
    /// 60 days of the last official day.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Language of the table.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// `calendar` subcommands.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Read a State Council holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) as
    /// published and write the year's calendar file.
    #[command(
        after_help = "Exit codes: 0 printed or imported; 2 a year outside the calendar, an unreadable notice, or an output that exists without --force.\nExamples:\n  yanshou calendar import notice-2027.txt\n  yanshou calendar import notice-2027.txt --out calendar-2027.toml\n\nCopy the notice from www.gov.cn into a text file (UTF-8 or GBK), title and all. The\nfile written can be passed with --calendar FILE or named by `calendar` in campaign.toml."
    )]
    Import(CalendarImportArgs),
}

/// Arguments of `calendar import`.
#[derive(Debug, clap::Args)]
pub struct CalendarImportArgs {
    /// The notice's text file; several give one calendar file of several years, and an
    /// amending notice (关于延长2020年春节假期的通知) is applied to the year it amends.
    #[arg(value_name = "NOTICE", required = true)]
    pub notices: Vec<PathBuf>,
    /// Write the calendar file here instead of standard output (never over an existing
    /// file without --force).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file (a regular file only: a link, a pipe or a device is
    /// refused).
    #[arg(long)]
    pub force: bool,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// Output formats of commands that print one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// A sentence for people (default).
    Text,
    /// JSON for scripts.
    Json,
}

/// `checklist` subcommands.
#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Check a checklist file for problems (exit 2 if any).
    #[command(
        after_help = "Exit codes: 0 the checklist is valid (lint) or printed (show, schema); 2 any problem, each with its line.\nExample:\n  yanshou checklist lint checklists/puyang-2020/township.toml"
    )]
    Lint {
        /// The checklist file, or builtin:NAME.
        file: String,
        /// Language of messages.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Print the JSON Schema of the checklist format, for editors (taplo, Even Better TOML).
    #[command(
        after_help = "Exit codes: 0 the checklist is valid (lint) or printed (show, schema); 2 any problem, each with its line.\nExample:\n  yanshou checklist schema > checklist.schema.json\nthen start a checklist file with  #:schema ./checklist.schema.json"
    )]
    Schema {
        /// Language of messages.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Print a checklist as a table an inspector can take on site.
    #[command(
        after_help = "Exit codes: 0 the checklist is valid (lint) or printed (show, schema); 2 any problem, each with its line.\nExamples:\n  yanshou checklist show checklists/puyang-2020/township.toml\n  yanshou checklist show builtin:puyang-2020/village --lang en"
    )]
    Show {
        /// The checklist file, or builtin:NAME.
        file: String,
        /// Language of the table.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

/// Output formats of `check`, `rank` and `recheck`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people (default).
    Table,
    /// JSON for scripts, opening with its schema_version (docs/output/<command>.md).
    Json,
    /// CSV for spreadsheets and scripts: UTF-8 with a BOM (`--no-bom` leaves it out), ASCII
    /// header (docs/output/<command>.md).
    Csv,
}
