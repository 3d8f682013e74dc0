//! The text of a flagged cell's note and Excel's limits on text.

use super::plan::Flag;
use super::Lang;
use crate::model::text::excel_width;
use crate::model::{Cell, CellValue, FileReport, Finding, Replacement};

/// Excel's longest string, in UTF-16 units.
pub(super) const MAX_STRING: usize = 32_767;

pub(super) fn clip(s: &str) -> &str {
    clip_to(s, MAX_STRING)
}

/// `s` cut to at most `max` UTF-16 units, the measure of Excel's limits, between characters.
pub(super) fn clip_to(s: &str, max: usize) -> &str {
    // No character takes more UTF-16 units than UTF-8 bytes.
    if s.len() <= max {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

fn display_value(value: &CellValue) -> String {
    match value {
        CellValue::Empty => String::new(),
        CellValue::Number(n) | CellValue::DateTime(n) => format!("{n}"),
        CellValue::Text(s) => s.clone(),
        CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        CellValue::Error(e) => e.clone(),
    }
}

pub(super) fn note_text(
    flag: &Flag,
    cell: Option<&Cell>,
    report: &FileReport,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let mut parts = Vec::new();
    if let Some(i) = flag.fix {
        let f = &report.findings[i];
        let original = match cell {
            _ if !f.found.is_empty() => f.found.clone(),
            Some(c) => display_value(&c.value),
            None => String::new(),
        };
        let original = if original.trim().is_empty() {
            if zh {
                "（空白）".to_string()
            } else {
                "(blank)".to_string()
            }
        } else {
            original
        };
        let new = match (&f.expected, &f.replacement) {
            (Some(e), _) => e.clone(),
            (None, Some(Replacement::Number(d))) => d.normalize().to_string(),
            (None, Some(Replacement::Text(t))) => t.clone(),
            (None, None) => String::new(),
        };
        let mut line = if zh {
            format!("已更正：原值 {original} → {new}")
        } else {
            format!("Corrected: was {original}, now {new}")
        };
        if let Some(formula) = cell.and_then(|c| c.formula.as_ref()) {
            line.push_str(&if zh {
                format!("\n原为公式 ={formula}，已改为数值")
            } else {
                format!("\nThe formula ={formula} was replaced by the value")
            });
        }
        parts.push(line);
    }
    for &i in &flag.findings {
        parts.push(finding_text(&report.findings[i], lang));
    }
    parts.join("\n\n")
}

fn finding_text(f: &Finding, lang: Lang) -> String {
    let mut lines = Vec::new();
    match lang {
        Lang::Zh => {
            lines.push(format!("【{}】{}", f.severity.label_zh(), f.check));
            let found = if f.found.trim().is_empty() {
                "（空白）"
            } else {
                f.found.as_str()
            };
            lines.push(format!("填报值：{found}"));
            if let Some(e) = &f.expected {
                lines.push(format!("应为：{e}"));
            }
        }
        Lang::En => {
            lines.push(format!("[{}] {}", f.severity.label_en(), f.check));
            let found = if f.found.trim().is_empty() {
                "(blank)"
            } else {
                f.found.as_str()
            };
            lines.push(format!("Found: {found}"));
            if let Some(e) = &f.expected {
                lines.push(format!("Expected: {e}"));
                if let Some(typo) = f.typo {
                    lines.push(typo.note_en(e, found));
                }
            }
        }
    }
    if !f.message.trim().is_empty() {
        lines.push(f.message.clone());
    }
    lines.join("\n")
}

/// A note's box in pixels (width, height), sized to its text.
pub(super) fn note_size(text: &str) -> (u32, u32) {
    const WIDTH_PX: u32 = 320;
    // About 44 narrow characters fit on one line of the note at its default font.
    let lines: f64 = text
        .lines()
        .map(|l| (excel_width(l) / 44.0).ceil().max(1.0))
        .sum();
    (WIDTH_PX, ((lines * 15.0) as u32 + 12).clamp(74, 600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cut_by_utf16_units() {
        assert_eq!(clip_to("𠀀𠀀", 3), "𠀀");
        assert_eq!(clip_to("长长长", 2), "长长");
        assert_eq!(clip_to("abc", 3), "abc");
    }
}
