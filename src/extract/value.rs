//! Reading a value the way a person typed it (RULES.md §2).

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::text::fold;
use crate::model::CellValue;
use crate::model::Kind;

/// Most decimals a General-format number is compared at; beyond this is binary noise.
const MAX_DECIMALS: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Ge => "≥",
            Comparison::Gt => ">",
            Comparison::Le => "≤",
            Comparison::Lt => "<",
            Comparison::Eq => "=",
        }
    }
}

/// A number as shown in its cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Num {
    /// The value as stored: a percentage as a ratio (99.54% → 0.9954).
    pub value: Decimal,
    /// Shown as a percentage.
    pub percent: bool,
    /// Decimals shown, in the shown unit (2 for "99.54%").
    pub decimals: u32,
    /// A unit typed after the number (个, 万元, 万亩…), empty if none.
    pub unit: String,
}

impl Num {
    /// The value in the unit it is shown in (percentage points for a percentage).
    pub fn shown_value(&self) -> Decimal {
        if self.percent {
            self.value * Decimal::ONE_HUNDRED
        } else {
            self.value
        }
    }

    /// The shown value rounded to the shown decimals.
    pub fn shown_rounded(&self) -> Decimal {
        round_half_up(self.shown_value(), self.decimals)
    }

    /// Formats `value` (stored units) the way this cell shows numbers.
    pub fn format_like(&self, value: Decimal) -> String {
        format_number(value, self.percent, self.decimals)
    }

    pub fn display(&self) -> String {
        let mut s = self.format_like(self.value);
        s.push_str(&self.unit);
        s
    }
}

pub fn round_half_up(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// `value` in stored units, shown as a percentage or plain, with `decimals` decimals.
pub fn format_number(value: Decimal, percent: bool, decimals: u32) -> String {
    let shown = if percent {
        value * Decimal::ONE_HUNDRED
    } else {
        value
    };
    let rounded = round_half_up(shown, decimals);
    let mut s = format!("{:.*}", decimals as usize, rounded);
    if s.starts_with('-') && rounded.is_zero() {
        s.remove(0);
    }
    if percent {
        s.push('%');
    }
    s
}

/// What a cell holds, read as a person reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Blank,
    /// A number, possibly with a comparison in front (a target such as `≥86%`).
    Quantity {
        cmp: Option<Comparison>,
        num: Num,
    },
    /// A water-quality style class: Ⅰ类 = 1 … Ⅴ类 = 5, 劣Ⅴ类 = 6. Lower is better.
    Class {
        rank: u8,
    },
    /// A date (deadline), with an optional comparison (`之前` = ≤).
    Date {
        ymd: (i32, u32, u32),
        cmp: Option<Comparison>,
    },
    /// Anything else: a qualitative phrase, or text where a number was wanted.
    Text(String),
}

impl Reading {
    pub fn number(&self) -> Option<&Num> {
        match self {
            Reading::Quantity { cmp: None, num } => Some(num),
            _ => None,
        }
    }
}

/// Number of decimals a format code shows ("0.00%" → 2), or None for General / no format.
pub fn format_decimals(code: &str) -> Option<u32> {
    let section = code.split(';').next().unwrap_or("");
    let lower = section.to_ascii_lowercase();
    if lower.is_empty()
        || lower == "general"
        || lower.contains('@')
        || !section.contains(['0', '#'])
    {
        return None;
    }
    let mut cleaned = String::new();
    let mut in_quotes = false;
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\\' => {
                chars.next();
            }
            _ if in_quotes => {}
            '[' => {
                for c2 in chars.by_ref() {
                    if c2 == ']' {
                        break;
                    }
                }
            }
            _ => cleaned.push(c),
        }
    }
    let decimals = match cleaned.find('.') {
        Some(dot) => cleaned[dot + 1..]
            .chars()
            .take_while(|c| matches!(c, '0' | '#' | '?'))
            .count() as u32,
        None => 0,
    };
    Some(decimals)
}

