//! Runs the stages for one workbook: read → locate → extract → check → blame → write, and for
//! `--fix` decides which findings the corrected copy puts right ([`fix`]).

mod fix;

use std::path::{Path, PathBuf};

use crate::annotate::{self, Lang, WriteError, WriteOptions};
use crate::blame::{self, Places};
use crate::check::rules::{indicators, plausibility, total, unreadable};
use crate::check::{coverage, eval_side, stored, units, Evaluation, Values};
use crate::extract::value::format_number;
use crate::extract::{self, Figures};
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::locate::{FieldCell, Layout, NotFound};
use crate::model::{ErrorKind, FileReport, Finding, Replacement, Status};
use crate::model::{FieldKey, FieldMap, Workbook};
use crate::read::{self, quietly};
use crate::template::Template;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where outputs go (default: beside each input).
    pub out_dir: Option<PathBuf>,
    /// Write the annotated copy.
    pub annotate: bool,
    /// Also write the corrected workbook.
    pub fix: bool,
    /// The corrected workbook shows the annotated copy's marks and notes (`--fix=marked`).
    pub marked: bool,
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
    Panic(Message),
}

impl Error {
    /// The one line said about it, in the run's language once localized.
    pub fn message(&self) -> Message {
        match self {
            Error::Read(e) => e.message(),
            Error::NotFound(e) => e.message(),
            Error::Write(e) => e.message(),
            Error::Panic(m) => m.clone(),
        }
    }

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
        let report = check_workbook(&wb, templates(opts))?;
        Ok((wb, report))
    })
    .unwrap_or_else(|| Err(Error::Panic(internal_error(ErrMsg::Checking, path))));
    let (mut report, wb) = match checked {
        Ok((wb, mut report)) => {
            report.path = display;
            (report, Some(wb))
        }
        Err(e) => {
            let mut failed = FileReport::failed(display, e.message());
            failed.error_kind = Some(e.kind());
            (failed, None)
        }
    };
    report.localize(opts.lang);
    (report, wb)
}

/// The templates `opts` checks with: the user's, or the built-in ones.
fn templates(opts: &Options) -> &[Template] {
    match &opts.template {
        Some(t) => std::slice::from_ref(t),
        None => Template::built_in_ref(),
    }
}

/// Writes the copies `opts` asks for of the workbook `report` is on (read from `path`), their
/// summary sheets also listing the findings of the 自评报告 checked with it (`document`); the
/// copies' paths and notes go into `report`. With `fix`, first decides the corrections
/// (`report.corrections`, `report.not_corrected`), which both copies show.
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
    if opts.fix {
        correct(wb, report, opts);
    }
    let wopts = WriteOptions {
        out_dir: opts.out_dir.clone(),
        force: opts.force,
        lang: opts.lang,
        marked: opts.marked,
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
                    let note = crate::i18n::Message::from(note);
                    if !report.notes.contains(&note) {
                        report.notes.push(note);
                    }
                }
            }
            Err(why) => {
                let not_written = if corrected {
                    ErrMsg::CorrectedNotWritten
                } else {
                    ErrMsg::CopyNotWritten
                };
                report.notes.push(msg!(not_written, why.message()));
                report.error_kind = report.error_kind.or(Some(why.kind()));
            }
        }
    }
    report.localize(opts.lang);
}

/// Decides which findings of `report` (the check of `wb`) the corrected workbook puts right, as
/// `--fix` does before writing it: fills `report.corrections` and `report.not_corrected`.
pub fn correct(wb: &Workbook, report: &mut FileReport, opts: &Options) {
    fix::settle(wb, report, templates(opts), opts.lang);
    report.localize(opts.lang);
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
        None => Err(Error::Panic(internal_error(ErrMsg::WritingCopy, path))),
    }
}

/// The one line a panic leaves in the report: what was being done and to which file.
fn internal_error(doing: ErrMsg, path: &Path) -> Message {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    msg!(ErrMsg::InternalError, doing, name)
}

/// Checks a workbook already read, with the template whose labels fit it best.
pub fn check_workbook(wb: &Workbook, templates: &[Template]) -> Result<FileReport, NotFound> {
    checked(wb, templates).map(|c| c.report)
}

/// What checking one workbook found besides its report: the family's template, where each
/// field is, what each cell holds, and the values the rules compute (for `jixiao export`).
pub struct Checked<'t> {
    pub report: FileReport,
    pub template: &'t Template,
    pub layout: Layout,
    pub figures: Figures,
    /// Derived cell → the value its first rule gives, rounded as the cell shows it, in stored
    /// units (a rate as a ratio).
    pub recalculated: FieldMap<FieldKey, Decimal>,
    evaluation: Option<Evaluation>,
}

