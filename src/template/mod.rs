//! Layout families: labels, label variants and arithmetic checks, read from `workbook-templates/`.
//! The TOML schema ([`schema`]), the built-in files ([`builtin`]), labels and field names
//! ([`labels`]), load errors ([`error`]) and what `jixiao rules` prints ([`describe`]).

pub mod blank;
mod builtin;
mod describe;
mod error;
mod fields;
mod labels;
mod schema;

use crate::expr::{Rule, Style};
use crate::i18n::Message;
use crate::model::{FieldKey, RuleId, Severity};

pub use crate::model::Kind;
pub use builtin::load_or_family;
pub use error::TemplateError;
pub use fields::FieldInfo;
pub use labels::fill_placeholders;
pub use schema::*;

use error::{line_of, parser_message, CheckSpans};

/// A check of the template, parsed once when the template loads, over field names.
#[derive(Debug, Clone)]
pub struct TemplateRule {
    pub id: RuleId,
    pub name: String,
    /// The name in English, or "" for none.
    pub name_en: String,
    pub rule: Rule,
    /// `rule` over the keys of the fields it names.
    pub keyed: Rule<FieldKey>,
    /// Severity when the check fails and one cell explains it.
    pub severity: Severity,
    /// Severity when no single cell explains the failure.
    pub unexplained: Severity,
    /// Where a failure is reported when the left side is not a cell: the first field present.
    pub anchor: Vec<String>,
    /// Applies only where its left side is in the table ([`CheckDef::optional`]).
    pub optional: bool,
}

impl TemplateRule {
    /// What messages call it, in the run's language.
    pub fn title(&self) -> Message {
        Message::both(&self.name, &self.name_en)
    }
}

impl Template {
    /// Parses a template file's text; a rule written with labels is put in field names.
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        let mut template: Template = toml::from_str(text).map_err(|e| TemplateError::Syntax {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
            message: parser_message(e.message()),
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
        let mut rules = Vec::with_capacity(template.checks.len());
        let mut in_words = Vec::new();
        for (i, check) in template.checks.iter().enumerate() {
            let plain = Rule::parse(&check.rule).ok().filter(|rule| {
                let mut names = rule.lhs.refs();
                names.extend(rule.rhs.refs());
                names.iter().all(|n| template.knows(&known, n))
            });
            let rule = match plain {
                Some(rule) => rule,
                None => {
                    in_words.push(i);
                    template
                        .resolve_rule(&check.rule)
                        .map_err(|message| TemplateError::Rule {
                            file: file.to_string(),
                            line: rule_line(i),
                            id: check.id.clone(),
                            message,
                        })?
                }
            };
            rules.push(TemplateRule {
                id: RuleId::from(check.id.as_str()),
                name: check.name.clone(),
                name_en: check.name_en.clone(),
                keyed: rule.map_names(&mut |name| FieldKey::parse(name)),
                rule,
                severity: check.severity,
                unexplained: check.unexplained.unwrap_or(check.severity),
                anchor: check.anchor.clone(),
                optional: check.optional,
            });
        }
        // A rule over field names stays as written; one over labels is put in field names.
        for i in in_words {
            template.checks[i].rule = rules[i].rule.print(&Style::Names);
        }
        template.rules = rules;
        Ok(template)
    }
}

#[cfg(test)]
mod tests;
