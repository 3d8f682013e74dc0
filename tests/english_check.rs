//! What the check stage says in an English run: the rules' names, the indicator rows' findings
//! (S5–S8), the grade (S10), unreadable cells (V1) and the rules not checked, localized the
//! way the pipeline does at its end. The workbook's own words may stay Chinese; ours may not.

mod common;

use common::set_cell as set;

use std::path::Path;

use jixiao::annotate::Lang;
use jixiao::check::{Evaluation, Values};
use jixiao::model::{CellValue, Workbook};
use jixiao::pipeline::check_workbook_data;
use jixiao::template::Template;
use jixiao::{check_workbook, FileReport, Finding};

fn load(name: &str) -> Workbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    jixiao::read::read_path(&path).expect("fixture reads")
}

fn num(v: f64) -> CellValue {
    CellValue::Number(v)
}

fn text(s: &str) -> CellValue {
    CellValue::Text(s.into())
}

/// The seed's corrected copy with `changes` to its 绩效自评表, checked and put in English.
fn english(book: &str, sheet: &str, changes: &[(&str, CellValue)]) -> FileReport {
    let mut wb = load(book);
    for (a1, value) in changes {
        set(&mut wb, sheet, a1, value.clone());
    }
    let mut report = check_workbook(&wb, &Template::built_in()).expect("tables found");
    report.localize(Lang::En);
    report
}

const SCORECARD: &str = "绩效自评表";
const CORRECTED: &str = "seed-leiyang-2024-corrected.xlsx";
const COUNTY: &str = "county-agri-2024-clean.xlsx";

fn finding<'a>(report: &'a FileReport, check: &str) -> &'a Finding {
    report
        .findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} finding in {:#?}", report.findings))
}

/// `text` with the workbook's words taken out: what is quoted ("…"), the `theirs` given, and
/// the units and grades English keeps.
fn ours(text: &str, theirs: &[&str]) -> String {
    let mut rest = String::new();
    for (i, part) in text.split('"').enumerate() {
        if i % 2 == 0 {
            rest.push_str(part);
        }
    }
    for word in theirs.iter().chain(&["万元", "元", "优", "良", "中", "差"]) {
        rest = rest.replace(word, "");
    }
    rest
}

fn assert_english(text: &str, theirs: &[&str]) {
    let rest = ours(text, theirs);
    assert!(
        !rest.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        "not English: «{text}»"
    );
}

/// Every check the rules give `wb`, as (id, name in English).
fn check_names(wb: &Workbook) -> Vec<(String, String)> {
    let templates = Template::built_in();
    let c = check_workbook_data(wb, &templates).expect("tables found");
    let values = Values::from_figures(&c.figures);
    let evaluation = Evaluation::new(c.template, &c.layout, &c.figures, values);
    (evaluation.checks.iter())
        .map(|check| (check.id.to_string(), check.name.render(Lang::En)))
        .collect()
}

#[test]
fn every_check_is_named_in_english() {
    let names = check_names(&load(CORRECTED));
    let named = |id: &str, name: &str| names.iter().any(|(i, n)| i == id && n == name);
    assert!(named("B1", "Staff control rate"), "{names:?}");
    assert!(named("S1", "Budget execution rate"), "{names:?}");
    assert!(named("S2", "Execution-rate score"), "{names:?}");
    assert!(
        named("X1", "Project spending matches the basic-data table"),
        "{names:?}"
    );
    // The indicator rows' score ranges; S5 and S7 are named by the row itself.
    assert!(
        names
            .iter()
            .any(|(i, n)| i == "S8" && n.starts_with("Score of \"") && n.ends_with("outside 0–5")),
        "{names:?}"
    );
    for (id, name) in &names {
        if !matches!(id.as_str(), "S5" | "S7") {
            assert_english(name, &[]);
        }
    }
}

#[test]
fn a_met_target_with_a_deduction_says_so_in_english() {
    let report = english(CORRECTED, SCORECARD, &[("H29", num(9.0))]);
    let s5 = finding(&report, "S5").message.to_string();
    assert!(s5.contains("met its target"), "{s5}");
    assert!(s5.contains("full marks of 10 are due; filed as 9"), "{s5}");
    assert_english(&s5, &[]);
    let s8 = finding(&report, "S8").message.to_string();
    assert!(
        s8.contains("has a deduction of 1 (weight 10, score 9"),
        "{s8}"
    );
    assert!(s8.contains("no reason for the shortfall"), "{s8}");
    assert_english(&s8, &[]);
}

#[test]
fn a_qualitative_score_outside_its_band_says_so_in_english() {
    let report = english(
        CORRECTED,
        SCORECARD,
        &[("H27", num(3.0)), ("I27", text("进一步提升"))],
    );
    let s7 = finding(&report, "S7").message.to_string();
    assert!(s7.starts_with("Qualitative indicator \""), "{s7}");
    assert!(s7.contains("80%–100% of the weight"), "{s7}");
    assert_english(&s7, &[]);
}

