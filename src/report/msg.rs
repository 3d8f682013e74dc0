//! The framing text of reports and summaries (headings, labels, counts), one table per
//! language. A `{}` in a text is filled by [`fill`], in order. The findings' own messages are
//! written by the check stage.

use std::fmt::Display;

use crate::annotate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    CannotCheck,
    Year,
    TotalFiled,
    Recalculated,
    Grade,
    NoFindings,
    Findings,
    CountSep,
    CountsOpen,
    CountsClose,
    Blank,
    Note,
    AnnotatedCopy,
    Corrected,
    CorrectionCount,
    NotCorrected,
    Checked,
    SummaryHeading,
    SummaryTotals,
    SummaryWorkbook,
    MoreInWorkbook,
    MoreWithHint,
    NoWorkbook,
    Skipped,
    SkippedCount,
    Interrupted,
    OutputFailed,
    Progress,
    NotCheckedCount,
}

/// The text of `m` in `lang`.
pub fn text(m: Msg, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => zh(m),
        Lang::En => en(m),
    }
}

/// The text of `m` in `lang` with its `{}` filled by `args`, in order.
pub fn fill(m: Msg, lang: Lang, args: &[&dyn Display]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut parts = text(m, lang).split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        if let Some(a) = args.next() {
            out.push_str(&a.to_string());
        }
        out.push_str(part);
    }
    out
}

fn zh(m: Msg) -> &'static str {
    match m {
        Msg::CannotCheck => "无法检查：",
        Msg::Year => "{} 年度",
        Msg::TotalFiled => "填报总分",
        Msg::Recalculated => "重算总分",
        Msg::Grade => "等级",
        Msg::NoFindings => "未发现问题",
        Msg::Findings => "发现问题",
        Msg::CountSep => "，",
        Msg::CountsOpen => "（",
        Msg::CountsClose => "）",
        Msg::Blank => "（空）",
        Msg::Note => "说明：",
        Msg::AnnotatedCopy => "批注副本：",
        Msg::Corrected => "更正版：",
        Msg::CorrectionCount => "（更正 {} 处）",
        Msg::NotCorrected => "未更正",
        Msg::Checked => "已检查",
        Msg::SummaryHeading => "汇总（问题最多的在前）",
        Msg::SummaryTotals => "共 {} 个文件：无法检查 {}，有错误 {}，仅有提示 {}，未发现问题 {}",
        Msg::SummaryWorkbook => "汇总表：{}",
        Msg::MoreInWorkbook => "……另有 {} 个文件问题较少，完整列表见 {}",
        Msg::MoreWithHint => "……另有 {} 个文件问题较少；加 --summary 汇总.xlsx 可写出完整汇总表",
        Msg::Skipped => "未检查 {}：{}",
        Msg::SkippedCount => "另有 {} 个文件未检查，原因见上面各行",
        Msg::Interrupted => "已中断：已检查的文件见上，其余未检查",
        Msg::NoWorkbook => "未找到工作簿：{} 中没有 .xlsx、.xls、.ods 或 .et 文件",
        Msg::OutputFailed => "输出检查结果失败：{}",
        Msg::Progress => "有误 {} · 无法检查 {}",
        Msg::NotCheckedCount => "未能检查",
    }
}

fn en(m: Msg) -> &'static str {
    match m {
        Msg::CannotCheck => "cannot check: ",
        Msg::Year => "year {}",
        Msg::TotalFiled => "total as filed",
        Msg::Recalculated => "recalculated",
        Msg::Grade => "grade",
        Msg::NoFindings => "no findings",
        Msg::Findings => "findings",
        Msg::CountSep => ", ",
        Msg::CountsOpen => " (",
        Msg::CountsClose => ")",
        Msg::Blank => "(blank)",
        Msg::Note => "note:",
        Msg::AnnotatedCopy => "annotated copy:",
        Msg::Corrected => "corrected:",
        Msg::CorrectionCount => " ({} cells corrected)",
        Msg::NotCorrected => "not corrected:",
        Msg::Checked => "checked",
        Msg::SummaryHeading => "Summary (worst first)",
        Msg::SummaryTotals => {
            "{} files: {} could not be checked, {} with errors, {} with warnings only, {} clean"
        }
        Msg::SummaryWorkbook => "summary workbook: {}",
        Msg::MoreInWorkbook => "… {} more files with fewer findings; all of them are in {}",
        Msg::MoreWithHint => {
            "… {} more files with fewer findings; --summary NAME.xlsx writes them all"
        }
        Msg::Skipped => "not checked: {} ({})",
        Msg::SkippedCount => "{} more files not checked, each named above with the reason",
        Msg::Interrupted => "interrupted: the files checked are above, the rest were not checked",
        Msg::NoWorkbook => "no workbook found: {} holds no .xlsx, .xls, .ods or .et file",
        Msg::OutputFailed => "printing the report failed: {}",
        Msg::Progress => "with errors {} · not checked {}",
        Msg::NotCheckedCount => "Not checked",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_the_arguments_in_order() {
        assert_eq!(fill(Msg::Year, Lang::Zh, &[&2024]), "2024 年度");
        assert_eq!(
            fill(Msg::MoreInWorkbook, Lang::En, &[&3, &"a.xlsx"]),
            "… 3 more files with fewer findings; all of them are in a.xlsx"
        );
    }
}
