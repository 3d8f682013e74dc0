//! The scoring rules of the 绩效指标 rows (RULES.md §3 S5–S8): target met, target missed,
//! qualitative bands, score range and the reason a deduction needs.

use rust_decimal::Decimal;

use crate::check::{display, truncated, Check, Form, Values};
use crate::expr::{Cmp, Expr, Func, Op};
use crate::extract::value::{Comparison, Num, Reading};
use crate::extract::{Figures, IndicatorCells};
use crate::i18n::check::CheckMsg;
use crate::i18n::{msg, Message};
use crate::locate::{IndicatorRow, Layout};
use crate::model::text::fold;
use crate::model::{FieldKey, Finding, Replacement, RuleId, Severity};

/// Whether the actual value meets the target.
#[derive(Debug, Clone, PartialEq)]
pub enum Attainment {
    /// Met, judged from numbers, classes or dates.
    Met,
    /// Missed; `ratio` is the share of the target reached (for a proportional score).
    Missed { ratio: Option<Decimal> },
    /// Qualitative target, and the actual value says the same.
    QualitativeMet,
    /// Cannot be judged mechanically.
    Unknown,
}

pub fn attainment(target: &Reading, actual: &Reading) -> Attainment {
    match (target, actual) {
        (Reading::Quantity { cmp, num: t }, Reading::Quantity { cmp: None, num: a }) => {
            let Some((t_val, a_val)) = comparable(t, a) else {
                return Attainment::Unknown;
            };
            // A bare target of 0 (0户 返贫) is a ceiling.
            let cmp = cmp.unwrap_or(if t_val.is_zero() {
                Comparison::Le
            } else {
                Comparison::Ge
            });
            let met = match cmp {
                Comparison::Ge => a_val >= t_val,
                Comparison::Gt => a_val > t_val,
                Comparison::Le => a_val <= t_val,
                Comparison::Lt => a_val < t_val,
                Comparison::Eq => a_val == t_val,
            };
            if met {
                return Attainment::Met;
            }
            let ratio = match cmp {
                Comparison::Ge | Comparison::Gt => a_val.checked_div(t_val),
                Comparison::Le | Comparison::Lt => t_val.checked_div(a_val),
                _ => None,
            };
            Attainment::Missed {
                ratio: ratio.filter(|r| *r >= Decimal::ZERO),
            }
        }
        (Reading::Class { rank: t }, Reading::Class { rank: a }) => {
            if a <= t {
                Attainment::Met
            } else {
                Attainment::Missed { ratio: None }
            }
        }
        (Reading::Date { ymd: t, cmp }, Reading::Date { ymd: a, .. }) => {
            let met = match cmp {
                Some(Comparison::Ge | Comparison::Gt) => a >= t,
                _ => a <= t,
            };
            if met {
                Attainment::Met
            } else {
                Attainment::Missed { ratio: None }
            }
        }
        (Reading::Text(t), Reading::Text(a)) if same_phrase(t, a) => Attainment::QualitativeMet,
        _ => Attainment::Unknown,
    }
}

fn same_phrase(a: &str, b: &str) -> bool {
    let clean = |s: &str| -> String {
        fold(s)
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
            .collect()
    };
    clean(a) == clean(b)
}

/// Both values in one unit, or None when their units differ.
fn comparable(t: &Num, a: &Num) -> Option<(Decimal, Decimal)> {
    let units_agree = t.unit == a.unit || t.unit.is_empty() || a.unit.is_empty();
    if !units_agree || t.percent != a.percent {
        return None;
    }
    Some((t.value, a.value))
}

/// The scoring rules of every indicator row as checks the repair search takes part in: the
/// score range (S8) and the score the attainment calls for (S6 proportional; S5 full marks
/// and S7's band as judgement calls a repair must not break).
pub fn scoring_checks(figures: &Figures, layout: &Layout, values: &Values) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, (row, cells)) in layout
        .indicators
        .iter()
        .zip(&figures.indicators)
        .enumerate()
    {
        let score = FieldKey::indicator(i, "score");
        let points = FieldKey::indicator(i, "points");
        let Some(shown_points) = values.number(&points).map(|p| p.normalize()) else {
            continue;
        };
        let name = row_name(row, i);
        let check = |id: RuleId, title: Message, cmp: Cmp, rhs: Expr<FieldKey>, form: Form| {
            let severity = Severity::Error;
            Check::new(
                id,
                title,
                Expr::Ref(score),
                cmp,
                rhs,
                severity,
                severity,
                Some(score),
            )
            .with_form(form)
        };
        let range = msg!(CheckMsg::ScoreRange, &name, shown_points);
        out.push(check(
            RuleId::S8,
            range.clone(),
            Cmp::Le,
            Expr::Ref(points),
            Form::Bound,
        ));
        out.push(check(
            RuleId::S8,
            range,
            Cmp::Ge,
            Expr::Num(Decimal::ZERO),
            Form::Bound,
        ));
        let (target, actual) = (&cells.target, &cells.actual);
        let involved = vec![row.target, row.actual];
        let points_times = |share: Decimal| {
            Expr::Bin(
                Op::Mul,
                Box::new(Expr::Ref(points)),
                Box::new(Expr::Num(share)),
            )
        };
        match attainment(&target.reading, &actual.reading) {
            Attainment::Met => out.push(
                check(
                    RuleId::S5,
                    Message::from(&name),
                    Cmp::Ge,
                    Expr::Ref(points),
                    Form::Judgement,
                )
                .involving(involved),
            ),
            Attainment::Missed { ratio: Some(ratio) } => {
                let title = msg!(
                    CheckMsg::ProportionalScore,
                    &name,
                    &target.shown,
                    &actual.shown
                );
                let rhs = Expr::Call(Func::Min, vec![points_times(ratio), Expr::Ref(points)]);
                let explain = format!(
                    "{shown_points} × {}",
                    ratio_text(&target.reading, &actual.reading)
                );
                out.push(
                    check(RuleId::S6, title, Cmp::Eq, rhs, Form::Proportional)
                        .explained(explain)
                        .involving(involved),
                );
            }
            Attainment::QualitativeMet => {
                let low = points_times(Decimal::new(8, 1));
                out.push(
                    check(RuleId::S7, (&name).into(), Cmp::Ge, low, Form::Judgement)
                        .involving(involved),
                );
            }
            _ => {}
        }
    }
    out
}

