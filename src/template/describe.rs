//! What `jixiao rules` says about a template: its rules in words and its field names.

use super::Template;
use crate::expr::{Rule, Style};
use crate::i18n::check::CheckMsg;
use crate::i18n::{msg, Lang};
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
    pub fn fields_table(&self, lang: Lang) -> String {
        let header = [CheckMsg::ColumnField, CheckMsg::ColumnMeaning];
        let mut rows: Vec<[String; 2]> = vec![header.map(|k| k.text(lang).to_string())];
        for (name, label) in self.field_names() {
            rows.push([name, label]);
        }
        let heading = msg!(CheckMsg::FieldsHeading, &self.family).render(lang);
        let mut out = format!("{heading}\n\n");
        let table = AlignedTable::new(&rows, &[]);
        out.push_str(&table.with_rule_under_header(&"─".repeat(table.full_width().min(100))));
        out.push('\n');
        out.push_str(CheckMsg::FieldsFooter.text(lang));
        out.push('\n');
        out
    }
}
