//! jixiao (绩效): checks 部门整体支出绩效自评 workbooks.
//!
//! One folder per stage, dependencies pointing down this list only:
//! [`model`] (cells, workbooks, findings) ← [`ooxml`] (package and XML helpers) ← [`read`]
//! (file → workbook) ← [`expr`] (the rule language) ← [`template`] (layouts and rules as data) ←
//! [`locate`] (labels → field cells) ← [`extract`] (cells → typed values) ← [`check`] (rules →
//! outcomes) ← [`blame`] (failed rules → the cells to fix) ← [`pipeline`] (the stages for one
//! workbook) ← [`annotate`] (the copies) ← [`report`] (text and JSON) ← [`summary`] /
//! [`batch`] (many workbooks) ← [`cli`].

pub mod annotate;
pub mod batch;
pub mod blame;
pub mod check;
pub mod cli;
pub mod expr;
pub mod extract;
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
