//! Locating stage: finds both tables by their labels, wherever they sit, and names the cell
//! of every field (RULES.md §1).

use indexmap::IndexMap;

use crate::model::FieldMap;

use crate::model::text::{fold, norm};
use crate::model::Kind;
use crate::model::{CellPos, Sheet, Workbook};
use crate::template::{FieldDef, Labels, Template};

/// Rows scanned past the last matched row before a block is taken to have ended.
const BLOCK_GAP: u32 = 6;

/// One field of the tables and the cell that holds it.
#[derive(Debug, Clone)]
pub struct FieldCell {
    pub sheet: usize,
    pub pos: CellPos,
    pub kind: Kind,
    /// How the field is named in messages ("三公经费（2024年决算数）").
    pub label: String,
    pub plausible: Option<[f64; 2]>,
}

/// One row of the 绩效指标 table.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub sheet: usize,
    pub row: u32,
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: CellPos,
    pub actual: CellPos,
    pub points: CellPos,
    pub score: CellPos,
    pub reason: Option<CellPos>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub family: String,
    /// Field key → cell. Keys: `staff.rate`, `sangong.final`, `special#0.budget`, `budget.rate`,
    /// `income.general`, `ind#3.score`, `total.score`…
    pub fields: FieldMap<String, FieldCell>,
    pub indicators: Vec<IndicatorRow>,
    /// Base field name → the column suffixes it has (`sangong` → prev, budget, final).
    pub columns: FieldMap<String, Vec<String>>,
    /// Repeated row fields → their instances (`special` → `special#0`, `special#1`).
    pub repeats: FieldMap<String, Vec<String>>,
    pub department: Option<String>,
    pub year: Option<u32>,
    pub basic_sheet: Option<usize>,
    pub score_sheet: Option<usize>,
    /// The grade cell of the 总分 row, if any.
    pub grade_cell: Option<(usize, CellPos)>,
}

#[derive(Debug, thiserror::Error)]
#[error("未找到基础数据表（查找“财政供养人员情况”“经费控制情况”）和绩效自评表（查找“全年预算数”“全年执行数”“三级指标”）；请确认这是部门整体支出绩效自评工作簿")]
pub struct NotFound;

/// Length of the longest label that `text` (normalised) starts with.
fn match_len(text: &str, labels: &Labels) -> Option<usize> {
    longest_prefix(text, labels.normalised().iter().map(String::as_str))
}

/// Length of the longest of `normalised` (labels already normalised) that `text` starts with.
fn longest_prefix<'a>(text: &str, normalised: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    normalised
        .into_iter()
        .filter(|n| !n.is_empty() && text.starts_with(n))
        .map(str::len)
        .max()
}

/// Each sheet's text cells with their normalised text, in row-major order. Built once per
/// workbook and shared by every template tried on it.
pub struct Texts {
    sheets: Vec<Vec<(CellPos, String)>>,
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

struct SheetIndex<'a> {
    sheet: &'a Sheet,
    /// Text cells with their normalised text, in row-major order.
    texts: &'a [(CellPos, String)],
}

impl<'a> SheetIndex<'a> {
    fn find(&self, labels: &Labels) -> Option<CellPos> {
        self.texts
            .iter()
            .find(|(_, t)| match_len(t, labels).is_some())
            .map(|(p, _)| *p)
    }

    // `texts` is in cell order (row, then column): both look-ups are binary searches.
    fn row_texts(&self, row: u32) -> impl Iterator<Item = &(CellPos, String)> {
        let start = self.texts.partition_point(|(p, _)| p.row < row);
        self.texts[start..]
            .iter()
            .take_while(move |(p, _)| p.row == row)
    }

    fn text_at(&self, pos: CellPos) -> Option<&str> {
        self.texts
            .binary_search_by_key(&pos, |(p, _)| *p)
            .ok()
            .map(|i| self.texts[i].1.as_str())
    }

    fn last_row(&self) -> u32 {
        self.sheet.cells.keys().map(|p| p.row).max().unwrap_or(0)
    }
}

