//! The 自评报告 itself: reads the report (.docx or .txt), finds the figures its text states
//! (vocabulary-driven, `workbook-templates/vocabulary.toml`) and checks them against the tables
//! (R1) and against themselves (R2 lists, R3 rates and changes); writes the report annotated
//! with Word comments.

pub mod annotate;
pub mod checks;
pub mod docx;
pub mod figures;
pub mod pair;
pub mod tables;
pub mod text;
pub mod vocabulary;

use std::fmt::{self, Write as _};
use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::i18n::frame::Frame;
use crate::i18n::narrative::DocMsg;
use crate::i18n::{msg, Lang, Message};
use crate::model::{FileReport, Finding, Severity, Status};
pub use tables::Tables;
use vocabulary::Vocabulary;

/// The largest report read.
const MAX_FILE_BYTES: u64 = crate::read::sniff::MAX_FILE_BYTES;
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A report as paragraphs: for a .docx every `<w:p>` in order (table cells too), for a .txt
/// every line. Paragraph `i` is numbered `i + 1` in findings.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub paragraphs: Vec<String>,
}

/// Why a report cannot be read or its annotated copy not written; said by [`DocError::message`].
#[derive(Debug, Clone)]
pub enum DocError {
    /// What is wrong with the file, and what to do about it.
    Unreadable(Message),
    TooLarge,
    /// A file that could not be read or written, and why.
    Io(Message),
}

impl DocError {
    pub fn message(&self) -> Message {
        match self {
            DocError::Unreadable(m) | DocError::Io(m) => m.clone(),
            DocError::TooLarge => DocMsg::TooLarge.into(),
        }
    }

    /// A file of the report that could not be read.
    fn unreadable_file(e: &std::io::Error) -> DocError {
        DocError::Io(msg!(DocMsg::CannotRead, e.to_string()))
    }
}

/// In Chinese; [`DocError::message`] says it in the run's language.
impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for DocError {}

/// Whether `path` names a report jixiao reads or explains (`.docx`, `.txt`, `.doc`, `.wps`,
/// `.pdf`), not one of its own outputs.
pub fn is_report_name(path: &Path) -> bool {
    let name = file_name(path);
    let ext_ok = [".docx", ".txt", ".doc", ".wps", ".pdf"]
        .iter()
        .any(|e| name.ends_with(e));
    ext_ok && !name.starts_with("~$") && !name.starts_with('.') && !name.contains(".checked.")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Reads a report. `.doc`, `.wps` and `.pdf` are not read (no well-kept crate reads them
/// reliably): the error says to save the report as .docx.
pub fn read_document(path: &Path) -> Result<Document, DocError> {
    let name = file_name(path);
    let saved_as = ["doc", "wps", "pdf"]
        .into_iter()
        .find(|e| name.ends_with(&format!(".{e}")));
    if let Some(ext) = saved_as {
        return Err(DocError::Unreadable(msg!(DocMsg::SaveAsDocx, ext)));
    }
    let size = fs::metadata(path)
        .map_err(|e| DocError::unreadable_file(&e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(DocError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    crate::model::files::open_regular(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| DocError::unreadable_file(&e))?;
    let paragraphs = if name.ends_with(".txt") {
        text_paragraphs(&bytes)?
    } else {
        docx_paragraphs(&bytes)?
    };
    Ok(Document {
        path: path.to_path_buf(),
        paragraphs,
    })
}

/// The paragraphs of a .docx held in memory.
pub fn docx_paragraphs(bytes: &[u8]) -> Result<Vec<String>, DocError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(DocError::Unreadable(DocMsg::EncryptedOrDoc.into()));
    }
    let xml = docx::document_xml(Cursor::new(bytes))?;
    Ok(docx::scan(&xml)?.into_iter().map(|p| p.text).collect())
}

/// The lines of a text file: UTF-8 (with or without BOM), else GB18030 is not guessed.
fn text_paragraphs(bytes: &[u8]) -> Result<Vec<String>, DocError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text =
        std::str::from_utf8(bytes).map_err(|_| DocError::Unreadable(DocMsg::NotUtf8.into()))?;
    Ok(text.lines().map(str::to_string).collect())
}

/// The findings of a report: R2 and R3 always, R1 when the tables are given.
pub fn check_document(doc: &Document, tables: Option<&Tables>) -> Vec<Finding> {
    let vocab = Vocabulary::get();
    let found = figures::extract(&doc.paragraphs, vocab);
    checks::run(&checks::Context {
        doc,
        found: &found,
        tables,
        vocab,
    })
}

/// The report on a 自评报告: its findings, or a one-line error when it cannot be read.
pub fn check_report(path: &Path, tables: Option<&Tables>) -> FileReport {
    let display = path.display().to_string();
    let doc = match read_document(path) {
        Ok(d) => d,
        Err(e) => return FileReport::failed(display, e.message()),
    };
    let mut report = FileReport::failed(display, String::new());
    report.status = Status::Checked;
    report.error = None;
    report.findings = check_document(&doc, tables);
    if tables.is_none() {
        report.notes.push(DocMsg::NoPairedWorkbook.into());
    }
    report
}

/// The figure the text should read, when the finding gives one: not for an R1 warning, whose
/// `expected` is the table's figure that the text shows to be wrong.
fn to_write(f: &Finding) -> Option<&str> {
    let text_supports_table_fix = f.check == "R1" && f.severity == Severity::Warning;
    f.expected.as_deref().filter(|_| !text_supports_table_fix)
}

/// A readable block for one report, as the workbooks' text report prints them, in `lang`.
pub fn to_text(report: &FileReport, lang: Lang) -> String {
    let say = |m: DocMsg| m.text(lang);
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.path);
    if report.status == Status::Failed {
        let error = report.error.as_ref().map(|e| e.render(lang));
        let _ = writeln!(
            out,
            "  {}{}",
            Frame::CannotCheck.text(lang),
            error.unwrap_or_default()
        );
        return out;
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "  {}", say(DocMsg::NoFindings));
    } else {
        let count = msg!(DocMsg::Findings, report.findings.len());
        let _ = writeln!(out, "  {}", count.render(lang));
    }
    for f in &report.findings {
        let place = f.text.as_ref().map_or(String::new(), |t| {
            msg!(DocMsg::Paragraph, t.paragraph).render(lang)
        });
        let expected = to_write(f).map(|e| format!(" → {e}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  [{}] {place} {}{expected}  {} {}",
            f.severity.label(lang),
            f.found,
            f.check,
            f.message.render(lang)
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "  {} {}", Frame::Note.text(lang), note.render(lang));
    }
    if let Some(o) = &report.output {
        let _ = writeln!(out, "  {} {o}", Frame::AnnotatedCopy.text(lang));
    }
    out
}
