//! The registry of every rule (RULES.md §3): what each is called, what it checks, where it
//! comes from and how it is carried out — by the template's `[[checks]]`, by Rust code in this
//! folder (one file per rule or tight family), or both.

pub mod indicators;
pub mod plausibility;
pub mod targets;
pub mod total;
pub mod unreadable;

use crate::model::{RuleId, Severity};
use crate::template::{Template, TemplateRule};

/// One rule of RULES.md.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: RuleId,
    pub name: &'static str,
    pub name_en: &'static str,
    /// What the rule says, in Chinese.
    pub description: &'static str,
    /// Where the rule comes from (RULES.md's source column).
    pub source: &'static str,
    /// The part written in Rust, if any; the rest is the template's checks with this id.
    pub coded: Option<Coded>,
}

/// What the Rust code of a rule checks.
#[derive(Debug)]
pub struct Coded {
    pub checks: &'static str,
    /// Every severity it reports, most serious first.
    pub severities: &'static [Severity],
    /// Whether it has anything to check in a template.
    pub applies: fn(&Template) -> bool,
}

const fn template(
    id: RuleId,
    name: &'static str,
    name_en: &'static str,
    description: &'static str,
    source: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        name,
        name_en,
        description,
        source,
        coded: None,
    }
}

const fn coded(
    rule: RuleInfo,
    checks: &'static str,
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
        "财政供养人员控制率",
        "Staff control rate",
        "实际在职人数 ÷ 编制数 × 100%，按计算结果填列（超过 100% 亦然）。",
        "Hunan basic-data tables: 136/143 → 95.10%, 50/46 → 108.70%",
    ),
    template(
        RuleId::B2,
        "三公经费",
        "Three public expenses",
        "每一列：三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待。",
        TABLES,
    ),
    template(
        RuleId::B3,
        "公务用车购置和维护经费",
        "Official vehicles",
        "公务用车购置和维护经费 = 公车购置 + 公车运行维护。",
        TABLES,
    ),
    template(
        RuleId::B4,
        "项目支出",
        "Project spending",
        "项目支出 = 业务经费 + 运行维护经费 + 每一行专项资金。",
        TABLES,
    ),
    template(
        RuleId::B5,
        "公用经费",
        "Public funds",
        "公用经费 ≥ 办公经费 + 水费、电费、差旅费 + 会议费、培训费（“其中”各项）。",
        TABLES,
    ),
    coded(
        template(
            RuleId::B6,
            "规模控制率 / 投资概算控制率",
            "Scale and investment control rates",
            "表中有实际规模、批复规模、实际投资、投资概算时，控制率 = 实际 ÷ 批复（概算）；否则只查是否在合理范围内。",
            "Hunan indicator tables",
        ),
        "模板标有合理范围（plausible）的字段，没有检查可据以重算时，须在该范围内",
        &[Severity::Warning],
        plausibility::applies,
    ),
    template(
        RuleId::S1,
        "执行率",
        "Budget execution rate",
        "执行率 = 全年执行数 ÷ 全年预算数（不是年初预算数）。",
        "Hunan and Sichuan tables",
    ),
    template(
        RuleId::S2,
        "执行率得分",
        "Execution-rate score",
        "分值 × 执行率，不超过分值；按精确比值计算，不按舍入后的执行率（10 × 99.548…% = 9.95，不是 9.96）。",
        "Beijing and Hubei self-evaluation rules",
    ),
    template(
        RuleId::S3,
        "收入合计",
        "Income total",
        "一般公共预算 + 政府性基金 + 专户 + 其他 = 全年执行数。",
        "published tables",
    ),
    template(
        RuleId::S4,
        "支出合计",
        "Spending total",
        "基本支出 + 项目支出 = 全年执行数；不符而无法归因到单个单元格时为提示（公开的报表有时不一致）。",
        "published tables",
    ),
    template(
        RuleId::X1,
        "跨表一致",
        "Cross-sheet",
        "自评表的项目支出 = 基础数据表中项目支出的本年决算数。",
        "published tables",
    ),
    coded(
        template(
            RuleId::S5,
            "定量指标达标",
            "Quantitative indicator, target met",
            "实际完成值达到年度指标值（数值、等级或期限）时应得满分；扣分为提示。",
            SCORING,
        ),
        "实际完成值达到年度指标值而得分低于分值",
        &[Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::S6,
            "定量指标未达标",
            "Quantitative indicator, target missed",
            "正向（≥）：实际 ÷ 目标 × 分值；反向（≤）：目标 ÷ 实际 × 分值。",
            SCORING,
        ),
        "未达标的定量指标按比例得分；高于比例为错误，比例得分截断而未四舍五入为舍入，低于比例为提示",
        &[Severity::Error, Severity::Rounding, Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::S7,
            "定性指标",
            "Qualitative indicator",
            "达成 80%～100% 分值，部分达成 50%～80%，未达成 0～50%；只有“达成”（实际与目标一致）可机械判断。",
            "Jiangxi template note",
        ),
        "实际完成情况与目标一致的定性指标，得分须在分值的 80%～100% 之间",
        &[Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::S8,
            "指标得分范围",
            "Indicator score range",
            "0 ≤ 得分 ≤ 分值；扣分须写明偏差原因分析及改进措施（未写为提示）。",
            "template column; practice",
        ),
        "得分超出 0～分值为错误；扣分而未填写偏差原因分析及改进措施为提示",
        &[Severity::Error, Severity::Warning],
        always,
    ),
    template(
        RuleId::S9,
        "分值合计",
        "Weights",
        "执行率分值 + 各项指标分值 = 100。",
        "templates (execution 10; commonly 产出 50 / 效益 30 / 满意度 10 across the rest)",
    ),
    coded(
        template(
            RuleId::S10,
            "总分与等级",
            "Total and grade",
            "总分 = 各项得分之和；优 ≥ 90，良 80～90，中 60～80，差 < 60。",
            "财政部 grade bands",
        ),
        "等级与填报的总分相符（合格视同中，不合格视同差）",
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::V1,
            "无法读取",
            "Unreadable cell",
            "应为数值的单元格无法读取（文字、比较式、没有保存结果又无法计算的公式）时报告，不当作 0。",
            "RULES.md §2",
        ),
        "应为数值的单元格无法读取",
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::R1,
            "报告与附表一致",
            "Report figure matches the table",
            "自评报告正文中的数字（如“基本支出 2204.95 万元”）与附表中同一项目、同一口径（预算、决算、上年）的数字一致。",
            "审核实践：“报告与附表数据不一致”",
        ),
        "正文数字与附表单元格比较（按词表识别项目与口径）",
        &[Severity::Error, Severity::Warning],
        always,
    ),
    coded(
        template(
            RuleId::R2,
            "报告明细合计",
            "Report items add up",
            "正文列出的明细（“352.14 万元：办公费 18.66 万元，……”）之和等于其前所述的合计。",
            "审核实践",
        ),
        "正文明细之和与所述合计比较",
        &[Severity::Error],
        always,
    ),
    coded(
        template(
            RuleId::R3,
            "报告比率与增减",
            "Report rates and changes",
            "正文所述的比率、增减额与增减幅度与其所依据的数字算得的一致（四舍五入，截断另作“舍入”）。",
            "RULES.md §3、§5",
        ),
        "正文比率、增减额与幅度按其数字重算",
        &[Severity::Error, Severity::Rounding],
        always,
    ),
];

/// A rule as it applies to one template: what RULES.md says about it (nothing for an id a
/// template defines beyond it) and the template's checks with its id.
#[derive(Debug)]
pub struct Entry<'a> {
    pub id: RuleId,
    pub info: Option<&'static RuleInfo>,
    pub checks: Vec<&'a TemplateRule>,
}

impl Entry<'_> {
    /// The name RULES.md gives it, or the template's for an id of its own.
    pub fn name(&self) -> &str {
        match (self.info, self.checks.first()) {
            (Some(info), _) => info.name,
            (None, Some(check)) => &check.name,
            (None, None) => "",
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
        let checks: Vec<&TemplateRule> =
            template.rules.iter().filter(|r| r.id == info.id).collect();
        let coded = info.coded.as_ref().is_some_and(|c| (c.applies)(template));
        if !checks.is_empty() || coded {
            out.push(Entry {
                id: info.id.clone(),
                info: Some(info),
                checks,
            });
        }
    }
    for rule in &template.rules {
        match out.iter_mut().find(|e| e.id == rule.id) {
            Some(e) if e.info.is_none() => e.checks.push(rule),
            Some(_) => {}
            None => out.push(Entry {
                id: rule.id.clone(),
                info: None,
                checks: vec![rule],
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
