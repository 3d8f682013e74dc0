//! The report's vocabulary (`workbook-templates/vocabulary.toml`): the phrases that name a
//! figure of the tables, the words that say which column, the units, list openers and changes.

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::model::Kind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub units: Vec<Unit>,
    #[serde(default)]
    pub not_after_unit: Vec<String>,
    pub list_openers: Vec<String>,
    pub increase: Vec<String>,
    pub decrease: Vec<String>,
    pub columns: ColumnWords,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub figures: Vec<FigureDef>,
    #[serde(default)]
    pub rates: Vec<RateDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub text: String,
    pub kind: Kind,
    /// Multiplies the number into the tables' unit (万元, percentage points, people).
    pub scale: Decimal,
}

/// Which column of the tables a figure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Column {
    /// 年初预算 (the basic-data table's 本年预算数, the scorecard's 年初预算数).
    Initial,
    /// 全年预算 (after adjustments).
    Full,
    /// 决算 / 执行数.
    Final,
    /// 上年决算.
    Prev,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnWords {
    pub initial: Vec<String>,
    pub full: Vec<String>,
    pub r#final: Vec<String>,
    pub prev: Vec<String>,
}

impl ColumnWords {
    pub fn all(&self) -> impl Iterator<Item = (&str, Column)> + '_ {
        [
            (&self.initial, Column::Initial),
            (&self.full, Column::Full),
            (&self.r#final, Column::Final),
            (&self.prev, Column::Prev),
        ]
        .into_iter()
        .flat_map(|(words, column)| words.iter().map(move |w| (w.as_str(), column)))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnFields {
    #[serde(default)]
    pub initial: Vec<String>,
    #[serde(default)]
    pub full: Vec<String>,
    #[serde(default)]
    pub r#final: Vec<String>,
    #[serde(default)]
    pub prev: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDef {
    pub name: String,
    pub phrases: Vec<String>,
    pub kind: Kind,
    #[serde(default)]
    pub fields: ColumnFields,
    /// Fields whatever the column.
    #[serde(default)]
    pub any: Vec<String>,
    /// The column when the sentence names none.
    #[serde(default = "final_column")]
    pub default: Column,
    /// Words that make the figure negative (调减).
    #[serde(default)]
    pub negate: Vec<String>,
}

fn final_column() -> Column {
    Column::Final
}

impl FigureDef {
    /// The table fields this figure means in `column`; 年初 and 全年 stand in for each other.
    pub fn fields_for(&self, column: Column) -> &[String] {
        if !self.any.is_empty() {
            return &self.any;
        }
        let f = &self.fields;
        let pick = |c: Column| match c {
            Column::Initial => &f.initial,
            Column::Full => &f.full,
            Column::Final => &f.r#final,
            Column::Prev => &f.prev,
        };
        let first = pick(column);
        match column {
            Column::Initial if first.is_empty() => pick(Column::Full),
            Column::Full if first.is_empty() => pick(Column::Initial),
            _ => first,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateDef {
    pub phrases: Vec<String>,
    /// `name` or `name@column` of a figure.
    pub numerator: String,
    pub denominator: String,
    /// The table field that holds this rate, if any.
    #[serde(default)]
    pub field: Option<String>,
}

/// A figure of the vocabulary in one column: `budget_total@initial`.
pub fn parse_ref(text: &str) -> (&str, Column) {
    match text.split_once('@') {
        Some((name, "initial")) => (name, Column::Initial),
        Some((name, "full")) => (name, Column::Full),
        Some((name, "prev")) => (name, Column::Prev),
        Some((name, _)) => (name, Column::Final),
        None => (text, Column::Final),
    }
}

impl Vocabulary {
    /// The built-in vocabulary, parsed once.
    pub fn get() -> &'static Vocabulary {
        static PARSED: OnceLock<Vocabulary> = OnceLock::new();
        PARSED.get_or_init(|| {
            Vocabulary::parse(include_str!("../../workbook-templates/vocabulary.toml"))
                .expect("the built-in vocabulary parses")
        })
    }

    pub fn parse(text: &str) -> Result<Vocabulary, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn figure(&self, name: &str) -> Option<usize> {
        self.figures.iter().position(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_vocabulary_names_figures_its_rates_use() {
        let v = Vocabulary::get();
        for rate in &v.rates {
            for side in [&rate.numerator, &rate.denominator] {
                assert!(v.figure(parse_ref(side).0).is_some(), "{side}");
            }
        }
    }
}
