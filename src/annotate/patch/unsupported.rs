//! Why an xlsx file's copy is rebuilt rather than patched.

use crate::i18n::notes::NoteMsg;
use crate::i18n::{msg, Message};

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
    pub(in crate::annotate) fn note(self) -> Message {
        msg!(NoteMsg::Rebuilt, self.why())
    }

    fn why(self) -> NoteMsg {
        use NoteMsg::*;
        use Unsupported::*;
        match self {
            SheetNames => PatchSheetNames,
            MissingPart => PatchMissingPart,
            ThreadedComments => PatchThreadedComments,
            Drawing => PatchDrawing,
            CustomProperties => PatchCustomProperties,
            Unreadable => PatchUnreadable,
            TooLarge => PatchTooLarge,
            Utf16 => PatchUtf16,
            NameTaken => PatchNameTaken,
            ZipWrite => PatchZipWrite,
            MalformedXml => PatchMalformedXml,
            PrefixedXml => PatchPrefixedXml,
            Namespace => PatchNamespace,
            UnexpectedPart => PatchUnexpectedPart,
            IdOutOfRange => PatchIdOutOfRange,
            Styles => PatchStyles,
            RowWithoutNumber => PatchRowWithoutNumber,
            OutOfOrder => PatchOutOfOrder,
            CellWithoutAddress => PatchCellWithoutAddress,
            FixOverSharedFormula => PatchFixOverSharedFormula,
            NoCells => PatchNoCells,
            Comments => PatchComments,
            AlreadyMarked => PatchAlreadyMarked,
        }
    }
}
