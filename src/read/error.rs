//! Why a file could not be read: one enum per layer, each keeping its cause, and a
//! [`ErrorKind`] small enough for a report to keep.

use std::borrow::Cow;

use super::{MAX_CELLS, MAX_MERGES, MAX_SHEETS, MAX_TEXT_BYTES};
use crate::read::sniff::SniffError;

pub use crate::model::ErrorKind;

/// Why [`read_path`](super::read_path) or [`read_container`](super::read_container) failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Sniff(#[from] SniffError),
    #[error("工作簿内容无法解析（{}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试", clip(.0))]
    Xlsx(#[source] calamine::XlsxError),
    #[error("工作簿内容无法解析（{}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试", clip(.0))]
    Xls(#[source] calamine::XlsError),
    #[error("工作簿内容无法解析（{}），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试", .0.detail())]
    Ods(#[source] OdsError),
    /// calamine panicked on the file.
    #[error("工作簿内容无法解析（解析程序遇到无法处理的内容），文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再试")]
    Panicked,
    #[error("工作簿过大（超过 {MAX_CELLS} 个有内容的单元格），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManyCells,
    #[error("工作簿中的文字和公式过多（超过 {} MiB），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试", MAX_TEXT_BYTES >> 20)]
    TooMuchText,
    #[error("工作簿中的合并单元格过多（超过 {MAX_MERGES} 处），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManyMerges,
    #[error("工作簿结构异常（多个工作表反复引用同一份数据），已停止读取；请在 Excel/WPS 中打开后另存为 .xlsx 再试")]
    ReadBudget,
    #[error("工作簿中有 {0} 个工作表（上限 {MAX_SHEETS} 个），不像是绩效自评表；请只保留基础数据表和绩效自评表后再试")]
    TooManySheets(usize),
    #[error("工作簿中没有任何工作表；请确认文件是否正确")]
    NoSheets,
}

impl ReadError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ReadError::Sniff(e) => e.kind(),
            ReadError::Xlsx(_)
            | ReadError::Xls(_)
            | ReadError::Ods(_)
            | ReadError::Panicked
            | ReadError::ReadBudget => ErrorKind::Corrupt,
            ReadError::TooManyCells
            | ReadError::TooMuchText
            | ReadError::TooManyMerges
            | ReadError::TooManySheets(_) => ErrorKind::TooLarge,
            ReadError::NoSheets => ErrorKind::NotAWorkbook,
        }
    }
}

/// What our ods reader found wrong with `content.xml`.
#[derive(Debug, thiserror::Error)]
pub enum OdsError {
    #[error("{0}")]
    Zip(#[source] zip::result::ZipError),
    #[error("{0}")]
    Xml(#[source] quick_xml::Error),
    #[error("{0}")]
    Escape(#[source] quick_xml::escape::EscapeError),
    /// Content the reader refuses, in words.
    #[error("{0}")]
    Content(Cow<'static, str>),
}

impl OdsError {
    /// The words in the one-line message: a cause's own text is clipped, ours is not.
    fn detail(&self) -> Cow<'_, str> {
        match self {
            OdsError::Content(text) => Cow::Borrowed(text),
            e => Cow::Owned(clip(e)),
        }
    }
}

impl From<zip::result::ZipError> for OdsError {
    fn from(e: zip::result::ZipError) -> Self {
        OdsError::Zip(e)
    }
}

impl From<quick_xml::Error> for OdsError {
    fn from(e: quick_xml::Error) -> Self {
        OdsError::Xml(e)
    }
}

impl From<quick_xml::escape::EscapeError> for OdsError {
    fn from(e: quick_xml::escape::EscapeError) -> Self {
        OdsError::Escape(e)
    }
}

impl From<OdsError> for ReadError {
    fn from(e: OdsError) -> Self {
        ReadError::Ods(e)
    }
}

/// A parser's message made safe for one line: 200 characters, no control characters.
fn clip(e: &impl std::fmt::Display) -> String {
    e.to_string()
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_kept_and_messages_clipped() {
        use std::error::Error as _;
        let zip = zip::result::ZipError::FileNotFound;
        let e = ReadError::from(OdsError::from(zip));
        assert_eq!(e.kind(), ErrorKind::Corrupt);
        assert!(e.source().and_then(|s| s.source()).is_some());
        let e = ReadError::Ods(OdsError::Content("a\tb".into()));
        assert!(e.to_string().contains("（a\tb）"), "{e}");
        let e = ReadError::Xls(calamine::XlsError::Password);
        assert!(!e.to_string().contains('\n'));
        assert_eq!(ReadError::TooManySheets(2000).kind(), ErrorKind::TooLarge);
    }
}
