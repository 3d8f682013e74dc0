//! Writing a file whole or not at all: a temporary file beside the destination, renamed over it.

use std::io::{self, Write};
use std::path::Path;

use super::WriteError;
use crate::model::files::TempFile;

/// Writes `bytes` to a new hidden file beside `dest` ([`TempFile`]), then renames it over
/// `dest`; the temporary file is removed on any error.
pub(super) fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = TempFile::beside(dest).map_err(|e| io_error(e, dir, dest))?;
    tmp.file()
        .write_all(bytes)
        .and_then(|()| tmp.persist())
        .map_err(|e| io_error(e, dir, dest))
}

fn io_error(e: io::Error, dir: &Path, dest: &Path) -> WriteError {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => WriteError::DiskFull {
            path: dest.to_path_buf(),
        },
        io::ErrorKind::PermissionDenied
        | io::ErrorKind::ReadOnlyFilesystem
        | io::ErrorKind::NotFound => WriteError::DirNotWritable {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        },
        _ if e.raw_os_error() == Some(28) => WriteError::DiskFull {
            path: dest.to_path_buf(),
        },
        _ => WriteError::Io {
            path: dest.to_path_buf(),
            reason: e.to_string(),
        },
    }
}
