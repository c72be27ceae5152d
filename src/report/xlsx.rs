//! (Being written.)

use std::path::PathBuf;

use super::Report;

/// The files of this format, as (path relative to the output folder, bytes).
pub fn render(_report: &Report<'_>) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    anyhow::bail!("this report format is being written")
}
