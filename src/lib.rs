//! yanshou (验收): compliance audits of township convenience service centres and village
//! stations against a building standard written down as data.
//!
//! Data flows one way: files → records → evaluation → results → renderers → files.
//!
//! - [`checklist`]: the standard as data (items, kinds, clauses, grades); pure.
//! - [`record`]: inspection records and campaigns, read from text.
//! - [`audit`]: judging records against checklists; pure.
//! - [`render`]: results to tables, JSON and CSV.
//! - [`inputs`]: the one place that finds and reads files for a command.
//! - [`commands`]: one file per subcommand, wiring the above together.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod calendar;
pub mod checklist;
pub mod cli;
pub mod commands;
pub mod inputs;
pub mod lang;
pub mod output;
pub mod points;
pub mod record;
pub mod render;
pub mod report;
pub mod source;
pub mod synth;
pub mod template;
