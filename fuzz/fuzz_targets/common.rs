//! What the fuzz targets share.
use std::sync::OnceLock;

use yanshou::checklist::{Checklist, builtin};

/// The built-in checklists, loaded once per fuzzing process.
pub fn checklists() -> &'static [Checklist] {
    static LISTS: OnceLock<Vec<Checklist>> = OnceLock::new();
    LISTS.get_or_init(|| {
        builtin::CHECKLISTS
            .iter()
            .filter_map(|(_, text)| Checklist::from_toml(text).ok())
            .collect()
    })
}
