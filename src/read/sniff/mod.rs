//! Recognises what a file is before any workbook parser sees it.
//!
//! Decides by content, never by extension. ZIP files are checked against
//! decompression bombs and XLSX packages are rebuilt without the attributes that
//! make calamine pre-allocate from untrusted numbers. OLE files are checked for
//! encryption with a small bounds-checked CFB reader.
//!
//! [`archive`] walks a ZIP through its caps, [`xlsx`] sanitises the parts calamine would
//! trust, [`cfb`] reads and checks compound files, [`xls`] rebuilds their Workbook stream,
//! and [`foreign`] names whatever else a file turns out to be.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

mod archive;
mod bytes;
mod cfb;
mod foreign;
#[cfg(test)]
mod testutil;
mod xls;
mod xlsx;

pub use crate::model::Package;
pub use xls::XlsRemap;

use super::geometry::ByPart;
use super::ErrorKind;
use crate::i18n::errors::ErrMsg;
use crate::i18n::{msg, Lang, Message};

/// Input files larger than this are refused unread.
pub const MAX_FILE_BYTES: u64 = 100 * MIB;

const MIB: u64 = 1024 * 1024;

/// A workbook container whose bytes are ready for calamine
/// (`open_workbook_from_rs` with `std::io::Cursor`).
pub enum Container {
    /// The package rebuilt for calamine, the file as it was (for the annotated copy), and the
    /// geometry of the worksheet parts sanitising read (so reading need not inflate them again).
    Xlsx(Vec<u8>, Package, ByPart),
    /// The file rebuilt with only its Workbook stream, and how its sheets were squeezed.
    Xls(Vec<u8>, XlsRemap),
    Ods(Vec<u8>),
}

impl fmt::Debug for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, b) = match self {
            Container::Xlsx(b, ..) => ("Xlsx", b),
            Container::Xls(b, _) => ("Xls", b),
            Container::Ods(b) => ("Ods", b),
        };
        write!(f, "{kind}({} bytes)", b.len())
    }
}

/// Why a file is not handed to calamine. Each message is one line: what the file is, and what
/// to do.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum SniffError {
    Io(#[source] io::Error),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Empty,
    /// What the file is: an `ErrMsg::Kind…`.
    NotWorkbook {
        what: ErrMsg,
    },
    /// What the file is: an `ErrMsg::Kind…`.
    ConvertFirst {
        what: ErrMsg,
    },
    Unknown {
        head: String,
    },
    Corrupt {
        detail: ErrMsg,
        /// What the ZIP reader said, where it said anything.
        source: Option<zip::result::ZipError>,
    },
    ZipBomb {
        detail: Message,
    },
    Bloated {
        detail: Message,
    },
    TooSpread {
        mib: u64,
    },
    Encrypted {
        xls: bool,
    },
}

impl SniffError {
    /// What the refusal amounts to.
    /// The one line said about it.
    pub fn message(&self) -> Message {
        match self {
            SniffError::Io(e) => msg!(ErrMsg::SniffIo, io_reason(e)),
            SniffError::TooLarge { size, limit } => {
                msg!(ErrMsg::FileTooLarge, mib(*size), mib(*limit))
            }
            SniffError::Empty => ErrMsg::FileEmpty.into(),
            SniffError::NotWorkbook { what } => msg!(ErrMsg::NotWorkbook, kind_name(*what)),
            SniffError::ConvertFirst { what } => msg!(ErrMsg::ConvertFirst, kind_name(*what)),
            SniffError::Unknown { head } => msg!(ErrMsg::UnknownFormat, head),
            SniffError::Corrupt { detail, .. } => msg!(ErrMsg::Corrupt, *detail),
            SniffError::ZipBomb { detail } => msg!(ErrMsg::ZipBomb, detail),
            SniffError::Bloated { detail } => msg!(ErrMsg::Bloated, detail),
            SniffError::TooSpread { mib } => msg!(ErrMsg::TooSpread, *mib),
            SniffError::Encrypted { xls: false } => ErrMsg::Encrypted.into(),
            SniffError::Encrypted { xls: true } => ErrMsg::EncryptedXls.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            SniffError::Io(e) if e.kind() == io::ErrorKind::NotFound => ErrorKind::Missing,
            SniffError::Io(_) => ErrorKind::Io,
            SniffError::Empty | SniffError::NotWorkbook { .. } | SniffError::Unknown { .. } => {
                ErrorKind::NotAWorkbook
            }
            SniffError::ConvertFirst { .. } => ErrorKind::Unsupported,
            SniffError::Corrupt { .. } => ErrorKind::Corrupt,
            SniffError::Encrypted { .. } => ErrorKind::Encrypted,
            SniffError::TooLarge { .. }
            | SniffError::ZipBomb { .. }
            | SniffError::Bloated { .. }
            | SniffError::TooSpread { .. } => ErrorKind::TooLarge,
        }
    }
}

fn io_reason(e: &io::Error) -> Message {
    match e.kind() {
        io::ErrorKind::NotFound => ErrMsg::IoNoFile.into(),
        io::ErrorKind::PermissionDenied => ErrMsg::IoNoRead.into(),
        io::ErrorKind::IsADirectory => ErrMsg::IoFolder.into(),
        _ => one_line(&e.to_string(), 120).into(),
    }
}

fn mib(n: u64) -> String {
    if n.is_multiple_of(MIB) {
        (n / MIB).to_string()
    } else {
        format!("{:.1}", n as f64 / MIB as f64)
    }
}

