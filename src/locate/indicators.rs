//! The 绩效指标 table: its columns from the header row, one row an indicator under its
//! 一级/二级指标, down to the 总分 row.

use crate::model::text::norm;
use crate::model::{CellPos, FieldKey, Kind, Name, SheetId};
use crate::template::{IndicatorBlock, Labels, Template};

use super::texts::SheetIndex;
use super::{add_field, longest_prefix, match_len, IndicatorRow, Layout, BLOCK_GAP};

/// Rows that end the table when they lead their row: notes and footers (RULES.md §1).
const FOOTERS: [&str; 5] = ["说明", "备注", "填表人", "联系电话", "填报人"];

/// Grades a 总分 row may carry beside its scores.
const GRADES: [&str; 8] = ["优", "良", "中", "差", "优秀", "良好", "合格", "不合格"];

/// The columns of the table, found in its header row.
struct Columns {
    /// The 三级指标 header cell.
    name: CellPos,
    /// The 分值 header cell.
    points: CellPos,
    score: u32,
    level1: Option<u32>,
    level2: Option<u32>,
    target: u32,
    actual: u32,
    reason: Option<u32>,
}

impl Columns {
    /// Needs the 三级指标, 分值 and 得分 headers; 指标值 defaults to the column right of the
    /// name and 实际完成值 to the one right of that.
    fn find(ix: &SheetIndex, header_row: u32, b: &IndicatorBlock) -> Option<Columns> {
        let col_of = |labels: &Labels| {
            ix.row_texts(header_row)
                .find(|(_, t)| match_len(t, labels).is_some())
                .map(|(p, _)| *p)
        };
        let (name, points, score) = (col_of(&b.name)?, col_of(&b.points)?, col_of(&b.score)?);
        let target = col_of(&b.target).map(|p| p.col).unwrap_or(name.col + 1);
        Some(Columns {
            name,
            points,
            score: score.col,
            level1: col_of(&b.level1).map(|p| p.col),
            level2: col_of(&b.level2).map(|p| p.col),
            target,
            actual: col_of(&b.actual).map(|p| p.col).unwrap_or(target + 1),
            reason: col_of(&b.reason).map(|p| p.col),
        })
    }
}

/// The 一级/二级指标 a row falls under: the last non-empty ones above it.
#[derive(Default)]
struct Groups {
    level1: String,
    level2: String,
}

impl Groups {
    /// Takes this row's 一级/二级指标 when it gives them; true when it gives a 二级指标.
    fn update(&mut self, ix: &SheetIndex, row: u32, cols: &Columns) -> bool {
        if let Some(col) = cols.level1 {
            let v = merged_text(ix, row, col);
            if !v.is_empty() {
                self.level1 = v;
            }
        }
        let Some(col) = cols.level2 else {
            return false;
        };
        let v = merged_text(ix, row, col);
        if v.is_empty() {
            return false;
        }
        self.level2 = v;
        true
    }
}

