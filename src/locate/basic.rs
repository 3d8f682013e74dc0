//! The 基础数据表: the 财政供养人员情况 and 楼堂馆所 header blocks and the 经费控制情况 rows.

use crate::model::{CellPos, FieldKey, Kind, Name, SheetId};
use crate::template::{FieldDef, RowDef, SpendingBlock, Template};

use super::texts::SheetIndex;
use super::{
    add_field, header_columns, longest_prefix, match_len, table_unit, year_in, Layout, BLOCK_GAP,
};

/// Finds the basic table on the first sheet holding one of its blocks.
pub(super) fn locate_basic(indexes: &[SheetIndex], t: &Template, layout: &mut Layout) {
    let stops = stop_labels(t);
    for (si, ix) in SheetId::each(indexes) {
        let mut found = false;
        if let Some(anchor) = ix.find(&t.basic.staff.anchor) {
            found |= locate_header_block(ix, si, anchor, &t.basic.staff.columns, layout);
        }
        if let Some(anchor) = ix.find(&t.basic.spending.anchor) {
            found |= locate_spending(ix, si, anchor, &t.basic.spending, &stops, layout);
        }
        if let Some(anchor) = ix.find(&t.basic.building.anchor) {
            found |= locate_header_block(ix, si, anchor, &t.basic.building.columns, layout);
        }
        if found {
            layout.basic_sheet = Some(si);
            return;
        }
    }
}

/// Labels (normalised) that end a block of the basic table: the anchors of other blocks and
/// the scorecard.
fn stop_labels(t: &Template) -> Vec<&str> {
    [
        &t.basic.building.anchor,
        &t.basic.staff.anchor,
        &t.score.department,
        &t.score.titles,
    ]
    .into_iter()
    .flat_map(|l| l.normalised())
    .map(String::as_str)
    .chain(["厉行节约"])
    .collect()
}

/// A block with its headers in one row and its values in the row below the headers.
fn locate_header_block(
    ix: &SheetIndex,
    sheet: SheetId,
    anchor: CellPos,
    columns: &[FieldDef],
    layout: &mut Layout,
) -> bool {
    let anchor_end = ix.sheet.extent_end_col(anchor);
    for row in [anchor.row, anchor.row + 1] {
        let found = header_columns(ix, row, anchor_end, columns);
        if found.is_empty() {
            continue;
        }
        let matched: Vec<CellPos> = found.iter().map(|(_, p)| *p).collect();
        let unmatched = ix
            .row_texts(row)
            .filter(|(p, _)| p.col > anchor_end && !matched.contains(p))
            .filter_map(|(p, _)| ix.sheet.text(*p).map(|t| t.trim().to_string()));
        layout.unmatched.extend(unmatched);
        for (i, header) in found {
            let def = &columns[i];
            let value = CellPos::new(ix.sheet.extent_end_row(header) + 1, header.col);
            add_field(
                layout,
                FieldKey::parse(&def.field),
                sheet,
                value,
                def.kind,
                def.labels[0].clone(),
                def.plausible,
            );
        }
        return true;
    }
    false
}

/// One amount column of the 经费控制情况 block.
struct AmountColumn {
    /// The key suffix of the figure it holds: `prev`, `budget` or `final`.
    suffix: &'static str,
    /// How the column is named when its header cell is empty.
    fallback: &'static str,
    col: u32,
    /// The header cell's text, trimmed.
    header: String,
}

impl AmountColumn {
    /// How the column is named in messages.
    fn shown(&self) -> &str {
        if self.header.is_empty() {
            self.fallback
        } else {
            &self.header
        }
    }
}

