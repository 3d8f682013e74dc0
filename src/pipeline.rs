//! Runs the stages for one workbook: read → locate → extract → check → blame → write.

use std::path::{Path, PathBuf};

use crate::annotate::{self, Lang, WriteError, WriteOptions};
use crate::blame::{self, Places};
use crate::check::rules::{indicators, plausibility, total, unreadable};
use crate::check::{Evaluation, Values};
use crate::extract;
use crate::extract::value::format_number;
use crate::locate::NotFound;
use crate::model::Workbook;
use crate::model::{ErrorKind, FileReport, Finding, Status};
use crate::read::{self, quietly};
use crate::template::Template;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where outputs go (default: beside each input).
    pub out_dir: Option<PathBuf>,
    /// Write the annotated copy.
    pub annotate: bool,
    /// Also write the corrected workbook.
    pub fix: bool,
    /// Replace existing files that jixiao did not write.
    pub force: bool,
    pub lang: Lang,
    /// A user's template, used instead of the built-in ones.
    pub template: Option<Template>,
    /// The outputs' name instead of the input's stem (see [`WriteOptions::out_stem`]).
    pub out_stem: Option<std::ffi::OsString>,
}

/// Why a file could not be checked, or a copy of it not written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Read(#[from] read::ReadError),
    #[error(transparent)]
    NotFound(#[from] NotFound),
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A panic, caught: the one line said about it.
    #[error("{0}")]
    Panic(String),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Read(e) => e.kind(),
            Error::NotFound(_) => ErrorKind::NoTables,
            Error::Write(_) => ErrorKind::Write,
            Error::Panic(_) => ErrorKind::Panic,
        }
    }
}

/// Reads, checks and (as asked) writes the outputs for one file. Never panics on bad input:
/// a file that cannot be checked gets `status: failed`, a one-line error and its kind. When
/// only a copy cannot be written, the findings stand, a note says why the copy is missing and
/// `error_kind` says what kind of error it was.
pub fn check_file(path: &Path, opts: &Options) -> FileReport {
    let (mut report, wb) = check_only(path, opts);
    if let Some(wb) = wb {
        write_copies(&wb, &mut report, None, opts, path);
    }
    report
}

/// Reads and checks one file, writing nothing: its report and, when it could be checked, the
/// workbook read.
pub fn check_only(path: &Path, opts: &Options) -> (FileReport, Option<Workbook>) {
    let display = crate::model::files::shown(path);
    let checked = quietly(|| -> Result<_, Error> {
        let wb = read::read_path(path)?;
        let templates = match &opts.template {
            Some(t) => std::slice::from_ref(t),
            None => Template::built_in_ref(),
        };
        let report = check_workbook(&wb, templates)?;
        Ok((wb, report))
    })
    .unwrap_or_else(|| Err(Error::Panic(internal_error("检查", path))));
    match checked {
        Ok((wb, mut report)) => {
            report.path = display;
            (report, Some(wb))
        }
        Err(e) => {
            let mut failed = FileReport::failed(display, e.to_string());
            failed.error_kind = Some(e.kind());
            (failed, None)
        }
    }
}

/// Writes the copies `opts` asks for of the workbook `report` is on (read from `path`), their
/// summary sheets also listing the findings of the 自评报告 checked with it (`document`); the
/// copies' paths and notes go into `report`.
pub fn write_copies(
    wb: &Workbook,
    report: &mut FileReport,
    document: Option<&FileReport>,
    opts: &Options,
    path: &Path,
) {
    if !opts.annotate && !opts.fix {
        return;
    }
    let wopts = WriteOptions {
        out_dir: opts.out_dir.clone(),
        force: opts.force,
        lang: opts.lang,
        out_stem: opts.out_stem.clone(),
    };
    // Both copies show the report as checked, before any note on writing them.
    let written = [false, true]
        .into_iter()
        .filter(|&corrected| !corrected || opts.fix)
        .map(|corrected| {
            let result = write_copy(wb, report, document, &wopts, corrected, path);
            (corrected, result)
        })
        .collect::<Vec<_>>();
    for (corrected, result) in written {
        match result {
            Ok(w) => {
                let shown = Some(crate::model::files::shown(&w.path));
                if corrected {
                    report.corrected = shown;
                } else {
                    report.output = shown;
                }
                for note in w.notes {
                    if !report.notes.contains(&note) {
                        report.notes.push(note);
                    }
                }
            }
            Err(why) => {
                let what = if corrected {
                    "更正稿"
                } else {
                    "批注副本"
                };
                report.notes.push(format!("未写出{what}：{why}"));
                report.error_kind = report.error_kind.or(Some(why.kind()));
            }
        }
    }
}

