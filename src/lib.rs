//! jixiao (绩效): checks 部门整体支出绩效自评 workbooks.
//!
//! One folder per stage; each uses only the stages before it in this list (the order
//! `tests/architecture.rs` enforces):
//! [`i18n`] (the message catalogue) ← [`model`] (cells, workbooks, findings) ← [`ooxml`] (package and XML helpers) ← [`expr`] (the
//! rule language) ← [`read`] (file → workbook) ← [`template`] (layouts and rules as data) ←
//! [`locate`] (labels → field cells) ← [`extract`] (cells → typed values) ← [`check`] (rules →
//! outcomes) ← [`blame`] (failed rules → the cells to fix) ← [`narrative`] (the 自评报告 checked
//! against the tables) ← [`annotate`] (the copies) ← [`pipeline`] (the stages for one workbook)
//! ← [`report`] (text and JSON) ← [`summary`] (the summary table) ← [`batch`] (many workbooks)
//! ← [`cli`].

pub mod annotate;
pub mod batch;
pub mod blame;
pub mod check;
pub mod cli;
pub mod exchange;
pub mod expr;
pub mod extract;
pub mod i18n;
pub mod locate;
pub mod model;
pub mod narrative;
pub mod ooxml;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod summary;
pub mod template;

pub use model::{FileReport, Finding, Severity, Status};
pub use pipeline::{check_file, check_workbook, Options};
