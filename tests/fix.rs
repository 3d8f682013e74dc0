//! `--fix` (RULES.md §7): the corrected copy of every fixture and of workbooks built here checks
//! clean again, changes only the cells it corrects and to their values, never applies a
//! warning, looks like the original (no fills, notes or summary sheet) with its changes in the
//! document properties; `--fix=marked` shows the marks; a change that does not settle is left
//! as filed and said.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Reader, Xlsx};
use common::builder::{Amounts, Layout, Names, Percents, Variant};
use jixiao::model::{CellPos, CellValue, FileReport, Finding, Replacement, Severity, Unfixed};
use jixiao::{check_file, Options};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// jixiao's fills: the four severities and the corrected green.
const TINTS: [u32; 5] = [0xFFC7CE, 0xFCD5B4, 0xBDD7EE, 0xFFEB9C, 0xC6EFCE];

fn fix_opts(out: &Path) -> Options {
    Options {
        out_dir: Some(out.to_path_buf()),
        annotate: true,
        fix: true,
        ..Options::default()
    }
}

/// The workbooks under test: every committed fixture workbook and seed variants built here.
fn inputs(scratch: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(common::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "xlsx" || e == "xls" || e == "ods")
        })
        .collect();
    out.sort();
    let seed = Variant::seed();
    let variants = [
        Variant {
            names: Names::Attachment,
            basic_origin: "F10",
            score_origin: "C5",
            ..seed
        },
        Variant {
            cover: true,
            names: Names::Generic,
            layout: Layout::OneSheetScoreFirst,
            basic_origin: "B1",
            score_origin: "D2",
            amounts: Amounts::FullWidthText,
            percents: Percents::Text,
            ..seed
        },
        Variant {
            layout: Layout::OneSheetBasicFirst,
            amounts: Amounts::CommaText,
            percents: Percents::FullWidthText,
            ..seed
        },
    ];
    for (i, v) in variants.iter().enumerate() {
        let path = scratch.join(format!("built-{i}.xlsx"));
        v.write(&path);
        out.push(path);
    }
    out
}

fn read(path: &Path) -> jixiao::model::Workbook {
    jixiao::read::read_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn same_value(a: &CellValue, b: &CellValue) -> bool {
    match (a, b) {
        (
            CellValue::Number(x) | CellValue::DateTime(x),
            CellValue::Number(y) | CellValue::DateTime(y),
        ) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        (a, b) if a.is_empty() && b.is_empty() => true,
        (a, b) => a == b,
    }
}

fn replacement_value(r: &Replacement) -> CellValue {
    match r {
        Replacement::Number(d) => CellValue::Number(d.to_f64().unwrap()),
        Replacement::Text(t) => CellValue::Text(t.clone()),
    }
}

/// Cells whose value differs between the two workbooks, over the original's sheets.
fn changed_cells(
    original: &jixiao::model::Workbook,
    copy: &jixiao::model::Workbook,
) -> BTreeMap<(String, CellPos), CellValue> {
    let mut out = BTreeMap::new();
    for sheet in &original.sheets {
        let other = copy
            .sheet(&sheet.name)
            .unwrap_or_else(|| panic!("the copy lost sheet {}", sheet.name));
        let cells: BTreeSet<CellPos> = sheet
            .cells
            .keys()
            .chain(other.cells.keys())
            .copied()
            .collect();
        for pos in cells {
            let (a, b) = (sheet.value(pos), other.value(pos));
            if !same_value(a, b) {
                out.insert((sheet.name.clone(), pos), b.clone());
            }
        }
    }
    out
}

fn zip_parts(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(path).unwrap())).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    names
        .into_iter()
        .map(|n| {
            let mut text = String::new();
            let _ = zip.by_name(&n).unwrap().read_to_string(&mut text);
            (n, text)
        })
        .collect()
}

