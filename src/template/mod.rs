//! Layout families: labels, label variants and arithmetic checks, read from `workbook-templates/`.

pub mod blank;

use serde::Deserialize;

use crate::expr::{Expr, Op, Rule};
use crate::model::text::{norm, text_width};

/// The templates built into the binary, from `workbook-templates/`. The first is the default
/// (`jixiao rules`, `jixiao template`) and wins a tie when choosing a family.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "hunan-2024.toml",
        include_str!("../../workbook-templates/hunan-2024.toml"),
    ),
    (
        "hunan-2018.toml",
        include_str!("../../workbook-templates/hunan-2018.toml"),
    ),
    (
        "hunan-2024-extended.toml",
        include_str!("../../workbook-templates/hunan-2024-extended.toml"),
    ),
];

/// A list of label variants, each also kept normalised ([`locate::norm`]) so that locating
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

pub use crate::model::Kind;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub id: String,
    pub name: String,
    /// `lhs = rhs`, `lhs >= rhs` or `lhs <= rhs` over field names.
    pub rule: String,
    /// Severity when the check fails and one cell explains it.
    #[serde(default = "default_severity")]
    pub severity: SeverityName,
    /// Severity when no single cell explains the failure (defaults to `severity`).
    #[serde(default)]
    pub unexplained: Option<SeverityName>,
    /// Where to report the failure when the left side is not a cell: the first field present.
    #[serde(default)]
    pub anchor: Vec<String>,
}

