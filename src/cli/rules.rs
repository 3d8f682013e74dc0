//! `jixiao rules`: the rules of a template as a table, from the registry
//! ([`crate::check::rules`]); and the rules reference page (docs/rules.md).

use std::fmt::Write;

use crate::check::rules::{info, registry, Entry, RULES};
use crate::expr::Style;
use crate::i18n::check::CheckMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Lang, Message};
use crate::model::text::AlignedTable;
use crate::model::{RuleId, Severity};
use crate::template::{load_or_family, Template, TemplateRule};

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
    /// Print the rules reference (docs/rules.md) in Markdown: of the template given, or of
    /// every built-in family.
    #[arg(long, conflicts_with = "fields")]
    pub markdown: bool,
}

impl RulesArgs {
    /// Prints the table in `lang`; exit status 0, or 2 when the template cannot be loaded.
    pub fn run(&self, lang: Lang) -> i32 {
        if self.markdown && self.template.is_none() && self.family.is_none() {
            print!("{}", reference(Template::built_in_ref()));
            return 0;
        }
        let template = match load_or_family(self.template.as_deref(), self.family.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{e}");
                return 2;
            }
        };
        if self.markdown {
            print!("{}", reference(std::slice::from_ref(&template)));
        } else if self.fields {
            print!("{}", template.fields_table(lang));
        } else {
            print!("{}", rules_table(&template, lang));
        }
        0
    }
}

/// Severities in a list: `错误、舍入、提示`.
fn severities(severities: &[Severity]) -> Message {
    Message::join(severities.iter().map(|s| s.word().into()), Word::ListSep)
}

/// A template check's severity: `错误`, or `错误（无法归因到单个单元格时：提示）`.
fn check_severity(check: &TemplateRule) -> Message {
    if check.unexplained == check.severity {
        check.severity.word().into()
    } else {
        msg!(
            CheckMsg::SeverityUnexplained,
            check.severity.word(),
            check.unexplained.word()
        )
    }
}

/// What a rule checks in a template, a line each (名称 · 规则 · 严重程度): the template's
/// checks (in Chinese with the fields' labels, in English with their names), then the
/// code's part.
fn lines(entry: &Entry, template: &Template, lang: Lang) -> Vec<[String; 3]> {
    let mut out: Vec<[String; 3]> = entry
        .checks
        .iter()
        .map(|(_, check)| {
            let rule = match lang {
                Lang::Zh => template.rule_words(&check.rule),
                Lang::En => check.rule.print(&Style::Names),
            };
            [
                check.title().render(lang),
                rule,
                check_severity(check).render(lang),
            ]
        })
        .collect();
    if let Some(coded) = entry.coded(template) {
        out.push([
            entry.name().render(lang),
            msg!(CheckMsg::ByCode, coded.checks).render(lang),
            severities(coded.severities).render(lang),
        ]);
    }
    out
}

/// Every rule that applies to the template, its id once, a line for each of its checks:
/// 编号 · 名称 · 规则 · 严重程度.
pub fn rules_table(template: &Template, lang: Lang) -> String {
    let entries = registry(template);
    let header = [
        CheckMsg::ColumnId,
        CheckMsg::ColumnName,
        CheckMsg::ColumnRule,
        CheckMsg::ColumnSeverity,
    ];
    let mut rows: Vec<[String; 4]> = vec![header.map(|k| k.text(lang).to_string())];
    for entry in &entries {
        for (i, [name, rule, severity]) in lines(entry, template, lang).into_iter().enumerate() {
            let id = if i == 0 {
                entry.id.to_string()
            } else {
                String::new()
            };
            rows.push([id, name, rule, severity]);
        }
    }
    let heading = msg!(
        CheckMsg::RulesHeading,
        &template.family,
        &template.description,
        entries.len()
    );
    let mut out = format!("{}\n\n", heading.render(lang));
    let table = AlignedTable::new(&rows, &[]);
    out.push_str(&table.with_rule_under_header(&"─".repeat(table.full_width().min(100))));
    let _ = writeln!(out, "\n{}", CheckMsg::RulesFooter.text(lang));
    out
}

/// The first line of docs/rules.md.
const GENERATED: &str = "<!-- Generated from the rule registry (src/check/rules/mod.rs) and \
    workbook-templates/ by `jixiao rules --markdown`; regenerate with `UPDATE_DOCS=1 cargo test \
    --lib cli::rules`, do not edit by hand. -->";

