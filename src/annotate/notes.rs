//! The text of a flagged cell's note and Excel's limits on text.

use super::plan::{CopyPlan, Flag};
use super::Mode;
use crate::i18n::notes::NoteMsg;
use crate::i18n::{msg, Message};
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
        parts.push(correction_text(c, cell, p.mode));
    }
    for &i in &flag.findings {
        parts.push(finding_text(&p.report.findings[i]));
    }
    Message::join(parts, NoteMsg::Paragraphs).render(p.lang)
}

/// A value as a note shows it: "（空白）" for none.
pub(super) fn shown_value(value: &str) -> Message {
    if value.trim().is_empty() {
        NoteMsg::Blank.into()
    } else {
        value.into()
    }
}

fn correction_text(c: &Correction, cell: Option<&Cell>, mode: Mode) -> Message {
    let formula = cell
        .and_then(|c| c.formula.as_deref())
        .filter(|_| c.formula);
    let (line, formula_line) = if mode.corrects() {
        let line = msg!(NoteMsg::CorrectedFromTo, shown_value(&c.from), &c.to);
        (line, NoteMsg::FormulaReplaced)
    } else {
        (
            msg!(NoteMsg::CorrectedCopyHolds, &c.to),
            NoteMsg::FormulaWillBeReplaced,
        )
    };
    match formula {
        Some(formula) => Message::join([line, msg!(formula_line, formula)], NoteMsg::Lines),
        None => line,
    }
}

fn finding_text(f: &Finding) -> Message {
    let mut lines = vec![
        msg!(NoteMsg::NoteHeading, f.severity.word(), f.check.to_string()),
        msg!(NoteMsg::NoteFound, shown_value(&f.found)),
    ];
    if let Some(e) = &f.expected {
        lines.push(msg!(NoteMsg::NoteExpected, e));
    }
    if !f.message.is_empty() {
        lines.push(f.message.clone());
    }
    Message::join(lines, NoteMsg::Lines)
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
