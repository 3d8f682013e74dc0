//! The findings a repair comes to, and what they say.

use rust_decimal::Decimal;

use super::{Change, Index, Places};
use crate::check::{
    display, eval_side, render, stored, truncated, Check, Form, Lookup, MissingCell, Outcome,
    Values,
};
use crate::expr::{Cmp, Expr};
use crate::i18n::blame::BlameMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};
use crate::model::{CellPos, FieldKey, Finding, Replacement, RuleId, Severity};

pub(super) fn missing_findings(
    checks: &[Check],
    missing: &[&MissingCell],
    values: &Values,
    places: &Places,
) -> Vec<Finding> {
    missing
        .iter()
        .filter_map(|m| {
            let check = &checks[m.check];
            let (sheet, pos, label) = places.cell(&m.key)?;
            let format = values.format(&m.key);
            let expected = display(m.expected, format);
            let message = msg!(
                BlameMsg::MissingCell,
                &check.name,
                label,
                render(&check.rhs, values),
                &expected
            );
            Some(
                Finding::new(check.id.clone(), Severity::Missing, sheet, pos, message)
                    .expected(expected)
                    .involves(involved_cells(check, &m.key, places))
                    .replacement(Replacement::Number(stored(m.expected, format))),
            )
        })
        .collect()
}

fn involved_cells(check: &Check, except: &FieldKey, places: &Places) -> Vec<CellPos> {
    let mut cells: Vec<CellPos> = check
        .keys()
        .iter()
        .filter(|k| *k != except)
        .filter_map(|k| places.cell(k).map(|(_, p, _)| p))
        .collect();
    for c in &check.cells {
        if !cells.contains(c) {
            cells.push(*c);
        }
    }
    cells
}

/// The values a repair starts from and ends with.
pub(super) struct Before<'a> {
    pub before: &'a Values,
    pub after: &'a Values,
}

pub(super) fn change_finding(
    checks: &[Check],
    ix: &Index,
    values: Before,
    places: &Places,
    change: &Change,
    cluster: &[usize],
) -> Option<Finding> {
    let Before { before, after } = values;
    let check = &checks[change.by];
    let key = &ix.names[change.key];
    let (sheet, pos, label) = places.cell(key)?;
    let format = before.format(key);
    let original = match before.get(key) {
        Lookup::Known(v) => v,
        Lookup::Unknown => None,
    };
    let expected = display(change.value, format);
    let found = places.shown(key);
    let derived = check.lhs_key() == Some(*key);
    let exact = eval_side(&check.rhs, after).flatten();
    let severity = match (original, exact) {
        (None, _) => Severity::Missing,
        (Some(v), Some(exact)) if derived && truncated(v, exact, format) => Severity::Rounding,
        _ => check.severity,
    };
    let mut message = if derived {
        derived_message(
            check,
            &label,
            &expected,
            show_found(&found),
            after,
            severity,
        )
    } else {
        input_message(check, &label, &expected, show_found(&found), before, places)?
    };
    if let (Some(v), true) = (original, derived && check.id == RuleId::S2) {
        if let Some(note) = rounded_rate_note(checks, check, v, after, format) {
            message.push(Word::ClauseSep);
            message.push(note);
        }
    }
    let others: Vec<Message> = cluster
        .iter()
        .filter(|&&i| i != change.by)
        .map(|&i| {
            msg!(
                BlameMsg::RuleWithId,
                &checks[i].name,
                checks[i].id.to_string()
            )
        })
        .collect();
    if !others.is_empty() {
        message.push(Word::ClauseSep);
        message.push(msg!(
            BlameMsg::AlsoHolds,
            Message::join(others, Word::ListSep)
        ));
    }
    let typo = change.typo.filter(|_| severity != Severity::Rounding);
    if let Some(t) = typo {
        message.push(Word::ClauseSep);
        message.push(t.note(&expected, &found));
    }
    Some(
        Finding::new(check.id.clone(), severity, sheet, pos, message)
            .found(found)
            .expected(expected)
            .involves(involved_cells(check, key, places))
            .replacement(Replacement::Number(change.value))
            .typo(typo),
    )
}

