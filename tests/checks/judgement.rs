//! Which cell is wrong (RULES.md §4) and how bad (§5): one repair search over every rule, typing
//! slips preferred, ties named, rounding only for truncation, one finding per cell.

use jixiao::model::Typo;

use super::*;

fn text(s: &str) -> CellValue {
    CellValue::Text(s.into())
}

/// The one finding of `report`, on `cell` of the basic-data sheet, with its slip named.
fn assert_slip(report: &FileReport, cell: &str, expected: &str, typo: Typo) {
    let f = only(report);
    assert_finding(
        f,
        "基础数据表",
        cell,
        Severity::Error,
        &f.check,
        Some(expected),
    );
    assert_eq!(f.typo, Some(typo), "{f:#?}");
    let note = format!(
        "疑似录入错误：{expected} 录成了 {}（{}）",
        f.found,
        typo.label_zh()
    );
    assert!(f.message.contains(&note), "{}", f.message);
}

#[test]
fn a_wrong_indicator_score_is_blamed_not_the_total_that_holds_the_right_sum() {
    let mut wb = county();
    // A reverse target missed: 5 × 5% ÷ 6.2% = 4.03, yet the full 5 points were given; the
    // 总分 98.73 − 5 + 4.03 = 97.76 already counts the right score.
    set(&mut wb, "绩效自评表", "E18", text("≤5%"));
    set(&mut wb, "绩效自评表", "F18", text("6.2%"));
    set(&mut wb, "绩效自评表", "H24", num(97.76));
    let report = check(&wb);
    let cells: Vec<String> = report.findings.iter().map(|f| f.cell.to_string()).collect();
    // The total is left alone; the score as corrected is a deduction that needs a reason.
    assert_eq!(cells, ["H18", "I18"], "{:#?}", report.findings);
    assert_finding(
        &report.findings[0],
        "绩效自评表",
        "H18",
        Severity::Error,
        "S6",
        Some("4.03"),
    );
    let reason = &report.findings[1];
    assert_eq!(
        (reason.check.as_str(), reason.severity),
        ("S8", Severity::Warning)
    );
    assert!(
        reason.message.contains("得分应为 4.03"),
        "{}",
        reason.message
    );
    assert_eq!(report.total_score.as_deref(), Some("97.76"));
    assert_eq!(report.recalculated_total_score.as_deref(), Some("97.76"));
    assert_eq!(report.grade.as_deref(), Some("优"));
}

#[test]
fn a_score_above_its_points_with_a_total_that_counts_the_points_is_one_repair() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "H13", num(6.0));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H13",
        Severity::Error,
        "S8",
        Some("5.00"),
    );
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H13", num(11.0));
    assert_finding(
        only(&check(&wb)),
        "绩效自评表",
        "H13",
        Severity::Error,
        "S8",
        Some("10.00"),
    );
}

#[test]
fn the_grade_goes_with_the_total_as_repaired() {
    // The scores add up to 98.73: the total 89.5 is wrong, the grade 优 is right.
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H24", num(89.5));
    let report = check(&wb);
    assert_finding(
        only(&report),
        "绩效自评表",
        "H24",
        Severity::Error,
        "S10",
        Some("98.73"),
    );
    assert_eq!(report.grade.as_deref(), Some("优"));

    // The scores add up to 89.5 (a deduction of 9.23 on a met target): the grade is wrong.
    let mut wb = county();
    set(&mut wb, "绩效自评表", "H23", num(5.77));
    set(&mut wb, "绩效自评表", "H24", num(89.5));
    let report = check(&wb);
    let cells: Vec<(String, &str)> = report
        .findings
        .iter()
        .map(|f| (f.cell.to_string(), f.check.as_str()))
        .collect();
    let want = [("H23", "S5"), ("I23", "S8"), ("I24", "S10")];
    let want: Vec<(String, &str)> = want.iter().map(|(c, r)| (c.to_string(), *r)).collect();
    assert_eq!(cells, want, "{:#?}", report.findings);
    let grade = &report.findings[2];
    assert_eq!(grade.expected.as_deref(), Some("良"), "{grade:#?}");
    assert_eq!(report.grade.as_deref(), Some("良"));
}