/// One copy written, a panic in writing it turned into the reason it is missing.
fn write_copy(
    wb: &Workbook,
    report: &FileReport,
    document: Option<&FileReport>,
    opts: &WriteOptions,
    corrected: bool,
    path: &Path,
) -> Result<annotate::Written, Error> {
    let write = || match document {
        Some(d) => annotate::write_copy_with_document(wb, report, d, opts, corrected),
        None => annotate::write_copy(wb, report, opts, corrected),
    };
    match quietly(write) {
        Some(written) => Ok(written?),
        None => Err(Error::Panic(internal_error("生成副本", path))),
    }
}

/// The one line a panic leaves in the report: what was being done and to which file.
fn internal_error(doing: &str, path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    format!("{doing} {name} 时出现内部错误；请把该文件发给 jixiao 的维护者")
}

/// Checks a workbook already read, with the template whose labels fit it best.
pub fn check_workbook(wb: &Workbook, templates: &[Template]) -> Result<FileReport, NotFound> {
    let (template, layout) = crate::locate::choose(wb, templates).ok_or(NotFound)?;
    let figures = extract::extract(wb, &layout);
    let values = Values::from_figures(&figures);
    let filed_total = total::filed_total(&values, &layout);
    let evaluation = Evaluation::new(template, &layout, values);
    let places = Places {
        layout: &layout,
        figures: &figures,
    };
    let repair = blame::repair(&evaluation, &places);
    let (values, checks) = (&evaluation.values, &evaluation.checks);

    // The order counts: the sort keeps it between findings on one cell of one severity, the
    // de-duplication keeps the first of a rule on a cell, and B6 skips cells already flagged.
    let mut findings: Vec<Finding> = unreadable::check_unreadable(&figures);
    findings.extend(repair.findings);
    findings.extend(indicators::check_indicators(&figures, &layout, values));
    let ranges = plausibility::check_ranges(&layout, &figures, values, checks, &findings);
    findings.extend(ranges);

    let recalculated = total::recalculated_total(values, &layout, &findings);
    findings.extend(total::check_grade(&figures, &layout, filed_total));
    sort_and_dedupe(&mut findings, wb);

    Ok(FileReport {
        path: wb.path.display().to_string(),
        status: Status::Checked,
        error: None,
        error_kind: None,
        output: None,
        corrected: None,
        department: layout.department.clone(),
        year: layout.year,
        total_score: filed_total.map(|t| format_number(t, false, 2)),
        recalculated_total_score: recalculated.map(|t| format_number(t, false, 2)),
        grade: recalculated
            .or(filed_total)
            .map(|t| total::grade_of(t).to_string()),
        findings,
        notes: figures.notes,
    })
}

fn sort_and_dedupe(findings: &mut Vec<Finding>, wb: &Workbook) {
    let sheet_index = |name: &str| {
        wb.sheets
            .iter()
            .position(|s| s.name == name)
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_key(|f| (sheet_index(&f.sheet), f.cell.row, f.cell.col, f.severity));
    findings.dedup_by(|a, b| a.sheet == b.sheet && a.cell == b.cell && a.check == b.check);
}
