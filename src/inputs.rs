//! Finding and reading the files a command works on: a campaign folder, its checklists,
//! its site records, or loose record files. This is the only module besides the command
//! files that touches the file system, and every error it returns names the file.
//!
//! `inputs/find.rs` finds the inputs (nothing read but settings); `read.rs` reads records from
//! sheets, and `stream.rs` large CSV files on every core, both handing each site to a
//! command's [`SiteWork`]; `waivers.rs` checks and applies the waivers, `rechecks.rs` lays
//! re-inspections over inspections, [`evidence`] finds and hashes the files records cite.

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};

use crate::checklist::Checklist;
use crate::record::Record;
use crate::record::campaign::Campaign;
use crate::record::sheet::FileFormat;
use crate::record::waiver::Waiver;

pub mod evidence;
mod find;
pub mod manifest;
mod read;
mod rechecks;
mod stream;
mod waivers;

use find::record_files_in;
pub use find::{
    CAMPAIGN_FILE, InputDigest, LoadedCalendar, MAX_TEXT_FILE, RECHECKS_DIR, SITES_DIR,
    WAIVERS_FILE, digests, gather, load_calendar, load_checklist, plan, read_text,
};
pub(crate) use read::judgeable;
pub use read::{Incoming, ReadOptions, SheetRows, read_sheet};
use read::{WideRows, long_records, progress_bar, row_text};

pub use rechecks::{Recheck, read_rechecks, rechecked};
pub use stream::{At, Judged, SiteWork, judge_csv_bytes, read_csv_bytes};

/// Everything a command needs: the campaign's settings, its checklists and the records.
#[derive(Debug)]
pub struct Inputs {
    /// The campaign, or the stand-alone defaults when only records were given.
    pub campaign: Campaign,
    /// The campaign folder, if one was given.
    pub campaign_dir: Option<PathBuf>,
    /// One checklist per site kind, in campaign order.
    pub checklists: Vec<Checklist>,
    /// The records in the order [`Plan::for_each_record`] gives them.
    pub records: Vec<Record>,
    /// The records that could not be read, in the same order: the others are all here.
    pub unread: Vec<crate::audit::UnreadRecord>,
}

impl Inputs {
    /// Every record read, or an error listing every one that could not be: for commands
    /// that must not work from part of the input (`convert` writes all or nothing).
    pub fn complete(self) -> Result<Inputs> {
        all_read(&self.unread)?;
        Ok(self)
    }
}

/// Nothing, or an error listing every record that could not be read, one per line.
pub fn all_read(unread: &[crate::audit::UnreadRecord]) -> Result<()> {
    if unread.is_empty() {
        return Ok(());
    }
    let lines: Vec<&str> = unread.iter().map(|u| u.message.as_str()).collect();
    bail!(lines.join("\n"))
}

impl Inputs {
    /// The checklist for a kind of site.
    pub fn checklist_for(&self, kind: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.site_kind == kind)
    }

    /// The checklist that judges `record` ([`checklist_of`]).
    pub fn checklist_of(&self, record: &Record) -> Result<&Checklist> {
        checklist_of(&self.checklists, record)
    }
}

/// The checklist that judges `record`. Every reader refuses a record of a kind the run
/// has no checklist for, naming the kinds it has; so this fails only for a record made
/// some other way, and says so in one place.
pub fn checklist_of<'c>(checklists: &'c [Checklist], record: &Record) -> Result<&'c Checklist> {
    checklists
        .iter()
        .find(|c| c.site_kind == record.kind)
        .ok_or_else(|| {
            anyhow!(
                "{}: no checklist for site kind \"{}\"",
                record.origin,
                record.kind
            )
        })
}

/// What a command will read: the campaign, its checklists and the record files, found but
/// not yet read, so that records can be streamed.
#[derive(Debug)]
pub struct Plan {
    /// The campaign, or the stand-alone defaults when only records were given.
    pub campaign: Campaign,
    /// The campaign folder, if one was given.
    pub campaign_dir: Option<PathBuf>,
    /// One checklist per site kind, in campaign order.
    pub checklists: Vec<Checklist>,
    /// The record files, with their formats.
    pub files: Vec<(PathBuf, FileFormat)>,
    /// The campaign's waivers (`waivers.toml`), items checked against the checklists.
    pub waivers: Vec<Waiver>,
    /// Where the waivers came from, for messages.
    pub waivers_file: Option<PathBuf>,
    /// Re-inspection record files (`rechecks/`), with their formats.
    pub rechecks: Vec<(PathBuf, FileFormat)>,
    /// Files in the folders given that are not read though they might look like records,
    /// each said in one line, for the command to warn of.
    pub skipped: Vec<String>,
}

impl Plan {
    /// The checklist for a kind of site.
    pub fn checklist_for(&self, kind: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.site_kind == kind)
    }

    /// The checklist that judges `record` ([`checklist_of`]).
    pub fn checklist_of(&self, record: &Record) -> Result<&Checklist> {
        checklist_of(&self.checklists, record)
    }

    /// The settings of this plan (campaign, checklists, waivers, re-inspection files)
    /// without its record files, for work after the records have been read.
    pub fn clone_settings(&self) -> Plan {
        Plan {
            campaign: self.campaign.clone(),
            campaign_dir: self.campaign_dir.clone(),
            checklists: self.checklists.clone(),
            files: Vec::new(),
            waivers: self.waivers.clone(),
            waivers_file: self.waivers_file.clone(),
            rechecks: self.rechecks.clone(),
            skipped: Vec::new(),
        }
    }
}
