//! Why a file could not be read, a template loaded, data imported or an output written, and the
//! notes the stages add on how a file was read or written.

use std::io;

use super::Message;

catalogue! {
    pub enum ErrMsg {
        // Refused before any parser sees the file (read::sniff).
        /// The file could not be opened or read: why.
        SniffIo => "无法读取文件（{}）；请检查路径和读取权限。", "cannot read the file ({}); check the path and the permission to read it.";
        IoNoFile => "找不到该文件", "there is no such file";
        IoNoRead => "没有读取权限", "no permission to read it";
        IoFolder => "这是文件夹，不是文件", "this is a folder, not a file";
        /// Size, limit (MiB).
        FileTooLarge => "文件大小 {} MiB，超过上限 {} MiB，不像是绩效自评表；请确认是否选错了文件。", "the file is {} MiB, over the limit of {} MiB: not a 绩效自评表; check that the right file was chosen.";
        FileEmpty => "文件为空（0 字节），不是 Excel 工作簿；请重新导出或索取原文件。", "the file is empty (0 bytes), not an Excel workbook; export it again or ask for the original file.";
        /// What the file is (a `Kind…` key).
        NotWorkbook => "这是{}，不是可读取的 Excel 工作簿；请提供 .xlsx 或 .xls 格式的绩效自评表。", "this is {}, not an Excel workbook that can be read; provide the 绩效自评表 as .xlsx or .xls.";
        /// What the file is (a `Kind…` key).
        ConvertFirst => "这是{}，不是标准的 Excel 工作簿；请用 Excel/WPS 打开后另存为 .xlsx 再检查。", "this is {}, not a standard Excel workbook; open it in Excel/WPS, save it as .xlsx and check that.";
        /// A kind named with Latin letters first, after 这是.
        Spaced => " {}", "{}";
        /// The first bytes, in hex.
        UnknownFormat => "无法识别的文件格式（开头字节 {}），不是可读取的 Excel 工作簿；请确认文件是否正确或索取原文件。", "unknown file format (first bytes {}), not an Excel workbook that can be read; check that it is the right file or ask for the original.";
        /// What is broken.
        Corrupt => "文件已损坏或不完整（{}），无法读取；请重新下载或向报送单位索取原文件。", "the file is damaged or incomplete ({}) and cannot be read; download it again or ask the department that sent it for the original.";
        /// What is too big.
        ZipBomb => "{}，疑似压缩炸弹，已拒绝；请向报送单位索取正常导出的文件。", "{}: looks like a zip bomb, refused; ask the department that sent it for a normally exported file.";
        /// What is too big.
        Bloated => "{}，不像是正常的绩效自评表；请在 Excel/WPS 中打开后另存为 .xlsx 再试。", "{}: not like a normal 绩效自评表; open it in Excel/WPS, save it as .xlsx and try again.";
        /// MiB reading would take.
        TooSpread => "工作表中的单元格分布过散或内容过多（读取约需 {} MiB 内存），不像是绩效自评表；请只保留基础数据表和绩效自评表，另存为 .xlsx 后再试。", "the sheets' cells are too scattered or too many (reading would take about {} MiB of memory): not like a 绩效自评表; keep only the 基础数据表 and the 绩效自评表, save as .xlsx and try again.";
        Encrypted => "文件设有密码保护（加密），无法读取；请在 Excel/WPS 中取消密码后重试。", "the file is password-protected (encrypted) and cannot be read; remove the password in Excel/WPS and try again.";
        EncryptedXls => "文件设有密码保护（加密），无法读取；请在 Excel/WPS 中取消密码后重试（若打开时并不要求输入密码，另存为 .xlsx 即可）。", "the file is password-protected (encrypted) and cannot be read; remove the password in Excel/WPS and try again (if it opens without asking for a password, saving it as .xlsx is enough).";

        // What a file is that is not a workbook.
        KindPng => "PNG 图片", "a PNG image";
        KindJpeg => "JPEG 图片", "a JPEG image";
        KindGif => "GIF 图片", "a GIF image";
        KindTiff => "TIFF 图片", "a TIFF image";
        KindWebp => "WebP 图片", "a WebP image";
        KindBmp => "BMP 图片", "a BMP image";
        KindRar => "RAR 压缩包", "a RAR archive";
        Kind7z => "7z 压缩包", "a 7z archive";
        KindGzip => "gzip 压缩包", "a gzip archive";
        KindRtf => "RTF 文档", "an RTF document";
        KindPdf => "PDF 文件", "a PDF file";
        KindOldExcel => "Excel 2.x–4.0 旧格式工作表", "an Excel 2.x–4.0 worksheet (an old format)";
        KindXml2003 => "Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet";
        KindXml => "XML 文件", "an XML file";
        KindHtmlTable => "网页（HTML）格式的表格", "a table saved as a web page (HTML)";
        KindHtml => "HTML 网页文件", "an HTML web page";
        KindMhtTable => "单个网页文件（.mht）格式的表格", "a table saved as a single-file web page (.mht)";
        KindMht => "网页存档（.mht）", "a web archive (.mht)";
        KindCsv => "纯文本表格（CSV 或制表符分隔）", "a plain-text table (CSV or tab-separated)";
        KindText => "纯文本文件", "a plain text file";
        KindEmptyZip => "空的 ZIP 压缩包", "an empty ZIP archive";
        KindZip => "ZIP 压缩包（请先解压，再检查其中的 .xlsx/.xls 文件）", "a ZIP archive (unpack it first, then check the .xlsx/.xls files in it)";
        KindXlsb => "Excel 二进制工作簿（.xlsb）", "an Excel binary workbook (.xlsb)";
        KindWord => "Word 文档", "a Word document";
        KindPowerPoint => "PowerPoint 演示文稿", "a PowerPoint presentation";
        KindOdt => "OpenDocument 文本文档（.odt）", "an OpenDocument text document (.odt)";
        KindOdp => "OpenDocument 演示文稿（.odp）", "an OpenDocument presentation (.odp)";
        KindOpenDocument => "OpenDocument 文档", "an OpenDocument document";
        KindDoc => "Word 文档（.doc）", "a Word document (.doc)";
        KindPpt => "PowerPoint 演示文稿（.ppt）", "a PowerPoint presentation (.ppt)";
        KindOle => "Office 复合文档（其中没有 Excel 工作表）", "an Office compound file with no Excel sheet in it";

        // What is broken or too big in a file.
        ZipUnreadable => "ZIP 压缩结构无法读取", "the ZIP structure cannot be read";
        ZipMethod => "使用了不支持的压缩方式", "an unsupported compression method";
        ZipDamaged => "压缩数据损坏或校验失败", "compressed data damaged or failing its checksum";
        OleBroken => "OLE 复合文档结构错误", "the OLE compound file's structure is broken";
        XlsStreamShort => "Excel 数据流不完整", "the Excel data stream is incomplete";
        XlsStreamHead => "Excel 数据流开头不正确", "the Excel data stream starts wrongly";
        XmlUnreadable => "工作簿内部 XML 无法解析", "the workbook's XML cannot be parsed";
        SharedFormulas => "工作表中的共享公式多得异常", "abnormally many shared formulas in a sheet";
        SheetLoop => "工作表目录反复指向同一处数据", "the list of sheets points at the same data again and again";
        /// Number of parts.
        ZipParts => "压缩包内有 {} 个部件", "the archive holds {} parts";
        /// Part, MiB.
        PartInflates => "内部部件“{}”解压后超过 {} MiB", "part “{}” inflates to over {} MiB";
        /// MiB.
        AllInflate => "全部部件解压后超过 {} MiB", "all parts together inflate to over {} MiB";
        /// Part, ratio.
        PartRatio => "内部部件“{}”压缩比超过 {}:1", "part “{}” is compressed more than {}:1";
        /// MiB.
        Inflates => "解压后超过 {} MiB", "it inflates to over {} MiB";
        /// Part, what is too big about it.
        PartBloated => "内部部件“{}”{}", "part “{}” {}";
        /// MiB.
        OverMib => "超过 {} MiB", "is over {} MiB";
        /// Tags.
        OverTags => "有 {} 个以上的标记", "has more than {} tags";
        /// Shared strings.
        OverStrings => "共享字符串超过 {} 个", "over {} shared strings";
        /// KiB.
        LongFormula => "工作表中有长度超过 {} KiB 的公式（Excel 的上限是 8192 个字符）", "a sheet has a formula longer than {} KiB (Excel's limit is 8192 characters)";
        /// Sheets.
        OverSheets => "工作表超过 {} 个", "over {} sheets";

        // A parser could not read the workbook (read::ReadError).
        /// What the parser said.
        Unparsable => "工作簿内容无法解析（{}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试", "the workbook's content cannot be parsed ({}); the file may be damaged: open it in Excel/WPS, save it as .xlsx and try again";
        ParserGaveUp => "解析程序遇到无法处理的内容", "the parser met content it cannot handle";
        NoContentXml => "缺少 content.xml", "content.xml is missing";
        /// The element.
        OdsEof => "content.xml 在 {} 中途结束", "content.xml ends inside {}";
        OdsAttribute => "XML 属性格式错误", "an XML attribute is malformed";
        /// The count as written.
        OdsRepeat => "重复次数“{}”不是数字", "the repeat count “{}” is not a number";
        /// The value as written.
        OdsValue => "“{}”不是数值", "“{}” is not a number";
        /// The entity's name.
        OdsEntity => "无法识别的实体 &{};", "unknown entity &{};";
        /// Cells.
        TooManyCells => "工作簿过大（超过 {} 个有内容的单元格），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", "the workbook is too large (over {} cells with content): not like a 绩效自评表; keep only the 基础数据表 and the 绩效自评表 and try again";
        /// MiB.
        TooMuchText => "工作簿中的文字和公式过多（超过 {} MiB），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", "the workbook holds too much text and formulas (over {} MiB): not like a 绩效自评表; keep only the 基础数据表 and the 绩效自评表 and try again";
        /// Merges.
        TooManyMerges => "工作簿中的合并单元格过多（超过 {} 处），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", "the workbook has too many merged cells (over {}): not like a 绩效自评表; keep only the 基础数据表 and the 绩效自评表 and try again";
        ReadBudget => "工作簿结构异常（多个工作表反复引用同一份数据），已停止读取；请在 Excel/WPS 中打开后另存为 .xlsx 再试", "the workbook's structure is abnormal (several sheets refer to the same data again and again), reading stopped; open it in Excel/WPS, save it as .xlsx and try again";
        /// Sheets, limit.
        TooManySheets => "工作簿中有 {} 个工作表（上限 {} 个），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", "the workbook has {} sheets (at most {}): not like a 绩效自评表; keep only the 基础数据表 and the 绩效自评表 and try again";
        NoSheets => "工作簿中没有任何工作表；请确认文件是否正确", "the workbook has no sheets; check that it is the right file";

        // Checking.
        NoSuchPath => "文件不存在；请检查路径", "there is no such file; check the path";
        /// Why.
        FolderUnreadable => "无法读取文件夹（{}）；请检查权限", "cannot read the folder ({}); check the permissions";
        /// The labels looked for: two of the 基础数据表, three of the 绩效自评表.
        NoTables => "未找到基础数据表（查找“{}”“{}”）和绩效自评表（查找“{}”“{}”“{}”）；请确认这是部门整体支出绩效自评工作簿", "found neither the 基础数据表 (looked for “{}”, “{}”) nor the 绩效自评表 (looked for “{}”, “{}”, “{}”); check that this is a department's overall-spending performance self-evaluation workbook";
        /// What was being done, the file.
        InternalError => "{} {} 时出现内部错误；请把该文件发给 jixiao 的维护者", "internal error while {} {}; please send the file to the maintainers of jixiao";
        Checking => "检查", "checking";
        WritingCopy => "生成副本", "writing a copy of";
        /// What the checker said when it stopped.
        CheckPanicked => "检查时出现内部错误（{}）；请把该文件发给 jixiao 的维护者", "internal error while checking ({}); please send the file to the maintainers of jixiao";

        // Templates.
        /// File, why.
        TemplateIo => "模板文件 {} 无法读取：{}", "cannot read the template file {}: {}";
        /// File, line, what is wrong.
        TemplateSyntax => "模板文件 {} 第 {} 行有误：{}", "template file {}, line {}: {}";
        /// File, line, check, what is wrong.
        TemplateRule => "模板文件 {} 第 {} 行，检查 {} 的公式有误：{}", "template file {}, line {}: the formula of check {} is wrong: {}";
        /// Key, the keys allowed.
        UnknownKey => "未知的键 {}（此处可用：{}）", "unknown key {} (allowed here: {})";
        /// Key.
        MissingKey => "缺少必填的键 {}", "the required key {} is missing";
        /// Value, the values allowed.
        UnknownValue => "取值 {} 不可用（可用：{}）", "the value {} is not allowed (allowed: {})";
        /// What the parser said.
        WrongType => "类型不对：{}", "wrong type: {}";
        /// What the parser said.
        WrongLength => "元素个数不对：{}", "wrong number of elements: {}";
        /// What the parser said.
        TomlSyntax => "TOML 格式错误：{}", "TOML syntax error: {}";
        /// Name asked for, the built-in names.
        NoSuchTemplate => "没有名为 {} 的模板；内置的有：{}（也可用 --template 文件）", "there is no template named {}; the built-in ones are {} (or give a file with --template)";
        /// What the writer said.
        BlankFailed => "无法生成空白模板：{}", "cannot make the blank template: {}";
        /// File, why.
        CannotWrite => "无法写入 {}：{}", "cannot write {}: {}";
        /// File.
        BlankExists => "文件 {} 已存在；加 --force 覆盖", "{} already exists; add --force to replace it";
        /// Year.
        YearOutOfRange => "年份 {} 不在 2000～2100 之间", "the year {} is not between 2000 and 2100";
        /// File, family, year.
        BlankWritten => "已写出空白模板 {}（{}，{} 年）", "wrote the blank template {} ({}, year {})";

        // Importing data.
        /// File, why.
        CannotRead => "无法读取 {}：{}", "cannot read {}: {}";
        NotUtf8 => "不是 UTF-8 编码的文本", "not UTF-8 text";
        /// Schema, what the parser said.
        NotData => "不是 {} 数据：{}", "not {} data: {}";
        /// Schema found, schema wanted.
        WrongSchema => "schema 为「{}」，应为「{}」", "the schema is “{}”, should be “{}”";
        /// File, workbook, field.
        PlaceJsonField => "{} 第 {} 个工作簿的字段 {}", "{}, workbook {}, field {}";
        /// File, workbook.
        PlaceJson => "{} 第 {} 个工作簿", "{}, workbook {}";
        /// File, line, cell.
        PlaceRowCell => "{} 第 {} 行、{}", "{}, line {}, {}";
        /// File, line, column.
        PlaceRowColumn => "{} 第 {} 行「{}」列", "{}, line {}, column “{}”";
        /// File, line.
        PlaceRow => "{} 第 {} 行", "{}, line {}";
        /// Column number.
        ColumnNumber => "第 {} 列", "column {}";
        /// Column, its header.
        ColumnNamed => "{}（{}）", "{} ({})";
        /// Indicator number.
        IndicatorScore => "第 {} 个指标的分值或得分", "the points or score of indicator {}";
        /// Place, field.
        UnknownDataField => "{}：没有字段「{}」（字段名见 docs/fields.md）", "{}: there is no field “{}” (docs/fields.md lists the field names)";
        /// Place, field.
        DuplicateField => "{}：字段 {} 出现了两次", "{}: the field {} is given twice";
        /// Place, value, what it should be.
        NotANumber => "{}：「{}」不是{}", "{}: “{}” is not {}";
        ANumber => "数字", "a number";
        AYear => "年份（2000～2100）", "a year (2000–2100)";
        /// Place, department, where it was first.
        DuplicateDepartment => "{}：部门「{}」重复（{} 已有）", "{}: the department “{}” is given twice (already in {})";
        /// Place, family.
        UnknownFamily => "{}：没有版式「{}」（可用：hunan-2024、hunan-2018、hunan-2024-extended）", "{}: there is no layout family “{}” (available: hunan-2024, hunan-2018, hunan-2024-extended)";
        /// Place.
        NoData => "{}：没有数据", "{}: no data";
        /// File.
        ImportExists => "{} 已存在；导入不会覆盖已有的文件", "{} already exists; import does not replace existing files";
        /// Field.
        BlankNoField => "空白模板中没有字段 {} 的单元格", "the blank template has no cell for the field {}";
        /// Rows in the blank, rows in the data.
        BlankIndicators => "空白模板中找到 {} 个指标行，数据有 {} 个", "the blank template has {} indicator rows, the data {}";
        /// Place, what went wrong there.
        AtPlace => "{}：{}", "{}: {}";

        // Summaries.
        SummaryTooBig => "汇总数据超过 4 GiB", "the summary's data is over 4 GiB";

        // Notes on how a file was read or its copies written.
        /// Sheet, cell, formula, value computed.
        FormulaComputed => "{}!{} 的公式 ={} 没有保存计算结果，已按公式计算为 {}", "the formula ={2} in {0}!{1} has no saved result; computed it as {3}";
        /// Cells, the dashes.
        DashesCounted => "{} 个单元格填的是{}之类：金额按 0 计，比率、得分视为不适用（相应检查未做）", "{} cells hold {} or the like: amounts count as 0, rates and scores as not applicable (their checks not done)";
        /// Why.
        CopyNotWritten => "未写出批注副本：{}", "the annotated copy was not written: {}";
        /// Why.
        CorrectedNotWritten => "未写出更正稿：{}", "the corrected copy was not written: {}";
        /// The copy's path.
        CopyRenamed => "副本改名为 {}：通常的名字已被本批次另一个文件的副本或一个输入文件占用", "the copy was named {}: its usual name is taken by the copy of another file in this run or by an input file";

        // The operating system's errors, said plainly.
        OsInUse => "文件正被其他程序使用，请先在 Excel/WPS 中关闭该文件", "the file is in use by another program: close it in Excel/WPS first";
        OsNotFound => "文件或文件夹不存在", "no such file or folder";
        OsDenied => "没有权限（文件可能为只读，或正被 Excel/WPS 打开）", "permission denied (the file may be read-only or open in Excel/WPS)";
        OsFull => "磁盘已满", "the disk is full";
        OsReadOnly => "磁盘为只读", "the disk is read-only";
        OsExists => "文件已存在", "the file already exists";
        /// Opening an input that is a pipe, device or socket.
        NotRegular => "不是普通文件，而是管道、设备或套接字", "not a regular file but a pipe, device or socket";
        /// At an output's name.
        FolderInTheWay => "同名目录已存在", "a folder of that name is already there";
        NotRegularInTheWay => "同名的不是普通文件（链接、管道或设备），不会替换", "what has that name is not a regular file (a link, pipe or device) and is not replaced";

        // A template's rule written with labels that cannot be read (template::labels).
        /// The range.
        RuleRange => "规则中不能用单元格区域 {}", "a rule cannot use a cell range ({})";
        /// The label.
        RuleUnknownName => "没有名为「{}」的字段或标签（jixiao rules --fields 列出可用的字段名）",
            "there is no field or label named \"{}\" (jixiao rules --fields lists the field names)";
        /// The label, the block (经费控制情况), the qualifier.
        RuleNotARow => "「{}」不是{}中的一行，不能写（{}）",
            "\"{}\" is not a row of the {} block, so it cannot take ({})";
        /// The label, the qualifier, the columns and totals that may be written, the blocks.
        RuleUnknownQualifier => "无法识别「{}（{}）」：括号中可写 {}，或 {}",
            "cannot read \"{}({})\": the brackets may hold {}, or a block: {}";
        /// The label, the options.
        RuleAmbiguous => "「{}」可指多个字段，请写明：{}", "\"{}\" can mean more than one field; say which: {}";
        /// The label, a column (本年决算数), the field: a row of the 经费控制情况 block.
        RuleRowOption => "{}（{}）等 = {}.final 等", "{}({}) etc. = {}.final etc.";
        /// The label, the block, the field.
        RuleBlockOption => "{}（{}）= {}", "{}({}) = {}";

        // jixiao export.
        ExportNeedsOut => "导出为 xlsx 时须用 -o 指定输出文件", "exporting to xlsx needs an output file given with -o";
        /// The output file.
        ExportExists => "输出文件 {} 已存在；加 --force 覆盖", "the output file {} already exists; add --force to replace it";
        /// Why.
        ExportStart => "无法开始导出：{}", "cannot start the export: {}";
    }
}