/// The 经费控制情况 block: amount columns beside the anchor, then one row a field until a
/// stop label or [`BLOCK_GAP`] rows without a match.
fn locate_spending(
    ix: &SheetIndex,
    si: SheetId,
    anchor: CellPos,
    block: &SpendingBlock,
    stops: &[&str],
    layout: &mut Layout,
) -> bool {
    let columns = spending_columns(ix, anchor, block);
    if columns.is_empty() {
        return false;
    }
    if layout.year.is_none() {
        layout.year = columns
            .iter()
            .find(|c| c.suffix == "final")
            .and_then(|c| year_in(&c.header));
    }
    let headers = columns.iter().map(|c| c.header.as_str());
    let anchor_text = ix.sheet.text(anchor).unwrap_or("");
    layout.basic_unit = table_unit(ix, anchor.row, headers.chain([anchor_text]));
    let mut row = ix.sheet.extent_end_row(anchor) + 1;
    let mut last_match = row;
    let end = ix.last_row();
    while row <= end && row <= last_match + BLOCK_GAP {
        let text = ix.text_at(CellPos::new(row, anchor.col)).unwrap_or("");
        if !text.is_empty() && longest_prefix(text, stops.iter().copied()).is_some() {
            break;
        }
        if let Some(def) = best_row(text, &block.rows) {
            last_match = row;
            add_spending_row(layout, si, row, def, &columns);
        } else if !text.is_empty() {
            let raw = ix.sheet.text(CellPos::new(row, anchor.col)).unwrap_or("");
            layout.unmatched.push(raw.trim().to_string());
        }
        row += 1;
    }
    true
}

/// The amount columns, from the headers right of the anchor: 决算 left of 预算 is last year's,
/// right of it this year's; without 预算, one 决算 is this year's and of several the first is
/// last year's and the last this year's.
fn spending_columns(ix: &SheetIndex, anchor: CellPos, block: &SpendingBlock) -> Vec<AmountColumn> {
    let contains_label =
        |text: &str, labels: &[String]| labels.iter().any(|l| text.contains(l.as_str()));
    let headers: Vec<(CellPos, &str)> = ix
        .row_texts(anchor.row)
        .filter(|(p, _)| p.col > anchor.col)
        .map(|(p, t)| (*p, t.as_str()))
        .collect();
    let budget = headers
        .iter()
        .find(|(_, t)| {
            match_len(t, &block.budget_labels).is_some()
                || contains_label(t, block.budget_labels.normalised())
        })
        .map(|(p, _)| *p);
    let finals: Vec<CellPos> = headers
        .iter()
        .filter(|(_, t)| contains_label(t, block.final_labels.normalised()))
        .map(|(p, _)| *p)
        .collect();
    let column = |suffix, fallback, pos: CellPos| AmountColumn {
        suffix,
        fallback,
        col: pos.col,
        header: ix.sheet.text(pos).unwrap_or("").trim().to_string(),
    };
    let prev = |pos| column("prev", "上年决算数", pos);
    let this = |pos| column("final", "本年决算数", pos);
    match (budget, finals.as_slice()) {
        (Some(b), _) => {
            let before = finals.iter().rev().find(|p| p.col < b.col);
            let after = finals.iter().find(|p| p.col > b.col);
            before
                .map(|p| prev(*p))
                .into_iter()
                .chain([column("budget", "本年预算数", b)])
                .chain(after.map(|p| this(*p)))
                .collect()
        }
        (None, [one]) => vec![this(*one)],
        (None, [first, .., last]) => vec![prev(*first), this(*last)],
        (None, []) => Vec::new(),
    }
}

/// The row definition whose label `text` starts with, longest label first.
fn best_row<'t>(text: &str, rows: &'t [RowDef]) -> Option<&'t RowDef> {
    rows.iter()
        .filter_map(|r| match_len(text, &r.labels).map(|l| (r, l)))
        .max_by_key(|(_, l)| *l)
        .map(|(r, _)| r)
}

/// The fields of one spending row, one per amount column; a repeated row takes the next
/// instance (`special#0`, `special#1`…), and a field met twice keeps its first row.
fn add_spending_row(
    layout: &mut Layout,
    si: SheetId,
    row: u32,
    def: &RowDef,
    columns: &[AmountColumn],
) {
    let field = FieldKey::parse(&def.field);
    let base = if def.repeat {
        let list = layout.repeats.entry(field).or_default();
        let key = field.with_instance(list.len() as u16);
        list.push(key);
        key
    } else {
        field
    };
    if layout.columns.contains_key(&base) {
        return;
    }
    let label = &def.labels[0];
    for column in columns {
        add_field(
            layout,
            base.with_column(Name::new(column.suffix)),
            si,
            CellPos::new(row, column.col),
            Kind::Amount,
            format!("{label}（{}）", column.shown()),
            None,
        );
    }
    layout
        .columns
        .insert(base, columns.iter().map(|c| Name::new(c.suffix)).collect());
}
