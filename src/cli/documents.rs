//! `jixiao check 报告.docx 表.xlsx`: 自评报告 among the inputs are checked with the workbook they
//! pair with (narrative::pair), or alone. Without reports among the inputs this is not used.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::batch::Walker;
use crate::i18n::errors::ErrMsg;
use crate::i18n::msg;
use crate::model::{ErrorKind, FileReport};
use crate::narrative::{self, Tables};
use crate::pipeline::{check_only, write_copies, Options};
use crate::report;
use crate::report::msg::{self, Msg};
use crate::summary::{RowStore, SummaryRow};
use crate::template::Template;

/// What a run with reports leaves for the summary.
pub(super) struct Checked {
    /// The worst exit status of the files, as for workbooks.
    pub exit: i32,
    /// One row per workbook and per report.
    pub rows: RowStore,
    /// The annotated copy, when a single file was checked.
    pub single_copy: Option<PathBuf>,
}

/// Checks the inputs when reports are among them (files named `skip` left out); None when there
/// are none. Each workbook is checked first, then its report against it, then the workbook's
/// copies are written, their summary sheets listing the report's findings too.
pub(super) fn run(
    paths: &[PathBuf],
    opts: &Options,
    json: bool,
    skip: Vec<String>,
) -> Option<Checked> {
    let reports = find_reports(paths);
    if reports.is_empty() {
        return None;
    }
    let named = paths.iter().all(|p| p.is_file());
    let mut workbooks = Vec::new();
    let mut files = Vec::new();
    let inputs = Walker::new(paths, opts.out_dir.clone(), skip);
    for input in inputs.filter(|i| !narrative::is_report_name(&i.path)) {
        if let Some(skip) = input.skipped {
            let path = crate::model::files::shown(&input.path);
            let what = [&path as &dyn std::fmt::Display, &skip.reason(opts.lang)];
            eprintln!("{}", msg::fill(Msg::Skipped, opts.lang, &what));
            continue;
        }
        match input.error {
            Some(e) => {
                let mut failed = FileReport::failed(input.path.display().to_string(), e);
                failed.localize(opts.lang);
                files.push(failed);
            }
            None => workbooks.push(input.path),
        }
    }
    let templates = match &opts.template {
        Some(t) => std::slice::from_ref(t),
        None => Template::built_in_ref(),
    };
    let pairs = narrative::pair::pair(&reports, &workbooks, named);
    let report_of: HashMap<&Path, usize> = pairs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.workbook.as_deref()?, i)))
        .collect();
    let mut documents: Vec<Option<FileReport>> = vec![None; pairs.len()];
    let mut rows = RowStore::new();
    for path in &workbooks {
        let (mut checked, wb) = check_only(path, opts);
        let paired = report_of.get(path.as_path()).copied();
        let document = paired.map(|i| {
            let tables = wb
                .as_ref()
                .and_then(|wb| Tables::from_workbook(wb, templates, &checked.findings));
            check_document(&pairs[i].report, tables.as_ref(), opts)
        });
        if let Some(wb) = &wb {
            write_copies(wb, &mut checked, document.as_ref(), opts, path);
        }
        if let (Some(i), Some(doc)) = (paired, document) {
            let mut row = SummaryRow::from_report(&doc);
            row.department.clone_from(&checked.department);
            row.year = checked.year;
            rows.push(&row);
            documents[i] = Some(doc);
        }
        files.push(checked);
    }
    let documents: Vec<FileReport> = documents
        .into_iter()
        .zip(&pairs)
        .map(|(doc, pair)| {
            doc.unwrap_or_else(|| {
                let doc = check_document(&pair.report, None, opts);
                rows.push(&SummaryRow::from_report(&doc));
                doc
            })
        })
        .collect();
    for f in &files {
        rows.push(&SummaryRow::from_report(f));
    }
    let exit = files
        .iter()
        .chain(&documents)
        .map(FileReport::exit_code)
        .max()
        .unwrap_or(0);
    let single_copy = match (files.as_slice(), documents.as_slice()) {
        ([], [doc]) => doc.output.as_ref().map(PathBuf::from),
        _ => None,
    };
    print(files, documents, opts, json);
    Some(Checked {
        exit,
        rows,
        single_copy,
    })
}

/// The report on one 自评报告, checked against `tables` when given, with its annotated copy
/// written when asked for.
fn check_document(path: &Path, tables: Option<&Tables>, opts: &Options) -> FileReport {
    let mut doc = narrative::check_report(path, tables);
    if opts.annotate && is_docx(path) && doc.error.is_none() {
        match narrative::annotate::write_annotated(
            path,
            &doc.findings,
            opts.out_dir.as_deref(),
            opts.force,
            opts.lang,
        ) {
            Ok(p) => doc.output = p.map(|p| p.display().to_string()),
            // The findings stand, as for a workbook whose copy cannot be written.
            Err(e) => {
                doc.notes.push(msg!(ErrMsg::CopyNotWritten, e.message()));
                doc.error_kind = Some(ErrorKind::Write);
            }
        }
    }
    doc.localize(opts.lang);
    doc
}

/// The workbooks' reports, then the 自评报告's, as text or as one JSON list.
fn print(mut files: Vec<FileReport>, documents: Vec<FileReport>, opts: &Options, json: bool) {
    if json {
        files.extend(documents);
        println!("{}", report::to_json(&files));
    } else {
        for f in &files {
            print!("{}", report::to_text(f, opts.lang));
        }
        for d in &documents {
            print!("{}", narrative::to_text(d, opts.lang));
        }
    }
}
fn is_docx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

/// Reports named on the command line (any report name) or found in folders (.docx, .doc, .wps).
fn find_reports(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else if narrative::is_report_name(p) {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let word = p.extension().is_some_and(|e| {
            ["docx", "doc", "wps"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        });
        if p.is_dir() {
            walk(&p, out);
        } else if word && narrative::is_report_name(&p) {
            out.push(p);
        }
    }
}
