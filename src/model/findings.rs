//! What the checker says about a workbook: findings and the per-file report.

use serde::Serialize;

use crate::model::CellPos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Rounding,
    Missing,
    Warning,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Rounding => "舍入",
            Severity::Missing => "缺失",
            Severity::Warning => "提示",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Rounding => "rounding",
            Severity::Missing => "missing",
            Severity::Warning => "warning",
        }
    }

    /// Whether this severity makes the exit status 1.
    pub fn fails(self) -> bool {
        !matches!(self, Severity::Warning)
    }
}

/// The value a corrected workbook writes into a flagged cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Replacement {
    /// A number as stored in the cell (a rate is stored as a ratio: 0.798 for 79.80%).
    Number(rust_decimal::Decimal),
    Text(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub sheet: String,
    #[serde(serialize_with = "serialize_a1")]
    pub cell: CellPos,
    pub severity: Severity,
    /// Rule id from RULES.md §3 (B1…S10, X1) or V1/V2 for values that cannot be read.
    pub check: String,
    /// The value as the cell shows it ("" for a blank cell).
    pub found: String,
    /// The value as the cell should show it, or None when no single value follows.
    pub expected: Option<String>,
    /// One sentence in Chinese: what is wrong, what it should be and why, with the figures.
    pub message: String,
    /// Other cells the failed rule involves.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_a1_list"
    )]
    pub involves: Vec<CellPos>,
    /// What `--fix` writes into the cell.
    #[serde(skip)]
    pub replacement: Option<Replacement>,
}

fn serialize_a1<S: serde::Serializer>(pos: &CellPos, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&pos.to_string())
}

fn serialize_a1_list<S: serde::Serializer>(list: &[CellPos], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(list.len()))?;
    for pos in list {
        seq.serialize_element(&pos.to_string())?;
    }
    seq.end()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Checked,
    Failed,
}

/// The kind of a file's error, so that a batch can tell an unreadable file from a full disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The file could not be read as a workbook.
    Read,
    /// A workbook, but not the two tables jixiao checks.
    NotFound,
    /// A copy could not be written.
    Write,
    /// jixiao itself failed on the file.
    Panic,
}

/// Everything jixiao knows about one input file after checking it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong: for a failed file, why it could not be checked; for a checked one,
    /// why a copy was not written (its notes say more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
    /// The annotated copy, once written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The corrected workbook (`--fix`), once written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Total score as filed: the 总分 cell, or the sum of the filed 得分 when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_score: Option<String>,
    /// Total score with every error, rounding and missing finding put right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recalculated_total_score: Option<String>,
    /// Grade of the recalculated total (优/良/中/差).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    pub findings: Vec<Finding>,
    /// Things worth saying that are not findings (a formula computed because it had no cached value…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FileReport {
    pub fn failed(path: String, error: String) -> Self {
        FileReport {
            path,
            status: Status::Failed,
            error: Some(error),
            error_kind: None,
            output: None,
            corrected: None,
            department: None,
            year: None,
            total_score: None,
            recalculated_total_score: None,
            grade: None,
            findings: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// 0 clean (warnings allowed), 1 has error/rounding/missing findings, 2 unreadable.
    pub fn exit_code(&self) -> i32 {
        match self.status {
            Status::Failed => 2,
            Status::Checked if self.findings.iter().any(|f| f.severity.fails()) => 1,
            Status::Checked => 0,
        }
    }
}
