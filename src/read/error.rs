//! Why a file could not be read: one enum per layer, each keeping its cause, and a
//! [`ErrorKind`] small enough for a report to keep.

use super::{MAX_CELLS, MAX_MERGES, MAX_SHEETS, MAX_TEXT_BYTES};
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Message};
use crate::read::sniff::SniffError;

pub use crate::model::ErrorKind;

/// Why [`read_path`](super::read_path) or [`read_container`](super::read_container) failed.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum ReadError {
    Sniff(#[from] SniffError),
    Xlsx(#[source] calamine::XlsxError),
    Xls(#[source] calamine::XlsError),
    Ods(#[source] OdsError),
    /// calamine panicked on the file.
    Panicked,
    TooManyCells,
    TooMuchText,
    TooManyMerges,
    ReadBudget,
    TooManySheets(usize),
    NoSheets,
}

impl ReadError {
    /// The one line said about it.
    pub fn message(&self) -> Message {
        match self {
            ReadError::Sniff(e) => e.message(),
            ReadError::Xlsx(e) => msg!(ErrMsg::Unparsable, clip(e)),
            ReadError::Xls(e) => msg!(ErrMsg::Unparsable, clip(e)),
            ReadError::Ods(e) => msg!(ErrMsg::Unparsable, e.detail()),
            ReadError::Panicked => msg!(ErrMsg::Unparsable, ErrMsg::ParserGaveUp),
            ReadError::TooManyCells => msg!(ErrMsg::TooManyCells, MAX_CELLS),
            ReadError::TooMuchText => msg!(ErrMsg::TooMuchText, MAX_TEXT_BYTES >> 20),
            ReadError::TooManyMerges => msg!(ErrMsg::TooManyMerges, MAX_MERGES),
            ReadError::ReadBudget => ErrMsg::ReadBudget.into(),
            ReadError::TooManySheets(n) => msg!(ErrMsg::TooManySheets, *n, MAX_SHEETS),
            ReadError::NoSheets => ErrMsg::NoSheets.into(),
        }
    }

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
    Content(Message),
}

impl OdsError {
    /// The words in the one-line message: a cause's own text is clipped, ours is not.
    fn detail(&self) -> Message {
        match self {
            OdsError::Content(text) => text.clone(),
            e => clip(e).into(),
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