/// Cells with one of jixiao's fills, by sheet (none for a file that is not xlsx).
fn tinted(path: &Path) -> BTreeSet<(String, u32, u32)> {
    let Ok(mut book) = Xlsx::new(Cursor::new(std::fs::read(path).unwrap())) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for name in book.sheet_names() {
        let styles = book.worksheet_style(&name).unwrap();
        for (r, c, s) in styles.cells() {
            let Some(fill) = s.fill.as_ref() else {
                continue;
            };
            if fill.pattern != calamine::FillPattern::Solid {
                continue;
            }
            if let Some(color) = fill.get_color() {
                let rgb = (u32::from(color.red) << 16)
                    | (u32::from(color.green) << 8)
                    | u32::from(color.blue);
                if TINTS.contains(&rgb) {
                    out.insert((name.clone(), r, c));
                }
            }
        }
    }
    out
}

fn hard(f: &Finding) -> bool {
    f.severity != Severity::Warning
}

/// The text of every note of an xlsx file (comments parts), joined.
fn all_notes(path: &Path) -> String {
    zip_parts(path)
        .into_iter()
        .filter(|(n, _)| n.contains("comments"))
        .map(|(_, t)| t)
        .collect()
}

fn check_fix_of(input: &Path, out: &Path) {
    let name = input.display().to_string();
    let report = check_file(input, &fix_opts(out));
    assert!(report.error_kind.is_none(), "{name}: {:?}", report.notes);
    let corrected = PathBuf::from(report.corrected.as_deref().expect("a corrected copy"));

    // Checked again: no error, rounding or missing finding.
    let recheck = check_file(&corrected, &Options::default());
    let left: Vec<_> = recheck.findings.iter().filter(|f| hard(f)).collect();
    assert!(
        left.is_empty(),
        "{name}: the corrected copy still has {left:#?}"
    );
    // The corrected copy, the report's recalculated total and grade agree.
    if report.not_corrected.is_empty() {
        assert_eq!(
            recheck.total_score, report.recalculated_total_score,
            "{name}"
        );
        assert_eq!(recheck.grade, report.grade, "{name}");
    }

    // Every correction answers an error, rounding or missing finding with its value; never a
    // warning.
    for c in &report.corrections {
        let on_cell: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.sheet == c.sheet && f.cell == c.cell)
            .collect();
        assert!(
            on_cell
                .iter()
                .any(|f| hard(f) && f.expected.as_ref() == Some(&c.to)),
            "{name}: {}!{} corrected without a finding asking for {}: {on_cell:#?}",
            c.sheet,
            c.cell,
            c.to
        );
    }

    // Only the corrected cells changed, and to their values.
    let (original, copy) = (read(input), read(&corrected));
    let changed = changed_cells(&original, &copy);
    let fixed: BTreeMap<(String, CellPos), CellValue> = report
        .corrections
        .iter()
        .map(|c| ((c.sheet.clone(), c.cell), replacement_value(&c.value)))
        .collect();
    assert_eq!(
        changed.keys().collect::<Vec<_>>(),
        fixed.keys().collect::<Vec<_>>(),
        "{name}: changed cells"
    );
    for (at, value) in &fixed {
        assert!(
            same_value(&changed[at], value),
            "{name}: {at:?} is {:?}, not {value:?}",
            changed[at]
        );
    }

    // Clean: the original's sheets only, no notes, no fills of jixiao's; the changes listed in
    // the document properties.
    assert_eq!(
        copy.sheets.iter().map(|s| &s.name).collect::<Vec<_>>(),
        original.sheets.iter().map(|s| &s.name).collect::<Vec<_>>(),
        "{name}"
    );
    let parts = zip_parts(&corrected);
    assert!(
        !parts.keys().any(|p| p.contains("comments")
            || p.contains("vmlDrawing")
            || p.contains("jixiao-summary")),
        "{name}: {:?}",
        parts.keys().collect::<Vec<_>>()
    );
    assert!(
        tinted(&corrected).is_subset(&tinted(input)),
        "{name}: jixiao's fills in the clean copy"
    );
    let custom = &parts["docProps/custom.xml"];
    for (i, c) in report.corrections.iter().enumerate() {
        let line = format!("{}!{}: ", c.sheet, c.cell);
        let property = format!("name=\"jixiao-correction-{}\"", i + 1);
        assert!(
            custom.contains(&property) && custom.contains(&line),
            "{name}: {line} not in {custom}"
        );
        assert!(custom.contains(&format!("→ {}", c.to)), "{name}: {custom}");
    }

    // The annotated copy says what the corrected one holds.
    let notes = all_notes(Path::new(report.output.as_deref().expect("annotated copy")));
    for c in &report.corrections {
        assert!(
            notes.contains(&format!("更正版中已改为 {}", c.to)),
            "{name}: {}!{}",
            c.sheet,
            c.cell
        );
        if c.formula {
            assert!(
                notes.contains("的结果有误，更正版中已改为数值"),
                "{name}: {}!{}",
                c.sheet,
                c.cell
            );
        }
    }
}