/// The name of what a file is, after a space in Chinese when it starts with Latin letters
/// ("这是 Word 文档").
fn kind_name(what: ErrMsg) -> Message {
    if what.text(Lang::Zh).starts_with(|c: char| c.is_ascii()) {
        msg!(ErrMsg::Spaced, what)
    } else {
        what.into()
    }
}

/// Makes untrusted text safe for a one-line message.
fn one_line(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// Caps on input and decompression; tests lower them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Largest input file.
    pub file: u64,
    /// Largest inflated size of one ZIP entry.
    pub entry: u64,
    /// Largest inflated size of all ZIP entries together.
    pub total: u64,
    /// Largest inflated:compressed ratio ...
    pub ratio: u64,
    /// ... for entries inflating to more than this.
    pub ratio_floor: u64,
    /// Most ZIP entries.
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file: MAX_FILE_BYTES,
            entry: 128 * MIB,
            total: 256 * MIB,
            ratio: 1000,
            ratio_floor: MIB,
            entries: 20_000,
        }
    }
}

/// Reads a file (at most [`MAX_FILE_BYTES`]) and sniffs it.
pub fn sniff_path(path: &Path) -> Result<Container, SniffError> {
    sniff_path_with(path, &Limits::default())
}

/// Sniffs bytes already in memory.
pub fn sniff_bytes(bytes: Vec<u8>) -> Result<Container, SniffError> {
    sniff_with(bytes, &Limits::default())
}

pub(crate) fn sniff_path_with(path: &Path, lim: &Limits) -> Result<Container, SniffError> {
    // A FIFO or device could block the open or never end: regular files only.
    let file = crate::model::files::open_regular(path).map_err(SniffError::Io)?;
    let meta = file.metadata().map_err(SniffError::Io)?;
    if meta.len() > lim.file {
        return Err(SniffError::TooLarge {
            size: meta.len(),
            limit: lim.file,
        });
    }
    // The length can change or be wrong (special files): read through a cap.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(lim.file + 1)
        .read_to_end(&mut bytes)
        .map_err(SniffError::Io)?;
    sniff_with(bytes, lim)
}

pub(crate) fn sniff_with(bytes: Vec<u8>, lim: &Limits) -> Result<Container, SniffError> {
    if bytes.is_empty() {
        return Err(SniffError::Empty);
    }
    if bytes.len() as u64 > lim.file {
        return Err(SniffError::TooLarge {
            size: bytes.len() as u64,
            limit: lim.file,
        });
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return archive::sniff_zip(bytes, lim);
    }
    if bytes.starts_with(&cfb::OLE_MAGIC) {
        return cfb::sniff_ole(bytes);
    }
    Err(foreign::describe_other(&bytes))
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn empty_file_is_refused() {
        let e = err(Vec::new());
        assert!(matches!(e, SniffError::Empty));
        assert!(e.to_string().contains("0 字节"));
    }

    #[test]
    fn path_errors_are_reported() {
        let e = sniff_path(&fixture("no-such-file.xlsx")).unwrap_err();
        assert!(
            matches!(e, SniffError::Io(_)) && e.to_string().contains("找不到"),
            "{e}"
        );
        let e = sniff_path(&fixture("")).unwrap_err();
        assert!(e.to_string().contains("文件夹"), "{e}");
        let lim = Limits {
            file: 1000,
            ..Limits::default()
        };
        let e = sniff_path_with(&fixture("seed-leiyang-2024.xlsx"), &lim).unwrap_err();
        assert!(matches!(e, SniffError::TooLarge { limit: 1000, .. }), "{e}");
        assert!(matches!(
            err_with(vec![b'a'; 1001], &lim),
            SniffError::TooLarge { .. }
        ));
        assert_eq!(MAX_FILE_BYTES, 100 * 1024 * 1024);
        assert_eq!(
            (mib(MAX_FILE_BYTES).as_str(), mib(1000).as_str()),
            ("100", "0.0")
        );
    }

    #[test]
    fn errors_tell_their_kind_and_keep_their_cause() {
        use std::error::Error as _;
        let missing = sniff_path(&fixture("no-such-file.xlsx")).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::Missing);
        assert!(missing.source().is_some());
        assert_eq!(sniff_path(&fixture("")).unwrap_err().kind(), ErrorKind::Io);
        let truncated = err(read_fixture("seed-leiyang-2024.xlsx")[..30].to_vec());
        assert_eq!(truncated.kind(), ErrorKind::Corrupt);
        assert!(truncated.source().is_some(), "{truncated:?}");
        assert_eq!(err(b"%PDF-1.7".to_vec()).kind(), ErrorKind::NotAWorkbook);
        assert_eq!(err(b"<table><tr>".to_vec()).kind(), ErrorKind::Unsupported);
        let secret = sniff_path(&fixture("sniff/password-secret.xls")).unwrap_err();
        assert_eq!(secret.kind(), ErrorKind::Encrypted);
        assert_eq!(
            err_with(vec![b'a'; 2 * MIB as usize], &small_limits()).kind(),
            ErrorKind::TooLarge
        );
    }

    /// Mutated and truncated inputs never panic (a panic fails the test).
    #[test]
    fn mutations_do_not_panic() {
        let mut rnd = xorshift(0x9E37_79B9_7F4A_7C15);
        let inputs = [
            read_fixture("seed-leiyang-2024.xlsx"),
            read_fixture("sniff/seed-leiyang-2024.xls"),
            cfb_of(&[
                ("Workbook", &biff(&[BOF, FILEPASS, EOF])),
                ("EncryptedPackage", &[1u8; 4100]),
            ]),
        ];
        for input in &inputs {
            for _ in 0..fuzz_rounds() {
                let _ = sniff_with(mutate(input, &mut rnd), &small_limits());
            }
        }
    }
}