#[test]
fn a_missed_target_and_an_out_of_range_score_are_named_in_english() {
    // A reverse target missed: its proportional score is named with the target and the actual.
    let mut wb = load(COUNTY);
    set(&mut wb, SCORECARD, "E18", text("≤5%"));
    set(&mut wb, SCORECARD, "F18", text("6.2%"));
    let names = check_names(&wb);
    let s6: Vec<&String> = (names.iter().filter(|(id, _)| id == "S6"))
        .map(|(_, n)| n)
        .collect();
    assert!(
        s6.iter().any(|n| n.starts_with("Proportional score of \"")
            && n.ends_with("(target ≤5% missed, actual 6.2%)")),
        "{s6:?}"
    );
    for name in s6 {
        assert_english(name, &[]);
    }

    // With full marks kept, the score corrected to the proportion is a deduction without a reason.
    let report = english(
        COUNTY,
        SCORECARD,
        &[
            ("E18", text("≤5%")),
            ("F18", text("6.2%")),
            ("H24", num(97.76)),
        ],
    );
    let s8 = report
        .findings
        .iter()
        .find(|f| f.check == "S8" && f.severity == jixiao::Severity::Warning)
        .expect("S8 warning")
        .message
        .to_string();
    assert!(
        s8.contains("has a deduction of 0.97 (weight 5, score should be 4.03)"),
        "{s8}"
    );
    assert_english(&s8, &[]);
}

#[test]
fn a_score_below_the_proportion_asks_for_the_reason_in_english() {
    // 5 × 5% ÷ 6.2% = 4.03; 3 is below it, a judgement call.
    let report = english(
        COUNTY,
        SCORECARD,
        &[
            ("E18", text("≤5%")),
            ("F18", text("6.2%")),
            ("H18", num(3.0)),
            ("H24", num(96.73)),
        ],
    );
    let s6 = finding(&report, "S6").message.to_string();
    assert!(
        s6.contains("the proportional score is 5 × 5.00% ÷ 6.20% = 4.03; filed as 3"),
        "{s6}"
    );
    assert_english(&s6, &[]);
}

#[test]
fn a_grade_that_does_not_go_with_the_total_says_so_in_english() {
    let report = english(COUNTY, SCORECARD, &[("I24", text("良"))]);
    let s10 = finding(&report, "S10").message.to_string();
    assert!(
        s10.starts_with("A total of 98.73 gives grade \"优\""),
        "{s10}"
    );
    assert!(s10.ends_with("filed as \"良\""), "{s10}");
    assert_english(&s10, &[]);
}

#[test]
fn an_unreadable_amount_says_why_in_english() {
    let report = english(CORRECTED, "基础数据表", &[("D10", text("约1.89"))]);
    let v1 = finding(&report, "V1").message.to_string();
    assert!(v1.contains("cannot be read as a number"), "{v1}");
    let label = v1.split(':').next().unwrap_or_default().to_string();
    assert_english(&v1, &[&label]);
}

#[test]
fn rules_not_checked_are_listed_in_english() {
    let mut wb = load(CORRECTED);
    let sheet = wb.sheets.iter_mut().find(|s| s.name == SCORECARD).unwrap();
    sheet.cells.retain(|p, _| p.row < 12);
    set(&mut wb, "基础数据表", "D3", text("—"));
    let mut report = check_workbook(&wb, &Template::built_in()).expect("tables found");
    report.localize(Lang::En);
    let en = jixiao::report::to_text(&report, Lang::En);
    let lines: Vec<&str> = en.lines().filter(|l| l.contains("not checked:")).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("B1 Staff control rate (not found: \"")
                && l.contains("(filed as \"—\")")),
        "{en}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("S5 Quantitative indicator, target met")),
        "{en}"
    );
    for line in &lines {
        assert_english(line, &["三级指标", "财政供养人员控制率"]);
    }
    // The JSON says the same.
    let json = serde_json::to_value(&report).unwrap();
    let b1 = &json["not_checked"][0];
    assert_eq!(b1["check"], "B1");
    assert!(
        b1["missing"][0]
            .as_str()
            .unwrap()
            .ends_with("(filed as \"—\")"),
        "{b1}"
    );
}

#[test]
fn a_table_in_yuan_is_said_in_english() {
    let mut wb = load(CORRECTED);
    common::basic_amounts_in_yuan(&mut wb);
    let mut report = check_workbook(&wb, &Template::built_in()).expect("tables found");
    report.localize(Lang::En);
    let note = (report.notes.iter().map(ToString::to_string))
        .find(|n| n.contains("gives amounts in 元"))
        .unwrap_or_else(|| panic!("{:?}", report.notes));
    assert!(
        note.starts_with("the basic-data table gives amounts in 元 (its amounts are about 10000 times the other table's)"),
        "{note}"
    );
    assert!(note.contains("against the scorecard (万元)"), "{note}");
    assert_english(&note, &[]);
}
