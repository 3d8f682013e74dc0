//! Value stage: reads the cell of every located field as a typed value; computes formulas
//! that were saved without a cached value; reports cells that cannot be read.

pub mod value;

use crate::model::FieldMap;
use rust_decimal::Decimal;

use crate::expr::Expr;
use crate::extract::value::{read_cell, Num, Reading};
use crate::i18n::check::CheckMsg;
use crate::i18n::errors::ErrMsg;
use crate::i18n::msg;
use crate::locate::{FieldCell, IndicatorRow, Layout};
use crate::model::text::is_dash;
use crate::model::{CellPos, CellValue, FieldKey, Kind, Sheet, SheetId, Workbook};

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
    pub by_key: FieldMap<FieldKey, Figure>,
    /// Cells that cannot be read as the number their field needs (rule V1 reports them).
    pub unreadable_cells: Vec<Unreadable>,
    /// Keys of fields whose cell could not be read, or holds a dash where a rate or a score
    /// belongs: the rules that need them are not evaluated.
    pub unreadable: Vec<FieldKey>,
    /// Fields whose cell holds a dash meaning "not applicable" (RULES.md §2), with the dash.
    pub not_applicable: Vec<(FieldKey, String)>,
    pub notes: Vec<crate::i18n::Message>,
    /// The cells the 绩效指标 rules read, one entry per row of `Layout::indicators`, in order.
    pub indicators: Vec<IndicatorCells>,
    /// The grade cell's text (trimmed), when the 总分 row has a grade cell holding text.
    pub grade: Option<String>,
    /// Each sheet's name, by sheet index, to name the sheet of a finding.
    pub sheet_names: Vec<String>,
}

/// A cell read as any figure (no formula computed), with the text it shows; a missing cell
/// reads blank.
#[derive(Debug, Clone, PartialEq)]
pub struct CellReading {
    pub reading: Reading,
    pub shown: String,
}

impl CellReading {
    pub fn of(wb: &Workbook, sheet: SheetId, pos: CellPos) -> CellReading {
        let Some(cell) = wb.sheet_at(sheet).and_then(|s| s.cell(pos)) else {
            return CellReading {
                reading: Reading::Blank,
                shown: String::new(),
            };
        };
        let format = wb.number_format(cell);
        let reading = read_cell(&cell.value, format, Kind::Amount);
        let shown = shown_text(&cell.value, &reading, format);
        CellReading { reading, shown }
    }
}

/// One 绩效指标 row's 指标值, 实际完成值, 得分 and 偏差原因 cells, read as [`CellReading`]s.
#[derive(Debug, Clone)]
pub struct IndicatorCells {
    pub target: CellReading,
    pub actual: CellReading,
    /// Read as any figure, unlike the `ind#N.score` figure, which is read as a score.
    pub score: CellReading,
    /// None when the table has no 偏差原因 column.
    pub reason: Option<CellReading>,
}

impl IndicatorCells {
    fn of(wb: &Workbook, row: &IndicatorRow) -> IndicatorCells {
        let read = |pos| CellReading::of(wb, row.sheet, pos);
        IndicatorCells {
            target: read(row.target),
            actual: read(row.actual),
            score: read(row.score),
            reason: row.reason.map(read),
        }
    }
}

/// A field's cell that cannot be read as a number.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub sheet: String,
    pub field: FieldCell,
    /// What the cell holds, as it shows it.
    pub found: String,
    /// Why it cannot be read, and what to do.
    pub why: CheckMsg,
}

impl Figures {
    pub fn sheet_name(&self, sheet: SheetId) -> Option<&str> {
        self.sheet_names.get(sheet.index()).map(String::as_str)
    }

    /// The text the cell of `key` shows; empty when the field is not read as a figure.
    pub fn shown(&self, key: &FieldKey) -> &str {
        self.by_key.get(key).map_or("", |f| f.shown.as_str())
    }

    fn mark_unreadable(
        &mut self,
        sheet: &Sheet,
        field: &FieldCell,
        key: FieldKey,
        found: String,
        why: CheckMsg,
    ) {
        self.unreadable_cells.push(Unreadable {
            sheet: sheet.name.clone(),
            field: field.clone(),
            found,
            why,
        });
        self.unreadable.push(key);
    }
}