pub fn is_percent_format(code: &str) -> bool {
    code.split(';').next().is_some_and(|s| s.contains('%'))
}

fn default_decimals(kind: Kind) -> u32 {
    match kind {
        Kind::Count => 0,
        _ => 2,
    }
}

/// Decimals typed in a decimal string ("3157.85" → 2).
fn typed_decimals(text: &str) -> u32 {
    text.split_once('.')
        .map(|(_, f)| f.trim_end_matches(|c: char| !c.is_ascii_digit()).len() as u32)
        .unwrap_or(0)
}

/// Reads a cell of a known kind. `format` is the cell's number format code, if any.
pub fn read_cell(value: &CellValue, format: Option<&str>, kind: Kind) -> Reading {
    match value {
        CellValue::Empty => Reading::Blank,
        CellValue::Text(t) if t.trim().is_empty() => Reading::Blank,
        CellValue::Number(f) => match number_from_f64(*f) {
            Some(v) => Reading::Quantity {
                cmp: None,
                num: shape_number(v, &format!("{f}"), format, kind),
            },
            None => Reading::Text(format!("{f}")),
        },
        CellValue::Text(t) => {
            let reading = read_text(t);
            match reading {
                Reading::Quantity { cmp, mut num } => {
                    if kind == Kind::Rate && !num.percent {
                        num = shape_number(num.value, &num.value.to_string(), None, kind);
                    } else {
                        num.decimals = num
                            .decimals
                            .max(default_decimals(kind))
                            .min(MAX_DECIMALS.max(num.decimals));
                    }
                    Reading::Quantity { cmp, num }
                }
                other => other,
            }
        }
        CellValue::DateTime(serial) => match date_from_serial(*serial) {
            Some(ymd) => Reading::Date { ymd, cmp: None },
            None => Reading::Text(format!("{serial}")),
        },
        CellValue::Bool(b) => Reading::Text(if *b { "TRUE".into() } else { "FALSE".into() }),
        CellValue::Error(e) => Reading::Text(e.clone()),
    }
}

/// Largest magnitude read as a number; anything bigger is not a figure of these tables, and
/// keeping to it means no rate or product of two figures can overflow decimal arithmetic.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// Most decimals kept from a typed or stored number.
const MAX_READ_DECIMALS: u32 = 10;

fn number_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() || f.abs() > MAX_MAGNITUDE {
        return None;
    }
    let exact = Decimal::from_str(&format!("{f}"))
        .or_else(|_| Decimal::try_from(f))
        .ok()?;
    Some(exact.round_dp(MAX_READ_DECIMALS))
}

/// Decides how a stored number is shown: percent or not, and its decimals.
fn shape_number(value: Decimal, typed: &str, format: Option<&str>, kind: Kind) -> Num {
    let explicit = format.and_then(format_decimals);
    let percent_format = format.is_some_and(is_percent_format);
    if let (Some(decimals), true) = (explicit, percent_format) {
        return Num {
            value,
            percent: true,
            decimals,
            unit: String::new(),
        };
    }
    if let Some(decimals) = explicit {
        if kind == Kind::Rate && value.abs() > Decimal::from(3) {
            return Num {
                value: value / Decimal::ONE_HUNDRED,
                percent: true,
                decimals,
                unit: String::new(),
            };
        }
        return Num {
            value,
            percent: false,
            decimals,
            unit: String::new(),
        };
    }
    let typed = typed_decimals(typed);
    if kind == Kind::Rate {
        // A rate typed without a percent format: 0.9954 is a ratio, 99.54 is percentage points.
        if value.abs() > Decimal::from(3) {
            let decimals = typed.clamp(2, MAX_DECIMALS);
            return Num {
                value: value / Decimal::ONE_HUNDRED,
                percent: true,
                decimals,
                unit: String::new(),
            };
        }
        let decimals = typed.saturating_sub(2).clamp(2, MAX_DECIMALS);
        return Num {
            value,
            percent: true,
            decimals,
            unit: String::new(),
        };
    }
    let decimals = typed.clamp(
        default_decimals(kind),
        MAX_DECIMALS.max(default_decimals(kind)),
    );
    Num {
        value,
        percent: false,
        decimals,
        unit: String::new(),
    }
}