fn default_severity() -> SeverityName {
    SeverityName::Error
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

/// A label as a person reads it: the printed text without its numbering, `其中：`, a trailing
/// colon or a note in brackets ("3、本级专项资金（一个专项一行）" → "本级专项资金").
fn plain_label(print: Option<&str>, labels: &[String]) -> String {
    let text = print.unwrap_or_else(|| labels.first().map(String::as_str).unwrap_or(""));
    let text = fill_placeholders(text, 0, "")
        .replace("0年", "")
        .replace("-1年", "");
    let mut t = text.trim();
    if let Some((num, rest)) = t.split_once('、') {
        if num
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        {
            t = rest;
        }
    }
    t = t.strip_prefix("其中：").unwrap_or(t);
    t = t.trim_end_matches(['：', ':']);
    if let Some(open) = t.find('（') {
        if t.ends_with('）') && open > 0 {
            t = &t[..open];
        }
    }
    t.to_string()
}

/// Replaces `{dept}`, `{year}` and `{prev}`.
pub fn fill_placeholders(text: &str, year: u32, dept: &str) -> String {
    text.replace("{dept}", dept)
        .replace("{year}", &year.to_string())
        .replace("{prev}", &(year.saturating_sub(1)).to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("模板文件 {file} 无法读取：{message}")]
    Io { file: String, message: String },
    #[error("模板文件 {file} 第 {line} 行有误：{message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("模板文件 {file} 第 {line} 行，检查 {id} 的公式有误：{message}")]
    Rule {
        file: String,
        line: usize,
        id: String,
        message: String,
    },
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// The parser's message in Chinese where it is one of the common ones.
fn zh_message(message: &str) -> String {
    let message = message.trim();
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| list_zh(e))
            .unwrap_or_default();
        return format!("未知的键 {}（此处可用：{expected}）", quoted(message));
    }
    if message.starts_with("missing field ") {
        return format!("缺少必填的键 {}", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| list_zh(e))
            .unwrap_or_default();
        return format!("取值 {} 不可用（可用：{expected}）", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("类型不对：{rest}");
    }
    if message.starts_with("invalid length") {
        return format!("元素个数不对：{message}");
    }
    format!("TOML 格式错误：{message}")
}

/// "one of `a`, `b` or `c`" → "a、b、c".
fn list_zh(expected: &str) -> String {
    expected
        .replace('`', "")
        .replace("one of ", "")
        .replace(" or ", "、")
        .replace(", ", "、")
}

/// Only the parts of a template whose place in the file an error needs.
#[derive(Deserialize)]
struct CheckSpans {
    #[serde(default)]
    checks: Vec<CheckSpan>,
}

#[derive(Deserialize)]
struct CheckSpan {
    rule: toml::Spanned<String>,
}

/// Names a rule may use besides the fields of the layout.
const RULE_NAMES: &[&str] = &[
    "ind.points",
    "ind.score",
    "ind.points_header",
    "total.points",
    "total.score",
];

/// Column suffixes of the 经费控制情况 rows and how they are called.
const COLUMNS: &[(&str, &str)] = &[
    ("prev", "上年决算数"),
    ("budget", "本年预算数"),
    ("final", "本年决算数"),
];

impl Template {
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        let template: Template = toml::from_str(text).map_err(|e| TemplateError::Syntax {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
            message: zh_message(e.message()),
        })?;
        let spans: Option<CheckSpans> = toml::from_str(text).ok();
        let rule_line = |i: usize| {
            spans
                .as_ref()
                .and_then(|s| s.checks.get(i))
                .map(|c| line_of(text, c.rule.span().start))
                .unwrap_or(0)
        };
        let known = template.field_names();
        let mut template = template;
        let mut resolved = Vec::with_capacity(template.checks.len());
        for (i, check) in template.checks.iter().enumerate() {
            let plain = Rule::parse(&check.rule).ok().filter(|rule| {
                let mut names = rule.lhs.refs();
                names.extend(rule.rhs.refs());
                names.iter().all(|n| template.knows(&known, n))
            });
            // A rule over field names stays as written; one over labels is put in field names.
            let rule =
                match plain {
                    Some(_) => check.rule.clone(),
                    None => template.resolve_rule(&check.rule).map_err(|message| {
                        TemplateError::Rule {
                            file: file.to_string(),
                            line: rule_line(i),
                            id: check.id.clone(),
                            message,
                        }
                    })?,
                };
            resolved.push(rule);
        }
        for (check, rule) in template.checks.iter_mut().zip(resolved) {
            check.rule = rule;
        }
        Ok(template)
    }

    /// A rule written with labels (`三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待`,
    /// `项目支出（自评表） = 项目支出（本年决算数）`) in field names.
    fn resolve_rule(&self, text: &str) -> Result<String, String> {
        let folded: String = text
            .chars()
            .filter(|c| !matches!(c, '、' | '：'))
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '，' => ',',
                '＋' => '+',
                '－' | '−' => '-',
                '＝' => '=',
                '＊' => '*',
                '／' => '/',
                other => other,
            })
            .collect();
        let rule = Rule::parse(&folded)?;
        let lhs = self.resolve_expr(&rule.lhs)?;
        let rhs = self.resolve_expr(&rule.rhs)?;
        let cmp = match rule.cmp {
            crate::expr::Cmp::Eq => "=",
            crate::expr::Cmp::Ge => ">=",
            crate::expr::Cmp::Le => "<=",
        };
        Ok(format!(
            "{} {cmp} {}",
            expr_text(&lhs, 0),
            expr_text(&rhs, 0)
        ))
    }

    fn resolve_expr(&self, expr: &Expr) -> Result<Expr, String> {
        Ok(match expr {
            Expr::Num(_) => expr.clone(),
            Expr::Ref(name) => Expr::Ref(self.resolve_name(name, None)?),
            Expr::Range(a, b) => return Err(format!("规则中不能用单元格区域 {a}:{b}")),
            Expr::Neg(e) => Expr::Neg(Box::new(self.resolve_expr(e)?)),
            Expr::Bin(op, a, b) => Expr::Bin(
                *op,
                Box::new(self.resolve_expr(a)?),
                Box::new(self.resolve_expr(b)?),
            ),
            Expr::Call(name, args) => match function_name(name) {
                Some(f) => Expr::Call(
                    f.to_string(),
                    args.iter()
                        .map(|a| self.resolve_expr(a))
                        .collect::<Result<_, _>>()?,
                ),
                // 标签（限定）: 三公经费（本年决算数）, 项目支出（自评表）.
                None => match args.as_slice() {
                    [Expr::Ref(q)] => Expr::Ref(self.resolve_name(name, Some(q))?),
                    _ => return Err(format!("无法识别的函数或标签「{name}」")),
                },
            },
        })
    }

    /// Names a label may stand for: (normalised label, field, block; the block of a
    /// 经费控制情况 row is empty).
    fn aliases(&self) -> Vec<(String, String, &'static str)> {
        let mut out = Vec::new();
        let blocks: [(&[FieldDef], &'static str); 4] = [
            (&self.basic.staff.columns, "财政供养人员"),
            (&self.basic.building.columns, "楼堂馆所"),
            (&self.score.budget.columns, "年度预算"),
            (&self.score.labelled.fields, "自评表"),
        ];
        for (defs, block) in blocks {
            for d in defs {
                let plain = plain_label(d.print.as_deref(), &d.labels);
                let mut names: Vec<String> = d.labels.to_vec();
                if block == "年度预算" && d.kind == Kind::Score {
                    names.push(format!("执行率{plain}"));
                }
                names.push(plain);
                for n in names {
                    out.push((norm(&n), d.field.clone(), block));
                }
            }
        }
        for row in &self.basic.spending.rows {
            let mut names = row.labels.to_vec();
            names.push(plain_label(row.print.as_deref(), &row.labels));
            for n in names {
                out.push((norm(&n), row.field.clone(), ""));
            }
        }
        for (label, field) in [
            ("各项指标分值合计", "ind.points"),
            ("指标分值合计", "ind.points"),
            ("各项指标得分合计", "ind.score"),
            ("指标得分合计", "ind.score"),
            ("总分", "total.score"),
            ("总分值", "total.points"),
            ("总分行的分值", "total.points"),
        ] {
            out.push((label.to_string(), field.to_string(), "总分"));
        }
        out
    }

    /// A field name, or a label with an optional qualifier (a column of the 经费控制情况 block,
    /// 各行合计, or the block of a field: 财政供养人员, 楼堂馆所, 年度预算, 自评表).
    fn resolve_name(&self, name: &str, qualifier: Option<&str>) -> Result<String, String> {
        if qualifier.is_none() && self.knows(&self.field_names(), name) {
            return Ok(name.to_string());
        }
        // 三公经费.本年决算数 is 三公经费（本年决算数）.
        let (label, qualifier) = match (qualifier, name.rsplit_once('.')) {
            (None, Some((l, q))) if !l.is_ascii() => (l, Some(q)),
            _ => (name, qualifier),
        };
        let key = norm(label);
        let mut found: Vec<(String, &'static str)> = Vec::new();
        for (alias, field, block) in self.aliases() {
            if alias == key && !found.iter().any(|(f, _)| *f == field) {
                found.push((field, block));
            }
        }
        if found.is_empty() {
            return Err(format!(
                "没有名为「{label}」的字段或标签（jixiao rules --fields 列出可用的字段名）"
            ));
        }
        let column = qualifier.and_then(|q| {
            COLUMNS
                .iter()
                .find(|(suffix, zh)| q == *suffix || norm(q) == *zh)
                .map(|(suffix, _)| *suffix)
        });
        let rows: Vec<&String> = found
            .iter()
            .filter(|(_, b)| b.is_empty())
            .map(|(f, _)| f)
            .collect();
        match qualifier {
            Some(q) if column.is_some() || q == "各行合计" || q == "每列" => {
                match rows.as_slice() {
                    [field] => Ok(match column {
                        Some(suffix) => format!("{field}.{suffix}"),
                        None => field.to_string(),
                    }),
                    _ => Err(format!(
                        "「{label}」不是经费控制情况中的一行，不能写（{q}）"
                    )),
                }
            }
            Some(q) => {
                let in_block: Vec<&String> = found
                    .iter()
                    .filter(|(_, b)| *b == q)
                    .map(|(f, _)| f)
                    .collect();
                match in_block.as_slice() {
                    [field] => Ok(field.to_string()),
                    _ => Err(format!(
                        "无法识别「{label}（{q}）」：括号中可写 上年决算数、本年预算数、本年决算数、\
                         各行合计，或 财政供养人员、楼堂馆所、年度预算、自评表"
                    )),
                }
            }
            None => match found.as_slice() {
                [(field, _)] => Ok(field.clone()),
                _ => {
                    let options: Vec<String> = found
                        .iter()
                        .map(|(f, b)| {
                            if b.is_empty() {
                                format!("{label}（本年决算数）等 = {f}.final 等")
                            } else {
                                format!("{label}（{b}）= {f}")
                            }
                        })
                        .collect();
                    Err(format!(
                        "「{label}」可指多个字段，请写明：{}",
                        options.join("；")
                    ))
                }
            },
        }
    }

    pub fn load(path: &std::path::Path) -> Result<Template, TemplateError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| TemplateError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Template::parse(&file, &text)
    }

    /// The templates shipped with jixiao.
    pub fn built_in() -> Vec<Template> {
        Template::built_in_ref().to_vec()
    }

    /// The templates shipped with jixiao, parsed once per process.
    pub fn built_in_ref() -> &'static [Template] {
        static PARSED: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| {
            BUILT_IN
                .iter()
                .map(|(file, text)| {
                    Template::parse(file, text).expect("built-in template is valid")
                })
                .collect()
        })
    }

    /// The built-in template of a family.
    pub fn built_in_family(family: &str) -> Option<Template> {
        Template::built_in()
            .into_iter()
            .find(|t| t.family == family)
    }

    /// Every field name the layout defines, with the column suffixes of the 经费控制情况 rows,
    /// and how it is called.
    pub fn field_names(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let blocks: [(&[FieldDef], &str); 4] = [
            (&self.basic.staff.columns, "财政供养人员"),
            (&self.basic.building.columns, "楼堂馆所"),
            (&self.score.budget.columns, "年度预算"),
            (&self.score.labelled.fields, "自评表"),
        ];
        for (defs, block) in blocks {
            for d in defs {
                let mut label = plain_label(d.print.as_deref(), &d.labels);
                if block == "年度预算" && d.kind == Kind::Score {
                    label = format!("执行率{label}");
                }
                out.push((d.field.clone(), format!("{label}（{block}）")));
            }
        }
        for row in &self.basic.spending.rows {
            let label = plain_label(row.print.as_deref(), &row.labels);
            let shown = if row.repeat {
                format!("{label}（各行合计）")
            } else {
                label
            };
            out.push((row.field.clone(), format!("{shown}（每列）")));
            for (suffix, column) in COLUMNS {
                out.push((
                    format!("{}.{suffix}", row.field),
                    format!("{shown}（{column}）"),
                ));
            }
        }
        for (name, label) in [
            ("ind.points", "各项指标分值合计"),
            ("ind.score", "各项指标得分合计"),
            ("ind.points_header", "指标表“分值”列标题"),
            ("total.points", "总分行的分值"),
            ("total.score", "总分"),
        ] {
            out.push((name.into(), label.into()));
        }
        out
    }

    fn knows(&self, known: &[(String, String)], name: &str) -> bool {
        known.iter().any(|(k, _)| k == name) || RULE_NAMES.contains(&name)
    }

    /// How a field is called in Chinese, for `jixiao rules`: its label, with its block only
    /// where another field has the same label.
    pub fn field_label(&self, name: &str) -> String {
        let names = self.field_names();
        let Some((_, long)) = names.iter().find(|(k, _)| k == name) else {
            return name.to_string();
        };
        if let Some(row) = long.strip_suffix("（每列）") {
            // A row named like a field of another block (项目支出) keeps its qualifier.
            let clashes = names.iter().any(|(k, l)| {
                k != name
                    && l.strip_suffix('）')
                        .and_then(|l| l.rsplit_once('（'))
                        .is_some_and(|(s, _)| s == row)
                    && !COLUMNS
                        .iter()
                        .any(|(suffix, _)| k == &format!("{name}.{suffix}"))
            });
            return if clashes {
                long.to_string()
            } else {
                row.to_string()
            };
        }
        let Some(short) = long
            .strip_suffix('）')
            .and_then(|l| l.rsplit_once('（'))
            .map(|(s, _)| s)
        else {
            return long.to_string();
        };
        // Column-suffixed rows keep their column; block fields drop their block if unambiguous.
        if COLUMNS
            .iter()
            .any(|(suffix, _)| name.ends_with(&format!(".{suffix}")))
        {
            return long.to_string();
        }
        let clashes = names.iter().any(|(k, l)| {
            k != name
                && (l.trim_end_matches("（每列）") == short
                    || l.strip_suffix('）')
                        .and_then(|l| l.rsplit_once('（'))
                        .is_some_and(|(s, _)| s == short))
        });
        if clashes {
            long.to_string()
        } else {
            short.to_string()
        }
    }

    /// A rule with the fields called by their labels: `三公经费 = 公务用车购置和维护经费 + …`.
    pub fn rule_in_words(&self, rule: &str) -> String {
        match Rule::parse(rule) {
            Ok(r) => format!(
                "{} {} {}",
                self.expr_in_words(&r.lhs, 0),
                r.cmp.symbol(),
                self.expr_in_words(&r.rhs, 0)
            ),
            Err(_) => rule.to_string(),
        }
    }

    fn expr_in_words(&self, expr: &Expr, outer: u8) -> String {
        let prec = |op: Op| match op {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        };
        match expr {
            Expr::Num(n) => n.normalize().to_string(),
            Expr::Ref(name) => self.field_label(name),
            Expr::Range(a, b) => format!("{a}:{b}"),
            Expr::Neg(e) => format!("−{}", self.expr_in_words(e, 3)),
            Expr::Bin(op, a, b) => {
                let p = prec(*op);
                let sym = match op {
                    Op::Add => "+",
                    Op::Sub => "−",
                    Op::Mul => "×",
                    Op::Div => "÷",
                };
                let text = format!(
                    "{} {sym} {}",
                    self.expr_in_words(a, p),
                    self.expr_in_words(b, p + 1)
                );
                if p < outer {
                    format!("({text})")
                } else {
                    text
                }
            }
            Expr::Call(name, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr_in_words(a, 0)).collect();
                let name = match name.as_str() {
                    "min" => "较小值",
                    "max" => "较大值",
                    "sum" => "合计",
                    "round" => "四舍五入",
                    other => other,
                };
                format!("{name}({})", args.join("，"))
            }
        }
    }

    /// The active checks as a table: 编号 · 名称 · 规则 · 严重程度.
    pub fn rules_table(&self) -> String {
        let mut rows: Vec<[String; 4]> = vec![[
            "编号".into(),
            "名称".into(),
            "规则".into(),
            "严重程度".into(),
        ]];
        for c in &self.checks {
            let severity = severity_zh(c.severity);
            let severity = match c.unexplained {
                Some(u) if u != c.severity => {
                    format!("{severity}（无法归因到单个单元格时：{}）", severity_zh(u))
                }
                _ => severity.to_string(),
            };
            rows.push([
                c.id.clone(),
                c.name.clone(),
                self.rule_in_words(&c.rule),
                severity,
            ]);
        }
        let mut out = format!(
            "模板 {}（{}）的算术检查，共 {} 条：\n\n",
            self.family,
            self.description,
            self.checks.len()
        );
        out.push_str(&table(&rows));
        out.push_str(
            "\n另有程序内置的检查：S5 定量指标达标得满分、S6 未达标按比例得分、S7 定性指标得分区间、\
             S8 得分不超过分值且扣分须写明原因、S10 等级与总分相符；单元格无法读取时报 V1。",
        );
        let ranged: Vec<String> = self
            .basic
            .building
            .columns
            .iter()
            .chain(&self.basic.staff.columns)
            .filter(|d| d.plausible.is_some())
            .map(|d| self.field_label(&d.field))
            .collect();
        if !ranged.is_empty() {
            out.push_str(&format!(
                "{}没有检查可据以重算时，须在合理范围内（B6，提示）。",
                ranged.join("、")
            ));
        }
        out.push('\n');
        out
    }

    /// The field names a rule may use, as a table.
    pub fn fields_table(&self) -> String {
        let mut rows: Vec<[String; 2]> = vec![["字段名".into(), "含义".into()]];
        for (name, label) in self.field_names() {
            rows.push([name, label]);
        }
        let mut out = format!("模板 {} 的字段（在检查的 rule 中使用）：\n\n", self.family);
        out.push_str(&table(&rows));
        out.push_str(
            "\n经费控制情况各行不带列后缀时按每一列分别检查；可重复的行（专项资金）与各项指标（ind.*）按各行合计。\n",
        );
        out
    }
}

