//! The framing text of reports and summaries: headings, labels, counts.

catalogue! {
    pub enum Frame {
        CannotCheck => "无法检查：", "cannot check: ";
        Year => "{} 年度", "year {}";
        TotalFiled => "填报总分", "total as filed";
        Recalculated => "重算总分", "recalculated";
        Grade => "等级", "grade";
        NoFindings => "未发现问题", "no findings";
        Findings => "发现问题", "findings";
        CountSep => "，", ", ";
        CountsOpen => "（", " (";
        CountsClose => "）", ")";
        Blank => "（空）", "(blank)";
        Note => "说明：", "note:";
        AnnotatedCopy => "批注副本：", "annotated copy:";
        Corrected => "更正版：", "corrected:";
        CorrectionCount => "（更正 {} 处）", " ({} cells corrected)";
        NotCorrected => "未更正", "not corrected:";
        Checked => "已检查", "checked";
        SummaryHeading => "汇总（问题最多的在前）", "Summary (worst first)";
        SummaryTotals => "共 {} 个文件：无法检查 {}，有错误 {}，仅有提示 {}，未发现问题 {}", "{} files: {} could not be checked, {} with errors, {} with warnings only, {} clean";
        SummaryWorkbook => "汇总表：{}", "summary workbook: {}";
        MoreInWorkbook => "……另有 {} 个文件问题较少，完整列表见 {}", "… {} more files with fewer findings; all of them are in {}";
        MoreWithHint => "……另有 {} 个文件问题较少；加 --summary 汇总.xlsx 可写出完整汇总表", "… {} more files with fewer findings; --summary NAME.xlsx writes them all";
        NoWorkbook => "未找到工作簿：{} 中没有 .xlsx、.xls、.ods 或 .et 文件", "no workbook found: {} holds no .xlsx, .xls, .ods or .et file";
        Skipped => "未检查 {}：{}", "not checked: {} ({})";
        SkippedCount => "另有 {} 个文件未检查，原因见上面各行", "{} more files not checked, each named above with the reason";
        Interrupted => "已中断：已检查的文件见上，其余未检查", "interrupted: the files checked are above, the rest were not checked";
        OutputFailed => "输出检查结果失败：{}", "printing the report failed: {}";
        Progress => "有误 {} · 无法检查 {}", "with errors {} · not checked {}";
    }
}
