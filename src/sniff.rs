//! Recognises what a file is before any workbook parser sees it.
//! (Minimal version; the hardened one replaces it.)

use std::path::Path;

pub enum Container {
    Xlsx(Vec<u8>),
    Xls(Vec<u8>),
    Ods(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum SniffError {
    #[error("无法读取文件：{0}")]
    Io(String),
    #[error("不是 Excel 工作簿")]
    NotWorkbook,
}

pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

pub fn sniff_path(path: &Path) -> Result<Container, SniffError> {
    let bytes = std::fs::read(path).map_err(|e| SniffError::Io(e.to_string()))?;
    sniff_bytes(bytes)
}

pub fn sniff_bytes(bytes: Vec<u8>) -> Result<Container, SniffError> {
    if bytes.starts_with(b"PK") {
        if bytes
            .windows(46)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
        {
            return Ok(Container::Ods(bytes));
        }
        return Ok(Container::Xlsx(bytes));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Container::Xls(bytes));
    }
    Err(SniffError::NotWorkbook)
}
