//! The blame stage and `--fix` in English (issue 15): which cell is wrong, what it should be,
//! the slip it looks like, the tied candidates and why a finding is left as filed are said in
//! English; the workbook's own words (labels, rule names, sheets) stay as they are.

mod common;

use common::builder::Variant;
use common::set_cell as set;
use jixiao::i18n::Lang;
use jixiao::model::{CellPos, CellValue, FileReport, Finding, Replacement, Unfixed, Workbook};
use jixiao::template::Template;
use jixiao::{check_file, check_workbook, Options};
use rust_decimal::Decimal;

fn english() -> Options {
    Options {
        lang: Lang::En,
        ..Options::default()
    }
}

/// `text` holds no Chinese once the workbook's words in `kept` are taken out.
fn assert_english(text: &str, kept: &[&str]) {
    let mut rest = text.to_string();
    for word in kept {
        rest = rest.replace(word, "");
    }
    assert!(
        !rest.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        "Chinese of ours left in «{text}» (after removing the workbook's words: «{rest}»)"
    );
}

fn at<'a>(report: &'a FileReport, sheet: &str, cell: &str) -> &'a Finding {
    let pos = CellPos::parse_a1(cell).unwrap();
    report
        .findings
        .iter()
        .find(|f| f.sheet == sheet && f.cell == pos)
        .unwrap_or_else(|| panic!("no finding on {sheet}!{cell}: {:#?}", report.findings))
}

/// The seed as built here, checked by `check_file` in an English run.
fn seed_in_english() -> FileReport {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("seed.xlsx");
    Variant::seed().write(&path);
    check_file(&path, &english())
}

#[test]
fn an_input_blamed_with_its_typing_slip_is_said_in_english() {
    let report = seed_in_english();
    let f = at(&report, "绩效自评表", "G6");
    let text = f.message.to_string();
    assert_eq!(
        text,
        "check \"Basic and project spending add up\" fails: 全年执行数 3157.85 ≠ 2204.05 + 952.9 = 3156.95; \
         the other cells agree with the related checks, only 基本支出 should be 2204.95 \
         (filed as 2204.05); looks like a typing slip: 2204.95 typed as 2204.05 (one digit wrong)"
    );
    assert_english(&text, &["全年执行数", "基本支出"]);
}

#[test]
fn a_blank_derived_cell_is_said_in_english() {
    let report = seed_in_english();
    let f = at(&report, "基础数据表", "C6");
    let text = f.message.to_string();
    assert_eq!(
        text,
        "Official vehicles subtotal: 公务用车购置和维护经费（2024年预算数） is blank; \
         it should be 0 + 3.8 = 3.80"
    );
    assert_english(&text, &["公务用车购置和维护经费（2024年预算数）"]);
}

#[test]
fn a_truncated_rate_is_said_in_english() {
    let report = seed_in_english();
    let f = at(&report, "绩效自评表", "G4");
    let text = f.message.to_string();
    assert_eq!(
        text,
        "Budget execution rate: 执行率 should be 3157.85 ÷ 3172.18 = 99.55% \
         (rounded half up, not truncated); filed as 99.54%"
    );
    assert_english(&text, &["执行率"]);
    // Every finding of the blame stage says our words in English.
    for f in &report.findings {
        let text = f.message.to_string();
        assert!(!text.contains("应为") && !text.contains("填报为"), "{text}");
    }
}

fn corrected_seed() -> Workbook {
    jixiao::read::read_path(&common::fixture("seed-leiyang-2024-corrected.xlsx")).unwrap()
}

#[test]
fn tied_candidates_are_named_in_english_with_the_value_each_would_take() {
    let mut wb = corrected_seed();
    // 800 is no slip of 870.37: any of the income lines could be off.
    set(&mut wb, "绩效自评表", "D9", CellValue::Number(800.0));
    let mut report = check_workbook(&wb, Template::built_in_ref()).unwrap();
    let chinese = report.findings[0].message.to_string();
    assert!(chinese.contains("都能使各项检查成立"), "{chinese}");
    report.localize(Lang::En);
    let f = at(&report, "绩效自评表", "E4");
    let text = f.message.to_string();
    assert!(text.contains("\" fails: "), "{text}");
    assert!(
        text.contains("cannot tell which cell is wrong: changing "),
        "{text}"
    );
    for candidate in [
        "(绩效自评表!D6) to 2357.85",
        ", or ",
        "(绩效自评表!D9) to 870.37",
    ] {
        assert!(text.contains(candidate), "{text}");
    }
    assert!(
        text.ends_with(" would make every check hold; please check each one"),
        "{text}"
    );
    assert_english(
        &text,
        &[
            "按收入性质分类合计",
            "全年执行数",
            "一般公共预算",
            "政府性基金拨款",
            "纳入专户管理的非税收入拨款",
            "其他资金",
            "绩效自评表",
        ],
    );
}

/// A report of the clean seed with `findings` as the check stage might give them.
fn clean_seed_with(findings: Vec<Finding>) -> (Workbook, FileReport) {
    let wb = corrected_seed();
    let mut report = check_workbook(&wb, Template::built_in_ref()).unwrap();
    assert!(report.findings.is_empty());
    report.findings = findings;
    (wb, report)
}

fn error_at(cell: &str, expected: Option<&str>, value: Option<Replacement>) -> Finding {
    let at = CellPos::parse_a1(cell).unwrap();
    Finding::new(
        jixiao::model::RuleId::from("B1"),
        jixiao::Severity::Error,
        "基础数据表",
        at,
        "test",
    )
    .found("79.80%")
    .expected(expected.map(str::to_string))
    .replacement(value)
}

#[test]
fn fix_says_in_english_why_a_finding_is_left_as_filed() {
    // D3 is right as filed: 50.00% there makes B1 fail on the re-check. D4 has no value.
    let wrong = error_at(
        "D3",
        Some("50.00%"),
        Some(Replacement::Number(Decimal::new(5, 1))),
    );
    let open = error_at("D4", None, None);
    let one = error_at(
        "C4",
        Some("9.95"),
        Some(Replacement::Number(Decimal::new(995, 2))),
    );
    let other = error_at(
        "C4",
        Some("9.90"),
        Some(Replacement::Number(Decimal::new(990, 2))),
    );
    let (wb, mut report) = clean_seed_with(vec![wrong, open, one, other]);
    jixiao::pipeline::correct(&wb, &mut report, &english());
    assert!(report.corrections.is_empty(), "{:#?}", report.corrections);
    let reason = |why: Unfixed| {
        let u = report
            .not_corrected
            .iter()
            .find(|u| u.why == why)
            .unwrap_or_else(|| panic!("{:#?}", report.not_corrected));
        u.reason.to_string()
    };
    let unsettled = reason(Unfixed::Unsettled);
    assert!(
        unsettled.starts_with(
            "changed to 50.00%, the re-check still fails: [error] 基础数据表!D3 Staff control rate: "
        ),
        "{unsettled}"
    );
    assert!(
        unsettled.ends_with("should be 158 ÷ 198 = 79.80%; filed as 50.00%"),
        "{unsettled}"
    );
    assert_english(&unsettled, &["基础数据表", "控制率"]);
    assert_eq!(
        reason(Unfixed::Open),
        "no single right value follows; please verify by hand"
    );
    assert_eq!(
        reason(Unfixed::Conflict),
        "the checks give different values; please verify by hand"
    );
}
