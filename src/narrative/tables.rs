//! The tables' figures as the report's checks need them: each field's cell, its value as filed
//! and, when the table checks flagged it, the value they give it.

use rust_decimal::Decimal;

use crate::check::Values;
use crate::extract;
use crate::model::{CellPos, FieldMap, Finding, Kind, Replacement, Severity, Workbook};
use crate::template::Template;

#[derive(Debug, Clone)]
pub struct TableCell {
    /// How the field is named in messages (`三公经费（2024年预算数）`).
    pub label: String,
    pub sheet: String,
    pub pos: CellPos,
    /// The value as filed, None when blank or unreadable. Rates in percentage points.
    pub filed: Option<Decimal>,
    /// The value as the cell shows it.
    pub shown: String,
    /// The value the table checks give the cell, when they flagged it.
    pub corrected: Option<Decimal>,
}

impl TableCell {
    /// The value the tables stand for: the corrected one when the cell is flagged.
    pub fn value(&self) -> Option<Decimal> {
        self.corrected.or(self.filed)
    }

    /// Where the cell is, as messages name it (`绩效自评表!G6`).
    pub fn place(&self) -> String {
        format!("{}!{}", self.sheet, self.pos)
    }

    /// Decimals of the number as the cell shows it (`2204.05`, `79.80%`), None when it shows none.
    pub fn decimals_shown(&self) -> Option<u32> {
        let digits = self.shown.trim_end_matches(|c: char| !c.is_ascii_digit());
        if digits.is_empty() {
            return None;
        }
        Some(digits.split_once('.').map_or(0, |(_, d)| d.len() as u32))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub cells: FieldMap<String, TableCell>,
}

impl Tables {
    /// The located fields of `wb` (as `check_workbook` locates them), with the values that the
    /// workbook's `findings` give the cells they flag.
    pub fn from_workbook(
        wb: &Workbook,
        templates: &[Template],
        findings: &[Finding],
    ) -> Option<Tables> {
        let (_, layout) = crate::locate::choose(wb, templates)?;
        let figures = extract::extract(wb, &layout);
        let values = Values::from_figures(&figures);
        let mut cells = FieldMap::default();
        for (key, field) in &layout.fields {
            let Some(sheet) = wb.sheet_at(field.sheet) else {
                continue;
            };
            let percent = field.kind == Kind::Rate || values.format(key).percent;
            let points = |v: Decimal| if percent { v * Decimal::ONE_HUNDRED } else { v };
            let corrected = findings.iter().find_map(|f| match &f.replacement {
                Some(Replacement::Number(v))
                    if f.sheet == sheet.name
                        && f.cell == field.pos
                        && f.severity != Severity::Warning =>
                {
                    Some(points(*v))
                }
                _ => None,
            });
            cells.insert(
                key.to_string(),
                TableCell {
                    label: field.label.clone(),
                    sheet: sheet.name.clone(),
                    pos: field.pos,
                    filed: values.number(key).map(points),
                    shown: figures
                        .by_key
                        .get(key)
                        .map(|f| f.shown.clone())
                        .unwrap_or_default(),
                    corrected,
                },
            );
        }
        Some(Tables { cells })
    }

    /// The first of `keys` that the tables hold a value for.
    pub fn first<'a>(&'a self, keys: &[String]) -> Option<(&'a str, &'a TableCell)> {
        keys.iter().find_map(|k| {
            self.cells
                .get_key_value(k)
                .filter(|(_, c)| c.value().is_some())
                .map(|(k, c)| (k.as_str(), c))
        })
    }
}
