//! What the checker says about a workbook: findings and the per-file report.

use serde::{Deserialize, Serialize};

use crate::i18n::check::CheckMsg;
use crate::i18n::msg;
use crate::i18n::words::Word;
use crate::i18n::{Lang, Message};
use crate::model::{CellPos, RuleId};

/// How bad a finding is (RULES.md §5); templates name it in lower case (`severity = "warning"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Rounding,
    Missing,
    Warning,
}

impl Severity {
    pub fn word(self) -> Word {
        match self {
            Severity::Error => Word::Error,
            Severity::Rounding => Word::Rounding,
            Severity::Missing => Word::Missing,
            Severity::Warning => Word::Warning,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.word().text(lang)
    }

    pub fn label_zh(self) -> &'static str {
        self.label(Lang::Zh)
    }

    pub fn label_en(self) -> &'static str {
        self.label(Lang::En)
    }

    /// Whether this severity makes the exit status 1.
    pub fn fails(self) -> bool {
        !matches!(self, Severity::Warning)
    }
}

/// A typing slip that turns the right value into the filed one (RULES.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Typo {
    /// 3847.26 for 3874.26.
    AdjacentSwap,
    /// 2204.05 for 2204.95.
    OneDigit,
    /// 54.49 for 545.49.
    DigitDropped,
    /// 5455.49 for 545.49.
    DigitDoubled,
    /// 18.9 for 1.89: the decimal point in the wrong place (×10ⁿ or ÷10ⁿ).
    DecimalShift,
    /// −407.41 for 407.41.
    SignFlip,
    /// 38742600 for 3874.26 万元: the amount typed in 元.
    YuanForWan,
}

impl Typo {
    pub fn word(self) -> Word {
        match self {
            Typo::AdjacentSwap => Word::AdjacentSwap,
            Typo::OneDigit => Word::OneDigit,
            Typo::DigitDropped => Word::DigitDropped,
            Typo::DigitDoubled => Word::DigitDoubled,
            Typo::DecimalShift => Word::DecimalShift,
            Typo::SignFlip => Word::SignFlip,
            Typo::YuanForWan => Word::YuanForWan,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.word().text(lang)
    }

    pub fn label_zh(self) -> &'static str {
        self.label(Lang::Zh)
    }

    /// `疑似录入错误：3874.26 录成了 3847.26（相邻两位数字颠倒）`.
    pub fn note(self, expected: &str, found: &str) -> Message {
        msg!(Word::TypoNote, expected, found, self.word())
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
    /// The table's sheet ("" for a finding of the report's text that names no cell).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sheet: String,
    #[serde(
        serialize_with = "serialize_a1",
        skip_serializing_if = "CellPos::is_none"
    )]
    pub cell: CellPos,
    pub severity: Severity,
    /// Rule id from RULES.md §3 (B1…S10, X1), V1 for values that cannot be read, or a template's.
    pub check: RuleId,
    /// The value as the cell shows it ("" for a blank cell).
    pub found: String,
    /// The value as the cell should show it, or None when no single value follows.
    pub expected: Option<String>,
    /// One sentence: what is wrong, what it should be and why, with the figures.
    pub message: Message,
    /// Other cells the failed rule involves.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_a1_list"
    )]
    pub involves: Vec<CellPos>,
    /// What `--fix` writes into the cell.
    #[serde(skip)]
    pub replacement: Option<Replacement>,
    /// The typing slip the filed value looks like, when the expected value explains it so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typo: Option<Typo>,
    /// Where in the 自评报告 a finding of its text stands (`document`, `paragraph`, `quote`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextPlace>,
}

/// A place in the report's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPlace {
    /// The report's path.
    pub document: String,
    /// 1-based.
    pub paragraph: usize,
    /// The sentence, shortened.
    pub quote: String,
    /// Characters of the sentence and of the figure in the paragraph (for the annotated copy).
    #[serde(skip)]
    pub sentence: std::ops::Range<usize>,
    #[serde(skip)]
    pub figure: std::ops::Range<usize>,
}

impl Finding {
    /// A finding with nothing found, expected, involved or to write in; the setters below add them.
    pub fn new(
        check: RuleId,
        severity: Severity,
        sheet: impl Into<String>,
        cell: CellPos,
        message: impl Into<Message>,
    ) -> Finding {
        Finding {
            sheet: sheet.into(),
            cell,
            severity,
            check,
            found: String::new(),
            expected: None,
            message: message.into(),
            involves: Vec::new(),
            replacement: None,
            typo: None,
            text: None,
        }
    }

    /// The value as the cell shows it.
    pub fn found(mut self, found: impl Into<String>) -> Finding {
        self.found = found.into();
        self
    }

    pub fn expected(mut self, expected: impl Into<Option<String>>) -> Finding {
        self.expected = expected.into();
        self
    }

    pub fn involves(mut self, cells: Vec<CellPos>) -> Finding {
        self.involves = cells;
        self
    }

