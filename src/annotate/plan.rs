//! Which cells of the copy are marked, how, and with which findings' notes.

use std::collections::{BTreeMap, HashMap};

use super::names::Names;
use super::notes::shown_value;
use super::summary_sheet::SummarySheet;
use super::{Lang, Mode};
use crate::i18n::notes::NoteMsg;
use crate::model::{CellPos, Correction, FileReport, Severity, Workbook};

/// What a copy shows, whichever writer makes it: the workbook, its report, the cells to mark,
/// the sheets' names and the summary.
pub(super) struct CopyPlan<'a> {
    pub wb: &'a Workbook,
    pub report: &'a FileReport,
    pub flags: &'a HashMap<usize, BTreeMap<CellPos, Flag>>,
    pub names: &'a Names,
    pub summary: &'a SummarySheet,
    pub mode: Mode,
    pub lang: Lang,
}

/// Light tints, so the text on them stays readable.
pub fn severity_color(severity: Severity) -> u32 {
    match severity {
        Severity::Error => 0xFFC7CE,
        Severity::Rounding => 0xFCD5B4,
        Severity::Missing => 0xBDD7EE,
        Severity::Warning => 0xFFEB9C,
    }
}
pub(super) const CORRECTED_COLOR: u32 = 0xC6EFCE;

/// How a written cell is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Mark {
    Plain,
    Flag(Severity),
    Corrected,
}

/// The findings on one cell (indices into `report.findings`, most severe first; none in the
/// clean corrected copy) and the report's correction of the cell, if any (an index into
/// `report.corrections`).
pub(super) struct Flag {
    pub findings: Vec<usize>,
    pub correction: Option<usize>,
}

impl Flag {
    /// How the cell is marked in the copy `p` makes.
    pub(super) fn mark(&self, p: &CopyPlan<'_>) -> Mark {
        if !p.mode.marks() {
            Mark::Plain
        } else if self.fix(p).is_some() {
            Mark::Corrected
        } else {
            self.findings
                .iter()
                .map(|&i| p.report.findings[i].severity)
                .min()
                .map(Mark::Flag)
                .unwrap_or(Mark::Plain)
        }
    }

    /// The correction the copy writes into the cell: in a corrected copy only.
    pub(super) fn fix<'r>(&self, p: &CopyPlan<'r>) -> Option<&'r Correction> {
        let i = self.correction.filter(|_| p.mode.corrects())?;
        p.report.corrections.get(i)
    }
}

/// The cells of the copy to mark or correct, by sheet index. Findings are shown by the cell that
/// shows them: a cell hidden inside a merged range by the range's top-left cell. Corrections
/// are only ever of a cell that shows itself (the pipeline makes no other).
pub(super) fn plan(
    wb: &Workbook,
    report: &FileReport,
    mode: Mode,
) -> HashMap<usize, BTreeMap<CellPos, Flag>> {
    let mut out: HashMap<usize, BTreeMap<CellPos, Flag>> = HashMap::new();
    let sheet_of = |name: &str| wb.sheets.iter().position(|s| s.name == name);
    fn flag_at(
        out: &mut HashMap<usize, BTreeMap<CellPos, Flag>>,
        sheet: usize,
        pos: CellPos,
    ) -> &mut Flag {
        out.entry(sheet)
            .or_default()
            .entry(pos)
            .or_insert_with(|| Flag {
                findings: Vec::new(),
                correction: None,
            })
    }
    if mode.marks() {
        for (i, f) in report.findings.iter().enumerate() {
            let Some(sheet) = sheet_of(&f.sheet) else {
                continue;
            };
            if !in_limits(f.cell) {
                continue;
            }
            let shown = wb.sheets[sheet]
                .merged_at(f.cell)
                .map_or(f.cell, |m| m.first);
            flag_at(&mut out, sheet, shown).findings.push(i);
        }
    }
    for (i, c) in report.corrections.iter().enumerate() {
        if let Some(sheet) = sheet_of(&c.sheet).filter(|_| in_limits(c.cell)) {
            flag_at(&mut out, sheet, c.cell).correction = Some(i);
        }
    }
    for flag in out.values_mut().flat_map(|flags| flags.values_mut()) {
        flag.findings.sort_by_key(|&i| report.findings[i].severity);
    }
    out
}

pub(super) fn in_limits(pos: CellPos) -> bool {
    pos.row < 1_048_576 && pos.col < 16_384
}

/// The corrected copy's list of changes, for its document properties: one (name, text) per
/// correction, `jixiao-correction-1` = `基础数据表!D3: 100.00% → 79.80%`. None in the
/// annotated copy.
pub(super) fn correction_properties(p: &CopyPlan<'_>) -> Vec<(String, String)> {
    if !p.mode.corrects() {
        return Vec::new();
    }
    let formula = NoteMsg::WasFormula.text(p.lang);
    p.report
        .corrections
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let from = shown_value(&c.from).render(p.lang);
            let was = if c.formula { formula } else { "" };
            let text = format!("{}!{}: {from} → {}{was}", c.sheet, c.cell, c.to);
            (format!("jixiao-correction-{}", i + 1), text)
        })
        .collect()
}