const PREFIXES: &[(&str, Comparison)] = &[
    (">=", Comparison::Ge),
    ("<=", Comparison::Le),
    ("≥", Comparison::Ge),
    ("≤", Comparison::Le),
    ("≧", Comparison::Ge),
    ("≦", Comparison::Le),
    (">", Comparison::Gt),
    ("<", Comparison::Lt),
    ("=", Comparison::Eq),
    ("大于等于", Comparison::Ge),
    ("小于等于", Comparison::Le),
    ("不低于", Comparison::Ge),
    ("不少于", Comparison::Ge),
    ("不小于", Comparison::Ge),
    ("高于", Comparison::Gt),
    ("大于", Comparison::Gt),
    ("超过", Comparison::Gt),
    ("不高于", Comparison::Le),
    ("不超过", Comparison::Le),
    ("不多于", Comparison::Le),
    ("不大于", Comparison::Le),
    ("低于", Comparison::Lt),
    ("小于", Comparison::Lt),
    ("控制在", Comparison::Le),
    ("达到", Comparison::Ge),
    ("等于", Comparison::Eq),
];

const SUFFIXES: &[(&str, Comparison)] = &[
    ("及以上", Comparison::Ge),
    ("以上", Comparison::Ge),
    ("及以下", Comparison::Le),
    ("以下", Comparison::Le),
    ("以内", Comparison::Le),
    ("之内", Comparison::Le),
    ("之前", Comparison::Le),
    ("以前", Comparison::Le),
    ("前", Comparison::Le),
];

/// Reads typed text: numbers with separators, full-width digits, percentages, units,
/// comparisons, classes and deadlines. Anything else stays text.
pub fn read_text(raw: &str) -> Reading {
    let folded = fold(raw);
    let mut s: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Reading::Blank;
    }
    let mut cmp = None;
    for (p, c) in PREFIXES {
        if let Some(rest) = s.strip_prefix(p) {
            cmp = Some(*c);
            s = rest.to_string();
            break;
        }
    }
    for (p, c) in SUFFIXES {
        if let Some(rest) = s.strip_suffix(p) {
            if cmp.is_none() {
                cmp = Some(*c);
            }
            s = rest.to_string();
            break;
        }
    }
    if let Some(ymd) = parse_date(&s) {
        return Reading::Date { ymd, cmp };
    }
    if let Some(rank) = parse_class(&s) {
        return Reading::Class { rank };
    }
    if let Some(num) = parse_number(&s) {
        return Reading::Quantity { cmp, num };
    }
    Reading::Text(raw.trim().to_string())
}

fn parse_number(s: &str) -> Option<Num> {
    let (negative, body) =
        if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            (true, inner)
        } else if let Some(rest) = s.strip_prefix('-') {
            (true, rest)
        } else {
            (false, s.strip_prefix('+').unwrap_or(s))
        };
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(body.len());
    let digits = &body[..end];
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Thousands separators: every group after the first has three digits.
    let int_part = digits.split('.').next().unwrap_or("");
    if digits.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        if groups.iter().skip(1).any(|g| g.len() != 3)
            || groups[0].is_empty()
            || groups[0].len() > 3
        {
            return None;
        }
    }
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    if plain.matches('.').count() > 1 || plain.ends_with('.') {
        return None;
    }
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    if whole.trim_start_matches('0').len() > 15 || fraction.len() > MAX_READ_DECIMALS as usize {
        return None;
    }
    let mut value = Decimal::from_str(&plain).ok()?;
    if negative {
        value = -value;
    }
    let mut rest = &body[end..];
    let mut percent = false;
    if let Some(r) = rest.strip_prefix('%') {
        percent = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix("‰") {
        value /= Decimal::from(1000);
        rest = r;
    }
    if !is_unit(rest) {
        return None;
    }
    let decimals = typed_decimals(&plain);
    if percent {
        value /= Decimal::ONE_HUNDRED;
    }
    Some(Num {
        value,
        percent,
        decimals,
        unit: rest.to_string(),
    })
}

