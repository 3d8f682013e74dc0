//! Inputs: the paths given, folders walked lazily in path order. Every file met is either
//! checked or named with the reason it is not ([`Skip`]); a path given follows the same rules.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

use crate::annotate::{self, Lang};
use crate::i18n::errors::{self, ErrMsg};
use crate::i18n::notes::NoteMsg;
use crate::i18n::{msg, Message};
use crate::model::files;

/// One file to check, in input order.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// Where this file's outputs go: `-o` plus the file's folder below the folder given, so that
    /// `农业局/自评表.xlsx` and `教育局/自评表.xlsx` do not write the same annotated copy.
    pub out_dir: Option<PathBuf>,
    /// Known before reading (a path that does not exist).
    pub error: Option<Message>,
    /// Another file in the same folder has the same stem and the outputs named after it
    /// (`表.xlsx` over `表.xls`): this one's are named after its whole name (`表.xls.checked.xlsx`).
    pub full_name: bool,
    /// Why the file is not checked, when it is not.
    pub skipped: Option<Skip>,
}

impl Input {
    fn new(path: PathBuf, out_dir: Option<PathBuf>) -> Input {
        Input {
            path,
            out_dir,
            error: None,
            full_name: false,
            skipped: None,
        }
    }
}

/// Why a file met in a folder, or named, is not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// An annotated or corrected copy jixiao wrote (its mark says so, not only its name).
    OwnOutput,
    /// A summary workbook jixiao wrote.
    Summary,
    /// An Office (`~$x.xlsx`) or LibreOffice/WPS (`.~lock.x.xlsx#`) lock file.
    LockFile,
    /// A name starting with a dot.
    Hidden,
    /// A FIFO, socket, device, or a link to one or to nothing.
    NotRegular,
    /// A 自评报告 (checked only with its workbook among the inputs).
    Report,
    /// Any other file: not a workbook by its extension.
    NotWorkbook,
}

impl Skip {
    /// The reason, as the line naming the file says it.
    pub fn reason(self, lang: Lang) -> &'static str {
        let key = match self {
            Skip::OwnOutput => NoteMsg::SkipOwnOutput,
            Skip::Summary => NoteMsg::SkipSummary,
            Skip::LockFile => NoteMsg::SkipLockFile,
            Skip::Hidden => NoteMsg::SkipHidden,
            Skip::NotRegular => NoteMsg::SkipNotRegular,
            Skip::Report => NoteMsg::SkipReport,
            Skip::NotWorkbook => NoteMsg::SkipNotWorkbook,
        };
        key.text(lang)
    }
}

/// What a folder entry is to the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    Check,
    Skip(Skip),
}

/// The names in one directory, sorted as [`Path`] components sort, packed in one buffer.
struct Listing {
    dir: PathBuf,
    /// The directory relative to the folder given (for the output folder).
    rel: PathBuf,
    names: Vec<u8>,
    /// (start, len, kind) into `names`.
    entries: Vec<(u32, u16, Kind)>,
    next: usize,
}

impl Listing {
    /// The folder's listing, or an input saying it cannot be read. The folder is read twice, to
    /// allocate the listing once at its exact size (a large folder's listing is the biggest thing
    /// a batch keeps).
    fn read(dir: PathBuf, rel: PathBuf, skip_summaries: &[String]) -> Result<Listing, Input> {
        let (mut count, mut bytes) = (0usize, 0usize);
        scan(&dir, |name, _| {
            count += 1;
            bytes += name.len();
        })
        .map_err(|e| Input {
            error: Some(msg!(ErrMsg::FolderUnreadable, errors::os_error(&e))),
            ..Input::new(dir.clone(), None)
        })?;
        let mut names = Vec::with_capacity(bytes);
        let mut entries = Vec::with_capacity(count);
        let _ = scan(&dir, |name, kind| {
            let kind = match kind {
                Kind::Check => classify(&dir.join(name), skip_summaries),
                other => other,
            };
            let bytes = name.as_encoded_bytes();
            if let (Ok(start), Ok(len)) = (u32::try_from(names.len()), u16::try_from(bytes.len())) {
                names.extend_from_slice(bytes);
                entries.push((start, len, kind));
            }
        });
        let name_of = |&(s, l, _): &(u32, u16, Kind)| &names[s as usize..s as usize + l as usize];
        entries.sort_unstable_by(|a, b| name_of(a).cmp(name_of(b)));
        Ok(Listing {
            dir,
            rel,
            names,
            entries,
            next: 0,
        })
    }

    fn bytes(&self, i: usize) -> &[u8] {
        let (s, l, _) = self.entries[i];
        &self.names[s as usize..s as usize + l as usize]
    }

