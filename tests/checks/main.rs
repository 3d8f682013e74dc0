//! Each rule of RULES.md §3, seen to fire: a clean workbook with one cell changed must give
//! exactly the finding that rule gives, on the cell §4 chooses.

use std::path::Path;

use jixiao::model::{CellPos, CellValue, Workbook};
use jixiao::template::Template;
use jixiao::{check_workbook, FileReport, Finding, Severity};

fn load(name: &str) -> Workbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    jixiao::read::read_path(&path).expect("fixture reads")
}

fn corrected() -> Workbook {
    load("seed-leiyang-2024-corrected.xlsx")
}

fn county() -> Workbook {
    load("county-agri-2024-clean.xlsx")
}

fn set(wb: &mut Workbook, sheet: &str, a1: &str, value: CellValue) {
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == sheet)
        .expect("sheet");
    let pos = CellPos::parse_a1(a1).expect("address");
    let cell = sheet.cells.entry(pos).or_default();
    cell.value = value;
    cell.formula = None;
}

fn num(v: f64) -> CellValue {
    CellValue::Number(v)
}

fn check(wb: &Workbook) -> FileReport {
    check_workbook(wb, &Template::built_in()).expect("tables found")
}

fn only(report: &FileReport) -> &Finding {
    assert_eq!(
        report.findings.len(),
        1,
        "want one finding, got {:#?}",
        report.findings
    );
    &report.findings[0]
}

fn assert_finding(
    f: &Finding,
    sheet: &str,
    cell: &str,
    severity: Severity,
    check: &str,
    expected: Option<&str>,
) {
    assert_eq!(
        (f.sheet.as_str(), f.cell.to_string().as_str()),
        (sheet, cell),
        "{f:#?}"
    );
    assert_eq!(f.severity, severity, "{f:#?}");
    assert_eq!(f.check, check, "{f:#?}");
    assert_eq!(f.expected.as_deref(), expected, "{f:#?}");
    assert!(!f.message.is_empty());
}

mod basic;
mod judgement;
mod reading;
mod scorecard;
