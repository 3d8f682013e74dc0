//! Labels and field names: how a person calls a field, and rules written with labels put in
//! field names.

use super::{FieldDef, Kind, Template};
use crate::expr::{Expr, Rule};
use crate::i18n::errors::ErrMsg;
use crate::i18n::words::Word;
use crate::i18n::{msg, Message};
use crate::model::text::norm;

/// Names a rule may use besides the fields of the layout.
const RULE_NAMES: &[&str] = &[
    "ind.points",
    "ind.score",
    "ind.points_header",
    "total.points",
    "total.score",
];

/// Column suffixes of the 经费控制情况 rows and how they are called.
pub(super) const COLUMNS: &[(&str, &str)] = &[
    ("prev", "上年决算数"),
    ("budget", "本年预算数"),
    ("final", "本年决算数"),
];

/// What a rule may write in brackets after a row's label, and the blocks a label may name.
const QUALIFIERS: [&str; 4] = ["上年决算数", "本年预算数", "本年决算数", "各行合计"];
const BLOCKS: [&str; 4] = ["财政供养人员", "楼堂馆所", "年度预算", "自评表"];
const SPENDING_BLOCK: &str = "经费控制情况";

/// A label as a person reads it: the printed text without its numbering, `其中：`, a trailing
/// colon or a note in brackets ("3、本级专项资金（一个专项一行）" → "本级专项资金").
pub(super) fn plain_label(print: Option<&str>, labels: &[String]) -> String {
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

impl Template {
    /// A rule written with labels (`三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待`,
    /// `项目支出（自评表） = 项目支出（本年决算数）`) in field names.
    pub(super) fn resolve_rule(&self, text: &str) -> Result<Rule, Message> {
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
        Ok(Rule {
            lhs: self.resolve_expr(&rule.lhs)?,
            cmp: rule.cmp,
            rhs: self.resolve_expr(&rule.rhs)?,
        })
    }

    fn resolve_expr(&self, expr: &Expr) -> Result<Expr, Message> {
        Ok(match expr {
            Expr::Num(_) => expr.clone(),
            Expr::Ref(name) => Expr::Ref(self.resolve_name(name)?),
            Expr::Range(a, b) => return Err(msg!(ErrMsg::RuleRange, format!("{a}:{b}"))),
            Expr::Neg(e) => Expr::Neg(Box::new(self.resolve_expr(e)?)),
            Expr::Bin(op, a, b) => Expr::Bin(
                *op,
                Box::new(self.resolve_expr(a)?),
                Box::new(self.resolve_expr(b)?),
            ),
            Expr::Call(func, args) => Expr::Call(
                *func,
                args.iter()
                    .map(|a| self.resolve_expr(a))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// The field lists of the 财政供养人员, 楼堂馆所, 年度预算 and 自评表 blocks, each with its
    /// block's name (the qualifier a label may carry).
    fn field_blocks(&self) -> [(&[FieldDef], &'static str); 4] {
        [
            (&self.basic.staff.columns, "财政供养人员"),
            (&self.basic.building.columns, "楼堂馆所"),
            (&self.score.budget.columns, "年度预算"),
            (&self.score.labelled.fields, "自评表"),
        ]
    }

    /// Names a label may stand for: (normalised label, field, block; the block of a
    /// 经费控制情况 row is empty).
    fn aliases(&self) -> Vec<(String, String, &'static str)> {
        let mut out = Vec::new();
        for (defs, block) in self.field_blocks() {
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
    fn resolve_name(&self, name: &str) -> Result<String, Message> {
        // 三公经费（本年决算数） reaches here as one reference (see `expr::parse`).
        let qualified = name.strip_suffix(')').and_then(|n| n.split_once('('));
        if qualified.is_none() && self.knows(&self.field_names(), name) {
            return Ok(name.to_string());
        }
        // 三公经费.本年决算数 is 三公经费（本年决算数）.
        let (label, qualifier) = match (qualified, name.rsplit_once('.')) {
            (Some((l, q)), _) => (l, Some(q)),
            (None, Some((l, q))) if !l.is_ascii() => (l, Some(q)),
            _ => (name, None),
        };
        let key = norm(label);
        let mut found: Vec<(String, &'static str)> = Vec::new();
        for (alias, field, block) in self.aliases() {
            if alias == key && !found.iter().any(|(f, _)| *f == field) {
                found.push((field, block));
            }
        }
        if found.is_empty() {
            return Err(msg!(ErrMsg::RuleUnknownName, label));
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
                    _ => Err(msg!(ErrMsg::RuleNotARow, label, SPENDING_BLOCK, q)),
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
                    _ => Err(msg!(
                        ErrMsg::RuleUnknownQualifier,
                        label,
                        q,
                        Message::join(QUALIFIERS.map(Message::from), Word::ListSep),
                        Message::join(BLOCKS.map(Message::from), Word::ListSep)
                    )),
                }
            }
            None => match found.as_slice() {
                [(field, _)] => Ok(field.clone()),
                _ => {
                    let options = found.iter().map(|(f, b)| {
                        if b.is_empty() {
                            msg!(ErrMsg::RuleRowOption, label, COLUMNS[2].1, f.as_str())
                        } else {
                            msg!(ErrMsg::RuleBlockOption, label, *b, f.as_str())
                        }
                    });
                    Err(msg!(
                        ErrMsg::RuleAmbiguous,
                        label,
                        Message::join(options, Word::ClauseSep)
                    ))
                }
            },
        }
    }

    /// Every field name the layout defines, with the column suffixes of the 经费控制情况 rows,
    /// and how it is called.
    pub fn field_names(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (defs, block) in self.field_blocks() {
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

    pub(super) fn knows(&self, known: &[(String, String)], name: &str) -> bool {
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
}
