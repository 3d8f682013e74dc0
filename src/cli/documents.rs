//! `jixiao check 报告.docx 表.xlsx`: 自评报告 among the inputs are checked with the workbook they
//! pair with (narrative::pair), or alone. Without reports among the inputs this is not used.

use std::fs;
use std::path::{Path, PathBuf};

use crate::batch::Walker;
use crate::model::FileReport;
use crate::narrative::{self, Tables};
use crate::pipeline::{check_file, Options};
use crate::template::Template;
use crate::{read, report};

/// Checks the inputs when reports are among them; None when there are none.
pub(super) fn run(paths: &[PathBuf], opts: &Options, json: bool) -> Option<i32> {
    let reports = find_reports(paths);
    if reports.is_empty() {
        return None;
    }
    let named = paths.iter().all(|p| p.is_file());
    let mut workbooks = Vec::new();
    let mut files = Vec::new();
    let inputs = Walker::new(paths, opts.out_dir.clone(), Vec::new());
    for input in inputs.filter(|i| !narrative::is_report_name(&i.path)) {
        match input.error {
            Some(e) => files.push(FileReport::failed(input.path.display().to_string(), e)),
            None => workbooks.push(input.path),
        }
    }
    let checked: Vec<FileReport> = workbooks.iter().map(|w| check_file(w, opts)).collect();
    let templates = match &opts.template {
        Some(t) => std::slice::from_ref(t),
        None => Template::built_in_ref(),
    };
    let mut documents = Vec::new();
    for pair in narrative::pair::pair(&reports, &workbooks, named) {
        let tables = pair.workbook.as_ref().and_then(|w| {
            let i = workbooks.iter().position(|x| x == w)?;
            let wb = read::read_path(w).ok()?;
            Tables::from_workbook(&wb, templates, &checked[i].findings)
        });
        let mut doc = narrative::check_report(&pair.report, tables.as_ref());
        if opts.annotate && is_docx(&pair.report) && doc.error.is_none() {
            match narrative::annotate::write_annotated(
                &pair.report,
                &doc.findings,
                opts.out_dir.as_deref(),
                opts.force,
            ) {
                Ok(p) => doc.output = p.map(|p| p.display().to_string()),
                Err(e) => doc = FileReport::failed(doc.path, e.to_string()),
            }
        }
        documents.push(doc);
    }
    files.extend(checked);
    let exit = files
        .iter()
        .chain(&documents)
        .map(FileReport::exit_code)
        .max()
        .unwrap_or(0);
    if json {
        files.extend(documents);
        println!("{}", report::to_json(&files));
    } else {
        for f in &files {
            print!("{}", report::to_text(f, opts.lang));
        }
        for d in &documents {
            print!("{}", narrative::to_text(d));
        }
    }
    Some(exit)
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
