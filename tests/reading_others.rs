//! Workbooks as other departments publish them (issue 13, RULES.md §1–§3, §8): values typed in
//! their label cells, dashes for nothing, renamed labels, tables in 元, class and deadline
//! targets — read right, or said not to be checked, never skipped in silence.

mod common;

use std::path::Path;

use jixiao::model::{CellPos, CellValue, Workbook};
use jixiao::template::Template;
use jixiao::{check_workbook, FileReport, Severity};
use rust_xlsxwriter::Workbook as Xlsx;

fn check(wb: &Workbook) -> FileReport {
    check_workbook(wb, &Template::built_in()).expect("tables found")
}

fn corrected() -> Workbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed-leiyang-2024-corrected.xlsx");
    jixiao::read::read_path(&path).expect("fixture reads")
}

fn set(wb: &mut Workbook, sheet: &str, a1: &str, value: CellValue) {
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == sheet)
        .expect("sheet");
    let cell = sheet
        .cells
        .entry(CellPos::parse_a1(a1).expect("address"))
        .or_default();
    cell.value = value;
    cell.formula = None;
}

fn text(s: &str) -> CellValue {
    CellValue::Text(s.into())
}

fn not_checked(report: &FileReport) -> Vec<(String, Vec<String>)> {
    report
        .not_checked
        .iter()
        .map(|n| {
            let missing = n.missing.iter().map(ToString::to_string).collect();
            (n.check.to_string(), missing)
        })
        .collect()
}

/// A workbook written to a temporary .xlsx from (sheet, [(cell, value)]) and read back.
enum V {
    T(&'static str),
    N(f64),
}

fn written(sheets: &[(&str, Vec<(&str, V)>)]) -> Workbook {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut book = Xlsx::new();
    for (name, cells) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (a1, v) in cells {
            let p = CellPos::parse_a1(a1).unwrap();
            let (row, col) = (p.row, p.col as u16);
            match v {
                V::T(t) => ws.write_string(row, col, *t).map(|_| ()).unwrap(),
                V::N(n) => ws.write_number(row, col, *n).map(|_| ()).unwrap(),
            }
        }
    }
    book.save(&path).unwrap();
    jixiao::read::read_path(&path).unwrap()
}

/// The township's 2023 scorecard: title lines above it, the income and spending split typed as
/// label-and-value cells two to a row, a `……` placeholder row and a `说明:` row.
fn township(other_funds: &'static str, basic: &'static str, spending: &'static str) -> Workbook {
    use V::*;
    written(&[(
        "附件3",
        vec![
            ("A1", T("附件3:")),
            ("A2", T("某某镇2023 年部门整体支出绩效自评表")),
            ("A3", T("填报单位:某某镇人民政府")),
            ("G3", T("单位:万元")),
            ("A4", T("预算部门、单位名称")),
            ("B4", T("某某镇人民政府")),
            ("A5", T("年度预算申请")),
            ("B5", T("年初预算数")),
            ("C5", T("调整后预算数")),
            ("D5", T("执行数")),
            ("E5", T("分值")),
            ("F5", T("预算执行率（%）")),
            ("G5", T("自评得分")),
            ("A6", T("年度资金总额")),
            ("B6", N(2000.0)),
            ("C6", N(2100.0)),
            ("D6", N(2030.12)),
            ("E6", N(10.0)),
            ("F6", T("96.67%")),
            ("G6", N(9.67)),
            ("A7", T("按收入性质分:2030.12")),
            ("D7", T(spending)),
            ("A8", T("其中: 一般公共预算:1325.68")),
            ("D8", T(basic)),
            ("A9", T("政府性基金拨款:118.82")),
            ("D9", T("项目支出:1025.20")),
            ("A10", T(other_funds)),
            ("A12", T("一级指标")),
            ("B12", T("二级指标")),
            ("C12", T("三级指标")),
            ("D12", T("年度指标值")),
            ("E12", T("实际完成值")),
            ("F12", T("分值")),
            ("G12", T("得分")),
            ("H12", T("偏差原因分析及改进措施")),
            ("A13", T("产出指标")),
            ("B13", T("数量指标")),
            ("C13", T("完成项目数")),
            ("D13", T("≥10个")),
            ("E13", T("12个")),
            ("F13", N(90.0)),
            ("G13", N(90.0)),
            ("C14", T("……")),
            ("A15", T("总分")),
            ("F15", N(100.0)),
            ("G15", N(99.67)),
            ("A16", T("说明:本表金额单位为万元。")),
        ],
    )])
}

#[test]
fn label_and_value_cells_are_read_and_checked() {
    let report = check(&township(
        "其他资金:585.62",
        "其中:基本支出:1004.92",
        "按支出性质分:2030.12",
    ));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.department.as_deref(), Some("某某镇人民政府"));
    assert_eq!(report.grade.as_deref(), Some("优"));
    let missed = not_checked(&report);
    for id in ["S1", "S2", "S3", "S4", "S5", "S9", "S10"] {
        assert!(!missed.iter().any(|(c, _)| c == id), "{id} ran: {missed:?}");
    }
    // No basic table: its rules are "not this table", not a list of missing rows.
    let b1 = missed.iter().find(|(c, _)| c == "B1").expect("B1 listed");
    assert_eq!(b1.1, ["基础数据表"]);
}

