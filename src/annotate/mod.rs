//! Annotated and corrected copies of a checked workbook.
//!
//! An xlsx file is copied by patching its own package ([`patch`]), so the copy keeps whatever it
//! holds; xls and ods files, and xlsx ones the patch cannot take, are rebuilt with
//! rust_xlsxwriter from the [`Workbook`] model ([`rebuild`]). In the annotated copy a summary
//! sheet comes first and flagged cells get a fill by severity and a note ([`plan`], [`notes`]).
//! The corrected copy holds the report's corrections (decided by the pipeline) and is clean —
//! the original's look, its changes listed in its document properties — or, marked, shows
//! what the annotated copy shows ([`Mode`]).
//!
//! Files are written to a temporary file beside the destination and renamed into place
//! ([`atomic`]), and an existing file is only replaced when jixiao wrote it, or with `force`
//! ([`paths`]).

mod atomic;
mod names;
mod notes;
mod patch;
mod paths;
mod plan;
mod rebuild;
mod summary_sheet;

use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;

use rust_xlsxwriter as xw;

use crate::i18n::notes::NoteMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};
use crate::model::{FileReport, Workbook};
use plan::CopyPlan;
use summary_sheet::SummarySheet;

pub(crate) use paths::{carries_mark, MARK_PROPERTY};
pub use paths::{is_jixiao_output, output_path, output_path_named};
pub use plan::severity_color;

pub use crate::i18n::Lang;

#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Folder for the outputs; the input's folder when None.
    pub out_dir: Option<PathBuf>,
    /// Replace an existing output even when jixiao did not write it.
    pub force: bool,
    pub lang: Lang,
    /// The corrected copy shows the annotated copy's marks and notes (`--fix=marked`).
    pub marked: bool,
    /// The name the outputs are given instead of the input's stem (another file of the batch
    /// has the usual name).
    pub out_stem: Option<OsString>,
}

/// Why a copy could not be written; said in Chinese, or in any language by [`WriteError::message`].
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    DirNotWritable { dir: PathBuf, reason: String },
    DiskFull { path: PathBuf },
    NotOurs { path: PathBuf },
    SameAsInput { path: PathBuf },
    Io { path: PathBuf, reason: String },
    Build(String),
}

impl WriteError {
    /// What went wrong, to be said in the run's language.
    pub fn message(&self) -> Message {
        let shown = |p: &PathBuf| p.display().to_string();
        match self {
            WriteError::DirNotWritable { dir, reason } => {
                msg!(NoteMsg::DirNotWritable, shown(dir), reason)
            }
            WriteError::DiskFull { path } => msg!(NoteMsg::DiskFull, shown(path)),
            WriteError::NotOurs { path } => msg!(NoteMsg::NotOurs, shown(path)),
            WriteError::SameAsInput { path } => msg!(NoteMsg::SameAsInput, shown(path)),
            WriteError::Io { path, reason } => msg!(NoteMsg::WriteFailed, shown(path), reason),
            WriteError::Build(why) => msg!(NoteMsg::BuildFailed, why),
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl From<xw::XlsxError> for WriteError {
    fn from(e: xw::XlsxError) -> Self {
        WriteError::Build(e.to_string())
    }
}

/// Writes `<name>.checked.xlsx`: the workbook with every flagged cell filled and noted, after a
/// summary sheet. Returns the path written.
pub fn write_annotated(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    write_copy(wb, report, opts, false).map(|w| w.path)
}

/// Writes `<name>.corrected.xlsx`: the workbook with the report's corrections written into their
/// cells — clean (no fills, notes or summary sheet, the changes listed in its document
/// properties), or marked as the annotated copy is with `opts.marked`.
pub fn write_corrected(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
) -> Result<PathBuf, WriteError> {
    write_copy(wb, report, opts, true).map(|w| w.path)
}

/// A copy written: where, and the notes for the report on how it was made (merged ranges left
/// out, …), in the copy's language.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub notes: Vec<String>,
}

/// Writes the annotated copy (the corrected one with `corrected`), as [`write_annotated`] and
/// [`write_corrected`] do, with the notes on how it was made.
pub fn write_copy(
    wb: &Workbook,
    report: &FileReport,
    opts: &WriteOptions,
    corrected: bool,
) -> Result<Written, WriteError> {
    write_output(wb, report, None, opts, Mode::of(corrected, opts.marked))
}

/// Writes the copy as [`write_copy`] does, its summary sheet also listing the findings of the
/// 自评报告 checked with the workbook (`document`), in a section of their own.
pub fn write_copy_with_document(
    wb: &Workbook,
    report: &FileReport,
    document: &FileReport,
    opts: &WriteOptions,
    corrected: bool,
) -> Result<Written, WriteError> {
    write_output(
        wb,
        report,
        Some(document),
        opts,
        Mode::of(corrected, opts.marked),
    )
}

/// The bytes of a copy, written nowhere.
pub fn render(
    wb: &Workbook,
    report: &FileReport,
    lang: Lang,
    mode: Mode,
) -> Result<Vec<u8>, WriteError> {
    build(wb, report, None, lang, mode).map(|built| built.bytes)
}

/// Which copy is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The workbook with every flagged cell filled and noted, after a summary sheet.
    Annotated,
    /// The report's corrections written in, and nothing else: what is sent on.
    Corrected,
    /// The corrections written in, with the annotated copy's marks, notes and summary.
    CorrectedMarked,
}

impl Mode {
    fn of(corrected: bool, marked: bool) -> Mode {
        match (corrected, marked) {
            (false, _) => Mode::Annotated,
            (true, false) => Mode::Corrected,
            (true, true) => Mode::CorrectedMarked,
        }
    }