    /// Whether another file to check in this folder has the same stem (what the outputs are
    /// named after) and keeps the usual names: the .xlsx one, else the first. Names sharing the
    /// prefix `stem.` sort next to each other, so only those are looked at.
    fn yields_stem(&self, i: usize) -> bool {
        let stem_of = |b: &[u8]| match b.iter().rposition(|&c| c == b'.') {
            Some(0) | None => b.len(),
            Some(dot) => dot,
        };
        let is_xlsx = |b: &[u8]| b.len() >= 5 && b[b.len() - 5..].eq_ignore_ascii_case(b".xlsx");
        let name = self.bytes(i);
        let stem = &name[..stem_of(name)];
        let same_stem = |j: usize| {
            let other = self.bytes(j);
            self.entries[j].2 == Kind::Check && &other[..stem_of(other)] == stem
        };
        let near = |j: &usize| {
            let other = self.bytes(*j);
            other.len() > stem.len() && other.starts_with(stem) && other[stem.len()] == b'.'
        };
        let mut group: Vec<usize> = (0..i)
            .rev()
            .take_while(near)
            .filter(|&j| same_stem(j))
            .collect();
        group.reverse();
        group.push(i);
        group.extend(
            (i + 1..self.entries.len())
                .take_while(near)
                .filter(|&j| same_stem(j)),
        );
        let owner = group
            .iter()
            .copied()
            .find(|&j| is_xlsx(self.bytes(j)))
            .unwrap_or(group[0]);
        owner != i
    }

    fn name(&self, i: usize) -> &OsStr {
        // SAFETY: the bytes are a whole name taken from `OsStr::as_encoded_bytes` above.
        unsafe { OsStr::from_encoded_bytes_unchecked(self.bytes(i)) }
    }
}

/// Calls `found(name, kind)` for each entry of `dir` but jixiao's own temporary files: folders
/// (links to folders are not followed: no loops), files that are regular by their type
/// ([`Kind::Check`], to be classified by name) and the rest ([`Skip::NotRegular`]).
fn scan(dir: &Path, mut found: impl FnMut(&OsStr, Kind)) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        if files::is_temp_name(&name) {
            continue;
        }
        let regular = kind.is_file() || (kind.is_symlink() && entry.path().is_file());
        let kind = if kind.is_dir() {
            Kind::Dir
        } else if regular {
            Kind::Check
        } else {
            Kind::Skip(Skip::NotRegular)
        };
        found(&name, kind);
    }
    Ok(())
}

/// Whether the regular file at `path` is checked, or why not: by its name, and for names
/// jixiao's outputs take, by the mark jixiao writes into them.
fn classify(path: &Path, skip_summaries: &[String]) -> Kind {
    let name = file_name(path);
    if is_lock_name(&name) {
        return Kind::Skip(Skip::LockFile);
    }
    if name.starts_with('.') {
        return Kind::Skip(Skip::Hidden);
    }
    if !has_workbook_extension(&name) {
        let word = [".docx", ".doc", ".wps"].iter().any(|e| name.ends_with(e));
        if word && crate::narrative::is_report_name(path) {
            return Kind::Skip(Skip::Report);
        }
        return Kind::Skip(Skip::NotWorkbook);
    }
    match own_file(path, skip_summaries) {
        Some(skip) => Kind::Skip(skip),
        None => Kind::Check,
    }
}

