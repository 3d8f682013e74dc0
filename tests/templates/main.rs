//! Layouts, checks and blanks as data (issue 6), through the binary and the library's public API:
//! the blanks `jixiao template` writes (and the committed ones are fresh), filled with the
//! corrected seed's figures; a check added by a template file only; malformed template files;
//! and a workbook of each layout family, built here with rust_xlsxwriter.
//!
//! Every run passes `--no-write`: these tests are about reading and checking, not the annotated copy.

#[path = "../common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use jixiao::locate::{self, Layout};
use jixiao::model::{CellPos, CellValue, Workbook};
use jixiao::template::Template;
use rust_xlsxwriter as xw;
use serde_json::Value;

use common::builder::{BASIC, SCORE};
use common::seed::V;
use common::{compare, value_text, Expectations, FileResult, Report, Run};

const FAMILIES: [&str; 3] = ["hunan-2024", "hunan-2018", "hunan-2024-extended"];
const DEPT: &str = "衡阳市生态环境局耒阳分局";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corrected_seed() -> PathBuf {
    common::fixture("seed-leiyang-2024-corrected.xlsx")
}

fn jixiao(args: &[&OsStr], dir: &Path) -> Run {
    common::run_jixiao(args, &dir.join("logs"))
}

/// `jixiao check FILE --no-write --format json [--template T]`: the file's result and the exit status.
fn check(path: &Path, template: Option<&Path>, dir: &Path) -> (FileResult, Option<i32>) {
    let mut args: Vec<&OsStr> = vec![
        "check".as_ref(),
        path.as_os_str(),
        "--no-write".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    if let Some(t) = template {
        args.extend(["--template".as_ref(), t.as_os_str()]);
    }
    let run = jixiao(&args, dir);
    let report: Report = run.report().unwrap_or_else(|e| panic!("{e}"));
    let [file] = report.files.as_slice() else {
        panic!("one file in the report: {}", run.stdout)
    };
    assert_eq!(
        file.status,
        "checked",
        "{}: {:?}",
        path.display(),
        file.error
    );
    (file.clone(), run.code)
}

fn findings_list(file: &FileResult) -> String {
    file.findings.iter().map(|f| format!("\n    {f}")).collect()
}

fn assert_clean(path: &Path, file: &FileResult, code: Option<i32>) {
    assert!(
        file.findings.is_empty(),
        "{}: want no findings, got{}",
        path.display(),
        findings_list(file)
    );
    assert_eq!(code, Some(0), "{}", path.display());
}

/// The family the checker chooses for a workbook file.
fn family_of(path: &Path) -> String {
    let wb = jixiao::read::read_path(path).expect("workbook reads");
    let templates = Template::built_in();
    locate::choose(&wb, &templates)
        .map(|(t, _)| t.family.clone())
        .expect("a template fits")
}

mod blanks;
mod families;
mod filled;
mod template_files;