/// Finds the tables of `template` in `wb`. Returns how many labels were found, for choosing
/// between templates, and the layout.
pub fn locate(wb: &Workbook, template: &Template) -> Result<(usize, Layout), NotFound> {
    locate_in(wb, &Texts::new(wb), template)
}

/// [`locate`] with the workbook's texts already normalised.
pub fn locate_in(
    wb: &Workbook,
    texts: &Texts,
    template: &Template,
) -> Result<(usize, Layout), NotFound> {
    let indexes: Vec<SheetIndex> = wb
        .sheets
        .iter()
        .zip(&texts.sheets)
        .map(|(sheet, texts)| SheetIndex { sheet, texts })
        .collect();
    let mut layout = Layout {
        family: template.family.clone(),
        fields: FieldMap::default(),
        indicators: Vec::new(),
        columns: FieldMap::default(),
        repeats: FieldMap::default(),
        department: None,
        year: None,
        basic_sheet: None,
        score_sheet: None,
        grade_cell: None,
    };
    let stops = stop_labels(template);
    locate_basic(&indexes, template, &stops, &mut layout);
    locate_score(&indexes, template, &mut layout);
    if layout.basic_sheet.is_none() && layout.score_sheet.is_none() {
        return Err(NotFound);
    }
    if layout.year.is_none() {
        layout.year = indexes
            .iter()
            .flat_map(|ix| ix.sheet.cells.values())
            .find_map(|c| c.value.as_text().and_then(year_in));
    }
    Ok((layout.fields.len(), layout))
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

fn year_in(text: &str) -> Option<u32> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    chars.windows(5).find_map(|w| {
        (w[4] == '年' && w[..4].iter().all(|c| c.is_ascii_digit()))
            .then(|| w[..4].iter().collect::<String>().parse().ok())
            .flatten()
            .filter(|y| (2000..=2100).contains(y))
    })
}

fn add_field(
    layout: &mut Layout,
    key: String,
    sheet: usize,
    pos: CellPos,
    kind: Kind,
    label: String,
    plausible: Option<[f64; 2]>,
) {
    layout.fields.entry(key).or_insert(FieldCell {
        sheet,
        pos,
        kind,
        label,
        plausible,
    });
}

/// Header cells in `row` right of `from_col`, matched to `columns`; each field takes the
/// header whose label matches longest.
fn header_columns(
    ix: &SheetIndex,
    row: u32,
    from_col: u32,
    columns: &[FieldDef],
) -> Vec<(usize, CellPos)> {
    let mut best: Vec<Option<(usize, CellPos)>> = vec![None; columns.len()];
    for (pos, text) in ix.row_texts(row).filter(|(p, _)| p.col > from_col) {
        let matched = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match_len(text, &c.labels).map(|l| (i, l)))
            .max_by_key(|(_, l)| *l);
        if let Some((i, len)) = matched {
            if best[i].is_none_or(|(l, _)| len > l) {
                best[i] = Some((len, *pos));
            }
        }
    }
    best.into_iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|(_, p)| (i, p)))
        .collect()
}