#[test]
fn every_fixture_and_built_workbook_is_corrected_cleanly() {
    let scratch = tempfile::tempdir().unwrap();
    let inputs = inputs(scratch.path());
    assert!(inputs.len() >= 10, "{inputs:?}");
    for (i, input) in inputs.iter().enumerate() {
        let out = scratch.path().join(format!("out-{i}"));
        check_fix_of(input, &out);
    }
}

#[test]
fn the_seed_is_corrected_in_its_six_cells_and_not_in_the_warning() {
    let dir = tempfile::tempdir().unwrap();
    let report = check_file(
        &common::fixture("seed-leiyang-2024.xlsx"),
        &fix_opts(dir.path()),
    );
    let cells: Vec<String> = report
        .corrections
        .iter()
        .map(|c| format!("{}!{}", c.sheet, c.cell))
        .collect();
    assert_eq!(
        cells,
        [
            "基础数据表!D3",
            "基础数据表!C6",
            "基础数据表!D6",
            "绩效自评表!G4",
            "绩效自评表!H4",
            "绩效自评表!G6"
        ]
    );
    assert!(
        report.not_corrected.is_empty(),
        "{:#?}",
        report.not_corrected
    );
    let copy = read(Path::new(report.corrected.as_deref().unwrap()));
    let h29 = CellPos::parse_a1("H29").unwrap();
    assert_eq!(
        copy.sheet("绩效自评表").unwrap().value(h29),
        &CellValue::Number(9.0)
    );
}

#[test]
fn a_formula_with_a_wrong_result_becomes_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::fixture("seed-leiyang-2024-formulas.xlsx");
    let report = check_file(&input, &fix_opts(dir.path()));
    let g4 = CellPos::parse_a1("G4").unwrap();
    let c = report
        .corrections
        .iter()
        .find(|c| c.cell == g4)
        .expect("G4 corrected");
    assert!(c.formula);
    let copy = read(Path::new(report.corrected.as_deref().unwrap()));
    let cell = copy.sheet("绩效自评表").unwrap().cell(g4).unwrap();
    assert_eq!(cell.formula, None);
    // The other formulas stay formulas.
    let b5 = copy
        .sheet("基础数据表")
        .unwrap()
        .cell(CellPos::parse_a1("B5").unwrap())
        .unwrap();
    assert_eq!(b5.formula.as_deref(), Some("B6+B9+B10"));
    let notes = all_notes(Path::new(report.output.as_deref().unwrap()));
    assert!(
        notes.contains("公式 =TRUNC(E4/D4,4) 的结果有误，更正版中已改为数值"),
        "{notes}"
    );
}

