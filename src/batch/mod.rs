//! Checking many workbooks: folders walked in a stable order, files checked in parallel (rayon),
//! reports streamed out in that order, and one small [`SummaryRow`] kept per file.
//!
//! Memory does not grow with the number of workbooks: a folder is listed one directory at a time
//! (names packed in one buffer), at most [`window`] files are between "started" and "printed",
//! each file's [`Workbook`](crate::model::Workbook) lives only inside its worker, and the rows
//! for the summary go to a spill file ([`RowStore`]).

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::annotate::{self, Lang};
use crate::model::{FileReport, Status};
use crate::pipeline::{check_file, Options};
use crate::report;
use crate::summary::{RowStore, SummaryRow};

/// How reports are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// What one batch run needs besides the per-file [`Options`].
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    pub format: Format,
    /// Worker threads; `None` = [`default_jobs`].
    pub jobs: Option<usize>,
    /// Draw a progress bar on stderr (the caller decides: a terminal, text output, > 1 file).
    pub progress: bool,
    /// Names of files jixiao wrote as summaries; skipped when found in a folder (if marked).
    pub skip_summaries: Vec<String>,
}

/// What a run leaves behind once every report is printed.
pub struct BatchResult {
    /// Highest per-file exit status (0 when there was no file).
    pub exit: i32,
    /// One row per file, in input order, ready to be read back sorted worst first.
    pub rows: RowStore,
    /// Printing the reports failed (other than a closed pipe); checking went on.
    pub output_error: Option<io::Error>,
}

/// One worker per core; two when outputs are written, since each copy ends in an fsync that
/// leaves its core idle (measured: 13% less wall time at N = 1,000 on 2 cores).
pub fn default_jobs(opts: &Options) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if opts.annotate || opts.fix {
        cores * 2
    } else {
        cores
    }
}

/// Files between "handed to a worker" and "printed": the reorder buffer holds at most this many.
pub fn window(jobs: usize) -> usize {
    (jobs * 8).max(16)
}

// ---------------------------------------------------------------------------------------------
// Inputs: the paths given, folders walked lazily in path order.

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
            error: Some(format!("无法读取文件夹（{e}）；请检查权限")),
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

// ---------------------------------------------------------------------------------------------
// The parallel run.

/// One file's results as the consumer needs them: printed text and a summary row.
struct Done {
    index: usize,
    /// The text report, or the file's JSON object (pretty, indented for the `files` array).
    rendered: String,
    row: SummaryRow,
    exit: i32,
}

/// A file handed to a worker: its index in input order, and the annotated-copy path it would
/// share with an earlier file, if any.
type Job = (usize, Input, Option<PathBuf>);

