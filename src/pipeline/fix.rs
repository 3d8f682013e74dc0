//! `--fix`: which findings the corrected workbook puts right (RULES.md §7).
//!
//! Only error, rounding and missing findings with a determined value are candidates, never a
//! warning. The clean copy with the candidates written in is rendered, read back and checked
//! again, all in memory; a change that leaves or causes an error, rounding or missing finding
//! is taken back, and the copy checked again, until what is left settles. Each round takes
//! back at least one change, so there are at most as many rounds as changes, plus one.

use std::collections::{BTreeMap, HashSet};

use crate::annotate::{self, Lang, Mode};
use crate::i18n::blame::BlameMsg;
use crate::i18n::{msg, Message};
use crate::model::{CellPos, Correction, FileReport, Finding, Uncorrected, Unfixed, Workbook};
use crate::model::{CellValue, Replacement};
use crate::read::{self, quietly};
use crate::template::Template;

/// Decides the corrections of `report` (the check of `wb`) and the findings left as filed:
/// fills `report.corrections` and `report.not_corrected`.
pub(super) fn settle(wb: &Workbook, report: &mut FileReport, templates: &[Template], lang: Lang) {
    let (mut active, mut left) = candidates(wb, &report.findings);
    // Cells with an error, rounding or missing finding: left as filed, they may stay flagged.
    let hard: HashSet<(String, CellPos)> = report
        .findings
        .iter()
        .filter(|f| f.severity.fails())
        .map(|f| (f.sheet.clone(), f.cell))
        .collect();
    while !active.is_empty() {
        report.corrections = active.clone();
        let recheck = match recheck(wb, report, templates, lang) {
            Ok(recheck) => recheck,
            Err(why) => {
                let reason = msg!(BlameMsg::RecheckFailed, why);
                left.extend(active.drain(..).map(|c| unsettled(c, reason.clone())));
                break;
            }
        };
        let culprits = unsettled_by(&recheck, &active, &hard);
        if culprits.is_empty() {
            break;
        }
        let mut kept = Vec::new();
        for (i, c) in active.into_iter().enumerate() {
            match culprits.get(&i) {
                Some(reason) => left.push(unsettled(c, reason.clone())),
                None => kept.push(c),
            }
        }
        active = kept;
    }
    report.corrections = active;
    let order = |sheet: &str, cell: CellPos| {
        let sheet = wb.sheets.iter().position(|s| s.name == sheet);
        (sheet, cell.row, cell.col)
    };
    left.sort_by_key(|u| order(&u.sheet, u.cell));
    report.not_corrected = left;
}

/// The corrections to try, one per cell in the findings' order, and the cells with an error,
/// rounding or missing finding that cannot be corrected, with why.
fn candidates(wb: &Workbook, findings: &[Finding]) -> (Vec<Correction>, Vec<Uncorrected>) {
    let mut by_cell: BTreeMap<(usize, CellPos), Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity.fails()) {
        let Some(sheet) = wb.sheets.iter().position(|s| s.name == f.sheet) else {
            continue;
        };
        if !f.cell.is_none() {
            by_cell.entry((sheet, f.cell)).or_default().push(f);
        }
    }
    let mut fixes = Vec::new();
    let mut left = Vec::new();
    for ((sheet, cell), on_cell) in by_cell {
        let sheet = &wb.sheets[sheet];
        let valued: Vec<(&Finding, &Replacement, &String)> = on_cell
            .iter()
            .filter_map(|f| Some((*f, f.replacement.as_ref()?, f.expected.as_ref()?)))
            .collect();
        let first = on_cell[0];
        let not = |why, reason: BlameMsg| Uncorrected {
            sheet: first.sheet.clone(),
            cell,
            found: first.found.clone(),
            expected: valued.first().map(|(_, _, e)| (*e).clone()),
            why,
            reason: reason.into(),
        };
        let Some(&(f, value, expected)) = valued.first() else {
            left.push(not(Unfixed::Open, BlameMsg::NoSingleValue));
            continue;
        };
        if valued.iter().any(|(_, v, _)| *v != value) {
            left.push(not(Unfixed::Conflict, BlameMsg::ValuesDisagree));
        } else if sheet.merged_at(cell).is_some_and(|m| m.first != cell) {
            left.push(not(Unfixed::Merged, BlameMsg::InMergedRange));
        } else {
            let original = sheet.cell(cell);
            let from = match original.map(|c| &c.value) {
                _ if !f.found.is_empty() => f.found.clone(),
                Some(CellValue::Number(n)) => n.to_string(),
                Some(CellValue::Text(t)) => t.clone(),
                _ => String::new(),
            };
            fixes.push(Correction {
                sheet: f.sheet.clone(),
                cell,
                from,
                to: expected.clone(),
                formula: original.is_some_and(|c| c.formula.is_some()),
                value: value.clone(),
            });
        }
    }
    (fixes, left)
}

/// The check of the clean corrected copy of `wb` with `report.corrections` written in, as
/// read back from its bytes.
fn recheck(
    wb: &Workbook,
    report: &FileReport,
    templates: &[Template],
    lang: Lang,
) -> Result<FileReport, Message> {
    quietly(|| {
        let bytes = annotate::render(wb, report, lang, Mode::Corrected).map_err(|e| e.message())?;
        let container = read::sniff::sniff_bytes(bytes).map_err(|e| e.message())?;
        let copy = read::read_container(&wb.path, container).map_err(|e| e.message())?;
        super::check_workbook(&copy, templates).map_err(|e| e.message())
    })
    .unwrap_or_else(|| Err(BlameMsg::InternalError.into()))
}

/// The changes (by index into `active`) that the re-check does not settle, each with the
/// finding that shows it. A hard finding on a cell left as filed that was flagged before is
/// expected; any other names the changes on its cell or the cells it involves — or, when it
/// involves none, all of them, since none can be cleared.
fn unsettled_by(
    recheck: &FileReport,
    active: &[Correction],
    hard: &HashSet<(String, CellPos)>,
) -> BTreeMap<usize, Message> {
    let mut out = BTreeMap::new();
    for f in recheck.findings.iter().filter(|f| f.severity.fails()) {
        let changed = active
            .iter()
            .any(|c| c.sheet == f.sheet && c.cell == f.cell);
        if !changed && hard.contains(&(f.sheet.clone(), f.cell)) {
            continue;
        }
        let near = |c: &Correction| {
            (c.sheet == f.sheet && c.cell == f.cell) || f.involves.contains(&c.cell)
        };
        let named: Vec<usize> = (0..active.len()).filter(|&i| near(&active[i])).collect();
        let blamed = if named.is_empty() {
            (0..active.len()).collect()
        } else {
            named
        };
        for i in blamed {
            out.entry(i).or_insert_with(|| {
                msg!(
                    BlameMsg::StillFails,
                    &active[i].to,
                    f.severity.word(),
                    &f.sheet,
                    f.cell.to_string(),
                    &f.message
                )
            });
        }
    }
    out
}

fn unsettled(c: Correction, reason: Message) -> Uncorrected {
    Uncorrected {
        sheet: c.sheet,
        cell: c.cell,
        found: c.from,
        expected: Some(c.to),
        why: Unfixed::Unsettled,
        reason,
    }
}
