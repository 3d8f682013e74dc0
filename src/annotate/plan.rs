//! Which cells of the copy are marked, how, and with which findings' notes.

use std::collections::{BTreeMap, HashMap};

use super::names::Names;
use super::summary_sheet::SummarySheet;
use super::{Lang, Mode};
use crate::model::{CellPos, FileReport, Severity, Workbook};

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

/// The findings on one cell (indices into `report.findings`, most severe first) and, in the
/// corrected output, the finding whose replacement is written.
pub(super) struct Flag {
    pub findings: Vec<usize>,
    pub fix: Option<usize>,
}

impl Flag {
    pub(super) fn mark(&self, report: &FileReport) -> Mark {
        if self.fix.is_some() {
            Mark::Corrected
        } else {
            self.findings
                .iter()
                .map(|&i| report.findings[i].severity)
                .min()
                .map(Mark::Flag)
                .unwrap_or(Mark::Plain)
        }
    }
}

/// Findings grouped by sheet index and the cell that shows them: a cell hidden inside a merged
/// range is shown by the range's top-left cell, so that one gets the fill and the note.
pub(super) fn plan(
    wb: &Workbook,
    report: &FileReport,
    mode: Mode,
) -> HashMap<usize, BTreeMap<CellPos, Flag>> {
    let mut out: HashMap<usize, BTreeMap<CellPos, Flag>> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        let Some(sheet) = wb.sheets.iter().position(|s| s.name == f.sheet) else {
            continue;
        };
        if !in_limits(f.cell) {
            continue;
        }
        let shown = wb.sheets[sheet]
            .merged_at(f.cell)
            .map_or(f.cell, |m| m.first);
        out.entry(sheet)
            .or_default()
            .entry(shown)
            .or_insert_with(|| Flag {
                findings: Vec::new(),
                fix: None,
            })
            .findings
            .push(i);
    }
    for flags in out.values_mut() {
        for (pos, flag) in flags.iter_mut() {
            flag.findings.sort_by_key(|&i| report.findings[i].severity);
            // A replacement is written only into the cell it is for, never into a merged range's
            // top-left cell on behalf of a hidden one.
            if mode == Mode::Corrected {
                flag.fix = flag.findings.iter().copied().find(|&i| {
                    let f = &report.findings[i];
                    f.replacement.is_some() && f.cell == *pos
                });
            }
        }
    }
    out
}

pub(super) fn in_limits(pos: CellPos) -> bool {
    pos.row < 1_048_576 && pos.col < 16_384
}
