//! The copy rebuilt with rust_xlsxwriter from the [`Workbook`](crate::model::Workbook) model, for xls and ods inputs and
//! for the xlsx files the patch cannot take: a summary sheet first, then every input sheet
//! copied cell by cell with values, formulas (with their cached results), merged ranges, styles
//! and geometry.

mod cells;
pub(super) mod formula;
pub(super) mod style;

use std::collections::{BTreeMap, HashSet};

use rust_xlsxwriter as xw;

use super::paths::MARK_PROPERTY;
use super::plan::{correction_properties, in_limits, CopyPlan, Flag, Mark};
use super::WriteError;
use crate::i18n::notes::NoteMsg;
use crate::i18n::{msg, Message};
use crate::model::text::excel_width;
use crate::model::{CellPos, CellRange, CellValue, FileKind, Sheet};
use cells::write_cell;
use style::Formats;

/// Merged ranges larger than this are not re-merged (rust_xlsxwriter writes every cell of one).
const MAX_MERGE_AREA: u64 = 100_000;

/// The rebuilt copy's bytes, and the notes on what it left out.
pub(super) fn rebuild(plan: &CopyPlan<'_>) -> Result<(Vec<u8>, Vec<Message>), WriteError> {
    let (wb, names) = (plan.wb, plan.names);
    let mut book = xw::Workbook::new();
    book.set_properties(&properties(plan)?);
    // The fastest level: half the time of the default 6 for a copy about 15% larger.
    book.set_zip_compression_level(1);

    if plan.mode.marks() {
        let summary_ws = book.add_worksheet();
        summary_ws.set_name(&names.summary)?;
        plan.summary.draw(summary_ws)?;
    }

    let mut cx = Copier {
        kind: wb.kind,
        plan,
        formats: Formats::new(&wb.styles),
    };
    let empty = BTreeMap::new();
    let mut notes = Vec::new();
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(&names.sheets[i])?;
        let dropped = copy_sheet(ws, sheet, plan.flags.get(&i).unwrap_or(&empty), &mut cx)?;
        if dropped > 0 {
            notes.push(dropped_merges_note(&sheet.name, dropped));
        }
    }
    Ok((book.save_to_buffer()?, notes))
}

/// The copy's document properties: title, jixiao's mark and, in a corrected copy, the changes
/// made (in the comment and one custom property each).
fn properties(plan: &CopyPlan<'_>) -> Result<xw::DocProperties, WriteError> {
    let mode = plan.mode;
    // A fixed creation time: the same input gives a byte-identical output.
    let created = xw::ExcelDateTime::from_ymd(2000, 1, 1)?;
    let title = if mode.corrects() {
        NoteMsg::TitleCorrected
    } else {
        NoteMsg::TitleAnnotated
    }
    .text(plan.lang);
    let changes = correction_properties(plan);
    let mut comment = format!("jixiao {} {}", env!("CARGO_PKG_VERSION"), mode.suffix());
    for (_, change) in &changes {
        comment.push('\n');
        comment.push_str(change);
    }
    let mut props = xw::DocProperties::new()
        .set_title(title)
        .set_author("jixiao")
        .set_comment(comment)
        .set_creation_datetime(&created)
        .set_custom_property(MARK_PROPERTY, mode.suffix())
        .set_custom_property("jixiao-version", env!("CARGO_PKG_VERSION"));
    for (name, change) in &changes {
        props = props.set_custom_property(name, change);
    }
    Ok(props)
}

/// What copying a sheet needs besides the sheet: the input's kind, what the copy shows and the
/// format cache.
pub(super) struct Copier<'a> {
    kind: FileKind,
    plan: &'a CopyPlan<'a>,
    formats: Formats<'a>,
}

/// Copies one input sheet cell by cell into `ws`: values, formulas with cached results, merged
/// ranges, styles, widths and heights; marks the flagged cells and, in the corrected output,
/// writes the replacements. Shared by both outputs. Returns how many merged ranges were left
/// out for overlapping others.
fn copy_sheet(
    ws: &mut xw::Worksheet,
    sheet: &Sheet,
    flags: &BTreeMap<CellPos, Flag>,
    cx: &mut Copier<'_>,
) -> Result<usize, WriteError> {
    ws.set_formula_result_default("");
    write_geometry(ws, cx.kind, sheet)?;

    let (merges, dropped) = merges_to_write(sheet);
    for range in merges {
        let (first, last) = (range.first, range.last);
        let style = sheet.cell(first).map(|c| c.style).unwrap_or(0);
        let format = cx.formats.get(style, Mark::Plain, None);
        ws.merge_range(
            first.row,
            first.col as u16,
            last.row,
            last.col as u16,
            "",
            format,
        )?;
        // merge_range gave every cell the top-left's format; the ones the input left unstyled
        // go back to the default, since Excel draws a merged cell's edges from each cell.
        let default = cx.formats.get(0, Mark::Plain, None);
        for row in first.row..=last.row {
            for col in first.col..=last.col {
                if !sheet.cells.contains_key(&CellPos::new(row, col)) {
                    ws.write_blank(row, col as u16, default)?;
                }
            }
        }
    }

    for (&pos, cell) in &sheet.cells {
        if !in_limits(pos) {
            continue;
        }
        write_cell(ws, pos, Some(cell), flags.get(&pos), cx)?;
    }
    // Flagged cells that hold nothing get their fill and note too.
    for (&pos, flag) in flags {
        if !sheet.cells.contains_key(&pos) {
            write_cell(ws, pos, None, Some(flag), cx)?;
        }
    }
    Ok(dropped)
}