/// A function of the rule language, by its name or its Chinese name.
fn function_name(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "min" | "较小值" => "min",
        "max" | "较大值" => "max",
        "sum" | "合计" => "sum",
        "abs" | "绝对值" => "abs",
        "round" | "四舍五入" => "round",
        "trunc" | "截断" => "trunc",
        "rounddown" => "rounddown",
        "roundup" => "roundup",
        "int" => "int",
        _ => return None,
    })
}

/// A rule expression as text over field names, brackets only where needed.
fn expr_text(expr: &Expr, outer: u8) -> String {
    match expr {
        Expr::Num(n) => n.normalize().to_string(),
        Expr::Ref(name) => name.clone(),
        Expr::Range(a, b) => format!("{a}:{b}"),
        Expr::Neg(e) => format!("-{}", expr_text(e, 3)),
        Expr::Bin(op, a, b) => {
            let (p, sym) = match op {
                Op::Add => (1, "+"),
                Op::Sub => (1, "-"),
                Op::Mul => (2, "*"),
                Op::Div => (2, "/"),
            };
            let text = format!("{} {sym} {}", expr_text(a, p), expr_text(b, p + 1));
            if p < outer {
                format!("({text})")
            } else {
                text
            }
        }
        Expr::Call(name, args) => {
            let args: Vec<String> = args.iter().map(|a| expr_text(a, 0)).collect();
            format!("{name}({})", args.join(", "))
        }
    }
}

