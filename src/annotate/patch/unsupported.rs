//! Why an xlsx file's copy is rebuilt rather than patched.

/// What the patch does not handle; the copy is rebuilt instead and the report says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::annotate) enum Unsupported {
    /// A sheet name Excel does not take, which the copy has to change.
    SheetNames,
    /// A part the package should have (the workbook, its relationships, styles, a sheet).
    MissingPart,
    /// Threaded comments on a flagged sheet.
    ThreadedComments,
    /// A flagged sheet's drawing that cannot be extended with the notes.
    Drawing,
    /// Custom properties not where they belong.
    CustomProperties,
    /// A ZIP entry or part that cannot be read.
    Unreadable,
    /// A part larger than the patch reads.
    TooLarge,
    /// A part in UTF-16.
    Utf16,
    /// A part or sheet name the copy adds is taken.
    NameTaken,
    /// Writing the new package failed.
    ZipWrite,
    MalformedXml,
    /// Elements with a namespace prefix.
    PrefixedXml,
    /// Another namespace than the transitional one (strict OOXML, …).
    Namespace,
    /// A part whose root is not what its relationship says.
    UnexpectedPart,
    /// A number format, sheet or property id too large to add one after.
    IdOutOfRange,
    /// A styles part without the lists the marks are added to.
    Styles,
    /// A `<row>` without its `r` number.
    RowWithoutNumber,
    /// Rows or cells out of order.
    OutOfOrder,
    /// A `<c>` without its address, or outside a row.
    CellWithoutAddress,
    /// A replacement over a shared, array or data-table formula's master cell.
    FixOverSharedFormula,
    /// A worksheet without `<sheetData>`, or flagged cells it does not reach.
    NoCells,
    /// A comments part the notes cannot join.
    Comments,
    /// The file is already one of jixiao's copies.
    AlreadyMarked,
}

impl Unsupported {
    /// The report's note on a copy rebuilt for this reason.
    pub(in crate::annotate) fn note(self) -> String {
        format!(
            "副本未能在原文件上修补（{}），已按单元格重建：原文件中的图片、批注、数据验证、条件格式等未保留",
            self.why()
        )
    }

    fn why(self) -> &'static str {
        use Unsupported::*;
        match self {
            SheetNames => "有工作表名称 Excel 不接受",
            MissingPart => "文件缺少应有的组成部分",
            ThreadedComments => "标记的工作表含有新式批注（线程批注）",
            Drawing => "标记的工作表的批注绘图无法添加批注",
            CustomProperties => "自定义属性的位置不合规范",
            Unreadable => "文件中有无法读取的部分",
            TooLarge => "文件中有过大的部分",
            Utf16 => "文件中有 UTF-16 编码的部分",
            NameTaken => "副本要添加的部分或工作表名称已被占用",
            ZipWrite => "写入压缩包失败",
            MalformedXml => "文件中有格式错误的 XML",
            PrefixedXml => "XML 使用了命名空间前缀",
            Namespace => "文件使用了严格（Strict）格式或其他命名空间",
            UnexpectedPart => "文件的组成部分与其类型不符",
            IdOutOfRange => "文件中的编号超出范围",
            Styles => "样式部分缺少单元格格式、字体、填充或边框列表",
            RowWithoutNumber => "有行没有行号",
            OutOfOrder => "行或单元格顺序错乱",
            CellWithoutAddress => "有单元格没有地址",
            FixOverSharedFormula => "要更正的单元格是共享公式或数组公式的主单元格",
            NoCells => "标记的工作表缺少单元格数据",
            Comments => "原有批注的格式无法合并",
            AlreadyMarked => "文件已是 jixiao 生成的副本",
        }
    }
}