/// Whether `path` is one of jixiao's outputs: named as one and carrying the mark.
fn own_file(path: &Path, skip_summaries: &[String]) -> Option<Skip> {
    let raw = path.file_name().unwrap_or_default();
    if skip_summaries.iter().any(|s| raw == OsStr::new(s)) && annotate::carries_mark(path) {
        return Some(Skip::Summary);
    }
    annotate::is_jixiao_output(path).then_some(Skip::OwnOutput)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_lock_name(name: &str) -> bool {
    name.starts_with("~$") || (name.starts_with(".~lock.") && name.ends_with('#'))
}

fn has_workbook_extension(name: &str) -> bool {
    [".xlsx", ".xls", ".ods", ".et", ".xlsm"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Every file to check, in a stable order: the paths in the order given, and below a folder in
/// path order (what sorting the full paths gives), one directory listing in memory per level.
pub struct Walker {
    roots: std::vec::IntoIter<PathBuf>,
    out_dir: Option<PathBuf>,
    skip_summaries: Vec<String>,
    stack: Vec<Listing>,
}

impl Walker {
    pub fn new(paths: &[PathBuf], out_dir: Option<PathBuf>, skip_summaries: Vec<String>) -> Self {
        Walker {
            roots: Vec::from(paths).into_iter(),
            out_dir,
            skip_summaries,
            stack: Vec::new(),
        }
    }

    /// A path given that is not a folder: checked unless it is a lock file, a summary or an
    /// annotated copy of jixiao's (by its mark); a corrected copy named is checked, as it is the
    /// workbook a department sends on. Anything else, a FIFO too, is read and fails on its own.
    fn root_file(&self, root: PathBuf) -> Input {
        let mut input = Input::new(root, self.out_dir.clone());
        if std::fs::symlink_metadata(&input.path).is_err() {
            input.error = Some(ErrMsg::NoSuchPath.into());
            return input;
        }
        let name = file_name(&input.path);
        if is_lock_name(&name) {
            input.skipped = Some(Skip::LockFile);
        } else if std::fs::metadata(&input.path).is_ok_and(|m| m.is_file()) {
            input.skipped = own_file(&input.path, &self.skip_summaries)
                .filter(|skip| !(*skip == Skip::OwnOutput && name.ends_with(".corrected.xlsx")));
        }
        input
    }
}

impl Iterator for Walker {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some(top) = self.stack.last_mut() {
                if top.next >= top.entries.len() {
                    self.stack.pop();
                    continue;
                }
                let i = top.next;
                top.next += 1;
                let name = top.name(i).to_os_string();
                let path = top.dir.join(&name);
                let kind = top.entries[i].2;
                if kind == Kind::Dir {
                    let rel = top.rel.join(&name);
                    match Listing::read(path, rel, &self.skip_summaries) {
                        Ok(listing) => self.stack.push(listing),
                        Err(unreadable) => return Some(unreadable),
                    }
                    continue;
                }
                let out_dir = self.out_dir.as_ref().map(|o| o.join(&top.rel));
                let mut input = Input::new(path, out_dir);
                match kind {
                    Kind::Skip(skip) => input.skipped = Some(skip),
                    _ => input.full_name = top.yields_stem(i),
                }
                return Some(input);
            }
            let root = self.roots.next()?;
            if root.is_dir() {
                match Listing::read(root, PathBuf::new(), &self.skip_summaries) {
                    Ok(listing) => self.stack.push(listing),
                    Err(unreadable) => return Some(unreadable),
                }
            } else {
                return Some(self.root_file(root));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walker_sorts_like_full_paths_and_skips_non_workbooks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b.xlsx",
            "a.xlsx",
            "a/z.xls",
            "a/b/c.ods",
            "a-b.xlsx",
            "~$a.xlsx",
            ".hidden.xlsx",
            "a.checked.xlsx",
            "a.corrected.xlsx",
            "notes.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let walked: Vec<PathBuf> = Walker::new(&[root.to_path_buf()], None, vec![])
            .filter(|i| i.skipped.is_none())
            .map(|i| i.path)
            .collect();
        // Named as jixiao's outputs but without its mark: department files, checked.
        let mut expected: Vec<PathBuf> = [
            "a/b/c.ods",
            "a/z.xls",
            "a-b.xlsx",
            "a.xlsx",
            "b.xlsx",
            "a.checked.xlsx",
            "a.corrected.xlsx",
        ]
        .iter()
        .map(|f| root.join(f))
        .collect();
        expected.sort();
        assert_eq!(walked, expected);
    }

    #[test]
    fn files_sharing_a_stem_with_the_xlsx_one_are_named_in_full() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "表-2.xlsx",
            "表.b.xlsx",
            "表.ods",
            "表.xls",
            "表.xlsx",
            "表.x/a.xlsx",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let marks: Vec<(String, bool)> = Walker::new(&[dir.path().to_path_buf()], None, vec![])
            .map(|i| {
                let rel = i.path.strip_prefix(dir.path()).unwrap();
                (rel.to_string_lossy().into_owned(), i.full_name)
            })
            .collect();
        let want: Vec<(String, bool)> = [
            ("表-2.xlsx", false),
            ("表.b.xlsx", false),
            ("表.ods", true),
            ("表.x/a.xlsx", false),
            ("表.xls", true),
            ("表.xlsx", false),
        ]
        .iter()
        .map(|(f, b)| (f.to_string(), *b))
        .collect();
        assert_eq!(marks, want);
    }

    #[test]
    fn output_folder_mirrors_the_folders_below_the_one_given() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        std::fs::create_dir_all(root.join("农业局")).unwrap();
        std::fs::write(root.join("农业局/表.xlsx"), b"x").unwrap();
        std::fs::write(root.join("表.xlsx"), b"x").unwrap();
        let out = dir.path().join("out");
        let dirs: Vec<Option<PathBuf>> = Walker::new(&[root], Some(out.clone()), vec![])
            .map(|i| i.out_dir)
            .collect();
        assert_eq!(dirs, vec![Some(out.join("农业局")), Some(out.clone())]);
    }
}
