//! Writing stage (stub until the writer lands).
use std::path::{Path, PathBuf};

use crate::findings::FileReport;
use crate::workbook::Workbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

pub struct WriteOptions {
    pub out_dir: Option<PathBuf>,
    pub force: bool,
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("尚未实现")]
    NotYet,
}

pub fn output_path(input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let dir = out_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| input.parent().map(Path::to_path_buf).unwrap_or_default());
    dir.join(format!("{stem}.{suffix}.xlsx"))
}

pub fn write_annotated(
    _wb: &Workbook,
    _report: &FileReport,
    _opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    Err(WriteError::NotYet)
}

pub fn write_corrected(
    _wb: &Workbook,
    _report: &FileReport,
    _opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    Err(WriteError::NotYet)
}
