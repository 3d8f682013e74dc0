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

#[test]
fn clean_workbooks_give_no_finding() {
    assert!(check(&corrected()).findings.is_empty());
    assert!(check(&county()).findings.is_empty());
}

#[test]
fn b1_staff_control_rate() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D3", num(0.85));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "D3",
        Severity::Error,
        "B1",
        Some("79.80%"),
    );
}

#[test]
fn b1_truncated_rate_is_rounding() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D3", num(0.7979));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "D3",
        Severity::Rounding,
        "B1",
        Some("79.80%"),
    );
}

#[test]
fn b2_sangong_total() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D5", num(4.95));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "D5",
        Severity::Error,
        "B2",
        Some("4.91"),
    );
}

#[test]
fn b3_vehicle_subtotal_that_also_breaks_b2_is_one_repair() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D6", num(3.2));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "D6",
        Severity::Error,
        "B3",
        Some("3.02"),
    );
}

#[test]
fn b3_blank_subtotal_is_missing() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "C6", CellValue::Empty);
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "C6",
        Severity::Missing,
        "B3",
        Some("3.80"),
    );
}

#[test]
fn b4_project_total_that_also_breaks_x1() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D11", num(925.9));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "D11",
        Severity::Error,
        "B4",
        Some("952.90"),
    );
}

#[test]
fn b5_public_spending_below_its_parts() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D15", num(50.0));
    let report = check(&wb);
    assert_finding(
        only(&report),
        "基础数据表",
        "D15",
        Severity::Error,
        "B5",
        None,
    );
}

#[test]
fn b6_building_rates() {
    let mut wb = county();
    set(&mut wb, "基础数据表", "G22", num(0.89));
    assert_finding(
        only(&check(&wb)),
        "基础数据表",
        "G22",
        Severity::Error,
        "B6",
        Some("98.00%"),
    );
}

#[test]
fn s1_execution_rate_from_full_year_budget() {
    let mut wb = corrected();
    // 3157.85 ÷ 2376.33 (年初预算数) would be the wrong denominator.
    set(&mut wb, "绩效自评表", "G4", num(1.0));
    let report = check(&wb);
    assert_finding(
        only(&report),
        "绩效自评表",
        "G4",
        Severity::Error,
        "S1",
        Some("99.55%"),
    );
}

#[test]
fn s2_score_from_exact_ratio() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H4", num(9.96));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H4",
        Severity::Rounding,
        "S2",
        Some("9.95"),
    );
}

#[test]
fn s2_score_with_a_total_row_changes_the_total_too() {
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H4", num(10.0));
    set(&mut wb, "绩效自评表", "H24", num(98.93));
    let report = check(&wb);
    let cells: Vec<String> = report.findings.iter().map(|f| f.cell.to_string()).collect();
    assert_eq!(cells, ["H4", "H24"], "{:#?}", report.findings);
    assert_eq!(report.findings[0].expected.as_deref(), Some("9.80"));
    assert_eq!(report.findings[1].expected.as_deref(), Some("98.73"));
}

#[test]
fn s3_income_total_with_no_single_culprit_is_reported_on_the_total() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "D9", num(807.37));
    let f = only(&check(&wb)).clone();
    assert_finding(&f, "绩效自评表", "E4", Severity::Error, "S3", None);
    assert_eq!(f.involves.len(), 4, "{f:#?}");
}

#[test]
fn x1_digit_swap_in_scorecard_project_spending() {
    let mut wb = county();
    set(&mut wb, "绩效自评表", "G9", num(3847.26));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "G9",
        Severity::Error,
        "X1",
        Some("3874.26"),
    );
}

#[test]
fn s4_unexplained_is_a_warning() {
    let mut wb = corrected();
    // With the basic table's 项目支出 blank, nothing says whether 基本支出 or 项目支出 is off.
    for cell in ["D11", "D12", "D13"] {
        set(&mut wb, "基础数据表", cell, CellValue::Empty);
    }
    set(&mut wb, "绩效自评表", "G6", num(2200.0));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "E4",
        Severity::Warning,
        "S4",
        None,
    );
}

#[test]
fn s5_met_target_deduction_is_a_warning_and_needs_a_reason() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H29", num(9.0));
    let report = check(&wb);
    assert_eq!(report.findings.len(), 2, "{:#?}", report.findings);
    assert_finding(
        &report.findings[0],
        "绩效自评表",
        "H29",
        Severity::Warning,
        "S5",
        Some("10.00"),
    );
    assert_finding(
        &report.findings[1],
        "绩效自评表",
        "I29",
        Severity::Warning,
        "S8",
        None,
    );
}

