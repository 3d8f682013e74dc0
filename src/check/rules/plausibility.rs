//! B6, the part written in Rust: a rate that no check can recompute (its inputs are not on the
//! sheet) must still lie in the range its template field gives (`plausible`).

use rust_decimal::Decimal;

use crate::check::{display, evaluate, Check, Outcome, Values};
use crate::extract::value::format_number;
use crate::extract::Figures;
use crate::i18n::check::CheckMsg;
use crate::i18n::msg;
use crate::locate::Layout;
use crate::model::{Finding, RuleId, Severity};
use crate::template::Template;

/// Whether the template gives any field a plausible range.
pub fn applies(template: &Template) -> bool {
    let basic = &template.basic;
    basic
        .building
        .columns
        .iter()
        .chain(&basic.staff.columns)
        .chain(&template.score.budget.columns)
        .chain(&template.score.labelled.fields)
        .any(|d| d.plausible.is_some())
}

/// Rates out of range that no check computes, on cells nothing else (`so_far`) has flagged.
pub fn check_ranges(
    layout: &Layout,
    figures: &Figures,
    values: &Values,
    checks: &[Check],
    so_far: &[Finding],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (key, field) in &layout.fields {
        let Some([lo, hi]) = field.plausible else {
            continue;
        };
        let Some(v) = values.number(key) else {
            continue;
        };
        let computed = checks
            .iter()
            .any(|c| c.lhs_key() == Some(*key) && !matches!(evaluate(c, values), Outcome::Skipped));
        if computed || so_far.iter().any(|f| f.cell == field.pos) {
            continue;
        }
        let (lo, hi) = (
            Decimal::try_from(lo).unwrap_or_default(),
            Decimal::try_from(hi).unwrap_or(Decimal::ONE),
        );
        if v < lo || v > hi {
            let format = values.format(key);
            let message = msg!(
                CheckMsg::Implausible,
                &field.label,
                display(v, format),
                format_number(lo, format.percent, 0),
                format_number(hi, format.percent, 0)
            );
            let sheet = figures.sheet_name(field.sheet).unwrap_or_default();
            let found = figures.shown(key);
            out.push(
                Finding::new(RuleId::B6, Severity::Warning, sheet, field.pos, message).found(found),
            );
        }
    }
    out
}
