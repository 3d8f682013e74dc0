//! The functions of the expression language.

use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Sum,
    Min,
    Max,
    Abs,
    Round,
    Trunc,
    RoundDown,
    RoundUp,
    Int,
}

const ALL: [Func; 9] = [
    Func::Sum,
    Func::Min,
    Func::Max,
    Func::Abs,
    Func::Round,
    Func::Trunc,
    Func::RoundDown,
    Func::RoundUp,
    Func::Int,
];

impl Func {
    /// A function by its name in any case (`SUM`, `sum`) or its Chinese name (`合计`).
    pub fn from_name(name: &str) -> Option<Func> {
        let lower = name.to_lowercase();
        ALL.into_iter()
            .find(|f| f.name() == lower || f.name_zh() == Some(name))
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Sum => "sum",
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Trunc => "trunc",
            Func::RoundDown => "rounddown",
            Func::RoundUp => "roundup",
            Func::Int => "int",
        }
    }

    pub fn name_zh(self) -> Option<&'static str> {
        Some(match self {
            Func::Sum => "合计",
            Func::Min => "较小值",
            Func::Max => "较大值",
            Func::Abs => "绝对值",
            Func::Round => "四舍五入",
            Func::Trunc => "截断",
            Func::RoundDown | Func::RoundUp | Func::Int => return None,
        })
    }

    /// Applies the function; None when an argument it needs is blank or out of range.
    pub(super) fn apply(self, values: Vec<Option<Decimal>>) -> Option<Decimal> {
        match self {
            Func::Sum => super::add_all(values),
            Func::Min => values.into_iter().try_fold(None, |m: Option<Decimal>, v| {
                v.map(|v| Some(m.map_or(v, |m| m.min(v))))
            })?,
            Func::Max => values.into_iter().try_fold(None, |m: Option<Decimal>, v| {
                v.map(|v| Some(m.map_or(v, |m| m.max(v))))
            })?,
            Func::Abs => Some(values.first().copied()??.abs()),
            Func::Round | Func::Trunc | Func::RoundDown | Func::RoundUp | Func::Int => {
                let x = values.first().copied()??;
                let digits = match values.get(1) {
                    Some(d) => d.as_ref()?.trunc().try_into().ok()?,
                    None => 0i64,
                };
                self.round(x, digits)
            }
        }
    }

    fn round(self, x: Decimal, digits: i64) -> Option<Decimal> {
        if !(0..=20).contains(&digits) {
            return None;
        }
        let dp = digits as u32;
        Some(match self {
            Func::Round => x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
            Func::Trunc | Func::RoundDown => x.round_dp_with_strategy(dp, RoundingStrategy::ToZero),
            Func::RoundUp => x.round_dp_with_strategy(dp, RoundingStrategy::AwayFromZero),
            _ => x.floor(),
        })
    }
}