#[test]
fn a_decimal_slip_in_reception_is_blamed_not_the_three_public_total() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D10", num(18.9));
    assert_slip(&check(&wb), "D10", "1.89", Typo::DecimalShift);
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D10", num(0.189));
    let report = check(&wb);
    // Shown at the three decimals the cell was typed with.
    assert_finding(
        only(&report),
        "基础数据表",
        "D10",
        Severity::Error,
        "B2",
        Some("1.890"),
    );
    assert_eq!(only(&report).typo, Some(Typo::DecimalShift));
}

#[test]
fn a_swapped_project_line_is_blamed_when_the_total_and_the_other_sheet_agree() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D12", num(545.94));
    assert_slip(&check(&wb), "D12", "545.49", Typo::AdjacentSwap);
}

#[test]
fn a_flipped_sign_on_a_project_line_is_blamed() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D13", num(-407.41));
    assert_slip(&check(&wb), "D13", "407.41", Typo::SignFlip);
}

#[test]
fn a_project_line_typed_in_yuan_is_blamed() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D12", num(5_454_900.0));
    assert_slip(&check(&wb), "D12", "545.49", Typo::YuanForWan);
}

#[test]
fn a_dropped_or_doubled_digit_on_a_project_line_is_blamed() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D12", num(54.49));
    assert_slip(&check(&wb), "D12", "545.49", Typo::DigitDropped);
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "D12", num(5455.49));
    assert_slip(&check(&wb), "D12", "545.49", Typo::DigitDoubled);
}

#[test]
fn rounding_is_only_a_truncated_value() {
    // 3157.85 ÷ 3172.18 = 99.548%: 99.54% is truncated, 99.56% is one unit too high.
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "G4", num(0.9954));
    let report = check(&wb);
    assert_eq!(only(&report).severity, Severity::Rounding);
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "G4", num(0.9956));
    let report = check(&wb);
    assert_finding(
        only(&report),
        "绩效自评表",
        "G4",
        Severity::Error,
        "S1",
        Some("99.55%"),
    );
    assert!(!only(&report).message.contains("截断"));
}

#[test]
fn a_proportional_score_truncated_is_rounding_and_one_unit_above_is_an_error() {
    // 10 × 97.3% ÷ 98% = 9.9286: 9.92 is truncated; the total counted it, so it moves too.
    for (score, total, severity) in [
        (9.92, 98.72, Severity::Rounding),
        (9.94, 98.74, Severity::Error),
    ] {
        let mut wb = county();
        set(&mut wb, "绩效自评表", "H16", num(score));
        set(&mut wb, "绩效自评表", "H24", num(total));
        let report = check(&wb);
        let cells: Vec<String> = report.findings.iter().map(|f| f.cell.to_string()).collect();
        assert_eq!(cells, ["H16", "H24"], "{:#?}", report.findings);
        assert_finding(
            &report.findings[0],
            "绩效自评表",
            "H16",
            severity,
            "S6",
            Some("9.93"),
        );
        assert_eq!(report.findings[1].expected.as_deref(), Some("98.73"));
    }
}

#[test]
fn a_score_from_the_rounded_rate_is_an_error_that_says_so() {
    // 3157.85 ÷ 3277.5 = 96.349%: shown 96.35%, 10 × 96.35% = 9.64, but the exact ratio gives 9.63.
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "D4", num(3277.5));
    set(&mut wb, "绩效自评表", "G4", num(0.9635));
    set(&mut wb, "绩效自评表", "H4", num(9.64));
    let report = check(&wb);
    let f = only(&report);
    assert_finding(f, "绩效自评表", "H4", Severity::Error, "S2", Some("9.63"));
    assert!(f.message.contains("精确比值"), "{}", f.message);
    assert!(f.message.contains("96.35%"), "{}", f.message);
}

#[test]
fn blank_templates_give_one_finding_per_cell() {
    let blanks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workbook-templates/blank");
    for family in ["hunan-2018", "hunan-2024", "hunan-2024-extended"] {
        let wb = jixiao::read::read_path(&blanks.join(format!("{family}.xlsx"))).expect("reads");
        let report = check(&wb);
        // An empty indicator table is "not checked", never a silent pass.
        assert!(
            !report.findings.is_empty() || !report.not_checked.is_empty(),
            "{family}"
        );
        for (i, f) in report.findings.iter().enumerate() {
            let same = report.findings[..i]
                .iter()
                .filter(|g| g.sheet == f.sheet && g.cell == f.cell)
                .count();
            assert_eq!(same, 0, "{family}: {:#?}", report.findings);
        }
    }
}
