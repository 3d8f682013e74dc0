//! Runs the stages for one workbook: read → locate → extract → check → blame → write.

use std::path::{Path, PathBuf};

use crate::annotate::{self, Lang, WriteOptions};
use crate::blame::{self, Places};
use crate::check::rules::{indicators, plausibility, total, unreadable};
use crate::check::{Evaluation, Values};
use crate::extract;
use crate::extract::value::format_number;
use crate::locate::NotFound;
use crate::model::Workbook;
use crate::model::{FileReport, Finding, Status};
use crate::read;
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
}

/// Reads, checks and (as asked) writes the outputs for one file. Never panics on bad input:
/// a file that cannot be checked gets `status: failed` and a one-line error.
pub fn check_file(path: &Path, opts: &Options) -> FileReport {
    let display = path.display().to_string();
    let wb = match read::read_path(path) {
        Ok(wb) => wb,
        Err(e) => return FileReport::failed(display, e.to_string()),
    };
    let templates = match &opts.template {
        Some(t) => std::slice::from_ref(t),
        None => Template::built_in_ref(),
    };
    let mut report = match check_workbook(&wb, templates) {
        Ok(r) => r,
        Err(e) => return FileReport::failed(display, e.to_string()),
    };
    report.path = display;
    if opts.annotate || opts.fix {
        let wopts = WriteOptions {
            out_dir: opts.out_dir.clone(),
            force: opts.force,
            lang: opts.lang,
        };
        match annotate::write_annotated(&wb, &report, &wopts) {
            Ok(p) => report.output = Some(p.display().to_string()),
            Err(e) => return FileReport::failed(report.path, e.to_string()),
        }
        if opts.fix {
            match annotate::write_corrected(&wb, &report, &wopts) {
                Ok(p) => report.corrected = Some(p.display().to_string()),
                Err(e) => return FileReport::failed(report.path, e.to_string()),
            }
        }
    }
    report
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