    pub fn replacement(mut self, replacement: impl Into<Option<Replacement>>) -> Finding {
        self.replacement = replacement.into();
        self
    }

    pub fn typo(mut self, typo: Option<Typo>) -> Finding {
        self.typo = typo;
        self
    }
}

/// A value the corrected workbook holds in place of what was filed (`--fix`).
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub sheet: String,
    #[serde(serialize_with = "serialize_a1")]
    pub cell: CellPos,
    /// The value as filed ("" for a blank cell).
    pub from: String,
    /// The value written, as the cell shows it.
    pub to: String,
    /// The cell held a formula whose result was wrong; the copy holds the value instead.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub formula: bool,
    #[serde(skip)]
    pub value: Replacement,
}

/// Why `--fix` left a flagged cell as filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unfixed {
    /// No single value follows from the rules.
    Open,
    /// Findings on the cell ask for different values.
    Conflict,
    /// The cell is hidden inside a merged range.
    Merged,
    /// With the change made, the corrected workbook checked again still does not hold.
    Unsettled,
}

/// An error, rounding or missing finding `--fix` did not put right, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Uncorrected {
    pub sheet: String,
    #[serde(serialize_with = "serialize_a1")]
    pub cell: CellPos,
    pub found: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    pub why: Unfixed,
    pub reason: Message,
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

/// A rule that did not run (RULES.md §8): the fields it needed and could not find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    pub check: RuleId,
    /// The rule's name, for the text report.
    #[serde(skip)]
    pub name: Message,
    /// The fields' labels as the template knows them ("编制数"), or a whole table ("基础数据表").
    pub missing: Vec<Message>,
    /// Labels on the sheet close to a missing one (`实有人数` ≈ `实际在职人数`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub close: Vec<CloseLabel>,
}

impl NotChecked {
    /// The report's line: `未能检查：B1 财政供养人员控制率（未找到"编制数"）`, and the labels
    /// on the sheet close to a missing one.
    pub fn line(&self) -> Message {
        let quoted = self.missing.iter().map(|m| msg!(Word::Quoted, m));
        let close = self
            .close
            .iter()
            .map(|c| msg!(CheckMsg::CloseLabel, &c.found, &c.known));
        msg!(
            CheckMsg::NotChecked,
            self.check.to_string(),
            &self.name,
            Message::join(quoted, Word::ListSep),
            Message::join(close, Word::ClauseSep),
        )
    }
}

/// A label on the sheet that is close to, but not, a known one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloseLabel {
    /// As typed on the sheet.
    pub found: String,
    /// The template's label it resembles.
    pub known: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Checked,
    Failed,
}

/// Why a file could not be checked, or a copy of it not written: small enough for a report and
/// a program reading the JSON to tell "not a workbook" from "disk full".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// There is no file at the path.
    Missing,
    /// The file could not be read: permissions, a folder, the disk.
    Io,
    /// Not a spreadsheet: a picture, a document, plain text, an empty file, no worksheets.
    NotAWorkbook,
    /// A table in a format to convert first: xlsb, Excel 2003 XML, HTML, CSV, Excel 2–4.
    Unsupported,
    /// Password-protected.
    Encrypted,
    /// Damaged, incomplete or malformed.
    Corrupt,
    /// Beyond the limits: the file, what it inflates to, or its cells, text, merges or sheets.
    TooLarge,
    /// A workbook, but not the two tables jixiao checks.
    NoTables,
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
    pub error: Option<Message>,
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
    /// Rules that could not run on this workbook, with the fields they lacked (RULES.md §8).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<NotChecked>,
    /// What the corrected workbook changed (`--fix`), in the order of the findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// The error, rounding and missing findings the corrected workbook leaves as filed, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_corrected: Vec<Uncorrected>,
    /// Things worth saying that are not findings (a formula computed because it had no cached value…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Message>,
}

impl FileReport {
    pub fn failed(path: String, error: impl Into<Message>) -> Self {
        FileReport {
            path,
            status: Status::Failed,
            error: Some(error.into()),
            error_kind: None,
            output: None,
            corrected: None,
            department: None,
            year: None,
            total_score: None,
            recalculated_total_score: None,
            grade: None,
            findings: Vec::new(),
            not_checked: Vec::new(),
            corrections: Vec::new(),
            not_corrected: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Puts every message in `lang` for good: what the report, the copies and the JSON say.
    pub fn localize(&mut self, lang: Lang) {
        let findings = self.findings.iter_mut().map(|f| &mut f.message);
        let reasons = self.not_corrected.iter_mut().map(|u| &mut u.reason);
        let missing = self.not_checked.iter_mut().flat_map(|n| &mut n.missing);
        for m in findings
            .chain(reasons)
            .chain(missing)
            .chain(self.notes.iter_mut())
            .chain(self.error.iter_mut())
        {
            m.localize(lang);
        }
    }

    /// The error as said in the run's language ("" for none).
    pub fn error_text(&self) -> String {
        self.error
            .as_ref()
            .map(Message::to_string)
            .unwrap_or_default()
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
