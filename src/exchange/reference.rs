//! docs/fields.md: the field names of `jixiao export` and `jixiao import`, from the templates.

use std::fmt::Write;

use super::export::csv::{FIELD_COLUMNS, INDICATOR_COLUMNS};
use super::export::xlsx::META_COLUMNS;
use crate::model::Kind;
use crate::template::Template;

const GENERATED: &str =
    "<!-- Generated from workbook-templates/ by `jixiao::exchange::reference`; \
    regenerate with `UPDATE_DOCS=1 cargo test --lib exchange::reference`, do not edit by hand. -->";

fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Amount => "金额（万元）",
        Kind::Rate => "比率（%）",
        Kind::Score => "分值",
        Kind::Count => "整数",
    }
}

/// The reference page in Markdown: the formats, then every family's fields.
pub fn reference(templates: &[Template]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{GENERATED}\n\n# 导出与导入的字段 · Export and import fields\n"
    );
    out.push_str(
        "`jixiao export` 与 `jixiao import` 用同一套字段名（下表“字段”列），JSON、CSV 和宽表 \
         xlsx 三种格式相同。`special` 这样可重复的行（一个专项一行）在字段名中带序号：\
         `special#0.final`、`special#1.final`……宽表的表头写作“本级专项资金 1”“本级专项资金 2”。\n\n",
    );
    out.push_str("## JSON（`--format json`，`\"schema\": \"jixiao.data/1\"`）\n\n");
    out.push_str(
        "`{\"schema\", \"workbooks\": [{\"path\", \"department\", \"year\", \"family\", \"status\", \
         \"error\", \"total_score\", \"recalculated_total_score\", \"grade\", \"fields\": {字段: \
         {\"label\", \"sheet\", \"cell\", \"column\", \"value\", \"shown\", \"recalculated\", \
         \"finding\"}}, \"indicators\": [{\"level1\", \"level2\", \"name\", \"target\", \"actual\", \
         \"points\", \"score\", \"recalculated_score\", \"reason\", \"finding\"}]}]}`\n\n\
         - `value`：填报值，十进制数字串，比率按小数（79.80% 写作 `0.798`）；单元格不是数字时为其文字；空白为 null。\n\
         - `shown`：单元格显示的样子（`79.80%`），导入时按它的小数位数和百分号设置数字格式。\n\
         - `recalculated`：规则算出的值（有规则决定该单元格时）；`finding`：该单元格最严重的问题\
         （error、rounding、missing、warning）。\n\
         - 指标的 `target`、`actual`、`points`、`score`、`reason` 均为单元格显示的文字。\n\
         - 架构文件：`schemas/jixiao.data-1.schema.json`。\n\n",
    );
    out.push_str("## CSV（`--format csv`，UTF-8 带 BOM）\n\n");
    let _ = writeln!(
        out,
        "每个工作簿的每个字段一行，列为：`{}`。加 `--indicators` 则每个指标一行，列为：`{}`。\n",
        FIELD_COLUMNS.join(", "),
        INDICATOR_COLUMNS.join(", ")
    );
    out.push_str("## 宽表（`--format xlsx`，以及 `import` 读入的一部门一行的 CSV/xlsx）\n\n");
    let _ = writeln!(
        out,
        "第一张表每个工作簿一行，问题最多的在前。前几列为 {}，其后每个字段一列；两行表头：\
         第一行为表块（经费控制情况中为行名），第二行为名称（经费控制情况中为列名），例如\
         “三公经费 / 本年决算数”。第二张表每个指标一行。\n\n\
         `jixiao import` 读入一部门一行的表时，表头可以是这样的两行中文，也可以是一行字段名\
         （`department`、`year`、`family` 与下表的字段）。\n",
        META_COLUMNS
            .iter()
            .map(|(zh, key)| format!("{zh}（`{key}`）"))
            .collect::<Vec<_>>()
            .join("、")
    );
    for t in templates {
        let _ = writeln!(out, "## {}：{}\n", t.family, t.description);
        out.push_str("| 字段 | 表块 | 名称 | 列 | 类型 |\n|---|---|---|---|---|\n");
        for info in t.field_infos() {
            let key = match (info.repeat, info.key.split_once('.')) {
                (true, Some((row, column))) => format!("{row}#N.{column}"),
                _ => info.key.clone(),
            };
            let _ = writeln!(
                out,
                "| `{key}` | {} | {} | {} | {} |",
                info.block,
                info.label,
                info.column.unwrap_or(""),
                kind_text(info.kind)
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/fields.md is [`reference`] of the built-in templates; `UPDATE_DOCS=1` rewrites it.
    #[test]
    fn the_fields_reference_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fields.md");
        let want = reference(Template::built_in_ref());
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/fields.md is stale: regenerate it with `UPDATE_DOCS=1 cargo test --lib exchange::reference`"
        );
    }
}
