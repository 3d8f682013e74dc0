//! Report stage: one renderer per output format ([`text`], [`json`]) behind [`Renderer`].

mod json;
pub mod msg;
mod os_error;
mod text;

pub use json::{array_element, to_json, Json, REPORT_SCHEMA};
pub use os_error::os_error;
pub use text::{to_text, Text};

use crate::annotate::Lang;
use crate::model::FileReport;

/// How reports are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

impl Format {
    pub fn renderer(self, lang: Lang) -> Box<dyn Renderer> {
        match self {
            Format::Text => Box::new(Text { lang }),
            Format::Json => Box::new(Json),
        }
    }
}

/// One output format: each file's part on its own, so that a batch can print the parts as the
/// files are done, and what goes between and around them.
pub trait Renderer: Send + Sync {
    /// One file's part.
    fn file(&self, report: &FileReport) -> String;
    /// What goes before the part of the file at `index` (0 for the first).
    fn before(&self, _index: usize) -> &'static str {
        ""
    }
    /// What goes after the last of `count` parts.
    fn end(&self, _count: usize) -> &'static str {
        ""
    }
}
