//! The calling thread's side of a run: files handed to the workers at most a window ahead of the
//! last one printed, reports printed in input order from a reorder buffer.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use indicatif::ProgressBar;

use super::progress::Tally;
use super::sink::Sink;
use super::walk::{Input, Skip, Walker};
use super::worker::{Done, Job};
use crate::annotate::{self, Lang};
use crate::model::files;
use crate::model::text::terminal_safe;
use crate::report::msg::{self, Msg};
use crate::summary::RowStore;

/// What the loop works with besides the channels.
pub(super) struct Order<'a, 'b> {
    pub window: usize,
    /// Whether the files' annotated or corrected copies are written (so outputs can clash).
    pub writes: bool,
    pub progress: Option<&'a ProgressBar>,
    pub sink: &'a mut Sink<'b>,
    pub rows: &'a mut RowStore,
    /// Language of the progress bar and of the lines on files not checked.
    pub lang: Lang,
    /// The lines on files not checked go to stderr (JSON on stdout), else with the reports.
    pub skips_on_stderr: bool,
    /// Set on Ctrl-C: no more files are started.
    pub stop: &'a AtomicBool,
}

/// How a run went: the highest exit status, the files named but not checked, and whether it
/// was stopped before every file was checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ran {
    pub exit: i32,
    pub skipped: usize,
    pub interrupted: bool,
}

impl Order<'_, '_> {
    /// Feeds `inputs` to `jobs` and prints what comes back on `done` until every file is printed
    /// (or, once stopped, every file started).
    pub(super) fn run(
        mut self,
        mut inputs: Walker,
        jobs: mpsc::Sender<Job>,
        done: &mpsc::Receiver<Done>,
    ) -> Ran {
        let mut jobs = Some(jobs);
        let mut claims = Claims::new();
        let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
        let (mut next_in, mut next_out) = (0usize, 0usize);
        let mut tally = Tally::new(self.lang);
        let mut ran = Ran::default();
        loop {
            while next_in < next_out + self.window {
                let Some(tx) = &jobs else {
                    break;
                };
                let input = if self.stop.load(Ordering::Relaxed) {
                    ran.interrupted = true;
                    None
                } else {
                    inputs.next()
                };
                let Some(input) = input else {
                    jobs = None; // no more work: the workers stop once the queue is empty
                    break;
                };
                let renamed = claims.claim(&input, self.writes);
                if let Some(skip) = input.skipped {
                    pending.insert(next_in, self.skip_line(next_in, &input, skip));
                } else if tx.send((next_in, input, renamed)).is_err() {
                    jobs = None;
                    break;
                }
                next_in += 1;
            }
            self.print_ready(&mut pending, &mut next_out, &mut ran);
            if next_out == next_in && jobs.is_none() {
                break;
            }
            let Ok(one) = done.recv() else {
                break;
            };
            if one.row.is_some() {
                tally.record(self.progress, one.exit);
            }
            pending.insert(one.index, one);
            self.print_ready(&mut pending, &mut next_out, &mut ran);
        }
        ran.interrupted |= self.stop.load(Ordering::Relaxed) && inputs.next().is_some();
        ran
    }

    /// The line naming a file not checked, and why.
    fn skip_line(&self, index: usize, input: &Input, skip: Skip) -> Done {
        let path = files::shown(&input.path);
        let what = [
            &terminal_safe(&path) as &dyn std::fmt::Display,
            &skip.reason(self.lang),
        ];
        let rendered = msg::fill(Msg::Skipped, self.lang, &what) + "\n";
        Done {
            index,
            rendered,
            row: None,
            exit: 0,
            skipped: true,
        }
    }

    /// Prints what is in `pending` from `next_out` on, as far as it goes without a gap.
    fn print_ready(
        &mut self,
        pending: &mut BTreeMap<usize, Done>,
        next_out: &mut usize,
        ran: &mut Ran,
    ) {
        while let Some(one) = pending.remove(next_out) {
            *next_out += 1;
            if one.skipped {
                ran.skipped += 1;
                if self.skips_on_stderr {
                    eprint!("{}", one.rendered);
                } else {
                    self.print(&one.rendered);
                }
                continue;
            }
            // None: a file the stop came before, with nothing to print.
            if let Some(row) = &one.row {
                ran.exit = ran.exit.max(one.exit);
                self.print(&one.rendered);
                self.rows.push(row);
            }
        }
    }

    /// A closed stdout (`| head`) stops the printing, not the checking: the annotated copies
    /// and the summary are still wanted.
    fn print(&mut self, text: &str) {
        match self.progress {
            Some(bar) => bar.suspend(|| self.sink.item(text)),
            None => self.sink.item(text),
        }
    }
}

/// The output paths files of the batch will write and the paths of the inputs, so that no
/// two files write the same copy and no copy lands on an input.
struct Claims {
    /// Hashes of the paths claimed.
    claimed: HashSet<u64>,
}

/// Names tried after the whole file name (`表.xls-2`, …) before a file goes without copies.
const NUMBERED_NAMES: usize = 100;

impl Claims {
    fn new() -> Self {
        Claims {
            claimed: HashSet::new(),
        }
    }

    /// The name `input`'s outputs get instead of its stem, when the stem's outputs are taken:
    /// its whole name (`表.xls` → `表.xls.checked.xlsx`), then that numbered. None when the
    /// usual names are free; the input's own path is claimed either way.
    fn claim(&mut self, input: &Input, writes: bool) -> Option<OsString> {
        // jixiao's own outputs met as inputs stay replaceable; any other input is not.
        if !matches!(input.skipped, Some(Skip::OwnOutput | Skip::Summary)) {
            self.claimed.insert(hash_path(&input.path));
        }
        if !writes || input.error.is_some() || input.skipped.is_some() {
            return None;
        }
        let whole = input.path.file_name().unwrap_or_default();
        let numbered = (2..NUMBERED_NAMES + 2).map(|n| {
            let mut name = whole.to_os_string();
            name.push(format!("-{n}"));
            Some(name)
        });
        let usual = (!input.full_name).then_some(None);
        let candidates = usual
            .into_iter()
            .chain([Some(whole.to_os_string())])
            .chain(numbered);
        for stem in candidates {
            let dests = ["checked", "corrected"].map(|suffix| {
                annotate::output_path_named(
                    &input.path,
                    stem.as_deref(),
                    input.out_dir.as_deref(),
                    suffix,
                )
            });
            let free = dests
                .iter()
                .all(|d| !self.claimed.contains(&hash_path(d)) && !is_other_input(d, &input.path));
            if free {
                for d in &dests {
                    self.claimed.insert(hash_path(d));
                }
                return stem;
            }
        }
        // Every name taken: the usual one, which the write then refuses as not jixiao's.
        None
    }
}

/// Whether `dest` is a workbook beside `input` that is not jixiao's: a file the batch checks,
/// or would if it were named, which no output replaces.
fn is_other_input(dest: &Path, input: &Path) -> bool {
    dest.parent() == input.parent()
        && std::fs::symlink_metadata(dest).is_ok_and(|m| m.len() > 0)
        && !annotate::is_jixiao_output(dest)
}

fn hash_path(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}
