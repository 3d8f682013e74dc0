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
//!
//! One reader per format ([`xlsx`], [`xls`], [`ods`]); a failure is a [`ReadError`] that
//! keeps its cause and tells its [`ErrorKind`].

mod error;
pub mod geometry;
mod ods;
pub mod sniff;
mod xls;
mod xlsx;

use std::cell::Cell as StdCell;
use std::io::{Read, Seek};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use calamine::{Data, Reader, SheetType};

use crate::model::{CellPos, CellRange, CellValue, Workbook};
pub use error::{ErrorKind, OdsError, ReadError};
use sniff::Container;

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

/// Sniffs and reads the file at `path`.
pub fn read_path(path: &Path) -> Result<Workbook, ReadError> {
    let container = sniff::sniff_path(path)?;
    read_container(path, container)
}

/// Reads a container [`sniff`] has passed; `path` is only recorded in the workbook.
pub fn read_container(path: &Path, container: Container) -> Result<Workbook, ReadError> {
    let workbook = guarded(|| match container {
        Container::Xlsx(bytes, original, geometry) => xlsx::read(path, bytes, original, &geometry),
        Container::Xls(bytes, remap) => xls::read(path, bytes, &remap),
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
    /// Set while [`quietly`] runs on this thread: its panics are caught and reported.
    static CATCHING: StdCell<bool> = const { StdCell::new(false) };
}

/// Runs `f`, catching a panic in it (`None`) without a message or backtrace on stderr: the
/// caller reports it. The hook is installed once and passes on every other panic.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(StdCell::get) {
                previous(info);
            }
        }));
    });
    let was = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    result.ok()
}

/// Runs `f`, turning a panic (calamine has index panics on malformed records)
/// into a parse error, without the panic message on stderr.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    quietly(f).unwrap_or(Err(ReadError::Panicked))
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

fn range_of(start: (u32, u32), end: (u32, u32)) -> CellRange {
    CellRange {
        first: CellPos::new(start.0, start.1),
        last: CellPos::new(end.0, end.1),
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
    use calamine::Xls;
    use std::io::Cursor;
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

    #[test]
    fn geometry_from_sniffing_is_the_geometry_read_again() {
        let mut seen = 0;
        for entry in std::fs::read_dir(fixture("")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xlsx") {
                continue;
            }
            let Ok(Container::Xlsx(bytes, _, known)) = sniff::sniff_path(&path) else {
                panic!("{} is not xlsx", path.display());
            };
            assert!(!known.is_empty(), "{}", path.display());
            let again = geometry::read_xlsx_geometry(&bytes);
            assert_eq!(geometry::geometry_by_sheet(&bytes, &known), again);
            // And it is what is used: a marked copy comes back marked.
            let mut marked = known.clone();
            marked
                .values_mut()
                .for_each(|g| g.default_col_width = Some(-1.0));
            let used = geometry::geometry_by_sheet(&bytes, &marked);
            assert_eq!(used.len(), again.len());
            assert!(used.values().all(|g| g.default_col_width == Some(-1.0)));
            seen += 1;
        }
        assert!(seen >= 4, "only {seen} fixtures");
    }
}