#[test]
fn s6_missed_target_scores_in_proportion() {
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H16", num(10.0));
    set(&mut wb, "绩效自评表", "H24", num(98.8));
    let report = check(&wb);
    let f = report
        .findings
        .iter()
        .find(|f| f.check == "S6")
        .expect("S6");
    assert_finding(f, "绩效自评表", "H16", Severity::Error, "S6", Some("9.93"));
}

#[test]
fn s7_qualitative_met_outside_band() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H27", num(3.0));
    set(
        &mut wb,
        "绩效自评表",
        "I27",
        CellValue::Text("进一步提升".into()),
    );
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H27",
        Severity::Warning,
        "S7",
        None,
    );
}

#[test]
fn s8_score_above_points() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H13", num(6.0));
    let report = check(&wb);
    assert_finding(
        &report.findings[0],
        "绩效自评表",
        "H13",
        Severity::Error,
        "S8",
        Some("5.00"),
    );
}

#[test]
fn s9_points_add_up_to_100() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "G13", num(6.0));
    set(&mut wb, "绩效自评表", "H13", num(6.0));
    let report = check(&wb);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.check == "S9" && f.cell.to_string() == "G12"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn s10_total_and_grade() {
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H24", num(97.73));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H24",
        Severity::Error,
        "S10",
        Some("98.73"),
    );
    let mut wb = county();
    set(&mut wb, "绩效自评表", "I24", CellValue::Text("良".into()));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "I24",
        Severity::Error,
        "S10",
        Some("优"),
    );
}

#[test]
fn unreadable_amount_is_reported_not_taken_as_zero() {
    let mut wb = corrected();
    set(
        &mut wb,
        "基础数据表",
        "D10",
        CellValue::Text("约1.89".into()),
    );
    let report = check(&wb);
    assert_finding(
        only(&report),
        "基础数据表",
        "D10",
        Severity::Error,
        "V1",
        None,
    );
}

#[test]
fn formula_without_cached_value_is_computed_and_said() {
    let mut wb = corrected();
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == "基础数据表")
        .unwrap();
    let cell = sheet
        .cells
        .get_mut(&CellPos::parse_a1("D5").unwrap())
        .unwrap();
    cell.value = CellValue::Empty;
    cell.formula = Some("D6+D9+D10".into());
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(
        report.notes.iter().any(|n| n.contains("D5")),
        "{:?}",
        report.notes
    );
}

#[test]
fn totals_and_grade_of_the_seed() {
    let report = check(&load("seed-leiyang-2024.xlsx"));
    assert_eq!(report.total_score.as_deref(), Some("94.00"));
    assert_eq!(report.recalculated_total_score.as_deref(), Some("93.95"));
    assert_eq!(report.grade.as_deref(), Some("优"));
    assert_eq!(
        report.department.as_deref(),
        Some("衡阳市生态环境局耒阳分局")
    );
    assert_eq!(report.year, Some(2024));
}

/// Moves every cell of `sheet` at or below `row` (zero-based) one row down.
fn insert_row(wb: &mut Workbook, sheet: &str, row: u32) {
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == sheet)
        .expect("sheet");
    let cells = std::mem::take(&mut sheet.cells);
    sheet.cells = cells
        .into_iter()
        .map(|(p, c)| {
            (
                if p.row >= row {
                    CellPos::new(p.row + 1, p.col)
                } else {
                    p
                },
                c,
            )
        })
        .collect();
    for m in &mut sheet.merged {
        if m.first.row >= row {
            m.first.row += 1;
            m.last.row += 1;
        }
    }
}

#[test]
fn repeated_special_fund_rows_are_all_added_up() {
    let mut wb = corrected();
    insert_row(&mut wb, "基础数据表", 14);
    set(
        &mut wb,
        "基础数据表",
        "A15",
        CellValue::Text("3、本级专项资金（环境监测专项）".into()),
    );
    set(&mut wb, "基础数据表", "D12", num(445.49));
    set(&mut wb, "基础数据表", "D14", num(40.0));
    set(&mut wb, "基础数据表", "D15", num(60.0));
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);

    set(&mut wb, "基础数据表", "D15", num(61.0));
    let report = check(&wb);
    assert!(
        report.findings.iter().any(|f| f.check == "B4"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_wrong_input_is_blamed_not_the_rates_computed_from_it() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "E4", num(3175.85));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "E4",
        Severity::Error,
        "S3",
        Some("3157.85"),
    );
    let mut wb = county();
    set(&mut wb, "绩效自评表", "E4", num(5980.12));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "E4",
        Severity::Error,
        "S3",
        Some("5890.12"),
    );
}
