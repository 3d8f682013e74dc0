//! Reading stage: a file on disk → a sparse [`Workbook`].
//!
//! [`sniff`] decides what the file is and hands over bytes calamine can take without
//! pre-allocating from untrusted numbers. This stage then bounds what reading may
//! cost, whatever the file says:
//!
//! - xlsx is streamed cell by cell, so memory follows the cells, not a sheet's
//!   bounding box; the bytes calamine may pull through the container are budgeted
//!   (sheets listed many times over one part would otherwise be scanned again and
//!   again);
//! - ods is read by our own sparse reader ([`ods`]): calamine's expands repeated
//!   rows and columns into dense ranges and repeats `text:s` spaces unbounded;
//! - xls goes through calamine's dense ranges, after [`sniff`] rebuilt the file and
//!   squeezed the empty rows and columns out of far-flung sheets; positions are
//!   mapped back here;
//! - every workbook gets at most [`MAX_SHEETS`] worksheets, [`MAX_CELLS`] cells with
//!   a value or formula, [`MAX_TEXT_BYTES`] of text and formulas and [`MAX_MERGES`]
//!   merged ranges, and keeps the style of at most [`MAX_STYLED_EMPTY`] cells that
//!   hold nothing else;
//! - a panic inside calamine becomes a parse error for this one file.

pub mod geometry;
mod ods;
pub mod sniff;

use std::cell::Cell as StdCell;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::rc::Rc;
use std::sync::Once;

use calamine::{Data, DataRef, Reader, SheetType, Xls, Xlsx};

use crate::model::{Cell, CellPos, CellRange, CellValue, FileKind, Sheet, Workbook};
use sniff::{Container, Package, SniffError, XlsRemap};

/// More cells with a value or formula than this in one workbook is not a self-evaluation form.
pub const MAX_CELLS: usize = 2_000_000;
/// Cells that carry only a style: the first this many keep it, the rest are dropped.
pub const MAX_STYLED_EMPTY: usize = 1_000_000;
/// Bytes of text values and formulas in one workbook.
pub const MAX_TEXT_BYTES: usize = 64 << 20;
/// Merged ranges in one workbook.
pub const MAX_MERGES: usize = 100_000;
/// Worksheets in one workbook.
pub const MAX_SHEETS: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Sniff(#[from] SniffError),
    #[error("工作簿内容无法解析（{0}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试")]
    Parse(String),
    #[error("工作簿过大（超过 {MAX_CELLS} 个有内容的单元格），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManyCells,
    #[error("工作簿中的文字和公式过多（超过 {} MiB），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", MAX_TEXT_BYTES >> 20)]
    TooMuchText,
    #[error("工作簿中的合并单元格过多（超过 {MAX_MERGES} 处），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManyMerges,
    #[error("工作簿结构异常（多个工作表反复引用同一份数据），已停止读取；请在 Excel/WPS 中打开后另存为 .xlsx 再试")]
    ReadBudget,
    #[error("工作簿中有 {0} 个工作表（上限 {MAX_SHEETS} 个），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManySheets(usize),
    #[error("工作簿中没有任何工作表；请确认文件是否正确")]
    NoSheets,
}

pub fn read_path(path: &Path) -> Result<Workbook, ReadError> {
    let container = sniff::sniff_path(path)?;
    read_container(path, container)
}

pub fn read_container(path: &Path, container: Container) -> Result<Workbook, ReadError> {
    let workbook = guarded(|| match container {
        Container::Xlsx(bytes, original) => read_xlsx(path, bytes, original),
        Container::Xls(bytes, remap) => read_xls(path, bytes, &remap),
        Container::Ods(bytes) => ods::read(path, bytes),
    })?;
    if workbook.sheets.is_empty() {
        return Err(ReadError::NoSheets);
    }
    Ok(workbook)
}

// ---------------------------------------------------------------------------
// Panics

thread_local! {
    /// Set while [`guarded`] runs on this thread: its panics are expected and reported.
    static QUIET: StdCell<bool> = const { StdCell::new(false) };
}

/// Runs `f`, turning a panic (calamine has index panics on malformed records)
/// into a parse error, without the panic message on stderr.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(StdCell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.unwrap_or_else(|_| Err(ReadError::Parse("解析程序遇到无法处理的内容".into())))
}

