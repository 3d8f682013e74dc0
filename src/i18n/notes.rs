//! The annotated copy's own words: notes, the 校验结果 sheet, the summary workbook; and the
//! batch's and the command line's own lines (skip reasons, desktop hints, export and import).

catalogue! {
    pub enum NoteMsg {
        // A flagged cell's note.
        /// Between the lines of a note.
        Lines => "\n", "\n";
        /// Between a note's correction and findings.
        Paragraphs => "\n\n", "\n\n";
        /// An empty value, where a value is shown.
        Blank => "（空白）", "(blank)";
        /// `【错误】B1`: severity, rule.
        NoteHeading => "【{}】{}", "[{}] {}";
        NoteFound => "填报值：{}", "Found: {}";
        NoteExpected => "应为：{}", "Expected: {}";
        /// In the corrected copy: what the cell held, what it holds.
        CorrectedFromTo => "已更正：原值 {} → {}", "Corrected: was {}, now {}";
        /// In the annotated copy: what the corrected copy holds.
        CorrectedCopyHolds => "更正版中已改为 {}", "The corrected copy holds {}";
        /// In the corrected copy, under the correction of a formula's cell: the formula.
        FormulaReplaced => "原为公式 ={}，公式结果有误，已改为数值", "The formula ={} gave a wrong result and was replaced by the value";
        /// In the annotated copy, the same.
        FormulaWillBeReplaced => "公式 ={} 的结果有误，更正版中已改为数值", "The formula ={} gives a wrong result; the corrected copy holds the value instead";
        /// After a change in the corrected copy's properties.
        WasFormula => "（原为公式）", " (was a formula)";

        // The copy itself.
        SummarySheetName => "校验结果", "Check results";
        TitleAnnotated => "绩效自评表校验结果", "Self-evaluation check results";
        TitleCorrected => "绩效自评表更正稿", "Self-evaluation corrected copy";

        // The summary sheet of a copy.
        Department => "部门", "Department";
        Year => "年度", "Year";
        File => "文件", "File";
        TotalFiled => "总分（填报）", "Total (as filed)";
        TotalRecalculated => "总分（重算）", "Total (recalculated)";
        Grade => "等级", "Grade";
        FindingCount => "问题数", "Findings";
        Corrected => "已更正", "Corrected";
        Pending => "待人工处理", "Needs review";
        ColumnSheet => "工作表", "Sheet";
        ColumnCell => "单元格", "Cell";
        ColumnSeverity => "类别", "Severity";
        ColumnRule => "规则", "Rule";
        ColumnFound => "填报值", "Found";
        ColumnExpected => "应为", "Expected";
        ColumnMessage => "说明", "Message";
        ColumnAction => "处理", "Action";
        NoFindings => "未发现问题。", "No findings.";
        Notes => "备注", "Notes";
        RulesNotChecked => "未能检查", "Not checked";
        /// A fact of the workbook that was not found on it.
        Unknown => "（未识别）", "(not found)";
        Document => "自评报告", "Self-evaluation report";
        ColumnParagraph => "段落", "Paragraph";
        ColumnTableCell => "表中单元格", "Table cell";
        ColumnReportFigure => "报告中的数字", "Found";
        ColumnQuote => "原文", "Quote";
        /// `第 3 段`: the paragraph's number.
        Paragraph => "第 {} 段", "¶ {}";
        DocumentClean => "报告中的数字未发现问题。", "No findings in the report's figures.";
        /// The reason the report could not be checked.
        DocumentFailed => "无法检查：{}", "Could not be checked: {}";
        /// How many formulas a rebuilt copy holds as values.
        ValuesOnly => "原文件中有 {} 个公式无法原样转为 .xlsx 公式，已按计算结果保存为数值", "{} formulas could not be carried over to .xlsx and were saved as their values";

        // The report's notes on how a copy was made.
        /// How many entries, then their names.
        DroppedEntries => "副本中去掉了 {} 个路径不安全的压缩包部件（绝对路径或含 ..）：{}", "the copy leaves out {} package entries with unsafe paths (absolute or with ..): {}";
        /// The sheet's name, how many ranges.
        DroppedMerges => "工作表「{}」有 {} 个合并区域与前面的合并区域重复或重叠，副本中未合并（与 Excel 打开时的修复相同）", "sheet \"{}\": {} merged ranges repeat or overlap earlier ones and are not merged in the copy (as Excel's repair does)";
        /// Why the original could not be patched.
        Rebuilt => "副本未能在原文件上修补（{}），已按单元格重建：原文件中的图片、批注、数据验证、条件格式等未保留", "the copy could not be made by patching the original ({}) and was rebuilt cell by cell: the original's pictures, comments, data validation, conditional formats and the like are not kept";
        PatchSheetNames => "有工作表名称 Excel 不接受", "a sheet name Excel does not accept";
        PatchMissingPart => "文件缺少应有的组成部分", "a part the file should have is missing";
        PatchThreadedComments => "标记的工作表含有新式批注（线程批注）", "a marked sheet has threaded comments";
        PatchDrawing => "标记的工作表的批注绘图无法添加批注", "notes cannot be added to a marked sheet's comment drawing";
        PatchCustomProperties => "自定义属性的位置不合规范", "the custom properties are not where the format puts them";
        PatchUnreadable => "文件中有无法读取的部分", "a part of the file cannot be read";
        PatchTooLarge => "文件中有过大的部分", "a part of the file is too large";
        PatchUtf16 => "文件中有 UTF-16 编码的部分", "a part of the file is encoded in UTF-16";
        PatchNameTaken => "副本要添加的部分或工作表名称已被占用", "a part or sheet name the copy adds is taken";
        PatchZipWrite => "写入压缩包失败", "writing the zip package failed";
        PatchMalformedXml => "文件中有格式错误的 XML", "the file has malformed XML";
        PatchPrefixedXml => "XML 使用了命名空间前缀", "the XML uses namespace prefixes";
        PatchNamespace => "文件使用了严格（Strict）格式或其他命名空间", "the file uses the Strict format or another namespace";
        PatchUnexpectedPart => "文件的组成部分与其类型不符", "a part of the file does not match its type";
        PatchIdOutOfRange => "文件中的编号超出范围", "an id in the file is out of range";
        PatchStyles => "样式部分缺少单元格格式、字体、填充或边框列表", "the styles part lacks its cell format, font, fill or border list";
        PatchRowWithoutNumber => "有行没有行号", "a row has no number";
        PatchOutOfOrder => "行或单元格顺序错乱", "rows or cells are out of order";
        PatchCellWithoutAddress => "有单元格没有地址", "a cell has no address";
        PatchFixOverSharedFormula => "要更正的单元格是共享公式或数组公式的主单元格", "a cell to correct is the master cell of a shared or array formula";
        PatchNoCells => "标记的工作表缺少单元格数据", "a marked sheet has no cell data";
        PatchComments => "原有批注的格式无法合并", "the existing comments cannot be joined";
        PatchAlreadyMarked => "文件已是 jixiao 生成的副本", "the file is already a copy jixiao wrote";

        // Writing a copy failed.
        DirNotWritable => "输出目录不可写：{}（{}）", "the output folder cannot be written: {} ({})";
        DiskFull => "磁盘已满，无法写入 {}", "the disk is full; cannot write {}";
        NotOurs => "目标文件已存在，不是 jixiao 生成的或生成后被改过（加 --force 覆盖）：{}", "the file exists and jixiao did not write it, or it was changed since (--force replaces it): {}";
        SameAsInput => "输出文件就是输入文件，不会覆盖输入：{}", "the output would be the input itself, which is never replaced: {}";
        WriteFailed => "写入 {} 失败：{}", "writing {} failed: {}";
        BuildFailed => "生成工作簿失败：{}", "making the workbook failed: {}";

        // The batch summary: 汇总.xlsx and the terminal table.
        SummaryTitle => "部门整体支出绩效自评检查汇总", "Performance self-evaluation check summary";
        SummarySheet => "汇总", "Summary";
        SummaryTotalFiled => "填报总分", "Total as filed";
        SummaryRecalculated => "重算总分", "Recalculated";
        SummaryErrors => "错误", "Errors";
        SummaryRounding => "舍入", "Rounding";
        SummaryMissing => "缺失", "Missing";
        SummaryWarnings => "提示", "Warnings";
        SummaryStatus => "状态", "Status";
        SummaryRulesNotChecked => "未能检查的规则", "Rules not checked";
        TableFiled => "填报", "Filed";
        TableRecalculated => "重算", "Recalc";
        TableErrors => "错误", "Err";
        TableRounding => "舍入", "Round";
        TableMissing => "缺失", "Miss";
        TableWarnings => "提示", "Warn";
        TableCannotCheck => "无法检查", "not checked";
        /// The summary workbook at that path is not jixiao's.
        SummaryNotOurs => "汇总表 {} 已存在，不是 jixiao 生成的或生成后被改过；加 --force 覆盖，或用 --summary 换一个名字", "the summary {} exists and jixiao did not write it, or it was changed since; --force replaces it, --summary names another";
        /// Path, reason.
        SummaryWriteFailed => "无法写入汇总表 {}：{}", "cannot write the summary {}: {}";

        // Why a file met in a folder, or named, is not checked.
        SkipOwnOutput => "jixiao 写出的批注副本或更正稿", "an annotated or corrected copy jixiao wrote";
        SkipSummary => "jixiao 写出的汇总表", "a summary jixiao wrote";
        SkipLockFile => "Office/WPS 打开文件时留下的锁定文件", "a lock file Office or WPS leaves while a file is open";
        SkipHidden => "隐藏文件", "a hidden file";
        SkipNotRegular => "不是普通文件（管道、设备、套接字或失效的链接）", "not a regular file (a pipe, device, socket or broken link)";
        SkipReport => "自评报告（与其工作簿一起给出时才检查）", "a report (checked only with its workbook)";
        SkipNotWorkbook => "不是工作簿（.xlsx、.xls、.ods、.et、.xlsm）", "not a workbook (.xlsx, .xls, .ods, .et, .xlsm)";

        // The command line's own lines.
        PressEnter => "按回车键关闭窗口", "Press Enter to close this window";
        /// The file, the reason.
        CannotOpen => "无法自动打开 {}（{}），请手动打开", "could not open {} ({}); open it by hand";
        HowTo => "\
jixiao 检查部门整体支出绩效自评表（.xlsx .xls .ods .et）。

用法：把自评表文件（或装有自评表的文件夹）拖到 jixiao 程序图标上松开。
程序会检查表中的控制率、合计与得分，在原文件旁写出带批注的副本
（文件名以 .checked.xlsx 结尾，首页“校验结果”列出全部问题），并自动打开它。

也可以在命令行中运行：jixiao 文件.xlsx（jixiao --help 查看全部选项）", "\
jixiao checks performance self-evaluation workbooks (.xlsx .xls .ods .et).

How to use it: drop a workbook (or a folder of them) onto the jixiao program icon.
It checks the rates, totals and scores, writes an annotated copy beside the file
(ending in .checked.xlsx, its first sheet 校验结果 lists every finding) and opens it.

From a command line: jixiao FILE.xlsx (jixiao --help lists every option)";
        NothingChecked => "没有可以打开的批注副本。请把 .xlsx、.xls、.ods 或 .et 格式的绩效自评表拖到程序图标上；\n文件若正在 Excel/WPS 中打开，请先关闭再试。", "There is no annotated copy to open. Drop an .xlsx, .xls, .ods or .et self-evaluation\nworkbook onto the program icon; if it is open in Excel/WPS, close it first.";
        Usage => "用法：jixiao check 文件或文件夹…（jixiao --help 查看说明）", "usage: jixiao check PATH... (jixiao --help for more)";
        CannotStart => "无法开始检查：{}", "cannot start checking: {}";
        CannotSummarise => "无法汇总检查结果：{}", "cannot summarise the results: {}";
        /// The file, the reason.
        CannotExport => "无法导出 {}：{}", "cannot export {}: {}";
        /// The paths given.
        NothingToExport => "{} 中没有可导出的工作簿", "no workbook to export in {}";
        /// How many, where.
        Exported => "已导出 {} 个工作簿的数据到 {}", "exported {} workbooks to {}";
        Wrote => "已写出 {}", "wrote {}";
    }
}
