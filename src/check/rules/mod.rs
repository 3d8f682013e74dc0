//! The registry of every rule (RULES.md §3): what each is called, what it checks, where it
//! comes from and how it is carried out — by the template's `[[checks]]`, by Rust code in this
//! folder (one file per rule or tight family), or both.

pub mod indicators;
pub mod plausibility;
pub mod targets;
pub mod total;
pub mod unreadable;

use crate::i18n::check::CheckMsg;
use crate::i18n::Message;
use crate::model::{RuleId, Severity};
use crate::template::{Template, TemplateRule};

/// One rule of RULES.md.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: RuleId,
    pub name: CheckMsg,
    /// What the rule says.
    pub description: CheckMsg,
    /// Where the rule comes from (RULES.md's source column).
    pub source: &'static str,
    /// The part written in Rust, if any; the rest is the template's checks with this id.
    pub coded: Option<Coded>,
}

/// What the Rust code of a rule checks.
#[derive(Debug)]
pub struct Coded {
    pub checks: CheckMsg,
    /// Every severity it reports, most serious first.
    pub severities: &'static [Severity],
    /// Whether it has anything to check in a template.
    pub applies: fn(&Template) -> bool,
}

const fn template(
    id: RuleId,
    name: CheckMsg,
    description: CheckMsg,
    source: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        name,
        description,
        source,
        coded: None,
    }
}

const fn coded(
    rule: RuleInfo,
    checks: CheckMsg,
    severities: &'static [Severity],
    applies: fn(&Template) -> bool,
) -> RuleInfo {
    let mut rule = rule;
    rule.coded = Some(Coded {
        checks,
        severities,
        applies,
    });
    rule
}

fn always(_: &Template) -> bool {
    true
}

const TABLES: &str = "template structure; checked on published tables";
const SCORING: &str = "Beijing / Jiangxi rules; practice sometimes deducts";

/// Every rule of RULES.md, in its order.
pub static RULES: [RuleInfo; 21] = [
    template(
        RuleId::B1,
        CheckMsg::B1Name,
        CheckMsg::B1Says,
        "Hunan basic-data tables: 136/143 → 95.10%, 50/46 → 108.70%",
    ),
    template(RuleId::B2, CheckMsg::B2Name, CheckMsg::B2Says, TABLES),
    template(RuleId::B3, CheckMsg::B3Name, CheckMsg::B3Says, TABLES),
    template(RuleId::B4, CheckMsg::B4Name, CheckMsg::B4Says, TABLES),
    template(RuleId::B5, CheckMsg::B5Name, CheckMsg::B5Says, TABLES),
    coded(
        template(
            RuleId::B6,
            CheckMsg::B6Name,
            CheckMsg::B6Says,
            "Hunan indicator tables",
        ),
        CheckMsg::B6Code,
        &[Severity::Warning],
        plausibility::applies,
    ),
    template(
        RuleId::S1,
        CheckMsg::S1Name,
        CheckMsg::S1Says,
        "Hunan and Sichuan tables",
    ),
    template(
        RuleId::S2,
        CheckMsg::S2Name,
        CheckMsg::S2Says,
        "Beijing and Hubei self-evaluation rules",
    ),
    template(
        RuleId::S3,
        CheckMsg::S3Name,
        CheckMsg::S3Says,
        "published tables",
    ),
    template(
        RuleId::S4,
        CheckMsg::S4Name,
        CheckMsg::S4Says,
        "published tables",
    ),
    template(
        RuleId::X1,
        CheckMsg::X1Name,
        CheckMsg::X1Says,
        "published tables",
    ),
    coded(
        template(RuleId::S5, CheckMsg::S5Name, CheckMsg::S5Says, SCORING),
        CheckMsg::S5Code,
        &[Severity::Warning],
        always,
    ),
    coded(
        template(RuleId::S6, CheckMsg::S6Name, CheckMsg::S6Says, SCORING),
        CheckMsg::S6Code,
        &[Severity::Error, Severity::Rounding, Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::S7,
            CheckMsg::S7Name,
            CheckMsg::S7Says,
            "Jiangxi template note",
        ),
        CheckMsg::S7Code,
        &[Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::S8,
            CheckMsg::S8Name,
            CheckMsg::S8Says,
            "template column; practice",
        ),
        CheckMsg::S8Code,
        &[Severity::Error, Severity::Warning],
        always,
    ),
    template(
        RuleId::S9,
        CheckMsg::S9Name,
        CheckMsg::S9Says,
        "templates (execution 10; commonly 产出 50 / 效益 30 / 满意度 10 across the rest)",
    ),
    coded(
        template(
            RuleId::S10,
            CheckMsg::S10Name,
            CheckMsg::S10Says,
            "财政部 grade bands",
        ),
        CheckMsg::S10Code,
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::V1,
            CheckMsg::V1Name,
            CheckMsg::V1Says,
            "RULES.md §2",
        ),
        CheckMsg::V1Code,
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::R1,
            CheckMsg::R1Name,
            CheckMsg::R1Says,
            "审核实践：“报告与附表数据不一致”",
        ),
        CheckMsg::R1Code,
        &[Severity::Error, Severity::Warning],
        always,
    ),
    coded(
        template(RuleId::R2, CheckMsg::R2Name, CheckMsg::R2Says, "审核实践"),
        CheckMsg::R2Code,
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::R3,
            CheckMsg::R3Name,
            CheckMsg::R3Says,
            "RULES.md §3、§5",
        ),
        CheckMsg::R3Code,
        &[Severity::Error, Severity::Rounding],
        always,
    ),
];