/// A unit is a short run of CJK characters or letters (个, 万元, 万亩, 户, 等, m2, km).
fn is_unit(s: &str) -> bool {
    s.chars().count() <= 6
        && s.chars()
            .all(|c| c.is_alphabetic() || c == '/' || c == '²' || c == '2' || c == '³')
        && !s.contains(['约', '近', '见', '详', '无'])
}

fn parse_class(s: &str) -> Option<u8> {
    let s = s.strip_suffix("水质").unwrap_or(s);
    let body = s.strip_suffix('类')?;
    let (worse, body) = match body.strip_prefix('劣') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let rank = match body.to_ascii_uppercase().as_str() {
        "I" | "1" | "一" => 1,
        "II" | "2" | "二" => 2,
        "III" | "3" | "三" => 3,
        "IV" | "4" | "四" => 4,
        "V" | "5" | "五" => 5,
        _ => return None,
    };
    Some(if worse { rank + 1 } else { rank })
}

fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim_end_matches("底").trim_end_matches('末');
    let (y, rest) = s.split_once('年')?;
    let y: i32 = y.parse().ok()?;
    if !(1990..=2100).contains(&y) {
        return None;
    }
    if rest.is_empty() {
        return Some((y, 12, 31));
    }
    let (m, rest) = rest.split_once('月')?;
    let m: u32 = m.parse().ok()?;
    if !(1..=12).contains(&m) {
        return None;
    }
    let d = rest.trim_end_matches(['日', '号']);
    let d: u32 = if d.is_empty() {
        days_in_month(y, m)
    } else {
        d.parse().ok()?
    };
    (1..=31).contains(&d).then_some((y, m, d))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Excel serial (1900 system) → (year, month, day).
