//! Value stage: reads the cell of every located field as a typed value; computes formulas
//! that were saved without a cached value; reports cells that cannot be read.

pub mod value;

use crate::model::FieldMap;
use rust_decimal::Decimal;

use crate::expr::Expr;
use crate::extract::value::{read_cell, Reading};
use crate::locate::{FieldCell, Layout};
use crate::model::{CellPos, CellValue, Sheet, Workbook};
use crate::model::{Finding, Severity};

const MAX_FORMULA_DEPTH: usize = 16;
const MAX_RANGE_CELLS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Figure {
    pub cell: FieldCell,
    pub reading: Reading,
    /// The value as the cell shows it.
    pub shown: String,
    /// The cell holds a formula.
    pub formula: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub by_key: FieldMap<String, Figure>,
    /// Cells that cannot be read as the number their field needs.
    pub findings: Vec<Finding>,
    /// Keys of fields whose cell could not be read.
    pub unreadable: Vec<String>,
    pub notes: Vec<String>,
}

impl Figures {
    fn mark_unreadable(
        &mut self,
        sheet: &Sheet,
        field: &FieldCell,
        key: &str,
        found: String,
        why: &str,
    ) {
        self.findings.push(unreadable(sheet, field, found, why));
        self.unreadable.push(key.to_string());
    }
}

pub fn extract(wb: &Workbook, layout: &Layout) -> Figures {
    let mut figures = Figures::default();
    for (key, field) in &layout.fields {
        if key == "ind.points_header" {
            continue;
        }
        let Some(sheet) = wb.sheets.get(field.sheet) else {
            continue;
        };
        let cell = sheet.cell(field.pos);
        let format = cell.and_then(|c| wb.number_format(c));
        let mut value = cell.map(|c| c.value.clone()).unwrap_or_default();
        let formula = cell.and_then(|c| c.formula.clone());
        if let (CellValue::Empty, Some(f)) = (&value, &formula) {
            match eval_formula(wb, sheet, f, 0) {
                Some(v) => {
                    figures.notes.push(format!(
                        "{}!{} 的公式 ={} 没有保存计算结果，已按公式计算为 {}",
                        sheet.name,
                        field.pos,
                        f,
                        v.normalize()
                    ));
                    value = CellValue::Number(f64::try_from(v).unwrap_or(f64::NAN));
                }
                None => {
                    let why =
                        "公式没有保存计算结果，且无法计算；请在 Excel/WPS 中打开、重新计算并保存";
                    figures.mark_unreadable(sheet, field, key, format!("={f}"), why);
                    continue;
                }
            }
        }
        let reading = read_cell(&value, format, field.kind);
        let shown = shown_text(&value, &reading, format);
        if let Reading::Text(text) = &reading {
            let why = "无法识别为数值，未参与计算；请填写数字";
            figures.mark_unreadable(sheet, field, key, text.clone(), why);
            continue;
        }
        if !matches!(
            reading,
            Reading::Blank | Reading::Quantity { cmp: None, .. }
        ) {
            figures.mark_unreadable(sheet, field, key, shown, "此处应为数值，未参与计算");
            continue;
        }
        figures.by_key.insert(
            key.clone(),
            Figure {
                cell: field.clone(),
                reading,
                shown,
                formula,
            },
        );
    }
    figures
}

/// The text a cell shows.
pub fn shown_text(value: &CellValue, reading: &Reading, format: Option<&str>) -> String {
    let formatted = format
        .and_then(crate::extract::value::format_decimals)
        .is_some();
    match (reading, value) {
        (Reading::Blank, _) => String::new(),
        (Reading::Quantity { cmp: None, num }, CellValue::Number(_))
            if formatted || num.percent =>
        {
            num.display()
        }
        (_, CellValue::Text(t)) => t.trim().to_string(),
        (_, CellValue::Number(f)) => format!("{f}"),
        (_, CellValue::Bool(b)) => b.to_string(),
        (_, CellValue::Error(e)) => e.clone(),
        (_, CellValue::DateTime(d)) => format!("{d}"),
        (_, CellValue::Empty) => String::new(),
    }
}

fn unreadable(sheet: &Sheet, field: &FieldCell, found: String, why: &str) -> Finding {
    Finding {
        sheet: sheet.name.clone(),
        cell: field.pos,
        severity: Severity::Error,
        check: "V1".into(),
        message: format!("{}：「{}」{}", field.label, found, why),
        found,
        expected: None,
        involves: Vec::new(),
        replacement: None,
        text: None,
    }
}

/// Computes a formula from the cells it refers to (for formulas saved without a result).
pub fn eval_formula(wb: &Workbook, sheet: &Sheet, formula: &str, depth: usize) -> Option<Decimal> {
    if depth > MAX_FORMULA_DEPTH {
        return None;
    }
    let expr = Expr::parse(formula).ok()?;
    let cell_value = |sheet: &Sheet, pos: CellPos| -> Option<Option<Decimal>> {
        let cell = sheet.cell(pos);
        match cell.map(|c| (&c.value, &c.formula)) {
            None | Some((CellValue::Empty, None)) => Some(None),
            Some((CellValue::Empty, Some(f))) => eval_formula(wb, sheet, f, depth + 1).map(Some),
            Some((CellValue::Number(n), _)) => Some(Decimal::try_from(*n).ok()),
            Some((CellValue::Text(t), _)) => match crate::extract::value::read_text(t) {
                Reading::Quantity { cmp: None, num } => Some(Some(num.value)),
                Reading::Blank => Some(None),
                _ => None,
            },
            _ => None,
        }
    };
    let resolve = |name: &str| -> Option<(&Sheet, CellPos)> {
        let (sheet_name, addr) = match name.rsplit_once('!') {
            Some((s, a)) => (Some(s.trim_matches('\'')), a),
            None => (None, name),
        };
        let target = match sheet_name {
            Some(n) => wb.sheet(n)?,
            None => sheet,
        };
        Some((target, CellPos::parse_a1(addr)?))
    };
    let failed = std::cell::Cell::new(false);
    let env = |e: &Expr| -> Vec<Option<Decimal>> {
        let values = match e {
            Expr::Ref(name) => resolve(name)
                .and_then(|(s, p)| cell_value(s, p))
                .map(|v| vec![v]),
            Expr::Range(a, b) => (|| {
                let (s, start) = resolve(a)?;
                let end = CellPos::parse_a1(b.rsplit('!').next()?)?;
                let rows = start.row.min(end.row)..=start.row.max(end.row);
                let cols = start.col.min(end.col)..=start.col.max(end.col);
                if rows.clone().count().saturating_mul(cols.clone().count()) > MAX_RANGE_CELLS {
                    return None;
                }
                rows.flat_map(|r| cols.clone().map(move |c| CellPos::new(r, c)))
                    .map(|p| cell_value(s, p))
                    .collect()
            })(),
            _ => None,
        };
        values.unwrap_or_else(|| {
            failed.set(true);
            vec![None]
        })
    };
    let value = expr.eval(&env);
    if failed.get() {
        return None;
    }
    value
}
