//! Coverage (RULES.md §8): every rule of the registry either ran on the workbook or is listed as
//! not checked, with the fields it lacked and the labels on the sheet close to them.

use crate::check::rules::registry;
use crate::check::{Evaluation, Outcome};
use crate::extract::Figures;
use crate::i18n::check::CheckMsg;
use crate::i18n::{msg, Message};
use crate::locate::Layout;
use crate::model::text::{fold, norm};
use crate::model::{CloseLabel, FieldKey, NotChecked, RuleId};
use crate::template::{Labels, Template, TemplateRule};

/// Least share of a known label's characters, in order, a label on the sheet must have to be
/// called close to it.
const CLOSE_SHARE: f64 = 0.5;

/// What a rule's field is, as far as coverage cares.
struct FieldInfo<'t> {
    /// How the field is named in the report.
    label: String,
    labels: Option<&'t Labels>,
    basic: bool,
    /// A row that may appear any number of times, none included (专项资金).
    repeat: bool,
}

/// The rules that did not run, in registry order. The 自评报告's rules (R1–R3) belong to the
/// report's check and are left out; V1 always runs.
pub fn not_checked(
    template: &Template,
    layout: &Layout,
    figures: &Figures,
    evaluation: &Evaluation,
) -> Vec<NotChecked> {
    let mut out = Vec::new();
    for entry in registry(template) {
        if matches!(entry.id, RuleId::R1 | RuleId::R2 | RuleId::R3 | RuleId::V1) {
            continue;
        }
        let mut ran = false;
        let mut missing: Vec<FieldKey> = Vec::new();
        let mut not_applicable: Vec<Message> = Vec::new();
        for &(index, rule) in &entry.checks {
            match rule_coverage(template, layout, figures, evaluation, index, rule) {
                Coverage::Ran => ran = true,
                Coverage::Lacks(keys, dashes) => {
                    missing.extend(keys);
                    not_applicable.extend(dashes);
                }
                Coverage::NotApplicable => {}
            }
        }
        if entry.coded(template).is_some() {
            match coded_coverage(&entry.id, layout) {
                Some(keys) => missing.extend(keys),
                None => ran = true,
            }
        }
        if ran || (missing.is_empty() && not_applicable.is_empty()) {
            continue;
        }
        let mut labels: Vec<Message> = Vec::new();
        let mut close = Vec::new();
        for key in &missing {
            let info = field_info(template, key);
            let table_absent = if info.basic {
                layout.basic_sheet.is_none()
            } else {
                layout.score_sheet.is_none()
            };
            let label = match (table_absent, info.basic) {
                (true, true) => Message::new(CheckMsg::BasicTable),
                (true, false) => Message::new(CheckMsg::ScoreTable),
                (false, _) => {
                    close.extend(close_label(&info, &layout.unmatched));
                    info.label.into()
                }
            };
            push_once(&mut labels, label);
        }
        for dash in not_applicable {
            push_once(&mut labels, dash);
        }
        close.dedup();
        out.push(NotChecked {
            check: entry.id.clone(),
            name: entry.name(),
            missing: labels,
            close,
        });
    }
    out
}

fn push_once(list: &mut Vec<Message>, item: Message) {
    if !list.contains(&item) {
        list.push(item);
    }
}

enum Coverage {
    Ran,
    /// Did not run: the fields not on the sheet, and the fields holding a dash (as named).
    Lacks(Vec<FieldKey>, Vec<Message>),
    /// An optional check whose left side is not in the table.
    NotApplicable,
}

fn rule_coverage(
    template: &Template,
    layout: &Layout,
    figures: &Figures,
    evaluation: &Evaluation,
    index: usize,
    rule: &TemplateRule,
) -> Coverage {
    let ran = (evaluation.checks.iter().zip(&evaluation.outcomes))
        .any(|(c, o)| c.template_rule == Some(index) && *o != Outcome::Skipped);
    if ran {
        return Coverage::Ran;
    }
    let lhs = rule.keyed.lhs.refs();
    if rule.optional && lhs.iter().any(|k| !located(template, layout, k)) {
        return Coverage::NotApplicable;
    }
    let refs: Vec<&FieldKey> = lhs.into_iter().chain(rule.keyed.rhs.refs()).collect();
    let missing: Vec<FieldKey> = refs
        .iter()
        .filter(|k| !located(template, layout, k))
        .map(|k| **k)
        .collect();
    let dashes: Vec<Message> = figures
        .not_applicable
        .iter()
        .filter(|(key, _)| refs.iter().any(|k| same_field(k, key)))
        .map(|(key, shown)| {
            msg!(
                CheckMsg::FiledAsDash,
                field_info(template, key).label,
                shown
            )
        })
        .collect();
    Coverage::Lacks(missing, dashes)
}

