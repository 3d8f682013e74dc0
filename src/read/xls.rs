//! xls: calamine reads every sheet into dense ranges when it opens the file. [`sniff`](super::sniff)
//! has bounded their total area; sheets it squeezed are mapped back through the remap.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, SheetType};

use super::sniff::XlsRemap;
use super::{range_of, value_of_data, Budget, ReadError, MAX_SHEETS};
use crate::model::{Cell, CellPos, CellValue, FileKind, Sheet, Workbook};

type Book = calamine::Xls<Cursor<Vec<u8>>>;

pub(super) fn read(path: &Path, bytes: Vec<u8>, remap: &XlsRemap) -> Result<Workbook, ReadError> {
    let mut book: Book = calamine::Xls::new(Cursor::new(bytes)).map_err(ReadError::Xls)?;
    let metadata: Vec<(String, SheetType)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ))
        .collect();
    if metadata.len() > MAX_SHEETS {
        return Err(ReadError::TooManySheets(metadata.len()));
    }
    // calamine keeps the last sheet of a name; its BOUNDSHEET says how it was squeezed.
    let last_of: HashMap<&str, usize> = metadata
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut seen = HashSet::new();
    let mut sheets = Vec::new();
    let mut budget = Budget::default();
    for (name, typ) in &metadata {
        if *typ != SheetType::WorkSheet || !seen.insert(name.as_str()) {
            continue;
        }
        let last = last_of[name.as_str()];
        let to_original = |r: u32, c: u32| remap.original(last, r, c);
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        read_values(&mut book, &mut sheet, &mut budget, &to_original)?;
        read_formulas(&mut book, &mut sheet, &mut budget, &to_original)?;
        let merged = book.merge_cells_by_sheet_name(name).unwrap_or_default();
        budget.merges(merged.len())?;
        sheet.merged = merged
            .into_iter()
            .map(|d| range_of(d.start, d.end))
            .collect();
        sheets.push(sheet);
    }
    Ok(Workbook {
        path: path.to_path_buf(),
        kind: FileKind::Xls,
        sheets,
        styles: vec![calamine::Style::default()],
        package: None,
    })
}

fn read_values(
    book: &mut Book,
    sheet: &mut Sheet,
    budget: &mut Budget,
    to_original: &impl Fn(u32, u32) -> (u32, u32),
) -> Result<(), ReadError> {
    let range = book.worksheet_range(&sheet.name).map_err(ReadError::Xls)?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, data) in range.used_cells() {
        let value = value_of_data(data);
        if value == CellValue::Empty {
            continue;
        }
        budget.cell(&value, None)?;
        let (row, col) = to_original(r0 + r as u32, c0 + c as u32);
        sheet.cells.insert(
            CellPos::new(row, col),
            Cell {
                value,
                formula: None,
                style: 0,
            },
        );
    }
    Ok(())
}

/// Formulas, where calamine can read them; a sheet whose formulas it cannot keeps its values.
fn read_formulas(
    book: &mut Book,
    sheet: &mut Sheet,
    budget: &mut Budget,
    to_original: &impl Fn(u32, u32) -> (u32, u32),
) -> Result<(), ReadError> {
    let Ok(formulas) = book.worksheet_formula(&sheet.name) else {
        return Ok(());
    };
    let (r0, c0) = formulas.start().unwrap_or((0, 0));
    for (r, c, formula) in formulas.used_cells() {
        if formula.is_empty() {
            continue;
        }
        let (row, col) = to_original(r0 + r as u32, c0 + c as u32);
        let cell = sheet.cells.entry(CellPos::new(row, col)).or_default();
        if cell.value == CellValue::Empty {
            budget.cell(&CellValue::Empty, Some(formula))?;
        } else {
            budget.text(formula.len())?;
        }
        cell.formula = Some(formula.clone());
    }
    Ok(())
}
