//! What `jixiao rules` says about a template: its rules in words and its field names.

use super::Template;
use crate::expr::{Rule, Style};
use crate::model::text::AlignedTable;

impl Template {
    /// A rule with the fields called by their labels: `三公经费 = 公务用车购置和维护经费 + …`.
    pub fn rule_words(&self, rule: &Rule) -> String {
        rule.print(&Style::Words(&|name| self.field_label(name)))
    }

    /// [`Template::rule_words`] of a rule's text (the text itself when it does not parse).
    pub fn rule_in_words(&self, rule: &str) -> String {
        match Rule::parse(rule) {
            Ok(r) => self.rule_words(&r),
            Err(_) => rule.to_string(),
        }
    }

    /// The field names a rule may use, as a table.
    pub fn fields_table(&self) -> String {
        let mut rows: Vec<[String; 2]> = vec![["字段名".into(), "含义".into()]];
        for (name, label) in self.field_names() {
            rows.push([name, label]);
        }
        let mut out = format!("模板 {} 的字段（在检查的 rule 中使用）：\n\n", self.family);
        let table = AlignedTable::new(&rows, &[]);
        out.push_str(&table.with_rule_under_header(&"─".repeat(table.full_width().min(100))));
        out.push_str(
            "\n经费控制情况各行不带列后缀时按每一列分别检查；可重复的行（专项资金）与各项指标（ind.*）按各行合计。\n",
        );
        out
    }
}
