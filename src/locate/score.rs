//! The 绩效自评表: the budget header row, 预算部门名称, the labelled fields below the budget
//! figures and the 绩效指标 table.

use crate::model::{CellPos, FieldKey, SheetId};
use crate::template::{FieldDef, Template};

use super::indicators::locate_indicators;
use super::texts::SheetIndex;
use super::{add_field, header_columns, match_len, table_unit, year_in, Layout};
use crate::model::text::{fold, is_dash, norm};

/// Rows searched for labelled fields below the budget figures when no 绩效指标 header follows.
const LABELLED_ROWS: u32 = 12;

/// Finds the scorecard on the first sheet whose budget header row holds two of its columns.
pub(super) fn locate_score(indexes: &[SheetIndex], t: &Template, layout: &mut Layout) {
    let s = &t.score;
    for (si, ix) in SheetId::each(indexes) {
        // The budget header row holds 全年预算数 and 全年执行数.
        let Some(full) = ix.find(&s.budget.columns[1].labels) else {
            continue;
        };
        let header_row = full.row;
        let found = header_columns(ix, header_row, 0, &s.budget.columns);
        if found.len() < 2 {
            continue;
        }
        layout.score_sheet = Some(si);
        let value_row = found
            .iter()
            .map(|(_, p)| ix.sheet.extent_end_row(*p))
            .max()
            .unwrap_or(header_row)
            + 1;
        let matched: Vec<CellPos> = found.iter().map(|(_, p)| *p).collect();
        let header_texts = || {
            ix.row_texts(header_row)
                .chain(ix.row_texts(value_row))
                .filter_map(|(p, _)| ix.sheet.text(*p).map(|t| (*p, t)))
        };
        layout.score_unit = table_unit(ix, header_row, header_texts().map(|(_, t)| t));
        let unmatched: Vec<String> = header_texts()
            .filter(|(p, _)| p.row == header_row && !matched.contains(p))
            .map(|(_, t)| t.trim().to_string())
            .collect();
        layout.unmatched.extend(unmatched);
        for (i, header) in &found {
            let def = &s.budget.columns[*i];
            add_field(
                layout,
                FieldKey::parse(&def.field),
                si,
                CellPos::new(value_row, header.col),
                def.kind,
                def.labels[0].clone(),
                None,
            );
        }
        if let Some(label) = ix.find(&s.department) {
            layout.department = department(ix, label);
        }
        let ind_header = ix.find(&s.indicators.name).filter(|p| p.row > header_row);
        let labelled_end = ind_header
            .map(|p| p.row)
            .unwrap_or(value_row + LABELLED_ROWS);
        locate_labelled(
            ix,
            si,
            value_row + 1,
            labelled_end,
            &s.labelled.fields,
            layout,
        );
        if let Some(name_header) = ind_header {
            locate_indicators(ix, si, name_header.row, t, layout);
        }
        if layout.year.is_none() {
            layout.year = ix
                .texts
                .iter()
                .take(5)
                .find_map(|(p, _)| ix.sheet.text(*p).and_then(year_in));
        }
        return;
    }
}

/// The first non-empty text right of the 预算部门名称 label, in its row.
fn department(ix: &SheetIndex, label: CellPos) -> Option<String> {
    let end = ix.sheet.extent_end_col(label);
    ix.sheet
        .cells
        .range(CellPos::new(label.row, end + 1)..CellPos::new(label.row + 1, 0))
        .find_map(|(_, c)| {
            c.value
                .as_text()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        })
}

/// Label–value pairs in rows `from_row..to_row`: the value is the first non-empty cell of the
/// four right of the label, stopping at the next label, else the cell right beside it.
fn locate_labelled(
    ix: &SheetIndex,
    si: SheetId,
    from_row: u32,
    to_row: u32,
    fields: &[FieldDef],
    layout: &mut Layout,
) {
    let label_cells: Vec<(CellPos, &FieldDef, usize)> = ix
        .texts
        .iter()
        .filter(|(p, _)| p.row >= from_row && p.row < to_row)
        .filter_map(|(p, t)| {
            fields
                .iter()
                .filter_map(|f| match_len(t, &f.labels).map(|l| (f, l)))
                .max_by_key(|(_, l)| *l)
                .map(|(f, l)| (*p, f, l))
        })
        .collect();
    let is_label = |pos: CellPos| label_cells.iter().any(|(p, _, _)| *p == pos);
    for (pos, def, _) in &label_cells {
        let key = FieldKey::parse(&def.field);
        if let Some(label) = ix.sheet.text(*pos).and_then(|t| label_with_value(t, def)) {
            add_field(layout, key, si, *pos, def.kind, def.labels[0].clone(), None);
            if let Some(field) = layout.fields.0.get_mut(&key) {
                field.in_label.get_or_insert(label);
            }
            continue;
        }
        if def.in_label {
            continue;
        }
        let first = ix.sheet.extent_end_col(*pos) + 1;
        let mut value = CellPos::new(pos.row, first);
        for col in first..first + 4 {
            let candidate = CellPos::new(pos.row, col);
            if is_label(candidate) {
                break;
            }
            if !ix.sheet.value(candidate).is_empty() {
                value = candidate;
                break;
            }
        }
        add_field(
            layout,
            key,
            si,
            value,
            def.kind,
            def.labels[0].clone(),
            None,
        );
    }
}

/// The label part of a cell holding `def`'s label, a colon and a number or a dash
/// (`其中: 一般公共预算:1325.68` → `其中: 一般公共预算:`), or None when the cell holds no value.
fn label_with_value(text: &str, def: &FieldDef) -> Option<String> {
    let colon = text.rfind([':', '：'])?;
    let (label, value) = text.split_at(colon);
    let value = &value[value.chars().next()?.len_utf8()..];
    let named = match_len(&norm(label), &def.labels).is_some();
    (named && (is_dash(value) || is_amount(value)))
        .then(|| text[..text.len() - value.len()].to_string())
}

/// A plain amount as typed after a label: digits with separators and one decimal point, a
/// sign, and 万元 or 元 after it (the value stage reads it).
fn is_amount(text: &str) -> bool {
    let folded: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let body = folded.trim_end_matches("万元").trim_end_matches('元');
    let body = body.strip_prefix('-').unwrap_or(body);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && body.matches('.').count() <= 1
}