/// "预算执行率：执行率应为 3157.85 ÷ 3172.18 = 99.55%，填报为 99.54%".
fn derived_message(
    check: &Check,
    label: &str,
    expected: &str,
    found: Message,
    values: &Values,
    severity: Severity,
) -> Message {
    if check.form == Form::Bound {
        return msg!(BlameMsg::BoundValue, &check.name, label, expected, found);
    }
    let why = if severity == Severity::Rounding {
        Message::new(BlameMsg::RoundNotTruncate)
    } else {
        Message::default()
    };
    match &check.explain {
        // The rule's name says whose value it is: "「…」未达到年度指标值 ≤5%（实际 6.2%），按比例得分".
        Some(rhs) => msg!(
            BlameMsg::ExplainedValue,
            &check.name,
            rhs,
            expected,
            why,
            found
        ),
        None => msg!(
            BlameMsg::DerivedValue,
            &check.name,
            label,
            render(&check.rhs, values),
            expected,
            why,
            found
        ),
    }
}

/// "…不成立：全年执行数 3157.85 ≠ 2204.05 + 952.9 = 3156.95；其他单元格与相关检查一致，只有基本支出应为 2204.95".
fn input_message(
    check: &Check,
    label: &str,
    expected: &str,
    found: Message,
    values: &Values,
    places: &Places,
) -> Option<Message> {
    // A repair is only ever found for a rule whose left side is a field.
    let lhs_key = check.lhs_key()?;
    let lhs_label = places.cell(&lhs_key).map(|c| c.2).unwrap_or_default();
    let sum = eval_side(&check.rhs, values).flatten().unwrap_or_default();
    Some(msg!(
        BlameMsg::InputValue,
        &check.name,
        lhs_label,
        places.shown(&lhs_key),
        render(&check.rhs, values),
        display(sum, values.format(&lhs_key)),
        label,
        expected,
        found
    ))
}

/// A score computed from a rate as rounded (10 × 96.35% = 9.64) where the rule takes the exact
/// ratio: the rule of the rate (S1) whose right side the score's rule contains, with the rate as
/// shown put in its place, gives the filed score.
fn rounded_rate_note(
    checks: &[Check],
    score_rule: &Check,
    filed: Decimal,
    values: &Values,
    format: &crate::extract::value::Num,
) -> Option<Message> {
    let shown = |v: Decimal| crate::check::stored(v, format);
    for rate_rule in checks {
        let Some(rate) = rate_rule.lhs_key() else {
            continue;
        };
        if rate_rule.form != Form::Rule || std::ptr::eq(rate_rule, score_rule) {
            continue;
        }
        let rate_format = values.format(&rate);
        let Some(exact_rate) = eval_side(&rate_rule.rhs, values).flatten() else {
            continue;
        };
        let rounded = stored(exact_rate, rate_format);
        let with_rounded = substitute(&score_rule.rhs, &rate_rule.rhs, &Expr::Num(rounded));
        if rounded == exact_rate || with_rounded == score_rule.rhs {
            continue;
        }
        let from_rounded = eval_side(&with_rounded, values).flatten()?;
        if shown(from_rounded) == shown(filed) {
            return Some(msg!(
                BlameMsg::RoundedRate,
                &rate_rule.name,
                display(rounded, rate_format),
                display(from_rounded, format)
            ));
        }
    }
    None
}

