//! The TOML schema of a template file (workbook-templates/README.md describes every key).

use serde::Deserialize;

use super::TemplateRule;
use crate::model::text::norm;
use crate::model::{Kind, Severity};

/// A list of label variants, each also kept normalised ([`norm`]) so that locating
/// does not normalise the template's labels again for every workbook.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Labels {
    labels: Vec<String>,
    normalised: Vec<String>,
}

impl Labels {
    /// The labels normalised, in the same order.
    pub fn normalised(&self) -> &[String] {
        &self.normalised
    }
}

impl From<Vec<String>> for Labels {
    fn from(labels: Vec<String>) -> Self {
        let normalised = labels.iter().map(|l| norm(l)).collect();
        Labels { labels, normalised }
    }
}

impl std::ops::Deref for Labels {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.labels
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub family: String,
    #[serde(default)]
    pub description: String,
    /// Labels that only this family prints. Between families that locate as many fields, the
    /// one with more of its signature labels in the workbook is taken.
    #[serde(default)]
    pub signature: Labels,
    pub basic: BasicLayout,
    pub score: ScoreLayout,
    #[serde(default)]
    pub checks: Vec<CheckDef>,
    /// How `jixiao template` lays out the blank workbook of this family.
    #[serde(default)]
    pub blank: BlankLayout,
    /// The checks parsed, in field names, in the order of `checks` ([`Template::parse`]).
    #[serde(skip)]
    pub rules: Vec<TemplateRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicLayout {
    pub titles: Labels,
    pub staff: HeaderBlock,
    pub spending: SpendingBlock,
    pub building: HeaderBlock,
}

/// A block whose anchor label sits in its header row, with one value row below the headers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderBlock {
    pub anchor: Labels,
    pub columns: Vec<FieldDef>,
    /// The anchor as the blank prints it (default: the first anchor label). `{year}` and
    /// `{prev}` stand for the year and the year before.
    #[serde(default)]
    pub print: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendingBlock {
    pub anchor: Labels,
    pub budget_labels: Labels,
    pub final_labels: Labels,
    pub rows: Vec<RowDef>,
    #[serde(default)]
    pub print: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub field: String,
    pub labels: Labels,
    /// The row may appear several times (one 专项 a row); a rule adds them all up.
    #[serde(default)]
    pub repeat: bool,
    /// The label as the blank prints it ("1、业务经费"; default: the first label).
    #[serde(default)]
    pub print: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub field: String,
    pub labels: Labels,
    #[serde(default)]
    pub kind: Kind,
    /// A range the value should lie in when no rule computes it (warning otherwise).
    #[serde(default)]
    pub plausible: Option<[f64; 2]>,
    /// The header or label as the blank prints it (default: the first label).
    #[serde(default)]
    pub print: Option<String>,
    /// A value the blank fills in (the 分值 of 预算执行率, say).
    #[serde(default)]
    pub default: Option<f64>,
    /// Read only where the value is typed in the label cell itself (`按收入性质分:2030.12`).
    #[serde(default)]
    pub in_label: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreLayout {
    pub titles: Labels,
    pub department: Labels,
    pub budget: BudgetBlock,
    pub labelled: LabelledBlock,
    pub indicators: IndicatorBlock,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetBlock {
    pub columns: Vec<FieldDef>,
    /// The row label the blank prints beside the budget figures.
    #[serde(default)]
    pub print: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledBlock {
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorBlock {
    pub level1: Labels,
    pub level2: Labels,
    pub name: Labels,
    pub target: Labels,
    pub actual: Labels,
    pub points: Labels,
    pub score: Labels,
    pub reason: Labels,
    pub total: Labels,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub id: String,
    pub name: String,
    /// The name in English (`--lang en`); the Chinese one when left out.
    #[serde(default)]
    pub name_en: String,
    /// `lhs = rhs`, `lhs >= rhs` or `lhs <= rhs` over field names or labels; once loaded,
    /// over field names.
    pub rule: String,
    /// Severity when the check fails and one cell explains it.
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// Severity when no single cell explains the failure (defaults to `severity`).
    #[serde(default)]
    pub unexplained: Option<Severity>,
    /// Where to report the failure when the left side is not a cell: the first field present.
    #[serde(default)]
    pub anchor: Vec<String>,
    /// The check applies only where its left side is in the table (a printed total many
    /// tables leave out); without it, no "not checked" line.
    #[serde(default)]
    pub optional: bool,
}

fn default_severity() -> Severity {
    Severity::Error
}

/// The blank workbook of a family (`jixiao template`): what the labels of the layout above do
/// not say. Every key has a default, so a template without `[blank]` still gets a blank.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlankLayout {
    /// The year printed when `--year` is not given.
    pub year: u32,
    pub basic_sheet: String,
    pub score_sheet: String,
    /// Titles; `{dept}` is the department, `{year}` the year, `{prev}` the year before.
    pub basic_title: String,
    pub score_title: String,
    /// Headers of the 经费控制情况 columns, left to right: last year's 决算, this year's 预算
    /// and 决算 (the locator tells them apart by 预算数/决算数 and their order).
    pub spending_headers: Vec<String>,
    /// Rows printed for a repeated row (一个专项一行).
    pub repeat_rows: u32,
    /// The free-text row under the building block.
    pub measures: String,
    /// Heading over the income fields of the scorecard.
    pub income_heading: String,
    /// The labelled fields of the scorecard, one list per row; each row holds label–value
    /// pairs left to right. Empty: one field a row, in the order of `[score.labelled]`.
    pub labelled: Vec<Vec<String>>,
    /// 年度总体目标 and its two text columns.
    pub goal: String,
    pub goal_columns: Vec<String>,
    /// The label in the first column of the indicator table.
    pub indicators_title: String,
    /// 一级指标 groups, each with its 二级指标 and how many rows each gets.
    pub groups: Vec<IndicatorGroup>,
    /// Rows printed when there are no groups.
    pub plain_rows: u32,
    /// Print a 总分 row under the indicators.
    pub total_row: bool,
    /// Notes under each table.
    pub basic_note: String,
    pub score_note: String,
    /// Column widths (characters); missing columns get a width from their text.
    pub basic_widths: Vec<f64>,
    pub score_widths: Vec<f64>,
}

impl Default for BlankLayout {
    fn default() -> Self {
        BlankLayout {
            year: 2024,
            basic_sheet: "基础数据表".into(),
            score_sheet: "绩效自评表".into(),
            basic_title: "{dept}{year}年部门整体支出绩效评价基础数据表".into(),
            score_title: "{dept}{year}年部门整体支出绩效自评表".into(),
            spending_headers: vec![
                "{prev}年决算数".into(),
                "{year}年预算数".into(),
                "{year}年决算数".into(),
            ],
            repeat_rows: 1,
            measures: "厉行节约保障措施".into(),
            income_heading: "按收入性质分类：".into(),
            labelled: Vec::new(),
            goal: "年度总体目标".into(),
            goal_columns: vec!["预期目标".into(), "实际完成情况".into()],
            indicators_title: "绩效指标".into(),
            groups: Vec::new(),
            plain_rows: 12,
            total_row: true,
            basic_note: "说明：浅黄色单元格由部门填写。金额单位为万元，保留两位小数；控制率按百分比填写，保留两位小数。".into(),
            score_note: "说明：浅黄色单元格由部门填写。执行率 = 全年执行数 ÷ 全年预算数；执行率得分 = 分值 × 执行率；得分未满分的指标须填写偏差原因分析及改进措施。".into(),
            basic_widths: Vec::new(),
            score_widths: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorGroup {
    /// 一级指标 ("产出指标").
    pub level1: String,
    /// Suggested 分值 of the group, printed in the note.
    #[serde(default)]
    pub points: Option<f64>,
    pub level2: Vec<IndicatorSubgroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSubgroup {
    /// 二级指标 ("数量指标").
    pub name: String,
    #[serde(default = "one")]
    pub rows: u32,
}

fn one() -> u32 {
    1
}