fn row_name(row: &IndicatorRow, i: usize) -> Message {
    if row.name.is_empty() {
        msg!(CheckMsg::IndicatorNumber, i + 1)
    } else {
        Message::from(&row.name)
    }
}

/// The judgement calls of the indicator rows, on the values as the repair left them: a met
/// target's deduction (S5), a score below the proportion (S6), a qualitative score outside its
/// band (S7) and a deduction without a reason (S8). The rules that have one right value are
/// part of the repair search ([`scoring_checks`]).
pub fn check_indicators(figures: &Figures, layout: &Layout, values: &Values) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, (row, cells)) in layout
        .indicators
        .iter()
        .zip(&figures.indicators)
        .enumerate()
    {
        let sheet = figures
            .sheet_name(row.sheet)
            .unwrap_or_default()
            .to_string();
        out.extend(check_row(row, cells, sheet, i, values));
    }
    out
}

/// One indicator row as read: what its findings are made of.
struct Scored<'a> {
    row: &'a IndicatorRow,
    cells: &'a IndicatorCells,
    sheet: String,
    name: Message,
    points: Decimal,
    score: Decimal,
    score_format: &'a Num,
    /// The score as the cell shows it.
    found: &'a str,
    target: &'a Reading,
    target_shown: &'a str,
    actual: &'a Reading,
    actual_shown: &'a str,
}

impl Scored<'_> {
    /// A finding on the score cell.
    fn finding(
        &self,
        severity: Severity,
        check: RuleId,
        expected: Option<Decimal>,
        message: Message,
    ) -> Finding {
        let row = self.row;
        Finding::new(check, severity, &self.sheet, row.score, message)
            .found(self.found.to_string())
            .expected(expected.map(|e| display(e, self.score_format)))
            .involves(vec![row.target, row.actual, row.points])
            .replacement(expected.map(Replacement::Number))
    }
}

fn check_row(
    row: &IndicatorRow,
    cells: &IndicatorCells,
    sheet: String,
    i: usize,
    values: &Values,
) -> Vec<Finding> {
    let score_key = FieldKey::indicator(i, "score");
    let points_key = FieldKey::indicator(i, "points");
    let (Some(points), Some(score)) = (values.number(&points_key), values.number(&score_key))
    else {
        return Vec::new();
    };
    let scored = Scored {
        row,
        cells,
        sheet,
        name: row_name(row, i),
        points,
        score,
        score_format: values.format(&score_key),
        found: &cells.score.shown,
        target: &cells.target.reading,
        target_shown: &cells.target.shown,
        actual: &cells.actual.reading,
        actual_shown: &cells.actual.shown,
    };
    let mut out = Vec::new();
    // A score out of range is the repair's (S8); what it should be is not a judgement call.
    if score >= Decimal::ZERO && score <= points {
        match attained(&scored) {
            Ok(finding) => out.extend(finding),
            Err(Overflow) => return out,
        }
    }
    if score < points {
        out.extend(reason_missing(&scored));
    }
    out
}

/// The proportional score does not fit a decimal: the row is left unjudged.
struct Overflow;

