//! What the rules are given: unreadable amounts, formulas without a cached value, repeated rows, totals, and which cell is blamed.

use super::*;

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
