//! Text as people type it: compatibility folding, label normalisation; how wide text shows on a
//! terminal and in Excel, and aligned text tables.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Full-width → half-width and other compatibility forms (Ⅲ → III, ％ → %).
pub fn fold(text: &str) -> Cow<'_, str> {
    // Most cells are already in NFKC; the quick check passes them without decomposing, and
    // plain ASCII and Chinese text need not even that.
    if text.chars().all(nfkc_stable) || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// Characters NFKC leaves as they are whatever surrounds them (quick check Yes, combining class
/// 0): ASCII, 、。〃…, ‘’“” and the CJK Unified Ideographs.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{3001}'..='\u{3029}' | '\u{2018}'..='\u{201D}' | '\u{4E00}'..='\u{9FFF}')
}

/// Label normalisation: full-width folded, spaces, numbering, punctuation and 其中 removed.
pub fn norm(text: &str) -> String {
    let s: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = s.as_str();
    // Leading numbering: 1、 (1) （一） 一、 3.
    let t = rest.trim_start_matches(['(', '（']);
    let after_num = t.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || matches!(
                c,
                '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
            )
    });
    if after_num.len() < t.len() {
        if let Some(r) = after_num.strip_prefix(['、', '.', ')', '）', ',', '，']) {
            rest = r;
        }
    }
    // A leading year: 2024年决算数.
    if rest.len() > 7
        && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && rest[4..].starts_with('年')
    {
        rest = &rest[7..];
    }
    let mut s: String = rest
        .chars()
        .filter(|c| !(c.is_ascii_punctuation() || is_label_punctuation(*c)))
        .collect();
    if s.starts_with("其中") {
        s.drain(.."其中".len());
    }
    s
}

/// Punctuation [`norm`] drops besides ASCII's: ：，、。；（）【】“”‘’《》·—… and U+3000.
fn is_label_punctuation(c: char) -> bool {
    matches!(
        c,
        '：' | '，'
            | '、'
            | '。'
            | '；'
            | '（'
            | '）'
            | '【'
            | '】'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '《'
            | '》'
            | '·'
            | '—'
            | '…'
            | '\u{3000}'
    )
}

/// Dash-like entries clerks type for "nothing" or "not applicable" (RULES.md §2): `-` `－` `—`
/// `——` `/` `／` `无` `\`, alone or repeated, with spaces around.
pub fn is_dash(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if t == "无" {
        return true;
    }
    !t.is_empty()
        && t.chars().count() <= 4
        && t.chars().all(|c| {
            matches!(
                c,
                '-' | '－' | '—' | '–' | '‐' | '―' | '─' | '一' | '/' | '／' | '\\' | '＼'
            )
        })
        && t != "一"
}

/// Columns a character takes in a terminal: two for CJK and full-width forms, none for controls.
pub fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Columns a text takes in a terminal (CJK counts two; emoji sequences as drawn).
pub fn text_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns,
/// line breaks, …) and the bidirectional overrides, which could rewrite or hide what is shown,
/// become visible escapes (`\n`, `\u{1b}`).
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Width of text in Excel character units (digit widths): its longest line, wide characters
/// counting two and every other character one.
pub fn excel_width(text: &str) -> f64 {
    let char_units = |c: char| char_width(c).max(1) as f64;
    text.lines()
        .map(|line| line.chars().map(char_units).sum::<f64>())
        .fold(0.0, f64::max)
}

/// Rows of cells laid out in columns two spaces apart by display width, left-aligned or (where
/// `right[column]`) right-aligned; no line ends in spaces.
pub struct AlignedTable {
    /// Widest cell of each column.
    pub widths: Vec<usize>,
    pub lines: Vec<String>,
}

impl AlignedTable {
    pub fn new<R: AsRef<[S]>, S: AsRef<str>>(rows: &[R], right: &[bool]) -> Self {
        let mut widths: Vec<usize> = Vec::new();
        for row in rows {
            for (col, cell) in row.as_ref().iter().enumerate() {
                let w = text_width(cell.as_ref());
                match widths.get_mut(col) {
                    Some(max) => *max = (*max).max(w),
                    None => widths.push(w),
                }
            }
        }
        let lines = rows
            .iter()
            .map(|row| {
                let mut line = String::new();
                for (col, cell) in row.as_ref().iter().enumerate() {
                    let cell = cell.as_ref();
                    if col > 0 {
                        line.push_str("  ");
                    }
                    let pad = widths[col] - text_width(cell);
                    if right.get(col).copied().unwrap_or(false) {
                        line.extend(std::iter::repeat_n(' ', pad));
                        line.push_str(cell);
                    } else {
                        line.push_str(cell);
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
                line.truncate(line.trim_end().len());
                line
            })
            .collect();
        AlignedTable { widths, lines }
    }

    /// The width of a line whose every column is at its widest.
    pub fn full_width(&self) -> usize {
        self.widths.iter().sum::<usize>() + 2 * self.widths.len().saturating_sub(1)
    }

    /// The width of the longest line.
    pub fn longest_line(&self) -> usize {
        self.lines.iter().map(|l| text_width(l)).max().unwrap_or(0)
    }

    /// The lines, each ending in a newline, with `rule` on a line of its own under the first.
    pub fn with_rule_under_header(&self, rule: &str) -> String {
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            out.push_str(line);
            out.push('\n');
            if i == 0 {
                out.push_str(rule);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_fast_path_characters_are_nfkc_stable() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| nfkc_stable(*c))
        {
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        assert_eq!(fold("２０２３年（一）"), "2023年(一)");
    }

    #[test]
    fn aligned_table_pads_by_display_width_and_trims_line_ends() {
        let rows = [
            ["编号", "名称", "分值"],
            ["S1", "预算执行率", "10"],
            ["S10", "总分", ""],
        ];
        let t = AlignedTable::new(&rows, &[false, false, true]);
        assert_eq!(t.widths, [4, 10, 4]);
        assert_eq!(
            t.lines,
            [
                "编号  名称        分值",
                "S1    预算执行率    10",
                "S10   总分"
            ]
        );
        assert_eq!(t.full_width(), 22);
        assert_eq!(t.longest_line(), 22);
        assert_eq!(
            t.with_rule_under_header("--"),
            "编号  名称        分值\n--\nS1    预算执行率    10\nS10   总分\n"
        );
    }

    #[test]
    fn widths_on_a_terminal_and_in_excel() {
        assert_eq!(text_width("农业 ab"), 7);
        assert_eq!(char_width('\u{1}'), 0);
        assert_eq!(excel_width("农业\nabcde"), 5.0);
        assert_eq!(excel_width("a\u{301}"), 2.0);
    }

    #[test]
    fn cjk_counts_double() {
        assert_eq!(excel_width("abc"), 3.0);
        assert_eq!(excel_width("基础数据"), 8.0);
        assert_eq!(excel_width("ab\n基础数据表"), 10.0);
    }
}
