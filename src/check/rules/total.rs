//! S10, the part written in Rust: the total as filed and as recalculated, and the grade that
//! goes with the total (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60). The sums themselves are the
//! template's S10 checks.

use rust_decimal::Decimal;

use crate::check::Values;
use crate::extract::Figures;
use crate::i18n::check::CheckMsg;
use crate::i18n::msg;
use crate::locate::Layout;
use crate::model::{FieldKey, Finding, Replacement, RuleId, Severity};

fn score_keys(layout: &Layout) -> Vec<FieldKey> {
    std::iter::once(FieldKey::parse("budget.score"))
        .chain((0..layout.indicators.len()).map(|i| FieldKey::indicator(i, "score")))
        .collect()
}

/// The 总分 cell as filed, or the sum of the filed scores; without 绩效指标 rows and a 总分
/// cell, none (the score of 执行率 alone is no total).
pub fn filed_total(values: &Values, layout: &Layout) -> Option<Decimal> {
    if let Some(t) = values.number(&FieldKey::parse("total.score")) {
        return Some(t);
    }
    if layout.indicators.is_empty() {
        return None;
    }
    let scores: Vec<Decimal> = score_keys(layout)
        .iter()
        .filter_map(|k| values.number(k))
        .collect();
    (!scores.is_empty()).then(|| scores.iter().sum())
}

/// The sum of the scores with every error, rounding and missing finding put right.
pub fn recalculated_total(
    values: &Values,
    layout: &Layout,
    findings: &[Finding],
) -> Option<Decimal> {
    if layout.indicators.is_empty() {
        return None;
    }
    let mut total = None;
    for key in score_keys(layout) {
        let Some(field) = layout.fields.get(key) else {
            continue;
        };
        let fixed = findings
            .iter()
            .find_map(|f| match (&f.replacement, f.severity) {
                (Some(Replacement::Number(v)), s)
                    if s != Severity::Warning && f.cell == field.pos && f.check != RuleId::V1 =>
                {
                    Some(*v)
                }
                _ => None,
            });
        if let Some(v) = fixed.or_else(|| values.number(&key)) {
            total = Some(total.unwrap_or(Decimal::ZERO) + v);
        }
    }
    total
}

pub fn grade_of(total: Decimal) -> &'static str {
    if total >= Decimal::from(90) {
        "优"
    } else if total >= Decimal::from(80) {
        "良"
    } else if total >= Decimal::from(60) {
        "中"
    } else {
        "差"
    }
}

/// The grade cell, when it does not go with the filed total.
pub fn check_grade(figures: &Figures, layout: &Layout, total: Option<Decimal>) -> Option<Finding> {
    let (sheet, pos) = layout.grade_cell?;
    let total = total?;
    let text = figures.grade.clone()?;
    let sheet = figures.sheet_name(sheet)?;
    let expected = grade_of(total);
    let first = text.chars().next()?;
    let same = first.to_string() == expected
        || (text == "合格" && expected == "中")
        || (text == "不合格" && expected == "差");
    let message = msg!(CheckMsg::GradeMismatch, total.normalize(), expected, &text);
    (!same).then(|| {
        Finding::new(RuleId::S10, Severity::Error, sheet, pos, message)
            .found(text)
            .expected(expected.to_string())
            .replacement(Replacement::Text(expected.to_string()))
    })
}