/// [`check_workbook`] keeping what it read and computed.
pub fn check_workbook_data<'t>(
    wb: &Workbook,
    templates: &'t [Template],
) -> Result<Checked<'t>, NotFound> {
    let mut c = checked(wb, templates)?;
    c.recalculated = c.evaluation_values();
    Ok(c)
}

/// Reads and checks one file like [`check_only`], keeping the data for an export; the failed
/// report, said in `lang`, when it cannot be checked.
pub fn check_data<'t>(
    path: &Path,
    templates: &'t [Template],
    lang: Lang,
) -> Result<Checked<'t>, Box<FileReport>> {
    let display = crate::model::files::shown(path);
    let checked = quietly(|| -> Result<_, Error> {
        let wb = read::read_path(path)?;
        Ok(check_workbook_data(&wb, templates)?)
    })
    .unwrap_or_else(|| Err(Error::Panic(internal_error(ErrMsg::Checking, path))));
    match checked {
        Ok(mut c) => {
            c.report.path = display;
            Ok(c)
        }
        Err(e) => {
            let mut failed = FileReport::failed(display, e.message());
            failed.error_kind = Some(e.kind());
            failed.localize(lang);
            Err(Box::new(failed))
        }
    }
}

impl Checked<'_> {
    /// Kept from [`checked`] only until [`check_workbook_data`] has computed `recalculated`.
    fn evaluation_values(&mut self) -> FieldMap<FieldKey, Decimal> {
        let evaluation = self.evaluation.take();
        let mut out = FieldMap::default();
        let Some(evaluation) = evaluation else {
            return out;
        };
        for check in &evaluation.checks {
            let Some(key) = check.lhs_key() else { continue };
            if check.cmp != crate::expr::Cmp::Eq || out.contains_key(&key) {
                continue;
            }
            if let Some(Some(v)) = eval_side(&check.rhs, &evaluation.values) {
                out.insert(key, stored(v, evaluation.values.format(&key)));
            }
        }
        out
    }
}

fn checked<'t>(wb: &Workbook, templates: &'t [Template]) -> Result<Checked<'t>, NotFound> {
    let (template, mut layout) = crate::locate::choose(wb, templates).ok_or(NotFound)?;
    let mut figures = extract::extract(wb, &layout);
    let values = Values::from_figures(&figures);
    figures.notes.extend(units::settle(&mut layout, &values));
    let filed_total = total::filed_total(&values, &layout);
    let evaluation = Evaluation::new(template, &layout, &figures, values);
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
    // The judgement calls on the scores as repaired, so that none contradicts a repair.
    findings.extend(indicators::check_indicators(
        &figures,
        &layout,
        &repair.values,
    ));
    let ranges = plausibility::check_ranges(&layout, &figures, values, checks, &findings);
    findings.extend(ranges);

    let recalculated = total::recalculated_total(values, &layout, &findings);
    // The grade goes with the total as repaired: a wrong total is not a reason for a wrong grade.
    let repaired_total = total::filed_total(&repair.values, &layout);
    findings.extend(total::check_grade(&figures, &layout, repaired_total));
    sort_and_dedupe(&mut findings, wb);
    write_back_in_label(&mut findings, &layout, &figures);
    let not_checked = coverage::not_checked(template, &layout, &figures, &evaluation);

    let report = FileReport {
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
        not_checked,
        corrections: Vec::new(),
        not_corrected: Vec::new(),
        notes: figures.notes.clone(),
    };
    Ok(Checked {
        report,
        template,
        layout,
        figures,
        recalculated: FieldMap::default(),
        evaluation: Some(evaluation),
    })
}

/// A correction of a cell holding its label and its value (`其中：基本支出：900.47`) keeps the
/// label: the corrected copy writes `其中：基本支出：` and the new value.
fn write_back_in_label(findings: &mut [Finding], layout: &Layout, figures: &extract::Figures) {
    let on = |c: &FieldCell, f: &Finding| {
        c.pos == f.cell && figures.sheet_name(c.sheet) == Some(f.sheet.as_str())
    };
    for f in findings {
        let Some(label) = layout
            .fields
            .values()
            .find(|c| on(c, f))
            .and_then(|c| c.in_label.as_ref())
        else {
            continue;
        };
        if let (Some(Replacement::Number(_)), Some(expected)) = (&f.replacement, &f.expected) {
            f.replacement = Some(Replacement::Text(format!("{label}{expected}")));
        }
    }
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