/// The rules reference in Markdown: every rule of RULES.md, then those the templates add,
/// each with what the templates and the code check.
pub fn reference(templates: &[Template]) -> String {
    let registries: Vec<(&Template, Vec<Entry>)> =
        templates.iter().map(|t| (t, registry(t))).collect();
    let mut ids: Vec<RuleId> = RULES.iter().map(|r| r.id.clone()).collect();
    for (_, entries) in &registries {
        for e in entries {
            if !ids.contains(&e.id) {
                ids.push(e.id.clone());
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "{GENERATED}\n\n# 规则一览 · Rules reference\n");
    out.push_str(
        "jixiao 的每一条规则：算术检查写在模板的 `[[checks]]` 中（`workbook-templates/`），\
         其余由程序检查（`src/check/rules/`），有的两者兼有。`jixiao rules` 列出一个模板用到的规则。\n\n",
    );
    out.push_str("| 编号 | 名称 | Name | 检查方式 |\n|---|---|---|---|\n");
    for id in &ids {
        let of_id = entries_of(&registries, id);
        let in_template = of_id.iter().any(|(_, e)| !e.checks.is_empty());
        let coded = info(id).is_some_and(|i| i.coded.is_some());
        let how = match (in_template, coded) {
            (true, true) => "模板 + 程序",
            (true, false) => "模板",
            _ => "程序",
        };
        let name = of_id.first().map_or_else(
            || info(id).map_or(String::new(), |i| i.name.text(Lang::Zh).into()),
            |(_, e)| e.name().render(Lang::Zh),
        );
        let name_en = info(id).map_or("", |i| i.name.text(Lang::En));
        let _ = writeln!(out, "| {id} | {name} | {name_en} | {how} |");
    }
    for id in &ids {
        section(&mut out, &entries_of(&registries, id), id);
    }
    out
}

/// The entries of one id, with their template.
fn entries_of<'a>(
    registries: &'a [(&'a Template, Vec<Entry<'a>>)],
    id: &RuleId,
) -> Vec<(&'a Template, &'a Entry<'a>)> {
    registries
        .iter()
        .filter_map(|(t, entries)| entries.iter().find(|e| e.id == *id).map(|e| (*t, e)))
        .collect()
}

/// One rule's section: what it says, where it comes from, and how each template and the code
/// check it.
fn section(out: &mut String, entries: &[(&Template, &Entry)], id: &RuleId) {
    let rule = info(id);
    let name = entries.first().map_or_else(
        || rule.map_or(String::new(), |i| i.name.text(Lang::Zh).into()),
        |(_, e)| e.name().render(Lang::Zh),
    );
    let _ = writeln!(out, "\n## {id} {name}\n");
    if let Some(rule) = rule {
        let (name_en, source) = (rule.name.text(Lang::En), rule.source);
        let _ = writeln!(out, "*{name_en}* · 来源 source: {source}\n");
        let _ = writeln!(out, "{}", rule.description.text(Lang::Zh));
        let _ = writeln!(out, "\n*{}*", rule.description.text(Lang::En));
    }
    let checks: Vec<(&Template, &TemplateRule)> = entries
        .iter()
        .flat_map(|(t, e)| e.checks.iter().map(move |(_, c)| (*t, *c)))
        .collect();
    if !checks.is_empty() {
        out.push_str("\n模板中的检查：\n\n| 模板 | 名称 | 规则 | 字段名 | 严重程度 |\n|---|---|---|---|---|\n");
        for (t, c) in checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} |",
                t.family,
                c.name,
                t.rule_words(&c.rule),
                c.rule.print(&Style::Names),
                check_severity(c)
            );
        }
    }
    if let Some(coded) = rule.and_then(|r| r.coded.as_ref()) {
        let _ = writeln!(
            out,
            "\n程序检查（{}）：{}。",
            severities(coded.severities),
            coded.checks.text(Lang::Zh)
        );
        let _ = writeln!(
            out,
            "\n*Checked by code ({}): {}.*",
            severities(coded.severities).render(Lang::En),
            coded.checks.text(Lang::En)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/rules.md is [`reference`] of the built-in templates; `UPDATE_DOCS=1` rewrites it.
    #[test]
    fn the_rules_reference_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let want = reference(Template::built_in_ref());
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: regenerate it with `UPDATE_DOCS=1 cargo test --lib cli::rules`"
        );
    }

    #[test]
    fn every_rule_id_is_listed_once() {
        for t in Template::built_in() {
            let text = rules_table(&t, Lang::Zh);
            for entry in registry(&t) {
                let rows = text
                    .lines()
                    .filter(|l| l.split_whitespace().next() == Some(entry.id.as_str()))
                    .count();
                assert_eq!(rows, 1, "{} {}\n{text}", t.family, entry.id);
            }
        }
    }

    #[test]
    fn the_english_table_says_nothing_in_chinese_of_its_own() {
        for t in Template::built_in() {
            let text = rules_table(&t, Lang::En);
            // The heading names the template in its own words; the grades stay as filed.
            let body = text.split_once('\n').map_or("", |(_, b)| b);
            let rest: String = ["合格", "中", "差"]
                .iter()
                .fold(body.to_string(), |r, w| r.replace(w, ""));
            let chinese = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
            assert!(!rest.chars().any(chinese), "{}\n{text}", t.family);
            assert!(text.contains("S1   Budget execution rate"), "{text}");
        }
    }
}