fn jixiao(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn fix_marked_shows_the_marks_and_plain_fix_does_not() {
    let input = common::fixture("seed-leiyang-2024.xlsx");
    let input = input.to_str().unwrap();
    for (flag, marked) in [("--fix", false), ("--fix=marked", true)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_str().unwrap();
        let json = jixiao(&["check", input, flag, "-o", out, "--format", "json"]);
        let file = &json["files"][0];
        assert_eq!(file["corrections"].as_array().unwrap().len(), 6, "{flag}");
        assert_eq!(file["corrections"][0]["cell"], "D3");
        assert_eq!(file["corrections"][0]["to"], "79.80%");
        let corrected = PathBuf::from(file["corrected"].as_str().unwrap());
        let parts = zip_parts(&corrected);
        assert_eq!(
            parts.contains_key("xl/worksheets/jixiao-summary.xml"),
            marked,
            "{flag}"
        );
        assert_eq!(
            all_notes(&corrected).contains("已更正：原值 100.00% → 79.80%"),
            marked,
            "{flag}"
        );
        let green = (String::from("基础数据表"), 2, 3);
        assert_eq!(tinted(&corrected).contains(&green), marked, "{flag}");
    }
}

#[test]
fn the_rebuilt_corrected_copy_is_clean_too() {
    let dir = tempfile::tempdir().unwrap();
    let report = check_file(
        &common::fixture("seed-leiyang-2024.xls"),
        &fix_opts(dir.path()),
    );
    assert_eq!(report.corrections.len(), 6);
    let corrected = PathBuf::from(report.corrected.as_deref().unwrap());
    let parts = zip_parts(&corrected);
    assert!(parts["docProps/core.xml"].contains("基础数据表!D3: 100.00% → 79.80%"));
    assert!(parts["docProps/custom.xml"].contains("jixiao-correction-6"));
    assert!(!parts.keys().any(|p| p.contains("comments")));
}

/// A report of the clean seed with `findings` added, as the check stage might give them.
fn clean_seed_with(findings: Vec<Finding>) -> (jixiao::model::Workbook, FileReport) {
    let wb = read(&common::fixture("seed-leiyang-2024-corrected.xlsx"));
    let mut report =
        jixiao::check_workbook(&wb, jixiao::template::Template::built_in_ref()).unwrap();
    assert!(report.findings.is_empty());
    report.findings = findings;
    (wb, report)
}

fn error_at(
    sheet: &str,
    cell: &str,
    expected: Option<&str>,
    value: Option<Replacement>,
) -> Finding {
    let check = jixiao::model::RuleId::from("B1");
    let at = CellPos::parse_a1(cell).unwrap();
    Finding::new(check, Severity::Error, sheet, at, "测试")
        .found("79.80%")
        .expected(expected.map(str::to_string))
        .replacement(value)
}

#[test]
fn a_change_that_does_not_settle_is_left_as_filed() {
    // D3 is right as filed: writing 50.00% there makes B1 fail on the re-check.
    let wrong = error_at(
        "基础数据表",
        "D3",
        Some("50.00%"),
        Some(Replacement::Number(Decimal::new(5, 1))),
    );
    let (wb, mut report) = clean_seed_with(vec![wrong]);
    jixiao::pipeline::correct(&wb, &mut report, &Options::default());
    assert!(report.corrections.is_empty(), "{:#?}", report.corrections);
    let [u] = &report.not_corrected[..] else {
        panic!("{:#?}", report.not_corrected)
    };
    assert_eq!(
        (u.why, u.cell.to_string().as_str()),
        (Unfixed::Unsettled, "D3")
    );
    assert!(u.reason.contains("复核仍不成立"), "{}", u.reason);
    let text = jixiao::report::to_text(&report, jixiao::annotate::Lang::Zh);
    assert!(text.contains("未更正 基础数据表!D3"), "{text}");
}

#[test]
fn open_and_conflicting_values_are_not_applied() {
    let open = error_at("基础数据表", "D3", None, None);
    let one = error_at(
        "绩效自评表",
        "H4",
        Some("9.95"),
        Some(Replacement::Number(Decimal::new(995, 2))),
    );
    let other = error_at(
        "绩效自评表",
        "H4",
        Some("9.90"),
        Some(Replacement::Number(Decimal::new(990, 2))),
    );
    let (wb, mut report) = clean_seed_with(vec![open, one, other]);
    jixiao::pipeline::correct(&wb, &mut report, &Options::default());
    assert!(report.corrections.is_empty());
    let why: HashSet<(String, Unfixed)> = report
        .not_corrected
        .iter()
        .map(|u| (u.cell.to_string(), u.why))
        .collect();
    assert_eq!(
        why,
        HashSet::from([
            ("D3".to_string(), Unfixed::Open),
            ("H4".to_string(), Unfixed::Conflict)
        ])
    );
}