/// `rule` names `key` (a rule over a row of every column names each column's cell).
fn same_field(rule: &FieldKey, key: &FieldKey) -> bool {
    rule.field == key.field
        && (rule.column.is_none() || rule.column == key.column)
        && (rule.instance.is_none() || rule.instance == key.instance)
}

/// Whether the field `key` of a rule is on the sheet: a row of the 经费控制情况 block in any
/// column, a repeated row even with no instance, the 绩效指标 sums when the table has rows.
fn located(template: &Template, layout: &Layout, key: &FieldKey) -> bool {
    if key.field.as_str() == "ind" {
        return !layout.indicators.is_empty();
    }
    if field_info(template, key).repeat {
        return true;
    }
    layout.fields.contains_key(key) || layout.columns.contains_key(key)
}

/// The Rust-coded part of a rule: None when it ran, else what it lacked.
fn coded_coverage(id: &RuleId, layout: &Layout) -> Option<Vec<FieldKey>> {
    match id {
        RuleId::S5 | RuleId::S6 | RuleId::S7 | RuleId::S8 | RuleId::S10
            if layout.indicators.is_empty() =>
        {
            Some(vec![FieldKey::parse("ind.name")])
        }
        RuleId::B6 if !layout.fields.values().any(|f| f.plausible.is_some()) => Some(vec![
            FieldKey::parse("building.scale_rate"),
            FieldKey::parse("building.investment_rate"),
        ]),
        _ => None,
    }
}

fn field_info<'t>(template: &'t Template, key: &FieldKey) -> FieldInfo<'t> {
    let whole = FieldKey {
        instance: None,
        ..*key
    }
    .to_string();
    let blocks = [
        (&template.basic.staff.columns, true),
        (&template.basic.building.columns, true),
        (&template.score.budget.columns, false),
        (&template.score.labelled.fields, false),
    ];
    for (defs, basic) in blocks {
        if let Some(d) = defs.iter().find(|d| d.field == whole) {
            return FieldInfo {
                label: template.field_label(&d.field),
                labels: Some(&d.labels),
                basic,
                repeat: false,
            };
        }
    }
    let base = key.field.as_str();
    if let Some(row) = template
        .basic
        .spending
        .rows
        .iter()
        .find(|r| r.field == base)
    {
        return FieldInfo {
            label: template.field_label(base),
            labels: Some(&row.labels),
            basic: true,
            repeat: row.repeat,
        };
    }
    let indicators = &template.score.indicators;
    let (label, labels) = match base {
        "ind" => (indicators.name.first(), Some(&indicators.name)),
        "total" => (indicators.total.first(), Some(&indicators.total)),
        _ => (None, None),
    };
    FieldInfo {
        label: label.cloned().unwrap_or(whole),
        labels,
        basic: false,
        repeat: false,
    }
}

/// The label on the sheet, among those no field took, closest to one of the field's.
fn close_label(info: &FieldInfo, unmatched: &[String]) -> Option<CloseLabel> {
    let labels = info.labels?;
    let mut best: Option<(f64, &String, &String)> = None;
    for found in unmatched {
        let head = fold(found);
        let head = norm(head.split(['(', '（']).next().unwrap_or(""));
        if head.is_empty() {
            continue;
        }
        for (known, normalised) in labels.iter().zip(labels.normalised()) {
            let share = common_share(&head, normalised);
            if share >= CLOSE_SHARE && best.is_none_or(|(s, _, _)| share > s) {
                best = Some((share, found, known));
            }
        }
    }
    best.map(|(_, found, known)| CloseLabel {
        found: found.clone(),
        known: known.clone(),
    })
}

/// The longest common subsequence of `a` and `b`, in characters, over the longer's length;
/// 0 for fewer than two characters in common.
fn common_share(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row = vec![0usize; b.len() + 1];
    for ca in &a {
        let mut diagonal = 0;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    let common = row[b.len()];
    if common < 2 {
        return 0.0;
    }
    common as f64 / a.len().max(b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_labels_share_most_characters_in_order() {
        assert!(common_share("实有人数", "实际在职人数") >= CLOSE_SHARE);
        assert!(common_share("在编人数", "编制数") >= CLOSE_SHARE);
        assert!(common_share("办公经费", "实际在职人数") < CLOSE_SHARE);
        assert_eq!(common_share("数", "编制数"), 0.0);
    }
}