    /// Whether the copy holds the corrections.
    fn corrects(self) -> bool {
        self != Mode::Annotated
    }

    /// Whether the copy shows fills, notes and the summary sheet.
    fn marks(self) -> bool {
        self != Mode::Corrected
    }

    fn suffix(self) -> &'static str {
        match self {
            Mode::Annotated => "checked",
            Mode::Corrected | Mode::CorrectedMarked => "corrected",
        }
    }
}

fn write_output(
    wb: &Workbook,
    report: &FileReport,
    document: Option<&FileReport>,
    opts: &WriteOptions,
    mode: Mode,
) -> Result<Written, WriteError> {
    let dest = output_path_named(
        &wb.path,
        opts.out_stem.as_deref(),
        opts.out_dir.as_deref(),
        mode.suffix(),
    );
    if let Some(dir) = &opts.out_dir {
        if !dir.is_dir() {
            fs::create_dir_all(dir).map_err(|e| WriteError::DirNotWritable {
                dir: dir.clone(),
                reason: e.to_string(),
            })?;
        }
    }
    paths::check_destination(&wb.path, &dest, opts.force)?;
    let built = build(wb, report, document, opts.lang, mode)?;
    // The digest that lets a later run tell this copy from one a person has edited.
    let bytes = crate::ooxml::seal(built.bytes).map_err(|e| WriteError::Build(e.to_string()))?;
    atomic::write_atomically(&dest, &bytes)?;
    Ok(Written {
        path: dest,
        notes: built.notes.iter().map(|n| n.render(opts.lang)).collect(),
    })
}

/// A copy's bytes and what the report should say about how it was made.
struct Built {
    bytes: Vec<u8>,
    notes: Vec<Message>,
}

fn build(
    wb: &Workbook,
    report: &FileReport,
    document: Option<&FileReport>,
    lang: Lang,
    mode: Mode,
) -> Result<Built, WriteError> {
    let flags = plan::plan(wb, report, mode);
    let values_only = wb
        .sheets
        .iter()
        .flat_map(|s| s.cells.values())
        .filter(|c| {
            c.formula
                .as_deref()
                .is_some_and(|f| rebuild::formula::portable_formula(wb.kind, f).is_none())
        })
        .count();
    let names = names::sheet_names(wb, lang);
    let summary = SummarySheet::layout(wb, report, document, &names, mode, lang, values_only);
    let plan = CopyPlan {
        wb,
        report,
        flags: &flags,
        names: &names,
        summary: &summary,
        mode,
        lang,
    };
    let mut notes = Vec::new();
    if let Some(package) = &wb.package {
        // Patching keeps everything the file holds; what it cannot patch is rebuilt below.
        match patch::patch(package, &plan) {
            Ok(bytes) => {
                notes.extend(dropped_entries_note(package.bytes()));
                return Ok(Built { bytes, notes });
            }
            Err(why) => notes.push(why.note()),
        }
    }
    let (bytes, left_out) = rebuild::rebuild(&plan)?;
    notes.extend(left_out);
    Ok(Built { bytes, notes })
}

/// The note on the entries the patched copy leaves out because their names are absolute or
/// climb out of their folder (`../x`, `/tmp/x`).
fn dropped_entries_note(package: &[u8]) -> Option<Message> {
    let names = crate::ooxml::unsafe_names(package);
    (!names.is_empty()).then(|| {
        let shown = names.iter().take(5).map(|n| Message::raw(format!("{n:?}")));
        let shown = Message::join(shown, Word::ListSep);
        msg!(NoteMsg::DroppedEntries, names.len(), shown)
    })
}
