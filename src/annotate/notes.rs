//! The text of a flagged cell's note and Excel's limits on text.

use super::plan::{CopyPlan, Flag};
use super::{Lang, Mode};
use crate::model::text::excel_width;
use crate::model::{Cell, Correction, Finding};

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

/// The note of a flagged cell: its correction, if any (in the corrected copy what it was, in
/// the annotated one what the corrected copy holds), then its findings.
pub(super) fn note_text(flag: &Flag, cell: Option<&Cell>, p: &CopyPlan<'_>) -> String {
    let mut parts = Vec::new();
    let correction = flag.correction.and_then(|i| p.report.corrections.get(i));
    if let Some(c) = correction {
        parts.push(correction_text(c, cell, p.mode, p.lang));
    }
    for &i in &flag.findings {
        parts.push(finding_text(&p.report.findings[i], p.lang));
    }
    parts.join("\n\n")
}

fn correction_text(c: &Correction, cell: Option<&Cell>, mode: Mode, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let from = match (c.from.trim(), zh) {
        ("", true) => "（空白）",
        ("", false) => "(blank)",
        (from, _) => from,
    };
    let to = &c.to;
    let formula = cell
        .and_then(|c| c.formula.as_deref())
        .filter(|_| c.formula);
    let corrected = mode.corrects();
    let mut line = match (corrected, zh) {
        (true, true) => format!("已更正：原值 {from} → {to}"),
        (true, false) => format!("Corrected: was {from}, now {to}"),
        (false, true) => format!("更正版中已改为 {to}"),
        (false, false) => format!("The corrected copy holds {to}"),
    };
    if let Some(formula) = formula {
        line.push_str(&match (corrected, zh) {
            (true, true) => format!("\n原为公式 ={formula}，公式结果有误，已改为数值"),
            (true, false) => {
                format!("\nThe formula ={formula} gave a wrong result and was replaced by the value")
            }
            (false, true) => format!("\n公式 ={formula} 的结果有误，更正版中已改为数值"),
            (false, false) => format!(
                "\nThe formula ={formula} gives a wrong result; the corrected copy holds the value instead"
            ),
        });
    }
    line
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
            }
        }
    }
    if !f.message.is_empty() {
        lines.push(f.message.render(lang));
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