fn date_from_serial(serial: f64) -> Option<(i32, u32, u32)> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Days since 1899-12-30, which absorbs Excel's 1900 leap-year bug for dates after March 1900.
    let days = serial.floor() as i64;
    let z = days - 25569 + 719_468; // to days since 0000-03-01 via the Unix epoch
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn quantity(text: &str) -> (Option<Comparison>, Num) {
        match read_text(text) {
            Reading::Quantity { cmp, num } => (cmp, num),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn numbers_typed_as_text() {
        assert_eq!(quantity("3157.85").1.value, d("3157.85"));
        assert_eq!(quantity("3,157.85").1.value, d("3157.85"));
        assert_eq!(quantity("３１５７．８５").1.value, d("3157.85"));
        assert_eq!(quantity("-157.36").1.value, d("-157.36"));
        assert_eq!(quantity("（157.36）").1.value, d("-157.36"));
        assert_eq!(quantity(" 2204.95 ").1.decimals, 2);
        assert!(matches!(read_text("31,57.85"), Reading::Text(_)));
        assert!(matches!(read_text("约3000"), Reading::Text(_)));
        assert!(matches!(read_text("见附表"), Reading::Text(_)));
        assert!(matches!(
            read_text("99999999999999999999"),
            Reading::Text(_)
        ));
        assert!(matches!(
            read_text("0.000000000000000000001"),
            Reading::Text(_)
        ));
    }

    #[test]
    fn percentages_and_units() {
        let (_, n) = quantity("99.54%");
        assert_eq!((n.value, n.percent, n.decimals), (d("0.9954"), true, 2));
        let (_, n) = quantity("99.54％");
        assert_eq!(n.value, d("0.9954"));
        assert_eq!(quantity("45个").1.unit, "个");
        assert_eq!(quantity("3.2万亩").1.value, d("3.2"));
        assert_eq!(quantity("0户").1.value, d("0"));
        assert_eq!(quantity("4.3等").1.unit, "等");
    }

    #[test]
    fn comparisons() {
        let (cmp, n) = quantity("≤3157.85万元");
        assert_eq!(
            (cmp, n.value, n.unit.as_str()),
            (Some(Comparison::Le), d("3157.85"), "万元")
        );
        assert_eq!(quantity("≥86%").0, Some(Comparison::Ge));
        assert_eq!(quantity("＞90%").0, Some(Comparison::Gt));
        assert_eq!(quantity("不低于95%").0, Some(Comparison::Ge));
        assert_eq!(quantity("90%以上").0, Some(Comparison::Ge));
        assert_eq!(quantity("5%以内").0, Some(Comparison::Le));
        assert_eq!(quantity("达到100%").0, Some(Comparison::Ge));
        assert_eq!(quantity("不高于3%").0, Some(Comparison::Le));
    }

    #[test]
    fn classes_dates_and_phrases() {
        assert_eq!(read_text("II类"), Reading::Class { rank: 2 });
        assert_eq!(read_text("Ⅱ类"), Reading::Class { rank: 2 });
        assert_eq!(read_text("Ⅲ类"), Reading::Class { rank: 3 });
        assert_eq!(read_text("劣Ⅴ类"), Reading::Class { rank: 6 });
        assert_eq!(
            read_text("2024年12月31日之前"),
            Reading::Date {
                ymd: (2024, 12, 31),
                cmp: Some(Comparison::Le)
            }
        );
        assert_eq!(read_text("有效提升"), Reading::Text("有效提升".into()));
        assert_eq!(read_text("负增长"), Reading::Text("负增长".into()));
    }

    #[test]
    fn cells_by_kind_and_format() {
        let rate = read_cell(&CellValue::Number(1.0), Some("0.00%"), Kind::Rate);
        assert_eq!(rate.number().unwrap().display(), "100.00%");
        let rate = read_cell(&CellValue::Number(0.9954), None, Kind::Rate);
        assert_eq!(rate.number().unwrap().display(), "99.54%");
        let rate = read_cell(&CellValue::Number(99.55), None, Kind::Rate);
        assert_eq!(rate.number().unwrap().value, d("0.9955"));
        let score = read_cell(&CellValue::Number(10.0), Some("0.00"), Kind::Score);
        assert_eq!(score.number().unwrap().display(), "10.00");
        let score = read_cell(&CellValue::Number(10.0), None, Kind::Score);
        assert_eq!(score.number().unwrap().decimals, 2);
        let noisy = read_cell(&CellValue::Number(0.1 + 0.2), None, Kind::Amount);
        assert_eq!(noisy.number().unwrap().shown_rounded(), d("0.3"));
        let text_rate = read_cell(&CellValue::Text("99.54%".into()), None, Kind::Rate);
        assert_eq!(text_rate.number().unwrap().value, d("0.9954"));
        assert_eq!(
            read_cell(&CellValue::Text("  ".into()), None, Kind::Amount),
            Reading::Blank
        );
        assert_eq!(
            read_cell(&CellValue::DateTime(45657.0), None, Kind::Amount),
            Reading::Date {
                ymd: (2024, 12, 31),
                cmp: None
            }
        );
    }

    #[test]
    fn format_codes() {
        assert_eq!(format_decimals("0.00%"), Some(2));
        assert_eq!(format_decimals("#,##0.00"), Some(2));
        assert_eq!(format_decimals("0"), Some(0));
        assert_eq!(format_decimals("General"), None);
        assert_eq!(format_decimals("0.0_);[Red](0.0)"), Some(1));
        assert!(is_percent_format("0.0%"));
    }

    #[test]
    fn formatting_rounds_half_up() {
        assert_eq!(format_number(d("0.797979"), true, 2), "79.80%");
        assert_eq!(format_number(d("9.955"), false, 2), "9.96");
        assert_eq!(format_number(d("2204.95"), false, 2), "2204.95");
    }
}