fn parse_err(e: impl std::fmt::Display) -> ReadError {
    let text: String = e
        .to_string()
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    ReadError::Parse(text)
}

fn worksheet_names<RS: Read + Seek, R: Reader<RS>>(book: &R) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

// ---------------------------------------------------------------------------
// What one workbook may cost

/// Counts cells, text and merges against the caps, across all sheets.
#[derive(Default)]
struct Budget {
    cells: usize,
    styled_empty: usize,
    text: usize,
    merges: usize,
}

impl Budget {
    /// Accounts for a cell with content (`value` or `formula`).
    fn cell(&mut self, value: &CellValue, formula: Option<&String>) -> Result<(), ReadError> {
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(ReadError::TooManyCells);
        }
        let text = match value {
            CellValue::Text(s) | CellValue::Error(s) => s.len(),
            _ => 0,
        };
        self.text(text + formula.map_or(0, String::len))
    }

    /// Text bytes still allowed.
    fn room(&self) -> usize {
        MAX_TEXT_BYTES.saturating_sub(self.text)
    }

    fn text(&mut self, bytes: usize) -> Result<(), ReadError> {
        self.text = self.text.saturating_add(bytes);
        if self.text > MAX_TEXT_BYTES {
            return Err(ReadError::TooMuchText);
        }
        Ok(())
    }

    /// Whether one more style-only cell may be kept.
    fn styled_empty(&mut self) -> bool {
        self.styled_empty += 1;
        self.styled_empty <= MAX_STYLED_EMPTY
    }

    fn merges(&mut self, n: usize) -> Result<(), ReadError> {
        self.merges += n;
        if self.merges > MAX_MERGES {
            return Err(ReadError::TooManyMerges);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// xlsx

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

/// xlsx: streamed cell by cell, so memory follows the cells, not the sheet's bounding box.
///
/// Each sheet is read three times (values and formulas, styles, merged ranges) and the
/// rest of the package once, so reading an honest file pulls at most four times the
/// container through calamine; a budget of five times stops a workbook whose sheets all
/// point at one big part before it takes minutes.
fn read_xlsx(path: &Path, bytes: Vec<u8>, original: Package) -> Result<Workbook, ReadError> {
    // Kept with the workbook: the annotated copy reads unaltered parts from it.
    let bytes = std::sync::Arc::new(bytes);
    let left = Rc::new(StdCell::new(5 * bytes.len() as u64 + (1 << 20)));
    let source = Metered {
        inner: Cursor::new(bytes.as_slice()),
        left: Rc::clone(&left),
    };
    let spent = |e: calamine::XlsxError| {
        if left.get() == 0 {
            ReadError::ReadBudget
        } else {
            parse_err(e)
        }
    };
    let mut book: Xlsx<_> = Xlsx::new(source).map_err(spent)?;
    let mut geometry = crate::read::geometry::read_xlsx_geometry(&bytes);
    let names = worksheet_names(&book);
    if names.len() > MAX_SHEETS {
        return Err(ReadError::TooManySheets(names.len()));
    }
    let mut sheets = Vec::new();
    let mut styles = Vec::new();
    let mut budget = Budget::default();
    for name in names {
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        // Values and styles in one pass; formulas in a second only where the sheet has any.
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(spent)?;
            if styles.is_empty() {
                styles = reader.styles().to_vec();
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
        }
        if geometry.get(&name).is_none_or(|g| g.has_formulas) {
            let mut reader = book.worksheet_cells_reader(&name).map_err(spent)?;
            while let Some(cell) = reader.next_formula().map_err(spent)? {
                let formula = cell.get_value().clone();
                if formula.is_empty() {
                    continue;
                }
                let (row, col) = cell.get_position();
                match sheet.cells.entry(CellPos::new(row, col)) {
                    std::collections::btree_map::Entry::Occupied(mut e) => {
                        budget.text(formula.len())?;
                        let cell = e.get_mut();
                        if cell.value == CellValue::Empty && cell.formula.is_none() {
                            // A styled blank kept above: now a cell with content.
                            budget.cell(&CellValue::Empty, None)?;
                        }
                        cell.formula = Some(formula);
                    }
                    std::collections::btree_map::Entry::Vacant(e) => {
                        budget.cell(&CellValue::Empty, Some(&formula))?;
                        e.insert(Cell {
                            formula: Some(formula),
                            ..Cell::default()
                        });
                    }
                }
            }
        }
        // The geometry pass has read the merged ranges; calamine reads them when it could not.
        sheet.merged = match geometry.get_mut(&name) {
            Some(g) => std::mem::take(&mut g.merged),
            None => book
                .merge_cells_by_sheet_name(&name)
                .map_err(spent)?
                .into_iter()
                .map(|d| range_of(d.start, d.end))
                .collect(),
        };
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
    crate::read::geometry::apply_geometry(&mut wb, geometry);
    Ok(wb)
}

// ---------------------------------------------------------------------------
// xls

/// xls: calamine reads every sheet into dense ranges when it opens the file. [`sniff`]
/// has bounded their total area; sheets it squeezed are mapped back through `remap`.
fn read_xls(path: &Path, bytes: Vec<u8>, remap: &XlsRemap) -> Result<Workbook, ReadError> {
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(parse_err)?;
    let metadata: Vec<(String, SheetType)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.typ))
        .collect();
    if metadata.len() > MAX_SHEETS {
        return Err(ReadError::TooManySheets(metadata.len()));
    }
    // calamine keeps the last sheet of a name; its BOUNDSHEET says how it was squeezed.
    let last_of: std::collections::HashMap<&str, usize> = metadata
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut seen = std::collections::HashSet::new();
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
        {
            let range = book.worksheet_range(name).map_err(parse_err)?;
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
        }
        if let Ok(formulas) = book.worksheet_formula(name) {
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
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    /// What calamine's dense reader makes of a file, as (sheet, cell) → (value, formula).
    fn through_calamine<RS, R>(mut book: R) -> Vec<(String, CellPos, CellValue, Option<String>)>
    where
        RS: Read + Seek,
        R: Reader<RS>,
        R::Error: std::fmt::Debug,
    {
        let mut out = std::collections::BTreeMap::new();
        for name in worksheet_names(&book) {
            let range = book.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, d) in range.used_cells() {
                let v = value_of_data(d);
                if v != CellValue::Empty {
                    let pos = CellPos::new(r0 + r as u32, c0 + c as u32);
                    out.insert((name.clone(), pos), (v, None));
                }
            }
            let formulas = book.worksheet_formula(&name).unwrap();
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            for (r, c, f) in formulas.used_cells() {
                if !f.is_empty() {
                    let pos = CellPos::new(r0 + r as u32, c0 + c as u32);
                    out.entry((name.clone(), pos))
                        .or_insert((CellValue::Empty, None))
                        .1 = Some(f.clone());
                }
            }
        }
        out.into_iter()
            .map(|((s, p), (v, f))| (s, p, v, f))
            .collect()
    }

    fn flatten(wb: &Workbook) -> Vec<(String, CellPos, CellValue, Option<String>)> {
        let mut out = Vec::new();
        for s in &wb.sheets {
            for (p, c) in &s.cells {
                if c.value != CellValue::Empty || c.formula.is_some() {
                    out.push((s.name.clone(), *p, c.value.clone(), c.formula.clone()));
                }
            }
        }
        out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        out
    }

    #[test]
    fn ods_reader_agrees_with_calamine_on_the_fixtures() {
        for name in ["seed-leiyang-2024.ods", "seed-leiyang-2024-corrected.ods"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            let book: calamine::Ods<_> = calamine::Ods::new(Cursor::new(bytes.clone())).unwrap();
            let want = through_calamine(book);
            let got = flatten(&ods::read(Path::new(name), bytes).unwrap());
            assert!(want.len() > 50, "{name}: {} cells", want.len());
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn xls_reader_agrees_with_calamine_on_the_fixtures() {
        for name in ["seed-leiyang-2024.xls", "seed-leiyang-2024-corrected.xls"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            let book: Xls<_> = Xls::new(Cursor::new(bytes)).unwrap();
            let want = through_calamine(book);
            let got = flatten(&read_path(&fixture(name)).unwrap());
            assert!(want.len() > 50, "{name}: {} cells", want.len());
            assert_eq!(got, want, "{name}");
        }
    }
}