/// Windows: ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION, what Excel or WPS holding the file
/// open gives.
const WINDOWS_IN_USE: [i32; 2] = [32, 33];

/// `e` said plainly: the common kinds in words a clerk can act on (the file open in Excel/WPS,
/// not found, no permission, disk full), a [`Said`] as it says, anything else as the system
/// words it.
pub fn os_error(e: &io::Error) -> Message {
    if cfg!(windows)
        && e.raw_os_error()
            .is_some_and(|c| WINDOWS_IN_USE.contains(&c))
    {
        return ErrMsg::OsInUse.into();
    }
    if let Some(said) = e.get_ref().and_then(|inner| inner.downcast_ref::<Said>()) {
        return said.0.clone();
    }
    match e.kind() {
        io::ErrorKind::NotFound => ErrMsg::OsNotFound.into(),
        io::ErrorKind::PermissionDenied => ErrMsg::OsDenied.into(),
        io::ErrorKind::StorageFull => ErrMsg::OsFull.into(),
        io::ErrorKind::ReadOnlyFilesystem => ErrMsg::OsReadOnly.into(),
        io::ErrorKind::AlreadyExists => ErrMsg::OsExists.into(),
        _ => e.to_string().into(),
    }
}

/// An error of our own carried in an `io::Error` (`io::Error::other(Said(…))`), said in the
/// run's language by [`os_error`].
#[derive(Debug, Clone)]
pub struct Said(pub Message);

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Said {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn common_os_errors_are_said_in_either_language() {
        let gone = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(os_error(&gone).render(Lang::Zh), "文件或文件夹不存在");
        assert_eq!(os_error(&gone).render(Lang::En), "no such file or folder");
        let other = io::Error::other("奇怪的错误");
        assert_eq!(os_error(&other).render(Lang::En), "奇怪的错误");
        let ours = io::Error::other(Said(msg!(ErrMsg::OverSheets, 3usize)));
        assert_eq!(os_error(&ours).render(Lang::En), "over 3 sheets");
        assert_eq!(ours.to_string(), "工作表超过 3 个");
    }

    #[test]
    fn notes_put_the_workbook_words_where_english_wants_them() {
        let note = msg!(ErrMsg::FormulaComputed, "基础数据表", "C5", "C6+C7", 12u32);
        assert_eq!(
            note.render(Lang::Zh),
            "基础数据表!C5 的公式 =C6+C7 没有保存计算结果，已按公式计算为 12"
        );
        assert_eq!(
            note.render(Lang::En),
            "the formula =C6+C7 in 基础数据表!C5 has no saved result; computed it as 12"
        );
    }

    #[test]
    fn a_kind_with_latin_letters_first_is_spaced_in_chinese_only() {
        let m = msg!(ErrMsg::NotWorkbook, msg!(ErrMsg::Spaced, ErrMsg::KindPdf));
        assert!(m.render(Lang::Zh).starts_with("这是 PDF 文件，"));
        assert!(m.render(Lang::En).starts_with("this is a PDF file, not"));
    }
}
