//! The batch summary: one small row per workbook, kept in a spill file while the batch runs
//! ([`rows`]), then read back worst first into `汇总.xlsx` ([`workbook`]) and a terminal table
//! ([`table`]).

mod rows;
mod table;
mod workbook;

pub use rows::{RowStore, SortedRows};
pub use table::terminal_table;
pub use workbook::{is_jixiao_summary, write_summary, SummaryError};

use serde::{Deserialize, Serialize};

use crate::annotate::Lang;
use crate::i18n::notes::NoteMsg;
use crate::model::{FileReport, Severity, Status};
use crate::report::msg::{self, Msg};

/// Default file name of the summary workbook.
pub const DEFAULT_NAME: &str = "汇总.xlsx";

/// What the summary keeps of one checked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub path: String,
    pub output: Option<String>,
    pub department: Option<String>,
    pub year: Option<u32>,
    pub total_score: Option<String>,
    pub recalculated_total_score: Option<String>,
    pub grade: Option<String>,
    /// Findings per severity: error, rounding, missing, warning.
    pub counts: [u32; 4],
    pub failed: bool,
    pub error: Option<String>,
    /// Rules that could not run (RULES.md §8).
    #[serde(default)]
    pub not_checked: u32,
}

const SEVERITIES: [Severity; 4] = [
    Severity::Error,
    Severity::Rounding,
    Severity::Missing,
    Severity::Warning,
];

impl SummaryRow {
    /// The `i`th count as shown in the summary: blank for a file that could not be checked.
    fn count_text(&self, i: usize) -> String {
        if self.failed {
            String::new()
        } else {
            self.counts[i].to_string()
        }
    }

    pub fn from_report(r: &FileReport) -> Self {
        SummaryRow {
            path: r.path.clone(),
            output: r.output.clone(),
            department: r.department.clone(),
            year: r.year,
            total_score: r.total_score.clone(),
            recalculated_total_score: r.recalculated_total_score.clone(),
            grade: r.grade.clone(),
            counts: SEVERITIES.map(|s| u32::try_from(r.count(s)).unwrap_or(u32::MAX)),
            failed: r.status == Status::Failed,
            error: r.error.as_ref().map(|e| e.to_string()),
            not_checked: u32::try_from(r.not_checked.len()).unwrap_or(u32::MAX),
        }
    }

    /// Ascending = worst first: files that could not be checked, then most errors, most
    /// rounding, most missing, most warnings (counts past 255, 127 for missing, tie).
    pub fn sort_key(&self) -> u32 {
        let rev = |n: u32, max: u32| max - n.min(max);
        (u32::from(!self.failed) << 31)
            | (rev(self.counts[0], 0xFF) << 23)
            | (rev(self.counts[1], 0xFF) << 15)
            | (rev(self.counts[2], 0x7F) << 8)
            | rev(self.counts[3], 0xFF)
    }

    fn exit_code(&self) -> i32 {
        if self.failed {
            2
        } else if self.counts[..3].iter().any(|&n| n > 0) {
            1
        } else {
            0
        }
    }

    /// 已检查 / 无法检查：reason.
    pub fn status_text(&self, lang: Lang) -> String {
        if self.failed {
            let error = self.error.as_deref().unwrap_or("");
            format!("{}{error}", msg::text(Msg::CannotCheck, lang))
        } else {
            msg::text(Msg::Checked, lang).to_string()
        }
    }
}

/// How many files ended which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub failed: usize,
    /// Checked, with error, rounding or missing findings.
    pub with_errors: usize,
    /// Checked, only warnings.
    pub warnings_only: usize,
    pub clean: usize,
}

/// Columns of the summary workbook.
const COLUMNS: usize = 12;

fn headers(lang: Lang) -> [&'static str; COLUMNS] {
    [
        NoteMsg::Department,
        NoteMsg::Year,
        NoteMsg::File,
        NoteMsg::SummaryTotalFiled,
        NoteMsg::SummaryRecalculated,
        NoteMsg::Grade,
        NoteMsg::SummaryErrors,
        NoteMsg::SummaryRounding,
        NoteMsg::SummaryMissing,
        NoteMsg::SummaryWarnings,
        NoteMsg::SummaryStatus,
        NoteMsg::SummaryRulesNotChecked,
    ]
    .map(|h| h.text(lang))
}

/// The row's cells as text (what the column widths are measured on).
fn cells(row: &SummaryRow, lang: Lang) -> [String; COLUMNS] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let count = |i: usize| row.count_text(i);
    [
        opt(&row.department),
        row.year.map(|y| y.to_string()).unwrap_or_default(),
        row.path.clone(),
        opt(&row.total_score),
        opt(&row.recalculated_total_score),
        opt(&row.grade),
        count(0),
        count(1),
        count(2),
        count(3),
        row.status_text(lang),
        if row.failed {
            String::new()
        } else {
            row.not_checked.to_string()
        },
    ]
}

/// Columns holding numbers, written as numbers.
const NUMERIC: [bool; COLUMNS] = [
    false, true, false, true, true, false, true, true, true, true, false, true,
];

#[cfg(test)]
fn sample_row(path: &str, failed: bool, counts: [u32; 4]) -> SummaryRow {
    SummaryRow {
        path: path.into(),
        output: None,
        department: Some("衡阳市生态环境局耒阳分局".into()),
        year: Some(2024),
        total_score: Some("94.00".into()),
        recalculated_total_score: Some("93.95".into()),
        grade: Some("优".into()),
        counts,
        failed,
        error: failed.then(|| "坏了".to_string()),
        not_checked: 0,
    }
}