#[test]
fn a_wrong_part_in_a_label_cell_is_blamed_on_that_cell() {
    let mut wb = township(
        "其他资金:585.62",
        "其中:基本支出:1004.92",
        "按支出性质分:2030.12",
    );
    set(&mut wb, "附件3", "A7", text("按收入性质分:2003.12"));
    let report = check(&wb);
    assert_eq!(report.findings.len(), 1, "{:#?}", report);
    let f = &report.findings[0];
    assert_eq!(
        (f.cell.to_string().as_str(), f.check.as_str()),
        ("A7", "S3"),
        "{f:#?}"
    );
    assert_eq!(f.expected.as_deref(), Some("2030.12"));
    assert_eq!(f.found, "2003.12");
    assert_eq!(
        f.replacement,
        Some(jixiao::model::Replacement::Text(
            "按收入性质分:2030.12".into()
        ))
    );
    set(&mut wb, "附件3", "A7", text("按收入性质分:2030.12"));
    // The printed spending total is a field too: off from 基本支出 + 项目支出, it is flagged.
    set(&mut wb, "附件3", "D7", text("按支出性质分:2003.12"));
    let report = check(&wb);
    let f = report.findings.iter().find(|f| f.cell.to_string() == "D7");
    assert_eq!(
        f.map(|f| f.check.as_str()),
        Some("S4"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn the_published_split_that_does_not_add_up_is_a_warning_on_s4() {
    // As published: 900.47 + 1025.20 = 1925.67, not the 2030.12 executed.
    let report = check(&township(
        "其他资金:585.62",
        "其中:基本支出:900.47",
        "按支出性质分:1925.67",
    ));
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert_eq!(
            (f.check.as_str(), f.severity),
            ("S4", Severity::Warning),
            "{f:#?}"
        );
        assert!((4..=9).contains(&f.cell.row), "inside the table: {f:#?}");
    }
}

#[test]
fn dashes_are_zero_in_amounts_and_not_applicable_in_rates() {
    let mut wb = corrected();
    for (cell, dash) in [
        ("B7", "-"),
        ("C7", "—"),
        ("D7", "——"),
        ("B9", "/"),
        ("C9", "无"),
        ("D9", "－"),
        ("B14", "／"),
    ] {
        set(&mut wb, "基础数据表", cell, text(dash));
    }
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.not_checked.is_empty(), "{:?}", report.not_checked);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.to_string().starts_with("7 个单元格")),
        "{:?}",
        report.notes
    );

    set(&mut wb, "基础数据表", "D3", text("—"));
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let b1 = not_checked(&report);
    assert_eq!(b1.len(), 1, "{b1:?}");
    assert_eq!(b1[0].0, "B1");
    assert!(b1[0].1[0].contains("—"), "{b1:?}");
}

#[test]
fn known_variants_of_labels_are_recognised() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "A2", text("财政供养人员情况(人)"));
    set(&mut wb, "基础数据表", "B2", text("人员编制数"));
    set(&mut wb, "基础数据表", "C2", text("实有人数"));
    set(&mut wb, "基础数据表", "A4", text("经费控制情况(万元"));
    set(&mut wb, "基础数据表", "D4", text("2024 年决算数"));
    set(&mut wb, "绩效自评表", "A2", text("预算部门（单位）名称"));
    set(&mut wb, "绩效自评表", "D3", text("调整后预算数（万元）"));
    set(&mut wb, "绩效自评表", "E3", text("执行数（万元）"));
    set(&mut wb, "绩效自评表", "G3", text("预算执行率（%）"));
    set(&mut wb, "绩效自评表", "H3", text("自评得分"));
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.not_checked.is_empty(), "{:?}", report.not_checked);
}

#[test]
fn an_unknown_label_shows_under_not_checked_with_the_close_one() {
    let mut wb = corrected();
    set(&mut wb, "基础数据表", "B2", text("在编人数"));
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(
        not_checked(&report),
        [("B1".to_string(), vec!["编制数".to_string()])]
    );
    let close = &report.not_checked[0].close;
    assert_eq!(
        (close[0].found.as_str(), close[0].known.as_str()),
        ("在编人数", "编制数")
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["not_checked"][0]["check"], "B1");
    assert_eq!(json["not_checked"][0]["missing"][0], "编制数");
    let zh = jixiao::report::to_text(&report, jixiao::annotate::Lang::Zh);
    assert!(
        zh.contains(
            "未能检查：B1 财政供养人员控制率（未找到\"编制数\"；表中\"在编人数\"与\"编制数\"相近）"
        ),
        "{zh}"
    );
    let en = jixiao::report::to_text(&report, jixiao::annotate::Lang::En);
    assert!(
        en.contains("not checked: B1 Staff control rate (not found: \"编制数\""),
        "{en}"
    );

    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "E3", text("实际支出数"));
    let report = check(&wb);
    let missed = not_checked(&report);
    for id in ["S1", "S2", "S3", "S4"] {
        assert!(
            missed
                .iter()
                .any(|(c, m)| c == id && m.contains(&"全年执行数".to_string())),
            "{id}: {missed:?}"
        );
    }
}

