//! The fields a family's tables hold, as the data exchange (`jixiao export`, `jixiao import`)
//! names them: the stable key, the block, the label and the column, all from the template.

use super::labels::{plain_label, COLUMNS};
use super::{FieldDef, Kind, Template};

/// One field of the tables as exported: `sangong.final` is 经费控制情况 · 三公经费 · 本年决算数.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    /// The key as exported; a repeated row's instances add `#N` (`special#0.final`).
    pub key: String,
    /// The block of the tables: 财政供养人员, 经费控制情况, 楼堂馆所, 年度预算, 自评表, 总分.
    pub block: &'static str,
    /// How the field (or the 经费控制情况 row) is called.
    pub label: String,
    /// The column of a 经费控制情况 row: 上年决算数, 本年预算数, 本年决算数.
    pub column: Option<&'static str>,
    pub kind: Kind,
    /// A row that may appear several times (one 专项 a row).
    pub repeat: bool,
}

impl FieldInfo {
    /// The first header row of the wide sheet: the row label in 经费控制情况, else the block.
    pub fn group(&self) -> &str {
        match self.column {
            Some(_) => &self.label,
            None => self.block,
        }
    }

    /// The second header row: the column in 经费控制情况, else the label.
    pub fn heading(&self) -> &str {
        self.column.unwrap_or(&self.label)
    }
}

impl Template {
    /// Every field the tables of this family hold, in the order the tables print them (the
    /// 绩效指标 rows apart: they are exported as a list of their own).
    pub fn field_infos(&self) -> Vec<FieldInfo> {
        let mut out = Vec::new();
        let defs = |defs: &[FieldDef], block: &'static str, out: &mut Vec<FieldInfo>| {
            for d in defs {
                let mut label = plain_label(d.print.as_deref(), &d.labels);
                if block == "年度预算" && d.kind == Kind::Score {
                    label = format!("执行率{label}");
                }
                out.push(FieldInfo {
                    key: d.field.clone(),
                    block,
                    label,
                    column: None,
                    kind: d.kind,
                    repeat: false,
                });
            }
        };
        defs(&self.basic.staff.columns, "财政供养人员", &mut out);
        for row in &self.basic.spending.rows {
            let label = plain_label(row.print.as_deref(), &row.labels);
            for (suffix, column) in COLUMNS {
                out.push(FieldInfo {
                    key: format!("{}.{suffix}", row.field),
                    block: "经费控制情况",
                    label: label.clone(),
                    column: Some(*column),
                    kind: Kind::Amount,
                    repeat: row.repeat,
                });
            }
        }
        defs(&self.basic.building.columns, "楼堂馆所", &mut out);
        defs(&self.score.budget.columns, "年度预算", &mut out);
        defs(&self.score.labelled.fields, "自评表", &mut out);
        for (key, label) in [("total.points", "总分值"), ("total.score", "总分")] {
            out.push(FieldInfo {
                key: key.into(),
                block: "总分",
                label: label.into(),
                column: None,
                kind: Kind::Score,
                repeat: false,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_the_headers_tell_them_apart() {
        for t in Template::built_in_ref() {
            let infos = t.field_infos();
            for (i, a) in infos.iter().enumerate() {
                for b in &infos[i + 1..] {
                    assert_ne!(a.key, b.key, "{}", t.family);
                    assert_ne!((a.group(), a.heading()), (b.group(), b.heading()));
                }
            }
        }
        let t = &Template::built_in_ref()[0];
        let infos = t.field_infos();
        let sangong = infos.iter().find(|f| f.key == "sangong.final").unwrap();
        assert_eq!(
            (sangong.group(), sangong.heading()),
            ("三公经费", "本年决算数")
        );
        let rate = infos.iter().find(|f| f.key == "staff.rate").unwrap();
        assert_eq!((rate.group(), rate.heading()), ("财政供养人员", "控制率"));
    }
}
