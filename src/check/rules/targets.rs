//! Class and deadline targets (RULES.md §3, S5–S7): read as people write them and judged by
//! comparison. A class is met by the same class or a better one (water quality: lower is better,
//! 劣Ⅴ类 worst; `≥Ⅲ类` and `Ⅲ类及以上` mean Ⅲ or better); a deadline (`2023年10月31日前`,
//! `10月底前`, `年内`) is met by a date on or before it or by `按时完成` / `已完成`, missed by a
//! later date or `未完成`.

use crate::check::rules::indicators::{attainment, Attainment};
use crate::extract::value::{read_text, Comparison, Reading};
use crate::extract::CellReading;
use crate::model::text::fold;

/// Wording of an actual value that says a deadline was kept, or was not.
const DONE: [&str; 6] = [
    "按时完成",
    "如期完成",
    "按期完成",
    "已完成",
    "已按时完成",
    "全部完成",
];
const NOT_DONE: [&str; 4] = ["未完成", "未按时完成", "未按期完成", "延期完成"];

/// Whether the actual value meets the target: class and deadline targets as above, everything
/// else as [`attainment`] judges it.
pub fn judge(target: &CellReading, actual: &CellReading) -> Attainment {
    let actual_date = date_of(actual);
    let year = actual_date.map(|(y, _, _)| y);
    if let Some(deadline) = deadline_of(target, year) {
        let said = plain(&actual.shown);
        if NOT_DONE.iter().any(|w| said.contains(w)) {
            return Attainment::Missed { ratio: None };
        }
        if let Some(done) = actual_date {
            return if done <= deadline {
                Attainment::Met
            } else {
                Attainment::Missed { ratio: None }
            };
        }
        if DONE.iter().any(|w| said.contains(w)) {
            return Attainment::Met;
        }
        return Attainment::Unknown;
    }
    attainment(&target.reading, &actual.reading)
}

/// The text without spaces, full-width folded.
fn plain(text: &str) -> String {
    fold(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The last day a deadline target allows: `2024年12月31日之前`, `10月底前` (in `year`), `年内`.
fn deadline_of(target: &CellReading, year: Option<i32>) -> Option<(i32, u32, u32)> {
    match &target.reading {
        Reading::Date { ymd, cmp } if !matches!(cmp, Some(Comparison::Ge | Comparison::Gt)) => {
            return Some(*ymd);
        }
        Reading::Date { .. } | Reading::Class { .. } | Reading::Blank => return None,
        // `10月底前` reads as a quantity of 10 月底.
        Reading::Quantity { .. } | Reading::Text(_) => {}
    }
    let text = plain(&target.shown);
    let body = ["之前", "以前", "前", "内"]
        .iter()
        .find_map(|s| text.strip_suffix(s))?;
    if matches!(body, "年" | "年底" | "本年" | "年度") {
        return year.map(|y| (y, 12, 31));
    }
    let month: u32 = body
        .strip_suffix("月底")
        .or_else(|| body.strip_suffix("月末"))
        .or_else(|| body.strip_suffix('月'))?
        .parse()
        .ok()?;
    let y = year?;
    (1..=12)
        .contains(&month)
        .then(|| (y, month, days_in_month(y, month)))
}

/// The date an actual value names: a date cell, `2023年12月15日`, or that with `完成` (`已于
/// 2023年12月15日完成`) around it.
fn date_of(actual: &CellReading) -> Option<(i32, u32, u32)> {
    if let Reading::Date { ymd, .. } = actual.reading {
        return Some(ymd);
    }
    let text = plain(&actual.shown);
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let end = text.rfind(['日', '号', '月'])?;
    let date = text.get(start..end + text[end..].chars().next()?.len_utf8())?;
    match read_text(date) {
        Reading::Date { ymd, cmp: None } => Some(ymd),
        _ => None,
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> CellReading {
        CellReading {
            reading: read_text(text),
            shown: text.to_string(),
        }
    }

    fn judged(target: &str, actual: &str) -> Attainment {
        judge(&cell(target), &cell(actual))
    }

    const MISSED: Attainment = Attainment::Missed { ratio: None };

    #[test]
    fn classes_lower_is_better() {
        assert_eq!(judged("Ⅱ类", "Ⅲ类"), MISSED);
        assert_eq!(judged("Ⅲ类", "Ⅳ类"), MISSED);
        assert_eq!(judged("≥Ⅲ类", "Ⅴ类"), MISSED);
        assert_eq!(judged("≥Ⅲ类", "II类"), Attainment::Met);
        assert_eq!(judged("Ⅲ类及以上", "Ⅲ类"), Attainment::Met);
        assert_eq!(judged("Ⅴ类", "劣Ⅴ类"), MISSED);
    }

    #[test]
    fn deadlines() {
        assert_eq!(judged("2023年10月31日前", "2023年12月15日完成"), MISSED);
        assert_eq!(
            judged("2023年10月31日前", "2023年10月20日"),
            Attainment::Met
        );
        assert_eq!(judged("2023年10月31日前", "按时完成"), Attainment::Met);
        assert_eq!(judged("2024年12月31日之前", "已完成"), Attainment::Met);
        assert_eq!(judged("2024年12月31日之前", "未完成"), MISSED);
        assert_eq!(judged("10月底前", "2023年11月5日完成"), MISSED);
        assert_eq!(judged("10月底前", "已于2023年10月9日完成"), Attainment::Met);
        assert_eq!(judged("年内", "2023年12月30日"), Attainment::Met);
        assert_eq!(
            judged("2024年12月31日之前", "正在推进"),
            Attainment::Unknown
        );
    }
}
