//! The in-memory workbook every later stage works on: sparse cells, merged ranges, styles.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Zero-based cell position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellPos {
    pub row: u32,
    pub col: u32,
}

impl CellPos {
    /// No cell: a finding of the report's text that names none.
    pub const NONE: CellPos = CellPos {
        row: u32::MAX,
        col: u32::MAX,
    };

    pub fn new(row: u32, col: u32) -> Self {
        CellPos { row, col }
    }

    pub fn is_none(&self) -> bool {
        *self == CellPos::NONE
    }

    /// Parses "B12" or "$B$12".
    pub fn parse_a1(text: &str) -> Option<CellPos> {
        let text = text.replace('$', "");
        let split = text.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = text.split_at(split);
        if letters.is_empty()
            || letters.len() > 3
            || !letters.chars().all(|c| c.is_ascii_alphabetic())
        {
            return None;
        }
        let mut col: u32 = 0;
        for c in letters.chars() {
            col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
        }
        let row: u32 = digits.parse().ok()?;
        if row == 0 || row > 1_048_576 || col > 16_384 {
            return None;
        }
        Some(CellPos {
            row: row - 1,
            col: col - 1,
        })
    }

    pub fn column_letters(col: u32) -> String {
        let mut n = col + 1;
        let mut out = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            out.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }
}

impl fmt::Display for CellPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", CellPos::column_letters(self.col), self.row + 1)
    }
}

/// An inclusive rectangle of cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub first: CellPos,
    pub last: CellPos,
}

impl CellRange {
    pub fn contains(&self, pos: CellPos) -> bool {
        (self.first.row..=self.last.row).contains(&pos.row)
            && (self.first.col..=self.last.col).contains(&pos.col)
    }
}

/// A cell's value as stored in the file (cached value for formulas).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CellValue {
    #[default]
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    /// Excel serial date-time.
    DateTime(f64),
    /// Error value such as `#DIV/0!`.
    Error(String),
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            CellValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub value: CellValue,
    /// Formula text without the leading `=`.
    pub formula: Option<String>,
    /// Index into [`Workbook::styles`]; 0 is the default style.
    pub style: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: BTreeMap<CellPos, Cell>,
    pub merged: Vec<CellRange>,
    /// Column widths in Excel character units, where the file states them.
    pub col_widths: BTreeMap<u32, f64>,
    /// Row heights in points, where the file states them.
    pub row_heights: BTreeMap<u32, f64>,
}

impl Sheet {
    pub fn cell(&self, pos: CellPos) -> Option<&Cell> {
        self.cells.get(&pos)
    }

    pub fn value(&self, pos: CellPos) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.get(&pos).map(|c| &c.value).unwrap_or(&EMPTY)
    }

    pub fn text(&self, pos: CellPos) -> Option<&str> {
        self.value(pos).as_text()
    }

    /// The merged range that `pos` lies in, if any.
    pub fn merged_at(&self, pos: CellPos) -> Option<&CellRange> {
        self.merged.iter().find(|m| m.contains(pos))
    }

    /// Last column covered by the cell at `pos` (itself, or the end of its merged range).
    pub fn extent_end_col(&self, pos: CellPos) -> u32 {
        self.merged_at(pos).map(|m| m.last.col).unwrap_or(pos.col)
    }

    /// Last row covered by the cell at `pos`.
    pub fn extent_end_row(&self, pos: CellPos) -> u32 {
        self.merged_at(pos).map(|m| m.last.row).unwrap_or(pos.row)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Xlsx,
    Xls,
    Ods,
}

/// A sheet of a workbook: its place in [`Workbook::sheets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SheetId(usize);

impl SheetId {
    pub fn new(index: usize) -> SheetId {
        SheetId(index)
    }

    pub fn index(self) -> usize {
        self.0
    }

    /// Each of `items` (one per sheet, in order) with its sheet.
    pub fn each<T>(items: &[T]) -> impl Iterator<Item = (SheetId, &T)> {
        items.iter().enumerate().map(|(i, t)| (SheetId(i), t))
    }
}

#[derive(Debug, Clone)]
pub struct Workbook {
    pub path: PathBuf,
    pub kind: FileKind,
    pub sheets: Vec<Sheet>,
    /// Style palette (xlsx only; index 0 is the default style).
    pub styles: Vec<calamine::Style>,
    /// The xlsx file as read, which the annotated copy is patched from; None for xls and ods.
    pub package: Option<Package>,
}

/// An xlsx file as it was read, shared cheaply; with the copy of it that calamine read, whose
/// parts are the file's own except the `altered` ones (and are stored, not deflated, when small).
#[derive(Clone)]
pub struct Package {
    original: Arc<Vec<u8>>,
    plain: Option<Arc<Vec<u8>>>,
    altered: Arc<Vec<String>>,
}

impl Package {
    pub fn new(original: Vec<u8>) -> Self {
        Package {
            original: Arc::new(original),
            plain: None,
            altered: Arc::default(),
        }
    }

    /// Names (lower case, no leading slash) of the parts the copy changes.
    pub fn with_altered(mut self, altered: Vec<String>) -> Self {
        self.altered = Arc::new(altered);
        self
    }

    pub fn with_plain(mut self, plain: Arc<Vec<u8>>) -> Self {
        self.plain = Some(plain);
        self
    }

    pub fn bytes(&self) -> &[u8] {
        &self.original
    }

    /// The copy calamine read, if kept.
    pub fn plain(&self) -> Option<&[u8]> {
        self.plain.as_deref().map(Vec::as_slice)
    }

    /// Whether the copy's part `name` (lower case, no leading slash) differs from the file's.
    pub fn is_altered(&self, name: &str) -> bool {
        self.altered.iter().any(|a| a == name)
    }
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Package({} bytes)", self.original.len())
    }
}

impl Workbook {
    pub fn sheet_at(&self, id: SheetId) -> Option<&Sheet> {
        self.sheets.get(id.0)
    }

    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    pub fn style(&self, cell: &Cell) -> Option<&calamine::Style> {
        self.styles.get(cell.style)
    }

    /// The number format code of a cell ("0.00%", "General"…), if the file gives one.
    pub fn number_format(&self, cell: &Cell) -> Option<&str> {
        self.style(cell)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        for text in ["A1", "Z9", "AA10", "XFD1048576", "G29"] {
            let pos = CellPos::parse_a1(text).unwrap();
            assert_eq!(pos.to_string(), text);
        }
        assert_eq!(CellPos::parse_a1("$B$3"), Some(CellPos::new(2, 1)));
        assert_eq!(CellPos::parse_a1("B0"), None);
        assert_eq!(CellPos::parse_a1("3B"), None);
    }
}
