//! Runs the stages for one file.
pub struct Options;
pub fn check_file() {}
pub fn check_workbook() {}
