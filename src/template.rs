//! Layout families: labels, label variants and arithmetic checks, read from `workbook-templates/`.

use serde::Deserialize;

/// The templates built into the binary, from `workbook-templates/`.
const BUILT_IN: &[(&str, &str)] = &[(
    "hunan-2024.toml",
    include_str!("../workbook-templates/hunan-2024.toml"),
)];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub family: String,
    #[serde(default)]
    pub description: String,
    pub basic: BasicLayout,
    pub score: ScoreLayout,
    #[serde(default)]
    pub checks: Vec<CheckDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicLayout {
    pub titles: Vec<String>,
    pub staff: HeaderBlock,
    pub spending: SpendingBlock,
    pub building: HeaderBlock,
}

/// A block whose anchor label sits in its header row, with one value row below the headers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderBlock {
    pub anchor: Vec<String>,
    pub columns: Vec<FieldDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendingBlock {
    pub anchor: Vec<String>,
    pub budget_labels: Vec<String>,
    pub final_labels: Vec<String>,
    pub rows: Vec<RowDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub field: String,
    pub labels: Vec<String>,
    /// The row may appear several times (one 专项 a row); a rule adds them all up.
    #[serde(default)]
    pub repeat: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 万元, two decimals.
    #[default]
    Amount,
    /// A rate shown as a percentage with two decimals.
    Rate,
    /// Points and scores, two decimals.
    Score,
    /// Whole numbers (people, m²).
    Count,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub field: String,
    pub labels: Vec<String>,
    #[serde(default)]
    pub kind: Kind,
    /// A range the value should lie in when no rule computes it (warning otherwise).
    #[serde(default)]
    pub plausible: Option<[f64; 2]>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreLayout {
    pub titles: Vec<String>,
    pub department: Vec<String>,
    pub budget: BudgetBlock,
    pub labelled: LabelledBlock,
    pub indicators: IndicatorBlock,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetBlock {
    pub columns: Vec<FieldDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledBlock {
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorBlock {
    pub level1: Vec<String>,
    pub level2: Vec<String>,
    pub name: Vec<String>,
    pub target: Vec<String>,
    pub actual: Vec<String>,
    pub points: Vec<String>,
    pub score: Vec<String>,
    pub reason: Vec<String>,
    pub total: Vec<String>,
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
    #[error("模板文件 {file} 中检查 {id} 的公式有误：{message}")]
    Rule {
        file: String,
        id: String,
        message: String,
    },
}

impl Template {
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        let template: Template = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(0);
            TemplateError::Syntax {
                file: file.to_string(),
                line,
                message: e.message().to_string(),
            }
        })?;
        for check in &template.checks {
            crate::expr::Rule::parse(&check.rule).map_err(|message| TemplateError::Rule {
                file: file.to_string(),
                id: check.id.clone(),
                message,
            })?;
        }
        Ok(template)
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
        BUILT_IN
            .iter()
            .map(|(file, text)| Template::parse(file, text).expect("built-in template is valid"))
            .collect()
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
}