/// S5–S7: the score against whether the target was met.
fn attained(s: &Scored) -> Result<Option<Finding>, Overflow> {
    let (name, found, points, score) = (&s.name, &s.found, s.points, s.score);
    let (target_shown, actual_shown) = (s.target_shown, s.actual_shown);
    let score_format = s.score_format;
    let band = |lo: Decimal, hi: Decimal| score >= points * lo && score <= points * hi;
    // Figures are at most 1e15 (value::MAX_MAGNITUDE), so products of a figure and a share fit.
    Ok(
        match super::targets::judge(&s.cells.target, &s.cells.actual) {
            Attainment::Met if score < points => Some(s.finding(
                Severity::Warning,
                RuleId::S5,
                Some(points),
                msg!(
                    CheckMsg::FullMarksDue,
                    name,
                    actual_shown,
                    target_shown,
                    points.normalize(),
                    *found
                ),
            )),
            Attainment::Missed { ratio: Some(ratio) } => {
                let expected = points.checked_mul(ratio).ok_or(Overflow)?.min(points);
                let stored = crate::check::stored(expected, score_format);
                // Above the proportion, or truncated, is the repair's.
                let below = score < expected && !truncated(score, expected, score_format);
                if crate::check::holds(score, expected, Cmp::Eq, score_format) || !below {
                    return Ok(None);
                }
                Some(s.finding(
                    Severity::Warning,
                    RuleId::S6,
                    Some(stored),
                    msg!(
                        CheckMsg::BelowProportion,
                        name,
                        target_shown,
                        actual_shown,
                        points.normalize(),
                        ratio_text(s.target, s.actual),
                        display(expected, score_format),
                        *found,
                    ),
                ))
            }
            Attainment::Missed { ratio: None } if score >= points => Some(s.finding(
                Severity::Warning,
                RuleId::S6,
                None,
                msg!(
                    CheckMsg::BelowWeightDue,
                    name,
                    actual_shown,
                    target_shown,
                    points.normalize(),
                    *found
                ),
            )),
            Attainment::QualitativeMet if !band(Decimal::new(8, 1), Decimal::ONE) => {
                Some(s.finding(
                    Severity::Warning,
                    RuleId::S7,
                    None,
                    msg!(
                        CheckMsg::QualitativeBand,
                        name,
                        actual_shown,
                        display(points * Decimal::new(8, 1), score_format),
                        display(points, score_format),
                        *found,
                    ),
                ))
            }
            _ => None,
        },
    )
}

/// S8: a deduction needs 偏差原因分析及改进措施.
fn reason_missing(s: &Scored) -> Option<Finding> {
    let reason = s.row.reason?;
    if s.cells.reason.as_ref()?.reading != Reading::Blank {
        return None;
    }
    // A score the repair changed is named as it should be.
    let corrected = display(s.score, s.score_format);
    let filed = match &s.cells.score.reading {
        Reading::Quantity { num, .. } => Some(num.value),
        _ => None,
    };
    let score = if filed.is_none_or(|v| v == s.score) {
        msg!(CheckMsg::ScoreFiled, s.found)
    } else {
        msg!(CheckMsg::ScoreShouldBe, corrected)
    };
    let message = msg!(
        CheckMsg::ReasonMissing,
        &s.name,
        (s.points - s.score).normalize(),
        s.points.normalize(),
        score,
    );
    Some(
        Finding::new(RuleId::S8, Severity::Warning, &s.sheet, reason, message)
            .involves(vec![s.row.score]),
    )
}

fn ratio_text(target: &Reading, actual: &Reading) -> String {
    match (target, actual) {
        (Reading::Quantity { cmp, num: t }, Reading::Quantity { num: a, .. }) => match cmp {
            Some(Comparison::Le | Comparison::Lt) => format!("{} ÷ {}", t.display(), a.display()),
            _ => format!("{} ÷ {}", a.display(), t.display()),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::value::read_text;

    fn att(t: &str, a: &str) -> Attainment {
        attainment(&read_text(t), &read_text(a))
    }

    #[test]
    fn targets_met() {
        assert_eq!(att("90%", "93%"), Attainment::Met);
        assert_eq!(att("≥86%", "88.4%"), Attainment::Met);
        assert_eq!(att("≤4.5等", "4.3等"), Attainment::Met);
        assert_eq!(att("0户", "0户"), Attainment::Met);
        assert_eq!(att("≤3157.85万元", "3157.85"), Attainment::Met);
        assert_eq!(att("II类", "Ⅱ类"), Attainment::Met);
        assert_eq!(att("Ⅲ类", "II类"), Attainment::Met);
        assert_eq!(
            att("2024年12月31日之前", "2024年12月31日之前"),
            Attainment::Met
        );
        assert_eq!(att("有效提升", "有效提升"), Attainment::QualitativeMet);
    }

    #[test]
    fn targets_missed_or_unknown() {
        match att("98%", "97.3%") {
            Attainment::Missed { ratio: Some(r) } => {
                assert_eq!((r * Decimal::from(10)).round_dp(2), Decimal::new(993, 2))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            att("≤5%", "10%"),
            Attainment::Missed { ratio: Some(_) }
        ));
        assert_eq!(att("Ⅱ类", "Ⅳ类"), Attainment::Missed { ratio: None });
        assert_eq!(att("有所提高", "保持优良"), Attainment::Unknown);
        assert_eq!(att("健全", "基本健全"), Attainment::Unknown);
        assert_eq!(att("45个", "45万元"), Attainment::Unknown);
    }
}