/// Checks every input, `opts` applying to each; prints each report on `out` as soon as it and all
/// before it are done, and returns the exit status and the summary rows.
///
/// The calling thread walks the inputs, hands at most `window` files beyond the last one printed
/// to the workers, and prints in order. Everything that lives for the whole run (the folder
/// listing, the output paths claimed, the summary index) is allocated on this thread, apart from
/// the workers' per-file churn, so that a long run does not fragment their heaps.
pub fn run(
    mut inputs: Walker,
    total: Option<usize>,
    opts: &Options,
    batch: &BatchOptions,
    out: &mut dyn Write,
) -> io::Result<BatchResult> {
    let jobs = batch
        .jobs
        .filter(|&j| j > 0)
        .unwrap_or_else(|| default_jobs(opts));
    let window = window(jobs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("jixiao-{i}"))
        .build()
        .map_err(io::Error::other)?;
    let progress = make_progress(batch.progress, total);
    let writes = opts.annotate || opts.fix;

    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let mut rows = RowStore::new();
    let mut exit = 0;
    let mut sink = Sink::new(batch.format, out);

    pool.in_place_scope(|scope| {
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (job_rx, progress) = (&job_rx, &progress);
            scope.spawn(move |_| worker(job_rx, opts, batch.format, progress, done_tx));
        }
        drop(done_tx);
        let mut job_tx = Some(job_tx);
        let mut claimed: HashSet<u64> = HashSet::new();
        let global_claims = inputs.many_roots();
        // The reorder buffer: at most `window` files handed out and not yet printed.
        let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
        let (mut next_in, mut next_out) = (0usize, 0usize);
        let (mut with_errors, mut failed) = (0usize, 0usize);
        loop {
            while next_in < next_out + window {
                let Some(tx) = &job_tx else {
                    break;
                };
                let Some(input) = inputs.next() else {
                    job_tx = None; // no more work: the workers stop once the queue is empty
                    break;
                };
                let clash = if writes && input.error.is_none() {
                    let dest =
                        annotate::output_path(&input.path, input.out_dir.as_deref(), "checked");
                    // Within one folder given, only same-stem neighbours can collide; across
                    // several, the output paths claimed so far are remembered (by hash).
                    let taken =
                        input.shares_stem || (global_claims && !claimed.insert(hash_path(&dest)));
                    taken.then_some(dest)
                } else {
                    None
                };
                if tx.send((next_in, input, clash)).is_err() {
                    job_tx = None;
                    break;
                }
                next_in += 1;
            }
            if next_out == next_in && job_tx.is_none() {
                break;
            }
            let Ok(done) = done_rx.recv() else {
                break;
            };
            match done.exit {
                2 => failed += 1,
                1 => with_errors += 1,
                _ => {}
            }
            if let Some(bar) = &progress {
                bar.inc(1);
                bar.set_prefix(format!("有误 {with_errors} · 无法检查 {failed}"));
            }
            pending.insert(done.index, done);
            while let Some(done) = pending.remove(&next_out) {
                exit = exit.max(done.exit);
                // A closed stdout (`| head`) stops the printing, not the checking: the
                // annotated copies and the summary are still wanted.
                let _ = match &progress {
                    Some(bar) => bar.suspend(|| sink.item(&done.rendered)),
                    None => sink.item(&done.rendered),
                };
                rows.push(&done.row);
                next_out += 1;
            }
        }
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let output_error = sink
        .finish()
        .err()
        .filter(|e| e.kind() != io::ErrorKind::BrokenPipe);
    Ok(BatchResult {
        exit,
        rows,
        output_error,
    })
}

fn worker(
    jobs: &Mutex<mpsc::Receiver<Job>>,
    opts: &Options,
    format: Format,
    progress: &Option<ProgressBar>,
    done: mpsc::Sender<Done>,
) {
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((index, input, clash)) = job else {
            return;
        };
        if let Some(bar) = progress {
            bar.set_message(input.path.display().to_string());
        }
        let result = finish_one(index, &input, clash.as_deref(), opts, format);
        drop(input);
        if done.send(result).is_err() {
            return;
        }
    }
}

/// Checks one file and renders what the consumer needs; the report is dropped here.
fn finish_one(
    index: usize,
    input: &Input,
    clash: Option<&Path>,
    opts: &Options,
    format: Format,
) -> Done {
    let done = |report: &FileReport| Done {
        index,
        rendered: render(report, format, opts.lang),
        row: SummaryRow::from_report(report),
        exit: report.exit_code(),
    };
    match catch_unwind(AssertUnwindSafe(|| done(&check_one(input, clash, opts)))) {
        Ok(d) => d,
        // A panic anywhere in one file's work fails that file only; a missing index would
        // stall the reorder buffer.
        Err(panic) => done(&FileReport::failed(
            input.path.display().to_string(),
            internal_error(panic),
        )),
    }
}

fn internal_error(panic: Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("检查时出现内部错误（{what}）；请把该文件发给 jixiao 的维护者")
}

