//! What the check of the 自评报告 says: figures of the text against the tables.

catalogue! {
    pub enum DocMsg {
        // The text report on a document and the comments of its annotated copy.
        NoFindings => "报告中的数字未发现问题", "no findings in the report's figures";
        Findings => "报告中发现问题 {}", "findings in the report: {}";
        /// Where a finding or a figure is in the report.
        Paragraph => "第 {} 段", "paragraph {}";
        /// After a comment: the figure the text should read.
        ShouldRead => "（应为 {}）", " (should read {})";
        NoPairedWorkbook => "未找到与之配对的工作簿，只检查了报告内部的数字（R2 明细合计、R3 比率与增减）", "no workbook pairs with it: only the report's own figures were checked (R2 items against their total, R3 rates and changes)";
        /// A repeated statement: the other paragraphs that say it.
        SameInOne => "（第 {} 段同）", " (the same in paragraph {})";
        SameInMany => "（第 {} 段同）", " (the same in paragraphs {})";

        // Figures as messages name them.
        People => " 人", " people";
        /// A figure written in another unit than the tables': as written, in the tables' unit.
        InTablesUnit => "{}（合 {}）", "{} (= {})";

        /// R1 on a flagged cell the text confirms: label, text, cell, filed, corrected, unit.
        TextSupportsFix => "正文的{}为 {}，表中 {} 填报为 {}；表的校验已指出该格应为 {}{}，正文支持这一更正（改表，不必改正文）", "The report gives {} as {}; {} is filed as {}. The table checks say the cell should be {}{}, and the report supports that correction (correct the table, not the report)";
        /// R1 on a flagged cell: label, text, cell, filed, what the checks give, unit.
        TextAgainstFix => "正文的{}为 {}，与表不符：表中 {} 填报为 {}，按表的校验应为 {}{}", "The report gives {} as {}, which disagrees with the tables: {} is filed as {} and by the table checks should be {}{}";
        /// R1: label, text, cell, filed.
        TextDiffers => "正文的{0}为 {1}，与表中 {2} 的 {3} 不一致", "The report gives {0} as {1}, which differs from {3} in {2}";

        /// R2: count, the sum written out, sum, unit, stated total.
        ItemsDoNotAddUp => "所列 {0} 项合计 {1} = {2}{3}，与所述合计 {4}{3} 不符", "The {0} items listed add up to {1} = {2}{3}, not to the stated total of {4}{3}";
        WithinRounding => "（差额在各项四舍五入的范围内）", " (the difference is within the rounding of the items)";

        /// R3 on a rate: its name, stated, numerator, denominator, right rate, where from.
        RateDiffers => "正文所述{}为 {}%，按 {} ÷ {} 应为 {}{}", "The report gives {} as {}%; {} ÷ {} gives {}{}";
        FiguresFrom => "（数字见{}）", " (figures from {})";
        TwoFiguresFrom => "（{} 见{}，{} 见{}）", " ({} from {}, {} from {})";
        Truncated => "，应四舍五入而非截断", "; the stated figure is truncated instead of rounded";
        /// After a rate: the table's cell of it and what it shows.
        FiledInTable => "；表中 {} 填报为 {}", "; {} is filed as {}";
        /// R3 on a change: name, stated, unit, formula, direction, right change, this year's
        /// figure and where from, last year's and where from.
        ChangeDiffers => "正文所述{}比上年的变化为 {}{}，按 {} 应为{} {}（本年 {} 见{}，上年 {} 见{}）", "The report gives the change in {} from the year before as {}{}; {} gives {} of {} (this year {} from {}, last year {} from {})";
        Increase => "增加", "an increase";
        Decrease => "减少", "a decrease";

        // Why a report cannot be read, or its annotated copy not written.
        SaveAsDocx => "不能读取 .{} 格式的报告，请另存为 .docx 后再检查", "a report in .{} format cannot be read: save it as .docx and check it again";
        TooLarge => "文件过大或解压后过大（疑似压缩炸弹），未读取", "not read: the file is too large, or too large once unpacked (a zip bomb?)";
        CannotRead => "无法读取文件：{}", "cannot read the file: {}";
        EncryptedOrDoc => "文件已加密或是旧版 .doc 格式：请去掉密码并另存为 .docx 后再检查", "the file is encrypted or an old .doc: remove the password, save it as .docx and check it again";
        NotUtf8 => "文本文件不是 UTF-8 编码，请另存为 UTF-8 或 .docx", "the text file is not UTF-8: save it as UTF-8 or as .docx";
        NotZip => "不是有效的 .docx 文件（压缩包无法打开）", "not a valid .docx file (the package cannot be opened)";
        NoDocumentPart => "不是 Word 文档（缺少 word/document.xml）", "not a Word document (word/document.xml is missing)";
        CannotUnpack => "文档内容无法解压", "the document's content cannot be unpacked";
        BrokenContent => "文档内容（word/document.xml）已损坏", "the document's content (word/document.xml) is damaged";
        BrokenPackage => "文档包结构已损坏，无法写批注副本", "the document package is damaged: the annotated copy cannot be written";
        CannotWriteCopy => "无法写出批注副本", "the annotated copy cannot be written";
        SameAsInput => "输出文件与输入相同：{}", "the output file is the input: {}";
        NotOurs => "目标文件已存在且不是 jixiao 生成的（加 --force 覆盖）：{}", "the output file exists and was not written by jixiao (--force replaces it): {}";
    }
}
