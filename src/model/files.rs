//! Opening inputs and creating outputs without surprises from the file system: only regular
//! files are read (never a FIFO or device, which could block or never end), and every file
//! jixiao creates is new (`create_new`), never reached through a link, and renamed into place.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::i18n::errors::{ErrMsg, Said};

/// The error for a path that exists but is not a regular file.
pub fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, Said(ErrMsg::NotRegular.into()))
}

/// Opens `path` for reading when it is a regular file (links to one are followed); anything
/// else is [`not_regular`]. The open does not block, whatever is put at the name meanwhile.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    // The name may have been replaced between the two looks.
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// Creates `path` for writing; fails if anything, a link included, is already there.
pub fn create_exclusive(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// What every temporary file's name carries before `<pid>-<n>.tmp`.
const TEMP_TAG: &[u8] = b".jixiao-";

/// The process id in a temporary file's name (`.<name>.jixiao-<pid>-<n>.tmp`), if it is one.
fn temp_pid(name: &OsStr) -> Option<u32> {
    let bytes = name.as_encoded_bytes();
    let body = bytes.strip_prefix(b".")?.strip_suffix(b".tmp")?;
    let at = memchr::memmem::rfind(body, TEMP_TAG)?;
    let tail = std::str::from_utf8(&body[at + TEMP_TAG.len()..]).ok()?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Whether `name` is one of jixiao's temporary files (of this run or another).
pub fn is_temp_name(name: &OsStr) -> bool {
    temp_pid(name).is_some()
}

/// Whether process `pid` is running (on systems where that cannot be asked: assumed so).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 only asks; EPERM means it exists under another user.
        let asked = unsafe { libc::kill(pid, 0) };
        asked == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes the temporary files that runs no longer alive left in `dir` (killed, or a power
/// cut), once per folder and process.
pub fn remove_dead_temps(dir: &Path) {
    static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
        if !swept
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if temp_pid(&name).is_some_and(|pid| pid != me && !alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A path as text: its bytes that are not UTF-8 shown as `\xNN`, so that two names differing
/// only there (GBK names on Linux) are told apart.
pub fn shown(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// A new hidden file beside `dest` (`.<name>.jixiao-<pid>-<n>.tmp`), to be renamed over `dest`
/// once whole ([`TempFile::persist`]); removed if dropped before, or if the rename fails. The
/// temporary files of dead runs in that folder are removed first ([`remove_dead_temps`]).
pub struct TempFile {
    path: PathBuf,
    file: Option<File>,
    dest: PathBuf,
    /// Whether the file is still to be removed on drop.
    pending: bool,
}

impl TempFile {
    pub fn beside(dest: &Path) -> io::Result<TempFile> {
        let dir = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        remove_dead_temps(dir);
        let name = dest.file_name().unwrap_or_default();
        let mut attempt = 0;
        loop {
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut tmp_name = OsString::from(".");
            tmp_name.push(name);
            tmp_name.push(format!(".jixiao-{}-{n}.tmp", std::process::id()));
            let path = dir.join(tmp_name);
            match create_exclusive(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                        dest: dest.to_path_buf(),
                        pending: true,
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("open until persisted")
    }

    /// Renames the file over the destination. No fsync: outputs can be made again from the
    /// inputs, and the rename alone keeps them whole or absent for any crash of the process.
    pub fn persist(mut self) -> io::Result<()> {
        drop(self.file.take());
        fs::rename(&self.path, &self.dest)?;
        self.pending = false;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.pending {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// What is at an output's name before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Nothing,
    /// An empty regular file (what a power cut can leave): may be replaced.
    Empty,
    /// A regular file with content: replaced only if jixiao wrote it, or with `--force`.
    File,
}

/// What is at `dest`; an error for anything that is not a regular file (a link, a FIFO, a
/// folder, …), which is never replaced.
pub fn existing(dest: &Path) -> io::Result<Existing> {
    match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Existing::Nothing),
        Err(e) => Err(e),
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            Said(ErrMsg::FolderInTheWay.into()),
        )),
        Ok(meta) if !meta.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            Said(ErrMsg::NotRegularInTheWay.into()),
        )),
        Ok(meta) if meta.len() == 0 => Ok(Existing::Empty),
        Ok(_) => Ok(Existing::File),
    }
}
