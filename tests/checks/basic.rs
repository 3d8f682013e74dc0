//! The basic data sheet's rules, B1–B6, and the clean workbooks they leave alone.

use super::*;

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
