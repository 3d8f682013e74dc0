//! Typing slips (RULES.md §4): whether a filed value is the right one typed wrongly — two
//! adjacent digits swapped, one digit wrong, a digit dropped or doubled, the decimal point in
//! the wrong place, the sign flipped, or an amount in 万元 typed in 元. A repair that undoes a
//! slip is cheaper than one that changes a cell for no visible reason (`deductive`'s
//! `correct_typos`, Statistics Netherlands).

use rust_decimal::Decimal;

use crate::extract::value::{round_half_up, Num};
use crate::model::Typo;

/// The slip that turns `right` into `filed`, both compared as `format` shows them; `amount`
/// says whether the cell holds 万元 (so ×10000 reads as 元 typed for 万元).
pub fn slip(filed: Decimal, right: Decimal, format: &Num, amount: bool) -> Option<Typo> {
    let (f, r) = (shown(filed, format), shown(right, format));
    if f == r || f.is_zero() || r.is_zero() {
        return None;
    }
    if f == -r {
        return Some(Typo::SignFlip);
    }
    if let Some(typo) = shift(filed, right, amount) {
        return Some(typo);
    }
    if f.is_sign_negative() != r.is_sign_negative() {
        return None;
    }
    let (fd, rd) = (
        digits(f.abs(), format.decimals),
        digits(r.abs(), format.decimals),
    );
    if fd.len() == rd.len() {
        return same_length(&fd, &rd);
    }
    let (fd, rd) = (trimmed(&fd), trimmed(&rd));
    if fd.len() + 1 == rd.len() && removes_one_digit(rd, fd) {
        return Some(Typo::DigitDropped);
    }
    if rd.len() + 1 == fd.len() && doubles_one_digit(fd, rd) {
        return Some(Typo::DigitDoubled);
    }
    None
}

fn shown(value: Decimal, format: &Num) -> Decimal {
    let v = if format.percent {
        value * Decimal::ONE_HUNDRED
    } else {
        value
    };
    round_half_up(v, format.decimals)
}

/// `filed` is `right` times or divided by 10, 100, 1000 or 10000.
fn shift(filed: Decimal, right: Decimal, amount: bool) -> Option<Typo> {
    let mut power = Decimal::ONE;
    for n in 1..=4 {
        power *= Decimal::TEN;
        if right.checked_mul(power) == Some(filed) {
            return Some(if n == 4 && amount {
                Typo::YuanForWan
            } else {
                Typo::DecimalShift
            });
        }
        if filed.checked_mul(power) == Some(right) {
            return Some(Typo::DecimalShift);
        }
    }
    None
}

/// The digits and point of a non-negative value at `decimals` decimals: "545.49".
fn digits(value: Decimal, decimals: u32) -> Vec<u8> {
    format!("{:.*}", decimals as usize, value).into_bytes()
}

/// Without the zeros that end a fraction, nor a point left bare: "545.90" → "545.9".
fn trimmed(text: &[u8]) -> &[u8] {
    if !text.contains(&b'.') {
        return text;
    }
    let mut end = text.len();
    while end > 0 && text[end - 1] == b'0' {
        end -= 1;
    }
    if end > 0 && text[end - 1] == b'.' {
        end -= 1;
    }
    &text[..end]
}

/// One digit wrong, or two adjacent digits swapped; a last digit one unit off is a matter of
/// precision, not a slip.
fn same_length(filed: &[u8], right: &[u8]) -> Option<Typo> {
    let diff: Vec<usize> = (0..filed.len()).filter(|&i| filed[i] != right[i]).collect();
    let is_digit = |i: usize| filed[i].is_ascii_digit() && right[i].is_ascii_digit();
    match diff.as_slice() {
        [i] if is_digit(*i) => {
            let last = *i + 1 == filed.len();
            let step = (filed[*i] as i16 - right[*i] as i16).abs();
            (!(last && step == 1)).then_some(Typo::OneDigit)
        }
        [i, j] if *j == i + 1 && is_digit(*i) && is_digit(*j) => {
            (filed[*i] == right[*j] && filed[*j] == right[*i]).then_some(Typo::AdjacentSwap)
        }
        _ => None,
    }
}

/// `short` is `long` with one of its digits left out.
fn removes_one_digit(long: &[u8], short: &[u8]) -> bool {
    (0..long.len())
        .any(|i| long[i].is_ascii_digit() && long[..i] == short[..i] && long[i + 1..] == short[i..])
}

/// `long` is `short` with one of its digits typed twice.
fn doubles_one_digit(long: &[u8], short: &[u8]) -> bool {
    (0..long.len() - 1)
        .any(|i| long[i].is_ascii_digit() && long[i] == long[i + 1] && removes_at(long, short, i))
}

fn removes_at(long: &[u8], short: &[u8], i: usize) -> bool {
    long[..i] == short[..i] && long[i + 1..] == short[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount() -> Num {
        Num {
            value: Decimal::ZERO,
            percent: false,
            decimals: 2,
            unit: String::new(),
        }
    }

    fn slip_of(filed: &str, right: &str) -> Option<Typo> {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        slip(d(filed), d(right), &amount(), true)
    }

    #[test]
    fn each_slip_is_named() {
        assert_eq!(slip_of("3847.26", "3874.26"), Some(Typo::AdjacentSwap));
        assert_eq!(slip_of("545.94", "545.49"), Some(Typo::AdjacentSwap));
        assert_eq!(slip_of("2204.05", "2204.95"), Some(Typo::OneDigit));
        assert_eq!(slip_of("54.49", "545.49"), Some(Typo::DigitDropped));
        assert_eq!(slip_of("5455.49", "545.49"), Some(Typo::DigitDoubled));
        assert_eq!(slip_of("18.9", "1.89"), Some(Typo::DecimalShift));
        assert_eq!(slip_of("0.189", "1.89"), Some(Typo::DecimalShift));
        assert_eq!(slip_of("-407.41", "407.41"), Some(Typo::SignFlip));
        assert_eq!(slip_of("38742600", "3874.26"), Some(Typo::YuanForWan));
    }

    #[test]
    fn other_changes_are_not_slips() {
        assert_eq!(slip_of("9.96", "9.95"), None);
        assert_eq!(slip_of("10", "9.95"), None);
        assert_eq!(slip_of("0", "0.04"), None);
        assert_eq!(slip_of("1.89", "1.93"), None);
        assert_eq!(slip_of("800", "870.37"), None);
        assert_eq!(slip_of("4.91", "4.91"), None);
    }
}