#[test]
fn without_indicator_rows_no_grade_and_the_rules_are_listed() {
    let mut wb = corrected();
    let sheet = wb
        .sheets
        .iter_mut()
        .find(|s| s.name == "绩效自评表")
        .unwrap();
    sheet.cells.retain(|p, _| p.row < 12);
    let report = check(&wb);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.grade, None);
    let missed = not_checked(&report);
    for id in ["S5", "S6", "S7", "S8", "S9", "S10"] {
        assert!(
            missed.iter().any(|(c, m)| c == id && m == &["三级指标"]),
            "{id}: {missed:?}"
        );
    }
}

fn indicator_finding(wb: &Workbook, row: &str) -> Vec<(String, Severity)> {
    check(wb)
        .findings
        .iter()
        .filter(|f| f.cell.to_string() == format!("H{row}"))
        .map(|f| (f.check.to_string(), f.severity))
        .collect()
}

#[test]
fn class_targets_lower_is_better() {
    let warning = vec![("S6".to_string(), Severity::Warning)];
    for (target, actual, want) in [
        ("Ⅱ类", "Ⅲ类", warning.clone()),
        ("Ⅲ类", "Ⅳ类", warning.clone()),
        ("≥Ⅲ类", "Ⅴ类", warning.clone()),
        ("Ⅴ类", "劣Ⅴ类", warning.clone()),
        ("≥Ⅲ类", "Ⅱ类", vec![]),
        ("Ⅲ类及以上", "Ⅲ类", vec![]),
    ] {
        let mut wb = corrected();
        set(&mut wb, "绩效自评表", "E19", text(target));
        set(&mut wb, "绩效自评表", "F19", text(actual));
        assert_eq!(indicator_finding(&wb, "19"), want, "{target} → {actual}");
    }
}

#[test]
fn deadline_targets_by_date_or_wording() {
    let warning = vec![("S6".to_string(), Severity::Warning)];
    for (target, actual, want) in [
        ("2023年10月31日前", "2023年12月15日完成", warning.clone()),
        ("2024年12月31日之前", "未完成", warning.clone()),
        ("2023年10月31日前", "2023年10月30日", vec![]),
        ("2023年10月31日前", "按时完成", vec![]),
        ("10月底前", "已完成", vec![]),
    ] {
        let mut wb = corrected();
        set(&mut wb, "绩效自评表", "E22", text(target));
        set(&mut wb, "绩效自评表", "F22", text(actual));
        assert_eq!(indicator_finding(&wb, "22"), want, "{target} → {actual}");
    }
}

#[test]
fn a_met_class_target_with_a_deduction_follows_s5() {
    let mut wb = corrected();
    set(&mut wb, "绩效自评表", "E19", text("≥Ⅲ类"));
    set(&mut wb, "绩效自评表", "H19", CellValue::Number(2.0));
    let found = indicator_finding(&wb, "19");
    assert!(
        found.contains(&("S5".to_string(), Severity::Warning)),
        "{found:?}"
    );
}

/// The corrected seed with the 经费控制情况 amounts in 元; `header` says so or not.
fn basic_in_yuan(header: &str) -> Workbook {
    let mut wb = corrected();
    common::basic_amounts_in_yuan(&mut wb);
    set(&mut wb, "基础数据表", "A4", text(header));
    wb
}

#[test]
fn a_table_in_yuan_is_compared_in_yuan_and_across_tables_in_wan() {
    for header in ["经费控制情况（元）", "经费控制情况"] {
        let wb = basic_in_yuan(header);
        let report = check(&wb);
        assert!(
            report.findings.is_empty(),
            "{header}: {:#?}",
            report.findings
        );
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.contains("基础数据表的金额以元为单位")),
            "{:?}",
            report.notes
        );
    }
    // A 元 figure off from the scorecard's 万元 still fails X1; one inside the table, B2 in 元.
    let mut wb = basic_in_yuan("经费控制情况（元）");
    set(&mut wb, "绩效自评表", "G9", CellValue::Number(925.9));
    let report = check(&wb);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let x1 = &report.findings[0];
    assert_eq!(
        (x1.cell.to_string().as_str(), x1.check.as_str()),
        ("G9", "X1")
    );
    assert_eq!(x1.expected.as_deref(), Some("952.90"));
    assert!(x1.message.contains("÷ 10000"), "{}", x1.message);
    let mut wb = basic_in_yuan("经费控制情况（元）");
    set(&mut wb, "基础数据表", "D5", CellValue::Number(49_200.0));
    let report = check(&wb);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let b2 = &report.findings[0];
    assert_eq!(
        (b2.cell.to_string().as_str(), b2.check.as_str()),
        ("D5", "B2"),
        "{b2:#?}"
    );
    assert_eq!(b2.expected.as_deref(), Some("49100.00"), "compared in 元");
}