fn severity_zh(s: SeverityName) -> &'static str {
    match s {
        SeverityName::Error => "错误",
        SeverityName::Warning => "提示",
    }
}

/// Rows aligned in columns, the first row a header underlined; the last column is not padded.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(text_width(cell));
        }
    }
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - text_width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if r == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (N - 1);
            out.push_str(&"─".repeat(total.min(100)));
            out.push('\n');
        }
    }
    out
}

/// `jixiao rules`: the checks of a user's template, or of a built-in family (default: the first).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RulesArgs {
    /// A template file of your own.
    #[arg(long, value_name = "FILE")]
    pub template: Option<std::path::PathBuf>,
    /// A built-in family: hunan-2024 (default), hunan-2018, hunan-2024-extended.
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    /// List the field names a rule can use instead of the checks.
    #[arg(long)]
    pub fields: bool,
}

impl RulesArgs {
    /// Prints the table; exit status 0, or 2 when the template cannot be loaded.
    pub fn run(&self) -> i32 {
        let template = match load_or_family(self.template.as_deref(), self.family.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{e}");
                return 2;
            }
        };
        if self.fields {
            print!("{}", template.fields_table());
        } else {
            print!("{}", template.rules_table());
        }
        0
    }
}

/// A user's template file, a built-in family by name, or the default family.
pub fn load_or_family(
    template: Option<&std::path::Path>,
    family: Option<&str>,
) -> Result<Template, String> {
    if let Some(path) = template {
        return Template::load(path).map_err(|e| e.to_string());
    }
    let all = Template::built_in();
    match family {
        None => Ok(all.into_iter().next().expect("a built-in template")),
        Some(name) => {
            let names: Vec<String> = all.iter().map(|t| t.family.clone()).collect();
            all.into_iter().find(|t| t.family == name).ok_or_else(|| {
                format!(
                    "没有名为 {name} 的模板；内置的有：{}（也可用 --template 文件）",
                    names.join("、")
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_parse() {
        let templates = Template::built_in();
        assert!(!templates.is_empty());
        assert!(templates[0].checks.iter().any(|c| c.id == "S4"));
    }

    #[test]
    fn syntax_error_names_the_line() {
        let err = Template::parse("x.toml", "family = \"a\"\n\nbasic = [\n").unwrap_err();
        match err {
            TemplateError::Syntax { line, .. } => assert!(line >= 3, "line {line}"),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn lines_count_from_one() {
        let text = "a = 1\nb = 2\nc = [\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2, "the first byte of line 2");
        assert_eq!(line_of(text, text.len()), 4);
    }

    #[test]
    fn built_in_families_are_distinct_and_each_has_a_blank_layout() {
        let templates = Template::built_in();
        let families: Vec<&str> = templates.iter().map(|t| t.family.as_str()).collect();
        assert_eq!(
            families,
            ["hunan-2024", "hunan-2018", "hunan-2024-extended"]
        );
        for t in &templates {
            assert!(!t.signature.is_empty(), "{}", t.family);
            assert!(!t.blank.groups.is_empty(), "{}", t.family);
            assert_eq!(t.blank.spending_headers.len(), 3, "{}", t.family);
        }
    }

    #[test]
    fn a_rule_reads_in_words_with_brackets_where_needed() {
        let t = &Template::built_in()[0];
        assert_eq!(
            t.rule_in_words("sangong = vehicle + abroad + reception"),
            "三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待"
        );
        assert_eq!(
            t.rule_in_words("staff.rate = (staff.actual - 1) / staff.authorized"),
            "控制率 = (实际在职人数 − 1) ÷ 编制数"
        );
        assert_eq!(
            t.rule_in_words("spending.project = project.final"),
            "项目支出（自评表） = 项目支出（本年决算数）"
        );
    }

    #[test]
    fn printed_labels_lose_numbering_and_notes() {
        let labels = vec!["x".to_string()];
        assert_eq!(
            plain_label(Some("3、本级专项资金（一个专项一行）"), &labels),
            "本级专项资金"
        );
        assert_eq!(plain_label(Some("其中：办公经费"), &labels), "办公经费");
        assert_eq!(plain_label(Some("项目支出："), &labels), "项目支出");
        assert_eq!(plain_label(None, &labels), "x");
    }

    #[test]
    fn parser_messages_in_chinese() {
        assert_eq!(
            zh_message("unknown field `rul`, expected one of `id`, `name`, `rule`"),
            "未知的键 rul（此处可用：id、name、rule）"
        );
        assert_eq!(zh_message("missing field `family`"), "缺少必填的键 family");
        assert!(
            zh_message("unknown variant `fatal`, expected `error` or `warning`")
                .contains("error、warning")
        );
    }

    #[test]
    fn unknown_fields_in_a_rule_are_refused_with_their_line() {
        let good = BUILT_IN[0].1;
        let text = format!(
            "{good}\n[[checks]]\nid = \"Z9\"\nname = \"x\"\nrule = \"vehicle = vehicel\"\n"
        );
        match Template::parse("x.toml", &text).unwrap_err() {
            TemplateError::Rule {
                line, id, message, ..
            } => {
                assert_eq!(line, good.lines().count() + 5);
                assert_eq!(id, "Z9");
                assert!(message.contains("vehicel"), "{message}");
            }
            other => panic!("unexpected {other}"),
        }
        // Column suffixes, repeated rows and the indicator sums are known.
        let text = format!("{good}\n[[checks]]\nid = \"Z9\"\nname = \"x\"\nrule = \"special.final + ind.score <= total.score\"\n");
        assert!(Template::parse("x.toml", &text).is_ok());
    }

    #[test]
    fn rules_may_be_written_with_labels() {
        let t = &Template::built_in()[0];
        let canonical = |text: &str| Rule::parse(&t.resolve_rule(text).unwrap()).unwrap();
        assert_eq!(
            canonical("三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待"),
            Rule::parse("sangong = vehicle + abroad + reception").unwrap()
        );
        assert_eq!(
            canonical("项目支出（自评表） = 项目支出（本年决算数）"),
            Rule::parse("spending.project = project.final").unwrap()
        );
        assert_eq!(
            canonical("三公经费.本年决算数 <= 三公经费.本年预算数"),
            Rule::parse("sangong.final <= sangong.budget").unwrap()
        );
        assert_eq!(
            canonical("公用经费 ≥ 办公经费 + 水费、电费、差旅费 + 会议费、培训费"),
            Rule::parse("public >= office + utilities + meetings").unwrap()
        );
        let err = t.resolve_rule("项目支出 = 业务经费").unwrap_err();
        assert!(err.contains("可指多个字段"), "{err}");
        let err = t.resolve_rule("三公经费 = 公务卡").unwrap_err();
        assert!(err.contains("公务卡"), "{err}");
    }

    #[test]
    fn the_rules_table_reads_back_as_the_same_rules() {
        for t in Template::built_in() {
            for c in &t.checks {
                let words = t.rule_in_words(&c.rule);
                let back = t
                    .resolve_rule(&words)
                    .unwrap_or_else(|e| panic!("{}: {words}: {e}", t.family));
                assert_eq!(
                    Rule::parse(&back).unwrap(),
                    Rule::parse(&c.rule).unwrap(),
                    "{} {}: {words}",
                    t.family,
                    c.id
                );
            }
        }
    }

    #[test]
    fn a_template_rule_over_labels_is_stored_in_field_names() {
        let good = BUILT_IN[0].1;
        let text = format!(
            "{good}\n[[checks]]\nid = \"Z1\"\nname = \"三公经费只减不增\"\nrule = \"三公经费（本年决算数） <= 三公经费（上年决算数）\"\n"
        );
        let t = Template::parse("x.toml", &text).unwrap();
        assert_eq!(
            t.checks.last().unwrap().rule,
            "sangong.final <= sangong.prev"
        );
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            fill_placeholders("{dept}{year}年，{prev}年决算数", 2024, "某局"),
            "某局2024年，2023年决算数"
        );
    }
}
