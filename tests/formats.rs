//! The seed in other file formats: .xls and .ods made by LibreOffice from the .xlsx fixtures
//! (tests/fixtures/convert-formats.sh), and files whose extension lies about their format.
//! Each must be checked exactly like the .xlsx: the seed's nine findings, none for the corrected one.

mod common;

use calamine::Data;
use common::*;

const SEED: &str = "seed-leiyang-2024";
const CORRECTED: &str = "seed-leiyang-2024-corrected";

/// Checks `tests/fixtures/{stem}.{ext}`, copied to a temp file named `{stem}.{as_ext}`, against the
/// `.xlsx` fixture's expectations (the conversions keep sheet names and addresses).
fn assert_like_xlsx(stem: &str, ext: &str, as_ext: &str) {
    let want = Expectations::of_fixture(&format!("{stem}.xlsx"));
    assert_checked_as(
        &fixture(&format!("{stem}.{ext}")),
        &format!("{stem}.{as_ext}"),
        &want,
    );
}

#[test]
fn xls_seed_gives_the_nine_findings() {
    assert_like_xlsx(SEED, "xls", "xls");
}

#[test]
fn xls_corrected_seed_gives_no_finding() {
    assert_like_xlsx(CORRECTED, "xls", "xls");
}

#[test]
fn ods_seed_gives_the_nine_findings() {
    assert_like_xlsx(SEED, "ods", "ods");
}

#[test]
fn ods_corrected_seed_gives_no_finding() {
    assert_like_xlsx(CORRECTED, "ods", "ods");
}

#[test]
fn xlsx_named_xls_is_checked_the_same() {
    assert_like_xlsx(SEED, "xlsx", "xls");
}

#[test]
fn xlsx_named_xls_corrected_is_checked_the_same() {
    assert_like_xlsx(CORRECTED, "xlsx", "xls");
}

#[test]
fn xls_named_xlsx_is_checked_the_same() {
    assert_like_xlsx(SEED, "xls", "xlsx");
}

#[test]
fn ods_named_xlsx_is_checked_the_same() {
    assert_like_xlsx(SEED, "ods", "xlsx");
}

/// The committed conversions hold the same sheets and values as the .xlsx they came from
/// (percent cells as their ratio, 0.9954). Needs no checker.
#[test]
fn converted_fixtures_keep_every_value() {
    for stem in [SEED, CORRECTED] {
        let (sheets, cells) = read_cells(&fixture(&format!("{stem}.xlsx")));
        assert!(
            cells.len() > 200,
            "{stem}.xlsx has only {} cells",
            cells.len()
        );
        for ext in ["xls", "ods"] {
            let (got_sheets, got) = read_cells(&fixture(&format!("{stem}.{ext}")));
            assert_eq!(got_sheets, sheets, "{stem}.{ext} sheets");
            let same = |a: &Data, b: &Data| match (a, b) {
                (Data::String(x), Data::String(y)) => x == y,
                _ => numeric(a).is_some() && numeric(a) == numeric(b),
            };
            let mut diffs = Vec::new();
            for (k, v) in &cells {
                match got.get(k) {
                    Some(g) if same(v, g) => {}
                    g => diffs.push(format!("{}!{}: xlsx {v:?}, {ext} {g:?}", k.0, a1(k.1, k.2))),
                }
            }
            diffs.extend(
                got.keys()
                    .filter(|k| !cells.contains_key(*k))
                    .map(|k| format!("extra {k:?}")),
            );
            assert!(diffs.is_empty(), "{stem}.{ext}:\n  {}", diffs.join("\n  "));
        }
    }
}

/// A file that is no workbook at all: reported as failed with a reason, exit status 2.
#[test]
fn unreadable_file_is_reported_failed_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("not-a-workbook.xlsx");
    std::fs::write(&path, "这不是电子表格\n").expect("write");
    let run = run_check(&path, dir.path());
    let report = run.report().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.files.len(), 1, "{report:?}");
    let file = &report.files[0];
    assert_eq!(file.status, "failed", "{file:?}");
    assert!(
        file.error.as_deref().is_some_and(|e| !e.trim().is_empty()),
        "no error text: {file:?}"
    );
    assert!(file.findings.is_empty(), "{file:?}");
    assert_eq!(run.code, Some(2), "exit status; stderr: {}", run.stderr);
}
