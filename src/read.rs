//! Reading stage: a file on disk → a sparse [`Workbook`].

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Ods, Reader, SheetType, Xls, Xlsx};

use crate::sniff::{self, Container, SniffError};
use crate::workbook::{Cell, CellPos, CellRange, CellValue, FileKind, Sheet, Workbook};

/// More cells than this in one workbook is not a self-evaluation form.
pub const MAX_CELLS: usize = 2_000_000;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Sniff(#[from] SniffError),
    #[error("工作簿内容无法解析（{0}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试")]
    Parse(String),
    #[error("工作簿过大（超过 {MAX_CELLS} 个单元格），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManyCells,
    #[error("工作簿中没有任何工作表")]
    NoSheets,
}

pub fn read_path(path: &Path) -> Result<Workbook, ReadError> {
    let container = sniff::sniff_path(path)?;
    read_container(path, container)
}

pub fn read_container(path: &Path, container: Container) -> Result<Workbook, ReadError> {
    let workbook = match container {
        Container::Xlsx(bytes) => read_xlsx(path, bytes)?,
        Container::Xls(bytes) => {
            let book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(parse_err)?;
            read_dense(path, FileKind::Xls, book, |b, name| {
                b.merge_cells_by_sheet_name(name).unwrap_or_default()
            })?
        }
        Container::Ods(bytes) => {
            let book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(parse_err)?;
            read_dense(path, FileKind::Ods, book, |_, _| Vec::new())?
        }
    };
    if workbook.sheets.is_empty() {
        return Err(ReadError::NoSheets);
    }
    Ok(workbook)
}

fn parse_err(e: impl std::fmt::Display) -> ReadError {
    let mut text = e.to_string();
    text.truncate(200);
    ReadError::Parse(text.replace('\n', " "))
}

fn worksheet_names<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(book: &R) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

/// xlsx: streamed cell by cell, so memory follows the cells, not the sheet's bounding box.
fn read_xlsx(path: &Path, bytes: Vec<u8>) -> Result<Workbook, ReadError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).map_err(parse_err)?;
    let mut sheets = Vec::new();
    let mut styles = Vec::new();
    let mut total = 0usize;
    for name in worksheet_names(&book) {
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(parse_err)?;
            if styles.is_empty() {
                styles = reader.styles().to_vec();
            }
            while let Some(record) = reader.next_cell_with_formula().map_err(parse_err)? {
                let value = value_of_ref(record.value);
                let formula = record.formula.filter(|f| !f.is_empty());
                if value == CellValue::Empty && formula.is_none() {
                    continue;
                }
                total += 1;
                if total > MAX_CELLS {
                    return Err(ReadError::TooManyCells);
                }
                let (row, col) = record.pos;
                sheet.cells.insert(
                    CellPos::new(row, col),
                    Cell {
                        value,
                        formula,
                        style: 0,
                    },
                );
            }
        }
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(parse_err)?;
            while let Some((row, col, style)) = reader.next_style_id().map_err(parse_err)? {
                let cell = sheet.cells.entry(CellPos::new(row, col));
                if matches!(cell, std::collections::btree_map::Entry::Vacant(_)) {
                    total += 1;
                    if total > MAX_CELLS {
                        return Err(ReadError::TooManyCells);
                    }
                }
                cell.or_default().style = style;
            }
        }
        sheet.merged = book
            .merge_cells_by_sheet_name(&name)
            .map_err(parse_err)?
            .into_iter()
            .map(|d| range_of(d.start, d.end))
            .collect();
        sheets.push(sheet);
    }
    drop(book);
    let mut wb = Workbook {
        path: path.to_path_buf(),
        kind: FileKind::Xlsx,
        sheets,
        styles,
    };
    crate::geometry::fill_geometry(&mut wb, &bytes);
    Ok(wb)
}

/// xls and ods: calamine reads these into dense ranges; they are small binary formats.
fn read_dense<RS, R, M>(
    path: &Path,
    kind: FileKind,
    mut book: R,
    merges: M,
) -> Result<Workbook, ReadError>
where
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    RS: std::io::Read + std::io::Seek,
    M: Fn(&R, &str) -> Vec<calamine::Dimensions>,
{
    let mut sheets = Vec::new();
    let mut total = 0usize;
    for name in worksheet_names(&book) {
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        let range = book.worksheet_range(&name).map_err(parse_err)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.used_cells() {
            let value = value_of_data(data);
            if value == CellValue::Empty {
                continue;
            }
            total += 1;
            if total > MAX_CELLS {
                return Err(ReadError::TooManyCells);
            }
            let pos = CellPos::new(r0 + r as u32, c0 + c as u32);
            sheet.cells.insert(
                pos,
                Cell {
                    value,
                    formula: None,
                    style: 0,
                },
            );
        }
        if let Ok(formulas) = book.worksheet_formula(&name) {
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            for (r, c, formula) in formulas.used_cells() {
                if formula.is_empty() {
                    continue;
                }
                let pos = CellPos::new(r0 + r as u32, c0 + c as u32);
                sheet.cells.entry(pos).or_default().formula = Some(formula.clone());
            }
        }
        sheet.merged = merges(&book, &name)
            .into_iter()
            .map(|d| range_of(d.start, d.end))
            .collect();
        sheets.push(sheet);
    }
    Ok(Workbook {
        path: path.to_path_buf(),
        kind,
        sheets,
        styles: vec![calamine::Style::default()],
    })
}

fn range_of(start: (u32, u32), end: (u32, u32)) -> CellRange {
    CellRange {
        first: CellPos::new(start.0, start.1),
        last: CellPos::new(end.0, end.1),
    }
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

fn value_of_data(data: &Data) -> CellValue {
    match data {
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(d) => CellValue::DateTime(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::Empty => CellValue::Empty,
    }
}
