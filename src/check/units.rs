//! Tables in 元 (RULES.md §2): a table whose headers say `（元）` or `单位：元`, or whose 项目支出
//! is 10,000 times the other table's, is compared in 元 within itself; a rule across the two
//! tables converts its 元 figures to 万元 (1 万元 = 10,000 元) and compares at 万元 precision.

use rust_decimal::Decimal;

use crate::check::{holds, Values};
use crate::expr::{Cmp, Expr, Op};
use crate::i18n::check::CheckMsg;
use crate::i18n::{msg, Message};
use crate::locate::{Layout, Unit};
use crate::model::{FieldKey, Kind};

const YUAN_PER_WAN: i64 = 10_000;

/// Takes a table to be in 元 when its headers do not say so but its 项目支出 is 10,000 times the
/// other table's, and returns the note that says which table is in 元, if any.
pub fn settle(layout: &mut Layout, values: &Values) -> Option<Message> {
    if layout.basic_unit == Unit::Wan && layout.score_unit == Unit::Wan {
        let basic = FieldKey::parse("project.final");
        let score = FieldKey::parse("spending.project");
        let guessed = match (values.number(&basic), values.number(&score)) {
            (Some(b), Some(s)) if !b.is_zero() && !s.is_zero() => {
                let wan = Decimal::from(YUAN_PER_WAN);
                if holds(s, b / wan, Cmp::Eq, values.format(&score)) {
                    Some(true)
                } else if holds(b, s / wan, Cmp::Eq, values.format(&basic)) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        };
        match guessed {
            Some(true) => layout.basic_unit = Unit::Yuan,
            Some(false) => layout.score_unit = Unit::Yuan,
            None => return None,
        }
        mark_yuan(layout, guessed == Some(true));
        return Some(note(layout, CheckMsg::YuanByRatio));
    }
    if layout.basic_unit == layout.score_unit {
        return Some(CheckMsg::BothInYuan.into());
    }
    Some(note(layout, CheckMsg::YuanByHeader))
}

fn note(layout: &Layout, why: CheckMsg) -> Message {
    let (yuan, wan) = if layout.basic_unit == Unit::Yuan {
        (CheckMsg::BasicTable, CheckMsg::ScoreTable)
    } else {
        (CheckMsg::ScoreTable, CheckMsg::BasicTable)
    };
    msg!(CheckMsg::TableInYuan, yuan, why, wan)
}

/// Marks the amounts of one table (the basic table's, or the scorecard's) as in 元.
fn mark_yuan(layout: &mut Layout, basic: bool) {
    for field in layout.fields.cells_mut() {
        if field.basic == basic && field.kind == Kind::Amount {
            field.yuan = true;
        }
    }
}

/// A rule across a table in 元 and one in 万元, in 万元: each 元 figure divided by 10,000, and
/// a 元 cell on the left moved to the right when the right is a single 万元 cell, so that the
/// comparison is at 万元 precision.
pub fn in_wan(
    layout: &Layout,
    lhs: Expr<FieldKey>,
    rhs: Expr<FieldKey>,
) -> (Expr<FieldKey>, Expr<FieldKey>) {
    let amount = |k: &FieldKey| {
        layout
            .fields
            .get(*k)
            .filter(|f| f.kind == Kind::Amount)
            .map(|f| f.yuan)
    };
    let units: Vec<bool> = lhs
        .refs()
        .into_iter()
        .chain(rhs.refs())
        .filter_map(&amount)
        .collect();
    if !(units.contains(&true) && units.contains(&false)) {
        return (lhs, rhs);
    }
    let is_yuan = |k: &FieldKey| amount(k) == Some(true);
    let (lhs, rhs) = match (&lhs, &rhs) {
        (Expr::Ref(l), Expr::Ref(r)) if is_yuan(l) && !is_yuan(r) => (rhs, lhs),
        _ => (lhs, rhs),
    };
    let mut to_wan = |k: &FieldKey| {
        let r = Expr::Ref(*k);
        if is_yuan(k) {
            let wan = Expr::Num(Decimal::from(YUAN_PER_WAN));
            Expr::Bin(Op::Div, Box::new(r), Box::new(wan))
        } else {
            r
        }
    };
    (lhs.map_refs(&mut to_wan), rhs.map_refs(&mut to_wan))
}
