//! One cell of the rebuilt copy: its value or formula, its format and mark, its note.

use rust_xlsxwriter as xw;

use super::formula::portable_formula;
use super::style::{DATE_FORMAT, PERCENT_FORMAT};
use super::Copier;
use crate::annotate::notes::{clip, clip_to, note_size, note_text, MAX_STRING};
use crate::annotate::plan::{Flag, Mark};
use crate::annotate::WriteError;
use crate::model::{Cell, CellPos, CellValue, FileKind, Replacement};

/// The longest note rust_xlsxwriter takes: room is kept for an author prefix.
const MAX_NOTE: usize = MAX_STRING - 54;

pub(super) fn write_cell(
    ws: &mut xw::Worksheet,
    pos: CellPos,
    cell: Option<&Cell>,
    flag: Option<&Flag>,
    cx: &mut Copier<'_>,
) -> Result<(), WriteError> {
    let plan = cx.plan;
    let formats = &mut cx.formats;
    let (row, col) = (pos.row, pos.col as u16);
    let mark = flag.map(|f| f.mark(plan)).unwrap_or(Mark::Plain);
    let style = cell.map(|c| c.style).unwrap_or(0);
    let value = cell.map(|c| &c.value).unwrap_or(&CellValue::Empty);
    let fix = flag.and_then(|f| f.fix(plan)).map(|c| &c.value);
    // A number format where the style has none: dates need one to stay dates, and a rate typed
    // as text ("99.54%") that is replaced by a ratio should still show as a percentage.
    let fallback = match (fix, value) {
        _ if formats.has_number_format(style) => None,
        (None, CellValue::DateTime(_)) => Some(DATE_FORMAT),
        (Some(Replacement::Number(_)), CellValue::Text(t))
            if t.trim_end().ends_with(['%', '％']) =>
        {
            Some(PERCENT_FORMAT)
        }
        _ => None,
    };
    let format = formats.get(style, mark, fallback);

    match (fix, cell) {
        (Some(Replacement::Number(d)), _) => {
            match d.to_string().parse::<f64>() {
                Ok(n) if n.is_finite() => ws.write_number_with_format(row, col, n, format)?,
                _ => ws.write_string_with_format(row, col, d.to_string(), format)?,
            };
        }
        (Some(Replacement::Text(s)), _) => {
            ws.write_string_with_format(row, col, clip(s), format)?;
        }
        (None, Some(cell)) => write_value(ws, row, col, cell, cx.kind, format)?,
        (None, None) => {
            ws.write_blank(row, col, format)?;
        }
    }
    if let Some(flag) = flag.filter(|_| plan.mode.marks()) {
        let text = note_text(flag, cell, plan);
        ws.insert_note(row, col, &note(clip_to(&text, MAX_NOTE)))?;
    }
    Ok(())
}

const ERROR_VALUES: [&str; 7] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

fn write_value(
    ws: &mut xw::Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: FileKind,
    format: &xw::Format,
) -> Result<(), WriteError> {
    if let Some(formula) = cell
        .formula
        .as_deref()
        .and_then(|f| portable_formula(kind, f))
    {
        let formula = xw::Formula::new(formula).set_result(cached_result(&cell.value));
        ws.write_formula_with_format(row, col, formula, format)?;
        return Ok(());
    }
    match &cell.value {
        CellValue::Empty => ws.write_blank(row, col, format)?,
        CellValue::Number(n) | CellValue::DateTime(n) => {
            ws.write_number_with_format(row, col, *n, format)?
        }
        CellValue::Text(s) => ws.write_string_with_format(row, col, clip(s), format)?,
        CellValue::Bool(b) => ws.write_boolean_with_format(row, col, *b, format)?,
        // An error constant is kept as a formula that yields it, so readers see the error.
        CellValue::Error(e) if ERROR_VALUES.contains(&e.as_str()) => ws.write_formula_with_format(
            row,
            col,
            xw::Formula::new(e).set_result(e.as_str()),
            format,
        )?,
        CellValue::Error(e) => ws.write_string_with_format(row, col, clip(e), format)?,
    };
    Ok(())
}

/// The cached result a formula is written with, as rust_xlsxwriter takes it.
fn cached_result(value: &CellValue) -> String {
    match value {
        CellValue::Empty => String::new(),
        CellValue::Number(n) | CellValue::DateTime(n) => format!("{n}"),
        CellValue::Text(s) => clip(s).to_string(),
        CellValue::Bool(true) => "TRUE".to_string(),
        CellValue::Bool(false) => "FALSE".to_string(),
        CellValue::Error(e) => e.clone(),
    }
}

fn note(text: &str) -> xw::Note {
    let (width, height) = note_size(text);
    xw::Note::new(text)
        .set_author("jixiao")
        .add_author_prefix(false)
        .set_width(width)
        .set_height(height)
}
