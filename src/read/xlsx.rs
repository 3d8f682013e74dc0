//! xlsx: streamed cell by cell, so memory follows the cells, not the sheet's bounding box.

use std::cell::Cell as StdCell;
use std::collections::btree_map::Entry;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use calamine::{DataRef, Reader, XlsxError};

use super::geometry::{apply_geometry, geometry_by_sheet, ByPart, SheetGeometry};
use super::{range_of, worksheet_names, Budget, ReadError, MAX_SHEETS};
use crate::model::{Cell, CellPos, CellValue, FileKind, Package, Sheet, Workbook};

/// calamine's reader over the rebuilt package, metered.
type Book<'a> = calamine::Xlsx<Metered<Cursor<&'a [u8]>>>;

/// A reader that fails once `left` bytes have been read through it.
struct Metered<R> {
    inner: R,
    left: Rc<StdCell<u64>>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        if left == 0 && !buf.is_empty() {
            return Err(io::Error::other("read budget spent"));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left.set(left - n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Metered<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// calamine reads each sheet at most three times (values with styles; formulas, where the
/// sheet has any; merged ranges, where the geometry pass could not find the sheet) and the
/// rest of the package once, so reading an honest file pulls at most four times the container
/// through calamine; a budget of five times stops a workbook whose sheets all point at one
/// big part before it takes minutes.
pub(super) fn read(
    path: &Path,
    bytes: Vec<u8>,
    original: Package,
    known: &ByPart,
) -> Result<Workbook, ReadError> {
    // Kept with the workbook: the annotated copy reads unaltered parts from it.
    let bytes = Arc::new(bytes);
    let left = Rc::new(StdCell::new(5 * bytes.len() as u64 + (1 << 20)));
    let source = Metered {
        inner: Cursor::new(bytes.as_slice()),
        left: Rc::clone(&left),
    };
    let spent = |e: XlsxError| {
        if left.get() == 0 {
            ReadError::ReadBudget
        } else {
            ReadError::Xlsx(e)
        }
    };
    let mut book: Book<'_> = calamine::Xlsx::new(source).map_err(spent)?;
    let mut geometry = geometry_by_sheet(&bytes, known);
    let names = worksheet_names(&book);
    if names.len() > MAX_SHEETS {
        return Err(ReadError::TooManySheets(names.len()));
    }
    let mut sheets = Vec::new();
    let mut styles = Vec::new();
    let mut budget = Budget::default();
    for name in names {
        let mut sheet = Sheet {
            name,
            ..Sheet::default()
        };
        read_values(&mut book, &mut sheet, &mut styles, &mut budget, &spent)?;
        let g = geometry.get_mut(&sheet.name);
        if g.as_ref().is_none_or(|g| g.has_formulas) {
            read_formulas(&mut book, &mut sheet, &mut budget, &spent)?;
        }
        sheet.merged = merged_ranges(&mut book, &sheet.name, g, &spent)?;
        budget.merges(sheet.merged.len())?;
        sheets.push(sheet);
    }
    drop(book);
    let mut wb = Workbook {
        path: path.to_path_buf(),
        kind: FileKind::Xlsx,
        sheets,
        styles,
        package: Some(original.with_plain(bytes)),
    };
    apply_geometry(&mut wb, geometry);
    Ok(wb)
}

/// Values and styles in one pass; the workbook's styles come with the first sheet.
fn read_values(
    book: &mut Book<'_>,
    sheet: &mut Sheet,
    styles: &mut Vec<calamine::Style>,
    budget: &mut Budget,
    spent: &impl Fn(XlsxError) -> ReadError,
) -> Result<(), ReadError> {
    let mut reader = book.worksheet_cells_reader(&sheet.name).map_err(spent)?;
    if styles.is_empty() {
        *styles = reader.styles().to_vec();
    }
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(spent)? {
        let style = if style < styles.len() { style } else { 0 };
        let value = value_of_ref(cell.get_value().clone());
        let (row, col) = cell.get_position();
        if value == CellValue::Empty {
            if style > 0 && budget.styled_empty() {
                sheet.cells.insert(
                    CellPos::new(row, col),
                    Cell {
                        style,
                        ..Cell::default()
                    },
                );
            }
            continue;
        }
        budget.cell(&value, None)?;
        sheet.cells.insert(
            CellPos::new(row, col),
            Cell {
                value,
                formula: None,
                style,
            },
        );
    }
    Ok(())
}

/// Formulas in a second pass, onto the cells the first one kept.
fn read_formulas(
    book: &mut Book<'_>,
    sheet: &mut Sheet,
    budget: &mut Budget,
    spent: &impl Fn(XlsxError) -> ReadError,
) -> Result<(), ReadError> {
    let mut reader = book.worksheet_cells_reader(&sheet.name).map_err(spent)?;
    while let Some(cell) = reader.next_formula().map_err(spent)? {
        let formula = cell.get_value().clone();
        if formula.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        match sheet.cells.entry(CellPos::new(row, col)) {
            Entry::Occupied(mut e) => {
                budget.text(formula.len())?;
                let cell = e.get_mut();
                if cell.value == CellValue::Empty && cell.formula.is_none() {
                    // A styled blank kept above: now a cell with content.
                    budget.cell(&CellValue::Empty, None)?;
                }
                cell.formula = Some(formula);
            }
            Entry::Vacant(e) => {
                budget.cell(&CellValue::Empty, Some(&formula))?;
                e.insert(Cell {
                    formula: Some(formula),
                    ..Cell::default()
                });
            }
        }
    }
    Ok(())
}

/// The geometry pass has read the merged ranges; calamine reads them when it could not.
fn merged_ranges(
    book: &mut Book<'_>,
    name: &str,
    geometry: Option<&mut SheetGeometry>,
    spent: &impl Fn(XlsxError) -> ReadError,
) -> Result<Vec<crate::model::CellRange>, ReadError> {
    Ok(match geometry {
        Some(g) => std::mem::take(&mut g.merged),
        None => book
            .merge_cells_by_sheet_name(name)
            .map_err(spent)?
            .into_iter()
            .map(|d| range_of(d.start, d.end))
            .collect(),
    })
}

fn value_of_ref(data: DataRef<'_>) -> CellValue {
    match data {
        DataRef::Int(i) => CellValue::Number(i as f64),
        DataRef::Float(f) => CellValue::Number(f),
        DataRef::String(s) => CellValue::Text(s),
        DataRef::SharedString(s) => CellValue::Text(s.to_string()),
        DataRef::Bool(b) => CellValue::Bool(b),
        DataRef::DateTime(d) => CellValue::DateTime(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellValue::Text(s),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => CellValue::Empty,
    }
}
