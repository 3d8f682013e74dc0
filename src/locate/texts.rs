//! The normalised text index: every text cell of the workbook with its text normalised once,
//! shared by every template tried on the workbook.

use crate::model::text::norm;
use crate::model::{CellPos, Sheet, Workbook};
use crate::template::Labels;

use super::match_len;

/// Each sheet's text cells with their normalised text, in row-major order. Built once per
/// workbook and shared by every template tried on it.
pub struct Texts {
    pub(super) sheets: Vec<Vec<(CellPos, String)>>,
}

impl Texts {
    pub fn new(wb: &Workbook) -> Self {
        let sheets = wb
            .sheets
            .iter()
            .map(|sheet| {
                sheet
                    .cells
                    .iter()
                    .filter_map(|(pos, c)| c.value.as_text().map(|t| (*pos, norm(t))))
                    .filter(|(_, t)| !t.is_empty())
                    .collect()
            })
            .collect();
        Texts { sheets }
    }

    /// Every non-empty normalised text of the workbook.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.sheets.iter().flatten().map(|(_, t)| t.as_str())
    }
}

/// One sheet with its normalised texts.
pub(super) struct SheetIndex<'a> {
    pub(super) sheet: &'a Sheet,
    /// Text cells with their normalised text, in row-major order.
    pub(super) texts: &'a [(CellPos, String)],
}

impl<'a> SheetIndex<'a> {
    /// The first cell (row-major) whose text starts with one of `labels`.
    pub(super) fn find(&self, labels: &Labels) -> Option<CellPos> {
        self.texts
            .iter()
            .find(|(_, t)| match_len(t, labels).is_some())
            .map(|(p, _)| *p)
    }

    // `texts` is in cell order (row, then column): both look-ups are binary searches.
    pub(super) fn row_texts(&self, row: u32) -> impl Iterator<Item = &(CellPos, String)> {
        let start = self.texts.partition_point(|(p, _)| p.row < row);
        self.texts[start..]
            .iter()
            .take_while(move |(p, _)| p.row == row)
    }

    pub(super) fn text_at(&self, pos: CellPos) -> Option<&str> {
        self.texts
            .binary_search_by_key(&pos, |(p, _)| *p)
            .ok()
            .map(|i| self.texts[i].1.as_str())
    }

    pub(super) fn last_row(&self) -> u32 {
        self.sheet.cells.keys().map(|p| p.row).max().unwrap_or(0)
    }
}