/// The merged ranges the rebuild writes: well-formed ones within Excel's limits and not too
/// large, less any that overlaps (or repeats) one kept before it, as Excel's repair keeps the
/// first. rust_xlsxwriter refuses an overlapping range, and after that refusal it can panic on
/// a later merge, so it is never given one. Returns them and how many overlapping ones were left
/// out.
fn merges_to_write(sheet: &Sheet) -> (Vec<CellRange>, usize) {
    let mut taken: HashSet<(u32, u32)> = HashSet::new();
    let mut kept = Vec::new();
    let mut dropped = 0;
    for range in &sheet.merged {
        let (first, last) = (range.first, range.last);
        if first == last || !in_limits(last) || first.row > last.row || first.col > last.col {
            continue;
        }
        let area = u64::from(last.row - first.row + 1) * u64::from(last.col - first.col + 1);
        if area > MAX_MERGE_AREA {
            continue;
        }
        let cells = || {
            (first.row..=last.row).flat_map(move |r| (first.col..=last.col).map(move |c| (r, c)))
        };
        if cells().any(|cell| taken.contains(&cell)) {
            dropped += 1;
            continue;
        }
        taken.extend(cells());
        kept.push(*range);
    }
    (kept, dropped)
}

/// The copy's note on merged ranges left out of sheet `name`.
fn dropped_merges_note(name: &str, dropped: usize) -> Message {
    msg!(NoteMsg::DroppedMerges, name, dropped)
}

fn write_geometry(ws: &mut xw::Worksheet, kind: FileKind, sheet: &Sheet) -> Result<(), WriteError> {
    if sheet.col_widths.is_empty() && kind != FileKind::Xlsx {
        for (col, width) in content_widths(sheet) {
            ws.set_column_width(col as u16, width)?;
        }
    }
    for (&col, &width) in &sheet.col_widths {
        if col >= 16_384 || !width.is_finite() {
            continue;
        }
        if width <= 0.0 {
            ws.set_column_hidden(col as u16)?;
        } else {
            ws.set_column_width(col as u16, width.min(255.0))?;
        }
    }
    for (&row, &height) in &sheet.row_heights {
        if row >= 1_048_576 || !height.is_finite() {
            continue;
        }
        if height <= 0.0 {
            ws.set_row_hidden(row)?;
        } else {
            ws.set_row_height(row, height.min(409.0))?;
        }
    }
    Ok(())
}

/// Column widths from content for inputs that do not state them (xls, ods): the widest value
/// in the column, CJK characters counting about 2, between the default 8.43 and 60.
fn content_widths(sheet: &Sheet) -> BTreeMap<u32, f64> {
    // A value merged across columns does not need a column of its own width.
    let spanning: std::collections::HashSet<CellPos> = sheet
        .merged
        .iter()
        .filter(|m| m.first.col != m.last.col)
        .map(|m| m.first)
        .collect();
    let mut widest: BTreeMap<u32, f64> = BTreeMap::new();
    for (&pos, cell) in &sheet.cells {
        if pos.col >= 16_384 || spanning.contains(&pos) {
            continue;
        }
        let w = match &cell.value {
            CellValue::Text(s) => excel_width(s),
            CellValue::Number(n) => format!("{:.2}", n)
                .trim_end_matches('0')
                .trim_end_matches('.')
                .len() as f64,
            CellValue::DateTime(_) => 10.0,
            CellValue::Bool(_) => 5.0,
            CellValue::Error(e) => e.len() as f64,
            CellValue::Empty => 0.0,
        };
        let entry = widest.entry(pos.col).or_insert(0.0);
        *entry = entry.max(w);
    }
    widest
        .into_iter()
        .map(|(col, w)| (col, (w + 2.0).clamp(0.0, 60.0)))
        .filter(|&(_, w)| w > 8.43)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_that_overlap_a_kept_one_are_left_out() {
        let range = |a: &str, b: &str| CellRange {
            first: CellPos::parse_a1(a).unwrap(),
            last: CellPos::parse_a1(b).unwrap(),
        };
        let sheet = Sheet {
            merged: vec![
                range("K1", "K2"),
                range("J1", "K1"),
                range("K1", "K2"),
                range("J1", "J2"),
                range("A1", "A1"),
            ],
            ..Sheet::default()
        };
        let (kept, dropped) = merges_to_write(&sheet);
        assert_eq!(kept, vec![range("K1", "K2"), range("J1", "J2")]);
        assert_eq!(dropped, 2);
    }
}