/// The trimmed text of the cell, or of the first cell of the merge holding it.
fn merged_text(ix: &SheetIndex, row: u32, col: u32) -> String {
    let pos = CellPos::new(row, col);
    let anchor = ix.sheet.merged_at(pos).map(|m| m.first).unwrap_or(pos);
    ix.sheet
        .text(anchor)
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// Reads the table below its header row until the 总分 row, a label of the basic table, or
/// [`BLOCK_GAP`] rows with nothing in them.
pub(super) fn locate_indicators(
    ix: &SheetIndex,
    si: SheetId,
    header_row: u32,
    t: &Template,
    layout: &mut Layout,
) {
    let b = &t.score.indicators;
    let Some(cols) = Columns::find(ix, header_row, b) else {
        return;
    };
    add_field(
        layout,
        FieldKey::parse("ind.points_header"),
        si,
        cols.points,
        Kind::Score,
        "分值".into(),
        None,
    );
    let stops = basic_stop_labels(t);
    let mut groups = Groups::default();
    let mut row = ix.sheet.extent_end_row(cols.name) + 1;
    let mut last_used = row;
    let end = ix.last_row();
    while row <= end && row <= last_used + BLOCK_GAP {
        let row_texts: Vec<&String> = ix.row_texts(row).map(|(_, t)| t).collect();
        if row_texts
            .iter()
            .any(|t| longest_prefix(t, stops.iter().copied()).is_some())
        {
            break;
        }
        if row_texts
            .first()
            .is_some_and(|t| FOOTERS.iter().any(|f| t.starts_with(f)))
        {
            break;
        }
        if row_texts.iter().any(|t| b.total.normalised().contains(t)) {
            add_total_row(ix, si, row, &cols, layout);
            break;
        }
        // A row of a 二级指标 group is inside the table even when left empty (a blank from
        // `jixiao template` has more rows than most departments fill).
        if groups.update(ix, row, &cols) {
            last_used = row;
        }
        if add_indicator_row(ix, si, row, &cols, &groups, layout) {
            last_used = row;
        }
        row += 1;
    }
    let ind = FieldKey::base(Name::new("ind"));
    let list: Vec<FieldKey> = (0..layout.indicators.len() as u16)
        .map(|i| ind.with_instance(i))
        .collect();
    // Without rows the indicator sums are absent, not zero (RULES.md §8).
    if !list.is_empty() {
        layout.repeats.insert(ind, list);
    }
}

/// Labels (normalised) of the basic table, which end the 绩效指标 table when the basic table
/// follows on the same sheet.
fn basic_stop_labels(t: &Template) -> Vec<&str> {
    [
        &t.basic.titles,
        &t.basic.staff.anchor,
        &t.basic.spending.anchor,
    ]
    .into_iter()
    .flat_map(|l| l.normalised())
    .map(String::as_str)
    .collect()
}

/// The 总分 row: its 分值 and 得分, and the grade cell when the row holds one.
fn add_total_row(ix: &SheetIndex, si: SheetId, row: u32, cols: &Columns, layout: &mut Layout) {
    add_field(
        layout,
        FieldKey::parse("total.points"),
        si,
        CellPos::new(row, cols.points.col),
        Kind::Score,
        "总分值".into(),
        None,
    );
    add_field(
        layout,
        FieldKey::parse("total.score"),
        si,
        CellPos::new(row, cols.score),
        Kind::Score,
        "总分".into(),
        None,
    );
    layout.grade_cell = ix
        .row_texts(row)
        .find(|(_, t)| GRADES.contains(&t.as_str()))
        .map(|(p, _)| (si, *p));
}

/// Adds the row as the next indicator when it has a name, a 分值, a 得分 or a 指标值; true
/// when it does.
fn add_indicator_row(
    ix: &SheetIndex,
    si: SheetId,
    row: u32,
    cols: &Columns,
    groups: &Groups,
    layout: &mut Layout,
) -> bool {
    let cell = |col: u32| CellPos::new(row, col);
    let name = ix
        .sheet
        .text(cell(cols.name.col))
        .map(str::trim)
        .filter(|t| !norm(t).is_empty())
        .unwrap_or("")
        .to_string();
    let filled = |col: u32| !ix.sheet.value(cell(col)).is_empty();
    if name.is_empty() && !filled(cols.points.col) && !filled(cols.score) && !filled(cols.target) {
        return false;
    }
    let i = layout.indicators.len();
    let label = if name.is_empty() {
        format!("第{}项指标", i + 1)
    } else {
        name.clone()
    };
    add_field(
        layout,
        FieldKey::indicator(i, "points"),
        si,
        cell(cols.points.col),
        Kind::Score,
        format!("{label}分值"),
        None,
    );
    add_field(
        layout,
        FieldKey::indicator(i, "score"),
        si,
        cell(cols.score),
        Kind::Score,
        format!("{label}得分"),
        None,
    );
    layout.indicators.push(IndicatorRow {
        sheet: si,
        row,
        level1: groups.level1.clone(),
        level2: groups.level2.clone(),
        name,
        target: cell(cols.target),
        actual: cell(cols.actual),
        points: cell(cols.points.col),
        score: cell(cols.score),
        reason: cols.reason.map(cell),
    });
    true
}
