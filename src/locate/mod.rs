//! Locating stage: finds both tables by their labels, wherever they sit, and names the cell
//! of every field (RULES.md §1).

mod basic;
mod indicators;
mod score;
mod texts;

use crate::model::text::fold;
use std::ops::{Deref, Index};

use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::model::{CellPos, FieldKey, FieldMap, Kind, Name, SheetId, Workbook};
use crate::template::{FieldDef, Labels, Template};

use texts::SheetIndex;
pub use texts::Texts;

/// Rows scanned past the last matched row before a block is taken to have ended.
const BLOCK_GAP: u32 = 6;
/// Lines above a table searched for `单位：元`.
const UNIT_LINES: u32 = 3;

/// One field of the tables and the cell that holds it.
#[derive(Debug, Clone)]
pub struct FieldCell {
    pub sheet: SheetId,
    pub pos: CellPos,
    pub kind: Kind,
    /// How the field is named in messages ("三公经费（2024年决算数）").
    pub label: String,
    pub plausible: Option<[f64; 2]>,
    /// The cell holds the label and then the value (`其中：基本支出：900.47`): the label part
    /// as typed, up to and with its colon.
    pub in_label: Option<String>,
    /// An amount of a table whose amounts are in 元 (RULES.md §2).
    pub yuan: bool,
    /// A field of the 基础数据表 (else of the 绩效自评表).
    pub basic: bool,
}

/// One row of the 绩效指标 table.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub sheet: SheetId,
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
    pub fields: Fields,
    pub indicators: Vec<IndicatorRow>,
    /// Base field → the column suffixes it has (`sangong` → prev, budget, final).
    pub columns: FieldMap<FieldKey, Vec<Name>>,
    /// Repeated row fields → their instances (`special` → `special#0`, `special#1`).
    pub repeats: FieldMap<FieldKey, Vec<FieldKey>>,
    pub department: Option<String>,
    pub year: Option<u32>,
    pub basic_sheet: Option<SheetId>,
    pub score_sheet: Option<SheetId>,
    /// The grade cell of the 总分 row, if any.
    pub grade_cell: Option<(SheetId, CellPos)>,
    /// The unit of each table's amounts, as its headers say.
    pub basic_unit: Unit,
    pub score_unit: Unit,
    /// Header texts of the located blocks that matched no field (for near misses, RULES.md §8).
    pub unmatched: Vec<String>,
}

/// The unit of a table's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Wan,
    Yuan,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Wan => "万元",
            Unit::Yuan => "元",
        }
    }
}

/// The located fields in the order they were found, looked up by key or by the key's text.
#[derive(Debug, Clone, Default)]
pub struct Fields(FieldMap<FieldKey, FieldCell>);

impl Fields {
    pub fn get(&self, key: impl Into<FieldKey>) -> Option<&FieldCell> {
        self.0.get(&key.into())
    }

    pub fn contains_key(&self, key: impl Into<FieldKey>) -> bool {
        self.0.contains_key(&key.into())
    }

    pub fn cells_mut(&mut self) -> impl Iterator<Item = &mut FieldCell> {
        self.0.values_mut()
    }
}

impl Deref for Fields {
    type Target = FieldMap<FieldKey, FieldCell>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K: Into<FieldKey>> Index<K> for Fields {
    type Output = FieldCell;

    fn index(&self, key: K) -> &FieldCell {
        let key = key.into();
        self.get(key)
            .unwrap_or_else(|| panic!("no field {key} located"))
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a FieldKey, &'a FieldCell);
    type IntoIter = indexmap::map::Iter<'a, FieldKey, FieldCell>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Neither table of any template was found in a workbook.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub struct NotFound;

impl NotFound {
    /// The one line said about it: the labels looked for (the tables' own words).
    pub fn message(&self) -> Message {
        msg!(
            ErrMsg::NoTables,
            "财政供养人员情况",
            "经费控制情况",
            "全年预算数",
            "全年执行数",
            "三级指标"
        )
    }
}

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
        fields: Fields::default(),
        indicators: Vec::new(),
        columns: FieldMap::default(),
        repeats: FieldMap::default(),
        department: None,
        year: None,
        basic_sheet: None,
        score_sheet: None,
        grade_cell: None,
        basic_unit: Unit::Wan,
        score_unit: Unit::Wan,
        unmatched: Vec::new(),
    };
    basic::locate_basic(&indexes, template, &mut layout);
    let basic_fields = layout.fields.len();
    score::locate_score(&indexes, template, &mut layout);
    if layout.basic_sheet.is_none() && layout.score_sheet.is_none() {
        return Err(NotFound);
    }
    for (i, field) in layout.fields.0.values_mut().enumerate() {
        let unit = if i < basic_fields {
            layout.basic_unit
        } else {
            layout.score_unit
        };
        field.basic = i < basic_fields;
        field.yuan = field.kind == Kind::Amount && unit == Unit::Yuan;
    }
    if layout.year.is_none() {
        layout.year = indexes
            .iter()
            .flat_map(|ix| ix.sheet.cells.values())
            .find_map(|c| c.value.as_text().and_then(year_in));
    }
    Ok((layout.fields.len(), layout))
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
    key: FieldKey,
    sheet: SheetId,
    pos: CellPos,
    kind: Kind,
    label: String,
    plausible: Option<[f64; 2]>,
) {
    layout.fields.0.entry(key).or_insert(FieldCell {
        sheet,
        pos,
        kind,
        label,
        plausible,
        in_label: None,
        yuan: false,
        basic: false,
    });
}

/// Whether a header or title line says its table's amounts are in 元: `（元）`, `单位：元`.
fn says_yuan(raw: &str) -> bool {
    let folded: String = fold(raw).chars().filter(|c| !c.is_whitespace()).collect();
    folded.contains("(元)") || folded.contains("单位:元") || folded.ends_with("(元")
}

/// The unit of a table whose header texts are `headers`, or of the sheet's lines above row
/// `top` (`单位：元` over the table).
fn table_unit<'a>(ix: &SheetIndex, top: u32, headers: impl IntoIterator<Item = &'a str>) -> Unit {
    let above: Vec<&str> = ix
        .sheet
        .cells
        .range(CellPos::new(top.saturating_sub(UNIT_LINES), 0)..CellPos::new(top, 0))
        .filter_map(|(_, c)| c.value.as_text())
        .collect();
    if headers.into_iter().any(says_yuan) || above.into_iter().any(says_yuan) {
        Unit::Yuan
    } else {
        Unit::Wan
    }
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
    use crate::model::text::norm;

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