fn hash_path(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Checks one file; a panic inside the checker becomes a failed report for that file only.
fn check_one(input: &Input, clash: Option<&Path>, opts: &Options) -> FileReport {
    let display = input.path.display().to_string();
    if let Some(e) = &input.error {
        return FileReport::failed(display, e.clone());
    }
    let run = || {
        if clash.is_none() && input.out_dir == opts.out_dir {
            check_file(&input.path, opts)
        } else {
            let mut own = opts.clone();
            own.out_dir = input.out_dir.clone();
            if clash.is_some() {
                own.annotate = false;
                own.fix = false;
            }
            check_file(&input.path, &own)
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(mut report) => {
            if let (Some(dest), Status::Checked) = (clash, report.status) {
                report.notes.push(format!(
                    "未写出批注副本：本批次中另一个同名文件已写出 {}；请把其中一个文件改名后单独检查",
                    dest.display()
                ));
            }
            report
        }
        Err(panic) => FileReport::failed(display, internal_error(panic)),
    }
}

fn render(report: &FileReport, format: Format, lang: Lang) -> String {
    match format {
        Format::Text => report::to_text(report, lang),
        Format::Json => json_element(report),
    }
}

/// One element of the `files` array exactly as `serde_json::to_string_pretty` of the whole
/// `{"files":[…]}` writes it: the element's own pretty form, every line indented four spaces.
fn json_element(report: &FileReport) -> String {
    let pretty = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        format!(
            "{{\"path\":{:?},\"error\":{:?}}}",
            report.path,
            e.to_string()
        )
    });
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (i, line) in pretty.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

/// Writes reports as they come: text blocks one after another, or the `{"files":[…]}` document
/// element by element (identical to [`report::to_json`] of all of them).
struct Sink<'a> {
    format: Format,
    out: &'a mut dyn Write,
    items: usize,
    failed: Option<io::Error>,
}

impl<'a> Sink<'a> {
    fn new(format: Format, out: &'a mut dyn Write) -> Self {
        Sink {
            format,
            out,
            items: 0,
            failed: None,
        }
    }

    fn item(&mut self, rendered: &str) -> io::Result<()> {
        if let Some(e) = &self.failed {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        let r = match self.format {
            Format::Text => self.out.write_all(rendered.as_bytes()),
            Format::Json => {
                let lead: &[u8] = if self.items == 0 {
                    b"{\n  \"files\": [\n"
                } else {
                    b",\n"
                };
                self.out
                    .write_all(lead)
                    .and_then(|_| self.out.write_all(rendered.as_bytes()))
            }
        };
        self.items += 1;
        let r = r.and_then(|_| self.out.flush());
        if let Err(e) = &r {
            self.failed = Some(io::Error::new(e.kind(), e.to_string()));
        }
        r
    }

    fn finish(self) -> io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        if self.format == Format::Json {
            let tail: &[u8] = if self.items == 0 {
                b"{\n  \"files\": []\n}\n"
            } else {
                b"\n  ]\n}\n"
            };
            self.out.write_all(tail)?;
        }
        self.out.flush()
    }
}

fn make_progress(wanted: bool, total: Option<usize>) -> Option<ProgressBar> {
    if !wanted {
        return None;
    }
    let bar = ProgressBar::with_draw_target(
        total.map(|t| t as u64),
        ProgressDrawTarget::stderr_with_hz(10),
    );
    let style = ProgressStyle::with_template(
        "{bar:30.cyan/blue} {pos}/{len} {prefix} [{elapsed_precise}] {wide_msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    bar.set_style(style);
    bar.set_prefix("有误 0 · 无法检查 0");
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &str, findings: bool) -> FileReport {
        let mut r = FileReport::failed(path.to_string(), "坏了 \"引号\"\n换行".to_string());
        if findings {
            r.status = Status::Checked;
            r.error = None;
            r.department = Some("某局".into());
            r.notes.push("说明".into());
        }
        r
    }

    fn streamed(reports: &[FileReport]) -> String {
        let mut buf = Vec::new();
        {
            let mut sink = Sink::new(Format::Json, &mut buf);
            for r in reports {
                sink.item(&json_element(r)).unwrap();
            }
            sink.finish().unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn streamed_json_is_the_whole_document_byte_for_byte() {
        for reports in [
            vec![],
            vec![report("a.xlsx", false)],
            vec![report("a.xlsx", true), report("b/c.xlsx", false)],
        ] {
            assert_eq!(streamed(&reports), report::to_json(&reports) + "\n");
        }
    }

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
