//! jixiao (绩效): checks 部门整体支出绩效自评 workbooks.
//!
//! The data flows through one module per stage:
//! [`read`] (file → [`workbook::Workbook`]) → [`locate`] (labels → field cells, by the layouts in
//! [`template`]) → [`extract`] (cells → typed [`value`]s) → [`check`] (rules → failed checks) →
//! [`blame`] (failed checks → the cells to fix, as [`findings`]) → [`annotate`] (annotated and
//! corrected copies) and [`report`] (terminal text and JSON).

pub mod annotate;
pub mod batch;
pub mod blame;
pub mod blank;
pub mod check;
pub mod cli;
pub mod expr;
pub mod extract;
pub mod findings;
pub mod geometry;
pub mod indicators;
pub mod locate;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod sniff;
pub mod summary;
pub mod template;
pub mod value;
pub mod workbook;

/// The maps keyed by field names: insertion-ordered, with a fast hash (the keys are short
/// strings from our own templates, not from the workbook).
pub type FieldMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;

pub use findings::{FileReport, Finding, Severity, Status};
pub use pipeline::{check_file, check_workbook, Options};