/// `expr` with `part` put in its place wherever it stands, matched as a whole; a product or
/// quotient written left to right (`a * b / c`) also matches `b / c`.
fn substitute(
    expr: &Expr<FieldKey>,
    part: &Expr<FieldKey>,
    with: &Expr<FieldKey>,
) -> Expr<FieldKey> {
    use crate::expr::Op;
    if expr == part {
        return with.clone();
    }
    let sub = |e: &Expr<FieldKey>| Box::new(substitute(e, part, with));
    match expr {
        // (a * b) / c where part is b / c.
        Expr::Bin(Op::Div, ab, c) => match (&**ab, part) {
            (Expr::Bin(Op::Mul, a, b), Expr::Bin(Op::Div, pb, pc)) if b == pb && c == pc => {
                Expr::Bin(Op::Mul, a.clone(), Box::new(with.clone()))
            }
            _ => Expr::Bin(Op::Div, sub(ab), sub(c)),
        },
        Expr::Neg(e) => Expr::Neg(sub(e)),
        Expr::Bin(op, a, b) => Expr::Bin(*op, sub(a), sub(b)),
        Expr::Call(f, args) => {
            Expr::Call(*f, args.iter().map(|a| substitute(a, part, with)).collect())
        }
        other => other.clone(),
    }
}

/// The value as filed, "空" for a blank cell.
fn show_found(found: &str) -> Message {
    if found.is_empty() {
        Message::new(BlameMsg::BlankFiled)
    } else {
        Message::raw(found)
    }
}

pub(super) fn unexplained_finding(
    check: &Check,
    outcome: &Outcome,
    values: &Values,
    places: &Places,
    ties: &[Vec<(FieldKey, Decimal)>],
) -> Option<Finding> {
    let Outcome::Fails { expected } = outcome else {
        return None;
    };
    let key = check.anchor.or(check.lhs_key())?;
    let (sheet, pos, label) = places.cell(&key)?;
    let lhs_text = match &check.lhs {
        Expr::Ref(k) => places.shown(k),
        other => format!(
            "{} = {}",
            render(other, values),
            eval_side(other, values)
                .flatten()
                .unwrap_or_default()
                .normalize()
        ),
    };
    let rhs_text = match (&check.rhs, &check.explain, check.lhs_key()) {
        (Expr::Num(n), ..) => n.normalize().to_string(),
        (_, Some(text), Some(lhs)) => {
            format!("{text} = {}", display(*expected, values.format(&lhs)))
        }
        (other, ..) => format!("{} = {}", render(other, values), expected.normalize()),
    };
    let broken = match check.cmp {
        Cmp::Eq => "≠",
        Cmp::Ge => "<",
        Cmp::Le => ">",
    };
    let message = msg!(
        BlameMsg::DoesNotHold,
        &check.name,
        label,
        lhs_text,
        broken,
        rhs_text,
        undecided(ties, values, places)
    );
    let found = match &check.lhs {
        Expr::Ref(_) => places.shown(&key),
        other => eval_side(other, values)
            .flatten()
            .map(|v| v.normalize().to_string())
            .unwrap_or_default(),
    };
    let mut involves = involved_cells(check, &key, places);
    for (k, _) in ties.iter().flatten() {
        if let Some((_, p, _)) = places.cell(k) {
            if p != pos && !involves.contains(&p) {
                involves.push(p);
            }
        }
    }
    Some(
        Finding::new(check.id.clone(), check.unexplained, sheet, pos, message)
            .found(found)
            .involves(involves),
    )
}

/// "无法确定是哪一个单元格填错" and, when several repairs tie, which: "把一般公共预算改为 2357.85，
/// 或把其他资金改为 870.37，都能使各项检查成立".
fn undecided(ties: &[Vec<(FieldKey, Decimal)>], values: &Values, places: &Places) -> Message {
    if ties.len() < 2 {
        return Message::new(BlameMsg::Undecided);
    }
    let repairs = ties.iter().map(|changes| {
        let cells = changes.iter().filter_map(|(k, v)| {
            let (sheet, pos, label) = places.cell(k)?;
            let value = display(*v, values.format(k));
            Some(msg!(
                BlameMsg::TiedCell,
                label,
                sheet,
                pos.to_string(),
                value
            ))
        });
        Message::join(cells, BlameMsg::TiedAnd)
    });
    msg!(BlameMsg::Tied, Message::join(repairs, BlameMsg::TiedOr))
}