/// A rule as it applies to one template: what RULES.md says about it (nothing for an id a
/// template defines beyond it) and the template's checks with its id, each with its index in
/// [`Template::rules`].
#[derive(Debug)]
pub struct Entry<'a> {
    pub id: RuleId,
    pub info: Option<&'static RuleInfo>,
    pub checks: Vec<(usize, &'a TemplateRule)>,
}

impl Entry<'_> {
    /// The name RULES.md gives it, or the template's for an id of its own.
    pub fn name(&self) -> Message {
        match (self.info, self.checks.first()) {
            (Some(info), _) => Message::new(info.name),
            (None, Some((_, check))) => check.title(),
            (None, None) => Message::default(),
        }
    }

    /// The Rust-coded part, where it has something to check in `template`.
    pub fn coded(&self, template: &Template) -> Option<&'static Coded> {
        self.info?.coded.as_ref().filter(|c| (c.applies)(template))
    }
}

pub fn info(id: &RuleId) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == *id)
}

/// Every rule that applies to `template`, each id once: RULES.md's in its order, then the
/// template's own in the order it defines them.
pub fn registry(template: &Template) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry> = Vec::new();
    for info in &RULES {
        let checks: Vec<(usize, &TemplateRule)> = (template.rules.iter().enumerate())
            .filter(|(_, r)| r.id == info.id)
            .collect();
        let coded = info.coded.as_ref().is_some_and(|c| (c.applies)(template));
        if !checks.is_empty() || coded {
            out.push(Entry {
                id: info.id.clone(),
                info: Some(info),
                checks,
            });
        }
    }
    for (i, rule) in template.rules.iter().enumerate() {
        match out.iter_mut().find(|e| e.id == rule.id) {
            Some(e) if e.info.is_none() => e.checks.push((i, rule)),
            Some(_) => {}
            None => out.push(Entry {
                id: rule.id.clone(),
                info: None,
                checks: vec![(i, rule)],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_of_rules_md_is_registered_once() {
        for id in RuleId::KNOWN {
            assert_eq!(RULES.iter().filter(|r| r.id == id).count(), 1, "{id}");
        }
        let order: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
        let known: Vec<&str> = RuleId::KNOWN.iter().map(RuleId::as_str).collect();
        assert_eq!(order, known);
    }

    #[test]
    fn each_template_check_belongs_to_one_entry() {
        for t in Template::built_in() {
            let entries = registry(&t);
            for (i, e) in entries.iter().enumerate() {
                assert!(!entries[..i].iter().any(|o| o.id == e.id), "{}", e.id);
            }
            let listed: usize = entries.iter().map(|e| e.checks.len()).sum();
            assert_eq!(listed, t.rules.len(), "{}", t.family);
            for e in &entries {
                assert!(e.info.is_some(), "{} {}", t.family, e.id);
            }
        }
    }
}
