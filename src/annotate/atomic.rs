//! Writing a file whole or not at all: a temporary file beside the destination, renamed over it.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::WriteError;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to a hidden temporary file beside `dest`, then renames it over `dest`; the
/// temporary file is removed on any error.
pub(super) fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(io_error(e, dir, dest)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|_| file.sync_all())
        .and_then(|_| {
            drop(file);
            fs::rename(&tmp, dest)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_error(e, dir, dest));
    }
    Ok(())
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
