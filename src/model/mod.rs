//! The values every stage passes on: the workbook as read, and what the checker says about it.
//! Imports nothing of the crate.

mod field;
pub mod files;
mod findings;
mod rule;
pub mod text;
mod workbook;

pub use field::{FieldKey, Kind, Name};
pub use findings::*;
pub use rule::RuleId;
pub use workbook::*;

/// The maps keyed by field names: insertion-ordered, with a fast hash (the keys are short
/// strings from our own templates, not from the workbook).
pub type FieldMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
