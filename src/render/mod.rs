//! Turning an [`Audit`] into text: one renderer per format, behind one trait. Renderers
//! format what the audit decided; they never judge anything themselves.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

use crate::audit::Audit;
use crate::cli::Format;
use crate::lang::Lang;

/// Writes an audit in one format.
pub trait Renderer {
    /// Writes `audit` to `out` in `lang`.
    fn render(&self, audit: &Audit<'_>, lang: Lang, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer of a format.
pub fn renderer(format: Format) -> Box<dyn Renderer> {
    match format {
        Format::Table => Box::new(table::Table),
        Format::Json => Box::new(json::Json),
        Format::Csv => Box::new(csv::Csv),
    }
}

pub use table::checklist_table;
