//! The scorecard's rules, S1–S10, and X1 across the two tables.

use super::*;

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
fn s2_score_one_unit_too_high_is_an_error() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H4", num(9.96));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H4",
        Severity::Error,
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
    // 800 is no slip of 870.37: any of the four income lines could be off.
    set(&mut wb, "绩效自评表", "D9", num(800.0));
    let f = only(&check(&wb)).clone();
    assert_finding(&f, "绩效自评表", "E4", Severity::Error, "S3", None);
    assert_eq!(f.involves.len(), 4, "{f:#?}");
    // The tied candidates are named, each with the value it would need.
    for candidate in ["绩效自评表!D6）改为 2357.85", "绩效自评表!D9）改为 870.37"] {
        assert!(f.message.contains(candidate), "{}", f.message);
    }
}

#[test]
fn s3_income_line_with_swapped_digits_is_blamed() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "D9", num(807.37));
    let f = only(&check(&wb)).clone();
    assert_finding(
        &f,
        "绩效自评表",
        "D9",
        Severity::Error,
        "S3",
        Some("870.37"),
    );
    assert!(
        f.message
            .contains("疑似录入错误：870.37 录成了 807.37（相邻两位数字颠倒）"),
        "{}",
        f.message
    );
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