/// A block with its headers in one row and its values in the row below the headers.
fn locate_header_block(
    ix: &SheetIndex,
    sheet: usize,
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
        for (i, header) in found {
            let def = &columns[i];
            let value = CellPos::new(ix.sheet.extent_end_row(header) + 1, header.col);
            add_field(
                layout,
                def.field.clone(),
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

fn locate_basic(indexes: &[SheetIndex], t: &Template, stops: &[&str], layout: &mut Layout) {
    for (si, ix) in indexes.iter().enumerate() {
        let mut found = false;
        if let Some(anchor) = ix.find(&t.basic.staff.anchor) {
            found |= locate_header_block(ix, si, anchor, &t.basic.staff.columns, layout);
        }
        if let Some(anchor) = ix.find(&t.basic.spending.anchor) {
            found |= locate_spending(ix, si, anchor, t, stops, layout);
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

fn locate_spending(
    ix: &SheetIndex,
    si: usize,
    anchor: CellPos,
    t: &Template,
    stops: &[&str],
    layout: &mut Layout,
) -> bool {
    let block = &t.basic.spending;
    // Column headers: 决算 left of 预算 is last year's, right of it this year's.
    let headers: Vec<(CellPos, &str)> = ix
        .row_texts(anchor.row)
        .filter(|(p, _)| p.col > anchor.col)
        .map(|(p, t)| (*p, t.as_str()))
        .collect();
    let budget = headers.iter().find(|(_, t)| {
        match_len(t, &block.budget_labels).is_some()
            || block
                .budget_labels
                .normalised()
                .iter()
                .any(|l| t.contains(l.as_str()))
    });
    let finals: Vec<&(CellPos, &str)> = headers
        .iter()
        .filter(|(_, t)| {
            block
                .final_labels
                .normalised()
                .iter()
                .any(|l| t.contains(l.as_str()))
        })
        .collect();
    let mut columns: Vec<(&str, &str, u32)> = Vec::new();
    let header_text = |p: CellPos| ix.sheet.text(p).unwrap_or("").trim().to_string();
    let mut labels: IndexMap<&str, String> = IndexMap::new();
    match budget {
        Some((bpos, _)) => {
            if let Some((p, _)) = finals.iter().rev().find(|(p, _)| p.col < bpos.col) {
                columns.push(("prev", "上年决算数", p.col));
                labels.insert("prev", header_text(*p));
            }
            columns.push(("budget", "本年预算数", bpos.col));
            labels.insert("budget", header_text(*bpos));
            if let Some((p, _)) = finals.iter().find(|(p, _)| p.col > bpos.col) {
                columns.push(("final", "本年决算数", p.col));
                labels.insert("final", header_text(*p));
            }
        }
        None => match finals.as_slice() {
            [one] => {
                columns.push(("final", "本年决算数", one.0.col));
                labels.insert("final", header_text(one.0));
            }
            [first, .., last] => {
                columns.push(("prev", "上年决算数", first.0.col));
                columns.push(("final", "本年决算数", last.0.col));
                labels.insert("prev", header_text(first.0));
                labels.insert("final", header_text(last.0));
            }
            [] => {}
        },
    }
    if columns.is_empty() {
        return false;
    }
    if layout.year.is_none() {
        layout.year = labels.get("final").and_then(|t| year_in(t));
    }
    let mut row = ix.sheet.extent_end_row(anchor) + 1;
    let mut last_match = row;
    let end = ix.last_row();
    while row <= end && row <= last_match + BLOCK_GAP {
        let pos = CellPos::new(row, anchor.col);
        let text = ix.text_at(pos).unwrap_or("");
        if !text.is_empty() && longest_prefix(text, stops.iter().copied()).is_some() {
            break;
        }
        let matched = block
            .rows
            .iter()
            .filter_map(|r| match_len(text, &r.labels).map(|l| (r, l)))
            .max_by_key(|(_, l)| *l)
            .map(|(r, _)| r);
        if let Some(def) = matched {
            last_match = row;
            let base = if def.repeat {
                let list = layout.repeats.entry(def.field.clone()).or_default();
                let key = format!("{}#{}", def.field, list.len());
                list.push(key.clone());
                key
            } else {
                def.field.clone()
            };
            if !layout.columns.contains_key(&base) {
                let label = def.labels[0].clone();
                for (suffix, fallback, col) in &columns {
                    let shown = labels
                        .get(suffix)
                        .cloned()
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| fallback.to_string());
                    let key = format!("{base}.{suffix}");
                    add_field(
                        layout,
                        key,
                        si,
                        CellPos::new(row, *col),
                        Kind::Amount,
                        format!("{label}（{shown}）"),
                        None,
                    );
                }
                layout.columns.insert(
                    base,
                    columns.iter().map(|(s, _, _)| s.to_string()).collect(),
                );
            }
        }
        row += 1;
    }
    true
}

fn locate_score(indexes: &[SheetIndex], t: &Template, layout: &mut Layout) {
    let s = &t.score;
    for (si, ix) in indexes.iter().enumerate() {
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
        for (i, header) in &found {
            let def = &s.budget.columns[*i];
            add_field(
                layout,
                def.field.clone(),
                si,
                CellPos::new(value_row, header.col),
                def.kind,
                def.labels[0].clone(),
                None,
            );
        }
        if let Some(dep) = ix.find(&s.department) {
            let end = ix.sheet.extent_end_col(dep);
            layout.department = ix
                .sheet
                .cells
                .range(CellPos::new(dep.row, end + 1)..CellPos::new(dep.row + 1, 0))
                .find_map(|(_, c)| {
                    c.value
                        .as_text()
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                });
        }
        let ind_header = ix.find(&s.indicators.name).filter(|p| p.row > header_row);
        let labelled_end = ind_header.map(|p| p.row).unwrap_or(value_row + 12);
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

fn locate_labelled(
    ix: &SheetIndex,
    si: usize,
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
            def.field.clone(),
            si,
            value,
            def.kind,
            def.labels[0].clone(),
            None,
        );
    }
}

fn locate_indicators(
    ix: &SheetIndex,
    si: usize,
    header_row: u32,
    t: &Template,
    layout: &mut Layout,
) {
    let b = &t.score.indicators;
    let col_of = |labels: &Labels| {
        ix.row_texts(header_row)
            .find(|(_, t)| match_len(t, labels).is_some())
            .map(|(p, _)| *p)
    };
    let (Some(name), Some(points), Some(score)) =
        (col_of(&b.name), col_of(&b.points), col_of(&b.score))
    else {
        return;
    };
    let level1 = col_of(&b.level1);
    let level2 = col_of(&b.level2);
    let target = col_of(&b.target).map(|p| p.col).unwrap_or(name.col + 1);
    let actual = col_of(&b.actual).map(|p| p.col).unwrap_or(target + 1);
    let reason = col_of(&b.reason);
    add_field(
        layout,
        "ind.points_header".into(),
        si,
        points,
        Kind::Score,
        "分值".into(),
        None,
    );
    let text = |row: u32, col: u32| -> String {
        let pos = CellPos::new(row, col);
        let anchor = ix.sheet.merged_at(pos).map(|m| m.first).unwrap_or(pos);
        ix.sheet
            .text(anchor)
            .map(|t| t.trim().to_string())
            .unwrap_or_default()
    };
    let (mut l1, mut l2) = (String::new(), String::new());
    let mut row = ix.sheet.extent_end_row(name) + 1;
    let mut last_used = row;
    let end = ix.last_row();
    let basic_stops: Vec<&str> = [
        &t.basic.titles,
        &t.basic.staff.anchor,
        &t.basic.spending.anchor,
    ]
    .into_iter()
    .flat_map(|l| l.normalised())
    .map(String::as_str)
    .collect();
    while row <= end && row <= last_used + BLOCK_GAP {
        let row_texts: Vec<&String> = ix.row_texts(row).map(|(_, t)| t).collect();
        if row_texts
            .iter()
            .any(|t| longest_prefix(t, basic_stops.iter().copied()).is_some())
        {
            break;
        }
        if row_texts.iter().any(|t| b.total.normalised().contains(t)) {
            add_field(
                layout,
                "total.points".into(),
                si,
                CellPos::new(row, points.col),
                Kind::Score,
                "总分值".into(),
                None,
            );
            add_field(
                layout,
                "total.score".into(),
                si,
                CellPos::new(row, score.col),
                Kind::Score,
                "总分".into(),
                None,
            );
            layout.grade_cell = ix
                .row_texts(row)
                .find(|(_, t)| {
                    ["优", "良", "中", "差", "优秀", "良好", "合格", "不合格"].contains(&t.as_str())
                })
                .map(|(p, _)| (si, *p));
            break;
        }
        if let Some(c) = level1 {
            let v = text(row, c.col);
            if !v.is_empty() {
                l1 = v;
            }
        }
        if let Some(c) = level2 {
            let v = text(row, c.col);
            if !v.is_empty() {
                l2 = v;
                // A row of a 二级指标 group is inside the table even when left empty (a blank
                // from `jixiao template` has more rows than most departments fill).
                last_used = row;
            }
        }
        let name_text = ix
            .sheet
            .text(CellPos::new(row, name.col))
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        let filled = |col: u32| !ix.sheet.value(CellPos::new(row, col)).is_empty();
        if !name_text.is_empty() || filled(points.col) || filled(score.col) || filled(target) {
            last_used = row;
            let i = layout.indicators.len();
            let cell = |col: u32| CellPos::new(row, col);
            let label = if name_text.is_empty() {
                format!("第{}项指标", i + 1)
            } else {
                name_text.clone()
            };
            add_field(
                layout,
                format!("ind#{i}.points"),
                si,
                cell(points.col),
                Kind::Score,
                format!("{label}分值"),
                None,
            );
            add_field(
                layout,
                format!("ind#{i}.score"),
                si,
                cell(score.col),
                Kind::Score,
                format!("{label}得分"),
                None,
            );
            layout.indicators.push(IndicatorRow {
                sheet: si,
                row,
                level1: l1.clone(),
                level2: l2.clone(),
                name: name_text,
                target: cell(target),
                actual: cell(actual),
                points: cell(points.col),
                score: cell(score.col),
                reason: reason.map(|r| cell(r.col)),
            });
        }
        row += 1;
    }
    let list: Vec<String> = (0..layout.indicators.len())
        .map(|i| format!("ind#{i}"))
        .collect();
    layout.repeats.insert("ind".into(), list);
}

/// The template whose labels fit the workbook best, with its layout: most fields located,
/// then most signature labels found; the first listed wins a tie.
pub fn choose<'a>(wb: &Workbook, templates: &'a [Template]) -> Option<(&'a Template, Layout)> {
    let texts = Texts::new(wb);
    templates
        .iter()
        .filter_map(|t| {
            locate_in(wb, &texts, t)
                .ok()
                .map(|(located, layout)| ((located, signature_matches(t, &texts)), t, layout))
        })
        .min_by_key(|(fit, _, _)| std::cmp::Reverse(*fit))
        .map(|(_, t, l)| (t, l))
}

/// How many of this family's signature labels appear in the workbook's (normalised) texts,
/// each counted once.
pub fn signature_matches(template: &Template, texts: &Texts) -> usize {
    template
        .signature
        .normalised()
        .iter()
        .filter(|l| !l.is_empty() && texts.all().any(|t| t.starts_with(l.as_str())))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_strips_numbering_punctuation_and_width() {
        assert_eq!(norm("1、公务用车购置和维护经费"), "公务用车购置和维护经费");
        assert_eq!(norm("其中：公车购置"), "公车购置");
        assert_eq!(norm("项目支出："), "项目支出");
        assert_eq!(
            norm("3、本级专项资金（一个专项一行）"),
            "本级专项资金一个专项一行"
        );
        assert_eq!(norm("2024年实际在职人数"), "实际在职人数");
        assert_eq!(norm("（二）一般公共预算，"), "一般公共预算");
        assert_eq!(norm("水费、电费、差旅费"), "水费电费差旅费");
        assert_eq!(norm("经费控制情况(万元)"), "经费控制情况万元");
    }

    #[test]
    fn longest_label_wins() {
        let labels = Labels::from(vec!["投资概算".to_string(), "投资概算控制率".to_string()]);
        assert_eq!(
            match_len("投资概算控制率", &labels),
            Some("投资概算控制率".len())
        );
        assert_eq!(
            match_len(
                "公车运行维护",
                &Labels::from(vec!["运行维护经费".to_string()])
            ),
            None
        );
    }

    #[test]
    fn year_from_titles() {
        assert_eq!(
            year_in("衡阳市生态环境局耒阳分局2024年部门整体支出绩效自评表"),
            Some(2024)
        );
        assert_eq!(year_in("２０２３年决算数"), Some(2023));
        assert_eq!(year_in("编制数"), None);
    }
}
