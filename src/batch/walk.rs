//! Inputs: the paths given, folders walked lazily in path order.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

use crate::annotate::Lang;
use crate::report::os_error;

/// One file to check, in input order.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// Where this file's outputs go: `-o` plus the file's folder below the folder given, so that
    /// `农业局/自评表.xlsx` and `教育局/自评表.xlsx` do not write the same annotated copy.
    pub out_dir: Option<PathBuf>,
    /// Known before reading (a path that does not exist).
    pub error: Option<String>,
    /// An earlier file in the same folder has the same name but for the extension (`表.xls`,
    /// `表.xlsx`), so this one's outputs would overwrite its outputs.
    pub shares_stem: bool,
}

/// The names in one directory, sorted as [`Path`] components sort, packed in one buffer.
struct Listing {
    dir: PathBuf,
    /// The directory relative to the folder given (for the output folder).
    rel: PathBuf,
    names: Vec<u8>,
    /// (start, len, is_dir) into `names`: eight bytes a name.
    entries: Vec<(u32, u16, bool)>,
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
            error: Some(format!(
                "无法读取文件夹（{}）；请检查权限",
                os_error(&e, Lang::Zh)
            )),
            path: dir.clone(),
            out_dir: None,
            shares_stem: false,
        })?;
        let mut names = Vec::with_capacity(bytes);
        let mut entries = Vec::with_capacity(count);
        let _ = scan(&dir, |name, is_dir| {
            if !is_dir
                && skip_summaries.iter().any(|s| name == OsStr::new(s))
                && crate::summary::is_jixiao_summary(&dir.join(name))
            {
                return;
            }
            let bytes = name.as_encoded_bytes();
            if let (Ok(start), Ok(len)) = (u32::try_from(names.len()), u16::try_from(bytes.len())) {
                names.extend_from_slice(bytes);
                entries.push((start, len, is_dir));
            }
        });
        let name_of = |&(s, l, _): &(u32, u16, bool)| &names[s as usize..s as usize + l as usize];
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

    /// Whether a file before entry `i` has the same stem (what the output is named after). Names
    /// sharing the prefix `stem.` sort next to each other, so only those are looked at.
    fn shares_stem(&self, i: usize) -> bool {
        let stem_of = |b: &[u8]| match b.iter().rposition(|&c| c == b'.') {
            Some(0) | None => b.len(),
            Some(dot) => dot,
        };
        let name = self.bytes(i);
        let stem = &name[..stem_of(name)];
        (0..i)
            .rev()
            .map(|j| (j, self.bytes(j)))
            .take_while(|(_, other)| {
                other.len() > stem.len() && other.starts_with(stem) && other[stem.len()] == b'.'
            })
            .any(|(j, other)| !self.entries[j].2 && &other[..stem_of(other)] == stem)
    }

    fn name(&self, i: usize) -> &OsStr {
        // SAFETY: the bytes are a whole name taken from `OsStr::as_encoded_bytes` above.
        unsafe { OsStr::from_encoded_bytes_unchecked(self.bytes(i)) }
    }
}

/// Calls `found(name, is_dir)` for each folder and workbook in `dir` (lock files, hidden files and
/// jixiao's outputs left out). Symbolic links to folders are not followed (no loops); links to
/// files are.
fn scan(dir: &Path, mut found: impl FnMut(&OsStr, bool)) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let is_dir = kind.is_dir();
        let is_file = kind.is_file() || (kind.is_symlink() && entry.path().is_file());
        if is_dir || is_file && is_workbook_name(Path::new(&name)) {
            found(&name, is_dir);
        }
    }
    Ok(())
}

/// Every file to check, in a stable order: the paths in the order given, and below a folder in
/// path order (what sorting the full paths gives), one directory listing in memory per level.
pub struct Walker {
    roots: std::vec::IntoIter<PathBuf>,
    many_roots: bool,
    out_dir: Option<PathBuf>,
    skip_summaries: Vec<String>,
    stack: Vec<Listing>,
}

impl Walker {
    pub fn new(paths: &[PathBuf], out_dir: Option<PathBuf>, skip_summaries: Vec<String>) -> Self {
        Walker {
            roots: Vec::from(paths).into_iter(),
            many_roots: paths.len() > 1,
            out_dir,
            skip_summaries,
            stack: Vec::new(),
        }
    }
}

impl Walker {
    /// Whether files from different paths given could share an output folder (two folders with
    /// the same subfolders and `-o`, or files named one by one).
    pub fn many_roots(&self) -> bool {
        self.many_roots
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
                if top.entries[i].2 {
                    let rel = top.rel.join(&name);
                    match Listing::read(path, rel, &self.skip_summaries) {
                        Ok(listing) => self.stack.push(listing),
                        Err(unreadable) => return Some(unreadable),
                    }
                    continue;
                }
                let out_dir = self.out_dir.as_ref().map(|o| o.join(&top.rel));
                return Some(Input {
                    path,
                    out_dir,
                    error: None,
                    shares_stem: top.shares_stem(i),
                });
            }
            let root = self.roots.next()?;
            if root.is_dir() {
                match Listing::read(root, PathBuf::new(), &self.skip_summaries) {
                    Ok(listing) => self.stack.push(listing),
                    Err(unreadable) => return Some(unreadable),
                }
            } else if root.exists() {
                return Some(Input {
                    path: root,
                    out_dir: self.out_dir.clone(),
                    error: None,
                    shares_stem: false,
                });
            } else {
                return Some(Input {
                    path: root,
                    out_dir: self.out_dir.clone(),
                    error: Some("文件不存在；请检查路径".to_string()),
                    shares_stem: false,
                });
            }
        }
    }
}

/// Workbook extensions, skipping Office/WPS lock files, hidden files and jixiao's own outputs.
pub fn is_workbook_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext_ok = [".xlsx", ".xls", ".ods", ".et", ".xlsm"]
        .iter()
        .any(|e| name.ends_with(e));
    ext_ok
        && !name.starts_with("~$")
        && !name.starts_with('.')
        && !name.contains(".checked.")
        && !name.contains(".corrected.")
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
            .map(|i| i.path)
            .collect();
        let mut expected: Vec<PathBuf> = ["a/b/c.ods", "a/z.xls", "a-b.xlsx", "a.xlsx", "b.xlsx"]
            .iter()
            .map(|f| root.join(f))
            .collect();
        expected.sort();
        assert_eq!(walked, expected);
    }

    #[test]
    fn files_sharing_a_stem_with_an_earlier_one_are_marked() {
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
                (rel.to_string_lossy().into_owned(), i.shares_stem)
            })
            .collect();
        let want: Vec<(String, bool)> = [
            ("表-2.xlsx", false),
            ("表.b.xlsx", false),
            ("表.ods", false),
            ("表.x/a.xlsx", false),
            ("表.xls", true),
            ("表.xlsx", true),
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