pub fn extract(wb: &Workbook, layout: &Layout) -> Figures {
    let mut figures = Figures::default();
    let points_header = FieldKey::parse("ind.points_header");
    let mut dashes = 0usize;
    for (&key, field) in &layout.fields {
        if key == points_header {
            continue;
        }
        let Some(sheet) = wb.sheet_at(field.sheet) else {
            continue;
        };
        let cell = sheet.cell(field.pos);
        let format = cell.and_then(|c| wb.number_format(c));
        let mut value = cell.map(|c| c.value.clone()).unwrap_or_default();
        if let (Some(label), CellValue::Text(text)) = (&field.in_label, &value) {
            value = CellValue::Text(text.get(label.len()..).unwrap_or("").to_string());
        }
        let formula = cell.and_then(|c| c.formula.clone());
        if let (CellValue::Empty, Some(f)) = (&value, &formula) {
            match eval_formula(wb, sheet, f, 0) {
                Some(v) => {
                    figures.notes.push(msg!(
                        ErrMsg::FormulaComputed,
                        &sheet.name,
                        field.pos.to_string(),
                        f,
                        v.normalize()
                    ));
                    value = CellValue::Number(f64::try_from(v).unwrap_or(f64::NAN));
                }
                None => {
                    let why = CheckMsg::UnreadableFormula;
                    figures.mark_unreadable(sheet, field, key, format!("={f}"), why);
                    continue;
                }
            }
        }
        let mut reading = read_cell(&value, format, field.kind);
        let shown = shown_text(&value, &reading, format);
        if matches!(&reading, Reading::Text(t) if is_dash(t)) {
            dashes += 1;
            if matches!(field.kind, Kind::Rate | Kind::Score) {
                figures.unreadable.push(key);
                figures.not_applicable.push((key, shown));
                continue;
            }
            reading = zero(field.kind);
        }
        if let Reading::Text(text) = &reading {
            let why = CheckMsg::UnreadableText;
            figures.mark_unreadable(sheet, field, key, text.clone(), why);
            continue;
        }
        if !matches!(
            reading,
            Reading::Blank | Reading::Quantity { cmp: None, .. }
        ) {
            let why = CheckMsg::UnreadableNotNumber;
            figures.mark_unreadable(sheet, field, key, shown, why);
            continue;
        }
        figures.by_key.insert(
            key,
            Figure {
                cell: field.clone(),
                reading,
                shown,
                formula,
            },
        );
    }
    if dashes > 0 {
        // The dashes are what the workbooks hold, said as they are.
        let held = "“-”“—”“/”“无”";
        figures
            .notes
            .push(msg!(ErrMsg::DashesCounted, dashes, held));
    }
    figures.indicators = layout
        .indicators
        .iter()
        .map(|row| IndicatorCells::of(wb, row))
        .collect();
    figures.grade = layout
        .grade_cell
        .and_then(|(sheet, pos)| Some(wb.sheet_at(sheet)?.text(pos)?.trim().to_string()));
    figures.sheet_names = wb.sheets.iter().map(|s| s.name.clone()).collect();
    figures
}

/// Zero as a blank cell of `kind` shows it once filled.
fn zero(kind: Kind) -> Reading {
    let decimals = if kind == Kind::Count { 0 } else { 2 };
    Reading::Quantity {
        cmp: None,
        num: Num {
            value: Decimal::ZERO,
            percent: false,
            decimals,
            unit: String::new(),
        },
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_indicator_cells_are_read_for_the_rules() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/seed-leiyang-2024.xlsx");
        let wb = crate::read::read_path(&path).expect("example reads");
        let templates = crate::template::Template::built_in();
        let (_, layout) = crate::locate::choose(&wb, &templates).expect("example located");
        let figures = extract(&wb, &layout);
        assert_eq!(figures.sheet_names, ["基础数据表", "绩效自评表"]);
        assert_eq!(figures.grade, None);
        assert_eq!(figures.indicators.len(), layout.indicators.len());
        let cells = |name: &str| {
            let i = layout.indicators.iter().position(|r| r.name == name);
            &figures.indicators[i.expect(name)]
        };
        let water = cells("城区饮用水水源水质");
        assert_eq!(water.target.reading, Reading::Class { rank: 2 });
        assert_eq!(water.actual.shown, "II类");
        assert_eq!(water.score.shown, "3");
        assert_eq!(
            water.reason.as_ref().map(|r| &r.reading),
            Some(&Reading::Blank)
        );
        let cost = cells("运行成本");
        assert_eq!(cost.target.shown, "≤3157.85万元");
        let kept = cells("为社会发展和人民生存保障良好的生态环境");
        assert_eq!(
            kept.reason.as_ref().map(|r| r.shown.as_str()),
            Some("继续保持")
        );
    }
}
